//! One vocabulary: the `vocabulary` lint of `check`.
//!
//! `catalog/vocabulary.yaml` lists the canonical terms of the whitepaper and
//! the catalog (verdicts, GameDay roles, when the learning review is held,
//! ...) and, for each, the synonyms that must not be used instead. Every
//! chapter (prose outside code) and every tool, scenario and practice file
//! (text outside manifests) is searched for the banned synonyms, whole
//! words, case-insensitive, across line breaks; each hit is a warning at
//! its line and column. A passage that must use a banned word (a quotation,
//! a tool's own term) is accepted after a marker that gives the reason:
//! `<!-- chaosbook:allow-term: why -->` before a markdown block, or
//! `# chaosbook:allow-term: why` on the line before a YAML field.
//!
//! The same file feeds the site's search: a reader who types a banned
//! synonym ("game day") means the term ("GameDay"), so each term and its
//! banned synonyms form one group of search synonyms; `search_synonyms`
//! adds groups of words that are all right to write but that a reader uses
//! for one another ("kill" for "delete"). See [`Vocabulary::search_synonyms`].

use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;
use serde::Deserialize;

use crate::catalog::yaml::{self, LineIndex, Span};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Report};

/// The terms file, relative to the catalog folder.
pub const FILE: &str = "vocabulary.yaml";

const ALLOW_MARKER: &str = "chaosbook:allow-term";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermsFile {
    terms: Vec<Term>,
    /// Groups of words or phrases a search treats as one (none banned).
    #[serde(default)]
    search_synonyms: Vec<Vec<String>>,
}

/// A canonical term and the synonyms that must not replace it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    term: String,
    topic: String,
    meaning: String,
    banned: Vec<String>,
}

/// The banned synonyms, compiled.
pub struct Vocabulary {
    rules: Vec<Rule>,
    search_synonyms: Vec<Vec<String>>,
}

struct Rule {
    pattern: Regex,
    banned: String,
    term: String,
    topic: String,
    meaning: String,
}

impl Vocabulary {
    /// Reads the terms from YAML text; `Err` says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let values = yaml::parse_values(text).map_err(|e| e.message)?;
        let value = values.into_iter().next().ok_or("the file is empty")?;
        let file: TermsFile = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let mut rules = Vec::new();
        let mut search_synonyms = Vec::new();
        for (n, group) in file.search_synonyms.into_iter().enumerate() {
            if group.len() < 2 || group.iter().any(|w| w.trim().is_empty()) {
                return Err(format!(
                    "search_synonyms[{n}] needs two or more words or phrases, none empty"
                ));
            }
            search_synonyms.push(group);
        }
        for t in file.terms {
            if !t.banned.is_empty() {
                search_synonyms.push(
                    std::iter::once(t.term.clone())
                        .chain(t.banned.iter().cloned())
                        .collect(),
                );
            }
            for banned in &t.banned {
                let words: Vec<String> = banned.split_whitespace().map(regex::escape).collect();
                if words.is_empty() {
                    return Err(format!("`{}` has an empty banned synonym", t.term));
                }
                let pattern = Regex::new(&format!(r"(?i)\b{}\b", words.join(r"\s+")))
                    .map_err(|e| e.to_string())?;
                rules.push(Rule {
                    pattern,
                    banned: banned.clone(),
                    term: t.term.clone(),
                    topic: t.topic.clone(),
                    meaning: t.meaning.clone(),
                });
            }
        }
        Ok(Self {
            rules,
            search_synonyms,
        })
    }

    /// Groups of words or phrases that a search query treats as standing
    /// for one another: the file's `search_synonyms`, then each term with
    /// its banned synonyms.
    pub fn search_synonyms(&self) -> &[Vec<String>] {
        &self.search_synonyms
    }

    /// Banned synonyms in `text`: (start, end, rule index), in text order.
    fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let mut hits: Vec<(usize, usize, usize)> = self
            .rules
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.pattern
                    .find_iter(text)
                    .map(move |m| (m.start(), m.end(), i))
            })
            .collect();
        hits.sort();
        hits
    }

    fn diagnostic(&self, file: &Path, span: Span, rule: usize, yaml: bool) -> Diagnostic {
        let r = &self.rules[rule];
        let marker = if yaml {
            format!("# {ALLOW_MARKER}: reason")
        } else {
            format!("<!-- {ALLOW_MARKER}: reason -->")
        };
        Diagnostic::warning(
            "vocabulary",
            file,
            span,
            format!(
                "`{}` is not the project's word; write `{}` ({})",
                r.banned, r.term, r.topic
            ),
        )
        .with_label(format!("{}: {}", r.term, r.meaning))
        .with_help(format!(
            "use the canonical term from catalog/{FILE}, or justify the exception with {marker} before the passage"
        ))
    }
}

