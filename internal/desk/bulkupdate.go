package desk

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MaxBulkUpdate bounds the tickets of one bulk update.
const MaxBulkUpdate = 100

// bulkWorkers bounds the items of one bulk update in flight at once: items
// of different tickets run side by side so the store commits them together
// (one fsync for many on SQLite).
const bulkWorkers = 8

// BulkPatch is the one change a bulk update applies to every ticket: what
// an agent does to many rows of the inbox at once.
type BulkPatch struct {
	Status     *Status
	Priority   *Priority
	AssigneeID *string // "" unassigns
	GroupID    *string // a transfer, as in TicketPatch
	AddTags    []string
	RemoveTags []string
	Force      bool
	Reason     string
}

func (p *BulkPatch) empty() bool {
	return p.Status == nil && p.Priority == nil && p.AssigneeID == nil && p.GroupID == nil &&
		len(p.AddTags) == 0 && len(p.RemoveTags) == 0
}

// BulkResult is one ticket's outcome: the ticket as changed, or why not.
type BulkResult struct {
	ID     string
	Ticket *Ticket
	Err    error
}

// CheckBulk validates a bulk update before any ticket is touched: the list
// (1..MaxBulkUpdate ids, none twice) and the patch (not empty, tags well
// formed). Doors that resolve refs to ids themselves call it on the refs.
func CheckBulk(n int, p BulkPatch) error {
	switch {
	case n == 0:
		return Required("tickets")
	case n > MaxBulkUpdate:
		return TooMany("tickets", MaxBulkUpdate)
	case p.empty():
		return Invalid("patch", CodeRequired, Params{Fields: []string{"status", "priority", "assignee_id", "group_id", "add_tags", "remove_tags"}})
	}
	if _, err := CleanTags(p.AddTags); err != nil {
		return err
	}
	return nil
}

// UpdateTickets applies p to each ticket of ids, each in its own
// transaction and under the caller's permissions on that ticket: a ticket
// that fails (not found, hidden, refused, at capacity) changes nothing and
// does not undo the others. Tags are added to and removed from each
// ticket's own list. Results follow ids' order. An error is returned only
// for a request that is wrong as a whole (CheckBulk); then nothing changed.
func (s *Service) UpdateTickets(ctx context.Context, ws string, c Caller, actor Actor, ids []string, p BulkPatch) ([]BulkResult, error) {
	if err := CheckBulk(len(ids), p); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return nil, Invalid("tickets", CodeDuplicate, Params{Entity: "ticket", Value: id})
		}
		seen[id] = true
	}
	add, _ := CleanTags(p.AddTags)
	remove := dedupe(p.RemoveTags)
	out := make([]BulkResult, len(ids))
	sem := make(chan struct{}, bulkWorkers)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			t, err := s.bulkOne(ctx, ws, c, actor, id, p, add, remove)
			out[i] = BulkResult{ID: id, Ticket: t, Err: err}
		}()
	}
	wg.Wait()
	return out, nil
}

func (s *Service) bulkOne(ctx context.Context, ws string, c Caller, actor Actor, id string, p BulkPatch, add, remove []string) (*Ticket, error) {
	var out *Ticket
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if s.Router != nil && (p.Status != nil || p.AssigneeID != nil || p.GroupID != nil) {
			// May route: the routing lock before the ticket's, as always.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		t, err := tx.LockTicket(ctx, ws, id)
		if err != nil {
			return err
		}
		tp := TicketPatch{Status: p.Status, Priority: p.Priority, AssigneeID: p.AssigneeID, GroupID: p.GroupID,
			ForceAssign: p.Force, Reason: p.Reason, Caller: &c}
		if len(add) > 0 || len(remove) > 0 {
			tags := slices.DeleteFunc(slices.Clone(t.Tags), func(tag string) bool { return slices.Contains(remove, tag) })
			for _, tag := range add {
				if !slices.Contains(tags, tag) && !slices.Contains(remove, tag) {
					tags = append(tags, tag)
				}
			}
			tp.Tags = &tags
		}
		if err := s.ApplyPatch(ctx, tx, ch, t, actor, tp); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bulk update ticket %s: %w", id, err)
	}
	return out, nil
}
