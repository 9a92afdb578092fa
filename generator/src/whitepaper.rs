//! Checks of the whitepaper's markdown, run by `check` (and so by `build`):
//! links that cannot rot and prose that cannot quietly favour a tool.
//!
//! - `{{#scenario ID key=value ...}}` embeds (values checked as
//!   [`crate::embed`] says) and `scenario:ID`, `practice:ID`, `tool:ID`,
//!   `catalog:index|matrix|tools` links must name existing items
//!   (`scenario:ID?tool=T` also needs an implementation by tool T).
//! - Links between chapters must reach an existing file and, with
//!   `#anchor`, an existing heading (ids computed as the renderer does).
//! - Only http, https and mailto are followed; `javascript:`, `data:`,
//!   `file:` and other schemes are errors.
//! - Neutrality: a block of prose (paragraph, list item, heading, table
//!   cell) that names one or two tools of the catalog, outside code, is a
//!   warning: name several tools together or link the catalog instead. A
//!   comment `<!-- chaosbook:allow-tool-mention: why -->` right before the
//!   block accepts it, with its reason on record.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::catalog::yaml::{LineIndex, Span};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::content_path::{Project, Refusal};
use crate::diagnostics::{did_you_mean, Diagnostic, Report};
use crate::render::markdown::{id_from_content, unique_id};

/// Pages the `catalog:` link scheme names.
pub const CATALOG_PAGES: [&str; 3] = ["index", "matrix", "tools"];

/// The fewest tools a passage must name together to pass the neutrality lint.
pub const NEUTRAL_MENTIONS: usize = 3;

const ALLOW_MARKER: &str = "chaosbook:allow-tool-mention";

fn options() -> Options {
    crate::render::markdown::parser_options()
}

/// A chapter file: its path relative to the project root and its text.
struct Chapter {
    rel: PathBuf,
    abs: PathBuf,
    /// Relative to the book's source folder, `/`-separated.
    in_book: String,
    text: String,
}

/// The markdown files of the book's source folder in a stable order:
/// (path relative to the root, absolute path, path inside the book).
pub fn chapter_files(config: &Config) -> Vec<(PathBuf, PathBuf, String)> {
    let src = config.root.join(&config.book_src);
    if !src.is_dir() {
        return Vec::new();
    }
    let Ok(project) = Project::new(&config.root) else {
        return Vec::new();
    };
    // Refused entries are reported by `check` (see [`check_folders`]).
    project
        .walk(&src)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let rel = crate::catalog::load::relative(&config.root, e.path());
            let in_book = e
                .path()
                .strip_prefix(&src)
                .map(crate::diagnostics::display_path)
                .unwrap_or_default();
            (rel, e.path().to_path_buf(), in_book)
        })
        .collect()
}

/// Reports every entry of the book's source folder and of the theme folder
/// that the one rule refuses (a link out of the project, a FIFO, ...), at
/// the entry's own path: the site copies those folders, so nothing in them
/// may lead outside.
fn check_folders(config: &Config, project: &Project, report: &mut Report) {
    for dir in [
        config.root.join(&config.book_src),
        config.root.join(&config.theme),
    ] {
        if !dir.exists() && std::fs::symlink_metadata(&dir).is_err() {
            continue;
        }
        for entry in project.walk(&dir) {
            if let Err(d) = entry {
                report.push(*d);
            }
        }
    }
}

/// Checks every markdown file of the book's source folder.
pub fn check(config: &Config, catalog: &Catalog, report: &mut Report) {
    let project = match Project::new(&config.root) {
        Ok(p) => p,
        Err(e) => {
            report.push(Diagnostic::error(
                "io-error",
                config.root.clone(),
                Span::default(),
                format!("cannot resolve the project root: {e}"),
            ));
            return;
        }
    };
    check_folders(config, &project, report);
    let mut chapters = Vec::new();
    for (rel, abs, in_book) in chapter_files(config) {
        match crate::catalog::load::read_text(&config.root, &abs, &rel, config.max_file_size) {
            Ok(text) => chapters.push(Chapter {
                rel,
                abs,
                in_book,
                text,
            }),
            Err(d) => report.push(*d),
        }
    }
    let anchors: HashMap<String, HashSet<String>> = chapters
        .iter()
        .map(|c| (c.in_book.clone(), heading_anchors(&c.text)))
        .collect();
    let tools = ToolNames::new(catalog);
    for chapter in &chapters {
        let mut out = Vec::new();
        check_includes(config, &project, chapter, &mut out);
        check_chapter(chapter, catalog, &anchors, &tools, &project, &mut out);
        if !out.is_empty() {
            report
                .sources
                .insert(chapter.rel.clone(), chapter.text.clone());
            report.diagnostics.extend(out);
        }
    }
}

