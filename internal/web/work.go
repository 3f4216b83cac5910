package web

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
)

// queryErr is a search that did not parse: where, shown as the query with
// a marker under the position.
type queryErr struct {
	Pos    int    // in characters, 1-based for people
	Before string // the query up to the position
	At     string // the character there ("" past the end)
	After  string
	Detail string // the parser's own words (English), after ours
}

// searchList runs the box's query (the API search's language, in the
// caller's scope) and shows the matches in the inbox's list, keyset-paged.
func (w *Web) searchList(rw http.ResponseWriter, r *http.Request, v *visit, q url.Values, status int, bulk *bulkData) error {
	ctx := r.Context()
	text := q.Get("q")
	nav, sc, err := w.nav(ctx, v, "")
	if err != nil {
		return err
	}
	d := &inboxData{View: "search", Query: text, First: q.Get("after") == "", Bulk: bulk,
		FirstHref: "/?" + url.Values{"q": {text}}.Encode(), Here: "/?" + q.Encode()}
	if d.Agents, err = w.bulkAgents(ctx, v); err != nil {
		return err
	}
	p := w.newPage(v, "search.title")
	p.Nav, p.Inbox = nav, d
	parsed, err := search.Parse(text, search.Options{Now: w.now(), Location: v.loc})
	if err != nil {
		var pe *search.Error
		if !errors.As(err, &pe) {
			return err
		}
		d.QueryErr = markQuery(text, pe)
		w.render(rw, r, http.StatusUnprocessableEntity, "inbox", p)
		return nil
	}
	page := desk.SearchPage{Limit: PageSize, Scope: sc}
	if c := q.Get("after"); c != "" {
		if page.Cursor, err = decodeSearchCursor(parsed.Sort, parsed.Order, c); err != nil {
			return errNotFound
		}
	}
	res, err := w.cfg.Desk.Search(ctx, v.ws.ID, v.agent.ID, parsed, page)
	if err != nil {
		return err
	}
	if res.Next != nil {
		d.Next = "/?" + url.Values{"q": {text}, "after": {encodeSearchCursor(parsed.Sort, parsed.Order, *res.Next)}}.Encode()
	}
	if d.Rows, err = w.rows(ctx, v, res.Tickets); err != nil {
		return err
	}
	if len(res.Tickets) == 0 {
		d.Empty = "empty.search"
	}
	w.render(rw, r, status, "inbox", p)
	return nil
}

// markQuery splits q around the byte offset of pe, on a character
// boundary, for the marker.
func markQuery(q string, pe *search.Error) *queryErr {
	pos := min(max(pe.Pos, 0), len(q))
	for pos > 0 && pos < len(q) && !utf8Start(q[pos]) {
		pos--
	}
	e := &queryErr{Pos: len([]rune(q[:pos])) + 1, Before: q[:pos], Detail: pe.Msg}
	if pos < len(q) {
		rs := []rune(q[pos:])
		e.At, e.After = string(rs[0]), string(rs[1:])
	}
	return e
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// A search cursor names its sort, as the API's does, so a cursor of one
// order is refused by another.
func encodeSearchCursor(sort, order string, c desk.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("s|%s|%s|%d|%d", sort, order, c.Key, c.Number)))
}

func decodeSearchCursor(sort, order, s string) (*desk.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 100 {
		return nil, fmt.Errorf("bad search cursor %q", s)
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 5 || parts[0] != "s" || parts[1] != sort || parts[2] != order {
		return nil, fmt.Errorf("bad search cursor %q", s)
	}
	k, err1 := strconv.ParseInt(parts[3], 10, 64)
	n, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || k < 0 || n < 0 {
		return nil, fmt.Errorf("bad search cursor %q", s)
	}
	return &desk.Cursor{Key: k, Number: n}, nil
}

// bulkAgents are the people the bulk bar can assign to.
func (w *Web) bulkAgents(ctx context.Context, v *visit) ([]desk.Agent, error) {
	dir, err := w.dir(ctx, v)
	if err != nil {
		return nil, err
	}
	return dir.assignable, nil
}

// bulkData is a bulk action's outcome: a refusal of the whole request
// (nothing changed), or each ticket's result.
type bulkData struct {
	Err     string
	Items   []bulkItem
	Failed  int
	Changed int
	Values  map[string]string
}

func (b *bulkData) Val(k string) string {
	if b == nil {
		return ""
	}
	return b.Values[k]
}

type bulkItem struct {
	ID     string
	Number int64
	Label  string
	Err    string
}

// bulk applies the inbox's bulk bar to the checked rows through
// desk.UpdateTickets (the native API's POST /api/v1/tickets/bulk), then
// shows the list it came from with each ticket's result.
func (w *Web) bulk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	back := url.Values{}
	if u, err := url.Parse(safeNext(r.PostFormValue("back"))); err == nil && u.Path == "/" {
		back = u.Query()
	}
	values := map[string]string{}
	p := desk.BulkPatch{}
	if s := r.PostFormValue("assignee"); s != "" {
		values["assignee"] = s
		switch s {
		case "me":
			s = v.agent.ID
		case "none":
			s = ""
		}
		p.AssigneeID = &s
	}
	if s := r.PostFormValue("status"); s != "" {
		st := desk.Status(s)
		p.Status, values["status"] = &st, s
	}
	if s := r.PostFormValue("priority"); s != "" {
		pr := desk.Priority(s)
		if s == "none" {
			pr = ""
		}
		p.Priority, values["priority"] = &pr, s
	}
	p.AddTags, values["add_tags"] = splitTags(r.PostFormValue("add_tags")), r.PostFormValue("add_tags")
	p.RemoveTags, values["remove_tags"] = splitTags(r.PostFormValue("remove_tags")), r.PostFormValue("remove_tags")
	ids := r.PostForm["id"]
	res, err := w.cfg.Desk.UpdateTickets(ctx, v.ws.ID, *v.caller(), v.actor(), ids, p)
	if err != nil {
		if s := statusOf(err); s == http.StatusInternalServerError || s == http.StatusNotFound {
			return err
		}
		return w.list(rw, r, v, back, statusOf(err), &bulkData{Err: ErrorText(v.lang, err), Values: values})
	}
	b := &bulkData{}
	for _, x := range res {
		it := bulkItem{ID: x.ID}
		t := x.Ticket
		if x.Err != nil {
			it.Err = ErrorText(v.lang, x.Err)
			b.Failed++
			// Name the ticket only when the agent may see it.
			if got, err := w.cfg.Desk.Store.Ticket(ctx, v.ws.ID, x.ID); err == nil && w.cfg.Desk.Authorize(ctx, *v.caller(), got, desk.ActView) == nil {
				t = got
			}
		} else {
			b.Changed++
		}
		if t != nil {
			it.Number, it.Label = t.Number, t.Subject
		}
		b.Items = append(b.Items, it)
	}
	return w.list(rw, r, v, back, http.StatusOK, b)
}
