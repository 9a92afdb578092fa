//! The catalog as typst markup: the tool landscape, every scenario with
//! every tool's implementation one after another (tabs flattened, in
//! [`Catalog::tab_order`]), the best practices and the coverage matrix.
//! Labels, order and support levels come from the same views as the site's
//! templates ([`crate::view`]).
//!
//! Names and titles are plain text ([`text`]); prose fields are markdown and
//! go through the converter ([`markup::convert`]); code, URLs and labels are
//! string literals. Labels: `catalog:index|tools|matrix|practices`,
//! `tool:ID`, `scenario:ID`, `scenario:ID?tool=T`, `practice:ID`: the same
//! names as the links chapters write.

use std::fmt::Write as _;

use crate::catalog::model::{Reference, Scenario};
use crate::catalog::Catalog;
use crate::view::{labels, CatalogView, ImplementationView, PracticeView, ScenarioView, ToolView};

use super::markup::{self, string, text, Env};

/// The labels of the catalog's fixed sections.
pub const SECTIONS: [&str; 4] = [
    "catalog:index",
    "catalog:tools",
    "catalog:matrix",
    "catalog:practices",
];

/// Scenarios grouped by category, categories in reading order, scenarios
/// in catalog order (as the site's matrix and category pages list them).
pub fn by_category(catalog: &Catalog) -> Vec<(String, Vec<&Scenario>)> {
    labels::CATEGORIES
        .iter()
        .map(|c| {
            let list: Vec<&Scenario> = catalog
                .scenarios
                .iter()
                .map(|e| &e.item)
                .filter(|s| s.category == c.id)
                .collect();
            (c.id.to_string(), list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect()
}

fn joined(list: &[labels::Label]) -> String {
    list.iter().map(|l| l.label).collect::<Vec<_>>().join(", ")
}

/// "3 native, 1 through an extension, ..., 2 not supported": every level
/// the tool has entries at.
fn coverage(t: &ToolView<'_>) -> String {
    t.coverage
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{} {}", c.count, c.level.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the catalog's markup: markdown fields go through `env`.
pub struct Writer<'a> {
    /// The catalog, as the site's templates also receive it.
    pub view: &'a CatalogView<'a>,
    /// Converts markdown fields and resolves links and images.
    pub env: &'a dyn Env,
    /// Typographic quotes and dashes in markdown fields (`smart-punctuation`).
    pub smart_punctuation: bool,
}

impl Writer<'_> {
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
        for category in &self.view.categories {
            out.push_str("#pagebreak(weak: true)\n");
            Self::heading(
                out,
                level,
                &format!("Scenarios: {}", category.title),
                Some(&format!("catalog:category:{}", category.id)),
                true,
            );
            for row in &category.rows {
                self.scenario(out, &self.view.scenarios[row.index], level + 1);
            }
        }
        self.practices(out, level);
        self.matrix(out, level);
    }

    /// What the catalog holds and how it is printed.
    pub fn introduction(&self) -> String {
        let c = self.view;
        let supported = c.implemented;
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
        out.push_str("The tools of the catalog, in alphabetical order. Coverage counts the scenarios each tool runs natively, through an extension, as an approximation, through another tool, or not at all.\n\n");
        out.push_str("#cb-table(columns: (14fr, 14fr, 9fr, 14fr, 12fr), align: (left, left, left, left, left), table.header([Tool], [Governance], [License], [Targets], [Coverage]), ");
        for t in &self.view.tools {
            let _ = write!(
                out,
                "[{}], [{}], [{}], [{}], [{}], ",
                Self::link_label(&format!("tool:{}", t.id), &text(t.name)),
                text(t.governance),
                text(t.license),
                text(&joined(&t.targets)),
                text(&coverage(t)),
            );
        }
        out.push_str(")\n\n");
        for t in &self.view.tools {
            self.tool(out, t, level + 1);
        }
    }

    fn tool(&self, out: &mut String, t: &ToolView<'_>, level: usize) {
        Self::heading(out, level, t.name, Some(&format!("tool:{}", t.id)), true);
        out.push_str(&self.md(&format!("tool:{}:summary", t.id), t.summary, level));
        out.push_str("\n\n");
        let mut facts: Vec<(&str, String)> = vec![
            ("Home page", Self::link_url(t.homepage, &text(t.homepage))),
            ("Documentation", Self::link_url(t.docs, &text(t.docs))),
        ];
        if let Some(src) = t.source {
            facts.push(("Source", Self::link_url(src, &text(src))));
        }
        facts.push(("License", text(t.license)));
        facts.push(("Governance", text(t.governance)));
        facts.push(("Current version", text(t.current_version)));
        facts.push(("Targets", text(&joined(&t.targets))));
        facts.push(("Formats", text(&t.formats.join(", "))));
        facts.push(("Coverage", text(&coverage(t))));
        facts_table(out, &facts);
        if let Some(pre) = &t.prerequisites {
            out.push_str("#cb-subhead[Prerequisites]\n\n");
            out.push_str(&self.md(&format!("tool:{}:prerequisites", t.id), pre.summary, level));
            out.push_str("\n\n");
            let _ = write!(
                out,
                "{}\n\n",
                markup::raw_block(pre.manifest.trim_end_matches('\n'), Some(pre.language))
            );
        }
        if !t.unsupported.is_empty() {
            out.push_str("#cb-subhead[Scenarios it does not support]\n\n#list(tight: true, ");
            for e in &t.unsupported {
                let s = &e.scenario;
                let _ = write!(
                    out,
                    "[{}: {}], ",
                    Self::link_label(&format!("scenario:{}?tool={}", s.id, t.id), &text(s.title)),
                    self.md(
                        &format!("tool:{}:unsupported:{}", t.id, s.id),
                        e.reason.unwrap_or("no reason given"),
                        level
                    )
                );
            }
            out.push_str(")\n\n");
        }
    }

    /// One scenario as a section of the catalog (with labels).
    fn scenario(&self, out: &mut String, s: &ScenarioView<'_>, level: usize) {
        Self::heading(
            out,
            level,
            s.title,
            Some(&format!("scenario:{}", s.id)),
            true,
        );
        self.scenario_body(out, s, level, "");
    }

    /// A scenario embedded in a chapter by `{{#scenario ID}}`: the same
    /// content in a frame, without labels (the catalog section has them).
    /// `values` says which parameters differ from the defaults.
    pub fn embed(&self, s: &ScenarioView<'_>, values: Option<&str>, n: usize) -> String {
        let mut body = String::new();
        let _ = write!(
            body,
            "#cb-embed-title[{}]\n\n",
            Self::link_label(&format!("scenario:{}", s.id), &text(s.title))
        );
        if let Some(v) = values {
            let _ = write!(body, "#cb-note[{}]\n\n", text(v));
        }
        let key = format!("embed{n}:");
        self.scenario_body(&mut body, s, 0, &key);
        format!("#cb-embed[{body}]")
    }

    /// `level` is the scenario's heading level; 0 for an embed (no
    /// headings, no labels). `key` prefixes the label namespaces of its
    /// markdown fields.
    fn scenario_body(&self, out: &mut String, s: &ScenarioView<'_>, level: usize, key: &str) {
        let k = |field: &str| format!("{key}scenario:{}:{field}", s.id);
        let md_level = level.max(3);
        let _ = write!(
            out,
            "#cb-summary[{}]\n\n",
            self.md(&k("summary"), s.summary, md_level)
        );
        facts_table(
            out,
            &[
                ("Category", text(s.category_title)),
                ("Targets", text(&joined(&s.targets))),
                ("Personas", text(&s.personas.join(", "))),
                (
                    "Blast radius",
                    format!(
                        "{}: {}",
                        text(s.blast_level),
                        self.md(&k("blast"), s.blast_scope, md_level)
                    ),
                ),
                (
                    "Implementations",
                    format!("{} of {} tools", s.supported, s.implementations.len()),
                ),
            ],
        );
        let _ = write!(
            out,
            "#cb-subhead[Hypothesis]\n\n{}\n\n",
            self.md(&k("hypothesis"), s.hypothesis, md_level)
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
            self.md(&k("method"), s.method, md_level)
        );
        if !s.parameters.is_empty() {
            out.push_str("#cb-subhead[Parameters]\n\n#cb-table(columns: (9fr, 6fr, 10fr, 18fr), align: (left, left, left, left), table.header([Name], [Type], [Default], [Description]), ");
            for p in &s.parameters {
                let _ = write!(
                    out,
                    "[{}], [{}], [{}], [{}], ",
                    markup::raw_inline(p.name, None),
                    text(p.kind),
                    markup::raw_inline(&p.default, None),
                    self.md(&k(&format!("param:{}", p.name)), p.description, md_level)
                );
            }
            out.push_str(")\n\n");
        }
        self.md_list(
            out,
            "Abort conditions",
            s.abort_conditions,
            &k("abort"),
            md_level,
        );
        let _ = write!(
            out,
            "#cb-subhead[Rollback]\n\n{}\n\n",
            self.md(&k("rollback"), s.rollback, md_level)
        );
        self.md_list(
            out,
            "Observability",
            s.observability,
            &k("observability"),
            md_level,
        );
        if let Some(sec) = s.security {
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
        for imp in &s.implementations {
            self.implementation(out, s, imp, level, key);
        }
        if level > 0 && s.lab.is_some() {
            out.push_str("#cb-subhead[Run it in the lab]\n\n");
            self.lab(out, s, &format!("{key}lab:"));
        }
    }

    /// `{{#lab-experiment ID}}` in a chapter: the scenario's lab
    /// experiments in a frame, named and linked (`n` numbers the chapter's
    /// widgets, so their labels stay unique).
    pub fn lab_experiment(&self, s: &ScenarioView<'_>, n: usize) -> String {
        let mut body = String::new();
        let _ = write!(
            body,
            "#cb-embed-title[The lab experiment of {}]\n\n",
            Self::link_label(&format!("scenario:{}", s.id), &text(s.title))
        );
        self.lab(&mut body, s, &format!("lab{n}:"));
        format!("#cb-embed[{body}]")
    }

    /// The lab's values, then each lab experiment: its recorded run, the
    /// implementation with the manifest rendered with the lab's values, and
    /// the command (the words of the site's catalog/lab.html).
    fn lab(&self, out: &mut String, s: &ScenarioView<'_>, key: &str) {
        let Some(lab) = &s.lab else { return };
        let mut intro =
            String::from("The lab runs this scenario on one machine, with no cluster: ");
        let _ = write!(
            intro,
            "{} starts a small shop on 127.0.0.1 and the tool injects a real fault into it.",
            markup::raw_inline("chaosbook lab", None)
        );
        if !lab.values.is_empty() {
            let values: Vec<String> = lab
                .values
                .iter()
                .map(|v| markup::raw_inline(v, None))
                .collect();
            let _ = write!(intro, " The lab's values: {}.", values.join(", "));
        }
        let _ = write!(out, "{intro}\n\n");
        for x in &lab.experiments {
            let imp = &x.implementation;
            match &x.run {
                Some(r) => {
                    let mut said = vec![];
                    if !r.versions.is_empty() {
                        said.push(r.versions.clone());
                    }
                    if let Some(server) = r.server {
                        said.push(format!(
                            "its API served by {server}, not by the tool's own server"
                        ));
                    }
                    let versions = if said.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", said.join("; "))
                    };
                    let mut line = format!(
                        "#strong[{}] ({}).",
                        text(&format!(
                            "Ran in the lab on {} with {} {}{versions}: verdict {}",
                            r.date, imp.tool.title, r.tool_version, r.verdict
                        )),
                        text(r.meaning)
                    );
                    if let Some(during) = &r.during {
                        let mut probes = String::from("Probes took ");
                        if let Some(before) = &r.before {
                            let _ = write!(probes, "{before} before the fault, ");
                        }
                        let _ = write!(probes, "{during} during it");
                        if let Some(after) = &r.after {
                            let _ = write!(probes, " and {after} after it");
                        }
                        probes.push('.');
                        let _ = write!(line, " {}", text(&probes));
                    }
                    let _ = write!(line, " {}", text(&format!("The run took {} s.", r.seconds)));
                    let _ = write!(out, "{line}\n\n");
                }
                None => out.push_str("No run of this experiment is recorded yet.\n\n"),
            }
            self.implementation(out, s, imp, 0, key);
            let _ = write!(
                out,
                "#cb-run[Run: {}]\n\n",
                markup::raw_inline(&x.command, Some("bash"))
            );
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

    fn scenario_links(&self, out: &mut String, s: &ScenarioView<'_>) {
        let practices: Vec<String> = s
            .practices
            .iter()
            .map(|p| Self::link_label(&format!("practice:{}", p.id), &text(p.title)))
            .collect();
        let related: Vec<String> = s
            .related
            .iter()
            .map(|r| Self::link_label(&format!("scenario:{}", r.id), &text(r.title)))
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
        Self::references(out, s.references);
    }

    fn implementation(
        &self,
        out: &mut String,
        s: &ScenarioView<'_>,
        imp: &ImplementationView<'_>,
        level: usize,
        key: &str,
    ) {
        let name = imp.tool.title;
        if level > 0 {
            let _ = write!(
                out,
                "#heading(level: {}, outlined: false, bookmarked: false)[{}]#label({})\n\n",
                level + 1,
                text(name),
                string(&format!("scenario:{}?tool={}", s.id, imp.tool.id))
            );
        } else {
            let _ = write!(out, "#cb-toolname[{}]\n\n", text(name));
        }
        let k = |field: &str| format!("{key}scenario:{}:{}:{field}", s.id, imp.tool.id);
        let md_level = level.max(3) + 1;
        let tool_link = Self::link_label(
            &format!("tool:{}", imp.tool.id),
            &format!("About {}", text(name)),
        );
        if !imp.supported {
            let _ = write!(
                out,
                "#cb-unsupported[#strong[Not supported.] {}]\n\n",
                self.md(&k("reason"), imp.reason.unwrap_or(""), md_level)
            );
            if let Some(alt) = imp.alternative {
                let _ = write!(
                    out,
                    "#strong[Closest alternative:] {}\n\n",
                    self.md(&k("alternative"), alt, md_level)
                );
            }
            let _ = write!(out, "{tool_link}\n\n");
            return;
        }
        let level_mark = format!("#cb-{} ", imp.support.class);
        let support = match (imp.extension, &imp.via) {
            (Some(ext), _) => format!(
                "{level_mark}#strong[through the extension] {}",
                markup::raw_inline(ext, None)
            ),
            (None, Some(via)) => format!(
                "{level_mark}#strong[through] {}",
                Self::link_label(&format!("tool:{}", via.id), &text(via.title))
            ),
            (None, None) => format!("{level_mark}#strong[{}]", text(imp.support.label)),
        };
        let mut facts = vec![support];
        if let Some(f) = &imp.format {
            facts.push(format!("format: {}", text(f.label)));
        }
        if let Some(v) = &imp.verified {
            facts.push(format!("verified: {}", text(v)));
        }
        if let Some(d) = imp.docs {
            facts.push(Self::link_url(d, "documentation"));
        }
        facts.push(tool_link);
        let _ = write!(out, "#cb-facts-line[{}]\n\n", facts.join(" · "));
        if let Some(d) = imp.differs {
            let _ = write!(
                out,
                "#strong[What differs:] {}\n\n",
                self.md(&k("differs"), d, md_level)
            );
        }
        if let Some(n) = imp.notes {
            let _ = write!(out, "{}\n\n", self.md(&k("notes"), n, md_level));
        }
        if let Some(m) = imp.manifest {
            let lang = imp.format.as_ref().map_or("yaml", |f| f.language);
            let _ = write!(
                out,
                "{}\n\n",
                markup::raw_block(m.trim_end_matches('\n'), Some(lang))
            );
            if let Some(run) = &imp.run {
                let _ = write!(
                    out,
                    "#cb-run[Run: {}]\n\n",
                    markup::raw_inline(run, Some("bash"))
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
        let mut list: Vec<&PracticeView<'_>> = self.view.practices.iter().collect();
        list.sort_by(|a, b| a.title.cmp(b.title).then(a.id.cmp(b.id)));
        for p in list {
            Self::heading(
                out,
                level + 1,
                p.title,
                Some(&format!("practice:{}", p.id)),
                true,
            );
            let _ = write!(
                out,
                "#cb-summary[{}]\n\n",
                self.md(&format!("practice:{}:summary", p.id), p.summary, level + 1)
            );
            facts_table(out, &[("Area", text(p.area))]);
            out.push_str(&self.md(&format!("practice:{}:body", p.id), p.body, level + 1));
            out.push_str("\n\n");
            let scenarios: Vec<String> = p
                .scenarios
                .iter()
                .filter(|s| !s.url.is_empty())
                .map(|s| Self::link_label(&format!("scenario:{}", s.id), &text(s.title)))
                .collect();
            if !scenarios.is_empty() {
                let _ = write!(
                    out,
                    "#cb-subhead[Scenarios]\n\n{}\n\n",
                    scenarios.join(", ")
                );
            }
            Self::references(out, p.references);
        }
    }

    /// Scenarios by tools, on landscape pages; every cell links to the
    /// implementation it stands for.
    fn matrix(&self, out: &mut String, level: usize) {
        let tools = &self.view.tools;
        let mut m = String::new();
        Self::heading(
            &mut m,
            level,
            "Coverage matrix",
            Some("catalog:matrix"),
            true,
        );
        let legend: Vec<String> = self
            .view
            .support_levels
            .iter()
            .map(|l| format!("#cb-{} {}", l.class, text(l.label)))
            .collect();
        let _ = write!(
            m,
            "#cb-legend[{}. Each mark links to the implementation.]\n\n",
            legend.join(" · ")
        );
        let _ = write!(
            m,
            "#cb-matrix(columns: (5.5cm, {}), table.header([Scenario], ",
            vec!["1fr"; tools.len()].join(", ")
        );
        for t in tools {
            let _ = write!(
                m,
                "cb-matrix-tool[{}], ",
                Self::link_label(&format!("tool:{}", t.id), &text(t.name))
            );
        }
        m.push_str("), ");
        let span = tools.len() + 1;
        for category in &self.view.categories {
            let _ = write!(
                m,
                "table.cell(colspan: {span}, fill: luma(235))[#strong[{}]], ",
                text(category.title)
            );
            for row in &category.rows {
                let s = &row.scenario;
                let _ = write!(
                    m,
                    "[{}], ",
                    Self::link_label(&format!("scenario:{}", s.id), &text(s.title))
                );
                for cell in &row.cells {
                    match cell.support {
                        Some(level) => {
                            let _ = write!(
                                m,
                                "[{}], ",
                                Self::link_label(
                                    &format!("scenario:{}?tool={}", s.id, cell.tool),
                                    &format!("#cb-{}", level.class)
                                )
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

impl Writer<'_> {
    /// The stopping-safely table (`{{#tool-safety}}`): one row per tool, in
    /// the same order and columns as on the site.
    pub fn safety_table(&self) -> String {
        let mut out = String::from(
            "#cb-table(columns: (9fr, 14fr, 14fr, 14fr, 14fr), align: left, table.header(",
        );
        for c in crate::render::catalog::SAFETY_COLUMNS {
            let _ = write!(out, "[*{}*], ", text(c));
        }
        out.push_str("), ");
        for t in &self.view.tools {
            let _ = write!(
                out,
                "[{}], ",
                Self::link_label(&format!("tool:{}", t.id), &text(t.name))
            );
            let s = t.safety;
            for (col, fact) in [
                ("stop", &s.stop),
                ("automatic-stop", &s.automatic_stop),
                ("injector-failure", &s.injector_failure),
                ("verify-cleanup", &s.verify_cleanup),
            ] {
                let _ = write!(
                    out,
                    "[#text(size: 8pt)[{} {}]], ",
                    self.md(&format!("tool:{}:safety:{col}", t.id), &fact.text, 0),
                    Self::link_url(&fact.docs, "(source)")
                );
            }
        }
        out.push_str(")\n\n");
        out
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
