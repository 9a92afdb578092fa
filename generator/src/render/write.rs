//! Writing the site: into a fresh folder beside the destination, swapped
//! in with one rename ([`crate::atomic::replace_dir`]; on Linux `renameat2`
//! with `RENAME_EXCHANGE`, so readers never see a missing or half-written
//! site), never over the project's sources.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Site;
use crate::BuildError;

/// Writes `site` to `dest`, replacing what was there. `protected` are
/// folders that must never be replaced or deleted (the project root, the
/// sources): a `--dest` pointing at or above one of them is refused.
pub fn write_site(site: &Site, dest: &Path, protected: &[&Path]) -> Result<(), BuildError> {
    let dest = absolute(dest).map_err(|e| BuildError::io("cannot resolve", dest, e))?;
    for p in protected {
        let p = absolute(p).map_err(|e| BuildError::io("cannot resolve", p, e))?;
        if p.starts_with(&dest) {
            return Err(BuildError::Env(format!(
                "refusing to write the site to {}: it would replace {}, which holds sources",
                dest.display(),
                p.display()
            )));
        }
    }
    if dest.exists() && !dest.is_dir() {
        return Err(BuildError::Env(format!(
            "the destination {} exists and is not a folder",
            dest.display()
        )));
    }
    if dest.parent().is_none() {
        return Err(BuildError::Env(format!(
            "the destination {} has no parent folder",
            dest.display()
        )));
    }
    crate::atomic::replace_dir(&dest, |tmp| {
        // Folders first (sorted, so parents come before children), then
        // files in parallel.
        let mut dirs: Vec<PathBuf> = site
            .files
            .keys()
            .filter_map(|k| Path::new(k).parent().map(Path::to_path_buf))
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in &dirs {
            let p = tmp.join(d);
            std::fs::create_dir_all(&p).map_err(|e| BuildError::io("cannot create", &p, e))?;
        }
        site.files.par_iter().try_for_each(|(rel, bytes)| {
            let p = tmp.join(rel);
            std::fs::write(&p, bytes).map_err(|e| BuildError::io("cannot write", &p, e))
        })
    })
}

fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    // Canonicalise what exists (resolving symlinks and `..`), keep the rest.
    let abs = std::path::absolute(p)?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return Ok(abs),
        }
    }
    let mut out = existing.canonicalize()?;
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Bytes;
    use std::collections::BTreeMap;

    fn site(files: &[(&str, &str)]) -> Site {
        Site {
            files: files
                .iter()
                .map(|(k, v)| (k.to_string(), Bytes::copy_from_slice(v.as_bytes())))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("book");
        write_site(
            &site(&[("index.html", "one"), ("old.html", "x")]),
            &dest,
            &[],
        )
        .unwrap();
        write_site(
            &site(&[("index.html", "two"), ("a/b.html", "b")]),
            &dest,
            &[],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "two"
        );
        assert_eq!(std::fs::read_to_string(dest.join("a/b.html")).unwrap(), "b");
        assert!(!dest.join("old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("book")]);
    }

    #[test]
    fn refuses_to_replace_sources() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        let err = write_site(&site(&[("index.html", "x")]), dir.path(), &[&src]).unwrap_err();
        assert!(matches!(err, BuildError::Env(_)));
        assert!(src.exists());
    }
}
