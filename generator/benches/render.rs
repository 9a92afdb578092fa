//! Benchmark of the site renderer against mdBook's own HTML renderer.
//!
//! Writes synthetic markdown books of N pages under `target/bench/render/`
//! (nested sections, paragraphs, lists, a table and a YAML code block per
//! page), then times, in the same run and interleaved:
//! - chaosbook: load book.toml + SUMMARY.md + chapters through mdbook-driver
//!   (default preprocessors), render, write atomically;
//! - mdBook: `MDBook::load` + `build` with its HTML renderer (handlebars,
//!   search index on, as `mdbook build` ships it).
//!
//! Then, on a copy of the real book: a full `serve` build, and the rebuild
//! after a one-file edit of a chapter and of a catalog file.
//!
//! Then catalog pages against plain pages (see [`catalog_pages`]).
//!
//! Run: `cargo bench --profile dev --bench render` (page counts from
//! `CHAOSBOOK_BENCH_PAGES`, default `100,1000`; catalog sizes from
//! `CHAOSBOOK_BENCH_CATALOG`, default `1000,5000`; runs from
//! `CHAOSBOOK_BENCH_RUNS`, default 3; `CHAOSBOOK_BENCH_MDBOOK=0` skips
//! mdBook). Reported as min/median per tool and ratios, since this machine
//! is shared and noisy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chaosbook::serve::{Changes, Session};

mod common;

// The allocator the `chaosbook` binary ships with, so the figures are the
// binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// A small deterministic generator, so every run writes the same book.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() as usize) % words.len()]
    }
}

const WORDS: &[&str] = &[
    "chaos",
    "experiment",
    "steady",
    "state",
    "hypothesis",
    "blast",
    "radius",
    "latency",
    "pod",
    "node",
    "network",
    "partition",
    "failover",
    "observability",
    "metric",
    "alert",
    "rollback",
    "abort",
    "condition",
    "service",
    "cluster",
    "replica",
    "deployment",
    "tenant",
    "region",
    "zone",
    "dependency",
    "timeout",
    "retry",
    "budget",
    "error",
    "signal",
    "dashboard",
    "runbook",
    "gameday",
    "resilience",
    "capacity",
    "throughput",
    "saturation",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "that",
    "with",
    "for",
    "when",
    "under",
    "before",
    "after",
];

fn sentence(r: &mut Lcg) -> String {
    let n = 8 + (r.next() % 12) as usize;
    let mut s: Vec<&str> = (0..n).map(|_| r.pick(WORDS)).collect();
    let first = s[0].to_string();
    let cap = first[..1].to_uppercase() + &first[1..];
    s[0] = &cap;
    format!("{}.", s.join(" "))
}

fn paragraph(r: &mut Lcg) -> String {
    (0..4 + r.next() % 4)
        .map(|_| sentence(r))
        .collect::<Vec<_>>()
        .join(" ")
}

fn page(r: &mut Lcg, n: usize) -> String {
    let mut md = format!(
        "# Page {n}: {} {}\n\n{}\n\n",
        r.pick(WORDS),
        r.pick(WORDS),
        paragraph(r)
    );
    for s in 0..3 {
        let _ = write!(
            md,
            "## Section {s} on {}\n\n{}\n\n",
            r.pick(WORDS),
            paragraph(r)
        );
        for _ in 0..3 {
            let _ = writeln!(
                md,
                "- {} with *{}* and `{}`",
                sentence(r),
                r.pick(WORDS),
                r.pick(WORDS)
            );
        }
        md.push('\n');
        let _ = write!(md, "{}\n\n", paragraph(r));
    }
    let _ = write!(
        md,
        "| signal | threshold | action |\n|:--|--:|:--|\n| {} | {} | {} |\n| {} | {} | {} |\n\n",
        r.pick(WORDS),
        r.next() % 100,
        r.pick(WORDS),
        r.pick(WORDS),
        r.next() % 100,
        r.pick(WORDS)
    );
    let _ = write!(
        md,
        "```yaml\napiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: page-{n}\nspec:\n  action: pod-kill\n  mode: one\n  selector:\n    labelSelectors:\n      app: {}\n```\n\nSee [the next page](page-{}.md) and [the first](page-0.md#page-0).\n",
        r.pick(WORDS),
        n + 1
    );
    md
}

