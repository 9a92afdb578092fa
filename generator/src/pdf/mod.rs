//! `chaosbook pdf [--out FILE] [--date YYYY-MM-DD]`: the whole whitepaper
//! and the catalog as one typeset PDF, in process (typst as a library), with
//! no browser and no network. The default output is `target/chaosbook.pdf`
//! under the project root (outside `book/`, which `build` replaces whole).
//!
//! The document: a title page (`[book] title`, description, authors, the
//! version of chaosbook that made it and a date), a table of contents with
//! page numbers, the chapters in SUMMARY.md order (parts become level-1
//! headings, chapters nest under them), and the fault catalog (tool
//! landscape, every scenario with every tool's implementation in turn, in
//! the site's tab order, best practices, the coverage matrix), which
//! follows the chapter holding `{{#catalog}}`, as on the site, or else
//! ends the book as a part of its own. Headings become PDF bookmarks;
//! running footers name the chapter and the page. Links between chapters
//! (`file.md#anchor`) and into the catalog (`scenario:ID`, `practice:ID`, `tool:ID`,
//! `catalog:index|matrix|tools`) are internal links; `{{#scenario ID}}`
//! embeds the scenario.
//!
//! Reproducible: the date comes from `--date` or from the last git commit
//! of the project (`git log -1 --format=%cs`), never from the clock; the
//! fonts are typst's own, embedded; the same input gives the same bytes.
//!
//! Code wraps at the margin: typst breaks lines at spaces, `-` and `/`;
//! words of code longer than a line could hold get zero-width spaces as
//! break opportunities ([`markup::breakable`]), which a copy from the PDF
//! carries along. Tables take fractions of the text width, so they fit.
//!
//! Steps: [`document`] writes typst markup (every piece of text escaped, see
//! [`markup`]), [`compile`] typesets it in a [`world::PdfWorld`] and exports
//! the PDF. Like `build`, it runs only on a catalog that passed `check`.

pub mod catalog;
pub mod markup;
pub mod world;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mdbook_core::book::{BookItem, Chapter};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;

use crate::book::LoadedBook;
use crate::diagnostics::display_path;
use crate::markdown::links::{self, scheme_of, Link};
use crate::{BuildError, Catalog};
use markup::{anchor_label, string, text, LinkTarget};

/// A calendar date (the document's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        Datetime::from_ymd(date.year, date.month, date.day)?;
        Some(date)
    }

    fn datetime(self) -> Option<Datetime> {
        Datetime::from_ymd(self.year, self.month, self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The date of the last commit that touched the project (`git log -1
/// --format=%cs -- .` in `root`), if git and a repository are there.
pub fn last_commit_date(root: &Path) -> Option<Date> {
    let out = std::process::Command::new("git")
        .args(["log", "-1", "--format=%cs", "--", "."])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Date::parse(std::str::from_utf8(&out.stdout).ok()?)
}

/// Where `pdf` writes when no `--out` is given.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("target").join("chaosbook.pdf")
}

/// What goes on the title page besides the book's own settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The document's date; `None` prints none.
    pub date: Option<Date>,
    /// The version printed on the title page (default: chaosbook's).
    pub version: Option<String>,
}

/// A typeset document.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file's content.
    pub bytes: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Where the time went.
    pub timings: Timings,
}

/// Where the time of [`compile`] went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Typesetting (parse, evaluate, lay out).
    pub layout: std::time::Duration,
    /// Writing the PDF.
    pub export: std::time::Duration,
}

/// Loads the book under `root` and typesets it with `catalog`, which must
/// come from a [`crate::check`] without errors.
pub fn render(root: &Path, catalog: &Catalog, opts: &Options) -> Result<Pdf, BuildError> {
    let mut book = crate::book::load(&crate::config_of(root, catalog)?)?;
    crate::add_repository_pages(&mut book);
    let source = document(&book, catalog, opts);
    compile(source, &book.src_dir, opts.date)
}

/// Typesets typst `source` (images resolved in `files`) and exports it.
pub fn compile(source: String, files: &Path, date: Option<Date>) -> Result<Pdf, BuildError> {
    let started = std::time::Instant::now();
    let world = world::PdfWorld::new(source, files, date.and_then(Date::datetime));
    let result = typst::compile::<PagedDocument>(&world);
    let document = result
        .output
        .map_err(|errors| typst_error(&world, &errors))?;
    let layout = started.elapsed();
    let started = std::time::Instant::now();
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom("chaosbook".into()),
        creator: Smart::Custom(Some(format!("{CREATOR} {}", env!("CARGO_PKG_VERSION")))),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| typst_error(&world, &e))?;
    let export = started.elapsed();
    let pages = document.pages().len();
    // The memoisation cache only helps repeated compiles of similar input
    // (an editor); a command compiles once.
    typst::comemo::evict(0);
    Ok(Pdf {
        bytes,
        pages,
        timings: Timings { layout, export },
    })
}

