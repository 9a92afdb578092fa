//! The neutrality lint: prose that names one or two tools of the catalog on
//! their own reads as a recommendation, which the working group's first
//! rule (no king-making) forbids. One rule for every text a reader sees
//! outside a tool's own page and tabs: the chapters and the catalog's
//! tool-neutral fields (a scenario's design, a practice).
//!
//! A block of prose (paragraph, list item, heading, table cell) that names
//! one or two tools, outside code, is a warning: name several tools
//! together or link the catalog instead. Names are matched as whole words,
//! in any letter case (`pumba`, `Pumba` and `PUMBA` are one tool), by a
//! tool's `name` and its `aliases`. A comment
//! `<!-- chaosbook:allow-tool-mention: why -->` right before the block
//! accepts it, with its reason on record.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::catalog::yaml::Span;
use crate::catalog::Catalog;
use crate::diagnostics::Diagnostic;

/// The fewest tools a passage must name together to pass the lint.
pub const NEUTRAL_MENTIONS: usize = 3;

const ALLOW_MARKER: &str = "chaosbook:allow-tool-mention";

/// Tool names and aliases to look for in prose, longest first, in ASCII
/// lower case (tool names are ASCII, and ASCII folding keeps byte offsets).
#[derive(Default, PartialEq)]
pub struct ToolNames {
    names: Vec<(String, String)>,
}

impl ToolNames {
    /// The names and aliases of the catalog's tools.
    pub fn new(catalog: &Catalog) -> Self {
        let mut names: Vec<(String, String)> = catalog
            .tools
            .iter()
            .flat_map(|t| {
                std::iter::once(t.item.name.clone())
                    .chain(t.item.aliases.iter().cloned())
                    .filter(|n| !n.trim().is_empty())
                    .map(move |n| (n.to_ascii_lowercase(), t.item.id.clone()))
            })
            .collect();
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        names.dedup();
        Self { names }
    }

    /// Tool ids named in `text`, each with the byte range of its first
    /// mention.
    fn find(&self, text: &str) -> BTreeMap<String, Range<usize>> {
        let folded = text.to_ascii_lowercase();
        let mut found: BTreeMap<String, Range<usize>> = BTreeMap::new();
        let mut taken = vec![false; folded.len()];
        for (name, id) in &self.names {
            for (at, _) in folded.match_indices(name.as_str()) {
                let end = at + name.len();
                let word_start = folded[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let word_end = folded[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if word_start && word_end && !taken[at..end].iter().any(|t| *t) {
                    taken[at..end].iter_mut().for_each(|t| *t = true);
                    let first = found.entry(id.clone()).or_insert(at..end);
                    if at < first.start {
                        *first = at..end;
                    }
                }
            }
        }
        found
    }
}

/// The lint over one markdown text, fed its parser's events with their
/// byte ranges (so a caller that parses the text for other reasons parses
/// it once). Findings are placed by `span`, given byte ranges of the text.
pub struct Lint<'a> {
    tools: &'a ToolNames,
    file: &'a Path,
    block: Block,
    allow_next: bool,
    in_code: usize,
    depth: usize,
}

/// A block of prose being collected: its text and, for each piece, where
/// it starts in the markdown.
#[derive(Default)]
struct Block {
    text: String,
    offsets: Vec<(usize, usize)>,
    allowed: bool,
}

impl<'a> Lint<'a> {
    /// A lint of a text of `file`.
    pub fn new(tools: &'a ToolNames, file: &'a Path) -> Self {
        Self {
            tools,
            file,
            block: Block::default(),
            allow_next: false,
            in_code: 0,
            depth: 0,
        }
    }

    /// Takes in the next event of the text.
    pub fn feed(
        &mut self,
        event: &Event<'_>,
        range: Range<usize>,
        span: &dyn Fn(usize, usize) -> Span,
        out: &mut Vec<Diagnostic>,
    ) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code += 1,
            Event::End(TagEnd::CodeBlock) => self.in_code = self.in_code.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) if html.contains(ALLOW_MARKER) => {
                let reason = html
                    .split(ALLOW_MARKER)
                    .nth(1)
                    .map(|r| {
                        r.trim_start_matches(':')
                            .trim()
                            .trim_end_matches("-->")
                            .trim()
                    })
                    .unwrap_or("");
                if reason.is_empty() {
                    out.push(
                        Diagnostic::error(
                            "neutrality-marker",
                            self.file,
                            span(range.start, range.end),
                            "an allow marker needs a reason",
                        )
                        .with_help(format!(
                            "write `<!-- {ALLOW_MARKER}: why this passage names the tool -->`"
                        )),
                    );
                }
                self.allow_next = true;
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::TableCell) => {
                if self.depth == 0 {
                    self.block = Block {
                        allowed: std::mem::take(&mut self.allow_next),
                        ..Block::default()
                    };
                }
                self.depth += 1;
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell,
            ) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.judge(span, out);
                }
            }
            Event::Text(t) if self.in_code == 0 && self.depth > 0 => {
                self.block
                    .offsets
                    .push((self.block.text.len(), range.start));
                self.block.text.push_str(t);
                self.block.text.push(' ');
            }
            _ => {}
        }
    }

    fn judge(&self, span: &dyn Fn(usize, usize) -> Span, out: &mut Vec<Diagnostic>) {
        let block = &self.block;
        if block.allowed || block.text.is_empty() {
            return;
        }
        let found = self.tools.find(&block.text);
        if found.is_empty() || found.len() >= NEUTRAL_MENTIONS {
            return;
        }
        let Some((first_id, first)) = found.iter().min_by_key(|(_, at)| at.start) else {
            return;
        };
        // Where the mention is in the markdown: its piece's start plus the
        // distance into the piece (a piece is one text event, unchanged).
        let in_text = block
            .offsets
            .iter()
            .rev()
            .find(|(b, _)| *b <= first.start)
            .map_or(0, |(b, f)| f + (first.start - b));
        let names: Vec<&str> = found.keys().map(String::as_str).collect();
        out.push(
            Diagnostic::warning(
                "neutrality",
                self.file,
                span(in_text, in_text + first.len()),
                format!(
                    "this passage names {} on its own ({})",
                    if names.len() == 1 { "one tool" } else { "two tools" },
                    names.join(", ")
                ),
            )
            .with_label(format!("`{first_id}` named here"))
            .with_help(format!(
                "describe the capability without naming a tool and link the catalog (e.g. [coverage matrix](catalog:matrix)), name at least {NEUTRAL_MENTIONS} tools together, or justify it with <!-- {ALLOW_MARKER}: reason -->"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pairs: &[(&str, &str)]) -> ToolNames {
        let mut names: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, id)| (n.to_ascii_lowercase(), id.to_string()))
            .collect();
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        ToolNames { names }
    }

    #[test]
    fn names_are_whole_words_in_any_case_by_name_or_alias() {
        let tools = names(&[
            ("Chaos Mesh", "chaos-mesh"),
            ("Pumba", "pumba"),
            ("AWS Fault Injection Service", "aws-fis"),
            ("FIS", "aws-fis"),
        ]);
        let found = tools.find("use pumba, or CHAOS MESH; an FIS template");
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [
                ("aws-fis".to_string(), 29..32),
                ("chaos-mesh".to_string(), 14..24),
                ("pumba".to_string(), 4..9),
            ]
        );
        // Inside another word, a name is not a mention.
        assert!(tools.find("pumbaa and fiscal and chaos meshes").is_empty());
    }
}
