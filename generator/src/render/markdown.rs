//! Markdown to HTML for one chapter: pulldown-cmark events, transformed on
//! the way through.
//!
//! - headings get their ids from [`crate::markdown::headings()`] (the rule
//!   `check` and the PDF use too) and a self-link;
//! - fenced code is highlighted with syntect ([`super::highlight`]);
//! - links to `.md` files point to the `.html` pages; links with a scheme
//!   other than http(s)/mailto/tel go through [`Hooks::link`], and when no
//!   hook claims them they render as inert text (`scenario:ID` and friends
//!   carry a `data-xref` marker for later), never as a live `href`;
//! - a paragraph that is only a `{{#name args}}` directive goes through
//!   [`Hooks::directive`]; unclaimed, it stays as inert text;
//! - remote images become links, so no request leaves the site;
//! - raw HTML from the author is sanitised ([`super::sanitize`]); pages
//!   without raw HTML skip that step, as everything else is generated here.
//!
//! It also collects the plain text of each section for the search index.
//! The work is proportional to the chapter alone.

use std::borrow::Cow;
use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{highlight, sanitize};
use crate::markdown::directives::paragraph_directive;
use crate::markdown::links::{rewrite_md_link, scheme_of, EXTERNAL_SCHEMES, XREF_SCHEMES};

/// What a chapter is rendered as, for hooks that need relative URLs.
#[derive(Debug, Clone, Copy)]
pub struct PageInfo<'a> {
    /// The page, relative to the site root (`tutorials/pod.html`).
    pub path: &'a str,
    /// From the page back to the site root: `""`, `"../"`, ...
    pub root: &'a str,
}

/// Extension points for generated content (catalog pages, scenario embeds).
///
/// Output of the hooks is trusted HTML: it is not sanitised, so hooks must
/// escape what they interpolate.
pub trait Hooks: Sync {
    /// `{{#name args}}` alone in a paragraph. `None` leaves it as inert text.
    fn directive(&self, _name: &str, _args: &str, _page: &PageInfo<'_>) -> Option<String> {
        None
    }

    /// A link with a scheme chaosbook does not follow itself (`scenario:ID`,
    /// `practice:ID`, `tool:ID`, `catalog:index`, ...). `Some(url)` links
    /// there; `None` renders the link text inert.
    fn link(&self, _dest: &str, _page: &PageInfo<'_>) -> Option<String> {
        None
    }

    /// A hash of everything [`Hooks::directive`] would render for these
    /// arguments on this page, when the hooks can tell it more cheaply than
    /// by rendering. A cached page whose directives all keep their hash is
    /// reused after the hooks change; `None` (the default) makes the
    /// renderer compare the directive's output instead.
    fn directive_fingerprint(&self, _name: &str, _args: &str, _page: &PageInfo<'_>) -> Option<u64> {
        None
    }

    /// Changes whenever what the hooks return may change (e.g. a hash of the
    /// catalog), so [`Hooks::files`] are made again and cached pages check
    /// the directives and links they used.
    fn fingerprint(&self) -> u64 {
        0
    }

    /// Data files to publish beside the pages (e.g. `catalog.json`).
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }

    /// An error met while expanding directives (a theme template that
    /// failed): the render stops with it and nothing is written.
    fn failure(&self) -> Option<crate::BuildError> {
        None
    }

    /// What the search index should know of generated pages beyond their
    /// markdown text, by page URL (see [`super::search::PageExtras`]).
    fn search_extras(&self) -> HashMap<String, super::search::PageExtras> {
        HashMap::new()
    }

    /// Groups of words or phrases a search query treats as one (see
    /// [`super::search::build`]).
    fn search_synonyms(&self) -> Vec<Vec<String>> {
        Vec::new()
    }
}

/// No generated content: every directive and custom-scheme link stays inert.
pub struct NoHooks;

impl Hooks for NoHooks {}

/// How chapter markdown is parsed, beyond the options every page shares.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    /// Turn `--`, `...` and straight quotes into typographic ones
    /// (`[output.chaosbook] smart-punctuation`).
    pub smart_punctuation: bool,
}

