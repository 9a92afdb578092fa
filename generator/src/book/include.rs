//! mdBook's file directives (`{{#include}}`, `{{#rustdoc_include}}`,
//! `{{#playground}}`, with `{{#title}}` and `\{{#...}}` escapes), expanded
//! with the same syntax and results as mdBook's own `links` preprocessor,
//! but every file read under the one rule of [`crate::content_path`].
//!
//! Why not mdBook's preprocessor: it reads any path a chapter names
//! (`{{#include /proc/self/environ}}`, `../../` out of the project, a link
//! to a file of the machine) and publishes it. [`SafeLinks`] takes its
//! place, under its name and at its position among the preprocessors, so
//! third-party preprocessors ordered against `links` keep their order; and
//! `check` runs [`expand`] on every chapter, so each refused path is an
//! error at the directive's file, line and column before anything is built.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mdbook_core::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use crate::catalog::yaml::LineIndex;
use crate::content_path::{Project, Refusal};
use crate::diagnostics::Diagnostic;

/// How deep included files may include others (mdBook's limit).
pub const MAX_DEPTH: usize = 10;

/// The directive syntax, as mdBook matches it: an escaped directive, or
/// `{{#type args}}` (args may span lines).
fn directive_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
            .expect("static regex")
    })
}

fn anchor_start() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"ANCHOR:\s*([\w_-]+)").expect("static regex"))
}

fn anchor_end() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"ANCHOR_END:\s*([\w_-]+)").expect("static regex"))
}

/// Which lines of an included file to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lines {
    /// From `start` (0-based) up to `end` (exclusive; `None`: to the end).
    Range(usize, Option<usize>),
    /// Between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Directive<'a> {
    Escaped,
    Title(&'a str),
    Include(&'a str, Lines),
    RustdocInclude(&'a str, Lines),
    Playground(&'a str, Vec<&'a str>),
}

impl Directive<'_> {
    fn path(&self) -> Option<&str> {
        match self {
            Directive::Include(p, _)
            | Directive::RustdocInclude(p, _)
            | Directive::Playground(p, _) => Some(p),
            _ => None,
        }
    }
}

/// One directive found in a text: its byte range, and where its path starts.
struct Found<'a> {
    start: usize,
    end: usize,
    path_at: usize,
    directive: Directive<'a>,
}

fn find(text: &str) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    for cap in directive_regex().captures_iter(text) {
        let whole = cap.get(0).expect("group 0");
        let directive = match (cap.get(1), cap.get(2)) {
            (Some(kind), Some(args)) if kind.as_str() == "title" => {
                Some((Directive::Title(args.as_str()), args.start()))
            }
            (Some(kind), Some(args)) => {
                let mut words = args.as_str().split_whitespace();
                let first = words.next();
                let path_at = first.map_or(args.start(), |f| {
                    args.start() + args.as_str().find(f).unwrap_or(0)
                });
                match (kind.as_str(), first) {
                    ("include", Some(p)) => {
                        let (path, lines) = split_lines(p);
                        Some((Directive::Include(path, lines), path_at))
                    }
                    ("rustdoc_include", Some(p)) => {
                        let (path, lines) = split_lines(p);
                        Some((Directive::RustdocInclude(path, lines), path_at))
                    }
                    ("playground" | "playpen", Some(p)) => {
                        Some((Directive::Playground(p, words.collect()), path_at))
                    }
                    _ => None,
                }
            }
            _ if whole.as_str().starts_with('\\') => Some((Directive::Escaped, whole.start())),
            _ => None,
        };
        if let Some((directive, path_at)) = directive {
            out.push(Found {
                start: whole.start(),
                end: whole.end(),
                path_at,
                directive,
            });
        }
    }
    out
}

/// `file.rs:2:5` -> (`file.rs`, lines 2 to 5); `file.rs:name` -> anchor.
fn split_lines(arg: &str) -> (&str, Lines) {
    let (path, rest) = arg.split_once(':').unwrap_or((arg, ""));
    let mut parts = rest.splitn(3, ':');
    let first = parts.next().unwrap_or("");
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return (path, Lines::Anchor(first.to_string())),
    };
    // A missing end keeps one line; an end that is no number keeps the rest.
    let end = parts.next().map(|e| e.parse::<usize>().ok());
    let lines = match (start, end) {
        (Some(s), Some(e)) => Lines::Range(s, e),
        (Some(s), None) => Lines::Range(s, Some(s + 1)),
        (None, Some(Some(e))) => Lines::Range(0, Some(e)),
        (None, _) => Lines::Range(0, None),
    };
    (path, lines)
}

