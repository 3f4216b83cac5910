package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Session is a signed-in browser of the agent desk (internal/web). Only
// the SHA-256 of its id is stored; CSRF is the token its forms carry.
type Session struct {
	Hash        []byte
	WorkspaceID string
	AgentID     string
	CSRF        string
	// PasswordMark is PasswordMark of the agent's password hash when the
	// session began: a new password (or none) ends the session.
	PasswordMark string
	CreatedAt    time.Time
	SeenAt       time.Time // last use, refreshed at most about once a minute
	ExpiresAt    time.Time // absolute end, whatever the use
	// Role is the agent's role as the store read it with the session.
	Role Role
}

// Versions are a workspace's change counters as one read saw them.
type Versions struct {
	Directory    DirectoryVersion
	LastEventSeq int64
}

// SessionReader finds sessions. Stores offer it beside Reader; the desk UI
// asks for it by type assertion.
type SessionReader interface {
	// SessionByHash returns the session with this id hash, with its agent's
	// role, only while the agent still has the password the session began
	// with (deactivation clears it; a reset changes it); ErrNotFound
	// otherwise.
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// SessionVisit is SessionByHash and, read by the same statement, what
	// a desk page checks its caches against: the session's workspace's
	// directory version and its last event seq (EventReader's).
	SessionVisit(ctx context.Context, hash []byte) (*Session, Versions, error)
	// LoginFailures counts the failures recorded under key since since,
	// and the time of the oldest of them.
	LoginFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error)
}

// SessionWriter changes sessions inside Store.Update.
type SessionWriter interface {
	CreateSession(ctx context.Context, s *Session) error
	TouchSession(ctx context.Context, hash []byte, seen time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	// AddLoginFailure records a failure under key at at and deletes the
	// key's failures from before since.
	AddLoginFailure(ctx context.Context, key string, at, since time.Time) error
	// ClearLoginFailures forgets key's failures (after a good sign-in).
	ClearLoginFailures(ctx context.Context, key string) error
}

// PasswordMark names a password hash without revealing it, so a session
// can tell that its agent's password changed.
func PasswordMark(hash string) string {
	if hash == "" {
		return ""
	}
	h := sha256.Sum256([]byte("session\x00" + hash))
	return hex.EncodeToString(h[:16])
}
