//! Checks of the whitepaper's markdown, run by `check` (and so by `build`):
//! links that cannot rot and prose that cannot quietly favour a tool.
//!
//! - `{{#scenario ID key=value ...}}` embeds (values checked as
//!   [`crate::embed`] says) and `scenario:ID`, `practice:ID`, `tool:ID`,
//!   `catalog:index|matrix|tools` links must name existing items
//!   (`scenario:ID?tool=T` also needs an implementation by tool T).
//! - Links between chapters must reach a chapter that SUMMARY.md lists (or
//!   a page the book publishes from the repository, see
//!   [`links::repository_pages`]) and, with `#anchor`, one of its heading
//!   ids. Links are resolved and ids made by [`crate::markdown`], the
//!   functions the site and the PDF render with, on the text they render:
//!   smart punctuation applied, `{{#include}}`d files expanded. An included
//!   file is checked as part of its chapter (its links resolve from the
//!   chapter, as on the site), with findings on the file's own lines.
//! - Only http, https and mailto are followed; `javascript:`, `data:`,
//!   `file:` and other schemes are errors.
//! - Neutrality, as [`crate::neutrality`] says.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;

use crate::catalog::yaml::{LineIndex, Span};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::content_path::{Project, Refusal};
use crate::diagnostics::{did_you_mean, display_path, Diagnostic, Report};
use crate::markdown::directives;
use crate::markdown::links::{self, Link};
use crate::memo::ByText;
use crate::neutrality::{self, ToolNames};

/// Pages the `catalog:` link scheme names.
pub const CATALOG_PAGES: [&str; 3] = ["index", "matrix", "tools"];

/// A markdown text of the book as `check` reads it.
struct Chapter {
    /// The file the text is in, relative to the project root (where
    /// diagnostics point).
    rel: PathBuf,
    /// The file's absolute path (where its includes and linked files are
    /// looked up under the one rule of [`crate::content_path`]).
    abs: PathBuf,
    /// Its path in the book (`/`-separated): where its links resolve
    /// from. An included file reads as part of the chapter including it.
    in_book: String,
    text: String,
    /// Set for an included text: where it comes from.
    included: Option<Inclusion>,
}

impl Chapter {
    /// Which text this is: its file and place in the book, and for an
    /// included part, which lines of the file.
    fn identity(&self) -> (PathBuf, String, Option<Vec<usize>>) {
        let lines = self.included.as_ref().map(|i| i.lines.clone());
        (self.rel.clone(), self.in_book.clone(), lines)
    }

    /// Where the memo keeps its scan: by file, place in the book and first
    /// line, so that two parts of one file in one chapter are both kept.
    fn memo_key(&self) -> (PathBuf, String, usize) {
        let first = self.included.as_ref().and_then(|i| i.lines.first());
        (
            self.rel.clone(),
            self.in_book.clone(),
            first.copied().unwrap_or(0),
        )
    }
}

/// Where an included text stands: the chapter that includes it, and its
/// place in its own file, where its findings are reported.
struct Inclusion {
    /// The chapter (relative to the project root).
    by: PathBuf,
    /// The included file's whole text.
    whole: String,
    /// For each line of the included text, its line in `whole` (from 0).
    lines: Vec<usize>,
}

impl Inclusion {
    /// `d`, found in the included text, moved to its place in the file
    /// (the lines are the file's own, so a column stays as it is).
    fn place(&self, text: &str, mut d: Diagnostic) -> Diagnostic {
        let (part, whole) = (LineIndex::new(text), LineIndex::new(&self.whole));
        let moved = |offset: usize| {
            let (line, column) = part.line_col(offset);
            let line = self.lines.get(line - 1).map_or(line, |n| n + 1);
            (whole.offset(line, column - 1), line, column)
        };
        let (start, line, column) = moved(d.span.start);
        let (end, _, _) = moved(d.span.end);
        d.span = Span {
            start,
            end: end.max(start),
            line,
            column,
        };
        d
    }
}

