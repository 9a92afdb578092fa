//! Code highlighting at build time: spans with a small set of short CSS
//! classes (no inline styles, so the Content-Security-Policy needs no
//! `unsafe-inline`), and a light and a dark stylesheet generated from two
//! syntect themes. Nothing is highlighted in the browser.
//!
//! Every language maps onto the same dozen token classes (`Class`):
//! `hl-c` comment, `hl-s` string, `hl-k` key, and so on. syntect's own HTML
//! writes every atom of every scope (`hl-entity hl-name hl-tag hl-yaml`),
//! which made catalog pages, six manifests each, mostly class names.
//!
//! YAML and JSON (a manifest on every tab) are highlighted as the YAML
//! parser that validated them reads them (`manifest`): keys, values and
//! comments are exactly what the parser saw, in a fraction of a regex
//! grammar's time (half of a catalog build's, measured by the budget
//! bench). Highlighted code is memoised by content, since one manifest
//! appears on its scenario page, in embeds and in print.html.
//! Everything else, and YAML a parser refuses (a fragment in a chapter),
//! goes through syntect: its default syntax set, loaded once, lazily, plus
//! small built-in grammars for TOML and PromQL, which this book uses, and
//! lean YAML and JSON ones (the default ones dominated the build time of
//! catalog pages). Unknown languages render as plain, escaped text.

mod manifest;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use syntect::highlighting::{Color, FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use syntect::util::LinesWithEndings;

use crate::catalog::yaml::PlainKind;

/// The syntect themes the two palettes come from.
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// What a highlighted token is. Each class is one short CSS class and one
/// representative scope, which the themes are asked to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Comment,
    String,
    Escape,
    Number,
    Literal,
    Key,
    Keyword,
    Type,
    Function,
    Variable,
    Attribute,
    Heading,
    Inserted,
    Deleted,
}

impl Class {
    const ALL: [Class; 14] = [
        Class::Comment,
        Class::String,
        Class::Escape,
        Class::Number,
        Class::Literal,
        Class::Key,
        Class::Keyword,
        Class::Type,
        Class::Function,
        Class::Variable,
        Class::Attribute,
        Class::Heading,
        Class::Inserted,
        Class::Deleted,
    ];

    /// The CSS class; every one starts with `hl-`, so it cannot clash with
    /// the theme's own classes.
    pub(crate) fn css(self) -> &'static str {
        match self {
            Class::Comment => "hl-c",
            Class::String => "hl-s",
            Class::Escape => "hl-e",
            Class::Number => "hl-n",
            Class::Literal => "hl-l",
            Class::Key => "hl-k",
            Class::Keyword => "hl-w",
            Class::Type => "hl-t",
            Class::Function => "hl-f",
            Class::Variable => "hl-v",
            Class::Attribute => "hl-a",
            Class::Heading => "hl-h",
            Class::Inserted => "hl-i",
            Class::Deleted => "hl-d",
        }
    }

    /// The scope whose colour in a syntect theme this class takes.
    fn theme_scope(self) -> &'static str {
        match self {
            Class::Comment => "comment.line",
            Class::String => "string.quoted.double",
            Class::Escape => "constant.character.escape",
            Class::Number => "constant.numeric",
            Class::Literal => "constant.language",
            Class::Key => "entity.name.tag",
            Class::Keyword => "keyword.control",
            Class::Type => "storage.type",
            Class::Function => "entity.name.function",
            Class::Variable => "variable.parameter",
            Class::Attribute => "entity.other.attribute-name",
            Class::Heading => "markup.heading",
            Class::Inserted => "markup.inserted",
            Class::Deleted => "markup.deleted",
        }
    }
}

