// Browser tests of the built site, in headless Chromium (Debian's package,
// driven by playwright-core; no browser download).
//
// The tests build two sites with the chaosbook binary: the repository's own
// book, and a small fixture book with nesting, code and raw HTML. Both are
// served by a tiny static server on 127.0.0.1; one chapter is also opened
// from file:// to check that search works without a server.
//
// Environment: CHAOSBOOK_BIN (default target/debug/chaosbook), CHROMIUM
// (default /usr/bin/chromium). Screenshots go to target/browser-tests/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, launch, open, repo, serveFolder, shots, shutDown, work } from "./harness.mjs";

const sites = {};

function write(root, rel, text) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

function fixtureBook(root) {
  fs.rmSync(root, { recursive: true, force: true });
  write(root, "book.toml", '[book]\ntitle = "Fixture book"\nsrc = "src"\n');
  for (const d of ["tools", "scenarios", "practices"]) fs.mkdirSync(path.join(root, "catalog", d), { recursive: true });
  write(root, "src/SUMMARY.md", [
    "# Summary", "", "[Preface](preface.md)", "", "# Part one", "",
    "- [Basics](basics.md)",
    "  - [Nested page](nested/child.md)",
    "    - [Deeper page](nested/deeper.md)",
    "- [Tricky](tricky.md)", "",
  ].join("\n"));
  write(root, "src/preface.md", "# Preface\n\nA short preface about resilience.\n");
  write(root, "src/basics.md", "# Basics\n\nThe word zanzibarite appears only here.\n\n```yaml\nkind: PodChaos\nspec:\n  mode: one\n```\n\n## Basics\n\nSame heading twice.\n");
  write(root, "src/nested/child.md", "# Nested page\n\nSee [the basics](../basics.md#basics-1).\n");
  write(root, "src/nested/deeper.md", "# Deeper page\n\nDeep text.\n");
  write(root, "src/tricky.md", [
    "# Tricky", "",
    "<script>window.__pwned = 1</script>", "",
    '<img src="missing.png" onerror="window.__pwned = 2">', "",
    '<a href="javascript:window.__pwned=3" id="jslink">click</a>', "",
    "<details><summary>More</summary>", "", "Hidden <kbd>Ctrl</kbd> x<sup>2</sup>", "", "</details>", "",
    "![remote](https://example.org/logo.png)", "",
  ].join("\n"));
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  build(repo, path.join(work, "site"));
  fixtureBook(path.join(work, "fixture"));
  build(path.join(work, "fixture"), path.join(work, "fixture-site"));
  sites.real = { dir: path.join(work, "site"), url: await serveFolder(path.join(work, "site")) };
  sites.fixture = { dir: path.join(work, "fixture-site"), url: await serveFolder(path.join(work, "fixture-site")) };
  await launch();
});

after(shutDown);

async function cspOf(page) {
  return page.evaluate(() => window.__csp);
}

function assertLocal(requests, base) {
  for (const url of requests) {
    assert.ok(url.startsWith(base) || url.startsWith("file://") || url.startsWith("data:"), `request left the site: ${url}`);
  }
}

