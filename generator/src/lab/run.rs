//! `chaosbook lab run`: one scenario's lab implementation, run for real.
//!
//! The experiment is rendered from the catalog (the scenario's parameters,
//! the lab's values over the defaults, `--set` over both, checked like
//! `export --set`), the shop is started, the tool runs it with a hard
//! timeout, and its journal gives the verdict. Exit codes: 0 the experiment
//! ran to its end (the verdict says confirmed or refuted), 1 it
//! failed or a rollback failed, 2 something is missing (what to install).

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::conduct::{self, Conductor, ProxyWatch};
use super::Shop;
use crate::catalog::model::{
    verdict_meaning, LabRunner, LabSteadyState, ProbePhases, ProbeSpan, Scenario,
};
use crate::catalog::template::{self, ParamValue};
use crate::catalog::validate::lab_values;
use crate::error::{Error, Result};
use crate::export::{check_override_safety, describe, typed_value};
use crate::Catalog;

/// What `lab run` was asked to do.
pub struct Options {
    /// The id of the scenario to run.
    pub scenario: String,
    /// The tool whose lab implementation runs; the scenario's only one when `None`.
    pub tool: Option<String>,
    /// `KEY=VALUE` overrides of the lab values, checked like `export --set`.
    pub set: Vec<String>,
    /// Where to write the tool's journal; under `target/lab/SCENARIO/` when `None`.
    pub journal: Option<PathBuf>,
    /// Record the run in `catalog/lab-runs.yaml` (only with the lab's own
    /// values: the evidence is of the experiment the catalog publishes).
    pub record: bool,
}

/// How long the tool has to play its rollbacks after a stop request
/// before the lab stops it.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// How long a run may take beyond its `duration` parameter before the
/// lab stops the tool (steady-state probes, start-up, rollbacks).
const GRACE: Duration = Duration::from_secs(120);

/// The largest share of the machine's memory a lab experiment may hold,
/// in percent (stress-ng takes `memory_percent` of the free memory, which
/// is never more than the total, so the bound holds for the total too).
const MAX_MEMORY_PERCENT: u64 = 25;

/// The largest file a lab disk fill may write, in MiB.
const MAX_FILL_MIB: u64 = 256;

/// The rendered experiment of a lab run.
pub struct Prepared {
    /// The id of the tool that runs it.
    pub tool: String,
    /// The manifest's format id.
    pub format: String,
    /// The file extension the tool expects (`yaml`, `json`, `sh`).
    pub extension: String,
    /// The experiment, rendered with the lab values and the overrides.
    pub text: String,
    /// The `duration` parameter in force, if the scenario has one.
    pub duration: Option<Duration>,
    /// The tool extension the implementation needs (`chaostoolkit-toxiproxy`).
    pub tool_extension: Option<String>,
    /// How the lab runs it.
    pub runner: LabRunner,
    /// The lab's own hypothesis, for a conducted experiment.
    pub steady_state: Option<LabSteadyState>,
}

