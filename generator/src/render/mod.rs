//! The site renderer: the mdBook book model in, a static site out.
//!
//! Why not mdBook's HTML renderer: its time grows much faster than the page
//! count (each page's template context carries the whole book, and the
//! search index dominates), it highlights in the browser and it needs inline
//! scripts, which a strict Content-Security-Policy forbids. Here:
//!
//! - markdown is rendered with pulldown-cmark ([`markdown`]), code is
//!   highlighted at build time ([`highlight`]: manifests as the YAML parser
//!   reads them, other languages with syntect), raw HTML is sanitised with
//!   ammonia ([`sanitize`]);
//! - pages are tera templates from the theme ([`theme`]), each rendered
//!   with a context of constant size: the table of contents is built once
//!   and shared as `toc.js` ([`nav`]);
//! - pages render in parallel (rayon), each with its section of the print
//!   page; the search index ([`search`]) and the print page are assembled
//!   from per-page results, page bodies spliced into the rendered templates
//!   rather than copied through tera ([`theme::Theme::render_with_bodies`]);
//! - the output is deterministic (sorted maps, no clocks) and written
//!   atomically ([`write`](mod@write)).
//!
//! A [`Renderer`] keeps the pages it rendered last time, keyed by a hash
//! of the page's own inputs, with the questions each page asked the hooks
//! (`deps`): `serve` re-renders only the pages an edit reaches, a chapter
//! edit or a catalog edit alike.

pub mod catalog;
mod deps;
pub mod highlight;
pub mod markdown;
pub mod nav;
pub mod sanitize;
pub mod search;
pub mod theme;
pub mod write;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;
use serde::Serialize;

use crate::book::LoadedBook;
use crate::BuildError;
pub use markdown::{Hooks, NoHooks, PageInfo};
use markdown::{MarkdownOptions, Section};
use theme::Theme;

/// The Content-Security-Policy of every page (a `<meta>` tag, so it also
/// holds on static hosts and from `file://`).
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";

/// A rendered site: output path (`/`-separated, relative to the site root)
/// to content, in sorted order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// Output path -> content.
    pub files: BTreeMap<String, Bytes>,
}

impl Site {
    /// The content of an output path, if the site has it.
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.files.get(path)
    }

    fn add(&mut self, path: impl Into<String>, bytes: impl Into<Bytes>) {
        self.files.insert(path.into(), bytes.into());
    }
}

/// What one render did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Chapter pages in the site.
    pub pages: usize,
    /// Chapter pages rendered this time (the rest came from the cache).
    pub rendered: usize,
}

/// A chapter page as rendered, kept for the next render.
struct Cached {
    page: Bytes,
    /// What the page used of the hooks, to tell whether it still holds
    /// when they change.
    deps: Vec<deps::Dep>,
    /// The chapter's HTML as a section of the print page.
    print: Arc<str>,
    sections: Arc<[Section]>,
}

/// A page's cache key, its rendering, and whether it was rendered now.
type PageResult = (u64, Arc<Cached>, bool);

/// File content, shared between the site, the cache and the theme, and
/// made from a rendered `String` without a copy.
pub use bytes::Bytes;

/// Renders books with one theme; keeps per-page results between renders.
pub struct Renderer {
    theme: Theme,
    highlight_css: (Bytes, Bytes),
    cache: HashMap<u64, Arc<Cached>>,
    /// The hooks' fingerprint the cached pages were rendered or checked
    /// with: while it is the same, their dependencies need no checking.
    cache_hooks: u64,
    /// The hooks' data files and the fingerprint they were made for: a
    /// chapter edit in `serve` does not write catalog.json again.
    hook_files: Option<(u64, Vec<(String, Bytes)>)>,
}

#[derive(Serialize, Hash)]
struct BookCtx {
    title: String,
    description: Option<String>,
    authors: Vec<String>,
    language: String,
    direction: &'static str,
    default_theme: &'static str,
}

#[derive(Serialize, Hash, Clone)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    content: &'a str,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    parents: &'a [String],
}

