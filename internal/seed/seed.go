// Package seed generates a deterministic, multilingual help desk — groups,
// agents with tokens, custom fields, contacts with identities, tickets in
// every channel, priority and status with consistent lifecycle times, tags,
// messages and events — and loads it through a store's bulk path. The same
// options always produce the same rows (ids included), so benchmark figures
// taken on different days compare.
package seed

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// Options say what to generate. Zero values take the defaults noted.
type Options struct {
	Workspace         string // created when missing (required)
	Timezone          string // of a new workspace (default Asia/Shanghai)
	Tickets           int
	MessagesPerTicket int // at most maxMessages
	Agents            int // agents with role agent the workspace should have (default 20)
	Groups            int // default 5
	Contacts          int // default Tickets/4, at least 1
	Seed              uint64
	Until             time.Time // the newest ticket's creation (default: today 00:00 UTC)
	Days              int       // tickets spread over this many days before Until (default 365)
	Batch             int       // tickets per transaction (default 5,000)
	Password          string    // of the admin and every generated agent (default "bench-password")
	Tokens            int       // agent tokens to issue (default min(Agents, 32))
	// Progress, when set, is told after each batch how many tickets are in.
	Progress func(done, total int, elapsed time.Duration)
}

func (o *Options) defaults() error {
	if strings.TrimSpace(o.Workspace) == "" {
		return fmt.Errorf("%w: seed needs a workspace name", desk.ErrInvalid)
	}
	if o.Tickets < 0 || o.MessagesPerTicket < 0 || o.Agents < 0 || o.Groups < 0 || o.Contacts < 0 {
		return fmt.Errorf("%w: seed counts must not be negative", desk.ErrInvalid)
	}
	if o.Timezone == "" {
		o.Timezone = "Asia/Shanghai"
	}
	if o.MessagesPerTicket > maxMessages {
		return fmt.Errorf("%w: at most %d messages per ticket", desk.ErrInvalid, maxMessages)
	}
	if o.Agents == 0 {
		o.Agents = 20
	}
	if o.Groups == 0 {
		o.Groups = 5
	}
	if o.Contacts == 0 {
		o.Contacts = max(1, o.Tickets/4)
	}
	if o.Until.IsZero() {
		o.Until = time.Now().UTC().Truncate(24 * time.Hour)
	}
	o.Until = o.Until.UTC().Truncate(time.Millisecond)
	if o.Days <= 0 {
		o.Days = 365
	}
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	if o.Password == "" {
		o.Password = "bench-password"
	}
	if o.Tokens <= 0 {
		o.Tokens = min(o.Agents, 32)
	}
	return nil
}

// Agent is a generated agent and its API token.
type Agent struct {
	ID     string `json:"id"`
	Number int64  `json:"number"`
	Email  string `json:"email"`
	Token  string `json:"token,omitempty"`
}

// Result is what a run made: counts, timings, and the ids and tokens a load
// test needs. It is printed as JSON by `ticketd seed`.
type Result struct {
	Backend     string   `json:"backend"`
	WorkspaceID string   `json:"workspace_id"`
	Workspace   string   `json:"workspace"`
	AdminID     string   `json:"admin_id"`
	AdminEmail  string   `json:"admin_email"`
	Password    string   `json:"password"`
	AdminToken  string   `json:"admin_token"`
	Agents      []Agent  `json:"agents"`
	GroupIDs    []string `json:"group_ids"`
	ContactIDs  []string `json:"contact_ids"` // a sample spread over all contacts
	TicketIDs   []string `json:"ticket_ids"`  // a sample spread over all tickets
	FirstTicket int64    `json:"first_ticket_number"`
	LastTicket  int64    `json:"last_ticket_number"`
	Tickets     int      `json:"tickets"`
	Contacts    int      `json:"contacts"`
	Messages    int      `json:"messages"`
	Events      int      `json:"events"`
	Seed        uint64   `json:"seed"`
	CreatedFrom string   `json:"created_from"`
	CreatedTo   string   `json:"created_to"`
	Seconds     float64  `json:"seconds"`
	RowsPerSec  float64  `json:"rows_per_second"`
}

