//! Checks that need the whole catalog: unique ids, references between
//! items, formats, parameters, and every manifest rendered and validated.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::catalog::manifest::{self, Placement};
use crate::catalog::memo::Memo;
use crate::catalog::model::{Kind, LabRunner, ParamType, Parameter, Scenario, Tool, VerifiedBy};
use crate::catalog::template::{self, parse_duration_ms};
use crate::catalog::yaml::{LineIndex, Span};
use crate::catalog::{load, Catalog, Entry, Manifest};
use crate::config::Config;
use crate::diagnostics::{did_you_mean, Diagnostic, Report, Sources};

/// Sorts items by id and reports duplicate ids and ids that do not match
/// their file name; then checks every reference.
pub fn cross_references(catalog: &mut Catalog, report: &mut Report) {
    dedup_ids(&mut catalog.tools, "tool", |t| &t.id, report);
    dedup_ids(&mut catalog.scenarios, "scenario", |s| &s.id, report);
    dedup_ids(&mut catalog.practices, "practice", |p| &p.id, report);

    let tool_ids: Vec<&str> = catalog.tools.iter().map(|t| t.item.id.as_str()).collect();
    let scenario_ids: Vec<&str> = catalog
        .scenarios
        .iter()
        .map(|t| t.item.id.as_str())
        .collect();
    let practice_ids: Vec<&str> = catalog
        .practices
        .iter()
        .map(|t| t.item.id.as_str())
        .collect();
    let format_names: Vec<&str> = catalog.formats.names().collect();

    for tool in &catalog.tools {
        for (i, f) in tool.item.formats.iter().enumerate() {
            if catalog.formats.get(f).is_none() {
                report.push(unknown(
                    &tool.file,
                    tool.doc().locate(&format!("/formats/{i}")),
                    "format",
                    f,
                    &format_names,
                    "add its schema as catalog/schema/formats/<name>.schema.json",
                ));
            }
        }
        check_tool_extras(tool, report);
    }

    for practice in &catalog.practices {
        for (i, s) in practice.item.scenarios.iter().enumerate() {
            if !scenario_ids.contains(&s.as_str()) {
                report.push(unknown(
                    &practice.file,
                    practice.doc().locate(&format!("/scenarios/{i}")),
                    "scenario",
                    s,
                    &scenario_ids,
                    "list only scenarios of catalog/scenarios/",
                ));
            }
        }
    }

    // (scenario id, implementation index, text) of each `reason_ref`.
    let mut resolved: Vec<(String, usize, String)> = Vec::new();
    for entry in &catalog.scenarios {
        let s = &entry.item;
        let at = |p: String| entry.doc().locate(&p);
        for (i, p) in s.practices.iter().enumerate() {
            if !practice_ids.contains(&p.as_str()) {
                report.push(unknown(
                    &entry.file,
                    at(format!("/practices/{i}")),
                    "practice",
                    p,
                    &practice_ids,
                    "list only practices of catalog/practices/",
                ));
            }
        }
        for (i, r) in s.related.iter().enumerate() {
            if r == &s.id {
                report.push(
                    Diagnostic::error(
                        "unknown-reference",
                        &entry.file,
                        at(format!("/related/{i}")),
                        "a scenario cannot be related to itself",
                    )
                    .with_help("remove this entry"),
                );
            } else if !scenario_ids.contains(&r.as_str()) {
                report.push(unknown(
                    &entry.file,
                    at(format!("/related/{i}")),
                    "scenario",
                    r,
                    &scenario_ids,
                    "list only scenarios of catalog/scenarios/",
                ));
            }
        }
        check_parameters(entry, report);
        check_lab(entry, report);

        // The lab's experiments are implementations too, checked by the
        // same rules; each list has its own entry per tool.
        let lab = s.lab.as_ref().map_or(&[][..], |l| &l.implementations[..]);
        let lists = [
            ("/implementations", &s.implementations[..]),
            ("/lab/implementations", lab),
        ];
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (list, i, imp) in lists
            .iter()
            .flat_map(|(list, imps)| imps.iter().enumerate().map(move |(i, imp)| (*list, i, imp)))
        {
            let base = format!("{list}/{i}");
            let Some(tool) = catalog.tool(&imp.tool) else {
                report.push(unknown(
                    &entry.file,
                    at(format!("{base}/tool")),
                    "tool",
                    &imp.tool,
                    &tool_ids,
                    "add the tool to catalog/tools/ first",
                ));
                continue;
            };
            if let Some(first) = seen.insert((list, imp.tool.as_str()), i) {
                report.push(
                    Diagnostic::error("duplicate-implementation", &entry.file, at(format!("{base}/tool")), format!("a second implementation for `{}`", imp.tool))
                        .with_related(&entry.file, at(format!("{list}/{first}/tool")), "first one here")
                        .with_help("keep one implementation per tool; put variants in its notes or a separate scenario"),
                );
            }
            if let Some(id) = &imp.reason_ref {
                match tool.item.unsupported_reasons.iter().find(|r| &r.id == id) {
                    Some(shared) => resolved.push((s.id.clone(), i, shared.reason.clone())),
                    None => {
                        let known: Vec<&str> = tool
                            .item
                            .unsupported_reasons
                            .iter()
                            .map(|r| r.id.as_str())
                            .collect();
                        report.push(
                            unknown(
                                &entry.file,
                                at(format!("{base}/reason_ref")),
                                "shared reason",
                                id,
                                &known,
                                &format!(
                                    "add it to `unsupported_reasons` in {}, or write a `reason` here",
                                    tool.file.display()
                                ),
                            )
                            .with_related(
                                &tool.file,
                                tool.doc().locate_key("/unsupported_reasons"),
                                "the tool's shared reasons",
                            ),
                        );
                    }
                }
            }
            if imp
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with(crate::scaffold::PLACEHOLDER_REASON))
            {
                report.push(
                    Diagnostic::warning(
                        "placeholder",
                        &entry.file,
                        at(format!("{base}/reason")),
                        format!(
                            "the entry for `{}` is still the placeholder `chaosbook new` wrote",
                            imp.tool
                        ),
                    )
                    .with_help(
                        "write the implementation, or the real reason this tool cannot do it",
                    ),
                );
            }
            if let Some(format) = &imp.format {
                if !tool.item.formats.contains(format) {
                    let declared: Vec<&str> =
                        tool.item.formats.iter().map(String::as_str).collect();
                    let mut d = Diagnostic::error(
                        "format-not-declared",
                        &entry.file,
                        at(format!("{base}/format")),
                        format!("tool `{}` does not declare the format `{format}`", imp.tool),
                    )
                    .with_related(
                        &tool.file,
                        tool.doc().locate("/formats"),
                        "formats the tool declares",
                    );
                    d = match did_you_mean(format, declared.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("use one of: {}", declared.join(", "))),
                    };
                    report.push(d);
                }
            }
            if let Some(via) = &imp.via {
                check_via(entry, &base, &imp.tool, via, &tool_ids, report);
            }
            if let Some(v) = imp.verified.as_ref().and_then(|v| v.version.as_deref()) {
                let cur = tool.item.current_version.as_str();
                if minor_release_behind(v, cur) {
                    report.push(
                        Diagnostic::warning("outdated-verification", &entry.file, at(format!("{base}/verified/version")), format!("verified with {} {v}, but its current version is {cur}", tool.item.name))
                            .with_help("re-check the manifest against the current version and update `verified` (version, by, date)"),
                    );
                }
            }
        }
        // A tool whose id is not its file's name is reported there once;
        // asking every scenario for an entry under the mistaken id would
        // repeat that one mistake in every file.
        let missing: Vec<&str> = catalog
            .tools
            .iter()
            .filter(|t| t.file.file_stem().is_some_and(|s| *s == *t.item.id))
            .map(|t| t.item.id.as_str())
            .filter(|t| !seen.contains_key(&("/implementations", *t)))
            .collect();
        if !missing.is_empty() {
            report.push(
                Diagnostic::warning("missing-tool", &entry.file, entry.doc().locate_key("/implementations"), format!("no entry for: {}", missing.join(", ")))
                    .with_help("give every tool of the landscape an implementation, or an honest `support: unsupported` entry with a `reason`"),
            );
        }
    }
    for (scenario, i, text) in resolved {
        if let Some(entry) = catalog.scenarios.iter_mut().find(|e| e.item.id == scenario) {
            entry.item.implementations[i].reason = Some(text);
        }
    }
    check_lab_runs(catalog, report);
}

