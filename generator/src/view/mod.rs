//! The catalog as readers see it: typed view models built once from a
//! validated [`Catalog`], with every label from [`labels`], every item in its
//! reading order and every implementation in tab order. The site's templates
//! (`theme/templates/catalog/`) and the PDF writer both read these, so the
//! two cannot disagree on what a scenario shows.
//!
//! Views borrow from the catalog and hold data, not markup: markdown fields
//! stay markdown (each output converts them), URLs are relative to the site
//! root (`catalog/tools/x.html`; a page prefixes its own way back), and
//! manifests are the rendered text (highlighting is the site's business).
//! [`fingerprints`] hashes exactly what the views and the published data
//! files are made from, so `serve` renders the catalog again when, and only
//! when, something a reader could see changed.

pub mod labels;

use std::collections::BTreeMap;
use std::hash::Hasher;

use rayon::prelude::*;
use serde::Serialize;

use crate::catalog::model::{
    verdict_meaning, Implementation, Lab, Practice, ProbeSpan, Reference, Safety, Scenario, Signal,
    Tool,
};
use crate::catalog::Catalog;
pub use labels::{Label, SupportLabel};

/// A link to a catalog item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRef<'a> {
    /// The item's id (a tool, scenario or practice id).
    pub id: &'a str,
    /// What a link to it reads: a tool's name, a scenario's or practice's title.
    pub title: &'a str,
    /// The page, relative to the site root.
    pub url: String,
}

/// A scenario category with its scenarios, in reading order.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryView<'a> {
    /// Category id, as scenarios write it in `category`.
    pub id: &'a str,
    /// The category's label from [`labels::CATEGORIES`].
    pub title: &'a str,
    /// The category's page, relative to the site root.
    pub url: String,
    /// In catalog (id) order.
    pub rows: Vec<RowView<'a>>,
}

/// A scenario as lists and the coverage matrix show it.
#[derive(Debug, Clone, Serialize)]
pub struct RowView<'a> {
    /// Index into [`CatalogView::scenarios`].
    pub index: usize,
    /// The scenario, linked.
    pub scenario: ItemRef<'a>,
    /// Markdown: one or two sentences from the scenario.
    pub summary: &'a str,
    /// One per tool, in the order of [`CatalogView::tools`].
    pub cells: Vec<Cell<'a>>,
}

/// A manifest format as a tab shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FormatView<'a> {
    /// Format id (the schema's file name without `.schema.json`).
    pub name: &'a str,
    /// What a tab says for the format ("Chaos Mesh").
    pub label: &'a str,
    /// File extension of its manifests, without the dot.
    pub extension: &'a str,
    /// The format's upstream documentation (absolute URL).
    pub docs: &'a str,
    /// The code-block language its manifests are highlighted as.
    pub language: &'static str,
}

/// A scenario parameter as the parameter table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterView<'a> {
    /// Snake_case name, as manifests use it in `{{ name }}`.
    pub name: &'a str,
    /// The type's label ("duration", "integer", ...).
    pub kind: &'static str,
    /// The default as written (strings without quotes).
    pub default: String,
    /// Markdown: what the parameter controls.
    pub description: &'a str,
}

/// One tool's entry for a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ImplementationView<'a> {
    /// The tool, linked.
    pub tool: ItemRef<'a>,
    /// The support level, with its label.
    pub support: &'static SupportLabel,
    /// Whether the tool does the fault at all (any level but unsupported).
    pub supported: bool,
    /// The extension or plugin that provides the fault (`support: extension`).
    pub extension: Option<&'a str>,
    /// The tool whose injector does the work (`support: via`).
    pub via: Option<ItemRef<'a>>,
    /// Markdown: what differs from the scenario's method.
    pub differs: Option<&'a str>,
    /// The manifest's format; `None` for an unsupported entry.
    pub format: Option<FormatView<'a>>,
    /// The evidence behind the manifest, as one line ("2.8.3, valid
    /// against its schema (2026-12-03)").
    pub verified: Option<String>,
    /// Whether the tool's prerequisites must be applied first.
    pub prerequisites: bool,
    /// The tool's documentation of this fault.
    pub docs: Option<&'a str>,
    /// Markdown.
    pub notes: Option<&'a str>,
    /// Markdown: why the tool cannot do it.
    pub reason: Option<&'a str>,
    /// Markdown: the closest thing it offers.
    pub alternative: Option<&'a str>,
    /// The manifest rendered with the scenario's defaults.
    pub manifest: Option<&'a str>,
    /// The file name `export` writes it as (`pod-delete.yaml`).
    pub file: Option<String>,
    /// The command that runs the file.
    pub run: Option<String>,
}

