//! Markdown (pulldown-cmark events) to typst markup, and the escaping every
//! piece of generated markup goes through.
//!
//! Nothing from a chapter or the catalog reaches typst unescaped:
//!
//! - text is markup with every ASCII punctuation character backslash-escaped
//!   ([`text`]): `#`, `$`, `*`, `_`, `` ` ``, `<`, `@`, `[`, `]`, `/` (so no
//!   `//` comment), `=`, `-`, `+` and the digits' `.` all print as
//!   themselves, and nothing can open code, math, a label or a comment;
//! - code, URLs, labels and paths are typst string literals ([`string`]);
//! - structure is written with function calls (`#list(..)`, `#table(..)`,
//!   `#heading(..)`), never with indentation-sensitive markup.
//!
//! Headings get the ids the site gives them ([`crate::markdown::headings()`]),
//! as labels
//! `ch:{chapter}#{id}` ([`anchor_label`]), so `file.md#anchor` links land on
//! the same heading as on the site.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, Tag, TagEnd};

use crate::markdown::directives::paragraph_directive;

/// The site's heading ids ([`crate::markdown::headings()`]), in order.
fn heading_ids(events: &[Event<'_>]) -> Vec<String> {
    crate::markdown::headings(events)
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// Appends `s` as typst markup that prints exactly `s` (line breaks become
/// spaces, as in a markdown paragraph).
pub fn push_text(out: &mut String, s: &str) {
    out.reserve(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            // Other control characters have no glyph and could confuse a
            // reader of the generated source; drop them.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// `s` as typst markup that prints exactly `s`.
pub fn text(s: &str) -> String {
    let mut out = String::new();
    push_text(&mut out, s);
    out
}

/// `s` as a typst string literal (quotes included).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Code with break opportunities (zero-width spaces) inside runs of
/// non-blank characters longer than `long`, so that a long query, URL or
/// JSON string wraps at the margin instead of running off the page. A
/// break goes after a separator (`,` `;` `{` `(` `=` `&` `:` `.` `_` ...)
/// once 12 characters passed without one, or anywhere after `long`; code
/// that already breaks (spaces, `-`, `/`) and short words are untouched, so
/// little of the code carries these invisible characters.
pub fn breakable(code: &str, long: usize) -> std::borrow::Cow<'_, str> {
    let long_run = code
        .split(char::is_whitespace)
        .any(|w| w.chars().count() > long);
    if !long_run {
        return std::borrow::Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    for word in code.split_inclusive(char::is_whitespace) {
        if word.chars().count() <= long {
            out.push_str(word);
            continue;
        }
        let mut since = 0;
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            since += 1;
            if matches!(c, '-' | '/') {
                since = 0;
                continue;
            }
            let more = chars.peek().is_some_and(|n| !n.is_whitespace());
            let separator = matches!(
                c,
                ',' | ';'
                    | '{'
                    | '('
                    | '['
                    | '='
                    | '&'
                    | '|'
                    | ':'
                    | '_'
                    | '.'
                    | '?'
                    | '}'
                    | ')'
                    | ']'
            );
            if more && ((separator && since >= 12) || since >= long) {
                out.push('\u{200B}');
                since = 0;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How long a word of inline code may be before it gets break
/// opportunities (inline code sits in table cells and prose).
const INLINE_LONG: usize = 24;
/// The same for code blocks (about 90 characters fit on a line).
const BLOCK_LONG: usize = 48;

/// Inline code: `#raw(..)` of breakable code.
pub fn raw_inline(code: &str, lang: Option<&str>) -> String {
    match lang {
        Some(l) => format!(
            "#raw(lang: {}, {})",
            string(l),
            string(&breakable(code, INLINE_LONG))
        ),
        None => format!("#raw({})", string(&breakable(code, INLINE_LONG))),
    }
}

/// A code block: `#raw(block: true, ..)` of breakable code, without its
/// final line break.
pub fn raw_block(code: &str, lang: Option<&str>) -> String {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let code = breakable(code, BLOCK_LONG);
    match lang {
        Some(l) => format!("#raw(block: true, lang: {}, {})", string(l), string(&code)),
        None => format!("#raw(block: true, {})", string(&code)),
    }
}

/// The label of a heading: `ch:{chapter}#{id}`.
pub fn anchor_label(chapter: &str, id: &str) -> String {
    format!("ch:{chapter}#{id}")
}

/// Where a link goes in the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An external URL (http, https, mailto).
    Url(String),
    /// A label in the document.
    Label(String),
}

/// What the converter asks its caller: the book's links, images and
/// directives.
pub trait Env {
    /// Where a link found in chapter `from` goes; `None` prints its text only.
    fn link(&self, from: &str, dest: &str) -> Option<LinkTarget>;
    /// The virtual path of a local image that typst can read, or `None`.
    fn image(&self, from: &str, dest: &str) -> Option<String>;
    /// Trusted typst markup for `{{#name args}}` alone in a paragraph;
    /// `None` prints the directive as text.
    fn directive(&self, name: &str, args: &str) -> Option<String>;
}

/// How one piece of markdown is converted.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The label namespace of its headings (the chapter's path).
    pub chapter: &'a str,
    /// Added to markdown heading levels: `# A` becomes a typst heading of
    /// level `1 + level_offset`.
    pub level_offset: usize,
    /// Whether its headings go into the table of contents and bookmarks.
    pub outlined: bool,
    /// Typographic quotes and dashes (`smart-punctuation`).
    pub smart_punctuation: bool,
}

fn events(md: &str, smart: bool) -> Vec<Event<'_>> {
    crate::markdown::events(md, smart)
}

/// The ids of a chapter's headings, in order, as the site renders them, and
/// whether the chapter opens with a level-1 heading (its title).
pub fn anchors(md: &str, smart: bool) -> (Vec<String>, bool) {
    let events = events(md, smart);
    let opens_with_h1 = matches!(
        events.first(),
        Some(Event::Start(Tag::Heading {
            level: pulldown_cmark::HeadingLevel::H1,
            ..
        }))
    );
    (heading_ids(&events), opens_with_h1)
}

/// Converts one chapter (or markdown field) to typst markup.
pub fn convert(md: &str, opts: &Options<'_>, env: &dyn Env) -> String {
    let events = events(md, opts.smart_punctuation);
    let ids = heading_ids(&events);
    let mut w = Writer::new(opts, env, ids);
    // Footnote definitions first: a reference prints its note in place.
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(name)) = &events[i] {
            let end = matching_end(&events, i);
            let mut inner = Writer::new(opts, env, Vec::new());
            inner.in_footnote = true;
            inner.run(&events[i + 1..end]);
            w.footnotes
                .entry(name.to_string())
                .or_insert_with(|| inner.out.trim().to_string());
            i = end + 1;
        } else {
            i += 1;
        }
    }
    w.run(&events);
    w.out
}

/// Inline markdown (a catalog field such as a note) as markup, without the
/// paragraph break a block would end with.
pub fn convert_inline(md: &str, opts: &Options<'_>, env: &dyn Env) -> String {
    convert(md, opts, env).trim().to_string()
}

/// The index of the event that closes the one opened at `start`.
fn matching_end(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// Whether the list opened at `start` is tight (no paragraphs in its items).
fn tight_list(events: &[Event<'_>], start: usize) -> bool {
    let end = matching_end(events, start);
    let mut depth = 0usize;
    for e in &events[start + 1..end] {
        match e {
            Event::Start(Tag::Paragraph) if depth == 1 => return false,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

struct Table {
    aligns: Vec<Alignment>,
    /// Rows of cells: (markup, length of its text).
    rows: Vec<Vec<(String, usize)>>,
    header_rows: usize,
    in_head: bool,
    /// The markup around the table, while a cell is being written.
    saved: String,
    cell_len: usize,
}

struct Image {
    dest: String,
    alt: String,
    depth: usize,
}

struct Writer<'a> {
    out: String,
    opts: &'a Options<'a>,
    env: &'a dyn Env,
    ids: std::vec::IntoIter<String>,
    heading_label: Option<String>,
    footnotes: HashMap<String, String>,
    footnotes_used: HashSet<String>,
    in_footnote: bool,
    code: Option<(String, String)>,
    table: Option<Table>,
    image: Option<Image>,
    /// Inside an HTML comment that spans events.
    html_comment: bool,
    /// For each open definition list: whether an item is open.
    terms: Vec<bool>,
}

impl<'a> Writer<'a> {
    fn new(opts: &'a Options<'a>, env: &'a dyn Env, ids: Vec<String>) -> Self {
        Self {
            out: String::new(),
            opts,
            env,
            ids: ids.into_iter(),
            heading_label: None,
            footnotes: HashMap::new(),
            footnotes_used: HashSet::new(),
            in_footnote: false,
            code: None,
            table: None,
            image: None,
            html_comment: false,
            terms: Vec::new(),
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(table) = self.table.as_mut() {
            table.cell_len += t.chars().count();
        }
        push_text(&mut self.out, t);
    }

    fn run(&mut self, events: &[Event<'_>]) {
        let mut i = 0;
        while i < events.len() {
            let event = &events[i];
            i += 1;
            if let Some((_, code)) = self.code.as_mut() {
                match event {
                    Event::Text(t) => code.push_str(t),
                    Event::End(TagEnd::CodeBlock) => {
                        let (lang, code) = self.code.take().unwrap_or_default();
                        self.code_block(&lang, &code);
                    }
                    _ => {}
                }
                continue;
            }
            if let Some(image) = self.image.as_mut() {
                match event {
                    Event::Text(t) | Event::Code(t) => image.alt.push_str(t),
                    Event::Start(Tag::Image { .. }) => image.depth += 1,
                    Event::End(TagEnd::Image) => {
                        image.depth -= 1;
                        if image.depth == 0 {
                            let image = self.image.take().expect("an open image");
                            self.image(&image);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(tag) => {
                    if let Some(skip_to) = self.start(tag, events, i - 1) {
                        i = skip_to;
                    }
                }
                Event::End(tag) => self.end(*tag),
                Event::Text(t) => self.text(t),
                Event::Code(t) => {
                    if let Some(table) = self.table.as_mut() {
                        table.cell_len += t.chars().count();
                    }
                    self.out.push_str(&raw_inline(t, None));
                }
                Event::InlineMath(t) | Event::DisplayMath(t) => self.text(t),
                Event::Html(h) | Event::InlineHtml(h) => self.html(h),
                Event::FootnoteReference(name) => self.footnote_ref(name),
                Event::SoftBreak => self.out.push(' '),
                Event::HardBreak => self.out.push_str("#linebreak()"),
                Event::Rule => self.out.push_str("#cb-rule\n\n"),
                Event::TaskListMarker(done) => {
                    self.out.push_str(if *done { "☒ " } else { "☐ " });
                }
            }
        }
    }

    /// Handles a start tag at `events[at]`; returns where to continue when
    /// it consumed more events than its own.
    fn start(&mut self, tag: &Tag<'_>, events: &[Event<'_>], at: usize) -> Option<usize> {
        match tag {
            Tag::Paragraph => {
                if let (Some(Event::Text(t)), Some(Event::End(TagEnd::Paragraph))) =
                    (events.get(at + 1), events.get(at + 2))
                {
                    if let Some((name, args)) = paragraph_directive(t) {
                        match self.env.directive(name, args) {
                            Some(markup) => {
                                self.out.push_str(&markup);
                                self.out.push_str("\n\n");
                            }
                            None => {
                                self.text(t.trim());
                                self.out.push_str("\n\n");
                            }
                        }
                        return Some(at + 3);
                    }
                }
            }
            Tag::Heading { level, .. } => {
                let id = self.ids.next().unwrap_or_else(|| "section".into());
                let level = *level as usize + self.opts.level_offset;
                let _ = write!(
                    self.out,
                    "#heading(level: {level}, outlined: {o}, bookmarked: {o})[",
                    o = self.opts.outlined
                );
                self.heading_label = Some(anchor_label(self.opts.chapter, &id));
            }
            Tag::BlockQuote(kind) => match kind {
                None => self.out.push_str("#cb-quote["),
                Some(k) => {
                    let (name, color) = match k {
                        BlockQuoteKind::Note => ("Note", "note"),
                        BlockQuoteKind::Tip => ("Tip", "tip"),
                        BlockQuoteKind::Important => ("Important", "important"),
                        BlockQuoteKind::Warning => ("Warning", "warning"),
                        BlockQuoteKind::Caution => ("Caution", "caution"),
                    };
                    let _ = write!(self.out, "#cb-alert({}, {})[", string(name), string(color));
                }
            },
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        crate::markdown::languages::language_of(info).to_ascii_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::HtmlBlock => {}
            Tag::List(start) => {
                let tight = tight_list(events, at);
                match start {
                    None => {
                        let _ = write!(self.out, "#list(tight: {tight}, ");
                    }
                    Some(n) => {
                        let _ = write!(self.out, "#enum(tight: {tight}, start: {n}, ");
                    }
                }
            }
            Tag::Item => self.out.push('['),
            Tag::FootnoteDefinition(_) => return Some(matching_end(events, at) + 1),
            Tag::DefinitionList => {
                self.out.push_str("#terms(");
                self.terms.push(false);
            }
            Tag::DefinitionListTitle => {
                if let Some(open) = self.terms.last_mut() {
                    if *open {
                        self.out.push_str("]), ");
                    }
                    *open = true;
                }
                self.out.push_str("terms.item([");
            }
            Tag::DefinitionListDefinition => {}
            Tag::Table(aligns) => {
                self.table = Some(Table {
                    aligns: aligns.clone(),
                    rows: Vec::new(),
                    header_rows: 0,
                    in_head: false,
                    saved: String::new(),
                    cell_len: 0,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.saved = std::mem::take(&mut self.out);
                    t.cell_len = 0;
                }
            }
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => self.out.push_str("#strong["),
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Superscript => self.out.push_str("#super["),
            Tag::Subscript => self.out.push_str("#sub["),
            Tag::Link { dest_url, .. } => match self.env.link(self.opts.chapter, dest_url) {
                Some(LinkTarget::Url(url)) => {
                    let _ = write!(self.out, "#link({})[", string(&url));
                }
                Some(LinkTarget::Label(label)) => {
                    let _ = write!(self.out, "#link(label({}))[", string(&label));
                }
                None => self.out.push_str("#["),
            },
            Tag::Image { dest_url, .. } => {
                self.image = Some(Image {
                    dest: dest_url.to_string(),
                    alt: String::new(),
                    depth: 1,
                });
            }
            Tag::MetadataBlock(_) => return Some(matching_end(events, at) + 1),
        }
        None
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("\n\n"),
            TagEnd::Heading(_) => {
                self.out.push(']');
                if let Some(label) = self.heading_label.take() {
                    let _ = write!(self.out, "#label({})", string(&label));
                }
                self.out.push_str("\n\n");
            }
            TagEnd::BlockQuote(_) => self.out.push_str("]\n\n"),
            TagEnd::CodeBlock => {}
            TagEnd::HtmlBlock => self.out.push_str("\n\n"),
            TagEnd::List(_) => self.out.push_str(")\n\n"),
            TagEnd::Item => self.out.push_str("], "),
            TagEnd::FootnoteDefinition => {}
            TagEnd::DefinitionList => {
                if self.terms.pop() == Some(true) {
                    self.out.push_str("])");
                }
                self.out.push_str(")\n\n");
            }
            TagEnd::DefinitionListTitle => self.out.push_str("], ["),
            TagEnd::DefinitionListDefinition => self.out.push_str("\n\n"),
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.table_markup(&t);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::TableRow => {}
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    let cell = std::mem::replace(&mut self.out, std::mem::take(&mut t.saved));
                    let len = t.cell_len;
                    if let Some(row) = t.rows.last_mut() {
                        row.push((cell.trim().to_string(), len));
                    }
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link => self.out.push(']'),
            TagEnd::Image | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn code_block(&mut self, lang: &str, code: &str) {
        self.out.push_str(&raw_block(code, typst_lang(lang)));
        self.out.push_str("\n\n");
    }

    fn image(&mut self, image: &Image) {
        let dest = image.dest.trim();
        if let Some(path) = self.env.image(self.opts.chapter, dest) {
            let _ = write!(
                self.out,
                "#cb-image({}, alt: {})",
                string(&path),
                string(&image.alt)
            );
            return;
        }
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            // A remote image is not fetched: it becomes a link.
            let _ = write!(self.out, "#link({})[", string(dest));
            let alt = if image.alt.is_empty() {
                dest
            } else {
                &image.alt
            };
            self.text(alt);
            self.out.push(']');
        } else {
            self.text(&image.alt);
        }
    }

    fn footnote_ref(&mut self, name: &str) {
        let label = format!("fn:{}:{name}", self.opts.chapter);
        if self.in_footnote {
            self.text(&format!("[^{name}]"));
            return;
        }
        match self.footnotes.get(name) {
            Some(_) if self.footnotes_used.contains(name) => {
                let _ = write!(self.out, "#footnote(label({}))", string(&label));
            }
            Some(body) => {
                let _ = write!(self.out, "#footnote[{body}]#label({})", string(&label));
                self.footnotes_used.insert(name.to_string());
            }
            None => self.text(&format!("[^{name}]")),
        }
    }

    /// Raw HTML: tags and comments are dropped, the text between them kept.
    fn html(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            if self.html_comment {
                match rest.find("-->") {
                    Some(end) => {
                        self.html_comment = false;
                        rest = &rest[end + 3..];
                    }
                    None => return,
                }
                continue;
            }
            match rest.find('<') {
                None => {
                    self.text(&decode_entities(rest));
                    return;
                }
                Some(at) => {
                    self.text(&decode_entities(&rest[..at]));
                    let after = &rest[at..];
                    if let Some(comment) = after.strip_prefix("<!--") {
                        self.html_comment = true;
                        rest = comment;
                    } else if after[1..].starts_with(|c: char| {
                        c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?'
                    }) {
                        let Some(end) = after.find('>') else { return };
                        // Block elements keep their texts apart.
                        let name: String = after[1..end]
                            .trim_start_matches('/')
                            .chars()
                            .take_while(char::is_ascii_alphanumeric)
                            .collect::<String>()
                            .to_ascii_lowercase();
                        if BLOCK_TAGS.contains(&name.as_str()) {
                            self.out.push(' ');
                        }
                        rest = &after[end + 1..];
                    } else {
                        self.text("<");
                        rest = &after[1..];
                    }
                }
            }
        }
    }

    fn table_markup(&mut self, t: &Table) {
        let columns = t
            .aligns
            .len()
            .max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        // Column widths follow the longest text in each column (with limits),
        // as fractions of the text width: the table always fits the page.
        let mut widths = vec![0usize; columns];
        for row in &t.rows {
            for (i, (_, len)) in row.iter().enumerate() {
                widths[i] = widths[i].max(*len);
            }
        }
        let widths: Vec<String> = widths
            .iter()
            .map(|w| format!("{}fr", (*w).clamp(4, 48)))
            .collect();
        let aligns: Vec<&str> = (0..columns)
            .map(|i| match t.aligns.get(i) {
                Some(Alignment::Center) => "center",
                Some(Alignment::Right) => "right",
                _ => "left",
            })
            .collect();
        let _ = write!(
            self.out,
            "#cb-table(columns: ({},), align: ({},), ",
            widths.join(", "),
            aligns.join(", ")
        );
        let cells = |row: &Vec<(String, usize)>| -> String {
            let mut s = String::new();
            for i in 0..columns {
                let cell = row.get(i).map_or("", |(c, _)| c.as_str());
                let _ = write!(s, "[{cell}], ");
            }
            s
        };
        if t.header_rows > 0 {
            self.out.push_str("table.header(");
            for row in &t.rows[..t.header_rows] {
                let c = cells(row);
                self.out.push_str(&c);
            }
            self.out.push_str("), ");
        }
        for row in &t.rows[t.header_rows..] {
            let c = cells(row);
            self.out.push_str(&c);
        }
        self.out.push_str(")\n\n");
    }
}

/// The language name typst highlights for a fence's language, if any (see
/// [`crate::markdown::languages`] for the aliases).
pub fn typst_lang(lang: &str) -> Option<&'static str> {
    Some(match crate::markdown::languages::canonical(lang)? {
        "bash" => "bash",
        "dockerfile" => "dockerfile",
        "yaml" => "yaml",
        "json" => "json",
        "toml" => "toml",
        "python" => "python",
        "javascript" => "js",
        "typescript" => "ts",
        "rust" => "rust",
        "go" => "go",
        "markdown" => "md",
        "promql" | "makefile" | "ruby" => return None,
        other => other,
    })
}

/// HTML elements whose text stands apart from what follows.
const BLOCK_TAGS: [&str; 16] = [
    "br",
    "p",
    "div",
    "details",
    "summary",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "h1",
    "h2",
    "h3",
    "blockquote",
];

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEnv;
    impl Env for NoEnv {
        fn link(&self, _: &str, dest: &str) -> Option<LinkTarget> {
            if dest.starts_with("https://") {
                return Some(LinkTarget::Url(dest.into()));
            }
            dest.strip_prefix("scenario:")
                .map(|id| LinkTarget::Label(format!("scenario:{id}")))
        }
        fn image(&self, _: &str, dest: &str) -> Option<String> {
            (dest == "img/a.png").then(|| "/img/a.png".into())
        }
        fn directive(&self, name: &str, args: &str) -> Option<String> {
            (name == "scenario").then(|| format!("#embed({})", string(args)))
        }
    }

    fn conv(md: &str) -> String {
        convert(
            md,
            &Options {
                chapter: "a.md",
                level_offset: 1,
                outlined: true,
                smart_punctuation: false,
            },
            &NoEnv,
        )
    }

    #[test]
    fn text_escapes_every_special_character() {
        let t = text(
            "#set page(width: 1cm) $x$ *b* _i_ `c` <l> @r [x] // c /* d */ \\ ~ = - + 1. 'q\" {}",
        );
        // Only escaped punctuation: no character of typst's syntax stands alone.
        let mut chars = t.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let next = chars.next().expect("an escaped character");
                assert!(next.is_ascii_punctuation(), "{t}");
            } else {
                assert!(!c.is_ascii_punctuation(), "{c} unescaped in {t}");
            }
        }
        assert_eq!(text("a\nb"), "a b");
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(string("\u{1}"), "\"\\u{1}\"");
    }

    #[test]
    fn long_code_words_get_break_opportunities() {
        assert_eq!(breakable("short: words only", 24), "short: words only");
        let q = "sum(rate(x{namespace=\"shop\",app=\"checkout\"}[5m]))";
        let b = breakable(q, 24);
        assert_eq!(b.replace('\u{200B}', ""), q);
        assert!(b.contains("=\u{200B}\"shop"), "{b}");
        let plain = "a".repeat(50);
        assert_eq!(breakable(&plain, 24).matches('\u{200B}').count(), 2);
        let natural = "checkout-pod-unavailable-with-a-long-name";
        assert_eq!(breakable(natural, 24), natural);
        assert_eq!(raw_inline("`x`", None), "#raw(\"`x`\")");
        assert_eq!(
            raw_block("a\n", Some("yaml")),
            "#raw(block: true, lang: \"yaml\", \"a\")"
        );
    }

    #[test]
    fn headings_carry_the_site_ids_as_labels() {
        let out = conv("# Hello, World!\n\n## Hello World\n\n## Hello World {#own}\n");
        assert!(
            out.contains("#heading(level: 2, outlined: true, bookmarked: true)[Hello\\, World\\!]#label(\"ch:a.md#hello-world\")"),
            "{out}"
        );
        assert!(out.contains("#label(\"ch:a.md#hello-world-1\")"), "{out}");
        assert!(out.contains("#label(\"ch:a.md#own\")"), "{out}");
        assert_eq!(
            anchors("# A\n## B\n## B\n", false),
            (vec!["a".into(), "b".into(), "b-1".into()], true)
        );
        assert!(!anchors("Text\n# A\n", false).1);
    }

    #[test]
    fn lists_nest_and_keep_their_numbers() {
        let out = conv("- a\n  - b\n- c\n\n3. x\n4. y\n");
        assert!(
            out.contains("#list(tight: true, [a#list(tight: true, [b], )\n\n], [c], )"),
            "{out}"
        );
        assert!(
            out.contains("#enum(tight: true, start: 3, [x], [y], )"),
            "{out}"
        );
    }

    #[test]
    fn inline_styles_code_and_links() {
        let out = conv("*e* **s** `a \"b\"` [t](https://x.org/) [s](scenario:pod) [r](other.html)");
        assert!(out.contains("#emph[e]"), "{out}");
        assert!(out.contains("#strong[s]"), "{out}");
        assert!(out.contains("#raw(\"a \\\"b\\\"\")"), "{out}");
        assert!(out.contains("#link(\"https://x.org/\")[t]"), "{out}");
        assert!(out.contains("#link(label(\"scenario:pod\"))[s]"), "{out}");
        assert!(out.contains("#[r]"), "{out}");
    }

    #[test]
    fn code_blocks_are_string_literals() {
        let out = conv("```yaml\nkey: \"#set\" # c\n```\n\n```weird\n]\n```\n");
        assert!(
            out.contains("#raw(block: true, lang: \"yaml\", \"key: \\\"#set\\\" # c\")"),
            "{out}"
        );
        assert!(out.contains("#raw(block: true, \"]\")"), "{out}");
    }

    #[test]
    fn tables_fit_with_fractions() {
        let out = conv("| a | longer header |\n|:-:|--:|\n| `x` | y |\n");
        assert!(out.contains("#cb-table(columns: (4fr, 13fr,), align: (center, right,), table.header([a], [longer header], ), [#raw(\"x\")], [y], )"), "{out}");
    }

    #[test]
    fn quotes_footnotes_images_and_directives() {
        let out = conv("> q\n\n> [!WARNING]\n> w\n\nA[^n] B[^n] C[^x]\n\n[^n]: Note *n*.\n\n![alt](img/a.png) ![r](https://e.org/i.png) ![m](missing.png)\n\n{{#scenario pod-kill}}\n\n{{#other x}}\n");
        assert!(out.contains("#cb-quote[q\n\n]"), "{out}");
        assert!(
            out.contains("#cb-alert(\"Warning\", \"warning\")[w"),
            "{out}"
        );
        assert!(
            out.contains("A#footnote[Note #emph[n]\\.]#label(\"fn:a.md:n\") B#footnote(label(\"fn:a.md:n\")) C\\[\\^x\\]"),
            "{out}"
        );
        assert!(
            out.contains("#cb-image(\"/img/a.png\", alt: \"alt\")"),
            "{out}"
        );
        assert!(out.contains("#link(\"https://e.org/i.png\")[r]"), "{out}");
        assert!(out.contains(" m\n"), "{out}");
        assert!(out.contains("#embed(\"pod-kill\")"), "{out}");
        assert!(out.contains("\\{\\{\\#other x\\}\\}"), "{out}");
    }

    #[test]
    fn html_tags_and_comments_are_dropped() {
        let out = conv("<!-- hidden\nstill -->\n\nText <kbd>Ctrl</kbd> a < b\n\n<div>\nblock #x\n</div>\n\n<details><summary>S</summary>body</details>\n");
        assert!(out.contains("S body"), "{out}");
        assert!(!out.contains("hidden") && !out.contains("still"), "{out}");
        assert!(out.contains("Text Ctrl a \\< b"), "{out}");
        assert!(out.contains("block \\#x"), "{out}");
        assert!(!out.contains("div"), "{out}");
    }

    #[test]
    fn definition_lists_become_terms() {
        let out = conv("Term\n: Definition\n\nOther\n: More\n");
        assert!(out.starts_with("#terms(terms.item([Term], ["), "{out}");
        assert!(out.contains("]), terms.item([Other], ["), "{out}");
        assert!(out.trim_end().ends_with("]))"), "{out}");
    }
}
