package routing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Waiting reports whether t waits in a queue for routing: unassigned, with
// no owner. (A ticket created with NoRoute stays "new" and does not wait.)
func Waiting(t *desk.Ticket) bool {
	return t.Status == desk.StatusUnassigned && t.AssigneeID == ""
}

// QueuePosition is the ticket's 1-based place in its queue; 0 when it is
// not waiting.
func (e *Engine) QueuePosition(ctx context.Context, ws, ticketID string) (int, error) {
	t, err := e.Desk.Store.Ticket(ctx, ws, ticketID)
	if err != nil {
		return 0, fmt.Errorf("queue position of ticket %s: %w", ticketID, err)
	}
	return e.Position(ctx, t)
}

// Position is t's 1-based place in its queue; 0 when it is not waiting.
func (e *Engine) Position(ctx context.Context, t *desk.Ticket) (int, error) {
	if !Waiting(t) {
		return 0, nil
	}
	n, err := e.Desk.Store.QueueAhead(ctx, t.WorkspaceID, t.GroupID, desk.QueueKeyOf(t))
	if err != nil {
		return 0, fmt.Errorf("queue position of ticket %d: %w", t.Number, err)
	}
	return n + 1, nil
}

// QueueEntry is a waiting ticket and its place in its queue.
type QueueEntry struct {
	Position int
	Ticket   desk.Ticket
}

// MaxQueuePage bounds one page of a queue.
const MaxQueuePage = 100

// Queue lists the waiting tickets of group ("" = the general queue of
// tickets without a group) in drain order, after the key when given, with
// their positions.
func (e *Engine) Queue(ctx context.Context, ws, group string, after *desk.QueueKey, limit int) ([]QueueEntry, error) {
	if limit <= 0 || limit > MaxQueuePage {
		limit = MaxQueuePage
	}
	ts, err := e.Desk.Store.Queue(ctx, ws, group, after, limit)
	if err != nil {
		return nil, fmt.Errorf("queue of group %q: %w", group, err)
	}
	out := make([]QueueEntry, 0, len(ts))
	if len(ts) == 0 {
		return out, nil
	}
	first, err := e.Desk.Store.QueueAhead(ctx, ws, group, desk.QueueKeyOf(&ts[0]))
	if err != nil {
		return nil, fmt.Errorf("queue of group %q: %w", group, err)
	}
	for i := range ts {
		out = append(out, QueueEntry{Position: first + 1 + i, Ticket: ts[i]})
	}
	return out, nil
}

// QueueSummary describes one queue: what waits in it and who could take it.
type QueueSummary struct {
	GroupID   string // "" = the general queue
	GroupName string
	Waiting   int
	Oldest    time.Time      // creation of the oldest waiting ticket
	Agents    desk.PoolCount // the pool that drains it
}

// Queues summarizes the general queue and every group's queue of ws.
func (e *Engine) Queues(ctx context.Context, ws string) ([]QueueSummary, error) {
	st := e.Desk.Store
	gs, err := st.Groups(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	stats, err := st.QueueStats(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	byGroup := make(map[string]desk.QueueStat, len(stats))
	for _, s := range stats {
		byGroup[s.GroupID] = s
	}
	out := []QueueSummary{{}}
	for _, g := range gs {
		out = append(out, QueueSummary{GroupID: g.ID, GroupName: g.Name})
	}
	for i := range out {
		q := &out[i]
		s := byGroup[q.GroupID]
		q.Waiting, q.Oldest = s.Waiting, s.Oldest
		if q.Agents, err = st.CountPool(ctx, desk.Pool{WorkspaceID: ws, GroupID: q.GroupID}); err != nil {
			return nil, fmt.Errorf("queues: %w", err)
		}
	}
	return out, nil
}

// Loads lists every agent of ws (of group when not empty) with its
// presence, capacity and active tickets.
func (e *Engine) Loads(ctx context.Context, ws, group string) ([]desk.RoutingAgent, error) {
	ls, err := e.Desk.Store.RoutingAgents(ctx, ws, group)
	if err != nil {
		return nil, fmt.Errorf("agent loads: %w", err)
	}
	return ls, nil
}

// Settings returns the workspace's switches.
func (e *Engine) Settings(ctx context.Context, ws string) (desk.WorkspaceSettings, error) {
	w, err := e.Desk.Store.Workspace(ctx, ws)
	if err != nil {
		return desk.WorkspaceSettings{}, fmt.Errorf("settings: %w", err)
	}
	return w.Settings, nil
}

// SetRequeueOnOffline decides whether an agent going offline returns its
// active tickets to the queue.
func (e *Engine) SetRequeueOnOffline(ctx context.Context, ws string, on bool) (desk.WorkspaceSettings, error) {
	var out desk.WorkspaceSettings
	err := e.Desk.Store.Update(ctx, func(tx desk.Tx) error {
		w, err := tx.LockWorkspace(ctx, ws)
		if err != nil {
			return err
		}
		w.Settings.RequeueOnOffline = on
		out = w.Settings
		return tx.UpdateWorkspaceSettings(ctx, ws, w.Settings)
	})
	if err != nil {
		return out, fmt.Errorf("set requeue on offline: %w", err)
	}
	return out, nil
}

// AssignableAccounts lists the channel accounts agentID is routed tickets
// from; empty means every account.
func (e *Engine) AssignableAccounts(ctx context.Context, ws, agentID string) ([]string, error) {
	if _, err := e.Desk.Store.Agent(ctx, ws, agentID); err != nil {
		return nil, fmt.Errorf("assignable accounts: %w", err)
	}
	ids, err := e.Desk.Store.AssignableAccounts(ctx, ws, agentID)
	if err != nil {
		return nil, fmt.Errorf("assignable accounts: %w", err)
	}
	return ids, nil
}

// SetAssignableAccounts restricts the tickets routed to agentID to those of
// the given channel accounts (empty: every account), then drains, since the
// agent may now take waiting tickets it could not before.
func (e *Engine) SetAssignableAccounts(ctx context.Context, ws, agentID string, accountIDs []string) error {
	seen := map[string]bool{}
	var ids []string
	for _, id := range accountIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	err := e.Desk.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
		if err := tx.LockRouting(ctx, ws); err != nil {
			return err
		}
		if _, err := tx.Agent(ctx, ws, agentID); err != nil {
			return err
		}
		if err := tx.SetAssignableAccounts(ctx, ws, agentID, ids); err != nil {
			if errors.Is(err, desk.ErrNotFound) {
				return desk.Invalid("channel_account_ids", desk.CodeNotFoundRef, desk.Params{Entity: "channel account"})
			}
			return err
		}
		return e.Drain(ctx, tx, ch, ws, nil)
	})
	if err != nil {
		return fmt.Errorf("set assignable accounts of agent %s: %w", agentID, err)
	}
	return nil
}
