//! Where chaosbook may write. `build --dest`, `pdf --out` and `export --out`
//! never write into the project's sources (book.toml and the book's, the
//! catalog's and the theme's folders) and never replace a folder that holds
//! them, `--force` or not: a mistyped path must not cost a writer their
//! work. `--force` only lets a command replace other files it did not write.
//!
//! Paths are compared as the file system resolves them (symbolic links
//! followed), so a link into `catalog/` is refused like `catalog/` itself.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use crate::config::Config;

/// The project's sources, resolved. (`Default`, in tests: none.)
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(Default))]
pub struct Sources {
    /// book.toml, and the folders a write may not go into.
    files: Vec<PathBuf>,
    /// Folders that are sources but hold the project root too (a book
    /// whose source folder is the root): a write may go into them, not
    /// replace them.
    around: Vec<PathBuf>,
}

impl Sources {
    /// The sources of the project `config` describes.
    pub fn of(config: &Config) -> Sources {
        Sources::in_project(
            &config.root,
            [
                &config.book_src,
                &config.settings.catalog,
                &config.settings.theme,
            ],
        )
    }

    /// The sources of the project at `root` whose book, catalog and theme
    /// are `folders` (relative to `root`, or absolute).
    pub fn in_project(root: &Path, folders: [&Path; 3]) -> Sources {
        let folders = folders.map(|f| resolved(&root.join(f)));
        let (around, inside): (Vec<PathBuf>, Vec<PathBuf>) = folders
            .into_iter()
            .partition(|f| resolved(root).starts_with(f));
        let mut files = vec![resolved(&root.join("book.toml"))];
        files.extend(inside);
        Sources { files, around }
    }

    /// The refusal a command gives when `dest` may not be written (see
    /// [`Sources::overlap`]): `doing` is what it was asked to do ("write
    /// the site"), `option` the option that named `dest`, with its article
    /// ("a --dest").
    pub fn refusal(&self, dest: &Path, doing: &str, option: &str) -> Option<String> {
        self.overlap(dest).map(|why| {
            format!(
                "refusing to {doing} to {}: {why}; choose {option} outside them",
                dest.display()
            )
        })
    }

    /// Why `dest` may not be written, if it may not: it is a source, lies
    /// inside a source folder, or holds a source (the project root, or a
    /// folder above it).
    pub fn overlap(&self, dest: &Path) -> Option<String> {
        let dest = resolved(dest);
        if let Some(source) = self.files.iter().find(|s| dest.starts_with(s)) {
            return Some(format!(
                "{} is in the project's sources ({})",
                dest.display(),
                source.display()
            ));
        }
        self.files
            .iter()
            .chain(&self.around)
            .find(|s| s.starts_with(&dest))
            .map(|source| {
                format!(
                    "{} holds the project's sources ({})",
                    dest.display(),
                    source.display()
                )
            })
    }
}

/// `path` as the file system resolves it: every `..` applied to what
/// precedes it as resolved so far (links followed where they exist), then
/// the longest existing ancestor with links followed and the rest as
/// written (names that do not exist are not links).
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for component in abs.components() {
        match component {
            Component::ParentDir => {
                if let Ok(real) = lexical.canonicalize() {
                    lexical = real;
                }
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest: Vec<&OsStr> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, Sources) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["whitepaper", "catalog/tools", "theme", "book", "target"] {
            std::fs::create_dir_all(root.join(f)).unwrap();
        }
        std::fs::write(root.join("book.toml"), "[book]\nsrc = \"whitepaper\"\n").unwrap();
        let config = Config::load(root).unwrap();
        (dir, Sources::of(&config))
    }

    #[test]
    fn sources_and_what_holds_them_are_refused() {
        let (dir, sources) = project();
        let root = dir.path();
        for refused in [
            root.to_path_buf(),
            root.parent().unwrap().to_path_buf(),
            root.join("book.toml"),
            root.join("catalog"),
            root.join("catalog/tools"),
            root.join("catalog/new/site"),
            root.join("whitepaper/intro.md"),
            root.join("theme/out.pdf"),
            root.join("book/../catalog/x"),
            root.join("missing/../whitepaper/x.pdf"),
        ] {
            assert!(
                sources.overlap(&refused).is_some(),
                "{} was allowed",
                refused.display()
            );
        }
        for allowed in [
            root.join("book"),
            root.join("target/chaosbook.pdf"),
            root.join("target/new/export"),
            root.join("catalogue"),
        ] {
            assert_eq!(sources.overlap(&allowed), None, "{}", allowed.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_into_the_sources_is_refused() {
        let (dir, sources) = project();
        let root = dir.path();
        std::os::unix::fs::symlink(root.join("catalog"), root.join("target/link")).unwrap();
        assert!(sources.overlap(&root.join("target/link/tools")).is_some());
    }
}
