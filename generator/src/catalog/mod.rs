//! The catalog: loading, validation and the validated model.
//!
//! Data flows one way: [`load::discover`] finds files, each file is read,
//! parsed with positions ([`yaml`]) and checked against its kind's schema
//! ([`schema`]) in parallel; then [`validate`] checks what no single file
//! can (ids, references, formats) and renders and checks every manifest
//! ([`manifest`], [`template`]). The result is a [`Catalog`] plus a
//! [`Report`]; nothing downstream uses a catalog whose report has errors.

pub mod load;
pub mod manifest;
pub mod memo;
pub mod model;
pub mod prose;
pub mod schema;
pub mod template;
pub mod validate;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Report};
use memo::Memo;
use model::{Kind, Practice, Scenario, Tool};
use schema::{DocRef, Formats, KindSchemas};
use yaml::{Document, Span};

/// A catalog item with the file it came from.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// The item as read from the file.
    pub item: T,
    /// Relative to the project root.
    pub file: PathBuf,
    source: Arc<str>,
    /// Positions are only needed to place a diagnostic, so valid files are
    /// parsed once without them and again, on demand, with them.
    doc: OnceLock<Document>,
}

impl<T> Entry<T> {
    /// An entry for an item read from `file` (relative to the project root),
    /// keeping its text.
    pub fn new(item: T, file: PathBuf, source: Arc<str>) -> Self {
        Self {
            item,
            file,
            source,
            doc: OnceLock::new(),
        }
    }

    /// The file's YAML with positions (parsed on first use).
    pub fn doc(&self) -> &Document {
        self.doc.get_or_init(|| {
            yaml::parse_single(&self.source).unwrap_or_else(|e| Document {
                value: serde_json::Value::Null,
                positions: Default::default(),
                span: e.span,
            })
        })
    }

    /// The file's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The file's text, shared rather than copied (for a `serve` session's
    /// memo).
    pub fn shared_source(&self) -> Arc<str> {
        self.source.clone()
    }
}

/// A manifest as written and as rendered with the scenario's defaults.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Id of the tool that runs it.
    pub tool: String,
    /// Format id, whose schema validated it.
    pub format: String,
    /// The template text (placeholders intact).
    pub template: String,
    /// Where the template was written (the scenario file or its own file).
    pub file: PathBuf,
    /// Rendered with the scenario's default parameters (shared with the
    /// memo of a `serve` session, which keeps the manifests their format
    /// accepted).
    pub rendered: Arc<str>,
}

