package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// The rule for every door: a status write either does what it says or fails
// with a clear error and changes nothing; it never answers success and
// stores something else. TestStatusTransitions drives every from-status ×
// to-status through every door that can change a status (native PATCH,
// PostCenter close, Bangwo8 single and bulk update, 3Dolphins update and
// close) and checks each answer, and what was stored, against one oracle
// written from the documented rules (docs/routing.md "Statuses").

// fromState is a ticket's status and ownership before the request.
type fromState struct {
	name   string
	status desk.Status
	reason string // closed reason
	owned  bool
}

var fromStates = []fromState{
	{"unassigned", desk.StatusUnassigned, "", false},
	{"assigned", desk.StatusAssigned, "", true},
	{"open", desk.StatusOpen, "", true},
	{"pending", desk.StatusPending, "", true},
	{"pending-unowned", desk.StatusPending, "", false},
	{"on_hold", desk.StatusOnHold, "", true},
	{"solved", desk.StatusSolved, "", true},
	{"solved-unowned", desk.StatusSolved, "", false},
	{"closed", desk.StatusClosed, "manual", true},
	{"closed-auto", desk.StatusClosed, "auto", false},
	{"ignored", desk.StatusIgnored, "", false},
}

// outcome is what a request should leave behind.
type outcome struct {
	refused  string // "final" (409 class) or "invalid" (400 class); "" = accepted
	status   desk.Status
	reason   string
	owned    bool
	queued   bool
	byOnline bool // owned by the online agent (routed)
}

// expect is the oracle: the documented status rules, independent of desk's
// code. to is a canonical status; reason a closed reason ("" = any).
// online says an agent with room is online to route to.
func expect(f fromState, to desk.Status, reason string, online bool) outcome {
	same := outcome{status: f.status, reason: f.reason, owned: f.owned,
		queued: !f.owned && !f.status.Terminal()}
	if to == f.status && (to != desk.StatusClosed || reason == "" || reason == f.reason) {
		return same
	}
	if f.status == desk.StatusClosed || f.status == desk.StatusIgnored {
		return outcome{refused: "final"}
	}
	switch to {
	case desk.StatusNew:
		return outcome{refused: "invalid"}
	case desk.StatusUnassigned:
		if f.owned {
			return outcome{refused: "invalid"}
		}
		if online {
			return outcome{status: desk.StatusAssigned, owned: true, byOnline: true}
		}
		return outcome{status: desk.StatusUnassigned, queued: true}
	case desk.StatusAssigned:
		if !f.owned {
			return outcome{refused: "invalid"}
		}
		return outcome{status: to, owned: true}
	case desk.StatusOpen, desk.StatusPending, desk.StatusOnHold:
		switch {
		case f.owned:
			return outcome{status: to, owned: true}
		case online:
			return outcome{status: to, owned: true, byOnline: true}
		}
		return outcome{status: to, queued: true}
	case desk.StatusClosed:
		if reason == "" {
			reason = "manual"
		}
		return outcome{status: to, reason: reason, owned: f.owned}
	}
	return outcome{status: to, owned: f.owned} // solved, ignored
}

// transitionEnv is one server with the credentials of every door.
type transitionEnv struct {
	*servertest.Env
	ctx      context.Context
	admin    desk.Actor
	owner    *desk.Agent // holds the owned tickets; offline
	online   *desk.Agent // goes online for the routed variant
	basic    string      // Bangwo8
	dolphins string      // 3Dolphins token
}

func newTransitionEnv(t *testing.T, e *servertest.Env) *transitionEnv {
	te := &transitionEnv{Env: e, ctx: context.Background(), admin: desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID}}
	te.owner, _ = e.Agent(desk.NewAgent{Name: "Olga", Email: "olga@acme.test", Role: desk.RoleAgent})
	te.online, _ = e.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent})
	te.basic = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(e.Admin.Email+":"+servertest.Password))
	res := e.Do("POST", "/dolphin/apiv1/graph/auth", map[string]string{"username": e.Admin.Email, "password": servertest.Password})
	var tok struct{ Token string }
	res.JSON(t, &tok)
	if tok.Token == "" {
		t.Fatalf("3Dolphins login: %d %s", res.Status, res.Body)
	}
	te.dolphins = "Authorization: Bearer " + tok.Token
	return te
}

