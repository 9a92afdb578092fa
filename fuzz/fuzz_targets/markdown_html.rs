//! A chapter's markdown to HTML, author HTML sanitised: whatever the
//! markdown, the page holds no script, frame, style or `javascript:` URL
//! (in a tag: escaped text may spell them out).
#![no_main]

use chaosbook::render::markdown::{render, MarkdownOptions, NoHooks, PageInfo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let page = PageInfo {
        path: "tutorials/page.html",
        root: "../",
    };
    let opts = MarkdownOptions {
        smart_punctuation: flags & 1 == 1,
    };
    let out = render(text, opts, &page, &NoHooks);
    let html = out.html.to_ascii_lowercase();
    for tag in [
        "<script", "<iframe", "<style", "<object", "<embed", "<base", "<form",
    ] {
        assert!(!html.contains(tag), "{tag} in {}", out.html);
    }
    // An attribute is only inside a tag: text may say `href="javascript:`
    // once escaped (a raw `<` only ever opens a tag, so the nearest `<`
    // before a match, with no `>` after it, means the match is in a tag).
    for attr in [
        "href=\"javascript:",
        "src=\"javascript:",
        "href=\"vbscript:",
        " srcdoc=",
    ] {
        for (at, _) in html.match_indices(attr) {
            let before = &html[..at];
            let in_tag = before.rfind('<') > before.rfind('>');
            assert!(!in_tag, "{attr} in {}", out.html);
        }
    }
});
