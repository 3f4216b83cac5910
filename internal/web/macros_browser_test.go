package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestBrowserMacroShortcut: on the ticket page, "?" lists the macros'
// shortcuts; typing one in the composer only types; typing it outside text
// fields applies the macro through the menu's form (reply or note, then
// its actions) and the page says what it did.
func TestBrowserMacroShortcut(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		admin := desk.Caller{AgentID: e.Admin.ID, Role: desk.RoleAdmin}
		if _, err := e.Deps.Desk.CreateMacro(ctx, e.Workspace.ID, admin, desk.NewMacro{Name: "Wait for billing", Shortcut: "gp", Shared: true,
			Reply: "Checking with billing for {{contact.name}}.", Note: true,
			Actions: desk.MacroActions{Status: desk.StatusPending, AddTags: []string{"billing"}, AssignToMe: true}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deps.Desk.CreateMacro(ctx, e.Workspace.ID, admin, desk.NewMacro{Name: "Urgent", Shortcut: "g",
			Actions: desk.MacroActions{Priority: desk.PriorityUrgent}}); err != nil {
			t.Fatal(err)
		}
		tk := newTicket(t, e, "Cobro doble", "Me cobraron dos veces.", desk.ChannelEmail, "Ana López")

		b := tab(t, 1440, 900)
		run(t, b, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, b, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, b, chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.URL, tk.Number)))
		waitFor(t, b, "the ticket with script", `!!document.querySelector("[data-macro-select]") && document.body.classList.contains("js")`)
		run(t, b, chromedp.KeyEvent("?"))
		waitFor(t, b, "the help with the macros", `!document.getElementById("help").hidden && [...document.querySelectorAll("#help [data-macro-keys] dt")].map(d => d.innerText).join(",") === "gp,g"`)
		if s := text(t, b, `document.querySelector("#help [data-macro-keys]").innerText`); !contains(s, "Wait for billing") || !contains(s, "Urgent") {
			t.Errorf("help: %q", s)
		}
		run(t, b, chromedp.KeyEvent("?"))
		waitFor(t, b, "the help closed", `document.getElementById("help").hidden`)

		// In the composer the keys are only text.
		run(t, b, chromedp.Click(chromedp.CSS(`#composer textarea`)), chromedp.KeyEvent("gp"))
		run(t, b, chromedp.Sleep(900*time.Millisecond))
		if v := text(t, b, `document.querySelector("#composer textarea").value`); v != "gp" {
			t.Fatalf("composer: %q", v)
		}
		if got, _ := e.Store.Ticket(ctx, e.Workspace.ID, tk.ID); got.Status == desk.StatusPending || got.Priority == desk.PriorityUrgent {
			t.Fatalf("typing in the composer applied a macro: %s %s", got.Status, got.Priority)
		}
		eval[any](t, b, `document.querySelector("#composer textarea").value = ""; localStorage.clear(); document.activeElement.blur(); 1`)
		eval[any](t, b, `window.__before = true; 1`)

		// g then p: "Wait for billing", not "Urgent" (g alone) nor reply (p is no built-in key; r would be).
		run(t, b, chromedp.KeyEvent("g"), chromedp.KeyEvent("p"))
		waitFor(t, b, "the macro's outcome", `!window.__before && !!document.querySelector("#macros .done") && document.querySelector("#macros .done").innerText.includes("Wait for billing")`)
		got, err := e.Store.Ticket(ctx, e.Workspace.ID, tk.ID)
		if err != nil || got.Status != desk.StatusPending || !slices.Contains(got.Tags, "billing") || got.AssigneeID != e.Admin.ID || got.Priority == desk.PriorityUrgent {
			t.Fatalf("after gp: %+v %v", got, err)
		}
		ms := messages(t, e, tk)
		if last := ms[len(ms)-1]; last.Public || last.Text != "Checking with billing for Ana López." {
			t.Fatalf("the macro's note: %+v", last)
		}
		// g alone applies "Urgent" once no longer shortcut follows.
		waitFor(t, b, "the page with script", `document.body.classList.contains("js") && !!document.querySelector("[data-macro-select]")`)
		eval[any](t, b, `window.__before = true; 1`)
		run(t, b, chromedp.KeyEvent("g"))
		waitFor(t, b, "Urgent applied", `!window.__before && !!document.querySelector("#macros .done") && document.querySelector("#macros .done").innerText.includes("Urgent")`)
		if got, _ := e.Store.Ticket(ctx, e.Workspace.ID, tk.ID); got.Priority != desk.PriorityUrgent {
			t.Fatalf("after g: priority %s", got.Priority)
		}
	})
}

