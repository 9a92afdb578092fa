//! Writing the site: into a fresh folder beside the destination, swapped
//! in with one rename ([`crate::atomic::replace_dir`]; on Linux `renameat2`
//! with `RENAME_EXCHANGE`, so readers never see a missing or half-written
//! site), never over the project's sources.
//!
//! A build never deletes what it did not write: every site carries a marker
//! file ([`MARKER`]), and an existing destination is replaced only when it is
//! empty or holds that marker, unless the caller forces it (`--force`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Site;
use crate::destination::Sources;
use crate::BuildError;

/// The file every site holds, so a later build knows the folder is its own.
pub const MARKER: &str = ".chaosbook-site";

/// What the marker file says (fixed: the same input gives the same bytes).
const MARKER_TEXT: &str =
    "This folder is a site chaosbook built; chaosbook replaces it whole on the next build.\n";

/// Writes `site` to `dest`, replacing what was there. A `dest` in or over
/// the `sources` is refused, `force` or not; a non-empty `dest` without the
/// [`MARKER`] of a previous site is refused unless `force`.
pub fn write_site(
    site: &Site,
    dest: &Path,
    sources: &Sources,
    force: bool,
) -> Result<(), BuildError> {
    let dest = absolute(dest).map_err(|e| BuildError::io("cannot resolve", dest, e))?;
    if let Some(reason) = sources.refusal(&dest, "write the site", "a --dest") {
        return Err(BuildError::Destination {
            path: dest.clone(),
            reason,
        });
    }
    if dest.exists() && !dest.is_dir() {
        return Err(BuildError::Destination {
            path: dest.clone(),
            reason: format!(
                "the destination {} exists and is not a folder",
                dest.display()
            ),
        });
    }
    if !force && !replaceable(&dest) {
        return Err(BuildError::Destination {
            path: dest.clone(),
            reason: format!(
            "refusing to replace {}: it is not empty and is not a site chaosbook built (no {MARKER} file); choose another --dest, empty the folder, or pass --force to replace it",
            dest.display()
        ),
    });
    }
    if dest.parent().is_none() {
        return Err(BuildError::Destination {
            path: dest.clone(),
            reason: format!("the destination {} has no parent folder", dest.display()),
        });
    }
    crate::atomic::replace_dir(&dest, |tmp| {
        // Folders first (sorted, so parents come before children), then
        // files in parallel; the marker last.
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
        })?;
        let marker = tmp.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| BuildError::io("cannot write", &marker, e))
    })
}

/// Whether `dest` may be replaced without `--force`: it does not exist, is
/// empty, or holds the marker of a previous site (a regular file, not a
/// link someone placed).
pub fn replaceable(dest: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dest) else {
        return !dest.exists();
    };
    entries.next().is_none()
        || std::fs::symlink_metadata(dest.join(MARKER)).is_ok_and(|m| m.file_type().is_file())
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
            &Sources::default(),
            false,
        )
        .unwrap();
        write_site(
            &site(&[("index.html", "two"), ("a/b.html", "b")]),
            &dest,
            &Sources::default(),
            false,
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
        assert!(dest.join(MARKER).is_file());
    }

    #[test]
    fn refuses_a_folder_it_did_not_write_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("photos");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join("holiday.jpg"), "mine").unwrap();
        let Err(BuildError::Destination { path, reason: msg }) = write_site(
            &site(&[("index.html", "x")]),
            &dest,
            &Sources::default(),
            false,
        ) else {
            panic!("expected a refusal")
        };
        assert_eq!(path, dest);
        assert!(msg.contains("photos") && msg.contains("--force"), "{msg}");
        assert_eq!(
            std::fs::read_to_string(dest.join("holiday.jpg")).unwrap(),
            "mine"
        );
        // A marker that is a link does not count.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dest.join("holiday.jpg"), dest.join(MARKER)).unwrap();
            assert!(write_site(
                &site(&[("index.html", "x")]),
                &dest,
                &Sources::default(),
                false
            )
            .is_err());
            std::fs::remove_file(dest.join(MARKER)).unwrap();
        }
        write_site(
            &site(&[("index.html", "x")]),
            &dest,
            &Sources::default(),
            true,
        )
        .unwrap();
        assert!(!dest.join("holiday.jpg").exists());
        // An empty folder is fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        write_site(
            &site(&[("index.html", "x")]),
            &empty,
            &Sources::default(),
            false,
        )
        .unwrap();
    }

    #[test]
    fn refuses_to_replace_sources() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        let sources = Sources::in_project(dir.path(), [&src, &dir.path().join("c"), &src]);
        let err =
            write_site(&site(&[("index.html", "x")]), dir.path(), &sources, true).unwrap_err();
        assert!(matches!(err, BuildError::Destination { .. }), "{err:?}");
        let err = write_site(
            &site(&[("index.html", "x")]),
            &src.join("in"),
            &sources,
            true,
        )
        .unwrap_err();
        assert!(matches!(err, BuildError::Destination { .. }), "{err:?}");
        assert!(src.exists());
    }
}
