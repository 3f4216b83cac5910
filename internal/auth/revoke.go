package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ticketd/ticketd/internal/desk"
)

// Revocation: a token deleted, or an agent whose role, password or access
// changed, must stop authenticating on every node at once, not when the
// node's cache entry expires. Each change is forgotten locally and, on
// PostgreSQL, announced to the other nodes with NOTIFY on Channel; every
// node LISTENs and forgets too. SQLite is one node: forgetting locally is
// all there is.

// Channel is the PostgreSQL NOTIFY channel of credential changes.
const Channel = "ticketd_auth"

// unheardTTL is how long a cached principal is trusted while this node is
// not (yet, or no longer) hearing other nodes' announcements.
const unheardTTL = time.Second

// forget names what to drop from the cache: one token, every credential of
// one agent, or (all) everything.
type forget struct {
	token     string
	ws, agent string
	all       bool
}

func (f forget) matches(p *Principal) bool {
	switch {
	case f.all:
		return true
	case f.token != "":
		return p.TokenID == f.token
	default:
		return p.AgentID == f.agent && p.WorkspaceID == f.ws
	}
}

// drop forgets f on this node.
func (s *Service) drop(f forget) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	if f.all {
		s.cache = nil
		return
	}
	for k, c := range s.cache {
		if f.matches(c.p) {
			delete(s.cache, k)
		}
	}
}

// announce forgets f here and tells the other nodes.
func (s *Service) announce(f forget) {
	s.drop(f)
	if s.bus != nil {
		s.bus.publish(f)
	}
}

// ForgetAgent makes every node re-read agent's credentials on their next
// use. Call it after changing what an agent may do (role, password, groups)
// outside UpdateAgent and Deactivate, which call it themselves.
func (s *Service) ForgetAgent(ws, agentID string) { s.announce(forget{ws: ws, agent: agentID}) }

// UpdateAgent changes an agent (desk.Service.UpdateAgent) and makes every
// node drop the principals cached for it, so a new role or password takes
// effect everywhere at once.
func (s *Service) UpdateAgent(ctx context.Context, ws, id string, p desk.AgentPatch) (*desk.Agent, error) {
	a, err := s.Desk.UpdateAgent(ctx, ws, id, p)
	if err != nil {
		return nil, err
	}
	s.ForgetAgent(ws, id)
	return a, nil
}

// Deactivate ends an agent's access (desk.Service.DeactivateAgent: marked
// deactivated, tokens deleted, offline, active tickets back to routing)
// and makes every node forget its cached credentials at once. The agent
// itself stays, with its tickets and history.
func (s *Service) Deactivate(ctx context.Context, ws, id string, actor desk.Actor) (*desk.Agent, error) {
	// Forgetting the agent drops every principal of its tokens, on every
	// node: no need to name the tokens one by one.
	a, _, err := s.Desk.DeactivateAgent(ctx, ws, id, actor)
	if err != nil {
		return nil, err
	}
	s.ForgetAgent(ws, id)
	return a, nil
}

// Activate gives a deactivated agent its access back
// (desk.Service.ActivateAgent).
func (s *Service) Activate(ctx context.Context, ws, id string) (*desk.Agent, error) {
	a, err := s.Desk.ActivateAgent(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	s.ForgetAgent(ws, id)
	return a, nil
}

// cacheTTL is how long a fresh lookup may be trusted: CacheTTL while this
// node hears every announcement, else at most unheardTTL.
func (s *Service) cacheTTL() time.Duration {
	if s.bus == nil || s.bus.hearing() {
		return s.CacheTTL
	}
	s.bus.start()
	return min(s.CacheTTL, unheardTTL)
}

// bus carries credential changes between nodes over PostgreSQL. Its
// listener starts with the first cached lookup and holds one connection of
// its own, opened with the pool's settings but outside the pool, so closing
// the store never waits on it; it stops when the store's database is
// closed.
type bus struct {
	s    *Service
	db   *sql.DB
	node string

	mu      sync.Mutex
	started bool
	heard   bool // LISTEN in effect
}

func newBus(s *Service, db *sql.DB) *bus {
	return &bus{s: s, db: db, node: nodeID()}
}

func (b *bus) hearing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.heard
}

