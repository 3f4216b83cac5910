// Package dolphins emulates the 3Dolphins "dolphin apiv1 graph tickets"
// Service API (token, ticket lists and documents, send message, update,
// reassign, transfer, escalate, bot hand-over, close, queue number, files,
// conversation history, report) over the desk. It only translates: every
// state change goes through desk.Service and the routing engine, so the
// native API and the other dialects see the same tickets.
//
// Spec: /work/shared/dialects/threedolphins.md. See README.md for the
// mapping tables and the deliberate deviations.
package dolphins

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/routing"
)

// DefaultPrefix is where the door is mounted.
const DefaultPrefix = "/dolphin/apiv1"

// DefaultTokenTTL is how long a token from POST /graph/auth lives.
const DefaultTokenTTL = 24 * time.Hour

// DefaultZone is the vendor's zone for text dates (verified from the seed:
// every *DateText equals its instant in Asia/Jakarta).
const DefaultZone = "Asia/Jakarta"

// metaKey is this door's key in Ticket.Meta and Message.Meta: the values
// only 3Dolphins speaks live there, not in desk (docs/domain.md).
const metaKey = "3dolphins"

// metaClosureType is the ticket meta field of a closureType as written
// (close action, update), rendered by a closed ticket.
const metaClosureType = "closureType"

// Config is what the door needs.
type Config struct {
	Desk    *desk.Service
	Auth    *auth.Service
	Routing *routing.Engine
	Log     *slog.Logger
	// Files keeps uploaded files' contents (package files).
	Files files.Blobs
	// MaxFileSize bounds one upload (default files.DefaultMaxSize).
	MaxFileSize int64
	// Prefix is the mount point (default DefaultPrefix).
	Prefix string
	// TokenTTL is the lifetime of tokens from /graph/auth (default 24 h).
	TokenTTL time.Duration
	// Zone, when set, forces the zone of every text date of this door.
	// Otherwise the workspace's zone is used, except that a workspace left
	// at ticketd's default zone (UTC) renders in DefaultZone.
	Zone string
}

// Door serves the dialect.
type Door struct {
	cfg   Config
	files *files.Store
	zone  *time.Location // forced zone, or nil
	jkt   *time.Location
}

// New returns the door for cfg, filling defaults.
func New(cfg Config) *Door {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	d := &Door{cfg: cfg, files: &files.Store{Blobs: cfg.Files, MaxSize: cfg.MaxFileSize}}
	d.jkt = loadZone(DefaultZone)
	if cfg.Zone != "" {
		d.zone = loadZone(cfg.Zone)
	}
	return d
}

// loadZone loads an IANA zone, falling back to a fixed UTC+7 when the
// system has no zone database (the vendor's zone has had no DST since 1964).
func loadZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.FixedZone("WIB", 7*3600)
}

// location is the zone text dates of ws render in.
func (d *Door) location(ws *desk.Workspace) *time.Location {
	if d.zone != nil {
		return d.zone
	}
	if ws == nil || ws.Timezone == "" || ws.Timezone == "UTC" {
		return d.jkt
	}
	if loc, err := time.LoadLocation(ws.Timezone); err == nil {
		return loc
	}
	return d.jkt
}

// Register mounts every route through mount, which receives the full
// pattern (method, prefix and path).
func (d *Door) Register(mount route.Mount) {
	for _, rt := range d.routes() {
		var h http.Handler = rt.h
		role := route.Public
		if !rt.public {
			h, role = d.authenticated(h), route.Agent
		}
		mount(route.Route{Method: rt.method, Path: route.Join(d.cfg.Prefix, rt.path), Role: role, Handler: h})
	}
}

// workspace reads the caller's workspace.
func (d *Door) workspace(ctx context.Context, p *auth.Principal) (*desk.Workspace, error) {
	return d.cfg.Desk.Store.Workspace(ctx, p.WorkspaceID)
}
