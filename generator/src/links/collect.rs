//! Where the external URLs are: every http(s) URL of the catalog (tools'
//! `homepage`, `docs`, `source`; implementations' `docs`; `references`;
//! links in markdown fields) and of the chapters, each with its file, line
//! and column.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::catalog::prose::{
    strings_at, value_of, PRACTICE_MARKDOWN, SCENARIO_MARKDOWN, TOOL_MARKDOWN,
};
use crate::catalog::yaml::{LineIndex, Span};
use crate::catalog::{Catalog, Entry};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// One place that uses a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The URL as written.
    pub url: String,
    /// Relative to the project root.
    pub file: PathBuf,
    /// Where the URL stands in the file.
    pub span: Span,
}

/// The URL uses found, and the texts of the files they are in (for snippets).
#[derive(Debug, Default)]
pub struct Found {
    /// Every use of an external URL, in the order found.
    pub uses: Vec<Use>,
    /// The text of each file with a use (path relative to the root), for source snippets.
    pub texts: Vec<(PathBuf, String)>,
    /// Chapters that could not be read (already reported by `check`).
    pub unreadable: usize,
}

fn options() -> Options {
    // Smart punctuation changes text, never a link's destination.
    crate::markdown::parser_options(false)
}

/// The scheme of a link destination, lower-cased, if it has one.
pub(crate) fn scheme(dest: &str) -> Option<String> {
    crate::markdown::links::scheme_of(dest).map(str::to_ascii_lowercase)
}

/// Whether a link destination is an external URL this checker follows.
pub fn is_external(dest: &str) -> bool {
    matches!(scheme(dest).as_deref(), Some("http" | "https"))
}

/// Markdown links of `text`: (destination, byte range of the link in `text`).
fn markdown_links(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => Some((dest_url.into_string(), range)),
            _ => None,
        })
        .collect()
}

/// Plain URL fields of catalog items.
const TOOL_URLS: &[&str] = &["/homepage", "/docs", "/source"];
const SCENARIO_URLS: &[&str] = &["/references/*/url", "/implementations/*/docs"];
const PRACTICE_URLS: &[&str] = &["/references/*/url"];

/// A markdown link found in a catalog field, placed in the file.
pub(crate) struct FieldLink {
    /// The destination as written.
    pub(crate) dest: String,
    /// Where it is written in the file.
    pub(crate) span: Span,
}

/// The links of one markdown field of an entry, placed in the file: the
/// destination is looked for in the field's source text, else the field's
/// start is used.
pub(crate) fn field_links<T>(
    entry: &Entry<T>,
    pointer: &str,
    text: &str,
    index: &LineIndex,
) -> Vec<FieldLink> {
    let links = markdown_links(text);
    if links.is_empty() {
        return Vec::new();
    }
    let node = entry.doc().locate(pointer);
    let source = entry.source();
    let within = source
        .get(node.start..node.end.max(node.start))
        .unwrap_or("");
    let mut from = 0;
    links
        .into_iter()
        .map(|(dest, _)| {
            let at = within[from.min(within.len())..]
                .find(dest.as_str())
                .map(|i| node.start + from + i);
            let span = match at {
                Some(at) => {
                    from = at - node.start + dest.len();
                    index.span(at, at + dest.len())
                }
                None => node,
            };
            FieldLink { dest, span }
        })
        .collect()
}

fn entry_uses<T: serde::Serialize>(
    entry: &Entry<T>,
    url_fields: &[&str],
    markdown_fields: &[&str],
    found: &mut Found,
) {
    let value = value_of(entry);
    let index = LineIndex::new(entry.source());
    let mut any = false;
    for pattern in url_fields {
        for (ptr, url) in strings_at(&value, pattern) {
            if is_external(url) {
                any = true;
                found.uses.push(Use {
                    url: url.to_string(),
                    file: entry.file.clone(),
                    span: entry.doc().locate(&ptr),
                });
            }
        }
    }
    for pattern in markdown_fields {
        for (ptr, text) in strings_at(&value, pattern) {
            for link in field_links(entry, &ptr, text, &index) {
                if is_external(&link.dest) {
                    any = true;
                    found.uses.push(Use {
                        url: link.dest,
                        file: entry.file.clone(),
                        span: link.span,
                    });
                }
            }
        }
    }
    if any {
        found
            .texts
            .push((entry.file.clone(), entry.source().to_string()));
    }
}

/// Every external URL use of the catalog and the chapters, sorted by file
/// and position.
pub fn collect(config: &Config, catalog: &Catalog) -> Found {
    let mut found = Found::default();
    for t in &catalog.tools {
        entry_uses(t, TOOL_URLS, TOOL_MARKDOWN, &mut found);
    }
    for s in &catalog.scenarios {
        entry_uses(s, SCENARIO_URLS, SCENARIO_MARKDOWN, &mut found);
    }
    for p in &catalog.practices {
        entry_uses(p, PRACTICE_URLS, PRACTICE_MARKDOWN, &mut found);
    }
    chapters(config, &mut found);
    found
        .uses
        .sort_by(|a, b| (&a.file, a.span.start, &a.url).cmp(&(&b.file, b.span.start, &b.url)));
    found
}