/// The lines of `text` a selection keeps, each with its line number in
/// `text` (from 0), so that a finding in them can name its place in the file.
fn kept_lines<'t>(text: &'t str, lines: &Lines) -> Vec<(usize, &'t str)> {
    match lines {
        Lines::Range(start, end) => {
            let kept = text.lines().enumerate().skip(*start);
            match end {
                Some(e) => kept.take(e.saturating_sub(*start)).collect(),
                None => kept.collect(),
            }
        }
        Lines::Anchor(name) => {
            let mut kept = Vec::new();
            let mut inside = false;
            for (n, line) in text.lines().enumerate() {
                if inside {
                    match anchor_end().captures(line) {
                        Some(c) if &c[1] == name => break,
                        Some(_) => {}
                        None if anchor_start().is_match(line) => {}
                        None => kept.push((n, line)),
                    }
                } else if anchor_start().captures(line).is_some_and(|c| &c[1] == name) {
                    inside = true;
                }
            }
            kept
        }
    }
}

#[cfg(test)]
fn take(text: &str, lines: &Lines) -> String {
    joined(&kept_lines(text, lines))
}

fn joined(kept: &[(usize, &str)]) -> String {
    kept.iter()
        .map(|(_, line)| *line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// rustdoc's form: every line is kept, those outside the selection behind
/// `# ` (hidden until the reader expands the block).
fn take_rustdoc(text: &str, lines: &Lines) -> String {
    let mut out: Vec<String> = Vec::new();
    match lines {
        Lines::Range(start, end) => {
            for (i, line) in text.lines().enumerate() {
                let shown = i >= *start && end.is_none_or(|e| i < e);
                out.push(if shown {
                    line.to_string()
                } else {
                    format!("# {line}")
                });
            }
        }
        Lines::Anchor(name) => {
            let mut inside = false;
            for line in text.lines() {
                if inside {
                    match anchor_end().captures(line) {
                        Some(c) if &c[1] == name => inside = false,
                        Some(_) => {}
                        None if anchor_start().is_match(line) => {}
                        None => out.push(line.to_string()),
                    }
                } else if let Some(c) = anchor_start().captures(line) {
                    if &c[1] == name {
                        inside = true;
                    }
                } else if !anchor_end().is_match(line) {
                    out.push(format!("# {line}"));
                }
            }
        }
    }
    out.join("\n")
}

/// Where an expansion happens, for diagnostics.
pub struct Site<'a> {
    /// The project root: every read stays inside it.
    pub project: &'a Project,
    /// Largest file read.
    pub max_size: u64,
    /// The chapter's path relative to the project root (diagnostics name it).
    pub file: &'a Path,
}

/// Expands the directives of `text`, whose relative paths start at `base`
/// (absolute folder). Refused or unreadable paths become diagnostics at the
/// directive (`out`) and are left as written; nothing of a refused file is
/// read. `title` receives a `{{#title}}`.
pub fn expand(
    site: &Site<'_>,
    text: &str,
    base: &Path,
    title: &mut Option<String>,
    out: &mut Vec<Diagnostic>,
) -> String {
    let index = LineIndex::new(text);
    expand_at(site, text, base, 0, title, None, &mut |path_at, len, d| {
        out.push(d(index.span(path_at, path_at + len)));
    })
}

/// What an `{{#include}}` put into a chapter: markdown the site shows as
/// part of the chapter, with each line traced back to its file.
pub struct Included {
    /// The included file (absolute).
    pub file: PathBuf,
    /// The file's whole text.
    pub whole: String,
    /// What was included, before its own directives were expanded.
    pub text: String,
    /// For each line of `text`, its line in `whole` (from 0).
    pub lines: Vec<usize>,
}

/// [`expand`] for `check`: also every text an `{{#include}}` put in,
/// nested ones too, exactly as the build takes them (the same syntax, line
/// ranges and anchors), so what `check` reads is what the site shows.
pub fn expand_traced(
    site: &Site<'_>,
    text: &str,
    base: &Path,
    out: &mut Vec<Diagnostic>,
) -> (String, Vec<Included>) {
    let index = LineIndex::new(text);
    let mut included = Vec::new();
    let expanded = expand_at(
        site,
        text,
        base,
        0,
        &mut None,
        Some(&mut included),
        &mut |path_at, len, d| out.push(d(index.span(path_at, path_at + len))),
    );
    (expanded, included)
}

type Report<'r> = dyn FnMut(usize, usize, &dyn Fn(crate::catalog::yaml::Span) -> Diagnostic) + 'r;

#[allow(clippy::too_many_arguments)]
fn expand_at(
    site: &Site<'_>,
    text: &str,
    base: &Path,
    depth: usize,
    title: &mut Option<String>,
    mut included: Option<&mut Vec<Included>>,
    report: &mut Report<'_>,
) -> String {
    let mut done = String::with_capacity(text.len());
    let mut last = 0;
    for found in find(text) {
        done.push_str(&text[last..found.start]);
        last = found.end;
        let raw = &text[found.start..found.end];
        let Some(written) = found.directive.path() else {
            match found.directive {
                Directive::Escaped => done.push_str(&raw[1..]),
                Directive::Title(t) => *title = Some(t.to_string()),
                _ => {}
            }
            continue;
        };
        let target = base.join(written);
        let file = site.file;
        let content = match site.project.read_to_string(&target, site.max_size) {
            Ok(c) => c,
            Err(refusal) => {
                let kind = raw.trim_start_matches("{{").trim_start();
                let kind = kind.split(char::is_whitespace).next().unwrap_or("#include");
                report(found.path_at, written.len(), &|span| {
                    let d = refusal.diagnostic(file, span, written);
                    let d = if matches!(refusal, Refusal::Missing) {
                        Diagnostic::error(
                            "missing-file",
                            file,
                            span,
                            format!("`{kind}` names `{written}`, which does not exist"),
                        )
                        .with_help("fix the path; it is relative to the chapter's folder")
                    } else {
                        d
                    };
                    if depth > 0 {
                        Diagnostic {
                            message: format!(
                                "{} (named by a file this directive includes)",
                                d.message
                            ),
                            ..d
                        }
                    } else {
                        d
                    }
                });
                done.push_str(raw);
                continue;
            }
        };
        let mut kept = None;
        let piece = match &found.directive {
            Directive::Include(_, lines) => {
                let lines = kept_lines(&content, lines);
                let piece = joined(&lines);
                if included.is_some() {
                    let numbers = lines.iter().map(|(n, _)| *n).collect();
                    kept = Some((content.clone(), piece.clone(), numbers));
                }
                piece
            }
            Directive::RustdocInclude(_, lines) => take_rustdoc(&content, lines),
            Directive::Playground(_, attrs) => {
                let mut body = content;
                if !body.ends_with('\n') {
                    body.push('\n');
                }
                let sep = if attrs.is_empty() { "" } else { "," };
                format!("```rust{sep}{}\n{body}```\n", attrs.join(","))
            }
            _ => String::new(),
        };
        if depth >= MAX_DEPTH {
            report(found.path_at, written.len(), &|span| {
                Diagnostic::error(
                    "include-depth",
                    file,
                    span,
                    format!(
                        "includes nest deeper than {MAX_DEPTH} levels (a file includes itself?)"
                    ),
                )
                .with_help("break the cycle of includes")
            });
            continue;
        }
        let inner_base = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| base.to_path_buf());
        if let (Some(list), Some((whole, text, lines))) = (included.as_deref_mut(), kept) {
            list.push(Included {
                file: target.clone(),
                whole,
                text,
                lines,
            });
        }
        // An included file's own directives are reported at the directive
        // of the chapter that led to them.
        let at = found.path_at;
        let len = written.len();
        let expanded = expand_at(
            site,
            &piece,
            &inner_base,
            depth + 1,
            title,
            included.as_deref_mut(),
            &mut |_, _, d| report(at, len, d),
        );
        done.push_str(&expanded);
    }
    done.push_str(&text[last..]);
    done
}

