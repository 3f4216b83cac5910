package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// testInvitations: an invitation round-trips, one agent has one open
// invitation (a new one revokes the old), and of many requests racing to
// accept one token exactly one wins (migration 0033).
func testInvitations(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	admin := desk.Caller{AgentID: f.admin.ID, Role: desk.RoleAdmin}
	a, tok, inv, err := f.svc.InviteAgent(ctx, f.ws.ID, admin, desk.NewAgent{Name: "Li", Email: "li@acme.test", PasswordHash: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	if a.PasswordHash != "" || len(tok) != 43 || !bytes.Equal(inv.Hash, desk.HashInvitation(tok)) {
		t.Fatalf("invited agent %+v, token %q", a, tok)
	}
	got, err := st.InvitationByHash(ctx, desk.HashInvitation(tok))
	if err != nil || got.ID != inv.ID || got.AgentID != a.ID || got.CreatedBy != f.admin.ID || !got.ExpiresAt.Equal(inv.ExpiresAt) ||
		!got.UsedAt.IsZero() || !got.RevokedAt.IsZero() {
		t.Fatalf("InvitationByHash = %+v, %v; want %+v", got, err, inv)
	}
	if _, _, _, err := f.svc.InviteAgent(ctx, f.ws.ID, desk.Caller{AgentID: f.admin.ID, Role: desk.RoleSupervisor},
		desk.NewAgent{Name: "Mo", Email: "mo@acme.test"}); !errors.Is(err, desk.ErrForbidden) {
		t.Fatalf("a supervisor invites: %v", err)
	}
	if ags, _ := st.AgentsByEmail(ctx, "mo@acme.test"); len(ags) != 0 {
		t.Fatal("a refused invitation left its agent behind")
	}
	// A new link revokes the old one.
	tok2, _, _, err := f.svc.Invite(ctx, f.ws.ID, admin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old, _ := st.InvitationByHash(ctx, desk.HashInvitation(tok)); old.RevokedAt.IsZero() {
		t.Fatal("the old invitation is still open")
	}
	open, err := st.OpenInvitations(ctx, f.ws.ID, a.ID)
	if err != nil || len(open) != 1 {
		t.Fatalf("OpenInvitations = %+v, %v", open, err)
	}
	if _, _, err := f.svc.Invitation(ctx, tok); !errors.Is(err, desk.ErrInvitationGone) {
		t.Fatalf("the revoked link: %v", err)
	}
	if _, _, err := f.svc.Invitation(ctx, "never-issued"); !errors.Is(err, desk.ErrNotFound) || errors.Is(err, desk.ErrInvitationGone) {
		t.Fatalf("an unknown link: %v", err)
	}
	// Eight racing accepts of one token: one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, gone := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.AcceptInvitation(ctx, tok2, "", "hash")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, desk.ErrInvitationGone):
				gone++
			default:
				t.Errorf("accept: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || gone != 7 {
		t.Fatalf("racing accepts: %d won, %d gone", won, gone)
	}
	if a, _ := st.Agent(ctx, f.ws.ID, a.ID); a.PasswordHash != "hash" {
		t.Fatalf("the accepted agent's password: %q", a.PasswordHash)
	}
	if err := f.svc.RevokeInvitation(ctx, f.ws.ID, admin, a.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("revoke without an open invitation: %v", err)
	}
}

// testFlashes: a flash is taken once, only by its session, only while live.
func testFlashes(t *testing.T, st desk.Store) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	put := func(hash, sess string, exp time.Time) {
		t.Helper()
		err := st.Update(ctx, func(tx desk.Tx) error {
			return tx.(desk.FlashWriter).PutFlash(ctx, &desk.Flash{Hash: []byte(hash), SessionHash: []byte(sess), Sealed: []byte("sealed " + hash), ExpiresAt: exp}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	take := func(hash, sess string) (*desk.Flash, error) {
		var f *desk.Flash
		err := st.Update(ctx, func(tx desk.Tx) (err error) {
			f, err = tx.(desk.FlashWriter).TakeFlash(ctx, []byte(hash), []byte(sess), now)
			return err
		})
		return f, err
	}
	put("one", "s1", now.Add(time.Minute))
	put("old", "s1", now.Add(-time.Second))
	if _, err := take("one", "s2"); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("another session takes it: %v", err)
	}
	if f, err := take("one", "s1"); err != nil || string(f.Sealed) != "sealed one" {
		t.Fatalf("TakeFlash = %+v, %v", f, err)
	}
	if _, err := take("one", "s1"); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("taken twice: %v", err)
	}
	if _, err := take("old", "s1"); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("an expired flash: %v", err)
	}
}
