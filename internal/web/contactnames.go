package web

import (
	"context"

	"github.com/ticketd/ticketd/internal/desk"
)

// contactNamer is a store that reads contacts' names without their
// fields and identities (sqlstore does).
type contactNamer interface {
	ContactNames(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error)
}

// contactNames returns the contacts of ids with at least what
// contactName reads; list rows need no more.
func (w *Web) contactNames(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	if n, ok := w.cfg.Desk.Store.(contactNamer); ok {
		return n.ContactNames(ctx, ws, ids)
	}
	return w.cfg.Desk.Store.ContactsByID(ctx, ws, ids)
}
