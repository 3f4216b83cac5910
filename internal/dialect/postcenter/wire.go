package postcenter

import "encoding/json"

// Wire types: PostCenter's JSON, field for field and in the vendor's key
// order. Converters (convert.go) are the only place they meet desk types.

// cmEmbedded is the vendor's CMEmbeddedSerializer: the assigned agent.
type cmEmbedded struct {
	CMID  int64  `json:"cmid"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"` // "opcional"
}

// ticketDetail is TicketSummaryResponse as GET /v2/ticket/{id}/ returns it:
// identifier is a string and the email subject is "subject".
type ticketDetail struct {
	ID                string      `json:"id"`
	Identifier        string      `json:"identifier"`
	Created           string      `json:"created"`
	CurrentAssignment *cmEmbedded `json:"current_assignment"`
	IsClosed          bool        `json:"is_closed"`
	LastAuthor        string      `json:"last_author"`
	LastContent       string      `json:"last_content"`
	SocialNetwork     string      `json:"social_network"`
	Subject           *string     `json:"subject"`
	UpdatedTime       string      `json:"updated_time"`
}

// ticketListItem is TicketSummaryResponse in the customer lists: identifier
// is an integer and the email subject is "title".
type ticketListItem struct {
	ID                string      `json:"id"`
	Identifier        int64       `json:"identifier"`
	Created           string      `json:"created"`
	CurrentAssignment *cmEmbedded `json:"current_assignment"`
	IsClosed          bool        `json:"is_closed"`
	LastAuthor        string      `json:"last_author"`
	LastContent       string      `json:"last_content"`
	SocialNetwork     string      `json:"social_network"`
	Title             *string     `json:"title"`
	UpdatedTime       string      `json:"updated_time"`
}

// ticketsList is TicketsListResponse.
type ticketsList struct {
	Status  int              `json:"status"`
	Tickets []ticketListItem `json:"tickets"`
}

// pageItem is TicketSummaryResponse in the paginated list.
type pageItem struct {
	Status          string `json:"status"`
	UpdatedDatetime string `json:"updated_datetime"`
	CreatedDatetime string `json:"created_datetime"`
	SocialNetwork   string `json:"social_network"`
	Identifier      int64  `json:"identifier"`
	ID              string `json:"id"`
}

type page struct {
	Tickets         []pageItem `json:"tickets"`
	Status          int        `json:"status"`
	NumberOfTickets int        `json:"number_of_tickets"`
	NextPage        *string    `json:"next_page"`
}

type stateList struct {
	Tickets []string `json:"tickets"`
	Status  int      `json:"status"`
}

// messageItem is MessageResponse.
type messageItem struct {
	Content       string `json:"content"`
	AuthorID      string `json:"author_id"`
	AuthorName    string `json:"author_name"`
	AuthorAccount string `json:"author_account"`
	Created       string `json:"created"`
	Media         string `json:"media,omitempty"` // "opcional": omitted without media
}

// messagesList is MessagesListResponse.
type messagesList struct {
	Status   int           `json:"status"`
	Messages []messageItem `json:"messages"`
}

// okBody answers close, reassign and metadata writes.
type okBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// errorBody is every error: the one the vendor documents is
// {"message": "Non-existent status", "status": 404}.
type errorBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

type ticketIDBody struct {
	Status   int    `json:"status"`
	TicketID string `json:"ticket_id"`
}

// assignationBody is AssignationResponse.
type assignationBody struct {
	Status      int               `json:"status"`
	Assignation assignationDetail `json:"assignation"`
}

// assignationDetail is AssignationDetail: cm is null when nobody is free.
type assignationDetail struct {
	CM     *int64 `json:"cm"`
	Reason string `json:"reason"`
}

type agentItem struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Roles        []string `json:"roles"`
	AssignableTo []int64  `json:"assignable_to"`
	IsOnline     bool     `json:"is_online"`
}

type agentsList struct {
	Status int         `json:"status"`
	Agents []agentItem `json:"agents"`
}

type accountItem struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	SocialNetwork string `json:"social_network"`
	UID           string `json:"uid"`
	IsActive      bool   `json:"is_active"`
}

type accountsList struct {
	Status   int           `json:"status"`
	Accounts []accountItem `json:"accounts"`
}

type metadataOption struct {
	IntegrationKey string `json:"integration_key"`
	Value          string `json:"value"`
}

type metadataItem struct {
	IntegrationKey  string           `json:"integration_key"`
	Type            string           `json:"type"`
	Label           string           `json:"label"`
	Fixed           bool             `json:"fixed"`
	Visible         bool             `json:"visible"`
	OnlyRead        bool             `json:"only_read"`
	Options         []metadataOption `json:"options"`
	Required        bool             `json:"required"`
	RequiredToClose bool             `json:"required_to_close"`
}

type metadataList struct {
	Status   int            `json:"status"`
	Metadata []metadataItem `json:"metadata"`
}

// hsmRequest is the body of POST /v2/message/hsm/.
type hsmRequest struct {
	Account     string          `json:"account"`
	Phone       string          `json:"phone"`
	Name        string          `json:"name"`
	Parameters  json.RawMessage `json:"parameters"`
	CloseTicket bool            `json:"close_ticket"`
	Header      json.RawMessage `json:"header"`
	CampaignID  string          `json:"campaign_id"`
	EntryID     string          `json:"entry_id"`
}

type hsmResponse struct {
	Status   int    `json:"status"`
	Message  string `json:"message"`
	TicketID string `json:"ticket_id"`
}
