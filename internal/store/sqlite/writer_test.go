package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// The writer indexes a batch's tickets once, before its commit: every
// create, acknowledged from a shared batch, is found by search at once, and
// a failing neighbour in the batch changes nothing.
func TestWriterIndexesBatches(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	svc := desk.NewService(st)
	ws, _, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "hash")
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := desk.NewTicket{Subject: fmt.Sprintf("parcel w%dx", i), Message: &desk.NewMessage{Text: "where is it"}}
			if i%8 == 0 {
				in.AssigneeID = "nobody" // fails in the writer, on its foreign key
			}
			_, errs[i] = svc.CreateTicket(ctx, ws.ID, desk.System, in)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i%8 == 0) != (err != nil) {
			t.Fatalf("create %d: %v", i, err)
		}
		if err != nil {
			continue
		}
		q, err := search.Parse(fmt.Sprintf("w%dx", i), search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Search(ctx, ws.ID, "", q, desk.SearchPage{})
		if err != nil || len(res.Tickets) != 1 {
			t.Fatalf("search for ticket %d: %+v, %v", i, res, err)
		}
	}
}
