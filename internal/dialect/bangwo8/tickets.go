package bangwo8

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Page sizes of lists and searches.
const (
	defaultPerPage = 100 // "每页大小,默认为 100"
	maxPerPage     = 100
	maxShowMany    = 100 // "此接口最多返回100个工单"
	maxPage        = 1_000_000
)

// 工单列表
//
//	GET /api/v1/tickets.json
//	created_start / created_end / updated_start / updated_end  "包含当天"
//	created_order / updated_order / status_order  asc(升序), desc(降序)
//	page 页码,默认为 1; per_page 每页大小,默认为 100
//	"说明:默认按编码升序返回。时间参数…格式为“2012-01-01 00:00:00”。"
//	调用者权限: 管理员
func (d *Door) listTickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	d.list(w, r, p, desk.TicketFilter{})
}

// "/*查看服务商下某个客户的工单*/ GET /api/v1/companies/{company_id}/tickets.json"
func (d *Door) companyTickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, err := atoiID(r.PathValue("company_id"))
	if err != nil || n == 0 {
		notFound(w)
		return
	}
	id, err := d.id(r.Context(), kindCompany, p.WorkspaceID, n)
	if err != nil {
		d.failLookup(w, r, err)
		return
	}
	d.list(w, r, p, desk.TicketFilter{CompanyID: id})
}

// "/*查看服务商下某个客户的某个联系人的工单*/ GET /api/v1/users/{user_id}/tickets.json"
func (d *Door) userTickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, err := atoiID(r.PathValue("user_id"))
	if err != nil || n == 0 {
		notFound(w)
		return
	}
	id, err := d.id(r.Context(), kindContact, p.WorkspaceID, n)
	if err != nil {
		d.failLookup(w, r, err)
		return
	}
	d.list(w, r, p, desk.TicketFilter{ContactID: id})
}

// failLookup answers a path id that names nothing with 404 资源不存在.
func (d *Door) failLookup(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNoSuch) {
		writeError(w, http.StatusNotFound, codeNotFound, msgNoResource)
		return
	}
	d.fail(w, r, err)
}

// orderKey is one *_order parameter.
type orderKey struct {
	field string // created, updated, status
	desc  bool
}

// orderKeys reads the *_order parameters in the order they appear in the
// query string, which is their precedence (A15).
func orderKeys(rawQuery string) ([]orderKey, error) {
	var keys []orderKey
	seen := map[string]bool{}
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue // url.ParseQuery has already refused or skipped it
		}
		field, ok := strings.CutSuffix(k, "_order")
		if !ok || (field != "created" && field != "updated" && field != "status") || seen[field] {
			continue
		}
		seen[field] = true
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "asc":
			keys = append(keys, orderKey{field: field})
		case "desc":
			keys = append(keys, orderKey{field: field, desc: true})
		default:
			return nil, bad(k)
		}
	}
	return keys, nil
}

// pageURL is the absolute URL of page n of this list or search: every
// original parameter as sent, page replaced (appended last, as in the
// seed's "…/tickets.json?per_page=40&page=2").
func pageURL(r *http.Request, n int) *string {
	var parts []string
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if kv == "" || k == "page" {
			continue
		}
		parts = append(parts, kv)
	}
	parts = append(parts, "page="+strconv.Itoa(n))
	s := origin(r) + r.URL.EscapedPath() + "?" + strings.Join(parts, "&")
	return &s
}

// paging reads page and per_page.
func paging(q url.Values) (page, perPage int, err error) {
	if page, err = parsePage(q.Get("page"), 1, maxPage); err != nil {
		return 0, 0, bad("page")
	}
	if perPage, err = parsePage(q.Get("per_page"), defaultPerPage, maxPerPage); err != nil {
		return 0, 0, bad("per_page")
	}
	return page, perPage, nil
}

// links returns next_page and previous_page for page of perPage over count.
func links(r *http.Request, page, perPage int, count int64) (next, prev *string) {
	if int64(page)*int64(perPage) < count {
		next = pageURL(r, page+1)
	}
	if page > 1 {
		prev = pageURL(r, page-1)
	}
	return next, prev
}

func (d *Door) list(w http.ResponseWriter, r *http.Request, p *auth.Principal, f desk.TicketFilter) {
	q := r.URL.Query()
	_, loc, err := d.workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	bounds := []struct {
		param string
		end   bool
		into  *time.Time
	}{
		{"created_start", false, &f.CreatedFrom}, {"created_end", true, &f.CreatedTo},
		{"updated_start", false, &f.UpdatedFrom}, {"updated_end", true, &f.UpdatedTo},
	}
	for _, b := range bounds {
		if v := q.Get(b.param); v != "" {
			t, err := parseBound(v, loc, b.end)
			if err != nil {
				badRequest(w, b.param)
				return
			}
			*b.into = t
		}
	}
	page, perPage, err := paging(q)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	keys, err := orderKeys(r.URL.RawQuery)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	ts, count, err := d.page(r.Context(), p.WorkspaceID, f, keys, (page-1)*perPage, perPage)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	rd, err := d.renderer(r.Context(), d.base(r), p.WorkspaceID, true)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	out := listJSON{Count: count}
	if out.Tickets, err = rd.tickets(ts); err != nil {
		d.fail(w, r, err)
		return
	}
	out.NextPage, out.PreviousPage = links(r, page, perPage, count)
	writeJSON(w, http.StatusOK, out)
}