/// A typesetting failure: a bug in the generated markup or an unreadable
/// image. The message names the generated source's line.
fn typst_error(world: &world::PdfWorld, errors: &[typst::diag::SourceDiagnostic]) -> BuildError {
    use typst::WorldExt;
    let mut msg = String::from("typesetting the PDF failed:");
    for e in errors.iter().take(10) {
        let _ = write!(msg, "\n  {}", e.message);
        if let Some(range) = world.range(e.span) {
            if let Ok(src) = typst::World::source(world, typst::World::main(world)) {
                let text = src.text();
                let start = range.start.min(text.len());
                let line = text[..start].matches('\n').count() + 1;
                let snippet: String = text[start..].chars().take(80).collect();
                let _ = write!(msg, " (generated line {line}: {snippet:?})");
            }
        }
        for hint in &e.hints {
            let _ = write!(msg, "\n    hint: {}", hint.v);
        }
    }
    BuildError::Env(msg)
}

/// What every PDF chaosbook writes says in its metadata (`Creator`, and
/// `CreatorTool` in XMP), so a later run knows the file is its own.
const CREATOR: &str = "chaosbook";

/// Whether `path` may be replaced without `--force`: nothing is there, or a
/// regular file that is a PDF chaosbook wrote (its `Creator` says so).
pub fn replaceable(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return true;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    // typst compresses the Info dictionary but keeps the XMP metadata
    // readable; either form counts.
    let xmp = format!("<xmp:CreatorTool>{CREATOR} ");
    let info = format!("/Creator ({CREATOR} ");
    bytes.starts_with(b"%PDF-")
        && [xmp, info]
            .iter()
            .any(|n| memchr::memmem::find(&bytes, n.as_bytes()).is_some())
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder,
/// then a rename), creating the folder. A path in the `sources` is refused,
/// `force` or not; an existing file that is not a PDF chaosbook wrote is
/// refused unless `force`: `pdf --out` never deletes what it did not write.
pub fn write(
    path: &Path,
    bytes: &[u8],
    sources: &crate::destination::Sources,
    force: bool,
) -> Result<(), BuildError> {
    if let Some(reason) = sources.refusal(path, "write the PDF", "an --out") {
        return Err(BuildError::Destination {
            path: path.to_path_buf(),
            reason,
        });
    }
    if path.is_dir() {
        return Err(BuildError::Destination {
            path: path.to_path_buf(),
            reason: format!(
                "refusing to write the PDF to {}: it is a folder; name a file",
                path.display()
            ),
        });
    }
    if !force && !replaceable(path) {
        return Err(BuildError::Destination {
            path: path.to_path_buf(),
            reason: format!(
            "refusing to replace {}: it is not a PDF chaosbook wrote; choose another --out, remove the file, or pass --force to replace it",
            path.display()
            ),
        });
    }
    crate::atomic::write_file(path, bytes)
}

/// What the chapters' links can reach.
struct ChapterInfo {
    /// The label of the chapter's title heading.
    label: String,
    anchors: HashSet<String>,
}

/// The links, images and directives of the book, for [`markup::convert`].
struct BookEnv<'a> {
    catalog: &'a Catalog,
    view: &'a crate::view::CatalogView<'a>,
    src_dir: &'a Path,
    chapters: HashMap<String, ChapterInfo>,
    smart_punctuation: bool,
    embeds: Cell<usize>,
    /// Where `catalog:index` goes: the chapter with the `{{#catalog}}`
    /// marker, or the catalog's own part.
    catalog_index: String,
}

fn dir_of(chapter: &str) -> &str {
    // Catalog fields (`scenario:x:method`) resolve from the book's root.
    if chapter.contains(':') {
        return "";
    }
    chapter.rsplit_once('/').map_or("", |(d, _)| d)
}

impl BookEnv<'_> {
    fn catalog_label(&self, dest: &str) -> Option<String> {
        let (scheme, rest) = dest.split_once(':')?;
        let (id, query) = rest
            .split_once('?')
            .map_or((rest, None), |(i, q)| (i, Some(q)));
        let id = id.split('#').next().unwrap_or(id);
        match scheme.to_ascii_lowercase().as_str() {
            "scenario" => {
                let s = self.catalog.scenario(id)?;
                let tool = query
                    .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("tool=")))
                    .filter(|t| s.item.implementations.iter().any(|i| i.tool == *t));
                Some(match tool {
                    Some(t) => format!("scenario:{id}?tool={t}"),
                    None => format!("scenario:{id}"),
                })
            }
            "practice" => self.catalog.practice(id).map(|_| format!("practice:{id}")),
            "tool" => self.catalog.tool(id).map(|_| format!("tool:{id}")),
            "catalog" => match id {
                "index" | "scenarios" | "" => Some(self.catalog_index.clone()),
                "tools" | "matrix" | "practices" => Some(format!("catalog:{id}")),
                _ => None,
            },
            _ => None,
        }
    }
}

