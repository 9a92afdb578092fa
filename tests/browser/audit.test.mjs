// Audits of every kind of page of the real book with axe-core (injected
// from node_modules, so nothing is fetched): no violation of any impact.
//
// Environment: as harness.mjs.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { build, launch, open, repo, serveFolder, shutDown, work } from "./harness.mjs";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
let site;

before(async () => {
  const dir = path.join(work, "audit-site");
  build(repo, dir);
  site = { dir, url: await serveFolder(dir) };
  await launch();
});

after(shutDown);

/// One page of each kind, found in the built site.
function pageKinds(dir) {
  const first = (folder) => {
    const files = fs.readdirSync(path.join(dir, folder), { recursive: true })
      .filter((f) => f.endsWith(".html")).sort();
    assert.ok(files.length > 0, `no page under ${folder}`);
    return `${folder}/${files[0]}`;
  };
  const toc = fs.readFileSync(path.join(dir, "toc.js"), "utf8");
  const chapters = [...toc.matchAll(/href=\\"([^"\\]+)\\"/g)].map((m) => m[1]);
  const index = chapters.find((c) => fs.readFileSync(path.join(dir, c), "utf8").includes('class="cb-filter"'));
  return {
    front: "index.html",
    chapter: chapters.find((c) => !c.includes("/") && c !== "index.html" && c !== index),
    tutorial: first("tutorials"),
    scenario: first("catalog/scenarios").replace(/^catalog\/scenarios\/([^/]+)\.html$/, "$&"),
    tool: first("catalog/tools"),
    practice: first("catalog/practices"),
    matrix: "catalog/matrix.html",
    "catalog index": index,
    404: "no/such/page.html",
  };
}

/// [`pageKinds`] with a scenario's own page (not a category's).
function pageKindsWithScenario(dir) {
  const kinds = pageKinds(dir);
  const scenarioDir = fs.readdirSync(path.join(dir, "catalog/scenarios"), { withFileTypes: true })
    .find((d) => d.isDirectory());
  const scenarioFile = fs.readdirSync(path.join(dir, "catalog/scenarios", scenarioDir.name)).sort()[0];
  kinds.scenario = `catalog/scenarios/${scenarioDir.name}/${scenarioFile}`;
  return kinds;
}

test("axe-core finds no violation on any kind of page", async () => {
  const kinds = pageKindsWithScenario(site.dir);
  // Every chapter too: the chapters are where authors' markdown varies
  // (task lists, tables, raw HTML).
  const toc = fs.readFileSync(path.join(site.dir, "toc.js"), "utf8");
  for (const m of toc.matchAll(/href=\\"([^"\\]+)\\"/g)) {
    if (!Object.values(kinds).includes(m[1])) kinds[`chapter ${m[1]}`] = m[1];
  }
  const { context, page, log } = await open();
  const found = {};
  for (const [kind, rel] of Object.entries(kinds)) {
    assert.ok(rel, `a page of kind ${kind}`);
    await page.goto(site.url + rel);
    await page.waitForLoadState("load");
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    found[`${kind} (${rel})`] = result.violations.map((v) => `${v.id} [${v.impact}]: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  await context.close();
  const failures = Object.entries(found).filter(([, v]) => v.length > 0);
  assert.deepEqual(failures, [], JSON.stringify(found, null, 2));
  assert.deepEqual(log.failed.filter((f) => !f.includes("no/such/page.html")), [], "no request failed (the favicon included)");
});

test("Lighthouse scores accessibility and best practices 100 on every kind of page", async () => {
  // Lighthouse 12 from npm drives a Chromium of its own (chrome-launcher)
  // over the DevTools protocol; only these two categories, which do not
  // depend on the machine's speed.
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
    chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const kinds = pageKindsWithScenario(site.dir);
  // The 404 page as a page: Lighthouse refuses to audit a 404 response.
  kinds[404] = "404.html";
  const scores = {};
  const failures = [];
  try {
    for (const [kind, rel] of Object.entries(kinds)) {
      const { lhr } = await lighthouse(site.url + rel, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["accessibility", "best-practices"],
      });
      assert.equal(lhr.runtimeError, undefined, `${kind}: ${JSON.stringify(lhr.runtimeError)}`);
      scores[kind] = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score * 100]));
      for (const [id, category] of Object.entries(lhr.categories)) {
        if (category.score === 1) continue;
        const lost = category.auditRefs
          .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
          .map((r) => `${r.id}: ${lhr.audits[r.id].title}`);
        failures.push(`${kind} (${rel}) ${id} ${category.score * 100}: ${lost.join("; ")}`);
      }
    }
  } finally {
    await chrome.kill();
  }
  assert.equal(Object.keys(scores).length, Object.keys(kinds).length);
  console.log(`Lighthouse: ${JSON.stringify(scores)}`);
  assert.deepEqual(failures, []);
});

test("the Nu HTML checker finds no error on any page", () => {
  // vnu.jar from npm (the checker behind validator.w3.org/nu), run on
  // every page of the built site at once.
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  const run = spawnSync("java", ["-jar", jar, "--errors-only", "--skip-non-html", "--format", "json", site.dir], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.status !== null, `java did not run: ${run.error}`);
  const messages = JSON.parse(run.stderr || "{\"messages\": []}").messages;
  const errors = messages.map((m) => `${path.relative(site.dir, new URL(m.url).pathname)}:${m.lastLine}: ${m.message}`);
  const pages = fs.readdirSync(site.dir, { recursive: true }).filter((f) => f.endsWith(".html"));
  assert.ok(pages.length > 50, `the whole site was checked (${pages.length} pages)`);
  assert.deepEqual(errors, [], errors.slice(0, 20).join("\n"));
});
