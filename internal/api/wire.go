package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// Wire types are the native API's JSON; converters below are the only
// place they meet desk types.

type ticketJSON struct {
	ID               string            `json:"id"`
	Number           int64             `json:"number"`
	Subject          string            `json:"subject"`
	Description      string            `json:"description"`
	Status           desk.Status       `json:"status" enum:"new,unassigned,assigned,open,pending,on_hold,solved,closed,ignored"`
	StatusReason     string            `json:"status_reason"`
	ClosedReason     string            `json:"closed_reason,omitempty"`
	Meta             doorMeta          `json:"meta,omitempty" doc:"values only one door speaks, by door then field, as that door wrote them (docs/domain.md)"`
	Priority         *string           `json:"priority" enum:"low,normal,high,urgent"`
	Type             *string           `json:"type" enum:"question,incident,problem,task"`
	Channel          desk.Channel      `json:"channel"`
	ChannelAccountID *string           `json:"channel_account_id"`
	Origin           desk.Origin       `json:"origin"`
	ContactID        *string           `json:"contact_id"`
	AssigneeID       *string           `json:"assignee_id"`
	GroupID          *string           `json:"group_id"`
	SupervisorID     *string           `json:"supervisor_id"`
	Escalated        bool              `json:"escalated"`
	Escalation       *escalationJSON   `json:"escalation"`
	Flagged          bool              `json:"flagged"`
	Tags             []string          `json:"tags"`
	CC               desk.CC           `json:"cc"`
	CustomFields     fieldsJSON        `json:"custom_fields"`
	CreatedBy        desk.Actor        `json:"created_by"`
	CreatedAt        jsontext.Instant  `json:"created_at"`
	UpdatedAt        jsontext.Instant  `json:"updated_at"`
	QueuedAt         *jsontext.Instant `json:"queued_at"`
	FirstAssignedAt  *jsontext.Instant `json:"first_assigned_at"`
	AssignedAt       *jsontext.Instant `json:"assigned_at"`
	OpenedAt         *jsontext.Instant `json:"opened_at"`
	PendingAt        *jsontext.Instant `json:"pending_at"`
	SolvedAt         *jsontext.Instant `json:"solved_at"`
	ClosedAt         *jsontext.Instant `json:"closed_at"`
	EscalatedAt      *jsontext.Instant `json:"escalated_at"`
	TransferredAt    *jsontext.Instant `json:"transferred_at"`
	FirstResponseAt  *jsontext.Instant `json:"first_response_at"`
	FirstReplyDueAt  *jsontext.Instant `json:"first_reply_due_at"`
	ResolveDueAt     *jsontext.Instant `json:"resolve_due_at"`
}

type escalationJSON struct {
	At          jsontext.Instant `json:"at"`
	FromAgentID string           `json:"from_agent_id,omitempty"`
	ToAgentID   string           `json:"to_agent_id,omitempty"`
	Reason      string           `json:"reason,omitempty"`
}

func optTime(t time.Time) *jsontext.Instant {
	if t.IsZero() {
		return nil
	}
	i := jsontext.Instant(t)
	return &i
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toTicketJSON(t *desk.Ticket) ticketJSON {
	out := ticketJSON{ID: t.ID, Number: t.Number, Subject: t.Subject, Description: t.Description, Status: t.Status,
		StatusReason: t.StatusReason, ClosedReason: t.ClosedReason, Meta: t.Meta,
		Priority: optStr(string(t.Priority)), Type: optStr(string(t.Type)), Channel: t.Channel,
		ChannelAccountID: optStr(t.ChannelAccountID), Origin: t.Origin, ContactID: optStr(t.ContactID),
		AssigneeID: optStr(t.AssigneeID), GroupID: optStr(t.GroupID), SupervisorID: optStr(t.SupervisorID),
		Escalated: t.Escalated, Flagged: t.Flagged, Tags: t.Tags, CC: t.CC, CustomFields: fieldsJSON(t.CustomFields),
		CreatedBy: t.CreatedBy, CreatedAt: jsontext.Instant(t.CreatedAt), UpdatedAt: jsontext.Instant(t.UpdatedAt),
		QueuedAt: optTime(t.QueuedAt), FirstAssignedAt: optTime(t.FirstAssignedAt), AssignedAt: optTime(t.AssignedAt),
		OpenedAt: optTime(t.OpenedAt), PendingAt: optTime(t.PendingAt), SolvedAt: optTime(t.SolvedAt),
		ClosedAt: optTime(t.ClosedAt), EscalatedAt: optTime(t.EscalatedAt), TransferredAt: optTime(t.TransferredAt),
		FirstResponseAt: optTime(t.FirstResponseAt), FirstReplyDueAt: optTime(t.FirstReplyDueAt), ResolveDueAt: optTime(t.ResolveDueAt)}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if e := t.Escalation; e != nil {
		out.Escalation = &escalationJSON{At: jsontext.Instant(e.At), FromAgentID: e.FromAgentID, ToAgentID: e.ToAgentID, Reason: e.Reason}
	}
	return out
}

// fieldsJSON renders custom fields as an object keyed by field key, and
// reads either that object or a list of {key, value, extras}.
type fieldsJSON desk.Fields

func (f fieldsJSON) MarshalJSON() ([]byte, error) {
	m := make(map[string]json.RawMessage, len(f))
	for _, x := range f {
		m[x.Key] = x.Value
	}
	return json.Marshal(m)
}

func (f *fieldsJSON) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		var list []desk.Field
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x.Key == "" {
				return errors.New("custom field without a key")
			}
		}
		*f = fieldsJSON(list)
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(fieldsJSON, 0, len(keys))
	for _, k := range keys {
		out = append(out, desk.Field{Key: k, Value: m[k]})
	}
	*f = out
	return nil
}

