package api

import (
	"encoding/json"
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// ticketRef is a ticket named by its id or its number, as a JSON string or
// number.
type ticketRef string

func (r *ticketRef) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*r = ticketRef(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*r = ticketRef(s)
	return nil
}

type bulkRequest struct {
	Tickets []ticketRef `json:"tickets" doc:"1..100 ticket ids or numbers"`
	Patch   bulkPatch   `json:"patch"`
}

type bulkPatch struct {
	Status     *string  `json:"status,omitempty" enum:"new,unassigned,assigned,open,pending,on_hold,solved,closed,ignored"`
	Priority   *string  `json:"priority,omitempty" enum:"low,normal,high,urgent"`
	AssigneeID *string  `json:"assignee_id,omitempty" doc:"empty string unassigns"`
	GroupID    *string  `json:"group_id,omitempty" doc:"moving group is a transfer"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	Force      bool     `json:"force,omitempty" doc:"supervisors: assign even over capacity"`
	Reason     string   `json:"reason,omitempty"`
}

type bulkResponse struct {
	Results []bulkResultJSON `json:"results"`
	OK      int              `json:"ok" doc:"items changed"`
	Failed  int              `json:"failed" doc:"items left as they were"`
}

type bulkResultJSON struct {
	Ticket string       `json:"ticket" doc:"the ref as given"`
	OK     bool         `json:"ok"`
	Status int          `json:"status" doc:"the HTTP status a PATCH of this ticket alone would have answered"`
	Result *ticketJSON  `json:"result,omitempty" doc:"the ticket as changed"`
	Error  *errorDetail `json:"error,omitempty"`
}

// bulkUpdate applies one patch to many tickets, each on its own: the
// answer is 200 with a result per ticket, in request order, whether each
// succeeded or not; only a request wrong as a whole (no tickets, more than
// 100, an empty patch) is refused, and then nothing changed.
func (a *API) bulkUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in bulkRequest
	if !decode(w, r, &in) {
		return
	}
	bp := desk.BulkPatch{AssigneeID: in.Patch.AssigneeID, GroupID: in.Patch.GroupID, AddTags: in.Patch.AddTags,
		RemoveTags: in.Patch.RemoveTags, Force: in.Patch.Force, Reason: in.Patch.Reason}
	if in.Patch.Status != nil {
		st := desk.Status(*in.Patch.Status)
		bp.Status = &st
	}
	if in.Patch.Priority != nil {
		pr := desk.Priority(*in.Patch.Priority)
		bp.Priority = &pr
	}
	if err := desk.CheckBulk(len(in.Tickets), bp); err != nil {
		fail(w, r, err)
		return
	}
	// Refs become ids first; one that names nothing is that item's
	// not_found, not the request's.
	results := make([]bulkResultJSON, len(in.Tickets))
	refErr := make([]error, len(in.Tickets))
	var ids []string
	var at []int
	for i, ref := range in.Tickets {
		results[i].Ticket = string(ref)
		id, err := a.ticketID(r, p, string(ref))
		if err != nil {
			refErr[i] = err
			continue
		}
		ids = append(ids, id)
		at = append(at, i)
	}
	var out []desk.BulkResult
	if len(ids) > 0 {
		var err error
		if out, err = a.Desk.UpdateTickets(r.Context(), p.WorkspaceID, *p.Caller(), p.Actor(), ids, bp); err != nil {
			fail(w, r, err) // the list as a whole (a ticket named twice)
			return
		}
	}
	for k, res := range out {
		refErr[at[k]] = res.Err
		if res.Err == nil {
			tj := toTicketJSON(res.Ticket)
			results[at[k]].Result = &tj
		}
	}
	resp := bulkResponse{Results: results}
	for i := range results {
		if err := refErr[i]; err != nil {
			status, d := errorOf(r, err)
			results[i].Status, results[i].Error = status, &d
			resp.Failed++
			continue
		}
		results[i].OK, results[i].Status = true, http.StatusOK
		resp.OK++
	}
	writeJSON(w, http.StatusOK, resp)
}

// ticketID resolves a ref (id or number) to a ticket id of p's workspace,
// without reading the ticket when it is an id: desk checks it, locked.
func (a *API) ticketID(r *http.Request, p *auth.Principal, ref string) (string, error) {
	if objectid.Valid(ref) {
		return ref, nil
	}
	n, ok := parseNumber(ref)
	if !ok {
		return "", desk.ErrNotFound
	}
	t, err := a.Desk.Store.TicketByNumber(r.Context(), p.WorkspaceID, n)
	if err != nil {
		return "", err
	}
	return t.ID, nil
}
