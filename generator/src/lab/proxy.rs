//! A Toxiproxy-compatible TCP proxy for the lab.
//!
//! It speaks the part of Toxiproxy's HTTP API that Chaos Toolkit's
//! chaostoolkit-toxiproxy extension, `toxiproxy-cli` and the catalog's
//! Toxiproxy implementations use (`/version`, `/proxies` CRUD,
//! `/proxies/{proxy}/toxics` CRUD, `/reset`), with Toxiproxy's field names
//! and status codes, so an experiment written for a real Toxiproxy runs
//! against it unchanged. Toxiproxy's own server is a Go program that no
//! package registry here ships.
//!
//! Differences, on purpose: proxies may only listen on loopback (the lab
//! binds 127.0.0.1 only), and `/populate` and `/metrics` are not served.
//!
//! The data path runs on tokio. Each connection ("link") pumps two
//! directions: `upstream` (client to server) and `downstream` (server to
//! client). Every chunk read is passed through the toxics of its direction
//! as they are at that moment, so a toxic added or removed acts on open
//! connections too, as in Toxiproxy.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The Toxiproxy release whose API this proxy follows (fields checked
/// against Shopify/toxiproxy's api.go and toxics/*.go).
pub const API_VERSION: &str = "2.12.0";

/// The toxic types this proxy implements, with their attributes (all
/// integers, as in Toxiproxy) and what each does to a chunk of data.
const TOXIC_TYPES: [(&str, &[&str]); 7] = [
    ("latency", &["latency", "jitter"]),
    ("bandwidth", &["rate"]),
    ("slicer", &["average_size", "size_variation", "delay"]),
    ("timeout", &["timeout"]),
    ("reset_peer", &["timeout"]),
    ("limit_data", &["bytes"]),
    ("slow_close", &["delay"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Upstream,
    Downstream,
}

impl Stream {
    fn parse(s: &str) -> Option<Stream> {
        match s {
            "upstream" => Some(Stream::Upstream),
            "downstream" => Some(Stream::Downstream),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Stream::Upstream => "upstream",
            Stream::Downstream => "downstream",
        }
    }
}

#[derive(Debug, Clone)]
struct Toxic {
    name: String,
    kind: String,
    stream: Stream,
    toxicity: f64,
    attributes: BTreeMap<String, i64>,
}

impl Toxic {
    fn json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.kind,
            "stream": self.stream.name(),
            "toxicity": self.toxicity,
            "attributes": self.attributes,
        })
    }

    fn attr(&self, name: &str) -> i64 {
        self.attributes.get(name).copied().unwrap_or(0).max(0)
    }

    fn millis(&self, name: &str) -> Duration {
        Duration::from_millis(self.attr(name) as u64)
    }
}

struct Proxy {
    name: String,
    listen: String,
    upstream: String,
    enabled: bool,
    toxics: Vec<Toxic>,
    /// Set to true to close the listener and every link of this proxy.
    stop: Option<watch::Sender<bool>>,
    /// The task that accepts connections: joined when the proxy stops, so
    /// the port is closed by the time the API answers, as in Toxiproxy.
    accept: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    fn json(&self) -> Value {
        json!({
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "toxics": self.toxics.iter().map(Toxic::json).collect::<Vec<_>>(),
        })
    }
}

/// An API error, answered as Toxiproxy does: `{"error": ..., "status": ...}`.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status of the answer, as Toxiproxy gives it (400, 404, 409).
    pub status: u16,
    /// What went wrong, in Toxiproxy's words.
    pub message: String,
}

fn err(status: u16, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        message: message.into(),
    }
}

fn not_found_proxy() -> ApiError {
    err(404, "proxy not found")
}

/// The proxy server's state: every proxy, shared by the API and the links.
#[derive(Clone)]
pub struct Server {
    proxies: Arc<Mutex<BTreeMap<String, Proxy>>>,
    runtime: tokio::runtime::Handle,
}

/// An API response: status and JSON body (none for 204).
pub type Answer = (u16, Option<Value>);

