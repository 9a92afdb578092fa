//! Code highlighting at build time with syntect: spans with CSS classes
//! (no inline styles, so the Content-Security-Policy needs no
//! `unsafe-inline`), and a light and a dark stylesheet generated from two
//! syntect themes. Nothing is highlighted in the browser.
//!
//! syntect's default syntax set is loaded once, lazily, on the first code
//! block. It lacks TOML and PromQL, which this book uses, so two small
//! grammars are built in beside it, and lean YAML and JSON grammars replace
//! the default ones, which dominated the build time of catalog pages.
//! Unknown languages render as plain, escaped text.

use std::sync::LazyLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

/// Every class syntect emits starts with `hl-`, so it cannot clash with the
/// theme's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntect themes the two palettes come from.
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

static DEFAULTS: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

static EXTRA: LazyLock<SyntaxSet> = LazyLock::new(|| {
    let mut builder = SyntaxSetBuilder::new();
    for source in [
        include_str!("syntaxes/TOML.sublime-syntax"),
        include_str!("syntaxes/PromQL.sublime-syntax"),
        include_str!("syntaxes/YAML.sublime-syntax"),
        include_str!("syntaxes/JSON.sublime-syntax"),
    ] {
        builder.add(
            SyntaxDefinition::load_from_str(source, true, None).expect("built-in grammar is valid"),
        );
    }
    builder.build()
});

/// The language token of a fenced block's info string: `yaml`, `rust,ignore`
/// -> `rust`, `sh title="x"` -> `sh`.
pub fn language_of(info: &str) -> &str {
    info.split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim()
}

fn canonical(lang: &str) -> Option<&'static str> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "sh" | "shell" | "bash" | "zsh" | "console" | "shell-session" | "shellsession"
        | "terminal" | "dockerfile" => "bash",
        "yml" | "yaml" => "yaml",
        "json" | "jsonc" | "json5" | "jsonl" | "ndjson" => "json",
        "toml" => "toml",
        "promql" | "prometheus" | "prom" | "metricsql" => "promql",
        "py" | "python" | "python3" => "py",
        "js" | "javascript" | "mjs" | "ts" | "typescript" => "js",
        "rs" | "rust" => "rs",
        "go" | "golang" => "go",
        "html" => "html",
        "xml" => "xml",
        "css" => "css",
        "sql" => "sql",
        "java" => "java",
        "c" => "c",
        "cpp" | "c++" => "cpp",
        "diff" | "patch" => "diff",
        "makefile" | "make" => "makefile",
        "ruby" | "rb" => "rb",
        _ => return None,
    })
}

fn find(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let token = canonical(lang)?;
    if let Some(s) = EXTRA.find_syntax_by_extension(token) {
        return Some((&EXTRA, s));
    }
    let set: &'static SyntaxSet = &DEFAULTS;
    set.find_syntax_by_token(token).map(|s| (set, s))
}

/// Whether `lang` gets highlighted (rather than shown as plain text).
pub fn is_known(lang: &str) -> bool {
    find(lang).is_some()
}

/// The inner HTML of `<code>` for `code` in `lang`: classed spans, or the
/// escaped text when the language is unknown.
pub fn highlight(code: &str, lang: &str) -> String {
    let Some((set, syntax)) = find(lang) else {
        return escape(code);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(code);
        }
    }
    generator.finalize()
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The two generated stylesheets: (`highlight-light.css`,
/// `highlight-dark.css`). Each applies under its explicit `data-theme` and,
/// for `data-theme="auto"`, under the matching `prefers-color-scheme`.
pub fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let make = |name: &str, mode: &str| -> String {
        let css = css_for_theme_with_class_style(&themes.themes[name], CLASS_STYLE)
            .expect("built-in theme renders to CSS");
        let explicit = scope_css(&css, &format!("[data-theme=\"{mode}\"]"));
        let auto = scope_css(&css, "[data-theme=\"auto\"]");
        format!(
            "/* Generated by chaosbook from the syntect theme \"{name}\". */\n{explicit}\n@media (prefers-color-scheme: {mode}) {{\n{auto}}}\n"
        )
    };
    (make(LIGHT_THEME, "light"), make(DARK_THEME, "dark"))
}

