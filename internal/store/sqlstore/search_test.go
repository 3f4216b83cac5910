package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// world is the data of one workspace, read back from the store, and what
// the brute-force evaluator needs to decide matches without SQL.
type world struct {
	ws       *desk.Workspace
	me       *desk.Agent
	agents   []*desk.Agent
	groups   []*desk.Group
	contacts map[string]*desk.Contact
	tickets  []*desk.Ticket
	docs     map[string]search.Document
	now      time.Time
}

// fakeClock advances by a pseudo-random step on every reading, so tickets
// spread over months and updated differs from created.
type fakeClock struct {
	t time.Time
	r *rand.Rand
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(time.Duration(1+c.r.IntN(180)) * time.Minute)
	return c.t
}

// build writes a workspace of generated tickets through the desk service
// (so the index is maintained the way production maintains it), changes
// some afterwards (messages, subjects, contact renames), and reads it all
// back.
func build(t testing.TB, st desk.Store, seed uint64, nTickets int) *world {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 7))
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), r: r}
	svc := desk.NewService(st)
	svc.Now = clock.now
	ws, admin, err := svc.NewWorkspace(ctx, "acme", "Asia/Shanghai", "Admin", "admin@acme.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	// A second workspace with the same words must never leak into results.
	other, _, err := svc.NewWorkspace(ctx, "other", "UTC", "Admin", "admin@other.test", "x")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{ws: ws, me: admin, contacts: map[string]*desk.Contact{}, docs: map[string]search.Document{}}
	w.agents = append(w.agents, admin)
	for i := 0; i < 4; i++ {
		a, err := svc.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: fmt.Sprintf("Agent %d", i), Email: fmt.Sprintf("a%d@acme.test", i)})
		if err != nil {
			t.Fatal(err)
		}
		w.agents = append(w.agents, a)
	}
	for _, name := range []string{"Billing", "Soporte", "客服"} {
		g, err := svc.CreateGroup(ctx, ws.ID, name, "")
		if err != nil {
			t.Fatal(err)
		}
		w.groups = append(w.groups, g)
	}
	var contacts []*desk.Contact
	for i := 0; i < 25; i++ {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		in := desk.NewContact{Name: first + " " + last, Email: fmt.Sprintf("%s.%d@Example.COM", strings.ToLower(strings.ReplaceAll(first, "'", "")), i),
			Phone: fmt.Sprintf("+62 812-%04d-%03d", r.IntN(10000), i)}
		if i%3 == 0 {
			in.FirstName, in.LastName = first, last
		}
		if i%5 == 0 {
			in.Name = "" // first and last only
			in.FirstName, in.LastName = first, last
		}
		c, err := svc.CreateContact(ctx, ws.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, c)
	}
	for _, sub := range []string{"refund 退款", "reembolso tarde"} {
		if _, err := svc.CreateTicket(ctx, other.ID, desk.Actor{Kind: desk.ActorAgent}, desk.NewTicket{Subject: sub,
			Message: &desk.NewMessage{Text: sub}}); err != nil {
			t.Fatal(err)
		}
	}
	tags := []string{"vip", "spam", "billing", "urgente", "退款"}
	var ids []string
	for i := 0; i < nTickets; i++ {
		lang := language(r)
		in := desk.NewTicket{
			Subject:  sentence(r, lang, 1+r.IntN(5)),
			Channel:  desk.Channels[r.IntN(4)],
			Priority: []desk.Priority{"", desk.PriorityLow, desk.PriorityNormal, desk.PriorityHigh, desk.PriorityUrgent}[r.IntN(5)],
			Type:     []desk.TicketType{"", "question", "incident", "problem", "task"}[r.IntN(5)],
			NoRoute:  true,
		}
		if r.IntN(5) > 0 {
			in.ContactID = contacts[r.IntN(len(contacts))].ID
		}
		if r.IntN(3) > 0 {
			in.Message = &desk.NewMessage{Text: sentence(r, lang, 3+r.IntN(20))}
		} else {
			in.Description = sentence(r, lang, 2+r.IntN(10))
		}
		if r.IntN(2) == 0 {
			in.GroupID = w.groups[r.IntN(len(w.groups))].ID
		}
		if r.IntN(2) == 0 {
			in.AssigneeID = w.agents[r.IntN(len(w.agents))].ID
		}
		for j := 0; j < r.IntN(3); j++ {
			in.Tags = append(in.Tags, tags[r.IntN(len(tags))])
		}
		if r.IntN(3) == 0 {
			v, _ := json.Marshal(sentence(r, lang, 2))
			if r.IntN(2) == 0 {
				v, _ = json.Marshal(r.IntN(1000))
			}
			in.CustomFields = desk.Fields{{Key: fmt.Sprintf("field_%d", 1+r.IntN(2)), Value: v}}
		}
		if r.IntN(4) == 0 {
			in.Status = desk.Statuses[r.IntN(len(desk.Statuses))]
		}
		tk, err := svc.CreateTicket(ctx, ws.ID, desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}, in)
		if err != nil {
			t.Fatalf("create ticket %d: %v", i, err)
		}
		ids = append(ids, tk.ID)
	}
	// Later changes the index must follow.
	for i := 0; i < nTickets; i++ {
		id := ids[r.IntN(len(ids))]
		switch r.IntN(4) {
		case 0, 1:
			if _, _, err := svc.AddMessage(ctx, ws.ID, id, desk.NewMessage{Text: sentence(r, language(r), 2+r.IntN(15)),
				Author: desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}}); err != nil {
				t.Fatal(err)
			}
		case 2:
			sub := sentence(r, language(r), 1+r.IntN(4))
			if _, err := svc.UpdateTicket(ctx, ws.ID, id, desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}, desk.TicketPatch{Subject: &sub}); err != nil {
				t.Fatal(err)
			}
		case 3:
			st := desk.Statuses[r.IntN(len(desk.Statuses))]
			if _, err := svc.UpdateTicket(ctx, ws.ID, id, desk.Actor{Kind: desk.ActorAgent, ID: admin.ID}, desk.TicketPatch{Status: &st}); err != nil &&
				!errors.Is(err, desk.ErrInvalid) && !errors.Is(err, desk.ErrConflict) {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 4; i++ {
		c := contacts[r.IntN(len(contacts))]
		err := st.Update(ctx, func(tx desk.Tx) error {
			cur, err := tx.Contact(ctx, ws.ID, c.ID)
			if err != nil {
				return err
			}
			cur.Name = firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
			return tx.UpdateContact(ctx, cur)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	w.now = clock.now()
	w.read(t, st)
	return w
}

// read loads the workspace back from the store.
func (w *world) read(t testing.TB, st desk.Store) {
	t.Helper()
	ctx := context.Background()
	f := desk.TicketFilter{Order: desk.OrderNumberAsc, Limit: sqlstore.MaxPage}
	for {
		ts, err := st.Tickets(ctx, w.ws.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ts {
			w.tickets = append(w.tickets, &ts[i])
		}
		if len(ts) < f.Limit {
			break
		}
		f.After = &desk.Cursor{Key: ts[len(ts)-1].Number, Number: ts[len(ts)-1].Number}
	}
	for _, tk := range w.tickets {
		msgs, err := st.Messages(ctx, w.ws.ID, tk.ID, desk.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		texts := make([]string, len(msgs))
		for i, m := range msgs {
			texts[i] = m.Text
		}
		var names []string
		if tk.ContactID != "" {
			c, ok := w.contacts[tk.ContactID]
			if !ok {
				if c, err = st.Contact(ctx, w.ws.ID, tk.ContactID); err != nil {
					t.Fatal(err)
				}
				w.contacts[c.ID] = c
			}
			names = []string{c.Name, c.FirstName, c.LastName}
		}
		w.docs[tk.ID] = search.NewDocument(tk.Subject, tk.Description, texts, names...)
	}
}

// --- the brute-force evaluator ---

func hasRun(field, seq []string) bool {
	for i := 0; i+len(seq) <= len(field); i++ {
		if slices.Equal(field[i:i+len(seq)], seq) {
			return true
		}
	}
	return false
}

func (w *world) match(n search.Node, t *desk.Ticket) bool {
	switch n := n.(type) {
	case nil:
		return true
	case search.And:
		for _, c := range n.Children {
			if !w.match(c, t) {
				return false
			}
		}
		return true
	case search.Or:
		for _, c := range n.Children {
			if w.match(c, t) {
				return true
			}
		}
		return false
	case search.Not:
		return !w.match(n.Child, t)
	case search.Text:
		words := n.Words
		if n.Phrase {
			words = []string{strings.Join(n.Words, " ")}
		}
		d := w.docs[t.ID]
		for _, word := range words {
			toks := search.Tokens(word)
			if len(toks) == 0 {
				continue
			}
			ok := hasRun(d.Subject, toks) || hasRun(d.Body, toks) || hasRun(d.Contact, toks)
			if !ok && !n.Phrase && strings.Trim(word, "0123456789") == "" {
				ok = strconv.FormatInt(t.Number, 10) == strings.TrimLeft(word, "0") ||
					(strings.Trim(word, "0") == "" && t.Number == 0)
			}
			if !ok {
				return false
			}
		}
		return true
	case search.DateRange:
		at := t.CreatedAt
		if n.Field == "updated" {
			at = t.UpdatedAt
		}
		return (n.From == nil || !at.Before(*n.From)) && (n.To == nil || at.Before(*n.To))
	case search.Compare:
		return w.compare(n, t)
	}
	panic(fmt.Sprintf("unknown node %T", n))
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func stripPhone(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "", "+", "").Replace(lowerASCII(s))
}

func (w *world) compare(n search.Compare, t *desk.Ticket) bool {
	any := func(f func(v string) bool) bool { return slices.ContainsFunc(n.Values, f) }
	if key, ok := strings.CutPrefix(n.Field, "custom:"); ok {
		f, ok := t.CustomFields.Get(key)
		if !ok {
			return false
		}
		var text string
		var s string
		if json.Unmarshal(f.Value, &s) == nil {
			text = s
		} else {
			text = string(f.Value)
		}
		return any(func(v string) bool { return strings.Contains(lowerASCII(text), lowerASCII(v)) })
	}
	contact := w.contacts[t.ContactID]
	switch n.Field {
	case "status":
		return any(func(v string) bool { return v == string(t.Status) })
	case "priority":
		return any(func(v string) bool { return v == string(t.Priority) })
	case "type":
		return any(func(v string) bool { return v == string(t.Type) })
	case "channel":
		return any(func(v string) bool { return v == string(t.Channel) })
	case "tag":
		return any(func(v string) bool { return slices.Contains(t.Tags, v) })
	case "number":
		x, _ := strconv.ParseInt(n.Values[0], 10, 64)
		switch n.Op {
		case search.OpLt:
			return t.Number < x
		case search.OpLe:
			return t.Number <= x
		case search.OpGt:
			return t.Number > x
		case search.OpGe:
			return t.Number >= x
		}
		return any(func(v string) bool { return v == strconv.FormatInt(t.Number, 10) })
	case "assignee":
		return any(func(v string) bool {
			switch v {
			case search.None:
				return t.AssigneeID == ""
			case search.Me:
				return t.AssigneeID == w.me.ID
			}
			for _, a := range w.agents {
				if a.ID == t.AssigneeID && t.AssigneeID != "" && (a.ID == v || strconv.FormatInt(a.Number, 10) == v) {
					return true
				}
			}
			return false
		})
	case "group":
		return any(func(v string) bool {
			if v == search.None {
				return t.GroupID == ""
			}
			for _, g := range w.groups {
				if g.ID == t.GroupID && (g.ID == v || g.Name == v || strconv.FormatInt(g.Number, 10) == v) {
					return true
				}
			}
			return false
		})
	case "contact":
		return any(func(v string) bool {
			if v == search.None {
				return t.ContactID == ""
			}
			return contact != nil && (contact.ID == v || strconv.FormatInt(contact.Number, 10) == v)
		})
	case "contact_email":
		return contact != nil && any(func(v string) bool { return strings.Contains(lowerASCII(contact.Email), lowerASCII(v)) })
	case "contact_phone":
		return contact != nil && any(func(v string) bool { return strings.Contains(stripPhone(contact.Phone), stripPhone(v)) })
	case "subject":
		return any(func(v string) bool {
			toks := search.Tokens(v)
			return len(toks) == 0 || hasRun(w.docs[t.ID].Subject, toks)
		})
	}
	panic("unknown field " + n.Field)
}

func priorityKey(p desk.Priority) int { return desk.PriorityOrder(p) }

// expect returns the numbers of the tickets matching q, in q's order.
func (w *world) expect(q *search.Query) []int64 {
	var out []*desk.Ticket
	for _, t := range w.tickets {
		if w.match(q.Root, t) {
			out = append(out, t)
		}
	}
	desc := q.Order != search.OrderAsc
	key := func(t *desk.Ticket) int64 {
		switch q.Sort {
		case search.SortUpdated:
			return t.UpdatedAt.UnixMilli()
		case search.SortPriority:
			return int64(priorityKey(t.Priority))
		}
		return t.Number
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if desc {
			a, b = b, a
		}
		if ka, kb := key(a), key(b); ka != kb {
			return ka < kb
		}
		return a.Number < b.Number
	})
	nums := make([]int64, len(out))
	for i, t := range out {
		nums[i] = t.Number
	}
	return nums
}

// --- random queries ---

func (w *world) query(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, w.term(r, 0))
	}
	if r.IntN(5) == 0 {
		parts = append(parts, "sort:"+[]string{"created", "updated", "priority", "number", "relevance"}[r.IntN(5)])
	}
	if r.IntN(5) == 0 {
		parts = append(parts, "order:"+[]string{"asc", "desc"}[r.IntN(2)])
	}
	return strings.Join(parts, " ")
}

func (w *world) term(r *rand.Rand, depth int) string {
	neg := ""
	if r.IntN(6) == 0 {
		neg = "-"
	}
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	tk := w.tickets[r.IntN(len(w.tickets))]
	switch k := r.IntN(22); {
	case k < 6:
		return neg + word(r)
	case k == 6:
		// A phrase taken from a real ticket, so it usually hits.
		d := w.docs[tk.ID]
		if len(d.Body) > 2 {
			i := r.IntN(len(d.Body) - 1)
			return neg + `"` + strings.Join(d.Body[i:i+2], " ") + `"`
		}
		return neg + `"` + word(r) + " " + word(r) + `"`
	case k == 7:
		return neg + "status:" + pick("open", "new,unassigned", "assigned,pending", "solved,closed,ignored")
	case k == 8:
		return neg + "priority" + pick(":high", ">=high", "<normal", ":low,urgent")
	case k == 9:
		return neg + "tag:" + pick("vip", "spam", "billing,urgente", "退款", "nothing")
	case k == 10:
		return neg + "assignee:" + pick("me", "none", strconv.FormatInt(w.agents[r.IntN(len(w.agents))].Number, 10), w.agents[r.IntN(len(w.agents))].ID, "me,none")
	case k == 11:
		g := w.groups[r.IntN(len(w.groups))]
		return neg + "group:" + pick("none", g.Name, strconv.FormatInt(g.Number, 10), g.ID)
	case k == 12:
		return neg + "channel:" + pick("webchat", "email", "whatsapp,facebook")
	case k == 13:
		if c := w.contacts[tk.ContactID]; c != nil {
			return neg + pick("email:"+strings.ToUpper(c.Email[:3]), "phone:"+c.Phone[len(c.Phone)-6:], "contact:"+strconv.FormatInt(c.Number, 10), "contact:"+c.ID)
		}
		return neg + "contact:none"
	case k == 14:
		return neg + "number" + pick(":", ">", ">=", "<", "<=") + strconv.FormatInt(tk.Number, 10)
	case k == 15:
		day := tk.CreatedAt.In(time.FixedZone("", 8*3600)).Format("2006-01-02")
		return neg + pick("created", "updated") + pick(":", ">", ">=", "<", "<=") + day
	case k == 16:
		return neg + pick("created", "updated") + pick(">", "<") + strconv.Itoa(1+r.IntN(60)) + pick("d", "h", "w")
	case k == 17:
		return neg + "subject:" + `"` + word(r) + `"`
	case k == 18:
		return neg + "field_" + pick("1", "2") + ":" + pick(word(r), strconv.Itoa(r.IntN(10)))
	case k == 19:
		return strconv.FormatInt(tk.Number, 10) // a number as a word
	case k == 20 && depth < 2:
		return neg + "(" + w.term(r, depth+1) + " OR " + w.term(r, depth+1) + ")"
	}
	return neg + word(r)
}

// TestSearchEquivalence runs random queries on both stores and compares
// every page of every answer with a brute-force evaluation of the same AST
// over the same data. TICKETD_SEARCH_SEED replays a run.
func TestSearchEquivalence(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TICKETD_SEARCH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	nTickets, nQueries := 250, 400
	if testing.Short() {
		nTickets, nQueries = 80, 100
	}
	t.Logf("seed %d (TICKETD_SEARCH_SEED=%d replays it)", seed, seed)
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			w := build(t, st, seed, nTickets)
			svc := desk.NewService(st)
			r := rand.New(rand.NewPCG(seed, 11))
			hits, parsed := 0, 0
			for i := 0; i < nQueries; i++ {
				qs := w.query(r)
				q, err := search.Parse(qs, search.Options{Now: w.now, Location: time.FixedZone("", 8*3600)})
				if err != nil {
					continue
				}
				parsed++
				want := w.expect(q)
				if len(want) > 0 {
					hits++
				}
				// Every other query, PostgreSQL takes the words as dense and
				// walks tickets newest first instead of fetching the matches.
				restore := sqlstore.SetLeadCap(-1)
				if i%2 == 1 {
					sqlstore.SetLeadCap(0)
				}
				// Every third query, PostgreSQL's first tries walk small
				// windows, so that they both hit and miss on this data.
				restoreWindow := sqlstore.SetWindows(0, 0)
				if i%3 == 2 {
					sqlstore.SetWindows(1+r.IntN(5), 1+r.IntN(60))
				}
				got, total := runAll(t, svc, w, q, 1+r.IntN(40))
				restore()
				restoreWindow()
				if q.Sort == search.SortRelevance {
					slices.Sort(want)
					slices.Sort(got)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("query %q (%s)\n got %v\nwant %v", qs, q, got, want)
				}
				if total != int64(len(want)) {
					t.Fatalf("query %q: total %d, want %d", qs, total, len(want))
				}
			}
			t.Logf("%d queries parsed, %d with results", parsed, hits)
			if hits < parsed/4 {
				t.Errorf("only %d of %d queries found anything: the generator tests too little", hits, parsed)
			}
		})
	}
}

