//! Tab neutrality: which tool's tab comes first on each scenario.
//!
//! The expectations here are written by hand or follow from the promise
//! itself ("every tool comes first equally often"), never from the order
//! function: a reversed, removed or skewed rotation fails these tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::repo;

/// The `safety` block every tool file needs (facts for the stopping-safely
/// table); the same text for every generated tool.
const SAFETY: &str =
    "safety:\n  stop: {text: Delete the experiment., docs: https://example.org/stop}\n  \
automatic_stop: {text: The fault ends with its duration., docs: https://example.org/auto}\n  \
injector_failure: {text: Not documented., docs: https://example.org/failure}\n  \
verify_cleanup: {text: Read the target's status., docs: https://example.org/cleanup}\n";

/// The first tab of several real scenarios, worked out by hand from the
/// promise in CONTRIBUTING.md: tabs sorted by tool id, rotated by the
/// scenario's rank in the id-sorted catalog (every real scenario has all
/// twelve tools). Adding a scenario whose id sorts before one of these moves
/// it by one tool; update the table when that happens.
#[test]
fn real_scenarios_lead_with_the_expected_tool() {
    let (catalog, report) = chaosbook::check(&repo());
    assert!(!report.has_errors(), "{}", report.human_string());
    let expected = [
        ("admission-webhook-failure", "aws-fis"),
        ("bandwidth-limit", "chaos-toolkit"),
        // Rank 7: the eighth tool by id.
        ("clock-skew", "kube-monkey"),
        ("cloud-api-errors", "litmuschaos"),
        ("container-kill", "pumba"),
        ("container-runtime-stop", "steadybit"),
        // Rank 12: the rotation starts again.
        ("database-failover", "aws-fis"),
        ("dependency-blackhole", "chaos-mesh"),
        // The last scenario, rank 55 = 4 * 12 + 7.
        ("zone-outage", "kube-monkey"),
    ];
    for (id, first) in expected {
        let s = &catalog.scenario(id).unwrap().item;
        let order: Vec<&str> = catalog
            .tab_order(s)
            .into_iter()
            .map(|i| i.tool.as_str())
            .collect();
        assert_eq!(order[0], first, "{id}: {order:?}");
    }
    // One whole order, written out: the tools sorted by id, starting at the
    // scenario's rank (42 of 0..56, 42 mod 12 = 6).
    let s = &catalog.scenario("pod-delete").unwrap().item;
    let order: Vec<&str> = catalog
        .tab_order(s)
        .into_iter()
        .map(|i| i.tool.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "krkn",
            "kube-monkey",
            "litmuschaos",
            "pumba",
            "steadybit",
            "toxiproxy",
            "aws-fis",
            "azure-chaos-studio",
            "chaos-mesh",
            "chaos-toolkit",
            "chaosblade",
            "gremlin",
        ]
    );
}

/// The real catalog keeps the promise: each tool leads within one of its
/// fair share.
#[test]
fn every_real_tool_leads_within_one_of_its_fair_share() {
    let (catalog, _) = chaosbook::check(&repo());
    assert_fair(
        &first_tabs(&catalog),
        catalog.scenarios.len(),
        catalog.tools.len(),
    );
}

