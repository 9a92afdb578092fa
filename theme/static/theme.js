// Applies the reader's saved colour theme before the page is painted.
// Loaded as a blocking external script so the Content-Security-Policy
// needs no inline script.
(function () {
  try {
    var saved = window.localStorage.getItem("chaosbook-theme");
    if (saved === "light" || saved === "dark" || saved === "auto") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) {
    // Storage can be disabled; the default theme stays.
  }
})();
