//! Experiments the lab conducts itself, around a tool that only injects.
//!
//! A Toxiproxy script adds a toxic, waits and removes it: it has no
//! hypothesis and writes no journal. The lab supplies both. It probes the
//! lab block's `steady_state` before the script, once a second while the
//! script runs (from a second after it starts) and after it; it then checks that the proxies are clean
//! (the tool's own way of verifying a cleanup: every proxy enabled, no
//! toxic left) and, if not, resets them. The journal it writes has the
//! shape of Chaos Toolkit's (`status`, `deviated`, `steady_states`, `run`,
//! `rollbacks`), so [`super::run::Verdict`] reads either kind of run.
//!
//! The hypothesis is held to every probe, during the fault as well as
//! before and after it: a steady state that breaks while the fault is on
//! and comes back when it is removed is refuted, not confirmed. And the
//! fault must be seen: at each probe until it shows, the lab asks the
//! proxies whether a toxic (or a disabled proxy) is in place; a run in
//! which it never showed is inconclusive, since the steady state held
//! against nothing.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::catalog::model::LabSteadyState;
use crate::catalog::template::parse_duration_ms;

/// How often the lab probes the steady state while the fault is on.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// The longest a probe waits for an answer: long enough to measure a slow
/// answer well past its `within`, short enough to probe again soon.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// One probe of the steady state, ready to run.
struct Probe {
    url: String,
    within: Duration,
}

/// The lab's watch on the proxies of its Toxiproxy API: whether a fault
/// (a toxic, a disabled proxy) is in place while it should be, and whether
/// none is left after.
pub struct ProxyWatch {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    api: String,
    last_look: Option<Instant>,
    /// The first sight of the fault (a journal entry), if the lab saw it.
    seen: Option<Value>,
}

impl ProxyWatch {
    /// A watch on the Toxiproxy API at `api` (`http://127.0.0.1:8474`).
    pub fn new(api: String) -> std::result::Result<ProxyWatch, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(ProxyWatch {
            runtime,
            client: super::http_client(),
            api,
            last_look: None,
            seen: None,
        })
    }

    /// The fault has just been started: the first look comes a probe
    /// interval later, once it has had the time to be injected.
    pub fn started(&mut self) {
        self.last_look = Some(Instant::now());
    }

    /// Looks at the proxies, at most once a probe interval and until the
    /// fault has been seen (called in the lab's loop while the fault should
    /// be on): a run that never shows its fault cannot confirm a
    /// hypothesis, however well the steady state held.
    pub fn look(&mut self) {
        if self.seen.is_some() || self.last_look.is_some_and(|t| t.elapsed() < PROBE_INTERVAL) {
            return;
        }
        self.last_look = Some(Instant::now());
        let started = Instant::now();
        let Ok(proxies) = self.proxies() else { return };
        let found = leftovers(&proxies);
        if !found.is_empty() {
            // Said as it happens: whoever watches the run (or stops it)
            // knows from when the fault is on.
            eprintln!("lab: the fault is in place: {}", found.join(", "));
            self.seen = Some(json!({
                "activity": {"name": "fault-in-place", "type": "check", "provider": {"type": "http"}},
                "status": "succeeded",
                "duration": started.elapsed().as_secs_f64(),
                "output": {"said": found.join(", ")},
            }));
        }
    }

    /// The journal's `fault_seen`: the entry of the first sight, or false.
    pub fn fault_seen(&self) -> Value {
        self.seen.clone().unwrap_or(Value::Bool(false))
    }

    /// `GET /proxies` of the Toxiproxy API.
    fn proxies(&self) -> std::result::Result<Value, String> {
        let url = format!("{}/proxies", self.api);
        self.runtime.block_on(async {
            let response = self
                .client
                .get(&url)
                .timeout(PROBE_TIMEOUT)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            serde_json::from_slice(&body).map_err(|e| e.to_string())
        })
    }

    /// Checks that every proxy is enabled and has no toxic, as the tool's
    /// `verify_cleanup` says; resets the proxies if not. The journal
    /// entry of that check: failed when something was left behind.
    pub fn verify_cleanup(&self) -> Value {
        let started = Instant::now();
        let url = format!("{}/proxies", self.api);
        let left = self.proxies().map(|proxies| leftovers(&proxies));
        let clean = matches!(&left, Ok(l) if l.is_empty());
        if !clean {
            let reset = format!("{}/reset", self.api);
            let _ = self
                .runtime
                .block_on(async { self.client.post(&reset).timeout(PROBE_TIMEOUT).send().await });
        }
        let said = match &left {
            Ok(l) if l.is_empty() => "every proxy enabled, no toxic left".to_string(),
            Ok(l) => format!("left behind: {}; the lab reset the proxies", l.join(", ")),
            Err(e) => format!("cannot read the proxies ({e}); the lab reset them"),
        };
        json!({
            "activity": {"name": "proxies-are-clean", "type": "action", "provider": {"type": "http", "url": url}},
            "status": if clean { "succeeded" } else { "failed" },
            "duration": started.elapsed().as_secs_f64(),
            "output": {"status": 200, "said": said},
        })
    }
}

