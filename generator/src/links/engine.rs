//! The HTTP side: requests URLs politely and classifies the answers.
//!
//! Each distinct URL is one task. A task takes a slot of its host (at most
//! `per_host` requests in flight to one host), waits out any `Retry-After`
//! the host gave, then takes a global slot (at most `max_concurrency` in
//! flight); it never holds a global slot while waiting for its host, so a
//! slow host does not stall the others. Slots are released while a task
//! sleeps before a retry.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::header::{LOCATION, RETRY_AFTER};
use reqwest::{Method, Url};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::settings::Settings;
use super::{Failure, FailureKind, Outcome, Redirect, Status};

/// Per host: its slots and when it may be asked again.
struct Host {
    slots: Semaphore,
    not_before: Mutex<Option<Instant>>,
}

struct Ctx {
    client: reqwest::Client,
    settings: Settings,
    global: Semaphore,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    progress: Option<ProgressBar>,
}

impl Ctx {
    fn host(&self, url: &Url) -> Arc<Host> {
        let key = url.host_str().unwrap_or("").to_ascii_lowercase();
        let mut hosts = self.hosts.lock().expect("hosts lock");
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Semaphore::new(self.settings.per_host.max(1)),
                    not_before: Mutex::new(None),
                })
            })
            .clone()
    }
}

/// What one request gave.
struct Reply {
    code: u16,
    location: Option<String>,
}

/// Why a request gave no reply.
enum NoReply {
    Timeout,
    Failed(Failure),
}

