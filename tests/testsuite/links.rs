//! `chaosbook links` against real HTTP servers on 127.0.0.1 (never the
//! internet): each kind of answer is classified right, the per-host and
//! global limits hold, the cache spares the second run, and the command
//! reports every place of a broken URL.

use crate::common;
use std::collections::HashMap;
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use chaosbook::links::{
    check_urls, check_with_cache, Cache, FailureKind, Outcome, Settings, Status,
};
use serde_json::Value;
use tiny_http::{Header, Response, Server};

/// What the servers saw: hits per path and method, requests in flight.
#[derive(Default)]
struct Seen {
    hits: Mutex<HashMap<String, Vec<String>>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Seen {
    /// The methods of the requests for `path` (query included), in order.
    fn methods(&self, path: &str) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    fn count(&self, path: &str) -> usize {
        self.methods(path).len()
    }

    /// Requests for `route` with any query.
    fn total_for(&self, route: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.split('?').next() == Some(route))
            .map(|(_, m)| m.len())
            .sum()
    }

    fn total(&self) -> usize {
        self.hits.lock().unwrap().values().map(Vec::len).sum()
    }
}

/// A test server on `ip`, answering the routes of [`answer`] with 32
/// threads (so the server is never what limits concurrency).
struct TestServer {
    base: String,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    fn start() -> Self {
        Self::start_on("127.0.0.1", Arc::new(Seen::default()))
    }

    fn start_on(ip: &str, seen: Arc<Seen>) -> Self {
        let server = Arc::new(Server::http(format!("{ip}:0")).expect("bind a local port"));
        let port = server.server_addr().to_ip().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        for _ in 0..32 {
            let (server, seen, stop) = (server.clone(), seen.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(50)) else {
                        continue;
                    };
                    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    let path = req.url().to_string();
                    let method = req.method().to_string();
                    let nth = {
                        let mut hits = seen.hits.lock().unwrap();
                        let list = hits.entry(path.clone()).or_default();
                        list.push(method.clone());
                        list.len()
                    };
                    let response = answer(&path, &method, nth);
                    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
                    let _ = req.respond(response);
                }
            });
        }
        TestServer {
            base: format!("http://{ip}:{port}"),
            seen,
            stop,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap()
}

fn status(code: u16) -> Response<std::io::Empty> {
    Response::empty(code)
}

fn redirect(code: u16, to: &str) -> Response<std::io::Empty> {
    status(code).with_header(header("Location", to))
}

/// The routes. `nth` counts the requests for this exact path (1-based).
/// Slow answers sleep before answering (the request counts as in flight).
fn answer(path: &str, method: &str, nth: usize) -> Response<std::io::Empty> {
    let route = path.split('?').next().unwrap_or("");
    match route {
        "/ok" | "/ok2" | "/excluded" => status(200),
        "/missing" => status(404),
        "/gone" => status(410),
        "/r1" => redirect(301, "/r2"),
        "/r2" => redirect(308, "/ok2"),
        "/temp" => redirect(302, "/ok2"),
        "/loop-a" => redirect(302, "/loop-b"),
        "/loop-b" => redirect(302, "/loop-a"),
        "/far" => {
            let n: u32 = path
                .split('?')
                .nth(1)
                .and_then(|q| q.parse().ok())
                .unwrap_or(0);
            redirect(302, &format!("/far?{}", n + 1))
        }
        "/rate" if nth == 1 => status(429).with_header(header("Retry-After", "1")),
        "/rate" => status(200),
        "/flaky" if nth == 1 => status(503),
        "/flaky" => status(200),
        "/no-head" if method == "HEAD" => status(405),
        "/no-head" => status(200),
        "/head-404" if method == "HEAD" => status(404),
        "/head-404" => status(200),
        "/head-500" if method == "HEAD" => status(500),
        "/head-500" => status(200),
        "/slow" => {
            thread::sleep(Duration::from_millis(1500));
            status(200)
        }
        "/busy" => {
            thread::sleep(Duration::from_millis(100));
            status(200)
        }
        _ => status(404),
    }
}

