//! The catalog in the book: generated chapters (tool landscape, one page per
//! tool, scenario and practice, the faceted index, the coverage matrix) and
//! the hooks that expand `{{#scenario ID}}` embeds, tool tabs and
//! `scenario:` / `practice:` / `tool:` / `catalog:` links.
//!
//! Everything a reader sees comes from the theme's templates under
//! `templates/catalog/` (see theme/README.md), fed with the typed views of
//! [`crate::view`]; nothing here writes markup. Generated pages are
//! markdown templates (`*.md`), so their text goes through the same
//! renderer as chapters (headings, anchors, search, print); the interactive
//! parts (tabs, filter, matrix, cards) are HTML templates rendered when a
//! page asks for them with a directive, with that page's way back to the
//! site root. Templates escape every value: HTML templates automatically,
//! markdown templates with the `md` filter; markdown fields go through the
//! `markdown` filter, which sanitises like any chapter.
//!
//! Tool-neutral tabs: implementations appear in [`Catalog::tab_order`]; the
//! first supported one is selected unless the reader chose a tool before
//! (remembered in the browser) or the URL says `?tool=ID`. Without
//! JavaScript, and in print, every implementation is shown in turn with its
//! tool's name as a heading.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use mdbook_core::book::{BookItem, Chapter};
use serde::Serialize;
use serde_json::Value;

use crate::book::{splice, LoadedBook, Placement};
use crate::catalog::model::Support;
use crate::catalog::Catalog;
use crate::render::highlight::{escape, highlight_into};
use crate::render::markdown::{Hooks, PageInfo};
use crate::render::search;
use crate::render::theme::Theme;
use crate::view::{self, CatalogView};
use crate::BuildError;

/// The directive that marks where the catalog goes in SUMMARY.md: the
/// chapter whose text holds it gets the catalog's pages as sub-chapters and
/// shows the faceted index.
pub const MARKER: &str = "{{#catalog}}";

/// The catalog's templates, each overridable by a book's theme folder.
pub const TEMPLATES: &[&str] = &[
    "catalog/scenario.md",
    "catalog/tool.md",
    "catalog/practice.md",
    "catalog/category.md",
    "catalog/practices.md",
    "catalog/landscape.md",
    "catalog/matrix.md",
    "catalog/tabs.html",
    "catalog/panel.html",
    "catalog/facts.html",
    "catalog/embed.html",
    "catalog/cards.html",
    "catalog/legend.html",
    "catalog/matrix.html",
    "catalog/index.html",
    "catalog/safety.html",
];

/// A generated page's chapter in the book's source tree: the page's URL
/// in the catalog view ([`view::scenario_url`] and the like) with `.md` for
/// `.html`, so every page is where the view's links say it is.
fn chapter_path(url: &str) -> String {
    url.strip_suffix(".html")
        .map_or_else(|| url.to_string(), |s| format!("{s}.md"))
}

/// A scenario's generated chapter (`catalog/scenarios/<category>/<id>.md`).
pub fn scenario_path(s: &crate::catalog::model::Scenario) -> String {
    chapter_path(&view::scenario_url(s))
}

/// A tool's generated chapter.
pub fn tool_path(id: &str) -> String {
    chapter_path(&view::tool_url(id))
}

/// A practice's generated chapter.
pub fn practice_path(id: &str) -> String {
    chapter_path(&view::practice_url(id))
}

const TOOLS_PAGE: &str = "catalog/tools.md";
const MATRIX_PAGE: &str = "catalog/matrix.md";
const PRACTICES_PAGE: &str = "catalog/practices.md";

/// Escapes plain text for markdown: every ASCII punctuation character is
/// backslash-escaped, so the text renders literally and cannot open a tag.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A markdown field rendered as HTML, sanitised like chapter HTML.
pub fn markdown_html(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    crate::render::sanitize::clean(&html)
}

