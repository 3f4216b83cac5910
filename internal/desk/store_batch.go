package desk

import (
	"context"
	"errors"
)

// BatchReader reads what a page of tickets refers to — contacts, agents,
// channel accounts, messages, events — in one query per kind instead of one
// per ticket, for the doors that render lists. Each answer is keyed by id
// (by ticket id for messages and events); an id that names nothing, or a
// ticket without messages or events, is absent from the map. Empty and
// repeated ids are allowed.
type BatchReader interface {
	// ContactsByID reads contacts of ws, with their identities, as Contact does.
	ContactsByID(ctx context.Context, ws string, ids []string) (map[string]*Contact, error)
	// AgentsByID reads agents of ws as Agent does.
	AgentsByID(ctx context.Context, ws string, ids []string) (map[string]*Agent, error)
	// ChannelAccountsByID reads channel accounts of ws as ChannelAccount does.
	ChannelAccountsByID(ctx context.Context, ws string, ids []string) (map[string]*ChannelAccount, error)
	// MessagesByTicket reads, for each ticket, what Messages(ctx, ws, id, f)
	// answers: the same messages in the same order, with attachments;
	// f.Limit bounds each ticket's list.
	MessagesByTicket(ctx context.Context, ws string, ticketIDs []string, f MessageFilter) (map[string][]Message, error)
	// EventsByTicket reads each ticket's event log as Events does.
	EventsByTicket(ctx context.Context, ws string, ticketIDs []string) (map[string][]Event, error)
}

// FillByID reads into cache, in one call of read (a BatchReader method
// bound to its workspace), the entries of ids that cache does not hold
// yet; empty and repeated ids are skipped, and an id that names nothing is
// cached as nil, as one-at-a-time reads would leave it. Doors that render
// pages keep such caches per request.
func FillByID[T any](cache map[string]*T, ids []string, read func(ids []string) (map[string]*T, error)) error {
	var todo []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := cache[id]; ok || id == "" || seen[id] {
			continue
		}
		seen[id] = true
		todo = append(todo, id)
	}
	if len(todo) == 0 {
		return nil
	}
	got, err := read(todo)
	if err != nil {
		return err
	}
	for _, id := range todo {
		cache[id] = got[id]
	}
	return nil
}

// CachedByID answers cache[id], reading it with read (a Reader method
// bound to its workspace) when cache lacks it. An empty id answers nil; an
// id that names nothing (ErrNotFound) answers nil and is cached so.
func CachedByID[T any](cache map[string]*T, id string, read func(id string) (*T, error)) (*T, error) {
	if id == "" {
		return nil, nil
	}
	if x, ok := cache[id]; ok {
		return x, nil
	}
	x, err := read(id)
	if errors.Is(err, ErrNotFound) {
		x, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	cache[id] = x
	return x, nil
}
