package oneview

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Dialect is this door's key in the Meta of tickets and agents: the values
// only pd-oneview speaks live there, not in desk (docs/domain.md).
const Dialect = "oneview"

// epoch renders an instant as Unix seconds; 0 when unset.
func epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// ticketStatus renders canonical status and the escalated flag (spec §5.1).
func ticketStatus(t *desk.Ticket) string {
	switch {
	case t.Status.Terminal():
		return StatusClosed
	case t.Escalated:
		return StatusEscalated
	}
	return StatusAssigned
}

// channel renders a canonical channel (spec §5.2): webchat is "chat".
func channel(c desk.Channel) string {
	if c == desk.ChannelWebchat {
		return "chat"
	}
	return string(c)
}

// rank is the ticket's priority as a sort key, 1 most urgent: the rank a
// client stored, else the canonical priority's.
func rank(t *desk.Ticket) int {
	if t.PriorityRank > 0 {
		return t.PriorityRank
	}
	return t.Priority.Rank()
}

// assignedTime is when the ticket was (last) assigned, falling back to its
// first assignment and its creation for tickets given an owner another way.
func assignedTime(t *desk.Ticket) time.Time {
	for _, at := range []time.Time{t.AssignedAt, t.FirstAssignedAt, t.CreatedAt} {
		if !at.IsZero() {
			return at
		}
	}
	return time.Time{}
}

// sortTickets orders a list most urgent first, then longest assigned
// (spec §3.1: priority asc, assignedTime asc), then oldest.
func sortTickets(ts []desk.Ticket) {
	slices.SortStableFunc(ts, func(a, b desk.Ticket) int {
		if ra, rb := rank(&a), rank(&b); ra != rb {
			return ra - rb
		}
		if c := assignedTime(&a).Compare(assignedTime(&b)); c != 0 {
			return c
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Number, b.Number)
	})
}

// related is what a ticket's rendering needs beyond the ticket.
type related struct {
	queue     string        // its group's name
	contact   *desk.Contact // nil when none
	messages  []desk.Message
	accesses  []string // agentAccesses of the agent whose list this is
	roomToken string
	agentJWT  string
}

// toTicket converts a ticket to the wire Ticket.
func toTicket(t *desk.Ticket, rel related) Ticket {
	out := Ticket{
		ID:           t.ID,
		TicketStatus: ticketStatus(t),
		AssignedTime: epoch(assignedTime(t)),
		CreatedAt:    epoch(t.CreatedAt),
		Queue:        rel.queue,
		Channel:      channel(t.Channel),
		Content:      content(t, rel.messages),
		Metadata: Metadata{
			CCR:                   metaText(t, "ccr", "contact_reason"),
			AgentJWT:              rel.agentJWT,
			RoomID:                t.ID,
			RoomName:              roomName(t),
			RoomSubscriptionToken: rel.roomToken,
			OrderID:               metaText(t, "orderId", "order_id"),
			AgentAccesses:         []string{},
		},
		StatusReason: t.StatusReason,
		Priority:     int32(rank(t)),
		Customer:     toCustomer(rel.contact),
	}
	if len(rel.accesses) > 0 {
		out.Metadata.AgentAccesses = rel.accesses
	}
	return out
}

// metaText reads a text value the dialect stored for key, else a custom
// field named key or one of the alternatives.
func metaText(t *desk.Ticket, key string, alts ...string) string {
	if v, ok := t.Meta[Dialect][key]; ok {
		return rawText(v)
	}
	for _, k := range append([]string{key}, alts...) {
		if f, ok := t.CustomFields.Get(k); ok {
			return rawText(f.Value)
		}
	}
	return ""
}

// rawText is a JSON string's value, or any other JSON value's text.
func rawText(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

func roomName(t *desk.Ticket) string {
	if v, ok := t.Meta[Dialect]["roomName"]; ok {
		return rawText(v)
	}
	if t.Subject != "" {
		return t.Subject
	}
	return "Ticket " + strconv.FormatInt(t.Number, 10)
}

// content is a stored raw content object, verbatim, or one derived from
// the subject and recent public messages (spec A8).
func content(t *desk.Ticket, msgs []desk.Message) json.RawMessage {
	if v, ok := t.Meta[Dialect]["content"]; ok {
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '{' && json.Valid(v) {
			return v
		}
	}
	c := Content{Subject: t.Subject, Messages: []ContentMessage{}}
	for _, m := range msgs {
		c.Messages = append(c.Messages, ContentMessage{ID: m.ID, From: from(m.Author.Kind), AuthorName: m.AuthorName,
			Text: m.Text, CreatedAt: epoch(m.CreatedAt)})
		c.LastMessage = m.Text
	}
	b, _ := json.Marshal(c) // strings and ints only
	return b
}

func from(k desk.ActorKind) string {
	switch k {
	case desk.ActorContact:
		return "customer"
	case desk.ActorAgent:
		return "agent"
	case desk.ActorBot:
		return "bot"
	}
	return "system"
}

// toCustomer renders a contact; the vendor's customer id is the contact's
// external id when it has one (canonical §4.3).
func toCustomer(c *desk.Contact) Customer {
	if c == nil {
		return Customer{}
	}
	out := Customer{ID: c.ExternalID, FirstName: c.FirstName, LastName: c.LastName}
	if out.ID == "" {
		out.ID = c.ID
	}
	if out.FirstName == "" && out.LastName == "" {
		out.FirstName, out.LastName, _ = strings.Cut(strings.TrimSpace(c.Name), " ")
		out.LastName = strings.TrimSpace(out.LastName)
	}
	return out
}

// presenceSince is when the agent's current status began: its last
// presence change, or its creation if it never changed.
func presenceSince(a *desk.Agent) time.Time {
	if !a.PresenceChangedAt.IsZero() {
		return a.PresenceChangedAt
	}
	return a.CreatedAt
}

// secondsSince is whole seconds from then to now (floor, never negative).
func secondsSince(then, now time.Time) int64 {
	if then.IsZero() || now.Before(then) {
		return 0
	}
	return (now.UnixMilli() - then.UnixMilli()) / 1000
}

// toAgentInfo converts an agent to AgentInfo at now.
func toAgentInfo(a *desk.Agent, now time.Time) AgentInfo {
	since := presenceSince(a)
	return AgentInfo{ID: a.ID, Name: a.Name, LastLoginTime: epoch(a.LastLoginAt), UpdatedAt: epoch(since),
		AgentTimeInStatus: secondsSince(since, now)}
}

// toAgentStatusInfo is AgentInfo plus ONLINE or OFFLINE (away takes no
// tickets, so it reads as OFFLINE).
func toAgentStatusInfo(a *desk.Agent, now time.Time) AgentStatusInfo {
	i := toAgentInfo(a, now)
	status := "OFFLINE"
	if a.Presence == desk.PresenceOnline {
		status = "ONLINE"
	}
	return AgentStatusInfo{ID: i.ID, Name: i.Name, Status: status, LastLoginTime: i.LastLoginTime,
		UpdatedAt: i.UpdatedAt, AgentTimeInStatus: i.AgentTimeInStatus}
}
