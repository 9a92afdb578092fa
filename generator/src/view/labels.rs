//! Every label a reader sees for a catalog value, in one table per kind:
//! the site's templates and the PDF writer both read them from here, so a
//! category, persona, target, governance model or support level reads the
//! same everywhere. The JSON Schemas list the same ids (tests keep the two
//! in step); an id without a row falls back to itself.

use serde::Serialize;

use crate::catalog::model::{ParamType, Support, Target};

/// An id and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The value as the catalog writes it.
    pub id: &'static str,
    /// How it reads on the site and in the PDF.
    pub label: &'static str,
}

const fn label(id: &'static str, label: &'static str) -> Label {
    Label { id, label }
}

/// Scenario categories in reading order (also the folders under
/// `catalog/scenarios/`).
pub const CATEGORIES: [Label; 8] = [
    label("pod-container", "Pods and containers"),
    label("resource", "Resources"),
    label("network", "Network"),
    label("application", "Application and HTTP"),
    label("time", "Time"),
    label("node-platform", "Nodes and platform"),
    label("cloud", "Cloud"),
    label("security", "Security"),
];

/// Persona labels, in the order of the scenario schema's list.
pub const PERSONAS: [Label; 6] = [
    label("developer", "developer"),
    label("qa", "QA"),
    label("devops", "DevOps"),
    label("sre", "SRE"),
    label("release-engineer", "release engineer"),
    label("security", "security"),
];

/// Governance labels of tools, in the order of the tool schema's list.
pub const GOVERNANCE: [Label; 6] = [
    label("cncf-sandbox", "CNCF sandbox project"),
    label("cncf-incubating", "CNCF incubating project"),
    label("cncf-graduated", "CNCF graduated project"),
    label("open-source", "open source"),
    label("vendor-open-source", "open source, led by a vendor"),
    label("commercial", "commercial product or service"),
];

/// Practice area labels, in the order of the practice schema's list.
pub const PRACTICE_AREAS: [Label; 11] = [
    label("testing-in-production", "testing in production"),
    label("cd-integration", "CD integration"),
    label("security", "security"),
    label("observability", "observability"),
    label("gameday", "GameDays"),
    label("multi-tenancy", "multi-tenancy"),
    label("hybrid", "hybrid environments"),
    label("adoption", "adoption"),
    label("safety", "safety"),
    label("experiment-design", "experiment design"),
    label("learning", "learning"),
];

/// How a label row is found: by id, or the id itself when the table has no
/// row (a value the schema gained before this table did).
fn find(table: &[Label], id: &str) -> Option<Label> {
    table.iter().find(|l| l.id == id).copied()
}

/// The label of `id` in `table`, or `id` itself.
pub fn lookup<'a>(table: &[Label], id: &'a str) -> &'a str {
    find(table, id).map_or(id, |l| l.label)
}

/// Where a category stands in reading order (unknown ones last).
pub fn category_rank(id: &str) -> usize {
    CATEGORIES
        .iter()
        .position(|c| c.id == id)
        .unwrap_or(CATEGORIES.len())
}

/// The label of a target (`aws` reads "AWS").
pub fn target(t: &Target) -> Label {
    match t {
        Target::Kubernetes => label("kubernetes", "Kubernetes"),
        Target::Container => label("container", "containers"),
        Target::Host => label("host", "hosts"),
        Target::Aws => label("aws", "AWS"),
        Target::Azure => label("azure", "Azure"),
        Target::Gcp => label("gcp", "Google Cloud"),
        Target::Jvm => label("jvm", "JVM"),
        Target::Tcp => label("tcp", "TCP"),
        Target::Http => label("http", "HTTP"),
        Target::Local => label("local", "one machine (the lab)"),
    }
}

/// The name of a parameter type, as the parameter table shows it.
pub fn param_type(t: ParamType) -> &'static str {
    match t {
        ParamType::String => "string",
        ParamType::Integer => "integer",
        ParamType::Number => "number",
        ParamType::Boolean => "boolean",
        ParamType::Duration => "duration",
        ParamType::Enum => "enum",
    }
}