/// The scenario's lab implementation for `tool` (or its only one),
/// rendered with the lab's values and `set`.
pub fn prepare(catalog: &Catalog, opts: &Options) -> Result<Prepared> {
    let runnable = catalog.lab_scenario_ids();
    let Some(entry) = catalog.scenario(&opts.scenario) else {
        return Err(Error::Usage(format!(
            "no scenario called `{}`; the lab runs: {} (`chaosbook lab list`)",
            opts.scenario,
            runnable.join(", ")
        )));
    };
    let scenario = &entry.item;
    let Some(lab) = &scenario.lab else {
        return Err(Error::Usage(format!(
            "scenario `{}` has no lab implementation yet; the lab runs: {}",
            scenario.id,
            runnable.join(", ")
        )));
    };
    let imp = match &opts.tool {
        Some(t) => lab.implementations.iter().find(|i| &i.tool == t),
        None => lab.implementations.first(),
    };
    let Some(imp) = imp else {
        let tools: Vec<&str> = lab
            .implementations
            .iter()
            .map(|i| i.tool.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "scenario `{}` has no lab implementation for `{}`; it has: {}",
            scenario.id,
            opts.tool.as_deref().unwrap_or_default(),
            tools.join(", ")
        )));
    };
    let manifest = catalog
        .lab_manifests
        .get(&(scenario.id.clone(), imp.tool.clone()))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "the lab manifest of `{}` did not validate",
                scenario.id
            ))
        })?;
    let format = catalog
        .formats
        .get(&manifest.format)
        .ok_or_else(|| Error::Invalid(format!("unknown format `{}`", manifest.format)))?;
    let runner = LabRunner::for_format(&manifest.format).ok_or_else(|| {
        Error::Invalid(format!(
            "the lab cannot run the `{}` format of the {} experiment of `{}`; it runs {}",
            manifest.format,
            imp.tool,
            scenario.id,
            LabRunner::FORMATS
        ))
    })?;
    let (values, overrides) = values_with(scenario, &opts.set)?;
    let text = template::render(&manifest.template, &values).map_err(|e| {
        Error::Invalid(
            e.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    if !overrides.is_empty() {
        check_override_safety(
            &format!("the lab's {} experiment of `{}`", imp.tool, scenario.id),
            &scenario.parameters,
            format,
            &manifest.rendered,
            &text,
            &overrides,
            "the values given with --set",
        )?;
    }
    if !crate::catalog::manifest::quick_valid(format, &text) {
        return Err(Error::Invalid(format!(
            "the lab's {} experiment of `{}` does not validate against the `{}` format with these values",
            imp.tool, scenario.id, format.name
        )));
    }
    // Stress is bounded: no more CPU workers than this machine has cores.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(workers) = values.get("workers").and_then(|v| v.value.as_u64()) {
        if workers as usize > cores {
            return Err(Error::Usage(format!(
                "workers={workers}: the lab runs at most one CPU worker per core, and this machine has {cores}"
            )));
        }
    }
    // Memory stress holds at most a quarter of the machine's memory.
    if let Some(percent) = values.get("memory_percent").and_then(|v| v.value.as_u64()) {
        if percent > MAX_MEMORY_PERCENT {
            return Err(Error::Usage(format!(
                "memory_percent={percent}: the lab holds at most {MAX_MEMORY_PERCENT}% of this machine's memory; set memory_percent to {MAX_MEMORY_PERCENT} or less"
            )));
        }
    }
    // A disk fill writes a fixed size, and never a large one.
    if let Some(mib) = values.get("fill_mib").and_then(|v| v.value.as_u64()) {
        if mib > MAX_FILL_MIB {
            return Err(Error::Usage(format!(
                "fill_mib={mib}: the lab writes at most {MAX_FILL_MIB} MiB inside its folder; set fill_mib to {MAX_FILL_MIB} or less"
            )));
        }
    }
    let duration = values
        .get("duration")
        .and_then(|v| v.value.as_str())
        .and_then(template::parse_duration_ms)
        .map(Duration::from_millis);
    Ok(Prepared {
        tool: imp.tool.clone(),
        format: format.name.clone(),
        extension: format.extension.clone(),
        text,
        duration,
        tool_extension: imp.extension.clone(),
        runner,
        steady_state: lab.steady_state.clone(),
    })
}

/// Lab values, then `--set` (typed and checked like `export --set`).
fn values_with(
    scenario: &Scenario,
    set: &[String],
) -> Result<(template::ParamValues, BTreeMap<String, String>)> {
    let mut values = lab_values(scenario);
    let mut overrides = BTreeMap::new();
    for pair in set {
        let Some((key, raw)) = pair.split_once('=') else {
            return Err(Error::Usage(format!("--set `{pair}`: write KEY=VALUE")));
        };
        let Some(p) = scenario.parameters.iter().find(|p| p.name == key.trim()) else {
            let names: Vec<&str> = scenario
                .parameters
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(Error::Usage(format!(
                "--set {key}: scenario `{}` has no parameter `{key}`; it has: {}",
                scenario.id,
                names.join(", ")
            )));
        };
        let value = typed_value(p, raw)
            .map_err(|why| Error::Usage(format!("--set {key}={raw}: {why} ({})", describe(p))))?;
        values.insert(
            p.name.clone(),
            ParamValue {
                kind: p.kind,
                value,
            },
        );
        overrides.insert(p.name.clone(), raw.to_string());
    }
    Ok((values, overrides))
}

/// Where `program` is found on the PATH.
fn on_path(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| PathBuf::from(program));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// Every program the experiment's `process` providers run must be
/// installed: a missing one is exit 2 with the package to install, before
/// anything starts.
fn check_programs(experiment: &str) -> Result<()> {
    let Ok(doc) = first_document(experiment) else {
        return Ok(());
    };
    let mut missing = Vec::new();
    collect_processes(&doc, &mut |path| {
        if on_path(path).is_none() && !missing.contains(&path.to_string()) {
            missing.push(path.to_string());
        }
    });
    match missing.first() {
        None => Ok(()),
        Some(program) => Err(Error::Env(format!(
            "the experiment runs `{program}`, which is not installed; install it (on Debian or Ubuntu: `apt-get install {}`)",
            debian_package(program)
        ))),
    }
}

/// The Debian package that ships a program the lab's experiments run.
fn debian_package(program: &str) -> &str {
    match program {
        "kill" => "procps",
        "sh" => "dash",
        "cat" | "dd" | "du" | "rm" => "coreutils",
        other => other,
    }
}

fn first_document(text: &str) -> std::result::Result<Value, ()> {
    crate::catalog::yaml::parse_values(text)
        .ok()
        .and_then(|mut v| (!v.is_empty()).then(|| v.remove(0)))
        .ok_or(())
}

fn collect_processes(v: &Value, found: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some("process") {
                if let Some(path) = m.get("path").and_then(Value::as_str) {
                    found(path);
                }
            }
            for child in m.values() {
                collect_processes(child, found);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_processes(c, found)),
        _ => {}
    }
}

/// Chaos Toolkit's `chaos`: on the PATH, else in the virtualenv that
/// tests/validate-exports.sh creates.
fn find_chaos(root: &Path) -> Option<PathBuf> {
    on_path("chaos").or_else(|| {
        let venv = root.join("target/validators-venv/bin/chaos");
        venv.is_file().then_some(venv)
    })
}

