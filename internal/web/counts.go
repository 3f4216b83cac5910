package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ticketd/ticketd/internal/desk"
)

// View counts: counting a view is a COUNT(*) over its tickets, ~10 of them
// per page, which at 1,000,000 tickets costs tens of milliseconds each
// (the solved view reads most of the table). The counts change only when
// tickets do, and every change to a ticket appends an event in the same
// transaction (docs/events.md), so a workspace's last event seq says
// whether counts taken earlier still hold: a request reads the seq (one
// index seek), and reuses the counts taken at that seq or later. Nothing
// goes stale, on one node or many: the seq lives in the store.

// maxCountSets bounds the cache: one set per workspace, agent and scope.
const maxCountSets = 4096

// countSet is the view counts of one workspace as one caller sees them.
type countSet struct {
	mu     sync.Mutex // one recount at a time; waiters take its result
	seq    int64      // counts include every event up to seq
	counts map[string]int64
}

type viewCounts struct {
	mu   sync.Mutex
	sets map[string]*countSet
}

// countKey names what a view count depends on besides the tickets: the
// workspace, the agent ("mine") and the scope the caller lists in.
func countKey(ws, agent string, sc *desk.TicketScope) string {
	var b strings.Builder
	b.WriteString(ws)
	b.WriteByte('|')
	b.WriteString(agent)
	if sc != nil {
		b.WriteString("|s:")
		b.WriteString(sc.AgentID)
		g := slices.Clone(sc.GroupIDs)
		slices.Sort(g)
		for _, id := range g {
			b.WriteByte(',')
			b.WriteString(id)
		}
	}
	return b.String()
}

func (vc *viewCounts) set(key string) *countSet {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.sets == nil {
		vc.sets = map[string]*countSet{}
	}
	s := vc.sets[key]
	if s == nil {
		if len(vc.sets) >= maxCountSets {
			clear(vc.sets)
		}
		s = &countSet{seq: -1}
		vc.sets[key] = s
	}
	return s
}

// counter returns the count of a view (viewFilter's ids) in the caller's
// scope sc, for one request: it reads the workspace's last event seq once
// and recounts only views whose counts were taken before it.
func (w *Web) counter(ctx context.Context, v *visit, sc *desk.TicketScope) func(id string) (int64, error) {
	st := w.cfg.Desk.Store
	var s *countSet
	var seq int64
	return func(id string) (int64, error) {
		if s == nil {
			var err error
			if seq, err = st.LastEventSeq(ctx, v.ws.ID); err != nil {
				return 0, fmt.Errorf("view counts: %w", err)
			}
			s = w.counts.set(countKey(v.ws.ID, v.agent.ID, sc))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.seq < seq {
			// Taken after reading seq, the new counts include every event
			// up to it (and maybe later ones, which later requests recount).
			s.seq, s.counts = seq, map[string]int64{}
		}
		if c, ok := s.counts[id]; ok {
			return c, nil
		}
		f, _ := viewFilter(id, v.agent.ID)
		f.Scope = sc
		c, err := st.CountTickets(ctx, v.ws.ID, f)
		if err != nil {
			return 0, err
		}
		s.counts[id] = c
		return c, nil
	}
}
