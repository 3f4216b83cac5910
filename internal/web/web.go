// Package web is the agent desk: the server-rendered pages agents and
// supervisors work in (sign-in, inbox, ticket), with their sessions, CSRF
// tokens, login throttle, language catalogs and embedded assets. It is a
// door like the native API: it asks desk (and routing) for everything and
// decides nothing itself (docs/web.md).
package web

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	// Aliased: session.go has a func named live.
	livestream "github.com/ticketd/ticketd/internal/live"
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/routing"
)

// Config is what the desk serves from.
type Config struct {
	Desk    *desk.Service
	Routing *routing.Engine
	Auth    *auth.Service
	Files   *files.Store
	// Live, when set, serves the desk's live updates and collision
	// notices (live.go).
	Live *livestream.Hub
	Log  *slog.Logger
	// PublicURL is where agents reach ticketd (--public-url); an https://
	// one marks session cookies Secure even behind a TLS-terminating proxy.
	PublicURL string
	// AllowPrivateHosts lets the channel accounts' connection test dial
	// loopback and private addresses (--allow-private-hosts, as the API).
	AllowPrivateHosts bool
}

// Session lifetimes (docs/web.md).
const (
	IdleTimeout     = 12 * time.Hour
	AbsoluteTimeout = 7 * 24 * time.Hour
	// touchEvery bounds how often a request writes the session's last use.
	touchEvery = time.Minute
)

// Web serves the desk.
type Web struct {
	cfg    Config
	log    *slog.Logger
	pages  map[string]map[string]*template.Template // by language, then page
	assets *assetSet
	secure bool        // cookies Secure whatever the request
	counts viewCounts  // the inbox's view counts (counts.go)
	dirs   directories // agents, groups, fields… per workspace (directory.go)
	// contacts' names in lists, per workspace (contactcache.go)
	contacts contactCache
	// customers' HTML as agents see it, by its input (sanitize.go)
	sanitizer *sanitizer
}

// New parses the templates and hashes the assets.
func New(c Config) (*Web, error) {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	w := &Web{cfg: c, log: c.Log, secure: strings.HasPrefix(strings.ToLower(c.PublicURL), "https://"),
		sanitizer: newSanitizer(sanitizerBytes)}
	var err error
	if w.assets, err = loadAssets(); err != nil {
		return nil, fmt.Errorf("desk assets: %w", err)
	}
	if w.pages, err = parsePages(w.assets); err != nil {
		return nil, fmt.Errorf("desk templates: %w", err)
	}
	return w, nil
}

// Paths the desk serves at the root, which no dialect may be mounted over.
var Paths = []string{"/login", "/logout", "/assets", "/tickets", "/presence", "/language", StreamPath, "/supervisor", "/admin", "/settings", "/bulk", "/invite"}

// Register adds the desk's routes.
func (w *Web) Register(mount route.Mount) {
	add := func(method, path, role string, h http.Handler) {
		mount(route.Route{Method: method, Path: path, Role: role, Handler: h})
	}
	add("GET", "/{$}", route.Agent, w.page(w.inbox))
	add("GET", "/login", route.Public, http.HandlerFunc(w.loginPage))
	add("POST", "/login", route.Public, http.NewCrossOriginProtection().Handler(http.HandlerFunc(w.login)))
	add("POST", "/logout", route.Agent, w.action(w.logout))
	// Invitation links (invite.go): no session; the token in the path is
	// the credential, checked and throttled like a sign-in.
	add("GET", "/invite/{token}", route.Public, http.HandlerFunc(w.invitePage))
	add("POST", "/invite/{token}", route.Public, http.NewCrossOriginProtection().Handler(http.HandlerFunc(w.acceptInvite)))
	add("POST", "/language", route.Public, http.NewCrossOriginProtection().Handler(http.HandlerFunc(w.setLanguage)))
	add("GET", "/assets/{name}", route.Public, http.HandlerFunc(w.assets.serve))
	add("POST", "/presence", route.Agent, w.action(w.presence))
	add("GET", "/tickets/{number}", route.Agent, w.page(w.ticketPage))
	add("POST", "/tickets/{number}/messages", route.Agent, w.actionMax(w.maxUploadBody(), w.addMessage))
	add("POST", "/tickets/{number}/properties", route.Agent, w.action(w.properties))
	add("POST", "/tickets/{number}/status", route.Agent, w.action(w.setStatus))
	add("POST", "/tickets/{number}/routing", route.Agent, w.action(w.routingAction))
	add("GET", "/tickets/{number}/attachments/{id}", route.Agent, w.page(w.attachment))
	// Live updates, collision notices, the supervisor board (live.go, supervisor.go).
	add("GET", StreamPath, route.Agent, http.HandlerFunc(w.stream))
	add("GET", MatchPath, route.Agent, w.page(w.streamMatch))
	add("POST", "/tickets/{number}/viewing", route.Agent, w.action(w.viewing))
	add("GET", "/supervisor", route.Supervisor, w.page(w.supervisor))
	w.registerAdmin(add)
	// The agent's daily tools: search and bulk in the inbox, saved replies,
	// uploads and custom fields on the ticket (work.go, compose.go, fields.go).
	add("POST", "/bulk", route.Agent, w.action(w.bulk))
	add("GET", "/tickets/{number}/replies/{id}", route.Agent, w.page(w.renderReply))
	add("POST", "/tickets/{number}/insert-reply", route.Agent, w.actionMax(w.maxUploadBody(), w.insertReply))
	add("POST", "/tickets/{number}/fields", route.Agent, w.action(w.setFields))
	add("POST", "/tickets/{number}/macros", route.Agent, w.action(w.applyMacro))
	// The agent's own preferences and password (prefs.go).
	add("GET", "/settings/profile", route.Agent, w.page(w.prefsPage))
	add("POST", "/settings/profile", route.Agent, w.action(w.savePrefs))
	add("POST", "/settings/password", route.Agent, w.action(w.changePassword))
}

// errPage is an error a handler answers with a page of its own words.
type errPage struct {
	status int
	key    string
}

func (e *errPage) Error() string { return e.key }

var errNotFound = &errPage{http.StatusNotFound, "err.not_found"}

// statusOf maps desk's sentinels to HTTP statuses, as the API does.
func statusOf(err error) int {
	var ep *errPage
	switch {
	case errors.As(err, &ep):
		return ep.status
	case errors.Is(err, desk.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, desk.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, desk.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, desk.ErrCapacity), errors.Is(err, desk.ErrConflict), errors.Is(err, desk.ErrFinal):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