/// The filters and functions catalog templates use (registered on every
/// theme, so a book's own templates can use them too):
/// - `md`: plain text escaped for a markdown template;
/// - `html`: plain text escaped for HTML written by a markdown template;
/// - `markdown`: a markdown field as sanitised HTML;
/// - `highlight(language=...)`: code as highlighted, escaped HTML;
/// - `directive(name=..., id=...)`: the `{{#name id}}` line that asks for
///   an HTML template from a markdown page.
pub fn register(tera: &mut tera::Tera) {
    fn text(value: &Value, filter: &str) -> tera::Result<String> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
            Value::Number(_) | Value::Bool(_) => Ok(value.to_string()),
            _ => Err(tera::Error::msg(format!(
                "the `{filter}` filter takes text, not {value}"
            ))),
        }
    }
    tera.register_filter("md", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(md_text(&text(v, "md")?)))
    });
    tera.register_filter("html", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(escape(&text(v, "html")?)))
    });
    tera.register_filter("markdown", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(markdown_html(&text(v, "markdown")?)))
    });
    tera.register_filter("highlight", |v: &Value, args: &HashMap<String, Value>| {
        let language = args
            .get("language")
            .and_then(Value::as_str)
            .unwrap_or("text");
        let mut out = String::new();
        highlight_into(&mut out, &text(v, "highlight")?, language);
        Ok(Value::String(out))
    });
    tera.register_function("directive", |args: &HashMap<String, Value>| {
        let name = args
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("`directive` needs a `name`"))?;
        Ok(Value::String(
            match args.get("id").and_then(Value::as_str) {
                Some(id) => format!("{{{{#{name} {id}}}}}"),
                None => format!("{{{{#{name}}}}}"),
            },
        ))
    });
}

fn chapter(name: &str, content: String, path: &str, sub: Vec<BookItem>) -> BookItem {
    let mut ch = Chapter::new(name, content, path, Vec::new());
    ch.source_path = None;
    ch.sub_items = sub;
    BookItem::Chapter(ch)
}

/// Renders a template with one value under `key`.
fn render_one(
    theme: &Theme,
    template: &str,
    key: &str,
    value: &impl Serialize,
) -> Result<String, BuildError> {
    let mut ctx = tera::Context::new();
    ctx.insert(key, value);
    theme.render(template, &ctx)
}

/// Adds the catalog's pages to the book and returns the hooks that render
/// embeds and catalog links. A template error is an input error naming the
/// template; nothing is rendered then.
pub fn install<'a>(
    catalog: &'a Catalog,
    book: &mut LoadedBook,
    theme: Arc<Theme>,
) -> Result<CatalogHooks<'a>, BuildError> {
    let mut index_path = None;
    for item in book.book.iter() {
        if let BookItem::Chapter(ch) = item {
            if ch.content.lines().any(|l| l.trim() == MARKER) {
                index_path = ch
                    .path
                    .as_ref()
                    .map(|p| crate::diagnostics::display_path(p));
                break;
            }
        }
    }
    let view = CatalogView::new(catalog);
    let pages = pages(&view, &theme)?;
    let index = match index_path {
        Some(p) => {
            let target = p.clone();
            splice(
                &mut book.book,
                &|item| matches!(item, BookItem::Chapter(c) if c.path.as_ref().map(|x| crate::diagnostics::display_path(x)) == Some(target.clone())),
                pages,
                Placement::Children,
            );
            p
        }
        None => {
            let path = "catalog/index.md".to_string();
            book.book.items.push(BookItem::Separator);
            book.book.items.push(chapter(
                "Fault catalog",
                format!("# Fault catalog\n\n{MARKER}\n"),
                &path,
                pages,
            ));
            path
        }
    };
    let fingerprints = view::fingerprints(catalog, &view);
    Ok(CatalogHooks {
        catalog,
        view,
        theme,
        index,
        fingerprints,
        failure: Mutex::new(None),
    })
}