/// A project of `tools` tools and the given scenario ids (every scenario
/// with an `unsupported` entry for every tool, written in a scrambled order
/// so that the file's order cannot stand in for the tab order).
fn generated(root: &Path, tools: usize, ids: &[String]) {
    let catalog = root.join("catalog");
    for sub in ["tools", "practices", "scenarios/network", "schema/formats"] {
        fs::create_dir_all(catalog.join(sub)).unwrap();
    }
    fs::copy(
        repo().join("catalog/schema/formats/shell.schema.json"),
        catalog.join("schema/formats/shell.schema.json"),
    )
    .unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Tabs\"\nsrc = \"src\"\n",
    )
    .unwrap();
    fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n[Intro](intro.md)\n",
    )
    .unwrap();
    fs::write(root.join("src/intro.md"), "# Intro\n\nText.\n").unwrap();
    for t in 0..tools {
        fs::write(
            catalog.join(format!("tools/tool-{t:02}.yaml")),
            format!(
                "id: tool-{t:02}\nname: Tool {t}\nsummary: A generated tool for the tab order tests.\nhomepage: https://t{t}.example.org\n\
                 docs: https://t{t}.example.org/docs\nlicense: Apache-2.0\ngovernance: open-source\ncurrent_version: \"1.0.0\"\n\
                 targets: [kubernetes]\nformats: [shell]\n{SAFETY}"
            ),
        )
        .unwrap();
    }
    fs::write(
        catalog.join("practices/tab-practice.yaml"),
        "id: tab-practice\ntitle: Tab practice\narea: safety\nsummary: A generated practice for the tab order tests.\n\
         body: |\n  A body long enough for the schema: it must hold at least one hundred characters of text, so here they are.\n\
         scenarios: []\n",
    )
    .unwrap();
    for (n, id) in ids.iter().enumerate() {
        let mut implementations = String::new();
        // Scrambled: rotated by the scenario's number, reversed for odd ones.
        let mut order: Vec<usize> = (0..tools).map(|t| (t + 3 * n) % tools).collect();
        if n % 2 == 1 {
            order.reverse();
        }
        for t in order {
            implementations.push_str(&format!(
                "  - tool: tool-{t:02}\n    support: unsupported\n    reason: Generated for the tab order tests.\n"
            ));
        }
        fs::write(
            catalog.join(format!("scenarios/network/{id}.yaml")),
            format!(
                "id: {id}\ntitle: Scenario {id}\nsummary: A generated scenario for the tab order tests.\ncategory: network\n\
                 targets: [kubernetes]\npersonas: [sre]\nblast_radius:\n  level: low\n  scope: one pod\n\
                 hypothesis: >-\n  The service keeps its p99 latency under 500 ms while the fault is active.\n\
                 steady_state:\n  - signal: p99 latency\n    threshold: below 500 ms\n\
                 method: >-\n  Inject the fault into one pod for the configured duration and observe.\n\
                 parameters:\n  - name: namespace\n    type: string\n    default: shop\n    description: target namespace\n\
                 abort_conditions:\n  - error ratio above 5%\nrollback: Delete the experiment.\nobservability:\n  - latency at the caller\n\
                 practices: [tab-practice]\nimplementations:\n{implementations}"
            ),
        )
        .unwrap();
    }
}

fn load(root: &Path) -> chaosbook::Catalog {
    let (catalog, report) = chaosbook::check(root);
    assert!(!report.has_errors(), "{}", report.human_string());
    catalog
}

/// Scenario id -> its tabs' tool ids, in order.
fn orders(catalog: &chaosbook::Catalog) -> BTreeMap<String, Vec<String>> {
    catalog
        .scenarios
        .iter()
        .map(|s| {
            (
                s.item.id.clone(),
                catalog
                    .tab_order(&s.item)
                    .iter()
                    .map(|i| i.tool.clone())
                    .collect(),
            )
        })
        .collect()
}

/// Tool id -> how many scenarios it leads (every tool listed, 0 included).
fn first_tabs(catalog: &chaosbook::Catalog) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = catalog
        .tools
        .iter()
        .map(|t| (t.item.id.clone(), 0))
        .collect();
    for order in orders(catalog).values() {
        *counts.get_mut(&order[0]).unwrap() += 1;
    }
    counts
}

