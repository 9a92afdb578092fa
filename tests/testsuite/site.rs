//! `chaosbook build`, `serve` and the mdBook backend end to end, with the
//! real binary on small books written to temporary folders: output is
//! atomic and deterministic, raw HTML is sanitised, third-party mdBook
//! preprocessors run, `mdbook build` through `[output.chaosbook]` gives the
//! same site, and `serve` rebuilds, reloads and recovers from broken edits,
//! and what it rebuilds after each kind of edit is what a fresh build gives.

use crate::common::{bin, run, snapshot};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A small valid project: an empty catalog and a book with a part, nesting,
/// code, a table and an image.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "book.toml",
        "[book]\ntitle = \"Fixture\"\nsrc = \"src\"\n\n[output.chaosbook]\ncatalog = \"catalog\"\n",
    );
    for d in ["tools", "scenarios", "practices"] {
        fs::create_dir_all(root.join("catalog").join(d)).unwrap();
    }
    write(
        root,
        "src/SUMMARY.md",
        "# Summary\n\n[Intro](intro.md)\n\n# Part\n\n- [Guide](guide/index.md)\n  - [Step](guide/step.md)\n- [Last](last.md)\n",
    );
    write(
        root,
        "src/intro.md",
        "# Intro\n\nWelcome. See the [guide](guide/index.md).\n",
    );
    write(root, "src/guide/index.md", "# Guide\n\n```yaml\nkind: PodChaos\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n![pic](pic.svg)\n");
    write(root, "src/guide/step.md", "# Step\n\n## Same\n\n## Same\n");
    write(
        root,
        "src/guide/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(root, "src/last.md", "# Last\n\nThe end.\n");
    dir
}

