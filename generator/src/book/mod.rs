//! The book model: mdBook's `book.toml` + `SUMMARY.md` + chapters, loaded
//! with the `mdbook-driver` crates so that configured third-party
//! preprocessors run exactly as under `mdbook build`.
//!
//! Why mdBook's model and not our own: authors already know it, and the
//! preprocessor ecosystem (and `mdbook build` itself, through the
//! `[output.chaosbook]` backend, see [`from_render_context`]) keeps working.
//! chaosbook only replaces the HTML renderer (see [`crate::render`]).
//!
//! Every problem with the input becomes a diagnostic naming the file (and
//! the line when known) rather than a panic: a malformed SUMMARY.md, a
//! missing chapter, a bad `book.toml`, a failing preprocessor.

pub mod include;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mdbook_core::book::{Book, BookItem};
use mdbook_core::config::Config as MdConfig;
use mdbook_driver::MDBook;
use mdbook_renderer::{RenderContext, Renderer};
use mdbook_summary::{Summary, SummaryItem};

use crate::catalog::yaml::{LineIndex, Span};
use crate::content_path::{Project, Refusal};
use crate::diagnostics::{display_path, Diagnostic, Report};
use crate::BuildError;

pub use crate::config::{Settings, ThemeMode};

/// The name chaosbook answers to as an mdBook renderer: preprocessors see it
/// in `supports chaosbook`, and `[output.chaosbook]` holds its settings.
pub const RENDERER_NAME: &str = "chaosbook";

/// A book ready to render: configuration, settings and the preprocessed
/// chapters.
#[derive(Debug, Clone)]
pub struct LoadedBook {
    /// The project root (where book.toml is).
    pub root: PathBuf,
    /// The markdown source folder (`[book] src`), absolute.
    pub src_dir: PathBuf,
    /// The book's book.toml, as mdBook reads it.
    pub config: MdConfig,
    /// `[output.chaosbook]`, read once.
    pub settings: Settings,
    /// After preprocessing.
    pub book: Book,
    /// Titles set by `{{#title ...}}`, keyed by chapter path.
    pub chapter_titles: HashMap<PathBuf, String>,
}

impl LoadedBook {
    /// The title of the book, or a neutral default.
    pub fn title(&self) -> String {
        self.config
            .book
            .title
            .clone()
            .unwrap_or_else(|| "Book".to_string())
    }
}

/// Loads `book.toml`, `SUMMARY.md` and every chapter under `root`, then runs
/// the configured preprocessors (mdBook's `links` and `index`, and any
/// `[preprocessor.NAME]`) as they would run for an mdBook renderer called
/// `chaosbook`.
pub fn load(project_config: &crate::config::Config) -> Result<LoadedBook, BuildError> {
    let root = project_config.root.as_path();
    let config = project_config.mdbook.clone();
    let settings = project_config.settings.clone();
    let src_dir = root.join(&config.book.src);
    let project = Project::new(root).map_err(|e| BuildError::io("cannot resolve", root, e))?;
    let summary = load_summary(&project, root, &src_dir)?;
    // mdBook's `links` preprocessor reads any path a chapter names; ours
    // takes its place (same name, same position) and reads under the rule.
    let links_run = config.build.use_default_preprocessors
        || config.contains_key(&format!("preprocessor.{}", include::NAME));
    let max_size = settings.max_file_size;

    let mut md = MDBook::load_with_config_and_summary(root, config, summary).map_err(|e| {
        BuildError::Input(single(Diagnostic::error(
            "book-load",
            rel(root, &src_dir),
            Span::default(),
            format!("{e:#}"),
        )))
    })?;
    let refused = Arc::new(Mutex::new(Vec::new()));
    if links_run {
        md.with_preprocessor(include::SafeLinks {
            project,
            max_size,
            found: refused.clone(),
        });
    }
    let (book, ctx) = md
        .preprocess_book(&NamedRenderer)
        .map_err(|e| preprocessor_error(&e))?;
    let refused = std::mem::take(&mut *refused.lock().unwrap_or_else(|e| e.into_inner()));
    if !refused.is_empty() {
        let mut report = Report::default();
        report.diagnostics.extend(refused);
        return Err(BuildError::Input(report));
    }
    let chapter_titles = ctx.chapter_titles.borrow().clone();
    Ok(LoadedBook {
        root: root.to_path_buf(),
        src_dir,
        config: md.config,
        settings,
        book,
        chapter_titles,
    })
}

/// The book as mdBook hands it to a backend: `mdbook build` with
/// `[output.chaosbook] command = "chaosbook mdbook-backend"` calls chaosbook
/// with this context on stdin, after running the preprocessors itself.
/// Returns the book and the folder mdBook wants the site in.
pub fn from_render_context(ctx: RenderContext) -> Result<(LoadedBook, PathBuf), BuildError> {
    let settings = settings_of(&ctx.config)?;
    let src_dir = ctx.root.join(&ctx.config.book.src);
    let book = LoadedBook {
        root: ctx.root.clone(),
        src_dir,
        config: ctx.config,
        settings,
        book: ctx.book,
        chapter_titles: ctx.chapter_titles,
    };
    Ok((book, ctx.destination))
}

