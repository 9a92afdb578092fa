//! `chaosbook pdf` end to end, with the real binary: the real whitepaper
//! and catalog, and small projects written to temporary folders. The PDF's
//! text is read back with `pdftotext` and its outline with lopdf.
//!
//! Needs `pdftotext` (Debian's poppler-utils; tests/run.sh installs it).
//! Pages of the real PDF are also rendered to `target/pdf-pages/` with
//! `pdftoppm` for a person to look at.

use crate::common;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lopdf::{Document, Object};

use crate::common::repo;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_chaosbook")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// The fixture project in a temporary folder, with the format schemas it uses.
fn minimal() -> tempfile::TempDir {
    common::fixture_project()
}

fn pdf(root: &Path, out: &Path, extra: &[&str]) -> Output {
    // From the root: `check` finds images relative to the working folder.
    Command::new(bin())
        .current_dir(root)
        .arg("--root")
        .arg(root)
        .arg("pdf")
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run chaosbook")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of each page (`pdftotext` separates pages with form feeds).
fn pages_text(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed (apt-get install poppler-utils, or run tests/run.sh): {e}")
        });
    assert!(out.status.success(), "pdftotext failed: {:?}", out);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Text for comparisons that ignore line breaks, hyphenation and smart
/// punctuation: no whitespace, no hyphens, straight quotes.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '-' | '\u{ad}' | '\u{2010}' | '\u{200b}' | '\u{2013}' | '\u{2014}'
                )
        })
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect()
}

