//! Diagnostics: what `check` found, where, and how to fix it.
//!
//! Every finding carries a stable code (documented in CONTRIBUTING.md), the
//! file, line and column of the node it is about, and a help line. The same
//! list renders three ways: rustc-style snippets for people
//! (codespan-reporting), a JSON array for tools, and GitHub workflow
//! annotations for pull requests.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor, Config};
use serde::Serialize;

use crate::catalog::yaml::Span;

/// How serious a finding is: errors make `check` fail (exit code 1), warnings
/// are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong and must be fixed.
    Error,
    /// Allowed, but probably not what the writer meant.
    Warning,
}

/// A second place a diagnostic refers to ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Relative to the project root, like [`Diagnostic::file`].
    pub file: PathBuf,
    /// Where in that file.
    pub span: Span,
    /// What the place has to do with the finding ("first defined here").
    pub message: String,
}

/// One finding of `check`: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether the finding fails the run.
    pub severity: Severity,
    /// Stable, kebab-case; tests and CONTRIBUTING.md rely on it.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Path relative to the project root, `/`-separated when displayed.
    pub file: PathBuf,
    /// The node the finding is about, in the file's text.
    pub span: Span,
    /// A short text under the caret.
    pub label: Option<String>,
    /// How to fix it, shown as `help:`.
    pub help: Option<String>,
    /// Other places the finding refers to, shown as secondary labels.
    pub related: Vec<Related>,
    /// For a finding about a reference to a catalog item (an unknown id):
    /// the kind and id it names. When that item's own file failed to load,
    /// [`Report::fold_references`] folds the finding into that file's
    /// error, so one mistake is reported once.
    pub refers_to: Option<(&'static str, String)>,
}

impl Diagnostic {
    /// An error with the given stable code, at `span` in `file`.
    pub fn error(
        code: &'static str,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
            refers_to: None,
        }
    }

    /// A warning with the given stable code, at `span` in `file`.
    pub fn warning(
        code: &'static str,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, span, message)
        }
    }

    /// Adds how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the short text shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a second place the finding refers to.
    pub fn with_related(
        mut self,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.into(),
            span,
            message: message.into(),
        });
        self
    }

    /// Marks the finding as one about a reference to the `kind` item `id`
    /// (see [`Diagnostic::refers_to`]).
    pub fn referring_to(mut self, kind: &'static str, id: impl Into<String>) -> Self {
        self.refers_to = Some((kind, id.into()));
        self
    }

    /// The file as shown to users: `/`-separated on every platform.
    pub fn file_display(&self) -> String {
        display_path(&self.file)
    }
}

/// A path as shown to users: `/`-separated on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The texts of the files diagnostics point into, for source snippets.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    texts: HashMap<PathBuf, Arc<str>>,
}

impl Sources {
    /// Adds (or replaces) the text of a file.
    pub fn insert(&mut self, file: impl Into<PathBuf>, text: impl Into<Arc<str>>) {
        self.texts.insert(file.into(), text.into());
    }

    /// The text of a file, if it was added.
    pub fn get(&self, file: &Path) -> Option<&str> {
        self.texts.get(file).map(|t| &**t)
    }

    /// Adds the other's files.
    pub fn extend(&mut self, other: Sources) {
        self.texts.extend(other.texts);
    }
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets for people.
    #[default]
    Human,
    /// A JSON array for tools: one object per finding, with file, line and column.
    Json,
    /// GitHub Actions workflow commands, shown as annotations on a pull request.
    Github,
}

/// All diagnostics of one run, with the sources they point into.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The findings, in the order they were pushed until [`Report::sort`].
    pub diagnostics: Vec<Diagnostic>,
    /// The texts the findings point into.
    pub sources: Sources,
}

