//! A one-pass reader for the YAML that catalog files and manifests are
//! written in, for the fast path of [`super::parse_values`].
//!
//! Checking a large catalog is mostly reading YAML: every catalog file,
//! then every manifest again as the tool would read it. The event parser is
//! exact but general; this reads the shapes those files have — block
//! mappings and sequences, one-line plain and quoted scalars, one-line flow
//! collections, literal and folded block scalars, comments, `---` between
//! documents — line by line, several times faster. On anything else it
//! gives up (`None`) and the event parser reads the text: anchors, tags,
//! rare escapes, multi-line flow or plain scalars, odd indentation, tabs,
//! directives, `+` chomping, unusual characters, the parser's limits and
//! quirks, and every error. What it answers must be what the parser
//! answers, and it must never accept what the parser refuses; tests hold
//! it to both on every YAML text of the project, on generated corpora, and
//! on each case two adversarial reviews found.

use serde_json::{Map, Value};

use super::{plain_kind, resolve_plain, PlainKind, MAX_DEPTH, MAX_NODES};

/// One line: where it starts, its indentation (spaces), where its content
/// starts and ends (without the newline).
#[derive(Clone, Copy)]
struct Line {
    begin: usize,
    indent: usize,
    start: usize,
    end: usize,
    /// Whether a newline follows.
    newline: bool,
}

/// Every document of `text`, or `None` when the event parser must decide.
pub(super) fn values(text: &str) -> Option<Vec<Value>> {
    if !plain_text(text) {
        return None;
    }
    let mut lines = Vec::new();
    let mut begin = 0;
    for raw in text.split_inclusive('\n') {
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let indent = body.len() - body.trim_start_matches(' ').len();
        lines.push(Line {
            begin,
            indent,
            start: begin + indent,
            end: begin + body.len(),
            newline: body.len() < raw.len(),
        });
        begin += raw.len();
    }
    // Documents: the lines between `---` markers.
    let mut bounds = vec![0];
    for (i, l) in lines.iter().enumerate() {
        let body = &text[l.begin..l.end];
        if body.starts_with("---") || body.starts_with("...") || body.starts_with('%') {
            if body != "---" {
                return None;
            }
            bounds.push(i);
        }
    }
    bounds.push(lines.len());
    let mut reader = Reader {
        text,
        lines,
        at: 0,
        end: 0,
        depth: 0,
    };
    let mut docs = Vec::new();
    for (n, pair) in bounds.windows(2).enumerate() {
        // Each range after the first starts at its `---` line.
        let (from, to) = (pair[0] + usize::from(n > 0), pair[1]);
        reader.at = from;
        reader.end = to;
        if reader.significant().is_none() {
            // Comments before the first `---` are no document; an empty
            // document anywhere else is left to the parser.
            if n == 0 && bounds.len() > 2 {
                continue;
            }
            return None;
        }
        let value = reader.node(0)?;
        if reader.significant().is_some() {
            return None;
        }
        // The parser counts keys too, so it stops at twice this at most.
        if super::count_nodes(&value) >= MAX_NODES / 2 {
            return None;
        }
        docs.push(value);
    }
    Some(docs)
}

