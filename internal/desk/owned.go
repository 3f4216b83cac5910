package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Saved replies and macros are owned the same way: a personal one belongs
// to its owner and only the owner sees it; a shared one (no owner) is the
// workspace's, seen by every agent and managed by supervisors and admins
// (ActShareReply). ownedKind holds what differs between them, so that the
// rules and the CRUD around them are written once.
type ownedKind[T any] struct {
	noun  string          // in error context: "saved reply", "macro"
	owner func(*T) string // "" = shared
	name  func(*T) string
	// check validates and normalizes an item before it is written;
	// before is the item as stored (an update) or nil (a new one).
	check func(it, before *T) error
	// touch sets the update time of a changed item.
	touch  func(*T, time.Time)
	read   func(ctx context.Context, r Reader, ws, id string) (*T, error)
	create func(ctx context.Context, tx Tx, it *T) error
	update func(ctx context.Context, tx Tx, it *T) error
	delete func(ctx context.Context, tx Tx, ws, id string) error
}

// mayManageOwned decides whether c may change or delete an item owned by
// owner: its owner, or for a shared one a supervisor or admin. A personal
// item of someone else is not found, as if it did not exist.
func mayManageOwned(c Caller, owner string) error {
	if owner == "" {
		return CallerMay(c, ActShareReply)
	}
	if owner != c.AgentID {
		return ErrNotFound
	}
	return nil
}

// ownerFor is the owner of a new item c creates: nobody for a shared one
// (supervisors and admins only), else c's agent.
func ownerFor(c Caller, shared bool) (string, error) {
	if shared {
		if err := CallerMay(c, ActShareReply); err != nil {
			return "", err
		}
		return "", nil
	}
	if c.AgentID == "" {
		return "", Required("owner")
	}
	return c.AgentID, nil
}

// checkOwnedLimit checks a list's limit: at most max and one more (which
// tells a door whether a next page exists).
func checkOwnedLimit(limit, max int) error {
	if limit <= 0 || limit > max+1 {
		return Invalid("limit", CodeRange, Params{Min: 1, Max: max})
	}
	return nil
}

// createOwned checks and writes a new item.
func (k ownedKind[T]) createOwned(ctx context.Context, s *Service, it *T) error {
	if err := k.check(it, nil); err != nil {
		return err
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return k.create(ctx, tx, it) }); err != nil {
		return fmt.Errorf("create %s %q: %w", k.noun, k.name(it), err)
	}
	return nil
}

// readOwned reads an item c may see: shared, or its own.
func (k ownedKind[T]) readOwned(ctx context.Context, s *Service, ws string, c Caller, id string) (*T, error) {
	if !objectid.Valid(id) {
		return nil, fmt.Errorf("%s %q: %w", k.noun, id, ErrNotFound)
	}
	it, err := k.read(ctx, s.Store, ws, id)
	if err != nil {
		return nil, err
	}
	if o := k.owner(it); o != "" && o != c.AgentID {
		return nil, fmt.Errorf("%s %s: %w", k.noun, id, ErrNotFound)
	}
	return it, nil
}

// updateOwned changes an item c may manage: apply sets the patch's
// fields, then the item is checked, stamped and written.
func (k ownedKind[T]) updateOwned(ctx context.Context, s *Service, ws string, c Caller, id string, apply func(it *T)) (*T, error) {
	var out *T
	err := s.Store.Update(ctx, func(tx Tx) error {
		it, err := k.read(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManageOwned(c, k.owner(it)); err != nil {
			return err
		}
		before := *it
		apply(it)
		if err := k.check(it, &before); err != nil {
			return err
		}
		k.touch(it, s.now())
		out = it
		return k.update(ctx, tx, it)
	})
	if err != nil {
		return nil, fmt.Errorf("update %s %s: %w", k.noun, id, err)
	}
	return out, nil
}

// deleteOwned removes an item c may manage.
func (k ownedKind[T]) deleteOwned(ctx context.Context, s *Service, ws string, c Caller, id string) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		it, err := k.read(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if err := mayManageOwned(c, k.owner(it)); err != nil {
			return err
		}
		return k.delete(ctx, tx, ws, id)
	})
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", k.noun, id, err)
	}
	return nil
}

// setIf sets *dst to *v when v is set (a patch's field).
func setIf[V any](dst, v *V) {
	if v != nil {
		*dst = *v
	}
}
