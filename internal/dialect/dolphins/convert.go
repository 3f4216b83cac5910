package dolphins

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// view renders tickets of one workspace for one request, caching the
// agents, contacts and channel accounts it reads.
type view struct {
	ctx      context.Context
	st       desk.Reader
	ws       *desk.Workspace
	loc      *time.Location
	now      time.Time
	agents   map[string]*desk.Agent
	contacts map[string]*desk.Contact
	accounts map[string]*desk.ChannelAccount
	defs     []desk.FieldDef
	defsRead bool
	policies []desk.SLAPolicy
	polRead  bool
	// preloaded holds, per ticket id, what its root document reads, for
	// lists loaded at once (preload).
	preloaded map[string]rootReads
}

func (d *Door) view(ctx context.Context, ws *desk.Workspace) *view {
	return &view{ctx: ctx, st: d.cfg.Desk.Store, ws: ws, loc: d.location(ws), now: d.cfg.Desk.Clock(),
		agents: map[string]*desk.Agent{}, contacts: map[string]*desk.Contact{}, accounts: map[string]*desk.ChannelAccount{}}
}

// clock is the ticket's SLA clock from the routing engine, so every door
// reads the same SLA state; evs (the event log) gives the time in each
// status, nil the differences of the lifecycle stamps.
func (v *view) clock(t *desk.Ticket, evs []desk.Event) (routing.SLA, error) {
	if !v.polRead {
		ps, err := v.st.SLAPolicies(v.ctx, v.ws.ID)
		if err != nil {
			return routing.SLA{}, err
		}
		v.policies, v.polRead = ps, true
	}
	return routing.Clock(t, evs, routing.PolicyFor(v.policies, t.Priority), routing.CalendarOf(v.ws), v.now), nil
}

// agent reads an agent once per view; a missing agent is nil.
func (v *view) agent(id string) (*desk.Agent, error) {
	return desk.CachedByID(v.agents, id, func(id string) (*desk.Agent, error) { return v.st.Agent(v.ctx, v.ws.ID, id) })
}

func (v *view) contact(id string) (*desk.Contact, error) {
	return desk.CachedByID(v.contacts, id, func(id string) (*desk.Contact, error) { return v.st.Contact(v.ctx, v.ws.ID, id) })
}

func (v *view) account(id string) (*desk.ChannelAccount, error) {
	return desk.CachedByID(v.accounts, id, func(id string) (*desk.ChannelAccount, error) { return v.st.ChannelAccount(v.ctx, v.ws.ID, id) })
}

// agentRef renders an agent id: "Bot" for a bot (the vendor's literal,
// spec A17), the id otherwise.
func (v *view) agentRef(id string) string {
	if id == "" {
		return ""
	}
	if a, _ := v.agent(id); a != nil && a.Role == desk.RoleBot {
		return "Bot"
	}
	return id
}

// actorRef renders who did something: an agent's id, "Bot", a contact's
// id, or the workspace id for ticketd itself (the vendor's system user).
func (v *view) actorRef(a desk.Actor) string {
	switch a.Kind {
	case desk.ActorBot:
		return "Bot"
	case desk.ActorAgent:
		return v.agentRef(a.ID)
	case desk.ActorContact:
		if a.ID != "" {
			return a.ID
		}
	}
	return v.ws.ID
}

// ticketMeta reads this door's values stored on a ticket.
func ticketMeta(t *desk.Ticket) map[string]json.RawMessage { return t.Meta[metaKey] }

func metaString(m map[string]json.RawMessage, k string) (string, bool) {
	var s string
	if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return "", false
}

func metaBool(m map[string]json.RawMessage, k string) bool {
	var b bool
	if raw, ok := m[k]; ok {
		_ = json.Unmarshal(raw, &b)
	}
	return b
}

func metaStrings(m map[string]json.RawMessage, k string) ([]string, bool) {
	var s []string
	if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return nil, false
}

func metaInt(m map[string]json.RawMessage, k string) (int, bool) {
	var n int
	if raw, ok := m[k]; ok && json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	return 0, false
}

// fieldsObject renders custom fields as a JSON object.
func fieldsObject(fs desk.Fields) map[string]any {
	if len(fs) == 0 {
		return nil
	}
	out := make(map[string]any, len(fs))
	for _, f := range fs {
		var v any
		if len(f.Value) > 0 {
			dec := json.NewDecoder(strings.NewReader(string(f.Value)))
			dec.UseNumber()
			_ = dec.Decode(&v)
		}
		out[f.Key] = v
	}
	return out
}