/// Whether `text` holds only characters this reader takes at face value:
/// printable ones, spaces and newlines (no tabs, carriage returns, byte
/// order marks, or line separators other than `\n`).
fn plain_text(text: &str) -> bool {
    let printable_ascii = text
        .bytes()
        .all(|b| b == b'\n' || (0x20..0x7f).contains(&b) || b >= 0x80);
    printable_ascii
        && (text.is_ascii()
            || text.chars().all(|c| {
                c.is_ascii()
                    || (matches!(c as u32, 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..)
                        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
            }))
}

struct Reader<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
    /// The end of the current document's lines.
    end: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn content(&self, i: usize) -> &'a str {
        let l = self.lines[i];
        &self.text[l.start..l.end]
    }

    /// Moves to the next line that is neither blank nor a comment.
    fn significant(&mut self) -> Option<usize> {
        while self.at < self.end {
            let c = self.content(self.at);
            if !c.is_empty() && !c.starts_with('#') {
                return Some(self.at);
            }
            self.at += 1;
        }
        None
    }

    /// The collection whose first line is the next significant one.
    fn node(&mut self, min_indent: usize) -> Option<Value> {
        let i = self.significant()?;
        let indent = self.lines[i].indent;
        if indent < min_indent {
            return None;
        }
        self.depth += 1;
        if self.depth >= MAX_DEPTH / 2 {
            return None;
        }
        let content = self.content(i);
        let value = if is_entry(content) {
            self.sequence(indent)
        } else if key_of(content).is_some() {
            self.mapping(indent)
        } else {
            None
        };
        self.depth -= 1;
        value
    }

    fn sequence(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(i) = self.significant() {
            let l = self.lines[i];
            let content = self.content(i);
            if l.indent > indent {
                return None;
            }
            if l.indent < indent || !is_entry(content) {
                break;
            }
            let after = &content[1..];
            let rest = after.trim_start_matches(' ');
            let item = if blank_or_comment(after) {
                self.at = i + 1;
                self.block_value(indent, false)?
            } else {
                // The entry's content, read as a line of its own further in.
                let skip = 1 + after.len() - rest.len();
                self.lines[i].indent = indent + skip;
                self.lines[i].start += skip;
                if is_entry(rest) || key_of(rest).is_some() {
                    self.at = i;
                    self.node(indent + 1)?
                } else {
                    self.scalar(i, indent)?
                }
            };
            items.push(item);
        }
        Some(Value::Array(items))
    }

    fn mapping(&mut self, indent: usize) -> Option<Value> {
        let mut map = Map::new();
        while let Some(i) = self.significant() {
            let l = self.lines[i];
            if l.indent > indent {
                return None;
            }
            if l.indent < indent {
                break;
            }
            let content = self.content(i);
            let (key, value_at) = key_of(content)?;
            if map.contains_key(&key) {
                return None;
            }
            let rest = &content[value_at..];
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.at = i + 1;
                self.block_value(indent, true)?
            } else {
                self.lines[i].start += value_at;
                if is_entry(rest) || key_of(rest).is_some() {
                    return None;
                }
                self.scalar(i, indent)?
            };
            map.insert(key, value);
        }
        Some(Value::Object(map))
    }

    /// The value of a key or entry with nothing after it on its line: a
    /// collection on the lines below, or null.
    fn block_value(&mut self, indent: usize, of_key: bool) -> Option<Value> {
        let Some(i) = self.significant() else {
            return Some(Value::Null);
        };
        let l = self.lines[i];
        if l.indent > indent {
            self.node(indent + 1)
        } else if of_key && l.indent == indent && is_entry(self.content(i)) {
            // A mapping's sequence may sit at the mapping's own indentation.
            self.depth += 1;
            let value = self.sequence(indent);
            self.depth -= 1;
            value
        } else {
            Some(Value::Null)
        }
    }

    /// The scalar or flow collection that is the rest of line `i`, in a
    /// collection at `indent`; nothing may continue it on later lines.
    fn scalar(&mut self, i: usize, indent: usize) -> Option<Value> {
        let text = self.content(i);
        self.at = i + 1;
        let (value, rest) = match text.as_bytes()[0] {
            b'|' | b'>' => return self.block_scalar(i, indent),
            b'[' | b'{' => {
                let mut flow = Flow {
                    text,
                    at: 0,
                    depth: self.depth,
                };
                let v = flow.node()?;
                (v, &text[flow.at..])
            }
            b'"' | b'\'' => {
                let (v, len) = quoted(text)?;
                (Value::String(v), &text[len..])
            }
            _ => {
                let (plain, len) = block_plain(text)?;
                (plain, &text[len..])
            }
        };
        if !blank_or_comment(rest) {
            return None;
        }
        // A more indented line next would continue this scalar (or be an error).
        if let Some(next) = self.significant() {
            if self.lines[next].indent > indent {
                return None;
            }
        }
        Some(value)
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is line `i`.
    fn block_scalar(&mut self, i: usize, indent: usize) -> Option<Value> {
        let header = self.content(i);
        let (literal, chomp) = (header.starts_with('|'), &header[1..]);
        let (strip, after) = match chomp.strip_prefix('-') {
            Some(after) => (true, after),
            None => (false, chomp),
        };
        if !blank_or_comment(after) {
            return None;
        }
        // The content: the first line sets the indentation; it ends before
        // the first non-blank line indented less.
        let first = i + 1;
        if first >= self.end {
            return None;
        }
        let block = self.lines[first];
        if block.start == block.end || block.indent <= indent {
            return None;
        }
        let mut last = first;
        let mut j = first;
        while j < self.end {
            let l = self.lines[j];
            if l.start == l.end {
                if l.indent > block.indent {
                    return None;
                }
            } else if l.indent < block.indent {
                break;
            } else {
                if !literal && (l.indent > block.indent || self.text[..l.end].ends_with(' ')) {
                    return None;
                }
                last = j;
            }
            j += 1;
        }
        // Where the text ends inside the scalar without a newline, the
        // parser's reading of the last line is its own.
        if !self.lines[j - 1].newline {
            return None;
        }
        let mut value = String::new();
        for k in first..=last {
            let l = self.lines[k];
            if k > first {
                if literal {
                    value.push('\n');
                } else if l.start == l.end || self.lines[k - 1].start == self.lines[k - 1].end {
                    // Blank lines fold differently.
                    return None;
                } else {
                    value.push(' ');
                }
            }
            if l.start < l.end {
                value.push_str(&self.text[l.begin + block.indent..l.end]);
            }
        }
        if !strip {
            value.push('\n');
        }
        self.at = last + 1;
        Some(Value::String(value))
    }
}

