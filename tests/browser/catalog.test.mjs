// Browser tests of the catalog pages and the tool-neutral tabs, on the
// repository's own site, in headless Chromium (Debian's package, driven by
// playwright-core). Screenshots go to target/browser-tests/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import fs from "node:fs";
import { build, launch, open, repo, serveFolder, shots, shutDown, work } from "./harness.mjs";

const site = path.join(work, "catalog-site");
let base;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  build(repo, site);
  base = await serveFolder(site);
  await launch();
});

after(shutDown);

async function clean(page, log) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "CSP violations");
  assert.deepEqual(log.failed, [], "failed requests");
  assert.deepEqual(log.errors, [], "console errors");
  for (const url of log.requests) assert.ok(url.startsWith(base), `request left the site: ${url}`);
}

const POD_DELETE = "catalog/scenarios/pod-container/pod-delete.html";
const LATENCY = "catalog/scenarios/network/network-latency.html";

function group(page) {
  return page.locator(".cb-tabs").first();
}

async function selectedTool(tabs) {
  return tabs.locator('[role="tab"][aria-selected="true"]').getAttribute("data-tool");
}

async function visiblePanels(tabs) {
  const panels = tabs.locator('[role="tabpanel"]');
  const out = [];
  for (let i = 0; i < await panels.count(); i++) {
    if (await panels.nth(i).isVisible()) out.push(await panels.nth(i).getAttribute("data-tool"));
  }
  return out;
}

test("a tab shows its panel, hides the others, and the choice follows the reader", async () => {
  const { context, page, log } = await open();
  await page.goto(base + POD_DELETE);
  const tabs = group(page);
  const tab = tabs.locator('[role="tab"][data-tool="litmuschaos"]');
  await tab.click();
  assert.equal(await tab.getAttribute("aria-selected"), "true");
  assert.deepEqual(await visiblePanels(tabs), ["litmuschaos"]);
  assert.equal(await tabs.locator('[role="tab"][aria-selected="true"]').count(), 1);
  await page.screenshot({ path: path.join(shots, "scenario-page.png"), fullPage: true });

  // Another scenario page opens on the same tool.
  await page.goto(base + LATENCY);
  assert.equal(await selectedTool(group(page)), "litmuschaos");
  assert.deepEqual(await visiblePanels(group(page)), ["litmuschaos"]);

  // So does a scenario embedded in a chapter.
  await page.goto(base + "tutorials/pod-resilience.html");
  const embedded = page.locator(".cb-embed .cb-tabs").first();
  assert.equal(await selectedTool(embedded), "litmuschaos");
  await clean(page, log);
  await context.close();
});

test("?tool= in the URL selects the tab and becomes the reader's choice", async () => {
  const { context, page, log } = await open();
  await page.goto(base + POD_DELETE + "?tool=chaos-toolkit");
  assert.equal(await selectedTool(group(page)), "chaos-toolkit");
  await page.goto(base + LATENCY);
  assert.equal(await selectedTool(group(page)), "chaos-toolkit");
  await clean(page, log);
  await context.close();
});

test("arrow keys, Home and End move between tabs and focus follows", async () => {
  const { context, page, log } = await open();
  await page.goto(base + POD_DELETE);
  const tabs = group(page).locator('[role="tab"]');
  const count = await tabs.count();
  assert.ok(count >= 3);
  const focused = () => page.evaluate(() => document.activeElement.getAttribute("data-tool"));
  const toolAt = (i) => tabs.nth(i).getAttribute("data-tool");
  await tabs.nth(0).click();
  await page.keyboard.press("ArrowRight");
  assert.equal(await focused(), await toolAt(1));
  assert.equal(await selectedTool(group(page)), await toolAt(1));
  await page.keyboard.press("End");
  assert.equal(await focused(), await toolAt(count - 1));
  await page.keyboard.press("ArrowRight");
  assert.equal(await focused(), await toolAt(0), "wraps around");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await focused(), await toolAt(count - 1));
  await page.keyboard.press("Home");
  assert.equal(await focused(), await toolAt(0));
  assert.equal(await tabs.nth(0).getAttribute("tabindex"), "0");
  assert.equal(await tabs.nth(1).getAttribute("tabindex"), "-1");
  await clean(page, log);
  await context.close();
});

