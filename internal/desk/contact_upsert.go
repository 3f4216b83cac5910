package desk

import (
	"context"
	"fmt"
	"strings"
)

// UpsertContactByPhone finds the contact of ws with this phone number, or
// creates it from in, in one transaction. A contact found keeps what it
// has; only its empty details (name, e-mail, profile fields) are filled
// from in and prof. created reports whether the contact is new.
func (s *Service) UpsertContactByPhone(ctx context.Context, ws string, in NewContact, prof ProfilePatch) (c *Contact, created bool, err error) {
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Phone == "" {
		return nil, false, fmt.Errorf("%w: a phone number is required", ErrInvalid)
	}
	if len(in.Phone) > 64 || len(in.Name) > maxProfileText || len(in.Email) > maxProfileText {
		return nil, false, fmt.Errorf("%w: contact detail too long", ErrInvalid)
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		found, err := tx.Contacts(ctx, ws, ContactFilter{Phone: in.Phone, Limit: 1})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			if c, err = s.buildContact(in); err != nil {
				return err
			}
			c.WorkspaceID = ws
			if err := s.checkFields(ctx, tx, ws, "contact", c.CustomFields); err != nil {
				return err
			}
			if err := tx.CreateContact(ctx, c); err != nil {
				return err
			}
			created = true
		} else {
			c = &found[0]
			changed := false
			if c.Name == "" && strings.TrimSpace(in.Name) != "" {
				c.Name, changed = strings.TrimSpace(in.Name), true
			}
			if c.Email == "" && normEmail(in.Email) != "" {
				c.Email, changed = normEmail(in.Email), true
			}
			if changed {
				c.UpdatedAt = s.now()
				if err := tx.UpdateContact(ctx, c); err != nil {
					return err
				}
			}
		}
		return s.fillProfile(ctx, tx, ws, c.ID, prof)
	})
	if err != nil {
		return nil, false, fmt.Errorf("upsert contact by phone: %w", err)
	}
	return c, created, nil
}

// fillProfile sets the profile fields of prof that the contact's profile
// leaves empty.
func (s *Service) fillProfile(ctx context.Context, tx Tx, ws, contactID string, prof ProfilePatch) error {
	cur, err := tx.ContactProfile(ctx, ws, contactID)
	if err != nil {
		return err
	}
	var p ProfilePatch
	keep := func(have string, want *string) *string {
		if have != "" || want == nil || strings.TrimSpace(*want) == "" {
			return nil
		}
		return want
	}
	p.CompanyID = keep(cur.CompanyID, prof.CompanyID)
	p.FixedPhone = keep(cur.FixedPhone, prof.FixedPhone)
	p.QQ = keep(cur.QQ, prof.QQ)
	p.Position = keep(cur.Position, prof.Position)
	p.Note = keep(cur.Note, prof.Note)
	if p == (ProfilePatch{}) {
		return nil
	}
	_, err = s.patchProfile(ctx, tx, ws, contactID, p)
	return err
}