/// The validated catalog. Items are sorted by id.
#[derive(Default)]
pub struct Catalog {
    /// The configuration it was loaded with; `None` only for an empty default catalog.
    pub config: Option<Config>,
    /// Every tool, by id.
    pub tools: Vec<Entry<Tool>>,
    /// Every scenario, by id.
    pub scenarios: Vec<Entry<Scenario>>,
    /// Every practice, by id.
    pub practices: Vec<Entry<Practice>>,
    /// The manifest formats of `catalog/schema/formats/`.
    pub formats: Formats,
    /// (scenario id, tool id) -> manifest, for supported implementations.
    pub manifests: BTreeMap<(String, String), Manifest>,
    /// (scenario id, tool id) -> lab manifest, rendered with the lab's values.
    pub lab_manifests: BTreeMap<(String, String), Manifest>,
    /// Tool id -> its prerequisites, rendered with their defaults.
    pub prerequisites: BTreeMap<String, Manifest>,
    /// The recorded lab runs (`catalog/lab-runs.yaml`), if the file exists.
    pub lab_runs: Option<Entry<model::LabRuns>>,
    /// Catalog files that did not load as the item their name says (a
    /// syntax or schema error, or an id that is not the file's name): kind
    /// name, the id of the file's name, the file. References to those ids
    /// are folded into the file's error ([`Report::fold_references`]).
    pub unloaded: Vec<(&'static str, String, PathBuf)>,
    /// Groups of words or phrases that search treats as one, from the
    /// vocabulary file (see [`crate::vocabulary::Vocabulary::search_synonyms`]).
    pub search_synonyms: Vec<Vec<String>>,
}

impl Catalog {
    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&Entry<Tool>> {
        self.tools
            .binary_search_by(|t| t.item.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.tools[i])
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Entry<Scenario>> {
        self.scenarios
            .binary_search_by(|t| t.item.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.scenarios[i])
    }

    /// The practice with this id.
    pub fn practice(&self, id: &str) -> Option<&Entry<Practice>> {
        self.practices
            .binary_search_by(|t| t.item.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.practices[i])
    }

    /// The manifest of `tool`'s implementation of scenario `scenario`, if
    /// it is supported.
    pub fn manifest(&self, scenario: &str, tool: &str) -> Option<&Manifest> {
        self.manifests
            .get(&(scenario.to_string(), tool.to_string()))
    }

    /// The ids of the scenarios with a lab block (what `chaosbook lab` runs).
    pub fn lab_scenario_ids(&self) -> Vec<&str> {
        self.scenarios
            .iter()
            .filter(|e| e.item.lab.is_some())
            .map(|e| e.item.id.as_str())
            .collect()
    }

    /// The recorded run of the lab experiment of `scenario` with `tool`.
    pub fn lab_run(&self, scenario: &str, tool: &str) -> Option<&model::LabRun> {
        self.lab_runs
            .as_ref()?
            .item
            .runs
            .iter()
            .find(|r| r.scenario == scenario && r.tool == tool)
    }

    /// The implementations of a scenario in tab order: sorted by tool id,
    /// then rotated by the scenario's rank in the id-sorted catalog. With
    /// every tool present in every scenario, each tool comes first in
    /// 1/n of the scenarios (a hash of the id would only do so on average,
    /// and unevenly for a catalog of a few dozen scenarios).
    pub fn tab_order<'a>(&self, scenario: &'a Scenario) -> Vec<&'a model::Implementation> {
        let rank = self
            .scenarios
            .binary_search_by(|e| e.item.id.as_str().cmp(&scenario.id))
            .unwrap_or(0);
        tab_order(scenario, rank)
    }
}

/// See [`Catalog::tab_order`].
pub fn tab_order(scenario: &Scenario, rank: usize) -> Vec<&model::Implementation> {
    let mut impls: Vec<&model::Implementation> = scenario.implementations.iter().collect();
    impls.sort_by(|a, b| a.tool.cmp(&b.tool));
    if !impls.is_empty() {
        let shift = rank % impls.len();
        impls.rotate_left(shift);
    }
    impls
}

/// A file read and parsed, before cross-file checks.
struct Parsed {
    found: load::Found,
    text: Option<Arc<str>>,
    /// Shared with the memo, which keeps it for the next reading.
    outcome: Arc<Result<serde_json::Value, Vec<Diagnostic>>>,
}

/// Loads and validates the catalog under `config`.
pub fn load(config: &Config) -> (Catalog, Report) {
    load_again(config, &mut Memo::default())
}