/// mdBook's `links` preprocessor, with every read under the one rule. The
/// diagnostics it finds are kept in `found` for the caller.
pub struct SafeLinks {
    /// The project root: every read stays inside it.
    pub project: Project,
    /// Largest file read, in bytes (`max-file-size`).
    pub max_size: u64,
    /// Diagnostics of refused or unreadable includes, collected for the caller
    /// (the preprocessor runs behind mdBook's `&self` interface).
    pub found: Arc<Mutex<Vec<Diagnostic>>>,
}

/// The name mdBook's preprocessor has (ours takes its place).
pub const NAME: &str = "links";

impl Preprocessor for SafeLinks {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<Book> {
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let mut found = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(ch) = item else { return };
            let Some(path) = ch.path.clone() else { return };
            let abs = src_dir.join(&path);
            let base = abs
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| src_dir.clone());
            let rel: PathBuf = self.project.relative(&abs);
            let site = Site {
                project: &self.project,
                max_size: self.max_size,
                file: &rel,
            };
            let mut title = None;
            ch.content = expand(&site, &ch.content, &base, &mut title, &mut found);
            if let Some(t) = title.filter(|t| *t != ch.name) {
                ctx.chapter_titles.borrow_mut().insert(path, t);
            }
        });
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(found);
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_selections_follow_mdbook() {
        let text = "a\nb\nc\nd\ne";
        let t = |arg: &str| take(text, &split_lines(arg).1);
        assert_eq!(t("f"), "a\nb\nc\nd\ne");
        assert_eq!(t("f:2"), "b");
        assert_eq!(t("f:2:4"), "b\nc\nd");
        assert_eq!(t("f:2:"), "b\nc\nd\ne");
        assert_eq!(t("f::2"), "a\nb");
        assert_eq!(t("f:4:2"), "");
        let anchored = "x\n// ANCHOR: one\ny\n// ANCHOR: two\nz\n// ANCHOR_END: one\nw";
        assert_eq!(take(anchored, &split_lines("f:one").1), "y\nz");
        assert_eq!(
            take_rustdoc("a\nb\nc", &split_lines("f:2").1),
            "# a\nb\n# c"
        );
        assert_eq!(
            take_rustdoc(anchored, &split_lines("f:two").1),
            "# x\n# y\nz\nw"
        );
    }

    #[test]
    fn directives_are_found_as_mdbook_finds_them() {
        // An escaped directive runs to the last `}}` of its line, as in mdBook.
        let kinds: Vec<_> = find(
            "{{#include a.md}} \\{{#include b.md}} {{#title X}}\n{{#title T}} {{#other x}}\n{{ #playground p.rs editable }}",
        )
            .into_iter()
            .map(|f| f.directive)
            .collect();
        assert_eq!(
            kinds,
            vec![
                Directive::Include("a.md", Lines::Range(0, None)),
                Directive::Escaped,
                Directive::Title("T"),
                Directive::Playground("p.rs", vec!["editable"]),
            ]
        );
    }

    fn site_in(dir: &Path) -> Project {
        Project::new(dir).unwrap()
    }

    #[test]
    fn includes_expand_and_refusals_are_located() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("s.txt"), "SECRET-MARK").unwrap();
        std::fs::create_dir_all(root.path().join("src")).unwrap();
        std::fs::write(
            root.path().join("src/part.md"),
            "part {{#include inner.md}}",
        )
        .unwrap();
        std::fs::write(root.path().join("src/inner.md"), "inner\n").unwrap();
        let project = site_in(root.path());
        let file = PathBuf::from("src/ch.md");
        let site = Site {
            project: &project,
            max_size: 1000,
            file: &file,
        };
        let secret = outside.path().join("s.txt");
        let text = format!(
            "# T\n{{{{#include part.md}}}}\n\n{{{{#include {}}}}}\n{{{{#playground ../../x.rs}}}}\n",
            secret.display()
        );
        let mut out = Vec::new();
        let mut title = None;
        let expanded = expand(&site, &text, &root.path().join("src"), &mut title, &mut out);
        assert!(expanded.starts_with("# T\npart inner\n"), "{expanded}");
        assert!(!expanded.contains("SECRET-MARK"));
        let found: Vec<_> = out
            .iter()
            .map(|d| (d.code, d.span.line, d.span.column))
            .collect();
        assert_eq!(
            found,
            vec![("outside-project", 4, 12), ("outside-project", 5, 15)]
        );
        assert!(out.iter().all(|d| !d.message.contains("SECRET-MARK")));
    }

    #[test]
    fn a_nested_refusal_is_reported_at_the_chapter_directive() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.md"), "{{#include /etc/hostname}}").unwrap();
        let project = site_in(root.path());
        let file = PathBuf::from("ch.md");
        let site = Site {
            project: &project,
            max_size: 1000,
            file: &file,
        };
        let mut out = Vec::new();
        expand(
            &site,
            "x\n  {{#include a.md}}",
            root.path(),
            &mut None,
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].code, out[0].span.line, out[0].span.column),
            ("outside-project", 2, 14)
        );
    }
}