/// Scope prefixes and the class they give, tried in this order on each
/// scope of a token's stack, innermost first: the quotes of a string
/// (`punctuation.definition.string` inside `string`) are a string.
static RULES: LazyLock<Vec<(Scope, Class)>> = LazyLock::new(|| {
    [
        ("comment", Class::Comment),
        ("constant.character.escape", Class::Escape),
        ("string", Class::String),
        ("constant.numeric", Class::Number),
        ("constant", Class::Literal),
        ("support.constant", Class::Literal),
        ("entity.name.tag", Class::Key),
        ("support.type.property-name", Class::Key),
        ("keyword", Class::Keyword),
        ("storage.modifier", Class::Keyword),
        ("storage", Class::Type),
        ("support.type", Class::Type),
        ("support.class", Class::Type),
        ("entity.name.type", Class::Type),
        ("entity.name.class", Class::Type),
        ("entity.other.inherited-class", Class::Type),
        ("entity.name.function", Class::Function),
        ("support.function", Class::Function),
        ("variable.function", Class::Function),
        ("variable.parameter", Class::Variable),
        ("variable.other", Class::Variable),
        ("variable.language", Class::Variable),
        ("entity.other.attribute-name", Class::Attribute),
        ("markup.heading", Class::Heading),
        ("entity.name.section", Class::Heading),
        ("markup.inserted", Class::Inserted),
        ("markup.deleted", Class::Deleted),
    ]
    .into_iter()
    .map(|(scope, class)| (Scope::new(scope).expect("a valid scope"), class))
    .collect()
});

/// The class of a token from its scope stack, if any.
fn class_of(stack: &[Scope]) -> Option<Class> {
    stack.iter().rev().find_map(|scope| {
        RULES
            .iter()
            .find(|(prefix, _)| prefix.is_prefix_of(*scope))
            .map(|&(_, class)| class)
    })
}

static DEFAULTS: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

static EXTRA: LazyLock<SyntaxSet> = LazyLock::new(|| {
    let mut builder = SyntaxSetBuilder::new();
    for source in [
        include_str!("syntaxes/TOML.sublime-syntax"),
        include_str!("syntaxes/PromQL.sublime-syntax"),
        include_str!("syntaxes/YAML.sublime-syntax"),
        include_str!("syntaxes/JSON.sublime-syntax"),
        include_str!("syntaxes/Shell.sublime-syntax"),
    ] {
        builder.add(
            SyntaxDefinition::load_from_str(source, true, None).expect("built-in grammar is valid"),
        );
    }
    builder.build()
});

/// The syntax a language is highlighted with (see
/// [`crate::markdown::languages`] for the aliases).
fn canonical(lang: &str) -> Option<&'static str> {
    Some(match crate::markdown::languages::canonical(lang)? {
        "dockerfile" => "bash",
        "python" => "py",
        "javascript" | "typescript" => "js",
        "rust" => "rs",
        "ruby" => "rb",
        "ini" | "hcl" | "markdown" => return None,
        other => other,
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
    let mut out = String::with_capacity(Spans::capacity(code));
    highlight_into(&mut out, code, lang);
    out
}

/// [`highlight`], appended to `out`: a page writes its manifests straight
/// into its own buffer. Remembered by language and text (`Memo`).
pub fn highlight_into(out: &mut String, code: &str, lang: &str) {
    if let Some(html) = MEMO.get(lang, code) {
        out.push_str(&html);
        return;
    }
    let start = out.len();
    highlight_anew(out, code, lang);
    MEMO.insert(lang, code, &out[start..]);
}

/// Highlighted code by language and text. One manifest is shown on its
/// scenario page, in each chapter that embeds the scenario and in
/// print.html, and `serve` renders it again on every rebuild: it is
/// highlighted once. Bounded, so a long `serve` session does not grow
/// without end: past [`Memo::MAX_BYTES`] it starts over.
struct Memo {
    inner: Mutex<MemoInner>,
}

#[derive(Default)]
struct MemoInner {
    /// Language -> code -> HTML.
    by_lang: HashMap<String, HashMap<String, Arc<str>>>,
    bytes: usize,
}

impl Memo {
    const MAX_BYTES: usize = 64 << 20;

    fn lock(&self) -> MutexGuard<'_, MemoInner> {
        // A panic elsewhere cannot leave the map half-written: every
        // change is one insert.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, lang: &str, code: &str) -> Option<Arc<str>> {
        self.lock().by_lang.get(lang)?.get(code).cloned()
    }

    fn insert(&self, lang: &str, code: &str, html: &str) {
        let mut memo = self.lock();
        memo.bytes += code.len() + html.len();
        if memo.bytes > Self::MAX_BYTES {
            *memo = MemoInner::default();
            memo.bytes = code.len() + html.len();
        }
        memo.by_lang
            .entry(lang.to_string())
            .or_default()
            .insert(code.to_string(), html.into());
    }
}