// fieldInt reads a numeric custom field.
func fieldInt(fs desk.Fields, k string) (int64, bool) {
	f, ok := fs.Get(k)
	if !ok {
		return 0, false
	}
	var n json.Number
	dec := json.NewDecoder(strings.NewReader(string(f.Value)))
	dec.UseNumber()
	if dec.Decode(&n) != nil {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		fl, err := n.Float64()
		if err != nil {
			return 0, false
		}
		i = int64(fl)
	}
	return i, true
}

func fieldBool(fs desk.Fields, k string) bool {
	var b bool
	if f, ok := fs.Get(k); ok {
		_ = json.Unmarshal(f.Value, &b)
	}
	return b
}

func i64(n int64) *int64 { return &n }
func ms(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	return i64(t.UnixMilli())
}
func bp(b bool) *bool        { return &b }
func sp(s string) *string    { return &s }
func boolText(b bool) string { return strconv.FormatBool(b) }

// timeline is what the event log says about a ticket beyond its columns.
type timeline struct {
	modifiedBy     desk.Actor
	hasModifier    bool
	subjectChanged bool
	reassigned     bool
	transferred    bool // moved to another group
	moved          bool // transferred, or handed over by a bot within its group
	transferFrom   string
	fromBot        bool // the last move took the ticket from the bot
	transferTo     string
	fromGroup      string
	toGroup        string
	closedBy       desk.Actor
}

// readTimeline walks the event log once, tracking the owner.
func readTimeline(evs []desk.Event) timeline {
	var tl timeline
	owner, afterTransfer, taken := "", false, false
	for _, e := range evs {
		tl.modifiedBy, tl.hasModifier = e.Actor, true
		switch {
		case e.Type == desk.EventAssigned || e.Type == desk.EventReassigned:
			if (owner != "" && owner != e.To) || e.Type == desk.EventReassigned {
				tl.reassigned = true
			}
			owner, taken = e.To, true
			if afterTransfer && tl.transferTo == "" {
				tl.transferTo = e.To
			}
		case e.Type == desk.EventUnassigned:
			owner = ""
		case e.Type == desk.EventTransferred:
			tl.moved = true
			if e.From != e.To {
				tl.transferred = true
				tl.fromGroup, tl.toGroup = e.From, e.To
			}
			tl.transferFrom, tl.fromBot = owner, false
			if owner == "" {
				// Until someone takes a waiting ticket, the vendor's bot
				// holds the conversation: moving it is the bot's hand-over,
				// whoever asks (the transfer examples show "Bot").
				tl.fromBot = !taken || e.Actor.Kind == desk.ActorBot
				if e.Actor.Kind == desk.ActorBot {
					tl.transferFrom = e.Actor.ID
				}
			}
			tl.transferTo, afterTransfer = "", true
		case e.Type == desk.EventFieldChanged && e.Reason == "subject":
			tl.subjectChanged = true
		case e.Type == desk.EventStatusChanged:
			if st := desk.Status(e.To); st.Terminal() {
				tl.closedBy = e.Actor
			}
		}
	}
	return tl
}

// rootWindow is how many of a ticket's newest messages a root document reads
// (last message, unread count, attachments).
const rootWindow = 100

// rootReads is what a root document reads beyond the ticket: its event
// log, its newest public messages (up to rootWindow) and its first public
// message.
type rootReads struct {
	evs   []desk.Event
	msgs  []desk.Message
	first *desk.Message
}

// rootReads reads them for one ticket, or takes them from a preload.
func (v *view) rootReads(t *desk.Ticket) (rootReads, error) {
	if rd, ok := v.preloaded[t.ID]; ok {
		delete(v.preloaded, t.ID) // once: a later render of the ticket reads afresh
		return rd, nil
	}
	var rd rootReads
	var err error
	if rd.evs, err = v.st.Events(v.ctx, v.ws.ID, t.ID); err != nil {
		return rd, err
	}
	if rd.msgs, err = v.st.Messages(v.ctx, v.ws.ID, t.ID, desk.MessageFilter{PublicOnly: true, NewestFirst: true, Limit: rootWindow}); err != nil {
		return rd, err
	}
	if n := len(rd.msgs); n > 0 && n < rootWindow {
		rd.first = &rd.msgs[n-1]
	} else if n == rootWindow {
		old, err := v.st.Messages(v.ctx, v.ws.ID, t.ID, desk.MessageFilter{PublicOnly: true, Limit: 1})
		if err != nil {
			return rd, err
		}
		if len(old) > 0 {
			rd.first = &old[0]
		}
	}
	return rd, nil
}

