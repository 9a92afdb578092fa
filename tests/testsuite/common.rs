//! What the integration tests share: the repository's root, folder copies,
//! and the fixture project (tests/fixtures/minimal) in a temporary folder
//! with the format schemas it uses.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the fixture project, with the real `chaos-mesh` and `shell`
/// format schemas it uses.
pub(crate) fn fixture_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/minimal"), dir.path());
    let formats = dir.path().join("catalog/schema/formats");
    fs::create_dir_all(&formats).unwrap();
    for f in ["chaos-mesh", "shell"] {
        let name = format!("{f}.schema.json");
        fs::copy(
            repo().join("catalog/schema/formats").join(&name),
            formats.join(&name),
        )
        .unwrap();
    }
    dir
}
