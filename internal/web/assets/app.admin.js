// Admin pages: the one-time token secret is selected on focus, so copying
// it is one keystroke.
document.querySelectorAll("[data-select]").forEach(function (el) {
  el.addEventListener("focus", function () { el.select(); });
});
