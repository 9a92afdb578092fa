//! chaosbook: a chaos-engineering whitepaper with an executable, tool-neutral
//! catalog of fault scenarios.
//!
//! The library does the work; `main.rs` only parses the command line.
//! Data flows one way: load → validate → view → render → write.
//!
//! - [`catalog`]: the catalog model, loading (YAML with positions), schema
//!   and cross-reference validation, manifests.
//! - [`diagnostics`]: findings with file, line, column, code and help, and
//!   their human, JSON and GitHub renderings.
//! - [`config`]: the `[output.chaosbook]` settings of book.toml, read once,
//!   and the project context.
//! - [`content_path`]: the one rule for every file the content names
//!   (inside the project root, a regular file).
//! - [`error`]: the one error type and the exit codes.
//! - [`atomic`]: atomic writes of every output.
//! - [`scaffold`]: `chaosbook new`.
//! - [`export`]: `chaosbook export`, the runnable manifests.
//! - [`embed`]: `{{#scenario ID key=value}}`, scenario embeds with parameters.
//! - [`markdown`]: the one reading of markdown (parser options, heading
//!   ids, directives, links, languages) that check, the site and the PDF
//!   share.
//! - [`whitepaper`]: checks of the chapters (catalog references, links,
//!   anchors, neutrality).
//! - [`vocabulary`]: the one-vocabulary lint over chapters and catalog text.
//! - [`book`]: the mdBook book model (book.toml, SUMMARY.md, preprocessors,
//!   the `[output.chaosbook]` backend protocol).
//! - [`view`]: the catalog as readers see it (labels, order, tabs), shared
//!   by the site's templates and the PDF.
//! - [`render`]: the site: markdown, templates, highlighting, search,
//!   navigation, atomic write.
//! - [`serve`]: the preview server that rebuilds on change.
//! - [`pdf`]: `chaosbook pdf`, the whole book and catalog typeset in
//!   process with typst.
//! - [`links`]: `chaosbook links`, the external link checker (reqwest).
//! - [`lab`]: `chaosbook lab`, scenarios run for real on 127.0.0.1 (a demo
//!   shop, a Toxiproxy-compatible proxy, the tools' own runners).

pub mod atomic;
pub mod book;
pub mod catalog;
pub mod config;
pub mod content_path;
pub mod destination;
pub mod diagnostics;
pub mod embed;
pub mod error;
pub mod export;
pub mod lab;
pub mod links;
pub mod markdown;
mod memo;
pub mod neutrality;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod view;
pub mod vocabulary;
pub mod whitepaper;

#[cfg(test)]
mod testing;

use std::path::{Path, PathBuf};

pub use catalog::Catalog;
pub use diagnostics::Report;
pub use error::{BuildError, Error};

/// Loads and validates everything under `root`. The catalog is usable only
/// when the report has no errors.
pub fn check(root: &Path) -> (Catalog, Report) {
    check_again(root, &mut CheckMemo::default())
}

/// What one [`check`] of a project keeps for the next, so that `serve`
/// checks again only what an edit changed (see [`catalog::memo`]).
#[derive(Default)]
pub struct CheckMemo {
    catalog: catalog::memo::Memo,
    chapters: whitepaper::Memo,
    prose: catalog::prose::Memo,
}

/// [`check`], reusing what `memo` kept from the previous check of `root`
/// and keeping what this one computed. The result is the one [`check`]
/// gives.
pub fn check_again(root: &Path, memo: &mut CheckMemo) -> (Catalog, Report) {
    let config = match config::Config::load(root) {
        Ok(c) => c,
        Err(report) => return (Catalog::default(), report),
    };
    let (mut catalog, mut report) = catalog::load_again(&config, &mut memo.catalog);
    whitepaper::check_again(&config, &catalog, &mut memo.chapters, &mut report);
    if let Some(vocabulary) = vocabulary::check(&config, &catalog, &mut report) {
        catalog.search_synonyms = vocabulary.search_synonyms().to_vec();
    }
    // The chapters' rules for prose, for the catalog's text.
    catalog::prose::check(&catalog, &mut memo.prose, &mut report);
    report.sort();
    // One mistake in a file, one finding: references to what the file
    // should have held wait for it.
    report.fold_references(&catalog.unloaded);
    (catalog, report)
}