/// Each tool leads `scenarios / tools` times, rounded down or up.
fn assert_fair(counts: &BTreeMap<String, usize>, scenarios: usize, tools: usize) {
    assert_eq!(counts.len(), tools);
    assert_eq!(counts.values().sum::<usize>(), scenarios, "{counts:?}");
    let (low, high) = (scenarios / tools, scenarios.div_ceil(tools));
    for (tool, n) in counts {
        assert!(
            (low..=high).contains(n),
            "{tool} leads {n} of {scenarios} scenarios; a fair share is {low} to {high}: {counts:?}"
        );
    }
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:03}")).collect()
}

#[test]
fn generated_catalogs_of_other_sizes_are_fair() {
    for (tools, scenarios) in [(2, 1), (2, 7), (3, 10), (5, 5), (4, 13), (7, 30), (11, 56)] {
        let dir = tempfile::tempdir().unwrap();
        generated(dir.path(), tools, &ids("s", scenarios));
        let catalog = load(dir.path());
        assert_fair(&first_tabs(&catalog), scenarios, tools);
    }
}

#[test]
fn every_order_holds_each_tool_once_in_sorted_cyclic_order() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), 5, &ids("s", 9));
    let catalog = load(dir.path());
    let sorted = ["tool-00", "tool-01", "tool-02", "tool-03", "tool-04"];
    for (id, order) in orders(&catalog) {
        // A rotation of the sorted list, whatever the file's order.
        let at = sorted.iter().position(|t| *t == order[0]).unwrap();
        let expected: Vec<&str> = sorted[at..].iter().chain(&sorted[..at]).copied().collect();
        assert_eq!(order, expected, "{id}");
    }
    // And the rotation moves by one tool from one scenario to the next.
    let firsts: Vec<String> = orders(&catalog)
        .into_values()
        .map(|o| o[0].clone())
        .collect();
    assert_eq!(
        firsts,
        [
            "tool-00", "tool-01", "tool-02", "tool-03", "tool-04", "tool-00", "tool-01", "tool-02",
            "tool-03"
        ]
    );
}

/// A scenario added after the others (its id sorts last) changes no other
/// scenario's tabs; one added anywhere else leaves the scenarios before it
/// as they were, and the catalog stays fair.
#[test]
fn adding_an_unrelated_scenario_keeps_the_other_orders() {
    let dir = tempfile::tempdir().unwrap();
    let base = ids("m", 12);
    generated(dir.path(), 4, &base);
    let before = orders(&load(dir.path()));

    let later = tempfile::tempdir().unwrap();
    let mut with_last = base.clone();
    with_last.push("zz-added".to_string());
    generated(later.path(), 4, &with_last);
    let catalog = load(later.path());
    let after = orders(&catalog);
    for (id, order) in &before {
        assert_eq!(&after[id], order, "{id} changed when zz-added was added");
    }
    assert_fair(&first_tabs(&catalog), 13, 4);

    let middle = tempfile::tempdir().unwrap();
    let mut with_middle = base.clone();
    with_middle.push("m-005a".to_string());
    generated(middle.path(), 4, &with_middle);
    let catalog = load(middle.path());
    let after = orders(&catalog);
    for id in &base[..=5] {
        assert_eq!(after[id], before[id], "{id} sorts before m-005a");
    }
    assert_fair(&first_tabs(&catalog), 13, 4);
}

/// The order is a function of the catalog, not of the files' order or of
/// the order of the implementations inside a file.
#[test]
fn the_order_does_not_depend_on_how_files_list_implementations() {
    let a = tempfile::tempdir().unwrap();
    generated(a.path(), 3, &ids("s", 6));
    let before = orders(&load(a.path()));
    // Reverse every scenario's list of implementations.
    for entry in fs::read_dir(a.path().join("catalog/scenarios/network")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let (head, list) = text.split_once("implementations:\n").unwrap();
        let mut items: Vec<&str> = list
            .split_inclusive("    reason: Generated for the tab order tests.\n")
            .collect();
        items.reverse();
        fs::write(&path, format!("{head}implementations:\n{}", items.concat())).unwrap();
    }
    assert_eq!(orders(&load(a.path())), before);
}
