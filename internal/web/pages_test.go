package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

var rowRe = regexp.MustCompile(`href="/tickets/(\d+)" data-open`)

// TestInboxPaging: keyset pages of 25, no ticket twice, none lost.
func TestInboxPaging(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		for i := 0; i < 30; i++ {
			newTicket(t, e, "Question "+strconv.Itoa(i), "?", desk.ChannelWebchat, "Person "+strconv.Itoa(i))
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		seen := map[string]bool{}
		path := "/?view=open&sort=newest"
		pages := 0
		for path != "" {
			p := c.get(path)
			if p.Status != 200 {
				t.Fatalf("%s: %d", path, p.Status)
			}
			for _, m := range rowRe.FindAllStringSubmatch(p.Body, -1) {
				if seen[m[1]] {
					t.Errorf("ticket #%s on two pages", m[1])
				}
				seen[m[1]] = true
			}
			pages++
			path = ""
			if m := regexp.MustCompile(`href="(/\?[^"]*after=[^"]*)" rel="next"`).FindStringSubmatch(p.Body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if len(seen) != 30 || pages != 2 {
			t.Fatalf("%d tickets over %d pages, want 30 over 2", len(seen), pages)
		}
		if !strings.Contains(c.get("/?view=open").Body, `<span class="count">30</span>`) {
			t.Error("All open does not count 30")
		}
		if p := c.get("/?view=nope"); p.Status != http.StatusNotFound {
			t.Errorf("unknown view: %d", p.Status)
		}
		if p := c.get("/?view=open&after=junk"); p.Status != http.StatusNotFound {
			t.Errorf("bad cursor: %d", p.Status)
		}
		if p := c.get("/?view=unassigned"); !strings.Contains(p.Body, "Person 29") {
			t.Error("unassigned view lacks the queued tickets")
		}
	})
}

// TestWhatAgentsSee: the desk shows what desk's policy lets the agent see,
// and never another workspace's tickets.
func TestWhatAgentsSee(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		mine, _ := e.Agent(desk.NewAgent{Name: "Own Only", Email: "own@acme.test", Role: desk.RoleAgent, Capacity: 5})
		theirs := newTicket(t, e, "Someone else's", "x", desk.ChannelEmail, "Other Customer")
		own := newTicket(t, e, "Mine to answer", "x", desk.ChannelEmail, "My Customer")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, own.ID, desk.System, desk.TicketPatch{AssigneeID: &mine.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deps.Desk.SetTicketAccess(ctx, e.Workspace.ID, desk.AccessOwn); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(mine.Email, servertest.Password)
		if p := c.get("/tickets/" + strconv.FormatInt(theirs.Number, 10)); p.Status != http.StatusNotFound {
			t.Errorf("a hidden ticket: %d, want 404", p.Status)
		}
		if p := c.get("/tickets/" + strconv.FormatInt(own.Number, 10)); p.Status != 200 {
			t.Errorf("own ticket: %d", p.Status)
		}
		if p := c.get("/?view=open"); strings.Contains(p.Body, "Someone else") || !strings.Contains(p.Body, "Mine to answer") {
			t.Errorf("list shows hidden tickets or lacks own: %s", p.Body)
		}
		// Another workspace's admin sees none of acme's tickets.
		ws2, admin2, _ := e.NewWorkspace("globex", "UTC")
		_ = ws2
		c2 := newClient(t, e.URL)
		c2.login(admin2.Email, servertest.Password)
		if p := c2.get("/tickets/" + strconv.FormatInt(own.Number, 10)); p.Status != http.StatusNotFound {
			t.Errorf("another workspace's ticket: %d", p.Status)
		}
		if p := c2.get("/?view=open"); strings.Contains(p.Body, "Mine to answer") {
			t.Error("another workspace's ticket in the list")
		}
	})
}