// ticket makes a ticket in state f through desk (the set-up is not what
// is tested).
func (te *transitionEnv) ticket(t *testing.T, f fromState) *desk.Ticket {
	t.Helper()
	in := desk.NewTicket{Subject: "from " + f.name, Channel: desk.ChannelEmail,
		Message: &desk.NewMessage{Text: "hello", Author: desk.Actor{Kind: desk.ActorContact}}}
	if f.owned {
		in.AssigneeID = te.owner.ID
	}
	tk, err := te.Deps.Desk.CreateTicket(te.ctx, te.Workspace.ID, te.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != f.status {
		st := f.status
		p := desk.TicketPatch{Status: &st}
		if f.reason != "" {
			p.ClosedReason = &f.reason
		}
		if tk, err = te.Deps.Desk.UpdateTicket(te.ctx, te.Workspace.ID, tk.ID, te.admin, p); err != nil {
			t.Fatalf("set up %s: %v", f.name, err)
		}
	}
	if tk.Status != f.status || (tk.AssigneeID != "") != f.owned {
		t.Fatalf("set up %s: got %s owned=%v", f.name, tk.Status, tk.AssigneeID != "")
	}
	return tk
}

// statusDoor is one way to ask for a status.
type statusDoor struct {
	name string
	// asks lists what the statusDoor can ask for: its word and the canonical
	// status (and closed reason) it means.
	asks []ask
	// send asks for a status and returns the refusal class seen ("" when
	// the statusDoor answered success), the status the door's answer reads
	// (its own word, "" when it does not show one), and the raw answer.
	send func(t *testing.T, te *transitionEnv, tk *desk.Ticket, word string) (refused, reads string, raw string)
	// unchanged: the door's own no-op rule (Bangwo8 leaves a status that
	// already reads as the code asked for); nil = same canonical status.
	unchanged func(tk *desk.Ticket, a ask) bool
}

type ask struct {
	word   string
	to     desk.Status
	reason string
	// unassigns: the word takes the ticket from its owner first
	// (3Dolphins Unassigned), so the oracle sees an unowned ticket.
	unassigns bool
}

func refusal(status int) string {
	switch {
	case status == 409:
		return "final"
	case status == 400 || status == 422:
		return "invalid"
	case status >= 300:
		return fmt.Sprintf("status %d", status)
	}
	return ""
}

// bangwo8Code is how Bangwo8 reads a ticket's status (spec §4.1).
func bangwo8Code(tk *desk.Ticket) string {
	switch tk.Status {
	case desk.StatusNew, desk.StatusUnassigned:
		return "1"
	case desk.StatusPending:
		return "3"
	case desk.StatusSolved:
		return "4"
	case desk.StatusClosed:
		if tk.ClosedReason == "auto" {
			return "5"
		}
		return "6"
	case desk.StatusIgnored:
		return "6"
	}
	return "2"
}

var bangwo8Asks = []ask{{word: "1", to: desk.StatusUnassigned}, {word: "2", to: desk.StatusOpen},
	{word: "3", to: desk.StatusPending}, {word: "4", to: desk.StatusSolved},
	{word: "5", to: desk.StatusClosed, reason: "auto"}, {word: "6", to: desk.StatusClosed, reason: "manual"}}

func doors() []statusDoor {
	var native []ask
	for _, s := range desk.Statuses {
		native = append(native, ask{word: string(s), to: s})
	}
	return []statusDoor{
		{name: "native", asks: native,
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, word string) (string, string, string) {
				res := te.Do("PATCH", "/api/v1/tickets/"+tk.ID, map[string]string{"status": word}, servertest.Bearer(te.AdminToken))
				if r := refusal(res.Status); r != "" {
					return r, "", string(res.Body)
				}
				var out struct{ Status string }
				res.JSON(t, &out)
				return "", out.Status, string(res.Body)
			}},
		{name: "postcenter close", asks: []ask{{word: "close", to: desk.StatusClosed}},
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, _ string) (string, string, string) {
				res := te.Do("POST", "/postcenter/v2/ticket/"+tk.ID+"/close/", nil, "Authorization: Key "+te.AdminToken)
				if r := refusal(res.Status); r != "" {
					return r, "", string(res.Body)
				}
				return "", "", string(res.Body)
			},
			// Closing a closed (or ignored) ticket is Ok and changes nothing.
			unchanged: func(tk *desk.Ticket, a ask) bool { return tk.Status.Final() }},
		{name: "bangwo8 update", asks: bangwo8Asks,
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, word string) (string, string, string) {
				res := te.Do("PUT", fmt.Sprintf("/bangwo8/api/v1/tickets/%d.json", tk.Number),
					`{"ticket": {"ticketStatus": `+word+`}}`, te.basic)
				if r := refusal(res.Status); r != "" {
					return r, "", string(res.Body)
				}
				var out struct {
					Ticket struct{ TicketStatus json.Number }
				}
				res.JSON(t, &out)
				return "", out.Ticket.TicketStatus.String(), string(res.Body)
			},
			unchanged: func(tk *desk.Ticket, a ask) bool { return bangwo8Code(tk) == a.word }},
		{name: "bangwo8 update_many", asks: bangwo8Asks,
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, word string) (string, string, string) {
				res := te.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json",
					fmt.Sprintf(`{"tickets": [{"ticketId": %d, "ticketStatus": %s}]}`, tk.Number, word), te.basic)
				var out struct {
					Results []struct {
						Success  bool   `json:"success"`
						ErrorLog string `json:"error_log"`
					}
				}
				if res.Status != 200 {
					t.Fatalf("update_many answered %d: %s", res.Status, res.Body)
				}
				res.JSON(t, &out)
				if len(out.Results) != 1 {
					t.Fatalf("update_many results: %s", res.Body)
				}
				r := out.Results[0]
				switch {
				case r.Success && r.ErrorLog == "":
					return "", "", string(res.Body)
				case !r.Success && strings.Contains(r.ErrorLog, "工单已关闭"):
					return "final", "", string(res.Body)
				case !r.Success && strings.Contains(r.ErrorLog, "字段值不合法"):
					return "invalid", "", string(res.Body)
				}
				return "unclear", "", string(res.Body)
			},
			unchanged: func(tk *desk.Ticket, a ask) bool { return bangwo8Code(tk) == a.word }},
		{name: "3dolphins update", asks: []ask{{"Open", desk.StatusOpen, "", false}, {"Pending", desk.StatusPending, "", false},
			{"Assigned", desk.StatusAssigned, "", false}, {"Unassigned", desk.StatusUnassigned, "", true}, {"Closed", desk.StatusClosed, "manual", false}},
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, word string) (string, string, string) {
				res := te.Do("PUT", fmt.Sprintf("/dolphin/apiv1/graph/tickets/update/%d", tk.Number),
					map[string]string{"status": word}, te.dolphins)
				return dolphinsAnswer(t, res)
			},
			unchanged: dolphinsUnchanged},
		{name: "3dolphins close", asks: []ask{{word: "Closed", to: desk.StatusClosed}},
			send: func(t *testing.T, te *transitionEnv, tk *desk.Ticket, _ string) (string, string, string) {
				res := te.Do("PUT", "/dolphin/apiv1/graph/tickets/update/close",
					map[string]any{"ticketNumber": tk.Number, "closureType": "Resolved"}, te.dolphins)
				return dolphinsAnswer(t, res)
			},
			unchanged: func(tk *desk.Ticket, a ask) bool { return tk.Status.Final() }},
	}
}