impl Report {
    /// Adds one finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Whether any finding is an error (the run fails).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// A stable order (file, line, column, code), so output is deterministic
    /// although files are checked in parallel.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.file, a.span.line, a.span.column, a.code, &a.message).cmp(&(
                &b.file,
                b.span.line,
                b.span.column,
                b.code,
                &b.message,
            ))
        });
        self.diagnostics.dedup();
    }

    /// Folds the findings about references to items whose own file did
    /// not load as that item (`unloaded`: kind, id, file; a file with a
    /// syntax or schema error, or whose id is not its file's name) into
    /// the first error of that file: an unknown id there is a consequence,
    /// not a second mistake. The error shows the first references beside
    /// it and says how many wait for the file; a reference without such
    /// an error stays as it is.
    pub fn fold_references(&mut self, unloaded: &[(&'static str, String, PathBuf)]) {
        const SHOWN: usize = 3;
        for (kind, id, file) in unloaded {
            let is_root = |d: &Diagnostic| {
                d.severity == Severity::Error && &d.file == file && d.refers_to.is_none()
            };
            let refers = |d: &Diagnostic| {
                d.refers_to
                    .as_ref()
                    .is_some_and(|(k, i)| k == kind && i == id)
            };
            if !self.diagnostics.iter().any(is_root) {
                continue;
            }
            let (folded, kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
                std::mem::take(&mut self.diagnostics)
                    .into_iter()
                    .partition(|d| refers(d));
            self.diagnostics = kept;
            // Folding takes away references only, never the root.
            let Some(root) = self.diagnostics.iter_mut().find(|d| is_root(d)) else {
                continue;
            };
            if folded.is_empty() {
                continue;
            }
            for d in folded.iter().take(SHOWN) {
                let message = format!("`{id}` is named here");
                root.related.push(Related {
                    file: d.file.clone(),
                    span: d.span,
                    message,
                });
            }
            let files: std::collections::BTreeSet<String> =
                folded.iter().map(Diagnostic::file_display).collect();
            let mut named: Vec<String> = files.iter().take(SHOWN).cloned().collect();
            if files.len() > SHOWN {
                named.push(format!("{} other files", files.len() - SHOWN));
            }
            let wait = format!(
                "{} reference{} to the {kind} `{id}` (in {}) will be checked once this file loads",
                folded.len(),
                if folded.len() == 1 { "" } else { "s" },
                named.join(", ")
            );
            root.help = Some(match root.help.take() {
                Some(help) => format!("{help}; {wait}"),
                None => wait,
            });
        }
    }

    /// rustc-style output with source snippets.
    pub fn write_human(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let mut files = SimpleFiles::new();
        let mut ids = HashMap::new();
        let mut id_for = |path: &Path, files: &mut SimpleFiles<String, String>| -> usize {
            *ids.entry(path.to_path_buf()).or_insert_with(|| {
                files.add(
                    display_path(path),
                    self.sources.get(path).unwrap_or("").to_string(),
                )
            })
        };
        let config = Config::default();
        for d in &self.diagnostics {
            let file_id = id_for(&d.file, &mut files);
            let mut cs = match d.severity {
                Severity::Error => CsDiagnostic::new(CsSeverity::Error),
                Severity::Warning => CsDiagnostic::new(CsSeverity::Warning),
            }
            .with_code(d.code)
            .with_message(&d.message);
            let mut labels = Vec::new();
            if self.sources.get(&d.file).is_some() {
                labels.push(
                    Label::primary(file_id, clamp(d.span, self.sources.get(&d.file)))
                        .with_message(d.label.clone().unwrap_or_default()),
                );
            }
            for r in &d.related {
                if self.sources.get(&r.file).is_some() {
                    let rid = id_for(&r.file, &mut files);
                    labels.push(
                        Label::secondary(rid, clamp(r.span, self.sources.get(&r.file)))
                            .with_message(&r.message),
                    );
                }
            }
            let mut notes = Vec::new();
            if labels.is_empty() {
                notes.push(format!(
                    "at {}:{}:{}",
                    d.file_display(),
                    d.span.line,
                    d.span.column
                ));
            }
            if let Some(h) = &d.help {
                notes.push(format!("help: {h}"));
            }
            cs = cs.with_labels(labels).with_notes(notes);
            term::emit_to_write_style(out, &config, &files, &cs).map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// [`Report::write_human`] into a string, without colours.
    pub fn human_string(&self) -> String {
        let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        let _ = self.write_human(&mut buf);
        String::from_utf8_lossy(&buf.into_inner()).into_owned()
    }

    /// The findings as a pretty-printed JSON array (severity, code, message,
    /// file, line, column, help).
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            severity: Severity,
            code: &'a str,
            message: &'a str,
            file: String,
            line: usize,
            column: usize,
            help: Option<&'a str>,
        }
        let out: Vec<Out> = self
            .diagnostics
            .iter()
            .map(|d| Out {
                severity: d.severity,
                code: d.code,
                message: &d.message,
                file: d.file_display(),
                line: d.span.line,
                column: d.span.column,
                help: d.help.as_deref(),
            })
            .collect();
        serde_json::to_string_pretty(&out).expect("diagnostics serialise")
    }

    /// GitHub Actions workflow commands, one per diagnostic.
    pub fn github(&self) -> String {
        let mut s = String::new();
        for d in &self.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut msg = d.message.clone();
            if let Some(h) = &d.help {
                msg.push_str("\nhelp: ");
                msg.push_str(h);
            }
            let _ = writeln!(
                s,
                "::{level} file={},line={},col={},title={}::{}",
                escape_property(&d.file_display()),
                d.span.line,
                d.span.column,
                escape_property(d.code),
                escape_data(&msg)
            );
        }
        s
    }
}

fn clamp(span: Span, text: Option<&str>) -> std::ops::Range<usize> {
    let len = text.map_or(0, str::len);
    // A span from offsets into a text the parser changed (smart
    // punctuation) can end, or start, inside a character.
    let floor = |mut at: usize| {
        while at > 0 && !text.unwrap_or("").is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.start.min(len));
    let mut end = floor(span.end.clamp(start, len));
    if end == start && start < len {
        // Underline at least one character so the caret is visible.
        let next = text.unwrap_or("")[start..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        end = start + next;
    }
    start..end
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_stay_inside_the_text_and_show_at_least_one_character() {
        let at = |start, end| Span {
            start,
            end,
            line: 1,
            column: 1,
        };
        let text = Some("a\u{e9} b"); // "é" takes bytes 1..3
        assert_eq!(clamp(at(0, 1), text), 0..1);
        assert_eq!(clamp(at(0, 4), text), 0..4);
        // An empty span widens to the whole character under it.
        assert_eq!(clamp(at(1, 1), text), 1..3);
        assert_eq!(clamp(at(3, 3), text), 3..4);
        // Past the end: an empty span at the end, never beyond it.
        assert_eq!(clamp(at(5, 5), text), 5..5);
        assert_eq!(clamp(at(9, 12), text), 5..5);
        assert_eq!(clamp(at(4, 99), text), 4..5);
        // An end before the start is lifted to it, then widened.
        assert_eq!(clamp(at(4, 2), text), 4..5);
        assert_eq!(clamp(at(2, 7), None), 0..0);
    }

    fn sample() -> Report {
        let mut r = Report::default();
        r.sources
            .insert("catalog/tools/x.yaml", "id: x\ntitel: X\n");
        r.push(
            Diagnostic::error(
                "unknown-field",
                "catalog/tools/x.yaml",
                Span {
                    start: 6,
                    end: 11,
                    line: 2,
                    column: 1,
                },
                "unknown field `titel`",
            )
            .with_help("did you mean `title`?"),
        );
        r
    }

    #[test]
    fn human_output_has_snippet_and_caret() {
        let out = sample().human_string();
        assert!(
            out.contains("error[unknown-field]: unknown field `titel`"),
            "{out}"
        );
        assert!(out.contains("catalog/tools/x.yaml:2:1"), "{out}");
        assert!(out.contains("^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `title`?"), "{out}");
    }

    #[test]
    fn json_output_has_the_contract_fields() {
        let v: serde_json::Value = serde_json::from_str(&sample().json()).unwrap();
        assert_eq!(v[0]["severity"], "error");
        assert_eq!(v[0]["code"], "unknown-field");
        assert_eq!(v[0]["file"], "catalog/tools/x.yaml");
        assert_eq!(v[0]["line"], 2);
        assert_eq!(v[0]["column"], 1);
        assert_eq!(v[0]["help"], "did you mean `title`?");
    }

    #[test]
    fn github_output_escapes_properly() {
        let out = sample().github();
        assert_eq!(out, "::error file=catalog/tools/x.yaml,line=2,col=1,title=unknown-field::unknown field `titel`%0Ahelp: did you mean `title`?\n");
    }

    #[test]
    fn suggestions_only_for_close_words() {
        assert_eq!(did_you_mean("titel", ["title", "summary"]), Some("title"));
        assert_eq!(
            did_you_mean("chaos-mseh", ["chaos-mesh", "litmuschaos"]),
            Some("chaos-mesh")
        );
        assert_eq!(did_you_mean("zzz", ["title", "summary"]), None);
    }
}