impl markup::Env for BookEnv<'_> {
    fn link(&self, from: &str, dest: &str) -> Option<LinkTarget> {
        let d = dest.trim();
        match links::resolve(d, from) {
            Link::Fragment(frag) => {
                let info = self.chapters.get(from)?;
                info.anchors
                    .contains(frag)
                    .then(|| LinkTarget::Label(anchor_label(from, frag)))
            }
            Link::SchemeRelative => Some(LinkTarget::Url(format!("https://{}", &d[2..]))),
            Link::External => Some(LinkTarget::Url(d.to_string())),
            Link::Catalog { .. } => self.catalog_label(d).map(LinkTarget::Label),
            Link::Page { path, fragment } => {
                let (key, info) = self
                    .chapters
                    .get_key_value(path.as_str())
                    .or_else(|| self.chapters.get_key_value(links::page_key(&path).as_str()))?;
                Some(LinkTarget::Label(match fragment {
                    Some(f) if info.anchors.contains(f) => anchor_label(key, f),
                    _ => info.label.clone(),
                }))
            }
            Link::Blocked { .. } | Link::File { .. } | Link::Outside => None,
        }
    }

    fn image(&self, from: &str, dest: &str) -> Option<String> {
        if dest.starts_with("//") || scheme_of(dest).is_some() {
            return None;
        }
        let path = dest.split(['#', '?']).next().unwrap_or(dest);
        let rel = links::normalize(dir_of(from), path)?;
        let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
        if !["png", "jpg", "jpeg", "gif", "svg", "webp"].contains(&ext.as_str()) {
            return None;
        }
        self.src_dir.join(&rel).is_file().then(|| format!("/{rel}"))
    }

    fn directive(&self, name: &str, args: &str) -> Option<String> {
        let w = catalog::Writer {
            view: self.view,
            env: self,
            smart_punctuation: self.smart_punctuation,
        };
        // Numbers the chapter's widgets, so their labels stay unique.
        let next = || {
            let n = self.embeds.get();
            self.embeds.set(n + 1);
            n
        };
        match name {
            "scenario" => {
                let (scenario, embed) = crate::embed::for_render(self.catalog, args)?;
                let s = crate::embed::apply(self.view.scenario(&scenario.id)?, &embed);
                let values = crate::embed::changed_sentence(&embed.changed);
                Some(w.embed(&s, values.as_deref(), next()))
            }
            "catalog" => Some(w.introduction()),
            crate::render::catalog::LAB_DIRECTIVE => {
                let s = self
                    .view
                    .scenario(args.trim())
                    .filter(|s| s.lab.is_some())?;
                Some(w.lab_experiment(s, next()))
            }
            crate::render::catalog::SAFETY_DIRECTIVE => Some(w.safety_table()),
            _ => None,
        }
    }
}

/// A chapter to print, in book order.
struct Entry<'a> {
    chapter: &'a Chapter,
    key: String,
    title: String,
    /// Typst level of the chapter's title.
    level: usize,
    opens_with_h1: bool,
}

enum Item<'a> {
    Part(&'a str),
    Chapter(Entry<'a>),
}

/// The book's items in order: parts are level 1; chapters are level 1
/// before the first part and 2 inside parts; sub-chapters one deeper.
fn collect<'a>(book: &'a LoadedBook) -> Vec<Item<'a>> {
    let mut out = Vec::new();
    let mut in_part = false;
    for item in &book.book.items {
        match item {
            BookItem::PartTitle(t) => {
                in_part = true;
                out.push(Item::Part(t));
            }
            BookItem::Separator => {}
            BookItem::Chapter(ch) => chapter(ch, 1 + usize::from(in_part), book, &mut out),
        }
    }
    out
}

fn chapter<'a>(ch: &'a Chapter, level: usize, book: &LoadedBook, out: &mut Vec<Item<'a>>) {
    // A draft (no file) prints nothing; its sub-chapters keep their level.
    if let Some(path) = &ch.path {
        let key = display_path(path).trim_start_matches("./").to_string();
        let title = book
            .chapter_titles
            .get(path)
            .cloned()
            .unwrap_or_else(|| ch.name.clone());
        let (_, opens_with_h1) = markup::anchors(&ch.content, book.settings.smart_punctuation);
        out.push(Item::Chapter(Entry {
            chapter: ch,
            key,
            title,
            level,
            opens_with_h1,
        }));
    }
    for sub in &ch.sub_items {
        if let BookItem::Chapter(c) = sub {
            chapter(c, level + 1, book, out);
        }
    }
}

const PREAMBLE: &str = include_str!("preamble.typ");

