//! `chaosbook new`: commented starting points that pass `check` as written
//! (with warnings that point at what is still to be filled in).

use std::path::{Path, PathBuf};

use crate::catalog::model::Kind;
use crate::config::Config;

/// How `chaosbook new` starts each tool's reason; `check` warns while one is
/// left as written.
pub const PLACEHOLDER_REASON: &str = "Not written yet";

const TOOL_SUMMARY: &str =
    "What the tool is and how it injects faults, in two to four neutral sentences.";
const SCENARIO_SUMMARY: &str = "What fails, and why it matters to the people who run the system.";
const SCENARIO_METHOD: &str =
    "What the fault does, to what, for how long, and how the experiment runs.";
const SCENARIO_ROLLBACK: &str = "How to stop the fault and restore the steady state.";
const SCENARIO_OBSERVABILITY: &str =
    "what to watch, and how the experiment is marked in metrics, logs and traces";
const PRACTICE_SUMMARY: &str =
    "One or two sentences that say what the practice is and why it matters.";
const PRACTICE_BODY: &str = "Write the practice here in markdown";
const STOP: &str = "How an operator stops a running experiment.";
const AUTOMATIC_STOP: &str = "What stops an experiment without an operator.";
const INJECTOR_FAILURE: &str = "What happens to an injected fault when the injector dies.";
const VERIFY_CLEANUP: &str = "How to check that the fault is gone after a stop.";
/// Where `chaosbook new` points a new tool's links: example.org is reserved
/// for examples, so no real page is there.
const EXAMPLE_URL: &str = "https://example.org/";

/// The texts `chaosbook new` writes for the writer to replace, by the kind of
/// file and the field that holds them (`*`: any list index or key); `check`
/// warns (`placeholder`) while a field still starts with one. The
/// templates below are written from these, so the two cannot drift apart.
pub const PLACEHOLDERS: [(Kind, &str, &str); 14] = [
    (Kind::Tool, "/summary", TOOL_SUMMARY),
    (Kind::Tool, "/homepage", EXAMPLE_URL),
    (Kind::Tool, "/docs", EXAMPLE_URL),
    (Kind::Tool, "/safety/stop/text", STOP),
    (Kind::Tool, "/safety/automatic_stop/text", AUTOMATIC_STOP),
    (
        Kind::Tool,
        "/safety/injector_failure/text",
        INJECTOR_FAILURE,
    ),
    (Kind::Tool, "/safety/verify_cleanup/text", VERIFY_CLEANUP),
    (Kind::Tool, "/safety/*/docs", EXAMPLE_URL),
    (Kind::Scenario, "/summary", SCENARIO_SUMMARY),
    (Kind::Scenario, "/method", SCENARIO_METHOD),
    (Kind::Scenario, "/rollback", SCENARIO_ROLLBACK),
    (Kind::Scenario, "/observability/*", SCENARIO_OBSERVABILITY),
    (Kind::Practice, "/summary", PRACTICE_SUMMARY),
    (Kind::Practice, "/body", PRACTICE_BODY),
];

/// The scenario categories (the folders under `catalog/scenarios/`).
pub fn categories() -> Vec<&'static str> {
    crate::view::labels::CATEGORIES
        .iter()
        .map(|c| c.id)
        .collect()
}

/// Why `chaosbook new` wrote nothing (a usage error: exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The id is not kebab-case (or longer than 64 characters).
    #[error("`{0}` is not a valid id: use lower-case letters, digits and single dashes (e.g. pod-delete)")]
    BadId(String),
    /// The category is not one of the catalog's categories.
    #[error("unknown category `{0}`; categories: {list}", list = categories().join(", "))]
    BadCategory(String),
    /// A file for that id is already there; it is never overwritten.
    #[error("{0} already exists; choose another id or edit that file")]
    Exists(String),
    /// The new file could not be written: its path and the I/O error.
    #[error("cannot write {0}: {1}")]
    Io(String, std::io::Error),
}

/// Whether `id` is a valid catalog id: kebab-case, at most 64 characters.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Writes a new catalog file and returns its path relative to the root.
pub fn new_item(
    root: &Path,
    kind: Kind,
    id: &str,
    category: Option<&str>,
) -> Result<PathBuf, ScaffoldError> {
    if !valid_id(id) {
        return Err(ScaffoldError::BadId(id.to_string()));
    }
    let config = Config::load(root).unwrap_or_else(|_| Config::defaults(root));
    let (catalog, _) = crate::catalog::load(&config);
    let rel = match kind {
        Kind::Scenario => {
            let category = category.unwrap_or("application");
            if !categories().contains(&category) {
                return Err(ScaffoldError::BadCategory(category.to_string()));
            }
            config
                .settings
                .catalog
                .join("scenarios")
                .join(category)
                .join(format!("{id}.yaml"))
        }
        _ => config
            .settings
            .catalog
            .join(kind.folder())
            .join(format!("{id}.yaml")),
    };
    let abs = root.join(&rel);
    if abs.exists() {
        return Err(ScaffoldError::Exists(rel.display().to_string()));
    }
    let text = match kind {
        Kind::Tool => tool(id),
        Kind::Practice => practice(id),
        Kind::Scenario => {
            let tools: Vec<String> = catalog.tools.iter().map(|t| t.item.id.clone()).collect();
            let practice = catalog
                .practices
                .first()
                .map_or("testing-in-production".to_string(), |p| p.item.id.clone());
            scenario(id, category.unwrap_or("application"), &tools, &practice)
        }
    };
    if let Some(parent) = abs.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| ScaffoldError::Io(rel.display().to_string(), e))?;
    }
    std::fs::write(&abs, text).map_err(|e| ScaffoldError::Io(rel.display().to_string(), e))?;
    Ok(rel)
}

