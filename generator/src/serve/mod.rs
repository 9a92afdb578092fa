//! `chaosbook serve`: build, serve on 127.0.0.1, rebuild on change, reload
//! the browser.
//!
//! The site is kept in memory ([`Session`]) rather than written to disk, so
//! a rebuild swaps one `Arc` and readers never see a half-built site. Every
//! edit is checked as `check` would check it (a chapter's broken link shows
//! in the preview as it would fail the pull request), reusing what the
//! previous check computed from texts that did not change (see
//! [`crate::check_again`]); the theme is reloaded only when a theme file or
//! book.toml changed, and only pages whose inputs changed are rendered
//! again (see [`crate::render::Renderer`]).
//!
//! Served pages get one extra script, `/__chaosbook/reload.js`, which polls
//! `/__chaosbook/version`: it reloads the page after a good rebuild, and
//! after a broken edit it shows the diagnostics (as text) in an overlay
//! until the next good edit. That script exists only here, never in
//! `build` output.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::book::LoadedBook;
use crate::render::{Renderer, Site, Stats};
use crate::{BuildError, CheckMemo};

const RELOAD_JS: &str = include_str!("reload.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// Command-line options of `serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// What changed on disk, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    /// A catalog file changed: check the catalog again.
    pub catalog: bool,
    /// book.toml changed: reload the settings, check the catalog, reload the theme.
    pub config: bool,
    /// A theme file changed: reload the theme and render every page.
    pub theme: bool,
    /// A chapter (or a file under `extra-watch-dirs`) changed: render the pages
    /// it touches.
    pub book: bool,
}

impl Changes {
    /// Everything changed, as for the first build.
    pub const ALL: Changes = Changes {
        catalog: true,
        config: true,
        theme: true,
        book: true,
    };

    /// Whether anything changed at all.
    pub fn any(&self) -> bool {
        self.catalog || self.config || self.theme || self.book
    }
}

/// Builds a book again and again, reusing what did not change.
pub struct Session {
    root: PathBuf,
    /// What the last check computed, for the next one.
    memo: CheckMemo,
    renderer: Option<Renderer>,
    /// The folders watched for each kind of change (absolute).
    pub paths: WatchPaths,
}

/// The folders a session watches.
#[derive(Debug, Clone, Default)]
pub struct WatchPaths {
    /// book.toml.
    pub config: PathBuf,
    /// The catalog folder (`[output.chaosbook] catalog`).
    pub catalog: PathBuf,
    /// The theme folder (`[output.chaosbook] theme`).
    pub theme: PathBuf,
    /// The book's markdown source folder (`[book] src`).
    pub src: PathBuf,
    /// mdBook's `build.extra-watch-dirs`, under the root.
    pub extra: Vec<PathBuf>,
}

impl WatchPaths {
    /// What a changed path means for the build; `None` when it does not
    /// matter (editor swap files, other folders).
    pub fn classify(&self, path: &Path) -> Option<Changes> {
        let name = path.file_name()?.to_string_lossy();
        if name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913"
        {
            return None;
        }
        let mut c = Changes::default();
        if path == self.config {
            c.config = true;
        } else if path.starts_with(&self.catalog) {
            c.catalog = true;
        } else if path.starts_with(&self.theme) {
            c.theme = true;
        } else if path.starts_with(&self.src) || self.extra.iter().any(|e| path.starts_with(e)) {
            c.book = true;
        } else {
            return None;
        }
        Some(c)
    }
}

impl Session {
    /// A session for the project at `root`; nothing is built until asked.
    pub fn new(root: &Path) -> Session {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Session {
            paths: watch_paths(&root, None),
            root,
            memo: CheckMemo::default(),
            renderer: None,
        }
    }

    /// Rebuilds after `changes` (use [`Changes::ALL`] the first time).
    pub fn rebuild(&mut self, changes: Changes) -> Result<(Site, Stats), BuildError> {
        let (catalog, report) = crate::check_again(&self.root, &mut self.memo);
        if report.has_errors() {
            return Err(BuildError::Input(report));
        }
        if changes.theme || changes.config {
            self.renderer = None;
        }
        let mut book: LoadedBook = crate::book::load(&crate::config_of(&self.root, &catalog)?)?;
        self.paths = watch_paths(&self.root, Some(&book));
        let hooks = crate::catalog_content(&catalog, &mut book)?;
        let renderer = match self.renderer.take() {
            Some(r) => r,
            None => Renderer::new(&book)?,
        };
        let renderer = self.renderer.insert(renderer);
        renderer.render(&book, hooks.as_ref())
    }
}

