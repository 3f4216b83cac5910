package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestBrowserLive: two agents in two browser contexts on one ticket. Each
// sees that the other is viewing and typing; the second sees a customer's
// message, an assignment and a status change arrive without a reload; an
// inbox offers the new ticket without reloading the list.
func TestBrowserLive(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		tk := newTicket(t, e, "Pedido 7781 no llegó", "Hola, mi pedido 7781 no llegó.", desk.ChannelEmail, "Ana López")
		page := fmt.Sprintf("%s/tickets/%d", e.URL, tk.Number)

		a := tab(t, 1440, 900)
		run(t, a, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, a, "the inbox", `!!document.querySelector("nav.views")`)
		b := tab(t, 1440, 900)
		run(t, b, signIn(e.URL, bruno.Email, servertest.Password))
		waitFor(t, b, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, b, chromedp.Navigate(page))
		waitFor(t, b, "the stream open", `document.getElementById("main").dataset.liveOpen === "1"`)
		run(t, a, chromedp.Navigate(page))
		waitFor(t, a, "the stream open", `document.getElementById("main").dataset.liveOpen === "1"`)

		// Collision notices, both ways.
		waitFor(t, b, "the admin viewing", fmt.Sprintf(`document.querySelector("[data-collide]").innerText.includes(%q)`, e.Admin.Name))
		waitFor(t, a, "Bruno viewing", `document.querySelector("[data-collide]").innerText.includes("Bruno Díaz")`)
		run(t, a, chromedp.SendKeys(chromedp.CSS(`#composer textarea`), "Hola Ana"))
		waitFor(t, b, "the admin typing", `document.querySelector("[data-collide]").innerText.includes("typing")`)

		// Nothing below reloads Bruno's page: the mark survives.
		eval[any](t, b, `window.__noReload = true; 1`)
		ctx := context.Background()
		if _, _, err := e.Deps.Desk.AddMessage(ctx, e.Workspace.ID, tk.ID, desk.NewMessage{Text: "¿Alguna novedad?",
			Author: desk.Actor{Kind: desk.ActorContact, ID: tk.ContactID}}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, b, "the customer's new message", `[...document.querySelectorAll(".msg")].some(m => m.innerText.includes("¿Alguna novedad?"))`)
		// The admin assigns the ticket to Bruno and sets it pending, in the
		// UI. The admin's page takes the same live updates, which may swap
		// the side panel between finding a control and using it: wait for
		// them, and pick and press in one step in the page.
		waitFor(t, a, "the customer's new message", `[...document.querySelectorAll(".msg")].some(m => m.innerText.includes("¿Alguna novedad?"))`)
		eval[any](t, a, fmt.Sprintf(`document.querySelector("#f-agent").value = %q; document.querySelector("form:has(#f-agent) button").click(); 1`, bruno.ID))
		waitFor(t, b, "Bruno as assignee", `document.querySelector("#assignee").innerText.includes("Bruno Díaz")`)
		waitFor(t, a, "the page back", `!!document.querySelector("form.props") && document.querySelector("#assignee").innerText.includes("Bruno Díaz")`)
		eval[any](t, a, `document.querySelector("#f-status").value = "pending"; document.querySelector("form.props button").click(); 1`)
		waitFor(t, b, "pending in the header", `document.querySelector(".thead .meta").innerText.includes("Pending")`)
		if !eval[bool](t, b, `window.__noReload === true`) {
			t.Fatal("Bruno's page reloaded")
		}

		// The inbox: a new ticket is offered, the list stays as it was.
		run(t, b, chromedp.Navigate(e.URL+"/?view=open"))
		waitFor(t, b, "the stream open", `document.getElementById("main").dataset.liveOpen === "1"`)
		eval[any](t, b, `window.__noReload = true; 1`)
		rows := eval[float64](t, b, `document.querySelectorAll("[data-row]").length`)
		tk2 := newTicket(t, e, "Factura duplicada", "Me cobraron dos veces.", desk.ChannelEmail, "Luis Pérez")
		waitFor(t, b, "the new pill", `!document.querySelector(".livebar").hidden && document.querySelector(".livebar").innerText.includes("1")`)
		if n := eval[float64](t, b, `document.querySelectorAll("[data-row]").length`); n != rows {
			t.Fatalf("the list changed under the agent: %v rows, then %v", rows, n)
		}
		run(t, b, chromedp.Click(chromedp.CSS(`[data-show-new]`)))
		waitFor(t, b, "the new ticket listed", fmt.Sprintf(`!!document.querySelector('a[href="/tickets/%d"]')`, tk2.Number))
		if !eval[bool](t, b, `window.__noReload === true`) {
			t.Fatal("the inbox reloaded")
		}
	})
}

