package desk

import (
	"context"
	"fmt"
	"strings"
)

// PhoneContact is a contact named by phone number: the contact of the
// workspace with Contact.Phone, or a new one made from Contact. A contact
// found keeps what it has; only its empty details (name, e-mail, profile
// fields, door values it lacks) are filled from Contact and Profile.
type PhoneContact struct {
	Contact NewContact
	Profile ProfilePatch
}

// UpsertContactByPhone finds or creates the contact of ws with this phone
// number in a transaction of its own (see ContactByPhone). created reports
// whether the contact is new.
func (s *Service) UpsertContactByPhone(ctx context.Context, ws string, in NewContact, prof ProfilePatch) (c *Contact, created bool, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		c, created, err = s.ContactByPhone(ctx, tx, ws, PhoneContact{Contact: in, Profile: prof})
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("upsert contact by phone: %w", err)
	}
	return c, created, nil
}

// ContactByPhone finds or creates the contact pc names inside the caller's
// transaction, so that a change refused later in it leaves no contact
// behind. It takes the workspace's routing lock first (the lock every
// ticket creation takes): two transactions asking for the same new number
// run one after the other and the second finds the first's contact, where
// PostgreSQL would otherwise let both look, find nothing and create two.
func (s *Service) ContactByPhone(ctx context.Context, tx Tx, ws string, pc PhoneContact) (c *Contact, created bool, err error) {
	in := pc.Contact
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Phone == "" {
		return nil, false, Required("phone")
	}
	if len(in.Phone) > 64 {
		return nil, false, TooLong("phone", 64)
	}
	if len(in.Name) > maxProfileText {
		return nil, false, TooLong("name", maxProfileText)
	}
	if len(in.Email) > maxProfileText {
		return nil, false, TooLong("email", maxProfileText)
	}
	if err := tx.LockRouting(ctx, ws); err != nil {
		return nil, false, err
	}
	found, err := tx.Contacts(ctx, ws, ContactFilter{Phone: in.Phone, Limit: 1})
	if err != nil {
		return nil, false, err
	}
	if len(found) == 0 {
		if c, err = s.buildContact(in); err != nil {
			return nil, false, err
		}
		c.WorkspaceID = ws
		if err := s.checkFields(ctx, tx, ws, "contact", c.CustomFields); err != nil {
			return nil, false, err
		}
		if err := tx.CreateContact(ctx, c); err != nil {
			return nil, false, err
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
		if err := checkMeta(in.Meta); err != nil {
			return nil, false, err
		}
		if fillMeta(&c.Meta, in.Meta) {
			changed = true
		}
		if changed {
			c.UpdatedAt = s.now()
			if err := tx.UpdateContact(ctx, c); err != nil {
				return nil, false, err
			}
		}
	}
	if err := s.fillProfile(ctx, tx, ws, c.ID, pc.Profile); err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// takePhoneContact gives the ticket being created (and its first message,
// when written by the contact) the contact pc names, inside the ticket's
// transaction. When PostgreSQL runs the transaction again (a deadlock or
// serialization failure), t and first still name the contact of the
// rolled-back attempt, which may be gone: they take this attempt's.
func (s *Service) takePhoneContact(ctx context.Context, tx Tx, t *Ticket, first *NewMessage, pc *PhoneContact) error {
	prev := t.ContactID // "" on the first attempt
	c, _, err := s.ContactByPhone(ctx, tx, t.WorkspaceID, *pc)
	if err != nil {
		return err
	}
	t.ContactID = c.ID
	if first != nil && first.Author.Kind == ActorContact && (first.Author.ID == "" || first.Author.ID == prev) {
		first.Author.ID = c.ID
		if first.AuthorName == "" {
			first.AuthorName = c.Name
		}
	}
	return nil
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
	p.Position = keep(cur.Position, prof.Position)
	p.Note = keep(cur.Note, prof.Note)
	if p == (ProfilePatch{}) {
		return nil
	}
	_, err = s.patchProfile(ctx, tx, ws, contactID, p)
	return err
}
