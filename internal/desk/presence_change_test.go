package desk_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestPresenceChangeIsPublished: a presence change tells subscribers
// (desk.Change.Presence), whichever door made it — the live hub turns it
// into agent.presence for every board. Setting the presence an agent
// already has tells nobody; deactivating an online agent says offline.
func TestPresenceChangeIsPublished(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s := desk.NewService(b.Open(t))
			ws, _, err := s.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Ana", Email: "ana@acme.test", Role: desk.RoleAgent, Capacity: 5})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var got []desk.PresenceChange
			stop := s.Subscribe(func(ch desk.Change) {
				mu.Lock()
				defer mu.Unlock()
				if ch.WorkspaceID != ws.ID {
					t.Errorf("change of workspace %q", ch.WorkspaceID)
				}
				got = append(got, ch.Presence...)
			})
			defer stop()
			seen := func() []desk.PresenceChange {
				mu.Lock()
				defer mu.Unlock()
				return append([]desk.PresenceChange(nil), got...)
			}
			if _, err := s.SetPresence(ctx, ws.ID, a.ID, desk.PresenceOnline, desk.System); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetPresence(ctx, ws.ID, a.ID, desk.PresenceOnline, desk.System); err != nil {
				t.Fatal(err)
			}
			if g := seen(); len(g) != 1 || g[0].AgentID != a.ID || g[0].Presence != desk.PresenceOnline || g[0].At.IsZero() {
				t.Fatalf("after online twice: %+v", g)
			}
			if _, _, err := s.DeactivateAgent(ctx, ws.ID, a.ID, desk.System); err != nil {
				t.Fatal(err)
			}
			if g := seen(); len(g) != 2 || g[1].AgentID != a.ID || g[1].Presence != desk.PresenceOffline {
				t.Fatalf("after deactivation: %+v", g)
			}
		})
	}
}
