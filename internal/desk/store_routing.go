package desk

import (
	"context"
	"time"
)

// RoutingReader holds store queries added for the routing engine.
type RoutingReader interface {
	// RoutingAgent returns an agent's routing inputs and live workload.
	RoutingAgent(ctx context.Context, ws, id string) (*RoutingAgent, error)
	// RoutingAgents lists them for ws (for group when not empty), by number.
	RoutingAgents(ctx context.Context, ws, group string) ([]RoutingAgent, error)
	// Route answers, in one round trip, what a routing decision needs: the
	// pool's available agent with the fewest active tickets, ties to the
	// one idle longest (then the lowest number); the pool's size; its
	// group's name; and whether a ticket waits ahead of q.Ahead.
	Route(ctx context.Context, q RouteQuery) (*RouteAnswer, error)
	// CountPool sizes a pool.
	CountPool(ctx context.Context, p Pool) (PoolCount, error)
	// Waiting reports whether ws has any ticket waiting in a queue.
	Waiting(ctx context.Context, ws string) (bool, error)
	// QueueHeads returns the first waiting ticket (skipping the ids in
	// skip) of every queue of ws that has an available agent.
	QueueHeads(ctx context.Context, ws string, skip []string) ([]QueueHead, error)
	// QueueAhead counts the tickets waiting before k in group's queue
	// ("" = the general queue of tickets without a group).
	QueueAhead(ctx context.Context, ws, group string, k QueueKey) (int, error)
	// Queue lists group's waiting tickets in drain order, after the key
	// when given.
	Queue(ctx context.Context, ws, group string, after *QueueKey, limit int) ([]Ticket, error)
	// QueueStats counts the waiting tickets of each non-empty queue.
	QueueStats(ctx context.Context, ws string) ([]QueueStat, error)
	// AssignableAccounts lists the channel accounts an agent is restricted
	// to; none means every account.
	AssignableAccounts(ctx context.Context, ws, agentID string) ([]string, error)
	// SLAPolicies lists the SLA policies of ws by priority.
	SLAPolicies(ctx context.Context, ws string) ([]SLAPolicy, error)
	// SLAPolicy returns the policy of priority p exactly ("" = the default).
	SLAPolicy(ctx context.Context, ws string, p Priority) (*SLAPolicy, error)
}

// RoutingWriter holds store writes added for the routing engine.
type RoutingWriter interface {
	PutSLAPolicy(ctx context.Context, p *SLAPolicy) error
	DeleteSLAPolicy(ctx context.Context, ws string, p Priority) error
	// SetAssignableAccounts replaces the channel accounts an agent takes
	// routed tickets from; an empty list means every account.
	SetAssignableAccounts(ctx context.Context, ws, agentID string, accountIDs []string) error
	// LockWorkspace reads a workspace and holds it against concurrent
	// writers until the transaction ends: settings are one JSON value, so
	// two admins changing different keys must not read the same old value.
	LockWorkspace(ctx context.Context, ws string) (*Workspace, error)
	// UpdateWorkspaceSettings replaces a workspace's settings; read them
	// with LockWorkspace in the same transaction.
	UpdateWorkspaceSettings(ctx context.Context, ws string, s WorkspaceSettings) error
}

// RoutingAgent is an agent as routing sees it: what decides whether it may
// take work, and how much it holds.
type RoutingAgent struct {
	ID             string
	Number         int64
	WorkspaceID    string
	Name           string
	Role           Role
	Presence       Presence
	Capacity       int       // 0 = unlimited
	Active         int       // active tickets assigned to it
	LastAssignedAt time.Time // zero: never assigned
	Restricted     bool      // takes only its assignable channel accounts
}

// Full reports whether one more ticket would put the agent over capacity.
func (a *RoutingAgent) Full() bool { return a.Capacity > 0 && a.Active >= a.Capacity }

// Pool is the set of agents a ticket may be routed to: online agents and
// supervisors of the workspace for a ticket without a group; online members
// of the group (admins included, as membership is their opt-in) otherwise.
// Bots are never routed to.
type Pool struct {
	WorkspaceID      string
	GroupID          string   // "" = the general pool
	ChannelAccountID string   // the ticket's account; restricted agents must list it
	Exclude          []string // agents never picked (the current assignee on reassign)
}

// RouteQuery asks for a routing decision over a pool.
type RouteQuery struct {
	Pool
	// Ahead, when set, asks whether a ticket waiting in the pool's queue
	// drains before this key.
	Ahead *QueueKey
}

// RouteAnswer is what a routing decision reads.
type RouteAnswer struct {
	Agent     *RoutingAgent // nil: nobody available
	Count     PoolCount
	GroupName string // "" for the general pool
	Ahead     bool
}

// PoolCount sizes a pool.
type PoolCount struct {
	Members   int // agents the pool draws from, whatever their presence
	Online    int // of them online
	Available int // of them online with room, not excluded
}

// QueueKey is a waiting ticket's place in drain order: most urgent first,
// then oldest, then lowest number.
type QueueKey struct {
	Rank      int
	CreatedAt time.Time
	Number    int64
}

// Before reports whether k drains before o.
func (k QueueKey) Before(o QueueKey) bool {
	if k.Rank != o.Rank {
		return k.Rank < o.Rank
	}
	if !k.CreatedAt.Equal(o.CreatedAt) {
		return k.CreatedAt.Before(o.CreatedAt)
	}
	return k.Number < o.Number
}

// QueueKeyOf is t's drain key.
func QueueKeyOf(t *Ticket) QueueKey {
	r := t.PriorityRank
	if r <= 0 {
		r = t.Priority.Rank()
	}
	return QueueKey{Rank: r, CreatedAt: t.CreatedAt, Number: t.Number}
}

// QueueHead is the first waiting ticket of one queue.
type QueueHead struct {
	GroupID  string // "" = the general queue
	TicketID string
	Key      QueueKey
}

// QueueStat counts one queue's waiting tickets.
type QueueStat struct {
	GroupID string // "" = the general queue
	Waiting int
	Oldest  time.Time // creation time of the oldest waiting ticket
}

// SLAPolicy is a workspace's service targets for one priority.
type SLAPolicy struct {
	WorkspaceID string
	Priority    Priority      // PriorityUnset = the default policy
	FirstReply  time.Duration // 0 = no first-reply target
	Resolve     time.Duration // 0 = no resolution target
	// Hours, when set, count only business time; Timezone (IANA, default
	// the workspace's) places them.
	Hours     []HoursSpan
	Timezone  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HoursSpan is one stretch of business time on a weekday, in minutes since
// local midnight: [Start, End).
type HoursSpan struct {
	Day   time.Weekday `json:"day"`
	Start int          `json:"start"`
	End   int          `json:"end"`
}
