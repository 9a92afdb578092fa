//! The performance budget (CONTRIBUTING.md) at the scale the catalog can
//! really reach: S scenarios x 11 tools (default 500; every tool with a
//! complete manifest, in the repository's six fixture formats) and P
//! chapter pages (default 2,000; one in ten embeds a scenario).
//!
//! Times, in one run and interleaved:
//! - `check`, `build` and (with `CHAOSBOOK_BENCH_PDF=1`) `pdf` as whole
//!   processes, for this build's binary and for every other binary named
//!   in `CHAOSBOOK_BENCH_VARIANTS` (`name=path,name=path`: a build of the
//!   same source with one fast path taken out), so a fast path's saving is
//!   a ratio from the same minutes of the same machine;
//! - `serve`'s rebuild after a one-file catalog edit, in process.
//!
//! Run: `cargo bench --profile dev --bench budget` (S from
//! `CHAOSBOOK_BENCH_SCENARIOS`, P from `CHAOSBOOK_BENCH_PAGES`, runs from
//! `CHAOSBOOK_BENCH_RUNS`, default 3). Reported as wall min/median and as
//! the median user CPU time of the process (getrusage of the children),
//! the figure least disturbed by other work on a shared machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chaosbook::serve::{Changes, Session};

mod common;
use common::{env_usize, indent, repo, FORMATS};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TOOLS: usize = 11;

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