/// The `src` folder of a new book at `dir` with `book_toml`, or `None` if a
/// book of `pages` chapters is already there (books are kept across runs).
fn fresh_book(dir: &Path, pages: usize, book_toml: &str) -> Option<PathBuf> {
    let src = dir.join("src");
    if src.join("SUMMARY.md").exists()
        && std::fs::read_dir(&src).map(|d| d.count()).unwrap_or(0) == pages + 1
    {
        return None;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(dir.join("book.toml"), book_toml).unwrap();
    Some(src)
}

/// A book of `pages` chapters: parts of 50, each chapter with nine
/// sub-chapters, so the table of contents has depth.
fn write_book(dir: &Path, pages: usize) {
    let Some(src) = fresh_book(
        dir,
        pages,
        "[book]\ntitle = \"Synthetic\"\nsrc = \"src\"\n\n[build]\nbuild-dir = \"out-mdbook\"\n\n[output.html]\n\n[output.html.search]\nenable = true\n",
    ) else {
        return;
    };
    let mut summary = String::from("# Summary\n\n");
    let mut r = Lcg(42);
    for n in 0..pages {
        if n % 50 == 0 {
            let _ = write!(summary, "\n# Part {}\n\n", n / 50);
        }
        let indent = if n % 10 == 0 { "" } else { "  " };
        let _ = writeln!(summary, "{indent}- [Page {n}](page-{n}.md)");
        std::fs::write(src.join(format!("page-{n}.md")), page(&mut r, n)).unwrap();
    }
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
}

fn chaosbook_build(dir: &Path) -> Duration {
    let started = Instant::now();
    let book = chaosbook::book::load(
        &chaosbook::config::Config::load(dir).expect("the synthetic book's book.toml reads"),
    )
    .expect("the synthetic book loads");
    let (site, _) = chaosbook::render_site(&book, &chaosbook::render::NoHooks).expect("it renders");
    chaosbook::write_site(&book, &site, &dir.join("out-chaosbook"), false).expect("it is written");
    started.elapsed()
}

fn mdbook_build(dir: &Path) -> Duration {
    let started = Instant::now();
    let md = mdbook_driver::MDBook::load(dir).expect("mdBook loads the synthetic book");
    md.build().expect("mdBook builds it");
    started.elapsed()
}

fn stats(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    (times[0].as_secs_f64(), times[times.len() / 2].as_secs_f64())
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The real book: a full build in a serve session, then rebuilds after a
/// one-file edit of a chapter and of a catalog file.
fn real_book(runs: usize) {
    let dir = repo().join("target/bench/render/real");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo().join("book.toml"), dir.join("book.toml")).unwrap();
    for sub in ["whitepaper", "catalog", "theme"] {
        copy_dir(&repo().join(sub), &dir.join(sub));
    }
    let mut session = Session::new(&dir);
    let started = Instant::now();
    let (site, first) = match session.rebuild(Changes::ALL) {
        Ok(r) => r,
        Err(e) => {
            println!("\nreal book: the build fails, no rebuild figures:\n{e}");
            return;
        }
    };
    let full = started.elapsed();
    let chapter = dir.join("whitepaper/glossary.md");
    let original = std::fs::read_to_string(&chapter).unwrap();
    let tool = walkdir::WalkDir::new(dir.join("catalog/tools"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .map(|e| e.into_path());
    let mut edits = Vec::new();
    let mut catalog_edits = Vec::new();
    for i in 0..runs.max(3) {
        std::fs::write(&chapter, format!("{original}\n\nEdited {i}.\n")).unwrap();
        let t = Instant::now();
        let (_, s) = session
            .rebuild(Changes {
                book: true,
                ..Changes::default()
            })
            .expect("the edit builds");
        edits.push(t.elapsed());
        assert_eq!(s.rendered, 1, "only the edited chapter is rendered again");
        if let Some(tool) = &tool {
            let text = std::fs::read_to_string(tool).unwrap();
            std::fs::write(tool, format!("{}\n# edited {i}\n", text.trim_end())).unwrap();
            let t = Instant::now();
            session
                .rebuild(Changes {
                    catalog: true,
                    ..Changes::default()
                })
                .expect("the catalog edit builds");
            catalog_edits.push(t.elapsed());
        }
    }
    let (emin, emed) = stats(&mut edits);
    println!(
        "\nreal book ({} pages, {} files): full build in serve {:.0} ms",
        first.pages,
        site.files.len(),
        full.as_secs_f64() * 1e3
    );
    println!(
        "  rebuild after a one-chapter edit: min {:.1} ms, median {:.1} ms (1 page rendered again)",
        emin * 1e3,
        emed * 1e3
    );
    if !catalog_edits.is_empty() {
        let (cmin, cmed) = stats(&mut catalog_edits);
        println!(
            "  rebuild after a one-catalog-file edit (check again): min {:.1} ms, median {:.1} ms",
            cmin * 1e3,
            cmed * 1e3
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken from the command line.
    let pages: Vec<usize> = env_or("CHAOSBOOK_BENCH_PAGES", "100,1000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = env_or("CHAOSBOOK_BENCH_RUNS", "3")
        .parse()
        .unwrap_or(3)
        .max(1);
    let with_mdbook = env_or("CHAOSBOOK_BENCH_MDBOOK", "1") != "0";
    println!(
        "site build, {runs} runs each (seconds; min / median), {} threads",
        rayon::current_num_threads()
    );
    println!(
        "{:>6}  {:>17}  {:>17}  {:>9}  {:>10}",
        "pages", "chaosbook", "mdBook (html)", "speed-up", "ms / page"
    );
    let mut rows = Vec::new();
    for &n in &pages {
        let dir = repo().join(format!("target/bench/render/pages-{n}"));
        write_book(&dir, n);
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs {
            ours.push(chaosbook_build(&dir));
            if with_mdbook {
                theirs.push(mdbook_build(&dir));
            }
        }
        let (omin, omed) = stats(&mut ours);
        let (tcol, ratio) = if with_mdbook {
            let (tmin, tmed) = stats(&mut theirs);
            (
                format!("{tmin:>7.3} / {tmed:>7.3}"),
                format!("{:>8.1}x", tmed / omed),
            )
        } else {
            ("-".into(), "-".into())
        };
        println!(
            "{n:>6}  {omin:>7.3} / {omed:>7.3}  {tcol:>17}  {ratio:>9}  {:>10.3}",
            omed * 1e3 / n as f64
        );
        rows.push((n, omed));
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        if last.0 > first.0 {
            println!(
                "chaosbook growth {} -> {} pages: time x{:.1} for pages x{:.0}",
                first.0,
                last.0,
                last.1 / first.1,
                last.0 as f64 / first.0 as f64
            );
        }
    }
    catalog_pages(runs);
    real_book(runs);
}

/// A book of `pages` chapters with what a synthetic scenario page shows, as
/// hand-written markdown: the same prose fields, the parameters table and
/// the six manifests as fenced code blocks. The difference to a catalog
/// build is then the catalog's own machinery (model, tabs, index, matrix,
/// catalog.json), not the amount of highlighted code.
fn write_equivalent_book(dir: &Path, pages: usize) {
    let Some(src) = fresh_book(
        dir,
        pages,
        "[book]\ntitle = \"Equivalent\"\nsrc = \"src\"\n",
    ) else {
        return;
    };
    let mut blocks = String::new();
    for (i, (format, fixture)) in common::FORMATS.iter().enumerate() {
        let manifest =
            std::fs::read_to_string(repo().join("tests/fixtures/formats").join(fixture)).unwrap();
        let lang = match fixture.rsplit('.').next() {
            Some("json") => "json",
            Some("sh") => "bash",
            _ => "yaml",
        };
        let _ = write!(
            blocks,
            "### Tool {i}\n\nFormat: {format}, verified with 1.0.0, [docs](https://t{i}.example.org/docs/x).\n\n```{lang}\n{}\n```\n\n",
            manifest.trim_end()
        );
    }
    let mut summary = String::from("# Summary\n\n");
    for n in 0..pages {
        let _ = writeln!(summary, "- [Scenario {n}](page-{n}.md)");
        let page = format!(
            "# Bench scenario {n}\n\nA synthetic scenario number {n} for the benchmark.\n\n\
             | Category | network |\n|:--|:--|\n| Targets | kubernetes |\n| Personas | sre |\n| Blast radius | low: one pod |\n\n\
             ## Hypothesis\n\nThe service keeps its p99 latency under 500 ms while the fault is active.\n\n\
             ## Steady state\n\n- p99 latency: below 500 ms\n\n\
             ## Method\n\nInject the fault into one pod for the configured duration and observe.\n\n\
             ## Parameters\n\n| Name | Type | Default | Description |\n|:--|:--|:--|:--|\n| namespace | string | shop | target namespace |\n\n\
             ## Abort conditions\n\n- error ratio above 5%\n\n## Rollback\n\nDelete the experiment.\n\n\
             ## Observability\n\n- latency at the caller\n\n## Implementations\n\n{blocks}"
        );
        std::fs::write(src.join(format!("page-{n}.md")), page).unwrap();
    }
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
}

/// User CPU time of this process so far (all threads): the work of the
/// build itself, steady on a shared machine where wall and system time
/// swing with the kernel's writeback of hundreds of megabytes.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime)
}

#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

/// Wall and CPU time of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let out = f();
    (out, wall.elapsed(), cpu_time().saturating_sub(cpu))
}

/// Catalog pages against plain pages: a synthetic catalog of N scenarios x 6
/// implementations (N scenario pages with tool tabs, plus the index, matrix,
/// landscape, catalog.json and schemas) against a book of N plain markdown
/// pages, same run, interleaved. "render" is the site build alone; "with
/// check" adds the check before it, which is what `chaosbook build` costs
/// end to end. Wall-time ratios are given of the minimums and of the
/// medians; the user-CPU-time ratio (of medians) is the least disturbed by
/// other work on a shared machine.
fn catalog_pages(runs: usize) {
    let sizes: Vec<usize> = env_or("CHAOSBOOK_BENCH_CATALOG", "1000,5000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("catalog pages against plain pages ({runs} runs; wall seconds, min / median)");
    println!(
        "{:>6}  {:>17}  {:>17}  {:>17}  {:>19}  {:>19}  {:>10}  {:>10}",
        "N",
        "check",
        "catalog render",
        "plain render",
        "render ratio",
        "with check ratio",
        "user cpu",
        "w/check"
    );
    let mut equivalents = Vec::new();
    for n in sizes {
        let dir = repo().join(format!("target/bench/catalog-pages-{n}"));
        common::generate(&dir, n, common::FORMATS.len(), 0);
        let plain = repo().join(format!("target/bench/render/pages-{n}"));
        write_book(&plain, n);
        let equivalent = repo().join(format!("target/bench/render/equivalent-{n}"));
        write_equivalent_book(&equivalent, n);
        let mut wall: [Vec<Duration>; 5] = Default::default();
        let mut cpu: [Vec<Duration>; 5] = Default::default();
        for _ in 0..runs {
            let ((catalog, report), check_wall, check_cpu) = timed(|| chaosbook::check(&dir));
            assert!(!report.has_errors(), "the synthetic catalog is valid");
            let (built, build_wall, build_cpu) =
                timed(|| chaosbook::build(&dir, &catalog, Some(&dir.join("out")), false));
            built.expect("the catalog site builds");
            let (_, plain_wall, plain_cpu) = timed(|| chaosbook_build(&plain));
            let (_, equivalent_wall, equivalent_cpu) = timed(|| chaosbook_build(&equivalent));
            for (i, (w, c)) in [
                (check_wall, check_cpu),
                (build_wall, build_cpu),
                (plain_wall, plain_cpu),
                (check_wall + build_wall, check_cpu + build_cpu),
                (equivalent_wall, equivalent_cpu),
            ]
            .into_iter()
            .enumerate()
            {
                wall[i].push(w);
                cpu[i].push(c);
            }
        }
        let [check, build, plain, total, same] = wall.map(|mut t| stats(&mut t));
        let [_, cpu_build, cpu_plain, cpu_total, cpu_same] = cpu.map(|mut t| stats(&mut t));
        println!(
            "{n:>6}  {:>7.3} / {:>7.3}  {:>7.3} / {:>7.3}  {:>7.3} / {:>7.3}  {:>7.2}x / {:>7.2}x  {:>7.2}x / {:>7.2}x  {:>9.2}x  {:>9.2}x",
            check.0,
            check.1,
            build.0,
            build.1,
            plain.0,
            plain.1,
            build.0 / plain.0,
            build.1 / plain.1,
            total.0 / plain.0,
            total.1 / plain.1,
            cpu_build.1 / cpu_plain.1,
            cpu_total.1 / cpu_plain.1,
        );
        equivalents.push(format!(
            "{n:>6}  {:>7.3} / {:>7.3}  {:>7.2}x / {:>7.2}x  {:>9.2}x",
            same.0,
            same.1,
            build.0 / same.0,
            build.1 / same.1,
            cpu_build.1 / cpu_same.1,
        ));
    }
    println!(
        "against pages of the same content written as markdown (prose, parameters table, the six manifests as code blocks)"
    );
    println!(
        "{:>6}  {:>17}  {:>19}  {:>10}",
        "N", "same-content render", "render ratio", "user cpu"
    );
    for line in equivalents {
        println!("{line}");
    }
}