/// The text of the pages without the running header (the book's title)
/// and footer (the chapter's title and the page number), so that text
/// across a page break reads on.
fn content(pages: &[String]) -> String {
    let mut out = String::new();
    for page in pages {
        let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.first() == Some(&"Chaos Engineering for Cloud-Native Systems") {
            lines.remove(0);
        }
        if lines
            .last()
            .is_some_and(|l| l.trim().parse::<usize>().is_ok())
        {
            lines.pop();
            lines.pop();
        }
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out
}

/// Text with runs of whitespace as one space.
fn spaced(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The titles of the PDF outline (bookmarks), depth first, with their depth.
fn outline(doc: &Document) -> Vec<(usize, String)> {
    fn title(doc: &Document, dict: &lopdf::Dictionary) -> String {
        match dict.get(b"Title") {
            Ok(Object::String(bytes, _)) => decode_text(bytes),
            Ok(Object::Reference(r)) => match doc.get_object(*r) {
                Ok(Object::String(bytes, _)) => decode_text(bytes),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }
    fn walk(
        doc: &Document,
        first: Option<lopdf::ObjectId>,
        depth: usize,
        out: &mut Vec<(usize, String)>,
    ) {
        let mut next = first;
        while let Some(id) = next {
            let dict = doc.get_dictionary(id).expect("an outline item");
            out.push((depth, title(doc, dict)));
            walk(
                doc,
                dict.get(b"First").and_then(Object::as_reference).ok(),
                depth + 1,
                out,
            );
            next = dict.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let catalog = doc.catalog().expect("a document catalog");
    let outlines = catalog
        .get(b"Outlines")
        .and_then(Object::as_reference)
        .expect("the PDF has an outline");
    let root = doc.get_dictionary(outlines).unwrap();
    let mut out = Vec::new();
    walk(
        doc,
        root.get(b"First").and_then(Object::as_reference).ok(),
        0,
        &mut out,
    );
    out
}

/// A PDF text string: UTF-16BE with a byte order mark, or PDFDocEncoding
/// (ASCII is enough here).
fn decode_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

/// Link annotations: (internal, external) counts.
fn links(doc: &Document) -> (usize, usize) {
    let (mut internal, mut external) = (0, 0);
    for (_, page) in doc.get_pages() {
        for annot in doc.get_page_annotations(page).unwrap_or_default() {
            if annot.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            if annot.has(b"Dest") {
                internal += 1;
            } else if let Ok(action) = annot.get(b"A") {
                let action = match action {
                    Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                    Object::Dictionary(d) => d,
                    _ => continue,
                };
                match action.get(b"S").and_then(Object::as_name).ok() {
                    Some(b"URI") => external += 1,
                    Some(b"GoTo") => internal += 1,
                    _ => {}
                }
            }
        }
    }
    (internal, external)
}

/// Every word's box must lie within the page, with the margins mostly kept:
/// nothing runs off the paper. Returns the offending words.
fn overflowing_words(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let html = String::from_utf8(out.stdout).unwrap();
    let num = |s: &str, attr: &str| -> f64 {
        let key = format!("{attr}=\"");
        let at = s.find(&key).unwrap() + key.len();
        s[at..s[at..].find('"').unwrap() + at].parse().unwrap()
    };
    let mut bad = Vec::new();
    let mut width = 0.0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            width = num(line, "width");
        } else if line.starts_with("<word ") {
            let (x_min, x_max) = (num(line, "xMin"), num(line, "xMax"));
            // Margins are 2.2 cm (62 pt); allow 1 cm of slack either side.
            if x_min < 28.0 || x_max > width - 28.0 {
                bad.push(line.to_string());
            }
        }
    }
    bad
}

/// The real project's PDF, made once for all tests (it takes seconds).
struct Real {
    path: PathBuf,
    bytes: Vec<u8>,
    pages: Vec<String>,
    second_run: Vec<u8>,
}

fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let dir = repo().join("target/pdf-test");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("whitepaper.pdf");
        let again = dir.join("whitepaper-again.pdf");
        ok(&pdf(&repo(), &path, &["--date", "2024-02-29"]));
        ok(&pdf(&repo(), &again, &["--date", "2024-02-29"]));
        let bytes = fs::read(&path).unwrap();
        let second_run = fs::read(&again).unwrap();
        let pages = pages_text(&path);
        Real {
            path,
            bytes,
            pages,
            second_run,
        }
    })
}

fn load_catalog() -> chaosbook::Catalog {
    let (catalog, report) = chaosbook::check(&repo());
    assert!(!report.has_errors(), "{}", report.human_string());
    catalog
}

#[test]
fn the_real_pdf_is_reproducible() {
    let r = real();
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert!(r.bytes == r.second_run, "two runs on the same input differ");
}

#[test]
fn the_title_page_and_contents_come_first() {
    let r = real();
    let title = spaced(&r.pages[0]);
    assert!(
        title.contains("Chaos Engineering for Cloud-Native Systems"),
        "{title}"
    );
    assert!(title.contains("Version"), "{title}");
    assert!(title.contains("2024-02-29"), "{title}");
    assert!(r.pages[1].contains("Contents"), "{}", r.pages[1]);
    // The contents list chapters with page numbers.
    assert!(
        r.pages[1]
            .lines()
            .any(|l| l.trim_end().ends_with(|c: char| c.is_ascii_digit())),
        "{}",
        r.pages[1]
    );
}

/// The titles the chapters print (their first heading, or SUMMARY's name).
fn chapter_titles() -> Vec<String> {
    let book = chaosbook::book::load(&chaosbook::config::Config::load(&repo()).unwrap()).unwrap();
    let mut titles = Vec::new();
    for item in book.book.iter() {
        if let mdbook_core::book::BookItem::Chapter(ch) = item {
            if ch.path.is_none() {
                continue;
            }
            let first = ch
                .content
                .lines()
                .find(|l| !l.trim().is_empty())
                .and_then(|l| l.strip_prefix("# "))
                .map(|t| t.trim().to_string());
            titles.push(first.unwrap_or_else(|| ch.name.clone()));
        }
    }
    titles
}

/// The promised tab order, worked out here rather than asked of
/// `tab_order`: the scenario's tools sorted by id, rotated left by the
/// scenario's rank among the id-sorted scenarios.
fn expected_tab_order(
    catalog: &chaosbook::Catalog,
    s: &chaosbook::catalog::model::Scenario,
) -> Vec<String> {
    let mut ids: Vec<&str> = catalog
        .scenarios
        .iter()
        .map(|e| e.item.id.as_str())
        .collect();
    ids.sort_unstable();
    let rank = ids.iter().position(|id| *id == s.id).unwrap();
    let mut tools: Vec<String> = s.implementations.iter().map(|i| i.tool.clone()).collect();
    tools.sort();
    let n = tools.len();
    tools.rotate_left(rank % n);
    tools
}

#[test]
fn every_chapter_scenario_and_tool_label_is_printed() {
    let r = real();
    let catalog = load_catalog();
    let all = squash(&r.pages.join("\n"));
    for t in chapter_titles() {
        assert!(all.contains(&squash(&t)), "chapter `{t}` is missing");
    }
    // The catalog part: each scenario's section (its title followed by its
    // summary; the last such place, after any embed in a chapter) holds
    // every tool's name, in tab order, and one "Not supported." per
    // unsupported implementation.
    let body = squash(&content(&r.pages));
    let order: Vec<&chaosbook::catalog::model::Scenario> =
        chaosbook::pdf::catalog::by_category(&catalog)
            .into_iter()
            .flat_map(|(_, list)| list)
            .collect();
    assert_eq!(order.len(), catalog.scenarios.len());
    let mut starts = Vec::new();
    for s in &order {
        let summary: String = squash(&s.summary)
            .chars()
            .filter(|c| !matches!(c, '`' | '*' | '_'))
            .take(12)
            .collect();
        let key = format!("{}{summary}", squash(&s.title));
        let at = body
            .rfind(&key)
            .unwrap_or_else(|| panic!("scenario `{}` is missing from the catalog part", s.title));
        if let Some(prev) = starts.last() {
            assert!(at > *prev, "`{}` is out of order", s.id);
        }
        starts.push(at);
    }
    for (i, s) in order.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(body.len());
        let section = &body[starts[i]..end];
        let mut pos = 0;
        for tool in expected_tab_order(&catalog, s) {
            let name = &catalog.tool(&tool).unwrap().item.name;
            let found = section[pos..].find(&squash(name)).unwrap_or_else(|| {
                panic!("`{}`: no implementation of {name} (in tab order)", s.id)
            });
            pos += found + squash(name).len();
        }
        let unsupported = s
            .implementations
            .iter()
            .filter(|i| !i.is_supported())
            .count();
        assert_eq!(
            section.matches(&squash("Not supported.")).count(),
            unsupported,
            "`{}`: not-supported entries",
            s.id
        );
        for imp in s.implementations.iter().filter(|i| !i.is_supported()) {
            let reason = imp.reason.as_deref().unwrap_or("");
            if !reason.contains(['`', '*', '_', '[']) {
                assert!(
                    section.contains(&squash(reason)),
                    "`{}`: the reason of {} is missing",
                    s.id,
                    imp.tool
                );
            }
        }
    }
}