type messageJSON struct {
	ID          string           `json:"id"`
	Number      int64            `json:"number"`
	TicketID    string           `json:"ticket_id"`
	Direction   desk.Direction   `json:"direction" enum:"in,out"`
	Public      bool             `json:"public"`
	Author      desk.Actor       `json:"author"`
	AuthorName  string           `json:"author_name"`
	Text        string           `json:"text"`
	Attachments []attachmentJSON `json:"attachments"`
	CreatedAt   jsontext.Instant `json:"created_at"`
	Delivery    *deliveryJSON    `json:"delivery" doc:"sending to the customer through the ticket's channel (docs/outbox.md); null for messages sent nowhere (notes, the customer's own)"`
}

// deliveryJSON is a reply's outbox row as agents see it.
type deliveryJSON struct {
	Status   string            `json:"status" enum:"queued,sent,failed" doc:"queued until sent or given up; a send in flight shows queued"`
	Attempts int               `json:"attempts"`
	Error    string            `json:"error" doc:"the provider's answer to the last failed attempt"`
	SentAt   *jsontext.Instant `json:"sent_at"`
}

func toDeliveryJSON(d *desk.Delivery) *deliveryJSON {
	if d == nil {
		return nil
	}
	out := &deliveryJSON{Status: string(d.Status), Attempts: d.Attempts, Error: d.LastError}
	if d.Status == desk.DeliverySending {
		out.Status = string(desk.DeliveryQueued)
	}
	if !d.SentAt.IsZero() {
		at := jsontext.Instant(d.SentAt)
		out.SentAt = &at
	}
	return out
}

type attachmentJSON struct {
	ID          string `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url" doc:"where to download it (GET, as an attachment)"`
}

func toMessageJSON(m *desk.Message) messageJSON {
	out := messageJSON{ID: m.ID, Number: m.Number, TicketID: m.TicketID, Direction: m.Direction, Public: m.Public,
		Author: m.Author, AuthorName: m.AuthorName, Text: m.Text, CreatedAt: jsontext.Instant(m.CreatedAt), Attachments: []attachmentJSON{},
		Delivery: toDeliveryJSON(m.Delivery)}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, attachmentJSON{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size,
			URL: attachmentURL(a.ID)})
	}
	return out
}

