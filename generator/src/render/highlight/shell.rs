//! Shell scripts and commands in one pass over the text.
//!
//! `syntaxes/Shell.sublime-syntax` stays the definition of what is what;
//! this applies the same rules without a regex engine (syntect spent most
//! of a script tab's time trying each pattern at each position). It finds
//! the same tokens at the same places and breaks the text where syntect's
//! scope changes break it, so the spans come out byte for byte the same: a
//! test holds the two equal on every script of the catalog and on a
//! generated corpus of awkward input.
//!
//! How syntect reads the grammar, and so this: at each position of a line
//! the first rule of the current context that matches there wins; text no
//! rule matches is skipped. Strings run across lines; comments end with
//! theirs. A keyword takes the blank or `;` after it along, so a `#` right
//! after `then ` is not a comment (the grammar's comment rule needs that
//! blank itself): odd, but it is what the grammar says.

use super::{Class, Spans};

/// Words the grammar's keyword rule lists, in its order.
const KEYWORDS: [&str; 22] = [
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "function", "in", "return", "exit", "set", "local", "export", "readonly", "trap", "source",
];

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Main,
    Double,
    Single,
}

/// One line's text written as classed pieces, cut where syntect's scope
/// operations are.
struct Line<'a, 'b, 'c> {
    line: &'a str,
    out: &'b mut Spans<'c>,
    at: usize,
    class: Option<Class>,
}

impl Line<'_, '_, '_> {
    /// A scope change at `pos`: what came before it goes out in the old class.
    fn change(&mut self, pos: usize, class: Option<Class>) {
        self.out.push(&self.line[self.at..pos], self.class);
        self.at = pos;
        self.class = class;
    }

    fn finish(self) {
        self.out.push(&self.line[self.at..], self.class);
    }
}

/// `code` (a shell script) as classed spans.
pub(super) fn shell(code: &str, out: &mut Spans) -> Option<()> {
    let mut context = Context::Main;
    for line in code.split_inclusive('\n') {
        let class = match context {
            Context::Main => None,
            Context::Double | Context::Single => Some(Class::String),
        };
        let mut w = Line {
            line,
            out,
            at: 0,
            class,
        };
        let b = line.as_bytes();
        let mut q = 0;
        while q < b.len() {
            match context {
                Context::Main => {
                    if let Some(hash) = comment_at(line, q) {
                        // `.*` up to the line's end, `$` before its newline.
                        let end = line.strip_suffix('\n').unwrap_or(line).len();
                        w.change(hash, Some(Class::Comment));
                        w.change(end, None);
                        q = end;
                        continue;
                    }
                    let c = b[q];
                    if c == b'"' || c == b'\'' {
                        w.change(q, Some(Class::String));
                        context = if c == b'"' {
                            Context::Double
                        } else {
                            Context::Single
                        };
                        q += 1;
                        continue;
                    }
                    if let Some((class, len, taken)) = token_at(line, q) {
                        w.change(q, Some(class));
                        w.change(q + len, None);
                        q += taken;
                        continue;
                    }
                    q += if is_word_start(c) {
                        word_len(&b[q..])
                    } else {
                        char_len(line, q)
                    };
                }
                Context::Double => {
                    if b[q] == b'"' {
                        w.change(q + 1, None);
                        context = Context::Main;
                        q += 1;
                        continue;
                    }
                    let escape = (b[q] == b'\\' && q + 1 < b.len() && b[q + 1] != b'\n')
                        .then(|| (Class::Escape, 1 + char_len(line, q + 1)));
                    let variable = || {
                        (b[q] == b'$')
                            .then(|| variable_len(&b[q..]))
                            .flatten()
                            .map(|len| (Class::Variable, len))
                    };
                    match escape.or_else(variable) {
                        Some((class, len)) => {
                            w.change(q, Some(class));
                            w.change(q + len, Some(Class::String));
                            q += len;
                        }
                        None => q += char_len(line, q),
                    }
                }
                Context::Single => {
                    if b[q] == b'\'' {
                        w.change(q + 1, None);
                        context = Context::Main;
                        q += 1;
                    } else {
                        q += char_len(line, q);
                    }
                }
            }
        }
        w.finish();
    }
    Some(())
}

/// The variable, keyword or option starting at `q` outside strings, in the
/// grammar's order: its class, its length, and how much the rule takes
/// (a keyword's delimiter and an option's `=value` come along unclassed).
fn token_at(line: &str, q: usize) -> Option<(Class, usize, usize)> {
    let b = &line.as_bytes()[q..];
    match b[0] {
        b'$' => variable_len(b).map(|len| (Class::Variable, len, len)),
        c if c.is_ascii_alphabetic() => {
            keyword_at(line, q).map(|(len, delimiter)| (Class::Keyword, len, len + delimiter))
        }
        b'-' => option_len(b).map(|(len, value)| (Class::Variable, len, len + value)),
        _ => None,
    }
}

/// Where the comment starting at `q` has its `#`: `(^|\s)(#.*)$`.
fn comment_at(line: &str, q: usize) -> Option<usize> {
    let rest = &line[q..];
    if q == 0 && rest.starts_with('#') {
        return Some(0);
    }
    let blank = rest.chars().next().filter(|c| c.is_whitespace())?;
    let hash = q + blank.len_utf8();
    line[hash..].starts_with('#').then_some(hash)
}