static MEMO: LazyLock<Memo> = LazyLock::new(|| Memo {
    inner: Mutex::new(MemoInner::default()),
});

/// [`highlight_into`] without the memo.
fn highlight_anew(out: &mut String, code: &str, lang: &str) {
    // Manifests as the parser reads them, else (YAML the parser refuses)
    // like any other language.
    let done = match canonical(lang) {
        Some("yaml" | "json") => attempt(out, |o| manifest::highlight(code, o)),
        _ => false,
    };
    let done = done
        || find(lang)
            .is_some_and(|(set, syntax)| attempt(out, |o| with_syntect(code, set, syntax, o)));
    if !done {
        escape_into(out, code);
    }
}

/// Runs the highlighter `f` on `out`: true if it finished, else (it gave
/// up part way) `out` is left as it was.
fn attempt(out: &mut String, f: impl FnOnce(&mut Spans) -> Option<()>) -> bool {
    let start = out.len();
    let mut spans = Spans::new(out);
    if f(&mut spans).is_some() {
        spans.finish();
        true
    } else {
        out.truncate(start);
        false
    }
}

/// What the highlighter `f` writes, or `None` if it gives up.
#[cfg(test)]
fn answer(f: impl FnOnce(&mut Spans) -> Option<()>) -> Option<String> {
    let mut out = String::new();
    attempt(&mut out, f).then_some(out)
}

/// `code` highlighted by a syntect grammar; `None` if the grammar fails.
fn with_syntect(
    code: &str,
    set: &SyntaxSet,
    syntax: &SyntaxReference,
    out: &mut Spans<'_>,
) -> Option<()> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut class = None;
    for line in LinesWithEndings::from(code) {
        let mut at = 0;
        for (pos, op) in state.parse_line(line, set).ok()? {
            out.push(&line[at..pos], class);
            at = pos;
            stack.apply(&op).ok()?;
            class = class_of(stack.as_slice());
        }
        out.push(&line[at..], class);
    }
    Some(())
}

/// Escaped text in classed spans. A run of one class is one span, however
/// many tokens it took; whitespace between two runs stays outside both.
struct Spans<'a> {
    html: &'a mut String,
    open: Option<Class>,
    /// Whitespace not yet written: inside the open span if the class
    /// continues, after it if not.
    blank: String,
}

impl<'a> Spans<'a> {
    /// About what the spans of `code` take: markup makes highlighted
    /// manifests two to three times their text.
    fn capacity(code: &str) -> usize {
        code.len() * 3
    }

    fn new(html: &'a mut String) -> Self {
        Spans {
            html,
            open: None,
            blank: String::new(),
        }
    }

    fn push(&mut self, text: &str, class: Option<Class>) {
        if text.bytes().all(|b| b.is_ascii_whitespace()) {
            self.blank.push_str(text);
            return;
        }
        if class != self.open {
            self.html
                .reserve(Self::capacity(text) + self.blank.len() + 32);
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            self.html.push_str(&self.blank);
            if let Some(c) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(c.css());
                self.html.push_str("\">");
            }
            self.open = class;
        } else {
            self.html.push_str(&self.blank);
        }
        self.blank.clear();
        escape_into(self.html, text);
    }

    fn finish(self) {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html.push_str(&self.blank);
    }
}

