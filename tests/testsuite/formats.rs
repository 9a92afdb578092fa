//! The format schemas against hand-written manifests: every
//! `tests/fixtures/formats/<format>/valid-*` file must pass its format's
//! schema and every `invalid-*` file must fail it, through the same code
//! path `check` uses for catalog manifests.

use std::fs;
use std::path::{Path, PathBuf};

use chaosbook::catalog::manifest::{self, Placement};
use chaosbook::catalog::schema::load_format;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_format_accepts_its_valid_fixtures_and_rejects_the_invalid_ones() {
    let schemas = repo().join("catalog/schema/formats");
    let fixtures = repo().join("tests/fixtures/formats");
    let mut formats: Vec<PathBuf> = fs::read_dir(&schemas)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    formats.sort();
    assert!(formats.len() >= 9, "expected at least nine format schemas");
    let mut failures = Vec::new();
    for schema_path in formats {
        let name = schema_path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches(".schema.json")
            .to_string();
        let raw = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
        let format =
            load_format(&name, &schema_path, raw).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = fixtures.join(&name);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for format {name}"))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let (mut valid, mut invalid) = (0, 0);
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            let fname = file.file_name().unwrap().to_str().unwrap();
            let diags = manifest::check(&format, &text, Path::new(fname), &text, Placement::File);
            if fname.starts_with("valid-") {
                valid += 1;
                if !diags.is_empty() {
                    failures.push(format!(
                        "{name}/{fname} should pass: {:?}",
                        diags
                            .iter()
                            .map(|d| (&d.message, d.span.line))
                            .collect::<Vec<_>>()
                    ));
                }
            } else if fname.starts_with("invalid-") {
                invalid += 1;
                if diags.is_empty() {
                    failures.push(format!("{name}/{fname} should fail but passed"));
                }
                for d in &diags {
                    assert!(
                        d.span.line >= 1,
                        "{name}/{fname}: diagnostic without a line: {d:?}"
                    );
                }
            }
        }
        assert!(
            valid >= 2 && invalid >= 2,
            "{name}: needs at least two valid and two invalid fixtures"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
