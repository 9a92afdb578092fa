//! What a link destination of a chapter points to, and which page a
//! chapter becomes. `check` resolves every link with [`resolve`], the PDF
//! too, and the site rewrites `.md` links with [`rewrite_md_link`], which
//! names the page [`page_key`] stands for: a link that `check` accepts
//! reaches a page of the site, a section of print.html and a label of the
//! PDF.

use std::path::{Path, PathBuf};

/// Schemes that leave the book and that the reader's browser follows.
pub const EXTERNAL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Schemes reserved for links into the catalog (`scenario:ID`, ...).
pub const XREF_SCHEMES: [&str; 4] = ["scenario", "practice", "tool", "catalog"];

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link<'a> {
    /// http, https, mailto or tel.
    External,
    /// Into the catalog: the scheme (lower case) and what follows its `:`.
    Catalog {
        /// One of [`XREF_SCHEMES`], lower-cased (`scenario`).
        scheme: String,
        /// What follows the `:` (`pod-kill?tool=x`).
        rest: &'a str,
    },
    /// Any other scheme (`javascript:`, `data:`, `file:`...): never followed.
    Blocked {
        /// The scheme as written.
        scheme: &'a str,
    },
    /// `//host/path`: scheme-relative.
    SchemeRelative,
    /// `#fragment` on the same page (possibly empty).
    Fragment(&'a str),
    /// A markdown file of the book, by its path in the book's source folder
    /// (`/`-separated, `.` and `..` resolved), and the fragment, if any.
    Page {
        /// The chapter's path in the book's source folder (`guide/intro.md`).
        path: String,
        /// The fragment after `#`, if any.
        fragment: Option<&'a str>,
    },
    /// Another file of the book's source folder (an image, a download).
    File {
        /// The file's path in the book's source folder, `/`-separated.
        path: String,
    },
    /// A relative path that climbs out of the book's source folder.
    Outside,
}

/// The scheme of a URL, if it has one (`scenario:x` -> `scenario`): a
/// letter, then letters, digits, `+`, `-` or `.`, before the first `:`.
pub fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let scheme = &url[..end];
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Resolves `dest`, a link of the chapter at `from` (its path in the
/// book's source folder, `/`-separated).
pub fn resolve<'a>(dest: &'a str, from: &str) -> Link<'a> {
    let d = dest.trim();
    if let Some(fragment) = d.strip_prefix('#') {
        return Link::Fragment(fragment);
    }
    if d.starts_with("//") {
        return Link::SchemeRelative;
    }
    if let Some(scheme) = scheme_of(d) {
        let lower = scheme.to_ascii_lowercase();
        return if EXTERNAL_SCHEMES.contains(&lower.as_str()) {
            Link::External
        } else if XREF_SCHEMES.contains(&lower.as_str()) {
            Link::Catalog {
                rest: &d[scheme.len() + 1..],
                scheme: lower,
            }
        } else {
            Link::Blocked { scheme }
        };
    }
    let (path, fragment) = match d.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (d, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Link::Fragment(fragment.unwrap_or(""));
    }
    if path.starts_with('/') {
        // The site may be served under a sub-path: only relative links
        // reach the same file everywhere.
        return Link::Outside;
    }
    let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    match normalize(dir, path) {
        None => Link::Outside,
        Some(path) if path.ends_with(".md") => Link::Page { path, fragment },
        Some(path) => Link::File { path },
    }
}

/// `dir` + relative `path`, with `.` and `..` resolved (an absolute `path`
/// starts from the root); `None` when it climbs out of the root.
pub fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The chapter a markdown path stands for: mdBook renders a `README.md`
/// chapter as `index.md` (its `index` preprocessor), so both names reach it.
pub fn page_key(path: &str) -> String {
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    if !file.eq_ignore_ascii_case("readme.md") {
        return path.to_string();
    }
    if dir.is_empty() {
        "index.md".to_string()
    } else {
        format!("{dir}/index.md")
    }
}