/// The class of a plain YAML scalar (or a JSON literal): numbers, booleans
/// and null exactly as the catalog's loader reads them, else none.
fn plain_class(text: &str) -> Option<Class> {
    match crate::catalog::yaml::plain_kind(text) {
        PlainKind::Number(_) => Some(Class::Number),
        PlainKind::Bool(_) | PlainKind::Null => Some(Class::Literal),
        PlainKind::String => None,
    }
}

/// The length of the quoted YAML or JSON scalar `text` starts with, if it
/// closes (`\"` escapes in double quotes, `''` in single ones).
fn quoted_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.first().filter(|&&b| b == b'"' || b == b'\'')?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// HTML escaping for text and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// The two generated stylesheets: (`highlight-light.css`,
/// `highlight-dark.css`). Each applies under its explicit `data-theme` and,
/// for `data-theme="auto"`, under the matching `prefers-color-scheme`.
pub fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let make = |name: &str, mode: &str| -> String {
        let rules = theme_rules(&themes.themes[name]);
        let scoped = |scope: &str| -> String {
            rules
                .iter()
                .map(|(selector, declarations)| {
                    format!("{scope} {selector} {{ {declarations} }}\n")
                })
                .collect()
        };
        format!(
            "/* Generated by chaosbook from the syntect theme \"{name}\". */\n{}\n@media (prefers-color-scheme: {mode}) {{\n{}}}\n",
            scoped(&format!("[data-theme=\"{mode}\"]")),
            scoped("[data-theme=\"auto\"]")
        )
    };
    (make(LIGHT_THEME, "light"), make(DARK_THEME, "dark"))
}

/// (selector, declarations) for the code block and every class, as `theme`
/// colours the class's representative scope.
fn theme_rules(theme: &Theme) -> Vec<(String, String)> {
    let highlighter = Highlighter::new(theme);
    let base = highlighter.style_for_stack(&[]);
    let mut rules = vec![(
        "pre.hl-code".to_string(),
        format!(
            "color: {}; background-color: {};",
            css_color(base.foreground),
            css_color(base.background)
        ),
    )];
    for class in Class::ALL {
        let scope = Scope::new(class.theme_scope()).expect("a valid scope");
        let style = highlighter.style_for_stack(&[scope]);
        let foreground = readable(style.foreground, style.background, base.foreground);
        let mut declarations = format!("color: {};", css_color(foreground));
        if style.background != base.background {
            let _ = write!(
                declarations,
                " background-color: {};",
                css_color(style.background)
            );
        }
        for (flag, css) in [
            (FontStyle::BOLD, "font-weight: bold;"),
            (FontStyle::ITALIC, "font-style: italic;"),
            (FontStyle::UNDERLINE, "text-decoration: underline;"),
        ] {
            if style.font_style.contains(flag) {
                declarations.push(' ');
                declarations.push_str(css);
            }
        }
        rules.push((format!(".{}", class.css()), declarations));
    }
    rules
}

/// WCAG 2 level AA for normal text. Both themes colour some tokens (keys,
/// comments, numbers) below it; those are moved toward the theme's text
/// colour until they reach it, with a margin for the page's own code
/// background (`--code-bg` in theme/static/chaosbook.css), which is a shade
/// off the theme's.
const MIN_CONTRAST: f64 = 4.5;
const CONTRAST_MARGIN: f64 = 1.1;