/// A scenario's lab experiments: how `chaosbook lab` runs it on one machine.
#[derive(Debug, Clone, Serialize)]
pub struct LabView<'a> {
    /// The lab's values of the scenario's parameters, as `name = value`
    /// pairs, in the order of the lab block.
    pub values: Vec<String>,
    /// One per lab implementation, in the lab block's order.
    pub experiments: Vec<LabExperimentView<'a>>,
}

/// One lab experiment: the implementation (its manifest rendered with the
/// lab's values), the command that runs it, and its recorded run.
#[derive(Debug, Clone, Serialize)]
pub struct LabExperimentView<'a> {
    /// The implementation; `manifest` is the lab's experiment.
    pub implementation: ImplementationView<'a>,
    /// The command that runs it: `chaosbook lab run ID` (with `--tool`
    /// when it is not the scenario's first lab implementation).
    pub command: String,
    /// The recorded run, if there is one.
    pub run: Option<LabRunView<'a>>,
}

/// A recorded lab run, in words.
#[derive(Debug, Clone, Serialize)]
pub struct LabRunView<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The tool's version that ran it.
    pub tool_version: &'a str,
    /// The other packages, "chaostoolkit-lib 1.45.1, ...".
    pub versions: String,
    /// What served the tool's API when the tool's own server did not run.
    pub server: Option<&'a str>,
    /// confirmed, refuted, inconclusive or aborted.
    pub verdict: &'a str,
    /// What the verdict means.
    pub meaning: &'static str,
    /// The probes before, during and after the fault, in words ("21 ms (HTTP 200)").
    pub before: Option<String>,
    /// See `before`.
    pub during: Option<String>,
    /// See `before`.
    pub after: Option<String>,
    /// How long the run took, in whole seconds.
    pub seconds: u64,
}

/// A scenario page's data: the experiment design with every label resolved, and
/// the implementations in tab order.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView<'a> {
    /// Scenario id; also the page's file name.
    pub id: &'a str,
    /// Short title, sentence case.
    pub title: &'a str,
    /// Markdown: what fails and why it matters.
    pub summary: &'a str,
    /// The scenario's page, relative to the site root.
    pub url: String,
    /// The category, labelled (an empty label if the id is unknown).
    pub category: Label,
    /// The category's label, or its id when the table has no label for it.
    pub category_title: &'a str,
    /// What the fault acts on, labelled.
    pub targets: Vec<Label>,
    /// Who it is written for, as labels (`SRE`, `QA`, ...).
    pub personas: Vec<&'a str>,
    /// The persona ids as written, for the index's `data-` attributes.
    pub persona_ids: &'a [String],
    /// `low`, `medium` or `high`.
    pub blast_level: &'a str,
    /// What is affected with the default parameters.
    pub blast_scope: &'a str,
    /// The expected behaviour, quantified and falsifiable.
    pub hypothesis: &'a str,
    /// The signals that define "healthy", each with its bound.
    pub steady_state: &'a [Signal],
    /// Markdown.
    pub method: &'a str,
    /// The parameters, in the order the scenario lists them.
    pub parameters: Vec<ParameterView<'a>>,
    /// Conditions that stop the experiment at once.
    pub abort_conditions: &'a [String],
    /// Markdown.
    pub rollback: &'a str,
    /// Markdown items: what to watch and how to mark the experiment in telemetry.
    pub observability: &'a [String],
    /// Markdown.
    pub security: Option<&'a str>,
    /// The practices it exercises, linked.
    pub practices: Vec<ItemRef<'a>>,
    /// Related scenarios, linked.
    pub related: Vec<ItemRef<'a>>,
    /// Further reading.
    pub references: &'a [Reference],
    /// In tab order ([`Catalog::tab_order`]).
    pub implementations: Vec<ImplementationView<'a>>,
    /// The tab selected first: the first supported implementation.
    pub selected: usize,
    /// How many tools do it at all (implementations not unsupported).
    pub supported: usize,
    /// The ids of those tools, in tab order (what the index filters on,
    /// without copying every implementation in a template).
    pub tool_ids: Vec<&'a str>,
    /// How the lab runs it on one machine, if it can.
    pub lab: Option<LabView<'a>>,
}

