//! The lab's demo system: a three-service shop on 127.0.0.1.
//!
//! `storefront` answers `/checkout` by calling `checkout`, which asks
//! `prices` for a price (through the lab's proxy, so faults on that hop are
//! Toxiproxy toxics). Every service answers `/healthz` and `/metrics`
//! (Prometheus text format: request counts by route and code, latency
//! histograms by route). Each service is its own process, the chaosbook
//! binary run as `chaosbook lab service NAME`, so process faults (signals)
//! hit one service only.
//!
//! `/catalog` is the shop's one large answer: the whole price list
//! (about 64 KiB, as a product listing page would load), from prices
//! through checkout to the storefront, so a bandwidth cap on the prices
//! link has something to slow down; `/checkout` answers are a few dozen
//! bytes.
//!
//! Resilience the scenarios' hypotheses rely on: checkout gives prices
//! 500 ms and one retry, then answers from its last known price (a cache)
//! or, without one, with a 503; storefront gives checkout 3 s. For the
//! price list, checkout gives prices 3 s and storefront gives checkout 5 s,
//! without retries or cache.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tiny_http::{Header, Response, Server};

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Request counts and latency histograms of one service.
#[derive(Default)]
struct Metrics {
    /// (route, code) -> requests.
    requests: BTreeMap<(String, u16), u64>,
    /// route -> (bucket counts, sum of seconds, count).
    durations: BTreeMap<String, ([u64; BUCKETS.len()], f64, u64)>,
}

impl Metrics {
    fn record(&mut self, route: &str, code: u16, seconds: f64) {
        *self.requests.entry((route.to_string(), code)).or_default() += 1;
        let h = self.durations.entry(route.to_string()).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                h.0[i] += 1;
            }
        }
        h.1 += seconds;
        h.2 += 1;
    }

    /// The Prometheus text exposition format (version 0.0.4).
    fn text(&self, service: &str) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP http_requests_total HTTP requests answered, by route and status code.\n",
        );
        out.push_str("# TYPE http_requests_total counter\n");
        for ((route, code), n) in &self.requests {
            out.push_str(&format!(
                "http_requests_total{{app=\"{service}\",route=\"{route}\",code=\"{code}\"}} {n}\n"
            ));
        }
        out.push_str(
            "# HELP http_request_duration_seconds Time to answer an HTTP request, by route.\n",
        );
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (route, (buckets, sum, count)) in &self.durations {
            let labels = format!("app=\"{service}\",route=\"{route}\"");
            for (le, n) in BUCKETS.iter().zip(buckets) {
                out.push_str(&format!(
                    "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}\n"
                ));
            }
            out.push_str(&format!(
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}\n"
            ));
            out.push_str(&format!(
                "http_request_duration_seconds_sum{{{labels}}} {sum}\n"
            ));
            out.push_str(&format!(
                "http_request_duration_seconds_count{{{labels}}} {count}\n"
            ));
        }
        out
    }
}

/// What a service needs to run.
pub struct ServiceConfig {
    /// The service's name: `storefront`, `checkout` or `prices`.
    pub name: String,
    /// The 127.0.0.1 port it listens on.
    pub port: u16,
    /// The base URL of the service it calls (`http://127.0.0.1:PORT`).
    pub upstream: Option<String>,
}

