//! `chaosbook links`: checks every external URL of the catalog and the
//! whitepaper, politely.
//!
//! Internal links and anchors are `check`'s job (offline, every run); this
//! module asks the web, so it runs on demand (a pull request, the nightly
//! site build).
//!
//! ```text
//! chaosbook links [--offline] [--cache FILE] [--max-concurrency N] [--format human|json|github]
//! ```
//!
//! - URLs: tools' `homepage`, `docs` and `source`; implementations' `docs`;
//!   `references[].url` of scenarios and practices; http(s) links in the
//!   catalog's markdown fields and in every chapter. Each distinct URL
//!   (fragment dropped, host lower-cased) is requested once, and a broken
//!   one is reported at every place that uses it (`file:line:col`).
//! - Politeness: at most `--max-concurrency` requests in flight (default
//!   16), and at most `per-host` to one host (default 2). HEAD first; GET
//!   when HEAD is refused (405, 501) or answered with another error some
//!   servers give HEAD (400, 403, 404, ...). Retries after timeouts, 429 and
//!   5xx with exponential backoff, honouring `Retry-After` (seconds or an
//!   HTTP date, capped at 60 s) for the whole host.
//! - Redirects are followed (at most 5); a permanent one (301, 308) is a
//!   warning that suggests the new URL; a loop is an error.
//! - Cache: good results are kept in `target/chaosbook-links.json` (or
//!   `--cache FILE`) for `cache-ttl`, so a repeat run asks again only about
//!   new, stale or failed URLs.
//! - `--offline` requests nothing, says how many URLs it skipped, exits 0.
//! - Exit 1 when a link is broken or timed out, 0 otherwise (warnings
//!   included); 2 for usage or environment errors. Diagnostics are sorted
//!   by file and position: the output order is deterministic.
//!
//! Diagnostic codes: `link-broken` (an error status, a refused connection,
//! an unknown host, a TLS failure, a redirect loop), `link-timeout` (no
//! answer within the timeout, after the retries), `link-redirect` (warning:
//! permanently moved).
//!
//! Settings, in book.toml (all optional):
//!
//! ```toml
//! [output.chaosbook.links]
//! exclude = ["^https://example\\.com/", "linkedin\\.com"]  # regexes; not checked
//! accept = [403, 429]        # status codes that count as good besides 2xx
//! timeout = "20s"            # per request
//! max-retries = 2            # after a timeout, 429 or 5xx
//! cache-ttl = "24h"          # how long a good result is trusted
//! user-agent = "chaosbook-link-checker/0.1.0"
//! per-host = 2               # requests in flight to one host
//! ```
//!
//! The library checks URLs without the CLI: [`check_urls`] (and
//! [`check_with_cache`]) take a list of URLs and [`Settings`], whose
//! timeouts and backoff tests can shorten.

mod cache;
mod collect;
mod engine;
mod settings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub use cache::Cache;
pub use collect::{collect, is_external, url_key, Found, Use};
pub(crate) use collect::{field_links, unsafe_link};
pub use engine::parse_retry_after;
pub use settings::{
    parse_duration, LinksConfig, Settings, DEFAULT_CACHE_TTL, DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PER_HOST, MAX_REDIRECTS,
};

use crate::diagnostics::{Diagnostic, Report};
use crate::BuildError;

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A good final status: 2xx or one of `accept`.
    Ok(u16),
    /// An error status (after any redirects).
    Broken(u16),
    /// No answer within the timeout, after every retry.
    Timeout,
    /// No HTTP answer at all.
    Failed(Failure),
}

/// Why a URL gave no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure, for the diagnostic's wording.
    pub kind: FailureKind,
    /// The error as the HTTP client or the checker worded it.
    pub message: String,
}

impl Failure {
    /// A failure of this kind with the given message.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The host refused the TCP connection.
    ConnectionRefused,
    /// Could not connect: unknown host, unreachable network, TLS handshake.
    Connect,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// More redirects than [`MAX_REDIRECTS`].
    TooManyRedirects,
    /// The URL (or a redirect's `Location`) cannot be parsed or requested.
    InvalidUrl,
    /// Anything else the client reported (including a runtime that could not start).
    Other,
}

/// Where a URL led, when it was redirected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The last URL of the chain.
    pub to: String,
    /// Whether a hop was permanent (301 or 308): the link should be updated.
    pub permanent: bool,
    /// Redirects followed before the last URL.
    pub hops: usize,
}

/// The result of checking one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The URL as requested (fragment dropped, host lower-cased).
    pub url: String,
    /// What became of it.
    pub status: Status,
    /// Where it led, if it was redirected.
    pub redirect: Option<Redirect>,
    /// Requests made (0 when it came from the cache).
    pub attempts: u32,
    /// Whether the result came from the cache instead of a request.
    pub from_cache: bool,
}

