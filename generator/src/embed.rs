//! Parameterised scenario embeds: `{{#scenario ID key=value ...}}` shows a
//! scenario's tabs with some parameters changed, so that a chapter's text
//! and the manifests it embeds describe the same experiment.
//!
//! The values are untrusted in the same way as `export --set`: each is
//! type-checked against its parameter by the export code, and every
//! manifest they produce must keep the structure of the defaults and pass
//! its format schema. `check` reports a bad embed at the argument's line and
//! column; the renderers (site and PDF) then only use embeds that passed.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::model::Scenario;
use crate::catalog::template::{self, ParamValue, ParamValues};
use crate::catalog::Catalog;
use crate::diagnostics::did_you_mean;
use crate::view::ScenarioView;

/// One `key=value` argument, with byte offsets inside the argument text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Parameter name as written.
    pub key: String,
    /// The value as written, before it is checked against the parameter's type.
    pub value: String,
    /// Where `key=value` starts and ends in the directive's arguments.
    pub start: usize,
    /// Byte offset just past `value`.
    pub end: usize,
}

/// What an embed asks for: the scenario id and its parameter values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedArgs {
    /// The scenario id (first argument).
    pub id: String,
    /// Offset of the id in the arguments.
    pub id_at: usize,
    /// The `key=value` arguments, in the order written.
    pub args: Vec<Arg>,
}

/// A problem with an embed, located inside the directive's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedError {
    /// Stable diagnostic code, as `check` reports it.
    pub code: &'static str,
    /// Byte offset in the directive's arguments where the problem starts.
    pub start: usize,
    /// Byte offset just past the problem.
    pub end: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// A parameter whose embedded value differs from its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Parameter name.
    pub name: String,
    /// The embedded value, as the manifests were rendered with it.
    pub value: String,
    /// The scenario's default, shown beside the new value.
    pub default: String,
}

/// A checked embed: the manifests rendered with its values (tool id ->
/// text) and the parameters it changed, in the scenario's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// Tool id -> the manifest rendered with the embed's values.
    pub manifests: BTreeMap<String, String>,
    /// Parameters whose value differs from the default, in the scenario's order.
    pub changed: Vec<Changed>,
}

/// Splits `ID key=value key="a value"` into the id and its arguments.
pub fn parse(args: &str) -> Result<EmbedArgs, EmbedError> {
    let mut tokens = Vec::new();
    let bytes = args.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quoted = false;
        while i < bytes.len() && (quoted || !bytes[i].is_ascii_whitespace()) {
            if bytes[i] == b'"' {
                quoted = !quoted;
            }
            i += 1;
        }
        if quoted {
            return Err(EmbedError {
                code: "embed-syntax",
                start,
                end: i,
                message: "this value opens a quote that is never closed".into(),
                help: "close the quote: key=\"a value\"".into(),
            });
        }
        tokens.push((start, &args[start..i]));
    }
    let Some(&(id_at, id)) = tokens.first() else {
        return Ok(EmbedArgs {
            id: String::new(),
            id_at: 0,
            args: Vec::new(),
        });
    };
    let mut out: Vec<Arg> = Vec::new();
    for &(start, token) in &tokens[1..] {
        let end = start + token.len();
        let Some((key, value)) = token.split_once('=') else {
            return Err(EmbedError {
                code: "embed-syntax",
                start,
                end,
                message: format!("`{token}` is not a parameter value"),
                help: "write the scenario id, then key=value pairs: {{#scenario pod-delete grace_period=30s}}".into(),
            });
        };
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        if out.iter().any(|a| a.key == key) {
            return Err(EmbedError {
                code: "embed-syntax",
                start,
                end,
                message: format!("`{key}` is given twice"),
                help: "keep one value per parameter".into(),
            });
        }
        out.push(Arg {
            key: key.to_string(),
            value: value.to_string(),
            start,
            end,
        });
    }
    Ok(EmbedArgs {
        id: id.to_string(),
        id_at,
        args: out,
    })
}

