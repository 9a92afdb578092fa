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
//!   `{{#catalog}}`) and mdBook's `{{#include FILE}}`;
//! - [`links`]: what a link destination points to (the web, the catalog, a
//!   page or file of the book) and the page a chapter becomes;
//! - [`languages`]: the language of a fenced code block and its aliases.

pub mod directives;
pub mod headings;
pub mod languages;
pub mod links;

use pulldown_cmark::{Event, Options, Parser, TextMergeStream};

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

/// The events of `markdown`, adjacent text merged (one `Text` per run).
pub fn events(markdown: &str, smart_punctuation: bool) -> Vec<Event<'_>> {
    TextMergeStream::new(Parser::new_ext(markdown, parser_options(smart_punctuation))).collect()
}
