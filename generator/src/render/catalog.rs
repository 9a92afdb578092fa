//! The catalog in the book: generated chapters (tool landscape, one page per
//! tool, scenario and practice, the faceted index, the coverage matrix) and
//! the hooks that expand `{{#scenario ID}}` embeds, tool tabs and
//! `scenario:` / `practice:` / `tool:` / `catalog:` links.
//!
//! Generated pages are markdown, so their text goes through the same
//! renderer as chapters (headings, anchors, search, print). Catalog text
//! that is not markdown (titles, hypotheses, parameter descriptions, ...) is
//! escaped for markdown; markdown fields (method, rollback, practice bodies,
//! notes) are sanitised by the renderer like any chapter. The interactive
//! parts (tabs, filter, matrix) are built here as HTML, escaping every value.
//!
//! Tool-neutral tabs: implementations appear in [`Catalog::tab_order`]; the
//! first supported one is selected unless the reader chose a tool before
//! (remembered in the browser) or the URL says `?tool=ID`. Without
//! JavaScript, and in print, every implementation is shown in turn with its
//! tool's name as a heading.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use mdbook_core::book::{BookItem, Chapter};

use crate::book::{splice, LoadedBook, Placement};
use crate::catalog::model::{Implementation, Practice, Reference, Scenario, Support, Tool};
use crate::catalog::Catalog;
use crate::render::highlight::{escape, highlight_into};
use crate::render::markdown::{Hooks, PageInfo};

/// Scenario categories in reading order, with their titles.
pub const CATEGORIES: [(&str, &str); 8] = [
    ("pod-container", "Pods and containers"),
    ("resource", "Resources"),
    ("network", "Network"),
    ("application", "Application and HTTP"),
    ("time", "Time"),
    ("node-platform", "Nodes and platform"),
    ("cloud", "Cloud"),
    ("security", "Security"),
];

/// The directive that marks where the catalog goes in SUMMARY.md: the
/// chapter whose text holds it gets the catalog's pages as sub-chapters and
/// shows the faceted index.
pub const MARKER: &str = "{{#catalog}}";

fn category_title(id: &str) -> &str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == id)
        .map_or(id, |(_, t)| t)
}

pub fn scenario_path(s: &Scenario) -> String {
    format!("catalog/scenarios/{}/{}.md", s.category, s.id)
}

pub fn tool_path(id: &str) -> String {
    format!("catalog/tools/{id}.md")
}

pub fn practice_path(id: &str) -> String {
    format!("catalog/practices/{id}.md")
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

fn html_url(md_path: &str) -> String {
    md_path
        .strip_suffix(".md")
        .map_or_else(|| md_path.to_string(), |s| format!("{s}.html"))
}

fn chapter(name: &str, content: String, path: &str, sub: Vec<BookItem>) -> BookItem {
    let mut ch = Chapter::new(name, content, path, Vec::new());
    ch.source_path = None;
    ch.sub_items = sub;
    BookItem::Chapter(ch)
}

/// Adds the catalog's pages to the book and returns the hooks that render
/// embeds and catalog links.
pub fn install<'a>(catalog: &'a Catalog, book: &mut LoadedBook) -> CatalogHooks<'a> {
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
    let pages = pages(catalog);
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
    let mut hasher = DefaultHasher::new();
    for t in &catalog.tools {
        t.source().hash(&mut hasher);
    }
    for s in &catalog.scenarios {
        s.source().hash(&mut hasher);
    }
    for p in &catalog.practices {
        p.source().hash(&mut hasher);
    }
    for m in catalog.manifests.values() {
        m.rendered.hash(&mut hasher);
    }
    // Tabs show each format's label and run command; catalog.json and the
    // published schemas hold all of it.
    for f in catalog.formats.by_name.values() {
        (&f.name, &f.label, &f.extension, &f.run, &f.docs).hash(&mut hasher);
        format!("{:?}", f.syntax).hash(&mut hasher);
        f.schema.raw.to_string().hash(&mut hasher);
    }
    CatalogHooks {
        catalog,
        index,
        fingerprint: hasher.finish(),
    }
}

