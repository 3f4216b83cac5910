package desk

import (
	"context"
	"time"
)

// ActSupervise reads the supervisor board: every agent's presence and
// load, every queue (not a ticket action: CallerMay decides it).
const ActSupervise Action = "supervise"

// BoardReader answers what a supervisor's board needs beyond the routing
// reads (RoutingAgents for presence, capacity and load; QueueStats for
// queue lengths), in one query per figure, never one per agent or group.
type BoardReader interface {
	Board(ctx context.Context, ws string, since, now time.Time) (*Board, error)
}

// Board is the part of the supervisor board the routing reads lack.
type Board struct {
	// OldestActive is, per agent id, the creation time of the oldest active
	// ticket assigned to it (agents without one are absent).
	OldestActive map[string]time.Time
	// Breaches is, per group id ("" = no group), how many tickets had an
	// SLA target fall due in [since, now) without meeting it: a first reply
	// target passed before the first agent reply, or a resolution target
	// passed before the ticket was solved or closed. A ticket breaching both
	// counts once.
	Breaches map[string]int
}