impl Server {
    /// A server with no proxy; links run on `runtime`.
    pub fn new(runtime: tokio::runtime::Handle) -> Server {
        Server {
            proxies: Arc::default(),
            runtime,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Proxy>> {
        // A panicking link cannot leave the map half-changed: every change
        // is one insert or remove.
        self.proxies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers one API request (`path` without the query string).
    pub fn handle(&self, method: &str, path: &str, body: &[u8]) -> Result<Answer, ApiError> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let body = || -> Result<Map<String, Value>, ApiError> {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(m)) => Ok(m),
                Ok(_) => Err(err(400, "bad request body: expected a JSON object")),
                Err(e) => Err(err(400, format!("bad request body: {e}"))),
            }
        };
        match (method, parts.as_slice()) {
            ("GET", ["version"]) => Ok((200, Some(json!({ "version": API_VERSION })))),
            ("POST", ["reset"]) => {
                self.reset()?;
                Ok((204, None))
            }
            ("GET", ["proxies"]) => {
                let all: Map<String, Value> = self
                    .lock()
                    .values()
                    .map(|p| (p.name.clone(), p.json()))
                    .collect();
                Ok((200, Some(Value::Object(all))))
            }
            ("POST", ["proxies"]) => self.create_proxy(body()?).map(|v| (201, Some(v))),
            ("GET", ["proxies", name]) => self
                .lock()
                .get(*name)
                .map(|p| (200, Some(p.json())))
                .ok_or_else(not_found_proxy),
            ("POST" | "PATCH", ["proxies", name]) => {
                self.update_proxy(name, body()?).map(|v| (200, Some(v)))
            }
            ("DELETE", ["proxies", name]) => {
                let mut proxy = self.lock().remove(*name).ok_or_else(not_found_proxy)?;
                self.stop(&mut proxy);
                Ok((204, None))
            }
            ("GET", ["proxies", name, "toxics"]) => self
                .lock()
                .get(*name)
                .map(|p| {
                    let list: Vec<Value> = p.toxics.iter().map(Toxic::json).collect();
                    (200, Some(Value::Array(list)))
                })
                .ok_or_else(not_found_proxy),
            ("POST", ["proxies", name, "toxics"]) => {
                self.create_toxic(name, body()?).map(|v| (200, Some(v)))
            }
            ("GET", ["proxies", name, "toxics", toxic]) => {
                let proxies = self.lock();
                let p = proxies.get(*name).ok_or_else(not_found_proxy)?;
                p.toxics
                    .iter()
                    .find(|t| t.name == *toxic)
                    .map(|t| (200, Some(t.json())))
                    .ok_or_else(|| err(404, "toxic not found"))
            }
            ("POST" | "PATCH", ["proxies", name, "toxics", toxic]) => self
                .update_toxic(name, toxic, body()?)
                .map(|v| (200, Some(v))),
            ("DELETE", ["proxies", name, "toxics", toxic]) => {
                let mut proxies = self.lock();
                let p = proxies.get_mut(*name).ok_or_else(not_found_proxy)?;
                let before = p.toxics.len();
                p.toxics.retain(|t| t.name != *toxic);
                if p.toxics.len() == before {
                    return Err(err(404, "toxic not found"));
                }
                Ok((204, None))
            }
            (
                _,
                ["version"]
                | ["reset"]
                | ["proxies"]
                | ["proxies", _]
                | ["proxies", _, "toxics"]
                | ["proxies", _, "toxics", _],
            ) => Err(err(405, format!("method {method} not allowed here"))),
            _ => Err(err(404, "not found")),
        }
    }

    /// `POST /reset`: every proxy enabled, every toxic removed.
    fn reset(&self) -> Result<(), ApiError> {
        let mut proxies = self.lock();
        for p in proxies.values_mut() {
            p.toxics.clear();
            if !p.enabled {
                p.enabled = true;
                self.start(p)?;
            }
        }
        Ok(())
    }

