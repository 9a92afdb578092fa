//! The theme: tera templates, CSS and JS.
//!
//! The binary embeds the repository's `theme/` folder, so chaosbook also
//! builds a book that has no theme of its own. A project's theme folder
//! (`[output.chaosbook] theme`, default `theme/`) overrides the embedded
//! files one by one and may add files: `templates/*.html` are tera
//! templates, everything under `static/` is copied to the site's `static/`.

use bytes::Bytes;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::catalog::yaml::{LineIndex, Span};
use crate::diagnostics::{display_path, Diagnostic, Report};
use crate::BuildError;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../theme");

/// The page templates every theme must have (the embedded theme provides
/// them; the catalog's are in [`super::catalog::TEMPLATES`]).
pub const TEMPLATES: &[&str] = &[
    "layout.html",
    "page.html",
    "print.html",
    "404.html",
    "toc.html",
];

struct Source {
    bytes: Bytes,
    /// Where the file came from, relative to the project root; `None` for
    /// the embedded theme.
    file: Option<PathBuf>,
}

/// A loaded theme: the embedded files with the project's theme folder over
/// them, and its templates compiled.
pub struct Theme {
    tera: Tera,
    /// Template name -> file it came from (for error messages).
    origins: BTreeMap<String, Option<PathBuf>>,
    /// Template name -> its text (to place an error inside it).
    sources: BTreeMap<String, String>,
    /// Output path (`static/...`) -> content.
    pub statics: BTreeMap<String, Bytes>,
    /// Changes when any theme file changes.
    pub fingerprint: u64,
}

