//! The result cache: good URLs are trusted for a while (`cache-ttl`), so a
//! repeat run asks again only about stale, failed or new URLs.
//!
//! A JSON file, by default `target/chaosbook-links.json` (not committed):
//! `{"version": 1, "entries": {URL: {"checked": UNIX_SECONDS, "status":
//! CODE, "redirect": URL?, "permanent": BOOL}}}`, sorted by URL. Only good
//! results are kept; a failure is always asked again. A missing or
//! unreadable cache is an empty one.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::{Outcome, Redirect, Status};

const VERSION: u32 = 1;

/// The good results of earlier runs, by URL, as stored in the cache file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    checked: u64,
    status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    redirect: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    permanent: bool,
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// Reads the cache at `path`. A missing file is an empty cache; an
    /// unreadable or foreign one is too, with the reason as `Err` so the
    /// caller can say why everything is checked again.
    pub fn load(path: &Path) -> (Cache, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Cache::new(), None),
            Err(e) => {
                return (
                    Cache::new(),
                    Some(format!(
                        "cannot read the link cache {}: {e}",
                        path.display()
                    )),
                )
            }
        };
        match serde_json::from_str::<Cache>(&text) {
            Ok(c) if c.version == VERSION => (c, None),
            Ok(_) => (Cache::new(), None),
            Err(e) => (
                Cache::new(),
                Some(format!("ignoring the link cache {}: {e}", path.display())),
            ),
        }
    }

    /// An empty cache.
    pub fn new() -> Self {
        Cache {
            version: VERSION,
            entries: BTreeMap::new(),
        }
    }

    /// How many URLs it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no URL.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cached outcome of `url` if it was good and checked less than
    /// `ttl` ago.
    pub fn fresh(&self, url: &str, ttl: Duration, now: SystemTime) -> Option<Outcome> {
        let e = self.entries.get(url)?;
        let age = unix(now).saturating_sub(e.checked);
        if age >= ttl.as_secs() {
            return None;
        }
        let mut o = Outcome::new(url.to_string(), Status::Ok(e.status));
        o.redirect = e.redirect.as_ref().map(|to| Redirect {
            to: to.clone(),
            permanent: e.permanent,
            hops: 1,
        });
        o.from_cache = true;
        Some(o)
    }

    /// Records fresh results: good ones are kept, failed ones dropped.
    /// Outcomes that came from the cache keep their original time.
    pub fn update(&mut self, outcomes: &[Outcome], now: SystemTime) {
        for o in outcomes.iter().filter(|o| !o.from_cache) {
            match o.status {
                Status::Ok(code) => {
                    self.entries.insert(
                        o.url.clone(),
                        Entry {
                            checked: unix(now),
                            status: code,
                            redirect: o.redirect.as_ref().map(|r| r.to.clone()),
                            permanent: o.redirect.as_ref().is_some_and(|r| r.permanent),
                        },
                    );
                }
                _ => {
                    self.entries.remove(&o.url);
                }
            }
        }
    }

    /// Forgets entries older than `ttl` (they would be checked again anyway).
    pub fn prune(&mut self, ttl: Duration, now: SystemTime) {
        let now = unix(now);
        self.entries
            .retain(|_, e| now.saturating_sub(e.checked) < ttl.as_secs());
    }

    /// Writes the cache atomically.
    pub fn save(&self, path: &Path) -> crate::error::Result<()> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| crate::Error::io("cannot write", path, std::io::Error::other(e)))?;
        crate::atomic::write_file(path, (text + "\n").as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_results_until_they_are_stale() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let ttl = Duration::from_secs(3600);
        let mut good = Outcome::new("https://a/".into(), Status::Ok(200));
        good.redirect = Some(Redirect {
            to: "https://b/".into(),
            permanent: true,
            hops: 2,
        });
        let bad = Outcome::new("https://c/".into(), Status::Broken(404));
        let mut cache = Cache::new();
        cache.update(&[good, bad], t0);
        assert_eq!(cache.len(), 1);

        let hit = cache
            .fresh("https://a/", ttl, t0 + Duration::from_secs(60))
            .unwrap();
        assert!(hit.from_cache);
        assert_eq!(hit.status, Status::Ok(200));
        assert_eq!(hit.redirect.unwrap().to, "https://b/");
        assert!(cache.fresh("https://a/", ttl, t0 + ttl).is_none());
        assert!(cache.fresh("https://c/", ttl, t0).is_none());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.json");
        cache.save(&path).unwrap();
        let (again, warning) = Cache::load(&path);
        assert!(warning.is_none());
        assert_eq!(again.len(), 1);

        std::fs::write(&path, "not json").unwrap();
        let (empty, warning) = Cache::load(&path);
        assert!(empty.is_empty() && warning.is_some());
    }
}