/// The chapter's `{{#include}}`-like directives, expanded as the build
/// expands them (nested ones too), so each path the rule refuses is an
/// error here, at the directive.
fn check_includes(
    config: &Config,
    project: &Project,
    chapter: &Chapter,
    out: &mut Vec<Diagnostic>,
) {
    let site = crate::book::include::Site {
        project,
        max_size: config.max_file_size,
        file: &chapter.rel,
    };
    let base = chapter.abs.parent().unwrap_or(Path::new("."));
    crate::book::include::expand(&site, &chapter.text, base, &mut None, out);
}

/// The heading ids of a markdown text, as the renderer assigns them.
pub fn heading_anchors(text: &str) -> HashSet<String> {
    let mut used = HashSet::new();
    let mut current: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((id.map(|s| s.to_string()), String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, content)) = current.take() {
                    let id = explicit.unwrap_or_else(|| id_from_content(&content));
                    unique_id(&id, &mut used);
                }
            }
            _ => {}
        }
    }
    used
}

/// Tool names and aliases to look for in prose, longest first.
struct ToolNames {
    names: Vec<(String, String)>,
}

impl ToolNames {
    fn new(catalog: &Catalog) -> Self {
        let mut names: Vec<(String, String)> = catalog
            .tools
            .iter()
            .flat_map(|t| {
                std::iter::once(t.item.name.clone())
                    .chain(t.item.aliases.iter().cloned())
                    .map(move |n| (n, t.item.id.clone()))
            })
            .collect();
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Self { names }
    }

    /// Tool ids named in `text`, with the byte offset of their first mention.
    fn find(&self, text: &str) -> BTreeMap<String, usize> {
        let mut found = BTreeMap::new();
        let mut taken = vec![false; text.len()];
        for (name, id) in &self.names {
            for (at, _) in text.match_indices(name.as_str()) {
                let end = at + name.len();
                let word_start = text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let word_end = text[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if word_start && word_end && !taken[at..end].iter().any(|t| *t) {
                    taken[at..end].iter_mut().for_each(|t| *t = true);
                    let first = found.entry(id.clone()).or_insert(at);
                    *first = (*first).min(at);
                }
            }
        }
        found
    }
}

/// A block of prose being collected for the neutrality lint: its text and,
/// for each piece, where it starts in the file.
#[derive(Default)]
struct Block {
    text: String,
    offsets: Vec<(usize, usize)>,
    allowed: bool,
}

fn check_chapter(
    chapter: &Chapter,
    catalog: &Catalog,
    anchors: &HashMap<String, HashSet<String>>,
    tools: &ToolNames,
    project: &Project,
    out: &mut Vec<Diagnostic>,
) {
    let index = LineIndex::new(&chapter.text);
    let span = |start: usize, end: usize| index.span(start, end);
    let file = &chapter.rel;

    check_directives(chapter, catalog, &index, out);

    let mut block = Block::default();
    let mut allow_next = false;
    let mut in_code = 0usize;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(&chapter.text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let src = &chapter.text[range.clone()];
                let at = src
                    .rfind(dest_url.as_ref())
                    .map_or(range.start, |i| range.start + i);
                if let Some(d) = check_link(
                    &dest_url,
                    chapter,
                    project,
                    catalog,
                    anchors,
                    file,
                    span(at, at + dest_url.len()),
                ) {
                    out.push(d);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
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
                            file,
                            span(range.start, range.end),
                            "an allow marker needs a reason",
                        )
                        .with_help(format!(
                            "write `<!-- {ALLOW_MARKER}: why this passage names the tool -->`"
                        )),
                    );
                }
                allow_next = true;
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::TableCell) => {
                if depth == 0 {
                    block = Block {
                        allowed: std::mem::take(&mut allow_next),
                        ..Block::default()
                    };
                }
                depth += 1;
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell,
            ) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    neutrality(&block, tools, file, &span, out);
                }
            }
            Event::Text(t) if in_code == 0 && depth > 0 => {
                block.offsets.push((block.text.len(), range.start));
                block.text.push_str(&t);
                block.text.push(' ');
            }
            _ => {}
        }
    }
}