/// `[output.chaosbook]` of mdBook's configuration (see [`crate::config`]).
fn settings_of(config: &MdConfig) -> Result<Settings, BuildError> {
    Settings::from_mdbook(config).map_err(|msg| {
        BuildError::Input(single(
            Diagnostic::error("config", "book.toml", Span::default(), msg)
                .with_help(crate::config::HELP),
        ))
    })
}

/// Where generated chapters go, for [`splice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Replace the matching item.
    Replace,
    /// Insert after the matching item (at the same level).
    After,
    /// Append as sub-chapters of the matching chapter.
    Children,
}

/// Inserts generated chapters (e.g. the catalog's pages, built from the
/// validated [`crate::Catalog`]) into the book, at the first item, searched
/// depth-first, for which `at` is true. Returns false, leaving the book as it
/// was, when no item matches; callers then usually append with
/// `book.items.extend(items)`.
///
/// Generated chapters carry `source_path: None` and a `path` of their own
/// choosing (e.g. `catalog/scenarios/pod-kill.md`), so they render like any
/// other chapter and take part in navigation, search and print.
pub fn splice(
    book: &mut Book,
    at: &dyn Fn(&BookItem) -> bool,
    items: Vec<BookItem>,
    placement: Placement,
) -> bool {
    fn walk(
        list: &mut Vec<BookItem>,
        at: &dyn Fn(&BookItem) -> bool,
        items: &mut Option<Vec<BookItem>>,
        placement: Placement,
    ) -> bool {
        for i in 0..list.len() {
            if at(&list[i]) {
                let new = items.take().unwrap_or_default();
                match placement {
                    Placement::Replace => {
                        list.splice(i..=i, new);
                    }
                    Placement::After => {
                        list.splice(i + 1..i + 1, new);
                    }
                    Placement::Children => match &mut list[i] {
                        BookItem::Chapter(ch) => ch.sub_items.extend(new),
                        _ => list.splice(i + 1..i + 1, new).for_each(drop),
                    },
                }
                return true;
            }
            if let BookItem::Chapter(ch) = &mut list[i] {
                if walk(&mut ch.sub_items, at, items, placement) {
                    return true;
                }
            }
        }
        false
    }
    let mut items = Some(items);
    walk(&mut book.items, at, &mut items, placement)
}

/// The renderer identity handed to preprocessors (`supports chaosbook`).
struct NamedRenderer;

impl Renderer for NamedRenderer {
    fn name(&self) -> &str {
        RENDERER_NAME
    }

    fn render(&self, _: &RenderContext) -> anyhow::Result<()> {
        Ok(())
    }
}