// TestBrowserInboxLiveRows: the "N new" pill of Mine counts only tickets
// Mine lists (one assigned to another agent does not bump it), and j/k
// keep working on the rows the pill brings in.
func TestBrowserInboxLiveRows(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		old := ticketFor(t, e, "Old question", e.Admin.ID, "", "")
		a := tab(t, 1440, 900)
		run(t, a, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, a, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, a, chromedp.Navigate(e.URL+"/?view=mine"))
		waitFor(t, a, "Mine, live", `document.getElementById("main").dataset.liveOpen === "1" && document.querySelectorAll("[data-row]").length === 1 && document.body.classList.contains("js")`)
		eval[any](t, a, `window.__noReload = true; 1`)
		run(t, a, chromedp.KeyEvent("j"))
		waitFor(t, a, "the old row selected", fmt.Sprintf(`document.querySelector("[data-row].selected a").getAttribute("href") === "/tickets/%d"`, old.Number))

		// Bruno's new ticket: not Mine's; then one of mine.
		ticketFor(t, e, "For Bruno", bruno.ID, "", "")
		run(t, a, chromedp.Sleep(700*time.Millisecond))
		if eval[bool](t, a, `!document.querySelector(".livebar").hidden`) {
			t.Fatalf("a ticket assigned to Bruno bumped Mine: %q", text(t, a, `document.querySelector(".livebar").innerText`))
		}
		fresh := ticketFor(t, e, "New for me", e.Admin.ID, "", "")
		waitFor(t, a, "the pill", `!document.querySelector(".livebar").hidden && document.querySelector(".livebar").innerText.includes("1")`)
		run(t, a, chromedp.Sleep(700*time.Millisecond))
		if s := text(t, a, `document.querySelector(".livebar").innerText`); !contains(s, "1 new") {
			t.Fatalf("pill: %q", s)
		}
		run(t, a, chromedp.Click(chromedp.CSS(`[data-show-new]`)))
		waitFor(t, a, "the new row", fmt.Sprintf(`document.querySelectorAll("[data-row]").length === 2 && !!document.querySelector('[data-row] a[href="/tickets/%d"]')`, fresh.Number))
		eval[any](t, a, `document.activeElement.blur(); 1`)
		run(t, a, chromedp.KeyEvent("j"))
		waitFor(t, a, "j on the new row", fmt.Sprintf(`document.querySelector("[data-row].selected a").getAttribute("href") === "/tickets/%d" && document.activeElement.getAttribute("href") === "/tickets/%d"`, fresh.Number, fresh.Number))
		run(t, a, chromedp.KeyEvent("j"))
		waitFor(t, a, "j to the old row", fmt.Sprintf(`document.querySelector("[data-row].selected a").getAttribute("href") === "/tickets/%d"`, old.Number))
		run(t, a, chromedp.KeyEvent("k"))
		waitFor(t, a, "k back", fmt.Sprintf(`document.querySelector("[data-row].selected a").getAttribute("href") === "/tickets/%d"`, fresh.Number))
		if !eval[bool](t, a, `window.__noReload === true`) {
			t.Fatal("the inbox reloaded")
		}
	})
}

// TestBrowserBoardPresenceOverAPI: an agent's presence changed over the
// native API reaches an open supervisor board at once (desk publishes
// agent.presence for every door), well before the board's own 15 s look;
// on PostgreSQL through a second node, over NOTIFY.
func TestBrowserBoardPresenceOverAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bruno, tok := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		s := tab(t, 1440, 900)
		run(t, s, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, s, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, s, chromedp.Navigate(e.URL+"/supervisor"))
		waitFor(t, s, "the board, live", `!!document.querySelector("[data-board]") && document.getElementById("main").dataset.liveOpen === "1"`)
		row := `[...document.querySelectorAll("[data-agent]")].find(r => r.innerText.includes("Bruno Díaz"))`
		waitFor(t, s, "Bruno offline", row+`.querySelector(".dot").classList.contains("offline")`)
		eval[any](t, s, `window.__noReload = true; 1`)

		door := e
		if e.Store.Backend() == "postgres" {
			door = e.Node(t, e.Store)
			// The first node's listener must be up before the NOTIFY counts.
			waitListening(t, e, door)
		}
		set := func(p string) time.Time {
			t.Helper()
			r := door.Do("PUT", "/api/v1/agents/"+bruno.ID+"/presence", map[string]string{"status": p}, "Authorization: Bearer "+tok)
			if r.Status != http.StatusOK {
				t.Fatalf("presence %s over the API: %d %s", p, r.Status, r.Body)
			}
			return time.Now()
		}
		for _, p := range []string{"online", "away"} {
			start := set(p)
			waitWithin(t, s, 5*time.Second, "Bruno "+p+" on the board", row+`.querySelector(".dot").classList.contains("`+p+`")`)
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("the board took %v", d)
			}
		}
		if !eval[bool](t, s, `window.__noReload === true`) {
			t.Fatal("the board reloaded")
		}
	})
}

