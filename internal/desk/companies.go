package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Company is a customer organisation whose people are contacts (business
// to business desks list tickets per company).
type Company struct {
	ID          string
	Number      int64
	WorkspaceID string
	Name        string
	CreatedAt   time.Time
}

// ContactProfile holds a contact's details beyond the core record: the
// company it belongs to and the extra ways to reach it.
type ContactProfile struct {
	WorkspaceID string
	ContactID   string
	CompanyID   string // "" = none
	FixedPhone  string // a landline, beside the contact's mobile Phone
	Position    string
	Note        string
	UpdatedAt   time.Time
}

// Limits on profile text.
const maxProfileText = 1000

// CreateCompany adds a customer company to ws; names are unique.
func (s *Service) CreateCompany(ctx context.Context, ws, name string) (*Company, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, Required("name")
	}
	if len(name) > maxProfileText {
		return nil, TooLong("name", maxProfileText)
	}
	now := s.now()
	c := &Company{ID: objectid.New(now), WorkspaceID: ws, Name: name, CreatedAt: now}
	err := s.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.CompanyByName(ctx, ws, name); err == nil {
			return Taken("name", "company")
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.CreateCompany(ctx, c)
	})
	if err != nil {
		return nil, fmt.Errorf("create company %q: %w", name, err)
	}
	return c, nil
}

// ProfilePatch changes a contact profile; nil fields stay as they are.
type ProfilePatch struct {
	CompanyID  *string // "" leaves the company
	FixedPhone *string
	Position   *string
	Note       *string
}

// UpdateContactProfile changes the profile of a contact.
func (s *Service) UpdateContactProfile(ctx context.Context, ws, contactID string, p ProfilePatch) (*ContactProfile, error) {
	var out *ContactProfile
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		out, err = s.patchProfile(ctx, tx, ws, contactID, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update profile of contact %s: %w", contactID, err)
	}
	return out, nil
}

// patchProfile applies p inside tx.
func (s *Service) patchProfile(ctx context.Context, tx Tx, ws, contactID string, p ProfilePatch) (*ContactProfile, error) {
	if _, err := tx.Contact(ctx, ws, contactID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, NoRef("contact_id", "contact", contactID)
		}
		return nil, err
	}
	pr, err := tx.ContactProfile(ctx, ws, contactID)
	if err != nil {
		return nil, err
	}
	if p.CompanyID != nil && *p.CompanyID != "" {
		if _, err := tx.Company(ctx, ws, *p.CompanyID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, NoRef("company_id", "company", *p.CompanyID)
			}
			return nil, err
		}
	}
	set := func(dst *string, v *string, what string) error {
		if v == nil {
			return nil
		}
		if len(*v) > maxProfileText {
			return TooLong(what, maxProfileText)
		}
		*dst = strings.TrimSpace(*v)
		return nil
	}
	for _, f := range []struct {
		dst  *string
		v    *string
		what string
	}{{&pr.CompanyID, p.CompanyID, "company_id"}, {&pr.FixedPhone, p.FixedPhone, "fixed_phone"},
		{&pr.Position, p.Position, "position"}, {&pr.Note, p.Note, "note"}} {
		if err := set(f.dst, f.v, f.what); err != nil {
			return nil, err
		}
	}
	pr.WorkspaceID, pr.ContactID, pr.UpdatedAt = ws, contactID, s.now()
	if err := tx.PutContactProfile(ctx, pr); err != nil {
		return nil, err
	}
	return pr, nil
}