// Bounds: id samples in a Result, and messages per ticket (event ids hold
// a ticket's event index in one byte).
const (
	maxMessages   = 200
	ticketSample  = 4096
	contactSample = 512
)

// Run generates o into the store behind d through l.
func Run(ctx context.Context, d *desk.Service, a *auth.Service, l desk.BulkLoader, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	g := &gen{o: o}
	res := &Result{Backend: d.Store.Backend(), Workspace: o.Workspace, Password: o.Password, Seed: o.Seed}
	if err := g.people(ctx, d, a, res); err != nil {
		return nil, err
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%d", o.Workspace, o.Seed)
	g.tag = uint16(h.Sum32())

	var err error
	if g.c0, err = l.ReserveNumbers(ctx, g.ws, "contact", int64(o.Contacts)); err != nil {
		return nil, err
	}
	rows := 0
	for i := 0; i < o.Contacts; i += o.Batch * 2 {
		b := &desk.Bulk{}
		for j := i; j < min(i+o.Batch*2, o.Contacts); j++ {
			b.Contacts = append(b.Contacts, g.contact(j))
		}
		if err := l.BulkLoad(ctx, b); err != nil {
			return nil, fmt.Errorf("load contacts %d..%d: %w", i, i+len(b.Contacts), err)
		}
		rows += len(b.Contacts)
	}
	for i := 0; i < contactSample && i < o.Contacts; i++ {
		res.ContactIDs = append(res.ContactIDs, g.contactID(i*o.Contacts/min(contactSample, o.Contacts)))
	}
	res.Contacts = o.Contacts

	if o.Tickets > 0 {
		if g.t0, err = l.ReserveNumbers(ctx, g.ws, "ticket", int64(o.Tickets)); err != nil {
			return nil, err
		}
		if g.m0, err = l.ReserveNumbers(ctx, g.ws, "message", int64(o.Tickets*o.MessagesPerTicket)); err != nil {
			return nil, err
		}
		n, err := g.loadTickets(ctx, l, res)
		if err != nil {
			return nil, err
		}
		rows += n
		res.FirstTicket, res.LastTicket = g.t0, g.t0+int64(o.Tickets)-1
		step := max(1, o.Tickets/ticketSample)
		for i := 0; i < o.Tickets && len(res.TicketIDs) < ticketSample; i += step {
			res.TicketIDs = append(res.TicketIDs, g.ticketID(i))
		}
	}
	res.Tickets = o.Tickets
	if a, ok := l.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			return nil, err
		}
	}
	res.CreatedFrom = g.from().Format(time.RFC3339)
	res.CreatedTo = o.Until.Format(time.RFC3339)
	res.Seconds = time.Since(start).Seconds()
	res.RowsPerSec = float64(rows) / res.Seconds
	return res, nil
}