/// Checks chapters and catalog text against `catalog/vocabulary.yaml`
/// (nothing to do when the project has no such file); the vocabulary, when
/// the file could be read, for what else uses it (search synonyms).
pub fn check(config: &Config, catalog: &Catalog, report: &mut Report) -> Option<Vocabulary> {
    let rel = config.settings.catalog.join(FILE);
    let abs = config.root.join(&rel);
    if !abs.is_file() {
        return None;
    }
    let text = match crate::catalog::load::read_text(
        &config.root,
        &abs,
        &rel,
        config.settings.max_file_size,
    ) {
        Ok(t) => t,
        Err(d) => {
            report.push(*d);
            return None;
        }
    };
    let vocabulary = match Vocabulary::parse(&text) {
        Ok(v) => v,
        Err(why) => {
            report.push(
                Diagnostic::error("vocabulary-file", &rel, Span::default(), why).with_help(
                    "each entry of `terms` has term, topic, meaning and banned (a list); \
                     `search_synonyms` is a list of groups of two or more words or phrases",
                ),
            );
            return None;
        }
    };
    for (chapter_rel, chapter_abs, _) in crate::whitepaper::chapter_files(config) {
        let Ok(text) = crate::catalog::load::read_text(
            &config.root,
            &chapter_abs,
            &chapter_rel,
            config.settings.max_file_size,
        ) else {
            continue; // the chapter checks report unreadable files
        };
        let found = check_markdown(&vocabulary, &chapter_rel, &text);
        push(report, &chapter_rel, &text, found);
    }
    let files = catalog
        .tools
        .iter()
        .map(|e| (&e.file, e.source()))
        .chain(catalog.scenarios.iter().map(|e| (&e.file, e.source())))
        .chain(catalog.practices.iter().map(|e| (&e.file, e.source())));
    for (file, source) in files {
        let found = check_yaml(&vocabulary, file, source);
        push(report, file, source, found);
    }
    Some(vocabulary)
}

fn push(report: &mut Report, file: &Path, text: &str, found: Vec<Diagnostic>) {
    if !found.is_empty() {
        report.sources.insert(file.to_path_buf(), text.to_string());
        report.diagnostics.extend(found);
    }
}

/// The reason of an allow marker in `text`, if it has one ("" when empty).
fn marker_reason(text: &str) -> Option<&str> {
    let rest = text.split(ALLOW_MARKER).nth(1)?;
    Some(
        rest.trim_start_matches(':')
            .trim()
            .trim_end_matches("-->")
            .trim(),
    )
}

fn marker_without_reason(file: &Path, span: Span, yaml: bool) -> Diagnostic {
    let example = if yaml {
        format!("# {ALLOW_MARKER}: why this text uses the word")
    } else {
        format!("<!-- {ALLOW_MARKER}: why this passage uses the word -->")
    };
    Diagnostic::error(
        "vocabulary-marker",
        file,
        span,
        "an allow marker needs a reason",
    )
    .with_help(format!("write `{example}`"))
}

/// Prose of a markdown file, outside code blocks and inline code.
pub fn check_markdown(vocabulary: &Vocabulary, file: &Path, text: &str) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let mut allow_next = false;
    let mut allowed = false;
    let mut depth = 0usize;
    let mut in_code = 0usize;
    let mut run: Option<std::ops::Range<usize>> = None;
    // Words are matched in the source text: smart punctuation changes no word.
    let options = crate::markdown::parser_options(false);
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) if html.contains(ALLOW_MARKER) => {
                if marker_reason(&html).is_some_and(str::is_empty) {
                    out.push(marker_without_reason(
                        file,
                        index.span(range.start, range.end),
                        false,
                    ));
                }
                allow_next = true;
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::Heading { .. }
                | Tag::Table(_)
                | Tag::BlockQuote(_),
            ) => {
                if depth == 0 {
                    allowed = std::mem::take(&mut allow_next);
                }
                depth += 1;
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::Table
                | TagEnd::BlockQuote(_),
            ) => depth = depth.saturating_sub(1),
            // A run of text and soft line breaks is searched as one, so a
            // phrase broken over two lines is found too.
            Event::Text(_) | Event::SoftBreak if in_code == 0 && !allowed => {
                run = Some(run.map_or(range.clone(), |r| r.start..range.end));
                continue;
            }
            _ => {}
        }
        if let Some(r) = run.take() {
            search_run(vocabulary, file, text, &index, r, &mut out);
        }
    }
    if let Some(r) = run.take() {
        search_run(vocabulary, file, text, &index, r, &mut out);
    }
    out
}

fn search_run(
    vocabulary: &Vocabulary,
    file: &Path,
    text: &str,
    index: &LineIndex,
    run: std::ops::Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    for (start, end, rule) in vocabulary.find(&text[run.clone()]) {
        let span = index.span(run.start + start, run.start + end);
        out.push(vocabulary.diagnostic(file, span, rule, false));
    }
}