/// The recorded lab runs name lab experiments of the catalog, once each;
/// and a lab experiment that claims `verified: {by: execution}` has a
/// recorded run with that version of the tool, so the claim and the
/// evidence on its page agree.
fn check_lab_runs(catalog: &Catalog, report: &mut Report) {
    const RECORD: &str = "run `chaosbook lab run SCENARIO --record` to record the run again";
    if let Some(runs) = &catalog.lab_runs {
        let scenario_ids = catalog.lab_scenario_ids();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, run) in runs.item.runs.iter().enumerate() {
            let at = |field: &str| runs.doc().locate(&format!("/runs/{i}/{field}"));
            let Some(lab) = catalog
                .scenario(&run.scenario)
                .and_then(|e| e.item.lab.as_ref())
            else {
                report.push(unknown(
                    &runs.file,
                    at("scenario"),
                    "lab scenario",
                    &run.scenario,
                    &scenario_ids,
                    "remove this run: its scenario has no lab block",
                ));
                continue;
            };
            if !lab.implementations.iter().any(|imp| imp.tool == run.tool) {
                let tools: Vec<&str> = lab
                    .implementations
                    .iter()
                    .map(|imp| imp.tool.as_str())
                    .collect();
                report.push(unknown(
                    &runs.file,
                    at("tool"),
                    "lab tool",
                    &run.tool,
                    &tools,
                    "remove this run: the scenario's lab block has no implementation for this tool",
                ));
                continue;
            }
            if let Some(first) = seen.insert((&run.scenario, &run.tool), i) {
                report.push(
                    Diagnostic::error(
                        "duplicate-lab-run",
                        &runs.file,
                        at("scenario"),
                        format!(
                            "a second run of the lab experiment of `{}` with `{}`",
                            run.scenario, run.tool
                        ),
                    )
                    .with_related(
                        &runs.file,
                        runs.doc().locate(&format!("/runs/{first}/scenario")),
                        "the first one",
                    )
                    .with_help(format!("keep one run per experiment; {RECORD}")),
                );
            }
        }
    }
    for entry in &catalog.scenarios {
        let Some(lab) = &entry.item.lab else { continue };
        for (i, imp) in lab.implementations.iter().enumerate() {
            let Some(verified) = imp
                .verified
                .as_ref()
                .filter(|v| v.by == VerifiedBy::Execution)
            else {
                continue;
            };
            let at = |field: &str| {
                entry
                    .doc()
                    .locate(&format!("/lab/implementations/{i}/verified{field}"))
            };
            match catalog.lab_run(&entry.item.id, &imp.tool) {
                None => report.push(
                    Diagnostic::error("lab-evidence", &entry.file, at(""), format!("the lab experiment of {} claims it ran, but the catalog's {} records no run of it", imp.tool, super::LAB_RUNS_FILE))
                        .with_help(format!("run `chaosbook lab run {} --tool {} --record`, or verify it by `validator` instead", entry.item.id, imp.tool)),
                ),
                Some(run) if verified.version.as_deref() != Some(run.tool_version.as_str()) => report.push(
                    Diagnostic::error("lab-evidence", &entry.file, at("/version"), format!("the lab experiment claims it ran with {} {}, but the recorded run used {}", imp.tool, verified.version.as_deref().unwrap_or("(no version)"), run.tool_version))
                        .with_help(format!("set `version: \"{}\"` (and the run's date), or {RECORD} with that version", run.tool_version)),
                ),
                Some(_) => {}
            }
        }
    }
}

/// `via` names another catalog tool: the one whose injector does the work.
fn check_via(
    entry: &Entry<Scenario>,
    base: &str,
    tool: &str,
    via: &str,
    tool_ids: &[&str],
    report: &mut Report,
) {
    let span = entry.doc().locate(&format!("{base}/via"));
    if via == tool {
        report.push(
            Diagnostic::error(
                "via-own-tool",
                &entry.file,
                span,
                format!("the implementation for `{tool}` names its own tool in `via`"),
            )
            .with_label("the tool that injects must be another catalog tool")
            .with_help(
                "use `support: native` (or `approximation`) when the tool injects the fault itself",
            ),
        );
    } else if !tool_ids.contains(&via) {
        report.push(unknown(
            &entry.file,
            span,
            "tool",
            via,
            tool_ids,
            "name the catalog tool whose injector does the work (a file of catalog/tools/)",
        ));
    }
}

