// ticketd desk: niceties over pages that work without script. Keyboard
// shortcuts (j/k/o/r/n/a/s/?), auto-submitting pickers, drafts kept per ticket
// until sent, a note-coloured composer.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.add("js");
    // Pickers that submit themselves; "next" returns here.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (f) {
      var next = f.querySelector('input[name="next"]');
      if (next) next.value = location.pathname + location.search;
      f.querySelectorAll("select").forEach(function (s) {
        s.addEventListener("change", function () { f.submit(); });
      });
    });
    // The composer: note mode looks like a note; the draft survives a reload.
    var c = document.getElementById("composer");
    if (c) {
      var ta = c.querySelector("textarea");
      var key = "tkd-draft-" + c.dataset.draft;
      var mode = function () {
        var n = c.querySelector("[data-mode-note]");
        c.classList.toggle("note", !!(n && n.checked));
      };
      c.querySelectorAll('input[name="mode"]').forEach(function (r) { r.addEventListener("change", mode); });
      mode();
      try {
        if (!ta.value && localStorage.getItem(key)) ta.value = localStorage.getItem(key);
        ta.addEventListener("input", function () { localStorage.setItem(key, ta.value); });
        c.addEventListener("submit", function () { localStorage.removeItem(key); });
      } catch (e) { /* storage off: drafts are not kept */ }
      ta.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) { e.preventDefault(); c.requestSubmit(); }
      });
    }
    // The thread reads like a chat: newest at the bottom, in view.
    var thread = document.querySelector(".messages");
    if (thread) thread.scrollTop = thread.scrollHeight;
    // Keyboard shortcuts.
    // The rows are read afresh on each key: live updates (app.live.js,
    // "N new — show") replace them; the selected row is the one marked, so
    // after a refresh j starts from the top again.
    var rows = [], at = -1;
    var reread = function () {
      rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
      at = -1;
      rows.forEach(function (r, j) { if (r.classList.contains("selected")) at = j; });
    };
    document.addEventListener("tkd:rows", reread);
    var pick = function (i) {
      if (!rows.length) return;
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("selected", j === at); });
      rows[at].querySelector("a").focus();
    };
    var help = document.getElementById("help");
    if (help) help.querySelector("[data-close]").addEventListener("click", function () { help.hidden = true; });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
        if (e.key === "Escape") t.blur();
        return;
      }
      var focusComposer = function (note) {
        if (!c) return;
        var r = c.querySelector(note ? "[data-mode-note]" : "[data-mode-reply]");
        if (r) { r.checked = true; r.dispatchEvent(new Event("change")); }
        c.querySelector("textarea").focus();
      };
      reread();
      switch (e.key) {
        case "j": pick(at + 1); break;
        case "k": pick(at - 1); break;
        case "o": if (at >= 0) location.href = rows[at].querySelector("a").href; break;
        case "r": focusComposer(false); break;
        case "n": focusComposer(true); break;
        case "a": if (document.getElementById("f-agent")) document.getElementById("f-agent").focus(); else return; break;
        case "s": if (document.getElementById("f-status")) document.getElementById("f-status").focus(); else return; break;
        case "?": if (help) { help.hidden = !help.hidden; } break;
        case "Escape": if (help) help.hidden = true; break;
        default: return;
      }
      e.preventDefault();
    });
  });
})();
