//! The catalog model: typed, immutable, built only from files that passed
//! their JSON Schema (`catalog/schema/*.schema.json` is the documented form
//! of these types; the two are kept in step by tests).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What a fault or a tool acts on (`targets` in scenario and tool files).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Kubernetes objects: pods, deployments, nodes.
    Kubernetes,
    /// Containers addressed directly, not through Kubernetes objects.
    Container,
    /// A machine and its operating system: processes, CPU, memory, disks, network.
    Host,
    /// Amazon Web Services resources.
    Aws,
    /// Microsoft Azure resources.
    Azure,
    /// Google Cloud resources.
    Gcp,
    /// Applications running in a Java virtual machine.
    Jvm,
    /// TCP connections between a client and a service.
    Tcp,
    /// HTTP requests and responses.
    Http,
    /// The chaosbook lab: a small system on one machine's loopback
    /// (`chaosbook lab`), run by the scenario's `lab` block.
    Local,
}

/// A chaos-engineering tool of the landscape (`catalog/tools/<id>.yaml`), every
/// one presented with the same template.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Kebab-case identifier, unique among tools; implementations name it in `tool`.
    pub id: String,
    /// The tool's name as its own project writes it.
    pub name: String,
    /// Other names the tool goes by in prose (for the neutrality lint).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Two to four neutral sentences (markdown): what the tool is and how it
    /// injects faults.
    pub summary: String,
    /// The project's home page (absolute http(s) URL).
    pub homepage: String,
    /// The start of the tool's documentation (absolute http(s) URL).
    pub docs: String,
    /// The source repository, where the tool is open source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// SPDX license identifier, or `proprietary`.
    pub license: String,
    /// Who governs the project (a foundation, a company, a community).
    pub governance: String,
    /// The current release, or `managed-service` for a service without versions.
    pub current_version: String,
    /// What the tool's faults act on.
    pub targets: Vec<Target>,
    /// Ids of the manifest formats the tool runs, each with a schema in
    /// `catalog/schema/formats/`.
    pub formats: Vec<String>,
    /// How to stop the tool's experiments and check they left nothing behind.
    pub safety: Safety,
    /// What must be in place once before any of the tool's manifests run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<Prerequisites>,
    /// Why the tool cannot do a whole family of faults, written once and
    /// referred to by `reason_ref` from unsupported implementations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsupported_reasons: Vec<SharedReason>,
}

/// Set-up shared by all of a tool's manifests (service accounts, RBAC,
/// agents): applied once, so each implementation holds only its experiment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prerequisites {
    /// Markdown: what to install or apply once, and why.
    pub summary: String,
    /// Id of the manifest's format: one of the formats the tool declares.
    pub format: String,
    /// The manifest to apply once, with `{{ param }}` placeholders for `parameters`.
    pub manifest: String,
    /// The manifest's parameters, like a scenario's; `export --set` sets them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// The reason a tool cannot do a family of faults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedReason {
    /// Kebab-case name of the fault family, unique within the tool;
    /// `reason_ref` points at it.
    pub id: String,
    /// Why the tool cannot do faults of this family (markdown).
    pub reason: String,
}

/// How to stop a tool's experiments and check they left nothing behind:
/// the rows of the "stopping safely" table, each fact with its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// How an operator stops, pauses or kill-switches a running experiment.
    pub stop: SafetyFact,
    /// When the tool stops an experiment by itself.
    pub automatic_stop: SafetyFact,
    /// What happens to injected faults when the injecting process or agent dies.
    pub injector_failure: SafetyFact,
    /// How to check that the fault is gone after a stop.
    pub verify_cleanup: SafetyFact,
}

/// One safety fact (markdown) and the upstream page that documents it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyFact {
    /// The fact (markdown); where upstream documents nothing, it says so plainly.
    pub text: String,
    /// The upstream page that documents the fact (absolute URL).
    pub docs: String,
}

/// How much a scenario can break with its default parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlastRadius {
    /// `low`, `medium` or `high` (the schema holds the list).
    pub level: String,
    /// What is affected with the default parameters, in prose.
    pub scope: String,
}

/// A steady-state signal: a measured indicator and the bound it must stay
/// within during the experiment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// The measured signal (an SLI), in prose.
    pub signal: String,
    /// The bound the signal must stay within, e.g. "p99 < 300 ms".
    pub threshold: String,
    /// An example query for the signal, e.g. PromQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

/// The type of a scenario parameter: decides how a value is checked and how the
/// template filters render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Any text, optionally held to `pattern`.
    String,
    /// A whole number, optionally within `minimum`..`maximum`.
    Integer,
    /// A number that may have a fraction, optionally within `minimum`..`maximum`.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A duration written like `30s`, `5m`, `1h30m` or `500ms`, rendered per
    /// format by filters (seconds, ms, ISO 8601).
    Duration,
    /// One of the strings listed in `values`.
    Enum,
}

