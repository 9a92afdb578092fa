//! The full-text search index, built at build time.
//!
//! Written as a script (`searchindex.js` sets `window.chaosbookSearch`) so
//! that search also works from `file://`, where `fetch()` is refused. Its
//! size is linear in the text: every section's text once, plus an inverted
//! index whose postings add up to at most the number of words.
//!
//! Layout: `docs` is a list of `[url, page title, heading, text]`; `terms`
//! is the sorted list of words; `postings[i]` is a flat list of
//! `doc, weight, doc, weight, ...` for `terms[i]`. The browser finds a
//! prefix's words by binary search (see theme/static/search.js).

use std::collections::BTreeMap;

use serde::Serialize;

use super::markdown::Section;

/// Heading words count this many times more than body words.
const HEADING_WEIGHT: u32 = 5;
/// Words longer than this are not indexed (hashes, base64, ...).
const MAX_WORD: usize = 40;

/// One page's contribution.
pub struct PageDocs<'a> {
    /// Page URL relative to the site root.
    pub url: &'a str,
    pub title: &'a str,
    pub sections: &'a [Section],
}

#[derive(Serialize)]
struct Index<'a> {
    docs: Vec<(String, &'a str, &'a str, &'a str)>,
    terms: Vec<&'a str>,
    postings: Vec<Vec<u32>>,
}

/// Splits text into index words, the same way search.js splits queries.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().count() > 1 && w.len() <= MAX_WORD)
        .map(str::to_lowercase)
}

/// Builds `searchindex.js`. Pages come in book order, so the output is
/// deterministic.
pub fn build<'a>(pages: impl IntoIterator<Item = PageDocs<'a>>) -> String {
    let mut docs = Vec::new();
    let mut postings: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    for page in pages {
        for section in page.sections {
            let doc = docs.len() as u32;
            let url = match &section.anchor {
                Some(a) => format!("{}#{a}", page.url),
                None => page.url.to_string(),
            };
            docs.push((
                url,
                page.title,
                section.heading.as_str(),
                section.text.as_str(),
            ));
            for (text, weight) in [
                (section.heading.as_str(), HEADING_WEIGHT),
                (section.text.as_str(), 1),
            ] {
                for w in words(text) {
                    *postings.entry(w).or_default().entry(doc).or_default() += weight;
                }
            }
        }
    }
    let terms_owned: Vec<String> = postings.keys().cloned().collect();
    let flat: Vec<Vec<u32>> = postings
        .into_values()
        .map(|m| m.into_iter().flat_map(|(d, n)| [d, n]).collect())
        .collect();
    let index = Index {
        docs,
        terms: terms_owned.iter().map(String::as_str).collect(),
        postings: flat,
    };
    let json = serde_json::to_string(&index).expect("the index serialises");
    format!("window.chaosbookSearch = {json};\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_sorted_and_weighted() {
        let sections = vec![
            Section {
                anchor: None,
                heading: String::new(),
                text: "Blast radius matters.".into(),
            },
            Section {
                anchor: Some("steady-state".into()),
                heading: "Steady state".into(),
                text: "Define the steady state first; blast.".into(),
            },
        ];
        let js = build([PageDocs {
            url: "a.html",
            title: "A",
            sections: &sections,
        }]);
        let json = js
            .strip_prefix("window.chaosbookSearch = ")
            .unwrap()
            .trim_end()
            .trim_end_matches(';');
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["docs"][1][0], "a.html#steady-state");
        let terms: Vec<&str> = v["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut sorted = terms.clone();
        sorted.sort();
        assert_eq!(terms, sorted);
        let i = terms.iter().position(|t| *t == "steady").unwrap();
        assert_eq!(v["postings"][i], serde_json::json!([1, 6]));
        let b = terms.iter().position(|t| *t == "blast").unwrap();
        assert_eq!(v["postings"][b], serde_json::json!([0, 1, 1, 1]));
    }
}
