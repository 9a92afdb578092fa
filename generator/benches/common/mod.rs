//! What the benchmarks share: a synthetic project of N scenarios x T
//! implementations (formats in turn; the manifests are the repository's
//! valid format fixtures) and its chapters, written once per size under
//! `target/bench/`.

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

/// What a tool file needs besides its identity: the `safety` facts the
/// stopping-safely table shows (the same for every synthetic tool).
const SAFETY: &str =
    "safety:\n  stop: {text: Delete the experiment., docs: https://example.org/stop}\n  \
automatic_stop: {text: The fault ends with its duration., docs: https://example.org/auto}\n  \
injector_failure: {text: Not documented., docs: https://example.org/failure}\n  \
verify_cleanup: {text: Read the target's status., docs: https://example.org/cleanup}\n";

/// Words the synthetic chapters are made of.
const WORDS: &[&str] = &[
    "steady",
    "state",
    "hypothesis",
    "latency",
    "abort",
    "rollback",
    "blast",
    "radius",
    "signal",
    "threshold",
    "experiment",
    "observe",
    "service",
    "replica",
    "network",
    "partition",
    "budget",
    "error",
    "ratio",
    "gameday",
    "review",
    "operator",
    "scribe",
    "confirmed",
    "refuted",
];

/// Writes the synthetic project (once per size; reused across runs):
/// `scenarios` scenarios with one complete, native implementation per tool
/// for `tools` tools (their formats taken in turn from [`FORMATS`]), and
/// either one chapter that embeds a scenario and holds the catalog
/// (`pages` = 0) or the catalog page and `pages` chapters of prose, lists
/// and code, one in ten embedding a scenario.
pub(crate) fn generate(dir: &Path, scenarios: usize, tools: usize, pages: usize) {
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
    for t in 0..tools {
        let format = FORMATS[t % FORMATS.len()].0;
        std::fs::write(
            catalog.join(format!("tools/tool-{t:02}.yaml")),
            format!(
                "id: tool-{t:02}\nname: Tool {t}\nsummary: A synthetic tool for the benchmark.\nhomepage: https://t{t}.example.org\n\
                 docs: https://t{t}.example.org/docs\nlicense: Apache-2.0\ngovernance: open-source\ncurrent_version: \"1.0.0\"\n\
                 targets: [kubernetes]\nformats: [{format}]\n{SAFETY}"
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
    let fixtures: Vec<(&str, String)> = (0..tools)
        .map(|t| {
            let (format, fixture) = FORMATS[t % FORMATS.len()];
            let path = repo().join("tests/fixtures/formats").join(fixture);
            (format, std::fs::read_to_string(path).unwrap())
        })
        .collect();
    for n in 0..scenarios {
        let id = format!("bench-scenario-{n}");
        let mut implementations = String::new();
        for (t, (format, manifest)) in fixtures.iter().enumerate() {
            let _ = write!(
                implementations,
                "  - tool: tool-{t:02}\n    support: native\n    format: {format}\n    docs: https://t{t}.example.org/docs/x\n    verified: {{version: \"1.0.0\", by: schema, date: 2026-01-15}}\n    manifest: |\n{}\n",
                indent(&distinct(manifest, n), "      ")
            );
        }
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
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Bench\"\nsrc = \"src\"\n",
    )
    .unwrap();
    if pages == 0 {
        std::fs::write(
            src.join("SUMMARY.md"),
            "# Summary\n\n[Introduction](intro.md)\n",
        )
        .unwrap();
        std::fs::write(
            src.join("intro.md"),
            "# Introduction\n\nA synthetic book: one chapter, then the catalog.\n\n{{#scenario bench-scenario-0}}\n\n{{#catalog}}\n",
        )
        .unwrap();
    } else {
        write_pages(&src, scenarios, pages);
    }
    std::fs::write(marker, "").unwrap();
}

/// `manifest` made unique to scenario `n`, still valid in its format: real
/// scenarios never share a manifest, and the site memoises highlighted
/// manifests by content, so identical ones would hide the highlighting cost.
fn distinct(manifest: &str, n: usize) -> String {
    if manifest.trim_start().starts_with('{') {
        // JSON: one more tag (both JSON formats take free-form tags).
        manifest.replacen(
            "\"tags\": {",
            &format!("\"tags\": {{\n    \"bench-scenario\": \"{n}\","),
            1,
        )
    } else if let Some((shebang, rest)) = manifest
        .split_once('\n')
        .filter(|_| manifest.starts_with("#!"))
    {
        // A script: the comment goes after its `#!` line.
        format!("{shebang}\n# bench scenario {n}\n{rest}")
    } else {
        format!("# bench scenario {n}\n{manifest}")
    }
}

/// The catalog page and `pages` chapters (see [`generate`]).
fn write_pages(src: &Path, scenarios: usize, pages: usize) {
    let mut summary = String::from("# Summary\n\n[Catalog](catalog.md)\n\n");
    std::fs::write(src.join("catalog.md"), "# Catalog\n\n{{#catalog}}\n").unwrap();
    // A fixed linear congruential sequence: the same book on every run.
    let mut seed: u64 = 7;
    let mut word = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        WORDS[(seed >> 33) as usize % WORDS.len()]
    };
    for p in 0..pages {
        let _ = writeln!(summary, "- [Page {p}](page-{p}.md)");
        let mut md = format!("# Page {p}\n\n");
        for s in 0..3 {
            let _ = write!(md, "## Section {s}\n\n");
            for _ in 0..3 {
                let sentence: Vec<&str> = (0..14).map(|_| word()).collect();
                let _ = write!(md, "{}.\n\n", sentence.join(" "));
            }
            let _ = write!(md, "- a *{}* item\n- a `{}` item\n\n", word(), word());
        }
        let _ = write!(
            md,
            "```yaml\nkind: PodChaos\nspec:\n  mode: one\n  selector:\n    app: {}\n```\n\n```bash\nkubectl get pods -n {} | grep -c Running\n```\n\n",
            word(),
            word()
        );
        if p % 10 == 0 {
            let _ = writeln!(
                md,
                "{{{{#scenario bench-scenario-{}}}}}",
                p % scenarios.max(1)
            );
        }
        std::fs::write(src.join(format!("page-{p}.md")), md).unwrap();
    }
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
}