/// The external links of one chapter, each at its URL in the text; a URL
/// written otherwise than it reads (an entity such as `&amp;`, an escape,
/// a reference link whose definition is elsewhere) is placed at the link
/// as written, never past it.
fn chapter_uses(text: &str, rel: &Path) -> Vec<Use> {
    let index = LineIndex::new(text);
    markdown_links(text)
        .into_iter()
        .filter(|(dest, _)| is_external(dest))
        .map(|(dest, range)| {
            let span = match text[range.clone()].rfind(dest.as_str()) {
                Some(i) => range.start + i..range.start + i + dest.len(),
                None => range,
            };
            Use {
                span: index.span(span.start, span.end),
                url: dest,
                file: rel.to_path_buf(),
            }
        })
        .collect()
}

/// Links of the book's chapters (every `.md` file under `[book] src`, as
/// `check` reads them).
fn chapters(config: &Config, found: &mut Found) {
    for (rel, abs, _) in crate::whitepaper::chapter_files(config) {
        let Ok(text) = crate::catalog::load::read_text(
            &config.root,
            &abs,
            &rel,
            config.settings.max_file_size,
        ) else {
            found.unreadable += 1;
            continue;
        };
        let uses = chapter_uses(&text, &rel);
        if !uses.is_empty() {
            found.uses.extend(uses);
            found.texts.push((rel, text));
        }
    }
}

/// Link schemes a catalog markdown field may use: the web, mail, and the
/// catalog's own cross-references.
const ALLOWED_SCHEMES: [&str; 7] = [
    "http", "https", "mailto", "scenario", "practice", "tool", "catalog",
];

/// `check`'s rule for chapters, applied to a link of the catalog's
/// markdown fields: only http, https and mailto (and catalog
/// cross-references) are followed; `javascript:`, `data:`, `file:` and the
/// like, and scheme-relative `//` links, are errors (`unsafe-link`).
pub(crate) fn unsafe_link(dest: &str, file: &Path, span: Span) -> Option<Diagnostic> {
    let help =
        "link with http or https, or to the catalog with scenario:, practice:, tool: or catalog:";
    if let Some(s) = scheme(dest) {
        if ALLOWED_SCHEMES.contains(&s.as_str()) {
            return None;
        }
        return Some(
            Diagnostic::error(
                "unsafe-link",
                file,
                span,
                format!("links with the `{s}:` scheme are not allowed"),
            )
            .with_help(help),
        );
    }
    dest.starts_with("//").then(|| {
        Diagnostic::error(
            "unsafe-link",
            file,
            span,
            "scheme-relative links are not allowed",
        )
        .with_help("write the full https:// URL")
    })
}

/// The key two spellings of one URL share: parsed and normalised (scheme
/// and host lower-cased, default port dropped), without the `#fragment`
/// (fragments of other sites are not checked). Unparseable URLs are their
/// own key, and fail when checked.
pub fn url_key(url: &str) -> Cow<'_, str> {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.set_fragment(None);
            Cow::Owned(u.to_string())
        }
        Err(_) => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_written_otherwise_is_placed_at_its_link_inside_the_text() {
        // Found by fuzzing (link_extract): the definition's `&amp;` reads
        // `&`, so the URL is nowhere in the text, and the span went past
        // the end of the chapter.
        let text = "[c]: https://ref.example/&amp;\n\n[c][] and [d](https://e.org/\\_x)\n";
        let uses = chapter_uses(text, Path::new("src/a.md"));
        let got: Vec<(&str, &str)> = uses
            .iter()
            .map(|u| (u.url.as_str(), &text[u.span.start..u.span.end]))
            .collect();
        assert_eq!(
            got,
            [
                ("https://ref.example/&", "[c]"),
                ("https://e.org/_x", "[d](https://e.org/\\_x)"),
            ]
        );
    }

    #[test]
    fn schemes_and_keys() {
        assert_eq!(scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(scheme("intro.md#a:b"), None);
        assert!(is_external("http://x/") && !is_external("mailto:a@b") && !is_external("x.md"));
        assert_eq!(
            url_key("HTTPS://Example.ORG:443/a#frag"),
            "https://example.org/a"
        );
        assert_eq!(url_key("https://example.org"), "https://example.org/");
    }

    #[test]
    fn markdown_links_include_autolinks_and_images() {
        let links: Vec<String> = markdown_links(
            "See [a](https://a.example/x) and <https://b.example/>, ![i](https://c.example/i.png), `[no](https://d.example)`.",
        )
        .into_iter()
        .map(|(d, _)| d)
        .collect();
        assert_eq!(
            links,
            [
                "https://a.example/x",
                "https://b.example/",
                "https://c.example/i.png"
            ]
        );
    }
}