    fn create_proxy(&self, input: Map<String, Value>) -> Result<Value, ApiError> {
        let text = |k: &str| {
            input
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = text("name");
        if name.is_empty() {
            return Err(err(400, "missing required field: name"));
        }
        let upstream = text("upstream");
        if upstream.is_empty() {
            return Err(err(400, "missing required field: upstream"));
        }
        let listen = match text("listen") {
            l if l.is_empty() => "127.0.0.1:0".to_string(),
            l => l,
        };
        let enabled = input
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let mut proxies = self.lock();
        if proxies.contains_key(&name) {
            return Err(err(409, "proxy already exists"));
        }
        let mut proxy = Proxy {
            name: name.clone(),
            listen,
            upstream,
            enabled,
            toxics: Vec::new(),
            stop: None,
            accept: None,
        };
        if enabled {
            self.start(&mut proxy)?;
        }
        let out = proxy.json();
        proxies.insert(name, proxy);
        Ok(out)
    }

    fn update_proxy(&self, name: &str, input: Map<String, Value>) -> Result<Value, ApiError> {
        let mut proxies = self.lock();
        let p = proxies.get_mut(name).ok_or_else(not_found_proxy)?;
        let listen = input.get("listen").and_then(Value::as_str);
        let upstream = input.get("upstream").and_then(Value::as_str);
        let enabled = input.get("enabled").and_then(Value::as_bool);
        let moved =
            listen.is_some_and(|l| l != p.listen) || upstream.is_some_and(|u| u != p.upstream);
        if moved || enabled == Some(false) {
            self.stop(p);
        }
        if let Some(l) = listen {
            p.listen = l.to_string();
        }
        if let Some(u) = upstream {
            p.upstream = u.to_string();
        }
        if let Some(e) = enabled {
            p.enabled = e;
        }
        if p.enabled && p.stop.is_none() {
            self.start(p)?;
        }
        Ok(p.json())
    }

    fn create_toxic(&self, proxy: &str, input: Map<String, Value>) -> Result<Value, ApiError> {
        let kind = input.get("type").and_then(Value::as_str).unwrap_or("");
        let Some((_, attrs)) = TOXIC_TYPES.iter().find(|(t, _)| *t == kind) else {
            return Err(err(400, "invalid toxic type"));
        };
        let stream = match input.get("stream").and_then(Value::as_str) {
            None | Some("") => Stream::Downstream,
            Some(s) => Stream::parse(s).ok_or_else(|| {
                err(
                    400,
                    "stream was invalid, can be either upstream or downstream",
                )
            })?,
        };
        let name = match input.get("name").and_then(Value::as_str) {
            None | Some("") => format!("{kind}_{}", stream.name()),
            Some(n) => n.to_string(),
        };
        let toxicity = toxicity(input.get("toxicity"))?.unwrap_or(1.0);
        let mut toxic = Toxic {
            name,
            kind: kind.to_string(),
            stream,
            toxicity,
            attributes: attrs.iter().map(|a| (a.to_string(), 0)).collect(),
        };
        set_attributes(&mut toxic, input.get("attributes"))?;
        let mut proxies = self.lock();
        let p = proxies.get_mut(proxy).ok_or_else(not_found_proxy)?;
        if p.toxics.iter().any(|t| t.name == toxic.name) {
            return Err(err(409, "toxic already exists"));
        }
        let out = toxic.json();
        p.toxics.push(toxic);
        Ok(out)
    }

    fn update_toxic(
        &self,
        proxy: &str,
        name: &str,
        input: Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let mut proxies = self.lock();
        let p = proxies.get_mut(proxy).ok_or_else(not_found_proxy)?;
        let t = p
            .toxics
            .iter_mut()
            .find(|t| t.name == name)
            .ok_or_else(|| err(404, "toxic not found"))?;
        if let Some(x) = toxicity(input.get("toxicity"))? {
            t.toxicity = x;
        }
        set_attributes(t, input.get("attributes"))?;
        Ok(t.json())
    }

    /// Binds the proxy's listener (loopback only) and starts accepting.
    fn start(&self, p: &mut Proxy) -> Result<(), ApiError> {
        let addr: SocketAddr = p
            .listen
            .replace("localhost:", "127.0.0.1:")
            .parse()
            .map_err(|_| {
                err(
                    400,
                    format!(
                        "listen `{}` is not an address such as 127.0.0.1:8080",
                        p.listen
                    ),
                )
            })?;
        if !addr.ip().is_loopback() {
            return Err(err(
                400,
                format!(
                    "listen `{}`: the lab's proxy listens on loopback only (127.0.0.1)",
                    p.listen
                ),
            ));
        }
        let std_listener = std::net::TcpListener::bind(addr)
            .map_err(|e| err(409, format!("cannot listen on {addr}: {e}")))?;
        std_listener
            .set_nonblocking(true)
            .map_err(|e| err(500, e.to_string()))?;
        p.listen = std_listener
            .local_addr()
            .map_or(p.listen.clone(), |a| a.to_string());
        let (tx, rx) = watch::channel(false);
        p.stop = Some(tx);
        let name = p.name.clone();
        let server = self.clone();
        let _guard = self.runtime.enter();
        let listener = TcpListener::from_std(std_listener).map_err(|e| err(500, e.to_string()))?;
        let upstream = p.upstream.clone();
        p.accept = Some(
            self.runtime
                .spawn(accept(server, name, upstream, listener, rx)),
        );
        Ok(())
    }

    /// The toxics of one direction of `proxy` now, or `None` when the
    /// proxy is gone.
    fn toxics(&self, proxy: &str, stream: Stream) -> Option<Vec<Toxic>> {
        self.lock().get(proxy).map(|p| {
            p.toxics
                .iter()
                .filter(|t| t.stream == stream)
                .cloned()
                .collect()
        })
    }

    /// Closes the proxy's listener (before returning) and its links.
    fn stop(&self, p: &mut Proxy) {
        if let Some(tx) = p.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(task) = p.accept.take() {
            // The accept task takes no lock, so waiting for it here, with
            // the proxies locked, cannot deadlock.
            let _ = self.runtime.block_on(task);
        }
    }

    /// Stops every proxy (the lab's teardown).
    pub fn shutdown(&self) {
        let mut proxies = self.lock();
        for p in proxies.values_mut() {
            self.stop(p);
        }
    }
}

fn toxicity(v: Option<&Value>) -> Result<Option<f64>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) if (0.0..=1.0).contains(&x) => Ok(Some(x)),
            _ => Err(err(
                400,
                "bad request body: toxicity is a number from 0 to 1",
            )),
        },
    }
}