// preload reads what the root documents of ts need in a few queries for
// the whole list — event logs, messages, contacts, channel accounts and
// the agents they name — so rendering each reads nothing more.
func (v *view) preload(ts []desk.Ticket) error {
	if len(ts) == 0 {
		return nil
	}
	ids := make([]string, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
	}
	evs, err := v.st.EventsByTicket(v.ctx, v.ws.ID, ids)
	if err != nil {
		return err
	}
	msgs, err := v.st.MessagesByTicket(v.ctx, v.ws.ID, ids, desk.MessageFilter{PublicOnly: true, NewestFirst: true, Limit: rootWindow})
	if err != nil {
		return err
	}
	var full []string
	for id, ms := range msgs {
		if len(ms) == rootWindow {
			full = append(full, id)
		}
	}
	oldest, err := v.st.MessagesByTicket(v.ctx, v.ws.ID, full, desk.MessageFilter{PublicOnly: true, Limit: 1})
	if err != nil {
		return err
	}
	if v.preloaded == nil {
		v.preloaded = make(map[string]rootReads, len(ts))
	}
	var contacts, accounts, agents []string
	for i := range ts {
		t := &ts[i]
		rd := rootReads{evs: evs[t.ID], msgs: msgs[t.ID]}
		if n := len(rd.msgs); n > 0 && n < rootWindow {
			rd.first = &rd.msgs[n-1]
		} else if old := oldest[t.ID]; len(old) > 0 {
			rd.first = &old[0]
		}
		v.preloaded[t.ID] = rd
		contacts = append(contacts, t.ContactID)
		accounts = append(accounts, t.ChannelAccountID)
		agents = append(agents, t.AssigneeID, t.CreatedBy.ID, t.ClosedBy.ID)
		if e := t.Escalation; e != nil {
			agents = append(agents, e.FromAgentID, e.ToAgentID)
		}
		for _, e := range rd.evs {
			agents = append(agents, e.Actor.ID, e.From, e.To)
		}
	}
	return v.fill(contacts, accounts, agents)
}

// fill reads into the view's caches, in one query per kind, the contacts,
// channel accounts and agents of these ids it does not hold yet; an id
// that names nothing is cached as nil, as the one-at-a-time reads do.
func (v *view) fill(contacts, accounts, agents []string) error {
	if err := desk.FillByID(v.contacts, contacts, func(ids []string) (map[string]*desk.Contact, error) {
		return v.st.ContactsByID(v.ctx, v.ws.ID, ids)
	}); err != nil {
		return err
	}
	if err := desk.FillByID(v.accounts, accounts, func(ids []string) (map[string]*desk.ChannelAccount, error) {
		return v.st.ChannelAccountsByID(v.ctx, v.ws.ID, ids)
	}); err != nil {
		return err
	}
	return desk.FillByID(v.agents, agents, func(ids []string) (map[string]*desk.Agent, error) {
		return v.st.AgentsByID(v.ctx, v.ws.ID, ids)
	})
}

