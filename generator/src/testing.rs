//! Helpers shared by unit tests.

/// The repository root: book.toml, catalog/, whitepaper/, tests/.
pub(crate) fn project_root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the repository")
}

/// A copy of the fixture project (tests/fixtures/minimal) in a temporary
/// folder, with the real `chaos-mesh` and `shell` format schemas it uses
/// and `toxiproxy`, a format the lab runs.
pub(crate) fn fixture_project() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&project_root().join("tests/fixtures/minimal"), dir.path());
    let formats = dir.path().join("catalog/schema/formats");
    std::fs::create_dir_all(&formats).unwrap();
    for f in ["chaos-mesh", "shell", "toxiproxy"] {
        let name = format!("{f}.schema.json");
        std::fs::copy(
            project_root().join("catalog/schema/formats").join(&name),
            formats.join(&name),
        )
        .unwrap();
    }
    dir
}