/// The generated chapters, in sidebar order.
fn pages(view: &CatalogView<'_>, theme: &Theme) -> Result<Vec<BookItem>, BuildError> {
    let mut items = Vec::new();
    let mut tools = Vec::new();
    for t in &view.tools {
        tools.push(chapter(
            t.name,
            render_one(theme, "catalog/tool.md", "tool", t)?,
            &chapter_path(&t.url),
            Vec::new(),
        ));
    }
    let empty = tera::Context::new();
    items.push(chapter(
        "Tool landscape",
        theme.render("catalog/landscape.md", &empty)?,
        TOOLS_PAGE,
        tools,
    ));
    items.push(chapter(
        "Coverage matrix",
        theme.render("catalog/matrix.md", &empty)?,
        MATRIX_PAGE,
        Vec::new(),
    ));
    for category in &view.categories {
        let mut subs = Vec::new();
        for row in &category.rows {
            let s = &view.scenarios[row.index];
            subs.push(chapter(
                s.title,
                render_one(theme, "catalog/scenario.md", "scenario", s)?,
                &chapter_path(&s.url),
                Vec::new(),
            ));
        }
        items.push(chapter(
            category.title,
            render_one(theme, "catalog/category.md", "category", category)?,
            &chapter_path(&category.url),
            subs,
        ));
    }
    let mut subs = Vec::new();
    for p in &view.practices {
        subs.push(chapter(
            p.title,
            render_one(theme, "catalog/practice.md", "practice", p)?,
            &chapter_path(&p.url),
            Vec::new(),
        ));
    }
    items.push(chapter(
        "Best practices",
        render_one(theme, "catalog/practices.md", "practices", &view.practices)?,
        PRACTICES_PAGE,
        subs,
    ));
    Ok(items)
}

/// Renders the catalog's directives and links.
pub struct CatalogHooks<'a> {
    catalog: &'a Catalog,
    view: CatalogView<'a>,
    theme: Arc<Theme>,
    /// The page holding the faceted index (the marker chapter).
    index: String,
    fingerprints: view::Fingerprints,
    /// The first template error met while pages render (directives cannot
    /// return one); the renderer reports it and writes nothing.
    failure: Mutex<Option<BuildError>>,
}

impl CatalogHooks<'_> {
    fn url(&self, page: &PageInfo<'_>, md_path: &str) -> String {
        let html = md_path
            .strip_suffix(".md")
            .map_or_else(|| md_path.to_string(), |s| format!("{s}.html"));
        format!("{}{html}", page.root)
    }

    /// What the directive `name args` shows on `page`: its template, the
    /// context the template receives, and a fingerprint that changes
    /// whenever that context does (but for `root` and the arguments),
    /// handed to `sink`, which renders or fingerprints them: both follow
    /// this one definition. `None` for a directive or an id the catalog
    /// does not have.
    fn widget<S: WidgetSink>(
        &self,
        name: &str,
        args: &str,
        page: &PageInfo<'_>,
        sink: S,
    ) -> Option<S::Out> {
        let id = args.trim();
        let root = page.root;
        let catalog = |template| {
            let ctx = CatalogCtx {
                catalog: &self.view,
                root,
            };
            Some(sink.take(template, &ctx, self.fingerprints.catalog))
        };
        // A scenario's widgets show its view, made (like an embed's
        // manifests) from what its fingerprint covers.
        let scenario_of = |id: &str| {
            let s = self.view.scenario(id)?;
            Some((s, *self.fingerprints.scenarios.get(id)?))
        };
        match name {
            "scenario" => {
                let id = crate::embed::parse(args).ok()?.id;
                let (view, fingerprint) = scenario_of(&id)?;
                if !S::RENDERS {
                    // The embed's manifests are made from the scenario
                    // and the arguments, both in the fingerprint.
                    return Some(sink.take("catalog/embed.html", &(), fingerprint));
                }
                let (_, embed) = crate::embed::for_render(self.catalog, args)?;
                let ctx = EmbedCtx {
                    scenario: &crate::embed::apply(view, &embed),
                    embed_values: crate::embed::changed_sentence(&embed.changed),
                    root,
                };
                Some(sink.take("catalog/embed.html", &ctx, fingerprint))
            }
            "implementations" | "scenario-facts" => {
                let template = match name {
                    "implementations" => "catalog/tabs.html",
                    _ => "catalog/facts.html",
                };
                let (scenario, fingerprint) = scenario_of(id)?;
                let ctx = ScenarioCtx { scenario, root };
                Some(sink.take(template, &ctx, fingerprint))
            }
            // `lab` on the scenario's own page; `lab-experiment` in a
            // chapter, where the widget names and links its scenario.
            "lab" | LAB_DIRECTIVE => {
                let (scenario, fingerprint) = scenario_of(id).filter(|(s, _)| s.lab.is_some())?;
                let ctx = LabCtx {
                    scenario,
                    caption: name == LAB_DIRECTIVE,
                    root,
                };
                Some(sink.take("catalog/lab.html", &ctx, fingerprint))
            }
            "catalog" => catalog("catalog/index.html"),
            "coverage-matrix" => catalog("catalog/matrix.html"),
            "tool-landscape" => catalog("catalog/cards.html"),
            SAFETY_DIRECTIVE => catalog("catalog/safety.html"),
            _ => None,
        }
    }
}