/// `\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9@#?$!*-])` at the start of `b`.
fn variable_len(b: &[u8]) -> Option<usize> {
    match b.get(1)? {
        b'{' => b[2..].iter().position(|&c| c == b'}').map(|end| end + 3),
        c if c.is_ascii_alphabetic() || *c == b'_' => Some(
            1 + b[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count(),
        ),
        b'0'..=b'9' | b'@' | b'#' | b'?' | b'$' | b'!' | b'*' | b'-' => Some(2),
        _ => None,
    }
}

/// `(keyword)([\s;]|$)` at `q`: the keyword's length and that of the
/// blank or `;` it takes along.
fn keyword_at(line: &str, q: usize) -> Option<(usize, usize)> {
    let rest = &line[q..];
    KEYWORDS.iter().find_map(|k| {
        let after = rest.strip_prefix(k)?;
        match after.chars().next() {
            Some(c) if c.is_whitespace() || c == ';' => Some((k.len(), c.len_utf8())),
            None => Some((k.len(), 0)),
            Some(_) => None,
        }
    })
}

/// `(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(=[^\s"'$]*)?` at the start of `b`: the
/// option's length and that of its `=value`.
fn option_len(b: &[u8]) -> Option<(usize, usize)> {
    let dashes = if b.get(1) == Some(&b'-') && b.get(2).is_some_and(u8::is_ascii_alphanumeric) {
        2
    } else {
        1
    };
    if !b.get(dashes)?.is_ascii_alphanumeric() {
        return None;
    }
    let len = dashes + word_len(&b[dashes..]);
    let value = match b.get(len) {
        Some(b'=') => {
            let text = std::str::from_utf8(&b[len + 1..]).unwrap_or("");
            1 + text
                .char_indices()
                .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '$'))
                .map_or(text.len(), |(i, _)| i)
        }
        _ => 0,
    };
    Some((len, value))
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]*` at the start of `b`.
fn word_len(b: &[u8]) -> usize {
    1 + b[1..]
        .iter()
        .take_while(|&&c| is_word_start(c) || c == b'.' || c == b'-')
        .count()
}

fn char_len(line: &str, q: usize) -> usize {
    line[q..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::super::{answer, find, with_syntect};

    fn both(code: &str) -> (String, String) {
        let (set, syntax) = find("bash").expect("the shell grammar");
        let grammar = answer(|o| with_syntect(code, set, syntax, o)).expect("the grammar runs");
        let scanned = answer(|o| super::shell(code, o)).expect("the scanner answers");
        (scanned, grammar)
    }

    #[test]
    fn scripts_of_the_catalog_and_the_chapters_come_out_as_the_grammar_has_them() {
        let root = crate::testing::project_root();
        let mut texts: Vec<String> = crate::testing::project_manifests(&["bash"])
            .into_iter()
            .map(|(text, _)| text)
            .collect();
        let scripts = texts.len();
        // Every fenced shell block of the chapters and the contributor guide.
        for entry in walkdir::WalkDir::new(root.join("whitepaper"))
            .into_iter()
            .chain(walkdir::WalkDir::new(root.join("CONTRIBUTING.md")))
        {
            let path = entry.unwrap().into_path();
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut block: Option<String> = None;
            for line in text.split_inclusive('\n') {
                match &mut block {
                    Some(b) if line.trim_start().starts_with("```") => {
                        texts.push(std::mem::take(b));
                        block = None;
                    }
                    Some(b) => b.push_str(line),
                    None => {
                        let info = line.trim_start().strip_prefix("```").unwrap_or("");
                        if matches!(info.trim(), "sh" | "bash" | "shell" | "console") {
                            block = Some(String::new());
                        }
                    }
                }
            }
        }
        assert!(scripts >= 10, "{scripts} scripts in the catalog");
        assert!(
            texts.len() > scripts,
            "no shell blocks found in the chapters"
        );
        for text in &texts {
            let (scanned, grammar) = both(text);
            assert_eq!(scanned, grammar, "{text}");
        }
    }

    /// Random text from the pieces each rule cares about, so every rule
    /// meets every neighbour: thousands of cases a hand-written list would
    /// not think of.
    #[test]
    fn generated_corner_cases_come_out_as_the_grammar_has_them() {
        const PIECES: [&str; 46] = [
            "if",
            "then",
            "done",
            "do",
            "in",
            "install",
            "fi;",
            "esac",
            "x",
            "a.b-c",
            "_9",
            "0",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{a0}",
            "é",
            "漢",
            ";",
            "#",
            " # c",
            "\"",
            "'",
            "\\",
            "\\\"",
            "\\\n",
            "$",
            "$x",
            "${a b}",
            "${",
            "}",
            "$1",
            "$-",
            "$$",
            "$é",
            "-",
            "--",
            "-x",
            "--opt=v",
            "--o=\"q\"",
            "-1",
            "=",
            "|",
            "&&",
        ];
        use proptest::prelude::*;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        // Seeded, so every run tries the same cases; a failure is shrunk to
        // a minimal script before the test fails with it.
        let config = Config {
            cases: 5000,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        let scripts = prop::collection::vec(prop::sample::select(PIECES.to_vec()), 1..13)
            .prop_map(|pieces| pieces.concat());
        if let Err(e) = runner.run(&scripts, |code| {
            let (scanned, grammar) = both(&code);
            prop_assert_eq!(scanned, grammar, "{:?}", code);
            Ok(())
        }) {
            panic!("{e}");
        }
    }
}
