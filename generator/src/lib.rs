//! chaosbook: a chaos-engineering whitepaper with an executable, tool-neutral
//! catalog of fault scenarios.
//!
//! The library does the work; `main.rs` only parses the command line.
//! Data flows one way: load → validate → render → write.
//!
//! - [`catalog`]: the catalog model, loading (YAML with positions), schema
//!   and cross-reference validation, manifests.
//! - [`diagnostics`]: findings with file, line, column, code and help, and
//!   their human, JSON and GitHub renderings.
//! - [`config`]: the `[chaosbook]` settings of book.toml.
//! - [`scaffold`]: `chaosbook new`.

pub mod catalog;
pub mod config;
pub mod diagnostics;
pub mod scaffold;

use std::path::Path;

pub use catalog::Catalog;
pub use diagnostics::Report;

/// Loads and validates everything under `root`. The catalog is usable only
/// when the report has no errors.
pub fn check(root: &Path) -> (Catalog, Report) {
    let config = match config::Config::load(root) {
        Ok(c) => c,
        Err(report) => return (Catalog::default(), report),
    };
    catalog::load(&config)
}

/// The JSON Schemas `chaosbook schema` prints: the three kinds, built in,
/// and the formats found in the catalog.
pub fn schema_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = catalog::model::Kind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    if let Ok(config) = config::Config::load(root) {
        let mut report = Report::default();
        let found = catalog::load::discover(&config, &mut report);
        names.extend(
            found
                .formats
                .into_iter()
                .map(|(name, _, _)| format!("formats/{name}")),
        );
    }
    names
}

/// The text of the schema called `name` (see [`schema_names`]).
pub fn schema_text(root: &Path, name: &str) -> Option<String> {
    use catalog::model::Kind;
    if let Some(kind) = Kind::ALL.into_iter().find(|k| k.name() == name) {
        return Some(catalog::schema::kind_schema_text(kind).to_string());
    }
    let format = name.strip_prefix("formats/").unwrap_or(name);
    let config = config::Config::load(root).ok()?;
    std::fs::read_to_string(
        config
            .catalog_dir()
            .join("schema/formats")
            .join(format!("{format}.schema.json")),
    )
    .ok()
}
