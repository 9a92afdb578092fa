//! The project's settings: the `[output.chaosbook]` table of `book.toml`,
//! read once into [`Settings`], and the project context [`Config`] that
//! every command passes around (the root, the book's source folder and the
//! settings).
//!
//! ```toml
//! [output.chaosbook]
//! command = "chaosbook mdbook-backend" # used by `mdbook build` only
//! catalog = "catalog"          # folder of the catalog, relative to the root
//! max-file-size = 5242880      # bytes; larger catalog files are refused unread
//! theme = "theme"              # folder whose files override the built-in theme
//! default-theme = "auto"       # light | dark | auto (follows the OS)
//! site-url = "/"               # where the site is served; used by 404.html
//! smart-punctuation = true
//!
//! [output.chaosbook.links]     # `chaosbook links`; see crate::links
//! ```
//!
//! Everything lives under `[output.chaosbook]` because mdBook refuses
//! top-level tables it does not know, and `mdbook build` must keep working
//! with chaosbook as its renderer.

use std::path::{Path, PathBuf};

use mdbook_core::config::Config as MdConfig;
use serde::{Deserialize, Deserializer};
use std::str::FromStr;

use crate::catalog::yaml::LineIndex;
use crate::diagnostics::{Diagnostic, Report};

/// Default of `max-file-size`, in bytes: larger catalog files are refused unread.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// What `[output.chaosbook]` takes, for every error in it.
pub const HELP: &str = "[output.chaosbook] takes `catalog` (a folder), `max-file-size` (bytes), `theme` (a folder), `default-theme` (light, dark or auto), `site-url`, `smart-punctuation` (true or false) and mdBook's `command` and `optional` (see theme/README.md); [output.chaosbook.links] takes `exclude`, `accept`, `timeout`, `max-retries`, `cache-ttl`, `user-agent` and `per-host` (see README.md)";

/// The colour theme a page starts with before the reader picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThemeMode {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
    /// Whatever the reader's system prefers (`prefers-color-scheme`).
    #[default]
    Auto,
}

impl ThemeMode {
    /// The value as written in book.toml (and as the page's `data-theme`).
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
            ThemeMode::Auto => "auto",
        }
    }
}

/// `[output.chaosbook]`, every key of it. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Settings {
    /// The catalog folder, relative to the root.
    pub catalog: PathBuf,
    /// Larger catalog files are refused unread.
    pub max_file_size: u64,
    /// Theme folder, relative to the project root.
    pub theme: PathBuf,
    /// The colour theme a page starts with (`default-theme`).
    pub default_theme: ThemeMode,
    /// Absolute path (or URL) of the site root, ending in `/`.
    #[serde(deserialize_with = "site_url")]
    pub site_url: String,
    /// Markdown is read with smart punctuation (heading ids depend on it).
    pub smart_punctuation: bool,
    /// `[output.chaosbook.links]`: settings of the external link checker.
    pub links: crate::links::LinksConfig,
    /// mdBook's own key for a command backend (`mdbook build` runs it).
    pub command: Option<String>,
    /// mdBook's own key: a missing backend command is not an error.
    pub optional: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            catalog: PathBuf::from("catalog"),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            theme: PathBuf::from("theme"),
            default_theme: ThemeMode::Auto,
            site_url: "/".into(),
            smart_punctuation: true,
            links: Default::default(),
            command: None,
            optional: None,
        }
    }
}

/// The site's root ends in `/`, so pages append their paths to it.
pub fn normalize_site_url(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

fn site_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(normalize_site_url)
}

impl Settings {
    /// The table from mdBook's configuration (as `mdbook build` hands it to
    /// a backend, `MDBOOK_*` overrides applied); the message of an error.
    pub fn from_mdbook(config: &mdbook_core::config::Config) -> Result<Self, String> {
        config
            .get::<Settings>("output.chaosbook")
            .map(Option::unwrap_or_default)
            .map_err(|e| format!("{e:#}"))
    }
}

/// The project context: where it is and its settings, read once per
/// command and handed to every step (check, the book, the site, the PDF).
#[derive(Debug, Clone)]
pub struct Config {
    /// The project root (where book.toml is).
    pub root: PathBuf,
    /// The book's markdown source folder (`[book] src`), relative to the root.
    pub book_src: PathBuf,
    /// `[output.chaosbook]` (defaults where absent).
    pub settings: Settings,
    /// book.toml as mdBook reads it, `MDBOOK_*` overrides applied: what
    /// the book is loaded with, so `check` and `build` see one configuration.
    pub mdbook: MdConfig,
}

/// `[output]`: only chaosbook's own renderer table is ours.
#[derive(Deserialize, Default)]
struct OutputTable {
    #[expect(
        dead_code,
        reason = "deserialised to check it; the values come from mdBook's reading"
    )]
    chaosbook: Option<Settings>,
}

/// book.toml as far as chaosbook checks it itself: serde over the file's
/// own text places every error in `[output.chaosbook]` exactly (mdBook's
/// reading, which supplies the values, has no positions).
#[derive(Deserialize, Default)]
struct BookToml {
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "deserialised to check it; the values come from mdBook's reading"
    )]
    output: Option<OutputTable>,
}

impl Config {
    /// The configuration of a project without book.toml: every setting at its default.
    pub fn defaults(root: &Path) -> Self {
        let mut mdbook = MdConfig::default();
        mdbook.build.create_missing = false;
        Self {
            root: root.to_path_buf(),
            book_src: mdbook.book.src.clone(),
            settings: Settings::default(),
            mdbook,
        }
    }

