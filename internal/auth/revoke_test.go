package auth_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// reach is the promise under test: a credential change made on one node
// is refused by every other node within it.
const reach = time.Second

// twoNodes starts two full ticketd servers on one PostgreSQL database and
// waits until node B hears credential changes, so that only an
// announcement (not a short cache lifetime) can make B refuse in time.
func twoNodes(t *testing.T) (a, b *servertest.Env) {
	t.Helper()
	url := storetest.FreshSchemaURL(t) // skips without TICKETD_TEST_POSTGRES
	ctx := context.Background()
	open := func() desk.Store {
		st, err := postgres.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a = servertest.New(t, open())
	depsB := server.NewDeps(open(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(server.Handler(depsB, server.NewMetrics()))
	t.Cleanup(srv.Close)
	b = &servertest.Env{T: t, URL: srv.URL, Deps: depsB, Workspace: a.Workspace}
	return a, b
}

// warm makes node b cache tok (status 200 twice) and waits until b hears
// other nodes.
func warm(t *testing.T, b *servertest.Env, tok string) {
	t.Helper()
	for range 2 {
		if res := b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok)); res.Status != 200 {
			t.Fatalf("node B before the change: %d %s", res.Status, res.Body)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !b.Deps.Auth.Hearing() {
		if time.Now().After(deadline) {
			t.Fatal("node B never started listening for credential changes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Cached again now that B hears: this entry lives CacheTTL (30 s).
	if res := b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok)); res.Status != 200 {
		t.Fatalf("node B: %d", res.Status)
	}
}

// within polls check until it is true, failing after reach.
func within(t *testing.T, what string, check func() bool) {
	t.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > reach {
			t.Fatalf("%s: still not seen on node B after %v", what, reach)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%s reached node B in %v", what, time.Since(start).Round(time.Millisecond))
}

func TestRevocationReachesEveryNode(t *testing.T) {
	a, b := twoNodes(t)
	if b.Deps.Auth.CacheTTL < 10*reach {
		t.Fatalf("cache lifetime %v is too short for this test to tell anything", b.Deps.Auth.CacheTTL)
	}
	_, tok := a.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
	warm(t, b, tok)
	if res := a.Do("DELETE", "/api/v1/tokens/current", nil, servertest.Bearer(tok)); res.Status != 204 {
		t.Fatalf("logout on node A: %d %s", res.Status, res.Body)
	}
	within(t, "logout", func() bool {
		return b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok)).Status == 401
	})
}

func TestDeactivationReachesEveryNode(t *testing.T) {
	a, b := twoNodes(t)
	ag, tok := a.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
	tok2, _, _ := a.Deps.Auth.IssueToken(context.Background(), ag, "second", 0)
	warm(t, b, tok)
	warm(t, b, tok2)
	if _, err := a.Deps.Auth.Deactivate(context.Background(), a.Workspace.ID, ag.ID, desk.System); err != nil {
		t.Fatal(err)
	}
	within(t, "deactivation", func() bool {
		return b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok)).Status == 401 &&
			b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok2)).Status == 401
	})
	// Nor can it sign in again through either node.
	for _, n := range []*servertest.Env{a, b} {
		res := n.Do("POST", "/api/v1/tokens", map[string]any{"email": "bo@acme.test", "password": servertest.Password})
		if res.Status != 401 {
			t.Fatalf("login after deactivation: %d %s", res.Status, res.Body)
		}
	}
}

func TestRoleChangeReachesEveryNode(t *testing.T) {
	a, b := twoNodes(t)
	sup, tok := a.Agent(desk.NewAgent{Name: "Sue", Email: "sue@acme.test", Role: desk.RoleSupervisor})
	other, _ := a.Agent(desk.NewAgent{Name: "Cy", Email: "cy@acme.test"})
	setOthersPresence := func() int {
		return b.Do("PUT", "/api/v1/agents/"+other.ID+"/presence", map[string]any{"status": "away"}, servertest.Bearer(tok)).Status
	}
	warm(t, b, tok)
	if got := setOthersPresence(); got != 200 {
		t.Fatalf("supervisor sets another's presence on node B: %d", got)
	}
	res := a.Do("PATCH", "/api/v1/agents/"+sup.ID, map[string]any{"role": "agent"}, servertest.Bearer(a.AdminToken))
	if res.Status != 200 {
		t.Fatalf("demote on node A: %d %s", res.Status, res.Body)
	}
	within(t, "demotion", func() bool { return setOthersPresence() == 403 })
}

// TestAdminRoutesReachEveryNode: an admin revoking another agent's token by
// id, and deactivating an agent, over node A's native routes, end those
// credentials on node B within reach.
func TestAdminRoutesReachEveryNode(t *testing.T) {
	a, b := twoNodes(t)
	_, tok := a.Agent(desk.NewAgent{Name: "Ana", Email: "ana@acme.test"})
	cy, cyTok := a.Agent(desk.NewAgent{Name: "Cy", Email: "cy@acme.test"})
	warm(t, b, tok)
	warm(t, b, cyTok)
	p, err := a.Deps.Auth.Token(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if res := a.Do("DELETE", "/api/v1/tokens/"+p.TokenID, nil, servertest.Bearer(a.AdminToken)); res.Status != 204 {
		t.Fatalf("revoke on node A: %d %s", res.Status, res.Body)
	}
	within(t, "revoke by id", func() bool {
		return b.Do("GET", "/api/v1/me", nil, servertest.Bearer(tok)).Status == 401
	})
	if res := a.Do("POST", "/api/v1/agents/"+cy.ID+"/deactivate", nil, servertest.Bearer(a.AdminToken)); res.Status != 200 {
		t.Fatalf("deactivate on node A: %d %s", res.Status, res.Body)
	}
	within(t, "deactivate route", func() bool {
		return b.Do("GET", "/api/v1/me", nil, servertest.Bearer(cyTok)).Status == 401
	})
}