/// Loads and validates the catalog under `config`, reusing from `memo`
/// what a previous reading computed from the same texts, and leaving in it
/// what this reading computed (see [`memo`]).
pub fn load_again(config: &Config, memo: &mut Memo) -> (Catalog, Report) {
    let previous = std::mem::take(memo);
    let mut report = Report::default();
    let discovered = load::discover(config, &mut report);
    let schemas = KindSchemas::builtin();

    let mut catalog = Catalog {
        config: Some(config.clone()),
        ..Catalog::default()
    };
    catalog.formats = load_formats(config, &discovered, &previous, memo, &mut report);

    let parsed: Vec<Parsed> = discovered
        .files
        .par_iter()
        .map(|f| parse_file(config, f, &schemas, &previous))
        .collect();

    for p in parsed {
        let Some(text) = p.text else {
            if let Err(diags) = &*p.outcome {
                report.diagnostics.extend(diags.iter().cloned());
            }
            continue;
        };
        memo.keep_parsed(
            p.found.rel.clone(),
            p.found.kind,
            text.clone(),
            p.outcome.clone(),
        );
        report.sources.insert(p.found.rel.clone(), text.clone());
        let value = match &*p.outcome {
            Ok(value) => value,
            Err(diags) => {
                report.diagnostics.extend(diags.iter().cloned());
                continue;
            }
        };
        let file = p.found.rel.clone();
        match p.found.kind {
            Kind::Tool => {
                push_entry(&mut catalog.tools, value, file, text, &mut report);
            }
            Kind::Practice => {
                push_entry(&mut catalog.practices, value, file, text, &mut report);
            }
            Kind::Scenario => {
                let folder = p.found.folder.as_deref().unwrap_or_default();
                let category = value
                    .get("category")
                    .and_then(|c| c.as_str())
                    .unwrap_or_default()
                    .to_string();
                let at = push_entry(&mut catalog.scenarios, value, file, text, &mut report);
                if let Some(entry) = at.and_then(|i| catalog.scenarios.get(i)) {
                    check_folder(entry, &category, folder, &mut report);
                }
            }
        }
    }
    catalog.lab_runs = discovered
        .lab_runs
        .as_ref()
        .and_then(|(rel, abs)| load_lab_runs(config, rel, abs, &mut report));
    validate::cross_references(&mut catalog, &mut report);
    validate::manifests(&mut catalog, config, &previous, memo, &mut report);
    catalog.unloaded = unloaded(&catalog, &discovered);
    report.sort();
    (catalog, report)
}

/// The files of `discovered` that hold no item under their file's name.
fn unloaded(
    catalog: &Catalog,
    discovered: &load::Discovered,
) -> Vec<(&'static str, String, PathBuf)> {
    discovered
        .files
        .iter()
        .filter_map(|f| {
            let stem = f.rel.file_stem()?.to_str()?;
            let loaded = match f.kind {
                Kind::Tool => catalog.tool(stem).is_some_and(|e| e.file == f.rel),
                Kind::Scenario => catalog.scenario(stem).is_some_and(|e| e.file == f.rel),
                Kind::Practice => catalog.practice(stem).is_some_and(|e| e.file == f.rel),
            };
            (!loaded).then(|| (f.kind.name(), stem.to_string(), f.rel.clone()))
        })
        .collect()
}

fn check_folder(entry: &Entry<Scenario>, cat: &str, folder: &str, report: &mut Report) {
    {
        if cat != folder {
            report.push(
                Diagnostic::error(
                    "category-folder",
                    &entry.file,
                    entry.doc().locate("/category"),
                    format!("category `{cat}` does not match the folder `{folder}` the file is in"),
                )
                .with_help(format!(
                    "move the file to catalog/scenarios/{cat}/, or set `category: {folder}`"
                )),
            );
        }
    }
}

/// Adds the item to `list`, returning its index.
fn push_entry<T: DeserializeOwned>(
    list: &mut Vec<Entry<T>>,
    value: &serde_json::Value,
    file: PathBuf,
    source: Arc<str>,
    report: &mut Report,
) -> Option<usize> {
    match T::deserialize(value) {
        Ok(item) => {
            list.push(Entry::new(item, file, source));
            Some(list.len() - 1)
        }
        // The schema and the model are kept in step by tests; should they
        // drift, the file is still reported rather than dropped silently.
        Err(e) => {
            report.push(Diagnostic::error(
                "schema",
                file,
                Span {
                    line: 1,
                    column: 1,
                    ..Span::default()
                },
                format!("does not fit the catalog model: {e}"),
            ));
            None
        }
    }
}