type eventJSON struct {
	ID       string           `json:"id"`
	Seq      int64            `json:"seq" doc:"the workspace's sequence number: commit order, from 1, no gaps (docs/events.md)"`
	TicketID string           `json:"ticket_id"`
	At       jsontext.Instant `json:"at"`
	Actor    desk.Actor       `json:"actor"`
	Type     string           `json:"type"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	Reason   string           `json:"reason"`
}

func toEventJSON(e *desk.Event) eventJSON {
	return eventJSON{ID: e.ID, Seq: e.Seq, TicketID: e.TicketID, At: jsontext.Instant(e.At), Actor: e.Actor, Type: e.Type, From: e.From, To: e.To, Reason: e.Reason}
}

type agentJSON struct {
	ID                string            `json:"id"`
	Number            int64             `json:"number"`
	Name              string            `json:"name"`
	Email             string            `json:"email"`
	Role              desk.Role         `json:"role" enum:"admin,supervisor,agent,bot"`
	Presence          desk.Presence     `json:"presence" enum:"online,away,offline"`
	PresenceChangedAt *jsontext.Instant `json:"presence_changed_at"`
	LastLoginAt       *jsontext.Instant `json:"last_login_at"`
	Capacity          int               `json:"capacity"`
	GroupIDs          []string          `json:"group_ids"`
	Meta              doorMeta          `json:"meta,omitempty" doc:"values only one door speaks, by door then field (docs/domain.md)"`
	CreatedAt         jsontext.Instant  `json:"created_at"`
	Active            bool              `json:"active" doc:"false once deactivated: signs in to nothing, routed nothing"`
	DeactivatedAt     *jsontext.Instant `json:"deactivated_at"`
	Language          string            `json:"language" enum:"en,es,zh-Hans,id," doc:"the desk's language for this agent; empty = the workspace's default"`
	TimeZone          string            `json:"time_zone" doc:"IANA zone the desk shows this agent times in; empty = the workspace's"`
	// An invited agent has no password until it opens its invitation link.
	InvitationPending   bool              `json:"invitation_pending" doc:"an invitation link was issued and still works (POST /api/v1/agents/{id}/invitations)"`
	InvitationExpiresAt *jsontext.Instant `json:"invitation_expires_at" doc:"when the pending invitation's link stops working; null without one"`
}

// doorMeta is the values one door alone speaks (a vendor's label kept as
// written), by door then field; the native API shows them verbatim and
// takes them as they are, and only that door gives them meaning.
type doorMeta = map[string]map[string]json.RawMessage

func toAgentJSON(a *desk.Agent) agentJSON {
	out := agentJSON{ID: a.ID, Number: a.Number, Name: a.Name, Email: a.Email, Role: a.Role, Presence: a.Presence,
		PresenceChangedAt: optTime(a.PresenceChangedAt), LastLoginAt: optTime(a.LastLoginAt), Capacity: a.Capacity,
		GroupIDs: a.GroupIDs, Meta: a.Meta, CreatedAt: jsontext.Instant(a.CreatedAt), Active: a.Active(),
		DeactivatedAt: optTime(a.DeactivatedAt), Language: a.Language, TimeZone: a.TimeZone}
	if out.GroupIDs == nil {
		out.GroupIDs = []string{}
	}
	return out
}

type groupJSON struct {
	ID           string           `json:"id"`
	Number       int64            `json:"number"`
	Name         string           `json:"name"`
	SupervisorID *string          `json:"supervisor_id"`
	Description  string           `json:"description"`
	CreatedAt    jsontext.Instant `json:"created_at"`
}

func toGroupJSON(g *desk.Group) groupJSON {
	return groupJSON{ID: g.ID, Number: g.Number, Name: g.Name, SupervisorID: optStr(g.SupervisorID), Description: g.Description,
		CreatedAt: jsontext.Instant(g.CreatedAt)}
}

type identityJSON struct {
	Channel     desk.Channel `json:"channel"`
	ExternalID  string       `json:"external_id"`
	PageID      string       `json:"page_id,omitempty"`
	ScreenName  string       `json:"screen_name,omitempty"`
	DisplayName string       `json:"display_name,omitempty"`
}

type contactJSON struct {
	ID           string           `json:"id"`
	Number       int64            `json:"number"`
	Name         string           `json:"name"`
	FirstName    string           `json:"first_name"`
	LastName     string           `json:"last_name"`
	Email        string           `json:"email"`
	Phone        string           `json:"phone"`
	NationalID   string           `json:"national_id"`
	ExternalID   string           `json:"external_id"`
	Identities   []identityJSON   `json:"identities"`
	CustomFields fieldsJSON       `json:"custom_fields"`
	CreatedAt    jsontext.Instant `json:"created_at"`
	UpdatedAt    jsontext.Instant `json:"updated_at"`
}

func toContactJSON(c *desk.Contact) contactJSON {
	out := contactJSON{ID: c.ID, Number: c.Number, Name: c.Name, FirstName: c.FirstName, LastName: c.LastName,
		Email: c.Email, Phone: c.Phone, NationalID: c.NationalID, ExternalID: c.ExternalID,
		CustomFields: fieldsJSON(c.CustomFields), CreatedAt: jsontext.Instant(c.CreatedAt), UpdatedAt: jsontext.Instant(c.UpdatedAt), Identities: []identityJSON{}}
	for _, i := range c.Identities {
		out.Identities = append(out.Identities, identityJSON(i))
	}
	return out
}

type fieldDefJSON struct {
	Key      string             `json:"key"`
	Scope    string             `json:"scope" enum:"ticket,contact"`
	Label    string             `json:"label"`
	Type     string             `json:"type" enum:"text,textarea,number,checkbox,radiobutton,select,list,cascade,boolean,datetime,attachment,payment,table"`
	Options  []desk.FieldOption `json:"options"`
	Required bool               `json:"required"`
}
