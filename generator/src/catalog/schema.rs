//! JSON Schemas: the three catalog kinds (built into the binary, since the
//! Rust model is written against them) and the manifest formats (read from
//! `catalog/schema/formats/`, so a new format needs no new binary).
//!
//! Schema errors are turned into diagnostics at the YAML node they concern:
//! the instance path of a jsonschema error is a JSON Pointer, and the YAML
//! loader records a position for every pointer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::catalog::model::Kind;
use crate::catalog::yaml::{escape_pointer, Document, Span};
use crate::diagnostics::{did_you_mean, Diagnostic};

/// The tool schema, built in: the Rust model is written against it.
pub const TOOL_SCHEMA: &str = include_str!("../../../catalog/schema/tool.schema.json");
/// The scenario schema, built in: the Rust model is written against it.
pub const SCENARIO_SCHEMA: &str = include_str!("../../../catalog/schema/scenario.schema.json");
/// The practice schema, built in: the Rust model is written against it.
pub const PRACTICE_SCHEMA: &str = include_str!("../../../catalog/schema/practice.schema.json");

/// The built-in schema text of a kind.
pub fn kind_schema_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Tool => TOOL_SCHEMA,
        Kind::Scenario => SCENARIO_SCHEMA,
        Kind::Practice => PRACTICE_SCHEMA,
    }
}

/// A compiled schema and its source (kept to look up allowed property
/// names for "did you mean" hints).
pub struct Schema {
    /// The schema as JSON, for property-name hints and for publishing.
    pub raw: Value,
    validator: Validator,
}

impl Schema {
    /// Compiles a draft 2020-12 schema; the error is the compiler's message.
    pub fn compile(raw: Value) -> Result<Self, String> {
        let validator = jsonschema::draft202012::options()
            .build(&raw)
            .map_err(|e| e.to_string())?;
        Ok(Self { raw, validator })
    }

    /// Whether `instance` passes the schema (without collecting errors).
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Validates `instance` and maps every error to a diagnostic in `file`.
    /// `doc` gives positions; `base` is the pointer of `instance` inside `doc`
    /// (empty for the whole document).
    pub fn check(&self, instance: &Value, doc: &DocRef, base: &str) -> Vec<Diagnostic> {
        if self.validator.is_valid(instance) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for error in self.validator.iter_errors(instance) {
            self.explain(&error, doc, base, &mut out);
        }
        out
    }

