//! Benchmark of `chaosbook pdf`, against `chaosbook check` on the same
//! input in the same run:
//! - the real whitepaper and catalog of this repository;
//! - a synthetic project of N scenarios x 6 implementations (one per
//!   format; the manifests are the repository's valid format fixtures) and
//!   one chapter, written under `target/bench/`.
//!
//! Each `pdf` and `check` is a whole process (as a user runs it). For the
//! real whitepaper the in-process stages are timed too: loading and
//! checking, writing the typst markup, typesetting, PDF export.
//!
//! Run: `cargo bench --profile dev --bench pdf` (N from
//! `CHAOSBOOK_BENCH_PDF_SCENARIOS`, default 1000; runs from
//! `CHAOSBOOK_BENCH_RUNS`, default 3). Reports min and median, since this
//! machine is shared and noisy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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

/// Writes the synthetic project (once per size; reused across runs).
fn generate(dir: &Path, scenarios: usize) {
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
        "# Introduction\n\nA synthetic book: one chapter, then the [catalog](catalog:index).\n\n{{#scenario bench-scenario-0}}\n",
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
            "  - tool: tool-{i}\n    support: native\n    format: {format}\n    docs: https://t{i}.example.org/docs/x\n    verified_with: \"1.0.0\"\n    manifest: |\n{}\n",
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

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[0], samples[samples.len() / 2])
}

fn run(root: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "chaosbook {args:?} failed on {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(3000)
            .collect::<String>()
    );
    took
}

/// Times `check` and `pdf` as processes; returns the page count too.
fn compare(name: &str, root: &Path, runs: usize) -> (usize, Duration, Duration) {
    let out = repo().join(format!(
        "target/bench/{}.pdf",
        name.replace([' ', ','], "-")
    ));
    let out_arg = out.to_str().unwrap().to_string();
    let mut check = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..runs {
        check.push(run(root, &["check", "--format", "json"]));
        pdf.push(run(
            root,
            &["pdf", "--out", &out_arg, "--date", "2024-01-01"],
        ));
    }
    let bytes = std::fs::read(&out).unwrap();
    let pages = count_pages(&bytes);
    let (cmin, cmed) = stats(check);
    let (pmin, pmed) = stats(pdf);
    println!(
        "| {name} | {pages} | {} KiB | {cmin:.2?} / {cmed:.2?} | {pmin:.2?} / {pmed:.2?} | {:.1}x / {:.1}x |",
        bytes.len() / 1024,
        pmin.as_secs_f64() / cmin.as_secs_f64(),
        pmed.as_secs_f64() / cmed.as_secs_f64(),
    );
    (pages, pmin, pmed)
}

/// The page count from the PDF's page tree (`/Type /Pages ... /Count N`,
/// the largest, which is the root's).
fn count_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Count ")
        .filter_map(|(at, _)| {
            text[at + 7..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .max()
        .unwrap_or(0)
}

/// The stages of one in-process run on the real repository.
fn stages(root: &Path) {
    let t = Instant::now();
    let (catalog, report) = chaosbook::check(root);
    assert!(!report.has_errors(), "{}", report.human_string());
    let checked = t.elapsed();
    let t = Instant::now();
    let book = chaosbook::book::load(root).unwrap();
    let opts = chaosbook::pdf::Options::default();
    let source = chaosbook::pdf::document(&book, &catalog, &opts);
    let markup = t.elapsed();
    let size = source.len();
    let pdf = chaosbook::pdf::compile(source, &book.src_dir, None).unwrap();
    println!(
        "real whitepaper, in process: check {checked:.2?}, book + typst markup {markup:.2?} ({} KiB), typesetting {:.2?}, PDF export {:.2?}; {} pages",
        size / 1024,
        pdf.timings.layout,
        pdf.timings.export,
        pdf.pages
    );
}

fn main() {
    let scenarios = env_usize("CHAOSBOOK_BENCH_PDF_SCENARIOS", 1000);
    let runs = env_usize("CHAOSBOOK_BENCH_RUNS", 3).max(1);
    let dir = repo().join(format!("target/bench/pdf-{scenarios}"));
    let started = Instant::now();
    generate(&dir, scenarios);
    eprintln!(
        "synthetic project of {scenarios} scenarios x {} implementations ready in {:.1?}",
        FORMATS.len(),
        started.elapsed()
    );
    println!(
        "{runs} runs each (min / median), {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| input | pages | size | check | pdf | pdf / check |");
    println!("|---|---|---|---|---|---|");
    let (_, real_min, _) = compare("real whitepaper", &repo(), runs);
    compare(
        &format!("synthetic, {scenarios} scenarios"),
        &dir,
        runs.min(2),
    );
    stages(&repo());
    let target = Duration::from_secs(5);
    println!(
        "target: the real whitepaper in under {target:?}: {}",
        if real_min < target { "met" } else { "NOT met" }
    );
}
