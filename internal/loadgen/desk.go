package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// TicketMessages is how many messages the ticket page scenarios' tickets
// have (issue 18: "ticket page (20 messages)").
const TicketMessages = 20

// deskScenarios are the agent desk's server-rendered pages and their JSON
// twins over the same data:
//
//   - desk_inbox: GET / (the "mine" view, 25 rows and the view counts) with
//     a session cookie, each client as its own agent; its twin is
//     inbox_first_page.
//   - api_ticket_messages: GET /api/v1/tickets/{id} and its messages (two
//     requests), the JSON a client reads to show one conversation.
//   - desk_ticket: GET /tickets/{number} of the same tickets.
//
// Each agent signs in once, in the set-up, through POST /login as a
// browser would (a correct password never counts towards the throttle);
// the clients of one agent share its session. The set-up gives each agent
// one of its active tickets and tops its conversation up to
// TicketMessages.
func deskScenarios(f *Fixture, agents []FixtureAgent) []*Scenario {
	type deskTicket struct {
		id     string
		number int64
	}
	var (
		mu       sync.Mutex
		cookies  = map[string]string{} // agent id → Cookie header
		tickets  = map[string]deskTicket{}
		prepared bool
	)
	ag := func(w *Worker) FixtureAgent { return agents[(w.ID%len(agents)+len(agents))%len(agents)] }
	signIn := func(ctx context.Context, w *Worker) error {
		mu.Lock()
		defer mu.Unlock()
		if len(cookies) == len(agents) {
			return nil
		}
		for _, a := range agents {
			if cookies[a.ID] != "" {
				continue
			}
			c, err := deskLogin(ctx, w.Client, a.Email, f.Password)
			if err != nil {
				return err
			}
			cookies[a.ID] = c
		}
		return nil
	}
	prepare := func(ctx context.Context, w *Worker) error {
		if err := signIn(ctx, w); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if prepared {
			return nil
		}
		for _, a := range agents {
			t, err := conversation(ctx, w, "Bearer "+a.Token)
			if err != nil {
				return fmt.Errorf("agent %s: %w", a.Email, err)
			}
			tickets[a.ID] = deskTicket{t.ID, t.Number}
		}
		prepared = true
		return nil
	}
	cookie := func(w *Worker) string { return cookies[ag(w).ID] }
	page := func(ctx context.Context, w *Worker, path string) error {
		_, _, err := w.DoHeaders(ctx, http.MethodGet, path, http.Header{"Cookie": {cookie(w)}}, nil, http.StatusOK)
		return err
	}
	return []*Scenario{
		{Name: "desk_inbox", Setup: signIn, Op: func(ctx context.Context, w *Worker) error { return page(ctx, w, "/") }},
		{Name: "api_ticket_messages", Requests: 2, Setup: prepare, Op: func(ctx context.Context, w *Worker) error {
			a := ag(w)
			id := tickets[a.ID].id
			if _, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/"+id, "Bearer "+a.Token, nil, http.StatusOK); err != nil {
				return err
			}
			_, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/"+id+"/messages", "Bearer "+a.Token, nil, http.StatusOK)
			return err
		}},
		{Name: "desk_ticket", Setup: prepare, Op: func(ctx context.Context, w *Worker) error {
			return page(ctx, w, "/tickets/"+strconv.FormatInt(tickets[ag(w).ID].number, 10))
		}},
	}
}

// deskLogin signs in to the desk as a browser does and returns the
// session's Cookie header; a desk that is not mounted is a skip.
func deskLogin(ctx context.Context, c *Client, email, password string) (string, error) {
	form := url.Values{"email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// The session cookie comes with the redirect; following it would lose it.
	hc := &http.Client{Transport: c.HTTP.Transport, Timeout: c.HTTP.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
		return "", Skipf("agent desk not mounted yet: POST /login answered %d", res.StatusCode)
	}
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("desk sign-in as %s: status %d", email, res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "tkd_session" && ck.Value != "" {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("desk sign-in as %s: no session cookie", email)
}

type benchTicket struct {
	ID     string `json:"id"`
	Number int64  `json:"number"`
}

// conversation picks the agent's newest active ticket (or any of its
// tickets) and tops its
// conversation up to TicketMessages (replies as the agent, which desk's
// policy allows on its own tickets).
func conversation(ctx context.Context, w *Worker, bearer string) (*benchTicket, error) {
	var list struct {
		Tickets []benchTicket `json:"tickets"`
	}
	// A small seed leaves some agents without an active ticket: any of
	// theirs will do then.
	for _, q := range []string{"status=active&assignee=me&limit=1", "assignee=me&limit=1"} {
		b, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets?"+q, bearer, nil, http.StatusOK)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("ticket list: %w", err)
		}
		if len(list.Tickets) > 0 {
			break
		}
	}
	if len(list.Tickets) == 0 {
		return nil, errors.New("no ticket assigned")
	}
	t := list.Tickets[0]
	b, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/"+t.ID+"/messages", bearer, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var ms struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(b, &ms); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	for i := len(ms.Messages); i < TicketMessages; i++ {
		body, _ := json.Marshal(map[string]any{"text": replies[i%len(replies)]})
		if _, _, err := w.Do(ctx, http.MethodPost, "/api/v1/tickets/"+t.ID+"/messages", bearer, body, http.StatusCreated); err != nil {
			return nil, err
		}
	}
	return &t, nil
}