/// How many of a tool's entries have one support level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    /// The support level.
    pub level: &'static SupportLabel,
    /// The tool's entries at that level.
    pub count: usize,
}

/// A scenario as a tool's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ToolEntry<'a> {
    /// The scenario, linked.
    pub scenario: ItemRef<'a>,
    /// The tool's support level for it.
    pub support: &'static SupportLabel,
    /// The extension or plugin that provides the fault (`support: extension`).
    pub extension: Option<&'a str>,
    /// The tool whose injector does the work (`support: via`).
    pub via: Option<ItemRef<'a>>,
    /// Markdown, for unsupported entries.
    pub reason: Option<&'a str>,
}

/// A tool page's data: facts, coverage, safety and the scenarios it does or cannot do.
#[derive(Debug, Clone, Serialize)]
pub struct ToolView<'a> {
    /// Tool id; also the page's file name.
    pub id: &'a str,
    /// The tool's name as its project writes it.
    pub name: &'a str,
    /// The tool's page, relative to the site root.
    pub url: String,
    /// Markdown: what it is and how it injects faults.
    pub summary: &'a str,
    /// The project's home page.
    pub homepage: &'a str,
    /// The start of the tool's documentation.
    pub docs: &'a str,
    /// The source repository, where the tool is open source.
    pub source: Option<&'a str>,
    /// SPDX license identifier, or `proprietary`.
    pub license: &'a str,
    /// Who governs the project, labelled ("CNCF incubating project").
    pub governance: &'a str,
    /// The current release, or `managed-service`.
    pub current_version: &'a str,
    /// What its faults act on, labelled.
    pub targets: Vec<Label>,
    /// The labels of the formats it runs ("Chaos Mesh"); the id where a format
    /// is unknown.
    pub formats: Vec<&'a str>,
    /// Scenarios it runs (any supported level), in catalog order.
    pub implemented: Vec<ToolEntry<'a>>,
    /// Scenarios it cannot do, in catalog order, each with its reason.
    pub unsupported: Vec<ToolEntry<'a>>,
    /// Entries per support level, every level listed.
    pub coverage: Vec<LevelCount>,
    /// How to stop its experiments and verify cleanup (markdown facts).
    pub safety: &'a Safety,
    /// What must be in place once before any of the tool's manifests run.
    pub prerequisites: Option<PrerequisitesView<'a>>,
}

/// A tool's prerequisites as its page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PrerequisitesView<'a> {
    /// Markdown.
    pub summary: &'a str,
    /// The manifest rendered with its defaults.
    pub manifest: &'a str,
    /// The code-block language it is highlighted as.
    pub language: &'static str,
    /// Backticks enough to fence the manifest in markdown: one more than
    /// its longest run of backticks, at least three.
    pub fence: String,
}

/// A practice page's data.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeView<'a> {
    /// Practice id; also the page's file name.
    pub id: &'a str,
    /// Short title.
    pub title: &'a str,
    /// The practice's page, relative to the site root.
    pub url: String,
    /// The area of practice, labelled ("GameDays").
    pub area: &'a str,
    /// Markdown: one or two sentences.
    pub summary: &'a str,
    /// Markdown.
    pub body: &'a str,
    /// The scenarios that exercise it, linked (an unknown id links nowhere).
    pub scenarios: Vec<ItemRef<'a>>,
    /// Further reading.
    pub references: &'a [Reference],
}