test("every kind of page loads with no console error, no CSP violation and no outside request", async () => {
  for (const site of [sites.real, sites.fixture]) {
    const { context, page, log } = await open();
    const toc = fs.readFileSync(path.join(site.dir, "toc.js"), "utf8");
    const chapters = [...toc.matchAll(/href=\\"([^"\\]+)\\"/g)].map((m) => m[1]);
    assert.ok(chapters.length > 0, "the table of contents lists chapters");
    const visit = ["index.html", ...chapters, "print.html", "toc.html"];
    for (const rel of visit) {
      const response = await page.goto(site.url + rel);
      assert.ok(response, rel);
      await page.waitForLoadState("load");
      const csp = await cspOf(page);
      assert.deepEqual(csp, [], `CSP violations on ${rel}`);
      assert.ok(await page.locator('meta[http-equiv="Content-Security-Policy"]').count() === 1, `CSP meta on ${rel}`);
    }
    // Every request of the site's own files succeeds: a missing stylesheet,
    // script or image is a failure here, not a filtered console line.
    // tricky.md's image fails on purpose (its stripped onerror would run if
    // it survived sanitising); every other request must succeed.
    const planted = (line) => site === sites.fixture && line.endsWith("/missing.png");
    assert.deepEqual(log.failed.filter((f) => !planted(f)), [], "failed requests");
    assert.deepEqual(log.errors.filter((e) => !planted(e)), [], "console errors");
    assertLocal(log.requests, site.url);
    await context.close();

    // A missing page gets the site's 404 page, whose own files all load.
    const missing = await open();
    const response = await missing.page.goto(site.url + "no/such/page.html");
    assert.equal(response.status(), 404);
    await missing.page.waitForLoadState("load");
    assert.deepEqual(await cspOf(missing.page), [], "CSP violations on the 404 page");
    assert.deepEqual(missing.log.failed, [`404 ${site.url}no/such/page.html`], "only the page itself is missing");
    assert.ok(await missing.page.locator("link[rel=stylesheet]").count() > 0, "the 404 page is styled");
    const styled = await missing.page.evaluate(() => [...document.styleSheets].filter((s) => s.cssRules.length > 0).length);
    assert.ok(styled > 0, "the 404 page's stylesheets loaded");
    await missing.context.close();
  }
});

test("raw HTML is inert in the browser", async () => {
  const { context, page, log } = await open();
  await page.goto(sites.fixture.url + "tricky.html");
  await page.waitForLoadState("load");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator("#jslink").getAttribute("href"), null);
  await page.locator("summary").click();
  assert.equal(await page.locator("kbd").innerText(), "Ctrl");
  assert.equal(await page.locator('a[href="https://example.org/logo.png"]').count(), 1, "remote image shown as a link");
  assert.deepEqual(await cspOf(page), []);
  assertLocal(log.requests, sites.fixture.url);
  await context.close();
});

test("navigation: sidebar, current page, nesting, previous/next, arrow keys, skip link", async () => {
  const { context, page } = await open();
  await page.goto(sites.fixture.url + "nested/deeper.html");
  const current = page.locator('#sidebar a[aria-current="page"]');
  await current.waitFor();
  assert.match(await current.innerText(), /^1\.1\.1\. Deeper page$/);
  assert.ok(await current.isVisible(), "the current page's parents are expanded");
  // Elsewhere, a section's children stay collapsed until it is expanded.
  await page.goto(sites.fixture.url + "basics.html");
  const deeper = page.locator("#sidebar a", { hasText: "Deeper page" });
  await page.locator("#sidebar a", { hasText: "Nested page" }).waitFor({ state: "visible" });
  assert.equal(await deeper.isVisible(), false);
  const toggle = page.locator("#sidebar li.has-children", { has: page.locator(":scope > .toc-row > a", { hasText: "Nested page" }) }).locator(":scope > .toc-row > .toc-toggle");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await deeper.isVisible(), true);
  // Links in the shared table of contents resolve from any folder depth.
  await deeper.click();
  await page.waitForURL(/nested\/deeper\.html$/);
  await page.locator('a.pager-prev').click();
  await page.waitForURL(/nested\/child\.html$/);
  // Heading anchors, de-duplicated like mdBook, and a .md link rewritten.
  await page.locator("article a", { hasText: "the basics" }).click();
  await page.waitForURL(/basics\.html#basics-1$/);
  assert.equal(await page.locator("h2#basics-1").count(), 1);
  // Arrow keys.
  await page.keyboard.press("ArrowRight");
  await page.waitForURL(/nested\/child\.html$/);
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL(/basics\.html$/);
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "content");
  await context.close();
});

