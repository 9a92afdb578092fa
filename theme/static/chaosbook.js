// chaosbook site behaviour: the shared table of contents, the colour theme
// toggle, the phone drawer and keyboard shortcuts. No inline handlers: the
// Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var doc = document.documentElement;
  var root = doc.getAttribute("data-root") || "";
  var page = doc.getAttribute("data-page") || "";

  // --- Table of contents: one shared fragment (toc.js), not copied into pages.
  function buildToc() {
    var holder = document.getElementById("sidebar-toc");
    if (!holder || typeof window.chaosbookToc !== "string") return;
    var tpl = document.createElement("template");
    tpl.innerHTML = window.chaosbookToc;
    var links = tpl.content.querySelectorAll("a[href]");
    var current = null;
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var target = a.getAttribute("href");
      if (target === page) current = a;
      a.setAttribute("href", root + target);
    }
    var toggles = tpl.content.querySelectorAll("button.toc-toggle");
    for (var j = 0; j < toggles.length; j++) {
      toggles[j].addEventListener("click", onToggle);
    }
    if (current) {
      current.setAttribute("aria-current", "page");
      current.classList.add("active");
      var li = current.closest("li");
      if (li && li.classList.contains("has-children")) setExpanded(li, true);
      for (var p = li && li.parentElement; p; p = p.parentElement) {
        if (p.matches && p.matches("li.has-children")) setExpanded(p, true);
      }
    }
    holder.appendChild(tpl.content);
    if (current && current.scrollIntoView) {
      var box = current.getBoundingClientRect();
      var side = document.getElementById("sidebar").getBoundingClientRect();
      if (box.bottom > side.bottom || box.top < side.top) current.scrollIntoView({ block: "center" });
    }
  }
  function setExpanded(li, open) {
    li.classList.toggle("expanded", open);
    var b = li.querySelector(":scope > .toc-row > button.toc-toggle");
    if (b) b.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function onToggle(ev) {
    var li = ev.currentTarget.closest("li");
    setExpanded(li, !li.classList.contains("expanded"));
  }

  // --- Colour theme: light, dark, auto (follows the OS); remembered.
  var THEMES = ["light", "dark", "auto"];
  function currentTheme() {
    var t = doc.getAttribute("data-theme");
    return THEMES.indexOf(t) >= 0 ? t : "auto";
  }
  function showTheme(button) {
    var t = currentTheme();
    button.setAttribute("aria-label", "Colour theme: " + t + " (click to change)");
    button.setAttribute("title", "Colour theme: " + t);
    button.setAttribute("data-current", t);
  }
  function setupTheme() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    showTheme(button);
    button.addEventListener("click", function () {
      var next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
      doc.setAttribute("data-theme", next);
      try { window.localStorage.setItem("chaosbook-theme", next); } catch (e) { /* storage disabled */ }
      showTheme(button);
    });
  }

  // --- Sidebar drawer on narrow screens.
  function setupDrawer() {
    var button = document.getElementById("sidebar-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) return;
    button.hidden = false;
    function set(open) {
      doc.classList.toggle("sidebar-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var open = !doc.classList.contains("sidebar-open");
      set(open);
      if (open) {
        var a = sidebar.querySelector("a.active") || sidebar.querySelector("a");
        if (a) a.focus();
      }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && doc.classList.contains("sidebar-open")) {
        set(false);
        button.focus();
      }
    });
    document.addEventListener("click", function (ev) {
      if (doc.classList.contains("sidebar-open") && !sidebar.contains(ev.target) && !button.contains(ev.target)) set(false);
    });
  }

  // --- Keyboard: arrows for previous/next, "/" or "s" for search.
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function setupKeys() {
    document.addEventListener("keydown", function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey || typing(ev.target)) return;
      if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
        var link = document.querySelector(ev.key === "ArrowLeft" ? "a.pager-prev" : "a.pager-next");
        if (link) {
          ev.preventDefault();
          window.location.href = link.href;
        }
      } else if (ev.key === "/" || ev.key === "s") {
        var input = document.getElementById("search-input");
        if (input && !input.disabled) {
          ev.preventDefault();
          input.focus();
          input.select();
        }
      }
    });
  }

  buildToc();
  setupTheme();
  setupDrawer();
  setupKeys();
})();