#[test]
fn the_outline_has_every_chapter_and_scenario() {
    let r = real();
    let doc = Document::load_mem(&r.bytes).unwrap();
    let entries = outline(&doc);
    let titles: Vec<String> = entries.iter().map(|(_, t)| spaced(t)).collect();
    for t in chapter_titles() {
        assert!(
            titles.contains(&spaced(&t)),
            "no bookmark for chapter `{t}` in {titles:?}"
        );
    }
    let catalog = load_catalog();
    for s in &catalog.scenarios {
        assert!(
            titles.contains(&spaced(&s.item.title)),
            "no bookmark for scenario `{}`",
            s.item.title
        );
    }
    for t in ["Tool landscape", "Best practices", "Coverage matrix"] {
        assert!(titles.iter().any(|x| x == t), "no bookmark `{t}`");
    }
    // Scenarios nest under their category.
    let depth: HashMap<&str, usize> = entries.iter().map(|(d, t)| (t.as_str(), *d)).collect();
    for (category, list) in chaosbook::pdf::catalog::by_category(&catalog) {
        let title =
            chaosbook::view::labels::lookup(&chaosbook::view::labels::CATEGORIES, &category);
        let parent = depth[format!("Scenarios: {title}").as_str()];
        for s in list {
            assert_eq!(depth[s.title.as_str()], parent + 1, "{}", s.title);
        }
    }
}

#[test]
fn pages_are_numbered() {
    let r = real();
    // Each body page ends with its number (the footer); the title page and
    // the contents (roman numerals) come before page 1.
    let numbers: Vec<Option<usize>> = r
        .pages
        .iter()
        .map(|p| {
            p.lines()
                .rev()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .and_then(|l| l.parse().ok())
        })
        .collect();
    let first = numbers
        .iter()
        .position(|n| *n == Some(1))
        .expect("a page numbered 1");
    assert!(
        (2..12).contains(&first),
        "page 1 is the PDF's page {}",
        first + 1
    );
    for (i, n) in numbers.iter().enumerate().skip(first) {
        // Landscape matrix pages have their footer too.
        assert_eq!(
            *n,
            Some(i - first + 1),
            "PDF page {}:\n{}",
            i + 1,
            r.pages[i]
        );
    }
    assert!(r.pages.len() > 40, "only {} pages", r.pages.len());
}

