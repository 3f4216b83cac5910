package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ContactPatch changes a contact; nil fields stay. CustomFields merge by
// key; Identities, when set, replace the contact's list.
type ContactPatch struct {
	Name, FirstName, LastName *string
	Email, Phone              *string
	NationalID, ExternalID    *string
	CustomFields              Fields
	Identities                *[]Identity
}

// UpdateContact changes a customer's details. An identity another contact
// holds is refused (taken); custom fields are checked against the
// workspace's contact field definitions.
func (s *Service) UpdateContact(ctx context.Context, ws, id string, p ContactPatch) (*Contact, error) {
	if len(p.CustomFields) > MaxFields {
		return nil, TooMany("custom_fields", MaxFields)
	}
	var out *Contact
	err := s.Store.Update(ctx, func(tx Tx) error {
		c, err := tx.Contact(ctx, ws, id)
		if err != nil {
			return err
		}
		set := func(dst *string, v *string, norm func(string) string) {
			if v != nil {
				*dst = norm(*v)
			}
		}
		set(&c.Name, p.Name, strings.TrimSpace)
		set(&c.FirstName, p.FirstName, strings.TrimSpace)
		set(&c.LastName, p.LastName, strings.TrimSpace)
		set(&c.Email, p.Email, normEmail)
		set(&c.Phone, p.Phone, strings.TrimSpace)
		set(&c.NationalID, p.NationalID, NormalizeNationalID)
		set(&c.ExternalID, p.ExternalID, func(s string) string { return s })
		if p.Name != nil && c.Name == "" {
			c.Name = strings.TrimSpace(c.FirstName + " " + c.LastName)
		}
		if len(p.CustomFields) > 0 {
			if err := s.checkFields(ctx, tx, ws, "contact", p.CustomFields); err != nil {
				return err
			}
			for _, f := range p.CustomFields {
				c.CustomFields = c.CustomFields.Set(f)
			}
			if len(c.CustomFields) > MaxFields {
				return TooMany("custom_fields", MaxFields)
			}
		}
		if p.Identities != nil {
			// buildContact holds the identity rules (known channel, an
			// external id, none twice).
			b, err := s.buildContact(NewContact{Identities: *p.Identities})
			if err != nil {
				return err
			}
			c.Identities = b.Identities
		}
		c.UpdatedAt = s.now()
		out = c
		return tx.UpdateContact(ctx, c)
	})
	if err != nil {
		return nil, fmt.Errorf("update contact %s: %w", id, err)
	}
	return out, nil
}

// ActMergeContacts merges one contact into another (not a ticket action:
// CallerMay decides it).
const ActMergeContacts Action = "merge_contacts"

// MergeContacts merges contact fromID into intoID, supervisors and admins
// only: every ticket of fromID becomes intoID's, each with a field_changed
// event (field "contact", reason "merged contact #N into #M") the timeline
// and the event feed show; intoID keeps its own values and takes the
// identities, details, profile fields and custom-field keys it lacks, and
// authorship of fromID's messages; fromID is deleted, the merge recorded
// (contact_merges). It answers the surviving contact and how many tickets
// moved.
func (s *Service) MergeContacts(ctx context.Context, ws string, c Caller, actor Actor, intoID, fromID string) (*Contact, int, error) {
	if err := CallerMay(c, ActMergeContacts); err != nil {
		return nil, 0, err
	}
	if fromID == "" {
		return nil, 0, Required("from")
	}
	if fromID == intoID {
		return nil, 0, Invalid("from", CodeNotAllowed, Params{Value: fromID})
	}
	var out *Contact
	moved := 0
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		moved = 0
		into, err := tx.Contact(ctx, ws, intoID)
		if err != nil {
			return err
		}
		from, err := tx.Contact(ctx, ws, fromID)
		if err != nil {
			return NoRef("from", "contact", fromID)
		}
		reason := fmt.Sprintf("merged contact #%d into #%d", from.Number, into.Number)
		var after *Cursor
		for {
			ts, err := tx.Tickets(ctx, ws, TicketFilter{ContactID: from.ID, Order: OrderNumberAsc, After: after, Limit: 500})
			if err != nil {
				return err
			}
			for i := range ts {
				t, err := tx.LockTicket(ctx, ws, ts[i].ID)
				if err != nil {
					return err
				}
				if err := s.Record(ctx, tx, ch, t, actor, EventFieldChanged, from.ID, into.ID, "contact"); err != nil {
					return err
				}
				t.ContactID, t.UpdatedAt = into.ID, s.now()
				if err := tx.UpdateTicket(ctx, t); err != nil {
					return err
				}
				moved++
			}
			if len(ts) < 500 {
				break
			}
			c := ts[len(ts)-1].CursorIn(OrderNumberAsc)
			after = &c
		}
		if err := mergeProfile(ctx, tx, ws, into.ID, from.ID, s.now()); err != nil {
			return err
		}
		if _, err := tx.MergeContact(ctx, ws, into.ID, from.ID, reason, s.now()); err != nil {
			return err
		}
		if out, err = tx.Contact(ctx, ws, into.ID); err != nil {
			return err
		}
		// Door values the survivor lacks come along, field by field.
		if fillMeta(&out.Meta, from.Meta) {
			return tx.UpdateContact(ctx, out)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("merge contact %s into %s: %w", fromID, intoID, err)
	}
	return out, moved, nil
}

// mergeProfile fills into's profile (company, landline, position, note)
// from from's where into's is empty.
func mergeProfile(ctx context.Context, tx Tx, ws, into, from string, now time.Time) error {
	theirs, err := tx.ContactProfile(ctx, ws, from)
	if err != nil {
		return err
	}
	if *theirs == (ContactProfile{ContactID: theirs.ContactID, WorkspaceID: theirs.WorkspaceID}) {
		return nil
	}
	mine, err := tx.ContactProfile(ctx, ws, into)
	if err != nil {
		return err
	}
	before := *mine
	for _, f := range []struct {
		have  *string
		other string
	}{{&mine.CompanyID, theirs.CompanyID},
		{&mine.FixedPhone, theirs.FixedPhone}, {&mine.Position, theirs.Position}, {&mine.Note, theirs.Note}} {
		if *f.have == "" {
			*f.have = f.other
		}
	}
	if *mine == before {
		return nil
	}
	mine.ContactID, mine.WorkspaceID, mine.UpdatedAt = into, ws, now
	return tx.PutContactProfile(ctx, mine)
}
