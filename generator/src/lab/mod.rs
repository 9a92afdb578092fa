//! `chaosbook lab`: catalog scenarios run for real on one machine.
//!
//! The lab starts a small shop ([`shop`]) and a Toxiproxy-compatible proxy
//! ([`proxy`]) as child processes on 127.0.0.1, then runs a scenario's lab
//! implementation (the `lab` block of the scenario, catalog data like any
//! implementation) with the real tool, and reads the tool's journal for a
//! verdict ([`run`]); around a tool that only injects (a Toxiproxy script)
//! the lab conducts the experiment itself ([`conduct`]). Ingress ([`tls`]) serves the storefront over TLS
//! with certificates the lab issues at each start.
//!
//! Safety: everything binds 127.0.0.1; every child is stopped when the lab
//! ends (dropping [`Shop`] kills and reaps them) and also ends on its own
//! when the lab process is gone (its standard input, a pipe from the lab,
//! closes); the tool's run has a hard timeout; the lab changes nothing
//! outside its own processes and its folder `target/lab/`.

pub mod conduct;
pub mod proxy;
pub mod record;
pub mod run;
pub mod shop;
pub mod tls;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The lab's services and the ports they listen on (127.0.0.1 only). The
/// catalog's lab implementations name these addresses; the Toxiproxy API
/// is on Toxiproxy's own default port, so its clients need no setting.
pub const SERVICES: [(&str, u16); 5] = [
    ("toxiproxy", 8474),
    ("prices", 18082),
    ("checkout", 18081),
    ("storefront", 18080),
    ("ingress", 18443),
];

/// The proxy on the checkout -> prices hop: its name in the Toxiproxy API,
/// where it listens, and where it forwards to.
pub const PRICES_PROXY: (&str, u16, u16) = ("prices", 18083, 18082);

fn port(service: &str) -> u16 {
    SERVICES
        .iter()
        .find(|(s, _)| *s == service)
        .map_or(0, |(_, p)| *p)
}

/// The lab's Toxiproxy API, `http://127.0.0.1:8474`.
pub(crate) fn toxiproxy_api() -> String {
    format!("http://127.0.0.1:{}", port("toxiproxy"))
}

/// The HTTP client of the lab and its services: plain HTTP on loopback.
pub(crate) fn http_client() -> reqwest::Client {
    // reqwest is built without a default TLS provider (see links); the lab
    // speaks plain HTTP, but the builder still wants one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Where the lab keeps its files: the experiment, logs, journals, pid files.
pub fn lab_dir(root: &Path) -> PathBuf {
    root.join("target").join("lab")
}

/// A line of `chaosbook lab list`: a lab experiment and its recorded run.
pub struct Listed<'a> {
    /// The scenario's id.
    pub scenario: &'a str,
    /// The tool of the lab implementation.
    pub tool: &'a str,
    /// The scenario's title.
    pub title: &'a str,
    /// The recorded run's verdict, if the run was recorded.
    pub recorded: Option<&'a str>,
}

/// `chaosbook lab list`: every lab experiment, one line each, with the
/// verdict of its recorded run (what the test command compares runs with).
pub fn list(catalog: &crate::Catalog) -> Vec<Listed<'_>> {
    let mut out = Vec::new();
    for entry in &catalog.scenarios {
        if let Some(lab) = &entry.item.lab {
            for imp in &lab.implementations {
                out.push(Listed {
                    scenario: &entry.item.id,
                    tool: &imp.tool,
                    title: &entry.item.title,
                    recorded: catalog
                        .lab_run(&entry.item.id, &imp.tool)
                        .map(|r| r.verdict.as_str()),
                });
            }
        }
    }
    out
}

/// Set when the user asks the lab to stop (Ctrl-C, SIGTERM, SIGHUP).
static STOP: AtomicBool = AtomicBool::new(false);

