package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// testAdminRows: the rows behind the admin surface read back the same on
// every store — token prefixes, last use and keyset lists; deactivation;
// saved replies scoped by owner with their shortcut rule; group
// descriptions, ticket counts and deletes; contact merges.
func testAdminRows(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	other := newFixture(t, st, "other")
	now := time.Now().UTC().Truncate(time.Millisecond)
	update := func(fn func(tx desk.Tx) error) error { return st.Update(ctx, fn) }

	// Tokens: listed by id within the workspace, narrowed by agent.
	var ids []string
	for i, a := range []string{f.admin.ID, f.admin.ID, other.admin.ID} {
		ws := f.ws.ID
		if i == 2 {
			ws = other.ws.ID
		}
		tk := &desk.Token{ID: objectid.New(now), WorkspaceID: ws, AgentID: a, Hash: []byte{byte(i), 1, 2, 3},
			Label: "t", CreatedAt: now, Prefix: "tkd_abc12" + string(rune('0'+i))}
		if err := update(func(tx desk.Tx) error { return tx.CreateToken(ctx, tk) }); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	list, err := st.Tokens(ctx, f.ws.ID, desk.TokenFilter{Limit: 10})
	if err != nil || len(list) != 2 || list[0].ID != ids[0] || list[1].Prefix != "tkd_abc121" || !list[0].LastUsedAt.IsZero() {
		t.Fatalf("Tokens = %+v, %v", list, err)
	}
	if list, _ := st.Tokens(ctx, f.ws.ID, desk.TokenFilter{After: ids[0], Limit: 10}); len(list) != 1 || list[0].ID != ids[1] {
		t.Fatalf("Tokens after = %+v", list)
	}
	if list, _ := st.Tokens(ctx, f.ws.ID, desk.TokenFilter{AgentID: other.admin.ID, Limit: 10}); len(list) != 0 {
		t.Fatalf("another workspace's agent's tokens leak: %+v", list)
	}
	if err := update(func(tx desk.Tx) error { return tx.TouchToken(ctx, f.ws.ID, ids[0], now) }); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Token(ctx, f.ws.ID, ids[0]); err != nil || !got.LastUsedAt.Equal(now) {
		t.Fatalf("Token after touch = %+v, %v", got, err)
	}
	if _, err := st.Token(ctx, f.ws.ID, ids[2]); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("another workspace's token: %v", err)
	}
	var gone []string
	if err := update(func(tx desk.Tx) error { gone, err = tx.DeleteAgentTokens(ctx, f.ws.ID, f.admin.ID); return err }); err != nil || len(gone) != 2 {
		t.Fatalf("DeleteAgentTokens = %v, %v", gone, err)
	}

	// Deactivation round-trips.
	a, _ := st.Agent(ctx, f.ws.ID, f.admin.ID)
	a.DeactivatedAt = now
	if err := update(func(tx desk.Tx) error { return tx.UpdateAgent(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Agent(ctx, f.ws.ID, f.admin.ID); !got.DeactivatedAt.Equal(now) || got.Active() {
		t.Fatalf("deactivated agent reads %+v", got.DeactivatedAt)
	}
	if loads, _ := st.AgentLoads(ctx, f.ws.ID, ""); len(loads) != 1 || loads[0].Agent.Active() {
		t.Fatalf("AgentLoads = %+v", loads)
	}

	// Saved replies: shared and personal, shortcut unique per scope.
	mk := func(owner, shortcut string) (*desk.SavedReply, error) {
		r := &desk.SavedReply{ID: objectid.New(now), WorkspaceID: f.ws.ID, OwnerID: owner, Name: "n", Text: "hi {{contact.name}}",
			Shortcut: shortcut, CreatedAt: now, UpdatedAt: now}
		return r, update(func(tx desk.Tx) error { return tx.CreateSavedReply(ctx, r) })
	}
	shared, err := mk("", "hi")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := mk(f.admin.ID, "hi")
	if err != nil {
		t.Fatalf("same shortcut, personal: %v", err)
	}
	if _, err := mk("", "hi"); !errors.Is(err, desk.ErrConflict) {
		t.Fatalf("shortcut taken among shared: %v", err)
	} else if fe, ok := desk.AsFieldError(err); !ok || fe.Field != "shortcut" || fe.Code != desk.CodeTaken {
		t.Fatalf("shortcut taken reads %+v", fe)
	}
	if _, err := mk("", ""); err != nil {
		t.Fatalf("no shortcut twice: %v", err)
	}
	if rs, _ := st.SavedReplies(ctx, f.ws.ID, desk.SavedReplyFilter{Visible: "someone", Limit: 10}); len(rs) != 2 || rs[0].ID != shared.ID {
		t.Fatalf("someone else sees %+v", rs)
	}
	if rs, _ := st.SavedReplies(ctx, f.ws.ID, desk.SavedReplyFilter{Visible: f.admin.ID, After: shared.ID, Limit: 1}); len(rs) != 1 || rs[0].ID != mine.ID {
		t.Fatalf("owner's page 2 = %+v", rs)
	}
	mine.Text, mine.Shortcut, mine.UpdatedAt = "changed", "", now.Add(time.Second)
	if err := update(func(tx desk.Tx) error { return tx.UpdateSavedReply(ctx, mine) }); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SavedReply(ctx, f.ws.ID, mine.ID); err != nil || got.Text != "changed" || got.OwnerID != f.admin.ID || !got.UpdatedAt.Equal(mine.UpdatedAt) {
		t.Fatalf("SavedReply = %+v, %v", got, err)
	}
	if err := update(func(tx desk.Tx) error { return tx.DeleteSavedReply(ctx, f.ws.ID, mine.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SavedReply(ctx, f.ws.ID, mine.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("deleted reply: %v", err)
	}
	if _, err := st.SavedReply(ctx, other.ws.ID, shared.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("another workspace's reply: %v", err)
	}

	// Groups: description, tickets counted, delete.
	f.group.Description = "front line"
	if err := update(func(tx desk.Tx) error { return tx.UpdateGroup(ctx, f.group) }); err != nil {
		t.Fatal(err)
	}
	if g, _ := st.Group(ctx, f.ws.ID, f.group.ID); g.Description != "front line" {
		t.Fatalf("description %q", g.Description)
	}
	f.ticket(t, desk.NewTicket{Subject: "in cs", GroupID: f.group.ID})
	if n, err := st.GroupTickets(ctx, f.ws.ID, f.group.ID); err != nil || n != 1 {
		t.Fatalf("GroupTickets = %d, %v", n, err)
	}
	empty := &desk.Group{ID: objectid.New(now), WorkspaceID: f.ws.ID, Name: "empty", CreatedAt: now}
	if err := update(func(tx desk.Tx) error { return tx.CreateGroup(ctx, empty) }); err != nil {
		t.Fatal(err)
	}
	if err := update(func(tx desk.Tx) error { return tx.DeleteGroup(ctx, f.ws.ID, empty.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Group(ctx, f.ws.ID, empty.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("deleted group: %v", err)
	}

	// Contact merge: identities, details and tickets move; from is gone.
	dup, err := f.svc.CreateContact(ctx, f.ws.ID, desk.NewContact{Name: "A. P.", Email: "other@x.test",
		ExternalID: "crm-9", Identities: []desk.Identity{{Channel: desk.ChannelTelegram, ExternalID: "tg-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	tk := f.ticket(t, desk.NewTicket{Subject: "dup's", ContactID: dup.ID})
	var moved int64
	if err := update(func(tx desk.Tx) error {
		moved, err = tx.MergeContact(ctx, f.ws.ID, f.contact.ID, dup.ID, "test", now)
		return err
	}); err != nil || moved != 1 {
		t.Fatalf("MergeContact = %d, %v", moved, err)
	}
	got, err := st.Contact(ctx, f.ws.ID, f.contact.ID)
	if err != nil || got.Email != f.contact.Email || got.ExternalID != "crm-9" || len(got.Identities) != 3 || got.Identities[2].ExternalID != "tg-1" {
		t.Fatalf("survivor = %+v, %v", got, err)
	}
	if _, err := st.Contact(ctx, f.ws.ID, dup.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("merged contact: %v", err)
	}
	if moved, _ := st.Ticket(ctx, f.ws.ID, tk.ID); moved.ContactID != f.contact.ID {
		t.Fatalf("ticket's contact %s", moved.ContactID)
	}
}
