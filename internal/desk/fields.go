package desk

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/ticketd/ticketd/internal/objectid"
)

// FieldTypes lists the custom-field types a definition may have.
var FieldTypes = []string{"text", "textarea", "number", "checkbox", "radiobutton", "select", "list", "cascade",
	"boolean", "datetime", "attachment", "payment", "table"}

var fieldKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// PutFieldDef defines (or redefines) a custom field of ws.
func (s *Service) PutFieldDef(ctx context.Context, ws string, d FieldDef) (*FieldDef, error) {
	if d.Scope != "ticket" && d.Scope != "contact" {
		return nil, OneOf("scope", d.Scope, "ticket", "contact")
	}
	if !fieldKey.MatchString(d.Key) {
		return nil, Invalid("key", CodeFormat, Params{Value: d.Key, Format: fieldKey.String()})
	}
	if !slices.Contains(FieldTypes, d.Type) {
		return nil, OneOf("type", d.Type, FieldTypes...)
	}
	for i, o := range d.Options {
		if o.ID == "" {
			return nil, Required(fmt.Sprintf("options[%d].id", i))
		}
	}
	now := s.now()
	d.ID, d.WorkspaceID, d.CreatedAt = objectid.New(now), ws, now
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.PutFieldDef(ctx, &d) }); err != nil {
		return nil, fmt.Errorf("define field %s: %w", d.Key, err)
	}
	return &d, nil
}

// ActManageFields defines, redefines or deletes custom fields: admins only
// (CallerMay decides it).
const ActManageFields Action = "manage_fields"

// DeleteFieldDef removes the definition of custom field key of scope, for
// caller c (an admin); ErrNotFound when there is none.
//
// Values tickets and contacts hold under the key are kept as stored, not
// rewritten: deleting a definition is one row, whatever the number of
// tickets, and defining the key again brings them back (a mistake costs
// no customer data). Until then they are no longer shown in the desk's
// field panel nor validated, and the API still returns them in
// custom_fields. With the scope's last definition gone, the scope accepts
// any key again (checkFields). docs/api.md, "Custom fields", says so.
func (s *Service) DeleteFieldDef(ctx context.Context, ws string, c Caller, scope, key string) error {
	if err := CallerMay(c, ActManageFields); err != nil {
		return err
	}
	if scope != "ticket" && scope != "contact" {
		return OneOf("scope", scope, "ticket", "contact")
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.DeleteFieldDef(ctx, ws, scope, key) }); err != nil {
		return fmt.Errorf("delete field %s/%s: %w", scope, key, err)
	}
	return nil
}