/// A chapter as read: its text with includes expanded as the build expands
/// them, the texts it includes, and what the expansion found.
struct ReadChapter {
    chapter: Chapter,
    expanded: String,
    parts: Vec<Chapter>,
    /// A repository page is published whether SUMMARY.md lists it or not.
    repository_page: bool,
    /// Refused, missing or too deeply nested includes.
    findings: Vec<Diagnostic>,
}

/// What the links of the book can reach: each page (by
/// [`links::page_key`]) with its heading ids.
struct Pages {
    /// The book's source folder (files other than markdown are copied from it).
    src: PathBuf,
    anchors: HashMap<String, Arc<HashSet<String>>>,
    /// Markdown files of the source folder that SUMMARY.md does not list:
    /// no page is made of them.
    unlisted: HashSet<String>,
}

/// The markdown files of the book's source folder in a stable order:
/// (path relative to the root, absolute path, path inside the book).
pub fn chapter_files(config: &Config) -> Vec<(PathBuf, PathBuf, String)> {
    let Ok(project) = Project::new(&config.root) else {
        return Vec::new();
    };
    // Refused entries are reported by `check` (see [`walk_folders`]).
    source_files(config, &project, &mut |_| {})
}

/// [`chapter_files`], with each entry the one rule refuses handed to
/// `refused`.
fn source_files(
    config: &Config,
    project: &Project,
    refused: &mut dyn FnMut(Box<Diagnostic>),
) -> Vec<(PathBuf, PathBuf, String)> {
    let src = config.root.join(&config.book_src);
    let mut files = Vec::new();
    if !src.exists() && std::fs::symlink_metadata(&src).is_err() {
        return files;
    }
    for entry in project.walk(&src) {
        let entry = match entry {
            Ok(e) => e,
            Err(d) => {
                refused(d);
                continue;
            }
        };
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            let rel = crate::catalog::load::relative(&config.root, entry.path());
            let in_book = entry
                .path()
                .strip_prefix(&src)
                .map(display_path)
                .unwrap_or_default();
            files.push((rel, entry.path().to_path_buf(), in_book));
        }
    }
    if !src.is_dir() {
        files.clear();
    }
    files
}

/// The book's markdown files ([`chapter_files`]), reporting every entry of
/// the book's source folder and of the theme folder that the one rule
/// refuses (a link out of the project, a FIFO, ...) at the entry's own
/// path: the site copies those folders, so nothing in them may lead
/// outside. One walk of each folder.
fn walk_folders(
    config: &Config,
    project: &Project,
    report: &mut Report,
) -> Vec<(PathBuf, PathBuf, String)> {
    let files = source_files(config, project, &mut |d| report.push(*d));
    let theme = config.root.join(&config.settings.theme);
    if theme.exists() || std::fs::symlink_metadata(&theme).is_ok() {
        for entry in project.walk(&theme) {
            if let Err(d) = entry {
                report.push(*d);
            }
        }
    }
    files
}

/// The chapters SUMMARY.md lists, by [`links::page_key`]; `None` when it
/// cannot be read (`build` reports that).
fn summary_pages(config: &Config) -> Option<HashSet<String>> {
    let src = config.root.join(&config.book_src);
    let text = std::fs::read_to_string(src.join("SUMMARY.md")).ok()?;
    let summary = mdbook_summary::parse_summary(&text).ok()?;
    let mut pages = HashSet::new();
    let mut stack: Vec<&mdbook_summary::SummaryItem> = summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
        .collect();
    while let Some(item) = stack.pop() {
        if let mdbook_summary::SummaryItem::Link(link) = item {
            if let Some(location) = &link.location {
                pages.insert(links::page_key(&display_path(location)));
            }
            stack.extend(&link.nested_items);
        }
    }
    Some(pages)
}

/// Checks every markdown file of the book's source folder, what they
/// include, and the repository pages the book publishes.
pub fn check(config: &Config, catalog: &Catalog, report: &mut Report) {
    check_again(config, catalog, &mut Memo::default(), report);
}