/// The lab's side of a conducted experiment: its probes and what they saw.
pub struct Conductor {
    /// The watch on the proxies, whose client also runs the probes.
    pub watch: ProxyWatch,
    probes: Vec<Probe>,
    before: Vec<Value>,
    during: Vec<Value>,
    after: Vec<Value>,
    last_probe: Option<Instant>,
}

impl Conductor {
    /// A conductor for `steady` that watches the proxies of the Toxiproxy
    /// API at `api` (`http://127.0.0.1:8474`).
    pub fn new(steady: &LabSteadyState, api: String) -> std::result::Result<Conductor, String> {
        let probes = steady
            .probes
            .iter()
            .map(|p| Probe {
                url: p.url.clone(),
                // `check` validated the duration; a bad one never passes.
                within: Duration::from_millis(parse_duration_ms(&p.within).unwrap_or(0)),
            })
            .collect();
        Ok(Conductor {
            watch: ProxyWatch::new(api)?,
            probes,
            before: Vec::new(),
            during: Vec::new(),
            after: Vec::new(),
            last_probe: None,
        })
    }

    /// Probes the steady state before the fault; whether it held.
    pub fn before(&mut self) -> bool {
        self.before = self.probe_all();
        all_met(&self.before)
    }

    /// The script has started: the first probe of the fault comes a probe
    /// interval later, once the script has had the time to inject it (a
    /// probe at once would race the script's first request).
    pub fn script_started(&mut self) {
        self.last_probe = Some(Instant::now());
        self.watch.started();
    }

    /// Probes the steady state if a probe interval has passed since the
    /// last probes (called in the lab's loop while the fault is on).
    pub fn during(&mut self) {
        if self
            .last_probe
            .is_some_and(|t| t.elapsed() < PROBE_INTERVAL)
        {
            return;
        }
        self.last_probe = Some(Instant::now());
        let probes = self.probe_all();
        self.during.extend(probes);
        self.watch.look();
    }

    /// Probes the steady state after the fault.
    pub fn after(&mut self) {
        self.after = self.probe_all();
    }

    fn probe_all(&self) -> Vec<Value> {
        self.probes.iter().map(|p| self.probe(p)).collect()
    }

    /// One probe as a journal entry: an HTTP GET that must answer 2xx
    /// within its time.
    fn probe(&self, p: &Probe) -> Value {
        let started = Instant::now();
        let answer = self.watch.runtime.block_on(async {
            self.watch
                .client
                .get(&p.url)
                .timeout(PROBE_TIMEOUT.max(p.within))
                .send()
                .await
                .map(|r| r.status().as_u16())
        });
        let took = started.elapsed();
        let path = p
            .url
            .splitn(4, '/')
            .nth(3)
            .map_or_else(|| "/".to_string(), |rest| format!("/{rest}"));
        let activity = json!({
            "name": format!("GET {path}"),
            "type": "probe",
            "provider": {"type": "http", "url": p.url, "timeout": p.within.as_secs_f64()},
        });
        match answer {
            Ok(status) => json!({
                "activity": activity,
                "status": "succeeded",
                "duration": took.as_secs_f64(),
                "output": {"status": status},
                "tolerance_met": (200..300).contains(&status) && took <= p.within,
            }),
            Err(e) => json!({
                "activity": activity,
                "status": "failed",
                "duration": took.as_secs_f64(),
                "exception": [e.to_string()],
                "tolerance_met": false,
            }),
        }
    }