fn build(root: &Path, dest: &Path) -> Output {
    run(root, &["build", "--dest", dest.to_str().unwrap()])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn builds_a_complete_site() {
    let project = fixture();
    let dest = project.path().join("out");
    let o = build(project.path(), &dest);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = snapshot(&dest);
    for f in [
        "index.html",
        "intro.html",
        "guide/index.html",
        "guide/step.html",
        "guide/pic.svg",
        "last.html",
        "print.html",
        "404.html",
        "toc.html",
        "toc.js",
        "searchindex.js",
        "static/chaosbook.css",
        "static/chaosbook.js",
        "static/search.js",
        "static/theme.js",
        "static/highlight-light.css",
        "static/highlight-dark.css",
    ] {
        assert!(
            files.contains_key(f),
            "missing {f}; have {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    assert!(
        !files.keys().any(|f| f.ends_with(".md")),
        "markdown is not published"
    );
    let step = read(&dest, "guide/step.html");
    assert!(
        step.contains("data-root=\"../\""),
        "pages know their way to the root"
    );
    assert!(
        step.contains("<h2 id=\"same-1\">"),
        "ids are de-duplicated like mdBook"
    );
    assert!(
        step.contains("rel=\"prev\" href=\"../guide/index.html\""),
        "previous link"
    );
    assert!(
        step.contains("rel=\"next\" href=\"../last.html\""),
        "next link"
    );
    assert!(
        !step.contains("class=\"toc\""),
        "the table of contents is shared, not copied into pages"
    );
    let guide = read(&dest, "guide/index.html");
    assert!(
        guide.contains("<span class=\"hl-"),
        "code is highlighted at build time"
    );
    assert!(
        read(&dest, "intro.html").contains("href=\"guide/index.html\""),
        ".md links point to pages"
    );
    let csp = "default-src &#39;self&#39;; script-src &#39;self&#39;; style-src &#39;self&#39;; img-src &#39;self&#39; data:; object-src &#39;none&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;";
    for (name, bytes) in &files {
        if name.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            assert!(html.contains(csp), "{name} has the CSP");
            assert!(!html.contains("style=\""), "{name} has an inline style");
            assert!(!html.contains("<script>"), "{name} has an inline script");
            assert!(!html.contains("__chaosbook"), "{name} has serve-only code");
            assert!(
                !html.contains("src=\"https://"),
                "{name} loads a remote resource"
            );
        }
    }
    let print = read(&dest, "print.html");
    for title in ["Intro", "Guide", "Step", "Last"] {
        assert!(
            print.contains(&format!("aria-label=\"{title}\"")),
            "print.html holds {title}"
        );
    }
    assert!(
        print.contains("id=\"guide-step-same-1\""),
        "print ids are prefixed per chapter"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let project = fixture();
    for root in [project.path().to_path_buf(), repo()] {
        let out = tempfile::tempdir().unwrap();
        let (a, b) = (out.path().join("a"), out.path().join("b"));
        let o = build(&root, &a);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = build(&root, &b);
        assert!(o.status.success(), "{}", stderr(&o));
        let (sa, sb) = (snapshot(&a), snapshot(&b));
        assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
        for (k, v) in &sa {
            assert!(
                v == &sb[k],
                "{k} differs between two builds of {}",
                root.display()
            );
        }
    }
}

#[test]
fn a_failing_build_leaves_the_previous_site_untouched() {
    let project = fixture();
    let root = project.path();
    let dest = root.join("site");
    assert!(build(root, &dest).status.success());
    let before = snapshot(&dest);
    let siblings = || {
        let mut v: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let names = siblings();

    // A template error in the project's theme, found while rendering pages.
    write(root, "theme/templates/page.html", "{% extends \"layout.html\" %}\n{% block content %}{{ no_such_value }}{% endblock content %}\n");
    write(root, "src/last.md", "# Last\n\nChanged.\n");
    let o = build(root, &dest);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("theme/templates/page.html"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&dest), before);
    fs::remove_dir_all(root.join("theme")).unwrap();

    // A chapter that does not exist (reported by `check`, or by the book
    // loader if `check` let it through).
    write(
        root,
        "src/SUMMARY.md",
        "- [Intro](intro.md)\n- [Gone](gone.md)\n",
    );
    let o = build(root, &dest);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("gone.md") && err.contains("src/SUMMARY.md:2:"),
        "{err}"
    );
    assert_eq!(snapshot(&dest), before);

    // A broken catalog: refused with exactly what `check` prints. (The
    // intro links the guide, so the guide stays listed: a link to a page
    // SUMMARY.md does not list is dead on the site, and check says so.)
    write(
        root,
        "src/SUMMARY.md",
        "- [Intro](intro.md)\n- [Guide](guide/index.md)\n  - [Step](guide/step.md)\n",
    );
    write(
        root,
        "catalog/tools/broken.yaml",
        "id: broken\nname: [unclosed\n",
    );
    let o = build(root, &dest);
    assert_eq!(o.status.code(), Some(1));
    let check = run(root, &["check"]);
    assert_eq!(stderr(&o), stderr(&check));
    assert_eq!(snapshot(&dest), before);
    fs::remove_file(root.join("catalog/tools/broken.yaml")).unwrap();

    // No temporary folder is left behind, and a good build replaces the site.
    assert_eq!(siblings(), names);
    assert!(build(root, &dest).status.success());
    assert!(
        !dest.join("last.html").exists(),
        "the new site replaced the old one whole"
    );
}

#[test]
fn input_and_environment_errors_have_their_exit_codes() {
    let project = fixture();
    let root = project.path();
    let o = run(root, &["build", "--dest", root.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "replacing the project is refused: {}",
        stderr(&o)
    );
    assert!(root.join("src/intro.md").exists());

    write(
        root,
        "book.toml",
        "[book]\ntitle = \"x\"\n[output.chaosbook]\ndefault-theem = \"dark\"\n",
    );
    let o = run(root, &["build", "--dest", root.join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("default-theem"), "{}", stderr(&o));

    write(root, "book.toml", "[book]\ntitle = \"x\"\nsrc = \"src\"\n[preprocessor.nothere]\ncommand = \"chaosbook-no-such-preprocessor\"\n");
    let o = run(root, &["build", "--dest", root.join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// No command writes into the sources, or over a folder that holds them,
/// even with `--force` (which only lets it replace other files it did not
/// write): the site, the PDF and an export each go somewhere else.
#[test]
fn no_output_goes_into_the_sources_even_forced() {
    let project = fixture();
    let root = project.path();
    let before = crate::common::snapshot(root);
    let path = |rel: &str| root.join(rel).to_str().unwrap().to_string();
    for args in [
        vec!["build", "--dest", &path("src/guide"), "--force"],
        vec!["build", "--dest", &path("catalog/tools"), "--force"],
        vec!["build", "--dest", &path("book.toml"), "--force"],
        vec!["pdf", "--out", &path("src/intro.md"), "--force"],
        vec!["pdf", "--out", &path("theme/book.pdf"), "--force"],
        vec!["export", "--out", &path("catalog/export")],
        vec!["lab", "export", "--out", &path("src")],
    ] {
        let o = run(root, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("sources"), "{args:?}: {}", stderr(&o));
    }
    assert!(
        crate::common::snapshot(root) == before,
        "a refused command changed the project"
    );
}

#[test]
fn raw_html_is_sanitised() {
    let project = fixture();
    let root = project.path();
    write(
        root,
        "src/last.md",
        "# Last\n\n<script>alert('x')</script>\n\n<img src=\"x.png\" onerror=\"alert('y')\">\n\n<a href=\"javascript:alert('z')\">j</a>\n\n<p style=\"color:red\" onclick=\"alert('w')\">p</p>\n\n<details><summary>More</summary>\n\n<kbd>K</kbd> x<sup>2</sup>\n\n</details>\n",
    );
    let dest = root.join("out");
    assert!(build(root, &dest).status.success());
    for page in ["last.html", "print.html"] {
        let html = read(&dest, page);
        let article = &html[html.find("<main").unwrap()..];
        assert!(!article.contains("<script>"), "{page}");
        assert!(!article.contains("alert("), "{page}: {article}");
        assert!(
            !article.contains("onerror")
                && !article.contains("onclick")
                && !article.contains("javascript:"),
            "{page}"
        );
        assert!(!article.contains("style="), "{page}");
        assert!(
            article.contains("<details><summary>More</summary>")
                && article.contains("<kbd>K</kbd>")
                && article.contains("<sup>2</sup>"),
            "{page}"
        );
    }
}

/// A preprocessor as third parties write them: a separate program speaking
/// mdBook's JSON protocol.
const PREPROCESSOR: &str = r#"import json, sys
if len(sys.argv) > 1 and sys.argv[1] == "supports":
    sys.exit(0)
ctx, book = json.load(sys.stdin)
assert ctx["renderer"] == "chaosbook", ctx["renderer"]
def walk(items):
    for item in items:
        if isinstance(item, dict) and "Chapter" in item:
            ch = item["Chapter"]
            ch["content"] = ch["content"].replace("SHOUT-HERE", "shouted by the preprocessor")
            walk(ch["sub_items"])
walk(book["items"])
json.dump(book, sys.stdout)
"#;

#[test]
fn a_third_party_preprocessor_runs() {
    let project = fixture();
    let root = project.path();
    write(root, "shout.py", PREPROCESSOR);
    write(root, "book.toml", "[book]\ntitle = \"Fixture\"\nsrc = \"src\"\n\n[preprocessor.shout]\ncommand = \"python3 shout.py\"\n");
    write(root, "src/guide/step.md", "# Step\n\nSHOUT-HERE\n");
    let dest = root.join("out");
    let o = build(root, &dest);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&dest, "guide/step.html").contains("shouted by the preprocessor"));
    assert!(read(&dest, "searchindex.js").contains("shouted by the preprocessor"));

    // A preprocessor that fails is an input error naming it.
    write(
        root,
        "shout.py",
        "import sys\nif len(sys.argv) > 1: sys.exit(0)\nsys.exit(3)\n",
    );
    let o = build(root, &dest);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("shout"), "{}", stderr(&o));
}

#[test]
fn mdbook_build_through_the_backend_gives_the_same_site() {
    let project = fixture();
    let root = project.path();
    write(root, "shout.py", PREPROCESSOR);
    write(root, "src/guide/step.md", "# Step\n\nSHOUT-HERE\n");
    let book_toml = format!(
        "[book]\ntitle = \"Fixture\"\nsrc = \"src\"\n\n[preprocessor.shout]\ncommand = \"python3 shout.py\"\n\n[output.chaosbook]\ncommand = \"{} mdbook-backend\"\n",
        bin()
    );
    write(root, "book.toml", &book_toml);
    let ours = root.join("ours");
    let o = build(root, &ours);
    assert!(o.status.success(), "{}", stderr(&o));

    // What `mdbook build` does, through the mdBook crates.
    let md = mdbook_driver::MDBook::load(root).unwrap();
    md.build().unwrap();
    let theirs = snapshot(&root.join("book"));
    let ours = snapshot(&ours);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (k, v) in &ours {
        assert!(
            v == &theirs[k],
            "{k} differs between chaosbook build and mdbook build"
        );
    }
}

// --- serve ---

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_serve(root: &Path) -> Server {
    let mut child = Command::new(bin())
        .current_dir(root)
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, base }
}

/// (status, body) of a GET.
fn get(base: &str, path: &str) -> (u16, String) {
    let text = crate::common::http_get(base, path);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn version(base: &str) -> serde_json::Value {
    serde_json::from_str(&get(base, "/__chaosbook/version").1).unwrap()
}

/// Waits until the served state satisfies `ok` (an edit may be seen in
/// more than one rebuild: an editor truncates, then writes).
fn wait_for(base: &str, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = version(base);
        if ok(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "the edit was not picked up: {v}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_reloads_and_recovers_from_broken_edits() {
    let project = fixture();
    let root = project.path();
    let server = start_serve(root);
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );

    let (status, page) = get(&server.base, "/last.html");
    assert_eq!(status, 200);
    assert!(page.contains("The end."));
    assert!(
        page.contains("<script src=\"/__chaosbook/reload.js?v="),
        "served pages get the reload script"
    );
    assert_eq!(get(&server.base, "/__chaosbook/reload.js").0, 200);
    assert_eq!(get(&server.base, "/guide/").0, 200);
    assert_eq!(get(&server.base, "/nope.html").0, 404);
    let v0 = version(&server.base);
    assert!(v0["error"].is_null());

    // An edit of one chapter.
    std::thread::sleep(Duration::from_millis(300));
    write(root, "src/last.md", "# Last\n\nThe new end.\n");
    wait_for(&server.base, |v| {
        v["error"].is_null() && get(&server.base, "/last.html").1.contains("The new end.")
    });

    // A broken catalog file: the error is served (as text), the last good
    // site stays up.
    write(
        root,
        "catalog/tools/broken.yaml",
        "id: broken\nname: [unclosed <b>\n",
    );
    let v = wait_for(&server.base, |v| {
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("catalog/tools/broken.yaml"))
    });
    let error = v["error"].as_str().unwrap();
    assert!(error.contains("catalog/tools/broken.yaml"), "{error}");
    assert_eq!(get(&server.base, "/last.html").0, 200);

    // Fixed; then a broken SUMMARY.md, then fixed again: no restart needed.
    fs::remove_file(root.join("catalog/tools/broken.yaml")).unwrap();
    wait_for(&server.base, |v| v["error"].is_null());
    write(
        root,
        "src/SUMMARY.md",
        "- [Intro](intro.md)\n- [Missing](missing.md)\n",
    );
    wait_for(&server.base, |v| {
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("missing.md"))
    });
    // A SUMMARY.md that drops the chapter another one links: the link
    // would be dead on the site, so the preview says so, as check would.
    write(
        root,
        "src/SUMMARY.md",
        "- [Intro](intro.md)\n- [Last](last.md)\n",
    );
    wait_for(&server.base, |v| {
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("broken-link") && e.contains("guide/index.md"))
    });
    write(root, "src/intro.md", "# Intro\n\nWelcome.\n");
    wait_for(&server.base, |v| {
        v["error"].is_null() && get(&server.base, "/guide/index.html").0 == 404
    });

    // Theme edits are picked up too (the folder did not exist at start).
    write(root, "theme/static/extra.css", "p { }\n");
    wait_for(&server.base, |v| {
        v["error"].is_null() && get(&server.base, "/static/extra.css").0 == 200
    });
}

