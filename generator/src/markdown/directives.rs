//! Directives: `{{#name args}}`.
//!
//! - A paragraph that is only a directive (`{{#scenario ID}}`,
//!   `{{#catalog}}`, ...) is expanded by the site and the PDF
//!   ([`paragraph_directive`]); `check` finds the same ones with
//!   [`directives`].
//! - `{{#include FILE}}` and mdBook's other file directives are expanded
//!   before a chapter is rendered, by [`crate::book::include`], which
//!   `check` uses too.

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
/// args}}` (never in code), read as the renderer reads them: as written
/// (see [`super::events`]).
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
            let mut only_text = true;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Paragraph)) {
                only_text &= matches!(events[j].0, Event::Text(_));
                j += 1;
            }
            if only_text && j > i + 1 && j < events.len() {
                let range = events[i + 1].1.start..events[j - 1].1.end;
                let source = &markdown[range.clone()];
                if let Some((name, args)) = paragraph_directive(source) {
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

/// The directives a chapter may hold: those the site and the PDF both
/// expand in a chapter.
pub const IN_CHAPTERS: [&str; 4] = [
    SCENARIO,
    CATALOG,
    crate::render::catalog::LAB_DIRECTIVE,
    crate::render::catalog::SAFETY_DIRECTIVE,
];

/// mdBook's file directives, expanded wherever they stand before a chapter
/// is read ([`crate::book::include`]).
pub const FILE_DIRECTIVES: [&str; 5] = [
    "include",
    "rustdoc_include",
    "playground",
    "playpen",
    "title",
];

/// Where `markdown` writes `{{#` (or `{{ #`) in prose that nothing will
/// expand, so the reader would see the braces: not in code, not escaped
/// (mdBook's links preprocessor takes the backslash away and leaves the
/// directive to the site), not one of mdBook's file directives, and not a
/// directive standing alone in its paragraph (`found`, what [`directives`]
/// gave for this text). Each range runs to the closing `}}` or the end of
/// the line.
pub fn stray(markdown: &str, smart_punctuation: bool, found: &[Found]) -> Vec<Range<usize>> {
    let expanded: Vec<usize> = found
        .iter()
        .filter_map(|d| markdown[..d.args_at.start].rfind("{{"))
        .collect();
    let mut out = Vec::new();
    let mut in_code = 0usize;
    for (event, range) in
        Parser::new_ext(markdown, super::parser_options(smart_punctuation)).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(_) if in_code == 0 => {
                let source = &markdown[range.clone()];
                let mut from = 0;
                while let Some(at) = source[from..].find("{{").map(|i| from + i) {
                    from = at + 2;
                    let after = source[from..].trim_start();
                    let Some(name) = after.strip_prefix('#') else {
                        continue;
                    };
                    let name_end = name
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                        .unwrap_or(name.len());
                    let start = range.start + at;
                    if markdown[..start].ends_with('\\')
                        || FILE_DIRECTIVES.contains(&&name[..name_end])
                        || expanded.contains(&start)
                    {
                        continue;
                    }
                    let rest = &markdown[start..];
                    let end = rest
                        .find("}}")
                        .map(|i| i + 2)
                        .into_iter()
                        .chain(rest.find('\n'))
                        .min()
                        .unwrap_or(rest.len());
                    out.push(start..start + end);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_nothing_expands_are_found() {
        // `{{#scenarios c}}` stands alone: a directive, whose name `check`
        // then looks up.
        let md = "{{#scenario a}}\n\nSee {{#scenario b}} here.\n\n{{#scenarios c}}\n\n{{#scenario d}\n\n{{ #scenario e }}\n\n\\{{#scenario f}}\n\n`{{#scenario g}}`\n\n```\n{{#scenario h}}\n```\n\n{{#include x.md}} and {{#title T}}\n";
        let found: Vec<&str> = stray(md, true, &directives(md, true))
            .into_iter()
            .map(|r| &md[r])
            .collect();
        assert_eq!(
            found,
            ["{{#scenario b}}", "{{#scenario d}", "{{ #scenario e }}"]
        );
    }

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
}
