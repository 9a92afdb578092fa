//! Finding and reading catalog files.
//!
//! Layout (relative to the catalog folder):
//! - `tools/<id>.yaml`, `practices/<id>.yaml`, `scenarios/<category>/<id>.yaml`
//! - `scenarios/<category>/<anything>/...`: manifest files that scenarios
//!   reference with `manifest_file` (read only when referenced)
//! - `schema/formats/<format>.schema.json`: manifest format schemas
//!
//! Reading never panics and never stops at the first problem: each file
//! that cannot be read becomes a diagnostic and the others go on.

use std::path::{Component, Path, PathBuf};

use crate::catalog::model::Kind;
use crate::catalog::yaml::{LineIndex, Span};
use crate::config::Config;
use crate::content_path::{Project, Refusal};
use crate::diagnostics::{Diagnostic, Report};

/// A catalog file to parse, with its kind.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the project root.
    pub rel: PathBuf,
    /// The same file, as read from disk.
    pub abs: PathBuf,
    /// Tool, scenario or practice, from the folder it is in.
    pub kind: Kind,
    /// For scenarios: the category folder it sits in.
    pub folder: Option<String>,
}

/// Everything `discover` found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The catalog files, in the order they were found.
    pub files: Vec<Found>,
    /// (format name, relative path, absolute path)
    pub formats: Vec<(String, PathBuf, PathBuf)>,
    /// The recorded lab runs (`catalog/lab-runs.yaml`), if the file exists:
    /// (relative path, absolute path).
    pub lab_runs: Option<(PathBuf, PathBuf)>,
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Walks the catalog folder (following symlinks, reporting loops) in a
/// stable order.
pub fn discover(config: &Config, report: &mut Report) -> Discovered {
    let dir = config.catalog_dir();
    let mut found = Discovered::default();
    if !dir.is_dir() {
        report.push(
            Diagnostic::error("io-error", config.settings.catalog.clone(), Span::default(), format!("the catalog folder `{}` does not exist", config.settings.catalog.display()))
                .with_help("run from the project root, pass --root DIR, or set `catalog` in the [output.chaosbook] table of book.toml"),
        );
        return found;
    }
    let Some(project) = project(config, report) else {
        return found;
    };
    for entry in project.walk(&dir) {
        let entry = match entry {
            Ok(e) => e,
            Err(d) => {
                report.push(*d);
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel_to_catalog = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let parts: Vec<String> = rel_to_catalog
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let rel = relative(&config.root, entry.path());
        let abs = entry.path().to_path_buf();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            ["schema", "formats", name] if name.ends_with(".schema.json") => {
                found.formats.push((name.trim_end_matches(".schema.json").to_string(), rel, abs));
            }
            ["schema", ..] => {}
            [name] if *name == crate::vocabulary::FILE => {} // read by the vocabulary lint
            [name] if *name == super::LAB_RUNS_FILE => found.lab_runs = Some((rel, abs)),
            ["tools", name] if is_yaml(name) => found.files.push(Found { rel, abs, kind: Kind::Tool, folder: None }),
            ["practices", name] if is_yaml(name) => found.files.push(Found { rel, abs, kind: Kind::Practice, folder: None }),
            ["scenarios", folder, name] if is_yaml(name) => {
                found.files.push(Found { rel, abs, kind: Kind::Scenario, folder: Some(folder.to_string()) })
            }
            ["scenarios", _, _, ..] => {}
            [.., name] if is_yaml(name) => report.push(
                Diagnostic::warning("stray-file", rel, Span::default(), "this YAML file is not part of the catalog and is ignored")
                    .with_help("tools go in catalog/tools/, practices in catalog/practices/, scenarios in catalog/scenarios/<category>/"),
            ),
            _ => {}
        }
    }
    found
}

/// `path` relative to `root` when it is below it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The project of `config`, or an `io-error` diagnostic when its root
/// cannot be resolved.
fn project(config: &Config, report: &mut Report) -> Option<Project> {
    match Project::new(&config.root) {
        Ok(p) => Some(p),
        Err(e) => {
            report.push(Diagnostic::error(
                "io-error",
                config.root.clone(),
                Span::default(),
                format!("cannot resolve the project root: {e}"),
            ));
            None
        }
    }
}

/// Reads a text file of the project under the one rule of
/// [`crate::content_path`]: inside the root, a regular file, bounded in
/// size, UTF-8 (a BOM is accepted and dropped).
pub fn read_text(
    root: &Path,
    abs: &Path,
    rel: &Path,
    max_size: u64,
) -> Result<String, Box<Diagnostic>> {
    let refused = |r: Refusal| {
        Box::new(r.diagnostic(rel, Span::default(), &crate::diagnostics::display_path(rel)))
    };
    let project = Project::new(root).map_err(|e| refused(Refusal::Io(e)))?;
    let mut bytes = match project.read(abs, max_size).map_err(refused)? {
        Ok(bytes) => bytes,
        Err(len) => {
            return Err(Box::new(Diagnostic::error(
                "file-too-large",
                rel,
                Span { line: 1, column: 1, ..Span::default() },
                format!("the file is {len} bytes, over the limit of {max_size} bytes"),
            )
            .with_help("split it into smaller files, or raise `max-file-size` in the [output.chaosbook] table of book.toml")))
        }
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or("");
        let (line, column) = LineIndex::new(prefix).line_col(valid);
        Box::new(
            Diagnostic::error(
                "file-encoding",
                rel,
                Span {
                    start: valid,
                    end: valid,
                    line,
                    column,
                },
                format!("the file is not valid UTF-8 (byte offset {valid})"),
            )
            .with_help("save the file as UTF-8"),
        )
    })
}