/// Nothing, blanks, or blanks and a comment: what may follow a value.
fn blank_or_comment(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// How far (in bytes, so at most as many characters) a key's `:` may be
/// from its start; the parser's limit is 1024 characters.
const MAX_KEY: usize = 1000;

/// `- ` or a lone `-`: a sequence entry.
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// The key of a `key: value` line and where its value starts (after the
/// blanks), when the line is one this reader takes.
fn key_of(content: &str) -> Option<(String, usize)> {
    let (key, colon) = match content.as_bytes().first()? {
        b'"' | b'\'' => quoted(content)?,
        _ => {
            let colon = content
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(content.as_bytes().get(i + 1), None | Some(b' ')))?;
            let key = content[..colon].trim_end_matches(' ');
            // The parser ends a plain scalar at `---` or `...` and a blank
            // when it starts a line, at any indentation.
            if key.is_empty()
                || key.starts_with("---")
                || key.starts_with("...")
                || key.contains(" #")
                || key.contains(['[', ']', '{', '}', ',', '"', '\''])
                || starts_with_indicator(key)
                || key == "<<"
                || !matches!(plain_kind(key), PlainKind::String)
            {
                return None;
            }
            (key.to_string(), colon)
        }
    };
    // The parser looks for a key's `:` within 1024 characters.
    if colon > MAX_KEY {
        return None;
    }
    let after = content[colon..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let value = after.trim_start_matches(' ');
    Some((key, content.len() - value.len()))
}

/// Whether a plain scalar cannot start this way (YAML's indicators), or
/// starts in a way this reader leaves to the parser.
fn starts_with_indicator(text: &str) -> bool {
    let b = text.as_bytes();
    match b.first() {
        None => true,
        Some(b'-' | b'?' | b':') => matches!(b.get(1), None | Some(b' ')),
        Some(c) => b"[]{},#&*!|>'\"%@`".contains(c),
    }
}

/// A one-line plain scalar in block context and its length (up to a
/// comment or the end of the line).
fn block_plain(text: &str) -> Option<(Value, usize)> {
    if starts_with_indicator(text) {
        return None;
    }
    let len = text.find(" #").unwrap_or(text.len());
    let plain = text[..len].trim_end_matches(' ');
    if plain.contains(": ") || plain.ends_with(':') {
        return None;
    }
    Some((resolve_plain(plain), len))
}

/// A quoted scalar closed on this line, and its length with the quotes.
fn quoted(text: &str) -> Option<(String, usize)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'"' {
        let mut value = String::new();
        let mut at = 0;
        loop {
            let stop = at + body[at..].find(['"', '\\'])?;
            value.push_str(&body[at..stop]);
            if body.as_bytes()[stop] == b'"' {
                return Some((value, stop + 2));
            }
            let (c, len) = escape(&body[stop + 1..])?;
            value.push(c);
            at = stop + 1 + len;
        }
    }
    let mut value = String::new();
    let mut at = 0;
    loop {
        let close = at + body[at..].find('\'')?;
        value.push_str(&body[at..close]);
        if body[close + 1..].starts_with('\'') {
            value.push('\'');
            at = close + 2;
        } else {
            return Some((value, close + 2));
        }
    }
}

