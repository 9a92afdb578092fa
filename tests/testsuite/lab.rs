//! `chaosbook lab` without Python: the Toxiproxy-compatible proxy's API
//! and toxics against real sockets, the shop's start and teardown, and bad
//! input (exit 2 with a clear message, nothing left running). The runs
//! with Chaos Toolkit are in tests/run.sh, which installs it.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::repo;

/// Tests that use the lab's fixed ports run one at a time.
static FIXED_PORTS: Mutex<()> = Mutex::new(());

fn fixed_ports() -> std::sync::MutexGuard<'static, ()> {
    FIXED_PORTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The lab's fixed ports (lab::SERVICES and the prices proxy).
const LAB_PORTS: [u16; 6] = [8474, 18080, 18081, 18082, 18083, 18443];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The proxy as the lab runs it (`chaosbook lab service toxiproxy`), on a
/// free port; it ends when the test drops it (its standard input closes).
struct ProxyProcess {
    child: Child,
    port: u16,
}

impl ProxyProcess {
    fn start() -> ProxyProcess {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .args(["lab", "service", "toxiproxy", "--port", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let proxy = ProxyProcess { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the proxy API did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        proxy
    }

    fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        http(self.port, method, path, body, &[])
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request with `Connection: close`; the status and the body
/// as JSON (`null` when empty or not JSON).
fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status: u16 = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// An upstream that echoes every byte it receives.
fn echo_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 || conn.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// A proxy called `echo` in front of an echo server; its listen port.
fn echo_proxy(proxy: &ProxyProcess) -> u16 {
    let upstream = echo_server();
    let (status, created) = proxy.api(
        "POST",
        "/proxies",
        Some(json!({"name": "echo", "listen": "127.0.0.1:0", "upstream": format!("127.0.0.1:{upstream}")})),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["enabled"], true);
    assert_eq!(created["upstream"], format!("127.0.0.1:{upstream}"));
    assert_eq!(created["toxics"], json!([]));
    let listen = created["listen"].as_str().unwrap();
    listen.rsplit(':').next().unwrap().parse().unwrap()
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Sends `msg` and reads it back whole.
fn round_trip(stream: &mut TcpStream, msg: &[u8]) -> Vec<u8> {
    stream.write_all(msg).unwrap();
    let mut got = vec![0u8; msg.len()];
    stream.read_exact(&mut got).unwrap();
    got
}

#[test]
fn proxy_api_follows_toxiproxy() {
    let proxy = ProxyProcess::start();
    assert_eq!(
        proxy.api("GET", "/version", None),
        (200, json!({"version": "2.12.0"}))
    );
    let port = echo_proxy(&proxy);
    let (status, all) = proxy.api("GET", "/proxies", None);
    assert_eq!(status, 200);
    assert_eq!(all["echo"]["name"], "echo");

    // Errors carry Toxiproxy's codes and messages.
    let again = json!({"name": "echo", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:1"});
    assert_eq!(
        proxy.api("POST", "/proxies", Some(again)),
        (409, json!({"error": "proxy already exists", "status": 409}))
    );
    assert_eq!(
        proxy.api("POST", "/proxies", Some(json!({"name": "x"}))),
        (
            400,
            json!({"error": "missing required field: upstream", "status": 400})
        )
    );
    assert_eq!(
        proxy.api("GET", "/proxies/nothing", None),
        (404, json!({"error": "proxy not found", "status": 404}))
    );
    let bad_type = json!({"type": "gremlins", "attributes": {}});
    assert_eq!(
        proxy.api("POST", "/proxies/echo/toxics", Some(bad_type)),
        (400, json!({"error": "invalid toxic type", "status": 400}))
    );
    let bad_stream = json!({"type": "latency", "stream": "sideways"});
    assert_eq!(
        proxy
            .api("POST", "/proxies/echo/toxics", Some(bad_stream))
            .0,
        400
    );
    // The lab binds loopback only, whatever a client asks for.
    let wide = json!({"name": "wide", "listen": "0.0.0.0:0", "upstream": "127.0.0.1:1"});
    assert_eq!(proxy.api("POST", "/proxies", Some(wide)).0, 400);
    // A web page must not drive the API.
    let (status, _) = http(
        proxy.port,
        "GET",
        "/proxies",
        None,
        &[("User-Agent", "Mozilla/5.0")],
    );
    assert_eq!(status, 403);

    // A toxic without a name is called TYPE_STREAM; attributes are echoed
    // with every field of the type.
    let (status, toxic) = proxy.api(
        "POST",
        "/proxies/echo/toxics",
        Some(json!({"type": "latency", "attributes": {"latency": 10}})),
    );
    assert_eq!(status, 200);
    assert_eq!(
        toxic,
        json!({"name": "latency_downstream", "type": "latency", "stream": "downstream",
               "toxicity": 1.0, "attributes": {"jitter": 0, "latency": 10}})
    );
    assert_eq!(
        proxy
            .api(
                "POST",
                "/proxies/echo/toxics",
                Some(json!({"type": "latency"}))
            )
            .0,
        409
    );
    let (status, updated) = proxy.api(
        "PATCH",
        "/proxies/echo/toxics/latency_downstream",
        Some(json!({"attributes": {"jitter": 5}})),
    );
    assert_eq!(status, 200);
    assert_eq!(updated["attributes"], json!({"jitter": 5, "latency": 10}));
    assert_eq!(
        proxy.api("GET", "/proxies/echo/toxics", None).1[0]["name"],
        "latency_downstream"
    );
    assert_eq!(
        proxy.api("DELETE", "/proxies/echo/toxics/latency_downstream", None),
        (204, Value::Null)
    );
    assert_eq!(
        proxy.api("DELETE", "/proxies/echo/toxics/latency_downstream", None),
        (404, json!({"error": "toxic not found", "status": 404}))
    );

    // Reset removes every toxic and enables every proxy.
    proxy.api(
        "POST",
        "/proxies/echo/toxics",
        Some(json!({"type": "timeout", "name": "t"})),
    );
    let (status, disabled) = proxy.api("POST", "/proxies/echo", Some(json!({"enabled": false})));
    assert_eq!((status, &disabled["enabled"]), (200, &json!(false)));
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    assert_eq!(proxy.api("POST", "/reset", None), (204, Value::Null));
    let (_, after) = proxy.api("GET", "/proxies/echo", None);
    assert_eq!(after["enabled"], true);
    assert_eq!(after["toxics"], json!([]));
    assert_eq!(round_trip(&mut connect(port), b"back"), b"back");

    assert_eq!(
        proxy.api("DELETE", "/proxies/echo", None),
        (204, Value::Null)
    );
    assert_eq!(proxy.api("GET", "/proxies", None), (200, json!({})));
}

#[test]
fn toxics_act_on_real_connections() {
    let proxy = ProxyProcess::start();
    let port = echo_proxy(&proxy);
    let add = |body: Value| {
        let (status, t) = proxy.api("POST", "/proxies/echo/toxics", Some(body));
        assert_eq!(status, 200, "{t}");
    };
    let remove = |name: &str| {
        assert_eq!(
            proxy
                .api("DELETE", &format!("/proxies/echo/toxics/{name}"), None)
                .0,
            204
        );
    };

    // latency: an answer comes no sooner than the delay (a lower bound,
    // which a slow machine cannot break).
    let mut open = connect(port);
    assert_eq!(round_trip(&mut open, b"warm"), b"warm");
    add(json!({"name": "slow", "type": "latency", "attributes": {"latency": 300}}));
    let started = Instant::now();
    // On a connection opened before the toxic too, as in Toxiproxy.
    assert_eq!(round_trip(&mut open, b"ping"), b"ping");
    assert!(started.elapsed() >= Duration::from_millis(300));
    remove("slow");

    // slicer: the data arrives whole, in pieces.
    add(json!({"name": "s", "type": "slicer",
               "attributes": {"average_size": 3, "size_variation": 1, "delay": 100}}));
    let msg: Vec<u8> = (0..200u8).collect();
    assert_eq!(round_trip(&mut connect(port), &msg), msg);
    remove("s");

    // bandwidth: the data arrives whole.
    add(json!({"name": "b", "type": "bandwidth", "attributes": {"rate": 100}}));
    assert_eq!(round_trip(&mut connect(port), b"narrow"), b"narrow");
    remove("b");

    // limit_data: the link closes after that many bytes.
    add(json!({"name": "l", "type": "limit_data", "attributes": {"bytes": 4}}));
    let mut limited = connect(port);
    limited.write_all(b"abcdefgh").unwrap();
    let mut got = Vec::new();
    let _ = limited.read_to_end(&mut got);
    assert_eq!(got, b"abcd");
    remove("l");

    // timeout 0: a blackhole, nothing comes back and the link stays open.
    add(json!({"name": "hole", "type": "timeout", "attributes": {"timeout": 0}}));
    let mut hole = connect(port);
    hole.set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    hole.write_all(b"anyone?").unwrap();
    let mut buf = [0u8; 16];
    let err = hole.read(&mut buf).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
    remove("hole");

    // timeout > 0: the link closes after it.
    add(json!({"name": "t", "type": "timeout", "attributes": {"timeout": 100}}));
    let mut closing = connect(port);
    closing.write_all(b"x").unwrap();
    assert_eq!(closing.read(&mut buf).unwrap_or(0), 0);
    remove("t");

    // reset_peer: the client sees a reset, not a clean close.
    add(json!({"name": "r", "type": "reset_peer", "attributes": {"timeout": 0}}));
    let mut reset = connect(port);
    reset.write_all(b"x").unwrap();
    let err = reset.read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    remove("r");

    // upstream toxics act on what the client sends.
    add(
        json!({"name": "up", "type": "latency", "stream": "upstream", "attributes": {"latency": 300}}),
    );
    let started = Instant::now();
    assert_eq!(round_trip(&mut connect(port), b"up"), b"up");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn alive(pid: u32) -> bool {
    // A zombie is gone for every purpose here: it holds no port.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| !s.split(") ").nth(1).unwrap_or("").starts_with('Z'))
}

fn lab(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .arg("lab")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn lab_up_serves_the_shop_and_leaves_nothing_behind() {
    let _ports = fixed_ports();
    if !LAB_PORTS.iter().all(|p| port_is_free(*p)) {
        eprintln!("skipped: a lab port is in use on this machine (a lab is running?)");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let mut up = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root.path())
        .args(["lab", "up"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(up.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let printed = printed.join("\n");
    assert!(
        printed.contains("storefront     http://127.0.0.1:18080/checkout"),
        "{printed}"
    );
    assert!(printed.contains("http://127.0.0.1:8474"), "{printed}");

    // The whole chain answers, through the proxy.
    let mut stream = TcpStream::connect(("127.0.0.1", 18080)).unwrap();
    stream
        .write_all(b"GET /checkout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"price_source\":\"prices\""), "{answer}");
    let mut metrics = TcpStream::connect(("127.0.0.1", 18080)).unwrap();
    metrics
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    metrics.read_to_string(&mut text).unwrap();
    assert!(
        text.contains("http_requests_total{app=\"storefront\",route=\"/checkout\",code=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("# TYPE http_request_duration_seconds histogram"));

    // The price list, the shop's one large answer, comes through the chain.
    let mut catalog = TcpStream::connect(("127.0.0.1", 18080)).unwrap();
    catalog
        .write_all(b"GET /catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut list = String::new();
    catalog.read_to_string(&mut list).unwrap();
    assert!(list.starts_with("HTTP/1.1 200"), "{list}");
    assert!(
        list.contains("{\"sku\":\"book-0800\",\"title\":\"Volume 800 of the collected works\",\"price\":\"5.00\"}]"),
        "{}",
        &list[..200]
    );

    let pids: Vec<u32> = std::fs::read_dir(root.path().join("target/lab/pids"))
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(pids.len(), 5);

    // Ingress serves the storefront over TLS with a certificate that the
    // lab's CA signed; an expired one put in its place is refused.
    let tls = root.path().join("target/lab/tls");
    let (status, _) = https_get(&tls.join("ca.crt"), "/healthz").unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    for (from, to) in [("expired.crt", "tls.crt"), ("expired.key", "tls.key")] {
        std::fs::copy(tls.join(from), tls.join(to)).unwrap();
    }
    let refused = https_get(&tls.join("ca.crt"), "/healthz").unwrap_err();
    assert!(refused.contains("certificate expired"), "{refused}");
    for (from, to) in [("original.crt", "tls.crt"), ("original.key", "tls.key")] {
        std::fs::copy(tls.join(from), tls.join(to)).unwrap();
    }
    assert!(https_get(&tls.join("ca.crt"), "/healthz").is_ok());

    // Ctrl-C (SIGINT to the lab alone, as a terminal now sends it: the
    // services run in process groups of their own): the lab tears the
    // shop down, says so and exits 0.
    Command::new("kill")
        .args(["-INT", &up.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(
        rest,
        ["stopped: every process of the shop has ended and its ports are free"]
    );
    assert!(up.wait().unwrap().success());
    assert!(!root.path().join("target/lab/pids").exists());
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|p| alive(*p)) || !LAB_PORTS.iter().all(|p| port_is_free(*p)) {
        assert!(
            Instant::now() < deadline,
            "left running after the lab stopped"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// GET `path` from the lab's ingress over TLS, trusting only the CA in
/// `ca_file`: the status line and the body, or why the connection failed.
fn https_get(ca_file: &Path, path: &str) -> Result<(String, String), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(ca_file).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let connection = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, connect(18443));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    // The server may close without a TLS close_notify once it answered.
    match tls.read_to_string(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::UnexpectedEof && !answer.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    Ok((
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    ))
}

#[test]
fn a_port_in_use_is_exit_2_and_starts_nothing() {
    let _ports = fixed_ports();
    let Ok(taken) = TcpListener::bind(("127.0.0.1", 18082)) else {
        eprintln!("skipped: port 18082 is in use on this machine");
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let out = lab(root.path(), &["up"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("port 18082 of 127.0.0.1 (for prices) is in use"),
        "{stderr}"
    );
    drop(taken);
    assert!(LAB_PORTS.iter().all(|p| port_is_free(*p)));
}

/// `chaosbook lab ARGS` with `path` as the PATH (the test's own when
/// `None`) is refused before anything starts: exit 2, `message` on standard
/// error, nothing on standard output (no run, no verdict).
fn refused(args: &[&str], path: Option<&Path>, message: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chaosbook"));
    cmd.arg("--root").arg(repo()).arg("lab").args(args);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn bad_scenarios_are_exit_2_with_what_to_do() {
    refused(
        &["run", "no-such-scenario"],
        None,
        "no scenario called `no-such-scenario`; the lab runs: bandwidth-limit, clock-skew, dependency-blackhole, disk-fill, expired-certificate, http-abort, network-latency, node-cpu-hog, node-memory-hog, process-kill (`chaosbook lab list`)",
    );
    refused(
        &["run", "pod-delete"],
        None,
        "scenario `pod-delete` has no lab implementation yet",
    );
    refused(
        &["run", "network-latency", "--set", "latency_ms=fast"],
        None,
        "--set latency_ms=fast",
    );
    refused(
        &["run", "network-latency", "--set", "latency_ms=300", "--record"],
        None,
        "--record keeps the evidence of the experiment the catalog publishes, with the lab's own values: drop --set, or do not record",
    );

    // Stress is bounded: CPU workers by the machine's cores, memory at a
    // quarter of it, a disk fill far below what the parameter allows
    // elsewhere.
    refused(
        &["run", "node-cpu-hog", "--set", "workers=64"],
        None,
        "workers=64: the lab runs at most one CPU worker per core",
    );
    refused(
        &["run", "node-memory-hog", "--set", "memory_percent=26"],
        None,
        "memory_percent=26: the lab holds at most 25% of this machine's memory; set memory_percent to 25 or less",
    );
    refused(
        &["run", "disk-fill", "--set", "fill_mib=257"],
        None,
        "fill_mib=257: the lab writes at most 256 MiB inside its folder; set fill_mib to 256 or less",
    );

    // A program the experiment runs is missing: what to install, before
    // anything starts.
    let nowhere = Path::new("/nonexistent");
    refused(
        &["run", "node-cpu-hog"],
        Some(nowhere),
        "the experiment runs `stress-ng`, which is not installed; install it (on Debian or Ubuntu: `apt-get install stress-ng`)",
    );
    refused(
        &["run", "disk-fill"],
        Some(nowhere),
        "the experiment runs `dd`, which is not installed; install it (on Debian or Ubuntu: `apt-get install coreutils`)",
    );
    // The clock-skew and TLS experiments' programs: a PATH with `sh` and
    // `curl` but no `faketime`, then one without `curl`.
    let bin = tempfile::tempdir().unwrap();
    for program in ["sh", "curl"] {
        std::fs::write(bin.path().join(program), "").unwrap();
    }
    refused(
        &["run", "clock-skew"],
        Some(bin.path()),
        "the experiment runs `faketime`, which is not installed; install it (on Debian or Ubuntu: `apt-get install faketime`)",
    );
    std::fs::remove_file(bin.path().join("curl")).unwrap();
    refused(
        &["run", "expired-certificate"],
        Some(bin.path()),
        "the experiment runs `curl`, which is not installed; install it (on Debian or Ubuntu: `apt-get install curl`)",
    );
    // A Toxiproxy script needs bash and curl, which the lab runs itself.
    std::fs::write(bin.path().join("bash"), "").unwrap();
    refused(
        &["run", "network-latency", "--tool", "toxiproxy"],
        Some(bin.path()),
        "the toxiproxy experiment runs `curl`, which is not installed; install it (on Debian or Ubuntu: `apt-get install curl`)",
    );
}

#[test]
fn lab_list_names_each_runnable_scenario_and_its_tool() {
    let out = lab(&repo(), &["list"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().take(2).collect())
        .collect();
    assert!(
        rows.contains(&vec!["network-latency", "chaos-toolkit"]),
        "{stdout}"
    );
    for scenario in [
        "dependency-blackhole",
        "process-kill",
        "node-cpu-hog",
        "expired-certificate",
        "clock-skew",
        "bandwidth-limit",
        "http-abort",
        "node-memory-hog",
        "disk-fill",
    ] {
        assert!(rows.contains(&vec![scenario, "chaos-toolkit"]), "{stdout}");
    }
    // The network faults also run as Toxiproxy scripts the lab conducts.
    for scenario in [
        "network-latency",
        "dependency-blackhole",
        "bandwidth-limit",
        "http-abort",
    ] {
        assert!(rows.contains(&vec![scenario, "toxiproxy"]), "{stdout}");
    }
}

/// A lab experiment that claims a run nobody recorded blocks `lab run`
/// like any error of the catalog, except under `--record`, which is how
/// that error is fixed: then the run goes ahead (here it stops at once,
/// exit 2, for want of curl, before anything starts).
#[test]
fn only_record_may_run_past_a_missing_lab_record() {
    let project = crate::catalog_pages::lab_project();
    let root = project.path();
    std::fs::write(root.join("catalog/lab-runs.yaml"), "runs: []\n").unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .arg("--root")
            .arg(root)
            .args(["lab", "run", "demo-latency"])
            .args(extra)
            .env("PATH", empty_path.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("error[lab-evidence]"), "{stderr}");
    let (code, stderr) = run(&["--record"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the demo-tool experiment runs `bash`, which is not installed"),
        "{stderr}"
    );
}

/// A directory whose `chaos` is the shell script `body`, then the PATH of
/// the tests.
fn fake_chaos(body: &str) -> (tempfile::TempDir, String) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let chaos = dir.path().join("chaos");
    std::fs::write(&chaos, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&chaos, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path)
}

/// Chaos Toolkit writes a journal for every run it starts. Without one, a
/// run stopped early is aborted (exit 1), and a tool that just ended is an
/// error that says where its log is (exit 2); neither is read as a verdict.
#[test]
fn a_run_without_a_journal_is_aborted_or_an_error_never_a_verdict() {
    let _ports = fixed_ports();
    if !LAB_PORTS.iter().all(|p| port_is_free(*p)) {
        eprintln!("skipped: a lab port is in use on this machine (a lab is running?)");
        return;
    }
    let run = |path: &str| {
        Command::new(env!("CARGO_BIN_EXE_chaosbook"))
            .arg("--root")
            .arg(repo())
            .args(["lab", "run", "network-latency", "--tool", "chaos-toolkit"])
            .env("PATH", path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };

    let (_dir, path) = fake_chaos("exit 3");
    let out = run(&path).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("Chaos Toolkit ended (exit status: 3) without writing its journal")
            && stderr.contains("chaostoolkit.log"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("verdict"));

    // Stopped while the tool is still starting: Ctrl-C once the shop is up.
    let (_dir, path) = fake_chaos("exec sleep 30");
    let mut child = run(&path);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("the shop is up") {
        line.clear();
    }
    assert!(line.contains("the shop is up"), "{line}");
    // SAFETY: kill(2) on the child this test started and has not reaped.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(
            "verdict: aborted (Chaos Toolkit was stopped before it wrote a journal: it had not started the experiment)\n"
        ),
        "{stdout}"
    );
    assert!(LAB_PORTS.iter().all(|p| port_is_free(*p)));
}