// TestBrowserSupervisorBoard: a supervisor's board follows an agent's
// presence change made in another browser; agents get 403.
func TestBrowserSupervisorBoard(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		sup, _ := e.Agent(desk.NewAgent{Name: "Marta Ruiz", Email: "marta@acme.test", Role: desk.RoleSupervisor})
		s := tab(t, 1440, 900)
		run(t, s, signIn(e.URL, sup.Email, servertest.Password))
		waitFor(t, s, "the supervisor link", `!!document.querySelector('nav.views a[href="/supervisor"]')`)
		run(t, s, chromedp.Click(chromedp.CSS(`nav.views a[href="/supervisor"]`)))
		waitFor(t, s, "the board", `!!document.querySelector("[data-board]") && document.getElementById("main").dataset.liveOpen === "1"`)
		row := `[...document.querySelectorAll("[data-agent]")].find(r => r.innerText.includes("Bruno Díaz"))`
		waitFor(t, s, "Bruno offline", row+`.querySelector(".dot").classList.contains("offline")`)

		b := tab(t, 1440, 900)
		run(t, b, signIn(e.URL, bruno.Email, servertest.Password))
		waitFor(t, b, "the inbox", `!!document.querySelector("nav.views")`)
		if eval[bool](t, b, `!!document.querySelector('a[href="/supervisor"]')`) {
			t.Error("an agent is offered the supervisor board")
		}
		eval[any](t, b, `document.querySelector("form.presence select").value = "online"; document.querySelector("form.presence").submit(); 1`)
		waitFor(t, s, "Bruno online on the board", row+`.querySelector(".dot").classList.contains("online")`)

		// An agent asking for the board: 403, said in words.
		run(t, b, chromedp.Navigate(e.URL+"/supervisor"))
		waitFor(t, b, "the refusal", `document.body.innerText.includes("Only supervisors and admins")`)
	})
}