fn single(d: Diagnostic) -> Report {
    let mut r = Report::default();
    r.push(d);
    r
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Parses SUMMARY.md and checks that every chapter it links exists, so
/// that each problem is reported at its line.
fn load_summary(project: &Project, root: &Path, src_dir: &Path) -> Result<Summary, BuildError> {
    let path = src_dir.join("SUMMARY.md");
    let rel_path = rel(root, &path);
    // The source folder itself is content (`[book] src`): inside the root.
    if let Err(refusal) = project.resolve(src_dir) {
        if !matches!(refusal, Refusal::Missing) {
            let written = display_path(&rel(root, src_dir));
            return Err(BuildError::Input(single(
                refusal
                    .diagnostic("book.toml", Span::default(), &written)
                    .with_help("`[book] src` must name a folder inside the project"),
            )));
        }
    }
    let text = match project.read_to_string(&path, crate::config::DEFAULT_MAX_FILE_SIZE) {
        Ok(t) => t,
        Err(Refusal::Missing) => {
            return Err(BuildError::Input(single(
                Diagnostic::error("missing-summary", rel_path, Span::default(), "the book has no SUMMARY.md")
                    .with_help("create SUMMARY.md in the book's `src` folder (see [book] src in book.toml), listing the chapters"),
            )))
        }
        Err(refusal) => {
            return Err(BuildError::Input(single(refusal.diagnostic(
                &rel_path,
                Span::default(),
                &display_path(&rel_path),
            ))))
        }
    };
    let index = LineIndex::new(&text);
    let summary = mdbook_summary::parse_summary(&text).map_err(|e| {
        let msg = format!("{e:#}");
        let span = summary_error_span(&msg, &index);
        let message = msg.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or(msg.clone());
        let mut r = single(
            Diagnostic::error("summary-syntax", &rel_path, span, message)
                .with_help("SUMMARY.md holds an optional title, prefix chapters, then `- [Title](file.md)` list items and `# Part` headings"),
        );
        r.sources.insert(&rel_path, text.clone());
        BuildError::Input(r)
    })?;

    let mut report = Report::default();
    let mut stack: Vec<&SummaryItem> = summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
        .rev()
        .collect();
    while let Some(item) = stack.pop() {
        if let SummaryItem::Link(link) = item {
            if let Some(location) = &link.location {
                let file = src_dir.join(location);
                let needle = display_path(location);
                let span = || {
                    text.find(&format!("]({needle}"))
                        .map(|at| index.span(at + 2, at + 2 + needle.len()))
                        .unwrap_or_default()
                };
                let refusal = project.file(&file).err();
                if let Some(r) = refusal.filter(|r| !matches!(r, Refusal::Missing)) {
                    report.push(r.diagnostic(&rel_path, span(), &needle));
                } else if !file.is_file() {
                    let span = span();
                    let shown = display_path(&rel(root, &file));
                    report.push(
                        Diagnostic::error("missing-chapter", &rel_path, span, format!("chapter `{}` links `{needle}`, which does not exist", link.name))
                            .with_label(format!("no file {shown}"))
                            .with_help(format!("create {shown}, or fix the link; a chapter without a file yet is written `- [Title]()` (a draft)")),
                    );
                }
            }
            stack.extend(link.nested_items.iter().rev());
        }
    }
    if report.has_errors() {
        report.sources.insert(&rel_path, text);
        return Err(BuildError::Input(report));
    }
    Ok(summary)
}

/// mdBook reports "failed to parse SUMMARY.md line L, column C: ...".
fn summary_error_span(msg: &str, index: &LineIndex<'_>) -> Span {
    let re = regex::Regex::new(r"line (\d+), column (\d+)").expect("static regex");
    match re.captures(msg) {
        Some(c) => {
            let line: usize = c[1].parse().unwrap_or(1);
            let col: usize = c[2].parse().unwrap_or(0);
            let at = index.offset(line.max(1), col);
            index.span(at, at)
        }
        None => Span::default(),
    }
}

fn preprocessor_error(e: &anyhow::Error) -> BuildError {
    let msg = format!("{e:#}");
    let missing = e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    });
    if missing {
        BuildError::Env(format!("{msg}\nhelp: install the preprocessor, or mark it `optional = true` in its [preprocessor.NAME] table"))
    } else {
        BuildError::Input(single(
            Diagnostic::error("preprocessor", "book.toml", Span::default(), msg)
                .with_help("a preprocessor configured in book.toml failed; run it alone to see its own error output above"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_core::book::Chapter;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The book under `root`, its configuration read as every command reads it.
    fn load(root: &Path) -> Result<LoadedBook, BuildError> {
        super::load(&crate::config::Config::load(root).map_err(BuildError::Input)?)
    }

    #[test]
    fn missing_chapter_is_reported_at_its_summary_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "book.toml", "[book]\ntitle = \"T\"\n");
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [One](one.md)\n- [Two](two.md)\n",
        );
        write(dir.path(), "src/one.md", "# One\n");
        let Err(BuildError::Input(report)) = load(dir.path()) else {
            panic!("expected an input error")
        };
        let d = &report.diagnostics[0];
        assert_eq!(d.code, "missing-chapter");
        assert_eq!(d.file, Path::new("src/SUMMARY.md"));
        assert_eq!(d.span.line, 4);
    }

    #[test]
    fn malformed_summary_is_a_diagnostic_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [One](one.md)\n\n[Suffix](s.md)\n\n- [Late](late.md)\n",
        );
        let Err(BuildError::Input(report)) = load(dir.path()) else {
            panic!("expected an input error")
        };
        let d = &report.diagnostics[0];
        assert_eq!(d.code, "summary-syntax", "{d:?}");
        assert!(d.span.line >= 5, "{d:?}");
    }

    #[test]
    fn bad_book_toml_points_at_the_error() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "book.toml", "[book]\ntitle = \n");
        let Err(BuildError::Input(report)) = load(dir.path()) else {
            panic!("expected an input error")
        };
        assert_eq!(report.diagnostics[0].code, "config");
        assert_eq!(report.diagnostics[0].span.line, 2);
    }

    #[test]
    fn the_catalog_settings_do_not_upset_mdbook() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.chaosbook]\ncatalog = \"catalog\"\nmax-file-size = 1000\n",
        );
        write(dir.path(), "src/SUMMARY.md", "- [One](one.md)\n");
        write(dir.path(), "src/one.md", "# One\n{{#title Custom}}\n");
        let book = load(dir.path()).unwrap();
        assert_eq!(book.title(), "T");
        assert_eq!(book.book.chapters().count(), 1);
        assert_eq!(
            book.chapter_titles
                .get(Path::new("one.md"))
                .map(String::as_str),
            Some("Custom")
        );
    }

    #[test]
    fn splice_inserts_generated_chapters() {
        let mut book = Book::new_with_items(vec![
            BookItem::Chapter(Chapter::new("A", String::new(), "a.md", vec![])),
            BookItem::PartTitle("Catalog".into()),
        ]);
        let generated = vec![BookItem::Chapter(Chapter::new(
            "Gen",
            "# Gen".into(),
            "catalog/gen.md",
            vec![],
        ))];
        assert!(splice(
            &mut book,
            &|i| matches!(i, BookItem::PartTitle(t) if t == "Catalog"),
            generated,
            Placement::After
        ));
        assert!(matches!(&book.items[2], BookItem::Chapter(c) if c.name == "Gen"));
        assert!(!splice(&mut book, &|_| false, vec![], Placement::Replace));
    }
}