/// A searchable piece of a page: the text under one heading (h1 to h3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Section {
    /// The heading's id; `None` for text before the first heading.
    pub anchor: Option<String>,
    /// The heading's text; empty for text before the first heading.
    pub heading: String,
    /// The section's text without markup, for the search index.
    pub text: String,
}

/// A rendered chapter: its HTML and what search and navigation need of it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The page body's HTML.
    pub html: String,
    /// The text under each heading, for the search index.
    pub sections: Vec<Section>,
    /// The text of the first heading, if any.
    pub first_heading: Option<String>,
}

const TRUSTED_OPEN: char = '\u{E000}';
const TRUSTED_CLOSE: char = '\u{E001}';

/// Renders one chapter's markdown.
pub fn render(
    markdown: &str,
    opts: MarkdownOptions,
    page: &PageInfo<'_>,
    hooks: &dyn Hooks,
) -> Rendered {
    // The placeholder characters for trusted output must not come from the
    // author (they could otherwise smuggle unsanitised HTML in).
    let input: Cow<'_, str> = if markdown.contains([TRUSTED_OPEN, TRUSTED_CLOSE]) {
        Cow::Owned(markdown.replace([TRUSTED_OPEN, TRUSTED_CLOSE], "\u{FFFD}"))
    } else {
        Cow::Borrowed(markdown)
    };
    let events = crate::markdown::events(&input, opts.smart_punctuation);
    let ids = crate::markdown::headings(&events);

    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut trusted: Vec<String> = Vec::new();
    let mut raw_html = false;
    let mut sections = vec![Section {
        anchor: None,
        heading: String::new(),
        text: String::new(),
    }];
    let mut first_heading: Option<String> = None;
    let mut in_heading: Option<(usize, bool)> = None; // (level, wrapped in a self-link)
    let mut code: Option<(String, String)> = None; // (language, text)
    let mut links: Vec<bool> = Vec::new(); // true: closed by </span>
    let mut images: Vec<ImageTarget> = Vec::new();
    // A task-list checkbox is named by its item's text: the text up to the
    // end of its paragraph or item (or a nested list) sits in a <label>
    // with the box, so assistive technology reads the task, not "checkbox".
    let mut task_label = false;
    // Each table scrolls in a focusable region whose name must be unique on
    // the page (axe landmark-unique): "Table N: its column headers".
    let mut tables = 0;
    let mut table_head: Option<(usize, String)> = None; // (index in `out`, header text)
    let mut id_at = ids.into_iter();

    let mut i = 0;
    while i < events.len() {
        let event = &events[i];
        i += 1;
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    push_text(&mut sections, &text);
                    push_text(&mut sections, " ");
                    out.push(Event::Html(CowStr::from(code_block(&lang, &text))));
                }
                _ => {}
            }
            continue;
        }
        if task_label
            && matches!(
                event,
                Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(_)
            )
            && !matches!(
                event,
                Event::Start(
                    Tag::Emphasis
                        | Tag::Strong
                        | Tag::Strikethrough
                        | Tag::Superscript
                        | Tag::Subscript
                        | Tag::Link { .. }
                        | Tag::Image { .. }
                )
            )
        {
            out.push(Event::InlineHtml(CowStr::Borrowed("</label>")));
            task_label = false;
        }
        if let Some((_, head)) = table_head.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => head.push_str(t),
                Event::End(TagEnd::TableCell) => head.push_str(", "),
                _ => {}
            }
        }
        match event {
            Event::TaskListMarker(done) => {
                out.push(Event::InlineHtml(CowStr::Borrowed(if *done {
                    "<label class=\"task\"><input type=\"checkbox\" disabled checked> "
                } else {
                    "<label class=\"task\"><input type=\"checkbox\" disabled> "
                })));
                task_label = true;
            }
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let crate::markdown::Heading { id, text, has_link } =
                    id_at.next().unwrap_or_default();
                let level = *level as usize;
                if level <= 3 {
                    sections.push(Section {
                        anchor: Some(id.clone()),
                        heading: text.clone(),
                        text: String::new(),
                    });
                }
                if first_heading.is_none() {
                    first_heading = Some(text);
                }
                // Author attributes (`{key=value}`) are dropped: they could
                // carry event handlers. Ids and classes are kept.
                out.push(Event::Start(Tag::Heading {
                    level: heading_level(level),
                    id: Some(CowStr::from(id.clone())),
                    classes: classes.clone(),
                    attrs: Vec::new(),
                }));
                let wrap = !has_link;
                if wrap {
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<a class=\"header\" href=\"#{}\">",
                        highlight::escape(&id)
                    ))));
                }
                in_heading = Some((level, wrap));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((_, true)) = in_heading {
                    out.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
                }
                in_heading = None;
                out.push(Event::End(TagEnd::Heading(*level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        crate::markdown::languages::language_of(info).to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Paragraph) => {
                if let (Some(Event::Text(t)), Some(Event::End(TagEnd::Paragraph))) =
                    (events.get(i), events.get(i + 1))
                {
                    if let Some((name, args)) = paragraph_directive(t) {
                        i += 2;
                        match hooks.directive(name, args, page) {
                            Some(html) => {
                                out.push(Event::Html(CowStr::from(format!(
                                    "{TRUSTED_OPEN}{}{TRUSTED_CLOSE}\n",
                                    trusted.len()
                                ))));
                                trusted.push(html);
                            }
                            None => out.push(Event::Html(CowStr::from(format!(
                                "<p class=\"directive\" data-directive=\"{}\">{}</p>\n",
                                highlight::escape(name),
                                highlight::escape(t.trim())
                            )))),
                        }
                        continue;
                    }
                }
                out.push(event.clone());
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match classify(dest_url, hooks, page) {
                Target::Keep(url) => {
                    links.push(false);
                    out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: url,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Target::Inert(class) => {
                    links.push(true);
                    let marker = if class == "xref" {
                        format!(" data-xref=\"{}\"", highlight::escape(dest_url))
                    } else {
                        String::new()
                    };
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<span class=\"{class}\"{marker}>"
                    ))));
                }
            },
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    out.push(Event::InlineHtml(CowStr::Borrowed("</span>")));
                } else {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let target = image_target(dest_url);
                match target {
                    ImageTarget::Local => out.push(event.clone()),
                    // Shown as a link: loading it would send a request off the site.
                    ImageTarget::Remote => out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest_url.clone(),
                        title: title.clone(),
                        id: id.clone(),
                    })),
                    ImageTarget::Blocked => out.push(Event::InlineHtml(CowStr::Borrowed(
                        "<span class=\"blocked-link\">",
                    ))),
                }
                images.push(target);
            }
            Event::End(TagEnd::Image) => match images.pop() {
                Some(ImageTarget::Remote) => out.push(Event::End(TagEnd::Link)),
                Some(ImageTarget::Blocked) => {
                    out.push(Event::InlineHtml(CowStr::Borrowed("</span>")))
                }
                _ => out.push(Event::End(TagEnd::Image)),
            },
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                table_head = Some((out.len(), String::new()));
                // The opening tag is written once the header row is read.
                out.push(Event::Html(CowStr::Borrowed("")));
                out.push(event.clone());
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((at, head)) = table_head.take() {
                    let head = collapse_whitespace(head.trim_end_matches([',', ' ']));
                    let name = if head.is_empty() {
                        format!("Table {tables}")
                    } else {
                        format!("Table {tables}: {head}")
                    };
                    out[at] = Event::Html(CowStr::from(format!(
                        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                        highlight::escape(&name)
                    )));
                }
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                out.push(event.clone());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_none() {
                    push_text(&mut sections, t);
                }
                out.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                // Words of adjacent blocks and lines stay apart in the index.
                let block = !matches!(
                    event,
                    Event::End(
                        TagEnd::Emphasis
                            | TagEnd::Strong
                            | TagEnd::Strikethrough
                            | TagEnd::Superscript
                            | TagEnd::Subscript
                            | TagEnd::Link
                            | TagEnd::Image
                    )
                );
                if block {
                    push_text(&mut sections, " ");
                }
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
    }

    let mut html = String::with_capacity(input.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    // Table alignment as classes: inline style attributes would break the
    // Content-Security-Policy (style-src 'self').
    if html.contains(" style=\"text-align: ") {
        html = html
            .replace(" style=\"text-align: left\"", " class=\"text-left\"")
            .replace(" style=\"text-align: center\"", " class=\"text-center\"")
            .replace(" style=\"text-align: right\"", " class=\"text-right\"");
    }
    if raw_html {
        html = sanitize::clean(&html);
    }
    if !trusted.is_empty() {
        for (n, piece) in trusted.iter().enumerate() {
            html = html.replace(&format!("{TRUSTED_OPEN}{n}{TRUSTED_CLOSE}"), piece);
        }
    }
    sections.retain(|s| s.anchor.is_some() || !s.text.trim().is_empty());
    for s in &mut sections {
        s.text = collapse_whitespace(&s.text);
    }
    Rendered {
        html,
        sections,
        first_heading,
    }
}

