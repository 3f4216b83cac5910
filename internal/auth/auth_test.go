package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

var cheap = Hasher{Memory: 64, Time: 1}

func TestHashVerify(t *testing.T) {
	h, err := cheap.Hash("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash = %q", h)
	}
	if !Verify(h, "s3cret") || Verify(h, "s3cret ") || Verify(h, "") {
		t.Fatal("Verify wrong")
	}
	h2, _ := cheap.Hash("s3cret")
	if h == h2 {
		t.Fatal("hashes are not salted")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", "$argon2id$v=19$m=x$a$b"} {
		if Verify(bad, "s3cret") {
			t.Errorf("Verify(%q) accepted", bad)
		}
	}
	if _, err := cheap.Hash(""); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("empty password: %v", err)
	}
}

func TestTokensAndLogin(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			d := desk.NewService(b.Open(t))
			s := NewService(d)
			s.Hasher = cheap
			hash, _ := cheap.Hash("pw")
			ws, admin, err := d.NewWorkspace(ctx, "acme", "", "A", "a@x.io", hash)
			if err != nil {
				t.Fatal(err)
			}
			ws2, _, _ := d.NewWorkspace(ctx, "globex", "", "A", "a@x.io", hash)
			// The same email in two workspaces: the workspace name picks.
			a, err := s.Login(ctx, "A@X.io", "pw", "globex")
			if err != nil || a.WorkspaceID != ws2.ID {
				t.Fatalf("Login(globex) = %v, %v", a, err)
			}
			if _, err := s.Login(ctx, "a@x.io", "wrong", ""); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("wrong password: %v", err)
			}
			tok, rec, err := s.IssueToken(ctx, admin, "t", time.Hour)
			if err != nil || !strings.HasPrefix(tok, TokenPrefix) || string(rec.Hash) == tok {
				t.Fatalf("IssueToken = %q %+v %v", tok, rec, err)
			}
			p, err := s.Token(ctx, tok)
			if err != nil || p.WorkspaceID != ws.ID || p.Role != desk.RoleAdmin || !p.Can(desk.RoleSupervisor) {
				t.Fatalf("Token = %+v, %v", p, err)
			}
			if _, err := s.Token(ctx, tok+"x"); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("altered token: %v", err)
			}
			// Expiry is checked against the desk clock.
			d.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
			s.cache = nil
			if _, err := s.Token(ctx, tok); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("expired token: %v", err)
			}
			d.Now = time.Now
			forever, rec2, _ := s.IssueToken(ctx, admin, "t", 0)
			if _, err := s.Token(ctx, forever); err != nil {
				t.Fatal(err)
			}
			if err := s.Revoke(ctx, ws.ID, rec2.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Token(ctx, forever); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("revoked token still works: %v", err)
			}
			// Basic auth: password checked once, then cached.
			p, err = s.Password(ctx, "a@x.io", "pw")
			if err != nil || p.AgentID == "" {
				t.Fatalf("Password = %+v, %v", p, err)
			}
			if _, err := s.Password(ctx, "a@x.io", "nope"); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("bad basic password: %v", err)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		have, want desk.Role
		ok         bool
	}{
		{desk.RoleAdmin, desk.RoleSupervisor, true}, {desk.RoleSupervisor, desk.RoleAdmin, false},
		{desk.RoleAgent, desk.RoleAgent, true}, {desk.RoleAgent, desk.RoleSupervisor, false},
		{desk.RoleBot, desk.RoleAgent, true}, {desk.RoleAgent, desk.RoleBot, false}, {desk.RoleAdmin, desk.RoleBot, true},
	} {
		p := &Principal{Role: tc.have}
		if p.Can(tc.want) != tc.ok {
			t.Errorf("%s.Can(%s) = %v", tc.have, tc.want, !tc.ok)
		}
	}
}

// TestForgetLocally: on one node (and on SQLite, where one node is all
// there is) a change of an agent's role, password or access ends its cached
// credentials at once, and a lookup racing a change never re-caches what
// it read before the change.
func TestForgetLocally(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			d := desk.NewService(b.Open(t))
			s := NewService(d)
			s.Hasher = cheap
			hash, _ := cheap.Hash("pw")
			ws, admin, err := d.NewWorkspace(ctx, "acme", "", "A", "a@x.io", hash)
			if err != nil {
				t.Fatal(err)
			}
			tok, _, _ := s.IssueToken(ctx, admin, "t", 0)
			if p, err := s.Token(ctx, tok); err != nil || p.Role != desk.RoleAdmin {
				t.Fatalf("Token = %+v, %v", p, err)
			}
			if _, err := s.Password(ctx, "a@x.io", "pw"); err != nil {
				t.Fatal(err)
			}
			// Another admin, so the first may step down (the last may not).
			if _, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "B", Email: "b@x.io", Role: desk.RoleAdmin}); err != nil {
				t.Fatal(err)
			}
			role := desk.RoleSupervisor
			if _, err := s.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{Role: &role}); err != nil {
				t.Fatal(err)
			}
			if p, err := s.Token(ctx, tok); err != nil || p.Role != desk.RoleSupervisor {
				t.Fatalf("after the role change, Token = %+v, %v", p, err)
			}
			newHash, _ := cheap.Hash("pw2")
			if _, err := s.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{PasswordHash: &newHash}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Password(ctx, "a@x.io", "pw"); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("the old password still works: %v", err)
			}
			// A lookup that read the store before a change does not cache.
			_, gen := s.lookup([32]byte{1})
			s.ForgetAgent(ws.ID, "someone")
			s.store([32]byte{1}, &Principal{AgentID: "x"}, time.Now().Add(time.Hour), gen)
			if p, _ := s.lookup([32]byte{1}); p != nil {
				t.Fatal("a principal read before a change was cached")
			}
			if _, err := s.Deactivate(ctx, ws.ID, admin.ID, desk.System); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Token(ctx, tok); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("a deactivated agent's token still works: %v", err)
			}
			if _, err := s.Password(ctx, "a@x.io", "pw2"); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("a deactivated agent still signs in: %v", err)
			}
		})
	}
}
