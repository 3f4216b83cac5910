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

// contactNames returns what list rows show of the contacts of ids found in
// v's workspace: from the cache at the contacts version v read with its
// directory (contactcache.go), the rest in one store read.
func (w *Web) contactNames(ctx context.Context, v *visit, ids []string) (map[string]contactLine, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := w.dir(ctx, v); err != nil { // reads v.contactsVersion once per request
		return nil, err
	}
	out := make(map[string]contactLine, len(ids))
	s := w.contacts.slot(v.ws.ID)
	missing := s.lookup(v.contactsVersion, ids, out)
	if len(missing) == 0 {
		return out, nil
	}
	found, err := w.readContactNames(ctx, v.ws.ID, missing)
	if err != nil {
		return nil, err
	}
	read := make(map[string]contactLine, len(found))
	for id, c := range found {
		l := lineOf(c)
		out[id], read[id] = l, l
	}
	s.put(v.contactsVersion, read)
	return out, nil
}

// readContactNames reads the contacts of ids with at least what
// contactName reads.
func (w *Web) readContactNames(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	if n, ok := w.cfg.Desk.Store.(contactNamer); ok {
		return n.ContactNames(ctx, ws, ids)
	}
	return w.cfg.Desk.Store.ContactsByID(ctx, ws, ids)
}
