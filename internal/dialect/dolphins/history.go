package dolphins

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// GET /graph/tickets/queue/[accountId] — "Get Queue Number From Account Id"
//
// The 1-based place of the customer's waiting (Unassigned) ticket in its
// group's queue, from the routing engine; 0 when it is not queued.
func (d *Door) queue(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	contacts, err := d.cfg.Desk.ContactsByExternalID(ctx, c.ws.ID, r.PathValue("accountId"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	pos := 0
	for _, ct := range contacts {
		ts, err := d.cfg.Desk.Store.Tickets(ctx, c.ws.ID, desk.TicketFilter{ContactID: ct.ID, AssigneeID: "none",
			Statuses: []desk.Status{desk.StatusNew, desk.StatusUnassigned}, Order: desk.OrderCreatedAsc, Limit: 1})
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if len(ts) == 0 {
			continue
		}
		if pos, err = d.cfg.Routing.QueuePosition(ctx, c.ws.ID, ts[0].ID); err != nil {
			d.fail(w, r, err)
			return
		}
		break
	}
	one(w, pos)
}

// historyByChannel serves E22:
//
// GET /graph/tickets/conversations/[channel]/[socialId]?count=1 (T2)
//
// The message documents exchanged with the customer whose id on that
// channel (channelType) is socialId, across all its tickets, newest first.
func (d *Door) historyByChannel(w http.ResponseWriter, r *http.Request) {
	d.history(w, r, r.PathValue("channel"), r.PathValue("socialId"), nil)
}

// historyByKey serves E23, and E21 when the last segment is "history":
//
// GET /graph/tickets/conversations/[channel]/[social_Id]/history?count=1 —
// "Get Conversation History by Channel and Social Id" (E21; with sort=asc,
// "Get Sorted Conversation History": the same messages oldest first)
//
// GET /graph/tickets/conversations/[channel]/[channelkey]/[social_id]?count=1 —
// "Get Conversation History by Channel, Channel Key and Social Id" (E23):
// only tickets on the channel account with that key.
func (d *Door) historyByKey(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("socialId") == "history" {
		d.history(w, r, r.PathValue("channel"), r.PathValue("channelKey"), nil)
		return
	}
	key := r.PathValue("channelKey")
	d.history(w, r, r.PathValue("channel"), r.PathValue("socialId"), func(v *view, t *desk.Ticket) bool {
		a, err := v.account(t.ChannelAccountID)
		return err == nil && a != nil && (strings.EqualFold(a.UID, key) || strings.EqualFold(a.Name, key) || a.ID == key)
	})
}

// GET /graph/tickets/conversations/channelId/[channelId]/[socialId]?count=1 —
// "Get Conversation History by Channel Id and Social Id" (E24): only
// tickets on that channel account. An unknown account is an empty list.
func (d *Door) historyByChannelID(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	id := r.PathValue("channelId")
	acct, err := c.v.account(id)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if acct == nil {
		if _, err := parseHistoryPage(r); err != nil {
			d.fail(w, r, err)
			return
		}
		list(w, nil, 0, page{Count: DefaultCount})
		return
	}
	d.historyFor(w, r, c, acct.Channel, r.PathValue("socialId"), func(_ *view, t *desk.Ticket) bool { return t.ChannelAccountID == id })
}

func parseHistoryPage(r *http.Request) (page, error) {
	pg, err := parsePage(r.URL.Query(), "")
	if err != nil {
		return pg, err
	}
	_, err = parseSort(r.URL.Query().Get("sort"))
	return pg, err
}

func (d *Door) history(w http.ResponseWriter, r *http.Request, channel, socialID string, keep func(*view, *desk.Ticket) bool) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	ch, err := parseChannelType(channel)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.historyFor(w, r, c, ch, socialID, keep)
}

// historyFor reads a customer's recent messages (count of them, default
// 20) through desk.History. The history endpoints take no start: hasMore
// says older messages exist, and totalResults counts what is returned.
func (d *Door) historyFor(w http.ResponseWriter, r *http.Request, c *call, ch desk.Channel, socialID string, keep func(*view, *desk.Ticket) bool) {
	pg, err := parseHistoryPage(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	asc, _ := parseSort(r.URL.Query().Get("sort"))
	f := desk.HistoryFilter{Identity: desk.Identity{Channel: ch, ExternalID: socialID}, Limit: pg.Count + 1}
	if keep != nil {
		f.Keep = func(t *desk.Ticket) bool { return keep(c.v, t) }
	}
	items, err := d.cfg.Desk.History(r.Context(), c.ws.ID, f)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	more := len(items) > pg.Count
	items = items[:min(len(items), pg.Count)]
	docs, err := historyDocs(c.v, items)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if asc {
		slices.Reverse(docs)
	}
	env := envelope{Status: "success", Data: docs, TotalResults: len(docs), HasMore: more}
	if more {
		env.NextIndex = len(docs)
	}
	writeJSON(w, http.StatusOK, env)
}

// historyDocs renders history items (newest first) as message documents,
// each answer's response time counted from the customer's message before
// it on the same ticket.
func historyDocs(v *view, items []desk.HistoryItem) ([]*TicketDoc, error) {
	since := make([]time.Time, len(items))
	last := map[string]time.Time{}
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		since[i] = last[it.Ticket.ID]
		if it.Message.Direction == desk.DirectionIn {
			last[it.Ticket.ID] = it.Message.CreatedAt
		}
	}
	docs := make([]*TicketDoc, 0, len(items))
	for i := range items {
		doc, err := v.message(items[i].Ticket, &items[i].Message, since[i])
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

type reportRequest struct {
	ChannelFilters     []string        `json:"channelFilters"`
	ChannelTypeFilters []string        `json:"channelTypeFilters"`
	AgentFilters       []string        `json:"agentFilters"`
	CustomerFilters    []string        `json:"customerFilters"`
	TicketTagFilters   []string        `json:"ticketTagFilters"`
	StartDateFilter    string          `json:"startDateFilter"`
	EndDateFilter      string          `json:"endDateFilter"`
	TicketNumber       json.RawMessage `json:"ticketNumber"`
}

// POST /dolphin/apiv1/graph/report/conversations?startIndex=0 (T3)
//
//	Body {channelFilters, channelTypeFilters, agentFilters, customerFilters,
//	      ticketTagFilters, startDateFilter "YYYY-MM-DD", endDateFilter, ticketNumber}
//
// Root documents created in the date range (both days inclusive, in the
// workspace's zone) matching every non-empty filter (each any-of), newest
// first, paged by startIndex and count.
func (d *Door) report(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	pg, err := parsePage(r.URL.Query(), "startIndex")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var in reportRequest
	if err := decodeBody(r.Body, &in); err != nil && !errors.Is(err, errEmptyBody) {
		d.fail(w, r, err)
		return
	}
	f, keep, err := reportFilter(&in, c.v.loc)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.listRoots(w, r, c, f, keep, pg)
}

// reportFilter turns a report body into a store filter plus, for the
// filters the store cannot run (several agents, customers or tags, channel
// accounts), an in-memory check.
func reportFilter(in *reportRequest, loc *time.Location) (desk.TicketFilter, func(*desk.Ticket) bool, error) {
	f := desk.TicketFilter{Order: desk.OrderCreatedDesc}
	var checks []func(*desk.Ticket) bool
	for _, s := range in.ChannelTypeFilters {
		ch, err := parseChannelType(s)
		if err != nil {
			return f, nil, err
		}
		f.Channels = append(f.Channels, ch)
	}
	if in.StartDateFilter != "" {
		t, err := parseDay(in.StartDateFilter, loc)
		if err != nil {
			return f, nil, err
		}
		f.CreatedFrom = t
	}
	if in.EndDateFilter != "" {
		t, err := parseDay(in.EndDateFilter, loc)
		if err != nil {
			return f, nil, err
		}
		f.CreatedTo = t.AddDate(0, 0, 1)
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && !f.CreatedFrom.Before(f.CreatedTo) {
		return f, nil, invalid("startDateFilter is after endDateFilter")
	}
	if ref := refString(in.TicketNumber); ref != "" {
		n, _, ok := parseTicketRef(ref)
		if !ok || n == 0 {
			return f, nil, invalid("ticketNumber must be a ticket number")
		}
		f.Numbers = []int64{n}
	}
	anyOf := func(vals []string, single *string, get func(*desk.Ticket) []string) {
		switch len(vals) {
		case 0:
		case 1:
			if single != nil {
				*single = vals[0]
				return
			}
			fallthrough
		default:
			checks = append(checks, func(t *desk.Ticket) bool {
				for _, have := range get(t) {
					if slices.Contains(vals, have) {
						return true
					}
				}
				return false
			})
		}
	}
	anyOf(in.AgentFilters, &f.AssigneeID, func(t *desk.Ticket) []string { return []string{t.AssigneeID} })
	anyOf(in.CustomerFilters, &f.ContactID, func(t *desk.Ticket) []string { return []string{t.ContactID} })
	anyOf(in.TicketTagFilters, &f.Tag, func(t *desk.Ticket) []string { return t.Tags })
	anyOf(in.ChannelFilters, nil, func(t *desk.Ticket) []string { return []string{t.ChannelAccountID} })
	if len(checks) == 0 {
		return f, nil, nil
	}
	return f, func(t *desk.Ticket) bool {
		for _, ok := range checks {
			if !ok(t) {
				return false
			}
		}
		return true
	}, nil
}