// equivalenceBudget bounds each search of the equivalence test. The test
// compares answers, not speed: under the default budget (3 s) a loaded
// machine failed PostgreSQL's searches, which take several round trips
// each, with desk.ErrTimeout. TestSearchLimits tests the budget.
const equivalenceBudget = 2 * time.Minute

// runAll fetches every page of q through desk.Service.Search, by cursor,
// and checks one offset page against it.
func runAll(t *testing.T, svc *desk.Service, w *world, q *search.Query, limit int) ([]int64, int64) {
	t.Helper()
	ctx := context.Background()
	var got []int64
	page := desk.SearchPage{Limit: limit, Count: true, Budget: equivalenceBudget}
	total := int64(-1)
	for n := 0; ; n++ {
		res, err := svc.Search(ctx, w.ws.ID, w.me.ID, q, page)
		if err != nil {
			t.Fatalf("search %s: %v", q, err)
		}
		if n == 0 {
			total = res.Total
		}
		for _, tk := range res.Tickets {
			if tk.WorkspaceID != w.ws.ID {
				t.Fatalf("search %s: ticket of another workspace", q)
			}
			got = append(got, tk.Number)
		}
		if res.Next == nil {
			break
		}
		page.Cursor, page.Count = res.Next, false
		if n > 1000 {
			t.Fatalf("search %s: pages never end", q)
		}
	}
	if len(got) > limit && q.Sort != search.SortRelevance {
		res, err := svc.Search(ctx, w.ws.ID, w.me.ID, q, desk.SearchPage{Offset: limit, Limit: limit, Budget: equivalenceBudget})
		if err != nil {
			t.Fatal(err)
		}
		for i, tk := range res.Tickets {
			if tk.Number != got[limit+i] {
				t.Fatalf("search %s: offset page differs from cursor page at %d", q, i)
			}
		}
	}
	return got, total
}

