package bangwo8

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
)

// handler is a route's handler with its caller authenticated (p is nil on
// public routes).
type handler func(w http.ResponseWriter, r *http.Request, p *auth.Principal)

type endpoint struct {
	pattern string // "METHOD /path" under the prefix
	access  access
	h       handler
}

// routes is every route of the door, under its prefix (/bangwo8 by
// default). Go's mux needs whole path segments for wildcards, so the
// ticket routes whose last segment is "{id}.json" or "{id}_v2.json" take
// the segment as {file} and parse it; literal files (show_many.json,
// search.json, update_many.json) win over the wildcard.
func (d *Door) routes() []endpoint {
	return []endpoint{
		{"GET /api/v1/tickets.json", admin, d.listTickets},
		{"GET /api/v1/companies/{company_id}/tickets.json", admin, d.companyTickets},
		{"GET /api/v1/users/{user_id}/tickets.json", admin, d.userTickets},
		{"GET /api/v1/tickets/show_many.json", admin, d.showMany},
		{"GET /api/v1/tickets/search.json", anyAgent, d.search},
		{"GET /api/v1/tickets/{file}", admin, d.showTicket}, // {id}_v2.json, {id}.json (legacy)
		{"POST /api/v1/tickets.json", admin, d.createTicket},
		{"PUT /api/v1/tickets/update_many.json", anyAgent, d.updateMany},
		{"PUT /api/v1/tickets/{file}", anyAgent, d.updateTicket}, // {id}.json
		{"POST /api/v1/attachments.json", anyAgent, d.upload},
		{"POST /api/v1/uploads.json", anyAgent, d.upload},
		{"GET /api/v1/attachments/{file}", anyAgent, d.attachment}, // {id}.json
		{"GET /files/{workspace}/{token}", public, d.download},
		{"/", public, d.noRoute}, // everything else: 404 100047
	}
}