fn parse_file(config: &Config, found: &load::Found, schemas: &KindSchemas, memo: &Memo) -> Parsed {
    let text = match load::read_text(
        &config.root,
        &found.abs,
        &found.rel,
        config.settings.max_file_size,
    ) {
        Ok(t) => t,
        Err(d) => {
            return Parsed {
                found: found.clone(),
                text: None,
                outcome: Arc::new(Err(vec![*d])),
            }
        }
    };
    let outcome = memo
        .parsed(&found.rel, found.kind, &text)
        .unwrap_or_else(|| Arc::new(parse_text(&text, found, schemas)));
    Parsed {
        found: found.clone(),
        text: Some(Arc::from(text)),
        outcome,
    }
}

fn parse_text(
    text: &str,
    found: &load::Found,
    schemas: &KindSchemas,
) -> Result<serde_json::Value, Vec<Diagnostic>> {
    // Fast path: most files are valid, and need no positions.
    if let Ok(mut values) = yaml::parse_values(text) {
        if values.len() == 1
            && values[0].is_object()
            && schemas.get(found.kind).is_valid(&values[0])
        {
            return Ok(values.remove(0));
        }
    }
    let file = found.rel.as_path();
    let docs = yaml::parse_stream(text).map_err(|e| vec![yaml_diagnostic(file, e)])?;
    let mut docs = docs.into_iter();
    let doc = match (docs.next(), docs.next()) {
        (None, _) => {
            return Err(vec![Diagnostic::error("empty-file", file, Span { line: 1, column: 1, ..Span::default() }, "the file is empty")
                .with_help(format!("write a {} here (`chaosbook new {} ID` writes a commented template), or delete the file", found.kind.name(), found.kind.name()))])
        }
        (Some(_), Some(second)) => {
            return Err(vec![Diagnostic::error("yaml-syntax", file, second.span, "a second YAML document: a catalog file holds exactly one")
                .with_help("remove the `---` separator and what follows, or move it to a file of its own")])
        }
        (Some(doc), None) => doc,
    };
    if !doc.value.is_object() {
        return Err(vec![Diagnostic::error(
            "wrong-type",
            file,
            doc.span,
            format!("a {} file must be a mapping of fields", found.kind.name()),
        )
        .with_help("start with `id: ...`")]);
    }
    let diags = schemas.get(found.kind).check(
        &doc.value,
        &DocRef {
            file,
            doc: &doc,
            shift: None,
        },
        "",
    );
    if diags.is_empty() {
        Ok(doc.value)
    } else {
        Err(diags)
    }
}

/// The recorded lab runs, relative to the catalog folder.
pub const LAB_RUNS_FILE: &str = "lab-runs.yaml";

/// The schema of [`LAB_RUNS_FILE`], built in like the kinds' schemas.
pub const LAB_RUNS_SCHEMA: &str = include_str!("../../../catalog/schema/lab-runs.schema.json");

/// Reads `catalog/lab-runs.yaml` under the one rule of
/// [`crate::content_path`] and checks it against its schema, with
/// diagnostics at the node they concern.
fn load_lab_runs(
    config: &Config,
    rel: &std::path::Path,
    abs: &std::path::Path,
    report: &mut Report,
) -> Option<Entry<model::LabRuns>> {
    let text = match load::read_text(&config.root, abs, rel, config.settings.max_file_size) {
        Ok(t) => t,
        Err(d) => {
            report.push(*d);
            return None;
        }
    };
    let text: Arc<str> = Arc::from(text);
    report.sources.insert(rel.to_path_buf(), text.clone());
    let doc = match yaml::parse_single(&text) {
        Ok(doc) => doc,
        Err(e) => {
            report.push(yaml_diagnostic(rel, e));
            return None;
        }
    };
    let schema = serde_json::from_str(LAB_RUNS_SCHEMA)
        .map_err(|e| e.to_string())
        .and_then(schema::Schema::compile);
    let schema = match schema {
        Ok(s) => s,
        Err(e) => {
            report.push(Diagnostic::error(
                "schema",
                rel,
                Span::default(),
                format!("the built-in schema of the lab runs does not compile: {e}"),
            ));
            return None;
        }
    };
    let diags = schema.check(
        &doc.value,
        &DocRef {
            file: rel,
            doc: &doc,
            shift: None,
        },
        "",
    );
    if !diags.is_empty() {
        // The file is written by `chaosbook lab run SCENARIO --record`:
        // recording the run again rewrites it whole.
        report.diagnostics.extend(diags);
        return None;
    }
    let mut list = Vec::new();
    push_entry(&mut list, &doc.value, rel.to_path_buf(), text, report)?;
    list.pop()
}