// waitWithin is waitFor with a deadline of its own.
func waitWithin(t *testing.T, ctx context.Context, d time.Duration, what, js string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitListening waits until e's node hears the live signals of another
// node (its PostgreSQL listener is up): it sends ticket.viewer signals
// from the other node until one arrives on e's /stream.
func waitListening(t *testing.T, e, other *servertest.Env) {
	t.Helper()
	tk := ticketFor(t, e, "Listener check", "", "", "")
	ad := newClient(t, e.URL)
	ad.login(e.Admin.Email, servertest.Password)
	csrf := ad.csrf()
	req, _ := http.NewRequest("GET", e.URL+"/stream", nil)
	for _, c := range ad.c.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if strings.Contains(sc.Text(), `"state":"typing"`) {
				close(got)
				return
			}
		}
	}()
	sender := newClient(t, other.URL)
	sender.c.Jar = ad.c.Jar
	for {
		if p := sender.post(fmt.Sprintf("/tickets/%d/viewing", tk.Number), url.Values{"state": {"typing"}, "csrf": {csrf}}); p.Status != http.StatusNoContent {
			t.Fatalf("viewing signal: %d", p.Status)
		}
		select {
		case <-got:
			return
		case <-ctx.Done():
			t.Fatal("the first node does not hear the second")
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// TestScreenshotsMacros saves the macros page (with a refused shortcut
// beside its field) and the ticket page's help with macro shortcuts to
// docs/ui when TICKETD_UI_SCREENSHOTS is set (1440×900 and 360×780, light
// and dark).
func TestScreenshotsMacros(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	_, tk := seedDesk(t, e)
	ctx := context.Background()
	admin := desk.Caller{AgentID: e.Admin.ID, Role: desk.RoleAdmin}
	for _, m := range []desk.NewMacro{
		{Name: "Refund approved", Shortcut: "1", Shared: true, Reply: "Hi {{contact.first_name}}, your refund for #{{ticket.number}} is approved.",
			Actions: desk.MacroActions{Status: desk.StatusPending, Priority: desk.PriorityNormal, AddTags: []string{"refund"}}},
		{Name: "Wait for billing", Shortcut: "gb", Shared: true, Reply: "Asked billing about the double charge.", Note: true,
			Actions: desk.MacroActions{Status: desk.StatusOnHold, AddTags: []string{"billing"}, AssignToMe: true}},
		{Name: "Spam", Shortcut: "9", Actions: desk.MacroActions{Status: desk.StatusClosed, AddTags: []string{"spam"}, RemoveTags: []string{"vip"}}},
	} {
		if _, err := e.Deps.Desk.CreateMacro(ctx, e.Workspace.ID, admin, m); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join("..", "..", "docs", "ui")
	shot := func(c context.Context, name string) {
		t.Helper()
		run(t, c, chromedp.Sleep(150*time.Millisecond))
		png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1440, 900}, {"phone", 360, 780}} {
		for _, theme := range []string{"light", "dark"} {
			var acts []step
			if theme == "dark" {
				acts = append(acts, darkScheme())
			}
			c := tab(t, size.w, size.h, acts...)
			run(t, c, signIn(e.URL, e.Admin.Email, servertest.Password))
			waitFor(t, c, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, c, chromedp.Navigate(e.URL+"/settings/macros"))
			waitFor(t, c, "the macros page", `!!document.getElementById("macroform")`)
			run(t, c, chromedp.SendKeys(chromedp.CSS(`#m-name`), "Reopen"), chromedp.SendKeys(chromedp.CSS(`#m-short`), "r"),
				chromedp.SetValue(chromedp.CSS(`#m-status`), "open"), chromedp.Click(chromedp.CSS(`#macroform button[type="submit"]`)))
			waitFor(t, c, "the refusal", `!!document.getElementById("m-short-err")`)
			eval[any](t, c, `document.querySelector("label[for=m-short]").scrollIntoView({block: "start"}); window.scrollBy(0, -64); document.querySelector(".main") && document.querySelector(".main").scrollBy(0, -64); 1`)
			shot(c, fmt.Sprintf("macros-%s-%s.png", size.name, theme))
			run(t, c, chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", e.URL, tk.Number)))
			waitFor(t, c, "the ticket", `document.body.classList.contains("js") && !!document.querySelector("[data-macro-select]")`)
			run(t, c, chromedp.KeyEvent("?"))
			waitFor(t, c, "the help", `!document.getElementById("help").hidden`)
			shot(c, fmt.Sprintf("macros-help-%s-%s.png", size.name, theme))
		}
	}
}