// root renders a ticket's root document.
func (v *view) root(t *desk.Ticket) (*TicketDoc, error) {
	rd, err := v.rootReads(t)
	if err != nil {
		return nil, err
	}
	evs, msgs, first := rd.evs, rd.msgs, rd.first
	doc, err := v.base(t)
	if err != nil {
		return nil, err
	}
	tl := readTimeline(evs)
	meta := ticketMeta(t)
	doc.ID, doc.Parent = t.ID, 1
	doc.CreatedBy = v.actorRef(t.CreatedBy)
	doc.ModifiedBy = doc.CreatedBy
	if tl.hasModifier {
		doc.ModifiedBy = v.actorRef(tl.modifiedBy)
	}
	doc.Incoming = t.Origin == desk.OriginCustomer || (first != nil && first.Direction == desk.DirectionIn)
	doc.Message = t.Description
	doc.CleanedMessage = cleanText(t.Description)
	if first != nil {
		doc.MessageID = messageID(first)
		if doc.Message == "" {
			doc.Message, doc.CleanedMessage = first.Text, cleanText(first.Text)
		}
	}
	last := ""
	unread, sawAnswer := 0, false
	for i := range msgs {
		m := &msgs[i]
		if i == 0 {
			last = m.Text
		}
		if m.Direction == desk.DirectionOut {
			sawAnswer = true
		} else if !sawAnswer {
			unread++
		}
		if len(m.Attachments) > 0 {
			doc.AttachmentExist = true
		}
	}
	doc.LastMessage, doc.UnreadMessages = &last, unread
	doc.SubjectChanged = bp(tl.subjectChanged || metaBool(meta, "subjectChanged"))

	label := statusLabel(t)
	doc.Status, doc.TimelineStatus = label, label
	doc.StatusStyle = "ticket-" + strings.ToLower(label)
	doc.Priority = bp(t.Flagged)
	doc.TicketTags = t.Tags
	if len(doc.TicketTags) == 0 {
		doc.TicketTags = []string{"default"}
	}
	doc.Document = []string{"default"}
	if docs, ok := metaStrings(meta, "document"); ok && len(docs) > 0 {
		doc.Document = docs
	}
	remark, _ := metaString(meta, "remark")
	corr, _ := metaString(meta, "correlationId")
	doc.Remark, doc.CorrelationID = &remark, &corr
	doc.TransactionID, _ = metaString(meta, "transactionId")
	doc.RuleID, _ = metaString(meta, "ruleId")
	doc.GreetingStatus = bp(metaBool(meta, "greetingStatus"))
	doc.Notified = bp(metaBool(meta, "notified"))
	doc.Redistribute = bp(metaBool(meta, "redistribute"))
	doc.Mention, doc.Post = metaBool(meta, "mention"), metaBool(meta, "post")
	doc.MarkRead = metaBool(meta, "markRead")
	doc.Guest = bp(metaBool(meta, "guest") || fieldBool(t.CustomFields, "guest"))
	doc.ErrorCode, _ = metaString(meta, "errorCode")
	doc.ErrorMessage, _ = metaString(meta, "errorMessage")
	doc.ProfileLink, _ = metaString(meta, "profileLink")
	if n, ok := metaInt(meta, "followerCount"); ok {
		doc.FollowerCount = &n
	}
	if n, ok := metaInt(meta, "friendCount"); ok {
		doc.FriendCount = &n
	}

	// Routing and assignment.
	doc.Group = t.GroupID
	if tl.transferred && tl.toGroup != "" {
		doc.ToGroup, doc.FromGroup = tl.toGroup, tl.fromGroup
	}
	doc.Supervisor = t.SupervisorID
	if t.AssigneeID != "" {
		a, err := v.agent(t.AssigneeID)
		if err != nil {
			return nil, err
		}
		doc.AssignedAgent = v.agentRef(t.AssigneeID)
		if a != nil {
			doc.AgentName, doc.AgentAvatar = sp(a.Name), sp(a.AvatarURL)
			if a.Role == desk.RoleBot {
				doc.BotID = a.ID
				if doc.Group == "" {
					doc.Group = "Bot"
				}
			}
		}
	}
	doc.Reassigned = bp(tl.reassigned)
	doc.ReassignedText = boolText(tl.reassigned)
	doc.Transfered = bp(tl.transferred)
	doc.TransferedText = boolText(tl.transferred)
	if tl.moved {
		doc.TransferedFrom = v.agentRef(tl.transferFrom)
		if tl.fromBot {
			doc.TransferedFrom = "Bot"
		}
		doc.TransferedTo = v.agentRef(tl.transferTo)
		if doc.TransferedFrom == "Bot" {
			// A bot handing its customer over counts as a reassignment
			// (the vendor's transferToAgent example).
			doc.Reassigned, doc.ReassignedText = bp(true), "true"
		}
	}
	if !t.TransferredAt.IsZero() {
		doc.TransferedDate = ms(t.TransferredAt)
		doc.TransferedDateText = dateText(t.TransferredAt, v.loc)
	}
	doc.Escalated = bp(t.Escalated)
	if e := t.Escalation; e != nil && !e.At.IsZero() {
		doc.EscalatedDate = ms(e.At)
		doc.EscalatedFrom, doc.EscalatedTo = v.agentRef(e.FromAgentID), v.agentRef(e.ToAgentID)
	} else if !t.EscalatedAt.IsZero() {
		doc.EscalatedDate = ms(t.EscalatedAt)
	}

	// Lifecycle instants, their text, and the durations between them as
	// canonical.md §5 defines them (assignDuration = opened − assigned, …),
	// computed by the routing engine's SLA clock from the lifecycle stamps.
	clk, err := v.clock(t, nil)
	if err != nil {
		return nil, err
	}
	dur := clk.Durations
	secs := func(d time.Duration) *int64 { return i64(routing.Seconds(d)) }
	if !t.QueuedAt.IsZero() {
		doc.UnassignedDate, doc.UnassignedDateText = ms(t.QueuedAt), dateText(t.QueuedAt, v.loc)
		doc.UnassignDuration = secs(dur.Unassigned)
	}
	if !t.AssignedAt.IsZero() {
		doc.AssignedDate, doc.AssignedDateText = ms(t.AssignedAt), dateText(t.AssignedAt, v.loc)
		doc.AssignDuration = secs(dur.Assigned)
	}
	doc.FirstAssignedDate = ms(t.FirstAssignedAt)
	if !t.OpenedAt.IsZero() {
		doc.OpenDate, doc.OpenDateText = ms(t.OpenedAt), dateText(t.OpenedAt, v.loc)
		doc.OpenDuration = secs(dur.Open)
	}
	if !t.PendingAt.IsZero() {
		doc.PendingDate, doc.PendingDateText = ms(t.PendingAt), dateText(t.PendingAt, v.loc)
		doc.PendingDuration = secs(dur.Pending)
	}
	if !t.TransferredAt.IsZero() {
		doc.TransferInterval = secs(dur.Transfer)
	}
	timelineAt := t.CreatedAt
	if t.QueuedAt.After(timelineAt) {
		timelineAt = t.QueuedAt
	}
	if t.AssignedAt.After(timelineAt) {
		timelineAt = t.AssignedAt
	}
	doc.DateTimeline = timelineAt.UnixMilli()
	doc.PrettyDateTimeline = prettyDate(timelineAt, v.now, v.loc)
	if t.Status.Terminal() {
		end := closedAt(t)
		doc.ClosedDate, doc.ClosedDateText = ms(end), dateText(end, v.loc)
		doc.CloseInterval = secs(dur.Close)
		doc.ClosureType = closureType(t)
		by := t.ClosedBy
		if by.Kind == "" {
			by = tl.closedBy
		}
		doc.ClosedBy = v.actorRef(by)
		doc.PrettyDateTimeline = prettyDate(end, v.now, v.loc)
	}
	if !t.FirstResponseAt.IsZero() {
		doc.ResponseTime = secs(dur.FirstResponse)
	}
	if !t.FirstAgentResponseAt.IsZero() {
		doc.ResponseTimeAgent = secs(dur.FirstAgentResponse)
	}
	doc.WithinSLA, doc.OverReplySLA = clk.WithinSLA, clk.FirstReplyBreached
	doc.SLAStyle, doc.SLAText = slaStyle(clk.State)

	// Customer presence lives in the custom fields the vendor writes
	// (online_date, offline_date, online_duration).
	doc.CustomFields = fieldsObject(t.CustomFields)
	doc.Online = bp(metaBool(meta, "online") || fieldBool(t.CustomFields, "online"))
	on, hasOn := fieldInt(t.CustomFields, "online_date")
	off, hasOff := fieldInt(t.CustomFields, "offline_date")
	if hasOn {
		doc.OnlineDate = i64(on)
	}
	if hasOff {
		doc.OfflineDate = i64(off)
	}
	if d, ok := fieldInt(t.CustomFields, "online_duration"); ok {
		doc.OnlineDuration = i64(d)
	} else if hasOn && hasOff && off >= on {
		doc.OnlineDuration = i64((off - on) / 1000)
	}

	// E-mail addressing.
	doc.CCList = nonNil(t.CC.Emails)
	doc.CCListFormatted = strings.Join(t.CC.Emails, ",")
	bcc := nonNil(t.CC.BCCEmails)
	doc.BCCList = &bcc
	doc.BCCListFormatted = sp(strings.Join(t.CC.BCCEmails, ","))
	doc.ReplyCC, doc.EmailRecipient = t.CC.ReplyCC, t.CC.EmailRecipient

	doc.PrettyDate = prettyDate(t.CreatedAt, v.now, v.loc)
	doc.Collection = "master_ticket"
	return doc, nil
}

