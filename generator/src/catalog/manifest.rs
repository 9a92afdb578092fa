//! Manifests: parsing a rendered manifest in its format's syntax and
//! validating it against the format schema, with diagnostics placed in the
//! file the manifest was written in (inside a scenario's block scalar, or
//! its own file).

use std::collections::HashMap;
use std::path::Path;

use saphyr_parser::ScalarStyle;
use serde_json::{json, Value};

use crate::catalog::schema::{DocRef, Format, Syntax};
use crate::catalog::yaml::{self, Document, LineIndex, NodePos, Span};
use crate::diagnostics::Diagnostic;

/// Where a manifest's text stands in its source file.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// The manifest is the whole file.
    File,
    /// A block scalar (`manifest: |`) whose first content line is `line`
    /// (1-based) and whose content is indented by `indent` characters.
    Block {
        /// 1-based line where the content starts (the line after `|` or `>`).
        line: usize,
        /// Spaces before each content line, which are not part of the manifest.
        indent: usize,
    },
    /// Some other scalar: everything maps to its start.
    Scalar(Span),
}

impl Placement {
    /// Works out where the content of a `manifest:` scalar starts.
    pub fn of_scalar(source: &str, node: &NodePos) -> Placement {
        match node.style {
            Some(ScalarStyle::Literal) | Some(ScalarStyle::Folded) => {
                // The indicator (`|`, `>`) sits on the key's line; content
                // starts on the next one.
                let first = node.key.map_or(node.value.line, |k| k.line + 1);
                let indent = source
                    .lines()
                    .skip(first - 1)
                    .find(|l| !l.trim().is_empty())
                    .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
                Placement::Block {
                    line: first,
                    indent,
                }
            }
            _ => Placement::Scalar(node.value),
        }
    }

    /// Maps a span of the manifest text to a span of the source file.
    pub fn map(&self, span: Span, source: &LineIndex) -> Span {
        match *self {
            Placement::File => span,
            Placement::Scalar(s) => s,
            Placement::Block { line, indent } => {
                let line = line + span.line.saturating_sub(1);
                let col0 = indent + span.column.saturating_sub(1);
                let start = source.offset(line, col0);
                let len = span.end.saturating_sub(span.start);
                let line_end = source.text()[start..]
                    .find('\n')
                    .map_or(source.text().len(), |i| start + i);
                Span {
                    start,
                    end: (start + len).min(line_end),
                    line,
                    column: col0 + 1,
                }
            }
        }
    }
}

/// Checks one rendered manifest against its format. `source` is the text of
/// the file it was written in, `file` that file's path.
pub fn check(
    format: &Format,
    text: &str,
    file: &Path,
    source: &str,
    placement: Placement,
) -> Vec<Diagnostic> {
    if quick_valid(format, text) {
        return Vec::new();
    }
    let source_index = LineIndex::new(source);
    let shift = |s: Span| placement.map(s, &source_index);
    let label = &format.name;
    let syntax_error = |e: yaml::YamlError| {
        Diagnostic::error(
            "manifest-syntax",
            file,
            shift(e.span),
            format!("{label} manifest: {}", e.message),
        )
        .with_help(format!(
            "the manifest must be valid {}",
            syntax_name(format.syntax)
        ))
    };
    let docs: Vec<Document> = match format.syntax {
        Syntax::Yaml => match yaml::parse_single(text) {
            Ok(d) => vec![d],
            Err(e) => return vec![syntax_error(e)],
        },
        Syntax::YamlStream => match yaml::parse_stream(text) {
            Ok(d) => d.into_iter().filter(|d| !d.value.is_null()).collect(),
            Err(e) => return vec![syntax_error(e)],
        },
        Syntax::Json => match json_document(text) {
            Ok(d) => vec![d],
            Err(e) => return vec![syntax_error(e)],
        },
        Syntax::Script => vec![script_document(text)],
    };
    if docs.is_empty() {
        return vec![Diagnostic::error(
            "manifest-syntax",
            file,
            shift(Span {
                line: 1,
                column: 1,
                ..Span::default()
            }),
            format!("{label} manifest is empty"),
        )
        .with_help("write the complete manifest the tool runs")];
    }
    let mut out = Vec::new();
    for doc in &docs {
        let doc_ref = DocRef {
            file,
            doc,
            shift: Some(&shift),
        };
        for mut d in format.schema.check(&doc.value, &doc_ref, "") {
            d.message = format!("{label} manifest: {}", d.message);
            d.code = "manifest-invalid";
            out.push(d);
        }
    }
    out
}

/// The common case, cheaply: parse without positions and validate. Only
/// when this fails is the manifest parsed again with positions to explain.
pub fn quick_valid(format: &Format, text: &str) -> bool {
    match format.syntax {
        Syntax::Yaml => yaml::parse_values(text)
            .is_ok_and(|docs| docs.len() == 1 && format.schema.is_valid(&docs[0])),
        Syntax::YamlStream => yaml::parse_values(text).is_ok_and(|docs| {
            let mut docs = docs.iter().filter(|d| !d.is_null()).peekable();
            docs.peek().is_some() && docs.all(|d| format.schema.is_valid(d))
        }),
        Syntax::Json => {
            serde_json::from_str::<Value>(text).is_ok_and(|v| format.schema.is_valid(&v))
        }
        Syntax::Script => format.schema.is_valid(&script_document(text).value),
    }
}