/// The character a double-quoted escape stands for (the text after its
/// backslash) and the length of what follows the backslash. Escapes this
/// reader does not know, and a backslash ending the line, are the parser's.
fn escape(text: &str) -> Option<(char, usize)> {
    let hex = |len: usize| {
        let digits = text.get(1..1 + len)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(digits, 16).ok()?;
        Some((char::from_u32(code)?, 1 + len))
    };
    let c = match text.as_bytes().first()? {
        b'\\' => '\\',
        b'"' => '"',
        b'/' => '/',
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'0' => '\0',
        b'x' => return hex(2),
        b'u' => return hex(4),
        b'U' => return hex(8),
        _ => return None,
    };
    Some((c, 1))
}

/// A flow collection on one line.
struct Flow<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Flow<'_> {
    fn blanks(&mut self) {
        while self.text.as_bytes().get(self.at) == Some(&b' ') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn node(&mut self) -> Option<Value> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH / 2 {
            return None;
        }
        let value = match self.peek()? {
            b'[' => {
                let mut items = Vec::new();
                self.entries(b']', |flow| {
                    items.push(flow.node()?);
                    Some(())
                })?;
                Value::Array(items)
            }
            b'{' => {
                let mut map = Map::new();
                self.entries(b'}', |flow| {
                    let key_start = flow.at;
                    let key = match flow.scalar()? {
                        Value::String(s) => s,
                        _ => return None,
                    };
                    if map.contains_key(&key) || key == "<<" {
                        return None;
                    }
                    if !flow.text[flow.at..].starts_with(": ") || flow.at - key_start > MAX_KEY {
                        return None;
                    }
                    flow.at += 2;
                    flow.blanks();
                    let value = flow.node()?;
                    map.insert(key, value);
                    Some(())
                })?;
                Value::Object(map)
            }
            _ => self.scalar()?,
        };
        self.depth -= 1;
        Some(value)
    }

    /// The entries of the collection opening here, up to `close`: each read
    /// by `entry`, separated by commas (a trailing one allowed).
    fn entries(&mut self, close: u8, mut entry: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.at += 1;
        loop {
            self.blanks();
            if self.peek()? == close {
                break;
            }
            entry(self)?;
            self.blanks();
            match self.peek()? {
                b',' => self.at += 1,
                c if c == close => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(())
    }

    /// A quoted or plain scalar inside a flow collection.
    fn scalar(&mut self) -> Option<Value> {
        let rest = &self.text[self.at..];
        match rest.as_bytes().first()? {
            b'"' | b'\'' => {
                let (v, len) = quoted(rest)?;
                self.at += len;
                Some(Value::String(v))
            }
            _ => {
                if starts_with_indicator(rest) {
                    return None;
                }
                let mut len = rest.find([',', '[', ']', '{', '}']).unwrap_or(rest.len());
                // A key ends at its `: `.
                if let Some(colon) = rest[..len].find(": ") {
                    len = colon;
                }
                let plain = rest[..len].trim_end_matches(' ');
                // `-` before a flow indicator is an error to the parser.
                if plain.contains([':', '#']) || plain.ends_with('-') {
                    return None;
                }
                self.at += plain.len();
                Some(resolve_plain(plain))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use std::cell::Cell;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Runs `property` on `cases` values of `strategy`; a failure is shrunk
    /// to a minimal case before the test fails with it. Seeded, so every run
    /// tries the same cases.
    fn run<S: Strategy>(
        cases: u32,
        strategy: &S,
        property: impl Fn(S::Value) -> Result<(), TestCaseError>,
    ) {
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        );
        if let Err(e) = runner.run(strategy, property) {
            panic!("{e}");
        }
    }

    /// What the event parser reads, values only.
    fn parsed(text: &str) -> Option<Vec<Value>> {
        super::super::build(text, false)
            .ok()
            .map(|docs| docs.into_iter().map(|d| d.value).collect())
    }

    /// Whatever this reader answers is what the parser answers; returns
    /// whether it answered.
    fn agrees(text: &str) -> bool {
        let fast = super::values(text);
        if let Some(values) = &fast {
            assert_eq!(Some(values), parsed(text).as_ref(), "{text:?}");
        }
        fast.is_some()
    }

    #[test]
    fn the_shapes_of_catalog_files_and_manifests_are_read() {
        for text in [
            "a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: 0x1F\ng: yes\nh: 1e3\ni: .5\nj:\n",
            "kind: PodChaos # c\nspec:\n  mode: one\n  selector:\n    labelSelectors:\n      app: shop\n",
            "list:\n- a\n- b: 1\n  c: [x, 2, 'y''s', {k: v}]\n-\n  - nested\nnext: \"q # not a comment\"\n",
            "run: |\n  echo 1\n\n  echo 2 # kept\nfolded: >-\n  one\n  two\nend: x\n",
            "# top\n---\nk: v\n---\nk: w\n",
            "url: http://x/#frag\nkey with spaces: value with spaces   # c\nclé: żółw\n",
            "- - a\n  - b\n- {}\n- []\n",
        ] {
            assert!(agrees(text), "left to the parser: {text}");
        }
        assert_eq!(
            super::values("a:\n- 1\n- x: |\n    t\nb: 2\n").unwrap(),
            vec![json!({"a": [1, {"x": "t\n"}], "b": 2})]
        );
    }

    #[test]
    fn everything_else_is_left_to_the_parser() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: plain\n  continued\n",
            "a: \"\\L\"\n",
            "a: [1,\n  2]\n",
            "? complex\n: key\n",
            "a: |+\n  keep\n\n",
            "a: |2\n   x\n",
            "a: >\n  one\n\n  two\n",
            "\tk: v\n",
            "k: v\r\n",
            "just a scalar\n",
            "a: 1\na: 2\n",
            "<<: {a: 1}\n",
            "1: one\n",
            "a: b: c\n",
            "- a\nb: 1\n",
            "a: 1\n  b: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "",
            "# only a comment\n",
            "a: |\n  no newline at the end",
            "a: |\n  x\n  ",
            "a: >\n  x\n\n  ",
            "- |\n x\n ",
            "k: [-]\n",
            "k: [a -]\n",
            "k: {a: -}\n",
            "k: [x,-]\n",
            " --- :",
            "a:\n  --- b: 1\n",
            "- a: 1\n  ... : 2\n",
        ] {
            assert!(!agrees(text), "read without the parser: {text:?}");
        }
    }

    /// The parser's limits: keys within 1024 characters of their `:`, and
    /// a bound on nodes (keys count, and so do empty entries and the items
    /// of flow collections).
    #[test]
    fn the_parsers_limits_are_left_to_the_parser() {
        for text in [
            format!("\"{}\": 1\n", "a".repeat(1023)),
            format!("'{}': 1\n", "é".repeat(600)),
            format!("a{}: 1\n", " ".repeat(1024)),
            format!("- {}: 1\n", "a".repeat(1030)),
            format!("k: {{{}: 1}}\n", "a".repeat(1030)),
            "-\n".repeat(200_000),
            format!("k: [{}]\n", "x,".repeat(200_001)),
            format!("k: [{}]\n", "[],".repeat(200_001)),
        ] {
            assert!(!agrees(&text), "read without the parser: {}", &text[..40]);
        }
        assert!(agrees(&format!("{}: 1\n", "a".repeat(900))));
    }

    #[test]
    fn every_yaml_text_of_the_project_is_read_as_the_parser_reads_it() {
        let root = crate::testing::project_root();
        let mut texts = Vec::new();
        for dir in ["catalog", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let path = entry.unwrap().into_path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                ) {
                    texts.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let files = texts.len();
        // Rendered: templates are YAML only once rendered.
        texts.extend(
            crate::testing::project_manifests(&["yaml"])
                .into_iter()
                .map(|(text, _)| text),
        );
        let answered = texts.iter().filter(|t| agrees(t)).count();
        let valid = texts.iter().filter(|t| parsed(t).is_some()).count();
        eprintln!(
            "read {answered} of {} texts ({files} files), {valid} valid",
            texts.len()
        );
        assert!(texts.len() > 200, "{}", texts.len());
        // Worth having only if it reads nearly all valid ones.
        assert!(answered * 10 >= valid * 9, "read {answered} of {valid}");
    }

    /// Documents put together at random from lines each rule cares about,
    /// at random indentations: most are invalid or odd, which is the
    /// point (the reader must leave every one the parser refuses).
    #[test]
    fn generated_documents_are_read_as_the_parser_reads_them_or_left_to_it() {
        const LINES: [&str; 115] = [
            "a: 1",
            "b: x",
            "c:",
            "- x",
            "-",
            "- k: v",
            "- - y",
            "d: [a, 2, {k: v}]",
            "e: {}",
            "f: []",
            "g: 'q''s'",
            "h: \"d\"",
            "i: \"e\\n\"",
            "j: |",
            "k: >-",
            "l: |-",
            "m: >",
            "text",
            "more text # c",
            "",
            "   ",
            "# c",
            "---",
            "...",
            "n: &x 1",
            "o: *x",
            "p: a: b",
            "q: v # c",
            "r:v",
            "-x: 1",
            "? k",
            ": v",
            "s: [a,",
            "t: - x",
            "u: ~",
            "\"v\": 1",
            "w: 0x1F",
            "x: .5",
            "y: -1",
            "z: 1e3",
            "a b: c d",
            "é: ü",
            "a:  #c",
            "b: [a, ]",
            "c: {a: 1, a: 2}",
            "d: [[1], [2, [3]]]",
            "e: x #",
            "f: #x",
            "a: 2",
            "- |",
            "- a: |",
            "  - b",
            "[a]  # c",
            "g: [a]#c",
            "h: {a: 1}x",
            "i: [a, b]]",
            "j: ['a', \"b\", [c, {d: e}]]",
            "k: {\"q\": 1, 'r': [2]}",
            "l: {a: [1, 2], b: {c: d}}",
            "m: [a: b]",
            "n: {a}",
            "o: [-1, -x, - y]",
            "p: [a, , b]",
            "q: \"esc \\\" \\\\ \\u00e9 \\x41 \\t\"",
            "r: \"bad \\q\"",
            "s: \"open",
            "t: 'open",
            "u: \"a\" b",
            "\"k\": v",
            "'k': v",
            "\"k\" : v",
            "k\"x: v",
            "- \"k\": v",
            "--- a",
            "---",
            "--- # c",
            "x: |",
            " y",
            "  z",
            "   deeper",
            "x: >",
            "w: |-  # c",
            "v: |+",
            "u: |1",
            "- >-",
            "t:  ",
            "s: 'it''s' # c",
            "r: a #b #c",
            "q: x:y",
            "p: ?x",
            "o: :x",
            "n: -",
            "m: - ",
            "é: [ü, ß]",
            "k: v\u{a0}",
            "\u{a0}k: v",
            "k: \u{2028}",
            "k: \u{85}",
            "k: &a",
            "k: !t x",
            "k: @x",
            "k: `x`",
            "k: %x",
            "?",
            "k: [",
            "k: {a: 1, a: 2}",
            "01: x",
            "true: x",
            "null: x",
            "~: x",
            "k: 0o17",
            "k: +1",
            "k: 1_000",
            "k: .inf",
            "k: -.5e-3",
        ];
        // Mostly even indentation, as people write it.
        let line = (
            prop::sample::select(vec![0usize, 0, 2, 2, 4, 1, 3, 6]),
            prop::sample::select(LINES.to_vec()),
        );
        let documents = prop::collection::vec(line, 1..9).prop_map(|lines| {
            lines
                .iter()
                .map(|(indent, l)| format!("{}{l}\n", " ".repeat(*indent)))
                .collect::<String>()
        });
        let (answered, refused) = (Cell::new(0), Cell::new(0));
        run(20_000, &documents, |text| {
            let fast = super::values(&text);
            let exact = parsed(&text);
            if let Some(values) = &fast {
                prop_assert_eq!(Some(values), exact.as_ref(), "{:?}", text);
                answered.set(answered.get() + 1);
            }
            if exact.is_none() {
                refused.set(refused.get() + 1);
            }
            Ok(())
        });
        let (answered, refused) = (answered.get(), refused.get());
        eprintln!("answered {answered}, the parser refused {refused} of 20000");
        assert!(answered > 700 && refused > 6_000, "{answered} {refused}");
    }

    const SCALARS: [&str; 24] = [
        "x",
        "two words",
        "1",
        "-2",
        "1.5",
        "1e3",
        ".5",
        "0x1F",
        "0o17",
        "true",
        "False",
        "~",
        "null",
        "yes",
        "'single'",
        "'it''s'",
        "\"double\"",
        "\"tab\\there\"",
        "\"\\u00e9\"",
        "\"a # b\"",
        "http://x/#f",
        "a#b",
        "é ü",
        "-x",
    ];

    /// A well-formed document of nested collections in every style this
    /// reader knows, indented by `step` (1 to 4), as a proptest strategy:
    /// a failing document shrinks to a small one.
    fn document() -> impl Strategy<Value = String> {
        (1usize..5).prop_flat_map(|step| node(0, step, 0))
    }

    fn scalar() -> impl Strategy<Value = &'static str> {
        prop::sample::select(SCALARS.to_vec())
    }

    fn plain_scalar() -> impl Strategy<Value = &'static str> {
        prop::sample::select(SCALARS[..14].to_vec())
    }

    /// The lines of one collection (a mapping or a sequence) at `indent`.
    fn node(indent: usize, step: usize, depth: usize) -> BoxedStrategy<String> {
        let entry = move |as_map: bool, i: usize| -> BoxedStrategy<String> {
            let pad = " ".repeat(indent);
            let head = if as_map {
                format!("{pad}k{i}:")
            } else {
                format!("{pad}-")
            };
            let inner = " ".repeat(indent + step);
            let note = prop::bool::weighted(1.0 / 6.0).prop_map(move |n| {
                if n {
                    format!("{}# note\n", " ".repeat(indent))
                } else {
                    String::new()
                }
            });
            let h = head.clone();
            let mut kinds: Vec<BoxedStrategy<String>> = vec![
                scalar().prop_map(move |v| format!("{h} {v}\n")).boxed(),
                {
                    let h = head.clone();
                    (plain_scalar(), plain_scalar())
                        .prop_map(move |(a, b)| format!("{h} [{a}, {{a: {b}}}]\n"))
                        .boxed()
                },
                {
                    let h = head.clone();
                    (
                        prop::sample::select(vec!["|", "|-", ">", ">-", "| # c"]),
                        prop::collection::vec((any::<bool>(), prop::bool::weighted(0.25)), 1..4),
                    )
                        .prop_map(move |(style, lines)| {
                            let mut out = format!("{h} {style}\n");
                            for (j, (blank, extra)) in lines.into_iter().enumerate() {
                                let literal = style.starts_with('|');
                                if literal && j > 0 && blank {
                                    out.push('\n');
                                }
                                let extra = if literal && extra { "  " } else { "" };
                                out.push_str(&format!("{inner}{extra}line {j} # kept\n"));
                            }
                            out
                        })
                        .boxed()
                },
            ];
            if as_map {
                // A sequence at the mapping's own indentation.
                let h = head.clone();
                let pad = pad.clone();
                kinds.push(
                    prop::collection::vec(scalar(), 1..3)
                        .prop_map(move |items| {
                            let mut out = format!("{h}\n");
                            for v in items {
                                out.push_str(&format!("{pad}- {v}\n"));
                            }
                            out
                        })
                        .boxed(),
                );
            }
            if depth <= 3 {
                if !as_map {
                    // A compact collection on the entry's line.
                    let h = head.clone();
                    kinds.push(
                        node(indent + 2, step, depth + 1)
                            .prop_map(move |inner| format!("{h} {}", &inner[indent + 2..]))
                            .boxed(),
                    );
                }
                let h = head.clone();
                kinds.push(
                    node(indent + step, step, depth + 1)
                        .prop_map(move |inner| format!("{h}\n{inner}"))
                        .boxed(),
                );
            }
            (note, prop::strategy::Union::new(kinds))
                .prop_map(|(note, entry)| note + &entry)
                .boxed()
        };
        (any::<bool>(), 1usize..4)
            .prop_flat_map(move |(as_map, items)| {
                (0..items)
                    .map(|i| entry(as_map, i))
                    .collect::<Vec<_>>()
                    .prop_map(|entries| entries.concat())
            })
            .boxed()
    }

    #[test]
    fn generated_well_formed_documents_are_read_as_the_parser_reads_them() {
        let answered = Cell::new(0);
        run(3_000, &document(), |text| {
            if let Some(values) = super::values(&text) {
                prop_assert_eq!(Some(values), parsed(&text), "{:?}", text);
                answered.set(answered.get() + 1);
            }
            Ok(())
        });
        let answered = answered.get();
        eprintln!("read {answered} of 3000 well-formed documents");
        assert!(answered > 2_100, "{answered}");
    }
}