/// A tool's prerequisites use a format it declares, and its shared reasons
/// have distinct ids.
fn check_tool_extras(tool: &Entry<Tool>, report: &mut Report) {
    if let Some(pre) = &tool.item.prerequisites {
        if !tool.item.formats.contains(&pre.format) {
            report.push(
                Diagnostic::error(
                    "format-not-declared",
                    &tool.file,
                    tool.doc().locate("/prerequisites/format"),
                    format!(
                        "tool `{}` does not declare the format `{}`",
                        tool.item.id, pre.format
                    ),
                )
                .with_help(format!("use one of: {}", tool.item.formats.join(", "))),
            );
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, r) in tool.item.unsupported_reasons.iter().enumerate() {
        if let Some(first) = seen.insert(r.id.as_str(), i) {
            report.push(
                Diagnostic::error(
                    "duplicate-id",
                    &tool.file,
                    tool.doc().locate(&format!("/unsupported_reasons/{i}/id")),
                    format!("the shared reason `{}` is already defined", r.id),
                )
                .with_related(
                    &tool.file,
                    tool.doc()
                        .locate(&format!("/unsupported_reasons/{first}/id")),
                    "first defined here",
                )
                .with_help("give each fault family one reason, under one id"),
            );
        }
    }
}

/// Major and minor number of a version such as `v2.8.1` or `3.31.0-rc1`.
fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version
        .trim_start_matches('v')
        .split(['-', '+'])
        .next()?
        .split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        Some(m) => m.parse().ok()?,
        None => 0,
    };
    Some((major, minor))
}

/// Whether `verified` is a minor release or more behind `current` (a patch
/// release rarely changes what a manifest may contain; a minor one can).
/// A `current` that is no version (`managed-service`) is never ahead.
fn minor_release_behind(verified: &str, current: &str) -> bool {
    matches!((major_minor(verified), major_minor(current)), (Some(v), Some(c)) if c > v)
}

pub(crate) fn unknown(
    file: &Path,
    span: Span,
    what: &str,
    id: &str,
    known: &[&str],
    fallback: &str,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "unknown-reference",
        file,
        span,
        format!("unknown {what} `{id}`"),
    )
    .with_label(format!("no {what} has this id"));
    // A lab scenario or tool is a scenario or tool of the catalog.
    if let Some(kind) = Kind::ALL
        .into_iter()
        .find(|k| k.name() == what.trim_start_matches("lab "))
    {
        d = d.referring_to(kind.name(), id);
    }
    match did_you_mean(id, known.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(fallback.to_string()),
    }
}

fn dedup_ids<T>(
    list: &mut Vec<Entry<T>>,
    kind: &str,
    id: impl Fn(&T) -> &String,
    report: &mut Report,
) {
    for e in list.iter() {
        let stem = e.file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != id(&e.item) {
            report.push(
                Diagnostic::error(
                    "id-file-name",
                    &e.file,
                    e.doc().locate("/id"),
                    format!(
                        "the {kind} id `{}` does not match the file name `{stem}`",
                        id(&e.item)
                    ),
                )
                .with_help(format!(
                    "rename the file to {}.yaml, or change the id",
                    id(&e.item)
                )),
            );
        }
    }
    list.sort_by(|a, b| {
        id(&a.item)
            .cmp(id(&b.item))
            .then_with(|| a.file.cmp(&b.file))
    });
    let mut i = 1;
    while i < list.len() {
        if id(&list[i].item) == id(&list[i - 1].item) {
            let dup = list.remove(i);
            let first = &list[i - 1];
            report.push(
                Diagnostic::error(
                    "duplicate-id",
                    &dup.file,
                    dup.doc().locate("/id"),
                    format!("{kind} id `{}` is already used", id(&dup.item)),
                )
                .with_related(&first.file, first.doc().locate("/id"), "first used here")
                .with_help(format!(
                    "ids are unique per kind; rename one of the two {kind}s"
                )),
            );
        } else {
            i += 1;
        }
    }
}

/// A scenario runs in the lab exactly when it lists the `local` target and
/// has a `lab` block; each lab value names a parameter and fits it.
fn check_lab(entry: &Entry<Scenario>, report: &mut Report) {
    let s = &entry.item;
    let local = s.targets.contains(&crate::catalog::model::Target::Local);
    match (&s.lab, local) {
        (Some(_), false) => report.push(
            Diagnostic::error("lab-target", &entry.file, entry.doc().locate("/targets"), "the scenario has a `lab` block but does not list the `local` target")
                .with_help("add `local` to `targets`, or remove the `lab` block"),
        ),
        (None, true) => report.push(
            Diagnostic::error("lab-target", &entry.file, entry.doc().locate("/targets"), "the `local` target needs a `lab` block that says how the lab runs the scenario")
                .with_help("add a `lab` block with its implementations (see catalog/schema/README.md), or remove `local`"),
        ),
        _ => {}
    }
    let Some(lab) = &s.lab else { return };
    for (i, imp) in lab.implementations.iter().enumerate() {
        let at = entry
            .doc()
            .locate(&format!("/lab/implementations/{i}/format"));
        match LabRunner::for_format(imp.format.as_deref().unwrap_or_default()) {
            None => report.push(
                Diagnostic::error("lab-format", &entry.file, at, format!("the lab cannot run an experiment in the `{}` format", imp.format.as_deref().unwrap_or_default()))
                    .with_help(format!("write the lab experiment in a format the lab runs: {}", LabRunner::FORMATS)),
            ),
            Some(LabRunner::Conducted) if lab.steady_state.is_none() => report.push(
                Diagnostic::error("lab-steady-state", &entry.file, at, format!("a `{}` experiment brings no hypothesis of its own, and the lab block has no `steady_state` for the lab to check", imp.format.as_deref().unwrap_or_default()))
                    .with_help("add `steady_state` to the lab block: a title and the shop's addresses that must answer in time (see catalog/schema/README.md)"),
            ),
            Some(_) => {}
        }
    }
    for (key, value) in &lab.values {
        let at = entry.doc().locate(&format!("/lab/values/{key}"));
        match s.parameters.iter().find(|p| &p.name == key) {
            None => {
                let names = s.parameters.iter().map(|p| p.name.as_str());
                let help = match did_you_mean(key, names) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "lab values set the scenario's own parameters; declare it under `parameters` first".to_string(),
                };
                report.push(
                    Diagnostic::error(
                        "unknown-parameter",
                        &entry.file,
                        at,
                        format!("the scenario has no parameter `{key}`"),
                    )
                    .with_help(help),
                );
            }
            Some(p) => {
                if let Err(msg) = check_value(p, value) {
                    report.push(
                        Diagnostic::error(
                            "invalid-value",
                            &entry.file,
                            at,
                            format!("lab value of `{key}`: {msg}"),
                        )
                        .with_help("make the value fit the parameter's type and bounds"),
                    );
                }
            }
        }
    }
}

