package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// PageSize is the inbox's rows per page.
const PageSize = 25

// view is one list of the left column.
type view struct {
	ID    string // mine, unassigned, open, pending, solved, group:<id>
	Label string // already translated
	Count int64
	Href  string
}

// navData is the left column and header.
type navData struct {
	Views    []view
	Groups   []view
	Current  string
	Active   int // the agent's active tickets, for "3 of 5"
	Capacity int
}

// row is one ticket of the list.
type row struct {
	T        *desk.Ticket
	Contact  string
	Assignee string
	Initials string
	SLA      sla
}

// sla is a list row's nearest SLA target.
type sla struct {
	Key      string // "" (none), sla.first_reply or sla.resolve
	Due      time.Time
	Breached bool
}

type inboxData struct {
	View string
	// Heading is the view's name (its label in the left column).
	Heading string
	Sort    string
	Rows    []row
	Next    string // query of the next page, "" on the last
	First   bool
	Empty   string // the empty state's key
	// FirstHref is the first page; Here this page (a bulk action returns
	// to it).
	FirstHref, Here string
	// Query is the search typed in the box; QueryErr its parse error.
	Query    string
	QueryErr *queryErr
	Agents   []desk.Agent // the bulk bar's assignees
	Bulk     *bulkData
}

// sorts are the inbox orders (keyset-paged like the API's list).
var sorts = map[string]desk.TicketOrder{"": desk.OrderUpdatedDesc, "updated": desk.OrderUpdatedDesc,
	"newest": desk.OrderNumberDesc, "oldest": desk.OrderNumberAsc, "priority": desk.OrderPriority, "sla": desk.OrderSLADue}

// viewFilter is the ticket filter of a view.
func viewFilter(id, me string) (desk.TicketFilter, bool) {
	f := desk.TicketFilter{Statuses: desk.ActiveStatuses}
	switch {
	case id == "mine":
		f.AssigneeID = me
	case id == "unassigned":
		f.AssigneeID = "none"
	case id == "open":
	case id == "pending":
		f.Statuses = []desk.Status{desk.StatusPending, desk.StatusOnHold}
	case id == "solved":
		f.Statuses = []desk.Status{desk.StatusSolved, desk.StatusClosed}
	case strings.HasPrefix(id, "group:") && len(id) > 6:
		f.GroupID = id[6:]
	default:
		return f, false
	}
	return f, true
}

