package oneview

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/route"
)

// Register mounts the chat-ticket family under chatTicket (documented HOST
// https://api.pd-oneview.net/chat-ticket, so "/chat-ticket") and the
// successor family under csChatTicket ("/cs-chat-ticket"); an empty prefix
// leaves that family out. Unknown paths and methods under either prefix
// answer in the vendor's error shape.
func (h *Handler) Register(mount route.Mount, chatTicket, csChatTicket string) {
	if chatTicket != "" {
		t := h.table(mount, chatTicket)
		t.add("GET /v1/{agentID}/tickets", h.forAgent(h.agentTickets))
		t.add("PUT /v1/{agentID}/online", h.forAgent(h.agentOnline))
		t.add("PUT /v1/{agentID}/offline", h.forAgent(h.agentOffline))
		t.fallback()
	}
	if csChatTicket != "" {
		t := h.table(mount, csChatTicket)
		t.add("GET /v1/info", h.forSelf(h.selfInfo))
		t.add("GET /v1/tickets", h.forSelf(h.agentTickets))
		t.add("PUT /v1/online", h.forSelf(h.selfOnline))
		t.add("PUT /v1/offline", h.forSelf(h.selfOffline))
		t.fallback()
	}
}

// table mounts one family's routes under its prefix and remembers their
// paths, so a known path asked with another method gets 405, not 404.
type table struct {
	h      *Handler
	mount  route.Mount
	prefix string
	paths  *http.ServeMux
	allow  map[string][]string // path pattern → methods
}

func (h *Handler) table(mount route.Mount, prefix string) *table {
	return &table{h: h, mount: mount, prefix: strings.TrimSuffix(prefix, "/"), paths: http.NewServeMux(), allow: map[string][]string{}}
}

func (t *table) add(pattern string, hd http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	path = t.prefix + path
	if t.allow[path] == nil {
		t.paths.Handle(path, http.NotFoundHandler())
	}
	t.allow[path] = append(t.allow[path], method)
	t.mount(route.Route{Method: method, Path: path, Role: route.Agent, Handler: hd})
}

func (t *table) fallback() {
	t.mount(route.Route{Path: t.prefix + "/", Role: route.Public, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := t.paths.Handler(r); pattern != "" {
			w.Header().Set("Allow", strings.Join(t.allow[pattern], ", "))
			writeError(w, http.StatusMethodNotAllowed)
			return
		}
		writeError(w, http.StatusNotFound)
	})})
}
