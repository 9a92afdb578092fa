//! Link checking speed: 1,000 distinct URLs on local servers that answer
//! each request after 50 ms, checked by chaosbook's checker and by lychee
//! (when installed) with the same limits: 16 requests in flight, 2 per
//! host, no retries. The URLs are spread over 50 hosts (127.0.0.1 to
//! 127.0.0.50, all this machine), so the global limit is what binds:
//! the floor is 1,000 × 50 ms / 16 = 3.1 s.
//!
//! Run: `cargo bench --profile dev --bench links`
//! lychee: `cargo install lychee --locked --root target/lychee` (or set
//! LYCHEE=path, or have it on PATH); without it that half is skipped.
//! LINKS_BENCH_CONCURRENCY changes the concurrency (default 16).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use chaosbook::links::{check_urls, Settings};

const URLS: usize = 1000;
const HOSTS: usize = 50;
const DELAY: Duration = Duration::from_millis(50);
const PER_HOST: usize = 2;
const RUNS: usize = 3;

/// One HTTP/1.1 connection: every request (no body: HEAD or GET) is
/// answered `200` with an empty body after [`DELAY`], keep-alive.
fn connection(mut sock: TcpStream, hits: Arc<AtomicUsize>) {
    let _ = sock.set_nodelay(true);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match sock.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        buf.drain(..end);
        hits.fetch_add(1, Ordering::Relaxed);
        thread::sleep(DELAY);
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\ncontent-type: text/html\r\n\r\n";
        if sock.write_all(reply).is_err() {
            return;
        }
    }
}

/// Starts one server per host; gives their base URLs.
fn start_servers(hits: &Arc<AtomicUsize>) -> Vec<String> {
    (1..=HOSTS)
        .map(|i| {
            let ip = format!("127.0.0.{i}");
            let listener = TcpListener::bind(format!("{ip}:0"))
                .unwrap_or_else(|e| panic!("cannot listen on {ip}: {e}"));
            let port = listener.local_addr().unwrap().port();
            let hits = hits.clone();
            thread::spawn(move || {
                for sock in listener.incoming().flatten() {
                    let hits = hits.clone();
                    thread::spawn(move || connection(sock, hits));
                }
            });
            format!("http://{ip}:{port}")
        })
        .collect()
}

fn lychee() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LYCHEE") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/lychee/bin/lychee");
    if local.is_file() {
        return Some(local);
    }
    Command::new("lychee")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("lychee"))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let concurrency: usize = std::env::var("LINKS_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let hits = Arc::new(AtomicUsize::new(0));
    let bases = start_servers(&hits);
    println!(
        "links bench: {URLS} URLs on {HOSTS} local hosts, each answered after {} ms; {concurrency} in flight, {PER_HOST} per host, no retries; median of {RUNS} runs",
        DELAY.as_millis()
    );
    let floor = DELAY * (URLS as u32) / (concurrency as u32);
    println!(
        "floor (URLs × delay / concurrency): {:.2} s",
        floor.as_secs_f64()
    );

    // Each run gets URLs no earlier run asked for, so neither tool is
    // helped by anything a previous run left behind.
    let urls = |run: usize, tool: &str| -> Vec<String> {
        (0..URLS)
            .map(|i| format!("{}/{tool}/{run}/page-{i}", bases[i % HOSTS]))
            .collect()
    };

    let settings = Settings {
        max_concurrency: concurrency,
        per_host: PER_HOST,
        max_retries: 0,
        timeout: Duration::from_secs(20),
        ..Settings::default()
    };
    let mut ours = Vec::new();
    for run in 0..RUNS {
        let list = urls(run, "chaosbook");
        let before = hits.load(Ordering::Relaxed);
        let started = Instant::now();
        let outcomes = check_urls(&list, &settings);
        let took = started.elapsed();
        let bad = outcomes.iter().filter(|o| !o.is_ok()).count();
        assert_eq!(
            bad,
            0,
            "every URL is good: {:?}",
            outcomes.iter().find(|o| !o.is_ok())
        );
        assert_eq!(
            hits.load(Ordering::Relaxed) - before,
            URLS,
            "one request per URL"
        );
        println!("  chaosbook run {}: {:.2} s", run + 1, took.as_secs_f64());
        ours.push(took);
    }
    let ours = median(ours);

    let Some(lychee) = lychee() else {
        println!("| tool | median | vs floor |\n|---|---|---|");
        println!(
            "| chaosbook | {:.2} s | {:.2}× |",
            ours.as_secs_f64(),
            ours.as_secs_f64() / floor.as_secs_f64()
        );
        println!("lychee is not installed: skipped (install it with `cargo install lychee --locked --root target/lychee`, or set LYCHEE)");
        return;
    };
    let version = Command::new(&lychee)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let mut theirs = Vec::new();
    for run in 0..RUNS {
        let list = dir.path().join(format!("urls-{run}.txt"));
        std::fs::write(&list, urls(run, "lychee").join("\n") + "\n").unwrap();
        let before = hits.load(Ordering::Relaxed);
        let started = Instant::now();
        let out = Command::new(&lychee)
            .args(["--no-progress", "--max-concurrency"])
            .arg(concurrency.to_string())
            .args(["--host-concurrency", &PER_HOST.to_string()])
            // lychee also spaces requests to one host 50 ms apart by
            // default; chaosbook has no such interval, so it is off here.
            .args(["--host-request-interval", "0s"])
            .args([
                "--max-retries",
                "0",
                "--timeout",
                "20",
                "--max-redirects",
                "5",
            ])
            .arg(&list)
            .current_dir(dir.path())
            .output()
            .expect("lychee runs");
        let took = started.elapsed();
        assert!(
            out.status.success(),
            "lychee failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let asked = hits.load(Ordering::Relaxed) - before;
        assert_eq!(asked, URLS, "lychee asked for every URL once");
        println!("  {version} run {}: {:.2} s", run + 1, took.as_secs_f64());
        theirs.push(took);
    }
    let theirs = median(theirs);
    println!("| tool | median | vs floor | vs lychee |\n|---|---|---|---|");
    for (name, t) in [("chaosbook", ours), (version.as_str(), theirs)] {
        println!(
            "| {name} | {:.2} s | {:.2}× | {:.2}× |",
            t.as_secs_f64(),
            t.as_secs_f64() / floor.as_secs_f64(),
            t.as_secs_f64() / theirs.as_secs_f64()
        );
    }
}
