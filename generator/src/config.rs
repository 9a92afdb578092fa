//! Project settings: the `[output.chaosbook]` table of `book.toml`.
//!
//! ```toml
//! [output.chaosbook]
//! catalog = "catalog"          # folder of the catalog, relative to the root
//! max-file-size = 5242880      # bytes; larger catalog files are refused unread
//! # and the site's settings, read by crate::book::settings
//!
//! [output.chaosbook.links]     # `chaosbook links`; see crate::links
//! ```
//!
//! Everything lives under `[output.chaosbook]` because mdBook refuses
//! top-level tables it does not know, and `mdbook build` must keep working
//! with chaosbook as its renderer.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::yaml::LineIndex;
use crate::diagnostics::{Diagnostic, Report};

pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// The project root (where book.toml is).
    pub root: PathBuf,
    /// The catalog folder, relative to the root.
    pub catalog: PathBuf,
    /// The book's markdown source folder (`[book] src`), relative to the root.
    pub book_src: PathBuf,
    pub max_file_size: u64,
    /// `smart-punctuation`: the markdown is read with it (heading ids
    /// depend on it).
    pub smart_punctuation: bool,
    /// `[output.chaosbook.links]`: settings of the external link checker.
    pub links: crate::links::LinksConfig,
}

/// `[output.chaosbook]`. Unknown keys are errors, so the site's keys are
/// listed here too (their values are read by [`crate::book::settings`]).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ChaosbookTable {
    catalog: Option<PathBuf>,
    max_file_size: Option<u64>,
    links: Option<crate::links::LinksConfig>,
    #[serde(rename = "command")]
    _command: Option<toml::Value>,
    #[serde(rename = "optional")]
    _optional: Option<toml::Value>,
    #[serde(rename = "theme")]
    _theme: Option<toml::Value>,
    #[serde(rename = "default-theme")]
    _default_theme: Option<toml::Value>,
    #[serde(rename = "site-url")]
    _site_url: Option<toml::Value>,
    smart_punctuation: Option<bool>,
}

/// `[output]`: only chaosbook's own renderer table is ours.
#[derive(Deserialize, Default)]
struct OutputTable {
    chaosbook: Option<ChaosbookTable>,
}

/// The part of `[book]` chaosbook reads itself (mdBook owns the rest).
#[derive(Deserialize, Default)]
struct BookTable {
    src: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
struct BookToml {
    #[serde(default)]
    book: Option<BookTable>,
    #[serde(default)]
    output: Option<OutputTable>,
}

impl Config {
    pub fn defaults(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            catalog: PathBuf::from("catalog"),
            book_src: PathBuf::from("src"),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            smart_punctuation: true,
            links: Default::default(),
        }
    }

    /// Reads `book.toml` under `root` (a missing file means defaults).
    /// Problems in it are reported as diagnostics on book.toml.
    pub fn load(root: &Path) -> Result<Self, Report> {
        let mut config = Self::defaults(root);
        let path = root.join("book.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(config),
            Err(e) => {
                let mut r = Report::default();
                r.push(Diagnostic::error(
                    "io-error",
                    "book.toml",
                    Default::default(),
                    format!("cannot read book.toml: {e}"),
                ));
                return Err(r);
            }
        };
        match toml::from_str::<BookToml>(&text) {
            Ok(book) => {
                if let Some(src) = book.book.and_then(|b| b.src) {
                    config.book_src = src;
                }
                if let Some(t) = book.output.and_then(|o| o.chaosbook) {
                    if let Some(c) = t.catalog {
                        config.catalog = c;
                    }
                    if let Some(m) = t.max_file_size {
                        config.max_file_size = m;
                    }
                    if let Some(p) = t.smart_punctuation {
                        config.smart_punctuation = p;
                    }
                    if let Some(l) = t.links {
                        config.links = l;
                    }
                }
                Ok(config)
            }
            Err(e) => {
                let index = LineIndex::new(&text);
                let span = e
                    .span()
                    .map(|r| index.span(r.start, r.end))
                    .unwrap_or_else(|| index.span(0, 0));
                let mut r = Report::default();
                r.sources.insert("book.toml", text.clone());
                r.push(
                    Diagnostic::error("config", "book.toml", span, e.message().to_string())
                        .with_help("[output.chaosbook] takes `catalog` (a folder), `max-file-size` (bytes) and the site's settings (see theme/README.md); [output.chaosbook.links] takes `exclude`, `accept`, `timeout`, `max-retries`, `cache-ttl`, `user-agent` and `per-host` (see README.md)"),
                );
                Err(r)
            }
        }
    }

    pub fn catalog_dir(&self) -> PathBuf {
        self.root.join(&self.catalog)
    }
}
