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

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

mod common;
use common::{env_usize, generate, repo, stats, FORMATS};

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

fn main() {
    // `cargo bench` passes `--bench`; there are no other options.
    let scenarios = env_usize("CHAOSBOOK_BENCH_SCENARIOS", 10_000);
    let runs = env_usize("CHAOSBOOK_BENCH_RUNS", 5).max(1);
    let dir = repo().join(format!("target/bench/check-{scenarios}"));
    let started = Instant::now();
    generate(&dir, scenarios, FORMATS.len(), 0);
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
