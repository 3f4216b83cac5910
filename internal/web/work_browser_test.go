package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func TestBrowserSearchError(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		newTicket(t, e, "Refund for order 5521", "I was charged twice.", desk.ChannelEmail, "Wei Zhang")
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox and script", `!!document.querySelector("nav.views") && document.body.classList.contains("js")`)
		// "/" focuses the box.
		run(t, ctx, chromedp.KeyEvent("/"))
		waitFor(t, ctx, "the search box focused", `document.activeElement && document.activeElement.id === "q"`)
		// (DevTools sends the key's character apart from the key, so the
		// "/" lands in the box here, which a person's browser does not do.)
		eval[any](t, ctx, `document.querySelector("#q").value = ""; 1`)
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#q`), "refund (status:open\r"))
		waitFor(t, ctx, "the marked error", `!!document.querySelector(".qerr mark")`)
		if got := text(t, ctx, `document.querySelector(".qerr mark").innerText`); got != "(" {
			t.Errorf("marker on %q, want (", got)
		}
		if got := text(t, ctx, `document.querySelector("#q").value`); got != "refund (status:open" {
			t.Errorf("query not kept: %q", got)
		}
		// Fixed, it finds the ticket.
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#q`), "refund -status:closed"), chromedp.Submit(chromedp.CSS(`form.search`)))
		waitFor(t, ctx, "the result", `document.querySelectorAll("[data-row]").length === 1 && !document.querySelector(".qerr")`)
	})
}

func TestBrowserBulkWithFailure(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bctx := context.Background()
		agent, _ := e.Agent(desk.NewAgent{Name: "Rina Agent", Email: "rina@acme.test", Role: desk.RoleAgent, Capacity: 10})
		other, _ := e.Agent(desk.NewAgent{Name: "Omar Other", Email: "omar@acme.test", Role: desk.RoleAgent, Capacity: 10})
		free := newTicket(t, e, "Free ticket", "x", desk.ChannelEmail, "Free Person")
		taken := newTicket(t, e, "Omar's ticket", "x", desk.ChannelEmail, "Taken Person")
		if _, err := e.Deps.Desk.UpdateTicket(bctx, e.Workspace.ID, taken.ID, desk.System, desk.TicketPatch{AssigneeID: &other.ID}); err != nil {
			t.Fatal(err)
		}
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, agent.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Navigate(e.URL+"/?view=open"))
		waitFor(t, ctx, "two rows and script", `document.querySelectorAll("[data-row]").length === 2 && document.body.classList.contains("js")`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`[data-pick-all]`)))
		waitFor(t, ctx, "both picked", `[...document.querySelectorAll("input.pick")].every(b => b.checked)`)
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`.bulkbar select[name="priority"]`), "urgent"), chromedp.Click(chromedp.CSS(`.bulkbar button`)))
		waitFor(t, ctx, "per-ticket results", `!!document.querySelector(".bulkres li.bad") && !!document.querySelector(".bulkres li.good")`)
		bad := text(t, ctx, `document.querySelector(".bulkres li.bad").innerText`)
		if want := fmt.Sprintf("#%d", taken.Number); !contains(bad, want) || !contains(bad, "belongs to another agent") {
			t.Errorf("failed item reads %q", bad)
		}
		f, _ := e.Store.Ticket(bctx, e.Workspace.ID, free.ID)
		tk, _ := e.Store.Ticket(bctx, e.Workspace.ID, taken.ID)
		if f.Priority != desk.PriorityUrgent || tk.Priority == desk.PriorityUrgent {
			t.Errorf("after bulk: free %s, taken %s", f.Priority, tk.Priority)
		}
	})
}

func TestBrowserSavedReplyAtCursor(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tk := newTicket(t, e, "Refund for order 5521", "I was charged twice.", desk.ChannelEmail, "Wei Zhang")
		if _, err := e.Deps.Desk.CreateSavedReply(context.Background(), e.Workspace.ID, desk.Caller{AgentID: e.Admin.ID, Role: e.Admin.Role},
			desk.NewSavedReply{Name: "Greeting", Text: "Hello {{contact.name}}!", Shortcut: "hi", Shared: true}); err != nil {
			t.Fatal(err)
		}
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Navigate(e.URL+"/tickets/"+strconv.FormatInt(tk.Number, 10)))
		waitFor(t, ctx, "the composer and script", `!!document.querySelector("#composer textarea") && document.body.classList.contains("js")`)
		// "/" at the start of a line opens the picker, filtered as typed.
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#text`), "Thanks for waiting.\n/gre"))
		waitFor(t, ctx, "the picker", `!document.getElementById("reply-picker").hidden && document.querySelectorAll('#reply-list [role="option"]').length === 1`)
		if got := text(t, ctx, `document.getElementById("text").getAttribute("aria-expanded")`); got != "true" {
			t.Errorf("aria-expanded %q", got)
		}
		run(t, ctx, chromedp.KeyEvent("\r"))
		waitFor(t, ctx, "the reply inserted", `document.getElementById("text").value === "Thanks for waiting.\nHello Wei Zhang!"`)
		// "::" in the middle of the draft inserts there, keeping both sides.
		eval[any](t, ctx, `(() => { const ta = document.getElementById("text"); ta.value = "AB"; ta.focus(); ta.setSelectionRange(1, 1); return 1 })()`)
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#text`), "::hi"))
		waitFor(t, ctx, "the picker again", `!document.getElementById("reply-picker").hidden`)
		run(t, ctx, chromedp.KeyEvent("\r"))
		waitFor(t, ctx, "inserted at the cursor", `document.getElementById("text").value === "AHello Wei Zhang!B"`)
		if open := eval[bool](t, ctx, `!document.getElementById("reply-picker").hidden`); open {
			t.Error("the picker stayed open")
		}
	})
}

