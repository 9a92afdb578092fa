// Catalog behaviour: tool tabs (WAI-ARIA tabs pattern), the reader's tool
// choice (remembered, synced across tab groups, pages and windows, settable
// with ?tool=ID), copy buttons, and the faceted scenario filter.
// Without this file every implementation is shown in turn, labelled.
(function () {
  "use strict";
  var KEY = "chaosbook.tool";
  var root = document.documentElement;
  root.classList.add("cb-js");

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(tool) {
    try { window.localStorage.setItem(KEY, tool); } catch (e) { /* private mode, file:// in some browsers */ }
  }
  function fromUrl() {
    var m = /[?&]tool=([a-z0-9-]+)/.exec(window.location.search);
    return m ? m[1] : null;
  }

  function tabsOf(group) {
    return Array.prototype.slice.call(group.querySelectorAll('[role="tab"]'));
  }

  function select(group, tab, focus) {
    tabsOf(group).forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(t.getAttribute("aria-controls"));
      if (panel) { panel.classList.toggle("cb-selected", on); }
    });
    if (focus) { tab.focus(); }
  }

  // Selects `tool` in every group that has it; groups without it keep
  // their selection.
  function selectTool(tool) {
    document.querySelectorAll(".cb-tabs").forEach(function (group) {
      var tab = group.querySelector('[role="tab"][data-tool="' + tool + '"]');
      if (tab) { select(group, tab, false); }
    });
  }

  function choose(group, tab, focus) {
    select(group, tab, focus);
    var tool = tab.getAttribute("data-tool");
    store(tool);
    selectTool(tool);
  }

  document.querySelectorAll(".cb-tabs").forEach(function (group) {
    group.addEventListener("click", function (e) {
      var tab = e.target.closest('[role="tab"]');
      if (tab && group.contains(tab)) { choose(group, tab, false); }
    });
    group.addEventListener("keydown", function (e) {
      var tab = e.target.closest('[role="tab"]');
      if (!tab) { return; }
      var tabs = tabsOf(group);
      var i = tabs.indexOf(tab);
      var next = null;
      if (e.key === "ArrowRight") { next = tabs[(i + 1) % tabs.length]; }
      else if (e.key === "ArrowLeft") { next = tabs[(i - 1 + tabs.length) % tabs.length]; }
      else if (e.key === "Home") { next = tabs[0]; }
      else if (e.key === "End") { next = tabs[tabs.length - 1]; }
      if (next) {
        e.preventDefault();
        e.stopPropagation();
        choose(group, next, true);
      }
    });
  });

  // ?tool=ID on a page with tabs is a choice; on the index it is a filter.
  var wanted = document.querySelector(".cb-tabs") ? fromUrl() : null;
  if (wanted) { store(wanted); }
  var initial = wanted || stored();
  if (initial) { selectTool(initial); }
  window.addEventListener("storage", function (e) {
    if (e.key === KEY && e.newValue) { selectTool(e.newValue); }
  });

  // Copy buttons.
  document.querySelectorAll(".cb-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = document.getElementById(button.getAttribute("data-copy"));
      if (!code) { return; }
      var text = code.textContent;
      var done = function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(code, done); });
      } else {
        fallback(code, done);
      }
    });
  });
  function fallback(code, done) {
    var range = document.createRange();
    range.selectNodeContents(code);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
  }

  // The faceted filter of the catalog index; its state lives in the URL.
  var form = document.querySelector(".cb-filter");
  if (form) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".cb-index-item"));
    var count = form.querySelector(".cb-count");
    var fields = ["category", "target", "tool", "persona", "blast"];
    var apply = function (updateUrl) {
      var q = form.elements.q.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var ok = fields.every(function (f) {
          var v = form.elements[f].value;
          return !v || (" " + item.getAttribute("data-" + f) + " ").indexOf(" " + v + " ") >= 0;
        });
        if (ok && q) {
          ok = q.split(/\s+/).every(function (w) { return item.getAttribute("data-text").indexOf(w) >= 0; });
        }
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + items.length + " scenarios";
      if (updateUrl) {
        var params = new URLSearchParams();
        if (q) { params.set("q", form.elements.q.value.trim()); }
        fields.forEach(function (f) { if (form.elements[f].value) { params.set(f, form.elements[f].value); } });
        var query = params.toString();
        var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
        try { window.history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
      }
    };
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) { form.elements.q.value = params.get("q"); }
    fields.forEach(function (f) {
      var v = params.get(f);
      if (v && form.elements[f].querySelector('option[value="' + v.replace(/"/g, "") + '"]')) { form.elements[f].value = v; }
    });
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
    apply(false);
  }
})();
