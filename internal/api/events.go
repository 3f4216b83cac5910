package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

type eventPage struct {
	Events []eventJSON `json:"events"`
	// NextAfter resumes the feed: pass it as after to read what follows.
	NextAfter int64 `json:"next_after" doc:"seq of the last event returned (after itself when none): the next page's after"`
}

// eventFeed reads the workspace's events in commit order after a seq. A
// client that always resumes from next_after sees every event exactly
// once, however late it committed or whichever node wrote it.
func (a *API) eventFeed(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	var after int64
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("after must be a seq (0 or more), got %q", s))
			return
		}
		after = n
	}
	limit, ok := intParam(w, q.Get("limit"), 100, 1, desk.MaxFeedPage)
	if !ok {
		return
	}
	evs, err := a.Desk.EventsAfter(r.Context(), p.WorkspaceID, after, limit)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := eventPage{Events: make([]eventJSON, 0, len(evs)), NextAfter: after}
	for i := range evs {
		out.Events = append(out.Events, toEventJSON(&evs[i]))
		out.NextAfter = evs[i].Seq
	}
	writeJSON(w, http.StatusOK, out)
}
