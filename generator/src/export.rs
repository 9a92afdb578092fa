//! `chaosbook export`: the runnable manifests, one file per scenario and
//! tool, rendered with the scenario's parameters (defaults, overridden by
//! `--set`), so a team can take them into its own pipeline.
//!
//! Values given on the command line are untrusted: each is type-checked
//! against its parameter, and the manifest it produces must have exactly the
//! structure the defaults produce (same documents, keys, list lengths,
//! commands) and pass its format schema. A value that would add a key, a
//! document or a shell command is refused, not quoted after the fact.
//! Nothing invalid is written, and the output folder appears whole or not
//! at all.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::catalog::manifest::{json_document, script_document};
use crate::catalog::model::{
    BlastRadius, Lab, ParamType, Parameter, Reference, Scenario, Signal, Target, Verified,
};
use crate::catalog::schema::{Format, Syntax};
use crate::catalog::template::{self, ParamValue, ParamValues};
use crate::catalog::validate::check_value;
use crate::catalog::{yaml, Catalog};
use crate::diagnostics::did_you_mean;

/// The version of `index.json` (and of `catalog.json`): bumped on any
/// incompatible change of their shape.
/// 2: an implementation's `verified_with` string became the `verified`
/// record (version, by, date, url).
pub const SCHEMA_VERSION: u32 = 2;

/// What to export.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Tool ids to export; empty exports every tool.
    pub tools: Vec<String>,
    /// Scenario ids to export; empty exports every scenario.
    pub scenarios: Vec<String>,
    /// Categories to export; empty exports every category.
    pub categories: Vec<String>,
    /// `KEY=VALUE` overrides, as given.
    pub set: Vec<String>,
}

/// Export errors are chaosbook's [`crate::Error`]: `Usage` for a
/// selection or `--set` problem, `Invalid` for a rendered manifest that
/// fails validation (never written), `Io` for the output folder.
pub type ExportError = crate::Error;

/// One exported file, as listed in `index.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exported {
    /// Scenario id.
    pub scenario: String,
    /// The scenario's title.
    pub title: String,
    /// Tool id.
    pub tool: String,
    /// The tool's name as its project writes it.
    pub tool_name: String,
    /// Format id of the manifest.
    pub format: String,
    /// The support level, as written in the catalog (`native`, `extension`,
    /// `approximation`, `via`).
    pub support: String,
    /// For `support: via`: the id of the tool whose injector does the work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// What differs from the scenario's method (approximations, some `via`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differs: Option<String>,
    /// Relative to the output folder, `/`-separated.
    pub file: String,
    /// The command that runs it (from the format's `x-chaosbook.run`).
    pub run: String,
    /// The tool's documentation of this fault.
    pub docs: Option<String>,
    /// The evidence behind the manifest (version, how, when).
    pub verified: Option<Verified>,
    /// Every parameter and the value the file was rendered with (defaults and
    /// `--set` overrides).
    pub parameters: BTreeMap<String, Value>,
}

/// A tool's prerequisites file, as listed in `index.json`: applied once
/// before any of the tool's experiments.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportedPrerequisites {
    /// Tool id.
    pub tool: String,
    /// The tool's name as its project writes it.
    pub tool_name: String,
    /// Format id of the manifest.
    pub format: String,
    /// Relative to the output folder, `/`-separated.
    pub file: String,
    /// The command that applies it (from the format's `x-chaosbook.run`).
    pub run: String,
    /// Every parameter and the value the file was rendered with.
    pub parameters: BTreeMap<String, Value>,
}

/// The file name of a tool's prerequisites in the export (beside the
/// tool's experiments, named so no scenario id can take it).
pub const PREREQUISITES_STEM: &str = "_prerequisites";

#[derive(Serialize)]
struct Index<'a> {
    schema_version: u32,
    generator: String,
    items: &'a [Exported],
    prerequisites: &'a [ExportedPrerequisites],
}

