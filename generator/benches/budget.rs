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
//! the median CPU time of the process, user plus system (from `wait4`):
//! the figure least disturbed by other work on a shared machine; and the
//! process's peak resident memory. System time counts: an allocator that
//! hands memory back to the kernel and faults it in again (or zeroes huge
//! pages) spends it there, not in user time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chaosbook::serve::{Changes, Session};

mod common;
use common::{env_usize, generate, repo};

// The allocator the `chaosbook` binary ships with, so the serve rebuild,
// timed in this process, is timed as `serve` runs it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TOOLS: usize = 11;

/// One run of a command: wall time, CPU time (user plus system) and the
/// peak resident memory of its process.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_mib: u64,
}

/// `bin --root root args...`, the command line every run uses.
fn command(bin: &Path, root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin);
    command.arg("--root").arg(root).args(args);
    command
}

/// The panic of a run that failed, with the start of what it wrote.
fn failed(bin: &Path, args: &[&str], stderr: &[u8]) -> ! {
    let text: String = String::from_utf8_lossy(stderr).chars().take(3000).collect();
    panic!("{} {args:?} failed: {text}", bin.display());
}

/// Runs `bin` on `root` as its own process and reaps it with `wait4`, which
/// reports that process's own CPU time and peak memory.
#[cfg(unix)]
#[expect(clippy::zombie_processes, reason = "wait4 reaps the child")]
fn run(bin: &Path, root: &Path, args: &[&str]) -> Sample {
    let mut stderr = tempfile::tempfile().unwrap();
    let started = Instant::now();
    let child = command(bin, root, args)
        .stdout(std::process::Stdio::null())
        .stderr(stderr.try_clone().unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 reaps the child it names and writes its status and its
    // resource usage into the places it is given, nothing else.
    let usage = unsafe {
        let reaped = libc::wait4(
            child.id() as libc::pid_t,
            &mut status,
            0,
            usage.as_mut_ptr(),
        );
        assert_eq!(reaped, child.id() as libc::pid_t, "wait4 failed");
        usage.assume_init()
    };
    let wall = started.elapsed();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        use std::io::{Read, Seek};
        let mut text = Vec::new();
        stderr.rewind().unwrap();
        stderr.read_to_end(&mut text).unwrap();
        failed(bin, args, &text);
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Sample {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        // Linux reports the peak in KiB.
        peak_mib: usage.ru_maxrss as u64 / 1024,
    }
}

#[cfg(not(unix))]
fn run(bin: &Path, root: &Path, args: &[&str]) -> Sample {
    let started = Instant::now();
    let out = command(bin, root, args).output().unwrap();
    if !out.status.success() {
        failed(bin, args, &out.stderr);
    }
    Sample {
        wall: started.elapsed(),
        cpu: Duration::ZERO,
        peak_mib: 0,
    }
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
    generate(&dir, scenarios, TOOLS, pages);
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
    // [command][binary] -> samples, interleaved run by run.
    let mut samples: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); binaries.len()]; commands.len()];
    for _ in 0..runs {
        for (c, (_, args)) in commands.iter().enumerate() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            for (b, (_, bin)) in binaries.iter().enumerate() {
                samples[c][b].push(run(bin, &dir, &args));
            }
        }
    }
    println!(
        "\n{scenarios} scenarios x {TOOLS} tools, {pages} chapter pages; {runs} runs, interleaved"
    );
    println!("| command | binary | wall min | wall median | CPU median (user + system) | CPU / this build | peak memory (max) |");
    println!("|---|---|---|---|---|---|---|");
    let cpu_median = |runs: &[Sample]| median(runs.iter().map(|r| r.cpu).collect());
    for (c, (name, _)) in commands.iter().enumerate() {
        let base = cpu_median(&samples[c][0]);
        for (b, (bname, _)) in binaries.iter().enumerate() {
            let runs = &samples[c][b];
            let walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
            let cpu = cpu_median(runs);
            println!(
                "| {name} | {bname} | {:.0} ms | {:.0} ms | {:.0} ms | {:.2} | {} MiB |",
                ms(*walls.iter().min().unwrap()),
                ms(median(walls)),
                ms(cpu),
                cpu.as_secs_f64() / base.as_secs_f64(),
                runs.iter().map(|r| r.peak_mib).max().unwrap_or(0)
            );
        }
    }

    // serve: the rebuild after a one-file catalog edit, in process. The
    // edit changes what a reader sees (a scenario's hypothesis), so every
    // page that shows that scenario must change: an edit to a comment
    // would measure a rebuild with nothing to do.
    let mut session = Session::new(&dir);
    session.rebuild(Changes::ALL).expect("the project builds");
    let edited = first_scenario_file(&dir.join("catalog/scenarios"));
    let original = std::fs::read_to_string(&edited).unwrap();
    let mut edits = Vec::new();
    for i in 0..runs.max(3) {
        let text = original.replacen(
            "while the fault is active",
            &format!("while the fault is active (edit {i})"),
            1,
        );
        assert_ne!(
            text,
            original,
            "the bench edits the hypothesis of {}",
            edited.display()
        );
        std::fs::write(&edited, text).unwrap();
        let t = Instant::now();
        session
            .rebuild(Changes {
                catalog: true,
                ..Changes::default()
            })
            .expect("the edit builds");
        edits.push(t.elapsed());
    }
    std::fs::write(&edited, original).unwrap();
    let min = *edits.iter().min().unwrap();
    println!(
        "| serve rebuild after a catalog edit | this build (in process) | {:.0} ms | {:.0} ms | | |",
        ms(min),
        ms(median(edits))
    );
}

/// The first scenario file under `dir` (its category folders), by name.
fn first_scenario_file(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .flat_map(|category| std::fs::read_dir(category.path()).unwrap().flatten())
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files.remove(0)
}
