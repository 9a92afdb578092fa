//! What one reading of the catalog keeps for the next one, so that `serve`
//! redoes only what an edit changed.
//!
//! Every entry is keyed on the exact text it was computed from (a catalog
//! file, a format schema, a rendered manifest), never on a list of fields
//! or on what the watcher says changed: an entry whose text differs is
//! simply not found, so a stale result cannot be used. `check` and `build`
//! read the catalog once and start from an empty memo.
//!
//! Each reading builds the next memo from what it used, so files that were
//! deleted and manifests that are no longer rendered drop out of it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::catalog::model::Kind;
use crate::catalog::schema::Format;
use crate::diagnostics::Diagnostic;

/// What one reading of the catalog computed, by the text it came from.
#[derive(Default)]
pub struct Memo {
    /// Each catalog file's parse and schema check, by path.
    files: HashMap<PathBuf, File>,
    /// Each compiled format schema, by path.
    formats: HashMap<PathBuf, Compiled>,
}

/// A catalog file as it was parsed.
struct File {
    kind: Kind,
    text: Arc<str>,
    outcome: Arc<Result<Value, Vec<Diagnostic>>>,
}

/// A format schema as it was compiled, and the rendered manifests it
/// accepted.
struct Compiled {
    text: String,
    format: Arc<Format>,
    accepted: HashSet<Arc<str>>,
}

impl Memo {
    /// The parse of the catalog file `rel` of `kind`, if it was parsed from
    /// exactly `text`.
    pub(crate) fn parsed(
        &self,
        rel: &Path,
        kind: Kind,
        text: &str,
    ) -> Option<Arc<Result<Value, Vec<Diagnostic>>>> {
        self.files
            .get(rel)
            .filter(|f| f.kind == kind && *f.text == *text)
            .map(|f| f.outcome.clone())
    }

    /// Keeps the parse of `rel` for the next reading.
    pub(crate) fn keep_parsed(
        &mut self,
        rel: PathBuf,
        kind: Kind,
        text: Arc<str>,
        outcome: Arc<Result<Value, Vec<Diagnostic>>>,
    ) {
        self.files.insert(
            rel,
            File {
                kind,
                text,
                outcome,
            },
        );
    }

    /// The format compiled from the schema file `rel`, if its text was
    /// exactly `text`.
    pub(crate) fn format(&self, rel: &Path, text: &str) -> Option<Arc<Format>> {
        self.formats
            .get(rel)
            .filter(|c| c.text == text)
            .map(|c| c.format.clone())
    }

    /// Keeps a compiled format for the next reading.
    pub(crate) fn keep_format(&mut self, text: String, format: Arc<Format>) {
        let accepted = HashSet::new();
        self.formats.insert(
            format.file.clone(),
            Compiled {
                text,
                format,
                accepted,
            },
        );
    }

    /// Whether `format` (this very compiled format) accepted `manifest`
    /// in the previous reading.
    pub(crate) fn accepted(&self, format: &Format, manifest: &str) -> bool {
        self.formats
            .get(&format.file)
            .is_some_and(|c| std::ptr::eq(&*c.format, format) && c.accepted.contains(manifest))
    }

    /// Keeps the manifests each format accepted in this reading: (format
    /// file, rendered manifest).
    pub(crate) fn keep_accepted(
        &mut self,
        accepted: impl IntoIterator<Item = (PathBuf, Arc<str>)>,
    ) {
        for (file, manifest) in accepted {
            if let Some(c) = self.formats.get_mut(&file) {
                c.accepted.insert(manifest);
            }
        }
    }
}