#[test]
fn a_page_that_opens_a_chapter_names_it_in_its_footer() {
    let r = real();
    let doc = Document::load_mem(&r.bytes).unwrap();
    // Parts and chapters: the first two levels of the outline, less the
    // titles that a section elsewhere shares (`References`).
    let entries: Vec<(usize, String)> = outline(&doc)
        .into_iter()
        .map(|(depth, t)| (depth, spaced(&t)))
        .collect();
    let chapters: Vec<&String> = entries
        .iter()
        .filter(|(depth, _)| *depth <= 1)
        .map(|(_, t)| t)
        .collect();
    let titles: Vec<&String> = chapters
        .iter()
        .copied()
        .filter(|t| entries.iter().filter(|(_, u)| u == *t).count() == 1)
        .collect();
    let mut opened = Vec::new();
    for (i, page) in r.pages.iter().enumerate() {
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // Running header, body, then the footer (the chapter and the
        // number), though pdftotext may read a landscape page's footer
        // first.
        let [_header, first, .., number] = lines.as_slice() else {
            continue;
        };
        if number.parse::<usize>().is_err() || !titles.contains(&&spaced(first)) {
            continue;
        }
        // The footer names the last chapter that starts on the page: this
        // one, or a section of the same level further down. So one chapter
        // title of the page is there twice, as a heading and in the footer.
        let count = |t: &String| lines.iter().filter(|l| spaced(l) == *t).count();
        assert!(
            chapters.iter().any(|t| count(t) >= 2),
            "PDF page {} opens `{first}` but its footer names no chapter that starts on it:\n{page}",
            i + 1
        );
        opened.push(spaced(first));
    }
    // A part (level 1, set in its own markup) and the landscape matrix are
    // among them, and so are most chapters.
    for t in ["Catalog", "Coverage matrix"] {
        assert!(
            opened.iter().any(|o| o == t),
            "no page opens `{t}`: {opened:?}"
        );
    }
    assert!(
        opened.len() * 2 > titles.len(),
        "only {} of {} chapters open a page: {opened:?}",
        opened.len(),
        titles.len()
    );
}

