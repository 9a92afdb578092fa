//! `{{ param }}` placeholders in manifests.
//!
//! Deliberately tiny: a manifest is the tool's own format with holes, not a
//! template program. A placeholder is `{{ name }}` or `{{ name | filter }}`
//! where `name` is a snake_case parameter of the scenario. Anything else in
//! double braces (`{{ .Values.x }}`, `{{inputs.parameters.x}}`) belongs to
//! the tool and is left alone.
//!
//! Filters exist because tools disagree on how to write the same value: one
//! `duration` parameter of `90s` renders as `90s` (Go style, the default),
//! `90` (`seconds`), `90000` (`ms`) or `PT1M30S` (`iso8601`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::model::{ParamType, Parameter};
use crate::diagnostics::did_you_mean;

/// The filters a placeholder can name after `|`: duration as seconds, as
/// milliseconds, as ISO 8601.
pub const FILTERS: [&str; 3] = ["seconds", "ms", "iso8601"];

/// A parameter's type and value, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// The parameter's type, which decides what a filter does.
    pub kind: ParamType,
    /// The value: the default, or a `--set` / embed override.
    pub value: Value,
}

/// Parameter name -> value, for rendering a template.
pub type ParamValues = BTreeMap<String, ParamValue>;

/// The scenario's parameters at their defaults.
pub fn defaults(parameters: &[Parameter]) -> ParamValues {
    parameters
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                ParamValue {
                    kind: p.kind,
                    value: p.default.clone(),
                },
            )
        })
        .collect()
}

/// A placeholder that could not be rendered; offsets are bytes in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the placeholder's `{{`.
    pub start: usize,
    /// Byte offset just past its `}}`.
    pub end: usize,
    /// Stable diagnostic code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// One placeholder found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// Byte offset of `{{`.
    pub start: usize,
    /// Byte offset just past `}}`.
    pub end: usize,
    /// The parameter name.
    pub name: &'a str,
    /// The filter after `|`, if any.
    pub filter: Option<&'a str>,
}

/// Finds the placeholders of `text` (ignoring double braces that are not ours).
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let inner = text[open + 2..close].trim();
        let (name, filter) = match inner.split_once('|') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner, None),
        };
        if is_identifier(name) && filter.is_none_or(is_identifier) {
            out.push(Placeholder {
                start: open,
                end: close + 2,
                name,
                filter,
            });
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Renders `text` with `values`, reporting every bad placeholder.
pub fn render(text: &str, values: &ParamValues) -> Result<String, Vec<TemplateError>> {
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    let mut last = 0;
    for ph in placeholders(text) {
        out.push_str(&text[last..ph.start]);
        last = ph.end;
        let Some(value) = values.get(ph.name) else {
            let help = match did_you_mean(ph.name, values.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None if values.is_empty() => {
                    "the scenario declares no parameters; add one under `parameters:`".to_string()
                }
                None => format!(
                    "declared parameters: {}",
                    values.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            errors.push(TemplateError {
                start: ph.start,
                end: ph.end,
                code: "unknown-parameter",
                message: format!("`{}` is not a parameter of this scenario", ph.name),
                help,
            });
            continue;
        };
        match format_value(value, ph.filter) {
            Ok(s) => out.push_str(&s),
            Err((message, help)) => errors.push(TemplateError {
                start: ph.start,
                end: ph.end,
                code: "template-filter",
                message,
                help,
            }),
        }
    }
    out.push_str(&text[last..]);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn format_value(value: &ParamValue, filter: Option<&str>) -> Result<String, (String, String)> {
    let plain = match &value.value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let Some(filter) = filter else {
        return Ok(plain);
    };
    if !FILTERS.contains(&filter) {
        return Err((
            format!("unknown filter `{filter}`"),
            format!("filters: {}", FILTERS.join(", ")),
        ));
    }
    if value.kind != ParamType::Duration {
        return Err((
            format!("filter `{filter}` applies to duration parameters only"),
            "remove the filter, or declare the parameter with `type: duration`".into(),
        ));
    }
    let ms = parse_duration_ms(&plain).ok_or_else(|| {
        (
            format!("`{plain}` is not a duration"),
            "write durations like 30s, 5m, 1h30m or 500ms".to_string(),
        )
    })?;
    Ok(match filter {
        "seconds" => (ms / 1000).to_string(),
        "ms" => ms.to_string(),
        _ => iso8601(ms),
    })
}

/// Parses `1h30m`, `90s`, `500ms` into milliseconds. Each unit at most once,
/// largest first, as people write them.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];
    let mut rest = text;
    let mut total: u64 = 0;
    let mut next_unit = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else {
            rest.get(..1)?
        };
        let pos = UNITS.iter().position(|(u, _)| *u == unit)?;
        if pos < next_unit {
            return None;
        }
        next_unit = pos + 1;
        total = total.checked_add(n.checked_mul(UNITS[pos].1)?)?;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

fn iso8601(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, frac) = (rest / 1000, rest % 1000);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || frac > 0 || (h == 0 && m == 0) {
        if frac > 0 {
            out.push_str(&format!("{s}.{frac:03}S"));
        } else {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values() -> ParamValues {
        let mut v = ParamValues::new();
        v.insert(
            "duration".into(),
            ParamValue {
                kind: ParamType::Duration,
                value: json!("90s"),
            },
        );
        v.insert(
            "namespace".into(),
            ParamValue {
                kind: ParamType::String,
                value: json!("shop"),
            },
        );
        v.insert(
            "percent".into(),
            ParamValue {
                kind: ParamType::Integer,
                value: json!(50),
            },
        );
        v
    }

    #[test]
    fn renders_values_and_filters() {
        let t = "ns: {{ namespace }}\nd: {{duration}}\ns: '{{ duration | seconds }}'\niso: {{ duration|iso8601 }}\np: {{ percent }}";
        assert_eq!(
            render(t, &values()).unwrap(),
            "ns: shop\nd: 90s\ns: '90'\niso: PT1M30S\np: 50"
        );
    }

    #[test]
    fn foreign_braces_are_left_alone() {
        let t = "a: {{ .Values.x }}\nb: '{{inputs.parameters.y}}'\nc: {{ namespace }}";
        assert_eq!(
            render(t, &values()).unwrap(),
            "a: {{ .Values.x }}\nb: '{{inputs.parameters.y}}'\nc: shop"
        );
    }

    #[test]
    fn unknown_parameters_are_reported_with_a_suggestion() {
        let errs = render("a: {{ namespce }}\nb: {{ nope | seconds }}", &values()).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].code, "unknown-parameter");
        assert_eq!(errs[0].help, "did you mean `namespace`?");
        assert_eq!((errs[0].start, errs[0].end), (3, 17));
    }

    #[test]
    fn filters_only_apply_to_durations() {
        let errs = render("{{ percent | seconds }} {{ duration | hours }}", &values()).unwrap_err();
        assert_eq!(errs[0].code, "template-filter");
        assert!(errs[1].message.contains("unknown filter"));
    }

    #[test]
    fn durations_parse_strictly() {
        assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("2m5s"), Some(125_000));
        for bad in ["", "5", "s", "5x", "5s5m", "1.5s", "-5s", "5s5s"] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
        assert_eq!(iso8601(30_000), "PT30S");
        assert_eq!(iso8601(3_600_000), "PT1H");
        assert_eq!(iso8601(0), "PT0S");
        assert_eq!(iso8601(1_500), "PT1.500S");
    }
}