struct Shared {
    name: String,
    upstream: Option<String>,
    metrics: Mutex<Metrics>,
    /// checkout's last price from prices, its fallback.
    cached_price: Mutex<Option<String>>,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// Runs one service until its process ends (the lab stops it, or its
/// standard input closes because the lab is gone).
pub fn serve(config: ServiceConfig) -> Result<(), String> {
    let server = Server::http(("127.0.0.1", config.port)).map_err(|e| {
        format!(
            "{} cannot listen on 127.0.0.1:{}: {e}",
            config.name, config.port
        )
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let shared = Arc::new(Shared {
        name: config.name,
        upstream: config.upstream,
        metrics: Mutex::default(),
        cached_price: Mutex::default(),
        client: super::http_client(),
        runtime,
    });
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || answer(&shared, request));
    }
    Ok(())
}

fn answer(shared: &Shared, request: tiny_http::Request) {
    let started = Instant::now();
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    let (code, body, route) = match path.as_str() {
        "/healthz" => (200, "ok\n".to_string(), "/healthz"),
        "/metrics" => {
            let text = shared
                .metrics
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .text(&shared.name);
            let header = Header::from_bytes("Content-Type", "text/plain; version=0.0.4").ok();
            let mut response = Response::from_string(text);
            if let Some(h) = header {
                response = response.with_header(h);
            }
            let _ = request.respond(response);
            return;
        }
        "/checkout" if shared.name == "storefront" => {
            let (c, b) = call(shared, "/checkout", Duration::from_secs(3), 0);
            (c, b, "/checkout")
        }
        "/checkout" if shared.name == "checkout" => {
            let (c, b) = checkout(shared);
            (c, b, "/checkout")
        }
        "/price" if shared.name == "prices" => (
            200,
            "{\"item\":\"book\",\"price\":\"12.50\"}\n".to_string(),
            "/price",
        ),
        "/catalog" if shared.name == "prices" => (200, price_list(), "/catalog"),
        "/catalog" => {
            let timeout = if shared.name == "storefront" { 5 } else { 3 };
            let (c, b) = call(shared, "/catalog", Duration::from_secs(timeout), 0);
            (c, b, "/catalog")
        }
        _ => (404, "not found\n".to_string(), "other"),
    };
    let seconds = started.elapsed().as_secs_f64();
    shared
        .metrics
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .record(route, code, seconds);
    let _ = request.respond(Response::from_string(body).with_status_code(code));
}

/// Items in the price list: about 64 KiB of JSON.
const PRICE_LIST_ITEMS: usize = 800;

/// prices' `/catalog`: every item with its price, one JSON array.
fn price_list() -> String {
    let items: Vec<String> = (1..=PRICE_LIST_ITEMS)
        .map(|i| {
            format!(
                "{{\"sku\":\"book-{i:04}\",\"title\":\"Volume {i} of the collected works\",\"price\":\"{}.{:02}\"}}",
                5 + i % 40,
                (i * 7) % 100
            )
        })
        .collect();
    format!("[{}]\n", items.join(",\n"))
}

/// checkout: the price from prices (500 ms, one retry), else the cached one.
fn checkout(shared: &Shared) -> (u16, String) {
    let (code, body) = call(shared, "/price", Duration::from_millis(500), 1);
    let mut cache = shared
        .cached_price
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if code == 200 {
        *cache = Some(body.clone());
        return (
            200,
            format!(
                "{{\"order\":\"accepted\",\"price_source\":\"prices\",\"price\":{}}}\n",
                body.trim()
            ),
        );
    }
    match cache.as_ref() {
        Some(price) => (
            200,
            format!(
                "{{\"order\":\"accepted\",\"price_source\":\"cache\",\"price\":{}}}\n",
                price.trim()
            ),
        ),
        None => (
            503,
            "{\"error\":\"prices is unavailable and no price is cached\"}\n".to_string(),
        ),
    }
}

/// GET `path` on the upstream service with a timeout and `retries` more
/// tries; 502 with the reason when every try failed.
fn call(shared: &Shared, path: &str, timeout: Duration, retries: u32) -> (u16, String) {
    let Some(base) = &shared.upstream else {
        return (500, "no upstream configured\n".to_string());
    };
    let url = format!("{base}{path}");
    let mut last = String::new();
    for _ in 0..=retries {
        let result = shared.runtime.block_on(async {
            let response = shared.client.get(&url).timeout(timeout).send().await?;
            let status = response.status().as_u16();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        });
        match result {
            Ok((200, text)) => return (200, text),
            Ok((status, text)) => last = format!("{url} answered {status}: {}", text.trim()),
            Err(e) if e.is_timeout() => {
                last = format!("{url} did not answer within {} ms", timeout.as_millis())
            }
            Err(e) => last = format!("{url}: {e}"),
        }
    }
    (
        502,
        format!("{{\"error\":\"{}\"}}\n", last.replace('"', "'")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_list_is_large_enough_for_a_bandwidth_cap_to_show() {
        let list = price_list();
        // 64 KiB +/- 10%: at the lab's 64 KB/s cap it takes about a second.
        assert!((59_000..=72_000).contains(&list.len()), "{}", list.len());
        assert!(list.starts_with("[{\"sku\":\"book-0001\",\"title\":\"Volume 1 of the collected works\",\"price\":\"6.07\"},\n"));
        let items: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
        assert_eq!(items.len(), 800);
    }

    #[test]
    fn metrics_are_prometheus_text_with_cumulative_buckets() {
        let mut m = Metrics::default();
        m.record("/checkout", 200, 0.02);
        m.record("/checkout", 502, 0.3);
        let text = m.text("storefront");
        assert!(text.contains(
            "http_requests_total{app=\"storefront\",route=\"/checkout\",code=\"200\"} 1\n"
        ));
        assert!(text.contains(
            "http_request_duration_seconds_bucket{app=\"storefront\",route=\"/checkout\",le=\"0.025\"} 1\n"
        ));
        assert!(text.contains(
            "http_request_duration_seconds_bucket{app=\"storefront\",route=\"/checkout\",le=\"0.5\"} 2\n"
        ));
        assert!(text.contains(
            "http_request_duration_seconds_count{app=\"storefront\",route=\"/checkout\"} 2\n"
        ));
    }
}
