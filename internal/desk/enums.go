package desk

// Status is a ticket's place in its lifecycle (canonical.md §3.1).
type Status string

const (
	StatusNew        Status = "new"        // created, not yet routed
	StatusUnassigned Status = "unassigned" // waiting in a queue
	StatusAssigned   Status = "assigned"   // has an owner who has not acted yet
	StatusOpen       Status = "open"       // the owner is working on it
	StatusPending    Status = "pending"    // waiting for the customer
	StatusOnHold     Status = "on_hold"    // waiting on a third party
	StatusSolved     Status = "solved"     // resolved, may reopen
	StatusClosed     Status = "closed"     // final
	StatusIgnored    Status = "ignored"    // dismissed without handling, final
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusNew, StatusUnassigned, StatusAssigned, StatusOpen,
	StatusPending, StatusOnHold, StatusSolved, StatusClosed, StatusIgnored}

// ActiveStatuses are the statuses that count against an assignee's capacity.
var ActiveStatuses = []Status{StatusNew, StatusUnassigned, StatusAssigned,
	StatusOpen, StatusPending, StatusOnHold}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether s ends the ticket's work (solved, closed, ignored).
func (s Status) Terminal() bool {
	return s == StatusSolved || s == StatusClosed || s == StatusIgnored
}

// Final reports whether s can never change again (closed, ignored). A solved
// ticket is terminal but not final: it may reopen.
func (s Status) Final() bool {
	return s == StatusClosed || s == StatusIgnored
}

// Queued reports whether s is a status that means "waiting for an owner"
// (new, unassigned): a ticket in it has no assignee.
func (s Status) Queued() bool {
	return s == StatusNew || s == StatusUnassigned
}

// ParseStatus turns a canonical status name into a Status.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", OneOf("status", s, names(Statuses)...)
}

// Priority is a ticket's urgency (canonical.md §3.2).
type Priority string

const (
	PriorityUnset  Priority = ""
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Rank orders priorities for queues: 1 is most urgent, 5 is unset.
func (p Priority) Rank() int {
	switch p {
	case PriorityUrgent:
		return 1
	case PriorityHigh:
		return 2
	case PriorityNormal:
		return 3
	case PriorityLow:
		return 4
	}
	return 5
}

// ParsePriority accepts the canonical names and the empty string (unset).
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(s); p {
	case PriorityUnset, PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
		return p, nil
	}
	return "", OneOf("priority", s, "low", "normal", "high", "urgent")
}

// PriorityFromRank is the inverse of Rank.
func PriorityFromRank(r int) Priority {
	switch r {
	case 1:
		return PriorityUrgent
	case 2:
		return PriorityHigh
	case 3:
		return PriorityNormal
	case 4:
		return PriorityLow
	}
	return PriorityUnset
}

// Channel is where a conversation happens (canonical.md §3.4).
type Channel string

const (
	ChannelWebchat   Channel = "webchat"
	ChannelEmail     Channel = "email"
	ChannelWhatsApp  Channel = "whatsapp"
	ChannelFacebook  Channel = "facebook"
	ChannelInstagram Channel = "instagram"
	ChannelTwitter   Channel = "twitter"
	ChannelTelegram  Channel = "telegram"
	ChannelLine      Channel = "line"
	ChannelSMS       Channel = "sms"
	ChannelVoice     Channel = "voice"
	ChannelAppStore  Channel = "app_store"
	ChannelPlayStore Channel = "play_store"
	ChannelRemote    Channel = "remote"
	ChannelWebForm   Channel = "web_form"
	ChannelInternal  Channel = "internal"
)

// Channels lists every channel.
var Channels = []Channel{ChannelWebchat, ChannelEmail, ChannelWhatsApp, ChannelFacebook,
	ChannelInstagram, ChannelTwitter, ChannelTelegram, ChannelLine, ChannelSMS,
	ChannelVoice, ChannelAppStore, ChannelPlayStore, ChannelRemote, ChannelWebForm,
	ChannelInternal}

// ParseChannel accepts a canonical channel name.
func ParseChannel(s string) (Channel, error) {
	for _, c := range Channels {
		if Channel(s) == c {
			return c, nil
		}
	}
	return "", OneOf("channel", s, names(Channels)...)
}

// TicketType classifies a ticket (canonical.md §3.3).
type TicketType string

const (
	TypeUnset    TicketType = ""
	TypeQuestion TicketType = "question"
	TypeIncident TicketType = "incident"
	TypeProblem  TicketType = "problem"
	TypeTask     TicketType = "task"
)

// ParseTicketType accepts a canonical type name or the empty string.
func ParseTicketType(s string) (TicketType, error) {
	switch t := TicketType(s); t {
	case TypeUnset, TypeQuestion, TypeIncident, TypeProblem, TypeTask:
		return t, nil
	}
	return "", OneOf("type", s, "question", "incident", "problem", "task")
}

// Origin says who or what opened a ticket.
type Origin string

const (
	OriginCustomer Origin = "customer"
	OriginAgent    Origin = "agent"
	OriginAPI      Origin = "api"
	OriginSystem   Origin = "system"
	OriginTemplate Origin = "template"
	OriginBot      Origin = "bot"
)

// Role is what an agent may do.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	RoleBot        Role = "bot"
)

// ParseRole accepts a canonical role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleSupervisor, RoleAgent, RoleBot:
		return r, nil
	}
	return "", OneOf("role", s, "admin", "supervisor", "agent", "bot")
}

// AtLeast reports whether r includes the rights of want
// (admin ⊃ supervisor ⊃ agent; bot stands apart).
func (r Role) AtLeast(want Role) bool {
	level := map[Role]int{RoleBot: 1, RoleAgent: 1, RoleSupervisor: 2, RoleAdmin: 3}
	if want == RoleBot {
		return r == RoleBot || r == RoleAdmin
	}
	return level[r] >= level[want]
}

// Presence is an agent's availability for new work.
type Presence string

const (
	PresenceOnline  Presence = "online"
	PresenceAway    Presence = "away"
	PresenceOffline Presence = "offline"
)

// ParsePresence accepts online, away or offline.
func ParsePresence(s string) (Presence, error) {
	switch p := Presence(s); p {
	case PresenceOnline, PresenceAway, PresenceOffline:
		return p, nil
	}
	return "", OneOf("presence", s, "online", "away", "offline")
}

// ActorKind says what kind of party did something.
type ActorKind string

const (
	ActorAgent   ActorKind = "agent"
	ActorBot     ActorKind = "bot"
	ActorContact ActorKind = "contact"
	ActorSystem  ActorKind = "system"
	ActorAPI     ActorKind = "api"
)

// Direction says whether a message came from the customer or went to them.
type Direction string

const (
	DirectionIn  Direction = "in"
	DirectionOut Direction = "out"
)