fn watch_paths(root: &Path, book: Option<&LoadedBook>) -> WatchPaths {
    let catalog = match book {
        Some(b) => root.join(&b.settings.catalog),
        None => crate::config::Config::load(root)
            .map(|c| c.catalog_dir())
            .unwrap_or_else(|_| root.join("catalog")),
    };
    let (src, theme, extra) = match book {
        Some(b) => (
            b.src_dir.clone(),
            root.join(&b.settings.theme),
            b.config
                .build
                .extra_watch_dirs
                .iter()
                .map(|d| root.join(d))
                .collect(),
        ),
        None => {
            let cfg = mdbook_core::config::Config::default();
            (root.join(&cfg.book.src), root.join("theme"), Vec::new())
        }
    };
    WatchPaths {
        config: root.join("book.toml"),
        catalog,
        theme,
        src,
        extra,
    }
}

/// What the server hands out.
struct Served {
    site: Arc<Site>,
    version: u64,
    error: Option<String>,
}

/// Runs the preview server until the process is stopped.
pub fn serve(root: &Path, opts: &Options) -> Result<(), BuildError> {
    let mut session = Session::new(root);
    let started = Instant::now();
    let state = Arc::new(RwLock::new(Served {
        site: Arc::new(Site::default()),
        version: 1,
        error: None,
    }));
    apply(&state, session.rebuild(Changes::ALL), started, true);

    let server =
        tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(|source| BuildError::Listen {
            address: format!("127.0.0.1:{}", opts.port),
            source,
        })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| BuildError::Env("the server has no IP address".into()))?;
    let url = format!("http://{addr}/");
    println!("serving the book on {url} (Ctrl-C stops)");
    let server = Arc::new(server);
    for _ in 0..4 {
        let server = server.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                respond(request, &state);
            }
        });
    }
    if opts.open {
        if let Err(e) = opener::open(&url) {
            eprintln!("warning: cannot open a browser: {e}");
        }
    }

    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, tx)
        .map_err(BuildError::Watch)?;
    let mut watched: Vec<PathBuf> = Vec::new();
    rewatch(&mut debouncer, &session.paths, &mut watched);
    for events in rx {
        let mut changes = Changes::default();
        let paths: Vec<PathBuf> = match events {
            Ok(events) => events
                .into_iter()
                .filter(|e| changes_content(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .collect(),
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watching: {e}");
                }
                continue;
            }
        };
        for p in &paths {
            if let Some(c) = session.paths.classify(p) {
                changes.catalog |= c.catalog;
                changes.config |= c.config;
                changes.theme |= c.theme;
                changes.book |= c.book;
            }
        }
        if !changes.any() {
            continue;
        }
        let started = Instant::now();
        apply(&state, session.rebuild(changes), started, false);
        rewatch(&mut debouncer, &session.paths, &mut watched);
    }
    Ok(())
}

/// Whether an event may change what is built. Reading files (which the
/// build itself does) shows up as access events: those must not trigger a
/// rebuild, or every build would trigger the next.
fn changes_content(kind: &notify_debouncer_full::notify::EventKind) -> bool {
    use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
    use notify_debouncer_full::notify::EventKind;
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Watches the root (for book.toml and folders that appear later) and each
/// source folder that exists.
fn rewatch(
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    paths: &WatchPaths,
    watched: &mut Vec<PathBuf>,
) {
    use notify_debouncer_full::notify::RecursiveMode;
    let root = paths
        .config
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut wanted: Vec<(PathBuf, RecursiveMode)> = vec![(root, RecursiveMode::NonRecursive)];
    for dir in [&paths.src, &paths.catalog, &paths.theme]
        .into_iter()
        .chain(&paths.extra)
    {
        if dir.is_dir() {
            wanted.push((dir.clone(), RecursiveMode::Recursive));
        }
    }
    for (dir, mode) in wanted {
        if !watched.contains(&dir) {
            match debouncer.watch(&dir, mode) {
                Ok(()) => watched.push(dir),
                Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
            }
        }
    }
}

fn apply(
    state: &RwLock<Served>,
    result: Result<(Site, Stats), BuildError>,
    started: Instant,
    first: bool,
) {
    let ms = started.elapsed().as_millis();
    let mut s = state.write().unwrap_or_else(|e| e.into_inner());
    s.version += 1;
    match result {
        Ok((site, stats)) => {
            let what = if first { "built" } else { "rebuilt" };
            eprintln!(
                "{what} in {ms} ms: {} of {} pages rendered, {} files",
                stats.rendered,
                stats.pages,
                site.files.len()
            );
            s.site = Arc::new(site);
            s.error = None;
        }
        Err(e) => {
            print_error(&e);
            eprintln!(
                "the build failed; still serving the last good site, and the error in the page"
            );
            s.error = Some(e.text());
        }
    }
}

fn print_error(e: &BuildError) {
    use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
    use std::io::IsTerminal;
    match e {
        BuildError::Input(report) => {
            let color = if std::io::stderr().is_terminal() {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            };
            let _ = report.write_human(&mut StandardStream::stderr(color));
        }
        other => eprintln!("error: {other}"),
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(request: tiny_http::Request, state: &RwLock<Served>) {
    let (site, version, error) = {
        let s = state.read().unwrap_or_else(|e| e.into_inner());
        (s.site.clone(), s.version, s.error.clone())
    };
    let reply = |status: u16, body: Vec<u8>, ctype: &str| {
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(header("Content-Type", ctype))
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff"))
    };
    if !matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        let _ = request.respond(reply(
            405,
            b"method not allowed\n".to_vec(),
            "text/plain; charset=utf-8",
        ));
        return;
    }
    let raw = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_decode(&raw);
    let response = match path.as_str() {
        "/__chaosbook/version" => {
            let body = serde_json::json!({ "version": version, "error": error }).to_string();
            reply(200, body.into_bytes(), "application/json")
        }
        "/__chaosbook/reload.js" => reply(
            200,
            RELOAD_JS.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        ),
        "/__chaosbook/overlay.css" => reply(
            200,
            OVERLAY_CSS.as_bytes().to_vec(),
            "text/css; charset=utf-8",
        ),
        _ => match lookup(&site, &path) {
            Some((file, bytes)) => {
                let ctype = content_type(&file);
                let body = if ctype.starts_with("text/html") {
                    inject(bytes, version)
                } else {
                    bytes.to_vec()
                };
                reply(200, body, ctype)
            }
            None if site.files.is_empty() => {
                let text = error.unwrap_or_else(|| "the site is being built".into());
                reply(
                    503,
                    error_page(&text, version).into_bytes(),
                    "text/html; charset=utf-8",
                )
            }
            None => {
                let body = site
                    .get("404.html")
                    .map(|b| inject(b, version))
                    .unwrap_or_else(|| b"not found\n".to_vec());
                reply(404, body, "text/html; charset=utf-8")
            }
        },
    };
    let _ = request.respond(response);
}

/// The site file for a request path: `/` and folders give `index.html`,
/// `/a` gives `a.html` when there is no `a`.
fn lookup<'a>(site: &'a Site, path: &str) -> Option<(String, &'a [u8])> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|s| s == "..") {
        return None;
    }
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![
            rel.to_string(),
            format!("{rel}.html"),
            format!("{rel}/index.html"),
        ]
    };
    candidates
        .into_iter()
        .find_map(|c| site.get(&c).map(|b| (c, &**b)))
}