/// From now on a stop request sets a flag that the lab's loops check,
/// instead of ending the process: the lab then lets the tool finish its
/// rollbacks and tears the shop down. The shop's processes and the tool
/// run in process groups of their own, so a Ctrl-C in the terminal
/// reaches the lab alone, which decides the order.
pub(crate) fn stop_on_signal() {
    // A second call (a second run in one process) keeps the first handler.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

/// Whether the user asked the lab to stop.
pub(crate) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The running shop: its child processes, stopped on drop.
pub struct Shop {
    children: Vec<(String, Child)>,
    pid_dir: PathBuf,
    /// The lab's certificates, which ingress serves.
    tls_dir: PathBuf,
    /// This binary: each service is `chaosbook lab service NAME`.
    exe: PathBuf,
}

impl Shop {
    /// Starts every service and the proxy, waits until each answers, and
    /// creates the proxy of the checkout -> prices hop. A port in use is
    /// an environment error (exit 2) before anything starts.
    pub fn start(root: &Path) -> Result<Shop> {
        for (service, port) in SERVICES
            .iter()
            .copied()
            .chain([("the prices proxy", PRICES_PROXY.1)])
        {
            if let Err(e) = TcpListener::bind(("127.0.0.1", port)) {
                return Err(Error::Env(format!(
                    "port {port} of 127.0.0.1 (for {service}) is in use ({e}); stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) and try again"
                )));
            }
        }
        let exe = std::env::current_exe()
            .map_err(|e| Error::Env(format!("cannot find the chaosbook binary: {e}")))?;
        let pid_dir = lab_dir(root).join("pids");
        std::fs::create_dir_all(&pid_dir).map_err(|e| Error::io("cannot create", &pid_dir, e))?;
        let tls_dir = lab_dir(root).join("tls");
        tls::issue(&tls_dir).map_err(Error::Env)?;
        let mut shop = Shop {
            children: Vec::new(),
            pid_dir,
            tls_dir,
            exe,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Env(e.to_string()))?;
        let client = http_client();
        for (service, service_port) in SERVICES {
            let child = shop.spawn(service, service_port)?;
            shop.children.push((service.to_string(), child));
            let health = if service == "toxiproxy" {
                "/version"
            } else {
                "/healthz"
            };
            shop.wait_ready(&runtime, &client, service, service_port, health)?;
            if service == "toxiproxy" {
                create_prices_proxy(&runtime, &client)?;
            }
        }
        Ok(shop)
    }

    /// Starts one service and writes its pid file
    /// (`target/lab/pids/SERVICE.pid`, what process faults aim at).
    fn spawn(&self, service: &str, service_port: u16) -> Result<Child> {
        let upstream = match service {
            "checkout" => Some(format!("http://127.0.0.1:{}", PRICES_PROXY.1)),
            "storefront" => Some(format!("http://127.0.0.1:{}", port("checkout"))),
            "ingress" => Some(format!("http://127.0.0.1:{}", port("storefront"))),
            _ => None,
        };
        let mut cmd = Command::new(&self.exe);
        cmd.args([
            "lab",
            "service",
            service,
            "--port",
            &service_port.to_string(),
        ]);
        if let Some(u) = &upstream {
            cmd.args(["--upstream", u]);
        }
        if service == "ingress" {
            cmd.arg("--tls-dir").arg(&self.tls_dir);
        }
        let child = cmd
            // Not in the terminal's process group: Ctrl-C is the lab's to handle.
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| Error::Env(format!("cannot start {service}: {e}")))?;
        let pid_file = self.pid_dir.join(format!("{service}.pid"));
        let _ = std::fs::write(&pid_file, format!("{}\n", child.id()));
        Ok(child)
    }

    /// The lab's supervisor, as systemd or a container runtime would be:
    /// a shop service that stopped (a process fault) is started again.
    /// Returns what it did; an error when the proxy stopped, since its
    /// proxies and toxics are gone with it.
    pub fn supervise(&mut self) -> Result<Vec<String>> {
        let mut done = Vec::new();
        if stop_requested() {
            return Ok(done);
        }
        for i in 0..self.children.len() {
            let Ok(Some(status)) = self.children[i].1.try_wait() else {
                continue;
            };
            let service = self.children[i].0.clone();
            if service == "toxiproxy" {
                return Err(Error::Env(format!("the lab's proxy stopped ({status})")));
            }
            let child = self.spawn(&service, port(&service))?;
            done.push(format!(
                "{service} stopped ({status}); the lab's supervisor started it again (pid {})",
                child.id()
            ));
            self.children[i].1 = child;
        }
        Ok(done)
    }

    fn wait_ready(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        client: &reqwest::Client,
        service: &str,
        port: u16,
        path: &str,
    ) -> Result<()> {
        let url = format!("http://127.0.0.1:{port}{path}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // Ingress speaks TLS only: it is ready when it listens, which
            // it does once it has read its certificate.
            let ok = if service == "ingress" {
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            } else {
                runtime.block_on(async {
                    client
                        .get(&url)
                        .timeout(Duration::from_millis(500))
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success())
                })
            };
            if ok {
                return Ok(());
            }
            if let Some((_, child)) = self.children.iter_mut().find(|(s, _)| s == service) {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(Error::Env(format!(
                        "{service} stopped while starting ({status}); see its message above"
                    )));
                }
            }
            if Instant::now() > deadline {
                return Err(Error::Env(format!(
                    "{service} did not answer {url} within 10 s"
                )));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The endpoints, for `lab up` and the run's header.
    pub fn endpoints() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = SERVICES
            .iter()
            .rev()
            .map(|(s, p)| {
                let what = match *s {
                    "toxiproxy" => format!("http://127.0.0.1:{p} (Toxiproxy API)"),
                    "storefront" => {
                        format!("http://127.0.0.1:{p}/checkout, /catalog, /healthz, /metrics")
                    }
                    "ingress" => format!(
                        "https://127.0.0.1:{p}/checkout (the storefront over TLS; CA in target/lab/tls/ca.crt)"
                    ),
                    _ => format!("http://127.0.0.1:{p}/healthz, /metrics"),
                };
                (s.to_string(), what)
            })
            .collect();
        out.push((
            format!("proxy {}", PRICES_PROXY.0),
            format!(
                "127.0.0.1:{} -> 127.0.0.1:{} (checkout calls prices through it)",
                PRICES_PROXY.1, PRICES_PROXY.2
            ),
        ));
        out
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        for (_, child) in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.pid_dir);
        // The keys are throwaway: they do not outlive a lab run (Ctrl-C
        // on `lab up` skips this; the next start replaces them).
        let _ = std::fs::remove_dir_all(&self.tls_dir);
    }
}

