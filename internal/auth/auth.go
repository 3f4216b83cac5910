// Package auth proves who is calling: agents' passwords (argon2id, verified
// once at login), API tokens (random, stored as SHA-256, looked up through a
// short-lived cache so the hot path costs no hashing beyond one SHA-256), and
// the Principal every door puts in the request context.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// Principal is an authenticated caller: an agent of one workspace.
type Principal struct {
	WorkspaceID string
	AgentID     string
	Role        desk.Role
	TokenID     string
}

// Can reports whether the principal's role includes want.
func (p *Principal) Can(want desk.Role) bool { return p.Role.AtLeast(want) }

// Actor is the principal as a desk actor.
func (p *Principal) Actor() desk.Actor {
	if p.Role == desk.RoleBot {
		return desk.Actor{Kind: desk.ActorBot, ID: p.AgentID}
	}
	return desk.Actor{Kind: desk.ActorAgent, ID: p.AgentID}
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal in ctx, or nil.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Hasher hashes and verifies passwords with argon2id.
type Hasher struct {
	Memory uint32 // KiB
	Time   uint32
}

// DefaultHasher is OWASP's argon2id minimum: 19 MiB, 2 passes (≈35 ms here).
var DefaultHasher = Hasher{Memory: 19 * 1024, Time: 2}

// Hash returns an encoded argon2id hash of password.
func (h Hasher) Hash(password string) (string, error) {
	if password == "" {
		return "", fmt.Errorf("%w: empty password", desk.ErrInvalid)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, h.Memory, h.Time,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches an encoded hash, in constant time.
func Verify(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// TokenPrefix marks ticketd API tokens so leaked ones are easy to find.
const TokenPrefix = "tkd_"

// PrefixChars is how many characters of a token's secret after
// TokenPrefix are kept to tell tokens apart in lists (desk.Token.Prefix):
// 6 of 43 base64 characters, 36 of 256 bits, leave 220 unknown.
const PrefixChars = 6

// HashToken is how tokens are stored and looked up.
func HashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// Service authenticates callers over a desk.
type Service struct {
	Desk   *desk.Service
	Hasher Hasher
	Log    *slog.Logger // nil: slog.Default()
	// CacheTTL bounds how long a token or password check is trusted
	// without asking the store again. Revocations and agent changes made
	// through this package drop entries at once on every node (see
	// revoke.go); the TTL bounds what nothing announced.
	CacheTTL time.Duration

	mu    sync.Mutex
	cache map[[32]byte]cached
	// gen counts forgets; a lookup that began before one does not cache
	// what it read, since the read may predate the change.
	gen uint64

	bus *bus // nil unless the store is PostgreSQL
}

type cached struct {
	p       *Principal
	expires time.Time
}

// NewService returns an authenticator with production settings.
func NewService(d *desk.Service) *Service {
	s := &Service{Desk: d, Hasher: DefaultHasher, CacheTTL: 30 * time.Second}
	if db, ok := d.Store.(interface{ DB() *sql.DB }); ok && d.Store.Backend() == "postgres" {
		s.bus = newBus(s, db.DB())
	}
	return s
}

// ErrUnauthorized means the credentials prove nothing.
var ErrUnauthorized = desk.ErrAuth

// Login checks an email and password and returns the agent. When the same
// email exists in several workspaces, workspace (an id or a name) picks
// one; without it the first whose password matches wins.
func (s *Service) Login(ctx context.Context, email, password, workspace string) (*desk.Agent, error) {
	if email == "" || password == "" {
		return nil, ErrUnauthorized
	}
	agents, err := s.Desk.Store.AgentsByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		noteFault(ctx, err)
		return nil, fmt.Errorf("login: %w", err)
	}
	for i := range agents {
		a := &agents[i]
		if workspace != "" && a.WorkspaceID != workspace {
			w, err := s.Desk.Store.Workspace(ctx, a.WorkspaceID)
			if err != nil && !errors.Is(err, desk.ErrNotFound) {
				noteFault(ctx, err)
				return nil, fmt.Errorf("login: %w", err)
			}
			if err != nil || w.Name != workspace {
				continue
			}
		}
		if a.PasswordHash != "" && a.Active() && Verify(a.PasswordHash, password) {
			return a, nil
		}
	}
	return nil, ErrUnauthorized
}

// IssueToken creates an API token for agent; ttl 0 never expires. The
// token is returned once and only its hash is kept.
func (s *Service) IssueToken(ctx context.Context, a *desk.Agent, label string, ttl time.Duration) (string, *desk.Token, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	tok := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.Desk.Clock()
	if !a.Active() {
		return "", nil, desk.CheckActive("agent", a)
	}
	t := &desk.Token{ID: objectid.New(now), WorkspaceID: a.WorkspaceID, AgentID: a.ID, Hash: HashToken(tok),
		Label: label, CreatedAt: now, Prefix: tok[:len(TokenPrefix)+PrefixChars]}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	if err := s.Desk.Store.Update(ctx, func(tx desk.Tx) error { return tx.CreateToken(ctx, t) }); err != nil {
		return "", nil, fmt.Errorf("issue token: %w", err)
	}
	return tok, t, nil
}

// Token authenticates an API token.
func (s *Service) Token(ctx context.Context, tok string) (*Principal, error) {
	if tok == "" || len(tok) > 512 {
		return nil, ErrUnauthorized
	}
	key := sha256.Sum256([]byte(tok))
	p, gen := s.lookup(key)
	if p != nil {
		return p, nil
	}
	t, err := s.Desk.Store.TokenByHash(ctx, key[:])
	if errors.Is(err, desk.ErrNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		noteFault(ctx, err)
		return nil, fmt.Errorf("token lookup: %w", err)
	}
	now := s.Desk.Clock()
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return nil, ErrUnauthorized
	}
	a, err := s.Desk.Store.Agent(ctx, t.WorkspaceID, t.AgentID)
	if errors.Is(err, desk.ErrNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		noteFault(ctx, err) // a store that fails is no proof of bad credentials
		return nil, fmt.Errorf("token agent: %w", err)
	}
	if !a.Active() {
		return nil, ErrUnauthorized
	}
	s.touch(ctx, t, now)
	p = &Principal{WorkspaceID: a.WorkspaceID, AgentID: a.ID, Role: a.Role, TokenID: t.ID}
	exp := now.Add(s.cacheTTL())
	if !t.ExpiresAt.IsZero() && t.ExpiresAt.Before(exp) {
		exp = t.ExpiresAt
	}
	s.store(key, p, exp, gen)
	return p, nil
}

// Password authenticates an email and password (HTTP Basic), paying the
// password hash once per CacheTTL rather than once per request.
func (s *Service) Password(ctx context.Context, email, password string) (*Principal, error) {
	key := sha256.Sum256([]byte("basic\x00" + strings.ToLower(email) + "\x00" + password))
	p, gen := s.lookup(key)
	if p != nil {
		return p, nil
	}
	a, err := s.Login(ctx, email, password, "")
	if err != nil {
		return nil, err
	}
	p = &Principal{WorkspaceID: a.WorkspaceID, AgentID: a.ID, Role: a.Role}
	s.store(key, p, s.Desk.Clock().Add(s.cacheTTL()), gen)
	return p, nil
}

// Revoke deletes a token and makes every node forget it at once.
func (s *Service) Revoke(ctx context.Context, ws, tokenID string) error {
	if err := s.Desk.Store.Update(ctx, func(tx desk.Tx) error { return tx.DeleteToken(ctx, ws, tokenID) }); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	s.announce(forget{token: tokenID})
	return nil
}

// lookup returns the cached principal for key, or nil and the cache
// generation to pass to store once the caller has read the store.
func (s *Service) lookup(key [32]byte) (*Principal, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cache[key]
	if !ok {
		return nil, s.gen
	}
	if !s.Desk.Clock().Before(c.expires) {
		delete(s.cache, key)
		return nil, s.gen
	}
	return c.p, s.gen
}

// maxCache bounds the cache; past it, the cache is emptied (cheap, rare).
const maxCache = 100_000

// store caches p unless something was forgotten since gen was read: the
// principal may then have been read before that change committed.
func (s *Service) store(key [32]byte, p *Principal, exp time.Time, gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return
	}
	if s.cache == nil || len(s.cache) >= maxCache {
		s.cache = make(map[[32]byte]cached)
	}
	s.cache[key] = cached{p: p, expires: exp}
}