const INSTALL_CHAOS: &str = "install Chaos Toolkit and its Toxiproxy extension: `python3 -m venv .venv && .venv/bin/pip install chaostoolkit chaostoolkit-toxiproxy`, then put .venv/bin on the PATH (tests/validate-exports.sh also creates target/validators-venv with both)";

/// What runs the experiment, found before anything starts.
enum Runner {
    /// Chaos Toolkit's `chaos`.
    Chaos(PathBuf),
    /// A script the lab conducts, run by `bash`.
    Script,
}

/// Finds what runs `prepared` and checks that what it needs is installed:
/// a missing program is exit 2 with the package to install.
fn find_runner(root: &Path, prepared: &Prepared) -> Result<Runner> {
    match prepared.runner {
        LabRunner::Journal => {
            check_programs(&prepared.text)?;
            let chaos = find_chaos(root).ok_or_else(|| {
                Error::Env(format!(
                    "Chaos Toolkit (`chaos`) was not found; {INSTALL_CHAOS}"
                ))
            })?;
            // The extension must import in the Python that runs `chaos`.
            if let Some(python) = chaos
                .parent()
                .map(|d| d.join("python"))
                .filter(|p| p.is_file())
            {
                let ok = Command::new(&python)
                    .args(["-c", "import chaostoxi"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    return Err(Error::Env(format!(
                        "chaostoolkit-toxiproxy is not installed beside {}; {INSTALL_CHAOS}",
                        chaos.display()
                    )));
                }
            }
            Ok(Runner::Chaos(chaos))
        }
        LabRunner::Conducted => {
            for program in ["bash", "curl"] {
                if on_path(program).is_none() {
                    return Err(Error::Env(format!(
                        "the {} experiment runs `{program}`, which is not installed; install it (on Debian or Ubuntu: `apt-get install {program}`)",
                        prepared.tool
                    )));
                }
            }
            Ok(Runner::Script)
        }
    }
}

/// How the wait for the tool ended.
enum Waited {
    /// The tool ended; `stopped` says why the lab asked it to, if it did.
    Ended {
        status: std::process::ExitStatus,
        stopped: Option<Stop>,
    },
    /// The tool did not end within STOP_GRACE of being asked and was killed.
    Killed,
    /// A service of the shop failed for good.
    ShopFailed(Error),
}

/// Why the lab asked the tool to stop.
#[derive(Clone, Copy, PartialEq)]
enum Stop {
    Requested,
    OverTime,
}

/// Waits for `child`, keeping the shop supervised and calling `tick`
/// between checks. A stop request or the hard `limit`: first SIGINT,
/// which Chaos Toolkit reads as Ctrl-C (it marks the run interrupted and,
/// with `--rollback-strategy always`, plays the rollbacks before it exits)
/// and bash as the end of its script (its `trap` on EXIT removes the
/// fault); SIGKILL only if it has not ended STOP_GRACE later. `group`
/// sends the signal to the child's whole process group (a script's
/// `sleep` must get it too, or bash waits for it to end).
fn wait(
    child: &mut std::process::Child,
    shop: &mut Shop,
    limit: Duration,
    group: bool,
    tick: &mut dyn FnMut(),
) -> Waited {
    let mut deadline = Instant::now() + limit;
    let mut stopped = None;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Waited::Ended { status, stopped };
        }
        let over_time = Instant::now() > deadline;
        if (super::stop_requested() || over_time) && stopped.is_none() {
            stopped = Some(if over_time {
                Stop::OverTime
            } else {
                Stop::Requested
            });
            if let Ok(pid) = i32::try_from(child.id()) {
                let target = if group { -pid } else { pid };
                // SAFETY: kill(2) on our own child (or its process group,
                // which it leads), not yet reaped.
                unsafe { libc::kill(target, libc::SIGINT) };
            }
            deadline = Instant::now() + STOP_GRACE;
            let why = if over_time {
                format!("the run passed its hard limit of {} s", limit.as_secs())
            } else {
                "stop requested".to_string()
            };
            eprintln!(
                "lab: {why}: the tool ends its fault (at most {} s more), then the shop is torn down",
                STOP_GRACE.as_secs()
            );
            continue;
        }
        match shop.supervise() {
            Ok(restarts) => {
                for line in restarts {
                    eprintln!("lab: {line}");
                }
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Waited::ShopFailed(e);
            }
        }
        if stopped.is_some() && Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Waited::Killed;
        }
        if stopped.is_none() {
            tick();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the scenario; returns the exit code (0 or 1) after printing the
/// verdict. Errors are exit 2 (usage, missing tool, port in use).
pub fn run(root: &Path, catalog: &Catalog, opts: &Options) -> Result<u8> {
    if opts.record && !opts.set.is_empty() {
        return Err(Error::Usage(
            "--record keeps the evidence of the experiment the catalog publishes, with the lab's own values: drop --set, or do not record".into(),
        ));
    }
    let prepared = prepare(catalog, opts)?;
    let runner = find_runner(root, &prepared)?;
    let dir = super::lab_dir(root).join(&opts.scenario);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
    let experiment = dir.join(format!("experiment.{}", prepared.extension));
    std::fs::write(&experiment, &prepared.text)
        .map_err(|e| Error::io("cannot write", &experiment, e))?;
    let journal = opts
        .journal
        .clone()
        .unwrap_or_else(|| dir.join("journal.json"));
    let _ = std::fs::remove_file(&journal);

    let cwd = std::env::current_dir().map_err(|e| Error::io("cannot read", Path::new("."), e))?;
    let shown_journal = journal.clone();
    let (experiment, journal, dir) = (cwd.join(experiment), cwd.join(journal), cwd.join(dir));
    super::stop_on_signal();
    let started = Instant::now();
    let limit = prepared.duration.unwrap_or(Duration::from_secs(60)) + GRACE;
    // The journal, and what the lab saw of a proxy fault during a run whose
    // journal is the tool's own (the tool's file is left as it wrote it).
    let (journal_value, fault_seen) = match &runner {
        Runner::Chaos(chaos) => {
            let mut watch = if prepared.text.contains("chaostoxi.") {
                Some(ProxyWatch::new(super::toxiproxy_api()).map_err(Error::Env)?)
            } else {
                None
            };
            let mut shop = Shop::start(root)?;
            eprintln!(
                "lab: the shop is up in {} ms; running {} with {}",
                started.elapsed().as_millis(),
                experiment.display(),
                chaos.display()
            );
            let mut child = Command::new(chaos)
                .arg("--no-version-check")
                .arg("--log-file")
                .arg(dir.join("chaostoolkit.log"))
                .arg("run")
                .arg("--journal-path")
                .arg(&journal)
                // Rollbacks always run, so a fault never outlives a failed run.
                .args(["--rollback-strategy", "always"])
                .arg(&experiment)
                // Lab manifests name the lab's files relative to the project root
                // (target/lab/pids/SERVICE.pid).
                .current_dir(root)
                .stdin(Stdio::null())
                // Ctrl-C reaches the lab alone, which forwards it (in
                // `wait`) while the shop still runs, so the rollbacks have
                // something to talk to.
                .process_group(0)
                .spawn()
                .map_err(|e| Error::Env(format!("cannot run {}: {e}", chaos.display())))?;
            // A fault on the lab's proxy is watched for, as in a
            // conducted run: the tool's journal says an action succeeded,
            // not that the toxic was ever in place.
            if let Some(watch) = watch.as_mut() {
                watch.started();
            }
            let mut look = || {
                if let Some(watch) = watch.as_mut() {
                    watch.look();
                }
            };
            let (status, stopped) = match wait(&mut child, &mut shop, limit, false, &mut look) {
                Waited::Ended { status, stopped } => (status, stopped),
                Waited::ShopFailed(e) => return Ok(shop_failed(shop, &e)),
                Waited::Killed => return Ok(killed(shop)),
            };
            drop(shop);
            if !journal.exists() {
                // Chaos Toolkit writes its journal at the end of any run it
                // started, interrupted or not: without one, it never got
                // as far as the experiment.
                if stopped.is_some() {
                    println!("verdict: aborted (Chaos Toolkit was stopped before it wrote a journal: it had not started the experiment)");
                    println!(
                        "journal: none ({:.1} s in all; the shop was torn down)",
                        started.elapsed().as_secs_f64()
                    );
                    return Ok(1);
                }
                return Err(Error::Env(format!(
                    "Chaos Toolkit ended ({status}) without writing its journal {}; its log is {}",
                    journal.display(),
                    dir.join("chaostoolkit.log").display()
                )));
            }
            let text = std::fs::read_to_string(&journal)
                .map_err(|e| Error::io("cannot read", &journal, e))?;
            let tool_journal: Value = serde_json::from_str(&text).map_err(|e| {
                Error::Invalid(format!(
                    "the journal {} is not JSON: {e}",
                    journal.display()
                ))
            })?;
            (tool_journal, watch.map(|w| w.fault_seen()))
        }
        Runner::Script => {
            let steady = prepared.steady_state.as_ref().ok_or_else(|| {
                Error::Invalid(format!(
                    "the lab block of `{}` has no steady_state for its {} experiment",
                    opts.scenario, prepared.tool
                ))
            })?;
            let mut conductor =
                Conductor::new(steady, super::toxiproxy_api()).map_err(Error::Env)?;
            let mut shop = Shop::start(root)?;
            eprintln!(
                "lab: the shop is up in {} ms; the lab checks \"{}\" and runs {} with bash",
                started.elapsed().as_millis(),
                steady.title,
                experiment.display()
            );
            let value = if conductor.before() {
                let output = dir.join("script.log");
                let log = std::fs::File::create(&output)
                    .map_err(|e| Error::io("cannot create", &output, e))?;
                let err = log
                    .try_clone()
                    .map_err(|e| Error::io("cannot write", &output, e))?;
                let script_started = Instant::now();
                conductor.script_started();
                let mut child = Command::new("bash")
                    .arg(&experiment)
                    .current_dir(root)
                    .stdin(Stdio::null())
                    .stdout(log)
                    .stderr(err)
                    .process_group(0)
                    .spawn()
                    .map_err(|e| Error::Env(format!("cannot run bash: {e}")))?;
                let waited = wait(&mut child, &mut shop, limit, true, &mut || {
                    conductor.during()
                });
                let took = script_started.elapsed();
                let (code, status) = match waited {
                    Waited::ShopFailed(e) => return Ok(shop_failed(shop, &e)),
                    Waited::Killed => (None, "aborted"),
                    Waited::Ended { status, stopped } => (
                        status.code(),
                        match stopped {
                            Some(Stop::Requested) => "interrupted",
                            Some(Stop::OverTime) => "aborted",
                            None if status.success() => "completed",
                            None => "failed",
                        },
                    ),
                };
                if status == "completed" {
                    conductor.after();
                }
                let first_line = std::fs::read_to_string(&output).ok().and_then(|t| {
                    t.lines()
                        .map(str::trim)
                        .find(|l| !l.is_empty())
                        .map(String::from)
                });
                let cleanup = conductor.watch.verify_cleanup();
                conductor.journal(
                    status,
                    Some(conduct::script_entry(code, took, first_line)),
                    Some(cleanup),
                )
            } else {
                conductor.journal("completed", None, None)
            };
            drop(shop);
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            crate::atomic::write_file(&journal, text.as_bytes())?;
            (value, None)
        }
    };
    let elapsed = started.elapsed();
    let mut verdict = Verdict::from_journal(&journal_value);
    if let Some(seen) = &fault_seen {
        verdict.saw_fault(seen);
    }
    print!("{}", verdict.text(&opts.scenario, &prepared.tool));
    println!(
        "journal: {} ({:.1} s in all; the shop was torn down)",
        shown_journal.display(),
        elapsed.as_secs_f64()
    );
    if let Some(recorded) = catalog.lab_run(&opts.scenario, &prepared.tool) {
        let agrees = if recorded.verdict == verdict.word() {
            "agrees with it"
        } else {
            "DIFFERS"
        };
        println!(
            "recorded run ({}, {} {}): {}; this run {agrees}",
            recorded.date, prepared.tool, recorded.tool_version, recorded.verdict
        );
    }
    if opts.record {
        let ran = match &runner {
            Runner::Chaos(chaos) => ran_chaos(chaos, &prepared)?,
            Runner::Script => Ran {
                tool_version: super::proxy::API_VERSION.to_string(),
                versions: super::record::program_versions(&["bash", "curl"]),
                server: Some(format!(
                    "the lab's Toxiproxy-compatible proxy of chaosbook {}",
                    env!("CARGO_PKG_VERSION")
                )),
            },
        };
        record(
            root,
            catalog,
            ran,
            &prepared,
            &opts.scenario,
            &verdict,
            elapsed,
        )?;
    }
    Ok(verdict.exit_code())
}

/// The shop failed for good during the run: it is torn down, exit 1.
fn shop_failed(shop: Shop, e: &Error) -> u8 {
    drop(shop);
    println!("aborted: {e}; the shop was torn down");
    1
}

/// The tool did not stop when asked and was killed: exit 1.
fn killed(shop: Shop) -> u8 {
    drop(shop);
    println!(
        "aborted: the tool did not end within {} s of being interrupted and was killed (its rollbacks may not have run); the shop was torn down",
        STOP_GRACE.as_secs()
    );
    1
}

/// What ran, as the record keeps it.
struct Ran {
    tool_version: String,
    versions: BTreeMap<String, String>,
    server: Option<String>,
}

/// The versions of Chaos Toolkit and its extension that ran.
fn ran_chaos(chaos: &Path, prepared: &Prepared) -> Result<Ran> {
    let extensions: Vec<&str> = prepared.tool_extension.iter().map(String::as_str).collect();
    let (tool_version, versions) = super::record::chaostoolkit_versions(chaos, &extensions)
        .ok_or_else(|| {
            Error::Env(format!(
                "cannot tell which versions of Chaos Toolkit ran (no Python beside {}); the run was not recorded",
                chaos.display()
            ))
        })?;
    Ok(Ran {
        tool_version,
        versions,
        server: None,
    })
}

/// Writes the run into `catalog/lab-runs.yaml`, in place of the earlier one.
fn record(
    root: &Path,
    catalog: &Catalog,
    ran: Ran,
    prepared: &Prepared,
    scenario: &str,
    verdict: &Verdict,
    elapsed: Duration,
) -> Result<()> {
    let run = crate::catalog::model::LabRun {
        scenario: scenario.to_string(),
        tool: prepared.tool.clone(),
        date: super::record::today(),
        tool_version: ran.tool_version,
        versions: ran.versions,
        verdict: verdict.word().to_string(),
        seconds: (elapsed.as_secs_f64() * 10.0).round() / 10.0,
        probes: verdict.probes(),
        server: ran.server,
    };
    let runs = catalog
        .lab_runs
        .as_ref()
        .map(|e| e.item.clone())
        .unwrap_or_default();
    let catalog_dir = catalog
        .config
        .as_ref()
        .map(|c| c.catalog_dir())
        .unwrap_or_else(|| root.join("catalog"));
    let file = catalog_dir.join(crate::catalog::LAB_RUNS_FILE);
    super::record::write(&file, &super::record::with_run(runs, run.clone()))?;
    println!(
        "recorded: {} {} on {} ({}) in {}",
        run.tool,
        run.tool_version,
        run.date,
        run.verdict,
        file.strip_prefix(root).unwrap_or(&file).display()
    );
    Ok(())
}

/// One activity of a journal: name, status, seconds, HTTP status if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The activity's name in the experiment.
    pub name: String,
    /// `action` or `probe`.
    pub kind: String,
    /// How the activity ended: `succeeded` or `failed`.
    pub status: String,
    /// How long the activity took, in seconds.
    pub seconds: f64,
    /// The HTTP status an HTTP probe got; `None` for other providers.
    pub http_status: Option<u64>,
    /// A process's exit code; `None` for other providers.
    pub exit_code: Option<i64>,
    /// The first line a process printed, if any.
    pub said: Option<String>,
    /// Whether a steady-state probe's result was within its tolerance;
    /// `None` for a probe of the method, which has none.
    pub tolerance_met: Option<bool>,
}

