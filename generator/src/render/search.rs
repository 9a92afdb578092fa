//! The full-text search index, built at build time.
//!
//! Written as a script (`searchindex.js` sets `window.chaosbookSearch`) so
//! that search also works from `file://`, where `fetch()` is refused. Its
//! size is linear in the text: every section's text once, plus an inverted
//! index whose postings add up to at most the number of words.
//!
//! What a reader types is matched the way the text was indexed: words are
//! split by [`words`], lower-cased and reduced to their English stem with
//! the Snowball (Porter2) stemmer, so "deleting pods" finds "Pod deletion".
//! theme/static/search.js splits and stems queries with the same rules (its
//! stemmer is a port of the same algorithm; the browser tests check that it
//! agrees with this one on every word of the book).
//!
//! Ranking: each (stem, section) pair gets one integer weight here, from
//! where the word occurs: the page title counts most, then a section
//! heading or a catalog keyword (a tool's name, a fault name from a
//! manifest), then the body, whose weight saturates with repetition and is
//! lower in long sections (the term-frequency part of BM25); each stem also
//! gets its rarity (IDF) here. The browser adds the rest: how many query
//! words a section holds, phrases, prefixes, typos, synonyms, and a boost
//! for the catalog's entry points (scenario, practice and tool pages).
//!
//! A stem's postings come heaviest first, so the browser can stop reading
//! them once no section left could enter the top results (a query of common
//! words on a large book reads a small part of its postings).
//!
//! Layout of the index:
//! - `pages`: `[url, title, entry]` (`entry` 1 for the catalog's entry points);
//! - `docs`: `[page, suffix, heading, text]`, one per section; the link is
//!   the page's URL followed by `suffix` (`#anchor`, or `?tool=ID#anchor`
//!   for a scenario's implementation);
//! - `terms`: the sorted stems; `rarity[i]`: the IDF of `terms[i]`,
//!   `ln(1 + docs / docs holding it)`;
//! - `postings[i]`: the sections holding `terms[i]`, in groups of equal
//!   weight, heaviest first: `weight, count, doc, gap, gap, ...` (`count`
//!   docs, ascending: the first as it is, the others as the gap from the
//!   one before, which keeps the numbers short);
//! - `synonyms`: groups of words or phrases that stand for one another,
//!   each a list of stems (from the vocabulary file, see
//!   [`crate::vocabulary::Vocabulary::search_synonyms`]).

use std::collections::HashMap;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use super::markdown::Section;

/// Weight of a word of the page title, in the page's first section.
const TITLE_WEIGHT: u32 = 40;
/// Weight of a word of a section heading, and of a catalog keyword of an
/// entry with the average number of keyword words (see [`keyword_weight`]).
const HEADING_WEIGHT: u32 = 20;
/// Weight of a page title word in the page's other sections: they are
/// about the page's subject even when they do not name it.
const CONTEXT_WEIGHT: u32 = 3;
/// Highest weight of a body word (reached by a word repeated in a short
/// section).
const BODY_WEIGHT: f32 = 8.0;
/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Words longer than this (in characters) are not indexed (hashes, base64, ...).
const MAX_WORD: usize = 40;

/// One page's contribution.
pub struct PageDocs<'a> {
    /// Page URL relative to the site root.
    pub url: &'a str,
    /// The page's title, shown with every result from it.
    pub title: &'a str,
    /// The page's text, one section per heading.
    pub sections: &'a [Section],
    /// Generated entries of the page (see [`Entry`]).
    pub entries: &'a [Entry],
    /// A catalog entry point (scenario, practice or tool page).
    pub entry_point: bool,
}

/// A search entry for something a page shows that is not markdown text,
/// e.g. one tool's tab of a scenario: the tool's name as the heading, its
/// notes as the text, fault names from its manifest as keywords.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    /// What follows the page URL in the link (`?tool=ID#implementations`).
    pub suffix: String,
    /// The heading shown for the entry (e.g. the tool's name).
    pub heading: String,
    /// Plain text searched and shown in snippets.
    pub text: String,
    /// Words weighted like a heading, not shown in snippets.
    pub keywords: Vec<String>,
}

