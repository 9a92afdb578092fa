//! What one reading of the catalog keeps for the next one, so that `serve`
//! redoes only what an edit changed: each result by the exact text it was
//! computed from (a catalog file, a format schema, a rendered manifest; the
//! rule is the one of the crate's `memo` module). `check` and `build` read the catalog once and
//! start from an empty memo.
//!
//! Each reading builds the next memo from what it used, so files that were
//! deleted and manifests that are no longer rendered drop out of it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::catalog::model::Kind;
use crate::catalog::schema::Format;
use crate::diagnostics::Diagnostic;
use crate::memo::ByText;

/// A catalog file's parse and schema check.
pub(crate) type ParseOutcome = Arc<Result<Value, Vec<Diagnostic>>>;

/// What one reading of the catalog computed, by the text it came from.
#[derive(Default)]
pub struct Memo {
    /// Each catalog file's parse and schema check, by path and kind.
    files: ByText<(PathBuf, Kind), Arc<str>, ParseOutcome>,
    /// Each compiled format schema, by path.
    formats: ByText<PathBuf, String, Compiled>,
}

/// A format schema as it was compiled, and the rendered manifests it
/// accepted.
struct Compiled {
    format: Arc<Format>,
    accepted: HashSet<Arc<str>>,
}

impl Memo {
    /// The parse of the catalog file `rel` of `kind`, if it was parsed from
    /// exactly `text`.
    pub(crate) fn parsed(&self, rel: &Path, kind: Kind, text: &str) -> Option<ParseOutcome> {
        self.files.get(&(rel.to_path_buf(), kind), text).cloned()
    }

    /// Keeps the parse of `rel` for the next reading.
    pub(crate) fn keep_parsed(
        &mut self,
        rel: PathBuf,
        kind: Kind,
        text: Arc<str>,
        outcome: ParseOutcome,
    ) {
        self.files.insert((rel, kind), text, outcome);
    }

    /// The format compiled from the schema file `rel`, if its text was
    /// exactly `text`.
    pub(crate) fn format(&self, rel: &Path, text: &str) -> Option<Arc<Format>> {
        self.formats.get(rel, text).map(|c| c.format.clone())
    }

    /// Keeps a compiled format for the next reading.
    pub(crate) fn keep_format(&mut self, text: String, format: Arc<Format>) {
        let file = format.file.clone();
        let accepted = HashSet::new();
        self.formats
            .insert(file, text, Compiled { format, accepted });
    }

    /// Whether `format` (this very compiled format) accepted `manifest`
    /// in the previous reading.
    pub(crate) fn accepted(&self, format: &Format, manifest: &str) -> bool {
        self.formats
            .by_key(&format.file)
            .is_some_and(|c| std::ptr::eq(&*c.format, format) && c.accepted.contains(manifest))
    }

    /// Keeps the manifests each format accepted in this reading: (format
    /// file, rendered manifest).
    pub(crate) fn keep_accepted(
        &mut self,
        accepted: impl IntoIterator<Item = (PathBuf, Arc<str>)>,
    ) {
        for (file, manifest) in accepted {
            if let Some(c) = self.formats.by_key_mut(&file) {
                c.accepted.insert(manifest);
            }
        }
    }
}