/// One cell of the coverage matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Cell<'a> {
    /// Tool id: the link selects this tool's tab (`?tool=`).
    pub tool: &'a str,
    /// The tool's name, for the cell's title and accessible name.
    pub tool_name: &'a str,
    /// `None`: the scenario has no entry for the tool.
    pub support: Option<&'static SupportLabel>,
}

/// One choice of a filter facet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FacetValue<'a> {
    /// What the form sends and an item's `data-` attribute holds (an id).
    pub value: &'a str,
    /// What the reader sees.
    pub label: &'a str,
}

/// A filter of the faceted index.
#[derive(Debug, Clone, Serialize)]
pub struct Facet<'a> {
    /// The form field and `data-` attribute name.
    pub name: &'static str,
    /// The facet's heading ("Blast radius").
    pub label: &'static str,
    /// The values that occur in the catalog, each once: categories in
    /// reading order, tools by name, the rest by id.
    pub values: Vec<FacetValue<'a>>,
}

/// The whole catalog, ready for templates and the PDF.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogView<'a> {
    /// By name, case-insensitive: a neutral order for tables and cards.
    pub tools: Vec<ToolView<'a>>,
    /// By id, as the catalog holds them.
    pub scenarios: Vec<ScenarioView<'a>>,
    /// Categories that have scenarios, in reading order.
    pub categories: Vec<CategoryView<'a>>,
    /// By id.
    pub practices: Vec<PracticeView<'a>>,
    /// Every support level, for legends.
    pub support_levels: &'static [SupportLabel],
    /// The index's filters: category, target, tool, persona, blast radius.
    pub facets: Vec<Facet<'a>>,
    /// Implementations that run (every level but unsupported).
    pub implemented: usize,
}

/// A scenario's page, relative to the site root
/// (`catalog/scenarios/network/latency.html`).
pub fn scenario_url(s: &Scenario) -> String {
    format!("catalog/scenarios/{}/{}.html", s.category, s.id)
}

/// A tool's page, relative to the site root.
pub fn tool_url(id: &str) -> String {
    format!("catalog/tools/{id}.html")
}

/// A practice's page, relative to the site root.
pub fn practice_url(id: &str) -> String {
    format!("catalog/practices/{id}.html")
}

/// A category's page, relative to the site root.
pub fn category_url(id: &str) -> String {
    format!("catalog/scenarios/{id}.html")
}

impl<'a> CatalogView<'a> {
    /// Builds every view once from a validated catalog.
    pub fn new(catalog: &'a Catalog) -> Self {
        let mut tools: Vec<&Tool> = catalog.tools.iter().map(|t| &t.item).collect();
        tools.sort_by_cached_key(|t| (t.name.to_lowercase(), t.id.clone()));
        let scenarios: Vec<ScenarioView<'a>> = catalog
            .scenarios
            .iter()
            .map(|e| scenario(catalog, &e.item))
            .collect();
        let row = |index: usize, s: &'a Scenario| RowView {
            index,
            scenario: ItemRef {
                id: &s.id,
                title: &s.title,
                url: scenario_url(s),
            },
            summary: &s.summary,
            cells: tools
                .iter()
                .map(|t| Cell {
                    tool: &t.id,
                    tool_name: &t.name,
                    support: s
                        .implementations
                        .iter()
                        .find(|i| i.tool == t.id)
                        .map(|i| labels::support(i.support)),
                })
                .collect(),
        };
        let categories = labels::CATEGORIES
            .iter()
            .map(|c| CategoryView {
                id: c.id,
                title: c.label,
                url: category_url(c.id),
                rows: catalog
                    .scenarios
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.item.category == c.id)
                    .map(|(i, s)| row(i, &s.item))
                    .collect(),
            })
            .filter(|c| !c.rows.is_empty())
            .collect();
        let implemented = scenarios.iter().map(|s| s.supported).sum();
        let facets = facets(catalog, &tools);
        CatalogView {
            tools: tools.iter().map(|t| tool(catalog, t)).collect(),
            categories,
            practices: catalog
                .practices
                .iter()
                .map(|p| practice(catalog, &p.item))
                .collect(),
            support_levels: &labels::SUPPORT,
            facets,
            implemented,
            scenarios,
        }
    }

    /// A scenario's view by id (views are in id order).
    pub fn scenario(&self, id: &str) -> Option<&ScenarioView<'a>> {
        self.scenarios
            .binary_search_by(|s| s.id.cmp(id))
            .ok()
            .map(|i| &self.scenarios[i])
    }
}

