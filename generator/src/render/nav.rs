//! Navigation: the page list in book order (for previous/next links) and
//! the table of contents, rendered once per build as one HTML fragment
//! that every page loads (`toc.js`) instead of carrying its own copy; so
//! the cost of a page does not grow with the size of the book.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mdbook_core::book::{Book, BookItem, Chapter};

use super::highlight::escape;
use crate::diagnostics::display_path;

/// A chapter that becomes a page.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// The chapter, as mdBook preprocessed it.
    pub chapter: &'a Chapter,
    /// The page, relative to the site root, `/`-separated (`a/b.html`).
    pub url: String,
    /// From the page back to the root (`../` per folder level).
    pub root: String,
    /// The title shown on the page and in `<title>` (`{{#title}}` wins).
    pub title: String,
}

/// The output page of a chapter file: `a/b.md` -> `a/b.html`.
pub fn page_url(path: &Path) -> String {
    let shown = display_path(&path.with_extension("html"));
    shown.trim_start_matches("./").to_string()
}

/// `../` for each folder between the page and the root.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Every non-draft chapter, depth-first, in book order.
pub fn pages<'a>(book: &'a Book, titles: &HashMap<PathBuf, String>) -> Vec<Page<'a>> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.path.as_ref().map(|p| (ch, p)),
            _ => None,
        })
        .map(|(ch, path)| {
            let url = page_url(path);
            let root = root_of(&url);
            let title = titles.get(path).cloned().unwrap_or_else(|| ch.name.clone());
            Page {
                chapter: ch,
                url,
                root,
                title,
            }
        })
        .collect()
}

/// The table of contents as an HTML fragment; links are relative to the
/// site root (chaosbook.js prefixes each page's way back to the root).
pub fn toc_html(book: &Book) -> String {
    let mut out = String::with_capacity(256 * 16);
    out.push_str("<ol class=\"toc\">");
    items(&book.items, &mut out);
    out.push_str("</ol>");
    out
}

fn items(list: &[BookItem], out: &mut String) {
    for item in list {
        match item {
            BookItem::Separator => out.push_str("<li class=\"spacer\" aria-hidden=\"true\"></li>"),
            BookItem::PartTitle(title) => {
                let _ = write!(out, "<li class=\"part-title\">{}</li>", escape(title));
            }
            BookItem::Chapter(ch) => {
                let children = !ch.sub_items.is_empty();
                out.push_str(if children {
                    "<li class=\"chapter has-children\">"
                } else {
                    "<li class=\"chapter\">"
                });
                out.push_str("<span class=\"toc-row\">");
                let number = ch
                    .number
                    .as_ref()
                    .map(|n| format!("<span class=\"section-number\">{n}</span> "))
                    .unwrap_or_default();
                match &ch.path {
                    Some(path) => {
                        let _ = write!(
                            out,
                            "<a href=\"{}\">{number}{}</a>",
                            escape(&page_url(path)),
                            escape(&ch.name)
                        );
                    }
                    None => {
                        let _ = write!(
                            out,
                            "<span class=\"draft\">{number}{}</span>",
                            escape(&ch.name)
                        );
                    }
                }
                if children {
                    let _ = write!(
                        out,
                        "<button type=\"button\" class=\"toc-toggle\" aria-expanded=\"false\" aria-label=\"Sections of {}\"></button>",
                        escape(&ch.name)
                    );
                }
                out.push_str("</span>");
                if children {
                    out.push_str("<ol>");
                    items(&ch.sub_items, out);
                    out.push_str("</ol>");
                }
                out.push_str("</li>");
            }
        }
    }
}

/// `toc.js`: the fragment as a string for chaosbook.js to insert.
pub fn toc_js(toc: &str) -> String {
    format!(
        "window.chaosbookToc = {};\n",
        serde_json::to_string(toc).expect("a string serialises")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_core::book::SectionNumber;

    fn chapter(name: &str, path: Option<&str>, subs: Vec<BookItem>) -> BookItem {
        let mut ch = match path {
            Some(p) => Chapter::new(name, String::new(), p, vec![]),
            None => Chapter::new_draft(name, vec![]),
        };
        ch.sub_items = subs;
        BookItem::Chapter(ch)
    }

    #[test]
    fn urls_and_roots() {
        assert_eq!(page_url(Path::new("a/b.md")), "a/b.html");
        assert_eq!(page_url(Path::new("intro.md")), "intro.html");
        assert_eq!(root_of("a/b/c.html"), "../../");
        assert_eq!(root_of("c.html"), "");
    }

    #[test]
    fn toc_has_parts_nesting_drafts_and_escapes() {
        let mut numbered = Chapter::new("Numbered <b>", String::new(), "n.md", vec![]);
        numbered.number = Some(SectionNumber::new([1, 2]));
        let book = Book::new_with_items(vec![
            chapter("Intro", Some("intro.md"), vec![]),
            BookItem::PartTitle("Part & one".into()),
            chapter(
                "Parent",
                Some("p/index.md"),
                vec![BookItem::Chapter(numbered), chapter("Draft", None, vec![])],
            ),
            BookItem::Separator,
        ]);
        let toc = toc_html(&book);
        assert!(
            toc.contains("<li class=\"part-title\">Part &amp; one</li>"),
            "{toc}"
        );
        assert!(toc.contains("<li class=\"chapter has-children\"><span class=\"toc-row\"><a href=\"p/index.html\">Parent</a><button"), "{toc}");
        assert!(toc.contains("<a href=\"n.html\"><span class=\"section-number\">1.2.</span> Numbered &lt;b&gt;</a>"), "{toc}");
        assert!(toc.contains("<span class=\"draft\">Draft</span>"), "{toc}");
        let pages = pages(&book, &HashMap::new());
        let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, ["intro.html", "p/index.html", "n.html"]);
        assert_eq!(pages[1].root, "../");
    }
}
