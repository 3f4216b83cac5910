package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// The agent desk's sessions and login throttle (migration 0025,
// desk.SessionReader and desk.SessionWriter).

var (
	_ desk.SessionReader = (*Store)(nil)
	_ desk.SessionWriter = (*tx)(nil)
)

// sessionSQL reads a session and its agent: an agent deactivated, or whose
// password was cleared or changed, has no session any more, on every
// node, from the next request on. cols and join read more, with s the
// session.
func sessionSQL(cols, join string) string {
	return `SELECT s.hash, s.workspace_id, s.agent_id, s.csrf, s.password_mark, s.created_at, s.seen_at,
		s.expires_at, a.role, a.password_hash` + cols + `
		FROM web_sessions s JOIN agents a ON a.id = s.agent_id AND a.workspace_id = s.workspace_id` + join + `
		WHERE s.hash = $1 AND a.password_hash <> '' AND a.deactivated_at IS NULL`
}

var (
	sessionByHashSQL = sessionSQL("", "")
	// The directory_versions row may be missing (zeros); the last seq is
	// one descent of events_seq, as LastEventSeq reads it.
	sessionVisitSQL = sessionSQL(`, COALESCE(v.version, 0), COALESCE(v.contacts, 0),
		COALESCE((SELECT MAX(seq) FROM events e WHERE e.workspace_id = s.workspace_id), 0)`,
		`
		LEFT JOIN directory_versions v ON v.workspace_id = s.workspace_id`)
)

// SessionByHash reads the session and its agent in one query.
func (c *conn) SessionByHash(ctx context.Context, hash []byte) (*desk.Session, error) {
	return c.session(c.q.QueryRowContext(ctx, sessionByHashSQL, hash))
}

// SessionVisit reads the session, its agent and its workspace's versions
// in one query: a desk page's first read.
func (c *conn) SessionVisit(ctx context.Context, hash []byte) (*desk.Session, desk.Versions, error) {
	var v desk.Versions
	s, err := c.session(c.q.QueryRowContext(ctx, sessionVisitSQL, hash), &v.Directory.Directory, &v.Directory.Contacts, &v.LastEventSeq)
	return s, v, err
}

func (c *conn) session(row *sql.Row, extra ...any) (*desk.Session, error) {
	var s desk.Session
	var created, seen, expires int64
	var pw string
	err := row.Scan(append([]any{&s.Hash, &s.WorkspaceID, &s.AgentID, &s.CSRF, &s.PasswordMark, &created, &seen, &expires,
		&s.Role, &pw}, extra...)...)
	if err != nil {
		return nil, c.mapErr(err, "session")
	}
	if desk.PasswordMark(pw) != s.PasswordMark {
		return nil, fmt.Errorf("session: the agent's password changed: %w", desk.ErrNotFound)
	}
	s.CreatedAt, s.SeenAt, s.ExpiresAt = msToTime(created), msToTime(seen), msToTime(expires)
	return &s, nil
}

func (c *conn) CreateSession(ctx context.Context, s *desk.Session) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO web_sessions (hash, workspace_id, agent_id, csrf, password_mark, created_at, seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.Hash, s.WorkspaceID, s.AgentID, s.CSRF, s.PasswordMark, ms(s.CreatedAt), ms(s.SeenAt),
		ms(s.ExpiresAt))
	return c.mapErr(err, "create session")
}

func (c *conn) TouchSession(ctx context.Context, hash []byte, seen time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE web_sessions SET seen_at = $2 WHERE hash = $1`, hash, ms(seen))
	return c.mapErr(err, "touch session")
}

func (c *conn) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := c.q.ExecContext(ctx, `DELETE FROM web_sessions WHERE hash = $1`, hash)
	return c.mapErr(err, "delete session")
}

func (c *conn) LoginFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at > $2`, key, ms(since)).
		Scan(&n, &oldest)
	var t time.Time
	if oldest.Valid {
		t = msToTime(oldest.Int64)
	}
	return n, t, c.mapErr(err, "login failures")
}

func (c *conn) AddLoginFailure(ctx context.Context, key string, at, since time.Time) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1 AND at <= $2`, key, ms(since)); err != nil {
		return c.mapErr(err, "expire login failures")
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, ms(at))
	return c.mapErr(err, "add login failure")
}

func (c *conn) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := c.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	return c.mapErr(err, "clear login failures")
}