#[derive(Serialize)]
struct PrintChapter<'a> {
    id: String,
    title: &'a str,
    content: Cow<'a, str>,
}

static HIGHLIGHT_CSS: LazyLock<(Bytes, Bytes)> = LazyLock::new(|| {
    let (light, dark) = highlight::stylesheets();
    (Bytes::from(light), Bytes::from(dark))
});

impl Renderer {
    /// Loads the theme (`[output.chaosbook] theme` over the embedded one).
    pub fn new(book: &LoadedBook) -> Result<Renderer, BuildError> {
        let theme = Theme::load(&book.root, &book.settings.theme)?;
        Ok(Renderer {
            theme,
            highlight_css: HIGHLIGHT_CSS.clone(),
            cache: HashMap::new(),
            cache_hooks: 0,
            hook_files: None,
        })
    }

    /// Renders the whole site. Pages whose inputs did not change since the
    /// last call are reused.
    pub fn render(
        &mut self,
        book: &LoadedBook,
        hooks: &dyn Hooks,
    ) -> Result<(Site, Stats), BuildError> {
        let pages = nav::pages(&book.book, &book.chapter_titles);
        let toc = nav::toc_html(&book.book);
        let book_ctx = BookCtx {
            title: book.title(),
            description: book.config.book.description.clone(),
            authors: book.config.book.authors.clone(),
            language: book
                .config
                .book
                .language
                .clone()
                .unwrap_or_else(|| "en".into()),
            direction: match book.config.book.realized_text_direction() {
                mdbook_core::config::TextDirection::RightToLeft => "rtl",
                _ => "ltr",
            },
            default_theme: book.settings.default_theme.as_str(),
        };
        let md_opts = MarkdownOptions {
            smart_punctuation: book.settings.smart_punctuation,
        };
        let shared = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.theme.fingerprint.hash(&mut h);
            book_ctx.hash(&mut h);
            md_opts.smart_punctuation.hash(&mut h);
            h.finish()
        };

        // The hooks' data files (catalog.json...) do not depend on the
        // pages: they are made while the pages render, unless the hooks are
        // the same as last time.
        let fingerprint = hooks.fingerprint();
        let kept_files = self
            .hook_files
            .as_ref()
            .filter(|(f, _)| *f == fingerprint)
            .map(|(_, files)| files.clone());
        let (results, hook_data): (Vec<Result<PageResult, BuildError>>, _) = rayon::join(
            || {
                (0..pages.len())
                    .into_par_iter()
                    .map(|i| {
                        let page = &pages[i];
                        let prev = i.checked_sub(1).map(|j| Link {
                            title: &pages[j].title,
                            url: &pages[j].url,
                        });
                        let next = pages.get(i + 1).map(|p| Link {
                            title: &p.title,
                            url: &p.url,
                        });
                        let key = {
                            let mut h = std::collections::hash_map::DefaultHasher::new();
                            shared.hash(&mut h);
                            page.url.hash(&mut h);
                            page.title.hash(&mut h);
                            page.chapter.content.hash(&mut h);
                            page.chapter.parent_names.hash(&mut h);
                            prev.hash(&mut h);
                            next.hash(&mut h);
                            h.finish()
                        };
                        let info = PageInfo {
                            path: &page.url,
                            root: &page.root,
                        };
                        if let Some(hit) = self.cache.get(&key) {
                            if self.cache_hooks == fingerprint
                                || hit.deps.iter().all(|d| d.holds(hooks, &info))
                            {
                                return Ok((key, hit.clone(), false));
                            }
                        }
                        let recorder = deps::Recorder::new(hooks);
                        let md = markdown::render(&page.chapter.content, md_opts, &info, &recorder);
                        let html =
                            self.theme
                                .render_with_bodies("page.html", &[&md.html], |body| {
                                    let mut ctx = self.context(&book_ctx, &page.root, &page.url);
                                    ctx.insert(
                                        "page",
                                        &PageCtx {
                                            title: &page.title,
                                            content: &body[0],
                                            prev: prev.clone(),
                                            next: next.clone(),
                                            parents: &page.chapter.parent_names,
                                        },
                                    );
                                    ctx
                                })?;
                        let cached = Cached {
                            page: Bytes::from(html),
                            deps: recorder.into_deps(),
                            print: Arc::from(print_body(&md.html, &page.url)),
                            sections: Arc::from(md.sections),
                        };
                        Ok((key, Arc::new(cached), true))
                    })
                    .collect()
            },
            || {
                let files = kept_files.unwrap_or_else(|| {
                    hooks
                        .files()
                        .into_iter()
                        .map(|(path, bytes)| (path, Bytes::from(bytes)))
                        .collect()
                });
                (files, hooks.search_extras())
            },
        );
        let (hook_files, search_extras) = hook_data;