/// What one check of the chapters keeps for the next in a `serve` session:
/// each text's scan (what it says without the catalog) and each page's
/// heading ids, by the exact text they were read from, so an unchanged
/// chapter is not parsed again. Both hold for one markdown setting and one
/// list of tool names; when either changes, nothing is reused.
#[derive(Default)]
pub struct Memo {
    smart_punctuation: bool,
    tools: ToolNames,
    /// By (file, path in the book, first line of the text in the file):
    /// what its text says.
    scans: ByText<(PathBuf, String, usize), String, Arc<Scan>>,
    /// By page key: its heading ids, by its text with includes expanded.
    ids: ByText<String, String, Arc<HashSet<String>>>,
}

/// [`check`], reusing what `memo` kept from the previous check and keeping
/// what this one read. The findings are the ones [`check`] gives.
pub fn check_again(config: &Config, catalog: &Catalog, memo: &mut Memo, report: &mut Report) {
    let smart_punctuation = config.settings.smart_punctuation;
    let tools = ToolNames::new(catalog);
    let previous = std::mem::take(memo);
    let previous = if previous.smart_punctuation == smart_punctuation && previous.tools == tools {
        previous
    } else {
        Memo::default()
    };
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
    // Each file with whether it is a repository page, which is published
    // whether or not SUMMARY.md lists it.
    let sources = walk_folders(config, &project, report)
        .into_iter()
        .map(|file| (file, false));
    let repository = links::repository_pages(&config.root, &config.settings.catalog)
        .into_iter()
        .map(|p| {
            let abs = config.root.join(&p.file);
            ((p.file, abs, p.book_path), true)
        });
    // (chapter, its text with includes expanded, the included texts,
    // whether it is a repository page); read in parallel, since reading
    // under the one rule costs a few system calls per path component.
    let files: Vec<_> = sources.chain(repository).collect();
    let read: Vec<_> = files
        .into_par_iter()
        .map(|((rel, abs, in_book), repository_page)| {
            let text = crate::catalog::load::read_text(
                &config.root,
                &abs,
                &rel,
                config.settings.max_file_size,
            )?;
            let site = crate::book::include::Site {
                project: &project,
                max_size: config.settings.max_file_size,
                file: &rel,
            };
            let base = abs.parent().unwrap_or(Path::new("."));
            let mut findings = Vec::new();
            let (expanded, included) =
                crate::book::include::expand_traced(&site, &text, base, &mut findings);
            let parts = included
                .into_iter()
                .map(|inc| {
                    // `whitepaper/../CONTRIBUTING.md` is shown as `CONTRIBUTING.md`.
                    let file = crate::catalog::load::relative(&config.root, &inc.file);
                    let file =
                        links::normalize("", &display_path(&file)).map_or(file, PathBuf::from);
                    Chapter {
                        rel: file,
                        abs: inc.file,
                        in_book: in_book.clone(),
                        text: inc.text,
                        included: Some(Inclusion {
                            by: rel.clone(),
                            whole: inc.whole,
                            lines: inc.lines,
                        }),
                    }
                })
                .collect();
            let chapter = Chapter {
                rel,
                abs,
                in_book,
                text,
                included: None,
            };
            Ok::<_, Box<Diagnostic>>(ReadChapter {
                chapter,
                expanded,
                parts,
                repository_page,
                findings,
            })
        })
        .collect();
    let mut chapters = Vec::new();
    for chapter in read {
        match chapter {
            Ok(mut c) => {
                if !c.findings.is_empty() {
                    report
                        .sources
                        .insert(c.chapter.rel.clone(), c.chapter.text.clone());
                    report.diagnostics.append(&mut c.findings);
                }
                chapters.push(c);
            }
            Err(d) => report.push(*d),
        }
    }

    let listed = summary_pages(config);
    let mut pages = Pages {
        src: config.root.join(&config.book_src),
        anchors: HashMap::new(),
        unlisted: HashSet::new(),
    };
    // Each chapter is parsed on its own, so in parallel; what they share
    // (the anchors, the report) is assembled in the chapters' order.
    let anchors: Vec<(String, Option<Arc<HashSet<String>>>)> = chapters
        .par_iter()
        .map(|read| {
            let (chapter, expanded) = (&read.chapter, &read.expanded);
            let key = links::page_key(&chapter.in_book);
            let published =
                read.repository_page || listed.as_ref().is_none_or(|l| l.contains(&key));
            let ids = published.then(|| match previous.ids.get(&key, expanded) {
                Some(ids) => ids.clone(),
                None => Arc::new(
                    crate::markdown::heading_ids(expanded, smart_punctuation)
                        .into_iter()
                        .collect(),
                ),
            });
            (key, ids)
        })
        .collect();
    for (key, ids) in anchors {
        match ids {
            Some(ids) => {
                pages.anchors.insert(key, ids);
            }
            None => {
                pages.unlisted.insert(key);
            }
        }
    }

    // A text included twice at the same place of one chapter is checked
    // once; two parts of one file, each.
    let mut seen = HashSet::new();
    let texts: Vec<&Chapter> = chapters
        .iter()
        .flat_map(|read| std::iter::once(&read.chapter).chain(&read.parts))
        .filter(|chapter| seen.insert(chapter.identity()))
        .collect();
    let found: Vec<(Vec<Diagnostic>, Arc<Scan>)> = texts
        .par_iter()
        .map(|chapter| {
            let mut out = Vec::new();
            let scan = match previous.scans.get(&chapter.memo_key(), &chapter.text) {
                Some(scan) => scan.clone(),
                None => Arc::new(scan_chapter(chapter, &tools, smart_punctuation)),
            };
            answer(chapter, &scan, catalog, &pages, &project, &mut out);
            if let Some(inclusion) = &chapter.included {
                out = out
                    .into_iter()
                    .map(|d| match d.file == chapter.rel {
                        true => inclusion.place(&chapter.text, d),
                        false => d,
                    })
                    .collect();
            }
            (out, scan)
        })
        .collect();
    let mut scans = HashMap::new();
    for (chapter, (out, scan)) in texts.into_iter().zip(found) {
        if !out.is_empty() {
            let whole = chapter
                .included
                .as_ref()
                .map_or(&chapter.text, |i| &i.whole);
            report.sources.insert(chapter.rel.clone(), whole.clone());
            report.diagnostics.extend(out);
        }
        scans.insert(chapter.identity(), scan);
    }
    // What this check read is kept for the next one: moved, not copied, as
    // a one-off check pays for it too.
    for ReadChapter {
        chapter,
        expanded,
        parts,
        ..
    } in chapters
    {
        let page = links::page_key(&chapter.in_book);
        if let Some(ids) = pages.anchors.get(&page) {
            memo.ids.insert(page, expanded, ids.clone());
        }
        for chapter in std::iter::once(chapter).chain(parts) {
            if let Some(scan) = scans.remove(&chapter.identity()) {
                memo.scans.insert(chapter.memo_key(), chapter.text, scan);
            }
        }
    }
    memo.smart_punctuation = smart_punctuation;
    memo.tools = tools;
}

