//! Catalog text is data: hostile text in any string field of any catalog
//! kind (a script, an event handler, a `javascript:` URL, template braces,
//! typst and markdown syntax) comes out inert in the site's HTML, the PDF,
//! catalog.json and the exported files.
//!
//! One test writes a tagged payload into every field at once (one build of
//! each output, so a failure names the field); a property test then tries
//! random fields with random hostile text, one field at a time.

use crate::common::{self, run};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::{json, Value};

const TOOL: &str = "catalog/tools/demo-tool.yaml";
const SCENARIO: &str = "catalog/scenarios/network/demo-latency.yaml";
const PRACTICE: &str = "catalog/practices/demo-practice.yaml";

/// Whether a field holds free text or a URL (which the schemas restrict to
/// `https?://` without spaces).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    Text,
    Url,
}

/// Every string field of every kind whose schema takes free text or a URL
/// (ids, enums and versions have patterns that hostile text cannot pass),
/// as (file, JSON pointer, kind). Fields the fixture lacks are added.
const FIELDS: &[(&str, &str, Field)] = &[
    (TOOL, "/name", Field::Text),
    (TOOL, "/aliases/0", Field::Text),
    (TOOL, "/summary", Field::Text),
    (TOOL, "/license", Field::Text),
    (TOOL, "/homepage", Field::Url),
    (TOOL, "/docs", Field::Url),
    (TOOL, "/source", Field::Url),
    (SCENARIO, "/title", Field::Text),
    (SCENARIO, "/summary", Field::Text),
    (SCENARIO, "/blast_radius/scope", Field::Text),
    (SCENARIO, "/hypothesis", Field::Text),
    (SCENARIO, "/steady_state/0/signal", Field::Text),
    (SCENARIO, "/steady_state/0/threshold", Field::Text),
    (SCENARIO, "/steady_state/0/query", Field::Text),
    (SCENARIO, "/method", Field::Text),
    (SCENARIO, "/parameters/0/description", Field::Text),
    (SCENARIO, "/parameters/3/default", Field::Text),
    (SCENARIO, "/parameters/3/description", Field::Text),
    (SCENARIO, "/abort_conditions/0", Field::Text),
    (SCENARIO, "/rollback", Field::Text),
    (SCENARIO, "/observability/0", Field::Text),
    (SCENARIO, "/security", Field::Text),
    (SCENARIO, "/references/0/title", Field::Text),
    (SCENARIO, "/references/0/url", Field::Url),
    (SCENARIO, "/implementations/0/extension", Field::Text),
    (SCENARIO, "/implementations/0/notes", Field::Text),
    (SCENARIO, "/implementations/0/docs", Field::Url),
    (SCENARIO, "/implementations/1/reason", Field::Text),
    (SCENARIO, "/implementations/1/alternative", Field::Text),
    (PRACTICE, "/title", Field::Text),
    (PRACTICE, "/summary", Field::Text),
    (PRACTICE, "/body", Field::Text),
    (PRACTICE, "/references/0/title", Field::Text),
    (PRACTICE, "/references/0/url", Field::Url),
];

/// Hostile text for a free-text field, tagged with `tag` (the field) so a
/// finding names it. The tail satisfies the schemas' minimum lengths.
fn text_payload(tag: &str) -> String {
    format!(
        "<script>alert('{tag}')</script> <img src=x onerror=alert('{tag}')> \
         \"><svg onload=alert('{tag}')> </script><script>alert('{tag}')</script> \
         {{{{#include ../../book.toml}}}} {{{{#scenario demo-latency}}}} {{{{ namespace }}}} {{% raw %}} \
         #panic(\"typst-{tag}\") #read(\"/etc/hostname\") $x^2$ ] [ \\ \
         **bold-{tag}** `code` | cell | <style>body{{display:none}}</style> \
         and enough plain words after it to pass every minimum length of the schemas, \
         which asks for up to one hundred characters in a practice body."
    )
}

/// Hostile text that still fits `^https?://[^\s]+$`.
fn url_payload(tag: &str) -> String {
    format!("https://example.org/\"onmouseover=\"alert('{tag}')\"><script>alert('{tag}')</script>")
}

