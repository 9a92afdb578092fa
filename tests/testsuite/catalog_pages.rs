//! The catalog's pages in the built site: generated for every item, linked
//! from chapters, with tool tabs, and inert whatever the catalog text says.

use crate::common;
use std::fs;
use std::path::Path;
use std::process::Command;

/// The fixture project with hostile text in every kind of catalog field,
/// and a chapter that embeds and links the scenario.
fn hostile_project() -> tempfile::TempDir {
    let dir = common::fixture_project();
    let scenario = dir
        .path()
        .join("catalog/scenarios/network/demo-latency.yaml");
    let text = fs::read_to_string(&scenario)
        .unwrap()
        .replace("title: Demo latency", "title: \"Demo <script>alert('title')</script> latency\"")
        .replace(
            "hypothesis: >-\n  With 100 ms",
            "hypothesis: >-\n  <img src=x onerror=alert('hypothesis')> With 100 ms",
        )
        .replace("method: >-\n  Delay", "method: >-\n  <script>alert('method')</script> [x](javascript:alert('method')) Delay")
        .replace("reason: The other tool has no network fault for pods.", "reason: \"<svg onload=alert('reason')></svg> The other tool has no network fault for pods.\"")
        .replace("    verified: {version: \"2.1.0\", by: schema, date: 2026-01-15}\n", "    verified: {version: \"2.1.0\", by: schema, date: 2026-01-15}\n    notes: \"<b onmouseover=alert('notes')>hover</b> **bold** note\"\n");
    fs::write(&scenario, text).unwrap();
    fs::write(
        dir.path().join("whitepaper/SUMMARY.md"),
        "# Summary\n\n- [Intro](intro.md)\n- [Catalog](catalog.md)\n",
    )
    .unwrap();
    fs::write(dir.path().join("whitepaper/intro.md"), "# Intro\n\nSee [the fault](scenario:demo-latency?tool=other-tool).\n\n{{#scenario demo-latency}}\n").unwrap();
    fs::write(
        dir.path().join("whitepaper/catalog.md"),
        "# Catalog\n\n{{#catalog}}\n",
    )
    .unwrap();
    dir
}

