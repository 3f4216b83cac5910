package storetest

import (
	"context"
	"sync/atomic"

	"github.com/ticketd/ticketd/internal/desk"
)

// CountingStore is a real store that counts the one-at-a-time reads a
// door's list must not repeat per ticket (contact, agent, channel account,
// messages and events by id); the batch reads are not counted.
type CountingStore struct {
	desk.Store
	Reads atomic.Int64
}

func (s *CountingStore) Contact(ctx context.Context, ws, id string) (*desk.Contact, error) {
	s.Reads.Add(1)
	return s.Store.Contact(ctx, ws, id)
}

func (s *CountingStore) Agent(ctx context.Context, ws, id string) (*desk.Agent, error) {
	s.Reads.Add(1)
	return s.Store.Agent(ctx, ws, id)
}

func (s *CountingStore) ChannelAccount(ctx context.Context, ws, id string) (*desk.ChannelAccount, error) {
	s.Reads.Add(1)
	return s.Store.ChannelAccount(ctx, ws, id)
}

func (s *CountingStore) Messages(ctx context.Context, ws, ticketID string, f desk.MessageFilter) ([]desk.Message, error) {
	s.Reads.Add(1)
	return s.Store.Messages(ctx, ws, ticketID, f)
}

func (s *CountingStore) Events(ctx context.Context, ws, ticketID string) ([]desk.Event, error) {
	s.Reads.Add(1)
	return s.Store.Events(ctx, ws, ticketID)
}