impl Step {
    fn from(run: &Value) -> Step {
        let activity = &run["activity"];
        let process = activity["provider"]["type"] == "process";
        Step {
            name: activity["name"].as_str().unwrap_or("?").to_string(),
            kind: activity["type"].as_str().unwrap_or("?").to_string(),
            status: run["status"].as_str().unwrap_or("?").to_string(),
            seconds: run["duration"].as_f64().unwrap_or(0.0),
            // A process provider's `status` is its exit code, not HTTP's.
            http_status: (activity["provider"]["type"] == "http")
                .then(|| run["output"]["status"].as_u64())
                .flatten(),
            exit_code: process.then(|| run["output"]["status"].as_i64()).flatten(),
            // What a process printed, or what the lab's own check of a
            // conducted run found (its `said`).
            said: process
                .then(|| run["output"]["stdout"].as_str())
                .flatten()
                .or_else(|| run["output"]["said"].as_str())
                .and_then(|out| out.lines().map(str::trim).find(|l| !l.is_empty()))
                .map(String::from),
            tolerance_met: run["tolerance_met"].as_bool(),
        }
    }

    /// A probe that got no answer, or a steady-state probe out of its
    /// tolerance (a non-zero exit can be what the tolerance expects).
    fn failed(&self) -> bool {
        self.status != "succeeded" || self.tolerance_met == Some(false)
    }

