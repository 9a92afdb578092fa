//! The catalog loader, from bytes to diagnostics: the first byte picks the
//! kind of file (tool, practice, scenario), the rest is the file as a pull
//! request could send it. `check` must report, never panic, and every
//! rendering of its report (human, JSON, GitHub) must hold.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

const FILES: [&str; 3] = [
    "catalog/tools/fuzz.yaml",
    "catalog/practices/fuzz.yaml",
    "catalog/scenarios/network/fuzz.yaml",
];

static PROJECT: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for f in FILES {
        std::fs::create_dir_all(dir.path().join(f).parent().unwrap()).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    dir
});

fuzz_target!(|data: &[u8]| {
    let Some((&kind, text)) = data.split_first() else {
        return;
    };
    let root = PROJECT.path();
    let file = FILES[kind as usize % FILES.len()];
    for f in FILES {
        let _ = std::fs::remove_file(root.join(f));
    }
    std::fs::write(root.join(file), text).unwrap();
    let (_catalog, report) = chaosbook::check(root);
    for d in &report.diagnostics {
        if d.file == Path::new(file) {
            assert!(d.span.start <= d.span.end, "{d:?}");
            assert!(d.span.end <= text.len() + 1, "{d:?}");
        }
    }
    let _ = report.human_string();
    let json = report.json();
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("check's JSON parses");
    assert!(parsed.is_array());
    for line in report.github().lines() {
        // One annotation per line: a newline in a message would split it.
        assert!(line.starts_with("::"), "{line}");
    }
});
