package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/server/servertest"
)

// contrastJS lists the visible text of the page whose colour against what
// is behind it falls short of WCAG 2 AA: 4.5:1, or 3:1 for large text (24
// px, or 18.66 px bold). The background is the element's own and its
// ancestors' background colours, blended from the page's canvas up;
// translucent text is blended over it. Disabled controls and visually
// hidden text are exempt, as WCAG has them. Controls' values and
// placeholders are checked too.
const contrastJS = `(() => {
  const parse = c => {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(",").map(s => parseFloat(s));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const canvas = parse(getComputedStyle(document.documentElement).backgroundColor);
  const base = canvas && canvas.a > 0 ? over(canvas, {r: 255, g: 255, b: 255, a: 1}) :
    (matchMedia("(prefers-color-scheme: dark)").matches ? {r: 18, g: 18, b: 18, a: 1} : {r: 255, g: 255, b: 255, a: 1});
  const behind = el => {
    const layers = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = base;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const bad = [], seen = new Set();
  let checked = 0;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("[hidden], .vh, svg, option, script, style, :disabled")) continue;
    const cs = getComputedStyle(el), box = el.getBoundingClientRect();
    if (cs.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    checked++;
    const bg = behind(el), fg = over(parse(cs.color), bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      bad.push(ratio.toFixed(2) + " < " + need + ": " + el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") +
        " " + JSON.stringify(node.textContent.trim().slice(0, 40)) + " " + cs.color + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round).join(", ") + ")");
    }
  }
  // Controls show text that is no text node: an input's or a select's
  // value, an input button's label, and placeholders (text too, for WCAG).
  const judge = (el, color, size, bold, what) => {
    const bg = behind(el), fg = over(parse(color), bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      bad.push(ratio.toFixed(2) + " < " + need + ": " + what + " " + color + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round).join(", ") + ")");
    }
  };
  const noText = new Set(["hidden", "checkbox", "radio", "file", "color", "range", "image"]);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (noText.has(el.type) || el.closest("[hidden], .vh, :disabled")) continue;
    const cs = getComputedStyle(el), box = el.getBoundingClientRect();
    if (cs.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const name = el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : el.id ? "#" + el.id : "");
    if (el.value || el.tagName === "SELECT") {
      checked++;
      judge(el, cs.color, size, bold, name + " " + JSON.stringify(String(el.value).slice(0, 40)));
    }
    if (el.placeholder) {
      checked++;
      const ps = getComputedStyle(el, "::placeholder");
      judge(el, ps.color, parseFloat(ps.fontSize) || size, bold, "placeholder of " + name + " " + JSON.stringify(el.placeholder.slice(0, 40)));
    }
  }
  return {checked: checked, bad: bad};
})()`

type contrastResult struct {
	Checked int      `json:"checked"`
	Bad     []string `json:"bad"`
}

// TestBrowserContrast: the text of the desk's main pages meets WCAG AA
// contrast, in the light and the dark scheme: sign-in, inbox (with SLA
// badges, priorities, statuses), a ticket (customer, agent and note
// messages, side panel), the supervisor's board and the admin's agents.
func TestBrowserContrast(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, long := seedDesk(t, e)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			var acts []step
			if theme == "dark" {
				acts = append(acts, darkScheme())
			}
			ctx := tab(t, 1440, 900, acts...)
			check := func(page string) {
				t.Helper()
				r := eval[contrastResult](t, ctx, contrastJS)
				if r.Checked < 3 {
					t.Fatalf("%s: only %d texts checked: the scan is broken", page, r.Checked)
				}
				t.Logf("%s, %s scheme: %d texts checked", page, theme, r.Checked)
				if len(r.Bad) > 0 {
					t.Errorf("%s, %s scheme: %d of %d texts below WCAG AA contrast:\n%s", page, theme, len(r.Bad), r.Checked, strings.Join(r.Bad, "\n"))
				}
			}
			run(t, ctx, chromedp.Navigate(e.URL+"/login"))
			waitFor(t, ctx, "login", `document.readyState === "complete"`)
			check("sign-in")
			// The scan finds what it is for: grey on white, and a
			// translucent grey on the page.
			// (Through the CSSOM: the page's CSP refuses style attributes.)
			eval[any](t, ctx, `(() => { const a = document.createElement("p"), b = document.createElement("p");
				a.textContent = "faint"; a.style.color = "#aaa"; a.style.background = "#fff";
				b.textContent = "fainter"; b.style.color = "rgba(128,128,128,.4)";
				document.body.append(a, b); return 1; })()`)
			if r := eval[contrastResult](t, ctx, contrastJS); len(r.Bad) != 2 || !strings.Contains(strings.Join(r.Bad, " "), `"faint"`) {
				t.Fatalf("the scan missed planted low contrast: %v", r.Bad)
			}
			// And in controls: a pale value, a pale placeholder (a
			// constructed style sheet: the CSP refuses <style> too).
			eval[any](t, ctx, `(() => { const s = new CSSStyleSheet();
				s.replaceSync(".pale, .pale-ph { background: #fff } .pale { color: #bbb } .pale-ph::placeholder { color: #ccc; opacity: 1 }");
				document.adoptedStyleSheets = [...document.adoptedStyleSheets, s];
				const a = document.createElement("input"), b = document.createElement("input");
				a.value = "pale value"; a.className = "pale"; b.placeholder = "pale hint"; b.className = "pale-ph";
				document.body.append(a, b); return 1; })()`)
			if r := eval[contrastResult](t, ctx, contrastJS); len(r.Bad) != 4 || !strings.Contains(strings.Join(r.Bad, " "), `"pale hint"`) ||
				!strings.Contains(strings.Join(r.Bad, " "), `"pale value"`) {
				t.Fatalf("the scan missed planted low contrast in controls: %v", r.Bad)
			}
			agentPages(t, ctx, e.URL, agent.Email, long.Number, check)

			admin := tab(t, 1440, 900, acts...)
			run(t, admin, signIn(e.URL, e.Admin.Email, servertest.Password))
			waitFor(t, admin, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, admin, chromedp.Navigate(e.URL+"/supervisor"))
			waitFor(t, admin, "the board", `!!document.querySelector("[data-board]")`)
			ctx = admin
			check("supervisor")
			run(t, admin, chromedp.Navigate(e.URL+"/admin/agents"))
			waitFor(t, admin, "the agents", `document.readyState === "complete" && !!document.querySelector("main table, main form")`)
			check("admin agents")
		})
	}
}

