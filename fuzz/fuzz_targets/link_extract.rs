//! The link extractor of `chaosbook links`, on a chapter: every URL it finds
//! is external and located inside the chapter, and a diagnostic at each
//! place renders (the human form quotes the line).
#![no_main]

use std::sync::LazyLock;

use chaosbook::diagnostics::{Diagnostic, Report};
use libfuzzer_sys::fuzz_target;

static PROJECT: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
    dir
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = PROJECT.path();
    std::fs::write(root.join("src/chapter.md"), text).unwrap();
    let config = chaosbook::config::Config::load(root).expect("defaults");
    let found = chaosbook::links::collect(&config, &chaosbook::Catalog::default());
    let mut report = Report::default();
    for u in &found.uses {
        assert!(chaosbook::links::is_external(&u.url), "{}", u.url);
        assert!(
            u.span.start <= u.span.end && u.span.end <= text.len(),
            "{u:?}"
        );
        assert!(
            text.is_char_boundary(u.span.start) && text.is_char_boundary(u.span.end),
            "{u:?}"
        );
        let _ = chaosbook::links::url_key(&u.url);
        report.push(Diagnostic::error(
            "broken-url",
            &u.file,
            u.span,
            format!("{} is broken", u.url),
        ));
    }
    for (file, t) in &found.texts {
        report.sources.insert(file.clone(), t.clone());
    }
    let _ = report.human_string();
});
