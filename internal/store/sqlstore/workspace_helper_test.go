package sqlstore_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// inWorkspace runs fn on each backend with a fresh store, its desk
// service and a workspace "acme" in it.
func inWorkspace(t *testing.T, fn func(t *testing.T, st desk.Store, d *desk.Service, ws *desk.Workspace)) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			d := desk.NewService(st)
			ws, _, err := d.NewWorkspace(context.Background(), "acme", "UTC", "Admin", "admin@acme.test", "$argon2id$stub")
			if err != nil {
				t.Fatal(err)
			}
			fn(t, st, d, ws)
		})
	}
}
