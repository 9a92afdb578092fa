//! The `[output.chaosbook.links]` table of book.toml, and the settings of one run.
//!
//! Values are checked while book.toml is read, so a bad value is reported
//! at its own line and column (an invalid regex, a status code out of
//! range, a duration without a unit), like every other book.toml error.

use std::collections::BTreeSet;
use std::time::Duration;

use regex::Regex;
use serde::{de, Deserialize, Deserializer};

/// Default of `--max-concurrency`: requests in flight at once, all hosts.
pub const DEFAULT_MAX_CONCURRENCY: usize = 16;
/// Default of `per-host`: requests in flight at once to one host.
pub const DEFAULT_PER_HOST: usize = 2;
/// Default of `timeout`, per request.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default of `max-retries` (after timeouts, 429 and 5xx).
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default of `cache-ttl`: a good result is trusted this long.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Redirects followed from one URL.
pub const MAX_REDIRECTS: usize = 5;
/// The longest wait for one retry, whatever `Retry-After` asks.
pub(crate) const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// The `User-Agent` sent unless book.toml sets one.
pub(crate) fn default_user_agent() -> String {
    format!("chaosbook-link-checker/{}", env!("CARGO_PKG_VERSION"))
}

/// `[output.chaosbook.links]` as read from book.toml (defaults where absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LinksConfig {
    /// URLs matching any of these regexes are not checked.
    pub exclude: Vec<Pattern>,
    /// Status codes that count as good besides 2xx (e.g. 403, 429).
    pub accept: BTreeSet<StatusCode>,
    /// Per request: connecting, sending and the response head.
    #[serde(deserialize_with = "duration")]
    pub timeout: Duration,
    /// Retries after a timeout, 429 or 5xx, with exponential backoff.
    pub max_retries: Retries,
    /// How long a good result in the cache is trusted.
    #[serde(deserialize_with = "duration")]
    pub cache_ttl: Duration,
    /// The `User-Agent` header sent with every request.
    pub user_agent: UserAgent,
    /// Requests in flight at once to one host.
    pub per_host: PerHost,
}

impl Default for LinksConfig {
    fn default() -> Self {
        Self {
            exclude: Vec::new(),
            accept: BTreeSet::new(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: Retries(DEFAULT_MAX_RETRIES),
            cache_ttl: DEFAULT_CACHE_TTL,
            user_agent: UserAgent(default_user_agent()),
            per_host: PerHost(DEFAULT_PER_HOST),
        }
    }
}

impl LinksConfig {
    /// Whether `url` matches an `exclude` pattern.
    pub fn excludes(&self, url: &str) -> bool {
        self.exclude.iter().any(|p| p.0.is_match(url))
    }
}

/// A compiled `exclude` regex.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Regex::new(&s)
            .map(Pattern)
            .map_err(|e| de::Error::custom(format!("`{s}` is not a valid regex: {e}")))
    }
}

/// An HTTP status code, 100 to 599.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatusCode(pub u16);

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int_within(d, 100..=599, |n| {
            format!("{n} is not an HTTP status code (100 to 599)")
        })
        .map(StatusCode)
    }
}

/// `max-retries`, at most 10.
#[derive(Debug, Clone, Copy)]
pub struct Retries(pub u32);

impl<'de> Deserialize<'de> for Retries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int_within(d, 0..=10, |n| {
            format!("max-retries must be 0 to 10, not {n}")
        })
        .map(Retries)
    }
}

/// `per-host`, 1 to 64.
#[derive(Debug, Clone, Copy)]
pub struct PerHost(pub usize);

impl<'de> Deserialize<'de> for PerHost {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int_within(d, 1..=64, |n| format!("per-host must be 1 to 64, not {n}")).map(PerHost)
    }
}

/// An integer setting within `range`, or the error `message(n)` for any
/// other integer.
fn int_within<'de, D, T>(
    d: D,
    range: std::ops::RangeInclusive<i64>,
    message: impl FnOnce(i64) -> String,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let n = i64::deserialize(d)?;
    match T::try_from(n) {
        Ok(v) if range.contains(&n) => Ok(v),
        _ => Err(de::Error::custom(message(n))),
    }
}

/// `user-agent`: a non-empty, printable header value.
#[derive(Debug, Clone)]
pub struct UserAgent(pub String);

impl<'de> Deserialize<'de> for UserAgent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() || s.chars().any(|c| c.is_control() || !c.is_ascii()) {
            return Err(de::Error::custom(
                "user-agent must be non-empty printable ASCII",
            ));
        }
        Ok(UserAgent(s))
    }
}