// base fills what root and message documents share.
func (v *view) base(t *desk.Ticket) (*TicketDoc, error) {
	c, err := v.contact(t.ContactID)
	if err != nil {
		return nil, err
	}
	acct, err := v.account(t.ChannelAccountID)
	if err != nil {
		return nil, err
	}
	doc := &TicketDoc{Owner: v.ws.ID, CreatedDate: t.CreatedAt.UnixMilli(), ModifiedDate: t.UpdatedAt.UnixMilli(),
		CreatedDateText: dateText(t.CreatedAt, v.loc), TicketNumber: strconv.FormatInt(t.Number, 10),
		Subject: t.Subject, ContactID: t.ContactID, ChannelType: channelType(t.Channel, acct),
		CCList: []string{}, CallVariable: []any{}, ConferenceParticipant: []any{},
		ConferenceParticipantObject: []any{}, CallParticipantObject: []any{}, CallVariableObject: []any{}}
	doc.Severity = severityLabel(t.Priority)
	doc.SeverityStyle = severityStyle(doc.Severity)
	if acct != nil {
		doc.Channel, doc.ChannelName = acct.ID, acct.Name
		doc.ChannelKey = acct.UID
		if doc.ChannelKey == "" {
			doc.ChannelKey = acct.Name
		}
	}
	if c != nil {
		id, screen, name := customerOn(c, t.Channel)
		doc.AccountID, doc.AccountScreen, doc.AccountName = id, screen, name
		doc.FriendlyName, doc.FriendlyID, doc.CustomerName = c.Name, id, c.Name
		doc.Contact = v.contactDoc(c)
	}
	return doc, nil
}