func TestBrowserUploadAndCustomField(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		bctx := context.Background()
		if _, err := e.Deps.Desk.PutFieldDef(bctx, e.Workspace.ID, desk.FieldDef{Key: "amount", Scope: "ticket", Label: "Order amount", Type: "number"}); err != nil {
			t.Fatal(err)
		}
		tk := newTicket(t, e, "Return label", "Please send a label.", desk.ChannelEmail, "Wei Zhang")
		file := filepath.Join(t.TempDir(), "label.txt")
		if err := os.WriteFile(file, []byte("RETURN LABEL 5521"), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := tab(t, 1440, 900)
		run(t, ctx, signIn(e.URL, e.Admin.Email, servertest.Password))
		waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
		run(t, ctx, chromedp.Navigate(e.URL+"/tickets/"+strconv.FormatInt(tk.Number, 10)))
		waitFor(t, ctx, "the composer", `!!document.querySelector("#c-files")`)
		run(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`#c-files`), []string{file}),
			chromedp.SendKeys(chromedp.CSS(`#text`), "Here is your label."),
			chromedp.Click(chromedp.CSS(`#composer button[type="submit"]`)))
		waitFor(t, ctx, "the file on the reply", `[...document.querySelectorAll(".msg.agent .files a")].some(a => a.innerText.includes("label.txt"))`)
		got := eval[string](t, ctx, `document.querySelector(".msg.agent .files a").getAttribute("href")`)
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(got)+`).then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if body != "RETURN LABEL 5521" {
			t.Errorf("downloaded %q", body)
		}

		// A custom field: a bad number is refused beside it, a good one saved.
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#cf-amount`), "lots"), chromedp.Click(chromedp.CSS(`#fields button`)))
		waitFor(t, ctx, "the error beside the field", `!!document.querySelector("#fields .cf.invalid .error") && document.querySelector("#cf-amount").value === "lots"`)
		run(t, ctx, chromedp.SetValue(chromedp.CSS(`#cf-amount`), "42.5"), chromedp.Click(chromedp.CSS(`#fields button`)))
		waitFor(t, ctx, "the saved field", `!document.querySelector("#fields .error") && document.querySelector("#cf-amount").value === "42.5"`)
		stored, _ := e.Store.Ticket(bctx, e.Workspace.ID, tk.ID)
		if f, ok := stored.CustomFields.Get("amount"); !ok || string(f.Value) != "42.5" {
			t.Errorf("stored field: %+v", stored.CustomFields)
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func urlQuery(s string) string { return url.QueryEscape(s) }

// TestScreenshotsWork saves the agent's tools to docs/ui when
// TICKETD_UI_SCREENSHOTS is set: a search with an error, bulk results and
// the composer with the saved-reply picker, at 1440×900 and 360×780, light
// and dark.
func TestScreenshotsWork(t *testing.T) {
	if os.Getenv("TICKETD_UI_SCREENSHOTS") == "" {
		t.Skip("set TICKETD_UI_SCREENSHOTS=1 to write docs/ui/*.png")
	}
	e := servertest.New(t, servertestSQLite(t))
	agent, long := seedDesk(t, e)
	bctx := context.Background()
	caller := desk.Caller{AgentID: agent.ID, Role: agent.Role}
	for _, r := range []desk.NewSavedReply{
		{Name: "Greeting", Text: "Hello {{contact.name}},", Shortcut: "hi", Shared: true},
		{Name: "Refund approved", Text: "Your refund for #{{ticket.number}} is approved.", Shortcut: "refund", Shared: true},
		{Name: "Return label", Text: "Your return label is attached.", Shortcut: "label"},
	} {
		c := caller
		if r.Shared {
			c = desk.Caller{AgentID: e.Admin.ID, Role: e.Admin.Role}
		}
		if _, err := e.Deps.Desk.CreateSavedReply(bctx, e.Workspace.ID, c, r); err != nil {
			t.Fatal(err)
		}
	}
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
			run(t, ctx, signIn(e.URL, agent.Email, servertest.Password))
			waitFor(t, ctx, "the inbox", `!!document.querySelector("nav.views")`)
			run(t, ctx, chromedp.Navigate(e.URL+"/?q="+urlQuery(`refund (status:open priority>=high`)))
			waitFor(t, ctx, "the search error", `!!document.querySelector(".qerr mark")`)
			shot("search-error")
			run(t, ctx, chromedp.Navigate(e.URL+"/?view=open"))
			waitFor(t, ctx, "all open", `document.querySelectorAll("[data-row]").length > 5 && document.body.classList.contains("js")`)
			eval[any](t, ctx, `[...document.querySelectorAll("input.pick")].slice(0, 6).forEach(b => { b.checked = true; b.dispatchEvent(new Event("change")) }); 1`)
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`.bulkbar select[name="status"]`), "pending"), chromedp.Click(chromedp.CSS(`.bulkbar button`)))
			waitFor(t, ctx, "bulk results", `!!document.querySelector(".bulkres")`)
			shot("bulk-results")
			run(t, ctx, chromedp.Navigate(e.URL+"/tickets/"+strconv.FormatInt(long.Number, 10)))
			waitFor(t, ctx, "the composer", `!!document.querySelector("#composer textarea") && document.body.classList.contains("js")`)
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#text`), "Thanks for your patience.\n/re"))
			waitFor(t, ctx, "the picker", `!document.getElementById("reply-picker").hidden`)
			eval[any](t, ctx, `document.getElementById("composer").scrollIntoView({block: "end"}); 1`)
			shot("composer-picker")
		}
	}
}
