//! `chaosbook check` end to end: a small fixture project is copied to a
//! temporary folder, broken in one way per test, and checked with the real
//! binary. Every bad input must give exit 1 and a diagnostic at the right
//! file, line and column, without hiding the other files' diagnostics.

use crate::common;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::common::repo;

struct Project {
    dir: tempfile::TempDir,
}

struct Outcome {
    code: i32,
    diags: Vec<Value>,
}

impl Outcome {
    fn find(&self, code: &str) -> &Value {
        self.diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no `{code}` diagnostic in {:#?}", self.diags))
    }

    /// Where each finding with this code is: (file, line, column).
    fn places(&self, code: &str) -> Vec<(String, u64, u64)> {
        self.diags
            .iter()
            .filter(|d| d["code"] == code)
            .map(at)
            .collect()
    }

    fn errors(&self) -> Vec<&Value> {
        self.diags
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect()
    }
}

fn at(d: &Value) -> (String, u64, u64) {
    (
        d["file"].as_str().unwrap().to_string(),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
    )
}

impl Project {
    /// The fixture project, with the real format schemas it uses.
    fn minimal() -> Self {
        Self {
            dir: common::fixture_project(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .args(args)
            .arg("--root")
            .arg(self.dir.path())
            .output()
            .unwrap()
    }

    /// Runs git in the project (a throwaway identity for commits).
    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.dir.path())
            .args(["-c", "user.email=t@example.org", "-c", "user.name=t"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn check(&self) -> Outcome {
        let out = self.run(&["check", "--format", "json"]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let diags: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        Outcome {
            code: out.status.code().unwrap(),
            diags,
        }
    }
}

const SCENARIO: &str = "catalog/scenarios/network/demo-latency.yaml";
const TOOL: &str = "catalog/tools/demo-tool.yaml";
const PRACTICE: &str = "catalog/practices/demo-practice.yaml";

#[test]
fn the_fixture_is_clean() {
    let p = Project::minimal();
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);
    assert!(out.errors().is_empty());
}

#[test]
fn the_real_catalog_is_clean() {
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(["check", "--format", "json", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    let diags: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn malformed_yaml() {
    let p = Project::minimal();
    p.edit(TOOL, "targets: [kubernetes]", "targets: [kubernetes");
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("yaml-syntax");
    assert_eq!(d["file"], TOOL);
    assert!(d["line"].as_u64().unwrap() >= 9, "{d:#?}");
}

#[test]
fn wrong_types() {
    let p = Project::minimal();
    p.edit(TOOL, "targets: [kubernetes]", "targets: kubernetes");
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(at(out.find("wrong-type")), (TOOL.into(), 9, 10));
}

#[test]
fn unknown_field_suggests_the_right_name() {
    let p = Project::minimal();
    p.edit(SCENARIO, "title: Demo latency", "titel: Demo latency");
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("unknown-field");
    assert_eq!(at(d), (SCENARIO.into(), 2, 1));
    assert_eq!(d["help"], "did you mean `title`?");
}

#[test]
fn duplicate_mapping_keys() {
    let p = Project::minimal();
    p.edit(
        TOOL,
        "license: Apache-2.0\n",
        "license: Apache-2.0\nlicense: MIT\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(at(out.find("duplicate-key")), (TOOL.into(), 7, 1));
}

#[test]
fn duplicate_ids_across_files() {
    let p = Project::minimal();
    p.write("catalog/tools/demo-tool-2.yaml", p.read(TOOL));
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("duplicate-id");
    // Reported on the later file in path order, pointing at its id.
    assert_eq!(at(d), (TOOL.into(), 1, 5));
    assert!(d["message"].as_str().unwrap().contains("demo-tool"));
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let p = Project::minimal();
    let mut text = String::from("id: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    p.write("catalog/practices/bomb.yaml", text);
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(
        out.find("alias-limit")["file"],
        "catalog/practices/bomb.yaml"
    );
}

#[test]
fn files_over_the_configured_size_limit() {
    let p = Project::minimal();
    p.edit(
        "book.toml",
        "catalog = \"catalog\"",
        "catalog = \"catalog\"\nmax-file-size = 1000",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("file-too-large");
    assert_eq!(at(d), (SCENARIO.into(), 1, 1));
    assert!(d["help"].as_str().unwrap().contains("max-file-size"));
}

#[test]
fn bad_book_toml_is_reported_at_its_position() {
    let p = Project::minimal();
    p.edit(
        "book.toml",
        "catalog = \"catalog\"",
        "catalogue = \"catalog\"",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(at(out.find("config")), ("book.toml".into(), 6, 1));
}

#[test]
fn non_utf8_bytes() {
    let p = Project::minimal();
    let mut bytes = p.read(PRACTICE).into_bytes();
    let pos = bytes.windows(5).position(|w| w == b"title").unwrap();
    bytes.insert(pos + 7, 0xFF);
    p.write(PRACTICE, bytes);
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(at(out.find("file-encoding")), (PRACTICE.into(), 2, 8));
}

#[test]
fn a_utf8_bom_is_accepted() {
    let p = Project::minimal();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(p.read(TOOL).into_bytes());
    p.write(TOOL, bytes);
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);
}

#[test]
fn empty_files() {
    let p = Project::minimal();
    p.write("catalog/practices/empty.yaml", "# only a comment\n");
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(
        at(out.find("empty-file")),
        ("catalog/practices/empty.yaml".into(), 1, 1)
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    let p = Project::minimal();
    std::os::unix::fs::symlink("..", p.path("catalog/scenarios/network/loop")).unwrap();
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(
        out.find("symlink-loop")["file"],
        "catalog/scenarios/network/loop"
    );
    // The rest of the catalog is still checked.
    assert!(
        out.errors().iter().all(|d| d["code"] == "symlink-loop"),
        "{:#?}",
        out.diags
    );
}

fn use_manifest_file(p: &Project, path: &str) {
    let text = p.read(SCENARIO);
    let start = text.find("    format: chaos-mesh").unwrap();
    let end = text.find("  - tool: other-tool").unwrap();
    let replacement = format!(
        "    format: shell\n    docs: https://demo.example.org/docs/latency\n    verified: {{version: \"2.1.0\", by: schema, date: 2026-01-15}}\n    manifest_file: {path}\n"
    );
    p.write(
        SCENARIO,
        format!("{}{}{}", &text[..start], replacement, &text[end..]),
    );
}

#[test]
fn manifest_files_beside_the_scenario_are_checked() {
    let p = Project::minimal();
    use_manifest_file(&p, "demo-latency/demo.sh");
    assert_eq!(p.check().code, 0);
    p.write(
        "catalog/scenarios/network/demo-latency/demo.sh",
        "kubectl get pods\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    assert_eq!(
        out.find("manifest-invalid")["file"],
        "catalog/scenarios/network/demo-latency/demo.sh"
    );
    // The human report quotes the manifest file's own line, not the
    // scenario's.
    let human = p.run(&["check"]);
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(
        stderr.contains("catalog/scenarios/network/demo-latency/demo.sh:1:1")
            && stderr.contains("1 │ kubectl get pods"),
        "{stderr}"
    );
}

#[test]
fn manifest_paths_may_not_escape_the_catalog() {
    let p = Project::minimal();
    use_manifest_file(&p, "../../../book.toml");
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("manifest-path");
    assert_eq!(d["file"], SCENARIO);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("leaves the scenario's folder"));
}

#[cfg(unix)]
#[test]
fn manifest_symlinks_may_not_point_outside_the_catalog() {
    let p = Project::minimal();
    let outside = tempfile::NamedTempFile::new().unwrap();
    fs::write(outside.path(), "#!/bin/sh\necho hi\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path(),
        p.path("catalog/scenarios/network/demo-latency/outside.sh"),
    )
    .unwrap();
    use_manifest_file(&p, "demo-latency/outside.sh");
    let out = p.check();
    assert_eq!(out.code, 1);
    // Named by the one rule for paths, at the reference and at the link.
    let refs: Vec<&Value> = out
        .diags
        .iter()
        .filter(|d| d["code"] == "outside-project")
        .collect();
    assert!(refs.iter().any(|d| d["file"] == SCENARIO
        && d["message"]
            .as_str()
            .unwrap()
            .contains("resolves outside the project")));
    assert!(refs
        .iter()
        .any(|d| d["file"] == "catalog/scenarios/network/demo-latency/outside.sh"));
}

#[test]
fn invalid_manifest_points_inside_the_block_scalar() {
    let p = Project::minimal();
    p.edit(SCENARIO, "action: delay", "action: delya");
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("manifest-invalid");
    let line = p
        .read(SCENARIO)
        .lines()
        .position(|l| l.contains("action: delya"))
        .unwrap() as u64
        + 1;
    assert_eq!(at(d), (SCENARIO.into(), line, 17));
    assert!(
        d["help"].as_str().unwrap().contains("did you mean `delay`"),
        "{d:#?}"
    );
}

#[test]
fn unknown_placeholders_are_reported_where_written() {
    let p = Project::minimal();
    p.edit(
        SCENARIO,
        "latency: \"{{ latency_ms }}ms\"",
        "latency: \"{{ latency }}ms\"",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("unknown-parameter");
    let line = p
        .read(SCENARIO)
        .lines()
        .position(|l| l.contains("{{ latency }}"))
        .unwrap() as u64
        + 1;
    assert_eq!(at(d), (SCENARIO.into(), line, 21));
    assert_eq!(d["help"], "did you mean `latency_ms`?");
}

#[test]
fn unknown_references_suggest_the_closest_id() {
    let p = Project::minimal();
    p.edit(
        SCENARIO,
        "practices: [demo-practice]",
        "practices: [demo-practise]",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("unknown-reference");
    assert_eq!(d["help"], "did you mean `demo-practice`?");
}

#[test]
fn formats_must_be_declared_by_the_tool() {
    let p = Project::minimal();
    p.edit(TOOL, "formats: [chaos-mesh, shell]", "formats: [shell]");
    let out = p.check();
    assert_eq!(out.code, 1);
    assert!(out.find("format-not-declared")["help"]
        .as_str()
        .unwrap()
        .contains("shell"));
}

#[test]
fn one_run_reports_every_file() {
    let p = Project::minimal();
    p.edit(TOOL, "name: Demo Tool", "nmae: Demo Tool");
    p.edit(PRACTICE, "area: safety", "area: safty");
    p.edit(SCENARIO, "action: delay", "action: delya");
    let out = p.check();
    assert_eq!(out.code, 1);
    let files: std::collections::BTreeSet<&str> = out
        .errors()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 3, "{:#?}", out.diags);
}

#[test]
fn human_and_github_formats() {
    let p = Project::minimal();
    p.edit(TOOL, "name: Demo Tool", "nmae: Demo Tool");
    let human = p.run(&["check"]);
    assert_eq!(human.status.code(), Some(1));
    let stderr = String::from_utf8(human.stderr).unwrap();
    assert!(
        stderr.contains("error[unknown-field]: unknown field `nmae`"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{TOOL}:2:1")), "{stderr}");
    assert!(stderr.contains("2 │ nmae: Demo Tool"), "{stderr}");
    let github = String::from_utf8(p.run(&["check", "--format", "github"]).stdout).unwrap();
    assert!(
        github.contains(&format!(
            "::error file={TOOL},line=2,col=1,title=unknown-field::unknown field `nmae`"
        )),
        "{github}"
    );
}

/// The exit code is the same whatever the output format: the pull-request
/// workflow runs `--format github` and relies on exit 1 to fail the job.
#[test]
fn every_format_exits_1_on_errors_and_0_on_warnings() {
    let p = Project::minimal();
    for format in ["human", "json", "github"] {
        let out = p.run(&["check", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "clean, --format {format}");
    }
    // A warning only: the other tool's entry removed (missing-tool).
    let text = p.read(SCENARIO);
    let cut = text.find("  - tool: other-tool").unwrap();
    p.write(SCENARIO, &text[..cut]);
    for format in ["human", "json", "github"] {
        let out = p.run(&["check", "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "warnings only, --format {format}"
        );
    }
    let github = String::from_utf8(p.run(&["check", "--format", "github"]).stdout).unwrap();
    assert!(
        github.starts_with("::warning file=catalog/scenarios/network/demo-latency.yaml,"),
        "{github}"
    );
    // One error.
    p.edit(TOOL, "name: Demo Tool", "nmae: Demo Tool");
    for format in ["human", "json", "github"] {
        let out = p.run(&["check", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "an error, --format {format}");
    }
}

#[test]
fn environment_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(["check", "--root", "/nonexistent/chaosbook-root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(["check", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn scaffolds_pass_check_as_written() {
    let p = Project::minimal();
    for (kind, id, extra) in [
        ("tool", "new-tool", None),
        ("practice", "new-practice", None),
        ("scenario", "new-fault", Some("resource")),
    ] {
        let mut args = vec!["new", kind, id];
        if let Some(c) = extra {
            args.extend(["--category", c]);
        }
        let out = p.run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let scenario = p.read("catalog/scenarios/resource/new-fault.yaml");
    assert!(
        scenario.starts_with("# yaml-language-server: $schema=../../schema/scenario.schema.json")
    );
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);
    // Its placeholder entries are flagged until they are written.
    // Every text and link it wrote for the writer to replace is flagged
    // until it is written: the scenario's reasons (one per tool: the
    // fixture's two and the new one) and its prose, the practice's prose,
    // the tool's prose and its example.org links.
    let mut placeholders: Vec<(String, u64)> = out
        .diags
        .iter()
        .filter(|d| d["code"] == "placeholder" && d["severity"] == "warning")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    placeholders.sort();
    let expected: Vec<(String, u64)> = [
        ("catalog/practices/new-practice.yaml", vec![7, 9]),
        (
            "catalog/scenarios/resource/new-fault.yaml",
            vec![7, 22, 37, 39, 51, 55, 59],
        ),
        (
            "catalog/tools/new-tool.yaml",
            vec![9, 10, 11, 22, 23, 25, 26, 28, 29, 31, 32],
        ),
    ]
    .into_iter()
    .flat_map(|(file, lines)| lines.into_iter().map(move |l| (file.to_string(), l)))
    .collect();
    assert_eq!(placeholders, expected);
    // Writing over an existing file is refused.
    assert_eq!(p.run(&["new", "tool", "new-tool"]).status.code(), Some(2));
}

#[test]
fn schema_command_prints_schemas() {
    let p = Project::minimal();
    let list = String::from_utf8(p.run(&["schema"]).stdout).unwrap();
    assert!(list.lines().any(|l| l == "scenario"));
    assert!(list.lines().any(|l| l == "formats/shell"));
    let scenario: Value = serde_json::from_slice(&p.run(&["schema", "scenario"]).stdout).unwrap();
    assert_eq!(scenario["title"], "chaosbook scenario");
    let shell: Value = serde_json::from_slice(&p.run(&["schema", "formats/shell"]).stdout).unwrap();
    assert_eq!(shell["x-chaosbook"]["syntax"], "script");
    assert_eq!(p.run(&["schema", "nope"]).status.code(), Some(2));
}

const CHAPTER: &str = "whitepaper/intro.md";

#[test]
fn chapters_reference_only_existing_catalog_items() {
    let p = Project::minimal();
    p.write(
        CHAPTER,
        "# Intro\n\nSee [the fault](scenario:demo-latncy) and [a practice](practice:demo-practice).\n\n{{#scenario demo-latency}}\n\n{{#scenario demo-latncy}}\n\nTabs: [other](scenario:demo-latency?tool=other-tool), [nope](scenario:demo-latency?tool=nope), [matrix](catalog:matrix), [x](catalog:nope).\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let unknown: Vec<&Value> = out
        .diags
        .iter()
        .filter(|d| d["code"] == "unknown-reference")
        .collect();
    let places: Vec<(String, u64, u64)> = unknown.iter().map(|d| at(d)).collect();
    assert_eq!(
        places,
        vec![
            (CHAPTER.into(), 3, 17),
            (CHAPTER.into(), 7, 13),
            (CHAPTER.into(), 9, 62),
            (CHAPTER.into(), 9, 126)
        ],
        "{unknown:#?}"
    );
    assert_eq!(unknown[0]["help"], "did you mean `demo-latency`?");
}

#[test]
fn chapter_links_and_anchors_must_resolve() {
    let p = Project::minimal();
    p.write(
        "whitepaper/other.md",
        "# Other\n\n## Writing a hypothesis\n",
    );
    // Only a chapter SUMMARY.md lists becomes a page that links can reach.
    p.write(
        "whitepaper/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n- [Other](other.md)\n",
    );
    p.write(
        CHAPTER,
        "# Intro\n\n[ok](other.md#writing-a-hypothesis) [gone](missing.md) [bad anchor](other.md#writing-hypothesis) [self](#intro) [js](javascript:alert(1)) [data](data:text/html,x) [file](file:///etc/passwd) [web](https://example.org)\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let codes: Vec<(&str, u64)> = out
        .errors()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("broken-link", 44),
            ("broken-anchor", 69),
            ("unsafe-link", 118),
            ("unsafe-link", 146),
            ("unsafe-link", 171)
        ],
        "{:#?}",
        out.diags
    );
    let anchor = out.find("broken-anchor");
    assert_eq!(anchor["help"], "did you mean `#writing-a-hypothesis`?");
}

#[test]
fn a_chapter_linked_as_its_html_page_is_pointed_to_its_markdown() {
    let p = Project::minimal();
    p.write(
        CHAPTER,
        "# Intro\n\nSee [it](intro.html#intro) and [that](nothing.html).\n",
    );
    let out = p.check();
    let helps: Vec<(u64, &str)> = out
        .diags
        .iter()
        .filter(|d| d["code"] == "broken-link")
        .map(|d| (d["column"].as_u64().unwrap(), d["help"].as_str().unwrap()))
        .collect();
    assert_eq!(
        helps,
        [
            (
                10,
                "link the chapter's markdown file, `intro.md`: the site and the PDF each turn it into their own link"
            ),
            (39, "fix the path; it is relative to this chapter"),
        ]
    );
}

#[test]
fn prose_that_names_a_single_tool_is_flagged() {
    let p = Project::minimal();
    p.write(
        CHAPTER,
        "# Intro\n\nFor this, Demo Tool works well.\n\n```text\nDemo Tool in code is fine\n```\n\n<!-- chaosbook:allow-tool-mention: the tool's own changelog is quoted -->\nDemo Tool and Other Tool, quoted.\n\n<!-- chaosbook:allow-tool-mention -->\nOther Tool again.\n",
    );
    let out = p.check();
    let warnings = out.places("neutrality");
    assert_eq!(warnings, vec![(CHAPTER.into(), 3, 11)], "{:#?}", out.diags);
    // The marker without a reason is an error.
    assert_eq!(at(out.find("neutrality-marker")), (CHAPTER.into(), 12, 1));
}

#[test]
fn catalog_prose_that_names_a_single_tool_is_flagged_in_any_case() {
    let p = Project::minimal();
    // A scenario's design and a practice are tool-neutral: the chapters'
    // rule holds there too, whatever the letter case.
    p.edit(
        SCENARIO,
        "  Delay egress packets of the demo pods",
        "  As other tool does it, delay egress packets of the demo pods",
    );
    p.edit(
        PRACTICE,
        "  practice body, which asks",
        "  practice body (DEMO TOOL and Other Tool agree), which asks",
    );
    // An implementation's own text names its tool by nature: the
    // fixture's reason ("The other tool has no ...") is not flagged.
    let out = p.check();
    let warnings = out.places("neutrality");
    assert_eq!(
        warnings,
        vec![(PRACTICE.into(), 7, 18), (SCENARIO.into(), 16, 6)],
        "{:#?}",
        out.diags
    );
    assert_eq!(out.code, 0, "a warning, not an error");
}

#[test]
fn images_are_found_relative_to_their_chapter_from_any_working_folder() {
    let p = Project::minimal();
    p.write("whitepaper/img/pic.png", [0x89, b'P', b'N', b'G']);
    p.write(
        CHAPTER,
        "# Intro\n\n![ok](img/pic.png) ![gone](img/none.png)\n",
    );
    let out = p.check();
    let broken = out.places("broken-link");
    assert_eq!(broken, vec![(CHAPTER.into(), 3, 28)], "{:#?}", out.diags);
}

#[test]
fn changed_since_reports_only_the_files_changed_since_a_revision() {
    let p = Project::minimal();
    p.git(&["init", "-q"]);
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "base"]);
    p.edit(TOOL, "name: Demo Tool", "nmae: Demo Tool");
    p.git(&["commit", "-qam", "break the tool"]);
    // Uncommitted: a broken practice, and a new file with an error.
    p.edit(PRACTICE, "area: safety", "area: safty");
    p.write("catalog/practices/new-one.yaml", "id: new-one\n");
    let run = |rev: &str| {
        let out = p.run(&["check", "--format", "json", "--changed-since", rev]);
        let diags: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let files: std::collections::BTreeSet<String> = diags
            .iter()
            .map(|d| d["file"].as_str().unwrap().to_string())
            .collect();
        (out.status.code().unwrap(), files)
    };
    let (code, files) = run("HEAD");
    assert_eq!(code, 1);
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec![
            "catalog/practices/demo-practice.yaml".to_string(),
            "catalog/practices/new-one.yaml".to_string()
        ]
    );
    let (_, files) = run("HEAD~1");
    assert!(files.contains(TOOL));
    assert_eq!(
        p.run(&["check", "--changed-since", "no-such-rev"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn links_changed_since_looks_only_at_the_changed_files() {
    let p = Project::minimal();
    p.git(&["init", "-q"]);
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "base"]);
    p.edit(PRACTICE, "scenarios: [demo-latency]", "scenarios: [demo-latency]\nreferences:\n  - title: A new reference\n    url: https://new.example.org/page");
    let all = String::from_utf8(p.run(&["links", "--offline"]).stderr).unwrap();
    let changed = String::from_utf8(
        p.run(&["links", "--offline", "--changed-since", "HEAD"])
            .stderr,
    )
    .unwrap();
    assert!(
        changed.contains("skipped 1 external URLs (1 places"),
        "{changed}"
    );
    assert!(!all.contains("skipped 1 external URLs"), "{all}");
}

/// Support levels: each claim says exactly what the tool does, so the level
/// brings the field that says how (`differs`, `via`), and only that level.
const NATIVE: &str = "    support: native\n";

fn support_outcome(lines: &str) -> Outcome {
    let p = Project::minimal();
    p.edit(SCENARIO, NATIVE, lines);
    p.check()
}

#[test]
fn an_approximation_must_say_what_differs() {
    let out = support_outcome("    support: approximation\n");
    assert_eq!(out.code, 1);
    let d = out.find("missing-field");
    assert_eq!(d["message"], "missing required field `differs`");
    // The implementation's mapping starts at `tool:` on line 38.
    assert_eq!(at(d), (SCENARIO.into(), 38, 5));
    // The practice that lists the scenario waits for it.
    assert_eq!(
        d["help"],
        "add `differs:` to this mapping; 1 reference to the scenario `demo-latency` (in catalog/practices/demo-practice.yaml) will be checked once this file loads"
    );
}

#[test]
fn an_approximation_that_says_what_differs_is_clean() {
    let out = support_outcome(
        "    support: approximation\n    differs: Delays every packet, not only those to one destination.\n",
    );
    assert_eq!(out.code, 0, "{:#?}", out.diags);
    assert!(out.errors().is_empty());
}

#[test]
fn via_must_name_the_tool() {
    let out = support_outcome("    support: via\n");
    assert_eq!(out.code, 1);
    let d = out.find("missing-field");
    assert_eq!(d["message"], "missing required field `via`");
    assert_eq!(at(d), (SCENARIO.into(), 38, 5));
}

#[test]
fn via_naming_another_catalog_tool_is_clean_with_or_without_differs() {
    for lines in [
        "    support: via\n    via: other-tool\n",
        "    support: via\n    via: other-tool\n    differs: Only pods with the injector's sidecar are delayed.\n",
    ] {
        let out = support_outcome(lines);
        assert_eq!(out.code, 0, "{lines}: {:#?}", out.diags);
        assert!(out.errors().is_empty());
    }
}

#[test]
fn via_an_unknown_tool_suggests_the_closest_id() {
    let out = support_outcome("    support: via\n    via: other-tol\n");
    assert_eq!(out.code, 1);
    let d = out.find("unknown-reference");
    assert_eq!(d["message"], "unknown tool `other-tol`");
    assert_eq!(at(d), (SCENARIO.into(), 40, 10));
    assert_eq!(d["help"], "did you mean `other-tool`?");
}

#[test]
fn via_an_unknown_tool_without_a_close_id_says_what_to_name() {
    let out = support_outcome("    support: via\n    via: gremlin\n");
    assert_eq!(out.code, 1);
    let d = out.find("unknown-reference");
    assert_eq!(at(d), (SCENARIO.into(), 40, 10));
    assert_eq!(
        d["help"],
        "name the catalog tool whose injector does the work (a file of catalog/tools/)"
    );
}

#[test]
fn via_cannot_name_the_implementations_own_tool() {
    let out = support_outcome("    support: via\n    via: demo-tool\n");
    assert_eq!(out.code, 1);
    let d = out.find("via-own-tool");
    assert_eq!(
        d["message"],
        "the implementation for `demo-tool` names its own tool in `via`"
    );
    assert_eq!(at(d), (SCENARIO.into(), 40, 10));
    assert_eq!(d["severity"], "error");
}

#[test]
fn a_file_that_does_not_load_is_one_error_not_one_per_reference() {
    let p = Project::minimal();
    // A schema error keeps the scenario out of the catalog; the practice
    // that lists it and the chapter that embeds it are not two more
    // mistakes, and the error says they wait for the file.
    p.edit(SCENARIO, "support: native", "support: approximation");
    p.write(CHAPTER, "# Intro\n\n{{#scenario demo-latency}}\n");
    let out = p.check();
    let errors: Vec<(String, u64, u64, &str)> = out
        .errors()
        .iter()
        .map(|d| {
            let (file, line, column) = at(d);
            (file, line, column, d["code"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        errors,
        vec![(SCENARIO.into(), 38, 5, "missing-field")],
        "{:#?}",
        out.diags
    );
    let help = out.find("missing-field")["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        help.ends_with("; 2 references to the scenario `demo-latency` (in catalog/practices/demo-practice.yaml, whitepaper/intro.md) will be checked once this file loads"),
        "{help}"
    );
    let human = String::from_utf8(p.run(&["check"]).stderr).unwrap();
    assert!(
        human.contains("`demo-latency` is named here"),
        "the references are shown beside the error: {human}"
    );

    // A tool whose id is not its file's name: one error, not an unknown
    // tool in every scenario and a missing entry for the mistaken id.
    let p = Project::minimal();
    p.edit(
        "catalog/tools/other-tool.yaml",
        "id: other-tool",
        "id: other-tol",
    );
    let out = p.check();
    let found: Vec<&str> = out
        .diags
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["id-file-name"], "{:#?}", out.diags);
    assert!(out.find("id-file-name")["help"].as_str().unwrap().contains(
        "1 reference to the tool `other-tool` (in catalog/scenarios/network/demo-latency.yaml)"
    ));

    // A reference that names nothing at all is still its own error.
    let p = Project::minimal();
    p.write(CHAPTER, "# Intro\n\n{{#scenario demo-latncy}}\n");
    assert_eq!(p.check().find("unknown-reference")["file"], CHAPTER);
}

#[test]
fn an_embed_is_blamed_only_for_what_its_values_break() {
    let p = Project::minimal();
    // A namespace that is no DNS label breaks the manifest: the embed's
    // values are the mistake.
    p.write(
        CHAPTER,
        "# Intro\n\n{{#scenario demo-latency namespace=Bad_NS}}\n",
    );
    let out = p.check();
    let d = out.find("invalid-value");
    assert_eq!(at(d), (CHAPTER.into(), 3, 26));
    assert_eq!(
        d["message"],
        "with these values the demo-tool manifest no longer validates against the `chaos-mesh` format"
    );
    // A manifest that fails with its defaults is the scenario's mistake,
    // reported there once; the embed is not told to change its values.
    p.edit(SCENARIO, "        action: delay", "        action: delayed");
    let out = p.check();
    let errors: Vec<(String, u64, u64)> = out.errors().into_iter().map(at).collect();
    assert_eq!(errors, vec![(SCENARIO.into(), 50, 17)], "{:#?}", out.diags);
    assert_eq!(out.find("manifest-invalid")["file"], SCENARIO);
}

#[test]
fn via_and_differs_belong_only_to_their_levels() {
    let out = support_outcome("    support: native\n    via: other-tool\n");
    assert_eq!(out.code, 1);
    let d = out.find("schema");
    assert_eq!(
        d["message"],
        "field `via` is not allowed here with `support: native`"
    );
    assert_eq!(at(d), (SCENARIO.into(), 40, 5));

    let out = support_outcome("    support: extension\n    extension: demo-plugin\n    differs: Only the first pod is delayed.\n");
    assert_eq!(out.code, 1);
    let d = out.find("schema");
    assert_eq!(
        d["message"],
        "field `differs` is not allowed here with `support: extension`"
    );
    assert_eq!(at(d), (SCENARIO.into(), 41, 5));
}

#[test]
fn an_unknown_support_level_lists_the_five() {
    let out = support_outcome("    support: approximate\n");
    assert_eq!(out.code, 1);
    let d = out.find("invalid-value");
    assert_eq!(at(d), (SCENARIO.into(), 39, 14));
    assert_eq!(
        d["help"],
        "did you mean `approximation`? allowed: \"native\", \"extension\", \"approximation\", \"via\", \"unsupported\"; 1 reference to the scenario `demo-latency` (in catalog/practices/demo-practice.yaml) will be checked once this file loads"
    );
}

#[test]
fn a_verification_a_minor_release_behind_warns_at_its_version() {
    let p = Project::minimal();
    p.edit(
        TOOL,
        "current_version: \"2.1.0\"",
        "current_version: \"2.2.0\"",
    );
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);
    let d = out.find("outdated-verification");
    assert_eq!(d["severity"], "warning");
    assert_eq!(at(d), (SCENARIO.into(), 42, 25));
    assert_eq!(
        d["message"],
        "verified with Demo Tool 2.1.0, but its current version is 2.2.0"
    );
}

#[test]
fn a_verification_a_patch_release_behind_is_current_enough() {
    let p = Project::minimal();
    p.edit(
        TOOL,
        "current_version: \"2.1.0\"",
        "current_version: \"2.1.7\"",
    );
    let out = p.check();
    assert!(
        !out.diags
            .iter()
            .any(|d| d["code"] == "outdated-verification"),
        "{:#?}",
        out.diags
    );
}

#[test]
fn verification_by_docs_needs_the_page() {
    let p = Project::minimal();
    p.edit(
        SCENARIO,
        "verified: {version: \"2.1.0\", by: schema, date: 2026-01-15}",
        "verified: {by: docs, date: 2026-01-15}",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out
        .errors()
        .into_iter()
        .find(|d| d["file"] == SCENARIO)
        .unwrap_or_else(|| panic!("no error in the scenario: {:#?}", out.diags));
    assert_eq!(d["line"], 42, "{d:#?}");
}

#[test]
fn a_shared_reason_is_referenced_by_id() {
    let p = Project::minimal();
    p.write(
        "catalog/tools/other-tool.yaml",
        p.read("catalog/tools/other-tool.yaml")
            + "unsupported_reasons:\n  - id: no-pods\n    reason: The other tool has no fault for pods at all.\n",
    );
    p.edit(
        SCENARIO,
        "    reason: The other tool has no network fault for pods.",
        "    reason_ref: no-pods",
    );
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);

    p.edit(
        SCENARIO,
        "    reason_ref: no-pods",
        "    reason_ref: no-pod",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("unknown-reference");
    assert_eq!(at(d), (SCENARIO.into(), 62, 17));
    assert_eq!(d["message"], "unknown shared reason `no-pod`");
    assert_eq!(d["help"], "did you mean `no-pods`?");

    // The shared text is the tool's: a refused link in it is reported once,
    // where it is written, not at each scenario that refers to it.
    p.edit(
        SCENARIO,
        "    reason_ref: no-pod",
        "    reason_ref: no-pods",
    );
    p.edit(
        "catalog/tools/other-tool.yaml",
        "    reason: The other tool has no fault for pods at all.",
        "    reason: \"No fault for pods: [how](javascript:alert(1))\"",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let unsafe_links: Vec<_> = out
        .errors()
        .into_iter()
        .filter(|d| d["code"] == "unsafe-link")
        .collect();
    assert_eq!(unsafe_links.len(), 1, "{unsafe_links:#?}");
    assert_eq!(
        at(unsafe_links[0]),
        ("catalog/tools/other-tool.yaml".into(), 26, 39)
    );
}

#[test]
fn prerequisites_are_validated_like_a_manifest() {
    let p = Project::minimal();
    let prerequisites = "prerequisites:\n  summary: Apply this once, before any experiment of the demo tool.\n  format: chaos-mesh\n  parameters:\n    - {name: namespace, type: string, default: demo, description: target namespace}\n  manifest: |\n    apiVersion: chaos-mesh.org/v1alpha1\n    kind: NetworkChaos\n    metadata:\n      name: x\n      namespace: {{ namespace }}\n    spec:\n      action: delay\n      mode: all\n      selector:\n        namespaces: [{{ namespace }}]\n      delay:\n        latency: 10ms\n";
    p.write(TOOL, p.read(TOOL) + prerequisites);
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);

    p.edit(TOOL, "      action: delay", "      action: dely");
    let out = p.check();
    assert_eq!(out.code, 1);
    let d = out.find("manifest-invalid");
    assert_eq!(at(d), (TOOL.into(), 36, 15));

    p.edit(TOOL, "      action: dely", "      action: delay");
    p.edit(TOOL, "  format: chaos-mesh", "  format: litmus");
    let out = p.check();
    assert_eq!(out.code, 1);
    assert!(out.find("format-not-declared")["help"]
        .as_str()
        .unwrap()
        .contains("chaos-mesh, shell"));
}

/// `check` and `build` read book.toml once, as mdBook does, `MDBOOK_*`
/// overrides included: an override of the catalog folder moves both, so
/// what check validated is what build renders.
#[test]
fn an_mdbook_override_reaches_check_and_build_alike() {
    let project = common::fixture_project();
    let root = project.path();
    std::fs::rename(root.join("catalog"), root.join("data")).unwrap();
    let with_override = |args: &[&str]| {
        std::process::Command::new(common::bin())
            .arg("--root")
            .arg(root)
            .args(args)
            .env("MDBOOK_OUTPUT__CHAOSBOOK__CATALOG", "data")
            .output()
            .unwrap()
    };
    let checked = with_override(&["check"]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let site = root.join("site");
    let built = with_override(&["build", "--dest", site.to_str().unwrap()]);
    assert_eq!(
        built.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(site
        .join("catalog/scenarios/network/demo-latency.html")
        .is_file());
    // Without the override, book.toml's `catalog = "catalog"` names a
    // folder that is gone.
    let plain = common::run(root, &["check"]);
    assert_ne!(plain.status.code(), Some(0));
}

/// The human summary ends with the share of first tabs per tool, the
/// figure a reviewer reads for neutrality; with no scenario there is none.
#[test]
fn the_summary_gives_the_first_tab_shares() {
    let project = common::fixture_project();
    let out = common::run(project.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with(
            "checked 2 tools, 1 scenarios (1 manifests), 1 practices: 0 errors, 0 warnings\nfirst tab per tool: demo-tool 1 (100.0%), other-tool 0 (0.0%)\n"
        ),
        "{stderr}"
    );
    let empty = tempfile::tempdir().unwrap();
    fs::create_dir_all(empty.path().join("catalog")).unwrap();
    let out = common::run(empty.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("0 scenarios") && !stderr.contains("first tab per tool"),
        "{stderr}"
    );
}

/// Warnings are shown by every command that needs a valid catalog, and do
/// not stop it; an error does.
#[test]
fn warnings_are_shown_and_let_through_errors_stop() {
    let project = common::fixture_project();
    let root = project.path();
    fs::create_dir_all(root.join("catalog/misc")).unwrap();
    fs::write(root.join("catalog/misc/loose.yaml"), "id: loose\n").unwrap();
    let out_dir = root.join("exported");
    let out = common::run(root, &["export", "--out", out_dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[stray-file]"), "{stderr}");
    assert!(out_dir.join("demo-tool").is_dir(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("wrote 1 manifests to {} (demo-tool 1)\n", out_dir.display())
    );

    let summary = |root: &std::path::Path| {
        let out = common::run(root, &["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let line = stderr
            .lines()
            .find(|l| l.starts_with("checked "))
            .unwrap_or_default()
            .to_string();
        (out.status.code(), line)
    };
    assert_eq!(
        summary(root),
        (
            Some(0),
            "checked 2 tools, 1 scenarios (1 manifests), 1 practices: 0 errors, 1 warnings".into()
        )
    );

    fs::write(root.join("catalog/tools/broken.yaml"), "id: [\n").unwrap();
    let out = common::run(root, &["export", "--out", out_dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error["), "{stderr}");
    let (code, line) = summary(root);
    assert_eq!(code, Some(1));
    assert!(line.ends_with(": 1 errors, 1 warnings"), "{line}");
}

/// One thing a kept check result depends on, flipped between two states:
/// (what it is, the file, the text in one state, the text in the other, a
/// code the findings hold in the second state and not the first). An empty
/// first text creates the file, an empty second one deletes it.
type Toggle = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const FORMAT: &str = "catalog/schema/formats/chaos-mesh.schema.json";

/// Every kind of input `check_again` keeps results of, or answers against.
const TOGGLES: [Toggle; 13] = [
    (
        "a manifest, made invalid",
        SCENARIO,
        "action: delay",
        "action: [delay]",
        "manifest-invalid",
    ),
    (
        "a format schema, made stricter than the manifest it accepted",
        FORMAT,
        "\"required\": [\n    \"apiVersion\",",
        "\"required\": [\n    \"no-manifest-has-this\",\n    \"apiVersion\",",
        "manifest-invalid",
    ),
    (
        "a parameter the chapter's embed sets, renamed",
        SCENARIO,
        "name: latency_ms",
        "name: delay_ms",
        "unknown-parameter",
    ),
    (
        // The chapter's link then waits for the file: the file's error
        // counts it, so a chapter scan kept past this edit shows.
        "the id of the scenario the chapter links",
        SCENARIO,
        "id: demo-latency",
        "id: demo-delay",
        "id-file-name",
    ),
    (
        "a tool's name, so that a passage of the chapter names it alone",
        "catalog/tools/other-tool.yaml",
        "name: Other Tool",
        "name: Another Tool",
        "neutrality",
    ),
    (
        "the heading another chapter links",
        "whitepaper/other.md",
        "## A heading",
        "## A title",
        "broken-anchor",
    ),
    (
        "the picture a chapter shows",
        "whitepaper/picture.png",
        "not really a picture",
        "",
        "broken-link",
    ),
    (
        "a catalog text with a link of a refused scheme",
        SCENARIO,
        "rollback: Delete the experiment resource.",
        "rollback: \"Delete it: [how](javascript:alert(1))\"",
        "unsafe-link",
    ),
    (
        "a tool's shared reason, which a scenario refers to, with a link of a refused scheme",
        "catalog/tools/third-tool.yaml",
        "reason: The third tool has no fault for pods.",
        "reason: \"No fault for pods: [how](javascript:alert(1))\"",
        "unsafe-link",
    ),
    (
        "smart punctuation, which changes the heading ids",
        "book.toml",
        "catalog = \"catalog\"\n",
        "catalog = \"catalog\"\nsmart-punctuation = false\n",
        "broken-anchor",
    ),
    (
        "a chapter's text, with a link to a tool tab",
        "whitepaper/other.md",
        "# Other\n",
        "# Other\n\nSee [it](scenario:demo-latency?tool=no-such-tool).\n",
        "unknown-reference",
    ),
    (
        "a second scenario with the first one's id",
        "catalog/scenarios/network/demo-copy.yaml",
        "",
        "COPY",
        "duplicate-id",
    ),
    (
        "a manifest file of the scenario",
        "catalog/scenarios/network/demo-latency/demo.sh",
        "kubectl get pods",
        "kubectl get pods {{ no_such_parameter }}",
        "unknown-parameter",
    ),
];

/// A fixture project with a second chapter, a picture, a chapter that
/// asks the catalog every kind of question and a third tool whose shared
/// reason the scenario refers to.
fn memo_project() -> tempfile::TempDir {
    let project = common::fixture_project();
    let root = project.path();
    let write = |rel: &str, text: &str| fs::write(root.join(rel), text).unwrap();
    write(
        "whitepaper/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n- [Other](other.md)\n",
    );
    write(
        "whitepaper/intro.md",
        "# Intro\n\nSee [the demo](scenario:demo-latency), [a heading](other.md#a-heading) and ![a picture](picture.png).\n\n{{#scenario demo-latency latency_ms=200}}\n\nAnother Tool can do this.\n\n## Before -- after\n\nSee [the section](#before--after).\n",
    );
    write("whitepaper/other.md", "# Other\n\n## A heading\n");
    write("whitepaper/picture.png", "not really a picture");
    let scenario = fs::read_to_string(root.join(SCENARIO)).unwrap();
    let other = "  - tool: other-tool\n    support: unsupported\n    reason: The other tool has no network fault for pods.\n";
    assert!(scenario.contains(other));
    write(
        SCENARIO,
        &scenario.replace(
            other,
            "  - tool: other-tool\n    support: native\n    format: shell\n    docs: https://other.example.org/docs\n    verified: {version: \"1.0.0\", by: schema, date: 2026-01-15}\n    manifest_file: demo-latency/demo.sh\n  - tool: third-tool\n    support: unsupported\n    reason_ref: no-pods\n",
        ),
    );
    let other_tool = fs::read_to_string(root.join("catalog/tools/other-tool.yaml")).unwrap();
    write(
        "catalog/tools/third-tool.yaml",
        &(other_tool
            .replace("id: other-tool", "id: third-tool")
            .replace("name: Other Tool", "name: Third Tool")
            + "unsupported_reasons:\n  - id: no-pods\n    reason: The third tool has no fault for pods.\n"),
    );
    project
}

/// Puts toggle `t` in state `on` (`true`: its second text).
fn set(root: &std::path::Path, t: &Toggle, on: bool) {
    let (_, rel, first, second, _) = *t;
    let path = root.join(rel);
    let (from, to) = if on { (first, second) } else { (second, first) };
    if to.is_empty() {
        fs::remove_file(&path).unwrap();
    } else if from.is_empty() || to == "COPY" {
        let text = if to == "COPY" {
            fs::read_to_string(root.join(SCENARIO)).unwrap()
        } else {
            to.to_string()
        };
        fs::write(&path, text).unwrap();
    } else if from == "COPY" {
        fs::remove_file(&path).unwrap();
    } else {
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// `check_again` with `memo`, against a fresh `check`: the same findings and
/// the same manifests, or the difference.
fn same_as_fresh(
    root: &std::path::Path,
    memo: &mut chaosbook::CheckMemo,
) -> Result<Vec<String>, String> {
    let findings = |report: &chaosbook::Report| format!("{:#?}", report.diagnostics);
    let (again_catalog, again) = chaosbook::check_again(root, memo);
    let (fresh_catalog, fresh) = chaosbook::check(root);
    if findings(&again) != findings(&fresh) {
        return Err(format!(
            "kept:\n{}\nfresh:\n{}",
            findings(&again),
            findings(&fresh)
        ));
    }
    let manifests = |c: &chaosbook::Catalog| format!("{:?}", c.manifests);
    if manifests(&again_catalog) != manifests(&fresh_catalog) {
        return Err("the manifests differ".into());
    }
    Ok(fresh
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect())
}

/// `serve` checks again with what the previous check kept (`check_again`):
/// after each kind of edit, and after it is undone, it must report what a
/// fresh check reports. Each edit changes the findings, so a result kept
/// past a change it depends on shows as a difference.
#[test]
fn a_check_that_reuses_the_previous_one_reports_what_a_fresh_check_reports() {
    let project = memo_project();
    let root = project.path();
    let mut memo = chaosbook::CheckMemo::default();
    let codes = same_as_fresh(root, &mut memo).unwrap();
    assert!(codes.is_empty(), "the project starts clean: {codes:?}");
    for t in &TOGGLES {
        let (what, _, _, _, code) = *t;
        for on in [true, false] {
            set(root, t, on);
            let codes = same_as_fresh(root, &mut memo)
                .unwrap_or_else(|e| panic!("{what} ({}): {e}", if on { "made" } else { "undone" }));
            assert_eq!(
                codes.iter().any(|c| c == code),
                on,
                "{what} ({}): `{code}` in {codes:?}",
                if on { "made" } else { "undone" }
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Any sequence of those edits, several at once: the kept results never
    /// differ from a fresh check (shrunk to the shortest sequence that
    /// shows a difference).
    #[test]
    fn any_sequence_of_edits_is_checked_again_as_a_fresh_check_would(
        flips in proptest::collection::vec(proptest::collection::vec(0..TOGGLES.len(), 1..4), 1..6),
    ) {
        let project = memo_project();
        let root = project.path();
        let mut memo = chaosbook::CheckMemo::default();
        let mut state = [false; TOGGLES.len()];
        same_as_fresh(root, &mut memo).map_err(proptest::test_runner::TestCaseError::fail)?;
        for step in flips {
            for t in step {
                state[t] = !state[t];
                set(root, &TOGGLES[t], state[t]);
            }
            same_as_fresh(root, &mut memo).map_err(proptest::test_runner::TestCaseError::fail)?;
        }
    }
}

/// What a chapter includes is checked as the build includes it: the same
/// directive syntax, line ranges and anchors (one implementation), each
/// part of a file on its own, and every finding at its own line of the
/// included file.
#[test]
fn included_text_is_checked_as_the_build_includes_it() {
    let p = Project::minimal();
    let lines: Vec<String> = (1..=8)
        .map(|n| match n {
            3 => "See [a](missing-three.md).".to_string(),
            6 => "See [b](missing-six.md).".to_string(),
            _ => format!("Line {n}."),
        })
        .collect();
    p.write("snippets/part.md", lines.join("\n") + "\n");
    p.write(
        "snippets/anchored.md",
        "Before.\n<!-- ANCHOR:spaced -->\nSee [c](missing-anchor.md).\n<!-- ANCHOR_END:spaced -->\n",
    );
    p.write(
        "whitepaper/intro.md",
        "# Intro\n\n{{#include ../snippets/part.md:3:3}}\n\n{{#include ../snippets/part.md:6}}\n\n{{ #include ../snippets/anchored.md:spaced }}\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let mut broken = out.places("broken-link");
    broken.sort();
    assert_eq!(
        broken,
        [
            ("snippets/anchored.md".to_string(), 3, 9),
            ("snippets/part.md".to_string(), 3, 9),
            ("snippets/part.md".to_string(), 6, 9),
        ],
        "{:#?}",
        out.diags
    );
}

/// A chapter that cannot be read is reported alone: the pages published
/// besides the chapters (catalog/schema/README.md) stay published, so links
/// to them stay good.
#[test]
fn an_unreadable_chapter_leaves_the_repository_pages_published() {
    let p = Project::minimal();
    p.write(
        "catalog/schema/README.md",
        "# Schemas\n\nHow the catalog's schemas work.\n",
    );
    p.write(
        "whitepaper/intro.md",
        "# Intro\n\nSee [the schemas](catalog/schema/README.md).\n",
    );
    let out = p.check();
    assert_eq!(out.code, 0, "{:#?}", out.diags);
    p.write("whitepaper/zz-draft.md", b"# Draft\n\xff\n".as_slice());
    let out = p.check();
    let errors: Vec<(String, String)> = out
        .errors()
        .into_iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [(
            "file-encoding".to_string(),
            "whitepaper/zz-draft.md".to_string()
        )],
        "{:#?}",
        out.diags
    );
}

/// A directive the site would not expand is an error, not text printed on
/// the page: a misspelt name, a missing brace, text beside it in its
/// paragraph, spaces inside the braces. One in code is left alone.
#[test]
fn a_directive_nothing_expands_is_reported() {
    let p = Project::minimal();
    p.write(
        "whitepaper/intro.md",
        "# Intro\n\n{{#scenarios demo-latency}}\n\n{{#scenario demo-latency}\n\n{{#scenario demo-latency}} (with its defaults)\n\n{{ #scenario demo-latency }}\n\n`{{#scenario in-code}}`\n\n{{#scenario demo-latency}}\n",
    );
    let out = p.check();
    assert_eq!(out.code, 1);
    let mut found: Vec<(String, u64, u64)> = out
        .errors()
        .into_iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("directive-syntax".to_string(), 5, 1),
            ("directive-syntax".to_string(), 7, 1),
            ("directive-syntax".to_string(), 9, 1),
            ("unknown-reference".to_string(), 3, 4),
        ],
        "{:#?}",
        out.diags
    );
    assert_eq!(
        out.find("unknown-reference")["help"],
        "did you mean `scenario`?"
    );
}