fn neutrality(
    block: &Block,
    tools: &ToolNames,
    file: &Path,
    span: &dyn Fn(usize, usize) -> Span,
    out: &mut Vec<Diagnostic>,
) {
    if block.allowed || block.text.is_empty() {
        return;
    }
    let found = tools.find(&block.text);
    if found.is_empty() || found.len() >= NEUTRAL_MENTIONS {
        return;
    }
    let (first_id, first_at) = found
        .iter()
        .min_by_key(|(_, at)| **at)
        .map(|(id, at)| (id.clone(), *at))
        .unwrap_or_default();
    let in_file = block
        .offsets
        .iter()
        .rev()
        .find(|(b, _)| *b <= first_at)
        .map_or(0, |(b, f)| f + (first_at - b));
    let names: Vec<&str> = found.keys().map(String::as_str).collect();
    out.push(
        Diagnostic::warning(
            "neutrality",
            file,
            span(in_file, in_file + 1),
            format!("this passage names {} on its own ({})", if names.len() == 1 { "one tool" } else { "two tools" }, names.join(", ")),
        )
        .with_label(format!("`{first_id}` named here"))
        .with_help(format!(
            "describe the capability without naming a tool and link the catalog (e.g. [coverage matrix](catalog:matrix)), name at least {NEUTRAL_MENTIONS} tools together, or justify it with <!-- {ALLOW_MARKER}: reason -->"
        )),
    );
}

/// `{{#scenario ID}}` lines (outside fenced code).
fn check_directives(
    chapter: &Chapter,
    catalog: &Catalog,
    index: &LineIndex,
    out: &mut Vec<Diagnostic>,
) {
    let mut offset = 0;
    let mut fence: Option<&str> = None;
    for line in chapter.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let Some(inner) = trimmed
            .strip_prefix("{{#")
            .and_then(|t| t.strip_suffix("}}"))
        else {
            continue;
        };
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        if name != "scenario" {
            continue;
        }
        // `args` is a slice of `line`: its offset is the pointers' distance.
        let args_at = start + (args.as_ptr() as usize - line.as_ptr() as usize);
        let parsed = match crate::embed::parse(args) {
            Ok(p) => p,
            Err(e) => {
                out.push(embed_diagnostic(&chapter.rel, index, args_at, e));
                continue;
            }
        };
        let id = parsed.id.as_str();
        let at = args_at + parsed.id_at;
        if let Some(s) = catalog.scenario(id) {
            if let Err(e) = crate::embed::resolve(catalog, &s.item, &parsed.args) {
                out.push(embed_diagnostic(&chapter.rel, index, args_at, e));
            }
        } else {
            let ids: Vec<&str> = catalog
                .scenarios
                .iter()
                .map(|s| s.item.id.as_str())
                .collect();
            out.push(unknown(
                &chapter.rel,
                index.span(at, at + id.len()),
                "scenario",
                id,
                &ids,
            ));
        }
    }
}

/// A bad `{{#scenario ID key=value}}` argument, at its place in the chapter.
fn embed_diagnostic(
    file: &Path,
    index: &LineIndex,
    args_at: usize,
    e: crate::embed::EmbedError,
) -> Diagnostic {
    Diagnostic::error(
        e.code,
        file,
        index.span(args_at + e.start, args_at + e.end),
        e.message,
    )
    .with_help(e.help)
}

fn unknown(file: &Path, span: Span, what: &str, id: &str, known: &[&str]) -> Diagnostic {
    let fallback = if id.is_empty() {
        format!("write the {what}'s id")
    } else {
        format!("use an id of catalog/{what}s/")
    };
    crate::catalog::validate::unknown(file, span, what, id, known, &fallback)
}

