// Browser benchmark of search on a large book (not a test: it asserts
// nothing, it reports). Writes the synthetic book of the render benchmark
// (generator/benches/render.rs: same words, same generator, N pages, default
// 5,000), builds it with the chaosbook binary, opens it from file:// in
// headless Chromium and types queries into the search box, one key at a
// time (`chaosbook build` checks links, which the render benchmark skips:
// the first page is linked without a fragment, the last page links to the
// first). For every keystroke it
// reports:
//
// - `handler`: time from the input event to the result list being in the
//   DOM (search and rendering, synchronous in the input handler);
// - `frame`: the Event Timing API's duration of the keystroke, from the
//   key press to the next paint (what a reader sees; 8 ms resolution).
//
// Both should stay under one animation frame (16 ms). Also reported: the
// index's size (raw, gzip, brotli) and how long the browser takes to load it.
//
// Run: node tests/browser/bench/search.bench.mjs [PAGES]
// (CHAOSBOOK_BIN and CHROMIUM as for the browser tests.) The book uses the
// repository's theme/ folder, so an edit of search.js is measured without
// rebuilding the binary.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { build, launch, open, repo, shutDown, work } from "../harness.mjs";

const PAGES = Number(process.argv[2] || 5000);
const WORDS = ["chaos", "experiment", "steady", "state", "hypothesis", "blast", "radius", "latency", "pod", "node",
  "network", "partition", "failover", "observability", "metric", "alert", "rollback", "abort", "condition", "service",
  "cluster", "replica", "deployment", "tenant", "region", "zone", "dependency", "timeout", "retry", "budget", "error",
  "signal", "dashboard", "runbook", "gameday", "resilience", "capacity", "throughput", "saturation", "the", "a", "of",
  "to", "and", "in", "is", "that", "with", "for", "when", "under", "before", "after"];

// The render benchmark's generator (a 64-bit LCG), so both write the same book.
class Lcg {
  constructor(seed) { this.s = BigInt(seed); }
  next() {
    this.s = (this.s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(this.s >> 33n);
  }
  pick(words) { return words[this.next() % words.length]; }
}
function sentence(r) {
  const n = 8 + (r.next() % 12);
  const s = Array.from({ length: n }, () => r.pick(WORDS));
  s[0] = s[0][0].toUpperCase() + s[0].slice(1);
  return s.join(" ") + ".";
}
function paragraph(r) {
  const n = 4 + (r.next() % 4);
  return Array.from({ length: n }, () => sentence(r)).join(" ");
}
function page(r, n) {
  let md = `# Page ${n}: ${r.pick(WORDS)} ${r.pick(WORDS)}\n\n${paragraph(r)}\n\n`;
  for (let s = 0; s < 3; s++) {
    md += `## Section ${s} on ${r.pick(WORDS)}\n\n${paragraph(r)}\n\n`;
    for (let i = 0; i < 3; i++) md += `- ${sentence(r)} with *${r.pick(WORDS)}* and \`${r.pick(WORDS)}\`\n`;
    md += "\n";
    md += `${paragraph(r)}\n\n`;
  }
  md += `| signal | threshold | action |\n|:--|--:|:--|\n| ${r.pick(WORDS)} | ${r.next() % 100} | ${r.pick(WORDS)} |\n| ${r.pick(WORDS)} | ${r.next() % 100} | ${r.pick(WORDS)} |\n\n`;
  md += `\`\`\`yaml\napiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: page-${n}\nspec:\n  action: pod-kill\n  mode: one\n  selector:\n    labelSelectors:\n      app: ${r.pick(WORDS)}\n\`\`\`\n\nSee [the next page](page-${(n + 1) % PAGES}.md) and [the first](page-0.md).\n`;
  return md;
}

function writeBook(dir, pages) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "src"), { recursive: true });
  for (const d of ["tools", "scenarios", "practices"]) fs.mkdirSync(path.join(dir, "catalog", d), { recursive: true });
  fs.writeFileSync(path.join(dir, "book.toml"), '[book]\ntitle = "Synthetic"\nsrc = "src"\n');
  let summary = "# Summary\n\n";
  const r = new Lcg(42);
  for (let n = 0; n < pages; n++) {
    if (n % 50 === 0) summary += `\n# Part ${n / 50}\n\n`;
    summary += `${n % 10 === 0 ? "" : "  "}- [Page ${n}](page-${n}.md)\n`;
    fs.writeFileSync(path.join(dir, "src", `page-${n}.md`), page(r, n));
  }
  fs.writeFileSync(path.join(dir, "src", "SUMMARY.md"), summary);
  // The repository's theme, as the book's own: the benchmark measures the
  // search.js of the working tree, not the one built into the binary.
  fs.cpSync(path.join(repo, "theme"), path.join(dir, "theme"), { recursive: true });
}

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} keystrokes)`;
}

const dir = path.join(work, `bench-search-${PAGES}`);
const site = path.join(dir, "site");
console.log(`writing a synthetic book of ${PAGES} pages`);
writeBook(dir, PAGES);
let t = Date.now();
build(dir, site);
console.log(`built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
const index = fs.readFileSync(path.join(site, "searchindex.js"));
console.log(`searchindex.js: ${index.length} bytes, gzip ${zlib.gzipSync(index, { level: 6 }).length}, brotli (quality 5) ${zlib.brotliCompressSync(index, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length}`);

await launch();
const { context, page: tab } = await open();
await tab.goto(pathToFileURL(site).href + "/page-0.html");
t = Date.now();
await tab.locator("#search-input").focus();
await tab.waitForFunction(() => window.chaosbookSearch !== undefined, null, { timeout: 120000 });
console.log(`index loaded ${Date.now() - t} ms after focusing the search box`);

await tab.evaluate(() => {
  window.__handler = [];
  window.__frame = [];
  const input = document.getElementById("search-input");
  // Registered after search.js's own listener, so it runs once the list is built.
  input.addEventListener("input", (ev) => { window.__handler.push(performance.now() - ev.timeStamp); });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "keydown" || e.name === "keypress" || e.name === "input") window.__frame.push(e.duration);
  }).observe({ type: "event", durationThreshold: 0, buffered: false });
});
const queries = ["latency", "pod kill", "steady state hypothesis", "gamday", "observabilty dashboard", "chaos mesh pod", "rollback abort condition"];
for (const q of queries) {
  await tab.locator("#search-input").fill("");
  await tab.locator("#search-input").pressSequentially(q, { delay: 30 });
  await tab.waitForTimeout(100);
}
const handler = await tab.evaluate(() => window.__handler);
const frame = await tab.evaluate(() => window.__frame);
const shown = await tab.locator("#search-results > li").count();
console.log(`input handler (search + list in the DOM): ${summary(handler)}`);
console.log(`keystroke to next paint (Event Timing): ${summary(frame)}`);
console.log(`last query showed ${shown} pages`);
await context.close();
await shutDown();