// nav builds the left column: each view with its count, in the caller's
// scope.
func (w *Web) nav(ctx context.Context, v *visit, current string) (*navData, *desk.TicketScope, error) {
	sc, err := w.cfg.Desk.Scope(ctx, v.ws.ID, *v.caller())
	if err != nil {
		return nil, nil, err
	}
	n := &navData{Current: current, Capacity: v.agent.Capacity}
	count := w.counter(ctx, v, sc) // counts.go: reused while the workspace's tickets stay as they were
	for _, id := range []string{"mine", "unassigned", "open", "pending", "solved"} {
		c, err := count(id)
		if err != nil {
			return nil, nil, err
		}
		n.Views = append(n.Views, view{ID: id, Label: T(v.lang, "view."+id), Count: c, Href: "/?view=" + id})
		if id == "mine" {
			n.Active = int(c)
		}
	}
	dir, err := w.dir(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range dir.groups {
		id := "group:" + g.ID
		c, err := count(id)
		if err != nil {
			return nil, nil, err
		}
		n.Groups = append(n.Groups, view{ID: id, Label: g.Name, Count: c, Href: "/?view=" + url.QueryEscape(id)})
	}
	return n, sc, nil
}

func (w *Web) inbox(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.list(rw, r, v, r.URL.Query(), http.StatusOK, nil)
}

// list renders the inbox for query q (a view, or a search when q has
// "q"); bulk carries a bulk action's outcome (work.go).
func (w *Web) list(rw http.ResponseWriter, r *http.Request, v *visit, q url.Values, status int, bulk *bulkData) error {
	ctx := r.Context()
	if strings.TrimSpace(q.Get("q")) != "" {
		return w.searchList(rw, r, v, q, status, bulk)
	}
	vid := q.Get("view")
	if vid == "" {
		vid = "mine"
	}
	f, ok := viewFilter(vid, v.agent.ID)
	order, okSort := sorts[q.Get("sort")]
	if !ok || !okSort {
		return errNotFound
	}
	nav, sc, err := w.nav(ctx, v, vid)
	if err != nil {
		return err
	}
	f.Scope, f.Order, f.Limit = sc, order, PageSize+1
	if c := q.Get("after"); c != "" {
		cur, err := decodeCursor(c)
		if err != nil {
			return errNotFound
		}
		f.After = &cur
	}
	ts, err := w.ticketHeads(ctx, v.ws.ID, f) // what rows show and page by
	if err != nil {
		return err
	}
	d := &inboxData{View: vid, Sort: q.Get("sort"), First: f.After == nil, Bulk: bulk}
	for _, vs := range [][]view{nav.Views, nav.Groups} {
		for _, x := range vs {
			if x.ID == vid {
				d.Heading = x.Label
			}
		}
	}
	first := url.Values{"view": {vid}}
	if d.Sort != "" {
		first.Set("sort", d.Sort)
	}
	d.FirstHref, d.Here = "/?"+first.Encode(), "/?"+q.Encode()
	if len(ts) > PageSize {
		nq := url.Values{"view": {vid}, "after": {encodeCursor(ts[PageSize-1].CursorIn(order))}}
		if d.Sort != "" {
			nq.Set("sort", d.Sort)
		}
		d.Next, ts = "/?"+nq.Encode(), ts[:PageSize]
	}
	if d.Rows, err = w.rows(ctx, v, ts); err != nil {
		return err
	}
	if len(ts) == 0 {
		d.Empty = "empty." + strings.SplitN(vid, ":", 2)[0]
	}
	if d.Agents, err = w.bulkAgents(ctx, v); err != nil {
		return err
	}
	p := w.newPage(v, "inbox.title")
	p.Nav, p.Inbox = nav, d
	w.render(rw, r, status, "inbox", p)
	return nil
}

// rows joins the tickets' contacts (one batched read) and assignees (the
// directory).
func (w *Web) rows(ctx context.Context, v *visit, ts []desk.Ticket) ([]row, error) {
	var cids []string
	for i := range ts {
		if ts[i].ContactID != "" {
			cids = append(cids, ts[i].ContactID)
		}
	}
	contacts, err := w.contactNames(ctx, v, cids) // contactnames.go: cached names
	if err != nil {
		return nil, err
	}
	dir, err := w.dir(ctx, v)
	if err != nil {
		return nil, err
	}
	agents := dir.byID
	now := w.now()
	out := make([]row, len(ts))
	for i := range ts {
		t := &ts[i]
		out[i] = row{T: t, SLA: slaOf(t, now)}
		if c, ok := contacts[t.ContactID]; ok {
			out[i].Contact = c.label()
		}
		if a := agents[t.AssigneeID]; a != nil {
			out[i].Assignee, out[i].Initials = a.Name, initials(a.Name)
		}
	}
	return out, nil
}

// slaOf is the nearest open SLA target stamped on t (routing stamps the
// due times; the ticket page shows routing's full clocks).
func slaOf(t *desk.Ticket, now time.Time) sla {
	if t.Status.Terminal() {
		return sla{}
	}
	var s sla
	switch {
	case t.FirstAgentResponseAt.IsZero() && !t.FirstReplyDueAt.IsZero():
		s = sla{Key: "sla.first_reply", Due: t.FirstReplyDueAt}
	case !t.ResolveDueAt.IsZero():
		s = sla{Key: "sla.resolve", Due: t.ResolveDueAt}
	default:
		return sla{}
	}
	s.Breached = !now.Before(s.Due)
	return s
}

// contactName names c as a list row does.
func contactName(c *desk.Contact) string { return lineOf(c).label() }

func initials(name string) string {
	var out []rune
	for _, f := range strings.Fields(name) {
		out = append(out, []rune(f)[0])
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

func encodeCursor(c desk.Cursor) string { return fmt.Sprintf("%d.%d", c.Key, c.Number) }

func decodeCursor(s string) (desk.Cursor, error) {
	k, n, ok := strings.Cut(s, ".")
	key, err1 := strconv.ParseInt(k, 10, 64)
	num, err2 := strconv.ParseInt(n, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return desk.Cursor{}, fmt.Errorf("bad cursor %q", s)
	}
	return desk.Cursor{Key: key, Number: num}, nil
}