/// The generated chapters, in sidebar order.
fn pages(catalog: &Catalog) -> Vec<BookItem> {
    let mut items = Vec::new();
    let tools: Vec<BookItem> = tools_by_name(catalog)
        .iter()
        .map(|t| {
            chapter(
                &t.name,
                tool_page(catalog, t),
                &tool_path(&t.id),
                Vec::new(),
            )
        })
        .collect();
    items.push(chapter("Tool landscape", "# Tool landscape\n\nEvery tool of the landscape, described with the same template and listed by name. What each covers is in the [coverage matrix](catalog:matrix).\n\n{{#tool-landscape}}\n".into(), TOOLS_PAGE, tools));
    items.push(chapter("Coverage matrix", "# Coverage matrix\n\nWhich tool implements which fault. Each cell opens that tool's tab on the scenario's page.\n\n{{#coverage-matrix}}\n".into(), MATRIX_PAGE, Vec::new()));
    for (cat, title) in CATEGORIES {
        let scenarios: Vec<&Scenario> = catalog
            .scenarios
            .iter()
            .map(|e| &e.item)
            .filter(|s| s.category == cat)
            .collect();
        if scenarios.is_empty() {
            continue;
        }
        let mut list = format!("# {}\n\n", md_text(title));
        for s in &scenarios {
            let _ = writeln!(
                list,
                "- [{}](scenario:{}): {}",
                md_text(&s.title),
                s.id,
                md_text(&s.summary)
            );
        }
        let subs = scenarios
            .iter()
            .map(|s| {
                chapter(
                    &s.title,
                    scenario_page(catalog, s),
                    &scenario_path(s),
                    Vec::new(),
                )
            })
            .collect();
        items.push(chapter(
            title,
            list,
            &format!("catalog/scenarios/{cat}.md"),
            subs,
        ));
    }
    let mut list = String::from("# Best practices\n\n");
    for p in &catalog.practices {
        let _ = writeln!(
            list,
            "- [{}](practice:{}): {}",
            md_text(&p.item.title),
            p.item.id,
            md_text(&p.item.summary)
        );
    }
    let subs = catalog
        .practices
        .iter()
        .map(|p| {
            chapter(
                &p.item.title,
                practice_page(&p.item),
                &practice_path(&p.item.id),
                Vec::new(),
            )
        })
        .collect();
    items.push(chapter("Best practices", list, PRACTICES_PAGE, subs));
    items
}

fn tools_by_name(catalog: &Catalog) -> Vec<&Tool> {
    let mut tools: Vec<&Tool> = catalog.tools.iter().map(|t| &t.item).collect();
    tools.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    tools
}

fn list(title: &str, items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = format!("## {title}\n\n");
    for i in items {
        let _ = writeln!(s, "- {}", md_text(i));
    }
    s.push('\n');
    s
}

fn scenario_page(catalog: &Catalog, s: &Scenario) -> String {
    let mut md = format!(
        "# {}\n\n{}\n\n{{{{#scenario-facts {}}}}}\n\n",
        md_text(&s.title),
        md_text(&s.summary),
        s.id
    );
    let _ = write!(
        md,
        "## Hypothesis\n\n{}\n\n## Steady state\n\n",
        md_text(&s.hypothesis)
    );
    for sig in &s.steady_state {
        let _ = write!(
            md,
            "- {}: **{}**",
            md_text(&sig.signal),
            md_text(&sig.threshold)
        );
        if let Some(q) = &sig.query {
            let _ = write!(md, "<br><code class=\"cb-query\">{}</code>", escape(q));
        }
        md.push('\n');
    }
    let _ = write!(md, "\n## Method\n\n{}\n\n", s.method);
    if !s.parameters.is_empty() {
        md.push_str(
            "## Parameters\n\n| Name | Type | Default | Description |\n|---|---|---|---|\n",
        );
        for p in &s.parameters {
            let default = p
                .default
                .as_str()
                .map_or(p.default.to_string(), str::to_string);
            let _ = writeln!(
                md,
                "| `{}` | {} | `{}` | {} |",
                p.name,
                format!("{:?}", p.kind).to_lowercase(),
                default.replace('`', "'").replace('|', "\\|"),
                md_text(&p.description)
            );
        }
        md.push_str("\nExport the manifests with other values: `chaosbook export --scenario ");
        md.push_str(&s.id);
        md.push_str(" --set NAME=VALUE --out DIR`.\n\n");
    }
    md.push_str(&list("Abort conditions", &s.abort_conditions));
    let _ = write!(md, "## Rollback\n\n{}\n\n", s.rollback);
    md.push_str(&list("Observability", &s.observability));
    if let Some(sec) = &s.security {
        let _ = write!(md, "## Security notes\n\n{sec}\n\n");
    }
    let _ = write!(
        md,
        "## Implementations\n\n{{{{#implementations {}}}}}\n\n",
        s.id
    );
    md.push_str("## Related\n\n");
    for p in &s.practices {
        let title = catalog
            .practice(p)
            .map_or(p.clone(), |e| e.item.title.clone());
        let _ = writeln!(md, "- Practice: [{}](practice:{p})", md_text(&title));
    }
    for r in &s.related {
        let title = catalog
            .scenario(r)
            .map_or(r.clone(), |e| e.item.title.clone());
        let _ = writeln!(md, "- Scenario: [{}](scenario:{r})", md_text(&title));
    }
    md.push('\n');
    references(&mut md, &s.references);
    md
}