fn tool_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.tool(id).map_or(id, |t| t.item.name.as_str())
}

fn tool_ref<'a>(catalog: &'a Catalog, id: &'a str) -> ItemRef<'a> {
    ItemRef {
        id,
        title: tool_name(catalog, id),
        url: tool_url(id),
    }
}

fn scenario_ref<'a>(catalog: &'a Catalog, id: &'a str) -> ItemRef<'a> {
    match catalog.scenario(id) {
        Some(e) => ItemRef {
            id,
            title: &e.item.title,
            url: scenario_url(&e.item),
        },
        None => ItemRef {
            id,
            title: id,
            url: String::new(),
        },
    }
}

fn practice_ref<'a>(catalog: &'a Catalog, id: &'a str) -> ItemRef<'a> {
    ItemRef {
        id,
        title: catalog.practice(id).map_or(id, |p| p.item.title.as_str()),
        url: practice_url(id),
    }
}

fn scenario<'a>(catalog: &'a Catalog, s: &'a Scenario) -> ScenarioView<'a> {
    let implementations: Vec<ImplementationView<'a>> = catalog
        .tab_order(s)
        .into_iter()
        .map(|imp| implementation(catalog, s, imp))
        .collect();
    let category = labels::CATEGORIES
        .iter()
        .find(|c| c.id == s.category)
        .copied();
    ScenarioView {
        id: &s.id,
        title: &s.title,
        summary: &s.summary,
        url: scenario_url(s),
        category_title: category.map_or(s.category.as_str(), |c| c.label),
        category: category.unwrap_or(Label { id: "", label: "" }),
        targets: s.targets.iter().map(labels::target).collect(),
        personas: s
            .personas
            .iter()
            .map(|p| labels::lookup(&labels::PERSONAS, p))
            .collect(),
        persona_ids: &s.personas,
        blast_level: &s.blast_radius.level,
        blast_scope: &s.blast_radius.scope,
        hypothesis: &s.hypothesis,
        steady_state: &s.steady_state,
        method: &s.method,
        parameters: s
            .parameters
            .iter()
            .map(|p| ParameterView {
                name: &p.name,
                kind: labels::param_type(p.kind),
                default: p
                    .default
                    .as_str()
                    .map_or_else(|| p.default.to_string(), str::to_string),
                description: &p.description,
            })
            .collect(),
        abort_conditions: &s.abort_conditions,
        rollback: &s.rollback,
        observability: &s.observability,
        security: s.security.as_deref(),
        practices: s
            .practices
            .iter()
            .map(|p| practice_ref(catalog, p))
            .collect(),
        related: s.related.iter().map(|r| scenario_ref(catalog, r)).collect(),
        references: &s.references,
        selected: implementations
            .iter()
            .position(|i| i.supported)
            .unwrap_or(0),
        supported: implementations.iter().filter(|i| i.supported).count(),
        tool_ids: implementations
            .iter()
            .filter(|i| i.supported)
            .map(|i| i.tool.id)
            .collect(),
        implementations,
        lab: s.lab.as_ref().map(|lab| lab_view(catalog, s, lab)),
    }
}