fn heading_level(level: usize) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        1 => H1,
        2 => H2,
        3 => H3,
        4 => H4,
        5 => H5,
        _ => H6,
    }
}

fn push_text(sections: &mut [Section], text: &str) {
    if let Some(s) = sections.last_mut() {
        s.text.push_str(text);
    }
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

enum Target<'a> {
    Keep(CowStr<'a>),
    /// Rendered as a `<span>` of this class.
    Inert(&'static str),
}

fn classify<'a>(dest: &CowStr<'a>, hooks: &dyn Hooks, page: &PageInfo<'_>) -> Target<'a> {
    let d = dest.trim();
    if d.is_empty() || d.starts_with('#') || d.starts_with("//") {
        return Target::Keep(dest.clone());
    }
    match scheme_of(d) {
        Some(s) if EXTERNAL_SCHEMES.iter().any(|k| s.eq_ignore_ascii_case(k)) => {
            Target::Keep(dest.clone())
        }
        Some(s) => match hooks.link(d, page) {
            Some(url) => Target::Keep(CowStr::from(url)),
            None if XREF_SCHEMES.iter().any(|k| s.eq_ignore_ascii_case(k)) => Target::Inert("xref"),
            None => Target::Inert("blocked-link"),
        },
        None => match rewrite_md_link(d) {
            Some(url) => Target::Keep(CowStr::from(url)),
            None => Target::Keep(dest.clone()),
        },
    }
}

enum ImageTarget {
    Local,
    Remote,
    Blocked,
}

fn image_target(dest: &str) -> ImageTarget {
    let d = dest.trim();
    if d.starts_with("//") {
        return ImageTarget::Remote;
    }
    match scheme_of(d) {
        None => ImageTarget::Local,
        Some(s)
            if s.eq_ignore_ascii_case("data")
                && d[5..]
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("image/") =>
        {
            ImageTarget::Local
        }
        Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => {
            ImageTarget::Remote
        }
        Some(_) => ImageTarget::Blocked,
    }
}

fn code_block(lang: &str, text: &str) -> String {
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", highlight::escape(lang))
    };
    // A long line scrolls sideways: the block takes focus so a keyboard
    // can scroll it (axe: scrollable-region-focusable).
    let mut html = format!("<pre class=\"hl-code\" tabindex=\"0\"><code{class}>");
    highlight::highlight_into(&mut html, text, lang);
    html.push_str("</code></pre>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: PageInfo<'static> = PageInfo {
        path: "a/b.html",
        root: "../",
    };
    const OPTS: MarkdownOptions = MarkdownOptions {
        smart_punctuation: true,
    };

    fn html(md: &str) -> String {
        render(md, OPTS, &PAGE, &NoHooks).html
    }

    #[test]
    fn a_task_is_the_label_of_its_checkbox() {
        let tight = html("- [ ] Write the *hypothesis*\n  - [x] nested\n- [x] Done\n");
        assert_eq!(
            tight,
            "<ul>\n<li><label class=\"task\"><input type=\"checkbox\" disabled> Write the <em>hypothesis</em></label>\n<ul>\n\
             <li><label class=\"task\"><input type=\"checkbox\" disabled checked> nested</label></li>\n</ul>\n</li>\n\
             <li><label class=\"task\"><input type=\"checkbox\" disabled checked> Done</label></li>\n</ul>\n"
        );
        let loose = html("- [ ] One\n\n  More text.\n\n- [ ] Two\n");
        assert!(
            loose.contains("<p><label class=\"task\"><input type=\"checkbox\" disabled> One</label></p>\n<p>More text.</p>"),
            "{loose}"
        );
        // Raw HTML elsewhere on the page sends it through the sanitiser,
        // which must keep the label and the box.
        let raw = html("<kbd>x</kbd>\n\n- [x] Kept\n");
        assert!(
            raw.contains("<label class=\"task\"><input type=\"checkbox\" disabled=\"\" checked=\"\"> Kept</label>"),
            "{raw}"
        );
    }

    #[test]
    fn heading_ids_match_mdbook_and_are_unique() {
        let out = html(
            "# Hello, World!\n## Hello World\n## Hello World\n## `code` & Ünïcode_x-y\n# {{#x}}\n",
        );
        assert!(
            out.contains("<h1 id=\"hello-world\"><a class=\"header\" href=\"#hello-world\">"),
            "{out}"
        );
        assert!(out.contains("id=\"hello-world-1\""), "{out}");
        assert!(out.contains("id=\"hello-world-2\""), "{out}");
        assert!(out.contains("id=\"code--ünïcode_x-y\""), "{out}");
        assert!(out.contains("id=\"x\""), "{out}");
    }

    #[test]
    fn explicit_heading_ids_win_and_attributes_are_dropped() {
        let out = html("## Title {#custom .wide onclick=alert(1)}\n");
        assert!(out.contains("id=\"custom\""), "{out}");
        assert!(out.contains("class=\"wide\""), "{out}");
        assert!(!out.contains("onclick"), "{out}");
    }

    #[test]
    fn md_links_become_html_links() {
        let out = html("[a](other.md) [b](../x/y.md#frag) [c](README.md) [d](https://example.org/a.md) [e](#here)");
        assert!(out.contains("href=\"other.html\""), "{out}");
        assert!(out.contains("href=\"../x/y.html#frag\""), "{out}");
        assert!(out.contains("href=\"index.html\""), "{out}");
        assert!(out.contains("href=\"https://example.org/a.md\""), "{out}");
        assert!(out.contains("href=\"#here\""), "{out}");
    }

    #[test]
    fn custom_scheme_links_are_inert() {
        let out = html("See [pod kill](scenario:pod-kill) and [bad](javascript:alert(1)) and [m](catalog:matrix).");
        assert!(
            out.contains("<span class=\"xref\" data-xref=\"scenario:pod-kill\">pod kill</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"blocked-link\">bad</span>"),
            "{out}"
        );
        assert!(out.contains("data-xref=\"catalog:matrix\""), "{out}");
        assert!(!out.contains("href=\"scenario:"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    struct Test;
    impl Hooks for Test {
        fn directive(&self, name: &str, args: &str, page: &PageInfo<'_>) -> Option<String> {
            (name == "scenario").then(|| format!("<div class=\"tabs\" role=\"tablist\" data-id=\"{args}\" data-root=\"{}\"></div>", page.root))
        }
        fn link(&self, dest: &str, page: &PageInfo<'_>) -> Option<String> {
            dest.strip_prefix("scenario:")
                .map(|id| format!("{}catalog/{id}.html", page.root))
        }
    }

    #[test]
    fn hooks_expand_directives_and_links() {
        let md = "Intro\n\n{{#scenario pod-kill}}\n\n{{#other thing}}\n\n[x](scenario:pod-kill)\n\n```\n{{#scenario in-code}}\n```\n";
        let out = render(md, OPTS, &PAGE, &Test).html;
        assert!(out.contains("<div class=\"tabs\" role=\"tablist\" data-id=\"pod-kill\" data-root=\"../\"></div>"), "{out}");
        assert!(
            out.contains("<p class=\"directive\" data-directive=\"other\">{{#other thing}}</p>"),
            "{out}"
        );
        assert!(out.contains("href=\"../catalog/pod-kill.html\""), "{out}");
        assert!(out.contains("{{#scenario in-code}}"), "{out}");
    }

    #[test]
    fn trusted_output_survives_sanitising_and_cannot_be_forged() {
        let md = "<b>raw</b>\n\n{{#scenario x}}\n\n\u{E000}0\u{E001}\n";
        let out = render(md, OPTS, &PAGE, &Test).html;
        assert_eq!(out.matches("role=\"tablist\"").count(), 1, "{out}");
        assert!(out.contains("\u{FFFD}0\u{FFFD}"), "{out}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let out = html("<script>alert(1)</script>\n\n<img src=x onerror=\"alert(1)\">\n\n<a href=\"javascript:alert(1)\">j</a>\n\n<details><summary>S</summary>\n\n<kbd>Ctrl</kbd> x<sup>2</sup>\n\n</details>\n");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("alert(1)"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(
            out.contains("<details>") && out.contains("<summary>S</summary>"),
            "{out}"
        );
        assert!(
            out.contains("<kbd>Ctrl</kbd>") && out.contains("<sup>2</sup>"),
            "{out}"
        );
    }

    #[test]
    fn remote_images_become_links() {
        let out =
            html("![logo](https://example.org/logo.png) ![local](img/a.png) ![bad](javascript:x)");
        assert!(
            out.contains("<a href=\"https://example.org/logo.png\">logo</a>"),
            "{out}"
        );
        assert!(
            out.contains("<img src=\"img/a.png\" alt=\"local\""),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"blocked-link\">bad</span>"),
            "{out}"
        );
    }

    #[test]
    fn tables_use_classes_not_styles() {
        let out = html("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(!out.contains("style="), "{out}");
        assert!(out.contains("class=\"text-right\""), "{out}");
        assert!(
            out.starts_with("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table 1: a, b\">\n<table>")
                && out.ends_with("</table>\n</div>\n"),
            "a keyboard can scroll a wide table: {out}"
        );
        // The sanitiser (raw HTML on the page) keeps what makes tables and
        // code blocks reachable by keyboard.
        let raw = html(
            "<kbd>k</kbd>\n\n| a |\n|---|\n| 1 |\n\n| `x` & \"y\" |\n|---|\n| 2 |\n\n```\nx\n```\n",
        );
        assert!(raw.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table 1: a\">"), "{raw}");
        // Unique names (axe landmark-unique), escaped.
        assert!(raw.contains("aria-label=\"Table 2: x &amp; “y”\""), "{raw}");
        assert!(
            raw.contains("<pre class=\"hl-code\" tabindex=\"0\">"),
            "{raw}"
        );
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let out = html("```yaml\nkey: value\n```\n\n```unknown\n<x>\n```\n");
        assert!(out.contains("<pre class=\"hl-code\" tabindex=\"0\"><code class=\"language-yaml\"><span class=\"hl-k\">key</span>: value"), "{out}");
        assert!(
            out.contains("<code class=\"language-unknown\">&lt;x&gt;"),
            "{out}"
        );
    }

    #[test]
    fn sections_collect_text_for_search() {
        let r = render(
            "Lead text.\n\n# Title\nBody *words*.\n\n## Sub\nMore `code`.\n\n#### Deep\nDeeper.\n",
            OPTS,
            &PAGE,
            &NoHooks,
        );
        assert_eq!(r.first_heading.as_deref(), Some("Title"));
        let s: Vec<(Option<&str>, &str)> = r
            .sections
            .iter()
            .map(|s| (s.anchor.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            s,
            vec![
                (None, "Lead text."),
                (Some("title"), "Body words."),
                (Some("sub"), "More code. Deeper.")
            ]
        );
    }
}
