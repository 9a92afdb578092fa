//! Heading ids: the one rule, used by the site (the `id` of `<hN>`), by
//! print.html and the PDF (labels built from it) and by `check` (which
//! anchors a link may name).
//!
//! The id comes from the heading's text as rendered (after smart
//! punctuation: `## Before -- after` reads "Before – after" and gets
//! `before--after`), inline code included, markup and inline HTML left
//! out; an explicit `{#id}` wins. mdBook's rule makes the id: lower case,
//! whitespace to `-`, only letters, digits, `-` and `_` kept (any script:
//! `Über` gives `über`; an emoji is dropped). An empty id becomes
//! `section`; the second `x` on a page is `x-1`, then `x-2`...

use std::collections::HashSet;

use pulldown_cmark::{Event, Tag, TagEnd};

/// A heading as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heading {
    /// Its id, unique on the page.
    pub id: String,
    /// Its plain text (text and inline code), trimmed.
    pub text: String,
    /// Whether it contains a link (the site then does not wrap it in a
    /// self-link: links do not nest).
    pub has_link: bool,
}

/// The ids given so far on one page.
#[derive(Debug, Default)]
pub struct HeadingIds {
    used: HashSet<String>,
}

impl HeadingIds {
    /// The id of the next heading of the page: `explicit` (`{#id}`) or the
    /// one made from its rendered `text`, numbered when already taken.
    pub fn next(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => id_from_content(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if self.used.insert(base.clone()) {
            return base;
        }
        (1u32..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .expect("some suffix is free")
    }
}

/// mdBook's id of a heading text: lower-case, whitespace to `-`, keep only
/// letters, digits, `-` and `_`.
pub fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Every heading of a page's events (see [`super::events`]), in order.
pub fn headings(events: &[Event<'_>]) -> Vec<Heading> {
    let mut ids = HeadingIds::default();
    let mut out = Vec::new();
    let mut current: Option<(Option<&str>, String, bool)> = None;
    for e in events {
        match e {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((id.as_deref(), String::new(), false))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text, _)) = current.as_mut() {
                    text.push_str(t);
                }
            }
            Event::Start(Tag::Link { .. }) => {
                if let Some((_, _, link)) = current.as_mut() {
                    *link = true;
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, text, has_link)) = current.take() {
                    out.push(Heading {
                        id: ids.next(explicit, &text),
                        text: text.trim().to_string(),
                        has_link,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The heading ids of a markdown text, in order, as the site gives them.
pub fn heading_ids(markdown: &str, smart_punctuation: bool) -> Vec<String> {
    headings(&super::events(markdown, smart_punctuation))
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(md: &str) -> Vec<String> {
        heading_ids(md, true)
    }

    #[test]
    fn smart_punctuation_shapes_the_id() {
        assert_eq!(ids("## Before -- after\n"), ["before--after"]);
        assert_eq!(ids("## Before --- after\n"), ["before--after"]);
        assert_eq!(
            heading_ids("## Before -- after\n", false),
            ["before----after"]
        );
        assert_eq!(ids("## \"Quoted\" and it's...\n"), ["quoted-and-its"]);
    }

    #[test]
    fn inline_code_and_markup_count_by_their_text() {
        assert_eq!(ids("## Using `kubectl drain`\n"), ["using-kubectl-drain"]);
        assert_eq!(
            ids("## A *very* [linked](x.md) title\n"),
            ["a-very-linked-title"]
        );
        assert_eq!(ids("## Raw <em>html</em> tags\n"), ["raw-html-tags"]);
    }

    #[test]
    fn duplicates_are_numbered_in_page_order() {
        assert_eq!(
            ids("# Abort conditions\n## Abort conditions\n### Abort conditions\n"),
            [
                "abort-conditions",
                "abort-conditions-1",
                "abort-conditions-2"
            ]
        );
        assert_eq!(ids("## x-1\n## x\n## x\n"), ["x-1", "x", "x-2"]);
    }

    #[test]
    fn non_ascii_and_emoji() {
        assert_eq!(ids("## Über die Café-Kultur\n"), ["über-die-café-kultur"]);
        assert_eq!(ids("## 🚀 Launch day\n"), ["-launch-day"]);
        assert_eq!(ids("## 🚀\n## ???\n"), ["section", "section-1"]);
    }

    #[test]
    fn explicit_ids_win_and_take_part_in_numbering() {
        assert_eq!(
            ids("## Title {#custom}\n## Custom\n## Other {#custom}\n"),
            ["custom", "custom-1", "custom-2"]
        );
    }

    #[test]
    fn headings_know_their_text_and_links() {
        let h = headings(&crate::markdown::events("# A [b](c.md) `d`\n", true));
        assert_eq!(
            h,
            [Heading {
                id: "a-b-d".into(),
                text: "A b d".into(),
                has_link: true
            }]
        );
    }
}