#[test]
fn long_manifest_lines_wrap_instead_of_being_cut() {
    let r = real();
    let catalog = load_catalog();
    let longest = catalog
        .manifests
        .values()
        .flat_map(|m| m.rendered.lines())
        .max_by_key(|l| l.chars().count())
        .expect("manifests")
        .to_string();
    assert!(longest.len() > 90, "the longest line is short: {longest}");
    let all = squash(&r.pages.join("\n"));
    assert!(
        all.contains(&squash(&longest)),
        "the longest manifest line is not printed in full: {longest}"
    );
    let bad = overflowing_words(&r.path);
    assert!(
        bad.is_empty(),
        "{} words run into the margin or off the page, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

#[test]
fn links_are_clickable() {
    let r = real();
    let doc = Document::load_mem(&r.bytes).unwrap();
    let (internal, external) = links(&doc);
    assert!(internal > 100, "{internal} internal links");
    assert!(external > 20, "{external} external links");
}

#[test]
fn pages_are_rendered_for_review() {
    let r = real();
    let dir = repo().join("target/pdf-pages");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    // Title, contents, a chapter, a scenario embedded in a tutorial, a
    // scenario of the catalog, the tool landscape, the matrix.
    let find = |f: &dyn Fn(&String) -> bool| r.pages.iter().position(f).map(|i| i + 1);
    let embed = find(&|p| p.contains("Every tool in turn")).unwrap();
    let catalog =
        find(&|p| p.contains("Every tool in turn") && p.contains("\nScenarios: ")).unwrap();
    let landscape = r
        .pages
        .iter()
        .rposition(|p| {
            p.starts_with("Chaos Engineering for Cloud-Native Systems\n\nTool landscape")
        })
        .map_or(3, |i| i + 1);
    let matrix = r
        .pages
        .iter()
        .rposition(|p| p.contains("Coverage matrix"))
        .unwrap()
        + 1;
    for page in [1, 2, 8, embed, catalog, catalog + 1, landscape, matrix] {
        let status = Command::new("pdftoppm")
            .args([
                "-png",
                "-r",
                "80",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(&r.path)
            .arg(dir.join("page"))
            .status()
            .expect("pdftoppm (poppler-utils)");
        assert!(status.success());
    }
    assert!(fs::read_dir(&dir).unwrap().count() >= 5);
}

#[test]
fn typst_syntax_in_catalog_and_chapters_prints_as_text() {
    let dir = minimal();
    let root = dir.path();
    let evil = "Latency #set page(width: 1cm) $x$ <b> @ref // c /* d */ \\ [x] ~ `q` _u_ = - + 1.";
    let scenario = root.join("catalog/scenarios/network/demo-latency.yaml");
    let text = fs::read_to_string(&scenario).unwrap().replace(
        "title: Demo latency",
        &format!("title: '{}'", evil.replace('\'', "''")),
    );
    fs::write(&scenario, text).unwrap();
    write(
        root,
        "whitepaper/intro.md",
        "# Intro\n\nA chapter with \\#set text(size: 40pt) and $y$ and #import x: * and `#raw` and \\]\\) and <!-- c --> #show: none\n\n```yaml\nkey: \"#set page(width: 1cm)\" ] ) \\\n```\n",
    );
    let out = root.join("out.pdf");
    ok(&pdf(root, &out, &["--date", "2024-01-01"]));
    let pages = pages_text(&out);
    let all = spaced(&pages.join("\n"));
    assert!(all.contains(&spaced(evil)), "{all}");
    assert!(
        all.contains(
            "#set text(size: 40pt) and $y$ and #import x: * and #raw and ]) and #show: none"
        ),
        "{all}"
    );
    assert!(
        all.contains("key: \"#set page(width: 1cm)\" ] ) \\"),
        "{all}"
    );
    // The page size held: A4 everywhere but the landscape matrix.
    let doc = Document::load_mem(&fs::read(&out).unwrap()).unwrap();
    for (_, page) in doc.get_pages() {
        let media = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32))
            .collect::<Vec<f32>>();
        let (w, h) = (media[2] - media[0], media[3] - media[1]);
        let a4 = |a: f32, b: f32| (a - 595.3).abs() < 1.0 && (b - 841.9).abs() < 1.0;
        assert!(a4(w, h) || a4(h, w), "a page of {w}x{h}");
    }
}

#[test]
fn markdown_is_converted_faithfully() {
    let dir = minimal();
    let root = dir.path();
    write(
        root,
        "whitepaper/SUMMARY.md",
        "# Summary\n\n[Intro](intro.md)\n\n# Part one\n\n- [Guide](guide/page.md)\n  - [Nested](guide/nested.md)\n",
    );
    // A 1x1 PNG.
    let png: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    fs::create_dir_all(root.join("whitepaper/guide/img")).unwrap();
    fs::write(root.join("whitepaper/guide/img/dot.png"), png).unwrap();
    write(
        root,
        "whitepaper/guide/page.md",
        "# Guide\n\n## Lists {#lists}\n\n- one\n  - one point one\n    1. deep ordered\n- two\n\n3. third\n4. fourth\n\n\
         > A quoted line.\n\n> [!WARNING]\n> Careful.\n\n\
         | Tool | Support |\n|------|:-------:|\n| A | yes |\n| B | no |\n\n\
         Text with *emphasis*, **strong**, ~~struck~~ and `inline code`.[^note]\n\n\
         [^note]: The footnote text.\n\n\
         ![A dot](img/dot.png)\n\n\
         See [nested](nested.md#deep-section), [the lists](#lists), [the scenario](scenario:demo-latency), \
         [its demo tool](scenario:demo-latency?tool=demo-tool), [the practice](practice:demo-practice), \
         [the tool](tool:demo-tool), [the matrix](catalog:matrix) and [the web](https://example.org/).\n\n\
         {{#scenario demo-latency}}\n",
    );
    write(
        root,
        "whitepaper/guide/nested.md",
        "# Nested\n\n## Deep section\n\nBack to [the guide](page.md).\n",
    );
    let out = root.join("out.pdf");
    ok(&pdf(root, &out, &[]));
    let pages = pages_text(&out);
    let all = spaced(&pages.join("\n"));
    for needle in [
        "one point one",
        "deep ordered",
        "3. third",
        "4. fourth",
        "A quoted line.",
        "Warning",
        "Careful.",
        "Tool Support",
        "A yes",
        "emphasis, strong, struck and inline code.",
        "The footnote text.",
        "Deep section",
        "Back to the guide.",
        "Part one",
    ] {
        assert!(all.contains(needle), "`{needle}` missing from:\n{all}");
    }
    assert!(!all.contains("[^note]"), "{all}");
    assert!(
        !all.contains("{{#scenario"),
        "the embed was not expanded: {all}"
    );
    // The embed prints the implementations one after another.
    let guide_start = all.find("Lists").unwrap();
    let embed = &all[guide_start..];
    assert!(
        embed.contains("Demo Tool") && embed.contains("Other Tool"),
        "{embed}"
    );
    assert!(
        embed.contains("Not supported. The other tool has no network fault for pods."),
        "{embed}"
    );
    let doc = Document::load_mem(&fs::read(&out).unwrap()).unwrap();
    let (internal, external) = links(&doc);
    assert!(internal >= 8, "{internal} internal links");
    assert!(external >= 1, "{external} external links");
    let titles: Vec<(usize, String)> = outline(&doc);
    let find = |t: &str| titles.iter().find(|(_, x)| x == t).map(|(d, _)| *d);
    assert_eq!(find("Intro"), Some(0), "{titles:?}");
    assert_eq!(find("Part one"), Some(0), "{titles:?}");
    assert_eq!(find("Guide"), Some(1), "{titles:?}");
    assert_eq!(find("Nested"), Some(2), "{titles:?}");
    assert_eq!(find("Demo latency"), Some(2), "{titles:?}");
    // The image is embedded.
    let images = doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice())
            })
        })
        .count();
    assert!(images >= 1, "no image in the PDF");
}

