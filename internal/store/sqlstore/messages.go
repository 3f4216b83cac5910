package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

const messageCols = `id, workspace_id, number, ticket_id, direction, public, author_kind, author_id, author_name, text, meta, created_at,
	channel_account_id, provider_id, html`

func scanMessage(r rowScanner, m *desk.Message) error {
	var created int64
	err := r.Scan(&m.ID, &m.WorkspaceID, &m.Number, &m.TicketID, &m.Direction, &m.Public, &m.Author.Kind, &m.Author.ID,
		&m.AuthorName, &m.Text, js(&m.Meta), &created, &m.ChannelAccountID, &m.ProviderID, &m.HTML)
	m.CreatedAt = msToTime(created)
	return err
}

func (c *conn) Messages(ctx context.Context, ws, ticketID string, f desk.MessageFilter) ([]desk.Message, error) {
	q := `SELECT ` + messageCols + ` FROM messages WHERE workspace_id = $1 AND ticket_id = $2`
	if f.PublicOnly {
		q += ` AND public = $3`
	}
	if f.NewestFirst {
		q += ` ORDER BY number DESC`
	} else {
		q += ` ORDER BY number ASC`
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	q += fmt.Sprintf(` LIMIT %d`, limit)
	args := []any{ws, ticketID}
	if f.PublicOnly {
		args = append(args, true)
	}
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, m *desk.Message) error { return scanMessage(r, m) })
	if err != nil {
		return nil, c.mapErr(err, "messages of "+ticketID)
	}
	if err := c.loadAttachments(ctx, ws, ticketID, out); err != nil {
		return nil, err
	}
	return out, c.loadDeliveries(ctx, ws, ticketID, out)
}

// loadAttachments fills the attachments of msgs (all of one ticket) in one query.
func (c *conn) loadAttachments(ctx context.Context, ws, ticketID string, msgs []desk.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	idx := make(map[string]int, len(msgs))
	for i := range msgs {
		idx[msgs[i].ID] = i
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments
		WHERE workspace_id = $1 AND ticket_id = $2 AND message_id IS NOT NULL ORDER BY number`, ws, ticketID)
	atts, err := collect(rows, err, func(r *sql.Rows, a *desk.Attachment) error { return scanAttachment(r, a) })
	if err != nil {
		return c.mapErr(err, "attachments of "+ticketID)
	}
	for _, a := range atts {
		if i, ok := idx[a.MessageID]; ok {
			msgs[i].Attachments = append(msgs[i].Attachments, a)
		}
	}
	return nil
}

func (c *conn) CreateMessage(ctx context.Context, m *desk.Message) error {
	n, err := c.nextNumber(ctx, m.WorkspaceID, "message")
	if err != nil {
		return err
	}
	m.Number = n
	args := []any{m.ID, m.WorkspaceID, m.Number, m.TicketID, m.Direction, m.Public, m.Author.Kind, m.Author.ID,
		m.AuthorName, m.Text, js(m.Meta), ms(m.CreatedAt), m.ChannelAccountID, m.ProviderID, m.HTML}
	if p := c.pend; p != nil {
		// Held back until the next statement (events.go). js encodes
		// when sent: take the value now, as it is.
		if err := snapshot(args); err != nil {
			return fmt.Errorf("create message: %w", err)
		}
		p.messages = append(p.messages, args)
		return nil
	}
	_, err = c.q.ExecContext(ctx, messageInsertSQL, args...)
	return c.mapErr(err, "create message")
}

var messageInsertSQL = `INSERT INTO messages (` + messageCols + `) VALUES (` + placeholders(1, 15) + `)`

// snapshot turns args into driver values in place, fixing what they encode.
func snapshot(args []any) error {
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return err
		}
		args[i] = v
	}
	return nil
}

const attachmentCols = `id, workspace_id, number, ticket_id, message_id, token, file_name, content_type, size, path, field_key, created_at`

func scanAttachment(r rowScanner, a *desk.Attachment) error {
	var created int64
	err := r.Scan(&a.ID, &a.WorkspaceID, &a.Number, ns(&a.TicketID), ns(&a.MessageID), &a.Token, &a.FileName, &a.ContentType,
		&a.Size, &a.Path, &a.FieldKey, &created)
	a.CreatedAt = msToTime(created)
	return err
}

func (c *conn) Attachment(ctx context.Context, ws, id string) (*desk.Attachment, error) {
	var a desk.Attachment
	err := scanAttachment(c.q.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND id = $2`, ws, id), &a)
	return &a, c.mapErr(err, "attachment "+id)
}

