//! `lab run --record`: the run's evidence kept in the catalog.
//!
//! A lab run that ran with the lab's own values can be recorded in
//! `catalog/lab-runs.yaml` (the date, the versions that ran, the verdict and
//! what the probes measured). The scenario's page shows the recorded run,
//! and `check` refuses a lab experiment that claims `verified: {by:
//! execution}` without one. The file is written whole by this module, one
//! run per (scenario, tool), sorted, so that re-recording a run changes
//! only its own lines in a diff.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::catalog::model::{LabRun, LabRuns, ProbeSpan};
use crate::error::Result;

/// The first lines of the file: what it is and how it is written.
const HEADER: &str = "\
# The last recorded run of each lab experiment: written by
# `chaosbook lab run SCENARIO --record` (record a run again rather than
# editing this file). Scenario pages show these runs, and the test command
# runs every lab experiment and fails when its verdict differs from the one
# recorded here.
";

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// The versions of the Python packages a Chaos Toolkit run used, read with
/// the Python interpreter beside `chaos` (the one that runs it): the CLI's
/// version, then the library and `extensions` by name. `None` when the
/// interpreter cannot tell (a `chaos` that is not a virtualenv's script).
pub fn chaostoolkit_versions(
    chaos: &Path,
    extensions: &[&str],
) -> Option<(String, BTreeMap<String, String>)> {
    let python = chaos.parent()?.join("python");
    let mut names = vec!["chaostoolkit", "chaostoolkit-lib"];
    names.extend_from_slice(extensions);
    let script = "import importlib.metadata as m, sys\n\
                  for n in sys.argv[1:]:\n    print(n, m.version(n))";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(&names)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let mut versions: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    let cli = versions.remove("chaostoolkit")?;
    Some((cli, versions))
}

/// The versions of programs a conducted run used (`bash`, `curl`), read
/// from the first line of their `--version`: the first word that starts
/// with a digit (`curl 8.14.1 (x86_64...)`, `GNU bash, version
/// 5.2.37(1)-release`). A program that does not say is left out.
pub fn program_versions(programs: &[&str]) -> BTreeMap<String, String> {
    programs
        .iter()
        .filter_map(|program| {
            let out = Command::new(program)
                .arg("--version")
                .stderr(Stdio::null())
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let version = version_in(text.lines().next()?)?;
            Some((program.to_string(), version))
        })
        .collect()
}

/// The first word of `line` that starts with a digit, up to the first
/// character that is not a digit or a dot.
fn version_in(line: &str) -> Option<String> {
    line.split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| {
            w.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
        })
        .map(|v| v.trim_end_matches('.').to_string())
}

/// `runs` with `run` in place of the earlier run of the same experiment,
/// sorted by scenario, then tool.
pub fn with_run(mut runs: LabRuns, run: LabRun) -> LabRuns {
    runs.runs
        .retain(|r| !(r.scenario == run.scenario && r.tool == run.tool));
    runs.runs.push(run);
    runs.runs.sort_by(|a, b| {
        (a.scenario.as_str(), a.tool.as_str()).cmp(&(b.scenario.as_str(), b.tool.as_str()))
    });
    runs
}

/// A string as a YAML scalar: JSON's double-quoted strings are YAML's too,
/// so nothing a string holds can change the file's structure.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn span_yaml(out: &mut String, phase: &str, span: &ProbeSpan) {
    let codes: Vec<String> = span.codes.iter().map(u16::to_string).collect();
    out.push_str(&format!(
        "      {phase}: {{count: {}, min_ms: {}, max_ms: {}",
        span.count, span.min_ms, span.max_ms
    ));
    if !codes.is_empty() {
        out.push_str(&format!(", codes: [{}]", codes.join(", ")));
    }
    if span.failed > 0 {
        out.push_str(&format!(", failed: {}", span.failed));
    }
    if !span.said.is_empty() {
        let said: Vec<String> = span.said.iter().map(|s| quoted(s)).collect();
        out.push_str(&format!(", said: [{}]", said.join(", ")));
    }
    out.push_str("}\n");
}

