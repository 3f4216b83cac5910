package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// MatchPath answers which of the tickets a live event named belong to an
// inbox view now: the "N new — show" pill counts only those (app.live.js).
// The events say that a ticket changed, not whether it is in the agent's
// view (Mine, Unassigned, a group, a status list); the store answers that
// with the view's own filter, so the pill and the list never disagree.
const MatchPath = StreamPath + "/match"

// maxMatch bounds the tickets one match asks about.
const maxMatch = 100

// streamMatch answers GET /stream/match?view=<view>&id=<ticket id>…:
// {"ids": [...]}, the ids (of those asked) that the caller's view lists,
// in the caller's scope. Unknown ids are left out; an unknown view is 404.
func (w *Web) streamMatch(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	q := r.URL.Query()
	vid := q.Get("view")
	if vid == "" {
		vid = "mine"
	}
	f, ok := viewFilter(vid, v.agent.ID)
	if !ok {
		return errNotFound
	}
	ids := q["id"]
	if len(ids) > maxMatch {
		ids = ids[:maxMatch]
	}
	out := []string{}
	var nums []int64
	for _, id := range ids {
		if !objectid.Valid(id) {
			continue
		}
		t, err := w.cfg.Desk.Store.Ticket(ctx, v.ws.ID, id)
		if errors.Is(err, desk.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		nums = append(nums, t.Number)
	}
	if len(nums) > 0 {
		sc, err := w.cfg.Desk.Scope(ctx, v.ws.ID, *v.caller())
		if err != nil {
			return err
		}
		f.Numbers, f.Scope, f.Limit = nums, sc, len(nums)
		ts, err := w.ticketHeads(ctx, v.ws.ID, f) // ids are all it returns
		if err != nil {
			return err
		}
		for i := range ts {
			out = append(out, ts[i].ID)
		}
	}
	h := rw.Header()
	securityHeaders(h)
	h.Set("Content-Type", "application/json")
	return json.NewEncoder(rw).Encode(map[string][]string{"ids": out})
}