fn title_of(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn tool(id: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=../schema/tool.schema.json
# A tool of the landscape. Describe it neutrally: what it is and how it
# injects faults; no ranking, no superlatives. Field reference:
# catalog/schema/README.md
id: {id}
name: {title}
# aliases: [Short Name]      # other names prose uses for it; the neutrality lint looks for them too
summary: >-
  {TOOL_SUMMARY}
homepage: {EXAMPLE_URL}{id}
docs: {EXAMPLE_URL}{id}/docs
license: Apache-2.0          # SPDX id, or `proprietary`
governance: open-source      # cncf-sandbox | cncf-incubating | cncf-graduated | open-source | vendor-open-source | commercial
current_version: "1.0.0"     # latest release; implementations say which one they were verified with
targets: [kubernetes]        # kubernetes | container | host | aws | azure | gcp | jvm | tcp | http
formats: [shell]             # manifest formats, each a schema in catalog/schema/formats/
# How to stop the tool's experiments safely: one row of the stopping-safely
# table. Each fact cites the upstream page; where upstream documents nothing,
# say so plainly.
safety:
  stop:                      # stop, pause or kill switch, by command or API
    text: {STOP}
    docs: {EXAMPLE_URL}{id}/docs
  automatic_stop:            # conditions under which the tool stops by itself
    text: {AUTOMATIC_STOP}
    docs: {EXAMPLE_URL}{id}/docs
  injector_failure:          # what happens to the fault when the injector dies
    text: {INJECTOR_FAILURE}
    docs: {EXAMPLE_URL}{id}/docs
  verify_cleanup:            # how to check that nothing is left behind
    text: {VERIFY_CLEANUP}
    docs: {EXAMPLE_URL}{id}/docs
# Why the tool cannot do a whole group of faults, written once: a
# scenario's `unsupported` entry then says `reason_ref: <id>` instead of
# repeating it. Check each reason against the tool's own docs or code.
# unsupported_reasons:
#   - id: network-faults
#     reason: >-
#       What the tool cannot do, and why, in its own terms.
# What must be installed once before any experiment runs (an operator, a
# role, an agent), as a manifest of one of the tool's formats:
# see `prerequisites` in catalog/schema/README.md.
"#,
        title = title_of(id)
    )
}

fn practice(id: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=../schema/practice.schema.json
# A best practice. Field reference: catalog/schema/README.md
id: {id}
title: {title}
area: experiment-design   # testing-in-production | cd-integration | security | observability | gameday | multi-tenancy | hybrid | adoption | safety | experiment-design | learning
summary: >-
  {PRACTICE_SUMMARY}
body: |
  {PRACTICE_BODY}: when it applies, how to do it, what
  evidence shows it is in place, and the mistakes to avoid.
scenarios: []             # ids of scenarios that exercise this practice
"#,
        title = title_of(id)
    )
}

fn scenario(id: &str, category: &str, tools: &[String], practice: &str) -> String {
    let mut impls = String::new();
    for t in tools {
        impls.push_str(&format!(
            "  - tool: {t}\n    support: unsupported\n    reason: >-\n      Not written yet: replace this entry with an implementation, or state why {t} cannot do it.\n"
        ));
    }
    if tools.is_empty() {
        impls.push_str("  []\n");
    }
    format!(
        r#"# yaml-language-server: $schema=../../schema/scenario.schema.json
# A fault scenario: a tool-neutral experiment design plus one entry per tool.
# Field reference: catalog/schema/README.md. Preview with `chaosbook serve`.
id: {id}
title: {title}
summary: >-
  {SCENARIO_SUMMARY}
category: {category}
targets: [kubernetes]
personas: [developer, sre]
blast_radius:
  level: low              # low | medium | high
  scope: one pod of one deployment
hypothesis: >-
  When the fault is injected, the service keeps its error rate under 1% and
  its p99 latency under 500 ms, and recovers within 60 seconds.
steady_state:
  - signal: HTTP error ratio at the service
    threshold: below 1% over 1 minute
    query: sum(rate(http_requests_total{{code=~"5.."}}[1m])) / sum(rate(http_requests_total[1m]))
method: >-
  {SCENARIO_METHOD}
parameters:
  # Manifests use them as {{{{ name }}}}; durations render per tool with
  # filters: {{{{ duration | seconds }}}}, {{{{ duration | iso8601 }}}}.
  - name: namespace
    type: string
    default: default
    description: namespace of the target workload
  - name: duration
    type: duration
    default: 60s
    description: how long the fault lasts
abort_conditions:
  - the error ratio stays above 5% for 2 minutes
rollback: >-
  {SCENARIO_ROLLBACK}
observability:
  - {SCENARIO_OBSERVABILITY}
practices: [{practice}]
implementations:
  # One entry per tool of catalog/tools/: an implementation (with format,
  # manifest, docs and verified) or an honest `support: unsupported`
  # with a reason. Support levels: native (the tool does it itself),
  # extension (name it in `extension:`), approximation (say in `differs:`
  # what differs from the method), via (`via: TOOL-ID`, the catalog tool whose
  # injector does the work), unsupported.
{impls}"#,
        title = title_of(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_case() {
        assert!(valid_id("pod-delete"));
        assert!(valid_id("a1"));
        for bad in ["", "Pod", "pod--delete", "-pod", "pod_delete", "pod-"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
