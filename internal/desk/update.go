package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// TicketPatch changes a ticket; nil fields stay as they are.
type TicketPatch struct {
	Subject      *string
	Status       *Status
	ClosedReason *string // with Status closed: "auto" or "manual"
	Priority     *Priority
	PriorityRank *int
	Flagged      *bool
	Type         *TicketType
	GroupID      *string // moving group is a transfer: it goes through the router
	AssigneeID   *string // "" unassigns; otherwise through the router's capacity check
	ForceAssign  bool
	ContactID    *string
	CC           *CC
	Tags         *[]string
	CustomFields Fields // merged by key
	TemplateID   *int64
	Meta         map[string]map[string]json.RawMessage // merged by door then field
	Reason       string
	// Caller, when set, is checked against the permission policy on the
	// locked ticket before anything changes (policy.go); doors set it for
	// the person or bot behind the request.
	Caller *Caller
}

// UpdateTicket applies p to a ticket in one transaction.
func (s *Service) UpdateTicket(ctx context.Context, ws, id string, actor Actor, p TicketPatch) (*Ticket, error) {
	var out *Ticket
	err := s.Update(ctx, ws, func(tx Tx, ch *Change) error {
		if s.Router != nil && (p.Status != nil || p.AssigneeID != nil || p.GroupID != nil) {
			// This patch may route: take the routing lock before the
			// ticket's, as every routing transaction does.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		t, err := tx.LockTicket(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := s.ApplyPatch(ctx, tx, ch, t, actor, p); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update ticket %s: %w", id, err)
	}
	return out, nil
}

// ApplyPatch applies p to the locked ticket t and writes it. Doors that
// change many tickets at once (a bulk update) call it per ticket
// inside one transaction.
func (s *Service) ApplyPatch(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, p TicketPatch) error {
	ws := t.WorkspaceID
	now := s.now()
	if p.Caller != nil {
		acts, err := PatchActions(ctx, tx, t, *p.Caller, p)
		if err != nil {
			return err
		}
		if err := s.authorizeAll(ctx, tx, *p.Caller, t, acts); err != nil {
			return err
		}
	}
	if p.Status != nil {
		// Status rules first, so a refused change writes nothing.
		if _, err := ParseStatus(string(*p.Status)); err != nil {
			return err
		}
		if err := checkStatusChange(t, *p.Status, p.ClosedReason, p.AssigneeID); err != nil {
			return err
		}
	}
	// Every field a patch changes is an event (field_changed, the field
	// in Reason, unless a typed event exists), recorded only when the
	// value really changes; docs/events.md names them.
	changed := func(field, from, to string) error {
		return s.Record(ctx, tx, ch, t, actor, EventFieldChanged, from, to, field)
	}
	rank := t.PriorityRank // a new priority resets it to derived (0)
	if p.Subject != nil {
		sub := strings.TrimSpace(*p.Subject)
		if len(sub) > MaxSubject {
			return TooLong("subject", MaxSubject)
		}
		if sub != t.Subject {
			if err := changed("subject", t.Subject, sub); err != nil {
				return err
			}
			t.Subject = sub
		}
	}
	if p.Priority != nil {
		if _, err := ParsePriority(string(*p.Priority)); err != nil {
			return err
		}
		if *p.Priority != t.Priority {
			if err := s.Record(ctx, tx, ch, t, actor, EventPriority, string(t.Priority), string(*p.Priority), p.Reason); err != nil {
				return err
			}
			t.Priority = *p.Priority
			t.PriorityRank = 0
			if s.Router != nil {
				if err := s.Router.Due(ctx, tx, t); err != nil {
					return err
				}
			}
		}
	}
	if p.PriorityRank != nil {
		if *p.PriorityRank < 0 {
			return Invalid("priority_rank", CodeRange, Params{Min: 1})
		}
		t.PriorityRank = *p.PriorityRank
	}
	if t.PriorityRank != rank {
		if err := changed("priority_rank", strconv.Itoa(rank), strconv.Itoa(t.PriorityRank)); err != nil {
			return err
		}
	}
	if p.Flagged != nil && *p.Flagged != t.Flagged {
		if err := changed("flagged", strconv.FormatBool(t.Flagged), strconv.FormatBool(*p.Flagged)); err != nil {
			return err
		}
		t.Flagged = *p.Flagged
	}
	if p.Type != nil {
		if _, err := ParseTicketType(string(*p.Type)); err != nil {
			return err
		}
		if *p.Type != t.Type {
			if err := changed("type", string(t.Type), string(*p.Type)); err != nil {
				return err
			}
			t.Type = *p.Type
		}
	}
	if p.ContactID != nil && *p.ContactID != t.ContactID {
		if _, err := tx.Contact(ctx, ws, *p.ContactID); err != nil {
			return NoRef("contact_id", "contact", *p.ContactID)
		}
		if err := changed("contact", t.ContactID, *p.ContactID); err != nil {
			return err
		}
		t.ContactID = *p.ContactID
	}
	if p.CC != nil {
		if from, to := ccJSON(t.CC), ccJSON(*p.CC); from != to {
			if err := changed("cc", from, to); err != nil {
				return err
			}
		}
		t.CC = *p.CC
	}
	if p.TemplateID != nil && *p.TemplateID != t.TemplateID {
		if err := changed("template_id", strconv.FormatInt(t.TemplateID, 10), strconv.FormatInt(*p.TemplateID, 10)); err != nil {
			return err
		}
		t.TemplateID = *p.TemplateID
	}
	if p.Tags != nil {
		tags, err := CleanTags(*p.Tags)
		if err != nil {
			return err
		}
		if !slices.Equal(tags, t.Tags) {
			if err := s.Record(ctx, tx, ch, t, actor, EventTagsChanged, strings.Join(t.Tags, ","), strings.Join(tags, ","), ""); err != nil {
				return err
			}
			t.Tags = tags
		}
	}
	if len(p.CustomFields) > 0 {
		if err := s.checkFields(ctx, tx, ws, "ticket", p.CustomFields); err != nil {
			return err
		}
		for _, f := range p.CustomFields {
			old, had := t.CustomFields.Get(f.Key)
			if from, to := fieldJSON(old, had), fieldJSON(f, true); from != to {
				if err := changed("custom_fields."+f.Key, from, to); err != nil {
					return err
				}
			}
			t.CustomFields = t.CustomFields.Set(f)
		}
		if len(t.CustomFields) > MaxFields {
			return TooMany("custom_fields", MaxFields)
		}
	}
	// Map order is random; the log is not.
	for _, d := range slices.Sorted(maps.Keys(p.Meta)) {
		fields := p.Meta[d]
		if t.Meta == nil {
			t.Meta = map[string]map[string]json.RawMessage{}
		}
		if t.Meta[d] == nil {
			t.Meta[d] = map[string]json.RawMessage{}
		}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			old, had := t.Meta[d][k]
			if from, to := rawJSON(old, had), rawJSON(fields[k], true); from != to {
				if err := changed("meta."+d+"."+k, from, to); err != nil {
					return err
				}
			}
			t.Meta[d][k] = fields[k]
		}
	}
	freed := false
	var avoid map[string]string // ticket id -> agent the drain must not give it back to
	if p.GroupID != nil && *p.GroupID != t.GroupID {
		if *p.GroupID != "" {
			g, err := tx.Group(ctx, ws, *p.GroupID)
			if err != nil {
				return NoRef("group_id", "group", *p.GroupID)
			}
			t.SupervisorID = g.SupervisorID
		}
		if err := s.Record(ctx, tx, ch, t, actor, EventTransferred, t.GroupID, *p.GroupID, p.Reason); err != nil {
			return err
		}
		t.GroupID = *p.GroupID
		t.TransferredAt = now
		if p.AssigneeID == nil && !t.Status.Terminal() {
			// A transfer puts the ticket in the new group's queue, never
			// straight back with the owner it was taken from (as the
			// routing engine's transfer does), not even by the drain below.
			prev := t.AssigneeID
			if prev != "" {
				freed = true
				avoid = map[string]string{t.ID: prev}
				if err := s.Unassign(ctx, tx, ch, t, actor, "transferred to another group"); err != nil {
					return err
				}
			}
			if s.Router != nil {
				if err := s.Router.Enqueue(ctx, tx, ch, t, actor, prev); err != nil {
					return err
				}
			}
		}
	}
	if p.AssigneeID != nil && *p.AssigneeID != t.AssigneeID {
		if *p.AssigneeID == "" {
			freed = true
			if err := s.Unassign(ctx, tx, ch, t, actor, p.Reason); err != nil {
				return err
			}
		} else {
			if t.AssigneeID != "" {
				freed = true
			}
			if err := s.assign(ctx, tx, ch, t, *p.AssigneeID, actor, p.ForceAssign, p.Reason); err != nil {
				return err
			}
		}
	}
	if p.Status != nil {
		st := *p.Status
		if from := t.Status; st != from {
			if st.Terminal() && t.AssigneeID != "" {
				freed = true
			}
			if err := s.SetStatus(ctx, tx, ch, t, st, actor, p.Reason); err != nil {
				return err
			}
			switch {
			case from.Terminal() && s.Router != nil:
				// Reopened: it counts against its owner's capacity
				// again, or waits in its queue with the status asked.
				if err := s.Router.Reopen(ctx, tx, ch, t, actor); err != nil {
					return err
				}
			case st.Queued() && s.Router != nil:
				// Back to the queue it was asked for: route it.
				if err := s.Router.Enqueue(ctx, tx, ch, t, actor, ""); err != nil {
					return err
				}
			}
		}
		if st == StatusClosed && (p.ClosedReason != nil || t.ClosedReason == "") {
			// Closing says why (manual unless told); closing a closed
			// ticket again keeps its reason.
			reason := "manual"
			if p.ClosedReason != nil {
				reason = *p.ClosedReason
			}
			if reason != "auto" && reason != "manual" {
				return OneOf("closed_reason", reason, "auto", "manual")
			}
			t.ClosedReason = reason
		}
	}
	t.UpdatedAt = now
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return err
	}
	if freed && s.Router != nil {
		return s.Router.Drain(ctx, tx, ch, ws, avoid)
	}
	return nil
}