/// A value a manifest takes from its scenario (or from a tool's prerequisites),
/// settable with `export --set`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Snake_case name, used in manifests as `{{ name }}`.
    pub name: String,
    /// What values the parameter takes (`type` in YAML).
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// The value manifests are rendered and validated with.
    pub default: serde_json::Value,
    /// What the parameter controls (markdown).
    pub description: String,
    /// Lower bound; a duration string for duration parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Value>,
    /// Upper bound; a duration string for duration parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Value>,
    /// The allowed values of an enum parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// Regular expression a string value must match as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// A further-reading link of a scenario or practice.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// What the reader finds at the link.
    pub title: String,
    /// Absolute http(s) URL.
    pub url: String,
}

/// How far a tool does a scenario's fault. A support claim says exactly
/// what the tool does: an approximation is not native, and a tool that has
/// another catalog tool inject the fault says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    /// The tool injects the fault itself.
    Native,
    /// Through a maintained extension or plugin, named in `extension`.
    Extension,
    /// Something close but not the same; `differs` says what a reader gets
    /// that differs from the scenario's method.
    Approximation,
    /// The tool drives another catalog tool (named in `via`) whose injector
    /// does the work; `differs` is optional.
    Via,
    /// The tool cannot do it; `reason` says why.
    Unsupported,
}

impl Support {
    /// Every level, from the most direct to none.
    pub const ALL: [Support; 5] = [
        Support::Native,
        Support::Extension,
        Support::Approximation,
        Support::Via,
        Support::Unsupported,
    ];

    /// The value as written in YAML and in catalog.json / index.json.
    pub fn id(self) -> &'static str {
        match self {
            Support::Native => "native",
            Support::Extension => "extension",
            Support::Approximation => "approximation",
            Support::Via => "via",
            Support::Unsupported => "unsupported",
        }
    }
}

/// How one tool does a scenario: a runnable manifest, or an honest entry saying
/// why it cannot.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    /// Id of the tool (a file in `catalog/tools/`).
    pub tool: String,
    /// How far the tool does the scenario's fault.
    pub support: Support,
    /// Id of the manifest's format: one of the formats the tool declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The extension or plugin that provides the fault (`support: extension`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The catalog tool whose injector does the work (`support: via`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// What a reader gets that differs from the scenario's method
    /// (`support: approximation`, optional on `via`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differs: Option<String>,
    /// The complete runnable manifest in the format's own syntax, with
    /// `{{ param }}` placeholders for the scenario's parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// Path of a file that holds the manifest instead of `manifest`: relative
    /// to the scenario file, inside `catalog/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_file: Option<String>,
    /// The tool's documentation of this fault (absolute URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// The evidence that the manifest is one the tool accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<Verified>,
    /// Prerequisites, caveats, or how this implementation differs (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Why the tool cannot do it; for a `reason_ref`, the tool's shared
    /// reason (filled in by validation, so every view reads this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The id of one of the tool's `unsupported_reasons`, instead of `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_ref: Option<String>,
    /// For an unsupported entry: the closest thing the tool offers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
}

/// How a manifest was checked against the tool, weakest evidence last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifiedBy {
    /// Run against a real target with that version of the tool.
    Execution,
    /// Accepted by the tool's own validating program (`chaos validate`,
    /// an admission webhook, a server-side dry run).
    Validator,
    /// Valid against the schema the tool publishes for that version (a
    /// CRD's OpenAPI schema with unknown fields rejected, an ARM schema).
    Schema,
    /// Compared with the tool's documentation only (`url` names the page).
    Docs,
}

impl VerifiedBy {
    /// How the evidence reads in prose (site and PDF alike).
    pub fn label(self) -> &'static str {
        match self {
            VerifiedBy::Execution => "run",
            VerifiedBy::Validator => "accepted by its validator",
            VerifiedBy::Schema => "valid against its schema",
            VerifiedBy::Docs => "checked against its documentation",
        }
    }
}

/// What was verified, how and when: the evidence behind an implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    /// The tool version checked against; absent for a managed service,
    /// which has no version a user could pin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// How the manifest was checked, from running it to reading the docs.
    pub by: VerifiedBy,
    /// `YYYY-MM-DD`, the day of the check.
    pub date: String,
    /// The page or artifact checked against (required for `by: docs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Verified {
    /// One line for the site and the PDF: "2.8.3, valid against its schema
    /// (2026-12-03)" or "checked against its documentation (2026-11-25)".
    pub fn summary(&self) -> String {
        match &self.version {
            Some(v) => format!("{v}, {} ({})", self.by.label(), self.date),
            None => format!("{} ({})", self.by.label(), self.date),
        }
    }
}

