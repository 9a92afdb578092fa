//! What the benchmarks share: a synthetic project of N scenarios x 6
//! implementations (one per format; the manifests are the repository's
//! valid format fixtures) and one chapter that embeds a scenario and holds
//! the catalog, written once per size under `target/bench/`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const FORMATS: [(&str, &str); 6] = [
    ("chaos-mesh", "chaos-mesh/valid-pod-kill.yaml"),
    ("litmus", "litmus/valid-pod-delete.yaml"),
    ("chaostoolkit", "chaostoolkit/valid-terminate-pods.yaml"),
    ("aws-fis", "aws-fis/valid-ec2-stop-instances.json"),
    (
        "azure-chaos-studio",
        "azure-chaos-studio/valid-vm-shutdown.json",
    ),
    ("pumba", "pumba/valid-netem-delay.sh"),
];

pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub(crate) fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub(crate) fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Min and median.
pub(crate) fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[0], samples[samples.len() / 2])
}

/// Writes the synthetic project (once per size; reused across runs).
pub(crate) fn generate(dir: &Path, scenarios: usize) {
    let marker = dir.join(".complete");
    if marker.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    let catalog = dir.join("catalog");
    for sub in ["tools", "practices", "scenarios/network", "schema/formats"] {
        std::fs::create_dir_all(catalog.join(sub)).unwrap();
    }
    for (format, _) in FORMATS {
        let name = format!("{format}.schema.json");
        std::fs::copy(
            repo().join("catalog/schema/formats").join(&name),
            catalog.join("schema/formats").join(&name),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Bench\"\nsrc = \"src\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/SUMMARY.md"),
        "# Summary\n\n[Introduction](intro.md)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/intro.md"),
        "# Introduction\n\nA synthetic book: one chapter, then the catalog.\n\n{{#scenario bench-scenario-0}}\n\n{{#catalog}}\n",
    )
    .unwrap();
    for (i, (format, _)) in FORMATS.iter().enumerate() {
        std::fs::write(
            catalog.join(format!("tools/tool-{i}.yaml")),
            format!(
                "id: tool-{i}\nname: Tool {i}\nsummary: A synthetic tool for the benchmark.\nhomepage: https://t{i}.example.org\n\
                 docs: https://t{i}.example.org/docs\nlicense: Apache-2.0\ngovernance: open-source\ncurrent_version: \"1.0.0\"\n\
                 targets: [kubernetes]\nformats: [{format}]\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        catalog.join("practices/bench-practice.yaml"),
        "id: bench-practice\ntitle: Bench practice\narea: safety\nsummary: A synthetic practice for the benchmark.\n\
         body: |\n  A body long enough for the schema: it must hold at least one hundred characters of text, so here they are.\n\
         scenarios: []\n",
    )
    .unwrap();
    let mut implementations = String::new();
    for (i, (format, fixture)) in FORMATS.iter().enumerate() {
        let manifest =
            std::fs::read_to_string(repo().join("tests/fixtures/formats").join(fixture)).unwrap();
        let _ = write!(
            implementations,
            "  - tool: tool-{i}\n    support: native\n    format: {format}\n    docs: https://t{i}.example.org/docs/x\n    verified: {{version: \"1.0.0\", by: schema, date: 2026-01-15}}\n    manifest: |\n{}\n",
            indent(&manifest, "      ")
        );
    }
    for n in 0..scenarios {
        let id = format!("bench-scenario-{n}");
        let text = format!(
            "id: {id}\ntitle: Bench scenario {n}\nsummary: A synthetic scenario number {n} for the benchmark.\ncategory: network\n\
             targets: [kubernetes]\npersonas: [sre]\nblast_radius:\n  level: low\n  scope: one pod\n\
             hypothesis: >-\n  The service keeps its p99 latency under 500 ms while the fault is active.\n\
             steady_state:\n  - signal: p99 latency\n    threshold: below 500 ms\n\
             method: >-\n  Inject the fault into one pod for the configured duration and observe.\n\
             parameters:\n  - name: namespace\n    type: string\n    default: shop\n    description: target namespace\n\
             abort_conditions:\n  - error ratio above 5%\nrollback: Delete the experiment.\nobservability:\n  - latency at the caller\n\
             practices: [bench-practice]\nimplementations:\n{implementations}"
        );
        std::fs::write(catalog.join(format!("scenarios/network/{id}.yaml")), text).unwrap();
    }
    std::fs::write(marker, "").unwrap();
}
