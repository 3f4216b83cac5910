// ticketd desk, live (docs/web.md#live-updates): one EventSource on the
// session's workspace room (/stream). The inbox offers "N new — show"
// without moving what the agent reads and keeps the view counts fresh; the
// ticket page appends new messages and refreshes its side panel and
// delivery states; the supervisor board re-reads itself. Collision notices:
// the ticket page says it is open (and typing) every 20 s, and shows who
// else is. Everything here is fetched as the same server-rendered HTML the
// page was, so no rule lives in script.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    if (!main || !main.dataset.live || !window.EventSource || !window.fetch) return;
    var me = main.dataset.me, csrf = main.dataset.csrf;
    var say = function (tpl, k, v) { return tpl.split("{" + k + "}").join(v); };
    var later = function (fn, ms) {
      var t = null;
      return function () { if (!t) t = setTimeout(function () { t = null; fn(); }, ms); };
    };
    var fetchPage = function () {
      return fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (t) { return new DOMParser().parseFromString(t, "text/html"); });
    };
    // The left column's counts, from a fresh copy of the page.
    var swapCounts = function (doc) {
      var fresh = doc.querySelectorAll(".views a .count"), mine = document.querySelectorAll(".views a .count");
      if (fresh.length === mine.length) mine.forEach(function (c, i) { c.textContent = fresh[i].textContent; });
      var cap = doc.querySelector(".top .capacity"), here = document.querySelector(".top .capacity");
      if (cap && here) here.textContent = cap.textContent;
      var m = doc.querySelector(".top meter.load"), hm = document.querySelector(".top meter.load");
      if (m && hm) hm.value = m.value;
    };

    var ticketID = "", composer = document.getElementById("composer");
    if (composer) ticketID = composer.dataset.draft || "";
    var list = document.querySelector("section.list");
    var board = document.querySelector("[data-board]");

    // Inbox: a pill over the list; counts follow at once.
    var bar = null, changed = {};
    if (list) {
      bar = document.createElement("div");
      bar.className = "livebar";
      bar.hidden = true;
      bar.setAttribute("aria-live", "polite");
      var show = document.createElement("button");
      show.type = "button";
      show.dataset.showNew = "";
      bar.appendChild(show);
      var head = list.querySelector(".listhead");
      if (head) head.after(bar); else list.prepend(bar);
      show.addEventListener("click", function () {
        fetchPage().then(function (doc) {
          var fresh = doc.querySelector("section.list");
          if (!fresh) return;
          list.querySelectorAll(":scope > :not(.listhead):not(.livebar)").forEach(function (n) { n.remove(); });
          fresh.querySelectorAll(":scope > :not(.listhead)").forEach(function (n) { list.appendChild(document.importNode(n, true)); });
          swapCounts(doc);
          changed = {};
          bar.hidden = true;
          document.dispatchEvent(new Event("tkd:rows"));
        });
      });
    }
    var refreshCounts = later(function () { fetchPage().then(swapCounts).catch(function () {}); }, 400);
    var showPill = function (id) {
      changed[id] = true;
      var n = Object.keys(changed).length;
      bar.firstChild.textContent = say(main.dataset.liveNew, "n", String(n));
      bar.hidden = false;
    };
    // The pill counts only tickets the current view lists now (Mine: mine;
    // a group: that group; Pending: pending…). The server answers which
    // (GET /stream/match, the view's own filter); a search counts every
    // ticket it may show, as the query is not re-run per event.
    var params = new URLSearchParams(location.search);
    var view = params.get("q") ? "" : (params.get("view") || "mine");
    var asking = {};
    var askMatch = later(function () {
      var ids = Object.keys(asking);
      asking = {};
      if (!ids.length) return;
      var u = new URLSearchParams({ view: view });
      ids.forEach(function (id) { u.append("id", id); });
      fetch(main.dataset.liveMatch + "?" + u.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) { (d.ids || []).forEach(showPill); })
        .catch(function () {});
    }, 250);
    var noteChange = function (id) {
      if (!bar) return;
      if (!view || !main.dataset.liveMatch || id === "reset") { showPill(id); return; }
      asking[id] = true;
      askMatch();
    };

    // Ticket page: new messages appended, side panel and delivery states
    // refreshed (not while the agent is in the side panel's controls).
    var refreshTicket = later(function () {
      fetchPage().then(function (doc) {
        var ol = document.querySelector(".messages"), fol = doc.querySelector(".messages");
        if (ol && fol) {
          var atEnd = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
          fol.querySelectorAll("li.msg").forEach(function (li) {
            var have = document.getElementById(li.id);
            if (have) {
              var d = li.querySelector(".delivery"), hd = have.querySelector(".delivery");
              if (d && hd) hd.replaceWith(document.importNode(d, true));
              else if (d) have.querySelector(".mhead").appendChild(document.importNode(d, true));
              return;
            }
            var empty = ol.querySelector("li.empty");
            if (empty) empty.remove();
            var n = document.importNode(li, true);
            n.classList.add("fresh");
            ol.appendChild(n);
          });
          if (atEnd) ol.scrollTop = ol.scrollHeight;
        }
        var meta = doc.querySelector(".thead .meta"), hm = document.querySelector(".thead .meta");
        if (meta && hm) hm.replaceWith(document.importNode(meta, true));
        var side = doc.querySelector("aside.side"), hs = document.querySelector("aside.side");
        if (side && hs && !hs.contains(document.activeElement)) hs.replaceWith(document.importNode(side, true));
        swapCounts(doc);
        pollDelivery();
      }).catch(function () {});
    }, 250);
    // Delivery states change in the outbox, not in the event log: while a
    // reply is still queued the page looks again every few seconds.
    var polls = 0, pollTimer = null;
    var pollDelivery = function () {
      if (pollTimer || !document.querySelector(".delivery.d-queued, .delivery.d-sending")) { polls = 0; return; }
      if (++polls > 40) return;
      pollTimer = setTimeout(function () { pollTimer = null; refreshTicket(); }, 3000);
    };
    if (ticketID) pollDelivery();

    var refreshBoard = later(function () {
      fetchPage().then(function (doc) {
        var fresh = doc.querySelector("[data-board]"), here = document.querySelector("[data-board]");
        if (fresh && here) here.replaceWith(document.importNode(fresh, true));
      }).catch(function () {});
    }, 300);

    // Collision notices.
    var notice = null, viewers = {};
    var signal = function (state, beacon) {
      var body = new URLSearchParams({ state: state, csrf: csrf });
      var url = location.pathname.replace(/\/$/, "") + "/viewing";
      if (beacon && navigator.sendBeacon) { navigator.sendBeacon(url, body); return; }
      fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: body }).catch(function () {});
    };
    var drawViewers = function () {
      if (!notice) return;
      var now = Date.now(), looking = [], typing = [];
      Object.keys(viewers).forEach(function (id) {
        var v = viewers[id];
        if (now - v.seen > 30000) { delete viewers[id]; return; }
        if (v.typing && now - v.typing < 8000) typing.push(v.name); else looking.push(v.name);
      });
      var parts = [];
      if (typing.length) parts.push(say(main.dataset.liveTyping, "names", typing.join(", ")));
      if (looking.length) parts.push(say(main.dataset.liveViewing, "names", looking.join(", ")));
      notice.textContent = parts.join(" · ");
    };
    var lastHello = 0;
    if (ticketID) {
      notice = document.createElement("p");
      notice.className = "collide";
      notice.setAttribute("role", "status");
      notice.dataset.collide = "";
      var th = document.querySelector(".thead");
      if (th) th.appendChild(notice);
      // The first "viewing" goes once the stream is open (below), so the
      // answers of those already here are not missed.
      setInterval(function () { signal("viewing"); }, 20000);
      setInterval(drawViewers, 2000);
      var lastType = 0, ta = composer.querySelector("textarea");
      if (ta) ta.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastType > 3000) { lastType = now; signal("typing"); }
      });
      window.addEventListener("pagehide", function () { signal("left", true); });
    }
    var onViewer = function (d) {
      if (d.ticket_id !== ticketID || d.agent_id === me) return;
      if (d.state === "left") { delete viewers[d.agent_id]; drawViewers(); return; }
      var known = !!viewers[d.agent_id];
      var v = viewers[d.agent_id] || { name: d.name };
      v.name = d.name;
      v.seen = Date.now();
      if (d.state === "typing") v.typing = Date.now();
      viewers[d.agent_id] = v;
      drawViewers();
      // Someone new: say we are here too, so they need not wait 20 s.
      if (!known && Date.now() - lastHello > 2000) { lastHello = Date.now(); signal("viewing"); }
    };

    var onTicketEvent = function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (x) { return; }
      if (ticketID && d.ticket_id === ticketID) refreshTicket();
      if (list) { noteChange(d.ticket_id); refreshCounts(); }
      else if (!ticketID) refreshCounts();
      if (board) refreshBoard();
    };
    // Everything shown may be stale: the stream was too far behind to
    // replay, or closed while the tab was hidden.
    var stale = function () {
      if (ticketID) refreshTicket();
      if (board) refreshBoard();
      if (list) { noteChange("reset"); refreshCounts(); }
    };
    // A browser has six connections per host over HTTP/1.1, shared by all
    // its tabs, and each stream holds one: with six desk tabs open the
    // seventh never loaded. So only a tab the agent can see holds a stream
    // (opened when it shows, closed when it hides, brought up to date
    // when it shows again), and leaving a page closes its stream at once
    // (a page kept in the back/forward cache held it; coming back from
    // that cache reloads). TestBrowserManyTabs, TestBrowserManyPages.
    var es = null, missed = false;
    var connect = function () {
      if (es) return;
      es = new EventSource(main.dataset.live);
      ["ticket.created", "ticket.status", "ticket.assignment", "ticket.priority", "ticket.group", "ticket.message"].forEach(function (n) {
        es.addEventListener(n, onTicketEvent);
      });
      es.addEventListener("ticket.viewer", function (e) { try { onViewer(JSON.parse(e.data)); } catch (x) { /* ignore */ } });
      es.addEventListener("agent.presence", function () { if (board) refreshBoard(); });
      es.addEventListener("reset", stale);
      es.addEventListener("open", function () {
        main.dataset.liveOpen = "1";
        if (ticketID) signal("viewing"); // on every (re)connect
        if (missed) { missed = false; stale(); }
      });
    };
    var disconnect = function () {
      if (!es) return;
      es.close();
      es = null;
      missed = true;
      main.dataset.liveOpen = "";
    };
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") disconnect(); else connect();
    });
    window.addEventListener("pagehide", disconnect);
    window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
    if (document.visibilityState === "hidden") missed = true; else connect();
    // agent.presence comes from desk for every presence change, whichever
    // door made it; the board still looks again now and then, for what no
    // event says (an agent's capacity, a new agent, time passing).
    if (board) setInterval(refreshBoard, 15000);
  });
})();