/// What a generated page adds to the index (see [`super::Hooks::search_extras`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageExtras {
    /// A catalog entry point (scenario, practice or tool page): ranked
    /// above pages that only mention the same words.
    pub entry_point: bool,
    /// The page's generated entries (one per tool tab of a scenario).
    pub entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Index<'a> {
    pages: Vec<(&'a str, &'a str, u8)>,
    docs: Vec<(u32, String, &'a str, &'a str)>,
    terms: Vec<&'a str>,
    rarity: Vec<f64>,
    postings: Vec<Vec<u32>>,
    synonyms: Vec<Vec<Vec<String>>>,
}

/// Splits text into index words, lower-cased, the same way search.js splits
/// queries: runs of letters and digits (`_` separates, so `delete_pod` is
/// two words), of two to `MAX_WORD` (40) characters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            let n = w.chars().take(MAX_WORD + 1).count();
            (2..=MAX_WORD).contains(&n)
        })
        .map(str::to_lowercase)
}

/// The English Snowball stemmer: one instance per thread (it is cheap and
/// not `Sync`-shared on purpose: stemming runs in parallel).
fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// The stem of one lower-cased word, as search.js computes it.
pub fn stem(stemmer: &Stemmer, word: &str) -> String {
    stemmer.stem(word).into_owned()
}

/// Stems with a per-page memo: a page repeats its words.
struct Stems {
    stemmer: Stemmer,
    memo: HashMap<String, u32>,
    /// Stems in first-seen order; `memo` maps a word to its index here.
    stems: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Stems {
    fn new() -> Stems {
        Stems {
            stemmer: stemmer(),
            memo: HashMap::new(),
            stems: Vec::new(),
            ids: HashMap::new(),
        }
    }

    fn id(&mut self, word: String) -> u32 {
        if let Some(&id) = self.memo.get(&word) {
            return id;
        }
        let s = stem(&self.stemmer, &word);
        let id = match self.ids.get(&s) {
            Some(&i) => i,
            None => {
                let i = self.stems.len() as u32;
                self.ids.insert(s.clone(), i);
                self.stems.push(s);
                i
            }
        };
        self.memo.insert(word, id);
        id
    }
}

/// One section's weighted stems, before the body weights are known (they
/// need the average section length of the whole book).
struct DocTerms {
    /// (local stem id, fixed weight from title/heading, keyword count,
    /// body count)
    terms: Vec<(u32, u32, u32, u32)>,
    body_len: u32,
    keyword_len: u32,
}

/// One page's docs and stems, computed in parallel with the other pages.
struct PageTerms {
    docs: Vec<DocTerms>,
    stems: Vec<String>,
}

fn page_terms(page: &PageDocs<'_>) -> PageTerms {
    let mut stems = Stems::new();
    let title: Vec<u32> = words(page.title).map(|w| stems.id(w)).collect();
    let mut docs = Vec::with_capacity(page.sections.len() + page.entries.len());
    let fields = page
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.text.as_str(), &[][..]))
        .chain(
            page.entries
                .iter()
                .map(|e| (e.heading.as_str(), e.text.as_str(), e.keywords.as_slice())),
        );
    for (n, (heading, text, keywords)) in fields.enumerate() {
        let mut terms: HashMap<u32, (u32, u32, u32)> = HashMap::new();
        let title_weight = if n == 0 { TITLE_WEIGHT } else { CONTEXT_WEIGHT };
        for &t in &title {
            terms.entry(t).or_default().0 = title_weight;
        }
        // The first section's heading is usually the title itself.
        if !(n == 0 && heading == page.title) {
            for w in words(heading) {
                let e = terms.entry(stems.id(w)).or_default();
                e.0 = e.0.max(HEADING_WEIGHT);
            }
        }
        let mut keyword_len = 0;
        for w in keywords.iter().flat_map(|k| words(k)) {
            keyword_len += 1;
            terms.entry(stems.id(w)).or_default().1 += 1;
        }
        let mut body_len = 0;
        for w in words(text) {
            body_len += 1;
            terms.entry(stems.id(w)).or_default().2 += 1;
        }
        let mut terms: Vec<(u32, u32, u32, u32)> = terms
            .into_iter()
            .map(|(t, (f, k, b))| (t, f, k, b))
            .collect();
        terms.sort_unstable();
        docs.push(DocTerms {
            terms,
            body_len,
            keyword_len,
        });
    }
    PageTerms {
        docs,
        stems: stems.stems,
    }
}