fn syntax_name(s: Syntax) -> &'static str {
    match s {
        Syntax::YamlStream | Syntax::Yaml => "YAML",
        Syntax::Json => "JSON",
        Syntax::Script => "shell",
    }
}

/// Parses `text` as JSON, keeping positions: strict JSON first (so YAML-only
/// syntax is refused), then the YAML reader for positions, since JSON is YAML.
pub fn json_document(text: &str) -> Result<Document, yaml::YamlError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let index = LineIndex::new(text);
        let start = index.offset(e.line(), e.column().saturating_sub(1));
        yaml::YamlError {
            kind: yaml::YamlErrorKind::Syntax,
            message: e.to_string(),
            span: Span {
                start,
                end: start,
                line: e.line(),
                column: e.column(),
            },
            related: None,
        }
    })?;
    match yaml::parse_single(text) {
        Ok(doc) if doc.value == value => Ok(doc),
        _ => Ok(Document {
            value,
            positions: HashMap::new(),
            span: Span {
                start: 0,
                end: text.len(),
                line: 1,
                column: 1,
            },
        }),
    }
}

/// The instance a script format validates: `{shebang, commands}`, one
/// command per logical line (continuations joined, comments dropped).
pub fn script_document(text: &str) -> Document {
    let index = LineIndex::new(text);
    let mut positions = HashMap::new();
    let mut lines = text.split_inclusive('\n').scan(0usize, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    });
    let mut shebang = String::new();
    let mut commands = Vec::new();
    let mut first = true;
    let mut pending: Option<(usize, String)> = None;
    for (start, line) in lines.by_ref() {
        if first {
            first = false;
            if line.starts_with("#!") {
                shebang = line.trim().to_string();
                positions.insert(
                    "/shebang".to_string(),
                    NodePos {
                        key: None,
                        value: index.span(start, start + line.len()),
                        style: None,
                    },
                );
                continue;
            }
        }
        let trimmed = line.trim();
        let (cmd_start, mut acc) = match pending.take() {
            Some(p) => p,
            None => {
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                (
                    start + (line.len() - line.trim_start().len()),
                    String::new(),
                )
            }
        };
        if let Some(body) = trimmed.strip_suffix('\\') {
            if !acc.is_empty() && !body.trim().is_empty() {
                acc.push(' ');
            }
            acc.push_str(body.trim());
            pending = Some((cmd_start, acc));
            continue;
        }
        if !acc.is_empty() && !trimmed.is_empty() {
            acc.push(' ');
        }
        acc.push_str(trimmed);
        let end = start + line.len();
        positions.insert(
            format!("/commands/{}", commands.len()),
            NodePos {
                key: None,
                value: index.span(cmd_start, end),
                style: None,
            },
        );
        commands.push(Value::String(acc));
    }
    if let Some((cmd_start, acc)) = pending {
        positions.insert(
            format!("/commands/{}", commands.len()),
            NodePos {
                key: None,
                value: index.span(cmd_start, text.len()),
                style: None,
            },
        );
        commands.push(Value::String(acc));
    }
    Document {
        value: json!({"shebang": shebang, "commands": commands}),
        positions,
        span: index.span(0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_become_shebang_and_logical_commands() {
        let doc = script_document("#!/usr/bin/env bash\n# comment\nset -euo pipefail\n\npumba netem --duration 1m \\\n  delay --time 300 \\\n  shop\n");
        assert_eq!(doc.value["shebang"], "#!/usr/bin/env bash");
        assert_eq!(
            doc.value["commands"],
            json!([
                "set -euo pipefail",
                "pumba netem --duration 1m delay --time 300 shop"
            ])
        );
        assert_eq!(doc.node("/commands/1").unwrap().value.line, 5);
    }

    #[test]
    fn json_keeps_positions_and_rejects_yaml_only_syntax() {
        let doc = json_document("{\n  \"a\": {\"b\": 1}\n}").unwrap();
        assert_eq!(doc.node("/a/b").unwrap().value.line, 2);
        let err = json_document("a: 1").unwrap_err();
        assert_eq!(err.span.line, 1);
    }

    #[test]
    fn block_placement_maps_lines_and_columns() {
        let source = "implementations:\n  - manifest: |\n      kind: X\n      spec: {}\n";
        let doc = yaml::parse_single(source).unwrap();
        let node = doc.node("/implementations/0/manifest").unwrap();
        let placement = Placement::of_scalar(source, node);
        let index = LineIndex::new(source);
        // "spec" is at line 2, column 1 of the manifest.
        let mapped = placement.map(
            Span {
                start: 8,
                end: 12,
                line: 2,
                column: 1,
            },
            &index,
        );
        assert_eq!((mapped.line, mapped.column), (4, 7));
        assert_eq!(&source[mapped.start..mapped.end], "spec");
    }
}
