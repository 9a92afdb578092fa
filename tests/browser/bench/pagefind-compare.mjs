// Runs the search-quality test set (../search-queries.mjs) against Pagefind
// on a copy of the same built site, for comparison (not a test, and Pagefind
// is not a dependency of the project: PAGEFIND_BIN names a pagefind
// binary, e.g. the one the npm package `pagefind` installs; without it the
// script runs `npx --yes pagefind@1.6.0`, which needs the network).
//
// Run: [PAGEFIND_BIN=/path/to/pagefind] node tests/browser/bench/pagefind-compare.mjs [SITE_DIR]
// where SITE_DIR is a site built by chaosbook (default
// target/browser-tests/search-site, which the browser tests build).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { launch, open, shutDown, work } from "../harness.mjs";
import { QUERIES, judge } from "../search-queries.mjs";

const source = path.resolve(process.argv[2] || path.join(work, "search-site"));
const copy = path.join(work, "pagefind-site");
fs.rmSync(copy, { recursive: true, force: true });
fs.cpSync(source, copy, { recursive: true });
const pagefindArgs = ["--site", copy, "--output-subdir", "pagefind"];
if (process.env.PAGEFIND_BIN) execFileSync(process.env.PAGEFIND_BIN, pagefindArgs, { stdio: "inherit" });
else execFileSync("npx", ["--yes", "pagefind@1.6.0", ...pagefindArgs], { stdio: "inherit" });
// Pagefind needs WebAssembly, which the site's Content-Security-Policy does
// not allow: query it from a page of its own.
fs.writeFileSync(path.join(copy, "pagefind-query.html"), "<!DOCTYPE html><title>pagefind</title>");

let raw = 0, gz = 0, br = 0, files = 0;
for (const f of fs.readdirSync(path.join(copy, "pagefind"), { recursive: true })) {
  const p = path.join(copy, "pagefind", f);
  if (!fs.statSync(p).isFile()) continue;
  const b = fs.readFileSync(p);
  files++;
  raw += b.length;
  // Pagefind's index chunks are gzipped already; count them as they are.
  gz += /\.pf_/.test(f) ? b.length : zlib.gzipSync(b, { level: 9 }).length;
  br += /\.pf_/.test(f) ? b.length : zlib.brotliCompressSync(b).length;
}
console.log(`pagefind bundle: ${files} files, ${raw} bytes as stored (index chunks are gzipped), ~${gz} gzip, ~${br} brotli for the rest`);
// What the bundle holds: a query loads the entry files, one or a few index
// chunks and the fragments of the results it shows, not the whole bundle.
for (const sub of ["index", "fragment"]) {
  const dir = path.join(copy, "pagefind", sub);
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const bytes = names.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  console.log(`  ${sub}: ${names.length} files, ${bytes} bytes (mean ${Math.round(bytes / Math.max(1, names.length))})`);
}

const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json" };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = path.join(copy, path.normalize(rel));
  if (!file.startsWith(copy) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

await launch();
const { context, page } = await open();
await page.goto(base + "pagefind-query.html");
await page.evaluate(async () => { window.pf = await import("/pagefind/pagefind.js"); await window.pf.init(); });
const rows = [];
for (const query of QUERIES) {
  const hrefs = await page.evaluate(async (q) => {
    const r = await window.pf.search(q);
    const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    return data.map((d) => d.url.replace(/^\//, ""));
  }, query.q);
  const strict = judge(query, hrefs);
  const loose = judge({ ...query, tool: undefined }, hrefs);
  rows.push({ q: query.q, ok: strict.ok, okIgnoringTab: loose.ok, rr: loose.rr, top: loose.top });
}
const n = rows.length;
const hits = rows.filter((r) => r.ok).length;
const loose = rows.filter((r) => r.okIgnoringTab).length;
const mrr = rows.reduce((s, r) => s + r.rr, 0) / n;
console.log(`pagefind: ${hits}/${n} hits (${(hits / n).toFixed(3)}); ignoring the tool tab ${loose}/${n}; MRR ${mrr.toFixed(3)}`);
for (const r of rows.filter((x) => !x.okIgnoringTab)) console.log(`  missed: ${r.q} -> ${r.top.join(", ")}`);
fs.writeFileSync(path.join(work, "pagefind-quality.json"), JSON.stringify(rows, null, 2));
await context.close();
await shutDown();
server.close();