/// Reads a catalog file of the fixture as JSON (through chaosbook's reader).
fn read_value(root: &Path, rel: &str) -> Value {
    let text = fs::read_to_string(root.join(rel)).unwrap();
    chaosbook::catalog::yaml::parse_single(&text).unwrap().value
}

/// Block-style YAML with every string double-quoted (YAML's double-quoted
/// escapes include JSON's), so any text is written exactly.
fn to_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{k}:"));
                scalar_or_block(v, indent, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                out.push_str(&format!("{pad}-"));
                match v {
                    Value::Object(_) => {
                        // The first key on the dash's line, the rest below.
                        let mut inner = String::new();
                        to_yaml(v, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    _ => scalar_or_block(v, indent, out),
                }
            }
        }
        _ => unreachable!("scalars are written by scalar_or_block"),
    }
}

fn scalar_or_block(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if m.is_empty() => out.push_str(" {}\n"),
        Value::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Value::Object(_) | Value::Array(_) => {
            out.push('\n');
            to_yaml(v, indent + 2, out);
        }
        Value::String(s) => {
            out.push(' ');
            out.push_str(&serde_json::to_string(s).unwrap());
            out.push('\n');
        }
        other => {
            out.push(' ');
            out.push_str(&other.to_string());
            out.push('\n');
        }
    }
}

fn write_value(root: &Path, rel: &str, v: &Value) {
    let mut text = String::new();
    to_yaml(v, 0, &mut text);
    fs::write(root.join(rel), text).unwrap();
}

/// The fixture with the fields that it lacks added (plain values), so that
/// every pointer of [`FIELDS`] exists.
fn complete_fixture() -> tempfile::TempDir {
    let dir = common::fixture_project();
    let root = dir.path();
    let mut tool = read_value(root, TOOL);
    tool["aliases"] = json!(["Demo"]);
    tool["source"] = json!("https://demo.example.org/source");
    write_value(root, TOOL, &tool);

    let mut s = read_value(root, SCENARIO);
    s["steady_state"][0]["query"] = json!("rate(errors[5m])");
    s["security"] = json!("No special permissions.");
    s["references"] = json!([{"title": "A reference", "url": "https://demo.example.org/ref"}]);
    s["parameters"].as_array_mut().unwrap().push(
        json!({"name": "label", "type": "string", "default": "plain", "description": "a label"}),
    );
    let imp = &mut s["implementations"][0];
    imp["support"] = json!("extension");
    imp["extension"] = json!("demo-extension");
    imp["notes"] = json!("A note.");
    s["implementations"][1]["alternative"] = json!("Something else.");
    // A manifest comment is hostile text too, and foreign template braces
    // are the tool's own.
    let manifest = s["implementations"][0]["manifest"]
        .as_str()
        .unwrap()
        .to_string();
    s["implementations"][0]["manifest"] = json!(format!(
        "# </code></pre><script>alert('manifest')</script> {{{{ .Values.x }}}} #panic(\"typst-manifest\")\n{manifest}"
    ));
    write_value(root, SCENARIO, &s);

    let mut p = read_value(root, PRACTICE);
    p["references"] = json!([{"title": "A reference", "url": "https://demo.example.org/ref"}]);
    write_value(root, PRACTICE, &p);

    // A chapter that embeds the scenario and holds the catalog, so that the
    // fields reach chapters and print.html too.
    fs::write(
        root.join("whitepaper/SUMMARY.md"),
        "# Summary\n\n- [Intro](intro.md)\n- [Catalog](catalog.md)\n",
    )
    .unwrap();
    fs::write(
        root.join("whitepaper/intro.md"),
        "# Intro\n\nSee [the fault](scenario:demo-latency?tool=other-tool).\n\n{{#scenario demo-latency}}\n",
    )
    .unwrap();
    fs::write(
        root.join("whitepaper/catalog.md"),
        "# Catalog\n\n{{#catalog}}\n",
    )
    .unwrap();
    dir
}

/// Sets `pointer` of `rel` to `text`.
fn set_field(root: &Path, rel: &str, pointer: &str, text: &str) {
    let mut v = read_value(root, rel);
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{rel} has no {pointer}")) = Value::String(text.to_string());
    write_value(root, rel, &v);
}

