//! Sanitising of the author's raw HTML with ammonia: no `<script>`, no
//! event handlers, no `javascript:` URLs, no inline styles (they would also
//! break the Content-Security-Policy), no remote images (no request may
//! leave the site). Harmless markup stays: `<details>`, `<summary>`,
//! `<kbd>`, `<sup>`, tables, and the classes and ids chaosbook itself emits.

use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "label"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("img", ["width", "height", "loading"])
        .add_tag_attributes("th", ["scope"])
        // What chaosbook writes around code blocks and tables so that a
        // keyboard can scroll them; harmless from an author too.
        .add_tag_attributes("pre", ["tabindex"])
        .add_tag_attributes("div", ["tabindex", "role"])
        .add_generic_attributes([
            "id",
            "class",
            "title",
            "aria-hidden",
            "aria-label",
            "data-xref",
            "data-directive",
        ])
        .url_schemes(
            ["http", "https", "mailto", "tel", "data"]
                .into_iter()
                .collect(),
        )
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| {
            let v = value.trim_start().to_ascii_lowercase();
            let remote = v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//");
            match (element, attribute) {
                ("img", "src") if remote => None,
                ("img", "src") if v.starts_with("data:") && !v.starts_with("data:image/") => None,
                (_, "href") if v.starts_with("data:") => None,
                _ => Some(value.into()),
            }
        });
    b
});

/// The safe subset of `html`.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn dangerous_markup_goes() {
        let out = clean("<script>x()</script><p onclick=\"x()\" style=\"color:red\">t</p><a href=\"javascript:x()\">a</a><img src=\"https://e.org/x.png\"><a href=\"data:text/html,x\">d</a><iframe src=\"x\"></iframe><img src=\"data:text/html,<script>x()</script>\" alt=\"h\">");
        assert_eq!(out, "<p>t</p><a>a</a><img><a>d</a><img alt=\"h\">");
    }

    #[test]
    fn harmless_markup_stays() {
        let html = "<details><summary>s</summary><kbd>k</kbd><sup>1</sup><table><tr><td>c</td></tr></table></details><h2 id=\"a\"><a class=\"header\" href=\"#a\">A</a></h2><span class=\"hl-k\">x</span><img src=\"data:image/png;base64,AA==\" alt=\"i\">";
        let out = clean(html);
        assert!(out.contains("<details><summary>s</summary><kbd>k</kbd><sup>1</sup><table><tbody><tr><td>c</td></tr></tbody></table></details>"), "{out}");
        assert!(
            out.contains("<h2 id=\"a\"><a class=\"header\" href=\"#a\">A</a></h2>"),
            "{out}"
        );
        assert!(out.contains("<span class=\"hl-k\">x</span>"), "{out}");
        assert!(out.contains("src=\"data:image/png;base64,AA==\""), "{out}");
    }
}
