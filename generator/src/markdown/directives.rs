//! Directives: `{{#name args}}`.
//!
//! - A paragraph that is only a directive (`{{#scenario ID}}`,
//!   `{{#catalog}}`, ...) is expanded by the site and the PDF
//!   ([`paragraph_directive`]); `check` finds the same ones with
//!   [`directives`].
//! - `{{#include FILE}}` (mdBook's, with `FILE:START:END` line ranges and
//!   `FILE:ANCHOR` parts) is expanded by mdBook's `links` preprocessor
//!   before chaosbook renders a chapter; [`includes`] finds them where it
//!   does, so that `check` reads an included file as part of its chapter.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The name of the directive that embeds a scenario.
pub const SCENARIO: &str = "scenario";
/// The name of the directive that marks the catalog's chapter.
pub const CATALOG: &str = "catalog";

/// `{{#name args}}` on its own: (name, args).
pub fn paragraph_directive(text: &str) -> Option<(&str, &str)> {
    let inner = text.trim().strip_prefix("{{#")?.strip_suffix("}}")?;
    if inner.contains("}}") {
        return None;
    }
    let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (name, args.trim()))
}

/// A directive found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The directive's name (`scenario`, `catalog`, ...).
    pub name: String,
    /// Everything after the name, trimmed.
    pub args: String,
    /// Where the arguments are in the text (where a diagnostic points).
    pub args_at: Range<usize>,
}

/// The directives the site expands: paragraphs that are only `{{#name
/// args}}` (never in code), read as the renderer reads them.
pub fn directives(markdown: &str, smart_punctuation: bool) -> Vec<Found> {
    let mut out = Vec::new();
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(markdown, super::parser_options(smart_punctuation))
            .into_offset_iter()
            .collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Paragraph) = events[i].0 {
            // The paragraph's text, which the parser may split in pieces.
            let mut j = i + 1;
            let mut text = String::new();
            let mut only_text = true;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Paragraph)) {
                match &events[j].0 {
                    Event::Text(t) => text.push_str(t),
                    _ => only_text = false,
                }
                j += 1;
            }
            if only_text && j > i + 1 && j < events.len() {
                let range = events[i + 1].1.start..events[j - 1].1.end;
                if let Some((name, args)) = paragraph_directive(&text) {
                    let source = &markdown[range.clone()];
                    let args_at = match source.rfind(args).filter(|_| !args.is_empty()) {
                        Some(at) => range.start + at..range.start + at + args.len(),
                        None => range.end..range.end,
                    };
                    out.push(Found {
                        name: name.to_string(),
                        args: args.to_string(),
                        args_at,
                    });
                }
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// Which part of a file an include takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    /// The whole file.
    All,
    /// Lines `start..end`, counted from 0 (mdBook's `FILE:START:END`, from 1).
    Lines(usize, Option<usize>),
    /// Between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(&'a str),
}

/// An `{{#include FILE}}` of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include<'a> {
    /// The whole `{{#include ...}}`.
    pub range: Range<usize>,
    /// The file, relative to the including file.
    pub path: &'a str,
    /// Which part of the file it takes.
    pub part: Part<'a>,
}

/// mdBook's includes in `text` (anywhere, as its preprocessor finds them;
/// `\{{#include x}}` is escaped and left alone).
pub fn includes(text: &str) -> Vec<Include<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{#include").map(|i| from + i) {
        from = at + 2;
        if text[..at].ends_with('\\') {
            continue;
        }
        let Some(end) = text[at..].find("}}").map(|i| at + i) else {
            break;
        };
        let inner = &text[at + "{{#include".len()..end];
        if !inner.starts_with(char::is_whitespace) || inner.contains('\n') {
            continue;
        }
        let target = inner.split_whitespace().next().unwrap_or("");
        let mut pieces = target.splitn(3, ':');
        let path = pieces.next().unwrap_or("");
        let part = match (pieces.next(), pieces.next()) {
            (None, _) => Part::All,
            (Some(a), b) => match (a.parse::<usize>(), b.map(str::parse::<usize>)) {
                (Ok(start), None) => Part::Lines(start.saturating_sub(1), Some(start)),
                (Ok(start), Some(Ok(end))) => Part::Lines(start.saturating_sub(1), Some(end)),
                (Ok(start), Some(Err(_))) => Part::Lines(start.saturating_sub(1), None),
                (Err(_), Some(Ok(end))) if a.is_empty() => Part::Lines(0, Some(end)),
                (Err(_), _) if a.is_empty() => Part::All,
                (Err(_), _) => Part::Anchor(a),
            },
        };
        if !path.is_empty() {
            out.push(Include {
                range: at..end + 2,
                path,
                part,
            });
        }
        from = end + 2;
    }
    out
}

/// The part of an included file's text that an include takes.
pub fn take_part(text: &str, part: &Part<'_>) -> String {
    match part {
        Part::All => text.to_string(),
        Part::Lines(start, end) => {
            let lines = text.lines().skip(*start);
            let lines: Vec<&str> = match end {
                Some(e) => lines.take(e.saturating_sub(*start)).collect(),
                None => lines.collect(),
            };
            lines.join("\n")
        }
        Part::Anchor(name) => {
            let mut inside = false;
            let mut out = Vec::new();
            for line in text.lines() {
                if line.contains(&format!("ANCHOR: {name}")) {
                    inside = true;
                } else if line.contains(&format!("ANCHOR_END: {name}")) {
                    inside = false;
                } else if inside && !line.contains("ANCHOR") {
                    out.push(line);
                }
            }
            out.join("\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_directives_only() {
        let md = "{{#scenario pod-kill}}\n\nText {{#scenario inline}}\n\n```\n{{#scenario code}}\n```\n\n{{#catalog}}\n";
        let all = directives(md, true);
        let found: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|d| (d.name.as_str(), d.args.as_str(), &md[d.args_at.clone()]))
            .collect();
        assert_eq!(
            found,
            [("scenario", "pod-kill", "pod-kill"), ("catalog", "", "")]
        );
    }

    #[test]
    fn includes_as_mdbook_finds_them() {
        let text = "a {{#include ../CONTRIBUTING.md}}\n\\{{#include no.md}}\n{{#include x.rs:2:4}} {{#include y.md:part}} {{#include z.md::3}}\n";
        let found: Vec<(&str, Part<'_>)> = includes(text)
            .into_iter()
            .map(|i| (i.path, i.part))
            .collect();
        assert_eq!(
            found,
            [
                ("../CONTRIBUTING.md", Part::All),
                ("x.rs", Part::Lines(1, Some(4))),
                ("y.md", Part::Anchor("part")),
                ("z.md", Part::Lines(0, Some(3))),
            ]
        );
        assert_eq!(
            take_part("1\n2\n3\n4\n5\n", &Part::Lines(1, Some(4))),
            "2\n3\n4"
        );
        assert_eq!(
            take_part(
                "x\n// ANCHOR: p\nin\n// ANCHOR_END: p\nout\n",
                &Part::Anchor("p")
            ),
            "in"
        );
    }
}
