package seed_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/search"
	"github.com/ticketd/ticketd/internal/seed"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// loader is the bulk path `ticketd seed` uses for st: COPY on PostgreSQL.
func loader(t testing.TB, st desk.Store) desk.BulkLoader {
	s := st.(*sqlstore.Store)
	if s.Backend() == "postgres" {
		return postgres.BulkLoader(s)
	}
	return s
}

func services(st desk.Store) (*desk.Service, *auth.Service) {
	d := desk.NewService(st)
	a := auth.NewService(d)
	a.Hasher = auth.Hasher{Memory: 64, Time: 1}
	return d, a
}

var until = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func opts() seed.Options {
	return seed.Options{Workspace: "acme bench", Tickets: 300, MessagesPerTicket: 3, Agents: 4, Groups: 2,
		Contacts: 80, Seed: 7, Until: until, Days: 30, Batch: 70}
}

func allTickets(t *testing.T, st desk.Store, ws string) []desk.Ticket {
	t.Helper()
	var out []desk.Ticket
	f := desk.TicketFilter{Order: desk.OrderNumberAsc, Limit: 1000}
	for {
		page, err := st.Tickets(context.Background(), ws, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out
		}
		f.After = &desk.Cursor{Key: page[len(page)-1].Number, Number: page[len(page)-1].Number}
	}
}

func TestSeed(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			d, a := services(st)
			res, err := seed.Run(ctx, d, a, loader(t, st), opts())
			if err != nil {
				t.Fatal(err)
			}
			ws := res.WorkspaceID
			if res.Tickets != 300 || res.Messages != 900 || res.Contacts != 80 || res.FirstTicket != 1 || res.LastTicket != 300 {
				t.Fatalf("result counts: %+v", res)
			}
			n, err := st.CountTickets(ctx, ws, desk.TicketFilter{})
			if err != nil || n != 300 {
				t.Fatalf("stored tickets = %d, %v", n, err)
			}
			if len(res.Agents) != 4 || res.Agents[0].Token == "" || len(res.GroupIDs) != 2 || len(res.TicketIDs) != 300 || len(res.ContactIDs) != 80 {
				t.Fatalf("result ids: %d agents, %d groups, %d tickets, %d contacts", len(res.Agents), len(res.GroupIDs), len(res.TicketIDs), len(res.ContactIDs))
			}
			for _, tok := range []string{res.AdminToken, res.Agents[3].Token} {
				if p, err := a.Token(ctx, tok); err != nil || p.WorkspaceID != ws {
					t.Fatalf("token %q: %v %+v", tok, err, p)
				}
			}

			tickets := allTickets(t, st, ws)
			statuses := map[desk.Status]int{}
			langs := map[string]bool{}
			for i := range tickets {
				tk := &tickets[i]
				statuses[tk.Status]++
				if tk.ID != res.TicketIDs[i] {
					t.Fatalf("ticket %d id %s, result says %s", tk.Number, tk.ID, res.TicketIDs[i])
				}
				if ts, _ := objectid.Time(tk.ID); !ts.Equal(tk.CreatedAt.Truncate(time.Second)) {
					t.Errorf("ticket %d: id time %v, created %v", tk.Number, ts, tk.CreatedAt)
				}
				if tk.CreatedAt.After(until) || tk.UpdatedAt.Before(tk.CreatedAt) || tk.UpdatedAt.After(until) {
					t.Errorf("ticket %d: created %v updated %v", tk.Number, tk.CreatedAt, tk.UpdatedAt)
				}
				if (tk.Status == desk.StatusUnassigned) != (tk.AssigneeID == "") {
					t.Errorf("ticket %d: status %s with assignee %q", tk.Number, tk.Status, tk.AssigneeID)
				}
				if tk.Status == desk.StatusClosed && tk.ClosedAt.IsZero() {
					t.Errorf("ticket %d closed without a closing time", tk.Number)
				}
				if tk.ContactID == "" || tk.Subject == "" || tk.Description == "" {
					t.Errorf("ticket %d: contact %q subject %q description %q", tk.Number, tk.ContactID, tk.Subject, tk.Description)
				}
				for _, r := range tk.Subject {
					switch {
					case r >= 0x4e00 && r <= 0x9fff:
						langs["zh"] = true
					case r == 'ñ' || r == 'ó' || r == 'é':
						langs["es"] = true
					}
				}
			}
			if len(statuses) < 5 || !langs["zh"] {
				t.Errorf("too little variety: statuses %v, languages %v", statuses, langs)
			}

			// Messages, events, tags and identities are where readers look.
			tk := tickets[len(tickets)-1]
			msgs, err := st.Messages(ctx, ws, tk.ID, desk.MessageFilter{})
			if err != nil || len(msgs) != 3 || msgs[0].Text != tk.Description || msgs[0].Direction != desk.DirectionIn {
				t.Fatalf("messages of the newest ticket: %v %+v", err, msgs)
			}
			evs, err := st.Events(ctx, ws, tk.ID)
			if err != nil || len(evs) < 5 || evs[0].Type != desk.EventCreated {
				t.Fatalf("events of the newest ticket: %v %+v", err, evs)
			}
			tagged := 0
			for _, tk := range tickets {
				if len(tk.Tags) > 0 {
					got, err := st.Tickets(ctx, ws, desk.TicketFilter{Tag: tk.Tags[0], Numbers: []int64{tk.Number}})
					if err != nil || len(got) != 1 {
						t.Fatalf("ticket %d not found by its tag %q: %v", tk.Number, tk.Tags[0], err)
					}
					tagged++
				}
			}
			if tagged == 0 {
				t.Error("no ticket has tags")
			}
			ct, err := st.Contact(ctx, ws, res.ContactIDs[5])
			if err != nil || len(ct.Identities) == 0 || ct.Name == "" {
				t.Fatalf("contact: %v %+v", err, ct)
			}
			found, err := st.Contacts(ctx, ws, desk.ContactFilter{Identity: &ct.Identities[0]})
			if err != nil || len(found) != 1 || found[0].ID != ct.ID {
				t.Fatalf("contact by identity: %v %+v", err, found)
			}

			// Bulk-loaded tickets are in the search index like any other.
			for _, tk := range tickets[len(tickets)-20:] {
				word, _, ok := strings.Cut(tk.Subject, " ")
				if !ok {
					continue
				}
				q, err := search.Parse(word+" number:"+strconv.FormatInt(tk.Number, 10), search.Options{})
				if err != nil {
					t.Fatal(err)
				}
				page, err := d.Search(ctx, ws, "", q, desk.SearchPage{Limit: 5})
				if err != nil || len(page.Tickets) != 1 || page.Tickets[0].ID != tk.ID {
					t.Fatalf("search %q for ticket %d: %v %+v", word, tk.Number, err, page)
				}
			}

			// An agent's inbox holds only its active tickets, newest first.
			me := res.Agents[0].ID
			inbox, err := st.Tickets(ctx, ws, desk.TicketFilter{AssigneeID: me, Statuses: desk.ActiveStatuses, Limit: 25})
			if err != nil || len(inbox) == 0 {
				t.Fatalf("inbox: %v, %d rows", err, len(inbox))
			}
			for i, x := range inbox {
				if x.AssigneeID != me || !slices.Contains(desk.ActiveStatuses, x.Status) || i > 0 && x.Number > inbox[i-1].Number {
					t.Fatalf("inbox row %d: %+v", i, x)
				}
			}

			// Numbers continue after the bulk load, through the use cases.
			nt, err := d.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "after seed", ContactID: res.ContactIDs[0],
				Message: &desk.NewMessage{Text: "hola"}})
			if err != nil || nt.Number != 301 {
				t.Fatalf("ticket after seed: %v, number %v", err, nt)
			}
			nm, err := st.Messages(ctx, ws, nt.ID, desk.MessageFilter{})
			if err != nil || len(nm) != 1 || nm[0].Number != 901 {
				t.Fatalf("message after seed: %v %+v", err, nm)
			}
			nc, err := d.CreateContact(ctx, ws, desk.NewContact{Name: "after"})
			if err != nil || nc.Number != 81 {
				t.Fatalf("contact after seed: %v %+v", err, nc)
			}

			// A second run appends to the same workspace.
			o := opts()
			o.Tickets, o.Contacts = 40, 10
			res2, err := seed.Run(ctx, d, a, loader(t, st), o)
			if err != nil {
				t.Fatal(err)
			}
			if res2.WorkspaceID != ws || res2.FirstTicket != 302 || res2.LastTicket != 341 || len(res2.Agents) != 4 {
				t.Fatalf("second run: %+v", res2)
			}
			if n, _ := st.CountTickets(ctx, ws, desk.TicketFilter{}); n != 341 {
				t.Fatalf("after second run: %d tickets", n)
			}
		})
	}
}

