package oneview

import "encoding/json"

// Wire types: the blueprint's Data Structures, field for field. Times are
// int64 Unix epoch seconds; durations int64 seconds.

// Ticket is the blueprint's Ticket.
type Ticket struct {
	ID           string          `json:"id"`
	TicketStatus string          `json:"ticketStatus"` // ASSIGNED, ESCALATED or CLOSED
	AssignedTime int64           `json:"assignedTime"`
	CreatedAt    int64           `json:"createdAt"`
	Queue        string          `json:"queue"`
	Channel      string          `json:"channel"`
	Content      json.RawMessage `json:"content"`
	Metadata     Metadata        `json:"metadata"`
	StatusReason string          `json:"statusReason"`
	Priority     int32           `json:"priority"`
	Customer     Customer        `json:"customer"`
}

// Ticket statuses.
const (
	StatusAssigned  = "ASSIGNED"
	StatusEscalated = "ESCALATED"
	StatusClosed    = "CLOSED"
)

// Metadata is the blueprint's Metadata: "only showing particular metadata
// to agent".
type Metadata struct {
	CCR                   string   `json:"ccr"`
	AgentJWT              string   `json:"agentJwt"`
	RoomID                string   `json:"roomId"`
	RoomName              string   `json:"roomName"`
	RoomSubscriptionToken string   `json:"roomSubscriptionToken"`
	OrderID               string   `json:"orderId"`
	AgentAccesses         []string `json:"agentAccesses"`
}

// Customer is the blueprint's Customer.
type Customer struct {
	ID        string `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// AgentInfo is the blueprint's AgentInfo.
type AgentInfo struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	LastLoginTime     int64  `json:"lastLoginTime"`
	UpdatedAt         int64  `json:"updatedAt"`
	AgentTimeInStatus int64  `json:"agentTimeInStatus"`
}

// AgentStatusInfo is the successor family's answer (shape unpublished):
// AgentInfo plus the status.
type AgentStatusInfo struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Status            string `json:"status"` // ONLINE or OFFLINE
	LastLoginTime     int64  `json:"lastLoginTime"`
	UpdatedAt         int64  `json:"updatedAt"`
	AgentTimeInStatus int64  `json:"agentTimeInStatus"`
}

// Content is what ticketd puts in a ticket's free-form "content" object
// when no raw content was stored for it.
type Content struct {
	Subject     string           `json:"subject"`
	LastMessage string           `json:"lastMessage"`
	Messages    []ContentMessage `json:"messages"`
}

// ContentMessage is one recent public message of Content.
type ContentMessage struct {
	ID         string `json:"id"`
	From       string `json:"from"` // customer, agent, bot or system
	AuthorName string `json:"authorName"`
	Text       string `json:"text"`
	CreatedAt  int64  `json:"createdAt"`
}
