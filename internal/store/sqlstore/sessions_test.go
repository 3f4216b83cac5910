package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestSessions: the desk's sessions and login failures, on both stores.
func TestSessions(t *testing.T) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			st := be.Open(t)
			d := desk.NewService(st)
			ws, admin, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "$argon2id$stub")
			if err != nil {
				t.Fatal(err)
			}
			write := func(fn func(desk.SessionWriter) error) {
				t.Helper()
				if err := st.Update(ctx, func(tx desk.Tx) error { return fn(tx.(desk.SessionWriter)) }); err != nil {
					t.Fatal(err)
				}
			}
			sr := st.(desk.SessionReader)
			h := sha256.Sum256([]byte("session-id"))
			now := time.UnixMilli(time.Now().UnixMilli()).UTC()
			s := &desk.Session{Hash: h[:], WorkspaceID: ws.ID, AgentID: admin.ID, CSRF: "tok", CreatedAt: now, SeenAt: now,
				PasswordMark: desk.PasswordMark("$argon2id$stub"),
				ExpiresAt:    now.Add(time.Hour)}
			write(func(sw desk.SessionWriter) error { return sw.CreateSession(ctx, s) })
			got, err := sr.SessionByHash(ctx, h[:])
			if err != nil || got.AgentID != admin.ID || got.CSRF != "tok" || got.Role != desk.RoleAdmin || !got.ExpiresAt.Equal(s.ExpiresAt) {
				t.Fatalf("session: %v %+v", err, got)
			}
			// SessionVisit: the same session, and the workspace's versions
			// as DirectoryVersion and LastEventSeq read them, moving with
			// them.
			visit := func(when string) desk.Versions {
				t.Helper()
				vs, ver, err := sr.SessionVisit(ctx, h[:])
				if err != nil || vs.AgentID != admin.ID || vs.CSRF != "tok" || vs.Role != desk.RoleAdmin || !vs.ExpiresAt.Equal(s.ExpiresAt) {
					t.Fatalf("%s: session visit: %v %+v", when, err, vs)
				}
				dv, err1 := st.DirectoryVersion(ctx, ws.ID)
				seq, err2 := st.LastEventSeq(ctx, ws.ID)
				if err1 != nil || err2 != nil || ver.Directory != dv || ver.LastEventSeq != seq {
					t.Fatalf("%s: versions %+v, want %+v and seq %d (%v %v)", when, ver, dv, seq, err1, err2)
				}
				return ver
			}
			v0 := visit("at first")
			if _, err := d.CreateGroup(ctx, ws.ID, "Billing", ""); err != nil {
				t.Fatal(err)
			}
			if v1 := visit("after a new group"); v1.Directory.Directory <= v0.Directory.Directory {
				t.Errorf("directory version %d after a new group, was %d", v1.Directory.Directory, v0.Directory.Directory)
			}
			if _, err := d.CreateTicket(ctx, ws.ID, desk.Actor{Kind: desk.ActorAgent, ID: admin.ID},
				desk.NewTicket{Subject: "hello", Channel: desk.ChannelEmail}); err != nil {
				t.Fatal(err)
			}
			if v2 := visit("after a new ticket"); v2.LastEventSeq <= v0.LastEventSeq {
				t.Errorf("last event seq %d after a new ticket, was %d", v2.LastEventSeq, v0.LastEventSeq)
			}
			if _, _, err := sr.SessionVisit(ctx, []byte("no such session")); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("visit of no session: %v", err)
			}

			later := now.Add(5 * time.Minute)
			write(func(sw desk.SessionWriter) error { return sw.TouchSession(ctx, h[:], later) })
			if got, _ := sr.SessionByHash(ctx, h[:]); !got.SeenAt.Equal(later) {
				t.Errorf("seen %v after touch, want %v", got.SeenAt, later)
			}
			// A new password ends the session; so does none (deactivation).
			other := "$argon2id$other"
			if _, err := d.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{PasswordHash: &other}); err != nil {
				t.Fatal(err)
			}
			if _, err := sr.SessionByHash(ctx, h[:]); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("session after a password change: %v", err)
			}
			back := "$argon2id$stub"
			if _, err := d.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{PasswordHash: &back}); err != nil {
				t.Fatal(err)
			}
			if _, err := sr.SessionByHash(ctx, h[:]); err != nil {
				t.Fatalf("session with the password back: %v", err)
			}
			empty := ""
			if _, err := d.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{PasswordHash: &empty}); err != nil {
				t.Fatal(err)
			}
			if _, err := sr.SessionByHash(ctx, h[:]); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("session of a deactivated agent: %v", err)
			}
			write(func(sw desk.SessionWriter) error { return sw.DeleteSession(ctx, h[:]) })

			// Failures: counted within the window, the oldest reported,
			// old ones dropped as new ones come, cleared on demand.
			for i := range 3 {
				at := now.Add(time.Duration(i) * 20 * time.Second)
				write(func(sw desk.SessionWriter) error { return sw.AddLoginFailure(ctx, "k", at, at.Add(-time.Minute)) })
			}
			n, oldest, err := sr.LoginFailures(ctx, "k", now.Add(40*time.Second-time.Minute))
			if err != nil || n != 3 || !oldest.Equal(now) {
				t.Fatalf("failures: %d %v %v", n, oldest, err)
			}
			if n, _, _ := sr.LoginFailures(ctx, "k", now.Add(10*time.Second)); n != 2 {
				t.Errorf("failures after +10s: %d, want 2", n)
			}
			if n, _, _ := sr.LoginFailures(ctx, "other", now.Add(-time.Hour)); n != 0 {
				t.Errorf("another key: %d", n)
			}
			write(func(sw desk.SessionWriter) error { return sw.ClearLoginFailures(ctx, "k") })
			if n, _, _ := sr.LoginFailures(ctx, "k", now.Add(-time.Hour)); n != 0 {
				t.Errorf("after clear: %d", n)
			}
		})
	}
}