// dolphinsUnchanged: 3Dolphins reads open and on hold alike (Open) but
// asking Open moves on hold to open; Closed on a final ticket is a no-op;
// Unassigned on an owned active ticket unassigns it (it is not a no-op).
func dolphinsUnchanged(tk *desk.Ticket, a ask) bool {
	if a.to == desk.StatusClosed {
		return tk.Status.Final()
	}
	return tk.Status == a.to
}

func dolphinsAnswer(t *testing.T, res *servertest.Response) (string, string, string) {
	if r := refusal(res.Status); r != "" {
		return r, "", string(res.Body)
	}
	var out struct {
		Data json.RawMessage `json:"data"`
	}
	res.JSON(t, &out)
	var doc struct{ Status string }
	if err := json.Unmarshal(out.Data, &doc); err != nil {
		var docs []struct{ Status string }
		if err := json.Unmarshal(out.Data, &docs); err != nil || len(docs) != 1 {
			t.Fatalf("3Dolphins answer: %s", res.Body)
		}
		doc = docs[0]
	}
	return "", doc.Status, string(res.Body)
}

// wantReads is the word the door's answer should read after an accepted
// change: what was asked, in the door's own words.
func wantReads(d statusDoor, a ask, o outcome) string {
	switch d.name {
	case "native":
		return string(o.status)
	case "bangwo8 update":
		if a.to == desk.StatusUnassigned && o.byOnline {
			return "2" // back in the queue, and routed at once to the online agent
		}
		return a.word
	case "3dolphins update":
		if a.to == desk.StatusUnassigned && o.byOnline {
			return "Assigned" // routed at once to the online agent
		}
		return a.word
	case "3dolphins close":
		return "Closed"
	}
	return ""
}