/// Renders the selection into files (path relative to the output folder ->
/// content), validating everything. Writes nothing.
pub fn render(
    catalog: &Catalog,
    selection: &Selection,
) -> Result<Vec<(Exported, String)>, ExportError> {
    let scenarios = select_scenarios(catalog, selection)?;
    check_tools(catalog, &selection.tools)?;
    let overrides = parse_overrides(&selection.set, &scenarios)?;
    let mut out = Vec::new();
    for scenario in scenarios {
        let values = values_for(scenario, &overrides)?;
        let defaults = template::defaults(&scenario.parameters);
        for imp in &scenario.implementations {
            if !imp.is_supported()
                || (!selection.tools.is_empty() && !selection.tools.contains(&imp.tool))
            {
                continue;
            }
            let (Some(manifest), Some(format)) = (
                catalog.manifest(&scenario.id, &imp.tool),
                imp.format.as_deref().and_then(|f| catalog.formats.get(f)),
            ) else {
                continue;
            };
            let text = template::render(&manifest.template, &values).map_err(|e| {
                ExportError::Invalid(format!(
                    "{}/{}: {}",
                    scenario.id,
                    imp.tool,
                    e.iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            })?;
            if values != defaults {
                check_override_safety(
                    &format!("the {} manifest of `{}`", imp.tool, scenario.id),
                    &scenario.parameters,
                    format,
                    &manifest.rendered,
                    &text,
                    &used_by(&manifest.template, &overrides),
                    "the values given with --set",
                )?;
            }
            if !crate::catalog::manifest::quick_valid(format, &text) {
                return Err(ExportError::Invalid(format!(
                    "the {} manifest of `{}` does not validate against the `{}` format with these parameters; nothing was written",
                    imp.tool, scenario.id, format.name
                )));
            }
            let file = format!("{}/{}.{}", imp.tool, scenario.id, format.extension);
            let tool_name = catalog
                .tool(&imp.tool)
                .map_or(imp.tool.clone(), |t| t.item.name.clone());
            out.push((
                Exported {
                    scenario: scenario.id.clone(),
                    title: scenario.title.clone(),
                    tool: imp.tool.clone(),
                    tool_name,
                    format: format.name.clone(),
                    support: imp.support.id().to_string(),
                    via: imp.via.clone(),
                    differs: imp.differs.clone(),
                    run: format.run.replace("{file}", &file),
                    file,
                    docs: imp.docs.clone(),
                    verified: imp.verified.clone(),
                    parameters: values
                        .iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect(),
                },
                text,
            ));
        }
    }
    out.sort_by(|a, b| a.0.file.cmp(&b.0.file));
    Ok(out)
}

/// Renders the prerequisites of every tool that has a file in `items`, with
/// their parameters' defaults overridden by `--set` (type-checked, and
/// refused if they would change the structure). Writes nothing.
pub fn render_prerequisites(
    catalog: &Catalog,
    selection: &Selection,
    items: &[Exported],
) -> Result<Vec<(ExportedPrerequisites, String)>, ExportError> {
    let mut out = Vec::new();
    let mut tools: Vec<&str> = items.iter().map(|i| i.tool.as_str()).collect();
    tools.sort();
    tools.dedup();
    let mut overrides = BTreeMap::new();
    for pair in &selection.set {
        if let Some((k, v)) = pair.split_once('=') {
            overrides.insert(k.trim().to_string(), v.to_string());
        }
    }
    for id in tools {
        let (Some(tool), Some(manifest)) = (catalog.tool(id), catalog.prerequisites.get(id)) else {
            continue;
        };
        let Some(pre) = &tool.item.prerequisites else {
            continue;
        };
        let Some(format) = catalog.formats.get(&pre.format) else {
            continue;
        };
        let mut values = template::defaults(&pre.parameters);
        for p in &pre.parameters {
            if let Some(raw) = overrides.get(&p.name) {
                let value = typed_value(p, raw).map_err(|why| {
                    ExportError::Usage(format!(
                        "--set {}={raw}: {why} ({}; the prerequisites of {} use it)",
                        p.name,
                        describe(p),
                        tool.item.name
                    ))
                })?;
                values.insert(
                    p.name.clone(),
                    ParamValue {
                        kind: p.kind,
                        value,
                    },
                );
            }
        }
        let what = format!("the prerequisites of {}", tool.item.name);
        let text = template::render(&manifest.template, &values).map_err(|e| {
            ExportError::Invalid(format!(
                "{what}: {}",
                e.iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        if values != template::defaults(&pre.parameters) {
            check_override_safety(
                &what,
                &pre.parameters,
                format,
                &manifest.rendered,
                &text,
                &used_by(&manifest.template, &overrides),
                "the values given with --set",
            )?;
        }
        if !crate::catalog::manifest::quick_valid(format, &text) {
            return Err(ExportError::Invalid(format!(
                "{what} do not validate against the `{}` format with these parameters; nothing was written",
                format.name
            )));
        }
        let file = format!("{id}/{PREREQUISITES_STEM}.{}", format.extension);
        out.push((
            ExportedPrerequisites {
                tool: id.to_string(),
                tool_name: tool.item.name.clone(),
                format: format.name.clone(),
                run: format.run.replace("{file}", &file),
                file,
                parameters: values
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
            },
            text,
        ));
    }
    Ok(out)
}

/// Renders and writes the selection to `out_dir` atomically: into a fresh
/// folder beside it, then swapped in. An `out_dir` in or over the
/// `sources` is refused; an existing one is replaced only if it is empty or
/// a previous export (it has an `index.json`).
pub fn write(
    catalog: &Catalog,
    selection: &Selection,
    out_dir: &Path,
    sources: &crate::destination::Sources,
) -> Result<Vec<Exported>, ExportError> {
    if let Some(refusal) = sources.refusal(out_dir, "export", "an --out") {
        return Err(ExportError::Usage(refusal));
    }
    let files = render(catalog, selection)?;
    if files.is_empty() {
        return Err(ExportError::Usage("the selection matches no runnable implementation; check --tool, --scenario and --category".into()));
    }
    let items: Vec<Exported> = files.iter().map(|(i, _)| i.clone()).collect();
    let prerequisites = render_prerequisites(catalog, selection, &items)?;
    if out_dir.exists() {
        let empty = std::fs::read_dir(out_dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out_dir.join("index.json").is_file() {
            return Err(ExportError::Usage(format!(
                "{} exists and is not a previous export (no index.json); choose another --out or remove it",
                out_dir.display()
            )));
        }
    }
    crate::atomic::replace_dir(out_dir, |staging| {
        let io = |p: &Path, e: std::io::Error| ExportError::io("cannot write", p, e);
        let all = files
            .iter()
            .map(|(i, t)| (&i.file, t))
            .chain(prerequisites.iter().map(|(p, t)| (&p.file, t)));
        for (file, text) in all {
            let path = staging.join(file);
            std::fs::create_dir_all(path.parent().unwrap_or(staging)).map_err(|e| io(&path, e))?;
            std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        }
        let prerequisites: Vec<ExportedPrerequisites> =
            prerequisites.iter().map(|(p, _)| p.clone()).collect();
        let index = Index {
            schema_version: SCHEMA_VERSION,
            generator: format!("chaosbook {}", env!("CARGO_PKG_VERSION")),
            items: &items,
            prerequisites: &prerequisites,
        };
        let index_path = staging.join("index.json");
        std::fs::write(
            &index_path,
            serde_json::to_string_pretty(&index).expect("index serialises") + "\n",
        )
        .map_err(|e| io(&index_path, e))?;
        let readme_path = staging.join("README.md");
        std::fs::write(&readme_path, readme(catalog, &items, &prerequisites))
            .map_err(|e| io(&readme_path, e))
    })?;
    Ok(items)
}

fn select_scenarios<'a>(
    catalog: &'a Catalog,
    selection: &Selection,
) -> Result<Vec<&'a Scenario>, ExportError> {
    let ids: Vec<&str> = catalog
        .scenarios
        .iter()
        .map(|s| s.item.id.as_str())
        .collect();
    for id in &selection.scenarios {
        if catalog.scenario(id).is_none() {
            return Err(ExportError::Usage(unknown("scenario", id, &ids)));
        }
    }
    let categories: Vec<&str> = crate::scaffold::categories();
    for c in &selection.categories {
        if !categories.contains(&c.as_str()) {
            return Err(ExportError::Usage(unknown("category", c, &categories)));
        }
    }
    Ok(catalog
        .scenarios
        .iter()
        .map(|e| &e.item)
        .filter(|s| selection.scenarios.is_empty() || selection.scenarios.contains(&s.id))
        .filter(|s| selection.categories.is_empty() || selection.categories.contains(&s.category))
        .collect())
}

fn check_tools(catalog: &Catalog, tools: &[String]) -> Result<(), ExportError> {
    let ids: Vec<&str> = catalog.tools.iter().map(|t| t.item.id.as_str()).collect();
    for t in tools {
        if catalog.tool(t).is_none() {
            return Err(ExportError::Usage(unknown("tool", t, &ids)));
        }
    }
    Ok(())
}

fn unknown(what: &str, id: &str, known: &[&str]) -> String {
    match did_you_mean(id, known.iter().copied()) {
        Some(s) => format!("unknown {what} `{id}`; did you mean `{s}`?"),
        None => format!("unknown {what} `{id}`; known: {}", known.join(", ")),
    }
}

/// `KEY=VALUE` pairs; every key must be a parameter of some selected scenario.
fn parse_overrides(
    set: &[String],
    scenarios: &[&Scenario],
) -> Result<BTreeMap<String, String>, ExportError> {
    let mut out = BTreeMap::new();
    for pair in set {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(ExportError::Usage(format!(
                "--set `{pair}`: write KEY=VALUE"
            )));
        };
        let key = key.trim();
        if !scenarios
            .iter()
            .any(|s| s.parameters.iter().any(|p| p.name == key))
        {
            let mut names: Vec<&str> = scenarios
                .iter()
                .flat_map(|s| s.parameters.iter().map(|p| p.name.as_str()))
                .collect();
            names.sort();
            names.dedup();
            let hint = match did_you_mean(key, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("parameters of the selected scenarios: {}", names.join(", ")),
            };
            return Err(ExportError::Usage(format!(
                "--set {key}: no selected scenario has a parameter `{key}`; {hint}"
            )));
        }
        if out.insert(key.to_string(), value.to_string()).is_some() {
            return Err(ExportError::Usage(format!("--set {key} is given twice")));
        }
    }
    Ok(out)
}

/// The scenario's parameter values: defaults, overridden and type-checked.
fn values_for(
    scenario: &Scenario,
    overrides: &BTreeMap<String, String>,
) -> Result<ParamValues, ExportError> {
    let mut values = template::defaults(&scenario.parameters);
    for p in &scenario.parameters {
        if let Some(raw) = overrides.get(&p.name) {
            let value = typed_value(p, raw).map_err(|why| {
                ExportError::Usage(format!("--set {}={raw}: {why} ({})", p.name, describe(p)))
            })?;
            values.insert(
                p.name.clone(),
                ParamValue {
                    kind: p.kind,
                    value,
                },
            );
        }
    }
    Ok(values)
}

/// What values a parameter takes, for error messages.
pub(crate) fn describe(p: &Parameter) -> String {
    let mut s = match p.kind {
        ParamType::Enum => format!(
            "one of: {}",
            p.values.as_deref().unwrap_or_default().join(", ")
        ),
        ParamType::Duration => "a duration such as 30s, 5m, 1h30m".to_string(),
        ParamType::Boolean => "true or false".to_string(),
        ParamType::Integer => "a whole number".to_string(),
        ParamType::Number => "a number".to_string(),
        ParamType::String => p.pattern.as_ref().map_or("a string".to_string(), |pat| {
            format!("a string matching `{pat}`")
        }),
    };
    let show = |v: &Value| v.as_str().map_or(v.to_string(), str::to_string);
    if let Some(min) = &p.minimum {
        s.push_str(&format!(", at least {}", show(min)));
    }
    if let Some(max) = &p.maximum {
        s.push_str(&format!(", at most {}", show(max)));
    }
    s
}

/// A value from outside (`--set`, a chapter's embed), typed and checked
/// against its parameter.
pub(crate) fn typed_value(p: &Parameter, raw: &str) -> Result<Value, String> {
    if raw.chars().any(char::is_control) {
        return Err("control characters and line breaks are not allowed in values".into());
    }
    if raw.contains("{{") || raw.contains("}}") || raw.contains("{%") {
        return Err("template expressions are not allowed in values".into());
    }
    let value = match p.kind {
        ParamType::Integer => raw
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{raw}` is not a whole number"))?,
        ParamType::Number => {
            let n: f64 = raw
                .trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("`{raw}` is not a finite number"))?
        }
        ParamType::Boolean => match raw.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("`{raw}` is not true or false")),
        },
        ParamType::Duration | ParamType::Enum | ParamType::String => Value::String(raw.to_string()),
    };
    check_value(p, &value)?;
    Ok(value)
}

/// The overrides a manifest template uses: a value that a tool's manifest
/// does not use cannot appear in it, so only these are checked there.
pub(crate) fn used_by(
    template: &str,
    overrides: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let names: Vec<&str> = template::placeholders(template)
        .iter()
        .map(|p| p.name)
        .collect();
    overrides
        .iter()
        .filter(|(k, _)| names.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A value from outside may change values, never structure. `what` names
/// the manifest in messages ("the litmus manifest of `x`"), `given` where
/// the values come from ("the values given with --set").
pub(crate) fn check_override_safety(
    what: &str,
    parameters: &[Parameter],
    format: &Format,
    default_text: &str,
    text: &str,
    overrides: &BTreeMap<String, String>,
    given: &str,
) -> Result<(), ExportError> {
    let refuse = |why: String| {
        ExportError::Usage(format!(
            "{given} would change the structure of {what} ({why}); they were rejected and nothing was written"
        ))
    };
    let shape = |t: &str| -> Result<Vec<Value>, String> {
        match format.syntax {
            Syntax::Yaml | Syntax::YamlStream => yaml::parse_values(t).map_err(|e| e.message),
            Syntax::Json => json_document(t)
                .map(|d| vec![d.value])
                .map_err(|e| e.message),
            Syntax::Script => Ok(vec![script_document(t).value]),
        }
    };
    let before = shape(default_text).map_err(refuse)?;
    let after = shape(text).map_err(|e| refuse(format!("it no longer parses: {e}")))?;
    if before.len() != after.len() || before.iter().zip(&after).any(|(a, b)| !same_shape(a, b)) {
        return Err(refuse(
            "keys, documents, list items or commands differ".into(),
        ));
    }
    let used: Vec<(&String, &String)> = overrides
        .iter()
        .filter(|(k, _)| parameters.iter().any(|p| &p.name == *k))
        .collect();
    for (key, value) in used {
        if format.syntax == Syntax::Script
            && !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._:/=@%+,~-".contains(c))
        {
            return Err(ExportError::Usage(format!(
                "--set {key}={value}: values used in shell scripts may only contain letters, digits and . _ : / = @ % + , ~ - ({what} is a script)"
            )));
        }
        // The value must arrive intact: a `#` that starts a comment, or a
        // quote that ends a string early, would silently change it.
        let is_text = parameters
            .iter()
            .any(|p| &p.name == key && matches!(p.kind, ParamType::String | ParamType::Enum));
        if format.syntax != Syntax::Script
            && is_text
            && !after.iter().any(|v| contains_leaf(v, value))
        {
            return Err(refuse(format!(
                "the value of {key} does not survive parsing intact"
            )));
        }
    }
    Ok(())
}

fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_shape(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_shape(v, w))
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => false,
        _ => true,
    }
}

fn contains_leaf(v: &Value, needle: &str) -> bool {
    match v {
        Value::Object(o) => o.values().any(|v| contains_leaf(v, needle)),
        Value::Array(a) => a.iter().any(|v| contains_leaf(v, needle)),
        Value::String(s) => s.contains(needle),
        other => other.to_string().contains(needle),
    }
}

/// The whole catalog as one JSON document for other tools: every tool,
/// scenario (with each implementation's manifest rendered with the default
/// parameters) and practice, plus the manifest formats. Its shape is
/// versioned by `schema_version` (see catalog/schema/README.md).
pub fn catalog_json(catalog: &Catalog) -> String {
    #[derive(Serialize)]
    struct Format<'a> {
        name: &'a str,
        label: &'a str,
        syntax: Syntax,
        extension: &'a str,
        run: &'a str,
        docs: &'a str,
        schema: String,
    }
    #[derive(Serialize)]
    struct Implementation<'a> {
        #[serde(flatten)]
        implementation: &'a crate::catalog::model::Implementation,
        /// The manifest rendered with the scenario's default parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        rendered: Option<&'a str>,
    }
    /// A scenario as catalog.json shows it: its fields, each
    /// implementation with its rendered manifest, and the tab order.
    #[derive(Serialize)]
    struct ScenarioJson<'a> {
        id: &'a str,
        title: &'a str,
        summary: &'a str,
        category: &'a str,
        targets: &'a [Target],
        personas: &'a [String],
        blast_radius: &'a BlastRadius,
        hypothesis: &'a str,
        steady_state: &'a [Signal],
        method: &'a str,
        parameters: &'a [Parameter],
        abort_conditions: &'a [String],
        rollback: &'a str,
        observability: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        security: Option<&'a str>,
        practices: &'a [String],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        related: &'a [String],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        references: &'a [Reference],
        implementations: Vec<Implementation<'a>>,
        /// As written: the lab's values and experiments (`chaosbook lab`).
        #[serde(skip_serializing_if = "Option::is_none")]
        lab: Option<&'a Lab>,
        tab_order: Vec<&'a str>,
    }
    impl<'a> ScenarioJson<'a> {
        fn new(catalog: &'a Catalog, s: &'a Scenario) -> Self {
            // Every field, by name: a field added to the model does not
            // compile here until catalog.json says what to do with it.
            let Scenario {
                id,
                title,
                summary,
                category,
                targets,
                personas,
                blast_radius,
                hypothesis,
                steady_state,
                method,
                parameters,
                abort_conditions,
                rollback,
                observability,
                security,
                practices,
                related,
                references,
                implementations,
                lab,
            } = s;
            ScenarioJson {
                id,
                title,
                summary,
                category,
                targets,
                personas,
                blast_radius,
                hypothesis,
                steady_state,
                method,
                parameters,
                abort_conditions,
                rollback,
                observability,
                security: security.as_deref(),
                practices,
                related,
                references,
                implementations: implementations
                    .iter()
                    .map(|i| Implementation {
                        implementation: i,
                        rendered: catalog.manifest(id, &i.tool).map(|m| &*m.rendered),
                    })
                    .collect(),
                lab: lab.as_ref(),
                tab_order: catalog
                    .tab_order(s)
                    .iter()
                    .map(|i| i.tool.as_str())
                    .collect(),
            }
        }
    }
    /// The scenarios, serialised in parallel, each on its own, then written
    /// as one array.
    struct Scenarios<'a>(&'a Catalog);
    impl Serialize for Scenarios<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let catalog = self.0;
            let texts: Vec<Box<serde_json::value::RawValue>> = catalog
                .scenarios
                .par_iter()
                .map(|e| {
                    serde_json::value::to_raw_value(&ScenarioJson::new(catalog, &e.item))
                        .expect("scenario serialises")
                })
                .collect();
            serializer.collect_seq(texts)
        }
    }
    #[derive(Serialize)]
    struct Document<'a> {
        schema_version: u32,
        generator: String,
        tools: Vec<&'a crate::catalog::model::Tool>,
        scenarios: Scenarios<'a>,
        practices: Vec<&'a crate::catalog::model::Practice>,
        formats: Vec<Format<'a>>,
    }
    let formats: Vec<Format> = catalog
        .formats
        .by_name
        .values()
        .map(|f| Format {
            name: &f.name,
            label: &f.label,
            syntax: f.syntax,
            extension: &f.extension,
            run: &f.run,
            docs: &f.docs,
            schema: format!("schema/formats/{}.schema.json", f.name),
        })
        .collect();
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        generator: format!("chaosbook {}", env!("CARGO_PKG_VERSION")),
        tools: catalog.tools.iter().map(|t| &t.item).collect(),
        scenarios: Scenarios(catalog),
        practices: catalog.practices.iter().map(|p| &p.item).collect(),
        formats,
    };
    // Compact: at thousands of scenarios the indentation alone is tens of
    // megabytes, and readers of this file are programs.
    serde_json::to_string(&doc).expect("catalog serialises") + "\n"
}