// ccJSON is a CC as a field_changed value: compact JSON, "" when empty.
func ccJSON(cc CC) string {
	b, err := json.Marshal(cc)
	if err != nil || string(b) == "{}" {
		return ""
	}
	return string(b)
}

// fieldJSON is a custom field's value as a field_changed value: its value
// as compact JSON, with its extras ({"value":…,"extras":{…}}) when it has
// any; "" when absent.
func fieldJSON(f Field, ok bool) string {
	if !ok {
		return ""
	}
	if len(f.Extras) == 0 {
		return rawJSON(f.Value, true)
	}
	b, err := json.Marshal(struct {
		Value  json.RawMessage            `json:"value"`
		Extras map[string]json.RawMessage `json:"extras"`
	}{f.Value, f.Extras})
	if err != nil {
		return string(f.Value)
	}
	return string(b)
}

// rawJSON is a stored JSON value as a field_changed value: compact, so that
// the same value written with other spacing is no change; "" when absent.
func rawJSON(v json.RawMessage, ok bool) string {
	if !ok {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}

// checkStatusChange refuses a status change that cannot be made as asked:
// anything but the same status on a final (closed, ignored) ticket, and a
// queue status (new, unassigned) on a ticket that keeps an owner. A door
// answers the refusal in its own words and nothing changes.
func checkStatusChange(t *Ticket, st Status, closedReason, assignee *string) error {
	if t.Status.Final() {
		if st != t.Status {
			return final(t.Number, t.Status)
		}
		if st == StatusClosed && closedReason != nil && *closedReason != t.ClosedReason {
			return final(t.Number, StatusClosed)
		}
		return nil
	}
	if st == StatusNew && t.Status != StatusNew {
		return Invalid("status", CodeNotAllowed, Params{Value: string(StatusNew)})
	}
	keepsOwner := t.AssigneeID != ""
	if assignee != nil {
		keepsOwner = *assignee != ""
	}
	if st.Queued() && st != t.Status && keepsOwner {
		return Invalid("status", CodeNoOwner, Params{Value: string(st)})
	}
	if st == StatusAssigned && !keepsOwner {
		return Invalid("status", CodeNeedsOwner, Params{Value: string(StatusAssigned)})
	}
	return nil
}

// assign gives t to an agent through the router (capacity-checked), or
// directly when no router is configured.
func (s *Service) assign(ctx context.Context, tx Tx, ch *Change, t *Ticket, agentID string, actor Actor, force bool, reason string) error {
	if s.Router != nil {
		return s.Router.Assign(ctx, tx, ch, t, agentID, actor, force, reason)
	}
	a, err := tx.Agent(ctx, t.WorkspaceID, agentID)
	if err != nil {
		return NoRef("assignee_id", "agent", agentID)
	}
	if err := CheckActive("assignee_id", a); err != nil {
		return err
	}
	from := t.AssigneeID
	t.AssigneeID = a.ID
	if err := s.Record(ctx, tx, ch, t, actor, EventAssigned, from, a.ID, reason); err != nil {
		return err
	}
	if !t.Status.Terminal() {
		return s.SetStatus(ctx, tx, ch, t, StatusAssigned, actor, reason)
	}
	return nil
}

// Unassign clears t's owner and puts an active ticket back in its queue.
// It does not write t.
func (s *Service) Unassign(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, reason string) error {
	if err := s.Release(ctx, tx, ch, t, actor, reason); err != nil {
		return err
	}
	if !t.Status.Terminal() {
		return s.SetStatus(ctx, tx, ch, t, StatusUnassigned, actor, reason)
	}
	return nil
}

// Release clears t's owner and records it, keeping t's status: a ticket
// reopened as pending whose owner has no room waits in its queue as
// pending. It does not write t.
func (s *Service) Release(ctx context.Context, tx Tx, ch *Change, t *Ticket, actor Actor, reason string) error {
	from := t.AssigneeID
	t.AssigneeID = ""
	return s.Record(ctx, tx, ch, t, actor, EventUnassigned, from, "", reason)
}

// Close ends a ticket: closed (reason manual) unless st says solved or
// ignored.
func (s *Service) Close(ctx context.Context, ws, id string, actor Actor, st Status, reason string) (*Ticket, error) {
	if st == "" {
		st = StatusClosed
	}
	if !st.Terminal() {
		return nil, OneOf("status", string(st), string(StatusSolved), string(StatusClosed), string(StatusIgnored))
	}
	return s.UpdateTicket(ctx, ws, id, actor, TicketPatch{Status: &st, Reason: reason})
}