    pub(crate) fn line(&self) -> String {
        let http = self
            .http_status
            .map_or(String::new(), |s| format!(", HTTP {s}"));
        let exit = self
            .exit_code
            .map_or(String::new(), |c| format!(", exit {c}"));
        let said = self
            .said
            .as_ref()
            .map_or(String::new(), |s| format!(": {s}"));
        format!(
            "{} {} {} in {:.0} ms{http}{exit}{said}",
            self.kind,
            self.name,
            self.status,
            self.seconds * 1000.0
        )
    }
}

/// What a Chaos Toolkit journal says happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The run's status in the journal: `completed`, `failed`, `aborted`, `interrupted`.
    pub status: String,
    /// Whether the steady state deviated (the hypothesis was refuted).
    pub deviated: bool,
    /// Whether the steady state held before the fault; `None` if not checked.
    pub before_met: Option<bool>,
    /// The steady-state probes before the fault.
    pub before: Vec<Step>,
    /// The fault's actions and the probes during it.
    pub method: Vec<Step>,
    /// Whether the steady state held after the fault; `None` if not checked.
    pub after_met: Option<bool>,
    /// The steady-state probes after the fault.
    pub after: Vec<Step>,
    /// The rollback actions.
    pub rollbacks: Vec<Step>,
    /// Whether the lab saw the fault in place while it should have been
    /// (it watches the proxies during a proxy fault); `None` when it did not look.
    pub fault_seen: Option<bool>,
    /// The lab's first sight of the fault, when it saw it.
    pub fault_check: Option<Step>,
}