/// Adds the reload script to a served page.
fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__chaosbook/reload.js?v={version}\"></script>\n");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Shown while there is no good build at all yet.
fn error_page(text: &str, version: u64) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<title>Build failed</title>\n<link rel=\"stylesheet\" href=\"/__chaosbook/overlay.css\">\n</head>\n<body>\n<div id=\"chaosbook-error-overlay\" role=\"alert\"><p class=\"chaosbook-error-title\">The build failed; fix it and this page reloads.</p><pre>{}</pre></div>\n<script src=\"/__chaosbook/reload.js?v={version}\"></script>\n</body>\n</html>\n",
        crate::render::CSP,
        crate::render::highlight::escape(text)
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "text/yaml; charset=utf-8",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Bytes;

    #[test]
    fn paths_map_to_site_files() {
        let mut site = Site::default();
        site.files
            .insert("index.html".into(), Bytes::from_static(b"i"));
        site.files.insert("a.html".into(), Bytes::from_static(b"a"));
        site.files
            .insert("d/index.html".into(), Bytes::from_static(b"d"));
        assert_eq!(lookup(&site, "/").unwrap().0, "index.html");
        assert_eq!(lookup(&site, "/a").unwrap().0, "a.html");
        assert_eq!(lookup(&site, "/d/").unwrap().0, "d/index.html");
        assert_eq!(lookup(&site, "/d").unwrap().0, "d/index.html");
        assert!(lookup(&site, "/../etc/passwd").is_none());
        assert_eq!(percent_decode("/a%20b%zz%"), "/a b%zz%");
    }

    #[test]
    fn the_reload_script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", 7)).unwrap();
        assert_eq!(out, "<html><body><p>x</p><script src=\"/__chaosbook/reload.js?v=7\"></script>\n</body></html>");
    }

    #[test]
    fn the_error_page_escapes_the_error() {
        let page = error_page("<script>alert(1)</script>", 1);
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("<script>alert"));
    }

    #[test]
    fn changes_are_classified_by_folder() {
        let p = WatchPaths {
            config: "/r/book.toml".into(),
            catalog: "/r/catalog".into(),
            theme: "/r/theme".into(),
            src: "/r/whitepaper".into(),
            extra: vec![],
        };
        assert_eq!(
            p.classify(Path::new("/r/book.toml")),
            Some(Changes {
                config: true,
                ..Changes::default()
            })
        );
        assert_eq!(
            p.classify(Path::new("/r/catalog/tools/x.yaml")),
            Some(Changes {
                catalog: true,
                ..Changes::default()
            })
        );
        assert_eq!(
            p.classify(Path::new("/r/whitepaper/a.md")),
            Some(Changes {
                book: true,
                ..Changes::default()
            })
        );
        assert_eq!(p.classify(Path::new("/r/whitepaper/.a.md.swp")), None);
        assert_eq!(p.classify(Path::new("/r/book/index.html")), None);
    }
}