/// The scenario's parameters with the lab's values in place of the
/// defaults: what a lab manifest is checked and run with.
pub fn lab_values(scenario: &Scenario) -> template::ParamValues {
    let mut values = template::defaults(&scenario.parameters);
    if let Some(lab) = &scenario.lab {
        for (key, value) in &lab.values {
            if let Some(v) = values.get_mut(key) {
                v.value = value.clone();
            }
        }
    }
    values
}

/// Parameter names are unique and defaults fit their declared type.
fn check_parameters(entry: &Entry<Scenario>, report: &mut Report) {
    let mut names = HashMap::new();
    for (i, p) in entry.item.parameters.iter().enumerate() {
        let base = format!("/parameters/{i}");
        if let Some(first) = names.insert(p.name.as_str(), i) {
            report.push(
                Diagnostic::error(
                    "duplicate-parameter",
                    &entry.file,
                    entry.doc().locate(&format!("{base}/name")),
                    format!("parameter `{}` is declared twice", p.name),
                )
                .with_related(
                    &entry.file,
                    entry.doc().locate(&format!("/parameters/{first}/name")),
                    "first declared here",
                )
                .with_help("rename or remove one of them"),
            );
        }
        if let Err(msg) = check_value(p, &p.default) {
            report.push(
                Diagnostic::error(
                    "invalid-default",
                    &entry.file,
                    entry.doc().locate(&format!("{base}/default")),
                    msg,
                )
                .with_help("make the default fit the parameter's type and bounds"),
            );
        }
    }
}

/// Whether `value` is allowed for parameter `p`; used for defaults and for
/// values given on the command line.
pub fn check_value(p: &Parameter, value: &Value) -> Result<(), String> {
    match p.kind {
        ParamType::Duration => {
            let s = value
                .as_str()
                .ok_or("a duration is written as a string such as 30s")?;
            let ms = parse_duration_ms(s).ok_or_else(|| {
                format!("`{s}` is not a duration (write 30s, 5m, 1h30m or 500ms)")
            })?;
            let bound = |b: &Option<Value>| {
                b.as_ref()
                    .and_then(Value::as_str)
                    .and_then(parse_duration_ms)
            };
            if let Some(min) = bound(&p.minimum) {
                if ms < min {
                    return Err(format!(
                        "`{s}` is shorter than the minimum {}",
                        p.minimum.as_ref().unwrap()
                    ));
                }
            }
            if let Some(max) = bound(&p.maximum) {
                if ms > max {
                    return Err(format!(
                        "`{s}` is longer than the maximum {}",
                        p.maximum.as_ref().unwrap()
                    ));
                }
            }
        }
        ParamType::Integer | ParamType::Number => {
            let n = value.as_f64().ok_or("expected a number")?;
            if p.kind == ParamType::Integer && !value.is_i64() && !value.is_u64() {
                return Err("expected a whole number".into());
            }
            if let Some(min) = p.minimum.as_ref().and_then(Value::as_f64) {
                if n < min {
                    return Err(format!("{n} is below the minimum {min}"));
                }
            }
            if let Some(max) = p.maximum.as_ref().and_then(Value::as_f64) {
                if n > max {
                    return Err(format!("{n} is above the maximum {max}"));
                }
            }
        }
        ParamType::Boolean => {
            value.as_bool().ok_or("expected true or false")?;
        }
        ParamType::Enum => {
            let s = value.as_str().ok_or("expected one of the listed values")?;
            let values = p.values.as_deref().unwrap_or_default();
            if !values.iter().any(|v| v == s) {
                return Err(format!("`{s}` is not one of: {}", values.join(", ")));
            }
        }
        ParamType::String => {
            let s = value.as_str().ok_or("expected a string")?;
            if let Some(pattern) = &p.pattern {
                let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                    format!("the parameter's pattern is not a valid regular expression: {e}")
                })?;
                if !re.is_match(s) {
                    return Err(format!("`{s}` does not match the pattern `{pattern}`"));
                }
            }
        }
    }
    Ok(())
}

