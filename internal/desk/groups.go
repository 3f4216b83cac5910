package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// MaxGroupDescription bounds a group's description.
const MaxGroupDescription = 2000

// GroupPatch changes a group; nil fields stay.
type GroupPatch struct {
	Name         *string
	Description  *string
	SupervisorID *string // "" removes the supervisor
}

// UpdateGroup renames a group, describes it or changes its supervisor.
func (s *Service) UpdateGroup(ctx context.Context, ws, id string, p GroupPatch) (*Group, error) {
	var out *Group
	err := s.Store.Update(ctx, func(tx Tx) error {
		g, err := tx.Group(ctx, ws, id)
		if err != nil {
			return err
		}
		if p.Name != nil {
			name := strings.TrimSpace(*p.Name)
			if name == "" {
				return Required("name")
			}
			if name != g.Name {
				if _, err := tx.GroupByName(ctx, ws, name); err == nil {
					return Taken("name", "group")
				} else if !errors.Is(err, ErrNotFound) {
					return err
				}
			}
			g.Name = name
		}
		if p.Description != nil {
			if len(*p.Description) > MaxGroupDescription {
				return TooLong("description", MaxGroupDescription)
			}
			g.Description = strings.TrimSpace(*p.Description)
		}
		if p.SupervisorID != nil {
			if *p.SupervisorID != "" {
				if _, err := tx.Agent(ctx, ws, *p.SupervisorID); err != nil {
					if errors.Is(err, ErrNotFound) {
						return NoRef("supervisor_id", "agent", *p.SupervisorID)
					}
					return err
				}
			}
			g.SupervisorID = *p.SupervisorID
		}
		out = g
		return tx.UpdateGroup(ctx, g)
	})
	if err != nil {
		return nil, fmt.Errorf("update group %s: %w", id, err)
	}
	return out, nil
}

// DeleteGroup removes a group that no ticket names, whatever the ticket's
// status: a ticket's group is part of its history (reports, the timeline),
// so a group that ever held a ticket is kept — rename it instead — and the
// refusal says how many tickets hold it (CodeNotEmpty). Its members stay
// agents, without it; channel accounts that routed into it route to the
// general queue.
func (s *Service) DeleteGroup(ctx context.Context, ws, id string) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		if s.Router != nil {
			// Group memberships feed routing: lock as routing does.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		g, err := tx.Group(ctx, ws, id)
		if err != nil {
			return err
		}
		n, err := tx.GroupTickets(ctx, ws, g.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return &FieldError{Err: ErrConflict, Code: CodeNotEmpty, Params: Params{Entity: "group", Ref: g.ID, Count: n}}
		}
		return tx.DeleteGroup(ctx, ws, g.ID)
	})
	if err != nil {
		return fmt.Errorf("delete group %s: %w", id, err)
	}
	return nil
}