#[test]
fn an_invalid_catalog_is_refused_with_checks_diagnostics() {
    let dir = minimal();
    let root = dir.path();
    let scenario = root.join("catalog/scenarios/network/demo-latency.yaml");
    let text = fs::read_to_string(&scenario)
        .unwrap()
        .replace("rollback: Delete the experiment resource.\n", "");
    fs::write(&scenario, text).unwrap();
    let out = root.join("out.pdf");
    let run = pdf(root, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!out.exists(), "a PDF was written from an invalid catalog");
    let check = Command::new(bin())
        .arg("--root")
        .arg(root)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_bad_date_is_a_usage_error() {
    let dir = minimal();
    let out = dir.path().join("out.pdf");
    let run = pdf(dir.path(), &out, &["--date", "2024-13-01"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

/// Without `--out` the PDF goes to target/chaosbook.pdf under the root; without
/// `--date` the title page shows the date of the last commit (never the
/// clock), and no date at all outside a repository.
#[test]
fn the_default_output_path_and_date() {
    let dir = minimal();
    let root = dir.path();
    let run = |extra: &[&str]| {
        Command::new(bin())
            .current_dir(root)
            .arg("--root")
            .arg(root)
            .arg("pdf")
            .args(extra)
            .output()
            .unwrap()
    };
    // No repository: no date.
    let out = run(&[]);
    ok(&out);
    let default = root.join("target/chaosbook.pdf");
    let text = squash(&pages_text(&default)[0]);
    assert!(text.contains("Version"), "{text}");
    assert!(!text.contains("·"), "a date without a repository: {text}");

    let git = |args: &[&str], date: &str| {
        let out = Command::new("git")
            .current_dir(root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .args(["-c", "user.email=t@example.org", "-c", "user.name=t"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"], "2021-02-03T04:05:06Z");
    git(&["add", "."], "2021-02-03T04:05:06Z");
    git(&["commit", "-q", "-m", "one"], "2021-02-03T04:05:06Z");
    fs::write(root.join("whitepaper/intro.md"), "# Intro\n\nLater text.\n").unwrap();
    git(&["commit", "-q", "-am", "two"], "2022-11-30T23:00:00Z");
    fs::remove_file(&default).unwrap();
    ok(&run(&[]));
    let text = squash(&pages_text(&default)[0]);
    assert!(text.contains(&squash("· 2022-11-30")), "{text}");
    // `--date` wins over the commit; `--out` over the default path.
    let other = root.join("elsewhere/book.pdf");
    ok(&run(&[
        "--date",
        "2030-01-02",
        "--out",
        other.to_str().unwrap(),
    ]));
    let text = squash(&pages_text(&other)[0]);
    assert!(text.contains(&squash("· 2030-01-02")), "{text}");
    assert!(!text.contains("2022"), "{text}");
}
