package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
	"github.com/ticketd/ticketd/internal/web"
)

// deskBench is a real server over a seeded SQLite file, an agent's session
// cookie and one of the agent's tickets with a 20-message conversation:
// what `ticketd bench`'s desk_inbox and desk_ticket read, at a size a Go
// benchmark can seed (TICKETD_BENCH_TICKETS, default 5,000; the
// 1,000,000-ticket figures are in docs/PERFORMANCE.md).
type deskBench struct {
	url    string
	cookie string
	ticket int64
}

func newDeskBench(b *testing.B) *deskBench { return newDeskBenchHTML(b, "") }

// newDeskBenchHTML is newDeskBench whose conversation alternates agent
// replies and customer messages carrying html, as e-mail threads do.
func newDeskBenchHTML(b *testing.B, html string) *deskBench {
	b.Helper()
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("TICKETD_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	st := storetest.OpenSQLite(b)
	e := servertest.New(b, st)
	res, err := seed.Run(ctx, e.Deps.Desk, e.Deps.Auth, st.(*sqlstore.Store), seed.Options{Workspace: "bench", Tickets: n,
		MessagesPerTicket: 2, Agents: 8, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	a := res.Agents[0]
	c := newClient(b, e.URL)
	c.login(a.Email, res.Password)
	u, _ := url.Parse(e.URL)
	var cookie string
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == web.CookieName {
			cookie = ck.Name + "=" + ck.Value
		}
	}
	var list struct {
		Tickets []struct {
			ID     string `json:"id"`
			Number int64  `json:"number"`
		} `json:"tickets"`
	}
	auth := servertest.Bearer(a.Token)
	e.Do("GET", "/api/v1/tickets?status=active&assignee=me&limit=1", nil, auth).JSON(b, &list)
	if cookie == "" || len(list.Tickets) == 0 {
		b.Fatalf("no session cookie (%q) or no ticket of %s", cookie, a.Email)
	}
	tk := list.Tickets[0]
	full, err := e.Store.Ticket(ctx, res.WorkspaceID, tk.ID)
	if err != nil {
		b.Fatal(err)
	}
	for i := 2; i < 20; i++ {
		if html != "" && i%2 == 0 {
			// Each body differs, as each e-mail does (the sanitizer
			// caches by content).
			body := strings.Replace(html, "<body>", "<body><p>Message "+strconv.Itoa(i)+"</p>", 1)
			if _, _, err := e.Deps.Desk.AddMessage(ctx, res.WorkspaceID, tk.ID, desk.NewMessage{Text: "Message " + strconv.Itoa(i),
				HTML: body, Author: desk.Actor{Kind: desk.ActorContact, ID: full.ContactID}}); err != nil {
				b.Fatal(err)
			}
			continue
		}
		if r := e.Do("POST", "/api/v1/tickets/"+tk.ID+"/messages", map[string]any{"text": "Reply " + strconv.Itoa(i)}, auth); r.Status != http.StatusCreated {
			b.Fatalf("add message: %d %s", r.Status, r.Body)
		}
	}
	return &deskBench{url: e.URL, cookie: cookie, ticket: tk.Number}
}

// run GETs path from parallel clients, as browsers would (gzip accepted).
func (d *deskBench) run(b *testing.B, path string) {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	get := func() (int, int64, error) {
		req, _ := http.NewRequest("GET", d.url+path, nil)
		req.Header.Set("Cookie", d.cookie)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := hc.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, res.Body)
		return res.StatusCode, n, err
	}
	status, size, err := get()
	if err != nil || status != http.StatusOK {
		b.Fatalf("GET %s: %d %v", path, status, err)
	}
	b.ReportMetric(float64(size), "gzip-bytes/page")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if status, _, err := get(); err != nil || status != http.StatusOK {
				b.Errorf("GET %s: %d %v", path, status, err)
				return
			}
		}
	})
}

// BenchmarkInboxPage is the inbox ("mine", 25 rows, the view counts) as
// an agent's browser loads it.
func BenchmarkInboxPage(b *testing.B) {
	newDeskBench(b).run(b, "/")
}

// BenchmarkTicketPage is a ticket's page with a 20-message conversation.
func BenchmarkTicketPage(b *testing.B) {
	d := newDeskBench(b)
	d.run(b, "/tickets/"+strconv.FormatInt(d.ticket, 10))
}

// BenchmarkTicketPageEmail is the same page when the customer's nine
// messages are HTML e-mail (an Outlook reply with its quoted thread, about
// 6 KB each): what sanitizing them costs a view.
func BenchmarkTicketPageEmail(b *testing.B) {
	d := newDeskBenchHTML(b, outlookHTML)
	d.run(b, "/tickets/"+strconv.FormatInt(d.ticket, 10))
}

// outlookHTML is shaped like an Outlook reply: Word's head styles, its
// paragraphs, and the quoted message below a border.
var outlookHTML = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style><!--
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
a:link, span.MsoHyperlink {color:#0563C1; text-decoration:underline;}
--></style></head><body>` + strings.Repeat(`<div class="WordSection1"><p class="MsoNormal">Hello team,<o:p></o:p></p>
<p class="MsoNormal">The invoice <b>INV-20931</b> was charged twice on my card ending 4242; please see the
<a href="https://example.com/account/billing?ref=mail">billing page</a> and refund one of them.<o:p></o:p></p>
<table class="MsoNormalTable" border="0" cellspacing="0" cellpadding="0"><tr><td style="padding:0cm 5.4pt">Amount</td>
<td style="padding:0cm 5.4pt">€ 129.00</td></tr><tr><td>Date</td><td>2026-12-01</td></tr></table>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b>
Support &lt;support@acme.test&gt;<br><b>Sent:</b> Monday, December 1, 2026 10:02<br><b>Subject:</b> Re: Refund</p></div>
<blockquote style="margin-left:30pt"><p class="MsoNormal">Thanks for writing; we are looking into it.</p></blockquote></div>
`, 5) + `</body></html>`