impl Verdict {
    /// Reads a Chaos Toolkit journal (journal.json); missing parts read as not run.
    pub fn from_journal(j: &Value) -> Verdict {
        let steps = |v: &Value| -> Vec<Step> {
            v.as_array()
                .map(|a| a.iter().map(Step::from).collect())
                .unwrap_or_default()
        };
        let states = &j["steady_states"];
        let mut verdict = Verdict {
            status: j["status"].as_str().unwrap_or("unknown").to_string(),
            deviated: j["deviated"].as_bool().unwrap_or(false),
            before_met: states["before"]["steady_state_met"].as_bool(),
            before: steps(&states["before"]["probes"]),
            method: steps(&j["run"]),
            after_met: states["after"]["steady_state_met"].as_bool(),
            after: steps(&states["after"]["probes"]),
            rollbacks: steps(&j["rollbacks"]),
            fault_seen: None,
            fault_check: None,
        };
        verdict.saw_fault(&j["fault_seen"]);
        verdict
    }

    /// What the lab saw of the fault (a journal's `fault_seen`: the entry
    /// of its first sight, or false).
    pub fn saw_fault(&mut self, seen: &Value) {
        self.fault_seen = seen.as_bool().or(seen.is_object().then_some(true));
        self.fault_check = seen.is_object().then(|| Step::from(seen));
    }

    fn rollback_failed(&self) -> bool {
        self.rollbacks.iter().any(|r| r.status != "succeeded")
    }

