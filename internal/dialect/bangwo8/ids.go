package bangwo8

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ticketd/ticketd/internal/desk"
)

// Bangwo8 names every entity by integer (ticketId, custUserId,
// servicerUserId…); ticketd keeps a per-workspace number beside each id.
// Both are fixed at creation, so the mapping is cached without expiry.

type idKind byte

const (
	kindAgent   idKind = 'a'
	kindGroup   idKind = 'g'
	kindContact idKind = 'c'
	kindCompany idKind = 'o'
)

type idKey struct {
	kind idKind
	ws   string
	id   string // "" when looking up by number
	n    int64
}

// idCache maps ids to numbers and back; it empties itself when full.
type idCache struct {
	mu sync.Mutex
	m  map[idKey]idKey
}

const maxIDCache = 200_000

func (c *idCache) get(k idKey) (idKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *idCache) put(kind idKind, ws, id string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxIDCache {
		c.m = make(map[idKey]idKey)
	}
	byID := idKey{kind: kind, ws: ws, id: id}
	byN := idKey{kind: kind, ws: ws, n: n}
	c.m[byID] = byN
	c.m[byN] = byID
}

// number returns the number of entity id (0 for "").
func (d *Door) number(ctx context.Context, kind idKind, ws, id string) (int64, error) {
	if id == "" {
		return 0, nil
	}
	if v, ok := d.ids.get(idKey{kind: kind, ws: ws, id: id}); ok {
		return v.n, nil
	}
	var n int64
	r := d.Desk.Store
	switch kind {
	case kindAgent:
		a, err := r.Agent(ctx, ws, id)
		if err != nil {
			return 0, err
		}
		n = a.Number
	case kindGroup:
		g, err := r.Group(ctx, ws, id)
		if err != nil {
			return 0, err
		}
		n = g.Number
	case kindContact:
		c, err := r.Contact(ctx, ws, id)
		if err != nil {
			return 0, err
		}
		n = c.Number
	case kindCompany:
		c, err := r.Company(ctx, ws, id)
		if err != nil {
			return 0, err
		}
		n = c.Number
	}
	d.ids.put(kind, ws, id, n)
	return n, nil
}

// errNoSuch is a number that names nothing; handlers turn it into a 400
// naming the field.
var errNoSuch = errors.New("no such entity")

// id returns the id of the entity numbered n (errNoSuch when none).
func (d *Door) id(ctx context.Context, kind idKind, ws string, n int64) (string, error) {
	if v, ok := d.ids.get(idKey{kind: kind, ws: ws, n: n}); ok {
		return v.id, nil
	}
	r := d.Desk.Store
	var id string
	var err error
	switch kind {
	case kindAgent:
		var a *desk.Agent
		if a, err = r.AgentByNumber(ctx, ws, n); err == nil {
			id = a.ID
		}
	case kindGroup:
		var g *desk.Group
		if g, err = r.GroupByNumber(ctx, ws, n); err == nil {
			id = g.ID
		}
	case kindContact:
		var c *desk.Contact
		if c, err = r.ContactByNumber(ctx, ws, n); err == nil {
			id = c.ID
		}
	case kindCompany:
		var c *desk.Company
		if c, err = r.CompanyByNumber(ctx, ws, n); err == nil {
			id = c.ID
		}
	}
	if errors.Is(err, desk.ErrNotFound) {
		return "", fmt.Errorf("%w: %c #%d", errNoSuch, kind, n)
	}
	if err != nil {
		return "", err
	}
	d.ids.put(kind, ws, id, n)
	return id, nil
}

// idList maps numbers to ids.
func (d *Door) idList(ctx context.Context, kind idKind, ws string, ns []int64) ([]string, error) {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		id, err := d.id(ctx, kind, ws, n)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}