/// The JSON Schemas `chaosbook schema` prints: the three kinds, built in,
/// and the formats found in the catalog.
pub fn schema_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = catalog::model::Kind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    if let Ok(config) = config::Config::load(root) {
        let mut report = Report::default();
        let found = catalog::load::discover(&config, &mut report);
        names.extend(
            found
                .formats
                .into_iter()
                .map(|(name, _, _)| format!("formats/{name}")),
        );
    }
    names
}

/// The text of the schema called `name` (see [`schema_names`]).
pub fn schema_text(root: &Path, name: &str) -> Option<String> {
    use catalog::model::Kind;
    if let Some(kind) = Kind::ALL.into_iter().find(|k| k.name() == name) {
        return Some(catalog::schema::kind_schema_text(kind).to_string());
    }
    let format = name.strip_prefix("formats/").unwrap_or(name);
    let config = config::Config::load(root).ok()?;
    content_path::Project::new(root)
        .ok()?
        .read_to_string(
            &config
                .catalog_dir()
                .join("schema/formats")
                .join(format!("{format}.schema.json")),
            config.settings.max_file_size,
        )
        .ok()
}

/// The project's configuration as [`check`] read it into `catalog`, so
/// that every step of a command works from one reading of book.toml; read
/// again only for a catalog that did not come from checking `root`.
pub(crate) fn config_of(root: &Path, catalog: &Catalog) -> Result<config::Config, BuildError> {
    match &catalog.config {
        Some(c) if c.root == root => Ok(c.clone()),
        _ => config::Config::load(root).map_err(BuildError::Input),
    }
}

/// What `build` made.
#[derive(Debug, Clone)]
pub struct Built {
    /// The folder the site was written to.
    pub dest: PathBuf,
    /// How many files the site has.
    pub files: usize,
    /// Chapter pages in the site and how many were rendered.
    pub stats: render::Stats,
}

/// Where the catalog meets the book: the catalog's pages are added to the
/// book (under the chapter holding `{{#catalog}}`, or at the end), and the
/// returned hooks expand `{{#scenario ID}}` embeds, tool tabs and
/// `scenario:` / `practice:` / `tool:` / `catalog:` links.
/// The catalog's pages and widgets come from the theme's `catalog/`
/// templates, so a broken one is an input error here.
pub fn catalog_content<'a>(
    catalog: &'a Catalog,
    book: &mut book::LoadedBook,
) -> Result<Box<dyn render::Hooks + 'a>, BuildError> {
    add_repository_pages(book);
    let theme = render::theme::Theme::load(&book.root, &book.settings.theme)?;
    Ok(Box::new(render::catalog::install(
        catalog,
        book,
        std::sync::Arc::new(theme),
    )?))
}

/// Adds the repository pages ([`markdown::links::repository_pages`]) to
/// the book, each as a sub-chapter of the first chapter that links to it
/// (where a reader comes from), else at the end. `check` reads them as
/// pages too, so links to them are neither dead nor reported.
pub fn add_repository_pages(book: &mut book::LoadedBook) {
    use mdbook_core::book::{BookItem, Chapter};
    let catalog = book.settings.catalog.clone();
    let smart = book.settings.smart_punctuation;
    let Ok(project) = content_path::Project::new(&book.root) else {
        return;
    };
    for page in markdown::links::repository_pages(&book.root, &catalog) {
        // Read under the one rule: `check` reports a page it refuses.
        let Ok(content) =
            project.read_to_string(&book.root.join(&page.file), book.settings.max_file_size)
        else {
            continue;
        };
        let key = markdown::links::page_key(&page.book_path);
        let events = markdown::events(&content, smart);
        let title = markdown::headings(&events)
            .into_iter()
            .next()
            .map_or_else(|| page.book_path.clone(), |h| h.text);
        let mut chapter = Chapter::new(&title, content, &key, Vec::new());
        chapter.source_path = None;
        let links_here = |item: &BookItem| {
            let BookItem::Chapter(ch) = item else {
                return false;
            };
            let (Some(path), true) = (&ch.path, ch.content.contains(".md")) else {
                return false;
            };
            let from = diagnostics::display_path(path);
            markdown::events(&ch.content, false).iter().any(|e| match e {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                    matches!(markdown::links::resolve(dest_url, &from),
                        markdown::links::Link::Page { path, .. } if markdown::links::page_key(&path) == key)
                }
                _ => false,
            })
        };
        let item = BookItem::Chapter(chapter);
        if !book::splice(
            &mut book.book,
            &links_here,
            vec![item.clone()],
            book::Placement::Children,
        ) {
            book.book.items.push(item);
        }
    }
}