fn build(root: &Path, dest: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(["build", "--dest"])
        .arg(dest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_catalog_item_gets_a_page_under_the_marker_chapter() {
    let project = hostile_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    for page in [
        "catalog.html",
        "catalog/tools.html",
        "catalog/tools/demo-tool.html",
        "catalog/tools/other-tool.html",
        "catalog/matrix.html",
        "catalog/scenarios/network.html",
        "catalog/scenarios/network/demo-latency.html",
        "catalog/practices.html",
        "catalog/practices/demo-practice.html",
    ] {
        assert!(site.join(page).is_file(), "{page} missing");
    }
    let toc = fs::read_to_string(site.join("toc.js")).unwrap();
    assert!(
        toc.contains("catalog/scenarios/network/demo-latency.html"),
        "the sidebar lists the scenario page"
    );
    let index = fs::read_to_string(site.join("catalog.html")).unwrap();
    assert!(index.contains("class=\"cb-filter\""));
    assert!(
        index.contains("data-tool=\"demo-tool\""),
        "index items carry their tools"
    );
}

#[test]
fn chapters_embed_scenarios_and_link_catalog_items() {
    let project = hostile_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    let intro = fs::read_to_string(site.join("intro.html")).unwrap();
    assert!(
        intro.contains(
            "href=\"catalog/scenarios/network/demo-latency.html?tool=other-tool#implementations\""
        ),
        "{intro}"
    );
    assert!(intro.contains("class=\"cb-embed\""));
    assert!(intro.contains("role=\"tablist\""));
    // Tabs: one per tool, the supported one selected, the unsupported one honest.
    assert_eq!(intro.matches("role=\"tab\"").count(), 2);
    assert!(
        intro.contains("aria-selected=\"true\" tabindex=\"0\" data-tool=\"demo-tool\""),
        "{intro}"
    );
    assert!(intro.contains("<strong>Not supported.</strong>"));
    let matrix = fs::read_to_string(site.join("catalog/matrix.html")).unwrap();
    assert!(matrix.contains("network/demo-latency.html?tool=demo-tool#implementations"));
}

#[test]
fn catalog_text_cannot_inject_markup_or_script() {
    let project = hostile_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    // Markup, not text: an event-handler attribute inside a tag, a script
    // element without src, a javascript: URL in an attribute.
    let handler = regex::Regex::new(r"<[a-zA-Z][^>]*\son[a-z]+\s*=").unwrap();
    let inline_script = regex::Regex::new(r"<script(\s[^>]*)?>[^<]").unwrap();
    let js_url = regex::Regex::new(r#"(href|src)\s*=\s*["']?\s*javascript:"#).unwrap();
    for page in [
        "catalog/scenarios/network/demo-latency.html",
        "intro.html",
        "catalog.html",
        "catalog/matrix.html",
        "print.html",
    ] {
        let html = fs::read_to_string(site.join(page)).unwrap();
        assert!(
            !handler.is_match(&html),
            "{page} has an event handler: {:?}",
            handler.find(&html)
        );
        assert!(
            !inline_script.is_match(&html),
            "{page} has an inline script: {:?}",
            inline_script.find(&html)
        );
        assert!(!js_url.is_match(&html), "{page} has a javascript: URL");
    }
    let page =
        fs::read_to_string(site.join("catalog/scenarios/network/demo-latency.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('title')&lt;/script&gt;"),
        "the title is shown as text"
    );
    assert!(
        page.contains("<strong>bold</strong> note"),
        "notes are markdown, sanitised"
    );
    // The search index is data: the title is there as text, and search.js
    // shows results with textContent.
    let search = fs::read_to_string(site.join("searchindex.js")).unwrap();
    assert!(search.contains("alert('title')"));
    assert!(!fs::read_to_string(site.join("static/search.js"))
        .unwrap()
        .contains("innerHTML"));
}

#[test]
fn the_site_publishes_catalog_json_and_every_schema() {
    let project = hostile_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    let catalog: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.join("catalog.json")).unwrap()).unwrap();
    assert_eq!(catalog["schema_version"], 2);
    assert_eq!(catalog["tools"].as_array().unwrap().len(), 2);
    let scenario = &catalog["scenarios"][0];
    assert_eq!(scenario["id"], "demo-latency");
    assert_eq!(scenario["tab_order"].as_array().unwrap().len(), 2);
    let implementation = scenario["implementations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["tool"] == "demo-tool")
        .unwrap();
    assert!(
        implementation["rendered"]
            .as_str()
            .unwrap()
            .contains("namespace: demo"),
        "manifests are rendered with defaults"
    );
    assert_eq!(catalog["practices"][0]["id"], "demo-practice");
    assert_eq!(catalog["formats"].as_array().unwrap().len(), 3);
    for schema in [
        "schema/tool.schema.json",
        "schema/scenario.schema.json",
        "schema/practice.schema.json",
        "schema/formats/chaos-mesh.schema.json",
        "schema/formats/shell.schema.json",
        "schema/formats/toxiproxy.schema.json",
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(site.join(schema)).unwrap()).unwrap();
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{schema}"
        );
    }
}

fn try_build(root: &Path, dest: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(root)
        .args(["build", "--dest"])
        .arg(dest)
        .output()
        .unwrap()
}