    fn explain(
        &self,
        error: &ValidationError,
        doc: &DocRef,
        base: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let path = format!("{base}{}", error.instance_path().as_str());
        let schema_path = error.schema_path().as_str().to_string();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = self.allowed_properties(&schema_path);
                for key in unexpected {
                    let pointer = format!("{path}/{}", escape_pointer(key));
                    let mut d = doc
                        .error(
                            "unknown-field",
                            doc.doc.locate_key(&pointer),
                            format!("unknown field `{key}`"),
                        )
                        .with_label("not allowed here");
                    d = match did_you_mean(key, allowed.iter().map(String::as_str)) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None if !allowed.is_empty() => {
                            d.with_help(format!("allowed fields here: {}", allowed.join(", ")))
                        }
                        None => d.with_help("remove the field"),
                    };
                    out.push(d);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                out.push(
                    doc.error(
                        "missing-field",
                        doc.doc.locate_key(&path),
                        format!("missing required field `{name}`"),
                    )
                    .with_label(format!("`{name}` is required here"))
                    .with_help(format!(
                        "add `{name}:` to this {}",
                        if path.is_empty() { "file" } else { "mapping" }
                    )),
                );
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().map(short_json).collect())
                    .unwrap_or_default();
                let got = short_json(error.instance());
                let mut d = doc
                    .error(
                        "invalid-value",
                        doc.doc.locate(&path),
                        format!("{got} is not an allowed value"),
                    )
                    .with_label("not allowed");
                let plain: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                d = match error
                    .instance()
                    .as_str()
                    .and_then(|s| did_you_mean(s, plain.iter().copied()))
                {
                    Some(s) => d.with_help(format!(
                        "did you mean `{s}`? allowed: {}",
                        allowed.join(", ")
                    )),
                    None => d.with_help(format!("allowed: {}", allowed.join(", "))),
                };
                out.push(d);
            }
            ValidationErrorKind::Type { .. } => {
                out.push(
                    doc.error(
                        "wrong-type",
                        doc.doc.locate(&path),
                        error.masked().to_string(),
                    )
                    .with_label(format!("this is {}", type_name(error.instance())))
                    .with_help(self.type_help(error, &schema_path)),
                );
            }
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => {
                // Report the errors of the branch that came closest: usually
                // the one meant (the right `kind`, a misspelt field inside).
                let best = context
                    .iter()
                    .filter(|errs| !errs.is_empty())
                    .min_by_key(|errs| branch_distance(errs));
                match best {
                    Some(errs) if context.len() > 1 && branch_distance(errs) < 1000 => {
                        for e in errs {
                            self.explain(e, doc, base, out);
                        }
                    }
                    _ => out.push(
                        doc.error(
                            "schema",
                            doc.doc.locate(&path),
                            format!("does not match any allowed shape: {}", error.masked()),
                        )
                        .with_help(format!("see the schema at {schema_path}")),
                    ),
                }
            }
            ValidationErrorKind::Not { schema } if forbidden_field(schema).is_some() => {
                // `not: {required: [X]}`: a field that does not belong with
                // what the mapping says it is (`via` on a native entry).
                let name = forbidden_field(schema).unwrap_or_default();
                let support = error
                    .instance()
                    .get("support")
                    .and_then(Value::as_str)
                    .map(|s| format!(" with `support: {s}`"))
                    .unwrap_or_default();
                out.push(
                    doc.error(
                        "schema",
                        doc.doc.locate_key(&format!("{path}/{}", escape_pointer(name))),
                        format!("field `{name}` is not allowed here{support}"),
                    )
                    .with_label("not allowed here")
                    .with_help(format!(
                        "remove `{name}`, or change what this mapping is (see catalog/schema/README.md)"
                    )),
                );
            }
            _ => {
                // The field's own description says what it takes, where
                // the schema has one; the rule's path is the fallback.
                let rule = format!("the schema rule that failed: {schema_path}");
                let help = match self.described(&schema_path) {
                    Some(d) => format!("{d} ({rule})"),
                    None => rule,
                };
                out.push(
                    doc.error("schema", doc.doc.locate(&path), error.masked().to_string())
                        .with_help(help),
                );
            }
        }
    }

    /// How to fix a value of the wrong type. A number or boolean where a
    /// string is expected needs quotes, and, when the schema asks for a
    /// form (a `pattern`, as a duration with its unit), that form: quoting
    /// `60` alone would fail again.
    fn type_help(&self, error: &ValidationError, schema_path: &str) -> String {
        let masked = error.masked().to_string();
        if !(masked.contains("\"string\"")
            && matches!(error.instance().as_ref(), Value::Number(_) | Value::Bool(_)))
        {
            return "change the value to the expected type".to_string();
        }
        let pattern = self
            .keyword_owner(schema_path)
            .and_then(|s| s.get("pattern"))
            .and_then(Value::as_str);
        match pattern {
            Some(pattern) => format!(
                "write a quoted string that matches `{pattern}`{}",
                self.described(schema_path)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
            None => "quote the value so YAML reads it as a string, e.g. \"30\"".to_string(),
        }
    }

    /// The description of the field whose keyword failed, without its
    /// final full stop (it is quoted inside a help sentence).
    fn described(&self, schema_path: &str) -> Option<&str> {
        self.keyword_owner(schema_path)?
            .get("description")?
            .as_str()
            .map(|d| d.trim_end_matches('.'))
    }

    /// The schema object that holds the keyword at `schema_path` (a `$ref`
    /// on the way is followed to its definition).
    fn keyword_owner(&self, schema_path: &str) -> Option<&Value> {
        let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
        let (before, after) = match parent.rsplit_once("/$ref") {
            Some((before, after)) => (before, after),
            None => return self.raw.pointer(parent),
        };
        let target = self.raw.pointer(before)?.get("$ref")?.as_str()?;
        self.raw.pointer(target.strip_prefix('#')?)?.pointer(after)
    }

    /// Property names allowed by the schema object whose keyword failed.
    fn allowed_properties(&self, schema_path: &str) -> Vec<String> {
        let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
        let mut names: Vec<String> = self
            .raw
            .pointer(parent)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// How far a failed branch is from matching: a wrong discriminator (`const`
/// or `enum`) counts as far away, other errors as one step each.
fn branch_distance(errors: &[ValidationError]) -> usize {
    errors
        .iter()
        .map(|e| match e.kind() {
            ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. }
                if e.schema_path().as_str().contains("/kind") =>
            {
                1000
            }
            ValidationErrorKind::Constant { .. } => 100,
            _ => 1,
        })
        .sum()
}

/// The field a `not: {required: [X]}` schema forbids.
fn forbidden_field(schema: &Value) -> Option<&str> {
    let object = schema.as_object()?;
    match object.get("required")?.as_array()?.as_slice() {
        [name] if object.len() == 1 => name.as_str(),
        _ => None,
    }
}

fn short_json(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(57).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null (empty)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A document and the file it came from, for building diagnostics.
pub struct DocRef<'a> {
    /// The file, relative to the project root.
    pub file: &'a Path,
    /// The parsed document, which knows the position of every JSON Pointer.
    pub doc: &'a Document,
    /// Added to every span: where the document starts inside a bigger file
    /// (an inline manifest inside a scenario file).
    pub shift: Option<&'a dyn Fn(Span) -> Span>,
}

impl DocRef<'_> {
    /// An error at `span` of the document (shifted into the enclosing file).
    pub fn error(&self, code: &'static str, span: Span, message: String) -> Diagnostic {
        let span = self.shift.map_or(span, |f| f(span));
        Diagnostic::error(code, self.file.to_path_buf(), span, message)
    }
}

