//! Helpers shared by unit tests.

/// A small deterministic random generator (a linear congruential one):
/// generated test corpora are the same on every run and machine.
pub struct Lcg(pub u64);

impl Lcg {
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The repository root: book.toml, catalog/, whitepaper/, tests/.
pub fn project_root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the repository")
}

/// Every rendered manifest of the project's catalog whose format is
/// highlighted as one of `languages` ("yaml", "json", "bash"), with it.
pub fn project_manifests(languages: &[&str]) -> Vec<(String, &'static str)> {
    let (catalog, _) = crate::check(project_root());
    catalog
        .manifests
        .values()
        .filter_map(|m| {
            let language = catalog.formats.get(&m.format)?.syntax.language();
            languages
                .contains(&language)
                .then(|| (m.rendered.clone(), language))
        })
        .collect()
}
