//! Benchmark of `chaosbook check` on a synthetic catalog.
//!
//! Writes N scenarios x 6 implementations (one per format: chaos-mesh,
//! litmus, chaostoolkit, aws-fis, azure-chaos-studio, pumba; the manifests
//! are the repository's valid format fixtures) under `target/bench/`, then
//! times, in the same run:
//! - the baseline: reading and parsing every YAML file of that catalog (no
//!   validation), in process, on all cores;
//! - `chaosbook check` as a whole process (parse, schemas, references,
//!   manifests), several runs.
//!
//! Run: `cargo bench --profile dev --bench check` (N from
//! `CHAOSBOOK_BENCH_SCENARIOS`, default 10000; runs from
//! `CHAOSBOOK_BENCH_RUNS`, default 5). Figures are reported as min/median
//! and as the ratio check / parse, since this machine is shared and noisy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

const FORMATS: [(&str, &str); 6] = [
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

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn indent(text: &str, by: &str) -> String {
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

/// Writes the synthetic catalog (once per size; reused across runs).
fn generate(dir: &Path, scenarios: usize) {
    let marker = dir.join(".complete");
    if marker.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    let catalog = dir.join("catalog");
    std::fs::create_dir_all(catalog.join("tools")).unwrap();
    std::fs::create_dir_all(catalog.join("practices")).unwrap();
    std::fs::create_dir_all(catalog.join("scenarios/network")).unwrap();
    let formats_dir = catalog.join("schema/formats");
    std::fs::create_dir_all(&formats_dir).unwrap();
    for (format, _) in FORMATS {
        let name = format!("{format}.schema.json");
        std::fs::copy(
            repo().join("catalog/schema/formats").join(&name),
            formats_dir.join(&name),
        )
        .unwrap();
    }
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"bench\"\n").unwrap();
    for (i, (format, _)) in FORMATS.iter().enumerate() {
        std::fs::write(
            catalog.join(format!("tools/tool-{i}.yaml")),
            format!(
                "id: tool-{i}\nname: Tool {i}\nsummary: A synthetic tool for the check benchmark.\nhomepage: https://t{i}.example.org\n\
                 docs: https://t{i}.example.org/docs\nlicense: Apache-2.0\ngovernance: open-source\ncurrent_version: \"1.0.0\"\n\
                 targets: [kubernetes]\nformats: [{format}]\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        catalog.join("practices/bench-practice.yaml"),
        "id: bench-practice\ntitle: Bench practice\narea: safety\nsummary: A synthetic practice for the check benchmark.\n\
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
            "  - tool: tool-{i}\n    support: native\n    format: {format}\n    docs: https://t{i}.example.org/docs/x\n    verified_with: \"1.0.0\"\n    manifest: |\n{}\n",
            indent(&manifest, "      ")
        );
    }
    (0..scenarios).into_par_iter().for_each(|n| {
        let id = format!("bench-scenario-{n}");
        let text = format!(
            "id: {id}\ntitle: Bench scenario {n}\nsummary: A synthetic scenario number {n} for the check benchmark.\ncategory: network\n\
             targets: [kubernetes]\npersonas: [sre]\nblast_radius:\n  level: low\n  scope: one pod\n\
             hypothesis: >-\n  The service keeps its p99 latency under 500 ms while the fault is active.\n\
             steady_state:\n  - signal: p99 latency\n    threshold: below 500 ms\n\
             method: >-\n  Inject the fault into one pod for the configured duration and observe.\n\
             parameters:\n  - name: namespace\n    type: string\n    default: shop\n    description: target namespace\n\
             abort_conditions:\n  - error ratio above 5%\nrollback: Delete the experiment.\nobservability:\n  - latency at the caller\n\
             practices: [bench-practice]\nimplementations:\n{implementations}"
        );
        std::fs::write(catalog.join(format!("scenarios/network/{id}.yaml")), text).unwrap();
    });
    std::fs::write(marker, "").unwrap();
}

fn parse_all(dir: &Path) -> usize {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("catalog"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect();
    files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            chaosbook::catalog::yaml::parse_stream(&text).unwrap().len()
        })
        .sum()
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[0], samples[samples.len() / 2])
}

fn main() {
    // `cargo bench` passes `--bench`; there are no other options.
    let scenarios = env_usize("CHAOSBOOK_BENCH_SCENARIOS", 10_000);
    let runs = env_usize("CHAOSBOOK_BENCH_RUNS", 5).max(1);
    let dir = repo().join(format!("target/bench/check-{scenarios}"));
    let started = Instant::now();
    generate(&dir, scenarios);
    eprintln!(
        "catalog of {scenarios} scenarios x {} implementations ready in {:.1?}",
        FORMATS.len(),
        started.elapsed()
    );

    let mut parse = Vec::new();
    let mut check = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let docs = parse_all(&dir);
        parse.push(t.elapsed());
        assert_eq!(docs, scenarios + FORMATS.len() + 1);

        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .args(["check", "--format", "json", "--root"])
            .arg(&dir)
            .output()
            .unwrap();
        check.push(t.elapsed());
        assert!(
            out.status.success(),
            "check failed on the synthetic catalog: {}",
            String::from_utf8_lossy(&out.stdout)
                .chars()
                .take(2000)
                .collect::<String>()
        );
    }
    let (pmin, pmed) = stats(parse);
    let (cmin, cmed) = stats(check);
    println!(
        "scenarios: {scenarios} x {} implementations, {runs} runs, {} cores",
        FORMATS.len(),
        rayon::current_num_threads()
    );
    println!("| what | min | median |");
    println!("|---|---|---|");
    println!("| parse YAML only (in process) | {pmin:.2?} | {pmed:.2?} |");
    println!("| chaosbook check (whole process) | {cmin:.2?} | {cmed:.2?} |");
    println!(
        "ratio check / parse: min {:.2}x, median {:.2}x",
        cmin.as_secs_f64() / pmin.as_secs_f64(),
        cmed.as_secs_f64() / pmed.as_secs_f64()
    );
}