// customerOn is the customer's id, screen name and name on a channel:
// its identity there when it has one, else its own id, e-mail or phone.
func customerOn(c *desk.Contact, ch desk.Channel) (id, screen, name string) {
	name = c.Name
	for _, i := range c.Identities {
		if i.Channel == ch {
			screen = i.ScreenName
			if screen == "" {
				screen = i.DisplayName
			}
			if name == "" {
				name = i.DisplayName
			}
			if screen == "" {
				screen = name
			}
			return i.ExternalID, screen, name
		}
	}
	switch {
	case ch == desk.ChannelEmail && c.Email != "":
		id = c.Email
	case c.ExternalID != "":
		id = c.ExternalID
	case c.Phone != "":
		id = c.Phone
	case c.Email != "":
		id = c.Email
	default:
		id = c.ID
	}
	screen = name
	if screen == "" {
		screen = id
	}
	return id, screen, name
}

// messageID is a message's channel message id: as the channel gave it
// (Message.Meta), else ticketd's own id.
func messageID(m *desk.Message) string {
	var s string
	if raw, ok := m.Meta["messageId"]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
		return s
	}
	return m.ID
}

// message renders one message document. since is when the customer last
// wrote before it (or the ticket opened), for the answer's response time.
func (v *view) message(t *desk.Ticket, m *desk.Message, since time.Time) (*TicketDoc, error) {
	doc, err := v.base(t)
	if err != nil {
		return nil, err
	}
	doc.Contact = nil
	doc.ID, doc.Parent = m.ID, 0
	doc.CreatedDate, doc.ModifiedDate = m.CreatedAt.UnixMilli(), m.CreatedAt.UnixMilli()
	doc.CreatedDateText = dateText(m.CreatedAt, v.loc)
	doc.CreatedBy = v.actorRef(m.Author)
	doc.ModifiedBy = doc.CreatedBy
	doc.Message, doc.CleanedMessage, doc.MessageID = m.Text, cleanText(m.Text), messageID(m)
	doc.TransactionID, _ = metaString(m.Meta, "transactionId")
	doc.Mention, doc.Post, doc.MarkRead = metaBool(m.Meta, "mention"), metaBool(m.Meta, "post"), metaBool(m.Meta, "markRead")
	doc.ErrorCode, _ = metaString(m.Meta, "errorCode")
	doc.ErrorMessage, _ = metaString(m.Meta, "errorMessage")
	doc.AttachmentExist = len(m.Attachments) > 0
	doc.PrettyDate = prettyDate(m.CreatedAt, v.now, v.loc)
	doc.PrettyDateTimeline = doc.PrettyDate
	doc.DateTimeline = m.CreatedAt.UnixMilli()
	clk, err := v.clock(t, nil)
	if err != nil {
		return nil, err
	}
	doc.OverReplySLA = clk.FirstReplyBreached
	doc.SLAStyle, doc.SLAText = slaStyle(clk.State)
	if m.Direction == desk.DirectionIn {
		doc.Incoming = true
		return doc, nil
	}
	// An answer: written by an agent or a bot on the channel's behalf.
	doc.Answer, doc.TicketAnswer = true, true
	doc.AccountName = doc.Channel
	if doc.AccountName == "" {
		doc.AccountName = doc.ChannelType
	}
	doc.FriendlyName = doc.ChannelName
	if doc.FriendlyName == "" {
		doc.FriendlyName = channelDisplay(t.Channel)
	}
	doc.ReplyAgent = v.actorRef(m.Author)
	if m.Author.Kind == desk.ActorBot {
		doc.BotID = m.Author.ID
	}
	if m.Author.Kind == desk.ActorAgent || m.Author.Kind == desk.ActorBot {
		if a, err := v.agent(m.Author.ID); err != nil {
			return nil, err
		} else if a != nil {
			doc.AgentName, doc.AgentAvatar = sp(a.Name), sp(a.AvatarURL)
			if a.Role == desk.RoleBot {
				doc.BotID = a.ID
			}
		}
	}
	if since.IsZero() {
		since = t.CreatedAt
	}
	rt := seconds(since, m.CreatedAt)
	doc.ResponseTime = i64(rt)
	if m.Author.Kind == desk.ActorAgent || m.Author.Kind == desk.ActorBot {
		doc.ResponseTimeAgent = i64(rt)
	}
	return doc, nil
}