// TestSeedDeterministic: the same options make the same rows, ids included.
func TestSeedDeterministic(t *testing.T) {
	ctx := context.Background()
	var runs [2][]desk.Ticket
	for i := range runs {
		st := storetest.OpenSQLite(t)
		d, a := services(st)
		res, err := seed.Run(ctx, d, a, loader(t, st), opts())
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = allTickets(t, st, res.WorkspaceID)
		for j := range runs[i] {
			tk := &runs[i][j]
			// Group and agent ids come from the use cases, not the generator.
			tk.WorkspaceID, tk.GroupID, tk.AssigneeID, tk.ClosedBy, tk.SupervisorID = "", "", "", desk.Actor{}, ""
		}
	}
	if len(runs[0]) != 300 {
		t.Fatalf("%d tickets", len(runs[0]))
	}
	for j := range runs[0] {
		a, b := runs[0][j], runs[1][j]
		if a.ID != b.ID || a.Subject != b.Subject || a.Status != b.Status || !a.CreatedAt.Equal(b.CreatedAt) ||
			a.ContactID != b.ContactID || !slices.Equal(a.Tags, b.Tags) || a.Description != b.Description {
			t.Fatalf("ticket %d differs:\n%+v\n%+v", j, a, b)
		}
	}
}

func TestSeedRejectsBadOptions(t *testing.T) {
	st := storetest.OpenSQLite(t)
	d, a := services(st)
	for _, o := range []seed.Options{
		{},
		{Workspace: "  "},
		{Workspace: "x", Tickets: -1},
		{Workspace: "x", MessagesPerTicket: 201},
	} {
		if _, err := seed.Run(context.Background(), d, a, st.(*sqlstore.Store), o); !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("%+v: err %v, want ErrInvalid", o, err)
		}
	}
	if _, err := st.WorkspaceByName(context.Background(), "x"); !errors.Is(err, desk.ErrNotFound) {
		t.Errorf("bad options created a workspace: %v", err)
	}
}