func (b *bus) setHeard(v bool) {
	b.mu.Lock()
	b.heard = v
	b.mu.Unlock()
	// Announcements sent while this node was not listening are lost, and
	// whatever it cached before may be stale: start over.
	b.s.drop(forget{all: true})
}

// start runs the listener once.
func (b *bus) start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return
	}
	b.started = true
	go b.run()
}

// publish tells other nodes to forget f. It runs in the request that made
// the change, so when Revoke returns every listening node has been told.
func (b *bus) publish(f forget) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := b.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, encodeForget(b.node, f)); err != nil {
		// Other nodes still drop it within CacheTTL.
		b.s.log().Warn("auth: announce a credential change", slog.Any("err", err))
	}
}

// encodeForget is the NOTIFY payload: "node|t:<token id>" or
// "node|a:<workspace>/<agent>".
func encodeForget(node string, f forget) string {
	if f.token != "" {
		return node + "|t:" + f.token
	}
	return node + "|a:" + f.ws + "/" + f.agent
}

func decodeForget(p string) (node string, f forget, ok bool) {
	node, rest, found := strings.Cut(p, "|")
	if !found || node == "" {
		return "", forget{}, false
	}
	switch {
	case strings.HasPrefix(rest, "t:") && len(rest) > 2:
		return node, forget{token: rest[2:]}, true
	case strings.HasPrefix(rest, "a:"):
		ws, agent, found := strings.Cut(rest[2:], "/")
		if found && ws != "" && agent != "" {
			return node, forget{ws: ws, agent: agent}, true
		}
	}
	return "", forget{}, false
}

// errClosed ends the listener: the store it serves is closed.
var errClosed = errors.New("store closed")

// run listens until the store's database closes, reconnecting with backoff.
func (b *bus) run() {
	backoff := 200 * time.Millisecond
	for {
		err := b.listen()
		if errors.Is(err, errClosed) {
			return
		}
		b.s.log().Warn("auth: credential-change listener lost its connection; retrying", slog.Any("err", err), slog.Duration("in", backoff))
		time.Sleep(backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}

// pollClosed is how often an idle listener checks that its store is open.
const pollClosed = 2 * time.Second

func (b *bus) listen() error {
	ctx := context.Background()
	cfg, err := b.connConfig(ctx)
	if err != nil {
		return err
	}
	pc, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("listener connection: %w", err)
	}
	defer pc.Close(context.Background())
	if _, err := pc.Exec(ctx, "LISTEN "+Channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	b.setHeard(true)
	defer b.setHeard(false)
	for {
		wctx, cancel := context.WithTimeout(ctx, pollClosed)
		n, err := pc.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if wctx.Err() == nil || pc.IsClosed() {
				return fmt.Errorf("wait for notification: %w", err)
			}
			if b.closed() {
				return errClosed
			}
			continue
		}
		if n == nil {
			continue
		}
		node, f, ok := decodeForget(n.Payload)
		if ok && node != b.node {
			b.s.drop(f)
		}
	}
}

// connConfig borrows a pooled connection only to copy its settings.
func (b *bus) connConfig(ctx context.Context) (*pgx.ConnConfig, error) {
	conn, err := b.db.Conn(ctx)
	if err != nil {
		if b.closed() {
			return nil, errClosed
		}
		return nil, fmt.Errorf("listener settings: %w", err)
	}
	defer conn.Close()
	var cfg *pgx.ConnConfig
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		cfg = sc.Conn().Config().Copy()
		// The copy would hand notifications to the pooled connection's
		// buffer; nil lets the new connection buffer its own.
		cfg.OnNotification = nil
		return nil
	})
	return cfg, err
}

// closed reports whether the store's database was closed. database/sql has
// no other way to ask than trying: a closed DB fails at once, without a
// round trip.
func (b *bus) closed() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return err.Error() == "sql: database is closed"
	}
	conn.Close()
	return false
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func nodeID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Hearing reports whether this node hears other nodes' credential changes
// (PostgreSQL, once its listener is connected).
func (s *Service) Hearing() bool { return s.bus != nil && s.bus.hearing() }
