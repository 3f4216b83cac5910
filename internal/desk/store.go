package desk

import (
	"context"
	"time"
)

// Store persists the desk. It has two implementations (embedded SQLite and
// PostgreSQL), both held to the same conformance suite (store/storetest).
//
// Reads outside a transaction go through Store directly; every change goes
// through Update, whose function runs in one transaction (on SQLite, inside
// a savepoint of a group-committed batch). A function that returns an error
// leaves nothing behind.
type Store interface {
	Reader
	// Update runs fn in a read-write transaction and returns once the
	// change is durable.
	Update(ctx context.Context, fn func(Tx) error) error
	// Backend names the implementation ("sqlite" or "postgres").
	Backend() string
	Ping(ctx context.Context) error
	Close() error
}

// Reader is every query; a Tx reads its own writes through it.
type Reader interface {
	RoutingReader
	SearchReader
	DirectoryReader
	MessageReader
	BatchReader
	InboundReader
	ChannelLookup
	EventReader
	MailboxReader
	AdminReader
	InvitationReader

	Workspace(ctx context.Context, id string) (*Workspace, error)
	WorkspaceByName(ctx context.Context, name string) (*Workspace, error)

	Agent(ctx context.Context, ws, id string) (*Agent, error)
	AgentByNumber(ctx context.Context, ws string, number int64) (*Agent, error)
	// AgentsByEmail finds agents with this login email across workspaces.
	AgentsByEmail(ctx context.Context, email string) ([]Agent, error)
	Agents(ctx context.Context, ws string, f AgentFilter) ([]Agent, error)

	Group(ctx context.Context, ws, id string) (*Group, error)
	GroupByNumber(ctx context.Context, ws string, number int64) (*Group, error)
	GroupByName(ctx context.Context, ws, name string) (*Group, error)
	Groups(ctx context.Context, ws string) ([]Group, error)

	Contact(ctx context.Context, ws, id string) (*Contact, error)
	ContactByNumber(ctx context.Context, ws string, number int64) (*Contact, error)
	Contacts(ctx context.Context, ws string, f ContactFilter) ([]Contact, error)

	ChannelAccount(ctx context.Context, ws, id string) (*ChannelAccount, error)
	ChannelAccounts(ctx context.Context, ws string) ([]ChannelAccount, error)

	Ticket(ctx context.Context, ws, id string) (*Ticket, error)
	TicketByNumber(ctx context.Context, ws string, number int64) (*Ticket, error)
	Tickets(ctx context.Context, ws string, f TicketFilter) ([]Ticket, error)
	CountTickets(ctx context.Context, ws string, f TicketFilter) (int64, error)

	Messages(ctx context.Context, ws, ticketID string, f MessageFilter) ([]Message, error)
	Events(ctx context.Context, ws, ticketID string) ([]Event, error)
	Attachment(ctx context.Context, ws, id string) (*Attachment, error)
	AttachmentByToken(ctx context.Context, ws, token string) (*Attachment, error)

	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	FieldDefs(ctx context.Context, ws, scope string) ([]FieldDef, error)

	// AgentLoads returns, for each agent of ws (of group when not empty),
	// how many active tickets it is assigned.
	AgentLoads(ctx context.Context, ws, group string) ([]AgentLoad, error)
}

// Tx is one read-write transaction.
type Tx interface {
	Reader
	RoutingWriter
	DirectoryWriter
	DeliveryWriter
	MailboxWriter
	AdminWriter
	InvitationWriter

	CreateWorkspace(ctx context.Context, w *Workspace) error
	CreateAgent(ctx context.Context, a *Agent) error
	UpdateAgent(ctx context.Context, a *Agent) error
	// LockAgent reads an agent and holds it against concurrent writers
	// until the transaction ends; read with it before UpdateAgent.
	LockAgent(ctx context.Context, ws, id string) (*Agent, error)
	CreateGroup(ctx context.Context, g *Group) error
	UpdateGroup(ctx context.Context, g *Group) error
	CreateContact(ctx context.Context, c *Contact) error
	UpdateContact(ctx context.Context, c *Contact) error
	CreateChannelAccount(ctx context.Context, a *ChannelAccount) error
	// UpdateChannelAccount writes every field of a but its number and
	// creation time.
	UpdateChannelAccount(ctx context.Context, a *ChannelAccount) error
	// LockChannelAccount reads an account and holds it against concurrent
	// writers until the transaction ends.
	LockChannelAccount(ctx context.Context, ws, id string) (*ChannelAccount, error)
	// ChannelAccountInUse reports whether a ticket, message or outbox row
	// names the account.
	ChannelAccountInUse(ctx context.Context, ws, id string) (bool, error)
	// DeleteChannelAccount removes the account and agents' choices of it.
	DeleteChannelAccount(ctx context.Context, ws, id string) error

	// CreateTicket allocates t.Number and inserts t.
	CreateTicket(ctx context.Context, t *Ticket) error
	// UpdateTicket writes every field of t.
	UpdateTicket(ctx context.Context, t *Ticket) error
	// LockTicket reads a ticket and holds it against concurrent writers
	// until the transaction ends.
	LockTicket(ctx context.Context, ws, id string) (*Ticket, error)
	CreateMessage(ctx context.Context, m *Message) error
	CreateAttachment(ctx context.Context, a *Attachment) error
	UpdateAttachment(ctx context.Context, a *Attachment) error
	AppendEvent(ctx context.Context, e *Event) error

	CreateToken(ctx context.Context, t *Token) error
	DeleteToken(ctx context.Context, ws, id string) error
	PutFieldDef(ctx context.Context, d *FieldDef) error
	// DeleteFieldDef removes a definition; values stored under its key stay.
	DeleteFieldDef(ctx context.Context, ws, scope, key string) error

	// LockRouting serializes routing decisions of one workspace across
	// transactions and nodes until the transaction ends.
	LockRouting(ctx context.Context, ws string) error
}

