//! Records the git commit the binary is built from, for `chaosbook --version`
//! ("unknown" outside a git checkout, e.g. when built from a package).

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CHAOSBOOK_COMMIT={commit}");
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and
    // packed refs.
    let git = Path::new("../.git");
    if git.join("HEAD").exists() {
        println!("cargo:rerun-if-changed=../.git/HEAD");
        if let Ok(head) = std::fs::read_to_string(git.join("HEAD")) {
            if let Some(r) = head.trim().strip_prefix("ref: ") {
                println!("cargo:rerun-if-changed=../.git/{r}");
            }
        }
        println!("cargo:rerun-if-changed=../.git/packed-refs");
    }
}
