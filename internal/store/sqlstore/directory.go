package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ticketd/ticketd/internal/desk"
)

// Companies, contact profiles and lookups by number (desk.DirectoryReader,
// desk.DirectoryWriter).

const companyCols = `id, workspace_id, number, name, created_at`

func (c *conn) company(ctx context.Context, what, where string, args ...any) (*desk.Company, error) {
	var co desk.Company
	var created int64
	err := c.q.QueryRowContext(ctx, `SELECT `+companyCols+` FROM companies WHERE `+where, args...).
		Scan(&co.ID, &co.WorkspaceID, &co.Number, &co.Name, &created)
	if err != nil {
		return nil, c.mapErr(err, what)
	}
	co.CreatedAt = msToTime(created)
	return &co, nil
}

func (c *conn) Company(ctx context.Context, ws, id string) (*desk.Company, error) {
	return c.company(ctx, "company "+id, `workspace_id = $1 AND id = $2`, ws, id)
}

func (c *conn) CompanyByNumber(ctx context.Context, ws string, number int64) (*desk.Company, error) {
	return c.company(ctx, fmt.Sprintf("company #%d", number), `workspace_id = $1 AND number = $2`, ws, number)
}

func (c *conn) CompanyByName(ctx context.Context, ws, name string) (*desk.Company, error) {
	return c.company(ctx, "company "+name, `workspace_id = $1 AND name = $2`, ws, name)
}

func (c *conn) CreateCompany(ctx context.Context, co *desk.Company) error {
	n, err := c.nextNumber(ctx, co.WorkspaceID, "company")
	if err != nil {
		return err
	}
	co.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO companies (`+companyCols+`) VALUES ($1, $2, $3, $4, $5)`,
		co.ID, co.WorkspaceID, co.Number, co.Name, ms(co.CreatedAt))
	return c.mapErr(err, "create company")
}

func (c *conn) ContactProfile(ctx context.Context, ws, contactID string) (*desk.ContactProfile, error) {
	p := desk.ContactProfile{WorkspaceID: ws, ContactID: contactID}
	var updated int64
	err := c.q.QueryRowContext(ctx, `SELECT company_id, fixed_phone, position, note, updated_at
		FROM contact_profiles WHERE workspace_id = $1 AND contact_id = $2`, ws, contactID).
		Scan(ns(&p.CompanyID), &p.FixedPhone, &p.Position, &p.Note, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return &p, nil
	}
	if err != nil {
		return nil, c.mapErr(err, "profile of contact "+contactID)
	}
	p.UpdatedAt = msToTime(updated)
	return &p, nil
}

func (c *conn) PutContactProfile(ctx context.Context, p *desk.ContactProfile) error {
	_, err := c.q.ExecContext(ctx, `INSERT INTO contact_profiles (contact_id, workspace_id, company_id, fixed_phone,
		position, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (contact_id) DO UPDATE SET company_id = excluded.company_id, fixed_phone = excluded.fixed_phone,
		position = excluded.position, note = excluded.note, updated_at = excluded.updated_at`,
		p.ContactID, p.WorkspaceID, nullIfEmpty(p.CompanyID), p.FixedPhone, p.Position, p.Note, ms(p.UpdatedAt))
	return c.mapErr(err, "put profile of contact "+p.ContactID)
}

func (c *conn) MessageByNumber(ctx context.Context, ws string, number int64) (*desk.Message, error) {
	var m desk.Message
	err := scanMessage(c.q.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE workspace_id = $1 AND number = $2`,
		ws, number), &m)
	if err != nil {
		return nil, c.mapErr(err, fmt.Sprintf("message #%d", number))
	}
	return &m, nil
}

func (c *conn) AttachmentByNumber(ctx context.Context, ws string, number int64) (*desk.Attachment, error) {
	var a desk.Attachment
	err := scanAttachment(c.q.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND number = $2`,
		ws, number), &a)
	if err != nil {
		return nil, c.mapErr(err, fmt.Sprintf("attachment #%d", number))
	}
	return &a, nil
}