impl Outcome {
    /// A result of a fresh request, not yet redirected or retried.
    pub fn new(url: String, status: Status) -> Self {
        Self {
            url,
            status,
            redirect: None,
            attempts: 0,
            from_cache: false,
        }
    }

    /// Whether the final status counts as good.
    pub fn is_ok(&self) -> bool {
        matches!(self.status, Status::Ok(_))
    }

    /// A good URL that moved for good: the link should be updated.
    pub fn moved_permanently(&self) -> Option<&str> {
        match (&self.status, &self.redirect) {
            (Status::Ok(_), Some(r)) if r.permanent => Some(&r.to),
            _ => None,
        }
    }
}

/// Checks `urls` over HTTP and returns one outcome per distinct URL, in
/// the order first given. Blocks; runs its own tokio runtime.
pub fn check_urls(urls: &[String], settings: &Settings) -> Vec<Outcome> {
    let mut seen = std::collections::HashSet::new();
    let distinct: Vec<String> = urls
        .iter()
        .filter(|u| seen.insert(u.as_str()))
        .cloned()
        .collect();
    if distinct.is_empty() {
        return Vec::new();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let f = Failure::new(
                FailureKind::Other,
                format!("cannot start the async runtime: {e}"),
            );
            return distinct
                .into_iter()
                .map(|u| Outcome::new(u, Status::Failed(f.clone())))
                .collect();
        }
    };
    runtime.block_on(engine::check_all(distinct, settings))
}

/// [`check_urls`], but URLs with a fresh good result in `cache` (younger
/// than `ttl`) are not requested; the cache is updated with the new results.
pub fn check_with_cache(
    urls: &[String],
    settings: &Settings,
    cache: &mut Cache,
    ttl: Duration,
) -> Vec<Outcome> {
    let now = SystemTime::now();
    let mut seen = std::collections::HashSet::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    let mut to_check = Vec::new();
    let mut slots = Vec::new();
    for u in urls.iter().filter(|u| seen.insert(u.as_str())) {
        match cache.fresh(u, ttl, now) {
            Some(hit) => outcomes.push(Some(hit)),
            None => {
                slots.push(outcomes.len());
                outcomes.push(None);
                to_check.push(u.clone());
            }
        }
    }
    let checked = check_urls(&to_check, settings);
    cache.update(&checked, SystemTime::now());
    for (slot, outcome) in slots.into_iter().zip(checked) {
        outcomes[slot] = Some(outcome);
    }
    outcomes.into_iter().flatten().collect()
}

/// Options of `chaosbook links`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Request nothing: count the URLs and exit 0 (`--offline`).
    pub offline: bool,
    /// Default: `target/chaosbook-links.json` under the root.
    pub cache: Option<PathBuf>,
    /// Requests in flight at once, all hosts (`--max-concurrency`); default
    /// [`DEFAULT_MAX_CONCURRENCY`].
    pub max_concurrency: Option<usize>,
    /// Draw a progress bar on standard error.
    pub progress: bool,
    /// Only URLs used in these files (relative to the root), e.g. the files
    /// a pull request changes; `None` checks every URL.
    pub only_files: Option<std::collections::HashSet<PathBuf>>,
}

/// What a run found, besides its diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Distinct external URLs found.
    pub urls: usize,
    /// Places that use them.
    pub places: usize,
    /// URLs that match an `exclude` regex, not checked.
    pub excluded: usize,
    /// Requested now (0 offline).
    pub checked: usize,
    /// URLs answered from the cache, not requested.
    pub from_cache: usize,
    /// Distinct URLs with an error status or no HTTP answer.
    pub broken: usize,
    /// Distinct URLs with no answer within the timeout, after the retries.
    pub timeouts: usize,
    /// Good URLs that moved permanently (301, 308): warnings.
    pub redirects: usize,
    /// Whether the run was offline (nothing requested).
    pub offline: bool,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Remarks for the user (an unreadable cache, ...).
    pub notes: Vec<String>,
}

