package api_test

import (
	"fmt"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// BenchmarkBulkUpdate: one POST /api/v1/tickets/bulk of 100 tickets (a
// priority flip and a tag), over real HTTP on a SQLite file.
//
//	go test -run XXX -bench BulkUpdate -benchtime 20x ./internal/api
func BenchmarkBulkUpdate(b *testing.B) {
	e := servertest.New(b, storetest.OpenSQLite(b))
	refs := make([]any, 100)
	for i := range refs {
		t, err := e.Deps.Desk.CreateTicket(b.Context(), e.Workspace.ID, desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID},
			desk.NewTicket{Subject: fmt.Sprint("t", i)})
		if err != nil {
			b.Fatal(err)
		}
		refs[i] = t.Number
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr := []string{"high", "low"}[i%2]
		res := e.Do("POST", "/api/v1/tickets/bulk", map[string]any{"tickets": refs,
			"patch": map[string]any{"priority": pr, "add_tags": []string{fmt.Sprint("b", i)}}}, servertest.Bearer(e.AdminToken))
		if res.Status != 200 {
			b.Fatalf("%d %s", res.Status, res.Body)
		}
	}
}