/// Why a `manifest_file` path is refused: (code, message, help).
pub type PathError = (&'static str, String, String);

/// Resolves a `manifest_file` path written in a scenario: relative to the
/// scenario's folder, inside the catalog without `..`, and under the one
/// rule of [`crate::content_path`] (inside the project once symbolic links
/// are followed, a regular file).
pub fn resolve_manifest_path(
    config: &Config,
    scenario_abs: &Path,
    written: &str,
) -> Result<(PathBuf, PathBuf), PathError> {
    let path = Path::new(written);
    if path.is_absolute()
        || path.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        })
    {
        let code = if path.is_absolute() {
            crate::content_path::OUTSIDE
        } else {
            "manifest-path"
        };
        return Err((
            code,
            format!("manifest path `{written}` leaves the scenario's folder"),
            "put the manifest beside the scenario (e.g. `pod-delete/chaos-mesh.yaml`) and write the path without `..`".into(),
        ));
    }
    let abs = scenario_abs.parent().unwrap_or(Path::new(".")).join(path);
    let project = Project::new(&config.root).map_err(|e| {
        (
            "io-error",
            format!("cannot resolve the project root: {e}"),
            String::new(),
        )
    })?;
    let real = match project.file(&abs) {
        Ok(real) => real,
        Err(Refusal::Missing) => {
            return Err((
                "manifest-path",
                format!("manifest file `{written}` does not exist"),
                format!(
                    "create it at {}, or fix the path",
                    relative(&config.root, &abs).display()
                ),
            ))
        }
        Err(r) => {
            let d = r.diagnostic(PathBuf::new(), Span::default(), written);
            return Err((r.code(), d.message, d.help.unwrap_or_default()));
        }
    };
    let catalog = config.catalog_dir().canonicalize().map_err(|e| {
        (
            "io-error",
            format!("cannot resolve the catalog folder: {e}"),
            String::new(),
        )
    })?;
    if !real.starts_with(&catalog) {
        return Err((
            "manifest-path",
            format!(
                "manifest path `{written}` resolves outside the catalog (through a symbolic link)"
            ),
            "copy the manifest into the catalog instead of linking to it".into(),
        ));
    }
    Ok((relative(&config.root, &abs), abs))
}
