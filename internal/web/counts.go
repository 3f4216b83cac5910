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

// maxCountSets bounds the cache: one set per workspace and scope.
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

// countKey names what a set of view counts depends on besides the
// tickets: the workspace and the scope the caller lists in. Callers who
// see the whole workspace share one set; "mine" is counted per agent
// inside it.
func countKey(ws string, sc *desk.TicketScope) string {
	if sc == nil {
		return ws
	}
	var b strings.Builder
	b.WriteString(ws)
	b.WriteString("|")
	b.WriteString(sc.AgentID)
	g := slices.Clone(sc.GroupIDs)
	slices.Sort(g)
	for _, id := range g {
		b.WriteByte(',')
		b.WriteString(id)
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
			seq = v.seq // read with the session, on a page
			if seq == 0 {
				var err error
				if seq, err = st.LastEventSeq(ctx, v.ws.ID); err != nil {
					return 0, fmt.Errorf("view counts: %w", err)
				}
			}
			s = w.counts.set(countKey(v.ws.ID, sc))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.seq < seq {
			// Taken after reading seq, the new counts include every event
			// up to it (and maybe later ones, which later requests recount).
			s.seq, s.counts = seq, map[string]int64{}
		}
		key := id
		if id == "mine" {
			key = "mine:" + v.agent.ID
		}
		if c, ok := s.counts[key]; ok {
			return c, nil
		}
		f, _ := viewFilter(id, v.agent.ID)
		f.Scope = sc
		c, err := st.CountTickets(ctx, v.ws.ID, f)
		if err != nil {
			return 0, err
		}
		s.counts[key] = c
		return c, nil
	}
}