/// Prefixes every selector of a flat stylesheet (syntect's output: rules and
/// comments, no at-rules) with `scope`.
fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut in_comment = false;
    for line in css.lines() {
        let trimmed = line.trim();
        if in_comment || trimmed.starts_with("/*") {
            in_comment = !trimmed.ends_with("*/");
            continue;
        }
        if let Some(selectors) = trimmed.strip_suffix('{') {
            let scoped: Vec<String> = selectors
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    if s == ".hl-code" {
                        format!("{scope} pre.hl-code")
                    } else {
                        format!("{scope} {s}")
                    }
                })
                .collect();
            out.push_str(&scoped.join(", "));
            out.push_str(" {\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_languages_are_highlighted() {
        for (lang, code) in [
            ("yaml", "kind: PodChaos\nspec:\n  mode: one # comment\n"),
            ("json", "{\"a\": [1, true]}\n"),
            ("bash", "kubectl get pods -n default | grep x\n"),
            ("sh", "echo \"$HOME\"\n"),
            ("console", "$ ls\n"),
            ("toml", "[book]\ntitle = \"x\" # c\nn = 3\n"),
            (
                "promql",
                "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) > 0.1\n",
            ),
        ] {
            assert!(is_known(lang), "{lang}");
            let html = highlight(code, lang);
            assert!(html.contains("class=\"hl-"), "{lang}: {html}");
            assert!(!html.contains("style="), "{lang}: {html}");
        }
    }

    #[test]
    fn unknown_languages_fall_back_to_escaped_text() {
        assert!(!is_known("klingon"));
        assert_eq!(highlight("<b>&</b>", "klingon"), "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(highlight("x", ""), "x");
    }

    #[test]
    fn info_strings_reduce_to_the_language() {
        assert_eq!(language_of("rust,ignore"), "rust");
        assert_eq!(language_of("yaml title=\"a\""), "yaml");
        assert_eq!(language_of("toml{.x}"), "toml");
    }

    #[test]
    fn stylesheets_are_scoped_by_theme() {
        let (light, dark) = stylesheets();
        assert!(
            light.contains("[data-theme=\"light\"] pre.hl-code"),
            "{light}"
        );
        assert!(dark.contains("@media (prefers-color-scheme: dark)"));
        assert!(dark.contains("[data-theme=\"auto\"] .hl-comment"), "{dark}");
        assert!(!light.contains("[data-theme=\"light\"] /*"));
    }
}

#[cfg(test)]
mod lean_grammar_tests {
    use super::highlight;

    #[test]
    fn yaml_keys_strings_comments_and_literals_are_classed() {
        let html = highlight(
            "# c\nkind: PodChaos\nvalue: \"1\"\nok: true\nn: 3\n",
            "yaml",
        );
        assert!(html.contains("hl-comment"), "{html}");
        assert!(
            html.contains("<span class=\"hl-entity hl-name hl-tag hl-yaml\">kind</span>"),
            "{html}"
        );
        assert!(html.contains("hl-string"), "{html}");
        assert!(
            html.contains("hl-constant hl-language hl-yaml\">true"),
            "{html}"
        );
        assert!(
            html.contains("hl-constant hl-numeric hl-yaml\">3"),
            "{html}"
        );
    }

    #[test]
    fn json_keys_and_values_are_classed() {
        let html = highlight(
            "{\"actionId\": \"aws:ec2:stop-instances\", \"n\": 2, \"x\": null}",
            "json",
        );
        assert!(
            html.contains("hl-support hl-type hl-property-name hl-json\">&quot;actionId&quot;"),
            "{html}"
        );
        assert!(
            html.contains(
                "hl-string hl-quoted hl-double hl-json\">&quot;aws:ec2:stop-instances&quot;"
            ),
            "{html}"
        );
        assert!(
            html.contains("hl-constant hl-numeric hl-json\">2"),
            "{html}"
        );
    }
}