/// Builds the HTTP client: no automatic redirects (they are followed here,
/// to report permanent ones and catch loops), a per-request timeout.
pub(super) fn client(settings: &Settings) -> Result<reqwest::Client, String> {
    // reqwest is built without a default crypto provider (see Cargo.toml):
    // ring is installed for the process, unless the embedding program
    // installed one already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
        .user_agent(settings.user_agent.clone())
        .pool_max_idle_per_host(settings.per_host.max(1))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// Checks `urls` (already distinct) and returns one outcome each, in order.
pub(super) async fn check_all(urls: Vec<String>, settings: &Settings) -> Vec<Outcome> {
    let client = match client(settings) {
        Ok(c) => c,
        Err(msg) => {
            return urls
                .into_iter()
                .map(|url| {
                    Outcome::new(url, Status::Failed(Failure::new(FailureKind::Other, &msg)))
                })
                .collect()
        }
    };
    let progress = settings.progress.then(|| {
        let bar =
            ProgressBar::with_draw_target(Some(urls.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} checking links {pos}/{len} [{bar:30}] {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let ctx = Arc::new(Ctx {
        client,
        settings: settings.clone(),
        global: Semaphore::new(settings.max_concurrency.max(1)),
        hosts: Mutex::new(HashMap::new()),
        progress,
    });

    // Start tasks host by host in turn, so the first requests spread over
    // many hosts rather than queueing behind one.
    let order = interleave_by_host(&urls);
    let mut tasks = tokio::task::JoinSet::new();
    for i in order {
        let ctx = ctx.clone();
        let url = urls[i].clone();
        tasks.spawn(async move {
            let outcome = check_one(&ctx, url).await;
            if let Some(bar) = &ctx.progress {
                bar.inc(1);
            }
            (i, outcome)
        });
    }
    let mut outcomes: Vec<Option<Outcome>> = (0..urls.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, outcome)) => outcomes[i] = Some(outcome),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    if let Some(bar) = &ctx.progress {
        bar.finish_and_clear();
    }
    outcomes
        .into_iter()
        .map(|o| o.expect("every task reports"))
        .collect()
}

/// Indexes of `urls`, taking one URL of each host in turn.
fn interleave_by_host(urls: &[String]) -> Vec<usize> {
    let mut by_host: Vec<(String, Vec<usize>)> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for (i, u) in urls.iter().enumerate() {
        let host = Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let at = *position.entry(host.clone()).or_insert_with(|| {
            by_host.push((host, Vec::new()));
            by_host.len() - 1
        });
        by_host[at].1.push(i);
    }
    let mut order = Vec::with_capacity(urls.len());
    let mut round = 0;
    while order.len() < urls.len() {
        for (_, list) in &by_host {
            if let Some(i) = list.get(round) {
                order.push(*i);
            }
        }
        round += 1;
    }
    order
}

/// Whether a HEAD answer should be confirmed with GET: some servers refuse
/// or mishandle HEAD (405, 501, but also 400, 403, 404, 5xx).
fn confirm_with_get(code: u16) -> bool {
    (400..600).contains(&code) && code != 429
}

async fn check_one(ctx: &Ctx, raw: String) -> Outcome {
    let url = match Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        Ok(u) => {
            let msg = format!(
                "only http and https URLs are checked, not `{}:`",
                u.scheme()
            );
            return Outcome::new(
                raw,
                Status::Failed(Failure::new(FailureKind::InvalidUrl, msg)),
            );
        }
        Err(e) => {
            return Outcome::new(
                raw,
                Status::Failed(Failure::new(
                    FailureKind::InvalidUrl,
                    format!("not a valid URL: {e}"),
                )),
            )
        }
    };
    let mut attempts = 0;
    // HEAD first, for each URL: every task decides before any answer comes
    // back, so remembering a host's refusal of HEAD would change nothing
    // but the order in which tasks happen to run.
    let mut method = Method::HEAD;
    loop {
        let result = follow(ctx, &url, method.clone(), &mut attempts).await;
        let mut outcome = match result {
            Ok((code, redirect)) => {
                if method == Method::HEAD && !ctx.settings.accepts(code) && confirm_with_get(code) {
                    method = Method::GET;
                    continue;
                }
                let status = if ctx.settings.accepts(code) {
                    Status::Ok(code)
                } else {
                    Status::Broken(code)
                };
                let mut o = Outcome::new(raw, status);
                o.redirect = redirect;
                o
            }
            Err(NoReply::Timeout) => Outcome::new(raw, Status::Timeout),
            Err(NoReply::Failed(f)) => Outcome::new(raw, Status::Failed(f)),
        };
        outcome.attempts = attempts;
        return outcome;
    }
}

/// Requests `start` with `method`, following redirects; gives the final
/// status and, when redirected, where to.
async fn follow(
    ctx: &Ctx,
    start: &Url,
    method: Method,
    attempts: &mut u32,
) -> Result<(u16, Option<Redirect>), NoReply> {
    let mut current = start.clone();
    let mut seen: HashSet<Url> = HashSet::from([strip_fragment(start)]);
    let mut permanent = false;
    let mut hops = 0;
    loop {
        let reply = request(ctx, &current, method.clone(), attempts).await?;
        let is_redirect = matches!(reply.code, 301 | 302 | 303 | 307 | 308);
        let Some(location) = reply.location.filter(|_| is_redirect) else {
            let redirect = (hops > 0).then(|| Redirect {
                to: current.to_string(),
                permanent,
                hops,
            });
            return Ok((reply.code, redirect));
        };
        let next = current.join(&location).map_err(|e| {
            NoReply::Failed(Failure::new(
                FailureKind::Other,
                format!(
                    "{} redirects to an invalid location `{location}`: {e}",
                    current
                ),
            ))
        })?;
        if !matches!(next.scheme(), "http" | "https") {
            return Err(NoReply::Failed(Failure::new(
                FailureKind::Other,
                format!("redirects to a `{}:` URL", next.scheme()),
            )));
        }
        hops += 1;
        permanent |= matches!(reply.code, 301 | 308);
        if !seen.insert(strip_fragment(&next)) {
            return Err(NoReply::Failed(Failure::new(
                FailureKind::RedirectLoop,
                format!("redirect loop: {current} leads back to {next}"),
            )));
        }
        if hops > ctx.settings.max_redirects {
            return Err(NoReply::Failed(Failure::new(
                FailureKind::TooManyRedirects,
                format!("more than {} redirects", ctx.settings.max_redirects),
            )));
        }
        current = next;
    }
}

fn strip_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

/// One request, retried after timeouts, 429 and 5xx (not 501; for HEAD
/// only 503) with exponential backoff, or as long as `Retry-After` says
/// (capped).
async fn request(
    ctx: &Ctx,
    url: &Url,
    method: Method,
    attempts: &mut u32,
) -> Result<Reply, NoReply> {
    let host = ctx.host(url);
    let settings = &ctx.settings;
    let mut retry = 0u32;
    loop {
        let sent = {
            let _host_slot = host.slots.acquire().await.expect("semaphore open");
            let wait_until = *host.not_before.lock().expect("host lock");
            if let Some(at) = wait_until {
                tokio::time::sleep_until(at).await;
            }
            let _slot = ctx.global.acquire().await.expect("semaphore open");
            *attempts += 1;
            ctx.client.request(method.clone(), url.clone()).send().await
            // The body (of a GET) is dropped unread: only the status matters.
        };
        let backoff = backoff(settings, retry);
        match sent {
            Ok(resp) => {
                let code = resp.status().as_u16();
                // A HEAD answered 5xx is confirmed with GET (which retries)
                // rather than retried: some servers always fail HEAD.
                let retryable = code == 429
                    || code == 503
                    || ((500..600).contains(&code) && code != 501 && method != Method::HEAD);
                if retryable && retry < settings.max_retries {
                    let asked = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    let wait = asked.unwrap_or(backoff).min(settings.max_wait);
                    if asked.is_some() {
                        // The host asked everyone to wait, not only this URL.
                        let until = Instant::now() + wait;
                        let mut nb = host.not_before.lock().expect("host lock");
                        *nb = Some(nb.map_or(until, |t| t.max(until)));
                    }
                    drop(resp);
                    tokio::time::sleep(wait).await;
                    retry += 1;
                    continue;
                }
                let location = resp
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                return Ok(Reply { code, location });
            }
            Err(e) if e.is_timeout() => {
                if retry < settings.max_retries {
                    tokio::time::sleep(backoff).await;
                    retry += 1;
                    continue;
                }
                return Err(NoReply::Timeout);
            }
            Err(e) => return Err(NoReply::Failed(classify(&e))),
        }
    }
}

fn backoff(settings: &Settings, retry: u32) -> Duration {
    settings
        .backoff_base
        .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
        .min(settings.max_wait)
}

/// `Retry-After`: a number of seconds or an HTTP date (a date in the past
/// means now).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A request error in words: the innermost cause is the useful one
/// ("Connection refused", "failed to lookup address", a TLS alert).
fn classify(e: &reqwest::Error) -> Failure {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut innermost = e.to_string();
    let mut refused = false;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        innermost = s.to_string();
        source = s.source();
    }
    if refused {
        return Failure::new(FailureKind::ConnectionRefused, "connection refused");
    }
    let kind = if e.is_connect() {
        FailureKind::Connect
    } else {
        FailureKind::Other
    };
    Failure::new(kind, innermost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = Settings {
            backoff_base: Duration::from_millis(100),
            max_wait: Duration::from_secs(1),
            ..Settings::default()
        };
        let waits: Vec<u128> = (0..6).map(|r| backoff(&s, r).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn hosts_take_turns() {
        let urls: Vec<String> = [
            "http://a/1",
            "http://a/2",
            "http://a/3",
            "http://b/1",
            "http://c/1",
            "http://b/2",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(interleave_by_host(&urls), [0, 3, 4, 1, 5, 2]);
    }
}