/// The weight of a body word that occurs `count` times in a section of
/// `len` words, where sections have `avg` words on average.
fn body_weight(count: u32, len: u32, avg: f32) -> u32 {
    if count == 0 {
        return 0;
    }
    let tf = count as f32;
    let norm = 1.0 - B + B * len as f32 / avg.max(1.0);
    let w = BODY_WEIGHT * tf / (tf + K1 * norm);
    (w.round() as u32).max(1)
}

/// A stem's `doc, weight` pairs (docs ascending) in the index's layout:
/// groups of equal weight, heaviest first, `weight, count, doc, gap, ...`.
fn grouped(pairs: &[u32]) -> Vec<u32> {
    let mut by_weight: Vec<(u32, u32)> = pairs.chunks_exact(2).map(|p| (p[1], p[0])).collect();
    // Heaviest first; docs ascending within a weight (the sort is stable).
    by_weight.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut out = Vec::with_capacity(pairs.len() + 8);
    let mut at = 0;
    while at < by_weight.len() {
        let weight = by_weight[at].0;
        let end = at + by_weight[at..].iter().take_while(|p| p.0 == weight).count();
        out.extend([weight, (end - at) as u32]);
        let mut last = 0;
        for (n, &(_, doc)) in by_weight[at..end].iter().enumerate() {
            out.push(if n == 0 { doc } else { doc - last });
            last = doc;
        }
        at = end;
    }
    out
}

/// The IDF of a stem held by `df` of `docs` sections, to three decimals
/// (enough to rank by, and short in the index).
fn rarity(docs: usize, df: usize) -> f64 {
    let idf = (1.0 + docs as f64 / df.max(1) as f64).ln();
    (idf * 1000.0).round() / 1000.0
}

/// The weight of a keyword word that occurs `count` times among the `len`
/// keyword words of an entry, where entries with keywords have `avg` on
/// average: [`HEADING_WEIGHT`] at the average, more among fewer. A fault
/// name among few is what a tab is about (Chaos Mesh's tab of a latency
/// scenario names NetworkChaos and delay); one among many is less so (a
/// tab whose manifest wraps another tool's object also names the functions
/// that create and delete it).
fn keyword_weight(count: u32, len: u32, avg: f32) -> u32 {
    if count == 0 {
        return 0;
    }
    let tf = count as f32;
    let norm = 1.0 - B + B * len as f32 / avg.max(1.0);
    let w = HEADING_WEIGHT as f32 * tf * (K1 + 1.0) / (tf + K1 * norm);
    w.round() as u32
}