fn practice_page(p: &Practice) -> String {
    let area = p.area.replace('-', " ");
    let mut md = format!(
        "# {}\n\n*{}*: {}\n\n{}\n\n",
        md_text(&p.title),
        md_text(&area),
        md_text(&p.summary),
        p.body
    );
    if !p.scenarios.is_empty() {
        md.push_str("## Scenarios that exercise it\n\n");
        for s in &p.scenarios {
            let _ = writeln!(md, "- [{s}](scenario:{s})");
        }
        md.push('\n');
    }
    references(&mut md, &p.references);
    md
}

/// A "References" section listing `refs`, if there are any.
fn references(md: &mut String, refs: &[Reference]) {
    if refs.is_empty() {
        return;
    }
    md.push_str("## References\n\n");
    for r in refs {
        let _ = writeln!(
            md,
            "- [{}](<{}>)",
            md_text(&r.title),
            r.url.replace('>', "%3E")
        );
    }
}

fn tool_page(catalog: &Catalog, t: &Tool) -> String {
    let mut md = format!("# {}\n\n{}\n\n", md_text(&t.name), md_text(&t.summary));
    md.push_str("| | |\n|---|---|\n");
    let _ = writeln!(md, "| Homepage | <{}> |", t.homepage);
    let _ = writeln!(md, "| Documentation | <{}> |", t.docs);
    if let Some(src) = &t.source {
        let _ = writeln!(md, "| Source | <{src}> |");
    }
    let _ = writeln!(md, "| License | {} |", md_text(&t.license));
    let _ = writeln!(
        md,
        "| Governance | {} |",
        md_text(&governance(&t.governance))
    );
    let _ = writeln!(md, "| Current version | {} |", md_text(&t.current_version));
    let targets: Vec<String> = t
        .targets
        .iter()
        .map(|x| format!("{x:?}").to_lowercase())
        .collect();
    let _ = writeln!(md, "| Targets | {} |", targets.join(", "));
    let formats: Vec<String> = t
        .formats
        .iter()
        .map(|f| {
            catalog
                .formats
                .get(f)
                .map_or(f.clone(), |x| x.label.clone())
        })
        .collect();
    let _ = writeln!(md, "| Formats | {} |\n", md_text(&formats.join(", ")));
    if let (Some(pre), Some(m)) = (&t.prerequisites, catalog.prerequisites.get(&t.id)) {
        let lang = catalog
            .formats
            .get(&pre.format)
            .map_or("text", |f| f.syntax.language());
        // A fence longer than any run of backticks in the manifest.
        let longest = m
            .rendered
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let _ = write!(
            md,
            "## Prerequisites\n\n{}\n\n{fence}{lang}\n{}\n{fence}\n\n",
            pre.summary.trim_end(),
            m.rendered.trim_end()
        );
    }
    let mut supported = Vec::new();
    let mut unsupported = Vec::new();
    for e in &catalog.scenarios {
        if let Some(imp) = e.item.implementations.iter().find(|i| i.tool == t.id) {
            let line = format!(
                "- [{}](scenario:{}?tool={})",
                md_text(&e.item.title),
                e.item.id,
                t.id
            );
            match imp.support {
                Support::Native => supported.push(line),
                Support::Extension => supported.push(format!(
                    "{line} (through {})",
                    md_text(imp.extension.as_deref().unwrap_or("an extension"))
                )),
                Support::Unsupported => unsupported.push(format!(
                    "{line}: {}",
                    md_text(imp.reason.as_deref().unwrap_or(""))
                )),
            }
        }
    }
    let _ = write!(
        md,
        "## Scenarios it implements ({})\n\n{}\n\n",
        supported.len(),
        if supported.is_empty() {
            "None yet.".to_string()
        } else {
            supported.join("\n")
        }
    );
    let _ = write!(
        md,
        "## Scenarios it does not support ({})\n\n{}\n",
        unsupported.len(),
        if unsupported.is_empty() {
            "None.".to_string()
        } else {
            unsupported.join("\n")
        }
    );
    md
}