/// The whole document as typst markup.
pub fn document(book: &LoadedBook, catalog: &Catalog, opts: &Options) -> String {
    let smart = book.settings.smart_punctuation;
    let items = collect(book);

    // The chapter that holds `{{#catalog}}` introduces the catalog, whose
    // sections follow it (as the site nests the catalog's pages under it).
    let marker = items.iter().position(|i| {
        matches!(i, Item::Chapter(e) if e.chapter.content.lines().any(|l| l.trim() == crate::render::catalog::MARKER))
    });
    let mut chapters = HashMap::new();
    for item in &items {
        if let Item::Chapter(e) = item {
            let (ids, opens) = markup::anchors(&e.chapter.content, smart);
            let label = match (opens, ids.first()) {
                (true, Some(first)) => anchor_label(&e.key, first),
                _ => format!("ch:{}", e.key),
            };
            chapters.insert(
                e.key.clone(),
                ChapterInfo {
                    label,
                    anchors: ids.into_iter().collect(),
                },
            );
        }
    }
    let catalog_index = match marker.map(|at| &items[at]) {
        Some(Item::Chapter(e)) => chapters
            .get(&e.key)
            .map_or_else(|| "catalog:index".to_string(), |c| c.label.clone()),
        _ => "catalog:index".to_string(),
    };
    let view = crate::view::CatalogView::new(catalog);
    let env = BookEnv {
        catalog,
        view: &view,
        src_dir: &book.src_dir,
        chapters,
        smart_punctuation: smart,
        embeds: Cell::new(0),
        catalog_index,
    };
    let writer = catalog::Writer {
        view: &view,
        env: &env,
        smart_punctuation: smart,
    };

    let mut out = String::with_capacity(64 * 1024 + catalog.manifests.len() * 2048);
    let title = book.title();
    let authors: Vec<String> = book.config.book.authors.iter().map(|a| string(a)).collect();
    let lang = book
        .config
        .book
        .language
        .clone()
        .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or_else(|| "en".into())
        .to_ascii_lowercase();
    let date = opts
        .date
        .map(|d| {
            format!(
                "datetime(year: {}, month: {}, day: {})",
                d.year, d.month, d.day
            )
        })
        .unwrap_or_else(|| "none".into());
    let _ = writeln!(
        out,
        "#set document(title: {}, author: ({}), date: {date})",
        string(&title),
        authors.iter().map(|a| format!("{a},")).collect::<String>()
    );
    let _ = writeln!(out, "#set text(lang: {})", string(&lang));
    let _ = writeln!(out, "#let cb-book-title = {}", string(&title));
    let syntaxes: Vec<String> = world::syntax_paths().map(string).collect();
    let _ = writeln!(out, "#set raw(syntaxes: ({},))", syntaxes.join(", "));
    out.push_str(PREAMBLE);
    out.push('\n');

    // Title page.
    let version = opts
        .version
        .clone()
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string());
    let mut meta = format!("Version {}", text(&version));
    if let Some(d) = opts.date {
        let _ = write!(meta, " · {}", text(&d.to_string()));
    }
    let _ = writeln!(
        out,
        "#cb-title-page(title: [{}], description: [{}], authors: [{}], meta: [{meta}], counts: [{}])",
        text(&title),
        text(book.config.book.description.as_deref().unwrap_or("")),
        text(&book.config.book.authors.join(", ")),
        text(&format!(
            "The whitepaper and its catalog: {} tools, {} scenarios, {} best practices.",
            catalog.tools.len(),
            catalog.scenarios.len(),
            catalog.practices.len()
        )),
    );
    out.push_str("#cb-contents\n\n");
    out.push_str("#set page(numbering: \"1\")\n#counter(page).update(1)\n\n");

    for (at, item) in items.iter().enumerate() {
        match item {
            Item::Part(t) => {
                out.push_str("#pagebreak(weak: true)\n");
                let _ = writeln!(out, "#heading(level: 1)[{}]\n", text(t));
            }
            Item::Chapter(e) => {
                out.push_str("#pagebreak(weak: true)\n");
                if !e.opens_with_h1 {
                    let _ = writeln!(
                        out,
                        "#heading(level: {})[{}]#label({})\n",
                        e.level,
                        text(&e.title),
                        string(&format!("ch:{}", e.key))
                    );
                }
                let body = markup::convert(
                    &e.chapter.content,
                    &markup::Options {
                        chapter: &e.key,
                        level_offset: e.level - 1,
                        outlined: true,
                        smart_punctuation: smart,
                    },
                    &env,
                );
                out.push_str(&body);
                out.push('\n');
                if marker == Some(at) {
                    writer.part(&mut out, false, e.level);
                }
            }
        }
    }
    if marker.is_none() {
        writer.part(&mut out, true, 1);
    }
    out
}
