//! `chaosbook export` end to end on the fixture project: files, index and
//! README; `--set` type checks; values that try to change a manifest's
//! structure; atomic output.

use crate::common;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::repo;

struct Project {
    dir: tempfile::TempDir,
}

const SCENARIO: &str = "catalog/scenarios/network/demo-latency.yaml";

impl Project {
    fn minimal() -> Self {
        Self {
            dir: common::fixture_project(),
        }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("exported")
    }

    fn export(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .arg("export")
            .args(args)
            .arg("--out")
            .arg(self.out())
            .arg("--root")
            .arg(self.dir.path())
            .output()
            .unwrap()
    }

    fn manifest(&self) -> String {
        fs::read_to_string(self.out().join("demo-tool/demo-latency.yaml")).unwrap()
    }

    /// Switches the fixture's implementation to a shell script manifest.
    fn use_script(&self) {
        let path = self.dir.path().join(SCENARIO);
        let text = fs::read_to_string(&path).unwrap();
        let start = text.find("    format: chaos-mesh").unwrap();
        let end = text.find("  - tool: other-tool").unwrap();
        let replacement = "    format: shell\n    docs: https://demo.example.org/docs/latency\n    verified: {version: \"2.1.0\", by: schema, date: 2026-01-15}\n    manifest_file: demo-latency/demo.sh\n";
        fs::write(
            &path,
            format!("{}{}{}", &text[..start], replacement, &text[end..]),
        )
        .unwrap();
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn exports_files_index_and_readme() {
    let p = Project::minimal();
    let out = p.export(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = p.manifest();
    assert!(manifest.contains("namespace: demo"), "{manifest}");
    assert!(manifest.contains("latency: \"100ms\""), "{manifest}");
    assert!(manifest.contains("duration: \"2m\""), "{manifest}");
    let index: Value =
        serde_json::from_str(&fs::read_to_string(p.out().join("index.json")).unwrap()).unwrap();
    assert_eq!(index["schema_version"], 2);
    let item = &index["items"][0];
    assert_eq!(item["scenario"], "demo-latency");
    assert_eq!(item["tool"], "demo-tool");
    assert_eq!(item["format"], "chaos-mesh");
    assert_eq!(item["file"], "demo-tool/demo-latency.yaml");
    assert_eq!(item["parameters"]["latency_ms"], 100);
    assert_eq!(
        index["items"].as_array().unwrap().len(),
        1,
        "unsupported entries are not exported"
    );
    let readme = fs::read_to_string(p.out().join("README.md")).unwrap();
    assert!(
        readme.contains("kubectl apply -f demo-tool/demo-latency.yaml"),
        "{readme}"
    );
}

#[test]
fn set_overrides_defaults_with_type_checks() {
    let p = Project::minimal();
    let out = p.export(&["--set", "latency_ms=250", "--set", "duration=90s"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(p.manifest().contains("latency: \"250ms\""));
    assert!(p.manifest().contains("duration: \"90s\""));

    let bad = [
        (
            vec!["--set", "latency=250"],
            "no selected scenario has a parameter `latency`; did you mean `latency_ms`?",
        ),
        (
            vec!["--set", "latency_ms=fast"],
            "`fast` is not a whole number",
        ),
        (vec!["--set", "latency_ms=0"], "below the minimum"),
        (vec!["--set", "duration=soon"], "is not a duration"),
        (vec!["--set", "latency_ms"], "write KEY=VALUE"),
        (
            vec!["--scenario", "demo-latncy"],
            "did you mean `demo-latency`?",
        ),
        (vec!["--tool", "demo-tol"], "did you mean `demo-tool`?"),
        (vec!["--category", "netwrk"], "did you mean `network`?"),
    ];
    for (args, expected) in bad {
        let out = p.export(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn values_cannot_change_the_structure_of_a_manifest() {
    let p = Project::minimal();
    let attempts = [
        // A newline plus extra keys, and a document separator.
        "demo\n  extra: injected",
        "demo\n---\napiVersion: v1\nkind: Secret",
        // A template expression.
        "{{ latency_ms }}",
        // Mapping syntax inside a plain scalar.
        "a: b",
        // A comment that would silently cut the value.
        "demo #rest",
        // Flow syntax that turns a scalar into a list.
        "[a, b]",
    ];
    for value in attempts {
        let out = p.export(&["--set", &format!("namespace={value}")]);
        assert_eq!(out.status.code(), Some(2), "{value:?} was accepted");
        assert!(
            !p.out().exists(),
            "{value:?}: a failed export must write nothing"
        );
    }
}

#[test]
fn script_values_are_limited_to_shell_safe_characters() {
    let p = Project::minimal();
    p.use_script();
    assert_eq!(
        p.export(&["--set", "namespace=prod-eu"]).status.code(),
        Some(0)
    );
    assert!(
        fs::read_to_string(p.out().join("demo-tool/demo-latency.sh"))
            .unwrap()
            .contains("-n prod-eu")
    );
    for value in ["x;rm -rf /", "$(id)", "`id`", "a|b", "a&&b", "a b"] {
        let out = p.export(&["--set", &format!("namespace={value}")]);
        assert_eq!(out.status.code(), Some(2), "{value:?} was accepted");
        assert!(
            stderr(&out).contains("may only contain"),
            "{value:?}: {}",
            stderr(&out)
        );
    }
    // The previous export is untouched by the failed ones.
    assert!(
        fs::read_to_string(p.out().join("demo-tool/demo-latency.sh"))
            .unwrap()
            .contains("-n prod-eu")
    );
}

#[test]
fn output_is_replaced_atomically_and_foreign_folders_are_kept() {
    let p = Project::minimal();
    assert_eq!(
        p.export(&["--set", "latency_ms=300"]).status.code(),
        Some(0)
    );
    assert_eq!(p.export(&[]).status.code(), Some(0));
    assert!(
        p.manifest().contains("100ms"),
        "a second export replaces the first"
    );
    // A folder that is not an export is never overwritten.
    fs::remove_dir_all(p.out()).unwrap();
    fs::create_dir_all(p.out()).unwrap();
    fs::write(p.out().join("notes.txt"), "mine").unwrap();
    let out = p.export(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(p.out().join("notes.txt")).unwrap(),
        "mine"
    );
    // No staging folders are left behind.
    let leftovers: Vec<_> = fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_invalid_catalog_exports_nothing() {
    let p = Project::minimal();
    let path = p.dir.path().join(SCENARIO);
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("action: delay", "action: delya");
    fs::write(&path, text).unwrap();
    let out = p.export(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!p.out().exists());
}

/// Every exported Kubernetes manifest of the real catalog is a well-formed
/// object: apiVersion, kind, metadata.name, and a namespace where the kind is
/// namespaced (chaosbook's manifests always state it).
#[test]
fn real_catalog_kubernetes_manifests_are_well_formed_objects() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(["export", "--out"])
        .arg(&out_dir)
        .arg("--root")
        .arg(repo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let index: Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("index.json")).unwrap()).unwrap();
    let cluster_scoped = [
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "ChaosBlade",
        "RemoteCluster",
        "PhysicalMachine",
    ];
    let mut objects = 0;
    for item in index["items"].as_array().unwrap() {
        if !["chaos-mesh", "litmus", "chaosblade"].contains(&item["format"].as_str().unwrap()) {
            continue;
        }
        let file = item["file"].as_str().unwrap();
        let text = fs::read_to_string(out_dir.join(file)).unwrap();
        for doc in chaosbook::catalog::yaml::parse_stream(&text)
            .unwrap()
            .into_iter()
            .filter(|d| !d.value.is_null())
        {
            let v = &doc.value;
            objects += 1;
            assert!(
                v["apiVersion"].as_str().is_some_and(|s| !s.is_empty()),
                "{file}: no apiVersion"
            );
            let kind = v["kind"]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: no kind"));
            assert!(
                v["metadata"]["name"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "{file}: {kind} has no metadata.name"
            );
            if !cluster_scoped.contains(&kind) {
                assert!(
                    v["metadata"]["namespace"]
                        .as_str()
                        .is_some_and(|s| !s.is_empty()),
                    "{file}: {kind} has no metadata.namespace"
                );
            }
        }
    }
    assert!(objects > 0, "no Kubernetes manifest was exported");
}

impl Project {
    /// Adds a second scenario in another category (`resource`), which both
    /// tools implement (other-tool with a shell script), and makes other-tool
    /// implement the first scenario too.
    fn with_two_scenarios(&self) {
        let root = self.dir.path();
        let first = root.join(SCENARIO);
        let text = fs::read_to_string(&first).unwrap();
        let other = "  - tool: other-tool\n    support: native\n    format: shell\n    docs: https://other.example.org/docs/x\n    verified: {by: docs, date: 2026-01-15, url: https://other.example.org/docs/x}\n    manifest: |\n      #!/usr/bin/env bash\n      set -euo pipefail\n      kubectl get pods -n {{ namespace }}\n";
        let cut = text.find("  - tool: other-tool").unwrap();
        let first_text = format!("{}{other}", &text[..cut]);
        fs::write(&first, &first_text).unwrap();
        let second = first_text
            .replace("id: demo-latency", "id: demo-stress")
            .replace("category: network", "category: resource")
            .replace("name: demo-latency", "name: demo-stress");
        let dir = root.join("catalog/scenarios/resource");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("demo-stress.yaml"), second).unwrap();
    }

    /// The exported files, relative to the output folder, sorted.
    fn exported(&self) -> Vec<String> {
        let index: Value =
            serde_json::from_str(&fs::read_to_string(self.out().join("index.json")).unwrap())
                .unwrap();
        let mut files: Vec<String> = index["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["file"].as_str().unwrap().to_string())
            .collect();
        files.sort();
        for f in &files {
            assert!(
                self.out().join(f).is_file(),
                "{f} is listed but not written"
            );
        }
        files
    }
}

#[test]
fn tool_scenario_and_category_select_what_is_exported() {
    let p = Project::minimal();
    p.with_two_scenarios();
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &[],
            &[
                "demo-tool/demo-latency.yaml",
                "demo-tool/demo-stress.yaml",
                "other-tool/demo-latency.sh",
                "other-tool/demo-stress.sh",
            ],
        ),
        (
            &["--tool", "other-tool"],
            &["other-tool/demo-latency.sh", "other-tool/demo-stress.sh"],
        ),
        (
            &["--scenario", "demo-stress"],
            &["demo-tool/demo-stress.yaml", "other-tool/demo-stress.sh"],
        ),
        (
            &["--category", "network"],
            &["demo-tool/demo-latency.yaml", "other-tool/demo-latency.sh"],
        ),
        (
            &["--category", "resource", "--tool", "demo-tool"],
            &["demo-tool/demo-stress.yaml"],
        ),
        (
            &[
                "--scenario",
                "demo-latency",
                "--scenario",
                "demo-stress",
                "--tool",
                "demo-tool",
            ],
            &["demo-tool/demo-latency.yaml", "demo-tool/demo-stress.yaml"],
        ),
        (
            &[
                "--tool",
                "demo-tool",
                "--tool",
                "other-tool",
                "--category",
                "network",
            ],
            &["demo-tool/demo-latency.yaml", "other-tool/demo-latency.sh"],
        ),
    ];
    for (args, expected) in cases {
        let out = p.export(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(p.exported(), expected, "{args:?}");
    }
}

/// Whole numbers stay whole and are never truncated; surrounding spaces
/// are allowed; anything else is a usage error that writes nothing.
#[test]
fn integer_values_are_never_truncated() {
    let p = Project::minimal();
    for (value, written) in [("250", "250ms"), ("+7", "7ms"), (" 300 ", "300ms")] {
        let out = p.export(&["--set", &format!("latency_ms={value}")]);
        assert_eq!(out.status.code(), Some(0), "{value:?}: {}", stderr(&out));
        assert!(
            p.manifest().contains(&format!("latency: \"{written}\"")),
            "{value:?}"
        );
    }
    for value in [
        "2.5",
        "2.0",
        "1e3",
        "\u{663}",
        "99999999999999999999",
        "-5",
        "0x10",
        "",
    ] {
        let _ = fs::remove_dir_all(p.out());
        let out = p.export(&["--set", &format!("latency_ms={value}")]);
        assert_eq!(out.status.code(), Some(2), "{value:?} was accepted");
        assert!(
            !p.out().exists(),
            "{value:?}: a refused export writes nothing"
        );
    }
}

/// Gives the fixture's demo tool prerequisites: a Chaos Mesh manifest with
/// one `namespace` parameter, unquoted in `metadata`, whose selector names
/// the namespaces `namespaces` (a YAML flow list).
fn add_prerequisites(p: &Project, namespaces: &str) {
    let tool = p.dir.path().join("catalog/tools/demo-tool.yaml");
    let prerequisites = format!("prerequisites:\n  summary: Apply this once, before any experiment of the demo tool.\n  format: chaos-mesh\n  parameters:\n    - {{name: namespace, type: string, default: demo, description: target namespace}}\n  manifest: |\n    apiVersion: chaos-mesh.org/v1alpha1\n    kind: NetworkChaos\n    metadata:\n      name: shared\n      namespace: {{{{ namespace }}}}\n    spec:\n      action: delay\n      mode: all\n      selector:\n        namespaces: {namespaces}\n      delay:\n        latency: 10ms\n");
    fs::write(&tool, fs::read_to_string(&tool).unwrap() + &prerequisites).unwrap();
}

/// A `--set` value that the scenario's manifest takes intact (it quotes
/// the value, in an annotation) but that would change the prerequisites
/// (which do not) is refused for the prerequisites' sake, and nothing is
/// written.
#[test]
fn set_values_that_would_change_the_prerequisites_are_refused() {
    let p = Project::minimal();
    let scenario = p
        .dir
        .path()
        .join("catalog/scenarios/network/demo-latency.yaml");
    let text = fs::read_to_string(&scenario)
        .unwrap()
        .replace(
            "namespace: {{ namespace }}",
            "namespace: demo\n        annotations:\n          target: \"{{ namespace }}\"",
        )
        .replace("- {{ namespace }}", "- demo");
    fs::write(&scenario, text).unwrap();
    add_prerequisites(&p, "[demo]");
    assert_eq!(p.export(&[]).status.code(), Some(0));
    fs::remove_dir_all(p.out()).unwrap();

    // In the scenario's quotes `#b` is text; unquoted, it starts a comment.
    let out = p.export(&["--set", "namespace=a #b"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "the values given with --set would change the structure of the prerequisites of Demo Tool (the value of namespace does not survive parsing intact)"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!p.out().exists(), "a refused export writes nothing");
}

#[test]
fn prerequisites_are_exported_once_per_tool_with_the_set_values() {
    let p = Project::minimal();
    add_prerequisites(&p, "[{{ namespace }}]");
    let out = p.export(&["--set", "namespace=prod"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(p.out().join("demo-tool/_prerequisites.yaml")).unwrap();
    assert!(
        text.contains("  name: shared\n  namespace: prod\n"),
        "{text}"
    );
    let index: Value =
        serde_json::from_str(&fs::read_to_string(p.out().join("index.json")).unwrap()).unwrap();
    let listed = &index["prerequisites"][0];
    assert_eq!(listed["tool"], "demo-tool");
    assert_eq!(listed["file"], "demo-tool/_prerequisites.yaml");
    assert_eq!(listed["parameters"]["namespace"], "prod");
    assert_eq!(index["prerequisites"].as_array().unwrap().len(), 1);
    let readme = fs::read_to_string(p.out().join("README.md")).unwrap();
    assert!(
        readme.contains("| Demo Tool | `demo-tool/_prerequisites.yaml` | `kubectl apply -f demo-tool/_prerequisites.yaml` |"),
        "{readme}"
    );

    let out = p.export(&["--set", "namespace=prod\n  extra: injected"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
