//! The catalog model: typed, immutable, built only from files that passed
//! their JSON Schema (`catalog/schema/*.schema.json` is the documented form
//! of these types; the two are kept in step by tests).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Kubernetes,
    Container,
    Host,
    Aws,
    Azure,
    Gcp,
    Jvm,
    Tcp,
    Http,
    /// The chaosbook lab: a small system on one machine's loopback
    /// (`chaosbook lab`), run by the scenario's `lab` block.
    Local,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub id: String,
    pub name: String,
    /// Other names the tool goes by in prose (for the neutrality lint).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub summary: String,
    pub homepage: String,
    pub docs: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub license: String,
    pub governance: String,
    pub current_version: String,
    pub targets: Vec<Target>,
    pub formats: Vec<String>,
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
    pub format: String,
    pub manifest: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// The reason a tool cannot do a family of faults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedReason {
    pub id: String,
    pub reason: String,
}

/// How to stop a tool's experiments and check they left nothing behind:
/// the rows of the "stopping safely" table, each fact with its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    pub stop: SafetyFact,
    pub automatic_stop: SafetyFact,
    pub injector_failure: SafetyFact,
    pub verify_cleanup: SafetyFact,
}

/// One safety fact (markdown) and the upstream page that documents it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyFact {
    pub text: String,
    pub docs: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlastRadius {
    pub level: String,
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    pub signal: String,
    pub threshold: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Duration,
    Enum,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub default: serde_json::Value,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    pub tool: String,
    pub support: Support,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The catalog tool whose injector does the work (`support: via`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// What a reader gets that differs from the scenario's method
    /// (`support: approximation`, optional on `via`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<Verified>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Why the tool cannot do it; for a `reason_ref`, the tool's shared
    /// reason (filled in by validation, so every view reads this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The id of one of the tool's `unsupported_reasons`, instead of `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_ref: Option<String>,
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
    pub fn is_supported(&self) -> bool {
        self.support != Support::Unsupported
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub targets: Vec<Target>,
    pub personas: Vec<String>,
    pub blast_radius: BlastRadius,
    pub hypothesis: String,
    pub steady_state: Vec<Signal>,
    pub method: String,
    pub parameters: Vec<Parameter>,
    pub abort_conditions: Vec<String>,
    pub rollback: String,
    pub observability: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<String>,
    pub practices: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
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
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub values: serde_json::Map<String, serde_json::Value>,
    pub implementations: Vec<Implementation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub id: String,
    pub title: String,
    pub area: String,
    pub summary: String,
    pub body: String,
    pub scenarios: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

/// A manifest after rendering with parameters: the text a tool runs.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedManifest {
    pub tool: String,
    pub format: String,
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
    Tool,
    Scenario,
    Practice,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Tool, Kind::Scenario, Kind::Practice];

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
