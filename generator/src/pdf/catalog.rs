//! The catalog as typst markup: the tool landscape, every scenario with
//! every tool's implementation one after another (tabs flattened, in
//! [`Catalog::tab_order`]), the best practices and the coverage matrix.
//!
//! Names and titles are plain text ([`text`]); prose fields are markdown and
//! go through the converter ([`markup::convert`]); code, URLs and labels are
//! string literals. Labels: `catalog:index|tools|matrix|practices`,
//! `tool:ID`, `scenario:ID`, `scenario:ID?tool=T`, `practice:ID`: the same
//! names as the links chapters write.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::model::{Implementation, Practice, Reference, Scenario, Support, Target, Tool};
use crate::catalog::Catalog;

use super::markup::{self, string, text, Env};

use crate::render::catalog::CATEGORIES;

/// The labels of the catalog's fixed sections.
pub const SECTIONS: [&str; 4] = [
    "catalog:index",
    "catalog:tools",
    "catalog:matrix",
    "catalog:practices",
];

fn category_title(id: &str) -> String {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == id)
        .map_or_else(|| id.replace('-', " "), |(_, t)| t.to_string())
}

fn category_rank(id: &str) -> usize {
    CATEGORIES
        .iter()
        .position(|(c, _)| *c == id)
        .unwrap_or(CATEGORIES.len())
}

/// Scenarios grouped by category, categories in reading order, scenarios
/// by title.
pub fn by_category(catalog: &Catalog) -> Vec<(String, Vec<&Scenario>)> {
    let mut groups: BTreeMap<(usize, &str), Vec<&Scenario>> = BTreeMap::new();
    for s in &catalog.scenarios {
        let c = s.item.category.as_str();
        groups
            .entry((category_rank(c), c))
            .or_default()
            .push(&s.item);
    }
    groups
        .into_iter()
        .map(|((_, c), mut list)| {
            list.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
            (c.to_string(), list)
        })
        .collect()
}

/// Tools sorted by name (a neutral order for tables).
fn tools_by_name(catalog: &Catalog) -> Vec<&Tool> {
    let mut tools: Vec<&Tool> = catalog.tools.iter().map(|t| &t.item).collect();
    tools.sort_by_cached_key(|t| (t.name.to_lowercase(), t.id.clone()));
    tools
}

fn target_name(t: &Target) -> &'static str {
    match t {
        Target::Kubernetes => "Kubernetes",
        Target::Container => "containers",
        Target::Host => "hosts",
        Target::Aws => "AWS",
        Target::Azure => "Azure",
        Target::Gcp => "Google Cloud",
        Target::Jvm => "JVM",
        Target::Tcp => "TCP",
        Target::Http => "HTTP",
    }
}

fn targets(list: &[Target]) -> String {
    list.iter().map(target_name).collect::<Vec<_>>().join(", ")
}

fn governance(g: &str) -> String {
    crate::catalog::model::governance_label(g).to_string()
}

fn support_label(s: Support) -> &'static str {
    match s {
        Support::Native => "native",
        Support::Extension => "through an extension",
        Support::Unsupported => "not supported",
    }
}

/// Writes the catalog's markup: markdown fields go through `env`.
pub struct Writer<'a> {
    pub catalog: &'a Catalog,
    pub env: &'a dyn Env,
    pub smart_punctuation: bool,
}