func TestPresenceAndLanguage(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		p := c.post("/presence", url.Values{"csrf": {c.csrf()}, "presence": {"away"}, "next": {"/?view=open"}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/?view=open" {
			t.Fatalf("presence: %d %s", p.Status, p.Header.Get("Location"))
		}
		a, _ := e.Store.Agent(context.Background(), e.Workspace.ID, e.Admin.ID)
		if a.Presence != desk.PresenceAway {
			t.Errorf("presence %s, want away", a.Presence)
		}
		if p := c.post("/presence", url.Values{"csrf": {c.csrf()}, "presence": {"asleep"}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown presence: %d", p.Status)
		}
		if p := c.post("/language", url.Values{"lang": {"zh-Hans"}, "next": {"/"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("language: %d", p.Status)
		}
		if p := c.get("/", "Accept-Language: es"); !strings.Contains(p.Body, `<html lang="zh-Hans">`) || !strings.Contains(p.Body, "我的") {
			t.Error("the picked language does not win over Accept-Language")
		}
	})
}

// TestHandoff: an agent takes a ticket over from a bot.
func TestHandoff(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		bot, _ := e.Agent(desk.NewAgent{Name: "Helper Bot", Email: "bot@acme.test", Role: desk.RoleBot})
		ag, _ := e.Agent(desk.NewAgent{Name: "Dewi Anggraini", Email: "dewi@acme.test", Role: desk.RoleAgent, Capacity: 5})
		tk := newTicket(t, e, "Chat with the bot", "I want a human", desk.ChannelWebchat, "Rina Wijaya")
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, tk.ID, desk.System, desk.TicketPatch{AssigneeID: &bot.ID}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(ag.Email, servertest.Password)
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		if p := c.get(path); !strings.Contains(p.Body, "Take over from bot") {
			t.Fatal("no take-over action on a bot-held ticket")
		}
		if p := c.post(path+"/routing", url.Values{"csrf": {c.csrf()}, "kind": {"handoff"}, "agent_id": {"me"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("handoff: %d %s", p.Status, p.Body)
		}
		got, _ := e.Store.Ticket(ctx, e.Workspace.ID, tk.ID)
		if got.AssigneeID != ag.ID {
			t.Fatalf("after the handoff the ticket is held by %s", got.AssigneeID)
		}
	})
}

// TestAttachments: files are downloads; images are previewed only when
// asked inline; a file of another ticket is not served under this one.
func TestAttachments(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		tk := newTicket(t, e, "Broken mug", "photo attached", desk.ChannelEmail, "Ahmed Hassan")
		other := newTicket(t, e, "Other", "x", desk.ChannelEmail, "Other Person")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
		save := func(tk *desk.Ticket, name string, body []byte) *desk.Attachment {
			s, err := e.Deps.Files.Save(ctx, e.Workspace.ID, name, strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			a, err := e.Deps.Desk.NewAttachment(ctx, e.Workspace.ID, desk.Attachment{FileName: s.FileName, ContentType: s.ContentType, Size: s.Size, Path: s.Key})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.Deps.Desk.AddMessage(ctx, e.Workspace.ID, tk.ID, desk.NewMessage{Text: "file", Attachments: []string{a.ID},
				Author: desk.Actor{Kind: desk.ActorContact, ID: tk.ContactID}}); err != nil {
				t.Fatal(err)
			}
			return a
		}
		img := save(tk, "mug.png", png)
		page := save(tk, "evil.html", []byte("<script>alert(1)</script>"))
		foreign := save(other, "x.txt", []byte("other ticket"))
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		base := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		body := c.get(base).Body
		if !strings.Contains(body, `<img src="`+base+"/attachments/"+img.ID+`?inline=1"`) || !strings.Contains(body, "evil.html</a>") {
			t.Fatalf("thread lacks the preview or the download: %s", body)
		}
		for _, c2 := range []struct {
			path, disposition, ctype string
		}{
			{base + "/attachments/" + img.ID, "attachment", "image/png"},
			{base + "/attachments/" + img.ID + "?inline=1", "inline", "image/png"},
			{base + "/attachments/" + page.ID + "?inline=1", "attachment", "application/octet-stream"},
		} {
			p := c.get(c2.path)
			if p.Status != 200 || !strings.HasPrefix(p.Header.Get("Content-Disposition"), c2.disposition) || p.Header.Get("Content-Type") != c2.ctype {
				t.Errorf("%s: %d %q %q", c2.path, p.Status, p.Header.Get("Content-Disposition"), p.Header.Get("Content-Type"))
			}
		}
		if p := c.get(base + "/attachments/" + foreign.ID); p.Status != http.StatusNotFound {
			t.Errorf("another ticket's file under this one: %d", p.Status)
		}
	})
}

// TestFirstLoadWeight: the inbox with its assets, gzipped as a browser
// gets them, stays under 100 KB.
func TestFirstLoadWeight(t *testing.T) {
	e := servertest.New(t, servertestSQLite(t))
	agent, _ := seedDesk(t, e)
	c := newClient(t, e.URL)
	c.login(agent.Email, servertest.Password)
	p := c.get("/?view=open", "Accept-Encoding: gzip")
	if p.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("inbox not gzipped")
	}
	total := len(p.Body)
	// The page's body is gzip; read the asset URLs from the plain one.
	plain := c.get("/?view=open")
	for _, u := range regexp.MustCompile(`/assets/[a-z]+\.[0-9a-f]{10}\.(?:css|js)`).FindAllString(plain.Body, -1) {
		total += len(c.get(u, "Accept-Encoding: gzip").Body)
	}
	t.Logf("first load of the inbox (%d rows): %d bytes compressed, page and assets", len(rowRe.FindAllString(plain.Body, -1)), total)
	if total > 100_000 {
		t.Errorf("first load %d bytes, over 100 KB", total)
	}
}

