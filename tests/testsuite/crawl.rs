//! Every internal link of built sites resolves: the real book, the fixture
//! project, and a build served under a sub-path (`--site-url`, as the
//! publish workflow builds for a project page). Each `href` and `src` of
//! every HTML page (and of toc.js, whose links the sidebar inserts) must
//! name a file of the output, and each `#fragment` an id of its page.

use crate::common;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use regex::Regex;

/// Builds the project at `root` into `dest`, with `extra` arguments.
fn build(root: &Path, dest: &Path, extra: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(["build", "--dest"])
        .arg(dest)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "build of {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `&amp;` and friends in an attribute value.
fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Percent-decoding of a URL path (ids and file names may be non-ASCII).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `dir` + relative `path`, `.` and `..` resolved; `None` above the root.
fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The dead internal links of the site in `dir`, served at `site_url`
/// (`/` or `/sub/`), and how many internal links were checked.
fn dead_links(dir: &Path, site_url: &str) -> (Vec<String>, usize) {
    let attr = Regex::new(r#"\s(href|src)="([^"]*)""#).unwrap();
    let id = Regex::new(r#"\sid="([^"]*)""#).unwrap();
    let all = crate::common::snapshot(dir);
    let pages: BTreeMap<String, String> = all
        .iter()
        .filter(|(rel, _)| rel.ends_with(".html") || rel.as_str() == "toc.js")
        .map(|(rel, bytes)| (rel.clone(), String::from_utf8(bytes.clone()).unwrap()))
        .collect();
    let files: HashSet<String> = all.into_keys().collect();
    let ids: HashMap<&str, HashSet<String>> = pages
        .iter()
        .map(|(p, html)| {
            let set = id.captures_iter(html).map(|c| unescape(&c[1])).collect();
            (p.as_str(), set)
        })
        .collect();
    // toc.js writes its links into a JavaScript string (quotes escaped).
    let toc_href = Regex::new(r#"href=\\?"([^"\\]*)\\?""#).unwrap();
    let mut dead = Vec::new();
    let mut checked = 0;
    for (page, html) in &pages {
        // toc.js links are relative to the root (the script prefixes them).
        let dir_of_page = if page == "toc.js" {
            ""
        } else {
            page.rsplit_once('/').map_or("", |(d, _)| d)
        };
        let values = attr
            .captures_iter(html)
            .map(|c| unescape(&c[2]))
            .chain(if page == "toc.js" {
                toc_href
                    .captures_iter(html)
                    .map(|c| unescape(&c[1]))
                    .collect::<Vec<_>>()
            } else {
                Vec::new()
            });
        for value in values {
            let v = value.trim();
            let external = v.starts_with("//")
                || v.split_once(':').is_some_and(|(scheme, _)| {
                    !scheme.is_empty()
                        && scheme
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                });
            if external {
                continue;
            }
            checked += 1;
            let (path, fragment) = match v.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (v, None),
            };
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                Some(page.clone())
            } else if let Some(from_root) = path.strip_prefix(site_url) {
                join("", &percent_decode(from_root))
            } else if path.starts_with('/') {
                None
            } else {
                join(dir_of_page, &percent_decode(path))
            };
            // A folder is served as its index.html.
            let target = target.map(|t| match t.as_str() {
                "" => "index.html".to_string(),
                _ if !files.contains(&t) && files.contains(&format!("{t}/index.html")) => {
                    format!("{t}/index.html")
                }
                _ => t,
            });
            let Some(target) = target.filter(|t| files.contains(t)) else {
                dead.push(format!("{page}: {v} (no such file)"));
                continue;
            };
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let f = percent_decode(f);
                match ids.get(target.as_str()) {
                    Some(set) if set.contains(&f) => {}
                    Some(_) => dead.push(format!("{page}: {v} (no id `{f}` in {target})")),
                    None => {}
                }
            }
        }
    }
    (dead, checked)
}

fn assert_all_resolve(dir: &Path, site_url: &str, what: &str) -> usize {
    let (dead, checked) = dead_links(dir, site_url);
    eprintln!(
        "{what}: {checked} internal links checked, {} dead",
        dead.len()
    );
    assert!(checked > 0, "{what}: no links found");
    assert!(
        dead.is_empty(),
        "{what}: {} dead internal links:\n{}",
        dead.len(),
        dead.join("\n")
    );
    checked
}

#[test]
fn every_internal_link_of_the_real_book_resolves() {
    let out = tempfile::tempdir().unwrap();
    build(&common::repo(), out.path(), &[]);
    let checked = assert_all_resolve(out.path(), "/", "the real book");
    assert!(
        checked > 1000,
        "only {checked} links: the crawl missed pages"
    );
}

#[test]
fn every_internal_link_of_the_fixture_resolves() {
    let project = common::fixture_project();
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path(), &[]);
    assert_all_resolve(out.path(), "/", "the fixture project");
}

#[test]
fn a_site_under_a_sub_path_resolves_from_its_404_page() {
    let project = common::fixture_project();
    let out = tempfile::tempdir().unwrap();
    build(
        project.path(),
        out.path(),
        &["--site-url", "/fixture-book/"],
    );
    let not_found = fs::read_to_string(out.path().join("404.html")).unwrap();
    assert!(
        not_found.contains("href=\"/fixture-book/static/chaosbook.css\""),
        "{not_found}"
    );
    assert!(!not_found.contains("\"/static/"), "{not_found}");
    assert_all_resolve(out.path(), "/fixture-book/", "the sub-path build");
}

#[test]
fn the_crawler_finds_dead_links() {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    w(
        "index.html",
        r##"<a href="a/b.html#x">1</a><a href="a/b.html#nope">2</a><a href="/static/s.css">3</a><a href="gone.html">4</a><a href="https://e.org/">5</a><h1 id="top"></h1><a href="#top">6</a>"##,
    );
    w(
        "a/b.html",
        r##"<p id="x"></p><img src="../static/s.css"><a href="../index.html#top">7</a>"##,
    );
    w("static/s.css", "");
    let (dead, checked) = dead_links(dir.path(), "/sub/");
    assert_eq!(checked, 7);
    assert_eq!(
        dead,
        [
            "index.html: a/b.html#nope (no id `nope` in a/b.html)",
            "index.html: /static/s.css (no such file)",
            "index.html: gone.html (no such file)",
        ]
    );
}