    /// The journal of the run. `status` is the run's (`completed`,
    /// `failed`, `interrupted`, `aborted`); `script` is the entry of the
    /// script itself; `cleanup` the entry of [`ProxyWatch::verify_cleanup`].
    pub fn journal(&self, status: &str, script: Option<Value>, cleanup: Option<Value>) -> Value {
        let before_met = all_met(&self.before);
        let held = self.during.iter().chain(&self.after).all(met);
        let ran = script.is_some();
        let mut run = Vec::new();
        run.extend(script);
        run.extend(self.during.iter().cloned());
        let after = if self.after.is_empty() {
            Value::Null
        } else {
            json!({"steady_state_met": all_met(&self.after), "probes": self.after})
        };
        json!({
            "conducted_by": "chaosbook lab",
            "status": status,
            // Only a run that ended as planned can refute the hypothesis:
            // a failed or stopped script says nothing about the system.
            "deviated": status == "completed" && before_met && !held,
            // Whether the lab saw the fault on the proxies while the script
            // ran (absent when the script never ran).
            "fault_seen": ran.then(|| self.watch.fault_seen()),
            "steady_states": {
                "before": {"steady_state_met": before_met, "probes": self.before},
                "after": after,
            },
            "run": run,
            "rollbacks": cleanup.into_iter().collect::<Vec<_>>(),
        })
    }
}

/// The journal entry of the script: an action whose status is its exit.
pub fn script_entry(code: Option<i32>, took: Duration, first_line: Option<String>) -> Value {
    json!({
        "activity": {"name": "toxiproxy-script", "type": "action", "provider": {"type": "process"}},
        "status": if code == Some(0) { "succeeded" } else { "failed" },
        "duration": took.as_secs_f64(),
        "output": {"status": code, "stdout": first_line.unwrap_or_default()},
    })
}

fn met(probe: &Value) -> bool {
    probe["tolerance_met"].as_bool() == Some(true)
}

fn all_met(probes: &[Value]) -> bool {
    !probes.is_empty() && probes.iter().all(met)
}