// labelsJS lists the form controls of the page a screen reader could not
// name: no <label>, aria-label, aria-labelledby or title (buttons may be
// named by their text).
const labelsJS = `(() => {
  const out = [];
  let checked = 0;
  for (const el of document.querySelectorAll("input, select, textarea, button")) {
    if (el.type === "hidden" || el.closest("[hidden]")) continue;
    checked++;
    const named = (el.labels && el.labels.length > 0) || (el.getAttribute("aria-label") || "").trim() ||
      (el.getAttribute("aria-labelledby") || "").split(" ").some(id => id && document.getElementById(id)) ||
      (el.getAttribute("title") || "").trim() || (el.tagName === "BUTTON" && el.textContent.trim());
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  return {checked: checked, bad: out};
})()`

// TestBrowserLabels: every visible control of the desk's main pages has an
// accessible name (issue 18: labels on every control).
func TestBrowserLabels(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, long := seedDesk(t, e)
	ctx := tab(t, 1440, 900)
	start := time.Now()
	check := func(page string) {
		t.Helper()
		r := eval[contrastResult](t, ctx, labelsJS)
		if r.Checked < 2 {
			t.Fatalf("%s: only %d controls found: the scan is broken", page, r.Checked)
		}
		t.Logf("%s: %d controls (%s)", page, r.Checked, time.Since(start).Round(time.Millisecond))
		if len(r.Bad) > 0 {
			t.Errorf("%s: %d of %d controls without an accessible name:\n%s", page, len(r.Bad), r.Checked, strings.Join(r.Bad, "\n"))
		}
	}
	run(t, ctx, chromedp.Navigate(e.URL+"/login"))
	waitFor(t, ctx, "login", `document.readyState === "complete"`)
	check("sign-in")
	eval[any](t, ctx, `document.body.append(document.createElement("input")); 1`)
	if r := eval[contrastResult](t, ctx, labelsJS); len(r.Bad) != 1 {
		t.Fatalf("the scan missed a planted unlabelled input: %v", r.Bad)
	}
	agentPages(t, ctx, e.URL, agent.Email, long.Number, check)
	run(t, ctx, chromedp.Navigate(e.URL+"/settings/profile"))
	waitFor(t, ctx, "preferences", `document.readyState === "complete"`)
	check("preferences")

	admin := tab(t, 1440, 900)
	ctx = admin
	run(t, admin, signIn(e.URL, e.Admin.Email, servertest.Password))
	waitFor(t, admin, "the inbox", `!!document.querySelector("nav.views")`)
	for _, p := range []string{"/supervisor", "/admin/agents", "/admin/groups", "/admin/tokens", "/admin/sla", "/admin/fields", "/admin/workspace", "/admin/channels", "/settings/replies", "/settings/macros"} {
		run(t, admin, chromedp.Navigate(e.URL+p))
		waitFor(t, admin, p, `document.readyState === "complete" && !!document.querySelector("main")`)
		check(p)
	}
}

// agentPages signs an agent in and runs check on the pages agents live
// in: the open tickets' list and a ticket.
func agentPages(t *testing.T, ctx context.Context, base, email string, ticket int64, check func(page string)) {
	t.Helper()
	run(t, ctx, signIn(base, email, servertest.Password))
	waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
	run(t, ctx, chromedp.Navigate(base+"/?view=open"))
	waitFor(t, ctx, "all open", `document.querySelectorAll("[data-row]").length > 5`)
	check("inbox")
	run(t, ctx, chromedp.Navigate(base+"/tickets/"+strconv.FormatInt(ticket, 10)))
	waitFor(t, ctx, "the ticket", `!!document.querySelector("#composer")`)
	check("ticket")
}
