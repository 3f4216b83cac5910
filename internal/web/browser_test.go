package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

// One headless Chromium per test binary; each test gets a browser context
// of its own (its own cookies), as a second browser profile would.
var browser context.Context

func TestMain(m *testing.M) {
	code := func() int {
		path := chromiumPath()
		if path == "" {
			return m.Run()
		}
		opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.NoFirstRun, chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.NoDefaultBrowserCheck,
			chromedp.WindowSize(1440, 900)}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		defer cancelAlloc()
		b, cancel := chromedp.NewContext(alloc)
		defer cancel()
		if err := chromedp.Do(b); err != nil {
			fmt.Fprintf(os.Stderr, "web: start chromium %s: %v\n", path, err)
			return 1
		}
		browser = b
		return m.Run()
	}()
	os.Exit(code)
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// step is a browser action that returns nothing.
type step = chromedp.Action[chromedp.Void]

// tab opens a fresh browser context (no cookies) at w×h.
func tab(t *testing.T, w, h int64, actions ...step) context.Context {
	t.Helper()
	if browser == nil {
		t.Skip("browser tests skipped: no chromium binary found (apt-get install -y chromium)")
	}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	run(t, ctx, append([]step{chromedp.EmulateViewport(w, h)}, actions...)...)
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...step) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval runs a script in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func acceptLanguage(lang string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": lang}})
		return err
	})
}

func darkScheme() step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})
}

// signIn fills the login form as a person would.
func signIn(base, email, password string) step {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
	)
}

// waitFor polls a JS condition until it holds.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("timed out waiting for %s at %s; page: %.1500s", what, loc, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func text(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	return eval[string](t, ctx, js)
}

func TestBrowserSignIn(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, "not the password"))
		waitFor(t, ctx, "the wrong-password message", `document.body.innerText.includes("Wrong email or password")`)
		if v := text(t, ctx, `document.querySelector('input[name="email"]').value`); v != e.Admin.Email {
			t.Errorf("the email typed was lost: %q", v)
		}
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `location.pathname === "/" && !!document.querySelector("nav.views")`)
	})
}

func TestBrowserWorkATicket(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bctx := context.Background()
		billing, err := e.Deps.Desk.CreateGroup(bctx, e.Workspace.ID, "Billing", e.Admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		bruno, _ := e.Agent(desk.NewAgent{Name: "Bruno Díaz", Email: "bruno@acme.test", Role: desk.RoleAgent, Capacity: 5})
		tk := newTicket(t, e, "Pedido 7781 no llegó", "Hola, mi pedido 7781 no llegó.", desk.ChannelEmail, "Ana López")
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		// The inbox links to the ticket.
		run(t, ctx, chromedp.Navigate(e.URL+"/?view=open"))
		waitFor(t, ctx, "the ticket in All open", fmt.Sprintf(`!!document.querySelector('a[href="/tickets/%d"]')`, tk.Number))
		run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/tickets/%d"]`, tk.Number))))
		waitFor(t, ctx, "the ticket page", `!!document.querySelector("#composer textarea")`)

		// Reply.
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#composer textarea`), "Hola Ana, ya lo estamos revisando."), chromedp.Click(chromedp.CSS(`#composer button[type="submit"]`)))
		waitFor(t, ctx, "the reply", `[...document.querySelectorAll(".msg.agent")].some(m => m.innerText.includes("ya lo estamos revisando"))`)
		// Internal note.
		run(t, ctx, chromedp.Click(chromedp.CSS(`input[data-mode-note]`)), chromedp.SendKeys(chromedp.CSS(`#composer textarea`), "Checked the carrier: lost in transit."),
			chromedp.Click(chromedp.CSS(`#composer button[type="submit"]`)))
		waitFor(t, ctx, "the note", `[...document.querySelectorAll(".msg.note")].some(m => m.innerText.includes("lost in transit"))`)
		// Assign to Bruno.
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#f-agent`), bruno.ID), chromedp.Click(chromedp.CSS(`form:has(#f-agent) button`)))
		waitFor(t, ctx, "Bruno as assignee", `document.querySelector("#assignee").innerText.includes("Bruno Díaz")`)
		// Transfer to Billing.
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#f-group`), billing.ID), chromedp.Click(chromedp.CSS(`form:has(#f-group) button`)))
		waitFor(t, ctx, "the transfer on the timeline", `document.querySelector(".timeline").innerText.includes("Billing")`)
		// Escalate: to Billing's supervisor.
		run(t, ctx, chromedp.Click(chromedp.CSS(`form:has(input[name="kind"][value="escalate"]) button`)))
		waitFor(t, ctx, "the escalation", `!!document.querySelector(".thead .badge.esc")`)
		// Solve, then reopen.
		run(t, ctx, chromedp.Click(chromedp.CSS(`form:has(input[name="status"][value="solved"]) button`)))
		waitFor(t, ctx, "solved", `document.querySelector(".thead").innerText.includes("Solved")`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`form:has(input[name="status"][value="open"]) button`)))
		waitFor(t, ctx, "reopened", `!document.querySelector(".thead").innerText.includes("Solved") && !!document.querySelector('form:has(input[name="status"][value="solved"])')`)

		// What the browser did is what the store holds.
		ms := messages(t, e, tk)
		if len(ms) != 3 || !ms[1].Public || ms[2].Public || ms[1].Author.ID != e.Admin.ID {
			t.Fatalf("messages after the session: %+v", ms)
		}
		evs, _ := e.Store.Events(bctx, e.Workspace.ID, tk.ID)
		seen := map[string]bool{}
		for _, ev := range evs {
			seen[ev.Type] = true
		}
		for _, want := range []string{desk.EventAssigned, desk.EventTransferred, desk.EventEscalated, desk.EventStatusChanged} {
			if !seen[want] {
				t.Errorf("no %s event: %+v", want, evs)
			}
		}
		got, _ := e.Store.Ticket(bctx, e.Workspace.ID, tk.ID)
		if got.Status.Terminal() || got.GroupID != billing.ID {
			t.Errorf("ticket after the session: status %s group %s", got.Status, got.GroupID)
		}
	})
}