// TestSearchLimits checks the time budget, the caller's identity for
// assignee:me and the isolation of workspaces on both stores.
func TestSearchLimits(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			w := build(t, st, 5, 30)
			svc := desk.NewService(st)
			ctx := context.Background()
			q, err := search.Parse("status<closed", search.Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Search(ctx, w.ws.ID, w.me.ID, q, desk.SearchPage{Budget: time.Nanosecond, Count: true})
			if !errors.Is(err, desk.ErrTimeout) {
				t.Errorf("search past its budget: %v, want desk.ErrTimeout", err)
			}
			me, _ := search.Parse("assignee:me", search.Options{})
			if _, err := svc.Search(ctx, w.ws.ID, "", me, desk.SearchPage{}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("assignee:me without an agent: %v, want desk.ErrInvalid", err)
			}
			all, err := svc.Search(ctx, w.ws.ID, w.me.ID, nil, desk.SearchPage{Limit: 1000, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			if all.Total != int64(len(w.tickets)) || len(all.Tickets) != desk.MaxSearchPage && len(all.Tickets) != len(w.tickets) {
				t.Errorf("empty query: %d tickets, total %d; want %d", len(all.Tickets), all.Total, len(w.tickets))
			}
			none, err := svc.Search(ctx, "no-such-workspace", w.me.ID, q, desk.SearchPage{Count: true})
			if err != nil || len(none.Tickets) != 0 || none.Total > 0 {
				t.Errorf("unknown workspace: %+v, %v", none, err)
			}
		})
	}
}