fn ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Active markup in a page: an event-handler attribute or a `javascript:`
/// URL in a real tag, a script element with inline code, a style element
/// from the catalog, or a chapter include that was expanded. Attributes are
/// read as HTML reads them (name, then a quoted or bare value), so escaped
/// text inside a quoted value, which a browser never runs, is not counted.
fn active_markup(html: &str) -> Vec<String> {
    let tag = regex::Regex::new(
        r#"<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"#,
    )
    .unwrap();
    let attr =
        regex::Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"#).unwrap();
    let mut found = Vec::new();
    let mut report = |what: &str, at: usize, len: usize| {
        let start = at.saturating_sub(80);
        let end = (at + len + 80).min(html.len());
        let around = html.get(start..end).unwrap_or("");
        found.push(format!("{what}: {around:?}"));
    };
    for t in tag.captures_iter(html) {
        let whole = t.get(0).unwrap();
        for a in attr.captures_iter(&t[1]) {
            let name = a[1].to_ascii_lowercase();
            let value = a
                .get(2)
                .map_or("", |v| v.as_str().trim_matches(['"', '\'']))
                .trim()
                .to_ascii_lowercase();
            if name.starts_with("on") {
                report("event handler", whole.start(), whole.len());
            }
            if value.starts_with("javascript:") {
                report("javascript: URL", whole.start(), whole.len());
            }
        }
    }
    let rules = [
        (r"<script(\s[^>]*)?>[^<]*alert\(", "inline script"),
        (r"<style(\s[^>]*)?>[^<]*display:none", "style element"),
        (
            r"<(svg|iframe|object|embed|form|base|meta)\b[^>]*alert",
            "foreign element",
        ),
        (r"\[output\.chaosbook\]", "an include expanded"),
    ];
    for (re, what) in rules {
        let re = regex::Regex::new(re).unwrap();
        if let Some(m) = re.find(html) {
            report(what, m.start(), m.len());
        }
    }
    found
}