// TestBrowserFirstPaint records (does not assert) the inbox's first
// contentful paint, from the Performance API.
func TestBrowserFirstPaint(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, _ := seedDesk(t, e)
	ctx := tab(t, 1440, 900)
	run(t, ctx, signIn(e.URL, agent.Email, servertest.Password))
	waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
	run(t, ctx, chromedp.Navigate(e.URL+"/?view=open"))
	waitFor(t, ctx, "a paint entry", `performance.getEntriesByName("first-contentful-paint").length > 0`)
	fcp := eval[float64](t, ctx, `performance.getEntriesByName("first-contentful-paint")[0].startTime`)
	t.Logf("inbox first contentful paint: %.0f ms", fcp)
}

// TestBrowserKeyboard: j selects a row, o opens it, n starts a note, ?
// lists the shortcuts.
func TestBrowserKeyboard(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	newTicket(t, e, "Older question", "?", desk.ChannelEmail, "Ana Ruiz")
	second := newTicket(t, e, "Newest question", "?", desk.ChannelTelegram, "Eko Prasetyo")
	ctx := tab(t, 1440, 900)
	run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
	waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
	run(t, ctx, chromedp.Navigate(e.URL+"/?view=open&sort=newest"))
	waitFor(t, ctx, "rows and script", `document.querySelectorAll("[data-row]").length === 2 && document.body.classList.contains("js")`)
	run(t, ctx, chromedp.KeyEvent("?"))
	waitFor(t, ctx, "the shortcut list", `!document.getElementById("help").hidden`)
	run(t, ctx, chromedp.KeyEvent("?"), chromedp.KeyEvent("j"))
	waitFor(t, ctx, "the first row selected", `document.querySelector("[data-row].selected a").getAttribute("href") === "/tickets/`+strconv.FormatInt(second.Number, 10)+`"`)
	run(t, ctx, chromedp.KeyEvent("o"))
	waitFor(t, ctx, "the ticket", `location.pathname === "/tickets/`+strconv.FormatInt(second.Number, 10)+`" && document.body.classList.contains("js")`)
	run(t, ctx, chromedp.KeyEvent("n"))
	waitFor(t, ctx, "a note being written", `document.activeElement.id === "text" && document.querySelector("[data-mode-note]").checked && document.getElementById("composer").classList.contains("note")`)
}