// loadTickets generates batches on one goroutine while the store writes the
// previous batch, so generation and writing overlap.
func (g *gen) loadTickets(ctx context.Context, l desk.BulkLoader, res *Result) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *desk.Bulk, 2)
	go func() {
		defer close(batches)
		for i := 0; i < g.o.Tickets; i += g.o.Batch {
			b := &desk.Bulk{}
			for j := i; j < min(i+g.o.Batch, g.o.Tickets); j++ {
				g.ticket(j, b)
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	start := time.Now()
	rows, done := 0, 0
	for b := range batches {
		if err := l.BulkLoad(ctx, b); err != nil {
			return rows, fmt.Errorf("load tickets %d..%d: %w", done, done+len(b.Tickets), err)
		}
		done += len(b.Tickets)
		rows += b.Len()
		res.Messages += len(b.Messages)
		res.Events += len(b.Events)
		if g.o.Progress != nil {
			g.o.Progress(done, g.o.Tickets, time.Since(start))
		}
	}
	return rows, ctx.Err()
}

// people makes (or finds) the workspace, its admin, groups, agents, custom
// fields and tokens, through the desk's ordinary use cases.
func (g *gen) people(ctx context.Context, d *desk.Service, a *auth.Service, res *Result) error {
	o := g.o
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(o.Workspace))
	hash, err := a.Hasher.Hash(o.Password)
	if err != nil {
		return err
	}
	var admin *desk.Agent
	ws, err := d.Store.WorkspaceByName(ctx, o.Workspace)
	switch {
	case errors.Is(err, desk.ErrNotFound):
		if ws, admin, err = d.NewWorkspace(ctx, o.Workspace, o.Timezone, "Admin", "admin@"+slug+".bench", hash); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		admins, err := d.Store.Agents(ctx, ws.ID, desk.AgentFilter{Role: desk.RoleAdmin})
		if err != nil {
			return err
		}
		if len(admins) == 0 {
			return fmt.Errorf("workspace %q has no admin", o.Workspace)
		}
		admin = &admins[0]
	}
	g.ws = ws.ID
	res.WorkspaceID, res.AdminID, res.AdminEmail = ws.ID, admin.ID, admin.Email
	if res.AdminToken, _, err = a.IssueToken(ctx, admin, "seed", 0); err != nil {
		return err
	}

	groups, err := d.Store.Groups(ctx, ws.ID)
	if err != nil {
		return err
	}
	for i := len(groups); i < o.Groups; i++ {
		name := groupNames[i%len(groupNames)]
		if i >= len(groupNames) {
			name = fmt.Sprintf("%s %d", name, i/len(groupNames)+1)
		}
		gr, err := d.CreateGroup(ctx, ws.ID, name, "")
		if err != nil {
			return err
		}
		groups = append(groups, *gr)
	}
	for _, gr := range groups {
		g.groups = append(g.groups, gr.ID)
	}
	res.GroupIDs = g.groups

	agents, err := d.Store.Agents(ctx, ws.ID, desk.AgentFilter{Role: desk.RoleAgent})
	if err != nil {
		return err
	}
	for i := len(agents); i < o.Agents; i++ {
		r := g.rng('a', int64(i))
		lg := &langs[i%len(langs)]
		ag, err := d.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: personName(r, lg), Email: fmt.Sprintf("agent%d@%s.bench", i+1, slug),
			PasswordHash: hash, Role: desk.RoleAgent, GroupIDs: []string{g.groups[i%len(g.groups)]}})
		if err != nil {
			return err
		}
		// Agents stay offline: the generated desk is a snapshot taken out
		// of hours, with tickets waiting in the queues. Online agents with
		// no capacity limit next to waiting tickets is a state routing never
		// leaves a desk in (the first agent to come online would be handed
		// the whole backlog).
		agents = append(agents, *ag)
	}
	g.byGroup = make(map[string][]string)
	for _, ag := range agents {
		g.agents = append(g.agents, ag.ID)
		for _, gid := range ag.GroupIDs {
			g.byGroup[gid] = append(g.byGroup[gid], ag.ID)
		}
		out := Agent{ID: ag.ID, Number: ag.Number, Email: ag.Email}
		if len(res.Agents) < o.Tokens {
			if out.Token, _, err = a.IssueToken(ctx, &ag, "seed", 0); err != nil {
				return err
			}
		}
		res.Agents = append(res.Agents, out)
	}
	if len(g.agents) == 0 {
		return fmt.Errorf("%w: seed needs at least one agent", desk.ErrInvalid)
	}
	for _, def := range fieldDefs {
		if _, err := d.PutFieldDef(ctx, ws.ID, def); err != nil {
			return err
		}
	}
	return nil
}

// fieldDefs are the generated ticket custom fields.
var fieldDefs = []desk.FieldDef{
	{Key: "field_1", Scope: "ticket", Label: "类别 / Categoría", Type: "select", Options: []desk.FieldOption{
		{ID: "1", Value: "售前"}, {ID: "2", Value: "Postventa"}, {ID: "3", Value: "Teknis"}, {ID: "4", Value: "Billing"}}},
	{Key: "field_2", Scope: "ticket", Label: "Order amount", Type: "number"},
	{Key: "field_3", Scope: "ticket", Label: "Nomor pesanan", Type: "text"},
}

