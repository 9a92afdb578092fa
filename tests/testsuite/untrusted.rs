//! A pull request is untrusted input. Each hostile case (an include of a
//! file outside the project, of `/proc`, through a symbolic link, a catalog
//! file or manifest that links out, a SUMMARY.md entry or image that leaves
//! the project, a FIFO) goes through every command that reads content
//! (check in its three formats, build, pdf, export, links, serve): the exit
//! code is 1, the error is located and named (`outside-project`,
//! `special-file`), and a unique marker kept in the outside file appears
//! nowhere in stdout, stderr or the output folder. A second group checks
//! that `build --dest` and `pdf --out` never replace what they did not write.

use crate::common::{self, bin};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// In every outside file; must never be shown or published.
const SECRET: &str = "UNTRUSTED-SECRET-MARKER-5c1e0d";

/// A project (the test fixture) beside a folder `outside/` holding secrets.
struct Setup {
    _parent: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let parent = tempfile::tempdir().unwrap();
        let root = parent.path().join("project");
        common::copy_dir(common::fixture_project().path(), &root);
        let outside = parent.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        // Plausible content of each kind, every line with the marker.
        fs::write(
            outside.join("secret.txt"),
            format!("TOKEN={SECRET}\nline two {SECRET}\n"),
        )
        .unwrap();
        fs::write(
            outside.join("secret.yaml"),
            format!("id: {SECRET}\nname: [{SECRET}\n"),
        )
        .unwrap();
        fs::write(
            outside.join("secret.md"),
            format!("# {SECRET}\n\n{SECRET}\n"),
        )
        .unwrap();
        Setup {
            root,
            outside,
            _parent: parent,
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn link(&self, rel: &str, target: &Path) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    fn fifo(&self, rel: &str) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        assert!(Command::new("mkfifo").arg(&p).status().unwrap().success());
    }

    /// Adds a chapter to the book.
    fn chapter(&self, name: &str, text: &str) {
        self.write(&format!("whitepaper/{name}"), text);
        let summary = self.root.join("whitepaper/SUMMARY.md");
        let mut s = fs::read_to_string(&summary).unwrap();
        s.push_str(&format!("- [Extra]({name})\n"));
        fs::write(summary, s).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        run_bounded(&self.root, args)
    }
}

