package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/ticketd/ticketd/internal/desk"
)

const contactCols = `c.id, c.workspace_id, c.number, c.name, c.first_name, c.last_name, c.email, c.phone,
	c.national_id, c.external_id, c.custom_fields, c.meta, c.created_at, c.updated_at`

func scanContact(r rowScanner, ct *desk.Contact) error { return scanContactWith(r, ct) }

// scanContactWith scans a contact's columns and then more.
func scanContactWith(r rowScanner, ct *desk.Contact, more ...any) error {
	var created, updated int64
	err := r.Scan(append([]any{&ct.ID, &ct.WorkspaceID, &ct.Number, &ct.Name, &ct.FirstName, &ct.LastName, &ct.Email, &ct.Phone,
		&ct.NationalID, &ct.ExternalID, js(&ct.CustomFields), js(&ct.Meta), &created, &updated}, more...)...)
	ct.CreatedAt, ct.UpdatedAt = msToTime(created), msToTime(updated)
	return err
}

// contactColCount is how many columns contactCols names.
const contactColCount = 14

// contact reads one contact and its identities in one statement: each
// identity is a row, the contact's columns repeated on each (a contact has
// a few identities) and decoded from the first. The rows come in no
// order; identities are put in theirs here (ordering in SQL would sort in
// a temporary B-tree, the read's largest cost).
func (c *conn) contact(ctx context.Context, what, where string, args ...any) (*desk.Contact, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+contactCols+`, i.position, i.channel, i.external_id, i.page_id, i.screen_name, i.display_name
		FROM contacts c LEFT JOIN contact_identities i ON i.contact_id = c.id AND i.workspace_id = c.workspace_id
		WHERE `+where, args...)
	if err != nil {
		return nil, c.mapErr(err, what)
	}
	defer rows.Close()
	var (
		ct   *desk.Contact
		pos  []int64
		skip []any // the contact's columns after the first row
	)
	for rows.Next() {
		var (
			p  sql.NullInt64
			ch sql.NullString
			id desk.Identity
		)
		ident := []any{&p, &ch, ns(&id.ExternalID), ns(&id.PageID), ns(&id.ScreenName), ns(&id.DisplayName)}
		if ct == nil {
			ct = &desk.Contact{}
			err = scanContactWith(rows, ct, ident...)
		} else {
			if skip == nil {
				for range contactColCount {
					skip = append(skip, new(sql.RawBytes))
				}
			}
			err = rows.Scan(append(skip, ident...)...)
		}
		if err != nil {
			return nil, c.mapErr(err, what)
		}
		if p.Valid {
			id.Channel = desk.Channel(ch.String)
			ct.Identities = append(ct.Identities, id)
			pos = append(pos, p.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, c.mapErr(err, what)
	}
	if ct == nil {
		return nil, fmt.Errorf("%s: %w", what, desk.ErrNotFound)
	}
	sort.Sort(byPosition{ct.Identities, pos})
	return ct, nil
}

// byPosition sorts identities by their stored positions.
type byPosition struct {
	ids []desk.Identity
	pos []int64
}

func (b byPosition) Len() int           { return len(b.ids) }
func (b byPosition) Less(i, j int) bool { return b.pos[i] < b.pos[j] }
func (b byPosition) Swap(i, j int) {
	b.ids[i], b.ids[j] = b.ids[j], b.ids[i]
	b.pos[i], b.pos[j] = b.pos[j], b.pos[i]
}

func (c *conn) Contact(ctx context.Context, ws, id string) (*desk.Contact, error) {
	return c.contact(ctx, "contact "+id, `c.workspace_id = $1 AND c.id = $2`, ws, id)
}

func (c *conn) ContactByNumber(ctx context.Context, ws string, number int64) (*desk.Contact, error) {
	return c.contact(ctx, fmt.Sprintf("contact #%d", number), `c.workspace_id = $1 AND c.number = $2`, ws, number)
}

func (c *conn) Contacts(ctx context.Context, ws string, f desk.ContactFilter) ([]desk.Contact, error) {
	q := `SELECT ` + contactCols + ` FROM contacts c WHERE c.workspace_id = $1`
	args := []any{ws}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	// The equality filters name a contact or two: "+ 0" below keeps
	// SQLite (no statistics) from walking the workspace in number order
	// to skip a sort, and "<> ''" lets it use the partial indexes.
	order := "c.number"
	if f.NationalID != "" {
		add("c.national_id = $%d AND c.national_id <> ''", f.NationalID)
		order = "c.number + 0"
	}
	if f.Email != "" {
		add("c.email = $%d AND c.email <> ''", f.Email)
		order = "c.number + 0"
	}
	if f.Phone != "" {
		add("c.phone = $%d AND c.phone <> ''", f.Phone)
		order = "c.number + 0"
	}
	if id := f.Identity; id != nil {
		// A scalar subquery (an identity names one contact: unique index
		// contact_identities_unique) is a primary-key lookup; the
		// correlated EXISTS it replaces scanned the workspace's contacts.
		cond := `c.id = (SELECT i.contact_id FROM contact_identities i WHERE i.workspace_id = $1`
		args = append(args, id.Channel, id.ExternalID)
		cond += fmt.Sprintf(` AND i.channel = $%d AND i.external_id = $%d`, len(args)-1, len(args))
		if id.PageID != "" {
			args = append(args, id.PageID)
			cond += fmt.Sprintf(` AND i.page_id = $%d`, len(args))
		}
		q += " AND " + cond + ")"
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q += fmt.Sprintf(` ORDER BY %s LIMIT %d`, order, limit)
	rows, err := c.q.QueryContext(ctx, q, args...)
	out, err := collect(rows, err, func(r *sql.Rows, ct *desk.Contact) error { return scanContact(r, ct) })
	if err != nil {
		return nil, c.mapErr(err, "contacts")
	}
	ptrs := make([]*desk.Contact, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, c.loadIdentities(ctx, ptrs)
}

// loadIdentities fills the identities of cts in one query.
func (c *conn) loadIdentities(ctx context.Context, cts []*desk.Contact) error {
	if len(cts) == 0 {
		return nil
	}
	byID := make(map[string]*desk.Contact, len(cts))
	args := make([]any, 0, len(cts)+1)
	args = append(args, cts[0].WorkspaceID)
	in := ""
	for _, ct := range cts {
		byID[ct.ID] = ct
		args = append(args, ct.ID)
		if in != "" {
			in += ","
		}
		in += fmt.Sprintf("$%d", len(args))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT contact_id, channel, external_id, page_id, screen_name, display_name
		FROM contact_identities WHERE workspace_id = $1 AND contact_id IN (`+in+`) ORDER BY contact_id, position`, args...)
	if err != nil {
		return c.mapErr(err, "contact identities")
	}
	defer rows.Close()
	for rows.Next() {
		var cid string
		var id desk.Identity
		if err := rows.Scan(&cid, &id.Channel, &id.ExternalID, &id.PageID, &id.ScreenName, &id.DisplayName); err != nil {
			return c.mapErr(err, "contact identities")
		}
		byID[cid].Identities = append(byID[cid].Identities, id)
	}
	return c.mapErr(rows.Err(), "contact identities")
}

func (c *conn) CreateContact(ctx context.Context, ct *desk.Contact) error {
	n, err := c.nextNumber(ctx, ct.WorkspaceID, "contact")
	if err != nil {
		return err
	}
	ct.Number = n
	_, err = c.q.ExecContext(ctx, `INSERT INTO contacts (id, workspace_id, number, name, first_name, last_name, email, phone,
		national_id, external_id, custom_fields, meta, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		ct.ID, ct.WorkspaceID, ct.Number, ct.Name, ct.FirstName, ct.LastName, ct.Email, ct.Phone,
		ct.NationalID, ct.ExternalID, js(nonNil(ct.CustomFields)), metaJSON(ct.Meta), ms(ct.CreatedAt), ms(ct.UpdatedAt))
	if err != nil {
		return c.mapErr(err, "create contact")
	}
	return c.addIdentities(ctx, ct)
}

func (c *conn) UpdateContact(ctx context.Context, ct *desk.Contact) error {
	res, err := c.q.ExecContext(ctx, `UPDATE contacts SET name = $3, first_name = $4, last_name = $5, email = $6, phone = $7,
		national_id = $8, external_id = $9, custom_fields = $10, meta = $11, updated_at = $12 WHERE workspace_id = $1 AND id = $2`,
		ct.WorkspaceID, ct.ID, ct.Name, ct.FirstName, ct.LastName, ct.Email, ct.Phone,
		ct.NationalID, ct.ExternalID, js(nonNil(ct.CustomFields)), metaJSON(ct.Meta), ms(ct.UpdatedAt))
	if err := c.affected(res, err, "update contact "+ct.ID); err != nil {
		return err
	}
	return c.setIdentities(ctx, ct)
}

func (c *conn) setIdentities(ctx context.Context, ct *desk.Contact) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM contact_identities WHERE contact_id = $1`, ct.ID); err != nil {
		return c.mapErr(err, "clear identities")
	}
	return c.addIdentities(ctx, ct)
}

// addIdentities inserts ct's identities (a new contact has none to clear).
func (c *conn) addIdentities(ctx context.Context, ct *desk.Contact) error {
	for i, id := range ct.Identities {
		_, err := c.q.ExecContext(ctx, `INSERT INTO contact_identities (workspace_id, contact_id, position, channel, external_id,
			page_id, screen_name, display_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			ct.WorkspaceID, ct.ID, i, id.Channel, id.ExternalID, id.PageID, id.ScreenName, id.DisplayName)
		if err != nil {
			// Migration 0015: one identity names one contact. Say which,
			// in the project's words (never the driver's).
			err = c.mapErr(err, "add identity "+string(id.Channel)+"/"+id.ExternalID)
			if errors.Is(err, desk.ErrConflict) {
				fe := desk.Taken("identities", "contact")
				fe.Params.Value = string(id.Channel) + "/" + id.ExternalID
				return fe
			}
			return err
		}
	}
	return nil
}