/// Renders every supported implementation's manifest with the scenario's
/// defaults and validates it against its format; a manifest its format
/// accepted in the `previous` reading is not validated again, and `memo`
/// keeps those it accepts now.
pub fn manifests(
    catalog: &mut Catalog,
    config: &Config,
    previous: &Memo,
    memo: &mut Memo,
    report: &mut Report,
) {
    let root = &config.root;
    // The bool marks a lab manifest; the last list holds the manifests their
    // format accepted: (format file, rendered manifest).
    type Out = (
        Vec<Diagnostic>,
        Vec<((String, String), Manifest, bool)>,
        Sources,
        Vec<(PathBuf, Arc<str>)>,
    );
    let results: Vec<Out> = catalog
        .scenarios
        .par_iter()
        .map(|entry| {
            let mut diags = Vec::new();
            let mut found = Vec::new();
            let mut sources = Sources::default();
            let mut accepted = Vec::new();
            let scenario_source = entry.source();
            let defaults = template::defaults(&entry.item.parameters);
            let lab_values = lab_values(&entry.item);
            let lab = entry.item.lab.as_ref();
            let lab = lab.map_or(&[][..], |l| &l.implementations[..]);
            let lists = [
                (
                    "/implementations",
                    &entry.item.implementations[..],
                    &defaults,
                ),
                ("/lab/implementations", lab, &lab_values),
            ];
            for (list, i, imp, values) in lists.iter().flat_map(|(list, imps, values)| {
                imps.iter()
                    .enumerate()
                    .map(move |(i, imp)| (*list, i, imp, *values))
            }) {
                let (Some(format_name), true) = (imp.format.as_deref(), imp.is_supported()) else {
                    continue;
                };
                let Some(format) = catalog.formats.get(format_name) else {
                    let names: Vec<&str> = catalog.formats.names().collect();
                    diags.push(unknown(
                        &entry.file,
                        entry.doc().locate(&format!("{list}/{i}/format")),
                        "format",
                        format_name,
                        &names,
                        "add its schema under catalog/schema/formats/",
                    ));
                    continue;
                };
                let base = format!("{list}/{i}");
                let (template_text, file, source, placement): (
                    String,
                    PathBuf,
                    Cow<str>,
                    Option<Placement>,
                ) = if let Some(text) = &imp.manifest {
                    (
                        text.clone(),
                        entry.file.clone(),
                        Cow::Borrowed(scenario_source),
                        None,
                    )
                } else if let Some(written) = &imp.manifest_file {
                    let scenario_abs = root.join(&entry.file);
                    match load::resolve_manifest_path(config, &scenario_abs, written) {
                        Ok((rel, abs)) => {
                            match load::read_text(
                                &config.root,
                                &abs,
                                &rel,
                                config.settings.max_file_size,
                            ) {
                                Ok(text) => {
                                    sources.insert(rel.clone(), text.clone());
                                    (text.clone(), rel, Cow::Owned(text), Some(Placement::File))
                                }
                                Err(d) => {
                                    diags.push(*d);
                                    continue;
                                }
                            }
                        }
                        Err((code, msg, help)) => {
                            diags.push(
                                Diagnostic::error(
                                    code,
                                    &entry.file,
                                    entry.doc().locate(&format!("{base}/manifest_file")),
                                    msg,
                                )
                                .with_help(help),
                            );
                            continue;
                        }
                    }
                } else {
                    continue;
                };
                // Where the manifest stands in its file: only needed to place
                // a diagnostic, so only worked out when there is one.
                let placement = || {
                    placement.unwrap_or_else(|| {
                        let node = entry.doc().node(&format!("{base}/manifest")).copied();
                        node.map_or(Placement::Scalar(entry.doc().locate(&base)), |n| {
                            Placement::of_scalar(scenario_source, &n)
                        })
                    })
                };
                let rendered: Arc<str> = match template::render(&template_text, values) {
                    Ok(r) => r.into(),
                    Err(errors) => {
                        let index = LineIndex::new(&source);
                        let tindex = LineIndex::new(&template_text);
                        for e in errors {
                            let span = placement().map(tindex.span(e.start, e.end), &index);
                            diags.push(
                                Diagnostic::error(e.code, &file, span, e.message).with_help(e.help),
                            );
                        }
                        continue;
                    }
                };
                if previous.accepted(format, &rendered) || manifest::quick_valid(format, &rendered)
                {
                    accepted.push((format.file.clone(), rendered.clone()));
                } else {
                    diags.extend(manifest::check(
                        format,
                        &rendered,
                        &file,
                        &source,
                        placement(),
                    ));
                }
                found.push((
                    (entry.item.id.clone(), imp.tool.clone()),
                    Manifest {
                        tool: imp.tool.clone(),
                        format: format_name.to_string(),
                        template: template_text,
                        file,
                        rendered,
                    },
                    list != "/implementations",
                ));
            }
            (diags, found, sources, accepted)
        })
        .collect();
    let mut all = BTreeMap::new();
    let mut lab = BTreeMap::new();
    let mut accepted = Vec::new();
    for (diags, found, sources, formats_accepted) in results {
        report.diagnostics.extend(diags);
        report.sources.extend(sources);
        accepted.extend(formats_accepted);
        for (key, manifest, is_lab) in found {
            if is_lab {
                lab.insert(key, manifest)
            } else {
                all.insert(key, manifest)
            };
        }
    }
    memo.keep_accepted(accepted);
    catalog.manifests = all;
    catalog.lab_manifests = lab;
    catalog.prerequisites = prerequisites(catalog, report);
}

/// Renders each tool's prerequisites with their parameters' defaults and
/// validates them against their format, like an implementation's manifest.
fn prerequisites(catalog: &Catalog, report: &mut Report) -> BTreeMap<String, Manifest> {
    let mut out = BTreeMap::new();
    for tool in &catalog.tools {
        let Some(pre) = &tool.item.prerequisites else {
            continue;
        };
        let Some(format) = catalog.formats.get(&pre.format) else {
            continue; // reported by cross_references
        };
        let mut valid = true;
        for (i, p) in pre.parameters.iter().enumerate() {
            if let Err(msg) = check_value(p, &p.default) {
                valid = false;
                report.push(
                    Diagnostic::error(
                        "invalid-default",
                        &tool.file,
                        tool.doc()
                            .locate(&format!("/prerequisites/parameters/{i}/default")),
                        msg,
                    )
                    .with_help("make the default fit the parameter's type and bounds"),
                );
            }
        }
        if !valid {
            continue;
        }
        let source = tool.source();
        let placement = || {
            let node = tool.doc().node("/prerequisites/manifest").copied();
            node.map_or(
                Placement::Scalar(tool.doc().locate("/prerequisites")),
                |n| Placement::of_scalar(source, &n),
            )
        };
        let values = template::defaults(&pre.parameters);
        match template::render(&pre.manifest, &values) {
            Ok(rendered) => {
                if !manifest::quick_valid(format, &rendered) {
                    report.diagnostics.extend(manifest::check(
                        format,
                        &rendered,
                        &tool.file,
                        source,
                        placement(),
                    ));
                }
                out.insert(
                    tool.item.id.clone(),
                    Manifest {
                        tool: tool.item.id.clone(),
                        format: pre.format.clone(),
                        template: pre.manifest.clone(),
                        file: tool.file.clone(),
                        rendered: rendered.into(),
                    },
                );
            }
            Err(errors) => {
                let index = LineIndex::new(source);
                let tindex = LineIndex::new(&pre.manifest);
                for e in errors {
                    let span = placement().map(tindex.span(e.start, e.end), &index);
                    report.push(
                        Diagnostic::error(e.code, &tool.file, span, e.message).with_help(e.help),
                    );
                }
            }
        }
    }
    out
}

/// Each tool's share of first tabs across the catalog, in percent, by tool id.
pub fn first_tab_shares(catalog: &Catalog) -> Vec<(String, usize, f64)> {
    let mut counts: BTreeMap<String, usize> = catalog
        .tools
        .iter()
        .map(|t| (t.item.id.clone(), 0))
        .collect();
    let mut total = 0;
    for s in &catalog.scenarios {
        if let Some(first) = catalog.tab_order(&s.item).first() {
            *counts.entry(first.tool.clone()).or_default() += 1;
            total += 1;
        }
    }
    counts
        .into_iter()
        .map(|(id, n)| {
            (
                id,
                n,
                if total == 0 {
                    0.0
                } else {
                    100.0 * n as f64 / total as f64
                },
            )
        })
        .collect()
}