func TestStatusTransitions(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		te := newTransitionEnv(t, e)
		for _, d := range doors() {
			for _, f := range fromStates {
				for _, a := range d.asks {
					name := fmt.Sprintf("%s/%s->%s", d.name, f.name, a.word)
					te.check(t, name, d, f, a, false)
				}
			}
		}
		// Routed variant: a solved ticket nobody owns, reopened while an
		// agent with room is online, goes to that agent with the status
		// asked (a queue status becomes assigned: routing gave it out).
		// The tickets are made before the agent comes online.
		from := fromState{"solved-unowned", desk.StatusSolved, "", false}
		type routed struct {
			d  statusDoor
			a  ask
			tk *desk.Ticket
		}
		var cases []routed
		for _, d := range doors() {
			for _, a := range d.asks {
				if !a.to.Terminal() {
					cases = append(cases, routed{d, a, te.ticket(t, from)})
				}
			}
		}
		if _, err := te.Deps.Desk.SetPresence(te.ctx, te.Workspace.ID, te.online.ID, desk.PresenceOnline,
			desk.Actor{Kind: desk.ActorAgent, ID: te.online.ID}); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			te.checkTicket(t, fmt.Sprintf("%s/online/%s->%s", c.d.name, from.name, c.a.word), c.d, from, c.a, true, c.tk)
		}
	})
}

func (te *transitionEnv) check(t *testing.T, name string, d statusDoor, f fromState, a ask, online bool) {
	t.Helper()
	te.checkTicket(t, name, d, f, a, online, te.ticket(t, f))
}