impl Theme {
    /// The embedded theme overlaid with the files under `root/dir`.
    pub fn load(root: &Path, dir: &Path) -> Result<Theme, BuildError> {
        let mut files: BTreeMap<String, Source> = BTreeMap::new();
        collect_embedded(&EMBEDDED, &mut files);
        let project = root.join(dir);
        if project.is_dir() {
            // Theme files are content too: read under the one rule (a link
            // out of the project or a FIFO is an error at its path).
            let rule = crate::content_path::Project::new(root)
                .map_err(|e| BuildError::io("cannot resolve", root, e))?;
            let refused = |d: Diagnostic| {
                let mut r = Report::default();
                r.push(d);
                BuildError::Input(r)
            };
            for entry in rule.walk(&project) {
                let entry = entry.map_err(|d| refused(*d))?;
                if !entry.file_type().is_file()
                    || hidden(entry.path().strip_prefix(&project).unwrap_or(entry.path()))
                {
                    continue;
                }
                let rel = display_path(entry.path().strip_prefix(&project).unwrap_or(entry.path()));
                let bytes = match rule.read_all(entry.path()) {
                    Ok(bytes) => bytes,
                    Err(r) => {
                        let shown = rule.relative(entry.path());
                        return Err(refused(r.diagnostic(
                            &shown,
                            Span::default(),
                            &display_path(&shown),
                        )));
                    }
                };
                let file = entry
                    .path()
                    .strip_prefix(root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| entry.path().to_path_buf());
                files.insert(
                    rel,
                    Source {
                        bytes: bytes.into(),
                        file: Some(file),
                    },
                );
            }
        }

        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut templates = Vec::new();
        let mut origins = BTreeMap::new();
        let mut statics = BTreeMap::new();
        let mut report = Report::default();
        for (rel, src) in &files {
            rel.hash(&mut hasher);
            src.bytes.hash(&mut hasher);
            if let Some(name) = rel.strip_prefix("templates/") {
                match std::str::from_utf8(&src.bytes) {
                    Ok(text) => {
                        templates.push((name.to_string(), text.to_string()));
                        origins.insert(name.to_string(), src.file.clone());
                    }
                    Err(_) => report.push(Diagnostic::error(
                        "theme-template",
                        origin(&src.file, rel),
                        Span::default(),
                        "the template is not UTF-8 text",
                    )),
                }
            } else if rel.starts_with("static/") {
                statics.insert(rel.clone(), src.bytes.clone());
            }
        }
        if report.has_errors() {
            return Err(BuildError::Input(report));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/`, which makes every relative URL
        // (`../static/x.css`) unreadable in the output; quotes, `&`, `<`
        // and `>` are what matter in text and quoted attributes.
        tera.set_escape_fn(escape_html);
        super::catalog::register(&mut tera);
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            return Err(template_error(&e, &origins, &files));
        }
        let sources = templates.into_iter().collect();
        Ok(Theme {
            tera,
            origins,
            sources,
            statics,
            fingerprint: hasher.finish(),
        })
    }

    /// Renders template `name` with `bodies` (page HTML: one for a chapter,
    /// every chapter's for the print page) in it. `ctx` builds the context
    /// from what stands for each body. Tera copies every value it prints
    /// several times; bodies are most of a page, so the template is first
    /// rendered with a short placeholder per body, which is then replaced.
    /// A template that does not print each placeholder once, in order and
    /// untouched (escaped, filtered, repeated), is rendered with the bodies
    /// themselves, so the output is the same either way.
    pub fn render_with_bodies<'a>(
        &self,
        name: &str,
        bodies: &[&'a str],
        ctx: impl Fn(&[Cow<'a, str>]) -> tera::Context,
    ) -> Result<String, BuildError> {
        let placeholders: Vec<Cow<'a, str>> = (0..bodies.len())
            .map(|i| Cow::Owned(placeholder(i)))
            .collect();
        let skeleton = self.render(name, &ctx(&placeholders))?;
        if let Some(page) = splice(&skeleton, bodies) {
            return Ok(page);
        }
        let bodies: Vec<Cow<'a, str>> = bodies.iter().map(|b| Cow::Borrowed(*b)).collect();
        self.render(name, &ctx(&bodies))
    }

    /// Renders template `name` with the fields of `value` as its
    /// variables (`value` serialises to a map: a struct of the views).
    pub fn render_value(
        &self,
        name: &str,
        value: &impl serde::Serialize,
    ) -> Result<String, BuildError> {
        // Only a value that is not a map fails here; the template then
        // reports the variable it misses, naming its file.
        let ctx = tera::Context::from_serialize(value).unwrap_or_default();
        self.render(name, &ctx)
    }

    /// Renders template `name`; errors name the template's file.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, BuildError> {
        self.tera.render(name, ctx).map_err(|e| {
            let msg = chain(&e);
            // The template that failed may be one `name` includes: tera
            // names the innermost in its message.
            let failed = quoted_names(&msg)
                .into_iter()
                .rfind(|n| self.sources.contains_key(n))
                .unwrap_or_else(|| name.to_string());
            let file = self.origins.get(&failed).cloned().flatten();
            let shown = match &file {
                Some(f) => display_path(f),
                None => format!("built-in theme templates/{failed}"),
            };
            let path = file
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("theme/templates/{failed}")));
            let mut r = Report::default();
            // Tera reports no position for an error while rendering; the
            // first place the template uses the name it complains about is
            // where to look.
            let text = self.sources.get(&failed);
            let span = text.and_then(|t| runtime_span(&msg, t)).unwrap_or_default();
            if let Some(t) = text {
                r.sources.insert(path.clone(), t.clone());
            }
            r.push(
                Diagnostic::error("theme-template", path, span, msg).with_help(format!(
                    "fix {shown}, or delete it to use the built-in template"
                )),
            );
            BuildError::Input(r)
        })
    }
}

/// A tag no sanitised page body holds: ammonia drops unknown elements, and
/// an escaping template turns `<` into `&lt;`, so the placeholder is lost
/// (and the slow path taken) rather than mistaken.
const PLACEHOLDER: &str = "<chaosbook-body-";

fn placeholder(i: usize) -> String {
    format!("{PLACEHOLDER}{i}>")
}

/// `skeleton` with placeholder `i` replaced by `bodies[i]`, if each is
/// there once, in order.
fn splice(skeleton: &str, bodies: &[&str]) -> Option<String> {
    let mut out =
        String::with_capacity(skeleton.len() + bodies.iter().map(|b| b.len()).sum::<usize>());
    let mut rest = skeleton;
    for (i, body) in bodies.iter().enumerate() {
        let mark = placeholder(i);
        let at = rest.find(&mark)?;
        if rest[..at].contains(PLACEHOLDER) {
            return None;
        }
        out.push_str(&rest[..at]);
        out.push_str(body);
        rest = &rest[at + mark.len()..];
    }
    if rest.contains(PLACEHOLDER) {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

fn escape_html(text: &str) -> String {
    super::highlight::escape(text)
}

fn origin(file: &Option<PathBuf>, rel: &str) -> PathBuf {
    file.clone()
        .unwrap_or_else(|| PathBuf::from(format!("theme/{rel}")))
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut BTreeMap<String, Source>) {
    for f in dir.files() {
        if !hidden(f.path()) {
            out.insert(
                display_path(f.path()),
                Source {
                    bytes: Bytes::from_static(f.contents()),
                    file: None,
                },
            );
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Editor leftovers and dot-files are not part of a theme.
fn hidden(rel: &Path) -> bool {
    rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') || s.ends_with('~') || s.ends_with(".swp")
    })
}

/// A tera error with its causes ("Failed to parse 'page.html'" alone says
/// little).
fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// The names a tera message quotes (`'catalog/tabs.html'`), in order.
fn quoted_names(msg: &str) -> Vec<String> {
    regex::Regex::new(r"'([^'\s]+)'")
        .expect("static regex")
        .captures_iter(msg)
        .map(|c| c[1].to_string())
        .collect()
}

/// Where in `text` a render error's subject is first used: the variable,
/// filter or function the message names in backquotes, inside a tag.
fn runtime_span(msg: &str, text: &str) -> Option<Span> {
    let names: Vec<String> = regex::Regex::new(r"`([^`]+)`")
        .expect("static regex")
        .captures_iter(msg)
        .map(|c| c[1].to_string())
        .collect();
    let index = LineIndex::new(text);
    for name in names {
        let mut from = 0;
        while let Some(found) = text[from..].find(&name) {
            let at = from + found;
            let before = &text[..at];
            let opened = before.rfind("{{").max(before.rfind("{%"));
            let closed = before.rfind("}}").max(before.rfind("%}"));
            if opened.is_some() && opened > closed {
                return Some(index.span(at, at + name.len()));
            }
            from = at + name.len();
        }
    }
    None
}

fn template_error(
    e: &tera::Error,
    origins: &BTreeMap<String, Option<PathBuf>>,
    files: &BTreeMap<String, Source>,
) -> BuildError {
    let msg = chain(e);
    let name = regex::Regex::new(r"'([^']+)'")
        .expect("static regex")
        .captures(&msg)
        .map(|c| c[1].to_string());
    let file = name
        .as_ref()
        .and_then(|n| origins.get(n).cloned().flatten());
    let mut report = Report::default();
    let mut span = Span::default();
    if let (Some(n), Some(f)) = (&name, &file) {
        if let Some(src) = files.get(&format!("templates/{n}")) {
            let text = String::from_utf8_lossy(&src.bytes).into_owned();
            if let Some(c) = regex::Regex::new(r"--> (\d+):(\d+)")
                .expect("static regex")
                .captures(&msg)
            {
                let index = LineIndex::new(&text);
                let at = index.offset(
                    c[1].parse().unwrap_or(1),
                    c[2].parse::<usize>().unwrap_or(1).saturating_sub(1),
                );
                span = index.span(at, at);
            }
            report.sources.insert(f.clone(), text);
        }
    }
    let target = file
        .unwrap_or_else(|| PathBuf::from(format!("theme/templates/{}", name.unwrap_or_default())));
    report.push(
        Diagnostic::error("theme-template", target, span, msg)
            .with_help("fix the template, or delete it to use the built-in one"),
    );
    BuildError::Input(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_has_every_template_and_its_assets() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), Path::new("theme")).unwrap();
        for t in TEMPLATES.iter().chain(super::super::catalog::TEMPLATES) {
            assert!(theme.origins.contains_key(*t), "{t}");
        }
        for s in [
            "static/chaosbook.css",
            "static/chaosbook.js",
            "static/search.js",
            "static/theme.js",
        ] {
            assert!(theme.statics.contains_key(s), "{s}");
        }
    }

    /// A theme whose page.html is `template`.
    fn theme_with_page(template: &str) -> Theme {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/templates")).unwrap();
        std::fs::write(dir.path().join("theme/templates/page.html"), template).unwrap();
        Theme::load(dir.path(), Path::new("theme")).unwrap()
    }

    fn render_bodies(theme: &Theme, bodies: &[&str]) -> String {
        theme
            .render_with_bodies("page.html", bodies, |shown| {
                let mut ctx = tera::Context::new();
                ctx.insert("bodies", shown);
                ctx
            })
            .unwrap()
    }

    #[test]
    fn bodies_are_spliced_where_the_template_prints_them() {
        let theme = theme_with_page(
            "<main>{% for b in bodies %}<section>{{ b | safe }}</section>{% endfor %}</main>",
        );
        assert_eq!(
            render_bodies(&theme, &["<p>a &amp; b</p>", "", "<chaosbook-body-0>"]),
            "<main><section><p>a &amp; b</p></section><section></section><section><chaosbook-body-0></section></main>"
        );
    }

    #[test]
    fn templates_that_transform_or_repeat_bodies_get_the_bodies_themselves() {
        for (template, expected) in [
            ("{{ bodies.0 }}", "&lt;b&gt;x&lt;/b&gt;"),
            (
                "{{ bodies.0 | safe }}{{ bodies.0 | safe }}",
                "<b>x</b><b>x</b>",
            ),
            ("{{ bodies.0 | upper | safe }}", "<B>X</B>"),
            ("{{ bodies.0 | safe | length }}", "8"),
        ] {
            let theme = theme_with_page(template);
            assert_eq!(render_bodies(&theme, &["<b>x</b>"]), expected, "{template}");
        }
        let theme = theme_with_page("{{ bodies.1 | safe }}{{ bodies.0 | safe }}");
        assert_eq!(render_bodies(&theme, &["0", "1"]), "10");
    }

    #[test]
    fn project_files_override_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/static")).unwrap();
        std::fs::write(dir.path().join("theme/static/chaosbook.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("theme/static/extra.css"), "p{}").unwrap();
        let theme = Theme::load(dir.path(), Path::new("theme")).unwrap();
        assert_eq!(&*theme.statics["static/chaosbook.css"], b"body{}");
        assert_eq!(&*theme.statics["static/extra.css"], b"p{}");
        assert!(theme.statics.contains_key("static/search.js"));
    }

    #[test]
    fn a_render_error_points_at_the_first_use_of_what_it_names() {
        let text = "<p>scenario</p>\n{% if x %}\n  {{ scenario.missing }}\n{% endif %}\n";
        let msg = "Failed to render 'catalog/tabs.html': Variable `scenario.missing` not found in context while rendering 'catalog/tabs.html'";
        let span = runtime_span(msg, text).unwrap();
        assert_eq!((span.line, span.column), (3, 6));
        assert_eq!(
            quoted_names(msg),
            ["catalog/tabs.html", "catalog/tabs.html"]
        );
    }

    #[test]
    fn a_broken_user_template_is_an_input_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/templates")).unwrap();
        std::fs::write(
            dir.path().join("theme/templates/page.html"),
            "{% extends \"layout.html\" %}\n{% block content %}{{ oops(}}{% endblock content %}\n",
        )
        .unwrap();
        let Err(BuildError::Input(r)) = Theme::load(dir.path(), Path::new("theme")) else {
            panic!("expected an input error")
        };
        let d = &r.diagnostics[0];
        assert_eq!(d.file, Path::new("theme/templates/page.html"), "{d:?}");
        assert_eq!(d.span.line, 2, "{d:?}");
    }
}
