package postcenter

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Bounds of the unpaginated lists (the vendor pages none of them).
const (
	maxCustomerTickets = 1000    // tickets of one customer
	maxStateIDs        = 100_000 // ids of one state
	statePage          = 1000    // rows read per query while listing a state
	pageSize           = 100     // "Paginado | 100"
)

// customerTickets: "/v2/tickets/?country_id={country_id} - GET. Retorna
// todos los tickets asociados a un cliente/usuario utilizando su
// country_id." country_id is the customer's national id (a Chilean RUT),
// compared without dots or spaces and with an upper-case check digit.
func (d *door) customerTickets(w http.ResponseWriter, r *http.Request) {
	cid := desk.NormalizeNationalID(r.URL.Query().Get("country_id"))
	if cid == "" {
		writeError(w, http.StatusBadRequest, "country_id is required")
		return
	}
	d.ticketList(w, r, desk.TicketFilter{NationalID: cid})
}

// facebookTickets: "/v2/tickets/facebook/?page_id={page_id}&uid={uid} -
// GET. Retorna todos los tickets asociados a un cliente/usuario a partir de
// su uid de Facebook en el contexto de un page_id." With from and to
// instead, this is the paginated list of the facebook network.
func (d *door) facebookTickets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pageID, uid := strings.TrimSpace(q.Get("page_id")), strings.TrimSpace(q.Get("uid"))
	if pageID == "" && uid == "" && (q.Has("from") || q.Has("to")) {
		d.page(w, r, "facebook", q)
		return
	}
	if pageID == "" || uid == "" {
		writeError(w, http.StatusBadRequest, "page_id and uid are required")
		return
	}
	d.ticketList(w, r, desk.TicketFilter{ContactIdent: &desk.Identity{Channel: desk.ChannelFacebook, ExternalID: uid, PageID: pageID}})
}

// ticketList renders TicketsListResponse: newest first, unpaginated.
func (d *door) ticketList(w http.ResponseWriter, r *http.Request, f desk.TicketFilter) {
	f.Order, f.Limit = desk.OrderCreatedDesc, maxCustomerTickets
	if err := d.scoped(r, &f); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	ts, err := d.Desk.Store.Tickets(r.Context(), principal(r).WorkspaceID, f)
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	v := d.view(r)
	if err := v.preload(ts); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	out := ticketsList{Status: http.StatusOK, Tickets: make([]ticketListItem, 0, len(ts))}
	for i := range ts {
		s, err := v.summary(&ts[i])
		if err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
		out.Tickets = append(out.Tickets, toListItem(&ts[i], s))
	}
	writeJSON(w, http.StatusOK, out)
}

// stateTickets: "/v2/tickets/state/{state} - GET. Retorna los tickets que
// están en cierto estado. Los estados soportados ... son open, closed,
// ignored, inProgress." Ids only, newest first. "En caso que el estado
// espacificado sea distinto de los mencionados ... {"message":
// "Non-existent status", "status": 404}".
func (d *door) stateTickets(w http.ResponseWriter, r *http.Request) {
	statuses, ok := stateStatuses(r.PathValue("state"))
	if !ok {
		writeError(w, http.StatusNotFound, "Non-existent status")
		return
	}
	ws := principal(r).WorkspaceID
	f := desk.TicketFilter{Statuses: statuses, Order: desk.OrderNumberDesc, Limit: statePage}
	if err := d.scoped(r, &f); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	ids := []string{}
	for len(ids) < maxStateIDs {
		ts, err := d.Desk.Store.Tickets(r.Context(), ws, f)
		if err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
		for i := 0; i < len(ts) && len(ids) < maxStateIDs; i++ {
			ids = append(ids, ts[i].ID)
		}
		if len(ts) < statePage {
			break
		}
		last := ts[len(ts)-1].CursorIn(f.Order)
		f.After = &last
	}
	writeJSON(w, http.StatusOK, stateList{Tickets: ids, Status: http.StatusOK})
}

// paginated: "/v2/tickets/paginated/{social_network}/?from={from_date}&to=
// {to_date}&next={next_page} - GET. ... los tickets entregados aparecen de
// más reciente a más antiguo, según fecha de creación ... from inclusivo y
// to exclusivo ... en el formato DD-MM-AAAA [hh:mm:ss] ... páginas de 100".
func (d *door) paginated(w http.ResponseWriter, r *http.Request) {
	d.page(w, r, r.PathValue("social_network"), r.URL.Query())
}

// paginatedInPath serves the vendor's example form, whose query sits in the
// last path segment: v2/tickets/twitter/from=18-04-2019&to=…&next=….
func (d *door) paginatedInPath(w http.ResponseWriter, r *http.Request) {
	q, ok := pathQuery(r.URL.EscapedPath())
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	for k, vs := range r.URL.Query() {
		if !q.Has(k) {
			q[k] = vs
		}
	}
	d.page(w, r, r.PathValue("social_network"), q)
}