/// Renders the site of a loaded book (after [`catalog_content`]).
pub fn render_site(
    book: &book::LoadedBook,
    hooks: &dyn render::Hooks,
) -> Result<(render::Site, render::Stats), BuildError> {
    render::Renderer::new(book)?.render(book, hooks)
}

/// The folder `build` writes to when no `--dest` is given: `[build]
/// build-dir` of book.toml (default `book`), under the root.
pub fn default_dest(book: &book::LoadedBook) -> PathBuf {
    book.root.join(&book.config.build.build_dir)
}

/// Builds the site of the book under `root` into `dest` (default: see
/// [`default_dest`]), atomically. `catalog` must come from a [`check`]
/// without errors: nothing is rendered from an invalid catalog. A non-empty
/// `dest` that is not a previous site is refused unless `force`.
pub fn build(
    root: &Path,
    catalog: &Catalog,
    dest: Option<&Path>,
    force: bool,
) -> Result<Built, BuildError> {
    build_with(root, catalog, dest, None, force)
}

/// [`build`], for a site served at `site_url` (`/REPOSITORY/` for a
/// project page) instead of book.toml's `site-url`.
pub fn build_with(
    root: &Path,
    catalog: &Catalog,
    dest: Option<&Path>,
    site_url: Option<&str>,
    force: bool,
) -> Result<Built, BuildError> {
    let mut book = book::load(&config_of(root, catalog)?)?;
    if let Some(url) = site_url {
        book.settings.site_url = config::normalize_site_url(url.to_string());
    }
    let hooks = catalog_content(catalog, &mut book)?;
    let (site, stats) = render_site(&book, hooks.as_ref())?;
    let dest = dest
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_dest(&book));
    write_site(&book, &site, &dest, force)?;
    Ok(Built {
        dest,
        files: site.files.len(),
        stats,
    })
}

/// The sources of the project at `root` (see [`destination`]), which no
/// command writes into.
pub fn sources(root: &Path, catalog: &Catalog) -> Result<destination::Sources, BuildError> {
    Ok(destination::Sources::of(&config_of(root, catalog)?))
}

/// Writes a rendered site, refusing a destination in or over the project's
/// sources ([`destination`]), or (unless `force`) a non-empty folder that
/// is not a previous site.
pub fn write_site(
    book: &book::LoadedBook,
    site: &render::Site,
    dest: &Path,
    force: bool,
) -> Result<(), BuildError> {
    let sources = destination::Sources::in_project(
        &book.root,
        [&book.src_dir, &book.settings.catalog, &book.settings.theme],
    );
    render::write::write_site(site, dest, &sources, force)
}

/// `chaosbook mdbook-backend`: run by `mdbook build` as the
/// `[output.chaosbook]` renderer, with mdBook's render context on `input`.
/// Checks the catalog, then writes the same site `chaosbook build` would,
/// to the folder mdBook chose.
pub fn mdbook_backend(input: impl std::io::Read) -> Result<Built, BuildError> {
    let ctx = mdbook_renderer::RenderContext::from_json(input).map_err(|e| {
        BuildError::Env(format!(
            "cannot read mdBook's render context on standard input: {e:#}"
        ))
    })?;
    let (mut book, dest) = book::from_render_context(ctx)?;
    // mdBook starts backends in the destination folder; everything here is
    // relative to the project root, as under `chaosbook build`.
    std::env::set_current_dir(&book.root)
        .map_err(|e| BuildError::io("cannot enter", &book.root, e))?;
    let (catalog, report) = check(&book.root);
    if report.has_errors() {
        return Err(BuildError::Input(report));
    }
    let hooks = catalog_content(&catalog, &mut book)?;
    let (site, stats) = render_site(&book, hooks.as_ref())?;
    // mdBook chose the folder; it is refused like any other that holds
    // files chaosbook did not write.
    write_site(&book, &site, &dest, false)?;
    Ok(Built {
        dest,
        files: site.files.len(),
        stats,
    })
}

/// Files changed since the git revision `rev` (committed, staged, unstaged
/// and new untracked files), relative to `root`; for `check --changed-since`.
pub fn changed_files(root: &Path, rev: &str) -> Result<std::collections::HashSet<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mut files: std::collections::HashSet<PathBuf> =
        git(&["diff", "--name-only", "--relative", rev, "--"])?
            .lines()
            .map(PathBuf::from)
            .collect();
    files.extend(
        git(&["ls-files", "--others", "--exclude-standard"])?
            .lines()
            .map(PathBuf::from),
    );
    Ok(files)
}
