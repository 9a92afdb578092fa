//! Checks of what each catalog file says in words, one file at a time: the
//! rules the chapters' prose is held to, applied to the catalog's text.
//!
//! - Link schemes ([`crate::links`]): only http, https, mailto and the
//!   catalog's own schemes in markdown fields (`unsafe-link`).
//! - Neutrality ([`crate::neutrality`]): a scenario's design (title,
//!   summary, hypothesis, method, abort conditions, rollback,
//!   observability, security) and a practice are tool-neutral, so naming
//!   one or two tools there is a warning, as in a chapter. A tool's own
//!   file and an implementation's notes name their tool by nature.
//! - Placeholders ([`crate::scaffold::PLACEHOLDERS`]): a field that still
//!   starts with the text `chaosbook new` wrote (`placeholder`).
//!
//! Each file's findings depend on its text and the tools' names alone, so
//! a `serve` session keeps them by the file's exact text ([`Memo`]).

use std::path::PathBuf;
use std::sync::Arc;

use pulldown_cmark::Parser;
use serde_json::Value;

use super::model::Kind;
use super::yaml::{LineIndex, Span};
use super::{Catalog, Entry};
use crate::diagnostics::{Diagnostic, Report};
use crate::memo::ByText;
use crate::neutrality::{self, ToolNames};

/// Fields of catalog items written in markdown, as JSON Pointers; `*`
/// stands for every index of a list.
pub(crate) const TOOL_MARKDOWN: &[&str] = &["/summary", "/unsupported_reasons/*/reason"];
/// See [`TOOL_MARKDOWN`].
pub(crate) const SCENARIO_MARKDOWN: &[&str] = &[
    "/summary",
    "/hypothesis",
    "/method",
    "/rollback",
    "/security",
    "/implementations/*/notes",
    "/implementations/*/reason",
    "/implementations/*/alternative",
];
/// See [`TOOL_MARKDOWN`].
pub(crate) const PRACTICE_MARKDOWN: &[&str] = &["/summary", "/body"];

/// A scenario's tool-neutral prose: the design every tool's tab shares.
const SCENARIO_NEUTRAL: &[&str] = &[
    "/title",
    "/summary",
    "/hypothesis",
    "/method",
    "/abort_conditions/*",
    "/rollback",
    "/observability/*",
    "/security",
];
/// A practice's prose, tool-neutral throughout.
const PRACTICE_NEUTRAL: &[&str] = &["/title", "/summary", "/body"];

/// What one check of the catalog's text keeps for the next: each file's
/// findings by its exact text, for one list of tool names.
#[derive(Default)]
pub struct Memo {
    tools: ToolNames,
    found: ByText<PathBuf, Arc<str>, Vec<Diagnostic>>,
}

/// Checks the text of every catalog file, reusing what `memo` kept for a
/// file whose text is the same, and leaves `memo` with this check's
/// findings.
pub fn check(catalog: &Catalog, memo: &mut Memo, report: &mut Report) {
    let tools = ToolNames::new(catalog);
    let previous = std::mem::take(memo);
    let previous = if previous.tools == tools {
        previous
    } else {
        Memo::default()
    };
    let mut each = |file: &PathBuf, source: Arc<str>, findings: &dyn Fn() -> Vec<Diagnostic>| {
        let found = match previous.found.get(file, &source) {
            Some(found) => found.clone(),
            None => findings(),
        };
        if !found.is_empty() {
            report.sources.insert(file.clone(), source.to_string());
            report.diagnostics.extend(found.iter().cloned());
        }
        memo.found.insert(file.clone(), source, found);
    };
    for t in &catalog.tools {
        each(&t.file, t.shared_source(), &|| {
            entry_findings(t, Kind::Tool, TOOL_MARKDOWN, &[], &tools)
        });
    }
    for s in &catalog.scenarios {
        each(&s.file, s.shared_source(), &|| {
            entry_findings(
                s,
                Kind::Scenario,
                SCENARIO_MARKDOWN,
                SCENARIO_NEUTRAL,
                &tools,
            )
        });
    }
    for p in &catalog.practices {
        each(&p.file, p.shared_source(), &|| {
            entry_findings(
                p,
                Kind::Practice,
                PRACTICE_MARKDOWN,
                PRACTICE_NEUTRAL,
                &tools,
            )
        });
    }
    memo.tools = tools;
}

