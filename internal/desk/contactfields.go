package desk

import (
	"context"
	"fmt"
)

// SetContactFields merges custom-field values (by key) into a contact,
// validated against the workspace's contact field definitions.
func (s *Service) SetContactFields(ctx context.Context, ws, id string, fs Fields) (*Contact, error) {
	if len(fs) > MaxFields {
		return nil, TooMany("custom_fields", MaxFields)
	}
	var out *Contact
	err := s.Store.Update(ctx, func(tx Tx) error {
		c, err := tx.Contact(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := s.checkFields(ctx, tx, ws, "contact", fs); err != nil {
			return err
		}
		for _, f := range fs {
			c.CustomFields = c.CustomFields.Set(f)
		}
		if len(c.CustomFields) > MaxFields {
			return TooMany("custom_fields", MaxFields)
		}
		c.UpdatedAt = s.now()
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set fields of contact %s: %w", id, err)
	}
	return out, nil
}