func (c *conn) AttachmentByToken(ctx context.Context, ws, token string) (*desk.Attachment, error) {
	var a desk.Attachment
	err := scanAttachment(c.q.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND token = $2`, ws, token), &a)
	return &a, c.mapErr(err, "attachment")
}

func (c *conn) CreateAttachment(ctx context.Context, a *desk.Attachment) error {
	n, err := c.nextNumber(ctx, a.WorkspaceID, "attachment")
	if err != nil {
		return err
	}
	a.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO attachments (`+attachmentCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.WorkspaceID, a.Number, nullIfEmpty(a.TicketID), nullIfEmpty(a.MessageID), a.Token, a.FileName, a.ContentType,
		a.Size, a.Path, a.FieldKey, ms(a.CreatedAt))
	return c.mapErr(err, "create attachment")
}

func (c *conn) UpdateAttachment(ctx context.Context, a *desk.Attachment) error {
	res, err := c.q.ExecContext(ctx, `UPDATE attachments SET ticket_id = $3, message_id = $4, file_name = $5, field_key = $6
		WHERE workspace_id = $1 AND id = $2`, a.WorkspaceID, a.ID, nullIfEmpty(a.TicketID), nullIfEmpty(a.MessageID), a.FileName, a.FieldKey)
	return c.affected(res, err, "update attachment "+a.ID)
}

const tokenCols = `id, workspace_id, agent_id, hash, label, created_at, expires_at, prefix, last_used_at`

func scanToken(r rowScanner, t *desk.Token) error {
	var created int64
	err := r.Scan(&t.ID, &t.WorkspaceID, &t.AgentID, &t.Hash, &t.Label, &created, tm(&t.ExpiresAt), &t.Prefix, tm(&t.LastUsedAt))
	t.CreatedAt = msToTime(created)
	return err
}

func (c *conn) TokenByHash(ctx context.Context, hash []byte) (*desk.Token, error) {
	var t desk.Token
	err := scanToken(c.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash), &t)
	return &t, c.mapErr(err, "token")
}

func (c *conn) CreateToken(ctx context.Context, t *desk.Token) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO tokens (`+tokenCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.WorkspaceID, t.AgentID, t.Hash, t.Label, ms(t.CreatedAt), tm(&t.ExpiresAt), t.Prefix, tm(&t.LastUsedAt))
	return c.mapErr(err, "create token")
}

func (c *conn) DeleteToken(ctx context.Context, ws, id string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM tokens WHERE workspace_id = $1 AND id = $2`, ws, id)
	return c.affected(res, err, "delete token "+id)
}

// DeleteAgentTokens deletes every API token of an agent and returns their
// ids (package auth, when an agent's access ends), through tokens_agent
// (migration 0017).
func (c *conn) DeleteAgentTokens(ctx context.Context, ws, agentID string) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `DELETE FROM tokens WHERE workspace_id = $1 AND agent_id = $2 RETURNING id`, ws, agentID)
	out, err := collect(rows, err, func(r *sql.Rows, id *string) error { return r.Scan(id) })
	return out, c.mapErr(err, "delete tokens of agent "+agentID)
}

const fieldDefCols = `id, workspace_id, key, scope, label, type, options, required, created_at`

func (c *conn) FieldDefs(ctx context.Context, ws, scope string) ([]desk.FieldDef, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+fieldDefCols+` FROM field_defs WHERE workspace_id = $1 AND scope = $2 ORDER BY key`, ws, scope)
	out, err := collect(rows, err, func(r *sql.Rows, d *desk.FieldDef) error {
		var created int64
		err := r.Scan(&d.ID, &d.WorkspaceID, &d.Key, &d.Scope, &d.Label, &d.Type, js(&d.Options), &d.Required, &created)
		d.CreatedAt = msToTime(created)
		return err
	})
	return out, c.mapErr(err, "field definitions")
}

func (c *conn) PutFieldDef(ctx context.Context, d *desk.FieldDef) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO field_defs (`+fieldDefCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (workspace_id, scope, key) DO UPDATE SET label = excluded.label, type = excluded.type,
		options = excluded.options, required = excluded.required`,
		d.ID, d.WorkspaceID, d.Key, d.Scope, d.Label, d.Type, js(nonNil(d.Options)), d.Required, ms(d.CreatedAt))
	return c.mapErr(err, "put field definition "+d.Key)
}

func (c *conn) DeleteFieldDef(ctx context.Context, ws, scope, key string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM field_defs WHERE workspace_id = $1 AND scope = $2 AND key = $3`, ws, scope, key)
	return c.affected(res, err, "delete field definition "+key)
}
