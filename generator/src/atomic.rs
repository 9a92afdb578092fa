//! Atomic writes, the one way chaosbook writes its outputs (the site,
//! exports, the PDF, the link cache): everything goes to a temporary file
//! or folder beside the destination, which then replaces it with a rename.
//! A reader never sees a half-written output, and a failure leaves the
//! previous one untouched.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folder `path` goes in (`.` for a bare file name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to the file `path`, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_of(path);
    let io = |e: std::io::Error| Error::io("cannot write", path, e);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Replaces the folder `dest` with one that `fill` writes (given the new
/// folder's path). The new folder is made beside `dest` (so the rename
/// stays on one file system) and is readable by all, like a folder made
/// without a temporary name; on any failure it is removed and `dest` is
/// as it was.
pub fn replace_dir(dest: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = parent_of(dest);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("cannot create", &parent, e))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .map_err(|e| Error::io("cannot create a folder in", &parent, e))?;
    fill(tmp.path())?;
    set_readable(tmp.path()).map_err(|e| Error::io("cannot set permissions of", tmp.path(), e))?;
    let staged = tmp.keep();
    if let Err(e) = swap_in(&staged, dest) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::io("cannot move the new output to", dest, e));
    }
    Ok(())
}

/// A temporary folder is created private (0700); outputs are meant to be read.
fn set_readable(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Puts `staged` at `dest`; the previous `dest`, if any, is removed after.
fn swap_in(staged: &Path, dest: &Path) -> std::io::Result<()> {
    if !dest.exists() {
        return std::fs::rename(staged, dest);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, staged, CWD, dest, RenameFlags::EXCHANGE).is_ok() {
            // `staged` now holds the previous output.
            let _ = std::fs::remove_dir_all(staged);
            return Ok(());
        }
    }
    // Elsewhere (or on file systems without exchange): two renames, undone
    // if the second fails.
    let old = staged.with_file_name(format!(
        "{}.old",
        staged.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::rename(dest, &old)?;
    if let Err(e) = std::fs::rename(staged, dest) {
        let _ = std::fs::rename(&old, dest);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_fill_leaves_the_previous_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        replace_dir(&dest, |p| {
            std::fs::write(p.join("a"), "one").map_err(|e| Error::io("cannot write", p, e))
        })
        .unwrap();
        let err = replace_dir(&dest, |_| Err(Error::Env("broken".into()))).unwrap_err();
        assert_eq!(err.to_string(), "broken");
        assert_eq!(std::fs::read_to_string(dest.join("a")).unwrap(), "one");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("out")]);
    }

    #[test]
    fn files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/f.json");
        write_file(&file, b"1").unwrap();
        write_file(&file, b"2").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"2");
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            1
        );
    }
}