/// `a/b.md#x` -> `a/b.html#x`; `README.md` -> `index.html` (see
/// [`page_key`]); `None` when `dest` names no markdown file.
pub fn rewrite_md_link(dest: &str) -> Option<String> {
    let split = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(split);
    let stem = path.strip_suffix(".md")?;
    let (dir, file) = stem
        .rsplit_once('/')
        .map(|(d, f)| (format!("{d}/"), f))
        .unwrap_or((String::new(), stem));
    let file = if file.eq_ignore_ascii_case("readme") {
        "index"
    } else {
        file
    };
    Some(format!("{dir}{file}.html{rest}"))
}

/// A markdown file of the project outside the book's source folder that
/// the site and the PDF publish as a page of the book, so that chapters can
/// link it: the catalog's `schema/README.md` (the file format the
/// Contributing chapter sends contributors to), at its path from the
/// project root (`catalog/schema/README.md`), which is also where a link
/// from a file at the root (CONTRIBUTING.md, included by a chapter at the
/// book's root) finds it on a forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryPage {
    /// Its path in the book (`/`-separated), as a link names it.
    pub book_path: String,
    /// The file, relative to the project root.
    pub file: PathBuf,
}

/// The repository pages of a project whose catalog folder is `catalog`
/// (relative to `root`): those that exist.
pub fn repository_pages(root: &Path, catalog: &Path) -> Vec<RepositoryPage> {
    let file = catalog.join("schema").join("README.md");
    if !root.join(&file).is_file() {
        return Vec::new();
    }
    vec![RepositoryPage {
        book_path: crate::diagnostics::display_path(&file),
        file,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_as_the_site_links() {
        let from = "tutorials/pod.md";
        assert_eq!(resolve("https://e.org/a.md", from), Link::External);
        assert_eq!(resolve("MAILTO:x@e.org", from), Link::External);
        assert_eq!(
            resolve("Scenario:pod-kill?tool=x", from),
            Link::Catalog {
                scheme: "scenario".into(),
                rest: "pod-kill?tool=x"
            }
        );
        assert_eq!(
            resolve("javascript:alert(1)", from),
            Link::Blocked {
                scheme: "javascript"
            }
        );
        assert_eq!(resolve("//e.org", from), Link::SchemeRelative);
        assert_eq!(resolve("#top", from), Link::Fragment("top"));
        assert_eq!(resolve("?x#top", from), Link::Fragment("top"));
        assert_eq!(
            resolve("../principles.md#why", from),
            Link::Page {
                path: "principles.md".into(),
                fragment: Some("why")
            }
        );
        assert_eq!(
            resolve("img/a.png", from),
            Link::File {
                path: "tutorials/img/a.png".into()
            }
        );
        assert_eq!(resolve("../../x.md", from), Link::Outside);
        assert_eq!(resolve("/principles.md", from), Link::Outside);
        // A colon after a character no scheme has, or after a leading
        // digit, is part of a path.
        assert_eq!(
            resolve("notes/10:30.md", from),
            Link::Page {
                path: "tutorials/notes/10:30.md".into(),
                fragment: None
            }
        );
        assert_eq!(
            resolve("2x:y.png", from),
            Link::File {
                path: "tutorials/2x:y.png".into()
            }
        );
    }

    #[test]
    fn a_scheme_is_a_letter_then_letters_digits_plus_minus_dot() {
        assert_eq!(scheme_of("scenario:x"), Some("scenario"));
        assert_eq!(scheme_of("svn+ssh-2.0:x"), Some("svn+ssh-2.0"));
        assert_eq!(scheme_of("a/b:c"), None);
        assert_eq!(scheme_of("a b:c"), None);
        assert_eq!(scheme_of("1a:c"), None);
        assert_eq!(scheme_of(":c"), None);
        assert_eq!(scheme_of("no-colon"), None);
    }

    #[test]
    fn readme_is_the_index_page() {
        assert_eq!(page_key("a/README.md"), "a/index.md");
        assert_eq!(page_key("readme.md"), "index.md");
        assert_eq!(page_key("a/b.md"), "a/b.md");
        assert_eq!(
            rewrite_md_link("../x/README.md#f").as_deref(),
            Some("../x/index.html#f")
        );
        assert_eq!(rewrite_md_link("a/b.md?q").as_deref(), Some("a/b.html?q"));
        assert_eq!(rewrite_md_link("a.png"), None);
    }
}