pub(crate) fn yaml_diagnostic(file: &std::path::Path, e: yaml::YamlError) -> Diagnostic {
    let (code, help) = match e.kind {
        yaml::YamlErrorKind::Syntax => ("yaml-syntax", "fix the YAML syntax; indentation uses spaces, and `key: value` needs the space after the colon"),
        yaml::YamlErrorKind::DuplicateKey => ("duplicate-key", "remove one of the two entries; YAML mappings may not repeat a key"),
        yaml::YamlErrorKind::AliasLimit => ("alias-limit", "write the values out instead of nesting aliases"),
        yaml::YamlErrorKind::Unsupported => ("yaml-unsupported", "use plain YAML: no custom tags, merge keys or complex keys"),
    };
    let mut d = Diagnostic::error(code, file, e.span, e.message).with_help(help);
    if let Some((span, msg)) = e.related {
        d = d.with_related(file, span, msg);
    }
    d
}

fn load_formats(
    config: &Config,
    discovered: &load::Discovered,
    previous: &Memo,
    memo: &mut Memo,
    report: &mut Report,
) -> Formats {
    let mut formats = Formats::default();
    for (name, rel, abs) in &discovered.formats {
        let text = match load::read_text(&config.root, abs, rel, config.settings.max_file_size) {
            Ok(t) => t,
            Err(d) => {
                report.push(*d);
                continue;
            }
        };
        if let Some(f) = previous.format(rel, &text) {
            memo.keep_format(text, f.clone());
            formats.by_name.insert(name.clone(), f);
            continue;
        }
        let raw = match manifest::json_document(&text) {
            Ok(doc) => doc.value,
            Err(e) => {
                report.sources.insert(rel.clone(), text);
                report.push(Diagnostic::error(
                    "format-schema",
                    rel,
                    e.span,
                    format!("the format schema is not valid JSON: {}", e.message),
                ));
                continue;
            }
        };
        match schema::load_format(name, rel, raw) {
            Ok(f) => {
                let f = Arc::new(f);
                memo.keep_format(text, f.clone());
                formats.by_name.insert(name.clone(), f);
            }
            Err(msg) => {
                report.sources.insert(rel.clone(), text);
                report.push(
                    Diagnostic::error(
                        "format-schema",
                        rel,
                        Span {
                            line: 1,
                            column: 1,
                            ..Span::default()
                        },
                        format!("format `{name}`: {msg}"),
                    )
                    .with_help("see catalog/schema/README.md for what a format schema holds"),
                );
            }
        }
    }
    formats
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Should the schema and the model drift apart, a file the schema
    /// passes but the model cannot hold is still reported, at its first
    /// line and column (there is no better place to point at), and kept
    /// out of the catalog.
    #[test]
    fn a_file_the_model_cannot_hold_is_reported_at_its_start() {
        let mut tools: Vec<Entry<model::Tool>> = Vec::new();
        let mut report = Report::default();
        let at = push_entry(
            &mut tools,
            &serde_json::json!({"id": 5}),
            PathBuf::from("catalog/tools/x.yaml"),
            Arc::from("id: 5\n"),
            &mut report,
        );
        assert_eq!(at, None);
        assert!(tools.is_empty());
        let d = &report.diagnostics;
        assert_eq!(d.len(), 1);
        assert_eq!(
            (
                d[0].code,
                d[0].file_display(),
                d[0].span.line,
                d[0].span.column
            ),
            ("schema", "catalog/tools/x.yaml".to_string(), 1, 1)
        );
        assert!(
            d[0].message.starts_with("does not fit the catalog model: "),
            "{}",
            d[0].message
        );
    }
}