/// Short timeouts and backoff, so each test runs in about a second.
fn fast() -> Settings {
    Settings {
        timeout: Duration::from_millis(400),
        backoff_base: Duration::from_millis(20),
        max_wait: Duration::from_secs(3),
        max_retries: 2,
        ..Settings::default()
    }
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn by_url(outcomes: Vec<Outcome>) -> HashMap<String, Outcome> {
    outcomes.into_iter().map(|o| (o.url.clone(), o)).collect()
}

#[test]
fn every_kind_of_answer_is_classified() {
    let s = TestServer::start();
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    let paths = [
        "/ok",
        "/missing",
        "/gone",
        "/r1",
        "/temp",
        "/loop-a",
        "/far",
        "/rate",
        "/flaky",
        "/no-head",
        "/head-404",
        "/head-500",
        "/slow",
    ];
    let mut urls: Vec<String> = paths.iter().map(|p| s.url(p)).collect();
    urls.push(refused.clone());
    urls.push(s.url("/ok")); // a duplicate is checked once
    let started = Instant::now();
    let outcomes = check_urls(&urls, &fast());
    let elapsed = started.elapsed();
    assert_eq!(
        outcomes.len(),
        urls.len() - 1,
        "one outcome per distinct URL"
    );
    assert_eq!(outcomes[0].url, s.url("/ok"), "in the order given");
    let o = by_url(outcomes);
    let get = |p: &str| &o[&s.url(p)];

    assert_eq!(get("/ok").status, Status::Ok(200));
    assert_eq!(get("/ok").redirect, None);
    assert_eq!(s.seen.methods("/ok"), ["HEAD"], "HEAD first, once");

    assert_eq!(get("/missing").status, Status::Broken(404));
    assert_eq!(
        s.seen.methods("/missing"),
        ["HEAD", "GET"],
        "a 404 to HEAD is confirmed with GET"
    );
    assert_eq!(get("/gone").status, Status::Broken(410));

    let moved = get("/r1");
    assert_eq!(moved.status, Status::Ok(200));
    let r = moved.redirect.as_ref().unwrap();
    assert!(r.permanent && r.hops == 2, "{r:?}");
    assert_eq!(r.to, s.url("/ok2"));
    assert_eq!(moved.moved_permanently(), Some(s.url("/ok2").as_str()));

    let temp = get("/temp");
    assert_eq!(temp.status, Status::Ok(200));
    assert!(
        temp.moved_permanently().is_none(),
        "a temporary redirect is no warning"
    );

    match &get("/loop-a").status {
        Status::Failed(f) => assert_eq!(f.kind, FailureKind::RedirectLoop, "{f:?}"),
        other => panic!("loop: {other:?}"),
    }
    match &get("/far").status {
        Status::Failed(f) => assert_eq!(f.kind, FailureKind::TooManyRedirects, "{f:?}"),
        other => panic!("far: {other:?}"),
    }
    assert_eq!(
        s.seen.total_for("/far"),
        6,
        "five redirects followed, no more"
    );

    assert_eq!(get("/rate").status, Status::Ok(200), "429 is retried");
    assert_eq!(s.seen.count("/rate"), 2);
    assert!(
        elapsed >= Duration::from_secs(1),
        "Retry-After: 1 was honoured ({elapsed:?})"
    );

    assert_eq!(get("/flaky").status, Status::Ok(200), "503 then 200");
    assert_eq!(s.seen.count("/flaky"), 2);

    assert_eq!(get("/no-head").status, Status::Ok(200));
    assert_eq!(s.seen.methods("/no-head"), ["HEAD", "GET"]);
    for p in ["/head-404", "/head-500"] {
        assert_eq!(get(p).status, Status::Ok(200), "{p}: GET decides");
        assert_eq!(s.seen.methods(p), ["HEAD", "GET"], "{p}");
    }

    assert_eq!(get("/slow").status, Status::Timeout);
    assert_eq!(get("/slow").attempts, 3, "the first try and two retries");

    match &o[&refused].status {
        Status::Failed(f) => assert_eq!(f.kind, FailureKind::ConnectionRefused, "{f:?}"),
        other => panic!("refused: {other:?}"),
    }
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn accepted_codes_count_as_good() {
    let s = TestServer::start();
    let mut settings = fast();
    settings.accept.insert(404);
    let o = check_urls(&[s.url("/missing"), s.url("/gone")], &settings);
    assert_eq!(o[0].status, Status::Ok(404));
    assert_eq!(
        s.seen.methods("/missing"),
        ["HEAD"],
        "an accepted code needs no GET"
    );
    assert_eq!(o[1].status, Status::Broken(410));
}

#[test]
fn a_host_never_gets_more_than_per_host_requests_at_once() {
    let s = TestServer::start();
    let urls: Vec<String> = (0..12).map(|i| s.url(&format!("/busy?{i}"))).collect();
    let settings = Settings {
        per_host: 2,
        max_concurrency: 16,
        ..fast()
    };
    let o = check_urls(&urls, &settings);
    assert!(o.iter().all(Outcome::is_ok), "{o:?}");
    assert_eq!(s.seen.total(), 12);
    assert_eq!(s.seen.max_in_flight.load(Ordering::SeqCst), 2);
}

#[test]
fn all_hosts_together_never_get_more_than_max_concurrency() {
    // Three hosts (127.0.0.1-3 all reach this machine), one shared count.
    let seen = Arc::new(Seen::default());
    let servers: Vec<TestServer> = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
        .iter()
        .map(|ip| TestServer::start_on(ip, seen.clone()))
        .collect();
    let urls: Vec<String> = (0..18)
        .map(|i| servers[i % 3].url(&format!("/busy?{i}")))
        .collect();
    let settings = Settings {
        per_host: 4,
        max_concurrency: 3,
        ..fast()
    };
    let o = check_urls(&urls, &settings);
    assert!(o.iter().all(Outcome::is_ok), "{o:?}");
    assert_eq!(seen.max_in_flight.load(Ordering::SeqCst), 3);
}

#[test]
fn the_cache_spares_fresh_good_urls_and_rechecks_failed_ones() {
    let s = TestServer::start();
    let urls = vec![s.url("/ok"), s.url("/r1"), s.url("/missing")];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.json");
    let ttl = Duration::from_secs(3600);

    let mut cache = Cache::new();
    let first = check_with_cache(&urls, &fast(), &mut cache, ttl);
    assert!(first.iter().all(|o| !o.from_cache));
    cache.save(&path).unwrap();
    let hits = |p: &str| s.seen.count(p);
    let (ok, r1, r2, missing) = (hits("/ok"), hits("/r1"), hits("/r2"), hits("/missing"));

    let (mut cache, warning) = Cache::load(&path);
    assert!(warning.is_none());
    let second = check_with_cache(&urls, &fast(), &mut cache, ttl);
    assert_eq!(hits("/ok"), ok, "a fresh good URL is not asked again");
    assert_eq!((hits("/r1"), hits("/r2")), (r1, r2));
    assert!(hits("/missing") > missing, "a failed URL is asked again");
    assert!(second[0].from_cache && second[1].from_cache && !second[2].from_cache);
    assert_eq!(
        second[1].moved_permanently(),
        Some(s.url("/ok2").as_str()),
        "a cached redirect is still reported"
    );
    assert_eq!(second[2].status, Status::Broken(404));

    // Stale entries are asked again.
    let third = check_with_cache(&urls, &fast(), &mut cache, Duration::ZERO);
    assert!(third.iter().all(|o| !o.from_cache));
    assert_eq!(hits("/ok"), ok + 1);
}

// ---- the command, end to end ----------------------------------------------

/// The minimal fixture with its URLs pointing at `server`:
/// - demo-tool: homepage /ok, docs /missing; its implementation's docs
///   /missing too (one URL, two places)
/// - other-tool: homepage /r1 (moved permanently), docs /ok
/// - the practice body links /gone; the chapter links /missing, /ok#part
///   (the same URL as /ok) and /excluded (excluded in book.toml)
fn project(server: &TestServer) -> tempfile::TempDir {
    let dir = common::fixture_project();
    let root = dir.path();
    let edit = |rel: &str, pairs: &[(&str, String)]| {
        let path = root.join(rel);
        let mut text = fs::read_to_string(&path).unwrap();
        for (from, to) in pairs {
            assert!(text.contains(from), "{rel} has {from}");
            text = text.replace(from, to);
        }
        fs::write(path, text).unwrap();
    };
    edit(
        "catalog/tools/demo-tool.yaml",
        &[
            ("https://demo.example.org/docs", server.url("/missing")),
            ("https://demo.example.org", server.url("/ok")),
        ],
    );
    edit(
        "catalog/tools/other-tool.yaml",
        &[
            ("https://other.example.org/docs", server.url("/ok")),
            ("https://other.example.org", server.url("/r1")),
        ],
    );
    edit(
        "catalog/scenarios/network/demo-latency.yaml",
        &[(
            "https://demo.example.org/docs/latency",
            server.url("/missing"),
        )],
    );
    edit(
        "catalog/practices/demo-practice.yaml",
        &[(
            "which asks for at least a short paragraph of text.",
            format!(
                "which asks for at least a short paragraph of text. See\n  [the notes]({}).",
                server.url("/gone")
            ),
        )],
    );
    fs::write(
        root.join("whitepaper/intro.md"),
        format!(
            "# Intro\n\nA fixture chapter with [a dead link]({}),\n[a good one]({}) and [an excluded one]({}).\n",
            server.url("/missing"),
            server.url("/ok#part"),
            server.url("/excluded"),
        ),
    )
    .unwrap();
    let mut book = fs::read_to_string(root.join("book.toml")).unwrap();
    book.push_str(
        "\n[output.chaosbook.links]\ntimeout = \"2s\"\nmax-retries = 0\nexclude = [\"/excluded$\"]\n",
    );
    fs::write(root.join("book.toml"), book).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn chaosbook(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn places(diags: &[Value], code: &str) -> Vec<(String, u64, u64)> {
    diags
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_command_reports_every_place_of_a_broken_url() {
    let server = TestServer::start();
    let dir = project(&server);
    let root = dir.path();
    let cache = root.join("cache.json");
    let cache_arg = cache.to_str().unwrap();

    let run = chaosbook(root, &["links", "--format", "json", "--cache", cache_arg]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let diags: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let p = |f: &str, l, c| (f.to_string(), l, c);
    assert_eq!(
        places(&diags, "link-broken"),
        [
            p("catalog/practices/demo-practice.yaml", 8, 15),
            p("catalog/scenarios/network/demo-latency.yaml", 41, 11),
            p("catalog/tools/demo-tool.yaml", 5, 7),
            p("whitepaper/intro.md", 3, 38),
        ],
        "{diags:#?}"
    );
    assert_eq!(
        places(&diags, "link-redirect"),
        [p("catalog/tools/other-tool.yaml", 4, 11)]
    );
    let redirect = diags.iter().find(|d| d["code"] == "link-redirect").unwrap();
    assert_eq!(redirect["severity"], "warning");
    assert!(redirect["help"]
        .as_str()
        .unwrap()
        .contains(&server.url("/ok2")));
    let gone = &diags[0];
    assert!(
        gone["message"].as_str().unwrap().contains("410 Gone"),
        "{gone}"
    );
    assert_eq!(
        server.seen.count("/excluded"),
        0,
        "excluded URLs are not asked"
    );
    assert_eq!(server.seen.count("/ok"), 1, "/ok and /ok#part are one URL");
    assert!(
        run.stderr.contains("5 external URLs at 9 places"),
        "{}",
        run.stderr
    );
    assert!(cache.is_file());

    // Again: the good URLs come from the cache, the broken ones are asked again.
    let missing = server.seen.count("/missing");
    let again = chaosbook(root, &["links", "--format", "github", "--cache", cache_arg]);
    assert_eq!(again.code, 1);
    assert_eq!(server.seen.count("/ok"), 1);
    assert!(server.seen.count("/missing") > missing);
    assert!(
        again.stdout.contains(&format!(
            "::error file=catalog/tools/demo-tool.yaml,line=5,col=7,title=link-broken::`{}` is broken: 404 Not Found",
            server.url("/missing")
        )),
        "{}",
        again.stdout
    );
    assert!(
        again.stderr.contains("2 from the cache"),
        "{}",
        again.stderr
    );

    // Offline: nothing is asked, and it says so.
    let before = server.seen.total();
    let offline = chaosbook(root, &["links", "--offline"]);
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    assert!(
        offline
            .stderr
            .contains("offline, nothing was checked: skipped 4 external URLs"),
        "{}",
        offline.stderr
    );
    assert_eq!(server.seen.total(), before);
}

#[test]
fn the_command_reads_its_settings_precisely() {
    let server = TestServer::start();
    let dir = project(&server);
    let root = dir.path();
    let mut book = fs::read_to_string(root.join("book.toml")).unwrap();
    book = book.replace(
        "exclude = [\"/excluded$\"]",
        "exclude = [\"/excluded$\", \"(\"]",
    );
    fs::write(root.join("book.toml"), &book).unwrap();
    let run = chaosbook(root, &["links", "--offline"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[config]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`(` is not a valid regex"),
        "{}",
        run.stderr
    );
    let line = book.lines().position(|l| l.starts_with("exclude")).unwrap() + 1;
    assert!(
        run.stderr.contains(&format!("book.toml:{line}:")),
        "{}",
        run.stderr
    );
}

#[test]
fn check_refuses_unsafe_links_in_catalog_markdown() {
    let dir = common::fixture_project();
    let root = dir.path();
    let practice = root.join("catalog/practices/demo-practice.yaml");
    let text = fs::read_to_string(&practice).unwrap().replace(
        "which asks for at least a short paragraph of text.",
        "which asks for [at least](javascript:alert(1)) a short paragraph of text.",
    );
    fs::write(&practice, text).unwrap();
    let run = chaosbook(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let diags: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        places(&diags, "unsafe-link"),
        [("catalog/practices/demo-practice.yaml".to_string(), 7, 44)],
        "{diags:#?}"
    );
}

/// `--max-concurrency` takes 1 to 1024 through the command: 0, 1025, a
/// negative or a fraction are usage errors (exit 2) naming the flag.
#[test]
fn max_concurrency_is_bounded_through_the_command() {
    let dir = common::fixture_project();
    let root = dir.path();
    for good in ["1", "1024"] {
        let run = chaosbook(root, &["links", "--offline", "--max-concurrency", good]);
        assert_eq!(run.code, 0, "{good}: {}", run.stderr);
    }
    for bad in ["0", "1025", "-1", "2.5", "many", ""] {
        let run = chaosbook(root, &["links", "--offline", "--max-concurrency", bad]);
        assert_eq!(run.code, 2, "{bad:?} was accepted: {}", run.stderr);
        assert!(
            run.stderr.contains("--max-concurrency"),
            "{bad:?}: {}",
            run.stderr
        );
    }
}