/// Takes a widget's template, context and fingerprint: renders the
/// template or gives the fingerprint.
trait WidgetSink: Copy {
    type Out;
    /// Whether the context is used; a fingerprint needs none.
    const RENDERS: bool;
    fn take(self, template: &str, ctx: &impl Serialize, fingerprint: u64) -> Self::Out;
}

/// Renders a widget; a template error is kept for the renderer to report.
#[derive(Clone, Copy)]
struct RenderWidget<'h>(&'h Theme, &'h Mutex<Option<BuildError>>);

impl WidgetSink for RenderWidget<'_> {
    type Out = String;
    const RENDERS: bool = true;
    fn take(self, template: &str, ctx: &impl Serialize, _: u64) -> String {
        match self.0.render_value(template, ctx) {
            Ok(html) => html,
            Err(e) => {
                let mut slot = self.1.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert(e);
                String::new()
            }
        }
    }
}

/// What a widget's HTML is made of: its template's name, the directive's
/// arguments, the page's way to the root and the fingerprint of the
/// context (the theme is the renderer's, the same for the life of its
/// cache), without serialising the context.
#[derive(Clone, Copy)]
struct FingerprintWidget<'p> {
    args: &'p str,
    root: &'p str,
}

impl WidgetSink for FingerprintWidget<'_> {
    type Out = u64;
    const RENDERS: bool = false;
    fn take(self, template: &str, _: &impl Serialize, fingerprint: u64) -> u64 {
        view::json_hash(&(template, self.args, self.root, fingerprint))
    }
}

#[derive(Serialize)]
struct ScenarioCtx<'v, 'a> {
    scenario: &'v view::ScenarioView<'a>,
    root: &'v str,
}

#[derive(Serialize)]
struct LabCtx<'v, 'a> {
    scenario: &'v view::ScenarioView<'a>,
    caption: bool,
    root: &'v str,
}

#[derive(Serialize)]
struct EmbedCtx<'v, 'a> {
    scenario: &'v view::ScenarioView<'a>,
    embed_values: Option<String>,
    root: &'v str,
}

#[derive(Serialize)]
struct CatalogCtx<'v, 'a> {
    catalog: &'v CatalogView<'a>,
    root: &'v str,
}

/// `{{#tool-safety}}`: the stopping-safely table, one row per tool of the
/// catalog, built from each tool's required `safety` block so that a new
/// tool cannot be added without its row.
pub const SAFETY_DIRECTIVE: &str = "tool-safety";

/// `{{#lab-experiment ID}}`: a scenario's lab experiments, with their
/// recorded runs, in a chapter (site and PDF alike).
pub const LAB_DIRECTIVE: &str = "lab-experiment";

/// The columns of the safety table, in order (site and PDF alike).
pub const SAFETY_COLUMNS: [&str; 5] = [
    "Tool",
    "Stop, pause or kill switch",
    "Automatic stop",
    "If the injector dies",
    "Verify cleanup",
];

