package dolphins

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// call is one authenticated request: who, in which workspace, and a view
// to render with.
type call struct {
	p  *auth.Principal
	ws *desk.Workspace
	v  *view
}

func (d *Door) begin(w http.ResponseWriter, r *http.Request) (*call, bool) {
	p := auth.From(r.Context())
	if p == nil {
		failed(w, http.StatusUnauthorized, "Unauthorized: missing, invalid or expired token")
		return nil, false
	}
	ws, err := d.workspace(r.Context(), p)
	if err != nil {
		d.fail(w, r, err)
		return nil, false
	}
	return &call{p: p, ws: ws, v: d.view(r.Context(), ws)}, true
}

// findTicket resolves a ticketNumber (number or root id); anything else
// is not found, and so is a ticket the caller (the principal in ctx) may
// not see under the workspace's ticket access.
func (d *Door) findTicket(ctx context.Context, ws, ref string) (*desk.Ticket, error) {
	n, id, ok := parseTicketRef(ref)
	var t *desk.Ticket
	var err error
	switch {
	case !ok:
		return nil, desk.ErrNotFound
	case id != "":
		t, err = d.cfg.Desk.Store.Ticket(ctx, ws, id)
	default:
		t, err = d.cfg.Desk.Store.TicketByNumber(ctx, ws, n)
	}
	if err != nil {
		return nil, err
	}
	if p := auth.From(ctx); p != nil {
		if err := d.cfg.Desk.Authorize(ctx, *p.Caller(), t, desk.ActView); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// scoped narrows f to the tickets the caller (the principal in ctx) may
// see.
func (d *Door) scoped(ctx context.Context, ws string, f *desk.TicketFilter) error {
	p := auth.From(ctx)
	if p == nil {
		return nil
	}
	sc, err := d.cfg.Desk.Scope(ctx, ws, *p.Caller())
	f.Scope = sc
	return err
}

// Bounds of lists that filter in memory (filters the store cannot run):
// how many candidate tickets are looked at, newest first.
const (
	maxScan    = 1000 // filtering on ticket columns
	maxDocScan = 500  // filtering on rendered documents
)

// pageTickets lists the tickets matching f (and keep, when set) as a page,
// with the total number of matches. Without keep the store counts and
// pages; with keep, at most maxScan candidates are filtered in memory.
func (d *Door) pageTickets(ctx context.Context, ws string, f desk.TicketFilter, keep func(*desk.Ticket) bool, pg page) ([]desk.Ticket, int, error) {
	st := d.cfg.Desk.Store
	if err := d.scoped(ctx, ws, &f); err != nil {
		return nil, 0, err
	}
	if keep == nil {
		n, err := st.CountTickets(ctx, ws, f)
		if err != nil {
			return nil, 0, err
		}
		if pg.Start >= int(n) {
			return nil, int(n), nil
		}
		f.Offset, f.Limit = pg.Start, pg.Count
		ts, err := st.Tickets(ctx, ws, f)
		return ts, int(n), err
	}
	f.Limit = maxScan
	ts, err := st.Tickets(ctx, ws, f)
	if err != nil {
		return nil, 0, err
	}
	var kept []desk.Ticket
	for i := range ts {
		if keep(&ts[i]) {
			kept = append(kept, ts[i])
		}
	}
	return window(kept, pg), len(kept), nil
}

// window cuts a page out of a full list.
func window[T any](all []T, pg page) []T {
	if pg.Start >= len(all) {
		return nil
	}
	return all[pg.Start:min(pg.Start+pg.Count, len(all))]
}

// roots renders root documents, reading what they need preloadChunk
// tickets at a time: a page in one go, while a filtered scan of hundreds of
// tickets does not hold all their messages at once.
func (v *view) roots(ts []desk.Ticket) ([]*TicketDoc, error) {
	out := make([]*TicketDoc, 0, len(ts))
	for len(ts) > 0 {
		chunk := ts[:min(len(ts), preloadChunk)]
		ts = ts[len(chunk):]
		if err := v.preload(chunk); err != nil {
			return nil, err
		}
		for i := range chunk {
			doc, err := v.root(&chunk[i])
			if err != nil {
				return nil, err
			}
			out = append(out, doc)
		}
	}
	return out, nil
}

// preloadChunk is how many root documents' reads are preloaded together:
// the largest page (count ≤ 100).
const preloadChunk = 100

// GET /graph/tickets?start=0&count=1 — "Get List of Ticket"
//
// Root documents, newest createdDate first; optional status (any case),
// channelType and sort=asc|desc.
func (d *Door) tickets(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pg, err := parsePage(q, "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	f, err := listFilter(q)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.listRoots(w, r, c, f, nil, pg)
}

// listFilter reads the status, channelType and sort query parameters.
func listFilter(q map[string][]string) (desk.TicketFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := desk.TicketFilter{Order: desk.OrderCreatedDesc}
	asc, err := parseSort(get("sort"))
	if err != nil {
		return f, err
	}
	if asc {
		f.Order = desk.OrderCreatedAsc
	}
	if s := get("status"); s != "" {
		if f.Statuses, err = parseStatus(s); err != nil {
			return f, err
		}
	}
	if s := get("channelType"); s != "" {
		ch, err := parseChannelType(s)
		if err != nil {
			return f, err
		}
		f.Channels = []desk.Channel{ch}
	}
	return f, nil
}

func (d *Door) listRoots(w http.ResponseWriter, r *http.Request, c *call, f desk.TicketFilter, keep func(*desk.Ticket) bool, pg page) {
	ts, total, err := d.pageTickets(r.Context(), c.ws.ID, f, keep, pg)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	docs, err := c.v.roots(ts)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	list(w, docs, total, pg)
}

// GET /graph/tickets/[ticketNumber] — "Get List of Closed Tickets"
//
// The root document of that ticket as a one-element list, whatever its
// status (spec A1); the literal "closed" lists closed tickets, most
// recently changed first. An unknown number is an empty list, never 404.
func (d *Door) ticketList(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	ref := r.PathValue("ticketNumber")
	if strings.EqualFold(ref, "closed") {
		f := desk.TicketFilter{Statuses: statusNames["closed"], Order: desk.OrderUpdatedDesc}
		d.listRoots(w, r, c, f, nil, pg)
		return
	}
	t, err := d.findTicket(r.Context(), c.ws.ID, ref)
	if errors.Is(err, desk.ErrNotFound) {
		list(w, nil, 0, pg)
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	docs, err := c.v.roots(window([]desk.Ticket{*t}, pg))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	list(w, docs, 1, pg)
}

// GET /graph/tickets/data/[ticketNumber] — "Get Ticket by Ticket Number"
// (T2): the root document as an object; unknown → 404.
func (d *Door) ticketData(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	t, err := d.findTicket(r.Context(), c.ws.ID, r.PathValue("ticketNumber"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	doc, err := c.v.root(t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	one(w, doc)
}

// GET /graph/tickets/data/[ticketNumber]/[fieldName]/[keyword] — "Get
// Ticket Data by Filter"
//
//	Header: Authorization : Bearer [generatedToken] Field : [fieldName] Keyword : [value od fieldName]
//
// Documents of the ticket whose field equals keyword (any case); the
// ticket number "all" or "*" searches every ticket's root document. The
// pseudo-headers only repeat the path and are ignored (spec A5).
func (d *Door) byField(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	field := camel(r.PathValue("fieldName"))
	if !docFields[field] {
		failed(w, http.StatusBadRequest, "unknown field \""+r.PathValue("fieldName")+"\"")
		return
	}
	d.searchDocs(w, r, c, r.PathValue("ticketNumber"), []cond{{Field: field, Values: []string{r.PathValue("keyword")}}}, pg)
}

// POST /graph/tickets/data/[ticketNumber]?start=0&count=1 — "Get Ticket
// Data by Filter Query"
//
//	Body: { "channel_type":"{channelType}" }
//
// Keys are TicketDoc fields in camelCase or snake_case (spec A6); values
// are compared for equality (a list means any of them). Newest first.
func (d *Door) byFilter(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		failed(w, http.StatusBadRequest, "body unreadable or larger than 1 MiB")
		return
	}
	conds, err := parseFilter(body)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.searchDocs(w, r, c, r.PathValue("ticketNumber"), conds, pg)
}

// searchDocs filters documents: those of one ticket (root and messages),
// or the root documents of every ticket for "all" / "*", newest first.
func (d *Door) searchDocs(w http.ResponseWriter, r *http.Request, c *call, ref string, conds []cond, pg page) {
	var docs []*TicketDoc
	if ref == "all" || ref == "*" {
		f, exact := pushDown(conds)
		f.Order = desk.OrderCreatedDesc
		if exact {
			d.listRoots(w, r, c, f, nil, pg)
			return
		}
		f.Limit = maxDocScan
		if err := d.scoped(r.Context(), c.ws.ID, &f); err != nil {
			d.fail(w, r, err)
			return
		}
		ts, err := d.cfg.Desk.Store.Tickets(r.Context(), c.ws.ID, f)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if docs, err = c.v.roots(ts); err != nil {
			d.fail(w, r, err)
			return
		}
	} else {
		t, err := d.findTicket(r.Context(), c.ws.ID, ref)
		if errors.Is(err, desk.ErrNotFound) {
			list(w, nil, 0, pg)
			return
		}
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if docs, err = c.v.conversation(t); err != nil {
			d.fail(w, r, err)
			return
		}
		slices.Reverse(docs)
	}
	kept, err := filterDocs(docs, conds)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	list(w, window(kept, pg), len(kept), pg)
}

// filterDocs keeps the documents whose rendered fields match every cond.
func filterDocs(docs []*TicketDoc, conds []cond) ([]*TicketDoc, error) {
	if len(conds) == 0 {
		return docs, nil
	}
	var out []*TicketDoc
	for _, doc := range docs {
		b, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		ok := true
		for _, c := range conds {
			if !matches(m[c.Field], c.Values) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, doc)
		}
	}
	return out, nil
}

// pushDown turns the conditions the store can run into a ticket filter
// (root documents only); exact reports that it captured all of them, so
// no rendered document needs checking.
func pushDown(conds []cond) (desk.TicketFilter, bool) {
	var f desk.TicketFilter
	exact := true
	for _, c := range conds {
		one := len(c.Values) == 1
		v := ""
		if one {
			v = strings.ToLower(strings.TrimSpace(c.Values[0]))
		}
		switch {
		case c.Field == "status" || c.Field == "timelineStatus":
			var sts []desk.Status
			okAll := true
			for _, s := range c.Values {
				st, err := parseStatus(s)
				if err != nil {
					okAll = false
					break
				}
				sts = append(sts, st...)
			}
			if okAll && f.Statuses == nil {
				f.Statuses = sts
			} else {
				exact = false
			}
		case c.Field == "ticketNumber":
			var nums []int64
			okAll := true
			for _, s := range c.Values {
				n, _, ok := parseTicketRef(s)
				if !ok || n == 0 {
					okAll = false
					break
				}
				nums = append(nums, n)
			}
			if okAll && f.Numbers == nil {
				f.Numbers = nums
			} else {
				exact = false
			}
		case c.Field == "assignedAgent" && one && isHexID(v) && f.AssigneeID == "":
			f.AssigneeID = v
		case c.Field == "group" && one && isHexID(v) && f.GroupID == "":
			f.GroupID = v
		case c.Field == "contactId" && one && isHexID(v) && f.ContactID == "":
			f.ContactID = v
		case c.Field == "channelType":
			// Narrow by channel, but check the rendered value too
			// (telegram vs telegrambot).
			var chs []desk.Channel
			for _, s := range c.Values {
				if ch, err := parseChannelType(s); err == nil {
					chs = append(chs, ch)
				}
			}
			if len(chs) > 0 && f.Channels == nil {
				f.Channels = chs
			}
			exact = false
		default:
			exact = false
		}
	}
	return f, exact
}

// GET /graph/tickets/assignment?status=pending&sort=desc&isToday=true&start=0&count=1
// — "Get User Ticket Assignment": root documents assigned to the token's
// user; isToday keeps those created today in the workspace's zone.
func (d *Door) assignment(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pg, err := parsePage(q, "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	f, err := listFilter(q)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	today, err := parseBool("isToday", q.Get("isToday"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	f.AssigneeID = c.p.AgentID
	if today {
		now := c.v.now.In(c.v.loc)
		f.CreatedFrom = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.v.loc)
		f.CreatedTo = f.CreatedFrom.AddDate(0, 0, 1)
	}
	d.listRoots(w, r, c, f, nil, pg)
}

// GET /graph/tickets/priority?start=0&count=1 — "Get Ticket Priority by
// User id": the token user's active tickets flagged as priority, newest
// first.
func (d *Door) priority(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	f := desk.TicketFilter{AssigneeID: c.p.AgentID, Statuses: desk.ActiveStatuses, Order: desk.OrderCreatedDesc}
	d.listRoots(w, r, c, f, func(t *desk.Ticket) bool { return t.Flagged }, pg)
}

// GET /graph/tickets/conversations/[ticketNumber]?start=0&count=1 — "Get
// Ticket Conversation by Ticket Number": every document of the ticket
// (root, then messages), oldest first. Unknown → empty list.
func (d *Door) conversations(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "start")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	t, err := d.findTicket(r.Context(), c.ws.ID, r.PathValue("ticketNumber"))
	if errors.Is(err, desk.ErrNotFound) {
		list(w, nil, 0, pg)
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	docs, err := c.v.conversation(t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	list(w, window(docs, pg), len(docs), pg)
}