impl Writer<'_> {
    fn tool_name(&self, id: &str) -> String {
        self.catalog
            .tool(id)
            .map_or_else(|| id.to_string(), |t| t.item.name.clone())
    }

    /// A markdown field as markup (its headings, if any, stay out of the
    /// outline); `key` names its labels and must be unique in the document.
    fn md(&self, key: &str, md: &str, level_offset: usize) -> String {
        markup::convert_inline(
            md,
            &markup::Options {
                chapter: key,
                level_offset,
                outlined: false,
                smart_punctuation: self.smart_punctuation,
            },
            self.env,
        )
    }

    fn heading(out: &mut String, level: usize, title: &str, label: Option<&str>, outlined: bool) {
        let _ = write!(
            out,
            "#heading(level: {level}, outlined: {outlined}, bookmarked: {outlined})[{}]",
            text(title)
        );
        if let Some(l) = label {
            let _ = write!(out, "#label({})", string(l));
        }
        out.push_str("\n\n");
    }

    fn link_label(label: &str, body: &str) -> String {
        format!("#link(label({}))[{}]", string(label), body)
    }

    /// A "References" list of `refs`, if there are any.
    fn references(out: &mut String, refs: &[Reference]) {
        if refs.is_empty() {
            return;
        }
        out.push_str("#cb-subhead[References]\n\n#list(tight: true, ");
        for r in refs {
            let _ = write!(out, "[{}], ", Self::link_url(&r.url, &text(&r.title)));
        }
        out.push_str(")\n\n");
    }

    fn link_url(url: &str, body: &str) -> String {
        format!("#link({})[{}]", string(url), body)
    }

    /// The whole catalog. With `title`, as a part of its own (a level-1
    /// heading labelled `catalog:index`, its sections at level 2); without,
    /// its sections follow the chapter that holds the `{{#catalog}}` marker,
    /// at that chapter's `level`.
    pub fn part(&self, out: &mut String, title: bool, level: usize) {
        let level = if title {
            out.push_str("#pagebreak(weak: true)\n");
            Self::heading(out, 1, "Fault catalog", Some("catalog:index"), true);
            out.push_str(&self.introduction());
            2
        } else {
            level
        };
        self.tools(out, level);
        for (category, list) in by_category(self.catalog) {
            out.push_str("#pagebreak(weak: true)\n");
            Self::heading(
                out,
                level,
                &format!("Scenarios: {}", category_title(&category)),
                Some(&format!("catalog:category:{category}")),
                true,
            );
            for s in list {
                self.scenario(out, s, level + 1);
            }
        }
        self.practices(out, level);
        self.matrix(out, level);
    }

    /// What the catalog holds and how it is printed.
    pub fn introduction(&self) -> String {
        let c = self.catalog;
        let supported = c
            .scenarios
            .iter()
            .flat_map(|s| &s.item.implementations)
            .filter(|i| i.is_supported())
            .count();
        let intro = format!(
            "The catalog describes {} fault scenarios, implemented {} times across the {} tools of the landscape, and {} best practices. \
             Each scenario states a hypothesis, the steady state to watch, its blast radius, abort conditions and rollback, \
             then gives every tool's implementation in turn. The order of the tools differs from one scenario to the next, \
             so that no tool always comes first; a tool that cannot run a scenario says so, with the reason. The ",
            c.scenarios.len(),
            supported,
            c.tools.len(),
            c.practices.len()
        );
        format!(
            "{}{}{}{}{}\n\n",
            text(&intro),
            Self::link_label("catalog:tools", "tool landscape"),
            text(" comes first, then the scenarios by category, the best practices and the "),
            Self::link_label("catalog:matrix", "coverage matrix"),
            text(".")
        )
    }

    fn tools(&self, out: &mut String, level: usize) {
        out.push_str("#pagebreak(weak: true)\n");
        Self::heading(out, level, "Tool landscape", Some("catalog:tools"), true);
        let tools = tools_by_name(self.catalog);
        out.push_str("The tools of the catalog, in alphabetical order. Coverage counts the scenarios each tool runs natively, through an extension, or not at all.\n\n");
        out.push_str("#cb-table(columns: (14fr, 14fr, 9fr, 14fr, 12fr), align: (left, left, left, left, left), table.header([Tool], [Governance], [License], [Targets], [Coverage]), ");
        for t in &tools {
            let (n, e, u) = self.coverage(&t.id);
            let _ = write!(
                out,
                "[{}], [{}], [{}], [{}], [{n} native, {e} extension, {u} not supported], ",
                Self::link_label(&format!("tool:{}", t.id), &text(&t.name)),
                text(&governance(&t.governance)),
                text(&t.license),
                text(&targets(&t.targets)),
            );
        }
        out.push_str(")\n\n");
        for t in tools {
            self.tool(out, t, level + 1);
        }
    }

    fn coverage(&self, tool: &str) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for s in &self.catalog.scenarios {
            for i in s.item.implementations.iter().filter(|i| i.tool == tool) {
                match i.support {
                    Support::Native => counts.0 += 1,
                    Support::Extension => counts.1 += 1,
                    Support::Unsupported => counts.2 += 1,
                }
            }
        }
        counts
    }

    fn tool(&self, out: &mut String, t: &Tool, level: usize) {
        Self::heading(out, level, &t.name, Some(&format!("tool:{}", t.id)), true);
        out.push_str(&self.md(&format!("tool:{}:summary", t.id), &t.summary, level));
        out.push_str("\n\n");
        let mut facts: Vec<(&str, String)> = vec![
            ("Home page", Self::link_url(&t.homepage, &text(&t.homepage))),
            ("Documentation", Self::link_url(&t.docs, &text(&t.docs))),
        ];
        if let Some(src) = &t.source {
            facts.push(("Source", Self::link_url(src, &text(src))));
        }
        facts.push(("License", text(&t.license)));
        facts.push(("Governance", text(&governance(&t.governance))));
        facts.push(("Current version", text(&t.current_version)));
        facts.push(("Targets", text(&targets(&t.targets))));
        let formats: Vec<String> = t
            .formats
            .iter()
            .map(|f| {
                self.catalog
                    .formats
                    .get(f)
                    .map_or_else(|| f.clone(), |x| x.label.clone())
            })
            .collect();
        facts.push(("Formats", text(&formats.join(", "))));
        let (n, e, u) = self.coverage(&t.id);
        facts.push((
            "Coverage",
            format!("{n} native, {e} through an extension, {u} not supported"),
        ));
        facts_table(out, &facts);
        if let (Some(pre), Some(m)) = (&t.prerequisites, self.catalog.prerequisites.get(&t.id)) {
            out.push_str("#cb-subhead[Prerequisites]\n\n");
            out.push_str(&self.md(&format!("tool:{}:prerequisites", t.id), &pre.summary, level));
            out.push_str("\n\n");
            let lang = self
                .catalog
                .formats
                .get(&pre.format)
                .map_or("yaml", |f| f.syntax.language());
            let _ = write!(
                out,
                "{}\n\n",
                markup::raw_block(m.rendered.trim_end_matches('\n'), Some(lang))
            );
        }
        let unsupported: Vec<(&Scenario, &Implementation)> = self
            .catalog
            .scenarios
            .iter()
            .flat_map(|s| {
                s.item
                    .implementations
                    .iter()
                    .filter(|i| i.tool == t.id && !i.is_supported())
                    .map(move |i| (&s.item, i))
            })
            .collect();
        if !unsupported.is_empty() {
            out.push_str("#cb-subhead[Scenarios it does not support]\n\n#list(tight: true, ");
            for (s, i) in unsupported {
                let _ = write!(
                    out,
                    "[{}: {}], ",
                    Self::link_label(&format!("scenario:{}?tool={}", s.id, t.id), &text(&s.title)),
                    self.md(
                        &format!("tool:{}:unsupported:{}", t.id, s.id),
                        i.reason.as_deref().unwrap_or("no reason given"),
                        level
                    )
                );
            }
            out.push_str(")\n\n");
        }
    }

    /// One scenario as a section of the catalog (with labels).
    fn scenario(&self, out: &mut String, s: &Scenario, level: usize) {
        Self::heading(
            out,
            level,
            &s.title,
            Some(&format!("scenario:{}", s.id)),
            true,
        );
        self.scenario_body(out, s, level, "");
    }

    /// A scenario embedded in a chapter by `{{#scenario ID}}`: the same
    /// content in a frame, without labels (the catalog section has them).
    pub fn embed(&self, s: &Scenario, n: usize) -> String {
        let mut body = String::new();
        let _ = write!(
            body,
            "#cb-embed-title[{}]\n\n",
            Self::link_label(&format!("scenario:{}", s.id), &text(&s.title))
        );
        let key = format!("embed{n}:");
        self.scenario_body(&mut body, s, 0, &key);
        format!("#cb-embed[{body}]")
    }

    /// `level` is the scenario's heading level; 0 for an embed (no
    /// headings, no labels). `key` prefixes the label namespaces of its
    /// markdown fields.
    fn scenario_body(&self, out: &mut String, s: &Scenario, level: usize, key: &str) {
        let k = |field: &str| format!("{key}scenario:{}:{field}", s.id);
        let md_level = level.max(3);
        let _ = write!(
            out,
            "#cb-summary[{}]\n\n",
            self.md(&k("summary"), &s.summary, md_level)
        );
        let supported = s
            .implementations
            .iter()
            .filter(|i| i.is_supported())
            .count();
        facts_table(
            out,
            &[
                ("Category", text(&category_title(&s.category))),
                ("Targets", text(&targets(&s.targets))),
                ("Personas", text(&s.personas.join(", "))),
                (
                    "Blast radius",
                    format!(
                        "{}: {}",
                        text(&s.blast_radius.level),
                        self.md(&k("blast"), &s.blast_radius.scope, md_level)
                    ),
                ),
                (
                    "Implementations",
                    format!("{supported} of {} tools", s.implementations.len()),
                ),
            ],
        );
        let _ = write!(
            out,
            "#cb-subhead[Hypothesis]\n\n{}\n\n",
            self.md(&k("hypothesis"), &s.hypothesis, md_level)
        );
        if !s.steady_state.is_empty() {
            out.push_str("#cb-subhead[Steady state]\n\n#cb-table(columns: (10fr, 8fr, 14fr), align: (left, left, left), table.header([Signal], [Threshold], [Query]), ");
            for (i, sig) in s.steady_state.iter().enumerate() {
                let _ = write!(
                    out,
                    "[{}], [{}], [{}], ",
                    self.md(&k(&format!("signal{i}")), &sig.signal, md_level),
                    self.md(&k(&format!("threshold{i}")), &sig.threshold, md_level),
                    sig.query
                        .as_deref()
                        .map_or_else(String::new, |q| markup::raw_inline(q, None))
                );
            }
            out.push_str(")\n\n");
        }
        let _ = write!(
            out,
            "#cb-subhead[Method]\n\n{}\n\n",
            self.md(&k("method"), &s.method, md_level)
        );
        if !s.parameters.is_empty() {
            out.push_str("#cb-subhead[Parameters]\n\n#cb-table(columns: (9fr, 6fr, 10fr, 18fr), align: (left, left, left, left), table.header([Name], [Type], [Default], [Description]), ");
            for p in &s.parameters {
                let default = match &p.default {
                    serde_json::Value::String(v) => v.clone(),
                    v => v.to_string(),
                };
                let kind = serde_json::to_value(p.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "[{}], [{}], [{}], [{}], ",
                    markup::raw_inline(&p.name, None),
                    text(&kind),
                    markup::raw_inline(&default, None),
                    self.md(&k(&format!("param:{}", p.name)), &p.description, md_level)
                );
            }
            out.push_str(")\n\n");
        }
        self.md_list(
            out,
            "Abort conditions",
            &s.abort_conditions,
            &k("abort"),
            md_level,
        );
        let _ = write!(
            out,
            "#cb-subhead[Rollback]\n\n{}\n\n",
            self.md(&k("rollback"), &s.rollback, md_level)
        );
        self.md_list(
            out,
            "Observability",
            &s.observability,
            &k("observability"),
            md_level,
        );
        if let Some(sec) = &s.security {
            let _ = write!(
                out,
                "#cb-subhead[Security]\n\n{}\n\n",
                self.md(&k("security"), sec, md_level)
            );
        }
        if level > 0 {
            self.scenario_links(out, s);
        }
        out.push_str("#cb-subhead[Implementations]\n\n");
        out.push_str(
            "#cb-note[Every tool in turn, in the same order as the tabs of the site.]\n\n",
        );
        for imp in self.catalog.tab_order(s) {
            self.implementation(out, s, imp, level, key);
        }
    }

    fn md_list(&self, out: &mut String, title: &str, items: &[String], key: &str, level: usize) {
        if items.is_empty() {
            return;
        }
        let _ = write!(out, "#cb-subhead[{}]\n\n#list(tight: true, ", text(title));
        for (i, item) in items.iter().enumerate() {
            let _ = write!(out, "[{}], ", self.md(&format!("{key}{i}"), item, level));
        }
        out.push_str(")\n\n");
    }

    fn scenario_links(&self, out: &mut String, s: &Scenario) {
        let practices: Vec<String> = s
            .practices
            .iter()
            .filter_map(|id| self.catalog.practice(id))
            .map(|p| Self::link_label(&format!("practice:{}", p.item.id), &text(&p.item.title)))
            .collect();
        let related: Vec<String> = s
            .related
            .iter()
            .filter_map(|id| self.catalog.scenario(id))
            .map(|r| Self::link_label(&format!("scenario:{}", r.item.id), &text(&r.item.title)))
            .collect();
        if !practices.is_empty() {
            let _ = write!(
                out,
                "#cb-subhead[Practices]\n\n{}\n\n",
                practices.join(", ")
            );
        }
        if !related.is_empty() {
            let _ = write!(
                out,
                "#cb-subhead[Related scenarios]\n\n{}\n\n",
                related.join(", ")
            );
        }
        Self::references(out, &s.references);
    }

    fn implementation(
        &self,
        out: &mut String,
        s: &Scenario,
        imp: &Implementation,
        level: usize,
        key: &str,
    ) {
        let name = self.tool_name(&imp.tool);
        if level > 0 {
            let _ = write!(
                out,
                "#heading(level: {}, outlined: false, bookmarked: false)[{}]#label({})\n\n",
                level + 1,
                text(&name),
                string(&format!("scenario:{}?tool={}", s.id, imp.tool))
            );
        } else {
            let _ = write!(out, "#cb-toolname[{}]\n\n", text(&name));
        }
        let k = |field: &str| format!("{key}scenario:{}:{}:{field}", s.id, imp.tool);
        let md_level = level.max(3) + 1;
        let tool_link = Self::link_label(
            &format!("tool:{}", imp.tool),
            &format!("About {}", text(&name)),
        );
        if !imp.is_supported() {
            let _ = write!(
                out,
                "#cb-unsupported[#strong[Not supported.] {}]\n\n",
                self.md(&k("reason"), imp.reason.as_deref().unwrap_or(""), md_level)
            );
            if let Some(alt) = &imp.alternative {
                let _ = write!(
                    out,
                    "#strong[Closest alternative:] {}\n\n",
                    self.md(&k("alternative"), alt, md_level)
                );
            }
            let _ = write!(out, "{tool_link}\n\n");
            return;
        }
        let format = imp
            .format
            .as_deref()
            .and_then(|f| self.catalog.formats.get(f));
        let support = match (&imp.support, &imp.extension) {
            (Support::Extension, Some(ext)) => format!(
                "#strong[through the extension] {}",
                markup::raw_inline(ext, None)
            ),
            (s, _) => format!("#strong[{}]", support_label(*s)),
        };
        let mut facts = vec![support];
        if let Some(f) = format {
            facts.push(format!("format: {}", text(&f.label)));
        } else if let Some(f) = &imp.format {
            facts.push(format!("format: {}", text(f)));
        }
        if let Some(v) = &imp.verified {
            facts.push(format!("verified: {}", text(&v.summary())));
        }
        if let Some(d) = &imp.docs {
            facts.push(Self::link_url(d, "documentation"));
        }
        facts.push(tool_link);
        let _ = write!(out, "#cb-facts-line[{}]\n\n", facts.join(" · "));
        if let Some(n) = &imp.notes {
            let _ = write!(out, "{}\n\n", self.md(&k("notes"), n, md_level));
        }
        if let Some(m) = self.catalog.manifest(&s.id, &imp.tool) {
            let lang = format.map_or("yaml", |f| f.syntax.language());
            let _ = write!(
                out,
                "{}\n\n",
                markup::raw_block(m.rendered.trim_end_matches('\n'), Some(lang))
            );
            if let Some(f) = format {
                let file = format!("{}.{}", s.id, f.extension);
                let _ = write!(
                    out,
                    "#cb-run[Run: {}]\n\n",
                    markup::raw_inline(&f.run.replace("{file}", &file), Some("bash"))
                );
            }
        }
    }

    fn practices(&self, out: &mut String, level: usize) {
        out.push_str("#pagebreak(weak: true)\n");
        Self::heading(
            out,
            level,
            "Best practices",
            Some("catalog:practices"),
            true,
        );
        let mut list: Vec<&Practice> = self.catalog.practices.iter().map(|p| &p.item).collect();
        list.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
        for p in list {
            Self::heading(
                out,
                level + 1,
                &p.title,
                Some(&format!("practice:{}", p.id)),
                true,
            );
            let _ = write!(
                out,
                "#cb-summary[{}]\n\n",
                self.md(&format!("practice:{}:summary", p.id), &p.summary, level + 1)
            );
            facts_table(out, &[("Area", text(&p.area.replace('-', " ")))]);
            out.push_str(&self.md(&format!("practice:{}:body", p.id), &p.body, level + 1));
            out.push_str("\n\n");
            let scenarios: Vec<String> = p
                .scenarios
                .iter()
                .filter_map(|id| self.catalog.scenario(id))
                .map(|s| Self::link_label(&format!("scenario:{}", s.item.id), &text(&s.item.title)))
                .collect();
            if !scenarios.is_empty() {
                let _ = write!(
                    out,
                    "#cb-subhead[Scenarios]\n\n{}\n\n",
                    scenarios.join(", ")
                );
            }
            Self::references(out, &p.references);
        }
    }

    /// Scenarios by tools, on landscape pages; every cell links to the
    /// implementation it stands for.
    fn matrix(&self, out: &mut String, level: usize) {
        let tools = tools_by_name(self.catalog);
        let mut m = String::new();
        Self::heading(
            &mut m,
            level,
            "Coverage matrix",
            Some("catalog:matrix"),
            true,
        );
        m.push_str("#cb-legend[#cb-native native · #cb-extension through an extension · #cb-none not supported. Each mark links to the implementation.]\n\n");
        let _ = write!(
            m,
            "#cb-matrix(columns: (5.5cm, {}), table.header([Scenario], ",
            vec!["1fr"; tools.len()].join(", ")
        );
        for t in &tools {
            let _ = write!(
                m,
                "cb-matrix-tool[{}], ",
                Self::link_label(&format!("tool:{}", t.id), &text(&t.name))
            );
        }
        m.push_str("), ");
        let span = tools.len() + 1;
        for (category, list) in by_category(self.catalog) {
            let _ = write!(
                m,
                "table.cell(colspan: {span}, fill: luma(235))[#strong[{}]], ",
                text(&category_title(&category))
            );
            for s in list {
                let _ = write!(
                    m,
                    "[{}], ",
                    Self::link_label(&format!("scenario:{}", s.id), &text(&s.title))
                );
                for t in &tools {
                    let mark = s.implementations.iter().find(|i| i.tool == t.id).map(|i| {
                        match i.support {
                            Support::Native => "#cb-native",
                            Support::Extension => "#cb-extension",
                            Support::Unsupported => "#cb-none",
                        }
                    });
                    match mark {
                        Some(mark) => {
                            let _ = write!(
                                m,
                                "[{}], ",
                                Self::link_label(&format!("scenario:{}?tool={}", s.id, t.id), mark)
                            );
                        }
                        None => m.push_str("[], "),
                    }
                }
            }
        }
        m.push_str(")\n");
        let _ = write!(out, "#page(flipped: true)[{m}]\n\n");
    }
}

/// A two-column table of facts: (name, markup).
fn facts_table(out: &mut String, facts: &[(&str, String)]) {
    out.push_str("#cb-facts(");
    for (name, value) in facts {
        let _ = write!(out, "[{}], [{}], ", text(name), value);
    }
    out.push_str(")\n\n");
}