/// Runs the command with the marker in its environment too (so a leak of
/// `/proc/self/environ` shows), killed after 60 s: a FIFO read would block.
fn run_bounded(root: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .current_dir(root)
        .env("CHAOSBOOK_TEST_SECRET", SECRET)
        .arg("--root")
        .arg(root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`chaosbook {}` hangs", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The marker is in no byte of `dir` (recursively).
fn assert_clean_folder(dir: &Path) {
    if !dir.exists() {
        return;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let bytes = fs::read(e.path()).unwrap();
            assert!(
                memchr_find(&bytes, SECRET.as_bytes()).is_none(),
                "{} holds the secret",
                e.path().display()
            );
        }
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Every command that reads content fails with exit code 1, names the rule
/// at `located` (`file:line:col`, or just the file), and leaks nothing.
fn assert_refused_everywhere(s: &Setup, code: &str, located: &str) {
    // check, three formats.
    let human = s.run(&["check"]);
    let all = text(&human);
    assert_eq!(human.status.code(), Some(1), "{all}");
    assert!(all.contains(code), "no `{code}` in:\n{all}");
    assert!(all.contains(located), "not located at {located}:\n{all}");
    assert!(!all.contains(SECRET), "check leaks the secret:\n{all}");

    let json = s.run(&["check", "--format", "json"]);
    let out = String::from_utf8_lossy(&json.stdout).into_owned();
    assert_eq!(json.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (file, line) = split_location(located);
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == code && d["file"] == file && line.is_none_or(|l| d["line"] == l)),
        "no {code} at {located} in {out}"
    );
    assert!(!text(&json).contains(SECRET));

    let github = s.run(&["check", "--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    let out = text(&github);
    assert!(out.contains(&format!("file={file}")), "{out}");
    assert!(!out.contains(SECRET));

    // build, pdf, export, links: refused before anything is written.
    let site = s.root.join("site");
    let build = s.run(&["build", "--dest", site.to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build));
    assert!(text(&build).contains(code));
    assert!(!text(&build).contains(SECRET));
    assert!(!site.exists());

    let pdf_out = s.root.join("out.pdf");
    let pdf = s.run(&["pdf", "--out", pdf_out.to_str().unwrap()]);
    assert_eq!(pdf.status.code(), Some(1), "{}", text(&pdf));
    assert!(!text(&pdf).contains(SECRET));
    assert!(!pdf_out.exists());

    let export_out = s.root.join("exported");
    let export = s.run(&["export", "--out", export_out.to_str().unwrap()]);
    assert_eq!(export.status.code(), Some(1), "{}", text(&export));
    assert!(!text(&export).contains(SECRET));
    assert!(!export_out.exists());

    let links = s.run(&["links", "--offline"]);
    assert_eq!(links.status.code(), Some(1), "{}", text(&links));
    assert!(text(&links).contains(code));
    assert!(!text(&links).contains(SECRET));

    // serve: the page shows the error, never the file.
    let served = serve_once(&s.root);
    assert!(
        served.contains(code),
        "serve does not show `{code}`: {served}"
    );
    assert!(!served.contains(SECRET), "serve leaks the secret");

    // Nothing of the secret was written into the project either.
    assert_clean_folder(&s.root);
}

/// `file:line:col` -> (file, Some(line)); a bare file -> (file, None).
fn split_location(located: &str) -> (&str, Option<u64>) {
    let mut parts = located.split(':');
    let file = parts.next().unwrap();
    (file, parts.next().and_then(|l| l.parse().ok()))
}

/// Starts `serve` on a free port, fetches the version document and the
/// start page, and stops it: what a browser would have been shown.
fn serve_once(root: &Path) -> String {
    let mut child = Command::new(bin())
        .current_dir(root)
        .env("CHAOSBOOK_TEST_SECRET", SECRET)
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(l) => l,
        Err(_) => {
            let _ = child.kill();
            panic!("serve did not start");
        }
    };
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    let mut seen = String::new();
    for path in ["/__chaosbook/version", "/", "/index.html", "/extra.html"] {
        seen.push_str(&crate::common::http_get(&base, path));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    seen.push_str(&text(&out));
    seen
}

#[test]
fn the_fixture_itself_passes_every_command() {
    // The cases below fail because of what they add, not of the fixture.
    let s = Setup::new();
    let check = s.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}

#[test]
fn an_include_of_an_absolute_path_is_refused() {
    let s = Setup::new();
    let secret = s.outside.join("secret.txt");
    s.chapter(
        "extra.md",
        &format!("# Extra\n\n{{{{#include {}}}}}\n", secret.display()),
    );
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:3:12");
}

#[test]
fn an_include_that_climbs_out_of_the_project_is_refused() {
    let s = Setup::new();
    s.chapter(
        "extra.md",
        "# Extra\n\n```text\n{{#rustdoc_include ../../outside/secret.txt:1}}\n```\n",
    );
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:4:20");
}

#[test]
fn an_include_of_proc_self_environ_is_refused() {
    let s = Setup::new();
    s.chapter("extra.md", "# Extra\n\n{{#include /proc/self/environ}}\n");
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:3:12");
}

#[test]
fn an_include_through_a_symbolic_link_out_is_refused() {
    let s = Setup::new();
    s.link("whitepaper/notes.txt", &s.outside.join("secret.txt"));
    s.chapter("extra.md", "# Extra\n\n{{#playground notes.txt}}\n");
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:3:15");
    // The link itself is an error at its own path.
    let out = text(&s.run(&["check"]));
    assert!(out.contains("whitepaper/notes.txt"), "{out}");
}

#[test]
fn a_nested_include_out_is_refused_at_the_chapter() {
    let s = Setup::new();
    s.write(
        "whitepaper/parts/inner.md",
        "inner {{#include ../../../outside/secret.txt}}\n",
    );
    s.chapter("extra.md", "# Extra\n\n{{#include parts/inner.md}}\n");
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:3:12");
}

#[test]
fn a_catalog_file_that_links_out_is_refused_at_the_link() {
    let s = Setup::new();
    s.link("catalog/tools/evil.yaml", &s.outside.join("secret.yaml"));
    assert_refused_everywhere(&s, "outside-project", "catalog/tools/evil.yaml");
}

#[test]
fn a_catalog_folder_that_links_out_is_refused_at_the_link() {
    let s = Setup::new();
    s.link("catalog/scenarios/stolen", &s.outside);
    assert_refused_everywhere(&s, "outside-project", "catalog/scenarios/stolen");
}

#[test]
fn a_manifest_file_that_links_out_is_refused() {
    let s = Setup::new();
    s.link(
        "catalog/scenarios/network/demo-latency/evil.yaml",
        &s.outside.join("secret.yaml"),
    );
    let path = s.root.join("catalog/scenarios/network/demo-latency.yaml");
    let yaml = fs::read_to_string(&path).unwrap();
    let start = yaml.find("    manifest: |").unwrap();
    let end = yaml.find("  - tool: other-tool").unwrap();
    let yaml = format!(
        "{}    manifest_file: demo-latency/evil.yaml\n{}",
        &yaml[..start],
        &yaml[end..]
    );
    fs::write(&path, &yaml).unwrap();
    let line = yaml[..yaml.find("manifest_file").unwrap()].lines().count();
    assert_refused_everywhere(
        &s,
        "outside-project",
        &format!("catalog/scenarios/network/demo-latency.yaml:{line}"),
    );
}

#[test]
fn a_manifest_file_with_an_absolute_path_is_refused_by_the_schema() {
    let s = Setup::new();
    let path = s.root.join("catalog/scenarios/network/demo-latency.yaml");
    let yaml = fs::read_to_string(&path).unwrap();
    let start = yaml.find("    manifest: |").unwrap();
    let end = yaml.find("  - tool: other-tool").unwrap();
    let secret = s.outside.join("secret.yaml");
    let yaml = format!(
        "{}    manifest_file: {}\n{}",
        &yaml[..start],
        secret.display(),
        &yaml[end..]
    );
    fs::write(&path, &yaml).unwrap();
    let line = yaml[..yaml.find("manifest_file").unwrap()].lines().count();
    // The scenario schema refuses an absolute path first (its pattern), so
    // the loader never even resolves it.
    assert_refused_everywhere(
        &s,
        "schema",
        &format!("catalog/scenarios/network/demo-latency.yaml:{line}:20"),
    );
}

#[test]
fn a_summary_entry_outside_the_project_is_refused() {
    let s = Setup::new();
    let summary = s.root.join("whitepaper/SUMMARY.md");
    let mut text = fs::read_to_string(&summary).unwrap();
    text.push_str("- [Evil](../../outside/secret.md)\n");
    fs::write(&summary, text).unwrap();
    // SUMMARY.md is read by the book, not by `check`: build, pdf, serve.
    let site = s.root.join("site");
    let build = s.run(&["build", "--dest", site.to_str().unwrap()]);
    let out = self::text(&build);
    assert_eq!(build.status.code(), Some(1), "{out}");
    assert!(out.contains("outside-project"), "{out}");
    assert!(out.contains("whitepaper/SUMMARY.md:4:10"), "{out}");
    assert!(!out.contains(SECRET));
    assert!(!site.exists());
    let pdf_out = s.root.join("out.pdf");
    let pdf = s.run(&["pdf", "--out", pdf_out.to_str().unwrap()]);
    assert_eq!(pdf.status.code(), Some(1), "{}", self::text(&pdf));
    assert!(!self::text(&pdf).contains(SECRET));
    assert!(!pdf_out.exists());
    let served = serve_once(&s.root);
    assert!(served.contains("outside-project"), "{served}");
    assert!(!served.contains(SECRET));
}

#[test]
fn an_image_that_links_out_is_refused() {
    let s = Setup::new();
    s.link("whitepaper/pic.png", &s.outside.join("secret.txt"));
    s.chapter("extra.md", "# Extra\n\n![a picture](pic.png)\n");
    assert_refused_everywhere(&s, "outside-project", "whitepaper/extra.md:3:14");
}

#[test]
fn a_theme_file_that_links_out_is_refused() {
    let s = Setup::new();
    s.link("theme/static/extra.css", &s.outside.join("secret.txt"));
    assert_refused_everywhere(&s, "outside-project", "theme/static/extra.css");
}

#[test]
fn book_toml_that_links_out_is_refused() {
    let s = Setup::new();
    fs::remove_file(s.root.join("book.toml")).unwrap();
    s.link("book.toml", &s.outside.join("secret.txt"));
    let check = s.run(&["check"]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(
        out.contains("outside-project") && out.contains("book.toml"),
        "{out}"
    );
    assert!(!out.contains(SECRET));
}

#[test]
fn a_fifo_in_the_chapters_is_refused_without_blocking() {
    let s = Setup::new();
    s.fifo("whitepaper/pipe.md");
    assert_refused_everywhere(&s, "special-file", "whitepaper/pipe.md");
}

#[test]
fn an_include_of_a_fifo_is_refused_without_blocking() {
    let s = Setup::new();
    s.fifo("whitepaper/parts/pipe.txt");
    s.chapter("extra.md", "# Extra\n\n{{#include parts/pipe.txt}}\n");
    assert_refused_everywhere(&s, "special-file", "whitepaper/extra.md:3:12");
}

#[test]
fn a_catalog_fifo_is_refused_without_blocking() {
    let s = Setup::new();
    s.fifo("catalog/tools/pipe.yaml");
    assert_refused_everywhere(&s, "special-file", "catalog/tools/pipe.yaml");
}

#[test]
fn includes_inside_the_project_still_work() {
    let s = Setup::new();
    s.write(
        "whitepaper/parts/snippet.txt",
        "kept line one\nkept line two\n",
    );
    s.chapter(
        "extra.md",
        "# Extra\n\n```text\n{{#include parts/snippet.txt:2}}\n```\n",
    );
    let site = s.root.join("site");
    let build = s.run(&["build", "--dest", site.to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    let page = fs::read_to_string(site.join("extra.html")).unwrap();
    assert!(page.contains("kept line two"), "{page}");
    assert!(!page.contains("kept line one"));
}

// --- Output folders: nothing of a user's is replaced ---

fn valid_project() -> Setup {
    Setup::new()
}

#[test]
fn build_refuses_a_folder_it_did_not_write() {
    let s = valid_project();
    let dest = s.root.join("photos");
    fs::create_dir_all(&dest).unwrap();
    fs::write(dest.join("holiday.jpg"), "mine").unwrap();
    let build = s.run(&["build", "--dest", dest.to_str().unwrap()]);
    let out = text(&build);
    assert_eq!(build.status.code(), Some(2), "{out}");
    assert!(out.contains(dest.to_str().unwrap()), "{out}");
    assert!(out.contains("--force"), "{out}");
    assert_eq!(
        fs::read_to_string(dest.join("holiday.jpg")).unwrap(),
        "mine"
    );

    // A previous site is replaced without asking; so is anything with --force.
    let site = s.root.join("site");
    assert_eq!(
        s.run(&["build", "--dest", site.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(site.join(".chaosbook-site").is_file());
    assert_eq!(
        s.run(&["build", "--dest", site.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let forced = s.run(&["build", "--dest", dest.to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert!(!dest.join("holiday.jpg").exists());
}

#[test]
fn build_still_refuses_the_sources_even_with_force() {
    let s = valid_project();
    for dest in ["whitepaper", "catalog", "."] {
        let o = s.run(&[
            "build",
            "--dest",
            s.root.join(dest).to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(o.status.code(), Some(2), "{dest}: {}", text(&o));
    }
    assert!(s.root.join("whitepaper/SUMMARY.md").is_file());
    assert!(s.root.join("catalog/tools").is_dir());
}

#[test]
fn pdf_refuses_a_file_it_did_not_write() {
    let s = valid_project();
    let out = s.root.join("thesis.pdf");
    fs::write(&out, "%PDF-1.7 someone else's work").unwrap();
    let pdf = s.run(&["pdf", "--out", out.to_str().unwrap()]);
    let msg = text(&pdf);
    assert_eq!(pdf.status.code(), Some(2), "{msg}");
    assert!(
        msg.contains(out.to_str().unwrap()) && msg.contains("--force"),
        "{msg}"
    );
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        "%PDF-1.7 someone else's work"
    );
    // Its own PDF is replaced without asking; another file with --force.
    let own = s.root.join("own.pdf");
    assert_eq!(
        s.run(&["pdf", "--out", own.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        s.run(&["pdf", "--out", own.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let forced = s.run(&["pdf", "--out", out.to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert!(fs::read(&out).unwrap().starts_with(b"%PDF-"));
}
