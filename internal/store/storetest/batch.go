package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// testBatch holds each desk.BatchReader answer to the one-at-a-time read
// it replaces, over more tickets than one query takes, with missing,
// empty, repeated and foreign ids.
func testBatch(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	other := newFixture(t, st, "globex")
	foreign := other.ticket(t, desk.NewTicket{Subject: "theirs", Message: &desk.NewMessage{Text: "hidden"}})
	bob, err := f.svc.CreateContact(ctx, f.ws.ID, desk.NewContact{Name: "Bob", Email: "bob@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Ag", Email: "ag@acme.test", Role: desk.RoleAgent,
		GroupIDs: []string{f.group.ID}, Meta: map[string]map[string]json.RawMessage{"door": {"scopes": json.RawMessage(`["x"]`)}}})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := f.svc.CreateChannelAccount(ctx, f.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, Name: "wa", UID: "+561"})
	if err != nil {
		t.Fatal(err)
	}

	// 70 tickets (over two message queries of 32), each with as many messages
	// as its index mod 4, every third private, the first reply of ticket 5
	// with an attachment; ticket 6 also gets a status change.
	const n = 70
	var ids []string
	for i := range n {
		in := desk.NewTicket{Subject: fmt.Sprintf("t%d", i), NoRoute: true}
		if i%2 == 1 {
			in.ContactID = bob.ID
		}
		tk := f.ticket(t, in)
		ids = append(ids, tk.ID)
		for j := range i % 4 {
			m := desk.NewMessage{Text: fmt.Sprintf("m%d.%d", i, j), Author: desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID}}
			if j%3 == 2 {
				m.Public = new(bool)
			}
			if i == 5 && j == 0 {
				now := time.Now().UTC().Truncate(time.Millisecond)
				att := &desk.Attachment{ID: objectid.New(now), WorkspaceID: f.ws.ID, Token: "batch-tok", FileName: "a.png",
					ContentType: "image/png", Size: 10, Path: "ab/cd.png", CreatedAt: now}
				if err := st.Update(ctx, func(tx desk.Tx) error { return tx.CreateAttachment(ctx, att) }); err != nil {
					t.Fatal(err)
				}
				m.Attachments = []string{"batch-tok"}
			}
			if _, _, err := f.svc.AddMessage(ctx, f.ws.ID, tk.ID, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	pending := desk.StatusPending
	if _, err := f.svc.UpdateTicket(ctx, f.ws.ID, ids[6], desk.System, desk.TicketPatch{Status: &pending, Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	missing := objectid.New(time.Now())
	asked := append([]string{"", missing, foreign.ID, ids[3]}, ids...)

	for _, mf := range []desk.MessageFilter{{}, {PublicOnly: true, NewestFirst: true, Limit: 1}, {NewestFirst: true, Limit: 2},
		{PublicOnly: true, Limit: 20}} {
		got, err := st.MessagesByTicket(ctx, f.ws.ID, asked, mf)
		if err != nil {
			t.Fatalf("MessagesByTicket(%+v): %v", mf, err)
		}
		sawAttachment := false
		for _, id := range ids {
			want, err := st.Messages(ctx, f.ws.ID, id, mf)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				if _, ok := got[id]; ok {
					t.Fatalf("MessagesByTicket(%+v) has an entry for ticket %s without messages", mf, id)
				}
				continue
			}
			if !reflect.DeepEqual(got[id], want) {
				t.Fatalf("MessagesByTicket(%+v)[%s] =\n%+v\nMessages =\n%+v", mf, id, got[id], want)
			}
			for _, m := range want {
				sawAttachment = sawAttachment || len(m.Attachments) > 0
			}
		}
		if len(got) > n || got[foreign.ID] != nil || got[missing] != nil {
			t.Fatalf("MessagesByTicket(%+v) answers %d tickets, foreign %v, missing %v", mf, len(got), got[foreign.ID], got[missing])
		}
		if !sawAttachment {
			t.Fatalf("MessagesByTicket(%+v): no attachment seen", mf)
		}
	}

	evs, err := st.EventsByTicket(ctx, f.ws.ID, asked)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		want, err := st.Events(ctx, f.ws.ID, id)
		if err != nil || len(want) == 0 {
			t.Fatalf("Events(%s) = %d events, %v", id, len(want), err)
		}
		if !reflect.DeepEqual(evs[id], want) {
			t.Fatalf("EventsByTicket[%s] = %+v, Events = %+v", id, evs[id], want)
		}
	}
	if len(evs) != n {
		t.Fatalf("EventsByTicket answers %d tickets, want %d", len(evs), n)
	}

	cts, err := st.ContactsByID(ctx, f.ws.ID, []string{f.contact.ID, "", bob.ID, missing, other.contact.ID, bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(cts) != 2 {
		t.Fatalf("ContactsByID answers %d contacts, want 2", len(cts))
	}
	for _, id := range []string{f.contact.ID, bob.ID} {
		want, err := st.Contact(ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cts[id], want) {
			t.Fatalf("ContactsByID[%s] = %+v, Contact = %+v", id, cts[id], want)
		}
	}
	if len(cts[f.contact.ID].Identities) != 2 {
		t.Fatalf("ContactsByID lost identities: %+v", cts[f.contact.ID])
	}

	ags, err := st.AgentsByID(ctx, f.ws.ID, []string{agent.ID, f.admin.ID, other.admin.ID, missing, agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(ags) != 2 {
		t.Fatalf("AgentsByID answers %d agents, want 2", len(ags))
	}
	for _, id := range []string{agent.ID, f.admin.ID} {
		want, err := st.Agent(ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ags[id], want) {
			t.Fatalf("AgentsByID[%s] = %+v, Agent = %+v", id, ags[id], want)
		}
	}

	acs, err := st.ChannelAccountsByID(ctx, f.ws.ID, []string{acct.ID, missing, ""})
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.ChannelAccount(ctx, f.ws.ID, acct.ID)
	if err != nil || len(acs) != 1 || !reflect.DeepEqual(acs[acct.ID], want) {
		t.Fatalf("ChannelAccountsByID = %+v (%v), ChannelAccount = %+v", acs, err, want)
	}

	for name, call := range map[string]func() (int, error){
		"ContactsByID": func() (int, error) { m, err := st.ContactsByID(ctx, f.ws.ID, nil); return len(m), err },
		"AgentsByID":   func() (int, error) { m, err := st.AgentsByID(ctx, f.ws.ID, []string{""}); return len(m), err },
		"MessagesByTicket": func() (int, error) {
			m, err := st.MessagesByTicket(ctx, f.ws.ID, nil, desk.MessageFilter{})
			return len(m), err
		},
		"EventsByTicket": func() (int, error) { m, err := st.EventsByTicket(ctx, other.ws.ID, ids); return len(m), err },
	} {
		if got, err := call(); err != nil || got != 0 {
			t.Fatalf("%s of nothing = %d, %v", name, got, err)
		}
	}
}