/// `fg`, or the first mix of it with `toward` (in twentieths) that reads on
/// `bg` at [`MIN_CONTRAST`] with the margin.
fn readable(fg: Color, bg: Color, toward: Color) -> Color {
    let mix = |t: f64| {
        let channel =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Color {
            r: channel(fg.r, toward.r),
            g: channel(fg.g, toward.g),
            b: channel(fg.b, toward.b),
            a: fg.a,
        }
    };
    (0..=20)
        .map(|step| mix(f64::from(step) / 20.0))
        .find(|&c| contrast(c, bg) >= MIN_CONTRAST * CONTRAST_MARGIN)
        .unwrap_or(toward)
}

/// WCAG 2 contrast ratio of two colours.
fn contrast(a: Color, b: Color) -> f64 {
    let luminance = |c: Color| {
        let linear = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn css_color(c: Color) -> String {
    if c.a == 0xff {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    } else {
        format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_languages_are_highlighted() {
        for (lang, code, token) in [
            (
                "yaml",
                "kind: PodChaos\nspec:\n  mode: one # comment\n",
                "<span class=\"hl-k\">kind</span>",
            ),
            (
                "json",
                "{\"a\": [1, true]}\n",
                "<span class=\"hl-n\">1</span>",
            ),
            (
                "bash",
                "kubectl get pods -n \"$NS\" | grep x # c\n",
                "<span class=\"hl-v\">-n</span>",
            ),
            (
                "sh",
                "echo \"$HOME\"\n",
                "<span class=\"hl-v\">$HOME</span>",
            ),
            ("console", "$ ls\n", "$ ls"),
            (
                "toml",
                "[book]\ntitle = \"x\" # c\nn = 3\n",
                "<span class=\"hl-s\">&quot;x&quot;</span>",
            ),
            (
                "promql",
                "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) > 0.1\n",
                "<span class=\"hl-s\">&quot;5..&quot;</span>",
            ),
            (
                "rust",
                "fn main() { let x = 1; }\n",
                "<span class=\"hl-t\">fn</span> <span class=\"hl-f\">main</span>",
            ),
            ("diff", "-old\n+new\n", "<span class=\"hl-i\">+new"),
        ] {
            assert!(is_known(lang), "{lang}");
            let html = highlight(code, lang);
            assert!(html.contains(token), "{lang}: {html}");
            assert!(!html.contains("style="), "{lang}: {html}");
        }
    }

    #[test]
    fn shell_comments_strings_and_options() {
        let html = highlight(
            "#!/usr/bin/env bash\nset -euo pipefail\ntool --time 3000 \\\n  'a b' \"c\\\"d\"\n",
            "bash",
        );
        assert!(html.starts_with("<span class=\"hl-c\">#!/usr/bin/env bash</span>\n<span class=\"hl-w\">set</span> <span class=\"hl-v\">-euo</span>"), "{html}");
        assert!(
            html.contains("<span class=\"hl-v\">--time</span> 3000"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-s\">&#39;a b&#39; &quot;c</span><span class=\"hl-e\">\\&quot;</span>"), "{html}");
    }

    /// A highlighter that gives up half way leaves nothing of its own in
    /// the page: the next one starts from what was there before.
    #[test]
    fn a_highlighter_that_gives_up_leaves_the_buffer_as_it_was() {
        let mut page = String::from("<code>");
        let done = attempt(&mut page, |o| {
            o.push("key", Some(Class::Key));
            None
        });
        assert!(!done);
        assert_eq!(page, "<code>");
        // YAML the parser refuses: what manifest::highlight wrote of it
        // before giving up is gone, and the grammar answers instead.
        let code = "a: 1\nb: [unclosed\n";
        assert!(answer(|o| manifest::highlight(code, o)).is_none());
        let mut page = String::from("<code>");
        highlight_into(&mut page, code, "yaml");
        let (set, syntax) = find("yaml").unwrap();
        let grammar = answer(|o| with_syntect(code, set, syntax, o)).unwrap();
        assert_eq!(page, format!("<code>{grammar}"));
    }

    #[test]
    fn runs_of_one_class_are_one_span_and_blanks_stay_outside() {
        let html = highlight("# one\n# two\nk: v\n", "yaml");
        assert_eq!(
            html,
            "<span class=\"hl-c\"># one\n# two</span>\n<span class=\"hl-k\">k</span>: v\n"
        );
    }

    #[test]
    fn yaml_the_parser_refuses_still_gets_the_grammar() {
        // A chapter's fragment: not a valid document, still highlighted.
        let html = highlight("spec:\n  ...\n  - x: 1\n    bad: [\n", "yaml");
        assert!(html.contains("<span class=\"hl-k\">spec</span>"), "{html}");
    }

    #[test]
    fn unknown_languages_fall_back_to_escaped_text() {
        assert!(!is_known("klingon"));
        assert_eq!(highlight("<b>&</b>", "klingon"), "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(highlight("x", ""), "x");
    }

    #[test]
    fn every_class_has_a_rule_in_both_stylesheets() {
        let (light, dark) = stylesheets();
        for css in [&light, &dark] {
            for class in Class::ALL {
                let rule = format!("[data-theme=\"auto\"] .{} {{ color: #", class.css());
                assert!(css.contains(&rule), "{rule}\n{css}");
            }
        }
        assert!(
            light.contains("[data-theme=\"light\"] pre.hl-code { color: #"),
            "{light}"
        );
        assert!(dark.contains("@media (prefers-color-scheme: dark)"));
        assert!(dark.contains("[data-theme=\"dark\"] .hl-c {"), "{dark}");
        // Comments and strings look different from plain text in both.
        for css in [&light, &dark] {
            let color = |sel: &str| {
                let at = css
                    .find(&format!("[data-theme=\"auto\"] {sel} {{"))
                    .unwrap();
                css[at..].split("color: ").nth(1).unwrap()[..7].to_string()
            };
            assert_ne!(color(".hl-c"), color("pre.hl-code"));
            assert_ne!(color(".hl-s"), color("pre.hl-code"));
        }
    }

    /// Every token reads at WCAG AA on the theme's code background and on
    /// the page's own (`--code-bg`, which catalog manifests sit on).
    #[test]
    fn every_class_meets_aa_contrast_on_both_code_backgrounds() {
        let root = crate::testing::project_root();
        let site_css = std::fs::read_to_string(root.join("theme/static/chaosbook.css")).unwrap();
        let code_bgs: Vec<&str> = site_css
            .match_indices("--code-bg: #")
            .map(|(at, _)| &site_css[at + 11..at + 18])
            .collect();
        let parse = |hex: &str| Color {
            r: u8::from_str_radix(&hex[1..3], 16).unwrap(),
            g: u8::from_str_radix(&hex[3..5], 16).unwrap(),
            b: u8::from_str_radix(&hex[5..7], 16).unwrap(),
            a: 0xff,
        };
        let (light, dark) = stylesheets();
        for (css, page_bg) in [(&light, code_bgs[0]), (&dark, code_bgs[1])] {
            let rule = |sel: &str| {
                let at = css.find(&format!("] {sel} {{ color: #")).unwrap();
                let rest = &css[at..];
                let color = &rest[rest.find("color: ").unwrap() + 7..][..7];
                let bg = rest[..rest.find('}').unwrap()]
                    .split("background-color: ")
                    .nth(1)
                    .map(|b| &b[..7]);
                (parse(color), bg.map(parse))
            };
            let (_, theme_bg) = rule("pre.hl-code");
            for class in Class::ALL {
                let (fg, own_bg) = rule(&format!(".{}", class.css()));
                for bg in [own_bg.or(theme_bg).unwrap(), parse(page_bg)] {
                    if own_bg.is_some() && bg != own_bg.unwrap() {
                        continue;
                    }
                    let ratio = contrast(fg, bg);
                    assert!(
                        ratio >= MIN_CONTRAST,
                        "{} on {bg:?}: {ratio:.2}",
                        class.css()
                    );
                }
            }
        }
    }
}
