// The search-quality test set: queries a reader of the book would type, each
// with the pages that must come up in the top three results (pages, not
// sections: the list is grouped by page). Paths are relative to the site
// root.
//
// - `all`: every one of these pages is in the top three;
// - `any`: at least one of these pages is in the top three;
// - `only`: each of the top three pages is one of these (for queries that
//   have more right answers than three places);
// - `tool`: the result link to the first expected page opens that tool's
//   tab (`?tool=ID`; a list: one of these tools' tabs).
//
// The reciprocal rank of a query is 1 / the rank of the first expected page
// (0 when none is among the first ten pages).

const S = "catalog/scenarios/";
const P = "catalog/practices/";
const T = "catalog/tools/";

export const QUERIES = [
  // The three queries of the issue that asked for better search.
  { q: "pod delete", all: [S + "pod-container/pod-delete.html"] },
  {
    q: "latency",
    // Every scenario whose fault is added latency (the serverless one adds
    // invocation latency, then errors).
    only: [S + "network/network-latency.html", S + "application/http-latency.html",
      S + "application/jvm-latency.html", S + "resource/io-latency.html",
      S + "cloud/serverless-function-fault.html"],
  },
  { q: "chaos mesh pod kill", all: [S + "pod-container/pod-delete.html"], tool: "chaos-mesh" },

  // Scenario titles, in the reader's words (inflections, word order, synonyms).
  { q: "deleting pods", all: [S + "pod-container/pod-delete.html"] },
  { q: "kill a pod", all: [S + "pod-container/pod-delete.html"] },
  { q: "packet loss", all: [S + "network/packet-loss.html"] },
  { q: "dns", all: [S + "network/dns-failure.html"] },
  { q: "clock skew", all: [S + "time/clock-skew.html"] },
  { q: "network partition", all: [S + "network/network-partition.html"] },
  { q: "availability zone outage", all: [S + "cloud/zone-outage.html"] },
  { q: "drain a node", all: [S + "node-platform/node-drain.html"] },
  { q: "memory hog", all: [S + "resource/pod-memory-hog.html", S + "node-platform/node-memory-hog.html"] },
  { q: "cpu", any: [S + "resource/pod-cpu-hog.html", S + "node-platform/node-cpu-hog.html"] },
  { q: "fill the disk", all: [S + "resource/disk-fill.html"] },
  { q: "disk latency", all: [S + "resource/io-latency.html"] },
  { q: "jvm exception", all: [S + "application/jvm-exception.html"] },
  { q: "database failover", all: [S + "cloud/database-failover.html"] },
  { q: "privilege escalation", all: [S + "security/privilege-escalation-attempt.html"] },
  { q: "canary credential", all: [S + "security/secret-exposure-detection.html"] },
  { q: "expired certificate", all: [S + "security/expired-certificate.html", "tutorials/expired-certificate.html"] },
  { q: "bandwidth", all: [S + "network/bandwidth-limit.html"] },
  { q: "stop an instance", all: [S + "cloud/instance-stop.html"] },

  // Typos in longer words.
  { q: "certficate", any: [S + "security/expired-certificate.html", "tutorials/expired-certificate.html"] },
  { q: "partiton", all: [S + "network/network-partition.html"] },

  // Fault names from the manifests, leading to the right tab.
  { q: "pod-kill", all: [S + "pod-container/pod-delete.html"], tool: "chaos-mesh" },
  { q: "aws:eks:pod-delete", all: [S + "pod-container/pod-delete.html"], tool: "aws-fis" },
  // Azure Chaos Studio's AKS network fault runs Chaos Mesh's NetworkChaos:
  // its tab is as right an answer as Chaos Mesh's own.
  { q: "NetworkChaos delay", all: [S + "network/network-latency.html"], tool: ["chaos-mesh", "azure-chaos-studio"] },
  { q: "litmus pod-network-loss", all: [S + "network/packet-loss.html"], tool: "litmuschaos" },

  // Practices and tools.
  { q: "gameday", all: [P + "gamedays.html"] },
  { q: "game day", all: [P + "gamedays.html"] },
  { q: "blast radius", all: [P + "blast-radius-control.html"] },
  { q: "steady state", all: [P + "steady-state-definition.html"] },
  { q: "abort conditions", all: [P + "abort-conditions-and-guardrails.html"] },
  { q: "learning review", all: [P + "learning-reviews.html"] },
  { q: "toxiproxy", all: [T + "toxiproxy.html"] },
  { q: "litmus", all: [T + "litmuschaos.html"] },
  { q: "fault injection service", all: [T + "aws-fis.html"] },

  // Chapters.
  { q: "glossary", all: ["glossary.html"] },
  { q: "principles of chaos engineering", all: ["principles.html"] },
  { q: "ci/cd pipeline", any: ["cd-pipelines.html", P + "cd-pipeline-integration.html"] },
  { q: "testing in production", any: ["testing-in-production.html", P + "testing-in-production.html"] },
  { q: "personas", all: ["personas.html"] },
];

/// Pages in the order of the result list: each link's path without its
/// query and fragment, first appearance only.
export function rankedPages(hrefs) {
  const pages = [];
  for (const h of hrefs) {
    const page = h.replace(/[?#].*$/, "");
    if (!pages.includes(page)) pages.push(page);
  }
  return pages;
}

/// Whether `hrefs` (the result links in order) satisfy `query`, and its
/// reciprocal rank.
export function judge(query, hrefs) {
  const pages = rankedPages(hrefs);
  const top = pages.slice(0, 3);
  const expected = query.all || query.any || query.only;
  let ok = true;
  if (query.all) ok = query.all.every((p) => top.includes(p));
  if (query.any) ok = query.any.some((p) => top.includes(p));
  if (query.only) ok = top.length === 3 && top.every((p) => query.only.includes(p));
  let toolOk = true;
  const link = hrefs.find((h) => h.replace(/[?#].*$/, "") === expected[0]);
  if (query.tool) {
    const tools = [].concat(query.tool);
    toolOk = Boolean(link && tools.some((t) => new RegExp(`[?&]tool=${t}(&|#|$)`).test(link)));
    ok = ok && toolOk;
  }
  const rank = pages.slice(0, 10).findIndex((p) => expected.includes(p));
  return { ok, toolOk, link, rr: rank < 0 ? 0 : 1 / (rank + 1), top };
}
