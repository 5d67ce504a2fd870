// Small enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    // Swap 4xx bodies (French messages) into #messages; htmx 2 does not swap errors by default.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[4]..", swap: true, error: false },
      { code: "...", swap: false, error: true }
    ];
  }
  document.querySelectorAll("[data-confirmer]").forEach(function (el) {
    el.addEventListener("submit", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirmer"))) { ev.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-imprimer]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  // Error pages: back to the previous page (no inline script: the CSP forbids it).
  document.querySelectorAll("[data-retour]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
});