/// Builds `searchindex.js`. Pages come in book order, so the output is
/// deterministic. Pages are tokenised and stemmed in parallel; only the
/// merge of their postings is serial. `synonyms` are groups of words or
/// phrases a query treats as one; they are stemmed like the text (a
/// phrase into its words' stems).
pub fn build<'a>(
    pages: impl IntoIterator<Item = PageDocs<'a>>,
    synonyms: &[Vec<String>],
) -> String {
    let pages: Vec<PageDocs<'a>> = pages.into_iter().collect();
    let per_page: Vec<PageTerms> = pages.par_iter().map(page_terms).collect();

    let (mut total_len, mut count) = (0u64, 0u64);
    let (mut keyword_total, mut keyword_docs) = (0u64, 0u64);
    for d in per_page.iter().flat_map(|p| &p.docs) {
        total_len += u64::from(d.body_len);
        count += 1;
        if d.keyword_len > 0 {
            keyword_total += u64::from(d.keyword_len);
            keyword_docs += 1;
        }
    }
    let avg = if count == 0 {
        1.0
    } else {
        total_len as f32 / count as f32
    };
    let keyword_avg = if keyword_docs == 0 {
        1.0
    } else {
        keyword_total as f32 / keyword_docs as f32
    };

    let mut index_pages = Vec::with_capacity(pages.len());
    let mut docs = Vec::new();
    // stem -> flat `doc, weight, ...`; docs are numbered in order, so a
    // stem's list only ever grows at its end.
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::new();
    for (p, (page, terms)) in pages.iter().zip(&per_page).enumerate() {
        index_pages.push((page.url, page.title, u8::from(page.entry_point)));
        let texts = page
            .sections
            .iter()
            .map(|s| {
                let suffix = s.anchor.as_ref().map_or(String::new(), |a| format!("#{a}"));
                (suffix, s.heading.as_str(), s.text.as_str())
            })
            .chain(
                page.entries
                    .iter()
                    .map(|e| (e.suffix.clone(), e.heading.as_str(), e.text.as_str())),
            );
        for ((suffix, heading, text), doc_terms) in texts.zip(&terms.docs) {
            let doc = docs.len() as u32;
            docs.push((p as u32, suffix, heading, text));
            for &(t, fixed, keyword, body) in &doc_terms.terms {
                let fixed = fixed.max(keyword_weight(keyword, doc_terms.keyword_len, keyword_avg));
                let weight = fixed + body_weight(body, doc_terms.body_len, avg);
                postings
                    .entry(terms.stems[t as usize].as_str())
                    .or_default()
                    .extend([doc, weight]);
            }
        }
    }
    let mut postings: Vec<(&str, Vec<u32>)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let stemmer = stemmer();
    let synonyms = synonyms
        .iter()
        .map(|group| {
            let mut phrases: Vec<Vec<String>> = Vec::new();
            for phrase in group {
                let stems: Vec<String> = words(phrase).map(|w| stem(&stemmer, &w)).collect();
                if !stems.is_empty() && !phrases.contains(&stems) {
                    phrases.push(stems);
                }
            }
            phrases
        })
        .filter(|phrases| phrases.len() > 1)
        .collect();
    let n_docs = docs.len();
    let rarity = postings
        .iter()
        .map(|(_, p)| rarity(n_docs, p.len() / 2))
        .collect();
    let (terms, postings): (Vec<&str>, Vec<Vec<u32>>) =
        postings.into_iter().map(|(t, p)| (t, grouped(&p))).unzip();
    let index = Index {
        pages: index_pages,
        docs,
        terms,
        rarity,
        postings,
        synonyms,
    };
    let json = serde_json::to_string(&index).expect("the index serialises");
    format!("window.chaosbookSearch = {json};\n")
}

/// The fault names of a manifest, as keywords for its scenario's tab: the
/// values of the fields tools name their faults with (a Kubernetes `kind`
/// other than access-control plumbing, `action`, `actionId`, `actionType`,
/// `commandType`, Chaos Toolkit's `func`, Chaosblade's `target`, a
/// Schedule's `type: ...Chaos`, a LitmusChaos experiment's `name`, a Krkn
/// scenario's `id`, an Azure Chaos Studio fault's `urn:csci:` name), found
/// line by line so that YAML, JSON and escaped JSON inside JSON all work.
pub fn manifest_keywords(manifest: &str) -> Vec<String> {
    const PLUMBING: &[&str] = &[
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ClusterRole",
        "ClusterRoleBinding",
        "ConfigMap",
        "Secret",
        "Namespace",
    ];
    let mut out: Vec<String> = Vec::new();
    let mut in_experiments = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        for (key, value) in key_values(item) {
            let value = value.as_str();
            let keep = match key.as_str() {
                "kind" => !PLUMBING.contains(&value),
                "type" => value.ends_with("Chaos"),
                "action" | "actionId" | "actionType" | "commandType" | "func" | "target" => true,
                "name" => in_experiments || value.starts_with("urn:csci:"),
                "id" => line.starts_with("- id:"),
                _ => false,
            };
            if keep && !value.is_empty() && !out.iter().any(|v| v == value) {
                out.push(value.to_string());
            }
        }
        if trimmed.starts_with("experiments:") {
            in_experiments = true;
        } else if in_experiments && !trimmed.starts_with('-') && !trimmed.starts_with("name:") {
            in_experiments = false;
        }
    }
    out
}