/// Every string inside a JSON value.
fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(m) => m.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Builds the site and the export of `root`; returns the findings (empty
/// when every output is inert and `texts` come out exactly in catalog.json).
fn site_and_export_findings(root: &Path, texts: &[String], refusal_ok: bool) -> Vec<String> {
    let mut findings = Vec::new();
    let site = root.join("site");
    let check = run(root, &["check", "--format", "json"]);
    if refusal_ok && check.status.code() == Some(1) {
        // Refused is inert too, when it is for the link's scheme (a
        // `javascript:` link in a markdown field) and nothing is built.
        let diags: Vec<Value> = serde_json::from_slice(&check.stdout).unwrap();
        let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
        assert!(
            errors.iter().all(|d| d["code"] == "unsafe-link"),
            "check refused the text for another reason: {errors:#?}"
        );
        let build = run(root, &["build", "--dest", site.to_str().unwrap()]);
        assert_eq!(build.status.code(), Some(1));
        assert!(!site.exists(), "a refused catalog builds nothing");
        return findings;
    }
    ok("check", &check);
    ok(
        "build",
        &run(root, &["build", "--dest", site.to_str().unwrap()]),
    );
    for page in files(&site, "html") {
        let html = fs::read_to_string(&page).unwrap();
        for f in active_markup(&html) {
            findings.push(format!(
                "{}: {f}",
                page.strip_prefix(&site).unwrap().display()
            ));
        }
    }
    // catalog.json is data: every hostile text is there, exactly.
    let catalog: Value =
        serde_json::from_str(&fs::read_to_string(site.join("catalog.json")).unwrap()).unwrap();
    let mut all = BTreeSet::new();
    strings(&catalog, &mut all);
    for t in texts {
        if !all.contains(t) {
            findings.push(format!("catalog.json lacks the exact text {t:?}"));
        }
    }
    // Exports: the index is JSON with the values exactly; the README is
    // markdown whose table cells hold no raw markup.
    let out = root.join("exported");
    ok(
        "export",
        &run(root, &["export", "--out", out.to_str().unwrap()]),
    );
    let index: Value =
        serde_json::from_str(&fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert!(index["items"].as_array().is_some_and(|a| !a.is_empty()));
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    for f in active_markup(&readme) {
        findings.push(format!("exported README.md: {f}"));
    }
    if readme.contains("<script") {
        findings.push("exported README.md holds a raw <script".into());
    }
    findings
}

/// The PDF's text, squashed (no whitespace or hyphens: typst breaks lines).
fn pdf_text(root: &Path) -> String {
    let pdf = root.join("book.pdf");
    ok(
        "pdf",
        &run(
            root,
            &[
                "pdf",
                "--out",
                pdf.to_str().unwrap(),
                "--date",
                "2026-01-01",
            ],
        ),
    );
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    assert!(out.status.success());
    squash(&String::from_utf8_lossy(&out.stdout))
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{200b}'))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect()
}

fn tag(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

#[test]
fn hostile_text_in_every_field_is_inert_in_every_output() {
    let dir = complete_fixture();
    let root = dir.path();
    let mut texts = Vec::new();
    for (rel, pointer, field) in FIELDS {
        let kind = rel.split('/').nth(1).unwrap();
        let tag = format!("{kind}-{}", tag(pointer));
        let text = match field {
            Field::Text => text_payload(&tag),
            Field::Url => url_payload(&tag),
        };
        set_field(root, rel, pointer, &text);
        texts.push(text);
    }
    let findings = site_and_export_findings(root, &texts, false);
    assert!(findings.is_empty(), "{}", findings.join("\n"));

    // The PDF builds (typst code in the text would fail it or run) and
    // prints typst syntax as text; an include is never expanded.
    let text = pdf_text(root);
    assert!(
        !text.contains("[output.chaosbook]"),
        "an include was expanded"
    );
    for tag in [
        "scenarios-title",
        "scenarios-method",
        "scenarios-hypothesis",
        "practices-body",
        "scenarios-implementations.1.reason",
    ] {
        let literal = squash(&format!("#panic(\"typst-{tag}\")"));
        assert!(text.contains(&literal), "the PDF lacks {literal}");
    }
    assert!(
        text.contains(&squash("#panic(\"typst-manifest\")")),
        "the manifest comment is printed"
    );
}

/// A `javascript:` link, raw or in markdown, in every free-text field:
/// `check` refuses it (unsafe-link) and nothing is built, or it is inert.
#[test]
fn javascript_links_in_every_field_are_refused_or_inert() {
    let dir = complete_fixture();
    let root = dir.path();
    let mut texts = Vec::new();
    for (rel, pointer, field) in FIELDS {
        if *field == Field::Text {
            let text = format!(
                "<a href=\"javascript:alert('{}')\">a</a> [b](javascript:alert(2)) {}",
                tag(pointer),
                "and plain words that reach each minimum length of the schemas, up to the one hundred characters of a practice body."
            );
            set_field(root, rel, pointer, &text);
            texts.push(text);
        }
    }
    let findings = site_and_export_findings(root, &texts, true);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// Pieces hostile text is made of; a case joins a few of them with
/// arbitrary characters.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "\"><b onmouseover=alert(1)>",
    "</textarea></script><script>alert(1)</script>",
    "{{#include ../../book.toml}}",
    "{{ namespace }}",
    "{% if true %}x{% endif %}",
    "#panic(\"p\")",
    "#read(\"/etc/hostname\")",
    "$ x $",
    "] [ \\ #{",
    "**b** _i_ `c`",
    "# heading",
    "| a | b |",
    "<!-- c -->",
    "&amp; &lt;",
    "\u{202e}rtl",
];

fn hostile_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(PIECES), 1..4),
        "[ <>\"'&#$\\[\\]{}*_`|\\\\a-z]{0,12}",
    )
        .prop_map(|(pieces, glue)| {
            format!(
                "{} {glue} and plain words that reach each minimum length of the schemas, up to the one hundred characters of a practice body.",
                pieces.join(glue.as_str())
            )
        })
}

proptest! {
    // Each case builds a site and an export: a few cases per run, and the
    // all-fields test above covers every field every time.
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn any_hostile_text_in_any_field_is_inert(
        field in prop::sample::select(FIELDS),
        text in hostile_text(),
    ) {
        let (rel, pointer, kind) = field;
        let text = match kind {
            Field::Text => text,
            Field::Url => url_payload(&text.replace(char::is_whitespace, "")),
        };
        let dir = complete_fixture();
        set_field(dir.path(), rel, pointer, &text);
        let findings = site_and_export_findings(dir.path(), std::slice::from_ref(&text), true);
        prop_assert!(findings.is_empty(), "{rel}{pointer}: {}", findings.join("\n"));
    }
}