test("search finds a word from a chapter, over http and from file://", async () => {
  for (const base of [sites.fixture.url, pathToFileURL(sites.fixture.dir).href + "/"]) {
    const { context, page, log } = await open();
    await page.goto(base + "preface.html");
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
    await page.keyboard.type("zanzib");
    const hit = page.locator("#search-results a").first();
    await hit.waitFor();
    assert.match(await hit.getAttribute("href"), /basics\.html/);
    assert.match(await hit.innerText(), /zanzibarite/);
    await hit.click();
    await page.waitForURL(/basics\.html/);
    assert.deepEqual(log.errors, [], `console errors at ${base}`);
    assert.deepEqual(await cspOf(page), [], `CSP at ${base}`);
    await context.close();
  }
  // And on the real book: a word taken from a chapter's text.
  const { context, page } = await open();
  await page.goto(sites.real.url + "index.html");
  const next = await page.locator("a.pager-next").getAttribute("href");
  await page.goto(sites.real.url + next);
  const text = await page.locator("article p").first().innerText();
  const word = text.split(/[^\p{L}]+/u).filter((w) => w.length >= 7).sort((a, b) => b.length - a.length)[0];
  assert.ok(word, "a word to search for");
  await page.locator("#search-input").fill(word);
  const hits = page.locator("#search-results a");
  await hits.first().waitFor();
  const hrefs = await hits.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.some((h) => h.startsWith(next)), `searching "${word}" finds ${next}: ${hrefs.join(", ")}`);
  await context.close();
});

test("the theme toggle cycles light, dark, auto and persists across pages and reloads", async () => {
  const { context, page } = await open({ colorScheme: "light" });
  await page.goto(sites.real.url + "index.html");
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await theme(), "auto");
  const lightBg = await bg();
  await page.locator("#theme-toggle").click();
  assert.equal(await theme(), "light");
  await page.locator("#theme-toggle").click();
  assert.equal(await theme(), "dark");
  assert.notEqual(await bg(), lightBg);
  await page.reload();
  assert.equal(await theme(), "dark");
  await page.locator("a.pager-next").click();
  await page.waitForLoadState("load");
  assert.equal(await theme(), "dark");
  assert.notEqual(await bg(), lightBg);
  await page.locator("#theme-toggle").click();
  assert.equal(await theme(), "auto");
  await page.emulateMedia({ colorScheme: "dark" });
  assert.notEqual(await bg(), lightBg, "auto follows the OS");
  await context.close();
});

test("phone width: the sidebar is a drawer", async () => {
  const { context, page } = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(sites.fixture.url + "basics.html");
  const sidebar = page.locator("#sidebar");
  assert.equal(await sidebar.isVisible(), false);
  await page.locator("#sidebar-toggle").click();
  await page.locator('#sidebar a[aria-current="page"]').waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.documentElement.classList.contains("sidebar-open"));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at phone width (${overflow}px)`);
  await context.close();
});

test("screenshots of a chapter: light and dark, desktop and phone", async () => {
  const sizes = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
  for (const [name, viewport] of Object.entries(sizes)) {
    for (const scheme of ["light", "dark"]) {
      const { context, page, log } = await open({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      await page.goto(sites.real.url + "index.html");
      const next = await page.locator("a.pager-next").getAttribute("href");
      await page.goto(sites.real.url + next);
      await page.waitForLoadState("load");
      const file = path.join(shots, `chapter-${name}-${scheme}.png`);
      await page.screenshot({ path: file });
      // What the screenshot shows: the chapter's title in view, readable
      // text on the scheme's background, the sidebar on desktop only, and
      // nothing wider than the window.
      const heading = page.locator("article h1").first();
      assert.ok(await heading.isVisible(), "the chapter's title is visible");
      const box = await heading.boundingBox();
      assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `the title is in view (${JSON.stringify(box)})`);
      const look = await page.evaluate(() => {
        const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        const p = document.querySelector("article p");
        return {
          background: lum(rgb(getComputedStyle(document.body).backgroundColor)),
          text: lum(rgb(getComputedStyle(p).color)),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      if (scheme === "dark") assert.ok(look.background < 0.3 && look.text > 0.6, `dark: ${JSON.stringify(look)}`);
      else assert.ok(look.background > 0.8 && look.text < 0.4, `light: ${JSON.stringify(look)}`);
      assert.ok(look.overflow <= 0, `no horizontal scroll (${look.overflow}px)`);
      assert.equal(await page.locator("#sidebar").isVisible(), name === "desktop", "the sidebar shows on desktop only");
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.failed, []);
      await context.close();
    }
  }
});
