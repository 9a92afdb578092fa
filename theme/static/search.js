// Full-text search. The index is built at build time and loaded as a script
// (searchindex.js sets window.chaosbookSearch), so search also works when the
// book is opened from disk (file://), where fetch() is not allowed.
(function () {
  "use strict";
  var doc = document.documentElement;
  var root = doc.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;
  var MAX_RESULTS = 30;
  var loading = false;
  var selected = -1;

  input.disabled = false;

  function load(then) {
    if (window.chaosbookSearch) { then(); return; }
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "searchindex.js";
    s.onload = function () { loading = false; then(); };
    s.onerror = function () { loading = false; setStatus("The search index could not be loaded."); };
    document.head.appendChild(s);
  }

  function setStatus(text) { if (status) status.textContent = text; }

  function tokens(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (t) { return t.length > 1; });
  }

  // Index of the first term >= prefix (terms are sorted by code unit).
  function lowerBound(terms, prefix) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (terms[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // Scores of the documents holding a term that starts with `word`.
  function lookup(index, word) {
    var scores = new Map();
    var i = lowerBound(index.terms, word);
    for (; i < index.terms.length && index.terms[i].lastIndexOf(word, 0) === 0; i++) {
      var exact = index.terms[i] === word ? 2 : 1;
      var postings = index.postings[i];
      for (var k = 0; k < postings.length; k += 2) {
        var d = postings[k];
        scores.set(d, (scores.get(d) || 0) + postings[k + 1] * exact);
      }
    }
    return scores;
  }

  function search(query) {
    var index = window.chaosbookSearch;
    var words = tokens(query);
    if (!index || words.length === 0) return [];
    var total = null;
    for (var w = 0; w < words.length; w++) {
      var scores = lookup(index, words[w]);
      if (total === null) { total = scores; continue; }
      var next = new Map();
      total.forEach(function (v, d) { if (scores.has(d)) next.set(d, v + scores.get(d)); });
      total = next;
    }
    var hits = [];
    total.forEach(function (v, d) { hits.push([d, v]); });
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return hits.slice(0, MAX_RESULTS).map(function (h) { return h[0]; });
  }

  function teaser(body, words) {
    var lower = body.toLowerCase();
    var at = -1;
    for (var i = 0; i < words.length && at < 0; i++) at = lower.indexOf(words[i]);
    var start = Math.max(0, at - 60);
    var text = body.slice(start, start + 180);
    return (start > 0 ? "…" : "") + text + (start + 180 < body.length ? "…" : "");
  }

  function render() {
    var query = input.value.trim();
    list.textContent = "";
    selected = -1;
    if (!query) { list.hidden = true; setStatus(""); return; }
    var index = window.chaosbookSearch;
    var docs = search(query);
    var words = tokens(query);
    for (var i = 0; i < docs.length; i++) {
      var d = index.docs[docs[i]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + d[0];
      var title = document.createElement("span");
      title.className = "search-result-title";
      title.textContent = d[2] && d[2] !== d[1] ? d[1] + " › " + d[2] : d[1];
      var body = document.createElement("span");
      body.className = "search-result-teaser";
      body.textContent = teaser(d[3], words);
      a.appendChild(title);
      a.appendChild(body);
      li.appendChild(a);
      list.appendChild(li);
    }
    if (docs.length === 0) {
      var none = document.createElement("li");
      none.className = "search-empty";
      none.textContent = "No results for “" + query + "”";
      list.appendChild(none);
    }
    list.hidden = false;
    setStatus(docs.length + (docs.length === 1 ? " result" : " results"));
  }

  function move(delta) {
    var links = list.querySelectorAll("a");
    if (links.length === 0) return;
    selected = Math.max(-1, Math.min(links.length - 1, selected + delta));
    if (selected < 0) input.focus(); else links[selected].focus();
  }

  input.addEventListener("focus", function () { load(function () { if (input.value) render(); }); });
  input.addEventListener("input", function () { load(render); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (ev.key === "Escape") { input.value = ""; render(); input.blur(); }
  });
  list.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); move(-1); }
    else if (ev.key === "Escape") { input.focus(); }
  });
  document.addEventListener("click", function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
})();
