//! `export --set KEY=VALUE` over the real catalog, and manifest templating:
//! the first line names a scenario, the following lines up to an optional
//! `---template---` line are `--set` values, and what follows that line is
//! rendered as a manifest template with the scenario's defaults. Bad values
//! are refused with a message, never a panic; what is accepted validates.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use chaosbook::catalog::template;
use chaosbook::export::{render, Selection};
use libfuzzer_sys::fuzz_target;

static CATALOG: LazyLock<chaosbook::Catalog> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (catalog, report) = chaosbook::check(&root);
    assert!(!report.has_errors(), "the real catalog checks clean");
    catalog
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let catalog = &*CATALOG;
    let (head, tmpl) = match text.split_once("\n---template---\n") {
        Some((h, t)) => (h, Some(t)),
        None => (text, None),
    };
    let mut lines = head.lines();
    let Some(id) = lines.next() else {
        return;
    };
    let Some(scenario) = catalog.scenario(id.trim()) else {
        return;
    };
    let selection = Selection {
        tools: Vec::new(),
        scenarios: vec![scenario.item.id.clone()],
        categories: Vec::new(),
        set: lines.map(str::to_string).collect(),
    };
    if let Ok(files) = render(catalog, &selection) {
        for (item, body) in &files {
            assert!(!body.is_empty(), "{} for {} is empty", item.file, item.tool);
        }
    }
    if let Some(t) = tmpl {
        let values = template::defaults(&scenario.item.parameters);
        let _ = template::placeholders(t);
        let _ = template::render(t, &values);
    }
});