/// Text of a catalog YAML file, outside manifests and comments.
pub fn check_yaml(vocabulary: &Vocabulary, file: &Path, source: &str) -> Vec<Diagnostic> {
    let index = LineIndex::new(source);
    let mut out = Vec::new();
    // The searchable text: the source with manifests, comments and allowed
    // fields blanked out, so that offsets stay those of the file.
    let mut text = String::with_capacity(source.len());
    // Indentation of the key whose block is being skipped.
    let mut skip_deeper_than: Option<usize> = None;
    let mut allow_next = false;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        let trimmed = content.trim_start();
        if let Some(limit) = skip_deeper_than {
            if trimmed.is_empty() || indent > limit {
                blank(&mut text, line);
                continue;
            }
            skip_deeper_than = None;
        }
        if trimmed.starts_with('#') {
            if trimmed.contains(ALLOW_MARKER) {
                if marker_reason(trimmed).is_some_and(str::is_empty) {
                    out.push(marker_without_reason(
                        file,
                        index.span(start + indent, start + content.len()),
                        true,
                    ));
                }
                allow_next = true;
            }
            blank(&mut text, line);
            continue;
        }
        let key = trimmed.trim_start_matches("- ");
        let is_manifest = key.starts_with("manifest:") || key.starts_with("manifest_file:");
        if is_manifest || std::mem::take(&mut allow_next) {
            blank(&mut text, line);
            skip_deeper_than = Some(indent + (trimmed.len() - key.len()));
            continue;
        }
        text.push_str(line);
    }
    for (start, end, rule) in vocabulary.find(&text) {
        out.push(vocabulary.diagnostic(file, index.span(start, end), rule, true));
    }
    out
}

/// Spaces in place of a line (its line break kept), so offsets do not move.
fn blank(text: &mut String, line: &str) {
    for c in line.chars() {
        if c == '\n' {
            text.push('\n');
        } else {
            for _ in 0..c.len_utf8() {
                text.push(' ');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: &str = "terms:\n  - term: refuted\n    topic: verdict\n    meaning: the evidence contradicts the hypothesis\n    banned: [disproved, hypothesis failed]\n";

    fn positions(found: &[Diagnostic]) -> Vec<(usize, usize)> {
        found.iter().map(|d| (d.span.line, d.span.column)).collect()
    }

    #[test]
    fn prose_hits_are_reported_at_their_line_and_column_and_code_is_not() {
        let v = Vocabulary::parse(TERMS).unwrap();
        let md = "# Title\n\nThe run was Disproved today.\n\n```\ndisproved\n```\n\nIt `disproved` nothing; the hypothesis\nfailed.\n";
        let found = check_markdown(&v, Path::new("a.md"), md);
        assert_eq!(positions(&found), vec![(3, 13), (9, 29)]);
        assert_eq!(found[0].code, "vocabulary");
        assert_eq!(
            found[0].message,
            "`disproved` is not the project's word; write `refuted` (verdict)"
        );
    }

    #[test]
    fn a_marker_with_a_reason_allows_the_next_block_and_one_without_is_an_error() {
        let v = Vocabulary::parse(TERMS).unwrap();
        let md = "<!-- chaosbook:allow-term: quoting the tool -->\nIt was disproved.\n\nAlso disproved.\n\n<!-- chaosbook:allow-term -->\nDisproved again.\n";
        let found = check_markdown(&v, Path::new("a.md"), md);
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.span.line)).collect();
        assert_eq!(codes, vec![("vocabulary", 4), ("vocabulary-marker", 6)]);
    }

    #[test]
    fn yaml_text_is_searched_across_lines_but_manifests_and_allowed_fields_are_not() {
        let v = Vocabulary::parse(TERMS).unwrap();
        let src = "id: x\nsummary: >-\n  when the hypothesis\n  failed we\nimplementations:\n  - tool: a\n    manifest: |\n      disproved: true\n    notes: disproved\n# chaosbook:allow-term: the tool's own label\nrollback: disproved\n";
        let found = check_yaml(&v, Path::new("x.yaml"), src);
        assert_eq!(positions(&found), vec![(3, 12), (9, 12)]);
    }

    #[test]
    fn search_synonyms_are_the_listed_groups_then_each_term_with_its_banned_words() {
        let file =
            format!("{TERMS}search_synonyms:\n  - [delete, kill]\n  - [game day, GameDay]\n");
        let v = Vocabulary::parse(&file).unwrap();
        assert_eq!(
            v.search_synonyms(),
            [
                vec!["delete", "kill"],
                vec!["game day", "GameDay"],
                vec!["refuted", "disproved", "hypothesis failed"],
            ]
        );
        for bad in ["  - [delete]\n", "  - [delete, \" \"]\n"] {
            let Err(why) = Vocabulary::parse(&format!("{TERMS}search_synonyms:\n{bad}")) else {
                panic!("{bad} was accepted");
            };
            assert!(why.contains("search_synonyms[0]"), "{why}");
        }
    }

    #[test]
    fn a_terms_file_with_an_unknown_field_is_refused() {
        let bad = "terms:\n  - term: refuted\n    topic: verdict\n    meaning: m\n    banned: [x]\n    extra: 1\n";
        let Err(why) = Vocabulary::parse(bad) else {
            panic!("the unknown field `extra` was accepted");
        };
        assert!(why.contains("extra"), "{why}");
    }
}