fn readme(
    catalog: &Catalog,
    items: &[Exported],
    prerequisites: &[ExportedPrerequisites],
) -> String {
    let mut s = String::from(
        "# Exported chaos experiments\n\nWritten by `chaosbook export`: one file per scenario and tool, rendered with the \
         parameters listed in `index.json`. Review each file before running it: check the namespace, selectors and \
         durations against your environment.\n\n## How to run each format\n\n",
    );
    let mut formats: Vec<&str> = items.iter().map(|i| i.format.as_str()).collect();
    formats.sort();
    formats.dedup();
    for name in formats {
        if let Some(f) = catalog.formats.get(name) {
            s.push_str(&format!(
                "- **{}** (`{}`): `{}`; reference: {}\n",
                f.label,
                f.name,
                f.run.replace("{file}", "<file>"),
                f.docs
            ));
        }
    }
    if !prerequisites.is_empty() {
        s.push_str(
            "\n## Prerequisites\n\nApply these once, before any experiment of the tool: they hold the service \
             accounts, permissions and agents its experiments share (the tool's page in the catalog explains them).\n\n\
             | tool | file | run |\n|---|---|---|\n",
        );
        for p in prerequisites {
            s.push_str(&format!(
                "| {} | `{}` | `{}` |\n",
                p.tool_name,
                p.file,
                p.run.replace('|', "\\|")
            ));
        }
    }
    s.push_str(
        "\n## Files\n\nSupport: `native` (the tool does it itself), `extension` (through a plugin), \
         `approximation` (close, but not the same fault: read what differs in `index.json`), `via` \
         (the tool has another tool inject the fault, which must be installed too).\n\n\
         | scenario | tool | support | file | run |\n|---|---|---|---|---|\n",
    );
    for i in items {
        let support = match &i.via {
            Some(via) => format!(
                "via {}",
                catalog
                    .tool(via)
                    .map_or(via.as_str(), |t| t.item.name.as_str())
            ),
            None => i.support.clone(),
        };
        s.push_str(&format!(
            "| {} | {} | {} | `{}` | `{}` |\n",
            i.scenario,
            table_cell(&i.tool_name),
            support,
            i.file,
            i.run.replace('|', "\\|")
        ));
    }
    s
}