// storeOrder is the desk order of a created/updated key.
func storeOrder(k orderKey) desk.TicketOrder {
	switch {
	case k.field == "created" && k.desc:
		return desk.OrderCreatedDesc
	case k.field == "created":
		return desk.OrderCreatedAsc
	case k.field == "updated" && k.desc:
		return desk.OrderUpdatedDesc
	case k.field == "updated":
		return desk.OrderUpdatedAsc
	}
	return desk.OrderNumberAsc
}

// statusGroups are the canonical statuses behind each ticketStatus code,
// in code order; 5 and 6 share one group because both are "closed" (told
// apart by the closed reason, which a ticket filter does not select).
var statusGroups = [][]desk.Status{
	{desk.StatusNew, desk.StatusUnassigned},
	{desk.StatusAssigned, desk.StatusOpen, desk.StatusOnHold},
	{desk.StatusPending},
	{desk.StatusSolved},
	{desk.StatusClosed, desk.StatusIgnored},
}

// page returns one page of tickets of f, ordered by keys (default ticketId
// ascending), and the total. Status order is Bangwo8's code order, built
// from one count per code and one query per code the page spans; within a
// code the next key orders, then ticketId ascending.
func (d *Door) page(ctx context.Context, ws string, f desk.TicketFilter, keys []orderKey, offset, limit int) ([]desk.Ticket, int64, error) {
	count, err := d.Desk.Store.CountTickets(ctx, ws, f)
	if err != nil {
		return nil, 0, err
	}
	if len(keys) == 0 || keys[0].field != "status" {
		f.Order = desk.OrderNumberAsc
		if len(keys) > 0 {
			f.Order = storeOrder(keys[0])
		}
		f.Offset, f.Limit = offset, limit
		if int64(offset) >= count {
			return nil, count, nil
		}
		ts, err := d.Desk.Store.Tickets(ctx, ws, f)
		return ts, count, err
	}
	within := desk.OrderNumberAsc
	if len(keys) > 1 {
		within = storeOrder(keys[1])
	}
	groups := statusGroups
	if keys[0].desc {
		groups = make([][]desk.Status, len(statusGroups))
		for i, g := range statusGroups {
			groups[len(groups)-1-i] = g
		}
	}
	var out []desk.Ticket
	for _, g := range groups {
		if limit == 0 {
			break
		}
		gf := f
		gf.Statuses = g
		n, err := d.Desk.Store.CountTickets(ctx, ws, gf)
		if err != nil {
			return nil, 0, err
		}
		if int64(offset) >= n {
			offset -= int(n)
			continue
		}
		gf.Order, gf.Offset, gf.Limit = within, offset, limit
		ts, err := d.Desk.Store.Tickets(ctx, ws, gf)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ts...)
		limit -= len(ts)
		offset = 0
	}
	return out, count, nil
}

// 查看工单 GET /api/v1/tickets/{id}_v2.json → {"ticket": {…}}
// 查看工单(旧) GET /api/v1/tickets/{id}.json → {"ticket": [{…}]}
// "与查看工单 接口的调用方式、传参方式均一致,只是返回值格式不太一样"
// 调用者权限: 管理员
func (d *Door) showTicket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, v2, ok := parseNumberFile(r.PathValue("file"))
	if !ok {
		notFound(w)
		return
	}
	t, err := d.Desk.Store.TicketByNumber(r.Context(), p.WorkspaceID, n)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	rd, err := d.renderer(r.Context(), d.base(r), p.WorkspaceID, !v2)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	tj, err := rd.ticket(t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if v2 {
		writeJSON(w, http.StatusOK, map[string]any{"ticket": tj})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": []ticketJSON{tj}})
}

// 查看多个工单 GET /api/v1/tickets/show_many.json?ids={ids}
// "说明:工单id要以逗号分隔。此接口最多返回100个工单。"
// 调用者权限: 管理员
func (d *Door) showMany(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ids, err := parseIDsParam(r.URL.Query().Get("ids"))
	if err != nil || len(ids) == 0 {
		badRequest(w, "ids")
		return
	}
	var uniq []int64
	seen := map[int64]bool{}
	for _, n := range ids {
		if !seen[n] && len(uniq) < maxShowMany {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	ts, err := d.Desk.Store.Tickets(r.Context(), p.WorkspaceID, desk.TicketFilter{Numbers: uniq, Limit: len(uniq)})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	byNumber := make(map[int64]*desk.Ticket, len(ts))
	for i := range ts {
		byNumber[ts[i].Number] = &ts[i]
	}
	ordered := make([]desk.Ticket, 0, len(ts))
	for _, n := range uniq {
		if t, ok := byNumber[n]; ok {
			ordered = append(ordered, *t)
		}
	}
	rd, err := d.renderer(r.Context(), d.base(r), p.WorkspaceID, true)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	out, err := rd.tickets(ordered)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": out})
}

// noRoute answers every other path under the prefix.
func (d *Door) noRoute(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	notFound(w)
}