func (te *transitionEnv) checkTicket(t *testing.T, name string, d statusDoor, f fromState, a ask, online bool, tk *desk.Ticket) {
	t.Helper()
	before := te.events(t, tk)
	var want outcome
	switch {
	case d.unchanged != nil && d.unchanged(tk, a):
		want = expect(f, f.status, f.reason, online)
	case a.unassigns && !f.status.Final():
		g := f
		g.owned = false
		want = expect(g, a.to, a.reason, online)
	default:
		want = expect(f, a.to, a.reason, online)
	}
	refused, reads, raw := d.send(t, te, tk, a.word)
	if refused != want.refused {
		t.Errorf("%s: refused=%q, want %q: %s", name, refused, want.refused, raw)
		return
	}
	got, err := te.Store.Ticket(te.ctx, te.Workspace.ID, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if refused != "" {
		// Nothing changed: the ticket and its event log are as before.
		if got.Status != tk.Status || got.AssigneeID != tk.AssigneeID || got.ClosedReason != tk.ClosedReason ||
			!got.UpdatedAt.Equal(tk.UpdatedAt) || te.events(t, tk) != before {
			t.Errorf("%s: refused but changed: %s/%s owner %q -> %s/%s owner %q", name,
				tk.Status, tk.ClosedReason, tk.AssigneeID, got.Status, got.ClosedReason, got.AssigneeID)
		}
		return
	}
	if got.Status != want.status || (want.reason != "" && got.ClosedReason != want.reason) {
		t.Errorf("%s: stored %s/%s, want %s/%s: %s", name, got.Status, got.ClosedReason, want.status, want.reason, raw)
	}
	if owned := got.AssigneeID != ""; owned != want.owned {
		t.Errorf("%s: owner %q, want owned=%v", name, got.AssigneeID, want.owned)
	}
	if want.byOnline && got.AssigneeID != te.online.ID {
		t.Errorf("%s: owner %q, want the online agent", name, got.AssigneeID)
	}
	if want.owned && !want.byOnline && f.owned && got.AssigneeID != tk.AssigneeID {
		t.Errorf("%s: owner changed %q -> %q", name, tk.AssigneeID, got.AssigneeID)
	}
	if q := te.queued(t, got); q != want.queued {
		t.Errorf("%s: in the queue=%v, want %v", name, q, want.queued)
	}
	if w := wantReads(d, a, want); w != "" && reads != w {
		t.Errorf("%s: the answer reads %q, want %q: %s", name, reads, w, raw)
	}
	if got.Status != tk.Status && te.events(t, tk) == before {
		t.Errorf("%s: status changed without an event", name)
	}
}

func (te *transitionEnv) events(t *testing.T, tk *desk.Ticket) int {
	t.Helper()
	evs, err := te.Store.Events(te.ctx, te.Workspace.ID, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func (te *transitionEnv) queued(t *testing.T, tk *desk.Ticket) bool {
	t.Helper()
	q, err := te.Store.Queue(te.ctx, te.Workspace.ID, tk.GroupID, nil, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range q {
		if x.ID == tk.ID {
			return true
		}
	}
	return false
}

// A customer who writes to a closed ticket gets a follow-up ticket, linked
// both ways, routed like a new one; the closed ticket does not change. A
// customer who writes to a solved ticket reopens it.
func TestFollowUpOnClosed(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		admin := desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID}
		c, err := e.Deps.Desk.CreateContact(ctx, e.Workspace.ID, desk.NewContact{Name: "Lucía", Email: "lucia@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "Billing", "")
		if err != nil {
			t.Fatal(err)
		}
		open := func(subject string) *desk.Ticket {
			tk, err := e.Deps.Desk.CreateTicket(ctx, e.Workspace.ID, admin, desk.NewTicket{Subject: subject, ContactID: c.ID,
				Channel: desk.ChannelEmail, GroupID: g.ID, Priority: desk.PriorityHigh, Tags: []string{"vip"},
				Message: &desk.NewMessage{Text: "first", Author: desk.Actor{Kind: desk.ActorContact, ID: c.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		write := func(tk *desk.Ticket) map[string]any {
			t.Helper()
			res := e.Do("POST", "/api/v1/tickets/"+tk.ID+"/messages",
				map[string]any{"text": "it broke again", "author": map[string]string{"kind": "contact"}}, servertest.Bearer(e.AdminToken))
			if res.Status != 201 {
				t.Fatalf("customer message: %d %s", res.Status, res.Body)
			}
			return res.Map(t)
		}

		closed := open("Refund")
		closedSt := desk.StatusClosed
		if closed, err = e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, closed.ID, admin, desk.TicketPatch{Status: &closedSt}); err != nil {
			t.Fatal(err)
		}
		before, _ := e.Store.Events(ctx, e.Workspace.ID, closed.ID)
		msg := write(closed)
		newID, _ := msg["ticket_id"].(string)
		if newID == "" || newID == closed.ID {
			t.Fatalf("message landed on ticket %q, want a follow-up of %s", newID, closed.ID)
		}
		old, err := e.Store.Ticket(ctx, e.Workspace.ID, closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.Status != desk.StatusClosed || !old.UpdatedAt.Equal(closed.UpdatedAt) {
			t.Errorf("closed ticket changed: %s, updated %v -> %v", old.Status, closed.UpdatedAt, old.UpdatedAt)
		}
		fu, err := e.Store.Ticket(ctx, e.Workspace.ID, newID)
		if err != nil {
			t.Fatal(err)
		}
		if fu.Subject != "Refund" || fu.ContactID != c.ID || fu.Channel != desk.ChannelEmail || fu.GroupID != g.ID ||
			fu.Priority != desk.PriorityHigh || strings.Join(fu.Tags, ",") != "vip" {
			t.Errorf("follow-up does not carry the old ticket's facts: %+v", fu)
		}
		if fu.Status != desk.StatusUnassigned || fu.AssigneeID != "" {
			t.Errorf("follow-up %s owned by %q, want waiting in the queue", fu.Status, fu.AssigneeID)
		}
		ms, _ := e.Store.Messages(ctx, e.Workspace.ID, fu.ID, desk.MessageFilter{})
		if len(ms) != 1 || ms[0].Text != "it broke again" || ms[0].Direction != desk.DirectionIn {
			t.Errorf("follow-up messages: %+v", ms)
		}
		after, _ := e.Store.Events(ctx, e.Workspace.ID, closed.ID)
		if len(after) != len(before)+1 || after[len(after)-1].Type != desk.EventFollowUp || after[len(after)-1].To != fu.ID {
			t.Errorf("closed ticket's events: %+v", after[len(before):])
		}
		fuEvents, _ := e.Store.Events(ctx, e.Workspace.ID, fu.ID)
		linked := false
		for _, ev := range fuEvents {
			linked = linked || (ev.Type == desk.EventFollowUp && ev.From == closed.ID)
		}
		if !linked {
			t.Errorf("follow-up's events do not name the closed ticket: %+v", fuEvents)
		}

		// A solved ticket reopens instead.
		solved := open("Shipping")
		solvedSt := desk.StatusSolved
		if _, err := e.Deps.Desk.UpdateTicket(ctx, e.Workspace.ID, solved.ID, admin, desk.TicketPatch{Status: &solvedSt}); err != nil {
			t.Fatal(err)
		}
		if msg := write(solved); msg["ticket_id"] != solved.ID {
			t.Errorf("reply to a solved ticket went to %v", msg["ticket_id"])
		}
		if got, _ := e.Store.Ticket(ctx, e.Workspace.ID, solved.ID); got.Status != desk.StatusOpen {
			t.Errorf("solved ticket after the customer wrote: %s, want open", got.Status)
		}
	})
}