/// What a `GET /proxies` answer shows left behind: disabled proxies and
/// toxics, by name.
fn leftovers(proxies: &Value) -> Vec<String> {
    let mut left = Vec::new();
    if let Some(map) = proxies.as_object() {
        for (name, proxy) in map {
            if proxy["enabled"].as_bool() == Some(false) {
                left.push(format!("proxy {name} disabled"));
            }
            for toxic in proxy["toxics"].as_array().into_iter().flatten() {
                left.push(format!(
                    "toxic {} on {name}",
                    toxic["name"].as_str().unwrap_or("?")
                ));
            }
        }
    } else {
        left.push("an answer that is not a map of proxies".to_string());
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::run::Verdict;

    fn probe(ms: f64, code: u16, met: bool) -> Value {
        json!({"activity": {"name": "GET /checkout", "type": "probe", "provider": {"type": "http"}},
            "status": "succeeded", "duration": ms / 1000.0, "output": {"status": code}, "tolerance_met": met})
    }

    fn conductor(before: Vec<Value>, during: Vec<Value>, after: Vec<Value>) -> Conductor {
        let steady = LabSteadyState {
            title: "checkout answers".into(),
            probes: vec![],
        };
        let mut c = Conductor::new(&steady, "http://127.0.0.1:1".into()).unwrap();
        (c.before, c.during, c.after) = (before, during, after);
        c.watch.seen = Some(
            json!({"activity": {"name": "fault-in-place", "type": "check"},
            "status": "succeeded", "duration": 0.001, "output": {"said": "toxic prices_latency on prices"}}),
        );
        c
    }

    #[test]
    fn a_fault_never_seen_on_the_proxies_leaves_the_run_inconclusive() {
        let mut c = conductor(
            vec![probe(12.0, 200, true)],
            vec![probe(14.0, 200, true)],
            vec![probe(14.0, 200, true)],
        );
        let script = script_entry(Some(0), Duration::from_secs(30), None);
        let v = Verdict::from_journal(&c.journal("completed", Some(script.clone()), None));
        assert_eq!(v.word(), "confirmed");
        assert!(v.text("network-latency", "toxiproxy").contains(
            "    check fault-in-place succeeded in 1 ms: toxic prices_latency on prices\n"
        ));
        c.watch.seen = None;
        let v = Verdict::from_journal(&c.journal("completed", Some(script), None));
        assert_eq!((v.word(), v.exit_code()), ("inconclusive", 1));
        assert!(v
            .text("network-latency", "toxiproxy")
            .contains("the fault was never seen on the proxies while it should have been on"));
    }

    #[test]
    fn a_steady_state_that_breaks_during_the_fault_is_refuted_though_it_recovers() {
        let c = conductor(
            vec![probe(12.0, 200, true)],
            vec![probe(220.0, 200, true), probe(1900.0, 200, false)],
            vec![probe(14.0, 200, true)],
        );
        let script = script_entry(Some(0), Duration::from_secs(30), None);
        let v = Verdict::from_journal(&c.journal("completed", Some(script), None));
        assert_eq!((v.word(), v.exit_code()), ("refuted", 0));
        assert_eq!(v.probes().during.unwrap().failed, 1);
    }

    #[test]
    fn a_held_steady_state_is_confirmed_and_a_dirty_proxy_fails_the_rollback() {
        let c = conductor(
            vec![probe(12.0, 200, true)],
            vec![probe(220.0, 200, true)],
            vec![probe(14.0, 200, true)],
        );
        let script = script_entry(Some(0), Duration::from_secs(30), None);
        let dirty = json!({"activity": {"name": "proxies-are-clean", "type": "action"}, "status": "failed", "duration": 0.01});
        let v = Verdict::from_journal(&c.journal("completed", Some(script.clone()), None));
        assert_eq!((v.word(), v.exit_code()), ("confirmed", 0));
        let v = Verdict::from_journal(&c.journal("completed", Some(script), Some(dirty)));
        assert_eq!((v.word(), v.exit_code()), ("confirmed", 1));
    }

    #[test]
    fn a_failed_script_is_inconclusive_and_a_broken_steady_state_before_skips_the_fault() {
        let c = conductor(vec![probe(12.0, 200, true)], vec![], vec![]);
        let failed = script_entry(
            Some(22),
            Duration::from_millis(40),
            Some("curl: (22) 404".into()),
        );
        let v = Verdict::from_journal(&c.journal("failed", Some(failed), None));
        assert_eq!((v.word(), v.exit_code()), ("inconclusive", 1));
        assert_eq!(
            v.method[0].line(),
            "action toxiproxy-script failed in 40 ms, exit 22: curl: (22) 404"
        );

        let c = conductor(vec![probe(12.0, 502, false)], vec![], vec![]);
        let v = Verdict::from_journal(&c.journal("completed", None, None));
        assert_eq!((v.word(), v.exit_code()), ("inconclusive", 1));
    }

    #[test]
    fn leftovers_name_disabled_proxies_and_toxics() {
        let proxies = json!({
            "prices": {"enabled": true, "toxics": [{"name": "prices_latency"}]},
            "db": {"enabled": false, "toxics": []}
        });
        assert_eq!(
            leftovers(&proxies),
            ["toxic prices_latency on prices", "proxy db disabled"]
        );
        assert!(leftovers(&json!({"prices": {"enabled": true, "toxics": []}})).is_empty());
    }
}