        let mut site = Site::default();
        let mut cache = HashMap::with_capacity(pages.len());
        let mut rendered = Vec::with_capacity(pages.len());
        let mut stats = Stats {
            pages: pages.len(),
            rendered: 0,
        };
        if let Some(e) = hooks.failure() {
            return Err(e);
        }
        for r in results {
            let (key, cached, fresh) = r?;
            stats.rendered += usize::from(fresh);
            cache.insert(key, cached.clone());
            rendered.push(cached);
        }
        for (page, cached) in pages.iter().zip(&rendered) {
            site.add(page.url.clone(), cached.page.clone());
        }

        // The start page: the first chapter, unless a chapter is index.md.
        if !site.files.contains_key("index.html") {
            match (pages.first(), rendered.first()) {
                (Some(p), Some(c)) if p.root.is_empty() => site.add("index.html", c.page.clone()),
                (Some(p), _) => {
                    site.add("index.html", redirect(&p.url, &book_ctx.title).into_bytes())
                }
                (None, _) => {}
            }
        }

        let mut ctx = self.context(&book_ctx, "", "toc.html");
        ctx.insert("toc", &toc);
        let toc_page = self.theme.render("toc.html", &ctx)?;
        if !site.files.contains_key("index.html") {
            site.add("index.html", toc_page.clone().into_bytes());
        }
        site.add("toc.html", toc_page.into_bytes());
        site.add("toc.js", nav::toc_js(&toc).into_bytes());

        let bodies: Vec<&str> = rendered.iter().map(|c| &*c.print).collect();
        let print = self
            .theme
            .render_with_bodies("print.html", &bodies, |shown| {
                let chapters: Vec<PrintChapter<'_>> = pages
                    .iter()
                    .zip(shown)
                    .map(|(p, body)| PrintChapter {
                        id: print_id(&p.url),
                        title: &p.title,
                        content: body.clone(),
                    })
                    .collect();
                let mut ctx = self.context(&book_ctx, "", "print.html");
                ctx.insert("chapters", &chapters);
                ctx
            })?;
        site.add("print.html", print.into_bytes());

        let ctx = self.context(&book_ctx, &book.settings.site_url, "");
        site.add(
            "404.html",
            self.theme.render("404.html", &ctx)?.into_bytes(),
        );

        let no_extras = search::PageExtras::default();
        let docs = pages.iter().zip(&rendered).map(|(p, c)| {
            let extras = search_extras.get(&p.url).unwrap_or(&no_extras);
            search::PageDocs {
                url: &p.url,
                title: &p.title,
                sections: &c.sections,
                entries: &extras.entries,
                entry_point: extras.entry_point,
            }
        });
        let synonyms = hooks.search_synonyms();
        site.add(
            "searchindex.js",
            search::build(docs, &synonyms).into_bytes(),
        );

        for (path, bytes) in &self.theme.statics {
            site.add(path.clone(), bytes.clone());
        }
        site.add("static/highlight-light.css", self.highlight_css.0.clone());
        site.add("static/highlight-dark.css", self.highlight_css.1.clone());
        for (path, bytes) in &hook_files {
            site.add(path.clone(), bytes.clone());
        }