/// Catalog text as the text of a markdown table cell: no markup (a tool's
/// name is data, and README.md is read in viewers that render HTML), no
/// cell break, one line.
fn table_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_cells_hold_text_not_markup() {
        assert_eq!(
            table_cell("<img src=x onerror=alert(1)> a|b *c* `d`\nnext & [e](f)"),
            "&lt;img src=x onerror=alert(1)&gt; a\\|b \\*c\\* \\`d\\` next &amp; \\[e\\](f)"
        );
        assert_eq!(table_cell("Chaos Mesh"), "Chaos Mesh");
    }

    #[test]
    fn shapes_compare_structure_not_values() {
        assert!(same_shape(
            &json!({"a": [1, {"b": "x"}]}),
            &json!({"a": [2, {"b": "y"}]})
        ));
        assert!(!same_shape(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!same_shape(&json!({"a": [1]}), &json!({"a": [1, 2]})));
        assert!(!same_shape(&json!({"a": "x"}), &json!({"a": {"b": 1}})));
    }

    /// A second document is a change of structure even when the first is
    /// untouched. (`--set` cannot write one, as it refuses line breaks:
    /// this rule stands behind that one.)
    #[test]
    fn an_added_document_changes_the_structure() {
        let file =
            crate::testing::project_root().join("catalog/schema/formats/chaos-mesh.schema.json");
        let raw = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let format = crate::catalog::schema::load_format("chaos-mesh", &file, raw).unwrap();
        let check = |text: &str| {
            check_override_safety(
                "the manifest",
                &[],
                &format,
                "kind: A\nspec: {x: 1}\n",
                text,
                &BTreeMap::new(),
                "the values",
            )
        };
        assert!(check("kind: A\nspec: {x: 2}\n").is_ok());
        let Err(ExportError::Usage(message)) = check("kind: A\nspec: {x: 1}\n---\nkind: Secret\n")
        else {
            panic!("a second document was let through");
        };
        assert_eq!(
            message,
            "the values would change the structure of the manifest (keys, documents, list items or commands differ); they were rejected and nothing was written"
        );
    }
}

