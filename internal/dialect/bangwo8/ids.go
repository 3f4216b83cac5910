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

// prefetch caches, one query per kind, the numbers of the contacts,
// agents and groups ts refers to that the cache lacks, so a cold page
// renders without reads per ticket. An id that names nothing is left to
// number, which reports it.
func (d *Door) prefetch(ctx context.Context, ws string, ts []desk.Ticket) error {
	var contacts, agents []string
	groups := false
	lacks := func(kind idKind, id string) bool {
		if id == "" {
			return false
		}
		_, ok := d.ids.get(idKey{kind: kind, ws: ws, id: id})
		return !ok
	}
	for i := range ts {
		t := &ts[i]
		if lacks(kindContact, t.ContactID) {
			contacts = append(contacts, t.ContactID)
		}
		for _, id := range append([]string{t.AssigneeID, t.CreatedBy.ID}, t.CC.AgentIDs...) {
			if lacks(kindAgent, id) {
				agents = append(agents, id)
			}
		}
		for _, id := range append([]string{t.GroupID}, t.CC.GroupIDs...) {
			groups = groups || lacks(kindGroup, id)
		}
	}
	st := d.Desk.Store
	if len(contacts) > 0 {
		cs, err := st.ContactsByID(ctx, ws, contacts)
		if err != nil {
			return err
		}
		for id, c := range cs {
			d.ids.put(kindContact, ws, id, c.Number)
		}
	}
	if len(agents) > 0 {
		as, err := st.AgentsByID(ctx, ws, agents)
		if err != nil {
			return err
		}
		for id, a := range as {
			d.ids.put(kindAgent, ws, id, a.Number)
		}
	}
	if groups {
		gs, err := st.Groups(ctx, ws)
		if err != nil {
			return err
		}
		for _, g := range gs {
			d.ids.put(kindGroup, ws, g.ID, g.Number)
		}
	}
	return nil
}
