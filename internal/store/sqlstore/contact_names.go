package sqlstore

import (
	"context"

	"github.com/ticketd/ticketd/internal/desk"
)

// ContactNames returns ws's contacts of ids with only what names them in
// a list (ID, WorkspaceID, Number, Name, Email, Phone): one query, where
// ContactsByID also reads custom fields, meta and every identity. The
// desk's inbox rows need no more (internal/web).
func (c *conn) ContactNames(ctx context.Context, ws string, ids []string) (map[string]*desk.Contact, error) {
	return byID(ctx, c, "contact names", `SELECT c.id, c.workspace_id, c.number, c.name, c.email, c.phone FROM contacts c WHERE c.id IN (%s)`,
		ws, ids, func(r rowScanner, ct *desk.Contact) error {
			return r.Scan(&ct.ID, &ct.WorkspaceID, &ct.Number, &ct.Name, &ct.Email, &ct.Phone)
		}, func(ct *desk.Contact) (string, string) { return ct.ID, ct.WorkspaceID })
}