/// A theme may override any catalog template; one that fails (while
/// rendering or while parsing) stops the build with its path and line and
/// leaves the previous site as it was.
#[test]
fn a_broken_catalog_template_is_reported_and_the_site_kept() {
    let project = hostile_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    let matrix = fs::read(site.join("catalog/matrix.html")).unwrap();
    let templates = project.path().join("theme/templates/catalog");
    fs::create_dir_all(&templates).unwrap();
    for (text, line) in [
        // Rendering: a value the data does not have.
        ("<div class=\"mine\">\n{{ scenario.id }}\n{{ scenario.no_such_field | upper }}\n</div>\n", 3),
        // Parsing: a stray parenthesis.
        ("<div>\n\n{{ scenario.id ) }}\n</div>\n", 3),
    ] {
        fs::write(templates.join("tabs.html"), text).unwrap();
        let out = try_build(project.path(), &site);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("theme/templates/catalog/tabs.html:{line}:")),
            "{stderr}"
        );
        assert_eq!(
            fs::read(site.join("catalog/matrix.html")).unwrap(),
            matrix,
            "the previous site is untouched"
        );
    }
    // A working override is used, file by file: the other templates stay
    // the built-in ones.
    fs::write(
        templates.join("tabs.html"),
        "<div class=\"my-tabs\">{% for imp in scenario.implementations %}{{ imp.tool.title }};{% endfor %}</div>",
    )
    .unwrap();
    build(project.path(), &site);
    let page =
        fs::read_to_string(site.join("catalog/scenarios/network/demo-latency.html")).unwrap();
    assert!(
        page.contains("<div class=\"my-tabs\">Demo Tool;Other Tool;</div>"),
        "{page}"
    );
    assert!(page.contains("<dl class=\"cb-facts\">"), "{page}");
}

/// The fixture's scenario with a lab experiment and its recorded run, and
/// a chapter that shows the experiment with `{{#lab-experiment}}`.
pub(crate) fn lab_project() -> tempfile::TempDir {
    let dir = common::fixture_project();
    let scenario = dir
        .path()
        .join("catalog/scenarios/network/demo-latency.yaml");
    let mut text = fs::read_to_string(&scenario)
        .unwrap()
        .replace("targets: [kubernetes]", "targets: [kubernetes, local]");
    text.push_str(concat!(
        "lab:\n",
        "  values: {latency_ms: 5}\n",
        "  steady_state:\n",
        "    title: checkout answers within a second\n",
        "    probes: [{url: \"http://127.0.0.1:18080/checkout\", within: 1s}]\n",
        "  implementations:\n",
        "    - tool: demo-tool\n",
        "      support: native\n",
        "      format: toxiproxy\n",
        "      docs: https://demo.example.org/docs/lab\n",
        "      verified: {version: \"2.1.0\", by: execution, date: 2026-12-01}\n",
        "      manifest: |\n",
        "        #!/bin/sh\n",
        "        curl -sSf --data '{\"type\": \"latency\", \"attributes\": {\"latency\": {{ latency_ms }}}}' http://127.0.0.1:8474/proxies/prices/toxics\n",
    ));
    fs::write(&scenario, text).unwrap();
    let tool = dir.path().join("catalog/tools/demo-tool.yaml");
    let declared = fs::read_to_string(&tool).unwrap().replace(
        "formats: [chaos-mesh, shell]",
        "formats: [chaos-mesh, shell, toxiproxy]",
    );
    fs::write(&tool, declared).unwrap();
    fs::write(
        dir.path().join("catalog/lab-runs.yaml"),
        concat!(
            "runs:\n",
            "  - scenario: demo-latency\n",
            "    tool: demo-tool\n",
            "    date: \"2026-12-01\"\n",
            "    tool_version: \"2.1.0\"\n",
            "    server: \"a stand-in <b>server</b>\"\n",
            "    versions: {demo-lib: \"0.3.1\"}\n",
            "    verdict: refuted\n",
            "    seconds: 31.6\n",
            "    probes:\n",
            "      before: {count: 1, min_ms: 12, max_ms: 12, codes: [200]}\n",
            "      during: {count: 2, min_ms: 21, max_ms: 30, codes: [200, 503], failed: 1}\n",
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("whitepaper/SUMMARY.md"),
        "# Summary\n\n- [Intro](intro.md)\n- [Catalog](catalog.md)\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("whitepaper/intro.md"),
        "# Intro\n\n{{#lab-experiment demo-latency}}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("whitepaper/catalog.md"),
        "# Catalog\n\n{{#catalog}}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_lab_experiment_and_its_recorded_run_are_on_the_scenario_page_and_in_chapters() {
    let project = lab_project();
    let site = project.path().join("site");
    build(project.path(), &site);
    let page =
        fs::read_to_string(site.join("catalog/scenarios/network/demo-latency.html")).unwrap();
    let text = page.replace("&#x2F;", "/");
    for expected in [
        ">Run it in the lab</a></h2>",
        "The lab's values: <code>latency_ms = 5</code>.",
        "<strong>Ran in the lab on 2026-12-01 with Demo Tool 2.1.0 (demo-lib 0.3.1; its API served by a stand-in &lt;b&gt;server&lt;/b&gt;, not by the tool's own server): verdict refuted</strong> (the steady state deviated during the fault). Probes took 12 ms (HTTP 200) before the fault, 21\u{2013}30 ms (HTTP 200, 503), 1 of 2 failed during it. The run took 32 s.",
        "id=\"lab-demo-latency-demo-tool\"",
        "aria-label=\"Demo Tool lab experiment\"",
        "Run: <code>chaosbook lab run demo-latency</code>",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{page}");
    }
    // The experiment is rendered with the lab's value, not the default.
    let code = &page[page.find("id=\"lab-demo-latency-demo-tool\"").unwrap()..];
    let code = &code[..code.find("</code>").unwrap()];
    assert!(code.contains(">5<") || code.contains(" 5"), "{code}");
    assert!(!code.contains("100"), "{code}");
    let intro = fs::read_to_string(site.join("intro.html")).unwrap();
    assert!(
        intro.contains("<p class=\"cb-lab-caption\">The lab experiment of <a href=\"catalog/scenarios/network/demo-latency.html\">Demo latency</a></p>"),
        "{intro}"
    );
}

#[test]
fn a_lab_experiment_of_a_scenario_without_a_lab_is_an_error_at_its_id() {
    let project = lab_project();
    fs::write(
        project.path().join("whitepaper/intro.md"),
        "# Intro\n\n{{#lab-experiment demo-latncy}}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chaosbook"))
        .arg("--root")
        .arg(project.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"code\": \"unknown-reference\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("unknown lab scenario `demo-latncy`"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `demo-latency`?"), "{stdout}");
    assert!(
        stdout.contains("\"line\": 3,") && stdout.contains("\"column\": 19"),
        "{stdout}"
    );
}