// conversation renders a ticket's root document followed by its message
// documents, oldest first.
func (v *view) conversation(t *desk.Ticket) ([]*TicketDoc, error) {
	root, err := v.root(t)
	if err != nil {
		return nil, err
	}
	msgs, err := v.st.Messages(v.ctx, v.ws.ID, t.ID, desk.MessageFilter{PublicOnly: true})
	if err != nil {
		return nil, err
	}
	out := []*TicketDoc{root}
	var since time.Time
	for i := range msgs {
		m := &msgs[i]
		doc, err := v.message(t, m, since)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
		if m.Direction == desk.DirectionIn {
			since = m.CreatedAt
		}
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// contactDoc renders a contact (spec §3.2, canonical §2.4): per-channel
// social keys by grouping identities, contactAccountIds = identity ids ∪
// e-mails ∪ phones, one touchpoint per identity (and one for the e-mail
// address), spell = the search tokens in the vendor's order (names,
// e-mails, phones, then each identity's name and id).
func (v *view) contactDoc(c *desk.Contact) *ContactDoc {
	doc := &ContactDoc{ID: c.ID, Owner: v.ws.ID, CreatedDate: c.CreatedAt.UnixMilli(), CreatedBy: v.ws.ID,
		ModifiedDate: c.UpdatedAt.UnixMilli(), ModifiedBy: v.ws.ID, ContactFirstName: c.FirstName,
		ContactLastName: c.LastName, CorrelationID: c.ExternalID, Username: c.Email,
		Social: map[string][]string{}, SocialAccounts: []string{}, AvailableTouchpoints: []string{},
		ContactAccountIDs: []string{}, ContactTouchpoints: []Touchpoint{}, AdditionalField: []any{},
		AdditionalFieldValueAsMap: map[string]any{}, AdditionalFieldsObject: []namedValue{},
		PrettyCreatedDate: prettyCreatedDate(c.CreatedAt, v.now, v.loc)}
	if doc.ContactFirstName == "" && c.LastName == "" {
		doc.ContactFirstName = c.Name
	}
	spell := []string{}
	for _, s := range []string{doc.ContactFirstName, c.LastName} {
		if s != "" {
			spell = append(spell, s)
		}
	}
	if c.Email != "" {
		doc.ContactEmail = []string{c.Email}
		doc.ContactEmailString = c.Email
		spell = append(spell, c.Email)
	}
	if c.Phone != "" {
		doc.Phones, doc.PhoneTypes, doc.PhonesString = []string{c.Phone}, []string{"Mobile"}, c.Phone
		doc.ContactPhoneFormatted = c.Phone
		spell = append(spell, c.Phone)
	}
	var screens []string
	seenIcon := map[string]bool{}
	for _, i := range c.Identities {
		suf := socialSuffix(i.Channel)
		doc.Social["socialId"+suf] = append(doc.Social["socialId"+suf], i.ExternalID)
		doc.Social["socialName"+suf] = append(doc.Social["socialName"+suf], i.DisplayName)
		doc.Social["socialScreenName"+suf] = append(doc.Social["socialScreenName"+suf], i.ScreenName)
		if i.ScreenName != "" {
			screens = append(screens, i.ScreenName)
		}
		icon := channelIcon(string(i.Channel))
		if !seenIcon[icon] {
			seenIcon[icon] = true
			doc.SocialAccounts = append(doc.SocialAccounts, icon)
		}
		doc.ContactAccountIDs = append(doc.ContactAccountIDs, i.ExternalID)
		display := i.DisplayName
		if display == "" {
			display = c.Name
		}
		doc.ContactTouchpoints = append(doc.ContactTouchpoints, Touchpoint{ID: i.ExternalID, DisplayName: display,
			ScreenName: i.ScreenName, ChannelType: string(i.Channel), ChannelTypeIcon: icon, ContactID: c.ID})
		if i.DisplayName != "" {
			spell = append(spell, i.DisplayName)
		}
		spell = append(spell, i.ExternalID)
		if i.Channel == desk.ChannelWebchat {
			doc.LiveChatAccount = true
		}
	}
	if c.Email != "" {
		screens = append(screens, c.Email)
		icon := channelIcon("email")
		if !seenIcon[icon] {
			seenIcon[icon] = true
			doc.SocialAccounts = append(doc.SocialAccounts, icon)
		}
		doc.AvailableTouchpoints = append(doc.AvailableTouchpoints, icon)
		doc.ContactAccountIDs = append(doc.ContactAccountIDs, c.Email)
		if len(doc.Social["socialIdEmail"]) == 0 {
			doc.ContactTouchpoints = append(doc.ContactTouchpoints, Touchpoint{ID: c.ID, DisplayName: c.Name,
				ScreenName: c.Email, ChannelType: "email", ChannelTypeIcon: icon, ContactID: c.ID})
		}
	}
	if c.Phone != "" {
		doc.SocialAccounts = append(doc.SocialAccounts, "images/contact/ic_phone_red.png")
		doc.ContactAccountIDs = append(doc.ContactAccountIDs, c.Phone)
	}
	doc.SocialsString = strings.Join(screens, ",")
	doc.HaveAnySocialAccounts = len(c.Identities) > 0
	doc.Spell = spell

	// Tenant-defined contact fields: every defined one (null when unset),
	// then any other value the contact carries.
	if !v.defsRead {
		v.defs, _ = v.st.FieldDefs(v.ctx, v.ws.ID, "contact")
		v.defsRead = true
	}
	vals := fieldsObject(c.CustomFields)
	seen := map[string]bool{}
	for _, d := range v.defs {
		seen[d.Key] = true
		doc.AdditionalFieldsObject = append(doc.AdditionalFieldsObject, namedValue{Name: d.Key, Value: vals[d.Key]})
	}
	for _, f := range c.CustomFields {
		if !seen[f.Key] {
			doc.AdditionalFieldsObject = append(doc.AdditionalFieldsObject, namedValue{Name: f.Key, Value: vals[f.Key]})
		}
		if vals[f.Key] != nil {
			doc.AdditionalFieldValueAsMap[f.Key] = vals[f.Key]
		}
	}
	for k, dst := range map[string]*int{"rating": &doc.Rating, "ageMin": &doc.AgeMin, "ageMax": &doc.AgeMax, "maxFollower": &doc.MaxFollower} {
		if n, ok := fieldInt(c.CustomFields, k); ok {
			*dst = int(n)
		}
	}
	if f, ok := c.CustomFields.Get("birthday"); ok {
		var s string
		if json.Unmarshal(f.Value, &s) == nil {
			if b, err := time.Parse(time.DateOnly, s); err == nil {
				doc.BirthdayFormatted = b.Format("2 January 2006")
			}
		}
	}
	return doc
}
