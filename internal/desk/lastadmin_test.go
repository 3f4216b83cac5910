package desk_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestTakingAwayTwoAdminsAtOnce: two admins, each demoted or deactivated
// at the same moment in its own transaction. Each transaction alone sees
// the other admin and would pass; together they would leave nobody, so
// exactly one must be refused (last_admin). The desk has no router here,
// so no routing lock is taken for it beforehand.
func TestTakingAwayTwoAdminsAtOnce(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			d := desk.NewService(b.Open(t))
			agent := desk.RoleAgent
			take := map[string]func(ws, id string) error{
				"demote": func(ws, id string) error {
					_, err := d.UpdateAgent(ctx, ws, id, desk.AgentPatch{Role: &agent})
					return err
				},
				"deactivate": func(ws, id string) error {
					_, _, err := d.DeactivateAgent(ctx, ws, id, desk.System)
					return err
				},
			}
			for round, pair := range [][2]string{{"demote", "demote"}, {"demote", "deactivate"}, {"deactivate", "deactivate"},
				{"demote", "demote"}, {"demote", "deactivate"}, {"deactivate", "deactivate"}} {
				ws, first, err := d.NewWorkspace(ctx, "acme"+string(rune('a'+round)), "UTC", "Admin", "admin@acme.test", "x")
				if err != nil {
					t.Fatal(err)
				}
				second, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Bo", Email: "bo@acme.test", Role: desk.RoleAdmin})
				if err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				errs := make([]error, 2)
				start := make(chan struct{})
				for i, id := range []string{first.ID, second.ID} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs[i] = take[pair[i]](ws.ID, id)
					}()
				}
				close(start)
				wg.Wait()
				refused := 0
				for _, err := range errs {
					if fe, ok := desk.AsFieldError(err); ok && fe.Code == desk.CodeLastAdmin && errors.Is(err, desk.ErrConflict) {
						refused++
					} else if err != nil {
						t.Fatalf("%v: %v", pair, err)
					}
				}
				if refused != 1 {
					t.Fatalf("%v at once: %d refused, want exactly 1 (errors %v)", pair, refused, errs)
				}
			}
		})
	}
}
