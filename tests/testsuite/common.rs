//! What the integration tests share: the repository's root, folder copies,
//! and the fixture project (tests/fixtures/minimal) in a temporary folder
//! with the format schemas it uses.

#![allow(dead_code)]

use std::collections::BTreeMap;
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
/// format schemas it uses and `toxiproxy`, a format the lab runs.
pub(crate) fn fixture_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/minimal"), dir.path());
    let formats = dir.path().join("catalog/schema/formats");
    fs::create_dir_all(&formats).unwrap();
    for f in ["chaos-mesh", "shell", "toxiproxy"] {
        let name = format!("{f}.schema.json");
        fs::copy(
            repo().join("catalog/schema/formats").join(&name),
            formats.join(&name),
        )
        .unwrap();
    }
    dir
}

/// The `chaosbook` binary under test.
pub(crate) fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_chaosbook")
}

/// Runs `chaosbook ARGS` from the project root, as users do (with `--root`
/// too, to test it).
pub(crate) fn run(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(bin())
        .current_dir(root)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

/// The raw HTTP/1.1 response to `GET path` from a server at `base`
/// (`http://127.0.0.1:PORT`): what arrived before the server closed or the
/// read failed.
pub(crate) fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// Every file under `dir`, relative path -> bytes.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(e.path()).unwrap());
        }
    }
    out
}