fn set_attributes(t: &mut Toxic, v: Option<&Value>) -> Result<(), ApiError> {
    let Some(Value::Object(given)) = v else {
        return match v {
            None | Some(Value::Null) => Ok(()),
            Some(_) => Err(err(400, "bad request body: attributes is an object")),
        };
    };
    for (k, v) in given {
        // Unknown attributes are ignored, as Toxiproxy's JSON decoding does.
        if let Some(slot) = t.attributes.get_mut(k) {
            *slot = v.as_i64().ok_or_else(|| {
                err(
                    400,
                    format!("bad request body: attribute {k} is a whole number"),
                )
            })?;
        }
    }
    Ok(())
}

async fn accept(
    server: Server,
    name: String,
    upstream: String,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let conn = tokio::select! {
            c = listener.accept() => c,
            _ = stop.changed() => return,
        };
        let Ok((client, _)) = conn else { continue };
        let (server, name, stop) = (server.clone(), name.clone(), stop.clone());
        let upstream = upstream.clone();
        tokio::spawn(async move {
            // An unreachable upstream closes the client's connection, as in
            // Toxiproxy.
            let Ok(Ok(up)) =
                tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&upstream)).await
            else {
                return;
            };
            link(server, name, client, up, stop).await;
        });
    }
}

/// One proxied connection: both directions until either side closes, the
/// proxy stops, or a toxic ends it.
async fn link(
    server: Server,
    name: String,
    client: TcpStream,
    upstream: TcpStream,
    stop: watch::Receiver<bool>,
) {
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    // Toxicity is drawn once per link and toxic, as Toxiproxy does.
    let drawn: Arc<Mutex<BTreeMap<String, bool>>> = Arc::default();
    let (client_r, client_w) = client.into_split();
    let (up_r, up_w) = upstream.into_split();
    let ends = Arc::new(tokio::sync::Notify::new());
    let up = pump(
        server.clone(),
        name.clone(),
        Stream::Upstream,
        client_r,
        up_w,
        stop.clone(),
        drawn.clone(),
        ends.clone(),
    );
    let down = pump(
        server,
        name,
        Stream::Downstream,
        up_r,
        client_w,
        stop,
        drawn,
        ends,
    );
    let _ = tokio::join!(up, down);
}

/// What a direction does after a chunk went through the toxics.
enum Next {
    Go,
    /// Close the link (after the toxic's wait), with a reset if `reset`.
    Close {
        reset: bool,
    },
}

