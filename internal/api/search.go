package api

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
)

// searchList is a page of search results.
type searchList struct {
	Tickets    []ticketJSON `json:"tickets"`
	NextCursor *string      `json:"next_cursor" doc:"pass as cursor for the next page; null on the last"`
	Total      *int64       `json:"total,omitempty" doc:"every match, when count=true"`
}

// searchError is the native error shape with where the query went wrong.
type searchError struct {
	Error searchErrorDetail `json:"error"`
}

type searchErrorDetail struct {
	Code     string `json:"code" enum:"bad_query,bad_request,timeout"`
	Message  string `json:"message"`
	Position *int   `json:"position,omitempty" doc:"byte offset in q where the problem is"`
}

// searchTicketsDoc documents GET /api/v1/tickets/search (and /api/v1/search).
func searchTicketsDoc(q func(name, typ, desc string) Param) Doc {
	return Doc{Summary: "Search tickets with the query language of docs/search.md, newest first", Tag: "tickets",
		Query: []Param{
			q("q", "string", `the query, e.g. refund "card declined" status:open,pending priority>=high -tag:spam assignee:me created>7d`),
			q("limit", "integer", "page size, 1..100 (default 25)"),
			q("cursor", "string", "next_cursor of the previous page"),
			q("count", "boolean", "also count every match (costs a scan of the matches)"),
		},
		Response: searchList{}, Errors: []int{400, 503}}
}

// searchTickets answers GET /api/v1/tickets/search?q=…: 400 with the
// position of the problem for a bad query, 503 when the search runs past
// its time budget.
func (a *API) searchTickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := r.URL.Query()
	limit, ok := intParam(w, v.Get("limit"), 25, 1, 100)
	if !ok {
		return
	}
	count := false
	if s := v.Get("count"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("count: expected true or false, got %q", s))
			return
		}
		count = b
	}
	ws, err := a.Desk.Store.Workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		loc = time.UTC
	}
	q, err := search.Parse(v.Get("q"), search.Options{Now: a.Desk.Clock(), Location: loc})
	if err != nil {
		var pe *search.Error
		if errors.As(err, &pe) {
			pos := pe.Pos
			writeJSON(w, http.StatusBadRequest, searchError{Error: searchErrorDetail{Code: "bad_query", Message: err.Error(), Position: &pos}})
			return
		}
		writeError(w, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	page := desk.SearchPage{Limit: limit, Count: count}
	if s := v.Get("cursor"); s != "" {
		c, err := decodeSearchCursor(q.Sort, q.Order, s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		page.Cursor = c
	}
	if page.Scope, err = a.Desk.Scope(r.Context(), p.WorkspaceID, *p.Caller()); err != nil {
		fail(w, r, err)
		return
	}
	res, err := a.Desk.Search(r.Context(), p.WorkspaceID, p.AgentID, q, page)
	if err != nil {
		if errors.Is(err, desk.ErrTimeout) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusServiceUnavailable, searchError{Error: searchErrorDetail{Code: "timeout",
				Message: "the search took longer than its time budget; narrow it with a field (status:, created>…) or more words"}})
			return
		}
		fail(w, r, err)
		return
	}
	var next *string
	var total *int64
	if res.Next != nil {
		c := encodeSearchCursor(q.Sort, q.Order, *res.Next)
		next = &c
	}
	if count {
		total = &res.Total
	}
	writeTicketPage(w, res.Tickets, next, total) // a searchList
}

// A search cursor names its sort, so a cursor of one order is refused by
// another: "s|sort|order|key|number", base64url.
func encodeSearchCursor(sort, order string, c desk.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("s|%s|%s|%d|%d", sort, order, c.Key, c.Number)))
}

func decodeSearchCursor(sort, order, s string) (*desk.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 100 {
		return nil, fmt.Errorf("cursor %q is not one this server made", s)
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 5 || parts[0] != "s" {
		return nil, fmt.Errorf("cursor %q is not one this server made", s)
	}
	if parts[1] != sort || parts[2] != order {
		return nil, fmt.Errorf("cursor %q belongs to another sort or order than this query's", s)
	}
	k, err1 := strconv.ParseInt(parts[3], 10, 64)
	n, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || k < 0 || n < 0 {
		return nil, fmt.Errorf("cursor %q is not one this server made", s)
	}
	return &desk.Cursor{Key: k, Number: n}, nil
}