    /// Reads `book.toml` under `root` (a missing file means defaults).
    /// Problems in it are reported as diagnostics on book.toml.
    pub fn load(root: &Path) -> Result<Self, Report> {
        let mut config = Self::defaults(root);
        let path = root.join("book.toml");
        // book.toml too is content a pull request may change (or replace
        // with a link to a file of the machine): the one rule applies.
        use crate::content_path::{Project, Refusal};
        let read = Project::new(root)
            .map_err(Refusal::Io)
            .and_then(|p| p.read_to_string(&path, DEFAULT_MAX_FILE_SIZE));
        let text = match read {
            Ok(t) => t,
            Err(Refusal::Missing) => return Ok(config),
            Err(Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(config),
            Err(refusal) => {
                let mut r = Report::default();
                r.push(refusal.diagnostic("book.toml", Default::default(), "book.toml"));
                return Err(r);
            }
        };
        // chaosbook's own keys first: serde over the file's text gives each
        // error its exact place.
        match toml::from_str::<BookToml>(&text) {
            Ok(_) => {
                let mdbook = mdbook_config(&text)?;
                config.settings = Settings::from_mdbook(&mdbook).map_err(|msg| {
                    let mut r = Report::default();
                    r.push(
                        Diagnostic::error("config", "book.toml", Default::default(), msg)
                            .with_help(HELP),
                    );
                    r
                })?;
                config.book_src = mdbook.book.src.clone();
                config.mdbook = mdbook;
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
                        .with_help(HELP),
                );
                Err(r)
            }
        }
    }

    /// The catalog folder, under the root.
    pub fn catalog_dir(&self) -> PathBuf {
        self.root.join(&self.settings.catalog)
    }
}

/// book.toml's text as mdBook's configuration, then the `MDBOOK_*`
/// environment overrides mdBook applies (an override is input too: its
/// error is a diagnostic).
fn mdbook_config(text: &str) -> Result<MdConfig, Report> {
    let book_config = |span, message: String, help: &str| {
        let mut r = Report::default();
        r.sources.insert("book.toml", text.to_string());
        r.push(Diagnostic::error("config", "book.toml", span, message).with_help(help));
        r
    };
    // mdBook reads a table; comments and layout are dropped first.
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let index = LineIndex::new(text);
        let span = e
            .span()
            .map(|r| index.span(r.start, r.end))
            .unwrap_or_default();
        book_config(span, e.message().to_string(), HELP)
    })?;
    let cleaned = toml::to_string(&table).unwrap_or_default();
    let mut config = MdConfig::from_str(&cleaned).map_err(|e| {
        book_config(
            locate_key(text, &e),
            format!("{e:#}"),
            "see mdBook's book.toml reference; chaosbook's own keys live under [output.chaosbook]",
        )
    })?;
    config.update_from_env().map_err(|e| {
        book_config(
            Default::default(),
            format!("MDBOOK_* environment override: {e:#}"),
            "correct or unset the MDBOOK_ variable the message names",
        )
    })?;
    // Never write into the sources: a chapter missing from disk is an
    // error, not a file to create (mdBook's `create-missing`).
    config.build.create_missing = false;
    Ok(config)
}

/// Best effort: point at the key a serde error names (`unknown field `x``).
fn locate_key(text: &str, e: &anyhow::Error) -> crate::catalog::yaml::Span {
    let msg = format!("{e:#}");
    let index = LineIndex::new(text);
    if let Some(start) = msg
        .find("unknown field `")
        .map(|i| i + "unknown field `".len())
    {
        if let Some(len) = msg[start..].find('`') {
            let key = &msg[start..start + len];
            if let Some(at) = text
                .lines()
                .scan(0usize, |off, line| {
                    let here = *off;
                    *off += line.len() + 1;
                    Some((here, line))
                })
                .find(|(_, line)| {
                    line.trim_start().starts_with(key) || line.trim() == format!("[{key}]")
                })
                .map(|(off, line)| off + (line.len() - line.trim_start().len()))
            {
                return index.span(at, at + key.len());
            }
        }
    }
    crate::catalog::yaml::Span::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_output_table_once_for_every_reader() {
        let toml = "[output.chaosbook]\ndefault-theme = \"dark\"\nsite-url = \"/docs\"\ncatalog = \"data\"\nsmart-punctuation = false\n[output.chaosbook.links]\ntimeout = \"5s\"\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let from_file = Config::load(dir.path()).unwrap().settings;
        let from_mdbook =
            Settings::from_mdbook(&mdbook_core::config::Config::from_str(toml).unwrap()).unwrap();
        for s in [from_file, from_mdbook] {
            assert_eq!(s.default_theme, ThemeMode::Dark);
            assert_eq!(s.site_url, "/docs/");
            assert_eq!(s.catalog, PathBuf::from("data"));
            assert!(!s.smart_punctuation);
            assert_eq!(s.links.timeout, std::time::Duration::from_secs(5));
            assert_eq!(s.max_file_size, DEFAULT_MAX_FILE_SIZE);
        }
    }

    #[test]
    fn unknown_keys_are_errors_with_the_one_help() {
        let c =
            mdbook_core::config::Config::from_str("[output.chaosbook]\ndefault-theem = \"dark\"\n")
                .unwrap();
        let e = Settings::from_mdbook(&c).unwrap_err();
        assert!(e.contains("default-theem"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("book.toml"),
            "[output.chaosbook]\ndefault-theem = 1\n",
        )
        .unwrap();
        let report = Config::load(dir.path()).unwrap_err();
        assert_eq!(report.diagnostics[0].help.as_deref(), Some(HELP));
    }
}