#[allow(clippy::too_many_arguments)]
async fn pump(
    server: Server,
    proxy: String,
    stream: Stream,
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut stop: watch::Receiver<bool>,
    drawn: Arc<Mutex<BTreeMap<String, bool>>>,
    ends: Arc<tokio::sync::Notify>,
) {
    let mut buf = vec![0u8; 32 * 1024];
    let mut passed: u64 = 0;
    loop {
        let n = tokio::select! {
            r = from.read(&mut buf) => r.unwrap_or(0),
            _ = stop.changed() => 0,
            _ = ends.notified() => return,
        };
        let Some(toxics) = server.toxics(&proxy, stream) else {
            break;
        };
        let active: Vec<Toxic> = toxics
            .into_iter()
            .filter(|t| {
                let mut d = drawn.lock().unwrap_or_else(|e| e.into_inner());
                *d.entry(t.name.clone())
                    .or_insert_with(|| t.toxicity >= 1.0 || fastrand::f64() < t.toxicity)
            })
            .collect();
        if n == 0 {
            if let Some(t) = active.iter().find(|t| t.kind == "slow_close") {
                tokio::time::sleep(t.millis("delay")).await;
            }
            break;
        }
        match through(&active, &buf[..n], &mut to, &mut passed).await {
            Next::Go => {}
            Next::Close { reset } => {
                if reset {
                    // SO_LINGER 0 and no FIN first: when the other half
                    // is dropped, closing sends a TCP RST, what a peer that
                    // resets the connection looks like.
                    let stream: &TcpStream = to.as_ref();
                    let _ = stream.set_zero_linger();
                    to.forget();
                }
                ends.notify_one();
                return;
            }
        }
    }
    let _ = to.shutdown().await;
    // The other direction ends too (a permit is kept if it is not waiting).
    ends.notify_one();
}

/// Passes one chunk through the toxics, in the order they were added.
async fn through(
    toxics: &[Toxic],
    chunk: &[u8],
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    passed: &mut u64,
) -> Next {
    let mut delay = Duration::ZERO;
    let mut slices: Option<(usize, usize, Duration)> = None;
    let mut rate: Option<u64> = None;
    let mut data = chunk;
    for t in toxics {
        match t.kind.as_str() {
            "latency" => {
                let base = t.attr("latency");
                let jitter = t.attr("jitter");
                let ms = if jitter > 0 {
                    (base + fastrand::i64(-jitter..=jitter)).max(0)
                } else {
                    base
                };
                delay += Duration::from_millis(ms as u64);
            }
            "bandwidth" => rate = Some(t.attr("rate") as u64),
            "slicer" => {
                slices = Some((
                    t.attr("average_size").max(1) as usize,
                    t.attr("size_variation") as usize,
                    Duration::from_micros(t.attr("delay") as u64),
                ))
            }
            "timeout" => {
                // Data stops here; with a timeout the link closes after
                // it, with 0 it stays open until the toxic is removed.
                if t.attr("timeout") > 0 {
                    tokio::time::sleep(t.millis("timeout")).await;
                    return Next::Close { reset: false };
                }
                return Next::Go;
            }
            "reset_peer" => {
                tokio::time::sleep(t.millis("timeout")).await;
                return Next::Close { reset: true };
            }
            "limit_data" => {
                let limit = t.attr("bytes") as u64;
                if limit > 0 && *passed + data.len() as u64 >= limit {
                    let keep = limit.saturating_sub(*passed) as usize;
                    let _ = to.write_all(&data[..keep]).await;
                    *passed += keep as u64;
                    return Next::Close { reset: false };
                }
            }
            _ => {}
        }
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let pieces: Vec<&[u8]> = match slices {
        Some((avg, var, _)) => {
            let mut out = Vec::new();
            let mut rest = data;
            while !rest.is_empty() {
                let size = if var > 0 {
                    (avg as i64 + fastrand::i64(-(var as i64)..=var as i64)).max(1) as usize
                } else {
                    avg
                };
                let (a, b) = rest.split_at(size.min(rest.len()));
                out.push(a);
                rest = b;
            }
            out
        }
        None => vec![std::mem::take(&mut data)],
    };
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            if let Some((_, _, d)) = slices {
                tokio::time::sleep(d).await;
            }
        }
        match rate {
            // KB/s: send at most rate*100 bytes per 100 ms.
            Some(r) if r > 0 => {
                for part in piece.chunks((r as usize * 1024 / 10).max(1)) {
                    if to.write_all(part).await.is_err() {
                        return Next::Close { reset: false };
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            _ => {
                if to.write_all(piece).await.is_err() {
                    return Next::Close { reset: false };
                }
            }
        }
        *passed += piece.len() as u64;
    }
    Next::Go
}