fn lab_view<'a>(catalog: &'a Catalog, s: &'a Scenario, lab: &'a Lab) -> LabView<'a> {
    let experiments = lab
        .implementations
        .iter()
        .enumerate()
        .map(|(i, imp)| {
            let mut implementation = implementation(catalog, s, imp);
            let manifest = catalog.lab_manifests.get(&(s.id.clone(), imp.tool.clone()));
            implementation.manifest = manifest.map(|m| &*m.rendered);
            // The lab needs no set-up of the tool's own, and runs the
            // experiment itself (`command`).
            implementation.prerequisites = false;
            implementation.run = None;
            let command = match i {
                0 => format!("chaosbook lab run {}", s.id),
                _ => format!("chaosbook lab run {} --tool {}", s.id, imp.tool),
            };
            let run = catalog.lab_run(&s.id, &imp.tool).map(|r| LabRunView {
                date: &r.date,
                tool_version: &r.tool_version,
                versions: r
                    .versions
                    .iter()
                    .map(|(n, v)| format!("{n} {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                server: r.server.as_deref(),
                verdict: &r.verdict,
                meaning: verdict_meaning(&r.verdict),
                before: r.probes.before.as_ref().map(ProbeSpan::text),
                during: r.probes.during.as_ref().map(ProbeSpan::text),
                after: r.probes.after.as_ref().map(ProbeSpan::text),
                seconds: r.seconds.round() as u64,
            });
            LabExperimentView {
                implementation,
                command,
                run,
            }
        })
        .collect();
    LabView {
        values: lab
            .values
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(text) => format!("{k} = {text}"),
                None => format!("{k} = {v}"),
            })
            .collect(),
        experiments,
    }
}

fn implementation<'a>(
    catalog: &'a Catalog,
    s: &'a Scenario,
    imp: &'a Implementation,
) -> ImplementationView<'a> {
    let format = imp.format.as_deref().and_then(|f| catalog.formats.get(f));
    let manifest = if imp.is_supported() {
        catalog.manifest(&s.id, &imp.tool)
    } else {
        None
    };
    let file = match (manifest, format) {
        (Some(_), Some(f)) => Some(format!("{}.{}", s.id, f.extension)),
        _ => None,
    };
    ImplementationView {
        tool: tool_ref(catalog, &imp.tool),
        support: labels::support(imp.support),
        supported: imp.is_supported(),
        extension: imp.extension.as_deref(),
        via: imp.via.as_deref().map(|v| tool_ref(catalog, v)),
        differs: imp.differs.as_deref(),
        format: format.map(|f| FormatView {
            name: &f.name,
            label: &f.label,
            extension: &f.extension,
            docs: &f.docs,
            language: f.syntax.language(),
        }),
        verified: imp.verified.as_ref().map(|v| v.summary()),
        prerequisites: catalog.prerequisites.contains_key(&imp.tool),
        docs: imp.docs.as_deref(),
        notes: imp.notes.as_deref(),
        reason: imp.reason.as_deref(),
        alternative: imp.alternative.as_deref(),
        manifest: manifest.map(|m| &*m.rendered),
        run: match (&file, format) {
            (Some(file), Some(f)) => Some(f.run.replace("{file}", file)),
            _ => None,
        },
        file,
    }
}

fn tool<'a>(catalog: &'a Catalog, t: &'a Tool) -> ToolView<'a> {
    let mut implemented = Vec::new();
    let mut unsupported = Vec::new();
    let mut counts = [0usize; labels::SUPPORT.len()];
    for e in &catalog.scenarios {
        let Some(imp) = e.item.implementations.iter().find(|i| i.tool == t.id) else {
            continue;
        };
        let support = labels::support(imp.support);
        if let Some(i) = labels::SUPPORT.iter().position(|l| l.id == support.id) {
            counts[i] += 1;
        }
        let entry = ToolEntry {
            scenario: ItemRef {
                id: &e.item.id,
                title: &e.item.title,
                url: scenario_url(&e.item),
            },
            support,
            extension: imp.extension.as_deref(),
            via: imp.via.as_deref().map(|v| tool_ref(catalog, v)),
            reason: imp.reason.as_deref(),
        };
        if imp.is_supported() {
            implemented.push(entry);
        } else {
            unsupported.push(entry);
        }
    }
    ToolView {
        id: &t.id,
        name: &t.name,
        url: tool_url(&t.id),
        summary: &t.summary,
        homepage: &t.homepage,
        docs: &t.docs,
        source: t.source.as_deref(),
        license: &t.license,
        governance: labels::lookup(&labels::GOVERNANCE, &t.governance),
        current_version: &t.current_version,
        targets: t.targets.iter().map(labels::target).collect(),
        formats: t
            .formats
            .iter()
            .map(|f| {
                catalog
                    .formats
                    .get(f)
                    .map_or(f.as_str(), |x| x.label.as_str())
            })
            .collect(),
        implemented,
        unsupported,
        coverage: labels::SUPPORT
            .iter()
            .zip(counts)
            .map(|(level, count)| LevelCount { level, count })
            .collect(),
        safety: &t.safety,
        prerequisites: prerequisites(catalog, t),
    }
}

