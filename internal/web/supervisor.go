package web

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// The supervisor board (docs/web.md#supervisor-view): every agent's
// presence, load and oldest ticket; every queue's length, oldest waiting
// ticket and today's SLA breaches. Four reads whatever the number of
// agents and groups: routing's agents and queue stats, the board's oldest
// tickets and breaches.

type boardAgent struct {
	Name     string
	Role     desk.Role
	Presence desk.Presence
	Active   int
	Capacity int // 0: no limit
	Oldest   time.Time
	Full     bool
}

type boardGroup struct {
	Name     string
	Waiting  int
	Oldest   time.Time
	Breaches int
}

type boardData struct {
	Agents []boardAgent
	Groups []boardGroup
	// Online counts agents by presence, for the summary line.
	Online, Away, Offline int
	Since                 time.Time // start of today in the workspace's zone
}

// Supervises reports whether the page's agent may open the board (desk's
// rule), for the navigation link.
func (p *pageData) Supervises() bool {
	return p.Agent != nil && desk.CallerMay(desk.Caller{AgentID: p.Agent.ID, Role: p.Agent.Role}, desk.ActSupervise) == nil
}

func (w *Web) supervisor(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := desk.CallerMay(*v.caller(), desk.ActSupervise); err != nil {
		return err
	}
	ctx := r.Context()
	st := w.cfg.Desk.Store
	br, ok := st.(desk.BoardReader)
	if !ok {
		return errNotFound
	}
	now := w.now()
	lt := now.In(v.loc)
	since := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, v.loc)
	agents, err := st.RoutingAgents(ctx, v.ws.ID, "")
	if err != nil {
		return err
	}
	queues, err := st.QueueStats(ctx, v.ws.ID)
	if err != nil {
		return err
	}
	board, err := br.Board(ctx, v.ws.ID, since, now)
	if err != nil {
		return err
	}
	groups, err := st.Groups(ctx, v.ws.ID)
	if err != nil {
		return err
	}
	nav, _, err := w.nav(ctx, v, "supervisor")
	if err != nil {
		return err
	}
	d := &boardData{Since: since}
	for _, a := range agents {
		if a.Role == desk.RoleBot {
			continue
		}
		d.Agents = append(d.Agents, boardAgent{Name: a.Name, Role: a.Role, Presence: a.Presence, Active: a.Active,
			Capacity: a.Capacity, Oldest: board.OldestActive[a.ID], Full: a.Full()})
		switch a.Presence {
		case desk.PresenceOnline:
			d.Online++
		case desk.PresenceAway:
			d.Away++
		default:
			d.Offline++
		}
	}
	// Online first, then the busiest: who to look at first.
	rank := map[desk.Presence]int{desk.PresenceOnline: 0, desk.PresenceAway: 1}
	slices.SortStableFunc(d.Agents, func(a, b boardAgent) int {
		ra, oka := rank[a.Presence]
		rb, okb := rank[b.Presence]
		if !oka {
			ra = 2
		}
		if !okb {
			rb = 2
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(b.Active, a.Active))
	})
	waiting := map[string]desk.QueueStat{}
	for _, q := range queues {
		waiting[q.GroupID] = q
	}
	general := boardGroup{Name: T(v.lang, "sup.general_queue"), Waiting: waiting[""].Waiting, Oldest: waiting[""].Oldest, Breaches: board.Breaches[""]}
	if general.Waiting > 0 || general.Breaches > 0 {
		d.Groups = append(d.Groups, general)
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, boardGroup{Name: g.Name, Waiting: waiting[g.ID].Waiting, Oldest: waiting[g.ID].Oldest, Breaches: board.Breaches[g.ID]})
	}
	p := w.newPage(v, "sup.title")
	p.Nav, p.Board = nav, d
	w.render(rw, r, http.StatusOK, "supervisor", p)
	return nil
}