impl Hooks for CatalogHooks<'_> {
    fn directive(&self, name: &str, args: &str, page: &PageInfo<'_>) -> Option<String> {
        self.widget(name, args, page, RenderWidget(&self.theme, &self.failure))
    }

    fn directive_fingerprint(&self, name: &str, args: &str, page: &PageInfo<'_>) -> Option<u64> {
        let sink = FingerprintWidget {
            args,
            root: page.root,
        };
        self.widget(name, args, page, sink)
    }

    fn link(&self, dest: &str, page: &PageInfo<'_>) -> Option<String> {
        let (scheme, rest) = dest.split_once(':')?;
        let (rest, fragment) = match rest.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (rest, None),
        };
        let (id, query) = match rest.split_once('?') {
            Some((i, q)) => (i, Some(q)),
            None => (rest, None),
        };
        let path = match scheme {
            "scenario" => scenario_path(&self.catalog.scenario(id)?.item),
            "practice" => practice_path(&self.catalog.practice(id)?.item.id),
            "tool" => tool_path(&self.catalog.tool(id)?.item.id),
            "catalog" => match id {
                "index" => self.index.clone(),
                "matrix" => MATRIX_PAGE.to_string(),
                "tools" => TOOLS_PAGE.to_string(),
                _ => return None,
            },
            _ => return None,
        };
        let mut url = self.url(page, &path);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        match (fragment, query.is_some() && scheme == "scenario") {
            (Some(f), _) => {
                url.push('#');
                url.push_str(f);
            }
            (None, true) => url.push_str("#implementations"),
            _ => {}
        }
        Some(url)
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprints.catalog
    }

    fn failure(&self) -> Option<BuildError> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Scenario, practice and tool pages are the catalog's entry points; a
    /// scenario's tool tabs (HTML, so not in the page's markdown text) are
    /// searchable as the tool's name, its notes and the fault names of its
    /// manifest, each leading to the page with that tab open.
    fn search_extras(&self) -> HashMap<String, search::PageExtras> {
        let mut out = HashMap::new();
        for s in &self.catalog.scenarios {
            let s = &s.item;
            let entries = self
                .catalog
                .tab_order(s)
                .into_iter()
                .map(|imp| {
                    let mut text = String::new();
                    for part in [&imp.notes, &imp.reason, &imp.alternative, &imp.extension]
                        .into_iter()
                        .flatten()
                    {
                        text.push_str(part.trim());
                        text.push(' ');
                    }
                    let mut keywords = vec![imp.tool.clone()];
                    if let Some(m) = self.catalog.manifest(&s.id, &imp.tool) {
                        let faults = search::manifest_keywords(&m.rendered);
                        // Fault names are text of every tab (so a typed fault
                        // name matches as a phrase), and weigh as keywords only
                        // where the tool does the scenario's fault itself: an
                        // approximation, or another tool's fault driven from
                        // here, ranks below the scenario it really implements.
                        text.push_str(&faults.join(" "));
                        text.push(' ');
                        if matches!(imp.support, Support::Native | Support::Extension) {
                            keywords.extend(faults);
                        }
                    }
                    search::Entry {
                        suffix: format!("?tool={}#implementations", imp.tool),
                        heading: self
                            .catalog
                            .tool(&imp.tool)
                            .map_or(imp.tool.clone(), |t| t.item.name.clone()),
                        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
                        keywords,
                    }
                })
                .collect();
            out.insert(
                view::scenario_url(s),
                search::PageExtras {
                    entry_point: true,
                    entries,
                },
            );
        }
        let others = self
            .catalog
            .practices
            .iter()
            .map(|p| view::practice_url(&p.item.id))
            .chain(
                self.catalog
                    .tools
                    .iter()
                    .map(|t| view::tool_url(&t.item.id)),
            );
        for url in others {
            out.insert(
                url,
                search::PageExtras {
                    entry_point: true,
                    entries: Vec::new(),
                },
            );
        }
        out
    }

    /// The vocabulary file's: a reader who types a banned synonym means
    /// the term.
    fn search_synonyms(&self) -> Vec<Vec<String>> {
        self.catalog.search_synonyms.clone()
    }

    /// `catalog.json` and every JSON Schema, at stable paths, so other tools
    /// and editors can use the catalog and validate YAML against it.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![(
            "catalog.json".to_string(),
            crate::export::catalog_json(self.catalog).into_bytes(),
        )];
        for kind in crate::catalog::model::Kind::ALL {
            files.push((
                format!("schema/{}.schema.json", kind.name()),
                crate::catalog::schema::kind_schema_text(kind)
                    .as_bytes()
                    .to_vec(),
            ));
        }
        for f in self.catalog.formats.by_name.values() {
            let text = serde_json::to_string_pretty(&f.schema.raw).unwrap_or_default() + "\n";
            files.push((
                format!("schema/formats/{}.schema.json", f.name),
                text.into_bytes(),
            ));
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_is_inert() {
        assert_eq!(
            md_text("<script>alert(1)</script> *x* [a](b)"),
            "\\<script\\>alert\\(1\\)\\<\\/script\\> \\*x\\* \\[a\\]\\(b\\)"
        );
    }

    /// The hooks of `catalog` in the real project's book and theme.
    fn hooks_for(catalog: &Catalog) -> CatalogHooks<'_> {
        let root = crate::testing::project_root();
        let mut book = crate::book::load(&crate::config::Config::load(root).unwrap()).unwrap();
        let theme = Arc::new(Theme::load(root, &book.settings.theme).unwrap());
        install(catalog, &mut book, theme).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fingerprint(catalog: &Catalog) -> u64 {
        hooks_for(catalog).fingerprints.catalog
    }

    /// `{{#tool-safety}}` has one row per tool of the catalog, each cell
    /// with its source link, and renders each fact's markdown.
    #[test]
    fn the_safety_table_has_a_row_per_tool() {
        let (catalog, _) = crate::check(crate::testing::project_root());
        let hooks = hooks_for(&catalog);
        let page = PageInfo {
            path: "stopping-safely.html",
            root: "",
        };
        let html = hooks.directive(SAFETY_DIRECTIVE, "", &page).unwrap();
        assert_eq!(
            html.matches("<th scope=\"row\">").count(),
            catalog.tools.len()
        );
        assert_eq!(
            html.matches("(source)</a></td>").count(),
            4 * catalog.tools.len()
        );
        assert!(html.contains(
            "href=\"https://docs.aws.amazon.com/fis/latest/userguide/stop-conditions.html\""
        ));
        assert!(html.contains("<code>experiment.chaos-mesh.org/pause=true</code>"));
    }

    /// Each catalog link scheme leads to its item's page, from a page one
    /// folder down (expected URLs written out, not made by the code).
    #[test]
    fn catalog_links_lead_to_their_pages() {
        let (catalog, _) = crate::check(crate::testing::project_root());
        let hooks = hooks_for(&catalog);
        let page = PageInfo {
            path: "guide/page.html",
            root: "../",
        };
        let scenario = &catalog.scenarios[0].item;
        let (tool, practice) = (&catalog.tools[0].item.id, &catalog.practices[0].item.id);
        let cases = [
            (
                format!("scenario:{}", scenario.id),
                format!(
                    "../catalog/scenarios/{}/{}.html",
                    scenario.category, scenario.id
                ),
            ),
            (
                format!("scenario:{}?tool={tool}", scenario.id),
                format!(
                    "../catalog/scenarios/{}/{}.html?tool={tool}#implementations",
                    scenario.category, scenario.id
                ),
            ),
            (
                format!("scenario:{}#method", scenario.id),
                format!(
                    "../catalog/scenarios/{}/{}.html#method",
                    scenario.category, scenario.id
                ),
            ),
            (
                format!("tool:{tool}"),
                format!("../catalog/tools/{tool}.html"),
            ),
            (
                format!("practice:{practice}"),
                format!("../catalog/practices/{practice}.html"),
            ),
            ("catalog:matrix".into(), "../catalog/matrix.html".into()),
            ("catalog:tools".into(), "../catalog/tools.html".into()),
        ];
        for (dest, expected) in cases {
            assert_eq!(hooks.link(&dest, &page), Some(expected), "{dest}");
        }
        for unknown in [
            "scenario:no-such",
            "tool:no-such",
            "practice:no-such",
            "catalog:nope",
            "other:x",
        ] {
            assert_eq!(hooks.link(unknown, &page), None, "{unknown}");
        }
    }

    /// Search knows each tab of a scenario page (as what its link opens:
    /// the tool's tab) and the catalog's entry points, literal values from
    /// catalog/scenarios/network/network-latency.yaml.
    #[test]
    fn search_finds_each_tab_of_a_scenario_by_its_tool_and_fault() {
        let (catalog, _) = crate::check(crate::testing::project_root());
        let hooks = hooks_for(&catalog);
        let extras = hooks.search_extras();
        let page = &extras["catalog/scenarios/network/network-latency.html"];
        assert!(page.entry_point);
        let scenario = &catalog.scenario("network-latency").unwrap().item;
        assert_eq!(page.entries.len(), scenario.implementations.len());
        let chaos_mesh = page
            .entries
            .iter()
            .find(|e| e.suffix == "?tool=chaos-mesh#implementations")
            .expect("the Chaos Mesh tab");
        assert_eq!(chaos_mesh.heading, "Chaos Mesh");
        for keyword in ["chaos-mesh", "NetworkChaos", "delay"] {
            assert!(
                chaos_mesh.keywords.iter().any(|k| k == keyword),
                "{keyword} in {:?}",
                chaos_mesh.keywords
            );
        }
        assert!(chaos_mesh.text.contains("NetworkChaos"));
        for entry_point in [
            "catalog/tools/chaos-mesh.html",
            "catalog/practices/gamedays.html",
        ] {
            let extras = extras
                .get(entry_point)
                .unwrap_or_else(|| panic!("{entry_point}"));
            assert!(
                extras.entry_point && extras.entries.is_empty(),
                "{entry_point}"
            );
        }
        assert!(!extras.contains_key(""), "no entry without a page");
    }

    /// A format's label shows on every tab of its tool: changing it alone
    /// must render the pages again in `serve` (and remake catalog.json).
    #[test]
    fn the_fingerprint_follows_the_formats() {
        let (mut catalog, _) = crate::check(crate::testing::project_root());
        let before = fingerprint(&catalog);
        assert_eq!(before, fingerprint(&catalog));
        let format = catalog.formats.by_name.values_mut().next().unwrap();
        let format = std::sync::Arc::get_mut(format).expect("no one else holds the format");
        format.label.push_str(" (edited)");
        assert_ne!(before, fingerprint(&catalog));
    }

    /// A scenario's text changes its own fingerprint and the catalog's, and
    /// no other scenario's: the pages of the others stay cached in `serve`.
    #[test]
    fn a_scenario_edit_changes_its_fingerprint_alone() {
        let (mut catalog, _) = crate::check(crate::testing::project_root());
        let of = |catalog: &Catalog| {
            let view = CatalogView::new(catalog);
            view::fingerprints(catalog, &view)
        };
        let before = of(&catalog);
        assert_eq!(before, of(&catalog), "the same catalog, the same hashes");
        assert_eq!(before.scenarios.len(), catalog.scenarios.len());
        let edited = catalog.scenarios[1].item.id.clone();
        catalog.scenarios[1].item.hypothesis.push_str(" (edited)");
        let after = of(&catalog);
        assert_ne!(before.catalog, after.catalog);
        for (id, hash) in &before.scenarios {
            assert_eq!(
                *hash != after.scenarios[id],
                *id == edited,
                "the fingerprint of {id}"
            );
        }
        // A manifest's template counts for its scenario (an embed renders
        // it with other values).
        let key = catalog.manifests.keys().next().unwrap().clone();
        catalog
            .manifests
            .get_mut(&key)
            .unwrap()
            .template
            .push_str("\n# edited\n");
        assert_ne!(after.scenarios[&key.0], of(&catalog).scenarios[&key.0]);
    }

    /// What only catalog.json carries (a manifest's file name) also counts.
    #[test]
    fn the_fingerprint_follows_every_model_field() {
        let (mut catalog, _) = crate::check(crate::testing::project_root());
        let before = fingerprint(&catalog);
        let imp = catalog.scenarios[0]
            .item
            .implementations
            .iter_mut()
            .find(|i| i.is_supported())
            .unwrap();
        imp.verified = Some(crate::catalog::model::Verified {
            version: Some("0.0.1-edited".into()),
            by: crate::catalog::model::VerifiedBy::Docs,
            date: "2026-01-01".into(),
            url: None,
        });
        assert_ne!(before, fingerprint(&catalog));
    }
}