fn governance(g: &str) -> String {
    crate::catalog::model::governance_label(g).to_string()
}

/// A markdown field rendered for a tab panel, sanitised like chapter HTML.
fn markdown_html(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    crate::render::sanitize::clean(&html)
}

fn support_label(imp: &Implementation) -> &'static str {
    match imp.support {
        Support::Native => "native",
        Support::Extension => "extension",
        Support::Unsupported => "not supported",
    }
}

/// Renders the catalog's directives and links.
pub struct CatalogHooks<'a> {
    catalog: &'a Catalog,
    /// The page holding the faceted index (the marker chapter).
    index: String,
    fingerprint: u64,
}

impl CatalogHooks<'_> {
    fn url(&self, page: &PageInfo<'_>, md_path: &str) -> String {
        format!("{}{}", page.root, html_url(md_path))
    }

    fn tool_name(&self, id: &str) -> String {
        self.catalog
            .tool(id)
            .map_or(id.to_string(), |t| t.item.name.clone())
    }

    /// The tabs of one scenario's implementations.
    fn tabs(&self, s: &Scenario, page: &PageInfo<'_>) -> String {
        let order = self.catalog.tab_order(s);
        let selected = order.iter().position(|i| i.is_supported()).unwrap_or(0);
        let mut h = String::new();
        let sid = escape(&s.id);
        let _ = write!(h, "<div class=\"cb-tabs\" data-scenario=\"{sid}\">");
        let _ = write!(
            h,
            "<div class=\"cb-tablist\" role=\"tablist\" aria-label=\"Implementations of {}\">",
            escape(&s.title)
        );
        for (i, imp) in order.iter().enumerate() {
            let tool = escape(&imp.tool);
            let sel = i == selected;
            let _ = write!(
                h,
                "<button type=\"button\" role=\"tab\" class=\"cb-tab{}\" id=\"tab-{sid}-{tool}\" aria-controls=\"panel-{sid}-{tool}\" aria-selected=\"{sel}\" tabindex=\"{}\" data-tool=\"{tool}\" data-supported=\"{}\">{}</button>",
                if imp.is_supported() { "" } else { " cb-tab-unsupported" },
                if sel { "0" } else { "-1" },
                imp.is_supported(),
                escape(&self.tool_name(&imp.tool)),
            );
        }
        h.push_str("</div>");
        for (i, imp) in order.iter().enumerate() {
            let tool = escape(&imp.tool);
            let _ = write!(
                h,
                "<section class=\"cb-panel{}\" role=\"tabpanel\" id=\"panel-{sid}-{tool}\" aria-labelledby=\"tab-{sid}-{tool}\" data-tool=\"{tool}\" tabindex=\"0\">",
                if i == selected { " cb-selected" } else { "" }
            );
            let _ = write!(
                h,
                "<h3 class=\"cb-panel-title\">{}</h3>",
                escape(&self.tool_name(&imp.tool))
            );
            self.panel(&mut h, s, imp, page);
            h.push_str("</section>");
        }
        h.push_str("</div>");
        h
    }

    fn panel(&self, h: &mut String, s: &Scenario, imp: &Implementation, page: &PageInfo<'_>) {
        let tool_link = self.url(page, &tool_path(&imp.tool));
        if !imp.is_supported() {
            let _ = write!(h, "<div class=\"cb-support cb-unsupported\"><p><strong>Not supported.</strong></p>{}</div>", markdown_html(imp.reason.as_deref().unwrap_or("")));
            if let Some(alt) = &imp.alternative {
                let _ = write!(h, "<div class=\"cb-alternative\"><p><strong>Closest alternative:</strong></p>{}</div>", markdown_html(alt));
            }
            let _ = write!(
                h,
                "<p><a href=\"{}\">About {}</a></p>",
                escape(&tool_link),
                escape(&self.tool_name(&imp.tool))
            );
            return;
        }
        let format = imp
            .format
            .as_deref()
            .and_then(|f| self.catalog.formats.get(f));
        h.push_str("<p class=\"cb-support\">");
        let _ = write!(
            h,
            "<span class=\"cb-badge cb-{}\">{}</span>",
            support_label(imp).replace(' ', "-"),
            support_label(imp)
        );
        if let Some(ext) = &imp.extension {
            let _ = write!(h, " through <code>{}</code>", escape(ext));
        }
        if let Some(f) = format {
            let _ = write!(h, " · format: {}", escape(&f.label));
        }
        if let Some(v) = &imp.verified {
            let _ = write!(h, " · verified: {}", escape(&v.summary()));
        }
        if let Some(d) = &imp.docs {
            let _ = write!(
                h,
                " · <a href=\"{}\" rel=\"noopener\">documentation</a>",
                escape(d)
            );
        }
        if self.catalog.prerequisites.contains_key(&imp.tool) {
            let _ = write!(
                h,
                " · apply the tool's <a href=\"{}#prerequisites\">prerequisites</a> first",
                escape(&tool_link)
            );
        }
        h.push_str("</p>");
        if let Some(n) = &imp.notes {
            let _ = write!(h, "<div class=\"cb-notes\">{}</div>", markdown_html(n));
        }
        if let Some(m) = self.catalog.manifest(&s.id, &imp.tool) {
            let lang = format.map_or("text", |f| f.syntax.language());
            let code_id = format!("code-{}-{}", escape(&s.id), escape(&imp.tool));
            let _ = write!(h, "<div class=\"cb-code\"><button type=\"button\" class=\"cb-copy\" data-copy=\"{code_id}\">Copy</button><pre class=\"code\"><code id=\"{code_id}\" class=\"language-{lang}\">");
            highlight_into(h, &m.rendered, lang);
            h.push_str("</code></pre></div>");
            if let Some(f) = format {
                let file = format!("{}.{}", s.id, f.extension);
                let _ = write!(
                    h,
                    "<p class=\"cb-run\">Run: <code>{}</code></p>",
                    escape(&f.run.replace("{file}", &file))
                );
            }
        }
    }

    fn facts(&self, s: &Scenario) -> String {
        let targets: Vec<String> = s
            .targets
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect();
        let supported = s
            .implementations
            .iter()
            .filter(|i| i.is_supported())
            .count();
        format!(
            "<dl class=\"cb-facts\"><dt>Category</dt><dd>{}</dd><dt>Targets</dt><dd>{}</dd><dt>Personas</dt><dd>{}</dd><dt>Blast radius</dt><dd>{}: {}</dd><dt>Implementations</dt><dd>{} of {} tools</dd></dl>",
            escape(category_title(&s.category)),
            escape(&targets.join(", ")),
            escape(&s.personas.join(", ")),
            escape(&s.blast_radius.level),
            escape(&s.blast_radius.scope),
            supported,
            s.implementations.len()
        )
    }

    fn embed(&self, s: &Scenario, page: &PageInfo<'_>) -> String {
        format!(
            "<aside class=\"cb-embed\"><p class=\"cb-embed-title\"><a href=\"{}\">{}</a></p><p>{}</p><p><strong>Hypothesis:</strong> {}</p>{}</aside>",
            escape(&self.url(page, &scenario_path(s))),
            escape(&s.title),
            escape(&s.summary),
            escape(&s.hypothesis),
            self.tabs(s, page)
        )
    }

    fn landscape(&self, page: &PageInfo<'_>) -> String {
        let mut h = String::from("<div class=\"cb-cards\">");
        for t in tools_by_name(self.catalog) {
            let implemented = self
                .catalog
                .scenarios
                .iter()
                .filter(|s| {
                    s.item
                        .implementations
                        .iter()
                        .any(|i| i.tool == t.id && i.is_supported())
                })
                .count();
            let _ = write!(
                h,
                "<article class=\"cb-card\"><h2 class=\"cb-card-title\"><a href=\"{}\">{}</a></h2><p>{}</p><p class=\"cb-meta\">{} · {} · {} scenarios of {}</p></article>",
                escape(&self.url(page, &tool_path(&t.id))),
                escape(&t.name),
                escape(&t.summary),
                escape(&governance(&t.governance)),
                escape(&t.license),
                implemented,
                self.catalog.scenarios.len()
            );
        }
        h.push_str("</div>");
        h
    }

    fn matrix(&self, page: &PageInfo<'_>) -> String {
        let tools = tools_by_name(self.catalog);
        let mut h = String::from("<p class=\"cb-legend\"><span class=\"cb-cell cb-native\">●</span> native · <span class=\"cb-cell cb-extension\">◐</span> through an extension · <span class=\"cb-cell cb-none\">–</span> not supported</p><div class=\"cb-matrix-wrap\"><table class=\"cb-matrix\"><thead><tr><th scope=\"col\">Scenario</th>");
        for t in &tools {
            let _ = write!(
                h,
                "<th scope=\"col\"><a href=\"{}\">{}</a></th>",
                escape(&self.url(page, &tool_path(&t.id))),
                escape(&t.name)
            );
        }
        h.push_str("</tr></thead><tbody>");
        for (cat, title) in CATEGORIES {
            let rows: Vec<&Scenario> = self
                .catalog
                .scenarios
                .iter()
                .map(|e| &e.item)
                .filter(|s| s.category == cat)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = write!(
                h,
                "<tr class=\"cb-group\"><th colspan=\"{}\" scope=\"rowgroup\">{}</th></tr>",
                tools.len() + 1,
                escape(title)
            );
            for s in rows {
                let page_url = self.url(page, &scenario_path(s));
                let _ = write!(
                    h,
                    "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
                    escape(&page_url),
                    escape(&s.title)
                );
                for t in &tools {
                    let imp = s.implementations.iter().find(|i| i.tool == t.id);
                    let (class, mark, label) = match imp.map(|i| i.support) {
                        Some(Support::Native) => ("cb-native", "●", "native"),
                        Some(Support::Extension) => ("cb-extension", "◐", "through an extension"),
                        Some(Support::Unsupported) => ("cb-none", "–", "not supported"),
                        None => ("cb-none", " ", "no entry"),
                    };
                    let title = format!("{}, {}: {label}", s.title, t.name);
                    let _ = write!(
                        h,
                        "<td class=\"cb-cell {class}\"><a href=\"{}?tool={}#implementations\" title=\"{}\" aria-label=\"{}\">{mark}</a></td>",
                        escape(&page_url),
                        escape(&t.id),
                        escape(&title),
                        escape(&title)
                    );
                }
                h.push_str("</tr>");
            }
        }
        h.push_str("</tbody></table></div>");
        h
    }

    /// The faceted index: every scenario as a card carrying its facets as
    /// data attributes; the filter works from `file://` (no fetch) and keeps
    /// its state in the URL.
    fn index(&self, page: &PageInfo<'_>) -> String {
        let mut facets: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        let mut add = |facet: &'static str, value: String, label: String| {
            let list = facets.entry(facet).or_default();
            if !list.iter().any(|(v, _)| *v == value) {
                list.push((value, label));
            }
        };
        for s in self.catalog.scenarios.iter().map(|e| &e.item) {
            add(
                "category",
                s.category.clone(),
                category_title(&s.category).to_string(),
            );
            for t in &s.targets {
                let t = format!("{t:?}").to_lowercase();
                add("target", t.clone(), t);
            }
            for p in &s.personas {
                add("persona", p.clone(), p.clone());
            }
            add(
                "blast",
                s.blast_radius.level.clone(),
                s.blast_radius.level.clone(),
            );
        }
        for t in tools_by_name(self.catalog) {
            add("tool", t.id.clone(), t.name.clone());
        }
        let mut h = String::from("<form class=\"cb-filter\" role=\"search\" aria-label=\"Filter the scenarios\"><label class=\"cb-filter-text\">Search <input type=\"search\" name=\"q\" autocomplete=\"off\"></label>");
        for (facet, label) in [
            ("category", "Category"),
            ("target", "Target"),
            ("tool", "Tool"),
            ("persona", "Persona"),
            ("blast", "Blast radius"),
        ] {
            let _ = write!(
                h,
                "<label>{label} <select name=\"{facet}\"><option value=\"\">any</option>"
            );
            let mut values = facets.get(facet).cloned().unwrap_or_default();
            if facet != "category" && facet != "tool" {
                values.sort();
            }
            for (v, l) in values {
                let _ = write!(
                    h,
                    "<option value=\"{}\">{}</option>",
                    escape(&v),
                    escape(&l)
                );
            }
            h.push_str("</select></label>");
        }
        h.push_str("<button type=\"reset\" class=\"cb-reset\">Clear</button><p class=\"cb-count\" aria-live=\"polite\"></p></form><ul class=\"cb-index\">");
        for s in self.catalog.scenarios.iter().map(|e| &e.item) {
            let tools: Vec<&str> = s
                .implementations
                .iter()
                .filter(|i| i.is_supported())
                .map(|i| i.tool.as_str())
                .collect();
            let targets: Vec<String> = s
                .targets
                .iter()
                .map(|t| format!("{t:?}").to_lowercase())
                .collect();
            let text = format!("{} {} {}", s.title, s.summary, s.id).to_lowercase();
            let _ = write!(
                h,
                "<li class=\"cb-index-item\" data-category=\"{}\" data-target=\"{}\" data-tool=\"{}\" data-persona=\"{}\" data-blast=\"{}\" data-text=\"{}\"><a href=\"{}\">{}</a> <span class=\"cb-meta\">{} · {} tools</span><br>{}</li>",
                escape(&s.category),
                escape(&targets.join(" ")),
                escape(&tools.join(" ")),
                escape(&s.personas.join(" ")),
                escape(&s.blast_radius.level),
                escape(&text),
                escape(&self.url(page, &scenario_path(s))),
                escape(&s.title),
                escape(category_title(&s.category)),
                tools.len(),
                escape(&s.summary)
            );
        }
        h.push_str("</ul>");
        h
    }
}