/// A duration written `500ms`, `20s`, `5m`, `24h`, `1h30m`, or a number of
/// seconds.
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(i64),
        Text(String),
    }
    let parsed = match Raw::deserialize(d)? {
        Raw::Seconds(n) => u64::try_from(n).ok().map(Duration::from_secs),
        Raw::Text(s) => parse_duration(&s),
    };
    match parsed {
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err(de::Error::custom(
            "expected a positive duration such as \"500ms\", \"20s\", \"5m\" or \"24h\"",
        )),
    }
}

/// Parses a duration as humantime does: `500ms`, `20s`, `5m`, `24h`,
/// `2d`, `1h30m` or `1h 30m` (whole numbers, each with its unit).
pub fn parse_duration(text: &str) -> Option<Duration> {
    humantime::parse_duration(text.trim()).ok()
}

/// Everything that shapes how URLs are requested. [`Settings::default`]
/// has the documented defaults; tests shorten the timeouts and backoff.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests in flight at once, all hosts together.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Per request (connect, send, response head).
    pub timeout: Duration,
    /// Retries after a timeout, 429 or 5xx.
    pub max_retries: u32,
    /// The first backoff; each retry waits twice as long as the one before.
    pub backoff_base: Duration,
    /// Cap on any single wait (backoff or `Retry-After`).
    pub max_wait: Duration,
    /// Redirects followed from one URL.
    pub max_redirects: usize,
    /// Status codes that are good besides 2xx.
    pub accept: BTreeSet<u16>,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
    /// Draw a progress bar on standard error (callers set it only for a terminal).
    pub progress: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self::from_config(&LinksConfig::default())
    }
}

impl Settings {
    /// The settings of a run from book.toml's table, with the default
    /// concurrency and no progress bar (the command line sets both).
    pub fn from_config(c: &LinksConfig) -> Self {
        Self {
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            per_host: c.per_host.0,
            timeout: c.timeout,
            max_retries: c.max_retries.0,
            backoff_base: Duration::from_secs(1),
            max_wait: MAX_RETRY_WAIT,
            max_redirects: MAX_REDIRECTS,
            accept: c.accept.iter().map(|s| s.0).collect(),
            user_agent: c.user_agent.0.clone(),
            progress: false,
        }
    }

    /// Whether a final status counts as good.
    pub fn accepts(&self, code: u16) -> bool {
        (200..300).contains(&code) || self.accept.contains(&code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("20s"), Some(Duration::from_secs(20)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("24h"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("1h 30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        for bad in ["", "20", "s", "1x", "-1s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn integer_settings_keep_their_bounds() {
        let error = |toml: &str| match toml::from_str::<LinksConfig>(toml) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        for ok in [
            "accept = [100, 599]",
            "max-retries = 0",
            "max-retries = 10",
            "per-host = 1",
            "per-host = 64",
        ] {
            assert_eq!(error(ok), "", "{ok}");
        }
        for (bad, message) in [
            (
                "accept = [99]",
                "99 is not an HTTP status code (100 to 599)",
            ),
            (
                "accept = [600]",
                "600 is not an HTTP status code (100 to 599)",
            ),
            ("max-retries = -1", "max-retries must be 0 to 10, not -1"),
            ("max-retries = 11", "max-retries must be 0 to 10, not 11"),
            ("per-host = 0", "per-host must be 1 to 64, not 0"),
            ("per-host = 65", "per-host must be 1 to 64, not 65"),
        ] {
            assert!(error(bad).contains(message), "{bad}: {}", error(bad));
        }
    }

    #[test]
    fn table_reads_every_key() {
        let c: LinksConfig = toml::from_str(
            r#"
            exclude = ["^https://example\\.com/"]
            accept = [403, 429]
            timeout = "5s"
            max-retries = 1
            cache-ttl = "12h"
            user-agent = "test/1"
            per-host = 3
            "#,
        )
        .unwrap();
        assert!(c.excludes("https://example.com/x"));
        assert!(!c.excludes("https://example.org/x"));
        assert_eq!(c.timeout, Duration::from_secs(5));
        assert_eq!(c.cache_ttl, Duration::from_secs(12 * 3600));
        let s = Settings::from_config(&c);
        assert!(s.accepts(403) && s.accepts(204) && !s.accepts(404));
        assert_eq!((s.per_host, s.max_retries), (3, 1));
        assert_eq!(s.user_agent, "test/1");
    }

    #[test]
    fn bad_values_are_refused_at_their_place() {
        for (text, needle) in [
            ("exclude = [\"(\"]", "not a valid regex"),
            ("accept = [999]", "not an HTTP status code"),
            ("timeout = \"20\"", "positive duration"),
            ("per-host = 0", "per-host must be"),
            ("max-retries = 99", "max-retries must be"),
            ("user-agent = \"\"", "user-agent must be"),
            ("exclud = []", "unknown field"),
        ] {
            let e = toml::from_str::<LinksConfig>(text).unwrap_err();
            assert!(e.message().contains(needle), "{text}: {}", e.message());
            assert!(e.span().is_some(), "{text}");
        }
    }
}