fn entry_findings<T: serde::Serialize>(
    entry: &Entry<T>,
    kind: Kind,
    markdown: &[&str],
    neutral: &[&str],
    tools: &ToolNames,
) -> Vec<Diagnostic> {
    let value = value_of(entry);
    let mut found = Vec::new();
    let index = LineIndex::new(entry.source());
    for pattern in markdown {
        for (pointer, text) in strings_at(&value, pattern) {
            for link in crate::links::field_links(entry, &pointer, text, &index) {
                found.extend(crate::links::unsafe_link(
                    &link.dest,
                    &entry.file,
                    link.span,
                ));
            }
        }
    }
    for pattern in neutral {
        for (pointer, text) in strings_at(&value, pattern) {
            let span = |start: usize, end: usize| {
                place_in_field(entry, &pointer, text, start..end, &index)
            };
            let mut lint = neutrality::Lint::new(tools, &entry.file);
            let options = crate::markdown::parser_options(false);
            for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
                lint.feed(&event, range, &span, &mut found);
            }
        }
    }
    for (of, pattern, placeholder) in crate::scaffold::PLACEHOLDERS {
        if of != kind {
            continue;
        }
        for (pointer, text) in strings_at(&value, pattern) {
            if text.trim_start().starts_with(placeholder) {
                found.push(
                    Diagnostic::warning(
                        "placeholder",
                        &entry.file,
                        entry.doc().locate(&pointer),
                        format!("`{pointer}` still holds the text `chaosbook new` wrote"),
                    )
                    .with_help("replace it with the real text or link"),
                );
            }
        }
    }
    found
}

/// Where the bytes `range` of the field at `pointer` (whose value is
/// `value`) are written in the file: the same words are looked for in the
/// field's source (the nth time they occur there, as in the value, in any
/// letter case), else the field's start is given. A folded or quoted
/// scalar reads otherwise than it is written, so this is a search.
fn place_in_field<T>(
    entry: &Entry<T>,
    pointer: &str,
    value: &str,
    range: std::ops::Range<usize>,
    index: &LineIndex,
) -> Span {
    let node = entry.doc().locate(pointer);
    let words = value
        .get(range.clone())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if words.is_empty() {
        return node;
    }
    let before = value
        .get(..range.start)
        .map_or(0, |b| b.to_ascii_lowercase().matches(&words).count());
    let source = entry
        .source()
        .get(node.start..node.end.max(node.start))
        .unwrap_or("")
        .to_ascii_lowercase();
    match source.match_indices(&words).nth(before) {
        Some((at, _)) => index.span(node.start + at, node.start + at + words.len()),
        None => node,
    }
}

/// An entry's value as JSON (the model serialises as its schema reads),
/// holding only the entry's own text: the `reason` that validation copies
/// into an implementation with a `reason_ref` is the tool's text, checked
/// at its place in the tool's file. Checked here too, it would be reported
/// at the scenario, and a finding kept by the scenario's text would
/// outlive an edit of the tool's.
pub(crate) fn value_of<T: serde::Serialize>(entry: &Entry<T>) -> Value {
    let mut value = serde_json::to_value(&entry.item).unwrap_or_default();
    if let Some(implementations) = value
        .get_mut("implementations")
        .and_then(Value::as_array_mut)
    {
        for imp in implementations.iter_mut().filter_map(Value::as_object_mut) {
            if imp.contains_key("reason_ref") {
                imp.remove("reason");
            }
        }
    }
    value
}

/// The string values at `pattern` of a JSON value, with their concrete
/// pointers; `*` stands for every index of a list and every key of a map.
pub(crate) fn strings_at<'a>(value: &'a Value, pattern: &str) -> Vec<(String, &'a str)> {
    let mut found = vec![(String::new(), value)];
    for token in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (ptr, v) in found {
            match (token, v) {
                ("*", Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{ptr}/{i}"), item));
                    }
                }
                ("*", Value::Object(map)) => {
                    for (key, item) in map {
                        next.push((format!("{ptr}/{key}"), item));
                    }
                }
                _ => {
                    if let Some(child) = v.get(token) {
                        next.push((format!("{ptr}/{token}"), child));
                    }
                }
            }
        }
        found = next;
    }
    found
        .into_iter()
        .filter_map(|(p, v)| v.as_str().map(|s| (p, s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_expand_lists_and_maps() {
        let v = serde_json::json!({
            "references": [{"url": "a"}, {"url": "b"}],
            "safety": {"stop": {"docs": "c"}, "automatic_stop": {"docs": "d"}},
            "x": 1
        });
        assert_eq!(
            strings_at(&v, "/references/*/url"),
            [
                ("/references/0/url".to_string(), "a"),
                ("/references/1/url".to_string(), "b")
            ]
        );
        let mut docs = strings_at(&v, "/safety/*/docs");
        docs.sort();
        assert_eq!(
            docs,
            [
                ("/safety/automatic_stop/docs".to_string(), "d"),
                ("/safety/stop/docs".to_string(), "c")
            ]
        );
        assert!(strings_at(&v, "/x").is_empty());
    }
}