impl Hooks for CatalogHooks<'_> {
    fn directive(&self, name: &str, args: &str, page: &PageInfo<'_>) -> Option<String> {
        let id = args.trim();
        match name {
            "scenario" => self.catalog.scenario(id).map(|s| self.embed(&s.item, page)),
            "implementations" => self.catalog.scenario(id).map(|s| self.tabs(&s.item, page)),
            "scenario-facts" => self.catalog.scenario(id).map(|s| self.facts(&s.item)),
            "catalog" => Some(self.index(page)),
            "coverage-matrix" => Some(self.matrix(page)),
            "tool-landscape" => Some(self.landscape(page)),
            _ => None,
        }
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
        self.fingerprint
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

    /// A format's label shows on every tab of its tool: changing it alone
    /// must render the pages again in `serve` (and remake catalog.json).
    #[test]
    fn the_fingerprint_follows_the_formats() {
        let root = crate::testing::project_root();
        let fingerprint = |catalog: &Catalog| {
            let mut book = crate::book::load(root).unwrap();
            install(catalog, &mut book).fingerprint
        };
        let (mut catalog, _) = crate::check(root);
        let before = fingerprint(&catalog);
        assert_eq!(before, fingerprint(&catalog));
        let format = catalog.formats.by_name.values_mut().next().unwrap();
        format.label.push_str(" (edited)");
        assert_ne!(before, fingerprint(&catalog));
    }
}