/// How a format's manifests are parsed before validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Syntax {
    /// Kubernetes-style multi-document YAML; each document validated alone.
    YamlStream,
    /// A single YAML document.
    Yaml,
    /// A JSON document.
    Json,
    /// A shell script, validated as `{shebang, commands}`.
    Script,
}

impl Syntax {
    /// The code-block language its manifests are highlighted as.
    pub fn language(self) -> &'static str {
        match self {
            Syntax::YamlStream | Syntax::Yaml => "yaml",
            Syntax::Json => "json",
            Syntax::Script => "bash",
        }
    }
}

/// A manifest format: its schema plus what chaosbook needs to know to
/// parse, name and run its files (the schema's `x-chaosbook` object).
pub struct Format {
    /// Format id: the schema's file name without `.schema.json`;
    /// implementations name it in `format`.
    pub name: String,
    /// The schema file, relative to the project root.
    pub file: PathBuf,
    /// How its manifests are parsed before validation.
    pub syntax: Syntax,
    /// File extension of its manifests, without the dot (`yaml`, `json`, `sh`).
    pub extension: String,
    /// What readers see for the format ("Chaos Mesh").
    pub label: String,
    /// The command that runs a manifest, `{file}` standing for its file name.
    pub run: String,
    /// The format's upstream documentation (absolute URL).
    pub docs: String,
    /// The compiled schema each manifest is validated against.
    pub schema: Schema,
}

/// All formats found under `catalog/schema/formats/`, by name.
#[derive(Default)]
pub struct Formats {
    /// Each format by id (shared with the memo of a `serve` session, which
    /// keeps a format until its schema file changes).
    pub by_name: BTreeMap<String, std::sync::Arc<Format>>,
}

impl Formats {
    /// The format with this id, if one was found.
    pub fn get(&self, name: &str) -> Option<&Format> {
        self.by_name.get(name).map(|f| &**f)
    }

    /// Every format id, in sorted order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

/// Reads a format schema file's metadata and compiles it.
pub fn load_format(name: &str, file: &Path, raw: Value) -> Result<Format, String> {
    let meta = raw
        .get("x-chaosbook")
        .ok_or("the schema has no `x-chaosbook` object (syntax, extension, label, run, docs)")?;
    let field = |k: &str| -> Result<String, String> {
        meta.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("`x-chaosbook.{k}` is missing or not a string"))
    };
    let syntax = match field("syntax")?.as_str() {
        "yaml-stream" => Syntax::YamlStream,
        "yaml" => Syntax::Yaml,
        "json" => Syntax::Json,
        "script" => Syntax::Script,
        other => {
            return Err(format!(
                "`x-chaosbook.syntax` is `{other}`; expected yaml-stream, yaml, json or script"
            ))
        }
    };
    Ok(Format {
        name: name.to_string(),
        file: file.to_path_buf(),
        syntax,
        extension: field("extension")?,
        label: field("label")?,
        run: field("run")?,
        docs: field("docs")?,
        schema: Schema::compile(raw)?,
    })
}

/// The compiled kind schemas.
pub struct KindSchemas {
    /// Validates `catalog/tools/*.yaml`.
    pub tool: Schema,
    /// Validates `catalog/scenarios/*/*.yaml`.
    pub scenario: Schema,
    /// Validates `catalog/practices/*.yaml`.
    pub practice: Schema,
}

impl KindSchemas {
    /// Compiles the three built-in schemas (they are tested to compile).
    pub fn builtin() -> Self {
        let compile = |text: &str| {
            Schema::compile(serde_json::from_str(text).expect("built-in schema is JSON"))
                .expect("built-in schema compiles")
        };
        Self {
            tool: compile(TOOL_SCHEMA),
            scenario: compile(SCENARIO_SCHEMA),
            practice: compile(PRACTICE_SCHEMA),
        }
    }