// TestSupervisorAndStreamHTTP: the rules without a browser.
func TestSupervisorAndStreamHTTP(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		tk := newTicket(t, e, "Pedido 7781", "Hola", desk.ChannelEmail, "Ana López")

		anon := newClient(t, e.URL)
		if p := anon.get("/stream"); p.Status != http.StatusUnauthorized {
			t.Errorf("stream without a session: %d", p.Status)
		}
		ag := newClient(t, e.URL)
		ag.login(bruno.Email, servertest.Password)
		if p := ag.get("/supervisor"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Only supervisors and admins") {
			t.Errorf("agent on /supervisor: %d", p.Status)
		}
		viewing := fmt.Sprintf("/tickets/%d/viewing", tk.Number)
		if p := ag.post(viewing, url.Values{"state": {"viewing"}}); p.Status != http.StatusForbidden {
			t.Errorf("viewing signal without CSRF: %d", p.Status)
		}
		csrf := ag.csrf()
		if p := ag.post(viewing, url.Values{"state": {"dancing"}, "csrf": {csrf}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("viewing signal with a bad state: %d", p.Status)
		}

		ad := newClient(t, e.URL)
		ad.login(e.Admin.Email, servertest.Password)
		board := ad.get("/supervisor")
		if board.Status != http.StatusOK || !strings.Contains(board.Body, "Bruno Díaz") || !strings.Contains(board.Body, "data-board") {
			t.Fatalf("admin on /supervisor: %d", board.Status)
		}

		// The admin's stream gets Bruno's signal; nothing is logged.
		req, _ := http.NewRequest("GET", e.URL+"/stream", nil)
		for _, c := range ad.c.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		res, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		before, _ := e.Store.Events(context.Background(), e.Workspace.ID, tk.ID)
		lines := make(chan string, 64)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		// On PostgreSQL the signal is sent through a second node, over
		// NOTIFY; the agent's session works there too. The second node's
		// signals repeat until the first node's listener is up.
		sender := ag
		if e.Store.Backend() == "postgres" {
			sender = newClient(t, e.Node(t, e.Store).URL)
			sender.c.Jar = ag.c.Jar
		}
		got := ""
		tick := time.NewTicker(300 * time.Millisecond)
		defer tick.Stop()
	wait:
		for {
			if p := sender.post(viewing, url.Values{"state": {"typing"}, "csrf": {csrf}}); p.Status != http.StatusNoContent {
				t.Fatalf("viewing signal: %d %s", p.Status, p.Body)
			}
			for {
				select {
				case l, ok := <-lines:
					if !ok {
						break wait
					}
					if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"state":"typing"`) {
						got = l
						break wait
					}
					continue
				case <-tick.C:
				case <-ctx.Done():
					break wait
				}
				break
			}
		}
		if !strings.Contains(got, bruno.ID) || !strings.Contains(got, tk.ID) {
			t.Fatalf("no typing signal on the stream: %q", got)
		}
		after, _ := e.Store.Events(context.Background(), e.Workspace.ID, tk.ID)
		if len(after) != len(before) {
			t.Errorf("a viewing signal was logged: %d events, then %d", len(before), len(after))
		}
	})
}

// TestScreenshotsSupervisor saves the supervisor board to docs/ui when
// TICKETD_UI_SCREENSHOTS is set (1440×900 and 360×780, light and dark).
func TestScreenshotsSupervisor(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	seedDesk(t, e)
	dir := filepath.Join("..", "..", "docs", "ui")
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1440, 900}, {"phone", 360, 780}} {
		for _, theme := range []string{"light", "dark"} {
			var acts []step
			if theme == "dark" {
				acts = append(acts, darkScheme())
			}
			ctx := tab(t, size.w, size.h, acts...)
			run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
			waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, ctx, chromedp.Navigate(e.URL+"/supervisor"))
			waitFor(t, ctx, "the board", `!!document.querySelector("[data-board]")`)
			run(t, ctx, chromedp.Sleep(150*time.Millisecond))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("supervisor-%s-%s.png", size.name, theme)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBrowserManyPages: an agent walks through more desk pages than a
// browser keeps connections per host (six), each page with its live
// stream, then goes back. Pages kept in the back/forward cache held their
// streams open, and the seventh page waited about a minute for a free
// connection; leaving a page now closes its stream. The deadline per page
// is far above a normal load and far below that wait: it catches the hang,
// it does not measure speed.
func TestBrowserManyPages(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, long := seedDesk(t, e)
	ctx := tab(t, 1440, 900)
	run(t, ctx, signIn(e.URL, agent.Email, servertest.Password))
	waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
	pages := []string{"/?view=open", "/tickets/" + strconv.FormatInt(long.Number, 10), "/?view=mine", "/?view=unassigned", "/settings/profile",
		"/?view=pending", "/settings/macros", "/?view=open&sort=priority", "/settings/replies", "/?view=solved", "/?view=open"}
	for i, p := range pages {
		nctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Do(nctx, chromedp.Navigate(e.URL+p))
		cancel()
		if err != nil {
			t.Fatalf("page %d (%s) did not load: %v", i+1, p, err)
		}
		waitFor(t, ctx, "the stream of "+p, `document.getElementById("main").dataset.liveOpen === "1"`)
	}
	// Back: the page comes back with a stream of its own.
	eval[any](t, ctx, `window.__before = true; history.back(); 1`)
	waitFor(t, ctx, "the page before, reloaded", `!window.__before && location.search === "?view=solved" && document.getElementById("main").dataset.liveOpen === "1"`)
}

// TestBrowserManyTabs: an agent opens more desk tabs than a browser keeps
// connections per host (six, shared by its tabs). Each tab held its live
// stream, so the seventh tab never loaded; now a tab holds one only while
// the agent can see it. Each new tab is brought to the front as a person
// opening it would (the one before goes to the background), then the
// first comes back: its stream reopens and its counts catch up with a
// ticket made while it was hidden.
func TestBrowserManyTabs(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, _ := seedDesk(t, e)
	first := tab(t, 1440, 900)
	run(t, first, signIn(e.URL, agent.Email, servertest.Password))
	waitFor(t, first, "the inbox", `!!document.querySelector("nav.views")`)
	run(t, first, chromedp.Navigate(e.URL+"/?view=open"))
	waitFor(t, first, "the stream", `document.getElementById("main").dataset.liveOpen === "1"`)
	const openCount = `[...document.querySelectorAll(".views a")].find(a => a.getAttribute("href") === "/?view=open").querySelector(".count").textContent`
	before := eval[string](t, first, openCount)
	prev := first
	for i := 2; i <= 9; i++ {
		c, cancel := chromedp.NewContext(first) // another tab, same browser and cookies
		t.Cleanup(cancel)
		run(t, c, chromedp.Navigate("about:blank")) // open it first: the deadline below must not close it
		nctx, cancelN := context.WithTimeout(c, 20*time.Second)
		err := chromedp.Do(nctx, chromedp.Navigate(e.URL+"/?view=open"), toFront())
		cancelN()
		if err != nil {
			t.Fatalf("tab %d did not load: %v", i, err)
		}
		waitFor(t, c, "the stream of tab "+strconv.Itoa(i), `document.visibilityState === "visible" && document.getElementById("main").dataset.liveOpen === "1"`)
		// Headless Chromium keeps every tab "visible"; a browser with a
		// window hides the tab left behind, which the page is told here.
		setVisibility(t, prev, "hidden")
		waitFor(t, prev, "the tab before it hidden, its stream closed", `document.getElementById("main").dataset.liveOpen === ""`)
		prev = c
	}
	newTicket(t, e, "Made while the first tab was hidden", "Hola.", desk.ChannelEmail, "Hidden Tab")
	run(t, first, toFront())
	setVisibility(t, first, "visible")
	waitFor(t, first, "the stream again", `document.getElementById("main").dataset.liveOpen === "1"`)
	waitFor(t, first, "the count caught up", openCount+` !== `+strconv.Quote(before))
}

// setVisibility tells the page it is hidden or visible, as a browser with
// a window does when the agent switches tabs.
func setVisibility(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	eval[any](t, ctx, `Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "`+state+`"});
		document.dispatchEvent(new Event("visibilitychange")); 1`)
}

// toFront brings the tab to the front, as clicking it would.
func toFront() step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.BringToFront, cdp.Empty{})
		return err
	})
}
