package postcenter

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/route"
)

// Mount registers every route of the door under prefix (DefaultPrefix in
// the server) through handle, which wraps each route (metrics, recovery).
//
// Every route answers with and without its trailing slash and never
// redirects: a redirect turns POST into GET in some clients.
func Mount(mount route.Mount, prefix string, deps Deps) {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	d := &door{Deps: deps, prefix: strings.TrimSuffix(prefix, "/")}
	m := &mounter{mount: mount, prefix: d.prefix, auth: d.authenticate, known: http.NewServeMux()}

	m.route("GET /v2/ping/", d.ping)
	m.route("GET /v2/agents/", d.agents)
	m.route("GET /v2/accounts/all/", d.accounts)

	m.route("GET /v2/ticket/{ticket_id}/", d.ticketDetail)
	m.route("GET /v2/ticket/{ticket_id}/messages/", d.ticketMessages)
	m.route("POST /v2/ticket/{ticket_id}/close/", d.closeTicket)
	m.route("POST /v2/ticket/{ticket_id}/reassign/", d.reassign)
	m.route("POST /v2/ticket/{agent_ticket_id}/by_agent_id/", d.byAgentID)
	m.route("GET /v2/ticket/{agent_ticket_id}/by_agent_id/", d.byAgentID) // the vendor's own example uses GET
	m.route("GET /v2/ticket/{ticket_id}/get_possible_agent/", d.possibleAgent)

	m.route("GET /v2/tickets/", d.customerTickets) // ?country_id=
	m.route("GET /v2/tickets/facebook/", d.facebookTickets)
	m.route("GET /v2/tickets/state/{state}", d.stateTickets)
	m.route("GET /v2/tickets/paginated/{social_network}/", d.paginated)
	m.route("GET /v2/tickets/paginated/{social_network}/{query}", d.paginatedInPath)
	// The vendor's usage example drops "paginated/" and the "?":
	// v2/tickets/twitter/from=18-04-2019&to=18-04-2019%2021%3A41%3A00
	m.route("GET /v2/tickets/{social_network}/", d.paginated)
	m.route("GET /v2/tickets/{social_network}/{query}", d.paginatedInPath)

	m.route("GET /v2/metadata/tickets/", d.ticketMetadata)
	m.route("GET /v2/metadata/clients/", d.clientMetadata)
	m.route("PUT /v2/metadata/ticket/{ticket_id}/", d.putTicketMetadata)
	m.route("PUT /v2/metadata/client/{client_id}/", d.putClientMetadata)

	m.route("POST /v2/message/hsm/", d.hsm)

	// ticketd's own: the file behind a message's "media" URL.
	m.route("GET /v2/media/{attachment_id}/", d.media)

	m.fallback()
}

// mounter registers each route in both slash forms, and remembers them so
// the fallback can tell a wrong method (405) from an unknown path (404).
type mounter struct {
	mount  route.Mount
	prefix string
	auth   func(http.HandlerFunc) http.HandlerFunc
	known  *http.ServeMux
}

// route registers "METHOD /path/" as METHOD prefix/path and prefix/path/
// (exactly: {$} keeps a trailing-slash pattern from matching a subtree).
func (m *mounter) route(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	path = m.prefix + strings.TrimSuffix(path, "/")
	for _, p := range []string{path, path + "/{$}"} {
		m.mount(route.Route{Method: method, Path: p, Role: route.Agent, Handler: m.auth(h)})
		m.known.HandleFunc(method+" "+p, func(http.ResponseWriter, *http.Request) {})
	}
}

// fallback answers every other path under the prefix in the vendor's
// error shape rather than the mux's plain text.
func (m *mounter) fallback() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
			probe := r.Clone(r.Context())
			probe.Method = method
			if _, p := m.known.Handler(probe); p != "" {
				allow = append(allow, method)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "Method \""+r.Method+"\" not allowed")
			return
		}
		writeError(w, http.StatusNotFound, "Not found")
	})
	m.mount(route.Route{Path: m.prefix, Role: route.Public, Handler: h})
	m.mount(route.Route{Path: m.prefix + "/", Role: route.Public, Handler: h})
}