/// What `serve` renders after an edit (only what the edit touches, the
/// rest from its cache) is what a fresh build of the edited project gives,
/// file for file, for each kind of edit it watches for. A cache keyed too
/// loosely serves a stale page: here, a chapter that embeds a scenario
/// whose title changed, or a tab whose tool was renamed.
#[test]
fn a_serve_rebuild_gives_the_site_a_fresh_build_gives() {
    use chaosbook::serve::{Changes, Session};
    let project = crate::common::fixture_project();
    let root = project.path();
    write(
        root,
        "whitepaper/intro.md",
        "# Intro\n\nSee [the demo](scenario:demo-latency) and [its tool](tool:demo-tool).\n\n{{#scenario demo-latency}}\n",
    );
    let mut session = Session::new(root);
    session.rebuild(Changes::ALL).expect("the fixture builds");

    let replace = |rel: &str, from: &str, to: &str| {
        let text = fs::read_to_string(root.join(rel)).unwrap();
        assert!(text.contains(from), "{rel} has {from:?}");
        write(root, rel, &text.replacen(from, to, 1));
    };
    let scenario = "catalog/scenarios/network/demo-latency.yaml";
    let tool = "catalog/tools/demo-tool.yaml";
    let catalog = Changes {
        catalog: true,
        ..Changes::default()
    };
    /// What is edited, how, what serve is told, what the page then shows.
    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>, Changes, &'a str);
    let steps: [Step; 5] = [
        (
            "a scenario's title",
            Box::new(|| {
                replace(
                    scenario,
                    "title: Demo latency",
                    "title: Demo latency, retitled",
                )
            }),
            catalog,
            "Demo latency, retitled",
        ),
        (
            "a tool's name",
            Box::new(|| replace(tool, "name: Demo Tool", "name: Demo Tool Renamed")),
            catalog,
            "Demo Tool Renamed",
        ),
        (
            "a chapter",
            Box::new(|| {
                replace(
                    "whitepaper/intro.md",
                    "See [the demo]",
                    "Now see [the demo]",
                )
            }),
            Changes {
                book: true,
                ..Changes::default()
            },
            "Now see",
        ),
        (
            "the theme",
            Box::new(|| {
                let page = fs::read_to_string(repo().join("theme/templates/page.html")).unwrap();
                write(
                    root,
                    "theme/templates/page.html",
                    &page.replacen(
                        "<article class=\"chapter\"",
                        "<article class=\"chapter\" data-edited=\"theme\"",
                        1,
                    ),
                );
            }),
            Changes {
                theme: true,
                ..Changes::default()
            },
            "data-edited=\"theme\"",
        ),
        (
            "book.toml",
            Box::new(|| {
                replace(
                    "book.toml",
                    "title = \"Fixture book\"",
                    "title = \"Fixture book, edited\"",
                )
            }),
            Changes {
                config: true,
                ..Changes::default()
            },
            "Fixture book, edited",
        ),
    ];
    let same_as_fresh = |served: &chaosbook::render::Site, what: &str| {
        let (fresh, _) = Session::new(root).rebuild(Changes::ALL).expect(what);
        let served_paths: Vec<&String> = served.files.keys().collect();
        let fresh_paths: Vec<&String> = fresh.files.keys().collect();
        assert_eq!(served_paths, fresh_paths, "after an edit of {what}");
        for (path, bytes) in &fresh.files {
            assert!(
                served.files[path] == *bytes,
                "after an edit of {what}, serve's {path} differs from a fresh build's"
            );
        }
    };
    for (what, edit, changes, seen) in steps {
        edit();
        let (served, _) = session.rebuild(changes).expect(what);
        let intro = String::from_utf8_lossy(served.get("intro.html").expect("intro.html"));
        assert!(
            intro.contains(seen),
            "after an edit of {what}, intro.html shows {seen:?}"
        );
        same_as_fresh(&served, what);
    }

    // A scenario's text shows on its page, in its embeds and in the
    // catalog-wide widgets, not on every page: the rest come from the
    // cache, and the site is still the one a fresh build makes.
    replace(
        scenario,
        "keeps its p99 under 1 s",
        "keeps its p99 under 2 s",
    );
    let (served, stats) = session.rebuild(catalog).expect("a hypothesis edit");
    let intro = String::from_utf8_lossy(served.get("intro.html").expect("intro.html"));
    assert!(
        intro.contains("keeps its p99 under 2 s"),
        "the embed shows the edit"
    );
    assert!(
        stats.rendered > 0 && stats.rendered < stats.pages,
        "only the pages that show the scenario are rendered again: {} of {}",
        stats.rendered,
        stats.pages
    );
    same_as_fresh(&served, "a scenario's hypothesis");
}

/// A chapter's edit is checked as `check` checks it: a broken link shows
/// in the preview (and fails the rebuild) as it would fail the pull
/// request, and the fix recovers.
#[test]
fn serve_checks_a_chapter_edit() {
    use chaosbook::serve::{Changes, Session};
    let project = crate::common::fixture_project();
    let root = project.path();
    let mut session = Session::new(root);
    session.rebuild(Changes::ALL).expect("the fixture builds");
    let book = Changes {
        book: true,
        ..Changes::default()
    };
    let intro = fs::read_to_string(root.join("whitepaper/intro.md")).unwrap();
    write(
        root,
        "whitepaper/intro.md",
        &format!("{intro}\nSee [a page](no-such-page.md).\n"),
    );
    match session.rebuild(book) {
        Err(chaosbook::BuildError::Input(report)) => assert!(
            report.diagnostics.iter().any(|d| d.code == "broken-link"),
            "{:#?}",
            report.diagnostics
        ),
        Err(e) => panic!("not a check error: {e}"),
        Ok(_) => panic!("a chapter with a broken link was served without an error"),
    }
    write(root, "whitepaper/intro.md", &intro);
    session.rebuild(book).expect("the fixed chapter builds");
}