/// How a support level shows: in prose, as a short tag, as a mark in the
/// coverage matrix and tab labels, and its CSS class / typst symbol suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SupportLabel {
    /// As written in YAML.
    pub id: &'static str,
    /// In prose and the matrix legend ("through an extension").
    pub label: &'static str,
    /// A short tag for badges ("extension").
    pub short: &'static str,
    /// The matrix and tab mark; each level has its own.
    pub mark: &'static str,
    /// `cb-<class>` in the site's CSS and the PDF preamble.
    pub class: &'static str,
    /// Whether the tool runs the scenario at all.
    pub supported: bool,
}

/// Every support level, from the most direct to none (the order of [`Support::ALL`]).
pub const SUPPORT: [SupportLabel; 5] = [
    SupportLabel {
        id: "native",
        label: "native",
        short: "native",
        mark: "●",
        class: "native",
        supported: true,
    },
    SupportLabel {
        id: "extension",
        label: "through an extension",
        short: "extension",
        mark: "◐",
        class: "extension",
        supported: true,
    },
    SupportLabel {
        id: "approximation",
        label: "approximation",
        short: "approximation",
        mark: "≈",
        class: "approximation",
        supported: true,
    },
    SupportLabel {
        id: "via",
        label: "through another tool",
        short: "via",
        mark: "→",
        class: "via",
        supported: true,
    },
    SupportLabel {
        id: "unsupported",
        label: "not supported",
        short: "not supported",
        mark: "–",
        class: "none",
        supported: false,
    },
];

/// The label of a support level.
pub fn support(s: Support) -> &'static SupportLabel {
    let i = Support::ALL
        .iter()
        .position(|x| *x == s)
        .expect("every level is in Support::ALL");
    &SUPPORT[i]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Kind;
    use crate::catalog::schema::kind_schema_text;
    use serde_json::Value;

    fn schema_enum(kind: Kind, pointer: &str) -> Vec<String> {
        let v: Value = serde_json::from_str(kind_schema_text(kind)).unwrap();
        v.pointer(pointer)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    fn ids(table: &[Label]) -> Vec<String> {
        table.iter().map(|l| l.id.to_string()).collect()
    }

    /// Every id the schemas allow has exactly one row, in schema order.
    #[test]
    fn the_tables_cover_the_schemas() {
        assert_eq!(
            ids(&CATEGORIES),
            schema_enum(Kind::Scenario, "/properties/category/enum")
        );
        assert_eq!(
            ids(&PERSONAS),
            schema_enum(Kind::Scenario, "/properties/personas/items/enum")
        );
        assert_eq!(
            ids(&GOVERNANCE),
            schema_enum(Kind::Tool, "/properties/governance/enum")
        );
        assert_eq!(
            ids(&PRACTICE_AREAS),
            schema_enum(Kind::Practice, "/properties/area/enum")
        );
        let support: Vec<String> = SUPPORT.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(
            support,
            schema_enum(
                Kind::Scenario,
                "/properties/implementations/items/properties/support/enum"
            )
        );
        let targets = schema_enum(Kind::Scenario, "/properties/targets/items/enum");
        for t in &targets {
            let parsed: Target = serde_json::from_value(Value::String(t.clone())).unwrap();
            assert_eq!(target(&parsed).id, t);
        }
    }

    #[test]
    fn support_levels_have_distinct_marks_and_classes() {
        assert_eq!(support(Support::Via).id, "via");
        assert_eq!(support(Support::Approximation).mark, "≈");
        let mut marks: Vec<&str> = SUPPORT.iter().map(|s| s.mark).collect();
        marks.sort();
        marks.dedup();
        assert_eq!(marks.len(), 5);
        for level in Support::ALL {
            assert_eq!(support(level).id, level.id());
        }
    }

    #[test]
    fn unknown_ids_read_as_themselves() {
        assert_eq!(
            lookup(&GOVERNANCE, "cncf-graduated"),
            "CNCF graduated project"
        );
        assert_eq!(lookup(&GOVERNANCE, "foundation"), "foundation");
    }
}
