// ticketd desk, macro shortcuts (docs/web.md#macros): on the ticket page,
// typing a macro's shortcut outside text fields applies it through the
// macros menu's own form (POST /tickets/{n}/macros with its CSRF token), so
// nothing here decides anything the menu does not. A shortcut is a sequence
// of keys typed within a second; desk refuses shortcuts that start with
// the desk's own keys, and an older one that does is left to the built-in key.
(function () {
  "use strict";
  var builtin = "jkornasxm/?";
  document.addEventListener("DOMContentLoaded", function () {
    var sel = document.querySelector("[data-macro-select]");
    if (!sel || !sel.form) return;
    var macros = Array.prototype.slice.call(sel.options).filter(function (o) {
      return o.value && o.dataset.shortcut;
    }).map(function (o) { return { id: o.value, key: o.dataset.shortcut }; });
    if (!macros.length) return;
    var buf = "", timer = null;
    var reset = function () { buf = ""; if (timer) { clearTimeout(timer); timer = null; } };
    var apply = function (m) {
      reset();
      sel.value = m.id;
      if (sel.form.requestSubmit) sel.form.requestSubmit(); else sel.form.submit();
    };
    var starting = function (s) { return macros.filter(function (m) { return m.key.indexOf(s) === 0; }); };
    // Capture phase: while a shortcut is being typed, its next keys are
    // the macro's, not the built-in keys' (app.js listens on document).
    window.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.metaKey || e.ctrlKey || e.altKey || e.key.length !== 1) { if (e.key !== "Shift") reset(); return; }
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) { reset(); return; }
      var cand = buf + e.key, found = starting(cand);
      if (!found.length && buf) { reset(); cand = e.key; found = starting(cand); }
      if (!found.length || (!buf && builtin.indexOf(e.key) >= 0)) { reset(); return; }
      e.preventDefault();
      e.stopPropagation();
      reset();
      buf = cand;
      var exact = found.filter(function (m) { return m.key === cand; })[0];
      if (exact && found.length === 1) { apply(exact); return; }
      // A longer shortcut may follow: wait for its next key a moment.
      timer = setTimeout(function () { timer = null; var b = buf; buf = ""; if (exact && b === cand) apply(exact); }, exact ? 700 : 1200);
    }, true);
  });
})();