/// What a chapter's text says, read without the catalog or the other
/// pages: the findings that need nothing else (neutrality, allow
/// markers), and the links and directives that [`answer`] checks against
/// the catalog, the pages and the disk. Keyed on the text alone, so a
/// `serve` session keeps it while the text stays the same (see [`Memo`]).
struct Scan {
    found: Vec<Diagnostic>,
    /// Each link's destination, and where it is written.
    links: Vec<(String, Span)>,
    directives: Vec<directives::Found>,
}

/// Checks a chapter's links and directives (found by [`scan_chapter`])
/// against the catalog, the pages and the disk.
fn answer(
    chapter: &Chapter,
    scan: &Scan,
    catalog: &Catalog,
    pages: &Pages,
    project: &Project,
    out: &mut Vec<Diagnostic>,
) {
    out.extend(scan.found.iter().cloned());
    if !scan.directives.is_empty() {
        let index = LineIndex::new(&chapter.text);
        check_directives(chapter, &scan.directives, catalog, &index, out);
    }
    for (dest, span) in &scan.links {
        if let Some(d) = check_link(dest, chapter, project, catalog, pages, *span) {
            out.push(d);
        }
    }
}

fn scan_chapter(chapter: &Chapter, tools: &ToolNames, smart_punctuation: bool) -> Scan {
    let index = LineIndex::new(&chapter.text);
    let span = |start: usize, end: usize| index.span(start, end);
    let file = &chapter.rel;
    let mut scan = Scan {
        found: Vec::new(),
        links: Vec::new(),
        directives: directives::directives(&chapter.text, smart_punctuation),
    };
    let out = &mut scan.found;
    for stray in directives::stray(&chapter.text, smart_punctuation, &scan.directives) {
        let written = &chapter.text[stray.clone()];
        out.push(
            Diagnostic::error(
                "directive-syntax",
                file,
                span(stray.start, stray.end),
                format!("`{written}` is not a directive the site expands: readers would see it as text"),
            )
            .with_help(format!(
                "write the directive alone in its paragraph, on a line of its own, as `{{{{#name args}}}}` ({}); to show it as text, put it in backticks",
                directives::IN_CHAPTERS.map(|d| format!("{{{{#{d}}}}}")).join(", ")
            )),
        );
    }

    let mut lint = neutrality::Lint::new(tools, file);
    let options = crate::markdown::parser_options(smart_punctuation);
    for (event, range) in Parser::new_ext(&chapter.text, options).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            let src = &chapter.text[range.clone()];
            let at = src
                .rfind(dest_url.as_ref())
                .map_or(range.start, |i| range.start + i);
            scan.links
                .push((dest_url.to_string(), span(at, at + dest_url.len())));
        }
        lint.feed(&event, range, &span, out);
    }
    scan
}

