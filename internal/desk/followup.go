package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/ticketd/ticketd/internal/objectid"
)

// isCustomerMessage reports whether m is a public message from a contact:
// the kind of message that reopens a ticket, or opens a follow-up.
func isCustomerMessage(m NewMessage) bool {
	return m.Author.Kind == ActorContact && (m.Public == nil || *m.Public)
}

// followUp opens a ticket for a customer message that arrived on the final
// ticket old, as Zendesk does: the same contact, channel, account, group,
// subject, priority, type, CC and tags, routed like any new ticket, linked
// both ways by a follow_up event. old itself is not changed beyond that
// event. It returns the new ticket and the message.
func (s *Service) followUp(ctx context.Context, tx Tx, ch *Change, old *Ticket, m NewMessage) (*Ticket, *Message, error) {
	now := s.now()
	t := &Ticket{ID: objectid.New(now), WorkspaceID: old.WorkspaceID, Subject: old.Subject, Description: m.Text,
		Status: StatusNew, Priority: old.Priority, Type: old.Type, Channel: old.Channel,
		ChannelAccountID: old.ChannelAccountID, Origin: OriginCustomer, ContactID: old.ContactID,
		GroupID: old.GroupID, SupervisorID: old.SupervisorID, CC: old.CC, Tags: slices.Clone(old.Tags),
		CreatedBy: m.Author, CreatedAt: now, UpdatedAt: now}
	if s.Router != nil {
		// Routing locks come first in every transaction that routes.
		if err := tx.LockRouting(ctx, t.WorkspaceID); err != nil {
			return nil, nil, err
		}
		if err := s.Router.Due(ctx, tx, t); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.CreateTicket(ctx, t); err != nil {
		return nil, nil, fmt.Errorf("follow-up of ticket %d: %w", old.Number, err)
	}
	why := fmt.Sprintf("the customer wrote to ticket #%d after it was %s", old.Number, old.Status)
	if err := s.Record(ctx, tx, ch, t, m.Author, EventCreated, "", string(t.Channel), why); err != nil {
		return nil, nil, err
	}
	if err := s.Record(ctx, tx, ch, t, m.Author, EventFollowUp, old.ID, "", why); err != nil {
		return nil, nil, err
	}
	if err := s.Record(ctx, tx, ch, old, m.Author, EventFollowUp, "", t.ID, fmt.Sprintf("follow-up ticket #%d opened", t.Number)); err != nil {
		return nil, nil, err
	}
	msg, err := s.addMessage(ctx, tx, ch, t, m)
	if err != nil {
		return nil, nil, err
	}
	if err := s.placeNewTicket(ctx, tx, ch, t, m.Author, NewTicket{}); err != nil {
		return nil, nil, err
	}
	return t, msg, nil
}
