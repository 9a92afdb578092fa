//! The text of the book against the catalog, end to end: parameterised
//! `{{#scenario ID key=value}}` embeds (checked like `export --set`, shown
//! with the values that differ from the defaults) and the one-vocabulary
//! lint (`catalog/vocabulary.yaml`).

use crate::common;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const CHAPTER: &str = "whitepaper/intro.md";

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

/// `check --format json`: the exit code and the diagnostics.
fn check(root: &Path) -> (i32, Vec<Value>) {
    let out = run(root, &["check", "--format", "json"]);
    let diags = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), diags)
}

/// (code, file, line, column) of the diagnostics with one of `codes`.
fn places(diags: &[Value], codes: &[&str]) -> Vec<(String, String, u64, u64)> {
    diags
        .iter()
        .filter(|d| codes.contains(&d["code"].as_str().unwrap()))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn place(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.to_string(), file.to_string(), line, column)
}

#[test]
fn embed_values_are_type_checked_at_their_place_in_the_chapter() {
    let project = common::fixture_project();
    let root = project.path();
    fs::write(
        root.join(CHAPTER),
        "# Intro\n\n{{#scenario demo-latency latncy_ms=5}}\n\n{{#scenario demo-latency latency_ms=0}}\n\n{{#scenario demo-latency  duration=soon}}\n\n{{#scenario demo-latency latency_ms=250 duration=5m}}\n\n{{#scenario demo-latency latency_ms}}\n",
    )
    .unwrap();
    let (code, diags) = check(root);
    assert_eq!(code, 1);
    assert_eq!(
        places(
            &diags,
            &["unknown-parameter", "invalid-value", "embed-syntax"]
        ),
        vec![
            place("unknown-parameter", CHAPTER, 3, 26),
            place("invalid-value", CHAPTER, 5, 26),
            place("invalid-value", CHAPTER, 7, 27),
            place("embed-syntax", CHAPTER, 11, 26),
        ],
        "{diags:#?}"
    );
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-parameter")
        .unwrap();
    assert_eq!(unknown["help"], "did you mean `latency_ms`?");
    let below = diags.iter().find(|d| d["code"] == "invalid-value").unwrap();
    assert_eq!(below["message"], "latency_ms=0: 0 is below the minimum 1");
}

/// Writes `text` as the fixture's chapter, builds the site and returns the
/// chapter's page.
fn built_chapter(root: &Path, text: &str) -> String {
    fs::write(root.join(CHAPTER), text).unwrap();
    let dest = root.join("site");
    let out = run(root, &["build", "--dest", dest.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read_to_string(dest.join("intro.html")).unwrap()
}

#[test]
fn an_embed_shows_its_values_and_says_which_differ_from_the_defaults() {
    let project = common::fixture_project();
    let page = built_chapter(
        project.path(),
        "# Intro\n\n{{#scenario demo-latency latency_ms=250 duration=2m}}\n",
    );
    // duration=2m is the default, so only latency_ms is named.
    assert!(
        page.contains("defaults: latency_ms = 250 (default 100).</p>"),
        "{page}"
    );
    assert!(page.contains("250ms"), "{page}");
    assert!(!page.contains("100ms"), "{page}");
}

/// Smart punctuation (on by default) never reaches a directive's
/// arguments: a quoted value is read as written, by check, the site and
/// the PDF alike.
#[test]
fn a_quoted_embed_value_is_read_as_written() {
    let project = common::fixture_project();
    let root = project.path();
    let page = built_chapter(
        root,
        "# Intro\n\n{{#scenario demo-latency latency_ms=\"250\" duration=2m}}\n",
    );
    assert!(
        page.contains("defaults: latency_ms = 250 (default 100).</p>"),
        "{page}"
    );
    let pdf = root.join("book.pdf");
    let out = run(root, &["pdf", "--out", pdf.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const TERMS: &str = "terms:\n  - term: refuted\n    topic: verdict\n    meaning: the evidence contradicts the hypothesis\n    banned: [disproved, hypothesis failed]\n";

#[test]
fn banned_synonyms_are_warnings_in_chapters_and_catalog_text() {
    let project = common::fixture_project();
    let root = project.path();
    fs::write(root.join("catalog/vocabulary.yaml"), TERMS).unwrap();
    fs::write(
        root.join(CHAPTER),
        "# Intro\n\nThe run was disproved.\n\n```text\ndisproved in code is fine\n```\n\n<!-- chaosbook:allow-term: quoting a tool's own label -->\nThe tool says disproved.\n\n<!-- chaosbook:allow-term -->\nDisproved again.\n",
    )
    .unwrap();
    let practice = "catalog/practices/demo-practice.yaml";
    let text = fs::read_to_string(root.join(practice)).unwrap();
    fs::write(
        root.join(practice),
        text.replace(
            "  practice body, which asks for at least a short paragraph of text.",
            "  practice body, which asks for at least a short paragraph of text.\n  When the hypothesis\n  failed, say so.",
        ),
    )
    .unwrap();
    let (code, diags) = check(root);
    // Only the marker without a reason is an error.
    assert_eq!(code, 1);
    assert_eq!(
        places(&diags, &["vocabulary", "vocabulary-marker"]),
        vec![
            place("vocabulary", practice, 8, 12),
            place("vocabulary", CHAPTER, 3, 13),
            place("vocabulary-marker", CHAPTER, 12, 1),
        ],
        "{diags:#?}"
    );
    let warning = diags.iter().find(|d| d["code"] == "vocabulary").unwrap();
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["message"],
        "`hypothesis failed` is not the project's word; write `refuted` (verdict)"
    );
}

#[test]
fn the_search_index_takes_its_synonyms_from_the_vocabulary_file() {
    let project = common::fixture_project();
    let root = project.path();
    fs::write(
        root.join("catalog/vocabulary.yaml"),
        format!("{TERMS}search_synonyms:\n  - [delete, kill]\n"),
    )
    .unwrap();
    let site = root.join("site");
    let out = run(root, &["build", "--dest", site.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = fs::read_to_string(site.join("searchindex.js")).unwrap();
    let json = js
        .trim_start_matches("window.chaosbookSearch = ")
        .trim_end()
        .trim_end_matches(';');
    let index: Value = serde_json::from_str(json).unwrap();
    // Stemmed: the listed group, then the term with its banned synonyms
    // (a phrase as its words' stems).
    assert_eq!(
        index["synonyms"],
        serde_json::json!([
            [["delet"], ["kill"]],
            [["refut"], ["disprov"], ["hypothesi", "fail"]]
        ])
    );

    // A group of one word is an error that names the file.
    fs::write(
        root.join("catalog/vocabulary.yaml"),
        format!("{TERMS}search_synonyms:\n  - [delete]\n"),
    )
    .unwrap();
    let (code, diags) = check(root);
    assert_eq!(code, 1);
    let error = diags
        .iter()
        .find(|d| d["code"] == "vocabulary-file")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(error["file"], "catalog/vocabulary.yaml");
}
