package desk

import (
	"encoding/json"
	"time"
)

// Workspace is a tenant: every other row belongs to exactly one.
type Workspace struct {
	ID        string
	Number    int64
	Name      string
	Timezone  string // IANA name; doors render local times in it
	Settings  WorkspaceSettings
	CreatedAt time.Time
}

// WorkspaceSettings are per-workspace switches.
type WorkspaceSettings struct {
	// RequeueOnOffline returns an agent's active tickets to the queue when
	// the agent goes offline.
	RequeueOnOffline bool `json:"requeue_on_offline,omitempty"`
	// ResolveOnClose makes a "Resolved" close land in solved instead of closed.
	ResolveOnClose bool `json:"resolve_on_close,omitempty"`
	// TicketAccess is which tickets agents see ("" = all; see policy.go).
	TicketAccess TicketAccess `json:"ticket_access,omitempty"`
	// Language is the desk's language for agents who picked none (one of
	// Languages; "" = each browser's Accept-Language).
	Language string `json:"language,omitempty"`
	// Holidays are the days the business-hours calendar is closed
	// (holidays.go), by date.
	Holidays []Holiday `json:"holidays,omitempty"`
}

// Agent is a person or a bot that works tickets.
type Agent struct {
	ID                string
	Number            int64
	WorkspaceID       string
	Name              string
	Email             string
	PasswordHash      string `json:"-"`
	Role              Role
	Presence          Presence
	PresenceChangedAt time.Time
	LastLoginAt       time.Time
	Capacity          int // max active assigned tickets; 0 = unlimited
	GroupIDs          []string
	AvatarURL         string
	// Language is the desk's language for this agent (one of Languages;
	// "" = the workspace's default); TimeZone the IANA zone the desk shows
	// times in ("" = the workspace's).
	Language string
	TimeZone string
	// Meta holds door-specific values, by door then field (see Ticket.Meta).
	Meta      map[string]map[string]json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeactivatedAt, when set, is when the agent's access ended
	// (Deactivate): it keeps its history but signs in to nothing and is
	// routed nothing.
	DeactivatedAt time.Time
}

// Active reports whether the agent has not been deactivated.
func (a *Agent) Active() bool { return a.DeactivatedAt.IsZero() }

// Group is a team and its queue.
type Group struct {
	ID           string
	Number       int64
	WorkspaceID  string
	Name         string
	SupervisorID string
	Description  string
	CreatedAt    time.Time
}

// Identity is one of a contact's per-channel accounts.
type Identity struct {
	Channel     Channel `json:"channel"`
	ExternalID  string  `json:"external_id"`
	PageID      string  `json:"page_id,omitempty"`
	ScreenName  string  `json:"screen_name,omitempty"`
	DisplayName string  `json:"display_name,omitempty"`
}

