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

use std::borrow::Cow;
use std::collections::HashMap;

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
    postings: Vec<&'a [u32]>,
}

/// Splits text into index words, the same way search.js splits queries.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().count() > 1 && w.len() <= MAX_WORD)
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
}

/// Builds `searchindex.js`. Pages come in book order, so the output is
/// deterministic.
pub fn build<'a>(pages: impl IntoIterator<Item = PageDocs<'a>>) -> String {
    let mut docs = Vec::new();
    // word -> flat `doc, weight, ...`; docs are numbered in order, so a
    // word's list only ever grows at its end.
    let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
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
                    let list = match postings.get_mut(&*w) {
                        Some(list) => list,
                        None => postings.entry(w.into_owned()).or_default(),
                    };
                    match list.as_mut_slice() {
                        [.., last, n] if *last == doc => *n += weight,
                        _ => list.extend([doc, weight]),
                    }
                }
            }
        }
    }
    let mut postings: Vec<(String, Vec<u32>)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let index = Index {
        docs,
        terms: postings.iter().map(|(t, _)| t.as_str()).collect(),
        postings: postings.iter().map(|(_, p)| p.as_slice()).collect(),
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
