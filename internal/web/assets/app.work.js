// ticketd desk, the agent's tools: "/" focuses the search, "x" and "all on
// this page" select rows for the bulk bar, and the composer's saved-reply
// picker ("/" at the start of a line or "::"), which inserts the reply
// filled for this ticket at the cursor. Without script the same things are
// plain forms (docs/web.md).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var q = document.querySelector("[data-search]");
    var all = document.querySelector("[data-pick-all]");
    var bar = document.getElementById("bulk");
    var mark = function () {
      if (bar) bar.classList.toggle("active", !!document.querySelector("input.pick:checked"));
    };
    document.querySelectorAll("input.pick").forEach(function (b) { b.addEventListener("change", mark); });
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll("input.pick").forEach(function (b) { b.checked = all.checked; });
        mark();
      });
    }
    mark();
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      if (e.key === "/" && q) { e.preventDefault(); q.focus(); q.select(); }
      if (e.key === "m" && document.querySelector("[data-macro-select]")) {
        e.preventDefault(); document.querySelector("[data-macro-select]").focus();
      }
      if (e.key === "x") {
        var row = document.querySelector("[data-row].selected input.pick");
        if (row) { e.preventDefault(); row.checked = !row.checked; mark(); }
      }
    });

    var c = document.getElementById("composer");
    var sel = document.querySelector("[data-reply-select]");
    var picker = document.getElementById("reply-picker");
    if (!c || !sel || !picker) return;
    var ta = c.querySelector("textarea");
    var list = document.getElementById("reply-list");
    var replies = Array.prototype.slice.call(sel.options).filter(function (o) { return o.value; }).map(function (o) {
      return { id: o.value, name: o.textContent, shortcut: o.dataset.shortcut || "" };
    });
    var trigger = null; // {start, term} of the "/term" or "::term" being typed
    var shown = [];
    var active = 0;
    ta.setAttribute("aria-autocomplete", "list");
    ta.setAttribute("aria-controls", "reply-list");
    ta.setAttribute("aria-expanded", "false");

    var close = function () {
      picker.hidden = true; trigger = null;
      ta.setAttribute("aria-expanded", "false"); ta.removeAttribute("aria-activedescendant");
    };
    var paint = function () {
      list.textContent = "";
      shown.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = "reply-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = r.name + (r.shortcut ? "  /" + r.shortcut : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (shown.length) ta.setAttribute("aria-activedescendant", "reply-opt-" + active);
    };
    var find = function () {
      var pos = ta.selectionStart, before = ta.value.slice(0, pos);
      var m = before.match(/(^|\n)\/([^\s\/]*)$/);
      var len;
      if (m) { len = m[2].length + 1; trigger = { start: pos - len, term: m[2] }; }
      else if ((m = before.match(/::([^\s:]*)$/))) { len = m[1].length + 2; trigger = { start: pos - len, term: m[1] }; }
      else { close(); return; }
      var term = trigger.term.toLowerCase();
      shown = replies.filter(function (r) {
        return r.name.toLowerCase().indexOf(term) >= 0 || r.shortcut.toLowerCase().indexOf(term) >= 0;
      });
      if (!shown.length) { picker.hidden = true; ta.setAttribute("aria-expanded", "false"); return; }
      active = Math.min(active, shown.length - 1);
      picker.hidden = false; ta.setAttribute("aria-expanded", "true");
      paint();
    };
    var choose = function (i) {
      var r = shown[i], at = trigger;
      if (!r || !at) return;
      close();
      fetch(c.dataset.replies + encodeURIComponent(r.id), { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw new Error("render " + res.status);
        return res.text();
      }).then(function (text) {
        var end = ta.selectionStart, v = ta.value;
        // Replace only the trigger typed; the rest of the draft stays.
        ta.value = v.slice(0, at.start) + text + v.slice(end);
        var caret = at.start + text.length;
        ta.focus(); ta.setSelectionRange(caret, caret);
        ta.dispatchEvent(new Event("input"));
      }).catch(function () { sel.value = r.id; sel.focus(); });
    };
    ta.addEventListener("input", function () { if (!picker.hidden || /[\/:]/.test(ta.value.charAt(ta.selectionStart - 1)) || trigger) find(); });
    ta.addEventListener("click", close);
    ta.addEventListener("blur", function () { setTimeout(close, 150); });
    ta.addEventListener("keydown", function (e) {
      if (picker.hidden) return;
      if (e.key === "ArrowDown") { active = (active + 1) % shown.length; paint(); }
      else if (e.key === "ArrowUp") { active = (active - 1 + shown.length) % shown.length; paint(); }
      else if (e.key === "Enter" || e.key === "Tab") { choose(active); }
      else if (e.key === "Escape") { close(); }
      else return;
      e.preventDefault(); e.stopPropagation();
    });
  });
})();