// AgentFilter narrows an agent list.
type AgentFilter struct {
	GroupID  string
	Role     Role
	Presence Presence
}

// ContactFilter narrows a contact list; set fields are ANDed.
type ContactFilter struct {
	NationalID string
	Email      string
	Phone      string
	Identity   *Identity // matches channel + external_id (+ page_id when set)
	Limit      int
}

// TicketFilter narrows a ticket list. Set fields are ANDed; slices are
// any-of. Results are ordered by Order; keyset pagination continues after
// the (sort key, number) of the last row seen.
type TicketFilter struct {
	Statuses     []Status
	AssigneeID   string // "none" = unassigned
	GroupID      string // "none" = no group
	Channels     []Channel
	ContactID    string
	Tag          string
	Escalated    *bool
	Numbers      []int64
	CreatedFrom  time.Time // inclusive
	CreatedTo    time.Time // exclusive
	UpdatedFrom  time.Time
	UpdatedTo    time.Time
	ContactIdent *Identity    // tickets of the contact with this identity
	CompanyID    string       // tickets of the contacts of this company
	NationalID   string       // tickets of the contact with this national id
	Scope        *TicketScope // only what the caller may see (Service.Scope); nil = all
	Order        TicketOrder
	After        *Cursor // keyset: rows strictly after this one in Order
	Offset       int     // for doors whose vendors page by offset
	Limit        int
}

// TicketOrder is a sort order for ticket lists.
type TicketOrder string

const (
	OrderNumberDesc  TicketOrder = "" // newest first: the default
	OrderNumberAsc   TicketOrder = "number_asc"
	OrderCreatedDesc TicketOrder = "created_desc"
	OrderCreatedAsc  TicketOrder = "created_asc"
	OrderUpdatedDesc TicketOrder = "updated_desc"
	OrderUpdatedAsc  TicketOrder = "updated_asc"
	OrderStatusAsc   TicketOrder = "status_asc"
	OrderStatusDesc  TicketOrder = "status_desc"
	// OrderQueue is the drain order: most urgent first, then oldest.
	OrderQueue TicketOrder = "queue"
	// OrderPriority is most urgent first (the queue rank: urgent, high,
	// normal, low, none), lowest number first within a rank; unlike
	// OrderQueue it pages by keyset (the inbox's priority sort).
	OrderPriority TicketOrder = "priority"
	// OrderSLADue is the nearest SLA target first (the first reply while
	// no agent has answered, else the resolution), tickets without one
	// last; keyset-paged (the inbox's SLA sort).
	OrderSLADue TicketOrder = "sla_due"
)

// NoSLADue is OrderSLADue's key for a ticket without an SLA target: after
// every real due time (2^53-1 ms, exact in every store).
const NoSLADue = 1<<53 - 1

// SLADueKey is t's key in OrderSLADue, in Unix ms.
func SLADueKey(t *Ticket) int64 {
	switch {
	case t.FirstAgentResponseAt.IsZero() && !t.FirstReplyDueAt.IsZero():
		return t.FirstReplyDueAt.UnixMilli()
	case !t.ResolveDueAt.IsZero():
		return t.ResolveDueAt.UnixMilli()
	}
	return NoSLADue
}

// Cursor is the position of a row in a keyset-paginated list.
type Cursor struct {
	Key    int64 // the sort column's value (ms or number)
	Number int64
}

// MessageFilter narrows a message list.
type MessageFilter struct {
	PublicOnly  bool
	NewestFirst bool
	Limit       int
}

// AgentLoad is an agent with its count of active assigned tickets.
type AgentLoad struct {
	Agent  Agent
	Active int
}

// CursorIn returns t's keyset position in a list sorted by o.
func (t *Ticket) CursorIn(o TicketOrder) Cursor {
	switch o {
	case OrderCreatedAsc, OrderCreatedDesc:
		return Cursor{Key: t.CreatedAt.UnixMilli(), Number: t.Number}
	case OrderUpdatedAsc, OrderUpdatedDesc:
		return Cursor{Key: t.UpdatedAt.UnixMilli(), Number: t.Number}
	case OrderPriority:
		return Cursor{Key: int64(QueueKeyOf(t).Rank), Number: t.Number}
	case OrderSLADue:
		return Cursor{Key: SLADueKey(t), Number: t.Number}
	}
	return Cursor{Key: t.Number, Number: t.Number}
}