    /// 0 when the experiment ran to its end, whatever the hypothesis did;
    /// 1 when it failed, was stopped, or a rollback failed.
    pub fn exit_code(&self) -> u8 {
        match self.word() {
            "confirmed" | "refuted" if !self.rollback_failed() => 0,
            _ => 1,
        }
    }

    /// The verdict in the catalog's vocabulary: confirmed, refuted,
    /// inconclusive; aborted for a stopped run. Chaos Toolkit marks a run
    /// whose steady state after the fault was not met `deviated`, with the
    /// status `completed`, or `failed` when a probe got no answer (a probe's
    /// timeout is how a lab hypothesis bounds latency): refuted either way.
    /// A steady state not met before the fault means the fault never ran;
    /// a fault the lab looked for and never saw tested nothing.
    pub fn word(&self) -> &'static str {
        match self.status.as_str() {
            "aborted" | "interrupted" => "aborted",
            _ if self.before_met == Some(false) => "inconclusive",
            _ if self.fault_seen == Some(false) => "inconclusive",
            "completed" | "failed" if self.deviated => "refuted",
            "completed" => "confirmed",
            _ => "inconclusive",
        }
    }

    /// The key measurements: how the probes went before, during and after
    /// the fault (what `--record` keeps and the scenario page shows).
    pub fn probes(&self) -> ProbePhases {
        ProbePhases {
            before: span(&self.before),
            during: span(&self.method),
            after: span(&self.after),
        }
    }

    /// The key measurement in words: how long the probes took before,
    /// during and after the fault.
    pub fn effect(&self) -> Option<String> {
        let p = self.probes();
        let during = p.during?.text();
        let text = |s: Option<ProbeSpan>| s.map_or_else(|| "-".into(), |s| s.text());
        Some(format!(
            "probes took {} before, {during} during the fault, {} after",
            text(p.before),
            text(p.after)
        ))
    }

    /// The verdict as `lab run` prints it: steady state before, the fault, after, rollback, effect.
    pub fn text(&self, scenario: &str, tool: &str) -> String {
        let met = |m: Option<bool>| match m {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "not checked",
        };
        let mut out = format!(
            "lab run of {scenario} with {tool}: the run {}\n",
            self.status
        );
        out.push_str(&format!(
            "  steady state before: {}\n",
            met(self.before_met)
        ));
        for s in &self.before {
            out.push_str(&format!("    {}\n", s.line()));
        }
        out.push_str("  method (the fault and the probes during it):\n");
        for s in &self.method {
            out.push_str(&format!("    {}\n", s.line()));
        }
        if let Some(check) = &self.fault_check {
            out.push_str(&format!("    {}\n", check.line()));
        }
        if self.fault_seen == Some(false) {
            out.push_str(
                "    the fault was never seen on the proxies while it should have been on\n",
            );
        }
        out.push_str(&format!("  steady state after: {}\n", met(self.after_met)));
        for s in &self.after {
            out.push_str(&format!("    {}\n", s.line()));
        }
        if self.rollbacks.is_empty() {
            out.push_str("  rollback: none ran\n");
        } else {
            out.push_str("  rollback:\n");
            for s in &self.rollbacks {
                out.push_str(&format!("    {}\n", s.line()));
            }
        }
        if let Some(effect) = self.effect() {
            out.push_str(&format!("  effect: {effect}\n"));
        }
        let why = verdict_meaning(self.word());
        let rollback = if self.rollback_failed() {
            " (a rollback FAILED)"
        } else {
            ""
        };
        out.push_str(&format!("verdict: {} ({why}){rollback}\n", self.word()));
        out
    }
}

