//! chaosbook's renderer settings: the `[output.chaosbook]` table of
//! book.toml.
//!
//! ```toml
//! [output.chaosbook]
//! command = "chaosbook mdbook-backend" # used by `mdbook build` only
//! theme = "theme"             # folder whose files override the built-in theme
//! default-theme = "auto"      # light | dark | auto (follows the OS)
//! site-url = "/"              # where the site is served; used by 404.html
//! smart-punctuation = true
//! ```

use std::path::PathBuf;

use mdbook_core::config::Config as MdConfig;
use serde::Deserialize;

pub(super) const HELP: &str =
    "[output.chaosbook] takes `theme` (a folder), `default-theme` (light, dark or auto), `site-url`, `smart-punctuation` (true or false), the catalog's `catalog`, `max-file-size` and `links`, and mdBook's `command` and `optional`";

/// The colour theme a page starts with before the reader picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThemeMode {
    Light,
    Dark,
    #[default]
    Auto,
}

impl ThemeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
            ThemeMode::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Theme folder, relative to the project root.
    pub theme: PathBuf,
    pub default_theme: ThemeMode,
    /// Absolute path (or URL) of the site root, ending in `/`.
    pub site_url: String,
    pub smart_punctuation: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: PathBuf::from("theme"),
            default_theme: ThemeMode::Auto,
            site_url: "/".into(),
            smart_punctuation: true,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    // mdBook's own keys for a command backend.
    #[allow(dead_code)]
    command: Option<String>,
    #[allow(dead_code)]
    optional: Option<bool>,
    theme: Option<PathBuf>,
    default_theme: Option<ThemeMode>,
    site_url: Option<String>,
    smart_punctuation: Option<bool>,
    // The catalog's keys, read by crate::config.
    #[allow(dead_code)]
    catalog: Option<PathBuf>,
    #[allow(dead_code)]
    max_file_size: Option<u64>,
    #[allow(dead_code)]
    links: Option<toml::Value>,
}

impl Settings {
    pub fn from_config(config: &MdConfig) -> Result<Self, String> {
        let table: Table = config
            .get("output.chaosbook")
            .map_err(|e| format!("{e:#}"))?
            .unwrap_or_default();
        let mut s = Settings::default();
        if let Some(t) = table.theme {
            s.theme = t;
        }
        if let Some(t) = table.default_theme {
            s.default_theme = t;
        }
        if let Some(mut u) = table.site_url {
            if !u.ends_with('/') {
                u.push('/');
            }
            s.site_url = u;
        }
        if let Some(p) = table.smart_punctuation {
            s.smart_punctuation = p;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn reads_the_output_table() {
        let c = MdConfig::from_str(
            "[output.chaosbook]\ndefault-theme = \"dark\"\nsite-url = \"/docs\"\n",
        )
        .unwrap();
        let s = Settings::from_config(&c).unwrap();
        assert_eq!(s.default_theme, ThemeMode::Dark);
        assert_eq!(s.site_url, "/docs/");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let c = MdConfig::from_str("[output.chaosbook]\ndefault-theem = \"dark\"\n").unwrap();
        let e = Settings::from_config(&c).unwrap_err();
        assert!(e.contains("default-theem"), "{e}");
    }
}