// Contact is a customer.
type Contact struct {
	ID           string
	Number       int64
	WorkspaceID  string
	Name         string
	FirstName    string
	LastName     string
	Email        string
	Phone        string
	NationalID   string
	ExternalID   string
	Identities   []Identity
	CustomFields Fields
	// Meta holds door-specific values, by door then field (see Ticket.Meta).
	Meta      map[string]map[string]json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChannelAccount is a connected inbox: a WhatsApp number, a Facebook page,
// a mailbox.
type ChannelAccount struct {
	ID           string
	Number       int64
	WorkspaceID  string
	Channel      Channel
	Name         string
	UID          string // network-side id (page id, phone number)
	ProviderType string
	Active       bool
	CreatedAt    time.Time
	// GroupID is the group tickets the account opens are routed to; empty:
	// the workspace's routing decides.
	GroupID string
	// Settings is the account's JSON settings as stored: secret values
	// (SecretKeys) sealed with the server secret. Doors show them through
	// PublicSettings; channels read them through ChannelAccountSecrets.
	Settings json.RawMessage
}

// Field is one custom-field value. Value is raw JSON (string, number, bool,
// array or table rows); Extras carries per-field side values (a payment
// field's status beside its amount).
type Field struct {
	Key    string                     `json:"key"`
	Value  json.RawMessage            `json:"value"`
	Extras map[string]json.RawMessage `json:"extras,omitempty"`
}

// Fields is an ordered list of custom-field values.
type Fields []Field

// Get returns the field with key k.
func (fs Fields) Get(k string) (Field, bool) {
	for _, f := range fs {
		if f.Key == k {
			return f, true
		}
	}
	return Field{}, false
}

// Set replaces or appends f, keeping order.
func (fs Fields) Set(f Field) Fields {
	for i := range fs {
		if fs[i].Key == f.Key {
			fs[i] = f
			return fs
		}
	}
	return append(fs, f)
}

// CC lists who else hears about a ticket.
type CC struct {
	AgentIDs       []string `json:"agent_ids,omitempty"`
	GroupIDs       []string `json:"group_ids,omitempty"`
	Emails         []string `json:"emails,omitempty"`
	BCCEmails      []string `json:"bcc_emails,omitempty"`
	ReplyCC        string   `json:"reply_cc,omitempty"`
	EmailRecipient string   `json:"email_recipient,omitempty"`
}

// Escalation records the last escalation of a ticket.
type Escalation struct {
	At          time.Time `json:"at"`
	FromAgentID string    `json:"from_agent_id,omitempty"`
	ToAgentID   string    `json:"to_agent_id,omitempty"`
	Reason      string    `json:"reason,omitempty"`
}

// Actor is whoever did something.
type Actor struct {
	Kind ActorKind `json:"kind"`
	ID   string    `json:"id,omitempty"`
}

// System is the actor for ticketd's own decisions.
var System = Actor{Kind: ActorSystem}

// Ticket is a customer conversation and the work around it.
type Ticket struct {
	ID           string
	Number       int64
	WorkspaceID  string
	Subject      string
	Description  string
	Status       Status
	ClosedReason string // "", "auto" or "manual"
	StatusReason string
	Escalated    bool
	Escalation   *Escalation
	Priority     Priority
	// PriorityRank is an explicit urgency rank on Priority.Rank's scale
	// (1 = most urgent), which a client may set apart from Priority:
	// routing drains each queue in rank order (QueueKeyOf). 0 = derived
	// from Priority; setting Priority resets it to 0.
	PriorityRank     int
	Flagged          bool
	Type             TicketType
	Channel          Channel
	ChannelAccountID string
	Origin           Origin
	ContactID        string
	AssigneeID       string // an agent or a bot (an agent with role bot)
	GroupID          string
	SupervisorID     string
	CC               CC
	Tags             []string
	TemplateID       int64
	CustomFields     Fields
	// Meta holds door-specific values with no canonical meaning, by door
	// then field: a value only one door reads or writes lives here, under
	// that door's key, never in a field of its own (docs/domain.md). desk
	// stores and merges it and decides nothing by it.
	Meta      map[string]map[string]json.RawMessage
	CreatedBy Actor
	ClosedBy  Actor

	CreatedAt            time.Time
	UpdatedAt            time.Time
	QueuedAt             time.Time
	FirstAssignedAt      time.Time
	AssignedAt           time.Time
	OpenedAt             time.Time
	PendingAt            time.Time
	SolvedAt             time.Time
	ClosedAt             time.Time
	EscalatedAt          time.Time
	TransferredAt        time.Time
	FirstResponseAt      time.Time
	FirstAgentResponseAt time.Time
	LastCustomerMsgAt    time.Time
	LastAgentMsgAt       time.Time
	FirstReplyDueAt      time.Time
	ResolveDueAt         time.Time
}

// Attachment is a file on a message or in a custom field.
type Attachment struct {
	ID          string
	Number      int64
	WorkspaceID string
	TicketID    string
	MessageID   string
	Token       string
	FileName    string
	ContentType string
	Size        int64
	Path        string // storage key under the data folder, or an external URL
	FieldKey    string
	CreatedAt   time.Time
}

// Message is one reply, customer message or internal note.
type Message struct {
	ID          string
	Number      int64
	WorkspaceID string
	TicketID    string
	Direction   Direction
	Public      bool
	Author      Actor
	AuthorName  string
	Text        string
	Attachments []Attachment
	Meta        map[string]json.RawMessage
	CreatedAt   time.Time
	// ChannelAccountID is the channel account the message came in or went
	// out through; ProviderID is the provider's id for it there (unique
	// per workspace and account). Both empty for messages no channel
	// carried.
	ChannelAccountID string
	ProviderID       string
	// HTML is an inbound message's HTML body as received, unsanitized:
	// nothing renders it before a sanitizer has (docs/inbound.md).
	HTML string
	// Delivery is the message's outbox row when it is sent to a provider
	// (delivery.go); nil for messages sent nowhere.
	Delivery *Delivery
}

// Event is one entry of a ticket's append-only log.
type Event struct {
	ID          string
	WorkspaceID string
	TicketID    string
	At          time.Time
	Actor       Actor
	Type        string
	From        string
	To          string
	Reason      string
	// Seq numbers the workspace's events in commit order, from 1 without
	// gaps: once a reader has seen seq N, no event below N can still
	// appear (docs/events.md). The store sets it when the event commits;
	// an event not yet read back from the store has 0.
	Seq int64
}

// Event types.
const (
	EventCreated       = "created"
	EventQueued        = "queued"
	EventAssigned      = "assigned"
	EventUnassigned    = "unassigned"
	EventReassigned    = "reassigned"
	EventTransferred   = "transferred"
	EventEscalated     = "escalated"
	EventStatusChanged = "status_changed"
	EventMessageAdded  = "message_added"
	EventFieldChanged  = "field_changed"
	EventPriority      = "priority_changed"
	EventTagsChanged   = "tags_changed"
	// EventFollowUp links a final ticket to the follow-up ticket a new
	// customer message opened: on the old ticket To is the new ticket's
	// id; on the new one From is the old ticket's id.
	EventFollowUp = "follow_up"
)

// Token is an API credential; only its SHA-256 is stored.
type Token struct {
	ID          string
	WorkspaceID string
	AgentID     string
	Hash        []byte
	Label       string
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero = never
	// Prefix is the start of the secret (TokenPrefix and a few characters)
	// kept to tell tokens apart in lists; the secret itself is never kept.
	Prefix string
	// LastUsedAt is when the token last authenticated a request, to a
	// few minutes (auth records it at most every TouchEvery).
	LastUsedAt time.Time
}

// FieldDef declares a custom field.
type FieldDef struct {
	ID          string
	WorkspaceID string
	Key         string // e.g. field_1
	Scope       string // ticket or contact
	Label       string
	Type        string // text, textarea, number, checkbox, radiobutton, select, list, cascade, boolean, datetime, attachment, payment, table
	Options     []FieldOption
	Required    bool
	CreatedAt   time.Time
}

// FieldOption is one choice of a select-like custom field.
type FieldOption struct {
	ID    string `json:"id"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
}