/// How a group of steps' probes went; `None` without probes.
fn span(steps: &[Step]) -> Option<ProbeSpan> {
    let probes: Vec<&Step> = steps.iter().filter(|s| s.kind == "probe").collect();
    let ms: Vec<u64> = probes
        .iter()
        .map(|s| (s.seconds * 1000.0).round() as u64)
        .collect();
    let mut codes: Vec<u16> = probes
        .iter()
        .filter_map(|s| s.http_status)
        .filter_map(|c| u16::try_from(c).ok())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    Some(ProbeSpan {
        count: u32::try_from(probes.len()).unwrap_or(u32::MAX),
        min_ms: *ms.iter().min()?,
        max_ms: *ms.iter().max()?,
        codes,
        failed: u32::try_from(probes.iter().filter(|s| s.failed()).count()).unwrap_or(u32::MAX),
        said: {
            let mut said: Vec<String> = Vec::new();
            for line in probes.iter().filter_map(|s| s.said.as_ref()) {
                if !said.contains(line) {
                    said.push(line.clone());
                }
            }
            said
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deviated_run_is_refuted_and_exits_0() {
        let j = serde_json::json!({
            "status": "completed",
            "deviated": true,
            "steady_states": {
                "before": {"steady_state_met": true, "probes": [
                    {"activity": {"name": "answers", "type": "probe", "provider": {"type": "http"}}, "status": "succeeded", "duration": 0.012, "output": {"status": 200}}
                ]},
                "after": {"steady_state_met": false, "probes": []}
            },
            "run": [
                {"activity": {"name": "add-latency", "type": "action", "provider": {"type": "python"}}, "status": "succeeded", "duration": 0.01},
                {"activity": {"name": "slow", "type": "probe", "provider": {"type": "http"}}, "status": "succeeded", "duration": 0.25, "output": {"status": 200}},
                {"activity": {"name": "kill", "type": "action", "provider": {"type": "process"}}, "status": "succeeded", "duration": 0.01, "output": {"status": 0}},
                {"activity": {"name": "broken", "type": "probe", "provider": {"type": "http"}}, "status": "succeeded", "duration": 0.004, "output": {"status": 502}}
            ],
            "rollbacks": [{"activity": {"name": "remove", "type": "action"}, "status": "succeeded", "duration": 0.01}]
        });
        let v = Verdict::from_journal(&j);
        assert_eq!(v.word(), "refuted");
        assert_eq!(v.exit_code(), 0);
        assert_eq!(
            v.before[0].line(),
            "probe answers succeeded in 12 ms, HTTP 200"
        );
        assert_eq!(v.method[2].line(), "action kill succeeded in 10 ms, exit 0");
        assert_eq!(
            v.effect().unwrap(),
            "probes took 12 ms (HTTP 200) before, 4\u{2013}250 ms (HTTP 200, 502) during the fault, - after"
        );
    }

    #[test]
    fn a_steady_state_probe_that_timed_out_after_the_fault_is_refuted() {
        // chaoslib 1.45.1: a probe without an answer fails the run; the
        // hypothesis after the fault deviated all the same.
        let j = serde_json::json!({
            "status": "failed", "deviated": true,
            "steady_states": {
                "before": {"steady_state_met": true, "probes": []},
                "after": {"steady_state_met": false, "probes": [
                    {"activity": {"name": "answers", "type": "probe", "provider": {"type": "http"}}, "status": "failed", "duration": 0.81}
                ]}
            }
        });
        let v = Verdict::from_journal(&j);
        assert_eq!((v.word(), v.exit_code()), ("refuted", 0));
    }

    #[test]
    fn a_steady_state_not_met_before_the_fault_is_inconclusive() {
        let j = serde_json::json!({
            "status": "completed", "deviated": false,
            "steady_states": {"before": {"steady_state_met": false, "probes": []}}
        });
        let v = Verdict::from_journal(&j);
        assert_eq!((v.word(), v.exit_code()), ("inconclusive", 1));
    }

    #[test]
    fn process_probes_show_their_exit_code_and_first_line() {
        let probe = |name: &str, status: i64, stdout: &str| {
            serde_json::json!({"activity": {"name": name, "type": "probe", "provider": {"type": "process"}},
                "status": "succeeded", "duration": 0.05, "output": {"status": status, "stdout": stdout, "stderr": ""}})
        };
        let j = serde_json::json!({
            "status": "completed", "deviated": true,
            "steady_states": {
                "before": {"steady_state_met": true, "probes": [probe("p", 0, "valid: 5 answered\n")]},
                "after": {"steady_state_met": false, "probes": [probe("p", 0, "\nexpired: 0 answered\n")]}
            },
            "run": [
                {"activity": {"name": "swap", "type": "action", "provider": {"type": "process"}}, "status": "succeeded", "duration": 0.01, "output": {"status": 0, "stdout": "", "stderr": ""}},
                probe("p", 60, "expired: 0 answered"),
                probe("p", 60, "expired: 0 answered")
            ]
        });
        let v = Verdict::from_journal(&j);
        assert_eq!(
            v.method[1].line(),
            "probe p succeeded in 50 ms, exit 60: expired: 0 answered"
        );
        assert_eq!(v.method[0].line(), "action swap succeeded in 10 ms, exit 0");
        assert_eq!(
            v.effect().unwrap(),
            "probes took 50 ms (said: valid: 5 answered) before, 50 ms (said: expired: 0 answered) during the fault, 50 ms (said: expired: 0 answered) after"
        );
    }

    #[test]
    fn a_tool_journal_whose_proxy_fault_the_lab_never_saw_is_inconclusive() {
        let j = serde_json::json!({
            "status": "completed", "deviated": false,
            "steady_states": {"before": {"steady_state_met": true, "probes": []}}
        });
        let mut v = Verdict::from_journal(&j);
        assert_eq!((v.word(), v.fault_seen), ("confirmed", None));
        v.saw_fault(&serde_json::json!(false));
        assert_eq!((v.word(), v.exit_code()), ("inconclusive", 1));
        v.saw_fault(&serde_json::json!({"activity": {"name": "fault-in-place", "type": "check"},
            "status": "succeeded", "duration": 0.002, "output": {"said": "toxic prices-latency on prices"}}));
        assert_eq!(v.word(), "confirmed");
        assert!(v.text("network-latency", "chaos-toolkit").contains(
            "    check fault-in-place succeeded in 2 ms: toxic prices-latency on prices\n"
        ));
    }

    #[test]
    fn a_failed_rollback_exits_1() {
        let j = serde_json::json!({
            "status": "completed", "deviated": false,
            "rollbacks": [{"activity": {"name": "remove", "type": "action"}, "status": "failed", "duration": 0.01}]
        });
        let v = Verdict::from_journal(&j);
        assert_eq!(v.word(), "confirmed");
        assert_eq!(v.exit_code(), 1);
    }
}