        // Non-markdown files of the book (images, downloads), as mdBook does;
        // generated files win over a same-named source file.
        for (path, bytes) in source_assets(&book.root, &book.src_dir)? {
            site.files.entry(path).or_insert(bytes);
        }

        self.cache = cache;
        self.cache_hooks = fingerprint;
        self.hook_files = Some((fingerprint, hook_files));
        Ok((site, stats))
    }

    fn context(&self, book: &BookCtx, root: &str, page_path: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("book", book);
        ctx.insert("root", root);
        ctx.insert("page_path", page_path);
        ctx.insert("csp", CSP);
        ctx
    }
}

/// For a first chapter that is not at the root: index.html sends readers
/// there (a meta refresh is not script, so the CSP allows it).
fn redirect(url: &str, title: &str) -> String {
    let url = highlight::escape(url);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<link rel=\"icon\" href=\"static/favicon.svg\" type=\"image/svg+xml\">\n<title>{}</title>\n</head>\n<body>\n<p><a href=\"{url}\">Start reading</a></p>\n</body>\n</html>\n",
        highlight::escape(title)
    )
}

/// The id of a chapter's section on the print page: `a/b.html` -> `a-b`.
fn print_id(url: &str) -> String {
    crate::markdown::id_from_content(&url.trim_end_matches(".html").replace(['/', '.'], "-"))
}

/// A chapter's HTML as a section of print.html (at the site root): its ids
/// get the chapter's prefix, links to chapters become links within the
/// page, other relative links are made relative to the root.
fn print_body(body: &str, page_url: &str) -> String {
    let attributes = PrintAttributes {
        prefix: print_id(page_url),
        dir: page_url.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
    };
    // Every ` id="…"`, ` href="…"` and ` src="…"`, found from its `="`
    // (a regex took a tenth of a catalog build here: highlighted code is
    // full of other attributes).
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut copied = 0;
    for eq in memchr::memmem::find_iter(bytes, b"=\"") {
        if eq < copied {
            continue;
        }
        // Most `="` are a `class`: one byte tells.
        let candidates: &[&str] = match eq.checked_sub(1).map(|i| bytes[i]) {
            Some(b'd') => &["id"],
            Some(b'f') => &["href"],
            Some(b'c') => &["src"],
            Some(b's') => &["aria-controls"],
            Some(b'y') => &["aria-labelledby", "aria-describedby"],
            Some(b'r') => &["for"],
            _ => continue,
        };
        let Some(name) = candidates.iter().copied().find(|name| {
            bytes[..eq].ends_with(name.as_bytes()) && bytes[..eq - name.len()].ends_with(b" ")
        }) else {
            continue;
        };
        let value = eq + 2;
        let Some(len) = memchr::memchr(b'"', &bytes[value..]) else {
            break;
        };
        out.push_str(&body[copied..eq - name.len() - 1]);
        attributes.append(name, &body[value..value + len], &mut out);
        copied = value + len + 1;
    }
    out.push_str(&body[copied..]);
    out
}

/// Rewrites one `id`, `href` or `src` attribute for the print page, straight
/// into the output (print.html holds every page, so this runs a lot).
struct PrintAttributes<'a> {
    prefix: String,
    dir: &'a str,
}

impl PrintAttributes<'_> {
    fn append(&self, attr: &str, value: &str, out: &mut String) {
        out.push(' ');
        out.push_str(attr);
        out.push_str("=\"");
        if attr == "id" {
            out.push_str(&self.prefix);
            out.push('-');
            out.push_str(value);
        } else if attr != "href" && attr != "src" {
            // An id reference, or a space-separated list of them: each
            // names an id of the same chapter, which got the prefix.
            for (i, id) in value.split_ascii_whitespace().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&self.prefix);
                out.push('-');
                out.push_str(id);
            }
        } else if let Some(fragment) = value.strip_prefix('#') {
            out.push('#');
            out.push_str(&self.prefix);
            out.push('-');
            out.push_str(fragment);
        } else if value.is_empty() || value.starts_with('/') || value.contains(':') {
            out.push_str(value);
        } else {
            let (path, fragment) = match value.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (value, None),
            };
            let resolved = crate::markdown::links::normalize(self.dir, path).unwrap_or_default();
            if attr == "href" && resolved.ends_with(".html") {
                out.push('#');
                out.push_str(&print_id(&resolved));
                if let Some(f) = fragment {
                    out.push('-');
                    out.push_str(f);
                }
            } else {
                out.push_str(&resolved);
                if let Some(f) = fragment {
                    out.push('#');
                    out.push_str(f);
                }
            }
        }
        out.push('"');
    }
}

