package desk

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
)

// Bounds of a history read: how many of a customer's tickets are looked at,
// and how many messages one read may return.
const (
	MaxHistoryTickets  = 1000
	MaxHistoryMessages = 1000
)

// HistoryFilter says whose conversation history to read.
type HistoryFilter struct {
	// Identity is the customer: a channel and the customer's id on it. Only
	// tickets on that channel count.
	Identity Identity
	// Keep, when set, narrows the tickets (e.g. to one channel account).
	Keep func(*Ticket) bool
	// Limit is how many messages to return (1..MaxHistoryMessages).
	Limit int
}

// HistoryItem is one message with the ticket it belongs to.
type HistoryItem struct {
	Message Message
	Ticket  *Ticket
}

// History returns the newest public messages exchanged with a customer
// across all of its tickets on one channel, newest first. It walks the
// customer's tickets most recently updated first and stops as soon as no
// remaining ticket can hold a newer message than those already kept (a
// ticket's messages are never newer than its last update).
func (s *Service) History(ctx context.Context, ws string, f HistoryFilter) ([]HistoryItem, error) {
	if f.Limit <= 0 || f.Limit > MaxHistoryMessages {
		return nil, Invalid("limit", CodeRange, Params{Min: 1, Max: MaxHistoryMessages})
	}
	ident := f.Identity
	contacts, err := s.Store.Contacts(ctx, ws, ContactFilter{Identity: &Identity{Channel: ident.Channel, ExternalID: ident.ExternalID}})
	if err != nil {
		return nil, fmt.Errorf("history of %s/%s: %w", ident.Channel, ident.ExternalID, err)
	}
	kept := &historyHeap{}
	seen := 0
	for _, c := range contacts {
		tf := TicketFilter{ContactID: c.ID, Channels: []Channel{ident.Channel}, Order: OrderUpdatedDesc, Limit: 50}
		for seen < MaxHistoryTickets {
			batch, err := s.Store.Tickets(ctx, ws, tf)
			if err != nil {
				return nil, fmt.Errorf("history of %s/%s: %w", ident.Channel, ident.ExternalID, err)
			}
			done := false
			for i := range batch {
				t := &batch[i]
				seen++
				if kept.Len() == f.Limit && t.UpdatedAt.Before((*kept)[0].Message.CreatedAt) {
					done = true
					break
				}
				if f.Keep != nil && !f.Keep(t) {
					continue
				}
				msgs, err := s.Store.Messages(ctx, ws, t.ID, MessageFilter{PublicOnly: true, NewestFirst: true, Limit: f.Limit})
				if err != nil {
					return nil, fmt.Errorf("history of %s/%s: %w", ident.Channel, ident.ExternalID, err)
				}
				for _, m := range msgs {
					it := HistoryItem{Message: m, Ticket: t}
					if kept.Len() < f.Limit {
						heap.Push(kept, it)
					} else if newer(it, (*kept)[0]) {
						(*kept)[0] = it
						heap.Fix(kept, 0)
					}
				}
			}
			if done || len(batch) < tf.Limit {
				break
			}
			last := batch[len(batch)-1]
			cur := last.CursorIn(tf.Order)
			tf.After = &cur
		}
	}
	out := slices.Clone(*kept)
	slices.SortFunc(out, func(a, b HistoryItem) int {
		if newer(a, b) {
			return -1
		}
		if newer(b, a) {
			return 1
		}
		return 0
	})
	return out, nil
}

// newer orders messages by creation time, then by number.
func newer(a, b HistoryItem) bool {
	if !a.Message.CreatedAt.Equal(b.Message.CreatedAt) {
		return a.Message.CreatedAt.After(b.Message.CreatedAt)
	}
	return a.Message.Number > b.Message.Number
}

// historyHeap keeps the oldest kept message on top, to be evicted first.
type historyHeap []HistoryItem

func (h historyHeap) Len() int           { return len(h) }
func (h historyHeap) Less(i, j int) bool { return newer(h[j], h[i]) }
func (h historyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *historyHeap) Push(x any)        { *h = append(*h, x.(HistoryItem)) }
func (h *historyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ContactsByExternalID finds the contacts that have an identity with this
// external id on any channel, for callers that know a customer's id but
// not its channel.
func (s *Service) ContactsByExternalID(ctx context.Context, ws, externalID string) ([]Contact, error) {
	var out []Contact
	seen := map[string]bool{}
	for _, ch := range Channels {
		cs, err := s.Store.Contacts(ctx, ws, ContactFilter{Identity: &Identity{Channel: ch, ExternalID: externalID}})
		if err != nil {
			return nil, fmt.Errorf("contacts with id %q: %w", externalID, err)
		}
		for _, c := range cs {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}