/// `--set` values against a rule written out independently of
/// [`typed_value`]: each parameter type accepts exactly the text its type
/// allows, and an accepted number is the written number (never truncated).
#[cfg(test)]
mod set_values {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn param(kind: &str, extra: Value) -> Parameter {
        let mut p = json!({"name": "p", "type": kind, "description": "d", "default": "x"});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(p).unwrap()
    }

    /// Refused whatever the type: line breaks, control characters and
    /// template expressions.
    fn refused_for_any_type(raw: &str) -> bool {
        raw.chars().any(char::is_control)
            || raw.contains("{{")
            || raw.contains("}}")
            || raw.contains("{%")
    }

    fn full_match(pattern: &str, text: &str) -> bool {
        regex::Regex::new(&format!("^(?:{pattern})$"))
            .unwrap()
            .is_match(text)
    }

    /// A whole number in i64's range: ASCII digits with an optional sign,
    /// surrounding whitespace allowed.
    fn expected_integer(raw: &str) -> Option<i64> {
        let t = raw.trim();
        if refused_for_any_type(raw) || !full_match("[+-]?[0-9]+", t) {
            return None;
        }
        let negative = t.starts_with('-');
        let digits = t.trim_start_matches(['+', '-']).trim_start_matches('0');
        if digits.len() > 19 {
            return None;
        }
        let magnitude: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().unwrap()
        };
        let n = if negative { -magnitude } else { magnitude };
        i64::try_from(n).ok()
    }

    /// A finite decimal number (no `inf`, `NaN`, hex or unicode digits).
    fn expected_number(raw: &str) -> Option<f64> {
        let t = raw.trim();
        if refused_for_any_type(raw)
            || !full_match(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", t)
        {
            return None;
        }
        let n: f64 = t.parse().unwrap();
        n.is_finite().then_some(n)
    }

    fn expected_duration(raw: &str) -> bool {
        !refused_for_any_type(raw)
            && !raw.is_empty()
            && full_match(
                "([0-9]{1,9}h)?([0-9]{1,9}m)?([0-9]{1,9}s)?([0-9]{1,9}ms)?",
                raw,
            )
    }

    const PIECES: &[&str] = &[
        "0",
        "7",
        "42",
        "007",
        "2.5",
        ".5",
        "5.",
        "-",
        "+",
        "e3",
        "E-2",
        "1e400",
        "\u{663}",
        "\u{ff15}",
        "\u{0967}",
        " ",
        "\u{a0}",
        "\u{2003}",
        "\t",
        "\n",
        "h",
        "m",
        "s",
        "ms",
        "1h",
        "30s",
        "true",
        "false",
        "True",
        "inf",
        "NaN",
        "0x1F",
        "1_000",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "99999999999999999999999",
        "a",
        "shop",
        "fast",
        "{{",
        "}}",
        "{%",
        "x y",
    ];

    fn raw_value() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::collection::vec(prop::sample::select(PIECES), 0..5).prop_map(|p| p.concat()),
            "[ +\\-0-9.eE]{0,12}",
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| n.to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn integers_accept_exactly_whole_numbers(raw in raw_value()) {
            let got = typed_value(&param("integer", json!({})), &raw).ok();
            prop_assert_eq!(got, expected_integer(&raw).map(Value::from), "{:?}", raw);
        }

        #[test]
        fn numbers_accept_exactly_finite_decimals(raw in raw_value()) {
            let got = typed_value(&param("number", json!({})), &raw).ok();
            let got = got.map(|v| v.as_f64().expect("a number"));
            prop_assert_eq!(got, expected_number(&raw), "{:?}", raw);
        }

        #[test]
        fn booleans_accept_exactly_true_and_false(raw in raw_value()) {
            let got = typed_value(&param("boolean", json!({})), &raw).ok();
            let expected = match raw.trim() {
                _ if refused_for_any_type(&raw) => None,
                "true" => Some(json!(true)),
                "false" => Some(json!(false)),
                _ => None,
            };
            prop_assert_eq!(got, expected, "{:?}", raw);
        }

        #[test]
        fn durations_accept_exactly_unit_sequences(raw in raw_value()) {
            let got = typed_value(&param("duration", json!({})), &raw).ok();
            let expected = expected_duration(&raw).then(|| json!(raw));
            prop_assert_eq!(got, expected, "{:?}", raw);
        }

        #[test]
        fn enums_accept_exactly_a_listed_value(raw in raw_value()) {
            let p = param("enum", json!({"values": ["fast", "slow", "7"]}));
            let got = typed_value(&p, &raw).ok();
            let expected = ["fast", "slow", "7"].contains(&raw.as_str()).then(|| json!(raw));
            prop_assert_eq!(got, expected, "{:?}", raw);
        }

        #[test]
        fn strings_accept_exactly_what_their_pattern_matches(raw in raw_value()) {
            let p = param("string", json!({"pattern": "[a-z0-9]([a-z0-9 ]*[a-z0-9])?"}));
            let got = typed_value(&p, &raw).ok();
            let expected = (!refused_for_any_type(&raw)
                && full_match("[a-z0-9]([a-z0-9 ]*[a-z0-9])?", &raw))
            .then(|| json!(raw));
            prop_assert_eq!(got, expected, "{:?}", raw);
        }
    }

    /// Bounds hold for numbers, durations and integers alike, and a
    /// fraction never passes as a whole number.
    #[test]
    fn literal_values_at_the_edges() {
        let int = param("integer", json!({"minimum": 1, "maximum": 100}));
        assert_eq!(typed_value(&int, "2.5").ok(), None);
        assert_eq!(typed_value(&int, "100").unwrap(), json!(100));
        assert_eq!(typed_value(&int, "101").ok(), None);
        assert_eq!(typed_value(&int, "0").ok(), None);
        assert_eq!(typed_value(&int, " +5 ").unwrap(), json!(5));
        let num = param("number", json!({"minimum": 0.5, "maximum": 1.5}));
        assert_eq!(typed_value(&num, "2.5").ok(), None);
        assert_eq!(typed_value(&num, "0.75").unwrap(), json!(0.75));
        assert_eq!(typed_value(&num, "0.25").ok(), None);
        let dur = param("duration", json!({"minimum": "10s", "maximum": "1m"}));
        assert_eq!(typed_value(&dur, "30s").unwrap(), json!("30s"));
        assert_eq!(typed_value(&dur, "9s").ok(), None);
        assert_eq!(typed_value(&dur, "1m1s").ok(), None);
        assert_eq!(typed_value(&dur, "1m").unwrap(), json!("1m"));
    }

    /// Each template delimiter alone is refused, not only a whole
    /// expression: half of one could join text around it in the manifest.
    #[test]
    fn each_template_delimiter_alone_is_refused() {
        let text = param("string", json!({}));
        assert_eq!(typed_value(&text, "a b").unwrap(), json!("a b"));
        for raw in ["{{ x", "x }}", "{% if", "a{{b}}c"] {
            assert_eq!(
                typed_value(&text, raw),
                Err("template expressions are not allowed in values".to_string()),
                "{raw:?}"
            );
        }
    }

    /// What an error message says a parameter takes, per type and bound.
    #[test]
    fn a_parameter_is_described_by_its_type_and_bounds() {
        let cases = [
            (param("string", json!({})), "a string"),
            (
                param("string", json!({"pattern": "[a-z]+"})),
                "a string matching `[a-z]+`",
            ),
            (
                param("enum", json!({"values": ["tcp", "udp"], "default": "tcp"})),
                "one of: tcp, udp",
            ),
            (
                param("duration", json!({"minimum": "10s", "maximum": "1m"})),
                "a duration such as 30s, 5m, 1h30m, at least 10s, at most 1m",
            ),
            (param("boolean", json!({"default": true})), "true or false"),
            (
                param("integer", json!({"minimum": 1, "default": 1})),
                "a whole number, at least 1",
            ),
            (
                param("number", json!({"maximum": 1.5, "default": 1})),
                "a number, at most 1.5",
            ),
        ];
        for (p, expected) in cases {
            assert_eq!(describe(&p), expected);
        }
    }
}
