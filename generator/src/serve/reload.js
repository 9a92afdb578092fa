// chaosbook serve: reloads the page after a rebuild and shows build errors
// in an overlay. Served only by `chaosbook serve`, never part of a build.
(function () {
  "use strict";
  var me = document.currentScript;
  var seen = Number(new URL(me.src).searchParams.get("v") || "0");
  var overlay = null;

  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "chaosbook-error-overlay";
      overlay.setAttribute("role", "alert");
      var title = document.createElement("p");
      title.className = "chaosbook-error-title";
      title.textContent = "The last edit broke the build; fix it and this page reloads.";
      var pre = document.createElement("pre");
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    // textContent: the error text is shown as text, never parsed as HTML.
    overlay.querySelector("pre").textContent = text;
  }

  function poll() {
    fetch("/__chaosbook/version", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.error) {
          show(state.error);
        } else if (state.version !== seen) {
          window.location.reload();
          return;
        } else if (overlay) {
          overlay.remove();
          overlay = null;
        }
        setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 1500); });
  }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/__chaosbook/overlay.css";
  document.head.appendChild(css);
  poll();
})();