// gen holds what every generated row depends on.
type gen struct {
	o          Options
	ws         string
	tag        uint16 // from workspace and seed: keeps ids of two runs apart
	c0, t0, m0 int64  // first contact, ticket and message numbers
	groups     []string
	agents     []string
	byGroup    map[string][]string
}

// rng is the random source of one entity: the same (kind, index) always
// draws the same values, whatever order or batch it is generated in.
func (g *gen) rng(kind byte, i int64) *rand.Rand {
	return rand.New(rand.NewPCG(g.o.Seed^uint64(kind)<<56, uint64(i)))
}

// id is an ObjectId-shaped id: the creation second, a kind byte, two bytes
// of run tag and a five-byte sequence.
func (g *gen) id(at time.Time, kind byte, seq int64) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(at.Unix()))
	b[4] = kind
	binary.BigEndian.PutUint16(b[5:7], g.tag)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], uint64(seq))
	copy(b[7:], s[3:])
	return hex.EncodeToString(b[:])
}

// clamp keeps generated instants at or before Until: nothing happens in
// the generated desk's future.
func (g *gen) clamp(t time.Time) time.Time {
	if t.After(g.o.Until) {
		return g.o.Until
	}
	return t
}

func (g *gen) span() time.Duration { return time.Duration(g.o.Days) * 24 * time.Hour }
func (g *gen) from() time.Time     { return g.o.Until.Add(-g.span()) }

func (g *gen) contactCreated(i int) time.Time {
	// Contacts appear over the month before the first ticket.
	step := 30 * 24 * time.Hour / time.Duration(max(1, g.o.Contacts))
	return g.from().Add(-30*24*time.Hour + time.Duration(i)*step).Truncate(time.Millisecond)
}

func (g *gen) contactID(i int) string {
	return g.id(g.contactCreated(i), 'c', g.c0+int64(i))
}

func (g *gen) contactLang(i int) *lang { return &langs[g.rng('c', int64(i)).IntN(len(langs))] }

func (g *gen) contact(i int) desk.Contact {
	r := g.rng('c', int64(i))
	lg := &langs[r.IntN(len(langs))]
	n := g.c0 + int64(i)
	at := g.contactCreated(i)
	first, last := lg.First[r.IntN(len(lg.First))], lg.Last[r.IntN(len(lg.Last))]
	c := desk.Contact{ID: g.contactID(i), Number: n, WorkspaceID: g.ws, FirstName: first, LastName: last,
		Email: fmt.Sprintf("user%d@%s", n, lg.Domain), Phone: fmt.Sprintf("%s%010d", lg.Phone, 3000000000+n),
		CreatedAt: at, UpdatedAt: at}
	if lg.Code == "zh" {
		c.Name = last + first
	} else {
		c.Name = first + " " + last
	}
	if lg.Code == "es" && r.IntN(3) == 0 {
		c.NationalID = fmt.Sprintf("%d-%d", 10000000+n%89999999, n%10)
	}
	primary := []desk.Channel{desk.ChannelWhatsApp, desk.ChannelFacebook, desk.ChannelLine, desk.ChannelTelegram}[r.IntN(4)]
	c.Identities = []desk.Identity{{Channel: primary, ExternalID: fmt.Sprintf("%s-%d", primary, n), DisplayName: c.Name}}
	if r.IntN(2) == 0 {
		c.Identities = append(c.Identities, desk.Identity{Channel: desk.ChannelEmail, ExternalID: c.Email})
	}
	return c
}

func (g *gen) ticketCreated(i int) time.Time {
	span := g.span()
	step := span / time.Duration(g.o.Tickets)
	jitter := time.Duration(g.rng('j', int64(i)).Int64N(int64(max(step, time.Millisecond))))
	return g.from().Add(time.Duration(i)*step + jitter).Truncate(time.Millisecond)
}

func (g *gen) ticketID(i int) string { return g.id(g.ticketCreated(i), 't', g.t0+int64(i)) }

// weighted picks an index of weights with probability proportional to it.
func weighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

