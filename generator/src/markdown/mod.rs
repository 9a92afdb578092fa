//! The one markdown foundation: how chaosbook reads a chapter, shared by
//! `check` ([`crate::whitepaper`]), the site ([`crate::render::markdown`])
//! and the PDF ([`crate::pdf::markup`]), so that what passes `check` is
//! what the site and the PDF render.
//!
//! - [`parser_options`]: the pulldown-cmark extensions, smart punctuation
//!   included (`[output.chaosbook] smart-punctuation`);
//! - [`headings()`]: the one rule that turns a heading into its id, from the
//!   heading's rendered text, de-duplicated per page;
//! - [`directives`]: `{{#name args}}` paragraphs (`{{#scenario ID}}`,
//!   `{{#catalog}}`), read as written: smart punctuation never touches a
//!   directive's arguments;
//! - [`links`]: what a link destination points to (the web, the catalog, a
//!   page or file of the book) and the page a chapter becomes;
//! - [`languages`]: the language of a fenced code block and its aliases.

pub mod directives;
pub mod headings;
pub mod languages;
pub mod links;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

pub use headings::{heading_ids, headings, id_from_content, Heading, HeadingIds};

/// The markdown extensions chapters are written with. Every reader of a
/// chapter parses with these, so they agree on its structure and text;
/// `smart_punctuation` (`[output.chaosbook] smart-punctuation`) turns
/// `--` into an en dash and quotes into curly ones, which changes heading
/// ids, so it is part of the options, never added by one reader alone.
pub fn parser_options(smart_punctuation: bool) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST;
    if smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// The events of `markdown`, adjacent text merged (one `Text` per run). A
/// paragraph that is only a directive keeps its text as written, so that
/// smart punctuation never turns the quotes of `key="a b"` (or a `--` in a
/// value) into typography the directive cannot read.
pub fn events(markdown: &str, smart_punctuation: bool) -> Vec<Event<'_>> {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in
        Parser::new_ext(markdown, parser_options(smart_punctuation)).into_offset_iter()
    {
        if let (Event::Text(text), Some(Event::Text(before))) = (&event, events.last_mut()) {
            *before = CowStr::from(format!("{before}{text}"));
            if let Some(last) = ranges.last_mut() {
                last.end = range.end;
            }
            continue;
        }
        events.push(event);
        ranges.push(range);
    }
    for i in 1..events.len().saturating_sub(1) {
        let alone = matches!(events[i - 1], Event::Start(Tag::Paragraph))
            && matches!(events[i + 1], Event::End(TagEnd::Paragraph));
        if let (true, Event::Text(_)) = (alone, &events[i]) {
            let written = &markdown[ranges[i].clone()];
            if directives::paragraph_directive(written).is_some() {
                events[i] = Event::Text(CowStr::Borrowed(written));
            }
        }
    }
    events
}
