package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// testMailboxLease: one claim at a time while the lease lives, a fenced
// advance for a lost lease, a watermark that never goes back under one
// UIDVALIDITY and is reset under another, and a release.
func testMailboxLease(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	t0 := time.UnixMilli(1_796_000_000_000)
	claim := func(who string, now time.Time) (*desk.MailboxState, bool) {
		t.Helper()
		var m *desk.MailboxState
		var ok bool
		err := st.Update(ctx, func(tx desk.Tx) (err error) {
			m, ok, err = tx.ClaimMailbox(ctx, f.ws.ID, "acct1", "INBOX", who, now, now.Add(time.Minute))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m, ok
	}
	advance := func(who string, validity, uid uint32, now time.Time) error {
		return st.Update(ctx, func(tx desk.Tx) error {
			return tx.AdvanceMailbox(ctx, "acct1", "INBOX", who, validity, uid, now, now.Add(time.Minute))
		})
	}
	if _, err := st.Mailbox(ctx, "acct1", "INBOX"); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("Mailbox before any claim: %v", err)
	}
	if m, ok := claim("a", t0); !ok || m.LastUID != 0 || m.UIDValidity != 0 || m.WorkspaceID != f.ws.ID {
		t.Fatalf("first claim = %+v %v", m, ok)
	}
	if _, ok := claim("b", t0.Add(time.Second)); ok {
		t.Fatal("b claimed a mailbox a holds")
	}
	if err := advance("a", 7, 10, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := advance("b", 7, 12, t0.Add(3*time.Second)); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("advance by a non-holder: %v", err)
	}
	// a's lease (renewed at +2s) ran out: b takes the mailbox over.
	m, ok := claim("b", t0.Add(2*time.Minute))
	if !ok || m.LastUID != 10 || m.UIDValidity != 7 || m.ClaimedBy != "b" {
		t.Fatalf("claim after the lease = %+v %v", m, ok)
	}
	if err := advance("a", 7, 11, t0.Add(2*time.Minute)); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("late advance by a: %v", err)
	}
	if err := advance("b", 7, 5, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Mailbox(ctx, "acct1", "INBOX"); m.LastUID != 10 {
		t.Fatalf("watermark went back to %d", m.LastUID)
	}
	if err := advance("b", 8, 3, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Mailbox(ctx, "acct1", "INBOX"); m.LastUID != 3 || m.UIDValidity != 8 {
		t.Fatalf("after a new UIDVALIDITY: %+v", m)
	}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.ReleaseMailbox(ctx, "acct1", "INBOX", "b") }); err != nil {
		t.Fatal(err)
	}
	if m, ok := claim("c", t0.Add(2*time.Minute)); !ok || m.LastUID != 3 {
		t.Fatalf("claim after release = %+v %v", m, ok)
	}
}