fn prerequisites<'a>(catalog: &'a Catalog, t: &'a Tool) -> Option<PrerequisitesView<'a>> {
    let (pre, m) = (t.prerequisites.as_ref()?, catalog.prerequisites.get(&t.id)?);
    Some(PrerequisitesView {
        summary: &pre.summary,
        manifest: &m.rendered,
        language: catalog
            .formats
            .get(&pre.format)
            .map_or("text", |f| f.syntax.language()),
        fence: code_fence(&m.rendered),
    })
}

/// A markdown code fence that `text` cannot close: one backtick more than
/// its longest run of backticks, and never fewer than three.
fn code_fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn practice<'a>(catalog: &'a Catalog, p: &'a Practice) -> PracticeView<'a> {
    PracticeView {
        id: &p.id,
        title: &p.title,
        url: practice_url(&p.id),
        area: labels::lookup(&labels::PRACTICE_AREAS, &p.area),
        summary: &p.summary,
        body: &p.body,
        scenarios: p
            .scenarios
            .iter()
            .map(|s| scenario_ref(catalog, s))
            .collect(),
        references: &p.references,
    }
}

/// The index's filters: values that occur, categories in reading order,
/// tools by name, the rest sorted by id.
fn facets<'a>(catalog: &'a Catalog, tools: &[&'a Tool]) -> Vec<Facet<'a>> {
    let mut found: BTreeMap<&'static str, Vec<FacetValue<'a>>> = BTreeMap::new();
    let mut add = |facet: &'static str, value: &'a str, label: &'a str| {
        let list = found.entry(facet).or_default();
        if !list.iter().any(|v| v.value == value) {
            list.push(FacetValue { value, label });
        }
    };
    for c in labels::CATEGORIES {
        if catalog.scenarios.iter().any(|s| s.item.category == c.id) {
            add("category", c.id, c.label);
        }
    }
    for s in catalog.scenarios.iter().map(|e| &e.item) {
        for t in &s.targets {
            let l = labels::target(t);
            add("target", l.id, l.label);
        }
        for p in &s.personas {
            add("persona", p, labels::lookup(&labels::PERSONAS, p));
        }
        add("blast", &s.blast_radius.level, &s.blast_radius.level);
    }
    for t in tools {
        add("tool", &t.id, &t.name);
    }
    [
        ("category", "Category"),
        ("target", "Target"),
        ("tool", "Tool"),
        ("persona", "Persona"),
        ("blast", "Blast radius"),
    ]
    .into_iter()
    .map(|(name, label)| {
        let mut values = found.remove(name).unwrap_or_default();
        if name != "category" && name != "tool" {
            values.sort();
        }
        Facet {
            name,
            label,
            values,
        }
    })
    .collect()
}

/// Hashes of what the catalog's pages and data files are made from, fed
/// through serde, so a field added to a view or to the model is covered
/// without being listed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    /// Everything: the views (every label, URL and rendered manifest a page
    /// shows) and the catalog as `catalog.json` and the published schemas
    /// carry it.
    pub catalog: u64,
    /// By scenario id: what a widget of that one scenario is made from (its
    /// view, its model, its manifests, and the formats an embed's values
    /// are checked against). A scenario's edit leaves the others' alone,
    /// so `serve` renders again only the pages that show it.
    pub scenarios: std::collections::HashMap<String, u64>,
}

