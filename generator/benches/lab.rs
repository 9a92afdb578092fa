//! The lab's budgets (issue: `lab up` ready in under 2 s; a lab run of
//! network-latency in under 60 s with the lab's short durations), measured
//! on the `chaosbook` binary as a user runs it:
//!
//! - `lab up`: from the spawn to the line that says the shop is ready,
//!   five times, against the same measure of one service alone (the
//!   baseline: one process, one port, one `/healthz`), so the figure is
//!   also a ratio from the same minutes of the same machine;
//! - `lab run network-latency`: wall time against the run's own
//!   `duration` (what the lab adds around the fault: start-up, probes,
//!   rollbacks, teardown). Needs Chaos Toolkit (`chaos` on the PATH or
//!   target/validators-venv, as tests/validate-exports.sh makes it);
//!   skipped without it.
//!
//! `cargo bench --profile dev --bench lab`. Uses the lab's fixed ports:
//! nothing else may run a lab meanwhile.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `chaosbook lab up` until it prints that the shop is ready; then SIGINT
/// and wait for the teardown (not counted).
fn lab_up(root: &Path) -> Duration {
    let started = Instant::now();
    let mut up = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(["lab", "up"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("chaosbook lab up");
    let mut lines = BufReader::new(up.stdout.take().expect("stdout")).lines();
    let mut ready = None;
    for line in lines.by_ref() {
        if line.expect("a line").starts_with("press Ctrl-C") {
            ready = Some(started.elapsed());
            break;
        }
    }
    let _ = Command::new("kill")
        .args(["-INT", &up.id().to_string()])
        .status();
    lines.for_each(drop);
    let _ = up.wait();
    ready.expect("lab up printed that the shop is ready")
}

/// One shop service alone, from the spawn to its first `/healthz` 200.
fn one_service() -> Duration {
    let started = Instant::now();
    let mut service = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .args(["lab", "service", "prices", "--port", "18082"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("chaosbook lab service");
    let ready = loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", 18082)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                break started.elapsed();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no answer");
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = service.kill();
    let _ = service.wait();
    ready
}

fn chaos_available(root: &Path) -> bool {
    root.join("target/validators-venv/bin/chaos").is_file()
        || Command::new("chaos")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn main() {
    let root = repo();
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let (mut up, mut alone) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        alone.push(one_service());
        up.push(lab_up(scratch.path()));
    }
    let (up, alone) = (median(up), median(alone));
    println!(
        "lab up: ready in {} ms (median of 5; budget 2,000 ms); one service alone {} ms; ratio {:.1}",
        up.as_millis(),
        alone.as_millis(),
        up.as_secs_f64() / alone.as_secs_f64()
    );

    if !chaos_available(&root) {
        println!("lab run network-latency: skipped, Chaos Toolkit is not installed (run tests/validate-exports.sh first)");
        return;
    }
    let journal = scratch.path().join("journal.json");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(&root)
        .args(["lab", "run", "network-latency", "--journal"])
        .arg(&journal)
        .stderr(Stdio::null())
        .output()
        .expect("chaosbook lab run");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let verdict = stdout
        .lines()
        .find(|l| l.starts_with("verdict: "))
        .unwrap_or("no verdict");
    // The lab's value of `duration` for network-latency: how long the
    // fault lasts; the rest is what the lab and the tool add.
    let (catalog, _) = chaosbook::check(&root);
    let fault = catalog
        .scenario("network-latency")
        .and_then(|e| e.item.lab.as_ref())
        .and_then(|lab| lab.values.get("duration"))
        .and_then(|v| v.as_str())
        .and_then(chaosbook::catalog::template::parse_duration_ms)
        .map_or(Duration::ZERO, Duration::from_millis);
    println!(
        "lab run network-latency: {:.1} s wall (budget 60 s), of which the fault {} s: {:.1}x the fault; {verdict}",
        wall.as_secs_f64(),
        fault.as_secs(),
        wall.as_secs_f64() / fault.as_secs_f64()
    );
}