// pathQuery parses the last segment of an escaped path as a query string;
// ok is false when the segment is not one (it has no "=").
func pathQuery(escaped string) (url.Values, bool) {
	seg := strings.TrimSuffix(escaped, "/")
	seg = seg[strings.LastIndexByte(seg, '/')+1:]
	if !strings.Contains(seg, "=") {
		return nil, false
	}
	q, err := url.ParseQuery(seg)
	if err != nil {
		return nil, false
	}
	return q, true
}

// page renders one page of a network's tickets created in [from, to).
func (d *door) page(w http.ResponseWriter, r *http.Request, net string, q url.Values) {
	net = strings.ToLower(net)
	ch, ok := networkChannel[net]
	if !ok {
		writeError(w, http.StatusNotFound, "Non-existent social network")
		return
	}
	if q.Get("from") == "" || q.Get("to") == "" {
		writeError(w, http.StatusBadRequest, "from and to are required, as "+dateFormats)
		return
	}
	var rng [2]time.Time
	for i, name := range []string{"from", "to"} {
		t, err := parseDate(q.Get(name))
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid date format for "+name+" ("+q.Get(name)+"): use "+dateFormats)
			return
		}
		rng[i] = t
	}
	from, to := rng[0], rng[1]
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "from must be earlier than to")
		return
	}
	ws := principal(r).WorkspaceID
	mask := cursorMask(ws, net, from, to)
	v := d.view(r)
	f := desk.TicketFilter{Channels: []desk.Channel{ch}, CreatedFrom: from, CreatedTo: to, Order: desk.OrderCreatedDesc}
	if err := d.scoped(r, &f); err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	if next := q.Get("next"); next != "" {
		after, err := d.cursorTicket(r, v, next, mask, net, from, to)
		if err != nil && !errors.Is(err, errCursor) {
			d.fail(w, r, err, "Ticket not found")
			return
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid next: use the next_page of the previous page, with the same social network, from and to")
			return
		}
		c := after.CursorIn(f.Order)
		f.After = &c
	}
	// One row more than a page says whether another page follows. Rows of
	// the same channel but another network (twitter vs twitter_search) are
	// skipped, reading on until the page is full.
	var rows []desk.Ticket
	var nets []string
	for {
		f.Limit = pageSize + 1
		ts, err := d.Desk.Store.Tickets(r.Context(), ws, f)
		if err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
		for i := range ts {
			n, err := v.network(&ts[i])
			if err != nil {
				d.fail(w, r, err, "Ticket not found")
				return
			}
			if n == net && len(rows) <= pageSize {
				rows, nets = append(rows, ts[i]), append(nets, n)
			}
		}
		if len(ts) < f.Limit || len(rows) > pageSize {
			break
		}
		last := ts[len(ts)-1].CursorIn(f.Order)
		f.After = &last
	}
	out := page{Tickets: make([]pageItem, 0, min(len(rows), pageSize)), Status: http.StatusOK}
	for i := 0; i < len(rows) && i < pageSize; i++ {
		out.Tickets = append(out.Tickets, toPageItem(&rows[i], nets[i]))
	}
	out.NumberOfTickets = len(out.Tickets)
	if len(rows) > pageSize {
		c := encodeCursor(rows[pageSize-1].ID, mask)
		out.NextPage = &c
	}
	writeJSON(w, http.StatusOK, out)
}

// cursorTicket resolves a next_page cursor to the last ticket of the
// previous page, which must belong to the same query (errCursor if not).
func (d *door) cursorTicket(r *http.Request, v *view, next string, mask [8]byte, net string, from, to time.Time) (*desk.Ticket, error) {
	id, err := decodeCursor(strings.ToLower(next), mask)
	if err != nil {
		return nil, err
	}
	t, err := d.Desk.Store.Ticket(r.Context(), v.ws, id)
	if errors.Is(err, desk.ErrNotFound) {
		return nil, errCursor
	}
	if err != nil {
		return nil, err
	}
	n, err := v.network(t)
	if err != nil {
		return nil, err
	}
	if n != net || t.CreatedAt.Before(from) || !t.CreatedAt.Before(to) {
		return nil, errCursor
	}
	return t, nil
}

// scoped narrows f to the tickets the caller may see (desk's policy and
// the workspace's ticket access).
func (d *door) scoped(r *http.Request, f *desk.TicketFilter) error {
	p := principal(r)
	sc, err := d.Desk.Scope(r.Context(), p.WorkspaceID, *p.Caller())
	f.Scope = sc
	return err
}