// TestSearchCreatedOutOfOrder checks created ranges when ticket numbers do
// not follow creation times (a clock set back): the number range a search
// walks (created_hours) must still hold every ticket of the range.
func TestSearchCreatedOutOfOrder(t *testing.T) {
	base := time.Date(2026, 3, 10, 12, 30, 0, 0, time.UTC)
	// Creation times in number order: forward, then back by days and hours.
	offsets := []time.Duration{0, 50 * time.Minute, -72 * time.Hour, 2 * time.Hour, -90 * time.Minute,
		-72*time.Hour + 10*time.Minute, 26 * time.Hour, -30 * time.Minute, 3 * time.Hour}
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := desk.NewService(st)
			ctx := context.Background()
			i := 0
			svc.Now = func() time.Time { return base.Add(offsets[min(i, len(offsets)-1)]) }
			ws, admin, err := svc.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			var created []time.Time
			for i = range offsets {
				tk, err := svc.CreateTicket(ctx, ws.ID, desk.Actor{Kind: desk.ActorAgent, ID: admin.ID},
					desk.NewTicket{Subject: "refund", Tags: []string{"vip"}, NoRoute: true})
				if err != nil {
					t.Fatal(err)
				}
				if tk.Number != int64(len(created)+1) {
					t.Fatalf("ticket %d has number %d", len(created)+1, tk.Number)
				}
				created = append(created, tk.CreatedAt)
			}
			for _, qs := range []string{"created>=2026-03-10 created<2026-03-11", "created:2026-03-07", "created<2026-03-10",
				"created>=2026-03-10T12:00:00Z tag:vip", "created<2026-03-10T13:00:00Z created>2026-03-10T11:30:00Z",
				"created>=2026-03-11 refund", "created<2026-03-01", "created>2026-04-01 tag:vip"} {
				q, err := search.Parse(qs, search.Options{Now: base, Location: time.UTC})
				if err != nil {
					t.Fatal(err)
				}
				var want []int64
				for n := len(created); n >= 1; n-- {
					if inCreated(q.Root, created[n-1]) {
						want = append(want, int64(n))
					}
				}
				res, err := svc.Search(ctx, ws.ID, admin.ID, q, desk.SearchPage{Limit: 100, Count: true})
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, tk := range res.Tickets {
					got = append(got, tk.Number)
				}
				if !slices.Equal(got, want) || res.Total != int64(len(want)) {
					t.Errorf("%s: got %v (total %d), want %v", qs, got, res.Total, want)
				}
			}
		})
	}
}

// inCreated evaluates the created ranges of a conjunction (every ticket of
// TestSearchCreatedOutOfOrder matches its other terms).
func inCreated(n search.Node, at time.Time) bool {
	switch n := n.(type) {
	case search.And:
		for _, k := range n.Children {
			if !inCreated(k, at) {
				return false
			}
		}
	case search.DateRange:
		return (n.From == nil || !at.Before(*n.From)) && (n.To == nil || at.Before(*n.To))
	}
	return true
}