func TestBrowserHostileHTMLDoesNotRun(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tk := hostileTicket(t, e)
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Navigate(e.URL+"/tickets/"+strconv.FormatInt(tk.Number, 10)))
		waitFor(t, ctx, "the sanitized body", `document.querySelector(".msg.customer .body.html") && document.querySelector(".msg.customer .body.html").innerText.includes("Quarterly invoice attached")`)
		time.Sleep(300 * time.Millisecond) // let an onerror that slipped through fire
		pwned := eval[bool](t, ctx, `window.__pwned !== undefined || document.title.includes("pwned") || document.querySelectorAll(".msg script, .msg iframe, .msg [onerror], .msg [onload]").length > 0`)
		if pwned {
			t.Fatal("the hostile e-mail body ran script or kept active markup")
		}
	})
}

func TestBrowserPhoneLayout(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tk := newTicket(t, e, "Cannot log in to the app after the update", "Since the update yesterday the app says my password is wrong.", desk.ChannelWhatsApp, "Budi Santoso")
		ctx := tab(t, 360, 780)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		for _, path := range []string{"/?view=open", "/tickets/" + strconv.FormatInt(tk.Number, 10)} {
			run(t, ctx, chromedp.Navigate(e.URL+path))
			waitFor(t, ctx, path, `document.readyState === "complete"`)
			w := eval[int64](t, ctx, `document.documentElement.scrollWidth`)
			if w > 360 {
				t.Errorf("%s is %d px wide at 360 px: it scrolls sideways", path, w)
			}
		}
		// The ticket page leads back to the list on a phone.
		backVisible := eval[bool](t, ctx, `getComputedStyle(document.querySelector(".thead .back")).display !== "none"`)
		if !backVisible {
			t.Error("no back link on the phone's ticket page")
		}
	})
}

func TestBrowserLanguages(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	for _, c := range []struct{ accept, lang string }{{"en-US,en", "en"}, {"es-ES,es;q=0.9", "es"}, {"zh-CN,zh;q=0.9", "zh-Hans"}, {"id-ID,id;q=0.9", "id"}} {
		t.Run(c.lang, func(t *testing.T) {
			ctx := tab(t, 1440, 900, acceptLanguage(c.accept))
			run(t, ctx, chromedp.Navigate(e.URL+"/login"))
			waitFor(t, ctx, "the login page", `!!document.querySelector('button[type="submit"]')`)
			if got := text(t, ctx, `document.documentElement.lang`); got != c.lang {
				t.Errorf("lang %q, want %q", got, c.lang)
			}
			want := web.T(c.lang, "login.submit")
			if got := text(t, ctx, `document.querySelector('button[type="submit"]').innerText`); got != want {
				t.Errorf("button %q, want %q", got, want)
			}
			run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
			waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
			if got := text(t, ctx, `document.querySelector('nav.views a').innerText`); !strings.Contains(got, web.T(c.lang, "view.mine")) {
				t.Errorf("first view %q, want %q", got, web.T(c.lang, "view.mine"))
			}
		})
	}
}

// TestScreenshots saves the pictures of docs/ui when TICKETD_UI_SCREENSHOTS
// is set: login, inbox and a long ticket at 1440×900 and 360×780, light
// and dark.
func TestScreenshots(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	agent, long := seedDesk(t, e)
	dir := filepath.Join("..", "..", "docs", "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
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
			ctx := tab(t, size.w, size.h, acts...)
			shot := func(name string) {
				run(t, ctx, chromedp.Sleep(100*time.Millisecond))
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", name, size.name, theme)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			run(t, ctx, chromedp.Navigate(e.URL+"/login"))
			waitFor(t, ctx, "login", `document.readyState === "complete"`)
			shot("login")
			run(t, ctx, signIn(e.URL, agent.Email, servertest.Password))
			waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, ctx, chromedp.Navigate(e.URL+"/?view=open"))
			waitFor(t, ctx, "all open", `document.querySelectorAll("[data-row]").length > 5`)
			shot("inbox")
			run(t, ctx, chromedp.Navigate(e.URL+"/tickets/"+strconv.FormatInt(long.Number, 10)))
			waitFor(t, ctx, "the ticket", `!!document.querySelector("#composer")`)
			if size.name == "desktop" {
				eval[any](t, ctx, `document.querySelector(".main").scrollTop = 1e6; window.scrollTo(0, 1e6); 1`)
			}
			shot("ticket")
		}
	}
}