impl Summary {
    /// One line for standard error.
    pub fn line(&self) -> String {
        if self.offline {
            return format!(
                "links: offline, nothing was checked: skipped {} external URLs ({} places, {} excluded)",
                self.urls - self.excluded,
                self.places,
                self.excluded
            );
        }
        format!(
            "links: {} external URLs at {} places: {} checked, {} from the cache, {} excluded; {} broken, {} timed out, {} moved permanently ({:.1} s)",
            self.urls,
            self.places,
            self.checked,
            self.from_cache,
            self.excluded,
            self.broken,
            self.timeouts,
            self.redirects,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The default cache file of the project at `root`.
pub fn default_cache(root: &Path) -> PathBuf {
    root.join("target").join("chaosbook-links.json")
}

/// `chaosbook links`: validates the project under `root` (as `check`
/// does: nothing is checked from an invalid catalog), then checks every
/// external URL. The report holds one diagnostic per place of each broken,
/// timed-out or permanently moved URL.
pub fn run(root: &Path, options: &Options) -> Result<(Report, Summary), BuildError> {
    let started = Instant::now();
    let (catalog, report) = crate::check(root);
    if report.has_errors() {
        return Err(BuildError::Input(report));
    }
    let Some(config) = catalog.config.clone() else {
        return Err(BuildError::Input(report));
    };
    let links = &config.settings.links;
    let mut found = collect(&config, &catalog);
    if let Some(only) = &options.only_files {
        found.uses.retain(|u| only.contains(&u.file));
    }

    // Distinct URLs, each with its places, in a stable order.
    let mut places: BTreeMap<String, Vec<&Use>> = BTreeMap::new();
    for u in &found.uses {
        places
            .entry(url_key(&u.url).into_owned())
            .or_default()
            .push(u);
    }
    let mut summary = Summary {
        urls: places.len(),
        places: found.uses.len(),
        offline: options.offline,
        ..Summary::default()
    };
    let (excluded, to_check): (Vec<&String>, Vec<&String>) = places
        .keys()
        .partition(|k| links.excludes(k) || places[*k].iter().any(|u| links.excludes(&u.url)));
    summary.excluded = excluded.len();
    let mut out = Report::default();
    if options.offline {
        summary.elapsed = started.elapsed();
        return Ok((out, summary));
    }

    let mut settings = Settings::from_config(links);
    if let Some(n) = options.max_concurrency {
        settings.max_concurrency = n.max(1);
    }
    settings.progress = options.progress;
    let cache_path = options.cache.clone().unwrap_or_else(|| default_cache(root));
    let (mut cache, warning) = Cache::load(&cache_path);
    summary.notes.extend(warning);
    let urls: Vec<String> = to_check.into_iter().cloned().collect();
    let outcomes = check_with_cache(&urls, &settings, &mut cache, links.cache_ttl);
    cache.prune(links.cache_ttl, SystemTime::now());
    if let Err(e) = cache.save(&cache_path) {
        summary.notes.push(format!("the link cache: {e}"));
    }

    for o in &outcomes {
        if o.from_cache {
            summary.from_cache += 1;
        } else {
            summary.checked += 1;
        }
        match o.status {
            Status::Timeout => summary.timeouts += 1,
            Status::Broken(_) | Status::Failed(_) => summary.broken += 1,
            Status::Ok(_) if o.moved_permanently().is_some() => summary.redirects += 1,
            Status::Ok(_) => {}
        }
        for u in places.get(&o.url).into_iter().flatten() {
            if let Some(d) = diagnostic(o, u, &settings) {
                out.push(d);
            }
        }
    }
    for (file, text) in found.texts {
        if out.diagnostics.iter().any(|d| d.file == file) {
            out.sources.insert(file, text);
        }
    }
    out.sort();
    summary.elapsed = started.elapsed();
    Ok((out, summary))
}

fn reason(code: u16) -> String {
    match reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(r) => format!("{code} {r}"),
        None => code.to_string(),
    }
}

/// The diagnostic of an outcome at one place that uses it, if any.
fn diagnostic(o: &Outcome, u: &Use, settings: &Settings) -> Option<Diagnostic> {
    let help = "fix or remove the link; a site that refuses link checkers can be listed in `exclude`, or its status in `accept`, under [output.chaosbook.links] in book.toml";
    let via = |r: &Option<Redirect>| {
        r.as_ref()
            .map(|r| format!(" (redirected to {})", r.to))
            .unwrap_or_default()
    };
    let d = match &o.status {
        Status::Ok(_) => {
            let to = o.moved_permanently()?;
            return Some(
                Diagnostic::warning(
                    "link-redirect",
                    &u.file,
                    u.span,
                    format!("`{}` has moved permanently to `{to}`", u.url),
                )
                .with_label("moved")
                .with_help(format!("link to `{to}` instead")),
            );
        }
        Status::Broken(code) => Diagnostic::error(
            "link-broken",
            &u.file,
            u.span,
            format!("`{}` is broken: {}{}", u.url, reason(*code), via(&o.redirect)),
        )
        .with_label(reason(*code))
        .with_help(help),
        Status::Timeout => Diagnostic::error(
            "link-timeout",
            &u.file,
            u.span,
            format!(
                "`{}` did not answer within {:.0?} ({} attempts)",
                u.url, settings.timeout, o.attempts
            ),
        )
        .with_label("timed out")
        .with_help("try again later; a site that is always slow can be listed in `exclude`, or `timeout` raised, under [output.chaosbook.links] in book.toml"),
        Status::Failed(f) => Diagnostic::error(
            "link-broken",
            &u.file,
            u.span,
            format!("`{}` is unreachable: {}", u.url, f.message),
        )
        .with_label("unreachable")
        .with_help(help),
    };
    Some(d)
}