// deliversAll sends every channel's replies (the outbox worker is not run:
// the rows stay as the test sets them).
type deliversAll struct{}

func (deliversAll) Delivers(desk.Channel) bool { return true }

// TestDeliveryStatus: an outbound reply shows queued, then failed with
// the provider's reason.
func TestDeliveryStatus(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		e.Deps.Desk.Outbox = deliversAll{}
		acct, err := e.Deps.Desk.CreateChannelAccount(ctx, e.Workspace.ID, desk.NewChannelAccount{Channel: desk.ChannelTelegram,
			Name: "acme_bot", UID: "4242"})
		if err != nil {
			t.Fatal(err)
		}
		c0, err := e.Deps.Desk.CreateContact(ctx, e.Workspace.ID, desk.NewContact{Name: "Eko Prasetyo"})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := e.Deps.Desk.CreateTicket(ctx, e.Workspace.ID, desk.Actor{Kind: desk.ActorContact, ID: c0.ID}, desk.NewTicket{
			Subject: "Order status", Channel: desk.ChannelTelegram, ChannelAccountID: acct.ID, ContactID: c0.ID,
			Message: &desk.NewMessage{Text: "Where is my order?", Author: desk.Actor{Kind: desk.ActorContact, ID: c0.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		path := "/tickets/" + strconv.FormatInt(tk.Number, 10)
		if p := c.post(path+"/messages", url.Values{"csrf": {c.csrf()}, "text": {"It ships today."}, "mode": {"reply"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d", p.Status)
		}
		if p := c.get(path); !strings.Contains(p.Body, `class="delivery d-queued">queued`) {
			t.Fatalf("no queued delivery on the reply: %s", p.Body)
		}
		err = e.Store.Update(ctx, func(tx desk.Tx) error {
			dw := tx.(desk.DeliveryWriter)
			ds, err := dw.ClaimDeliveries(ctx, "test", e.Deps.Desk.Clock(), e.Deps.Desk.Clock().Add(time.Minute), 10)
			if err != nil || len(ds) != 1 {
				return fmt.Errorf("claim: %v %d", err, len(ds))
			}
			ds[0].Status, ds[0].LastError = desk.DeliveryFailed, "chat not found"
			return dw.SettleDelivery(ctx, &ds[0], "test")
		})
		if err != nil {
			t.Fatal(err)
		}
		if p := c.get(path); !strings.Contains(p.Body, `class="delivery d-failed">failed: chat not found`) {
			t.Fatalf("no failed delivery with its reason: %s", p.Body)
		}
	})
}
