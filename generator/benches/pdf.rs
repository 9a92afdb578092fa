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

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::{env_usize, generate, repo, stats, FORMATS};

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
    let book = chaosbook::book::load(&chaosbook::config::Config::load(root).unwrap()).unwrap();
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
    generate(&dir, scenarios, FORMATS.len(), 0);
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