/// Type-checks the arguments against the scenario's parameters (as
/// `export --set` does) and renders every manifest with them.
pub fn resolve(catalog: &Catalog, scenario: &Scenario, args: &[Arg]) -> Result<Embed, EmbedError> {
    let mut values: ParamValues = template::defaults(&scenario.parameters);
    let mut changed = Vec::new();
    let names: Vec<&str> = scenario
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for arg in args {
        let err = |code, message: String, help: String| EmbedError {
            code,
            start: arg.start,
            end: arg.end,
            message,
            help,
        };
        let Some(p) = scenario.parameters.iter().find(|p| p.name == arg.key) else {
            let help = match did_you_mean(&arg.key, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("parameters of `{}`: {}", scenario.id, names.join(", ")),
            };
            return Err(err(
                "unknown-parameter",
                format!("`{}` has no parameter `{}`", scenario.id, arg.key),
                help,
            ));
        };
        let value = crate::export::typed_value(p, &arg.value).map_err(|why| {
            err(
                "invalid-value",
                format!("{}={}: {why}", p.name, arg.value),
                format!("`{}` takes {}", p.name, crate::export::describe(p)),
            )
        })?;
        if value != p.default {
            changed.push(Changed {
                name: p.name.clone(),
                value: plain(&value),
                default: plain(&p.default),
            });
        }
        values.insert(
            p.name.clone(),
            ParamValue {
                kind: p.kind,
                value,
            },
        );
    }
    changed.sort_by_key(|c| names.iter().position(|n| *n == c.name));
    let overrides: BTreeMap<String, String> = args
        .iter()
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect();
    let whole = |message: String| EmbedError {
        code: "invalid-value",
        start: args.first().map_or(0, |a| a.start),
        end: args.last().map_or(0, |a| a.end),
        message,
        help:
            "choose values that fit every tool's manifest, or embed the scenario with its defaults"
                .into(),
    };
    let mut manifests = BTreeMap::new();
    for imp in scenario.implementations.iter().filter(|i| i.is_supported()) {
        let (Some(manifest), Some(format)) = (
            catalog.manifest(&scenario.id, &imp.tool),
            imp.format.as_deref().and_then(|f| catalog.formats.get(f)),
        ) else {
            continue;
        };
        let text = template::render(&manifest.template, &values).map_err(|e| {
            whole(
                e.iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        if !changed.is_empty() {
            crate::export::check_override_safety(
                &format!("the {} manifest of `{}`", imp.tool, scenario.id),
                &scenario.parameters,
                format,
                &manifest.rendered,
                &text,
                &crate::export::used_by(&manifest.template, &overrides),
                "the values of this embed",
            )
            .map_err(|e| whole(e.to_string()))?;
            // A manifest that fails with its defaults is reported at the
            // scenario; the embed's values are not the mistake then.
            if !crate::catalog::manifest::quick_valid(format, &text)
                && crate::catalog::manifest::quick_valid(format, &manifest.rendered)
            {
                return Err(whole(format!(
                    "with these values the {} manifest no longer validates against the `{}` format",
                    imp.tool, format.name
                )));
            }
        }
        manifests.insert(imp.tool.clone(), text);
    }
    Ok(Embed { manifests, changed })
}

/// An embed for the renderers: `None` when the id or the values are wrong
/// (`check` has reported it, and a build stops on check errors).
pub fn for_render<'a>(catalog: &'a Catalog, args: &str) -> Option<(&'a Scenario, Embed)> {
    let parsed = parse(args).ok()?;
    let scenario = &catalog.scenario(&parsed.id)?.item;
    let embed = resolve(catalog, scenario, &parsed.args).ok()?;
    Some((scenario, embed))
}

/// The scenario's view with the embed's manifests in place of the ones
/// rendered with the defaults.
pub fn apply<'b>(view: &ScenarioView<'b>, embed: &'b Embed) -> ScenarioView<'b> {
    let mut out = view.clone();
    for imp in &mut out.implementations {
        if let Some(text) = embed.manifests.get(imp.tool.id) {
            imp.manifest = Some(text.as_str());
        }
    }
    out
}

/// One sentence naming the values that differ from the defaults, or `None`.
pub fn changed_sentence(changed: &[Changed]) -> Option<String> {
    if changed.is_empty() {
        return None;
    }
    let parts: Vec<String> = changed
        .iter()
        .map(|c| format!("{} = {} (default {})", c.name, c.value, c.default))
        .collect();
    Some(format!(
        "Shown with values that differ from the scenario's defaults: {}.",
        parts.join(", ")
    ))
}

fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_id_and_quoted_and_plain_values() {
        let parsed = parse("pod-delete grace_period=30s  note=\"a b\"").unwrap();
        assert_eq!(parsed.id, "pod-delete");
        assert_eq!(parsed.id_at, 0);
        assert_eq!(
            parsed.args,
            vec![
                Arg {
                    key: "grace_period".into(),
                    value: "30s".into(),
                    start: 11,
                    end: 27
                },
                Arg {
                    key: "note".into(),
                    value: "a b".into(),
                    start: 29,
                    end: 39
                },
            ]
        );
    }

    #[test]
    fn a_bare_word_a_repeated_key_and_an_open_quote_are_syntax_errors() {
        let e = parse("pod-delete graceful").unwrap_err();
        assert_eq!((e.code, e.start, e.end), ("embed-syntax", 11, 19));
        let e = parse("pod-delete a=1 a=2").unwrap_err();
        assert_eq!((e.code, e.start, e.end), ("embed-syntax", 15, 18));
        assert_eq!(e.message, "`a` is given twice");
        let e = parse("pod-delete a=\"x y").unwrap_err();
        assert_eq!((e.code, e.start), ("embed-syntax", 11));
    }

    #[test]
    fn the_sentence_lists_changed_values_with_their_defaults() {
        let changed = vec![
            Changed {
                name: "grace_period".into(),
                value: "30s".into(),
                default: "0s".into(),
            },
            Changed {
                name: "repeat".into(),
                value: "false".into(),
                default: "true".into(),
            },
        ];
        assert_eq!(
            changed_sentence(&changed).unwrap(),
            "Shown with values that differ from the scenario's defaults: grace_period = 30s (default 0s), repeat = false (default true)."
        );
        assert_eq!(changed_sentence(&[]), None);
    }
}
