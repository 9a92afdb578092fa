// What both browser test files share: where things are, building a site
// with the chaosbook binary, serving a folder on 127.0.0.1, launching
// headless Chromium (Debian's package, driven by playwright-core; no
// browser download) and opening pages that record what went wrong.
//
// Environment: CHAOSBOOK_BIN (default target/debug/chaosbook), CHROMIUM
// (default /usr/bin/chromium).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
const bin = process.env.CHAOSBOOK_BIN || path.join(repo, "target/debug/chaosbook");
export const work = path.join(repo, "target/browser-tests");
export const shots = path.join(work, "screenshots");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

const servers = [];
let browser;

export function build(root, dest) {
  execFileSync(bin, ["--root", root, "build", "--dest", dest], { stdio: ["ignore", "inherit", "inherit"] });
}

/// Serves `dir` (a built site, whose 404.html answers for missing files);
/// resolves to its base URL.
export function serveFolder(dir) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.join(dir, path.normalize(rel));
      if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404, { "Content-Type": TYPES[".html"] });
        res.end(fs.readFileSync(path.join(dir, "404.html")));
        return;
      }
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(fs.readFileSync(file));
    });
    server.listen(0, "127.0.0.1", () => {
      servers.push(server);
      resolve(`http://127.0.0.1:${server.address().port}/`);
    });
  });
}

export async function launch() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
}

/// Closes the browser and every server.
export async function shutDown() {
  if (browser) await browser.close();
  for (const s of servers) s.close();
}

/// A fresh context (its own storage) that records console and page
/// errors, CSP violations (in `window.__csp`), every request, and every
/// response of 400 or more.
export async function open(options = {}) {
  const context = await browser.newContext(options);
  const log = { errors: [], requests: [], failed: [] };
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") log.errors.push(m.text()); });
  page.on("pageerror", (e) => log.errors.push(String(e)));
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("response", (r) => { if (r.status() >= 400) log.failed.push(`${r.status()} ${r.url()}`); });
  return { context, page, log };
}