/// The file's text.
pub fn to_yaml(runs: &LabRuns) -> String {
    let mut out = String::from(HEADER);
    out.push_str("runs:\n");
    for r in &runs.runs {
        out.push_str(&format!("  - scenario: {}\n", quoted(&r.scenario)));
        out.push_str(&format!("    tool: {}\n", quoted(&r.tool)));
        out.push_str(&format!("    date: {}\n", quoted(&r.date)));
        out.push_str(&format!("    tool_version: {}\n", quoted(&r.tool_version)));
        if let Some(server) = &r.server {
            out.push_str(&format!("    server: {}\n", quoted(server)));
        }
        if !r.versions.is_empty() {
            out.push_str("    versions:\n");
            for (name, version) in &r.versions {
                out.push_str(&format!("      {}: {}\n", quoted(name), quoted(version)));
            }
        }
        out.push_str(&format!("    verdict: {}\n", quoted(&r.verdict)));
        out.push_str(&format!("    seconds: {:.1}\n", r.seconds));
        out.push_str("    probes:\n");
        let phases = [
            ("before", &r.probes.before),
            ("during", &r.probes.during),
            ("after", &r.probes.after),
        ];
        if phases.iter().all(|(_, s)| s.is_none()) {
            out.truncate(out.len() - 1);
            out.push_str(" {}\n");
        }
        for (phase, span) in phases {
            if let Some(span) = span {
                span_yaml(&mut out, phase, span);
            }
        }
    }
    out
}

/// Writes `runs` to `file` atomically.
pub fn write(file: &Path, runs: &LabRuns) -> Result<()> {
    crate::atomic::write_file(file, to_yaml(runs).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_first_line_of_version_output() {
        assert_eq!(
            version_in("curl 8.14.1 (x86_64-pc-linux-gnu) libcurl/8.14.1").as_deref(),
            Some("8.14.1")
        );
        assert_eq!(
            version_in("GNU bash, version 5.2.37(1)-release (x86_64-pc-linux-gnu)").as_deref(),
            Some("5.2.37")
        );
        assert_eq!(version_in("no version here"), None);
    }
    use crate::catalog::model::ProbePhases;

    fn run(scenario: &str, verdict: &str) -> LabRun {
        LabRun {
            server: None,
            scenario: scenario.into(),
            tool: "chaos-toolkit".into(),
            date: "2026-12-03".into(),
            tool_version: "1.21.4".into(),
            versions: BTreeMap::from([("chaostoolkit-lib".into(), "1.45.1".into())]),
            verdict: verdict.into(),
            seconds: 41.04,
            probes: ProbePhases {
                before: Some(ProbeSpan {
                    count: 1,
                    min_ms: 21,
                    max_ms: 21,
                    codes: vec![200],
                    failed: 0,
                    said: vec![],
                }),
                during: Some(ProbeSpan {
                    count: 2,
                    min_ms: 3,
                    max_ms: 5,
                    codes: vec![],
                    failed: 2,
                    said: vec!["expired: 0 of 5 answered".into()],
                }),
                after: None,
            },
        }
    }

    #[test]
    fn the_file_is_block_yaml_with_quoted_strings() {
        let runs = with_run(LabRuns::default(), run("network-latency", "confirmed"));
        let text = to_yaml(&runs);
        assert!(text.starts_with("# The last recorded run"));
        assert_eq!(
            &text[HEADER.len()..],
            "runs:\n  - scenario: \"network-latency\"\n    tool: \"chaos-toolkit\"\n    date: \"2026-12-03\"\n    tool_version: \"1.21.4\"\n    versions:\n      \"chaostoolkit-lib\": \"1.45.1\"\n    verdict: \"confirmed\"\n    seconds: 41.0\n    probes:\n      before: {count: 1, min_ms: 21, max_ms: 21, codes: [200]}\n      during: {count: 2, min_ms: 3, max_ms: 5, failed: 2, said: [\"expired: 0 of 5 answered\"]}\n"
        );
    }

    #[test]
    fn recording_again_replaces_the_run_and_keeps_the_order() {
        let runs = with_run(LabRuns::default(), run("process-kill", "confirmed"));
        let runs = with_run(runs, run("network-latency", "confirmed"));
        let runs = with_run(runs, run("process-kill", "refuted"));
        let order: Vec<(&str, &str)> = runs
            .runs
            .iter()
            .map(|r| (r.scenario.as_str(), r.verdict.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("network-latency", "confirmed"),
                ("process-kill", "refuted")
            ]
        );
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let mut odd = run("network-latency", "confirmed");
        odd.versions
            .insert("a: \"tricky\" # name".into(), "1.0\n- x".into());
        let runs = with_run(LabRuns::default(), odd);
        let text = to_yaml(&runs);
        let value = crate::catalog::yaml::parse_single(&text).unwrap().value;
        let back: LabRuns = serde_json::from_value(value).unwrap();
        let mut expected = runs.runs[0].clone();
        expected.seconds = 41.0;
        assert_eq!(back.runs, [expected]);
    }
}