var (
	channels    = []desk.Channel{desk.ChannelWhatsApp, desk.ChannelEmail, desk.ChannelWebchat, desk.ChannelFacebook, desk.ChannelInstagram, desk.ChannelLine, desk.ChannelTelegram, desk.ChannelWebForm}
	channelW    = []int{30, 25, 20, 10, 5, 3, 2, 5}
	priorities  = []desk.Priority{desk.PriorityUnset, desk.PriorityLow, desk.PriorityNormal, desk.PriorityHigh, desk.PriorityUrgent}
	priorityW   = []int{30, 15, 35, 15, 5}
	types       = []desk.TicketType{desk.TypeQuestion, desk.TypeIncident, desk.TypeProblem, desk.TypeTask, desk.TypeUnset}
	typeW       = []int{50, 20, 15, 5, 10}
	activeSt    = []desk.Status{desk.StatusUnassigned, desk.StatusAssigned, desk.StatusOpen, desk.StatusPending, desk.StatusOnHold}
	activeW     = []int{15, 25, 40, 15, 5}
	terminalSt  = []desk.Status{desk.StatusSolved, desk.StatusClosed, desk.StatusIgnored}
	terminalW   = []int{30, 65, 5}
	activeShare = func(f float64) float64 {
		// The share of tickets still active falls with age: most of the
		// newest 3 % are being worked, few of last year's are.
		switch {
		case f > 0.97:
			return 0.85
		case f > 0.90:
			return 0.30
		}
		return 0.03
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func personName(r *rand.Rand, lg *lang) string {
	first, last := pick(r, lg.First), pick(r, lg.Last)
	if lg.Code == "zh" {
		return last + first
	}
	return first + " " + last
}

func customerText(r *rand.Rand, lg *lang) string {
	var b strings.Builder
	b.WriteString(pick(r, lg.Greetings))
	for k := 0; k < 1+r.IntN(3); k++ {
		if k > 0 && lg.Sep != "" {
			b.WriteString(" ")
		}
		b.WriteString(pick(r, lg.Sentences))
	}
	if lg.Sep != "" {
		b.WriteString(" ")
	}
	b.WriteString(pick(r, lg.Closings))
	return b.String()
}

// ticket appends ticket i, its messages and its events to b.
func (g *gen) ticket(i int, b *desk.Bulk) {
	r := g.rng('t', int64(i))
	ci := r.IntN(g.o.Contacts)
	lg := g.contactLang(ci)
	created := g.ticketCreated(i)
	contact := desk.Actor{Kind: desk.ActorContact, ID: g.contactID(ci)}
	t := desk.Ticket{ID: g.ticketID(i), Number: g.t0 + int64(i), WorkspaceID: g.ws,
		Subject:  pick(r, lg.Products) + lg.Sep + pick(r, lg.Issues),
		Priority: priorities[weighted(r, priorityW...)], Type: types[weighted(r, typeW...)],
		Channel: channels[weighted(r, channelW...)], Origin: desk.OriginCustomer, ContactID: contact.ID,
		GroupID: pick(r, g.groups), CreatedBy: contact, CreatedAt: created, QueuedAt: created}
	f := (float64(i) + 0.5) / float64(g.o.Tickets)
	if r.Float64() < activeShare(f) {
		t.Status = activeSt[weighted(r, activeW...)]
	} else {
		t.Status = terminalSt[weighted(r, terminalW...)]
	}
	if t.Status != desk.StatusUnassigned {
		pool := g.byGroup[t.GroupID]
		if len(pool) == 0 {
			pool = g.agents
		}
		t.AssigneeID = pick(r, pool)
		t.AssignedAt = g.clamp(created.Add(time.Duration(1+r.IntN(30)) * time.Minute))
		t.FirstAssignedAt = t.AssignedAt
	}
	for k := 0; k < r.IntN(4); k++ {
		var tag string
		if r.IntN(3) == 0 {
			tag = pick(r, commonTags)
		} else {
			tag = pick(r, lg.Tags)
		}
		if !containsString(t.Tags, tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	if r.IntN(5) < 3 {
		t.CustomFields = desk.Fields{
			{Key: "field_1", Value: []byte(fmt.Sprintf("%q", fmt.Sprint(1+r.IntN(4))))},
			{Key: "field_2", Value: []byte(fmt.Sprint(10 + r.IntN(5000)))},
			{Key: "field_3", Value: []byte(fmt.Sprintf(`"SO-%08d"`, t.Number))},
		}
	}
	// Event ids carry the ticket number and the event's place in it.
	evStart := len(b.Events)
	ev := func(at time.Time, actor desk.Actor, typ, from, to, reason string) {
		seq := t.Number<<8 | int64(len(b.Events)-evStart)
		b.Events = append(b.Events, desk.Event{ID: g.id(at, 'e', seq), WorkspaceID: g.ws,
			TicketID: t.ID, At: at, Actor: actor, Type: typ, From: from, To: to, Reason: reason})
	}
	ev(created, contact, desk.EventCreated, "", string(t.Channel), "")
	ev(created, desk.System, desk.EventStatusChanged, string(desk.StatusNew), string(desk.StatusUnassigned), "entered the queue")
	agent := desk.Actor{Kind: desk.ActorAgent, ID: t.AssigneeID}
	if t.AssigneeID != "" {
		ev(t.AssignedAt, desk.System, desk.EventAssigned, "", t.AssigneeID, "auto-assigned: least loaded")
		ev(t.AssignedAt, desk.System, desk.EventStatusChanged, string(desk.StatusUnassigned), string(desk.StatusAssigned), "auto-assigned")
	}
	at := created
	last := created
	for k := 0; k < g.o.MessagesPerTicket; k++ {
		if k > 0 {
			at = g.clamp(at.Add(time.Duration(1+r.IntN(240)) * time.Minute))
		}
		m := desk.Message{Number: g.m0 + int64(i*g.o.MessagesPerTicket+k), WorkspaceID: g.ws, TicketID: t.ID,
			Public: true, CreatedAt: at}
		m.ID = g.id(at, 'm', m.Number)
		fromAgent := k%2 == 1 && t.AssigneeID != "" && !at.Before(t.AssignedAt)
		if fromAgent {
			m.Author, m.Direction, m.Text = agent, desk.DirectionOut, pick(r, lg.Replies)
			t.LastAgentMsgAt = at
			if t.FirstResponseAt.IsZero() {
				t.FirstResponseAt, t.FirstAgentResponseAt = at, at
			}
		} else {
			m.Author, m.Direction, m.Text = contact, desk.DirectionIn, customerText(r, lg)
			t.LastCustomerMsgAt = at
		}
		if k == 0 {
			t.Description = m.Text
		}
		b.Messages = append(b.Messages, m)
		ev(at, m.Author, desk.EventMessageAdded, "", string(m.Direction), m.ID)
		last = at
	}
	t.UpdatedAt = last
	if t.AssignedAt.After(t.UpdatedAt) {
		t.UpdatedAt = t.AssignedAt
	}
	if t.Status != desk.StatusUnassigned && t.Status != desk.StatusAssigned {
		stamp := g.clamp(t.UpdatedAt.Add(time.Duration(1+r.IntN(48*60)) * time.Minute))
		if t.FirstResponseAt.IsZero() {
			t.OpenedAt = t.AssignedAt
		} else {
			t.OpenedAt = t.FirstResponseAt
		}
		switch t.Status {
		case desk.StatusPending:
			t.PendingAt = stamp
		case desk.StatusSolved:
			t.SolvedAt = stamp
		case desk.StatusClosed, desk.StatusIgnored:
			t.ClosedAt, t.ClosedBy, t.ClosedReason = stamp, agent, "manual"
		}
		from := desk.StatusAssigned
		if t.Status != desk.StatusOpen {
			ev(t.OpenedAt, agent, desk.EventStatusChanged, string(from), string(desk.StatusOpen), "agent replied")
			from = desk.StatusOpen
		}
		ev(stamp, agent, desk.EventStatusChanged, string(from), string(t.Status), "")
		t.UpdatedAt = stamp
	}
	t.StatusReason = "generated"
	b.Tickets = append(b.Tickets, t)
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