impl Implementation {
    /// Whether the tool can do the fault at all (any level but `unsupported`).
    pub fn is_supported(&self) -> bool {
        self.support != Support::Unsupported
    }
}

/// A fault scenario (`catalog/scenarios/<category>/<id>.yaml`): the
/// tool-neutral experiment design and one implementation per tool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Kebab-case identifier, unique among scenarios; also the file's name and
    /// the page's.
    pub id: String,
    /// Short title, sentence case.
    pub title: String,
    /// One or two sentences: what fails and why it matters.
    pub summary: String,
    /// Category id; also the folder the file lives in.
    pub category: String,
    /// What the fault acts on.
    pub targets: Vec<Target>,
    /// Who the scenario is written for (`developer`, `sre`, ...).
    pub personas: Vec<String>,
    /// How much the experiment can break with its default parameters.
    pub blast_radius: BlastRadius,
    /// A quantified, falsifiable statement of the expected behaviour.
    pub hypothesis: String,
    /// The signals that define "healthy", each with its bound.
    pub steady_state: Vec<Signal>,
    /// What the fault does and how the experiment runs (markdown).
    pub method: String,
    /// The values the implementations' manifests take, with their defaults.
    pub parameters: Vec<Parameter>,
    /// Conditions that stop the experiment at once.
    pub abort_conditions: Vec<String>,
    /// How to restore the steady state (markdown).
    pub rollback: String,
    /// What to watch, and how to mark the experiment in telemetry (markdown,
    /// one item each).
    pub observability: Vec<String>,
    /// Security notes: the permissions the injection needs and what it could expose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<String>,
    /// Ids of the practices this scenario exercises.
    pub practices: Vec<String>,
    /// Ids of related scenarios.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Further reading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// One entry per tool: a manifest, or why the tool cannot do it.
    pub implementations: Vec<Implementation>,
    /// How `chaosbook lab` runs the scenario on loopback (target `local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<Lab>,
}

/// A scenario's lab block: experiments that run against the lab's shop on
/// 127.0.0.1, validated like implementations but rendered with the lab's
/// values (its short durations and addresses) over the defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// The scenario's own parameters set for the lab (short durations, loopback addresses), over the defaults.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub values: serde_json::Map<String, serde_json::Value>,
    /// The hypothesis the lab checks itself when it conducts an experiment
    /// whose tool only injects the fault (a Toxiproxy script): required
    /// by such an implementation, unused by a tool with a hypothesis of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steady_state: Option<LabSteadyState>,
    /// The experiments that run in the lab; never `unsupported`.
    pub implementations: Vec<Implementation>,
}

/// The lab's own steady-state hypothesis: every probe answers with a 2xx
/// status within its time, before the fault, during it and after it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabSteadyState {
    /// The hypothesis in words ("the storefront's checkout answers within 1.5 s").
    pub title: String,
    /// The HTTP GETs on the shop that must answer in time.
    pub probes: Vec<LabProbe>,
}

/// One probe of the lab's steady state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabProbe {
    /// An address of the shop on 127.0.0.1.
    pub url: String,
    /// How long the answer may take, as a duration (`1500ms`, `2s`).
    pub within: String,
}

/// How the lab runs a lab implementation, decided by its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabRunner {
    /// The tool brings its hypothesis and writes a journal (Chaos Toolkit):
    /// the lab starts it and reads its journal.
    Journal,
    /// The tool only injects (a Toxiproxy script): the lab conducts the
    /// experiment, probing the lab block's `steady_state` before, during
    /// and after the script, and checks that the proxies are clean after it.
    Conducted,
}

impl LabRunner {
    /// The runner for a manifest format; `None` for a format the lab cannot run.
    pub fn for_format(format: &str) -> Option<LabRunner> {
        match format {
            "chaostoolkit" => Some(LabRunner::Journal),
            "toxiproxy" => Some(LabRunner::Conducted),
            _ => None,
        }
    }

    /// The formats the lab runs, for messages.
    pub const FORMATS: &'static str = "chaostoolkit, toxiproxy";
}

/// `catalog/lab-runs.yaml`: the last recorded run of each lab experiment,
/// written by `chaosbook lab run SCENARIO --record` and shown on the
/// scenario's page. The test command runs every lab experiment again and
/// fails when a verdict differs from the recorded one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabRuns {
    /// One run per (scenario, tool), in the order of the file.
    pub runs: Vec<LabRun>,
}