test("without JavaScript every implementation is visible, labelled", async () => {
  const { context, page } = await open({ javaScriptEnabled: false });
  await page.goto(base + POD_DELETE);
  const tabs = group(page);
  const panels = await tabs.locator('[role="tabpanel"]').count();
  assert.equal(panels, fs.readdirSync(path.join(repo, "catalog/tools")).filter((f) => f.endsWith(".yaml")).length);
  assert.equal((await visiblePanels(tabs)).length, panels);
  const titles = await tabs.locator(".cb-panel-title").allInnerTexts();
  assert.equal(titles.length, panels);
  assert.ok(titles.includes("Chaos Mesh") && titles.includes("LitmusChaos"), titles.join(", "));
  await page.screenshot({ path: path.join(shots, "scenario-page-no-js.png"), fullPage: true });
  await context.close();
});

test("in print every implementation is shown", async () => {
  const { context, page } = await open();
  await page.goto(base + POD_DELETE);
  await page.emulateMedia({ media: "print" });
  const tabs = group(page);
  // Every tool of the catalog has a panel, and every panel prints.
  const panels = await tabs.locator('[role="tabpanel"]').count();
  assert.equal(panels, fs.readdirSync(path.join(repo, "catalog/tools")).filter((f) => f.endsWith(".yaml")).length);
  assert.equal((await visiblePanels(tabs)).length, panels);
  await context.close();
});

test("the faceted filter narrows the index and its URL restores the view", async () => {
  const { context, page, log } = await open();
  await page.goto(base + "catalog.html");
  const items = page.locator(".cb-index-item");
  const total = await items.count();
  assert.ok(total >= 40, `${total} scenarios listed`);
  await page.selectOption('select[name="category"]', "network");
  await page.selectOption('select[name="tool"]', "toxiproxy");
  const visible = async () => (await items.evaluateAll((els) => els.filter((e) => !e.hidden).map((e) => e.querySelector("a").textContent)));
  const narrowed = await visible();
  assert.ok(narrowed.length > 0 && narrowed.length < total, `${narrowed.length} of ${total}`);
  await page.fill('input[name="q"]', "latency");
  const narrower = await visible();
  assert.ok(narrower.length >= 1 && narrower.length <= narrowed.length);
  const url = page.url();
  assert.match(url, /category=network/);
  assert.match(url, /tool=toxiproxy/);
  assert.match(url, /q=latency/);
  await page.screenshot({ path: path.join(shots, "catalog-index.png"), fullPage: true });

  const { context: fresh, page: again } = await open();
  await again.goto(url);
  const restored = await again.locator(".cb-index-item").evaluateAll((els) => els.filter((e) => !e.hidden).map((e) => e.querySelector("a").textContent));
  assert.deepEqual(restored, narrower);
  assert.equal(await again.inputValue('select[name="tool"]'), "toxiproxy");
  // Filtering by tool on the index is not a tab choice.
  assert.equal(await again.evaluate(() => window.localStorage.getItem("chaosbook.tool")), null);
  await clean(page, log);
  await fresh.close();
  await context.close();
});

test("a matrix cell opens the right tab", async () => {
  const { context, page, log } = await open();
  await page.goto(base + "catalog/matrix.html");
  await page.screenshot({ path: path.join(shots, "coverage-matrix.png"), fullPage: true });
  const cell = page.locator('td.cb-cell a[href*="network-latency.html?tool=pumba"]');
  assert.equal(await cell.count(), 1);
  await cell.click();
  await page.waitForURL(/network-latency\.html\?tool=pumba/);
  assert.equal(await selectedTool(group(page)), "pumba");
  assert.deepEqual(await visiblePanels(group(page)), ["pumba"]);
  await clean(page, log);
  await context.close();
});

test("catalog pages load cleanly in dark mode and at phone width", async () => {
  const { context, page, log } = await open({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  for (const rel of [POD_DELETE, "catalog.html", "catalog/matrix.html", "catalog/tools.html", "catalog/tools/toxiproxy.html", "catalog/practices/gamedays.html"]) {
    const response = await page.goto(base + rel);
    assert.equal(response.status(), 200, rel);
  }
  await page.goto(base + POD_DELETE);
  await page.screenshot({ path: path.join(shots, "scenario-page-phone-dark.png"), fullPage: false });
  await clean(page, log);
  await context.close();
});
