// Search in the browser: the quality of its ranking on the repository's own
// book (the test set in search-queries.mjs), and what it does with hostile
// or odd queries. The site is built with the chaosbook binary and opened
// from file://, as a reader who downloaded it would.
//
// The hit rate and mean reciprocal rank of the test set are printed as a
// test diagnostic and written to target/browser-tests/search-quality.json.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, launch, open, repo, shutDown, work } from "./harness.mjs";
import { QUERIES, judge } from "./search-queries.mjs";

const site = path.join(work, "search-site");

// Words and their Snowball English stems (also in the build's unit test).
const SNOWBALL = {
  deletion: "delet", deleting: "delet", latencies: "latenc", latency: "latenc", chaos: "chao",
  generously: "generous", skies: "sky", running: "run", certificate: "certif",
};


let base;

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  build(repo, site);
  base = pathToFileURL(site).href + "/";
  await launch();
});

after(shutDown);

/// Opens the start page with the search index loaded.
async function searchPage() {
  const opened = await open();
  await opened.page.goto(base + "index.html");
  await opened.page.locator("#search-input").focus();
  await opened.page.waitForFunction(() => window.chaosbookSearch !== undefined);
  return opened;
}

/// Types `query` into the search box; the result links' hrefs in order.
async function results(page, query) {
  await page.locator("#search-input").fill(query);
  return page.locator("#search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
}

test("the search-quality test set: every query finds its pages in the top three", async (t) => {
  const { context, page, log } = await searchPage();
  const rows = [];
  for (const query of QUERIES) {
    const hrefs = await results(page, query.q);
    rows.push({ q: query.q, ...judge(query, hrefs) });
  }
  const hits = rows.filter((r) => r.ok).length;
  const mrr = rows.reduce((s, r) => s + r.rr, 0) / rows.length;
  const summary = {
    queries: rows.length,
    hits,
    hitRate: Number((hits / rows.length).toFixed(3)),
    mrr: Number(mrr.toFixed(3)),
    failing: rows.filter((r) => !r.ok).map((r) => ({ q: r.q, top: r.top, toolOk: r.toolOk, link: r.link })),
  };
  fs.writeFileSync(path.join(work, "search-quality.json"), JSON.stringify({ summary, rows }, null, 2));
  t.diagnostic(`search quality: ${hits}/${rows.length} hits (${summary.hitRate}), MRR ${summary.mrr}`);
  assert.deepEqual(summary.failing, [], "queries whose expected pages are not in the top three");
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("query stems agree with the index: every word of the book stems to one of its terms", async () => {
  const { context, page } = await searchPage();
  const missing = await page.evaluate(() => {
    const index = window.chaosbookSearch;
    const terms = new Set(index.terms);
    const bad = new Set();
    const check = (text) => {
      for (const s of window.chaosbookSearchStems(text)) if (!terms.has(s)) bad.add(`${s} (${text.slice(0, 40)})`);
    };
    for (const p of index.pages) check(p[1]);
    for (const d of index.docs) { check(d[2]); check(d[3]); }
    return [...bad].slice(0, 20);
  });
  assert.deepEqual(missing, []);
  // The Snowball English stems of words with every kind of suffix (the same
  // list as the build's unit test).
  const stems = await page.evaluate((ws) => ws.map((w) => window.chaosbookSearchStems(w)[0]), Object.keys(SNOWBALL));
  assert.deepEqual(stems, Object.values(SNOWBALL));
  await context.close();
});

test("hostile and odd queries never throw, never inject markup, and leave search usable", async () => {
  const { context, page, log } = await searchPage();
  const queries = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    ".*+?^${}()|[]\\",
    "(((",
    "\\",
    "a".repeat(10000),
    "pod ".repeat(2500),
    "",
    "   ",
    "\u0000\uFFFF\u202E",
    "🙂 😀",
    "&lt;b&gt;",
    "__proto__ constructor hasOwnProperty",
    // Only one-letter words, a synonym phrase over and over, one word too
    // long to be indexed, and more words than a query uses.
    "a b c d e f g h",
    "hypothesis failed ".repeat(200),
    "pod-kill".repeat(500),
    "kill delete terminate latency delay hog stress outage failure k8s drop gameday game day",
  ];
  for (const q of queries) {
    await page.locator("#search-input").fill(q);
    const state = await page.evaluate(() => {
      const list = document.getElementById("search-results");
      const tags = [...list.querySelectorAll("*")].map((e) => e.tagName.toLowerCase());
      return { pwned: window.__pwned, odd: tags.filter((t) => !["li", "a", "span", "mark", "ul"].includes(t)) };
    });
    assert.equal(state.pwned, undefined, q.slice(0, 40));
    assert.deepEqual(state.odd, [], `elements in the results of ${JSON.stringify(q.slice(0, 40))}`);
  }
  // The query is shown as text.
  await page.locator("#search-input").fill("<b>zzqx</b>");
  assert.match(await page.locator(".search-empty").innerText(), /<b>zzqx<\/b>/);
  // And search still works.
  const hrefs = await results(page, "pod delete");
  assert.ok(hrefs.length > 0, "results after odd queries");
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("a banned synonym of the vocabulary file finds its term", async () => {
  const { context, page, log } = await searchPage();
  // catalog/vocabulary.yaml bans "disproved" and "hypothesis failed" for
  // "refuted": a reader who types them means the verdict.
  for (const q of ["disproved", "hypothesis failed"]) {
    const hrefs = await results(page, q);
    assert.equal(hrefs[0], "evaluating-experiments.html#refuted", q);
  }
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("results: grouped by page, with the section and a snippet whose words are marked as text", async () => {
  const { context, page } = await searchPage();
  await results(page, "kubectl events namespace");
  const first = page.locator("#search-results > li").first();
  assert.match(await first.locator(".search-result-title").innerText(), /Pod deletion/);
  const text = await page.locator("#search-results").innerText();
  assert.match(text, /<namespace>/, "text with angle brackets is shown as text");
  assert.equal(await page.locator("#search-results namespace").count(), 0);
  const marks = await page.locator("#search-results mark").allInnerTexts();
  assert.ok(marks.length > 0, "matched words are marked");
  for (const m of marks) assert.match(m.toLowerCase(), /^(kubectl|event|namespace)/);
  // One entry per page: no page appears twice at the top level.
  const pages = await page.locator("#search-results > li > a").evaluateAll((as) => as.map((a) => a.getAttribute("href").replace(/[?#].*$/, "")));
  assert.equal(new Set(pages).size, pages.length);
  await context.close();
});

test("keyboard: arrows move through the results, Enter opens one, and the count is announced", async () => {
  const { context, page } = await searchPage();
  await page.locator("#search-input").fill("chaos mesh pod kill");
  assert.match(await page.locator("#search-status").innerText(), /^\d+ results? on \d+ pages?$/);
  assert.equal(await page.locator("#search-status").getAttribute("aria-live"), "polite");
  await page.keyboard.press("ArrowDown");
  const href = await page.evaluate(() => document.activeElement.getAttribute("href"));
  assert.match(href, /pod-delete\.html\?tool=chaos-mesh#implementations$/);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), href);
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  await page.keyboard.press("Enter");
  await page.waitForURL(/pod-delete\.html\?tool=chaos-mesh#implementations$/);
  // The result opened the Chaos Mesh tab.
  assert.equal(await page.locator('[role="tab"][data-tool="chaos-mesh"]').getAttribute("aria-selected"), "true");
  await context.close();
});