/// The project: written once per size under target/bench/, then reused.
fn generate(dir: &Path, scenarios: usize, pages: usize) {
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
    for t in 0..TOOLS {
        let format = FORMATS[t % FORMATS.len()].0;
        std::fs::write(
            catalog.join(format!("tools/tool-{t:02}.yaml")),
            format!(
                "id: tool-{t:02}\nname: Tool {t}\nsummary: A synthetic tool for the budget benchmark.\nhomepage: https://t{t}.example.org\n\
                 docs: https://t{t}.example.org/docs\nlicense: Apache-2.0\ngovernance: open-source\ncurrent_version: \"1.0.0\"\n\
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
    for t in 0..TOOLS {
        let (format, fixture) = FORMATS[t % FORMATS.len()];
        let manifest =
            std::fs::read_to_string(repo().join("tests/fixtures/formats").join(fixture)).unwrap();
        let _ = write!(
            implementations,
            "  - tool: tool-{t:02}\n    support: native\n    format: {format}\n    docs: https://t{t}.example.org/docs/x\n    verified_with: \"1.0.0\"\n    manifest: |\n{}\n",
            indent(&manifest, "      ")
        );
    }
    for n in 0..scenarios {
        let id = format!("bench-scenario-{n}");
        std::fs::write(
            catalog.join(format!("scenarios/network/{id}.yaml")),
            format!(
                "id: {id}\ntitle: Bench scenario {n}\nsummary: A synthetic scenario number {n} for the benchmark.\ncategory: network\n\
                 targets: [kubernetes]\npersonas: [sre]\nblast_radius:\n  level: low\n  scope: one pod\n\
                 hypothesis: >-\n  The service keeps its p99 latency under 500 ms while the fault is active.\n\
                 steady_state:\n  - signal: p99 latency\n    threshold: below 500 ms\n\
                 method: >-\n  Inject the fault into one pod for the configured duration and observe.\n\
                 parameters:\n  - name: namespace\n    type: string\n    default: shop\n    description: target namespace\n\
                 abort_conditions:\n  - error ratio above 5%\nrollback: Delete the experiment.\nobservability:\n  - latency at the caller\n\
                 practices: [bench-practice]\nimplementations:\n{implementations}"
            ),
        )
        .unwrap();
    }
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Budget\"\nsrc = \"src\"\n",
    )
    .unwrap();
    let mut summary = String::from("# Summary\n\n[Catalog](catalog.md)\n\n");
    std::fs::write(src.join("catalog.md"), "# Catalog\n\n{{#catalog}}\n").unwrap();
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
    std::fs::write(marker, "").unwrap();
}

/// User CPU time of the finished child processes so far.
#[cfg(unix)]
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    Duration::new(
        usage.ru_utime.tv_sec as u64,
        usage.ru_utime.tv_usec as u32 * 1000,
    )
}

#[cfg(not(unix))]
fn children_cpu() -> Duration {
    Duration::ZERO
}

/// Runs `bin` on `root`; its wall and user CPU time.
fn run(bin: &Path, root: &Path, args: &[&str]) -> (Duration, Duration) {
    let (wall, cpu) = (Instant::now(), children_cpu());
    let out = Command::new(bin)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let took = (wall.elapsed(), children_cpu().saturating_sub(cpu));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(3000)
            .collect::<String>()
    );
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let scenarios = env_usize("CHAOSBOOK_BENCH_SCENARIOS", 500);
    let pages = env_usize("CHAOSBOOK_BENCH_PAGES", 2000);
    let runs = env_usize("CHAOSBOOK_BENCH_RUNS", 3).max(1);
    let with_pdf = std::env::var("CHAOSBOOK_BENCH_PDF").is_ok_and(|v| v == "1");
    let dir = repo().join(format!("target/bench/budget-{scenarios}-{pages}"));
    let started = Instant::now();
    generate(&dir, scenarios, pages);
    eprintln!(
        "{scenarios} scenarios x {TOOLS} tools, {pages} pages ready in {:.1?}",
        started.elapsed()
    );

    let mut binaries: Vec<(String, PathBuf)> = vec![(
        "this build".to_string(),
        PathBuf::from(env!("CARGO_BIN_EXE_chaosbook")),
    )];
    if let Ok(list) = std::env::var("CHAOSBOOK_BENCH_VARIANTS") {
        for pair in list.split(',').filter(|p| !p.is_empty()) {
            let (name, path) = pair.split_once('=').expect("name=path");
            binaries.push((name.to_string(), PathBuf::from(path)));
        }
    }
    let site = dir.join("site-out");
    let pdf = dir.join("book.pdf");
    let mut commands: Vec<(&str, Vec<String>)> = vec![
        (
            "check",
            vec!["check".into(), "--format".into(), "json".into()],
        ),
        (
            "build",
            vec!["build".into(), "--dest".into(), site.display().to_string()],
        ),
    ];
    if with_pdf {
        commands.push((
            "pdf",
            vec![
                "pdf".into(),
                "--out".into(),
                pdf.display().to_string(),
                "--date".into(),
                "2024-01-01".into(),
            ],
        ));
    }
    // [command][binary] -> (wall, cpu) samples, interleaved run by run.
    let mut samples = vec![vec![(Vec::new(), Vec::new()); binaries.len()]; commands.len()];
    for _ in 0..runs {
        for (c, (_, args)) in commands.iter().enumerate() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            for (b, (_, bin)) in binaries.iter().enumerate() {
                let (wall, cpu) = run(bin, &dir, &args);
                samples[c][b].0.push(wall);
                samples[c][b].1.push(cpu);
            }
        }
    }
    println!(
        "\n{scenarios} scenarios x {TOOLS} tools, {pages} chapter pages; {runs} runs, interleaved"
    );
    println!("| command | binary | wall min | wall median | user CPU median | CPU / this build |");
    println!("|---|---|---|---|---|---|");
    for (c, (name, _)) in commands.iter().enumerate() {
        let base = median(samples[c][0].1.clone());
        for (b, (bname, _)) in binaries.iter().enumerate() {
            let (wall, cpu) = &samples[c][b];
            let min = *wall.iter().min().unwrap();
            let cpu = median(cpu.clone());
            println!(
                "| {name} | {bname} | {:.0} ms | {:.0} ms | {:.0} ms | {:.2} |",
                ms(min),
                ms(median(wall.clone())),
                ms(cpu),
                cpu.as_secs_f64() / base.as_secs_f64()
            );
        }
    }

    // serve: the rebuild after a one-file catalog edit, in process.
    let mut session = Session::new(&dir);
    session.rebuild(Changes::ALL).expect("the project builds");
    let tool = dir.join("catalog/tools/tool-00.yaml");
    let original = std::fs::read_to_string(&tool).unwrap();
    let mut edits = Vec::new();
    for i in 0..runs.max(3) {
        std::fs::write(&tool, format!("{}\n# edited {i}\n", original.trim_end())).unwrap();
        let t = Instant::now();
        session
            .rebuild(Changes {
                catalog: true,
                ..Changes::default()
            })
            .expect("the edit builds");
        edits.push(t.elapsed());
    }
    std::fs::write(&tool, original).unwrap();
    let min = *edits.iter().min().unwrap();
    println!(
        "| serve rebuild after a catalog edit | this build (in process) | {:.0} ms | {:.0} ms | | |",
        ms(min),
        ms(median(edits))
    );
}