/// The catalog under `root`, checked clean, and its view as templates
/// receive it (JSON).
fn checked_view(root: &Path) -> (chaosbook::Catalog, serde_json::Value) {
    let (catalog, report) = chaosbook::check(root);
    assert!(!report.has_errors(), "{} has errors", root.display());
    let view = serde_json::to_value(chaosbook::view::CatalogView::new(&catalog)).unwrap();
    (catalog, view)
}

/// Every `url` the catalog's view hands to templates (theme/README.md: "every
/// `url` in the data is relative to the site root") is a page of the real
/// site, including those the built-in templates do not use but a theme may:
/// a practice's, a category's, a scenario's practices.
#[test]
fn every_url_in_the_view_data_is_a_page_of_the_site() {
    use chaosbook::serve::{Changes, Session};
    let root = common::repo();
    let (_, data) = checked_view(&root);
    let (site, _) = Session::new(&root)
        .rebuild(Changes::ALL)
        .expect("the real book builds");

    fn urls<'v>(value: &'v serde_json::Value, at: String, out: &mut Vec<(String, &'v str)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("url", serde_json::Value::String(url)) => out.push((at.clone(), url)),
                        _ => urls(v, format!("{at}/{key}"), out),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    urls(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    urls(&data, String::new(), &mut found);
    // References point elsewhere, by design.
    found.retain(|(at, url)| !at.contains("/references/") && !url.starts_with("https://"));
    let kinds = ["/tools/", "/scenarios/", "/practices/", "/categories/"];
    for kind in kinds {
        assert!(
            found.iter().any(|(at, _)| at.starts_with(kind)),
            "the view has {kind} urls: {:?}",
            &found[..found.len().min(5)]
        );
    }
    for (at, url) in &found {
        assert!(
            site.get(url).is_some(),
            "{at}: `{url}` is not a page of the site"
        );
    }
}

/// The catalog view of the fixture, field by field against what its YAML
/// says (worked out by hand): a scenario's category, the command that runs
/// a tool's manifest, and each tool's page data: what it implements, what
/// it does not, and its count per support level (theme data no built-in
/// template shows).
#[test]
fn the_fixture_view_says_what_its_yaml_says() {
    let project = common::fixture_project();
    let (_, view) = checked_view(project.path());
    let scenario = &view["scenarios"][0];
    assert_eq!(scenario["id"], "demo-latency");
    assert_eq!(scenario["category"]["id"], "network");
    // The index offers the one category that has a scenario, not the others.
    let category_facet = &view["facets"][0];
    assert_eq!(category_facet["name"], "category");
    assert_eq!(
        category_facet["values"],
        serde_json::json!([{"value": "network", "label": "Network"}])
    );
    let demo = scenario["implementations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["tool"]["id"] == "demo-tool")
        .unwrap();
    assert_eq!(demo["file"], "demo-latency.yaml");
    assert_eq!(demo["run"], "kubectl apply -f demo-latency.yaml");

    let tool = |id: &str| {
        view["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()
            .clone()
    };
    let ids = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["scenario"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let coverage = |t: &serde_json::Value| -> Vec<(String, u64)> {
        t["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["level"]["id"].as_str().unwrap().to_string(),
                    c["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let levels = |counts: [u64; 5]| -> Vec<(String, u64)> {
        ["native", "extension", "approximation", "via", "unsupported"]
            .iter()
            .map(|l| l.to_string())
            .zip(counts)
            .collect()
    };
    let (demo_tool, other_tool) = (tool("demo-tool"), tool("other-tool"));
    assert_eq!(ids(&demo_tool["implemented"]), ["demo-latency"]);
    assert!(ids(&demo_tool["unsupported"]).is_empty());
    assert_eq!(coverage(&demo_tool), levels([1, 0, 0, 0, 0]));
    assert!(ids(&other_tool["implemented"]).is_empty());
    assert_eq!(ids(&other_tool["unsupported"]), ["demo-latency"]);
    assert_eq!(coverage(&other_tool), levels([0, 0, 0, 0, 1]));
}

/// The index's filters over the real catalog: five facets in a fixed order,
/// each value once; categories in the order of the index's sections, tools
/// by name, the rest by id; and exactly the values the scenarios use.
#[test]
fn the_index_filters_offer_each_value_of_the_catalog_once() {
    use std::collections::BTreeSet;
    let (catalog, view) = checked_view(&common::repo());
    let facet = |name: &str| -> Vec<String> {
        let facet = view["facets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("a {name} facet"));
        facet["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_string())
            .collect()
    };
    let names: Vec<&str> = view["facets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["category", "target", "tool", "persona", "blast"]);

    let scenarios: Vec<&chaosbook::catalog::model::Scenario> =
        catalog.scenarios.iter().map(|e| &e.item).collect();
    let sections: Vec<String> = view["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(facet("category"), sections);
    let used: BTreeSet<String> = scenarios.iter().map(|s| s.category.clone()).collect();
    assert_eq!(facet("category").into_iter().collect::<BTreeSet<_>>(), used);

    let mut tools: Vec<(String, String)> = catalog
        .tools
        .iter()
        .map(|t| (t.item.name.to_lowercase(), t.item.id.clone()))
        .collect();
    tools.sort();
    assert_eq!(
        facet("tool"),
        tools.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    );

    let by_id = |values: BTreeSet<String>| values.into_iter().collect::<Vec<_>>();
    let personas = scenarios
        .iter()
        .flat_map(|s| s.personas.iter().cloned())
        .collect();
    assert_eq!(facet("persona"), by_id(personas));
    let levels = scenarios
        .iter()
        .map(|s| s.blast_radius.level.clone())
        .collect();
    assert_eq!(facet("blast"), by_id(levels));
    let targets = facet("target");
    assert!(
        targets.len() > 1 && targets.windows(2).all(|w| w[0] < w[1]),
        "{targets:?}"
    );
}