/// `{{#scenario ID}}` embeds and `{{#lab-experiment ID}}` widgets, found as
/// the site finds them.
fn check_directives(
    chapter: &Chapter,
    directives: &[directives::Found],
    catalog: &Catalog,
    index: &LineIndex,
    out: &mut Vec<Diagnostic>,
) {
    for found in directives {
        let name = found.name.as_str();
        if directives::FILE_DIRECTIVES.contains(&name) {
            continue;
        }
        if !directives::IN_CHAPTERS.contains(&name) {
            let name_at = chapter.text[..found.args_at.start]
                .rfind(found.name.as_str())
                .unwrap_or(found.args_at.start);
            out.push(crate::catalog::validate::unknown(
                &chapter.rel,
                index.span(name_at, name_at + found.name.len()),
                "directive",
                &found.name,
                &directives::IN_CHAPTERS,
                "a chapter holds these directives; the site would show any other as text",
            ));
            continue;
        }
        if found.name == crate::render::catalog::LAB_DIRECTIVE {
            let id = found.args.as_str();
            if catalog.scenario(id).is_none_or(|s| s.item.lab.is_none()) {
                out.push(crate::catalog::validate::unknown(
                    &chapter.rel,
                    index.span(found.args_at.start, found.args_at.end),
                    "lab scenario",
                    id,
                    &catalog.lab_scenario_ids(),
                    "name a scenario with a `lab` block (`chaosbook lab list` lists them)",
                ));
            }
            continue;
        }
        if found.name != directives::SCENARIO {
            continue;
        }
        // `args` of a found directive: its offset is `args_at`.
        let args_at = found.args_at.start;
        let parsed = match crate::embed::parse(&found.args) {
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
    pages: &Pages,
    span: Span,
) -> Option<Diagnostic> {
    let file = &chapter.rel;
    // Where relative links of an included file start from.
    let from_includer = |d: Diagnostic| match &chapter.included {
        Some(inclusion) => d.with_help(format!(
            "this file is included by {}: its links resolve from there, as on the site",
            display_path(&inclusion.by)
        )),
        None => d,
    };
    // The file a chapter links must pass the one rule before anything
    // else: an absolute path or a link out of the project is named as such.
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if !path.is_empty() && links::scheme_of(dest).is_none() && !dest.starts_with("//") {
        let abs = chapter.abs.parent().unwrap_or(Path::new(".")).join(path);
        match project.resolve(&abs) {
            Ok(_) | Err(Refusal::Missing) => {}
            Err(r) => return Some(r.diagnostic(file, span, path)),
        }
    }
    let (target, anchor) = match links::resolve(dest, &chapter.in_book) {
        Link::External => return None,
        Link::Catalog { scheme, rest } => return check_xref(&scheme, rest, catalog, file, span),
        Link::Blocked { scheme } => return Some(
            Diagnostic::error("unsafe-link", file, span, format!("links with the `{}:` scheme are not allowed", scheme.to_ascii_lowercase()))
                .with_help("link with http or https, to another chapter by its file name, or to the catalog with scenario:, practice:, tool: or catalog:"),
        ),
        Link::SchemeRelative => {
            return Some(
                Diagnostic::error(
                    "unsafe-link",
                    file,
                    span,
                    "scheme-relative links are not allowed",
                )
                .with_help("write the full https:// URL"),
            )
        }
        Link::Outside => {
            return Some(from_includer(
                Diagnostic::error(
                    "broken-link",
                    file,
                    span,
                    format!("`{dest}` leaves the book's source folder"),
                )
                .with_help("link only to files of the book"),
            ))
        }
        Link::File { path } => {
            // Images and other files are copied as they are: they must exist.
            let exists = pages.src.join(&path).exists();
            return (!exists).then(|| {
                let written = dest.split(['#', '?']).next().unwrap_or(dest);
                // A page of the site, linked as the site names it: the PDF
                // has no such file, so chapters link the markdown.
                let source = path.strip_suffix(".html").map(|stem| format!("{stem}.md"));
                let help = match written.strip_suffix(".html") {
                    Some(stem) if source.is_some_and(|s| pages.anchors.contains_key(&links::page_key(&s))) => format!(
                        "link the chapter's markdown file, `{stem}.md`: the site and the PDF each turn it into their own link"
                    ),
                    _ => "fix the path; it is relative to this chapter".to_string(),
                };
                from_includer(
                    Diagnostic::error(
                        "broken-link",
                        file,
                        span,
                        format!("`{written}` does not exist"),
                    )
                    .with_help(help),
                )
            });
        }
        Link::Fragment(anchor) => (chapter.in_book.clone(), anchor),
        Link::Page { path, fragment } => (path, fragment.unwrap_or("")),
    };
    let key = links::page_key(&target);
    let Some(ids) = pages.anchors.get(&key) else {
        if pages.unlisted.contains(&key) {
            return Some(from_includer(
                Diagnostic::error(
                    "broken-link",
                    file,
                    span,
                    format!("`{target}` is not a chapter: SUMMARY.md does not list it, so the site has no page for it"),
                )
                .with_help("add it to SUMMARY.md, or link a chapter that is listed"),
            ));
        }
        let known: Vec<&str> = pages.anchors.keys().map(String::as_str).collect();
        let d = Diagnostic::error("broken-link", file, span, format!("no chapter `{target}`"));
        return Some(match did_you_mean(&target, known.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => from_includer(
                d.with_help("link to a markdown file of the book, relative to this chapter"),
            ),
        });
    };
    if anchor.is_empty() || ids.contains(anchor) {
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
            "anchors are the heading text as the page shows it (smart punctuation applied), in lower case, spaces as `-`, other punctuation dropped; or the heading's `{#id}`",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A project with `files` (path, text), checked against an empty catalog:
    /// the (code, file, line, column, message) of each finding.
    fn check_files(files: &[(&str, &str)]) -> Vec<(String, String, usize, usize, String)> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let mut config = Config::defaults(dir.path());
        config.book_src = PathBuf::from("src");
        let mut report = Report::default();
        check(&config, &Catalog::default(), &mut report);
        report.sort();
        report
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    display_path(&d.file),
                    d.span.line,
                    d.span.column,
                    d.message.clone(),
                )
            })
            .collect()
    }

    const SUMMARY: (&str, &str) = ("src/SUMMARY.md", "# Summary\n\n- [A](a.md)\n- [B](b.md)\n");

    #[test]
    fn anchors_are_the_ids_the_site_emits() {
        let b = "# B\n## Before -- after\n## Using `kubectl drain`\n## Abort conditions\n## Abort conditions\n## Über die Café-Kultur\n## 🚀 Launch day\n## Title {#custom}\n";
        let good = "[1](b.md#before--after) [2](b.md#using-kubectl-drain) [3](b.md#abort-conditions-1) [4](b.md#über-die-café-kultur) [5](b.md#-launch-day) [6](b.md#custom) [7](#top)\n\n# Top\n";
        assert_eq!(
            check_files(&[SUMMARY, ("src/a.md", good), ("src/b.md", b)]),
            []
        );
        let bad = "[1](b.md#before----after) [2](b.md#title)\n";
        let found = check_files(&[SUMMARY, ("src/a.md", bad), ("src/b.md", b)]);
        assert_eq!(
            found,
            [
                (
                    "broken-anchor".to_string(),
                    "src/a.md".to_string(),
                    1,
                    5,
                    "`b.md` has no heading `#before----after`".to_string()
                ),
                (
                    "broken-anchor".to_string(),
                    "src/a.md".to_string(),
                    1,
                    31,
                    "`b.md` has no heading `#title`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn without_smart_punctuation_the_dashes_stay() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            SUMMARY,
            ("src/a.md", "[x](b.md#before----after)\n"),
            ("src/b.md", "## Before -- after\n"),
        ];
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let mut config = Config::defaults(dir.path());
        config.book_src = PathBuf::from("src");
        config.settings.smart_punctuation = false;
        let mut report = Report::default();
        check(&config, &Catalog::default(), &mut report);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }

    #[test]
    fn included_files_are_part_of_their_chapter() {
        let found = check_files(&[
            SUMMARY,
            ("src/a.md", "# A\n\n{{#include ../OUTSIDE.md}}\n"),
            ("OUTSIDE.md", "## Included -- heading\n\nSee [b](b.md#b), [gone](docs/README.md) and [here](#included--heading).\n"),
            ("src/b.md", "# B\n[in](a.md#included--heading)\n"),
        ]);
        assert_eq!(
            found,
            [(
                "broken-link".to_string(),
                "OUTSIDE.md".to_string(),
                3,
                25,
                "no chapter `docs/README.md`".to_string()
            )]
        );
    }

    #[test]
    fn unlisted_chapters_have_no_page() {
        let found = check_files(&[
            SUMMARY,
            ("src/a.md", "[d](draft.md)\n"),
            ("src/b.md", "# B\n"),
            ("src/draft.md", "# Draft\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].4,
            "`draft.md` is not a chapter: SUMMARY.md does not list it, so the site has no page for it"
        );
    }

    #[test]
    fn the_catalog_schema_readme_is_a_page() {
        let found = check_files(&[
            SUMMARY,
            (
                "src/a.md",
                "[s](catalog/schema/README.md#fields) [t](catalog/schema/index.md)\n",
            ),
            ("src/b.md", "# B\n"),
            ("catalog/schema/README.md", "# Schema\n## Fields\n"),
        ]);
        assert_eq!(found, []);
    }

    #[test]
    fn directives_are_found_where_the_site_expands_them() {
        let found = check_files(&[
            SUMMARY,
            (
                "src/a.md",
                "{{#scenario nope}}\n\n```\n{{#scenario in-code}}\n```\n",
            ),
            ("src/b.md", "# B\n"),
        ]);
        let codes: Vec<(&str, usize, usize)> =
            found.iter().map(|f| (f.0.as_str(), f.2, f.3)).collect();
        assert_eq!(codes, [("unknown-reference", 1, 13)]);
    }
}