/// The catalog-wide checks on the fixture project, each broken in one way;
/// positions are the fixture's lines and columns, counted by hand.
#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::{major_minor, minor_release_behind};
    use crate::diagnostics::{Diagnostic, Severity};
    use crate::testing::fixture_project;

    const SCENARIO: &str = "catalog/scenarios/network/demo-latency.yaml";
    const TOOL: &str = "catalog/tools/demo-tool.yaml";

    fn edit(root: &Path, rel: &str, from: &str, to: &str) {
        let path = root.join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn diagnostics(root: &Path) -> Vec<Diagnostic> {
        crate::check(root).1.diagnostics
    }

    /// The diagnostics with `code`, as (severity, file, line, column).
    fn found(root: &Path, code: &str) -> Vec<(Severity, String, usize, usize)> {
        diagnostics(root)
            .iter()
            .filter(|d| d.code == code)
            .map(|d| (d.severity, d.file_display(), d.span.line, d.span.column))
            .collect()
    }

    fn message(root: &Path, code: &str) -> String {
        diagnostics(root)
            .into_iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code}"))
            .message
    }

    /// A `reason_ref` is replaced by its tool's shared reason on that very
    /// implementation (what pages and exports show), and only there.
    #[test]
    fn a_shared_reason_lands_on_the_implementation_that_refers_to_it() {
        let (catalog, report) = crate::check(crate::testing::project_root());
        assert!(!report.has_errors());
        let drain = &catalog.scenario("node-drain").unwrap().item;
        let toxiproxy = drain
            .implementations
            .iter()
            .find(|i| i.tool == "toxiproxy")
            .unwrap();
        assert_eq!(toxiproxy.reason_ref.as_deref(), Some("outside-connection"));
        let reason = toxiproxy.reason.as_deref().unwrap_or_default();
        assert!(
            reason.starts_with("Toxiproxy only acts on the TCP connections that clients open"),
            "{reason:?}"
        );
        // Every unsupported entry of the catalog has its reason, its own.
        for s in &catalog.scenarios {
            for imp in &s.item.implementations {
                if imp.support == crate::catalog::model::Support::Unsupported {
                    assert!(imp.reason.is_some(), "{} {}", s.item.id, imp.tool);
                }
            }
        }
    }

    /// The fixture as written trips none of the checks below.
    #[test]
    fn the_fixture_has_no_findings() {
        let p = fixture_project();
        for code in [
            "outdated-verification",
            "missing-tool",
            "id-file-name",
            "category-folder",
            "duplicate-implementation",
            "invalid-default",
            "stray-file",
        ] {
            assert_eq!(found(p.path(), code), vec![], "{code}");
        }
        assert!(!crate::check(p.path()).1.has_errors());
    }

    #[test]
    fn outdated_verification_warns_on_an_older_minor_version_only() {
        let p = fixture_project();
        let root = p.path();
        edit(
            root,
            TOOL,
            "current_version: \"2.1.0\"",
            "current_version: \"2.1.9\"",
        );
        assert_eq!(found(root, "outdated-verification"), vec![]);
        edit(
            root,
            TOOL,
            "current_version: \"2.1.9\"",
            "current_version: \"v3.0\"",
        );
        assert_eq!(
            found(root, "outdated-verification"),
            vec![(Severity::Warning, SCENARIO.to_string(), 42, 25)]
        );
        assert_eq!(
            message(root, "outdated-verification"),
            "verified with Demo Tool 2.1.0, but its current version is v3.0"
        );
        // Verified against a newer version than the tool's current one.
        edit(
            root,
            TOOL,
            "current_version: \"v3.0\"",
            "current_version: \"1.0.0\"",
        );
        assert_eq!(found(root, "outdated-verification"), vec![]);
        // Versions without a number are not compared.
        edit(
            root,
            TOOL,
            "current_version: \"1.0.0\"",
            "current_version: managed-service",
        );
        assert_eq!(found(root, "outdated-verification"), vec![]);
    }

    #[test]
    fn missing_tool_names_every_tool_without_an_entry() {
        let p = fixture_project();
        let root = p.path();
        let path = root.join(SCENARIO);
        let text = fs::read_to_string(&path).unwrap();
        let cut = text.find("  - tool: other-tool").unwrap();
        fs::write(&path, &text[..cut]).unwrap();
        fs::write(
            root.join("catalog/tools/third-tool.yaml"),
            fs::read_to_string(root.join("catalog/tools/other-tool.yaml"))
                .unwrap()
                .replace("id: other-tool", "id: third-tool"),
        )
        .unwrap();
        assert_eq!(
            found(root, "missing-tool"),
            vec![(Severity::Warning, SCENARIO.to_string(), 37, 1)]
        );
        assert_eq!(
            message(root, "missing-tool"),
            "no entry for: other-tool, third-tool"
        );
    }

    #[test]
    fn id_file_name_is_an_error_at_the_id() {
        let p = fixture_project();
        let root = p.path();
        fs::rename(
            root.join("catalog/practices/demo-practice.yaml"),
            root.join("catalog/practices/demo-practices.yaml"),
        )
        .unwrap();
        assert_eq!(
            found(root, "id-file-name"),
            vec![(
                Severity::Error,
                "catalog/practices/demo-practices.yaml".to_string(),
                1,
                5
            )]
        );
        assert_eq!(
            message(root, "id-file-name"),
            "the practice id `demo-practice` does not match the file name `demo-practices`"
        );
    }

    #[test]
    fn category_folder_is_an_error_at_the_category() {
        let p = fixture_project();
        let root = p.path();
        fs::create_dir_all(root.join("catalog/scenarios/resource")).unwrap();
        fs::rename(
            root.join(SCENARIO),
            root.join("catalog/scenarios/resource/demo-latency.yaml"),
        )
        .unwrap();
        assert_eq!(
            found(root, "category-folder"),
            vec![(
                Severity::Error,
                "catalog/scenarios/resource/demo-latency.yaml".to_string(),
                4,
                11
            )]
        );
        assert_eq!(
            message(root, "category-folder"),
            "category `network` does not match the folder `resource` the file is in"
        );
    }

    #[test]
    fn duplicate_implementation_points_at_both_entries() {
        let p = fixture_project();
        let root = p.path();
        let path = root.join(SCENARIO);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str("  - tool: other-tool\n    support: unsupported\n    reason: A second entry for the same tool.\n");
        fs::write(&path, text).unwrap();
        let d: Vec<Diagnostic> = diagnostics(root)
            .into_iter()
            .filter(|d| d.code == "duplicate-implementation")
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].severity, d[0].span.line, d[0].span.column),
            (Severity::Error, 63, 11)
        );
        assert_eq!(d[0].message, "a second implementation for `other-tool`");
        assert_eq!(
            (d[0].related[0].span.line, d[0].related[0].span.column),
            (60, 11)
        );
    }

    #[test]
    fn invalid_defaults_are_errors_at_the_default() {
        let p = fixture_project();
        let root = p.path();
        edit(root, SCENARIO, "    default: 100\n", "    default: 0\n");
        edit(root, SCENARIO, "    default: 2m\n", "    default: 5x\n");
        assert_eq!(
            found(root, "invalid-default"),
            vec![
                (Severity::Error, SCENARIO.to_string(), 24, 14),
                (Severity::Error, SCENARIO.to_string(), 29, 14)
            ]
        );
        let messages: Vec<String> = diagnostics(root)
            .into_iter()
            .filter(|d| d.code == "invalid-default")
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "0 is below the minimum 1",
                "`5x` is not a duration (write 30s, 5m, 1h30m or 500ms)"
            ]
        );
    }

    #[test]
    fn stray_files_warn_and_other_files_are_ignored() {
        let p = fixture_project();
        let root = p.path();
        for (rel, text) in [
            ("catalog/misc/x.yaml", "id: x\n"),
            ("catalog/scenarios/loose.yml", "id: loose\n"),
            ("catalog/tools/README.md", "# Tools\n"),
            ("catalog/tools/.hidden.yaml", "id: hidden\n"),
        ] {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let mut stray: Vec<(Severity, String)> = diagnostics(root)
            .into_iter()
            .filter(|d| d.code == "stray-file")
            .map(|d| (d.severity, d.file_display()))
            .collect();
        stray.sort();
        assert_eq!(
            stray,
            [
                (Severity::Warning, "catalog/misc/x.yaml".to_string()),
                (Severity::Warning, "catalog/scenarios/loose.yml".to_string())
            ]
        );
        assert!(!crate::check(root).1.has_errors());
    }

    /// The fixture's scenario with a lab experiment (a Toxiproxy script,
    /// with the lab's steady state) that claims it ran with demo-tool
    /// 2.1.0, and `runs` as the recorded lab runs.
    fn with_lab(root: &Path, runs: &str) {
        edit(
            root,
            SCENARIO,
            "targets: [kubernetes]",
            "targets: [kubernetes, local]",
        );
        edit(
            root,
            "catalog/tools/demo-tool.yaml",
            "formats: [chaos-mesh, shell]",
            "formats: [chaos-mesh, shell, toxiproxy]",
        );
        let path = root.join(SCENARIO);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(concat!(
            "lab:\n",
            "  values: {latency_ms: 5}\n",
            "  steady_state:\n",
            "    title: checkout answers within a second\n",
            "    probes: [{url: \"http://127.0.0.1:18080/checkout\", within: 1s}]\n",
            "  implementations:\n",
            "    - tool: demo-tool\n",
            "      support: native\n",
            "      format: toxiproxy\n",
            "      docs: https://demo.example.org/docs/lab\n",
            "      verified: {version: \"2.1.0\", by: execution, date: 2026-12-01}\n",
            "      manifest: |\n",
            "        #!/bin/sh\n",
            "        curl -sSf --data '{\"type\": \"latency\", \"attributes\": {\"latency\": {{ latency_ms }}}}' http://127.0.0.1:8474/proxies/prices/toxics\n",
        ));
        fs::write(&path, text).unwrap();
        fs::write(root.join("catalog/lab-runs.yaml"), runs).unwrap();
    }

    #[test]
    fn a_lab_script_needs_the_labs_steady_state_and_a_format_the_lab_runs() {
        let format_line = |root: &Path| {
            fs::read_to_string(root.join(SCENARIO))
                .unwrap()
                .lines()
                .collect::<Vec<_>>()
                .iter()
                .rposition(|l| l.contains("format: "))
                .unwrap()
                + 1
        };
        for (from, to, code, text) in [
            (
                "  steady_state:\n    title: checkout answers within a second\n    probes: [{url: \"http://127.0.0.1:18080/checkout\", within: 1s}]\n",
                "",
                "lab-steady-state",
                "a `toxiproxy` experiment brings no hypothesis of its own, and the lab block has no `steady_state` for the lab to check",
            ),
            (
                "      format: toxiproxy\n",
                "      format: shell\n",
                "lab-format",
                "the lab cannot run an experiment in the `shell` format",
            ),
        ] {
            let dir = fixture_project();
            with_lab(dir.path(), &format!("runs:\n{RUN}"));
            edit(dir.path(), SCENARIO, from, to);
            let at = format_line(dir.path());
            assert_eq!(
                found(dir.path(), code),
                [(Severity::Error, SCENARIO.to_string(), at, 15)]
            );
            assert_eq!(message(dir.path(), code), text);
        }
    }

    const RUN: &str = "  - {scenario: demo-latency, tool: demo-tool, date: \"2026-12-01\", tool_version: \"2.1.0\", verdict: confirmed, seconds: 3.5, probes: {}}\n";

    #[test]
    fn a_recorded_lab_run_backs_the_execution_claim() {
        let dir = fixture_project();
        with_lab(dir.path(), &format!("runs:\n{RUN}"));
        let errors: Vec<String> = diagnostics(dir.path())
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn an_execution_claim_without_a_recorded_run_is_an_error_at_the_claim() {
        let dir = fixture_project();
        with_lab(dir.path(), "runs: []\n");
        let expected_line = fs::read_to_string(dir.path().join(SCENARIO))
            .unwrap()
            .lines()
            .position(|l| l.contains("by: execution"))
            .unwrap()
            + 1;
        assert_eq!(
            found(dir.path(), "lab-evidence"),
            [(Severity::Error, SCENARIO.to_string(), expected_line, 17)]
        );
        assert_eq!(
            message(dir.path(), "lab-evidence"),
            "the lab experiment of demo-tool claims it ran, but the catalog's lab-runs.yaml records no run of it"
        );
    }

    #[test]
    fn a_claimed_version_that_did_not_run_is_an_error_at_the_version() {
        let dir = fixture_project();
        with_lab(
            dir.path(),
            &format!("runs:\n{}", RUN.replace("\"2.1.0\"", "\"2.0.9\"")),
        );
        assert_eq!(
            message(dir.path(), "lab-evidence"),
            "the lab experiment claims it ran with demo-tool 2.1.0, but the recorded run used 2.0.9"
        );
    }

    #[test]
    fn runs_of_unknown_or_repeated_experiments_are_errors_in_the_runs_file() {
        let dir = fixture_project();
        let runs = format!(
            "runs:\n{RUN}{}{}{RUN}",
            RUN.replace("scenario: demo-latency", "scenario: demo-latncy"),
            RUN.replace("tool: demo-tool", "tool: other-tool"),
        );
        with_lab(dir.path(), &runs);
        let file = "catalog/lab-runs.yaml".to_string();
        let mut refs = found(dir.path(), "unknown-reference");
        refs.retain(|(_, f, _, _)| *f == file);
        assert_eq!(
            refs,
            [
                (Severity::Error, file.clone(), 3, 16),
                (Severity::Error, file.clone(), 4, 36),
            ]
        );
        assert_eq!(
            found(dir.path(), "duplicate-lab-run"),
            [(Severity::Error, file, 5, 16)]
        );
    }

    #[test]
    fn a_runs_file_that_breaks_its_schema_is_located() {
        let dir = fixture_project();
        with_lab(
            dir.path(),
            &format!(
                "runs:\n{}",
                RUN.replace("verdict: confirmed", "verdict: passed")
            ),
        );
        assert_eq!(
            found(dir.path(), "invalid-value"),
            [(Severity::Error, "catalog/lab-runs.yaml".to_string(), 2, 99)]
        );
        assert_eq!(
            message(dir.path(), "invalid-value"),
            "\"passed\" is not an allowed value"
        );
    }

    /// The `local` target and the `lab` block come together: either one
    /// alone is an error at `targets`, with the message that says which.
    #[test]
    fn the_local_target_and_the_lab_block_need_each_other() {
        let dir = fixture_project();
        edit(
            dir.path(),
            SCENARIO,
            "targets: [kubernetes]",
            "targets: [kubernetes, local]",
        );
        assert_eq!(
            found(dir.path(), "lab-target"),
            [(Severity::Error, SCENARIO.to_string(), 5, 10)]
        );
        assert_eq!(
            message(dir.path(), "lab-target"),
            "the `local` target needs a `lab` block that says how the lab runs the scenario"
        );

        let dir = fixture_project();
        with_lab(dir.path(), &format!("runs:\n{RUN}"));
        assert!(found(dir.path(), "lab-target").is_empty());
        edit(
            dir.path(),
            SCENARIO,
            "targets: [kubernetes, local]",
            "targets: [kubernetes]",
        );
        assert_eq!(
            found(dir.path(), "lab-target"),
            [(Severity::Error, SCENARIO.to_string(), 5, 10)]
        );
        assert_eq!(
            message(dir.path(), "lab-target"),
            "the scenario has a `lab` block but does not list the `local` target"
        );
    }

    /// A second file with a taken id is reported at its own id, and the
    /// note points at the file that used the id first, not at a neighbour.
    #[test]
    fn a_duplicate_id_points_back_at_its_first_use() {
        let dir = fixture_project();
        let root = dir.path();
        // `demo-tool-2.yaml` sorts before `demo-tool.yaml` ('-' < '.'),
        // and `other-tool.yaml` follows both.
        fs::copy(root.join(TOOL), root.join("catalog/tools/demo-tool-2.yaml")).unwrap();
        let d: Vec<Diagnostic> = diagnostics(root)
            .into_iter()
            .filter(|d| d.code == "duplicate-id")
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].file_display(), d[0].span.line, d[0].span.column),
            (TOOL.to_string(), 1, 5)
        );
        assert_eq!(d[0].related.len(), 1);
        assert_eq!(
            (
                d[0].related[0].file.to_string_lossy().replace('\\', "/"),
                d[0].related[0].span.line,
                d[0].related[0].message.as_str()
            ),
            (
                "catalog/tools/demo-tool-2.yaml".to_string(),
                1,
                "first used here"
            )
        );
    }

    /// An integer parameter takes whole numbers only: a lab value of 2.5
    /// is refused even though it is a number within the bounds (the schema
    /// types defaults, but lab values only through their parameter).
    #[test]
    fn a_fraction_is_no_lab_value_for_an_integer() {
        let dir = fixture_project();
        with_lab(dir.path(), &format!("runs:\n{RUN}"));
        assert!(found(dir.path(), "invalid-value").is_empty());
        edit(dir.path(), SCENARIO, "{latency_ms: 5}", "{latency_ms: 2.5}");
        let line = fs::read_to_string(dir.path().join(SCENARIO))
            .unwrap()
            .lines()
            .position(|l| l.contains("latency_ms: 2.5"))
            .unwrap()
            + 1;
        assert_eq!(
            found(dir.path(), "invalid-value"),
            [(Severity::Error, SCENARIO.to_string(), line, 24)]
        );
        assert_eq!(
            message(dir.path(), "invalid-value"),
            "lab value of `latency_ms`: expected a whole number"
        );
    }

    /// Shares are fractions of all scenarios: with three scenarios each
    /// first tab is a third of the catalog.
    #[test]
    fn first_tab_shares_are_fractions_of_all_scenarios() {
        let p = fixture_project();
        let root = p.path();
        let text = fs::read_to_string(root.join(SCENARIO)).unwrap();
        for id in ["demo-latency-b", "demo-latency-c"] {
            fs::write(
                root.join(format!("catalog/scenarios/network/{id}.yaml")),
                text.replacen("id: demo-latency", &format!("id: {id}"), 1),
            )
            .unwrap();
        }
        let (catalog, report) = crate::check(root);
        assert!(!report.has_errors(), "{:#?}", report.diagnostics);
        let shares = super::first_tab_shares(&catalog);
        let third = 100.0 / 3.0;
        let mut fractions: Vec<(usize, f64)> =
            shares.iter().map(|(_, n, pct)| (*n, *pct)).collect();
        fractions.sort_by_key(|a| a.0);
        assert_eq!(fractions, [(1, third), (2, 2.0 * third)], "{shares:?}");
    }

    #[test]
    fn first_tab_shares_count_every_tool() {
        let p = fixture_project();
        let (catalog, _) = crate::check(p.path());
        assert_eq!(
            super::first_tab_shares(&catalog),
            [
                ("demo-tool".to_string(), 1, 100.0),
                ("other-tool".to_string(), 0, 0.0)
            ]
        );
    }

    #[test]
    fn a_minor_release_behind_is_outdated() {
        assert!(minor_release_behind("2.7.3", "2.8.1"));
        assert!(minor_release_behind("1.19.0", "1.21.4"));
        assert!(minor_release_behind("2.8.1", "3.0.0"));
        assert!(minor_release_behind("v3.6.1", "3.31.0"));
        assert!(minor_release_behind("2", "2.1.0"));
    }

    #[test]
    fn a_patch_release_behind_or_ahead_is_not() {
        assert!(!minor_release_behind("1.1.6", "1.1.7"));
        assert!(!minor_release_behind("2.8.1", "2.8.3"));
        assert!(!minor_release_behind("2.8.3", "2.8.3"));
        assert!(!minor_release_behind("3.32.0", "3.31.0"));
        assert!(!minor_release_behind("2.8.0-rc1", "2.8.0"));
    }

    #[test]
    fn what_is_not_a_version_is_never_behind() {
        assert!(!minor_release_behind("1.0.0", "managed-service"));
        assert!(!minor_release_behind("latest", "2.0.0"));
        assert_eq!(major_minor("v10.20.30+build.1"), Some((10, 20)));
        assert_eq!(major_minor("x.1"), None);
    }
}