/// The catalog's [`Fingerprints`]; every scenario view is serialised once.
pub fn fingerprints(catalog: &Catalog, view: &CatalogView<'_>) -> Fingerprints {
    let formats = {
        let mut h = HashWriter::new();
        for f in catalog.formats.by_name.values() {
            (&f.name, &f.label, f.syntax, &f.extension, &f.run, &f.docs).write_json(&mut h);
            f.schema.raw.write_json(&mut h);
        }
        h.finish()
    };
    // Each scenario on its own (in parallel): most of the cost is
    // serialising its manifests.
    let scenarios: std::collections::HashMap<String, u64> = view
        .scenarios
        .par_iter()
        .filter_map(|v| Some((v, catalog.scenario(v.id)?)))
        .map(|(v, s)| {
            let mut h = HashWriter::new();
            h.write_u64(formats);
            v.write_json(&mut h);
            s.item.write_json(&mut h);
            for manifests in [&catalog.manifests, &catalog.lab_manifests] {
                let own = manifests
                    .range((v.id.to_string(), String::new())..)
                    .take_while(|((scenario, _), _)| scenario == v.id);
                for (key, m) in own {
                    (key, &m.format, &m.template, &*m.rendered).write_json(&mut h);
                }
            }
            (v.id.to_string(), h.finish())
        })
        .collect();

    let mut h = HashWriter::new();
    h.write_u64(formats);
    // Every field of the view, named so that a new one does not compile
    // until it is fed; the scenarios through their own fingerprints.
    let CatalogView {
        tools,
        scenarios: scenario_views,
        categories,
        practices,
        support_levels,
        facets,
        implemented,
    } = view;
    for v in scenario_views {
        h.write_u64(scenarios.get(v.id).copied().unwrap_or_default());
        v.id.write_json(&mut h);
    }
    (
        tools,
        categories,
        practices,
        support_levels,
        facets,
        implemented,
    )
        .write_json(&mut h);
    for t in &catalog.tools {
        t.item.write_json(&mut h);
    }
    for p in &catalog.practices {
        p.item.write_json(&mut h);
    }
    for (key, m) in &catalog.prerequisites {
        (key, &m.format, &m.template, &*m.rendered).write_json(&mut h);
    }
    Fingerprints {
        catalog: h.finish(),
        scenarios,
    }
}

/// A hash of `value` as JSON, the form a template receives it in (no
/// string is built).
pub fn json_hash(value: &impl Serialize) -> u64 {
    let mut h = HashWriter::new();
    // Writing into a hasher cannot fail; see `erased` for the values.
    let _ = serde_json::to_writer(&mut h, value);
    h.finish()
}

/// Feeds JSON bytes into a hasher, in large pieces: serde writes a value
/// a few bytes at a time, and the hasher's cost is mostly per call (with
/// small writes, hashing took longer than serialising).
struct HashWriter {
    hasher: std::collections::hash_map::DefaultHasher,
    buf: Vec<u8>,
}

impl HashWriter {
    const PIECE: usize = 64 << 10;

    fn new() -> Self {
        HashWriter {
            hasher: std::collections::hash_map::DefaultHasher::new(),
            buf: Vec::new(),
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.buf.extend_from_slice(&n.to_le_bytes());
    }

    fn finish(mut self) -> u64 {
        self.hasher.write(&self.buf);
        self.hasher.finish()
    }
}

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= Self::PIECE {
            self.hasher.write(&self.buf);
            self.buf.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

use erased::Serialize as _;

/// Serialising values of different types through one closure.
mod erased {
    pub(crate) trait Serialize {
        fn write_json(&self, out: &mut dyn std::io::Write);
    }

    impl<T: serde::Serialize + ?Sized> Serialize for T {
        fn write_json(&self, out: &mut dyn std::io::Write) {
            // Writing into a hasher cannot fail, and every view and model
            // type serialises (they are made of strings, numbers and lists).
            let _ = serde_json::to_writer(out, self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::code_fence;

    #[test]
    fn a_code_fence_outruns_every_backtick_run_and_has_at_least_three() {
        assert_eq!(code_fence(""), "```");
        assert_eq!(code_fence("kind: PodChaos\n"), "```");
        assert_eq!(code_fence("echo `date`"), "```");
        assert_eq!(code_fence("a ```` b"), "`````");
        // The run sets the length, however short the text around it.
        assert_eq!(code_fence("a\n``````\nb"), "```````");
    }
}
