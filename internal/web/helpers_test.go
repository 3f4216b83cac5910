package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// client is a browser without a browser: a cookie jar, no redirects
// followed (so tests see each 303), no transparent gzip.
type client struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status int
	Header http.Header
	Body   string
}

func (c *client) do(method, path string, form url.Values, headers ...string) *page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Encoding", "identity")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string, headers ...string) *page { return c.do("GET", path, nil, headers...) }
func (c *client) post(path string, form url.Values, headers ...string) *page {
	return c.do("POST", path, form, headers...)
}

// login signs in and fails the test unless it lands on the inbox.
func (c *client) login(email, password string) {
	c.t.Helper()
	p := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/" {
		c.t.Fatalf("login %s: %d %s %s", email, p.Status, p.Header.Get("Location"), p.Body)
	}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the session's token from a page.
func (c *client) csrf() string {
	c.t.Helper()
	p := c.get("/")
	m := csrfRe.FindStringSubmatch(p.Body)
	if m == nil {
		c.t.Fatalf("no csrf token on the inbox (%d): %s", p.Status, p.Body)
	}
	return m[1]
}

// newTicket opens a ticket from a customer on a channel.
func newTicket(t testing.TB, e *servertest.Env, subject, text string, ch desk.Channel, contact string) *desk.Ticket {
	t.Helper()
	ctx := context.Background()
	c, err := e.Deps.Desk.CreateContact(ctx, e.Workspace.ID, desk.NewContact{Name: contact,
		Email: strings.ToLower(strings.ReplaceAll(contact, " ", ".")) + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.Deps.Desk.CreateTicket(ctx, e.Workspace.ID, desk.Actor{Kind: desk.ActorContact, ID: c.ID}, desk.NewTicket{
		Subject: subject, Channel: ch, ContactID: c.ID, Priority: desk.PriorityNormal,
		Message: &desk.NewMessage{Text: text, Author: desk.Actor{Kind: desk.ActorContact, ID: c.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func messages(t testing.TB, e *servertest.Env, tk *desk.Ticket) []desk.Message {
	t.Helper()
	ms, err := e.Store.Messages(context.Background(), e.Workspace.ID, tk.ID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func servertestSQLite(t testing.TB) desk.Store { return storetest.OpenSQLite(t) }