/// One recorded run of a lab experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabRun {
    /// The scenario whose lab experiment ran.
    pub scenario: String,
    /// The tool of the lab implementation that ran.
    pub tool: String,
    /// `YYYY-MM-DD`, the day of the run (UTC).
    pub date: String,
    /// The version of the tool that ran the experiment.
    pub tool_version: String,
    /// Other packages the run used (libraries, extensions), by name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub versions: std::collections::BTreeMap<String, String>,
    /// The verdict, in the vocabulary's words: confirmed, refuted,
    /// inconclusive, or aborted for a stopped run.
    pub verdict: String,
    /// How long the run took, shop start to teardown.
    pub seconds: f64,
    /// What the probes measured before, during and after the fault.
    pub probes: ProbePhases,
    /// What served the tool's API when the tool's own server did not run
    /// (the lab's Toxiproxy-compatible proxy); absent when the tool ran whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// The probes of a run: the steady state before the fault, the method
/// during it, the steady state after it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbePhases {
    /// The steady-state probes before the fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ProbeSpan>,
    /// The probes of the method, during the fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub during: Option<ProbeSpan>,
    /// The steady-state probes after the fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ProbeSpan>,
}

/// How a group of probes went: how many, how long, which HTTP codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSpan {
    /// How many probes.
    pub count: u32,
    /// The fastest probe, in milliseconds.
    pub min_ms: u64,
    /// The slowest probe, in milliseconds.
    pub max_ms: u64,
    /// The HTTP status codes the probes got, each once, ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<u16>,
    /// How many probes failed (no answer, or a non-zero exit).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failed: u32,
    /// What process probes printed (the first line of each, each once):
    /// their measurement, where it is not an HTTP answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub said: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ProbeSpan {
    /// "21 ms (HTTP 200)", "200-216 ms (HTTP 200, 502)", "3-5 ms, 2 of 2
    /// failed": the same words in the terminal, on the site and in the PDF.
    pub fn text(&self) -> String {
        let mut out = if self.min_ms == self.max_ms {
            format!("{} ms", self.max_ms)
        } else {
            format!("{}\u{2013}{} ms", self.min_ms, self.max_ms)
        };
        if !self.codes.is_empty() {
            let codes: Vec<String> = self.codes.iter().map(u16::to_string).collect();
            out.push_str(&format!(" (HTTP {})", codes.join(", ")));
        }
        if self.failed > 0 {
            out.push_str(&format!(", {} of {} failed", self.failed, self.count));
        }
        if !self.said.is_empty() {
            out.push_str(&format!(" (said: {})", self.said.join(" | ")));
        }
        out
    }
}

/// What a verdict word means, as `lab run` prints it and the scenario page
/// shows it (the words of catalog/vocabulary.yaml).
pub fn verdict_meaning(word: &str) -> &'static str {
    match word {
        "confirmed" => "the steady state stayed within tolerance",
        "refuted" => "the steady state deviated during the fault",
        "aborted" => "the run was stopped before its end",
        _ => "the experiment failed before it could test the hypothesis",
    }
}

/// A best practice (`catalog/practices/<id>.yaml`), linked to the scenarios
/// that exercise it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    /// Kebab-case identifier, unique among practices.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The area of practice it belongs to (`gameday`, `observability`, ...).
    pub area: String,
    /// One or two sentences.
    pub summary: String,
    /// The practice itself (markdown).
    pub body: String,
    /// Ids of the scenarios that exercise this practice.
    pub scenarios: Vec<String>,
    /// Further reading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

/// A manifest after rendering with parameters: the text a tool runs.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedManifest {
    /// Id of the tool that runs it.
    pub tool: String,
    /// Id of the manifest's format.
    pub format: String,
    /// The manifest with every placeholder replaced.
    pub text: String,
}

/// Where an item came from, for diagnostics and "edit this page" links.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// Relative to the project root.
    pub file: PathBuf,
}

/// The three kinds of catalog files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A tool file, in `catalog/tools/`.
    Tool,
    /// A scenario file, in `catalog/scenarios/<category>/`.
    Scenario,
    /// A practice file, in `catalog/practices/`.
    Practice,
}

impl Kind {
    /// Every kind: tools, scenarios, practices.
    pub const ALL: [Kind; 3] = [Kind::Tool, Kind::Scenario, Kind::Practice];

    /// The kind's name in messages and in its schema's file name (`tool.schema.json`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Scenario => "scenario",
            Kind::Practice => "practice",
        }
    }

    /// The folder under `catalog/` that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Tool => "tools",
            Kind::Scenario => "scenarios",
            Kind::Practice => "practices",
        }
    }
}