fn create_prices_proxy(runtime: &tokio::runtime::Runtime, client: &reqwest::Client) -> Result<()> {
    let (name, listen, upstream) = PRICES_PROXY;
    let body = serde_json::json!({
        "name": name,
        "listen": format!("127.0.0.1:{listen}"),
        "upstream": format!("127.0.0.1:{upstream}"),
        "enabled": true,
    });
    let url = format!("{}/proxies", toxiproxy_api());
    let status = runtime.block_on(async {
        client
            .post(&url)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    match status {
        Ok(201) => Ok(()),
        Ok(s) => Err(Error::Env(format!(
            "the proxy refused to create `{name}` ({s})"
        ))),
        Err(e) => Err(Error::Env(format!("cannot reach the proxy API: {e}"))),
    }
}

/// `chaosbook lab up`: the shop until Ctrl-C. Ctrl-C reaches every process
/// of the terminal's foreground group, the services included; whatever
/// survives ends when this process's pipes to it close.
pub fn up(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut shop = Shop::start(root)?;
    println!(
        "the lab's shop is up on 127.0.0.1 (ready in {} ms):",
        started.elapsed().as_millis()
    );
    for (name, what) in Shop::endpoints() {
        println!("  {name:<14} {what}");
    }
    println!("press Ctrl-C to stop it; nothing is left running");
    stop_on_signal();
    while !stop_requested() {
        std::thread::sleep(Duration::from_millis(100));
        for line in shop.supervise()? {
            println!("{line}");
        }
    }
    drop(shop);
    // Whoever read the endpoints may be gone by now (`lab up | head`).
    let _ = writeln!(
        std::io::stdout(),
        "stopped: every process of the shop has ended and its ports are free"
    );
    Ok(())
}

/// `chaosbook lab service NAME`: one process of the lab (hidden command).
pub fn service(
    name: &str,
    port: u16,
    upstream: Option<String>,
    tls_dir: Option<PathBuf>,
) -> Result<()> {
    if port == 0 {
        return Err(Error::Usage("--port must be a port number".into()));
    }
    // The lab holds the write end of this pipe: end of input means the lab
    // is gone, and so must this service be.
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    match name {
        "toxiproxy" => serve_proxy(port).map_err(Error::Env),
        "ingress" => match (upstream, tls_dir) {
            (Some(upstream), Some(dir)) => {
                tls::serve_ingress(port, &upstream, &dir).map_err(Error::Env)
            }
            _ => Err(Error::Usage(
                "ingress needs --upstream and --tls-dir".into(),
            )),
        },
        "storefront" | "checkout" | "prices" => shop::serve(shop::ServiceConfig {
            name: name.to_string(),
            port,
            upstream,
        })
        .map_err(Error::Env),
        other => Err(Error::Usage(format!(
            "no lab service called `{other}`; the lab has toxiproxy, prices, checkout, storefront, ingress"
        ))),
    }
}

/// The proxy's HTTP API on 127.0.0.1:`port`.
fn serve_proxy(port: u16) -> std::result::Result<(), String> {
    let http = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| format!("the proxy cannot listen on 127.0.0.1:{port}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let server = proxy::Server::new(runtime.handle().clone());
    for mut request in http.incoming_requests() {
        let server = server.clone();
        std::thread::spawn(move || {
            let mut body = Vec::new();
            let _ = request.as_reader().take(1 << 20).read_to_end(&mut body);
            // As Toxiproxy does: a browser must not drive the API (a web
            // page could otherwise send it requests).
            let browser = request
                .headers()
                .iter()
                .any(|h| h.field.equiv("User-Agent") && h.value.as_str().starts_with("Mozilla/"));
            let method = request.method().as_str().to_string();
            let path = request.url().split('?').next().unwrap_or("/").to_string();
            let answer = if browser {
                Err(proxy::ApiError {
                    status: 403,
                    message: "User agent not allowed".into(),
                })
            } else {
                server.handle(&method, &path, &body)
            };
            let (status, json) = match answer {
                Ok((status, json)) => (status, json),
                Err(e) => (
                    e.status,
                    Some(serde_json::json!({"error": e.message, "status": e.status})),
                ),
            };
            let mut response =
                tiny_http::Response::from_string(json.map(|j| j.to_string()).unwrap_or_default())
                    .with_status_code(status);
            if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", "application/json") {
                response = response.with_header(h);
            }
            let _ = request.respond(response);
        });
    }
    server.shutdown();
    Ok(())
}

/// `chaosbook lab export`: every lab implementation rendered with the lab's
/// values, as `OUT/TOOL/SCENARIO.EXT` (what tests/validate-exports.sh
/// checks with the tools' own validators). An `out` in or over the
/// `sources` is refused. Returns how many were written.
pub fn export(
    catalog: &crate::Catalog,
    out: &Path,
    sources: &crate::destination::Sources,
) -> Result<usize> {
    if let Some(reason) = sources.refusal(out, "export the lab experiments", "an --out") {
        return Err(Error::Destination {
            path: out.to_path_buf(),
            reason,
        });
    }
    let mut written = 0;
    for ((scenario, tool), manifest) in &catalog.lab_manifests {
        let Some(format) = catalog.formats.get(&manifest.format) else {
            continue;
        };
        let dir = out.join(tool);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
        let file = dir.join(format!("{scenario}.{}", format.extension));
        std::fs::write(&file, manifest.rendered.as_bytes())
            .map_err(|e| Error::io("cannot write", &file, e))?;
        written += 1;
    }
    Ok(written)
}