/// The `key: value` pairs of one manifest line: a YAML `key: value`, or any
/// number of JSON `"key": "value"` (escaped JSON inside a string too).
fn key_values(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !line.starts_with('"') && !line.starts_with('{') {
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim().trim_matches(['"', '\'']);
            if !k.contains(' ') && !v.is_empty() && !v.contains(' ') && !v.contains('{') {
                out.push((k.to_string(), v.to_string()));
            }
        }
        return out;
    }
    let line = line.replace("\\\"", "\"");
    let mut rest = line.as_str();
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let key = &after[..end];
        rest = &after[end + 1..];
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let Some(value) = value.trim_start().strip_prefix('"') else {
            continue;
        };
        // A string holding JSON: its pairs are read next.
        if value.starts_with(['{', '[']) {
            rest = value;
            continue;
        }
        let Some(close) = value.find('"') else { break };
        out.push((key.to_string(), value[..close].to_string()));
        rest = &value[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyword_among_few_weighs_more_than_one_among_many() {
        // 20 x 2.2 / (1 + 1.2 x (0.25 + 0.75 x len / 6))
        assert_eq!(keyword_weight(1, 6, 6.0), 20);
        assert_eq!(keyword_weight(1, 4, 6.0), 23);
        assert_eq!(keyword_weight(1, 10, 6.0), 16);
        assert_eq!(keyword_weight(0, 4, 6.0), 0);
    }

    #[test]
    fn postings_are_grouped_by_weight_heaviest_first_with_gaps() {
        // (doc, weight) pairs, docs ascending, as the build collects them.
        let pairs = [3, 8, 5, 40, 9, 8, 12, 8, 20, 40];
        assert_eq!(grouped(&pairs), [40, 2, 5, 15, 8, 3, 3, 6, 3]);
        assert_eq!(grouped(&[]), Vec::<u32>::new());
    }

    fn index(js: &str) -> serde_json::Value {
        let json = js
            .strip_prefix("window.chaosbookSearch = ")
            .unwrap()
            .trim_end()
            .trim_end_matches(';');
        serde_json::from_str(json).unwrap()
    }

    fn postings_of(v: &serde_json::Value, term: &str) -> serde_json::Value {
        let terms = v["terms"].as_array().unwrap();
        let i = terms.iter().position(|t| t == term).unwrap();
        v["postings"][i].clone()
    }

    #[test]
    fn index_is_sorted_stemmed_and_weighted() {
        let sections = vec![
            Section {
                anchor: Some("pod-deletion".into()),
                heading: "Pod deletion".into(),
                text: "Deleting pods matters.".into(),
            },
            Section {
                anchor: Some("steady-state".into()),
                heading: "Steady state".into(),
                text: "Define the steady state first; deleted.".into(),
            },
        ];
        let entries = vec![Entry {
            suffix: "?tool=chaos-mesh#implementations".into(),
            heading: "Chaos Mesh".into(),
            text: "Wrap it in a Schedule.".into(),
            keywords: vec!["PodChaos".into(), "pod-kill".into()],
        }];
        let synonyms = vec![
            vec!["delete".to_string(), "kill".to_string()],
            vec![
                "GameDay".to_string(),
                "game day".to_string(),
                "game-day".to_string(),
            ],
            vec!["a".to_string(), "I".to_string()],
        ];
        let v = index(&build(
            [PageDocs {
                url: "a.html",
                title: "Pod deletion",
                sections: &sections,
                entries: &entries,
                entry_point: true,
            }],
            &synonyms,
        ));
        assert_eq!(
            v["pages"],
            serde_json::json!([["a.html", "Pod deletion", 1]])
        );
        assert_eq!(v["docs"][1][1], "#steady-state");
        assert_eq!(v["docs"][2][1], "?tool=chaos-mesh#implementations");
        let terms: Vec<&str> = v["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut sorted = terms.clone();
        sorted.sort();
        assert_eq!(terms, sorted);
        // "deletion", "Deleting" and "deleted" are one stem; the title
        // counts in the first section, as context in the others. Groups of
        // `weight, count, docs`, heaviest first.
        assert_eq!(
            postings_of(&v, "delet"),
            serde_json::json!([44, 1, 0, 6, 1, 1, 3, 1, 2])
        );
        assert_eq!(postings_of(&v, "steadi"), serde_json::json!([23, 1, 1]));
        // Keywords weigh like a heading; "PodChaos" is one word.
        assert_eq!(postings_of(&v, "podchao"), serde_json::json!([20, 1, 2]));
        assert_eq!(postings_of(&v, "kill"), serde_json::json!([20, 1, 2]));
        // Rarity: ln(1 + 3 docs / 3 holding "delet"), ln(1 + 3 / 1).
        let rarity_of = |term: &str| {
            let i = terms.iter().position(|t| *t == term).unwrap();
            v["rarity"][i].as_f64().unwrap()
        };
        assert_eq!(rarity_of("delet"), 0.693);
        assert_eq!(rarity_of("kill"), 1.386);
        // Synonyms are stemmed, phrases word by word; a phrase whose stems
        // repeat another's is dropped, and so is a group left with one.
        assert_eq!(
            v["synonyms"],
            serde_json::json!([[["delet"], ["kill"]], [["gameday"], ["game", "day"]]])
        );
    }

    #[test]
    fn words_split_on_punctuation_and_underscores() {
        let w: Vec<String> = words("aws:eks:pod-delete delete_pod a I/O Ünïcode").collect();
        assert_eq!(
            w,
            ["aws", "eks", "pod", "delete", "delete", "pod", "ünïcode"]
        );
    }

    #[test]
    fn stems_are_snowball_english() {
        let s = stemmer();
        for (word, expected) in [
            ("deletion", "delet"),
            ("deleting", "delet"),
            ("latencies", "latenc"),
            ("latency", "latenc"),
            ("chaos", "chao"),
            ("generously", "generous"),
            ("skies", "sky"),
            ("running", "run"),
            ("certificate", "certif"),
        ] {
            assert_eq!(stem(&s, word), expected, "{word}");
        }
    }

    #[test]
    fn fault_names_come_from_the_fields_tools_name_them_with() {
        let chaos_mesh = "apiVersion: chaos-mesh.org/v1alpha1\nkind: Schedule\nspec:\n  type: PodChaos\n  podChaos:\n    action: pod-kill\n    mode: one\n";
        assert_eq!(
            manifest_keywords(chaos_mesh),
            ["Schedule", "PodChaos", "pod-kill"]
        );
        let litmus = "kind: ServiceAccount\n---\nkind: ChaosEngine\nspec:\n  experiments:\n    - name: pod-delete\n      spec:\n        components:\n          env:\n            - name: TOTAL_CHAOS_DURATION\n";
        assert_eq!(manifest_keywords(litmus), ["ChaosEngine", "pod-delete"]);
        let fis = "{\n  \"actions\": {\n    \"x\": {\n      \"actionId\": \"aws:eks:pod-delete\",\n      \"type\": \"List\"\n";
        assert_eq!(manifest_keywords(fis), ["aws:eks:pod-delete"]);
        let azure = r#"                "name": "urn:csci:microsoft:azureKubernetesServiceChaosMesh:podChaos/2.2",
                    "value": "{\"action\":\"pod-kill\",\"mode\":\"one\"}""#;
        assert_eq!(
            manifest_keywords(azure),
            [
                "urn:csci:microsoft:azureKubernetesServiceChaosMesh:podChaos/2.2",
                "pod-kill"
            ]
        );
        assert_eq!(
            manifest_keywords("- id: kill-pods\n  config:\n    kill: 1\n"),
            ["kill-pods"]
        );
    }
}