/// Every file under the book's source folder that is not markdown, sorted,
/// read under the one rule of [`crate::content_path`]: a link out of the
/// project, a FIFO or a device is an error at its path, never copied.
fn source_assets(root: &Path, src: &Path) -> Result<Vec<(String, Bytes)>, BuildError> {
    let rule = crate::content_path::Project::new(root)
        .map_err(|e| BuildError::io("cannot resolve", root, e))?;
    let refused = |d: crate::diagnostics::Diagnostic| {
        let mut r = crate::Report::default();
        r.push(d);
        BuildError::Input(r)
    };
    let mut paths = Vec::new();
    for entry in rule.walk(src) {
        let entry = entry.map_err(|d| refused(*d))?;
        if entry.file_type().is_file() && entry.path().extension().is_none_or(|x| x != "md") {
            paths.push(entry.into_path());
        }
    }
    paths
        .par_iter()
        .map(|p| {
            let bytes = match rule.read_all(p) {
                Ok(bytes) => bytes,
                Err(r) => {
                    let shown = rule.relative(p);
                    let written = crate::diagnostics::display_path(&shown);
                    return Err(refused(r.diagnostic(&shown, Default::default(), &written)));
                }
            };
            let rel = crate::diagnostics::display_path(p.strip_prefix(src).unwrap_or(p));
            Ok((rel, Bytes::from(bytes)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A book of `(title, file, markdown)` chapters, in a folder kept
    /// while the book is used.
    fn book_of(chapters: &[(&str, &str, &str)]) -> (tempfile::TempDir, LoadedBook) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
        let mut summary = String::from("# Summary\n\n");
        for (title, file, text) in chapters {
            summary.push_str(&format!("- [{title}]({file})\n"));
            std::fs::write(dir.path().join("src").join(file), text).unwrap();
        }
        std::fs::write(dir.path().join("src/SUMMARY.md"), summary).unwrap();
        let book = crate::book::load(&crate::config::Config::load(dir.path()).unwrap()).unwrap();
        (dir, book)
    }

    /// Hooks whose data file says how often it was made.
    struct CountingHooks {
        fingerprint: u64,
        made: std::sync::atomic::AtomicUsize,
    }

    impl Hooks for CountingHooks {
        fn fingerprint(&self) -> u64 {
            self.fingerprint
        }

        fn files(&self) -> Vec<(String, Vec<u8>)> {
            let n = self.made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            vec![(
                "data.json".into(),
                format!("{}:{n}", self.fingerprint).into_bytes(),
            )]
        }
    }

    #[test]
    fn data_files_are_made_again_only_when_the_hooks_change() {
        let (_dir, book) = book_of(&[("One", "one.md", "# One\n")]);
        let mut renderer = Renderer::new(&book).unwrap();
        let data = |site: &Site| site.files["data.json"].clone();
        let first = CountingHooks {
            fingerprint: 1,
            made: 0.into(),
        };
        let (site, _) = renderer.render(&book, &first).unwrap();
        assert_eq!(data(&site), "1:0");
        let (site, _) = renderer.render(&book, &first).unwrap();
        assert_eq!(data(&site), "1:0", "kept, not made again");
        let changed = CountingHooks {
            fingerprint: 2,
            made: 0.into(),
        };
        let (site, _) = renderer.render(&book, &changed).unwrap();
        assert_eq!(data(&site), "2:0");
        assert_eq!(first.made.into_inner() + changed.made.into_inner(), 2);
    }

    /// Hooks that answer `{{#w ARG}}` from a table.
    struct Table {
        fingerprint: u64,
        answers: HashMap<&'static str, &'static str>,
    }

    impl Hooks for Table {
        fn directive(&self, _: &str, args: &str, _: &PageInfo<'_>) -> Option<String> {
            self.answers.get(args.trim()).map(|a| a.to_string())
        }
        fn fingerprint(&self) -> u64 {
            self.fingerprint
        }
    }

    #[test]
    fn after_the_hooks_change_only_the_pages_whose_answers_changed_are_rendered() {
        let (_dir, book) = book_of(&[
            ("A", "a.md", "# A\n\n{{#w a}}\n"),
            ("B", "b.md", "# B\n\n{{#w b}}\n"),
            ("C", "c.md", "# C\n\nNo directive.\n"),
        ]);
        let mut renderer = Renderer::new(&book).unwrap();
        let page = |site: &Site, p: &str| String::from_utf8_lossy(&site.files[p]).into_owned();

        let before = Table {
            fingerprint: 1,
            answers: [("a", "<i>a1</i>"), ("b", "<i>b1</i>")].into(),
        };
        let (site, stats) = renderer.render(&book, &before).unwrap();
        assert_eq!((stats.pages, stats.rendered), (3, 3));
        assert!(page(&site, "a.html").contains("<i>a1</i>"));

        let a_changed = Table {
            fingerprint: 2,
            answers: [("a", "<i>a2</i>"), ("b", "<i>b1</i>")].into(),
        };
        let (site, stats) = renderer.render(&book, &a_changed).unwrap();
        assert_eq!(stats.rendered, 1, "only a.md asked what changed");
        assert!(page(&site, "a.html").contains("<i>a2</i>"));
        assert!(page(&site, "b.html").contains("<i>b1</i>"));
        let fresh = Renderer::new(&book)
            .unwrap()
            .render(&book, &a_changed)
            .unwrap()
            .0;
        assert_eq!(site, fresh, "the same site as a fresh render");

        // An answer that goes away renders the directive inert, again only
        // on its page.
        let b_gone = Table {
            fingerprint: 3,
            answers: [("a", "<i>a2</i>")].into(),
        };
        let (site, stats) = renderer.render(&book, &b_gone).unwrap();
        assert_eq!(stats.rendered, 1);
        assert!(!page(&site, "b.html").contains("<i>b1</i>"));
    }

    #[test]
    fn print_body_prefixes_ids_and_resolves_links() {
        let body = r##"<h1 id="intro"><a class="header" href="#intro">I</a></h1><a href="../other.html#x">o</a><a href="same.html">s</a><img src="img/a.png" alt=""><a href="https://e.org/">e</a><a href="file.pdf">f</a><span data-id="d" class="hl-k" title="id=&quot;x&quot;">k</span><button role="tab" aria-controls="p" id="t"></button><div role="tabpanel" aria-labelledby="t h" id="p"><label for="c">c</label></div>"##;
        let out = print_body(body, "guide/page.html");
        assert!(
            out.contains(r#"<span data-id="d" class="hl-k" title="id=&quot;x&quot;">k</span>"#),
            "other attributes stay: {out}"
        );
        assert!(
            out.contains(
                r##"<h1 id="guide-page-intro"><a class="header" href="#guide-page-intro">"##
            ),
            "{out}"
        );
        assert!(out.contains(r##"href="#other-x""##), "{out}");
        assert!(out.contains(r##"href="#guide-same""##), "{out}");
        assert!(out.contains(r#"src="guide/img/a.png""#), "{out}");
        assert!(out.contains(r#"href="https://e.org/""#), "{out}");
        assert!(out.contains(r#"href="guide/file.pdf""#), "{out}");
        assert!(
            out.ends_with(r#"<button role="tab" aria-controls="guide-page-p" id="guide-page-t"></button><div role="tabpanel" aria-labelledby="guide-page-t guide-page-h" id="guide-page-p"><label for="guide-page-c">c</label></div>"#),
            "id references follow the ids: {out}"
        );
    }
}