fn check_link(
    dest: &str,
    chapter: &Chapter,
    project: &Project,
    catalog: &Catalog,
    anchors: &HashMap<String, HashSet<String>>,
    file: &Path,
    span: Span,
) -> Option<Diagnostic> {
    if let Some(scheme) = crate::render::markdown::scheme_of(dest) {
        let rest = &dest[scheme.len() + 1..];
        return match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" | "mailto" => None,
            "scenario" | "practice" | "tool" | "catalog" => check_xref(scheme, rest, catalog, file, span),
            other => Some(
                Diagnostic::error("unsafe-link", file, span, format!("links with the `{other}:` scheme are not allowed"))
                    .with_help("link with http or https, to another chapter by its file name, or to the catalog with scenario:, practice:, tool: or catalog:"),
            ),
        };
    }
    if dest.starts_with("//") {
        return Some(
            Diagnostic::error(
                "unsafe-link",
                file,
                span,
                "scheme-relative links are not allowed",
            )
            .with_help("write the full https:// URL"),
        );
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or("");
    // The file a chapter links must pass the one rule before anything
    // else: an absolute path or a link out of the project is named as such.
    if !path.is_empty() {
        let abs = chapter.abs.parent().unwrap_or(Path::new(".")).join(path);
        match project.resolve(&abs) {
            Ok(_) | Err(Refusal::Missing) => {}
            Err(r) => return Some(r.diagnostic(file, span, path)),
        }
    }
    let target = if path.is_empty() {
        chapter.in_book.clone()
    } else {
        let base = Path::new(&chapter.in_book)
            .parent()
            .unwrap_or(Path::new(""));
        match normalize(&base.join(path)) {
            Some(p) => p,
            None => {
                return Some(
                    Diagnostic::error(
                        "broken-link",
                        file,
                        span,
                        format!("`{dest}` leaves the book's source folder"),
                    )
                    .with_help("link only to files of the book"),
                )
            }
        }
    };
    if !path.is_empty() && !target.ends_with(".md") {
        // Images and other files are copied as they are: they must exist.
        let exists = chapter
            .abs
            .parent()
            .map(|p| p.join(path))
            .is_some_and(|p| p.exists());
        return (!exists).then(|| {
            Diagnostic::error(
                "broken-link",
                file,
                span,
                format!("`{path}` does not exist"),
            )
            .with_help("fix the path; it is relative to this chapter")
        });
    }
    let Some(ids) = anchors.get(&target) else {
        let known: Vec<&str> = anchors.keys().map(String::as_str).collect();
        let d = Diagnostic::error("broken-link", file, span, format!("no chapter `{target}`"));
        return Some(match did_you_mean(&target, known.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("link to a markdown file of the book, relative to this chapter"),
        });
    };
    let anchor = anchor.filter(|a| !a.is_empty())?;
    if ids.contains(anchor) {
        return None;
    }
    let d = Diagnostic::error(
        "broken-anchor",
        file,
        span,
        format!("`{target}` has no heading `#{anchor}`"),
    );
    Some(match did_you_mean(anchor, ids.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `#{s}`?")),
        None => d.with_help(
            "anchors are the heading text in lower case, spaces as `-`, punctuation dropped",
        ),
    })
}

fn check_xref(
    scheme: &str,
    rest: &str,
    catalog: &Catalog,
    file: &Path,
    span: Span,
) -> Option<Diagnostic> {
    let (id, query) = match rest.split_once('?') {
        Some((i, q)) => (i, Some(q)),
        None => (rest, None),
    };
    let id = id.split('#').next().unwrap_or("");
    let known: Vec<&str> = match scheme {
        "scenario" => catalog
            .scenarios
            .iter()
            .map(|s| s.item.id.as_str())
            .collect(),
        "practice" => catalog
            .practices
            .iter()
            .map(|s| s.item.id.as_str())
            .collect(),
        "tool" => catalog.tools.iter().map(|s| s.item.id.as_str()).collect(),
        _ => CATALOG_PAGES.to_vec(),
    };
    if !known.contains(&id) {
        let what = if scheme == "catalog" {
            "catalog page"
        } else {
            scheme
        };
        return Some(unknown(file, span, what, id, &known));
    }
    let tool = query.and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("tool=")));
    if let (Some(tool), "scenario") = (tool, scheme) {
        let scenario = &catalog.scenario(id)?.item;
        let tools: Vec<&str> = scenario
            .implementations
            .iter()
            .map(|i| i.tool.as_str())
            .collect();
        if !tools.contains(&tool) {
            return Some(
                unknown(file, span, "tool tab", tool, &tools).with_help(format!(
                    "scenario `{id}` has entries for: {}",
                    tools.join(", ")
                )),
            );
        }
    }
    None
}

/// `a/./b/../c.md` -> `a/c.md`; `None` when it climbs out of the root.
fn normalize(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_the_renderer() {
        let a = heading_anchors("# Writing a hypothesis\n## Abort conditions\n## Abort conditions\n### With `code` {#custom}\n");
        for id in [
            "writing-a-hypothesis",
            "abort-conditions",
            "abort-conditions-1",
            "custom",
        ] {
            assert!(a.contains(id), "{id} in {a:?}");
        }
    }

    #[test]
    fn paths_normalise_within_the_book() {
        assert_eq!(
            normalize(Path::new("tutorials/../principles.md")).as_deref(),
            Some("principles.md")
        );
        assert_eq!(normalize(Path::new("../x.md")), None);
    }
}