    /// The schema of a kind.
    pub fn get(&self, kind: Kind) -> &Schema {
        match kind {
            Kind::Tool => &self.tool,
            Kind::Scenario => &self.scenario,
            Kind::Practice => &self.practice,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::yaml::parse_single;

    fn diags(kind: Kind, text: &str) -> Vec<Diagnostic> {
        diags_of(KindSchemas::builtin().get(kind), text)
    }

    fn diags_of(schema: &Schema, text: &str) -> Vec<Diagnostic> {
        let doc = parse_single(text).unwrap();
        let file = Path::new("catalog/tools/t.yaml");
        schema.check(
            &doc.value,
            &DocRef {
                file,
                doc: &doc,
                shift: None,
            },
            "",
        )
    }

    const TOOL: &str = "id: t\nname: T\nsummary: A tool that does a thing to other things.\nhomepage: https://t.example\ndocs: https://t.example/docs\nlicense: MIT\ngovernance: open-source\ncurrent_version: \"1.2\"\ntargets: [kubernetes]\nformats: [shell]\nsafety:\n  stop: {text: Delete the resource., docs: https://t.example/stop}\n  automatic_stop: {text: A duration ends it., docs: https://t.example/stop}\n  injector_failure: {text: Not documented upstream., docs: https://t.example/stop}\n  verify_cleanup: {text: Read the status field., docs: https://t.example/stop}\n";

    #[test]
    fn a_valid_tool_passes() {
        assert!(diags(Kind::Tool, TOOL).is_empty());
    }

    #[test]
    fn unknown_field_points_at_the_key_and_suggests() {
        let text = TOOL.replace("name: T", "nmae: T");
        let d = diags(Kind::Tool, &text);
        let unknown = d.iter().find(|d| d.code == "unknown-field").unwrap();
        assert_eq!((unknown.span.line, unknown.span.column), (2, 1));
        assert_eq!(unknown.help.as_deref(), Some("did you mean `name`?"));
        assert!(d
            .iter()
            .any(|d| d.code == "missing-field" && d.message.contains("`name`")));
    }

    #[test]
    fn enum_and_type_errors_point_at_the_value() {
        let text = TOOL
            .replace("governance: open-source", "governance: opensource")
            .replace("targets: [kubernetes]", "targets: kubernetes");
        let d = diags(Kind::Tool, &text);
        let e = d.iter().find(|d| d.code == "invalid-value").unwrap();
        assert_eq!((e.span.line, e.span.column), (7, 13));
        assert!(e
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `open-source`?"));
        let t = d.iter().find(|d| d.code == "wrong-type").unwrap();
        assert_eq!((t.span.line, t.span.column), (9, 10));
    }

    /// A tool without its stopping-safely facts cannot join the catalog, so
    /// the generated safety table always has a row for every tool.
    #[test]
    fn a_number_where_a_pattern_wants_a_string_gets_the_pattern_as_help() {
        // Quoting `60` alone would fail again on the pattern, so the help
        // gives the form the schema asks for, through its `$ref`.
        let schema = Schema::compile(serde_json::json!({
            "type": "object",
            "properties": {
                "wait": {"$ref": "#/$defs/duration"},
                "name": {"type": "string"}
            },
            "$defs": {"duration": {
                "type": "string",
                "pattern": "^[0-9]+(ms|s)$",
                "description": "A duration such as 500ms or 30s."
            }}
        }))
        .unwrap();
        let d = diags_of(&schema, "wait: 60\nname: 7\n");
        let help = |line: usize| {
            d.iter()
                .find(|d| d.span.line == line)
                .and_then(|d| d.help.clone())
                .unwrap()
        };
        assert_eq!(
            help(1),
            "write a quoted string that matches `^[0-9]+(ms|s)$` (A duration such as 500ms or 30s)"
        );
        assert_eq!(
            help(2),
            "quote the value so YAML reads it as a string, e.g. \"30\""
        );
    }

    #[test]
    fn a_tool_needs_its_safety_block() {
        let without = TOOL.split("safety:").next().unwrap();
        let d = diags(Kind::Tool, without);
        assert!(
            d.iter()
                .any(|d| d.code == "missing-field" && d.message.contains("`safety`")),
            "{d:?}"
        );
        let partial = TOOL.replace(
            "  verify_cleanup: {text: Read the status field., docs: https://t.example/stop}\n",
            "",
        );
        let d = diags(Kind::Tool, &partial);
        assert!(
            d.iter()
                .any(|d| d.code == "missing-field" && d.message.contains("`verify_cleanup`")),
            "{d:?}"
        );
    }

    #[test]
    fn builtin_schemas_are_2020_12() {
        for kind in Kind::ALL {
            let v: Value = serde_json::from_str(kind_schema_text(kind)).unwrap();
            assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert!(jsonschema::meta::is_valid(&v));
        }
    }
}
