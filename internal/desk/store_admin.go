package desk

import (
	"context"
	"time"
)

// AdminReader holds store queries behind the workspace's admin surface:
// API tokens and saved replies.
type AdminReader interface {
	// Token reads one API token of ws by id.
	Token(ctx context.Context, ws, id string) (*Token, error)
	// Tokens lists tokens of ws oldest first, keyset after f.After.
	Tokens(ctx context.Context, ws string, f TokenFilter) ([]Token, error)
	// SavedReply reads one saved reply of ws by id.
	SavedReply(ctx context.Context, ws, id string) (*SavedReply, error)
	// SavedReplies lists saved replies of ws by id, keyset after f.After.
	SavedReplies(ctx context.Context, ws string, f SavedReplyFilter) ([]SavedReply, error)
	// Macro reads one macro of ws by id.
	Macro(ctx context.Context, ws, id string) (*Macro, error)
	// Macros lists macros of ws by id, keyset after f.After.
	Macros(ctx context.Context, ws string, f MacroFilter) ([]Macro, error)
	// GroupTickets counts the tickets of any status in group id.
	GroupTickets(ctx context.Context, ws, id string) (int, error)
}

// AdminWriter holds store writes behind the workspace's admin surface.
type AdminWriter interface {
	// UpdateWorkspace renames a workspace and sets its time zone.
	UpdateWorkspace(ctx context.Context, ws, name, timezone string) error
	// TouchToken stamps a token's LastUsedAt.
	TouchToken(ctx context.Context, ws, id string, at time.Time) error
	// DeleteAgentTokens deletes every token of an agent, returning their ids.
	DeleteAgentTokens(ctx context.Context, ws, agentID string) ([]string, error)
	CreateSavedReply(ctx context.Context, r *SavedReply) error
	// UpdateSavedReply writes every field of r but its owner and creation.
	UpdateSavedReply(ctx context.Context, r *SavedReply) error
	DeleteSavedReply(ctx context.Context, ws, id string) error
	CreateMacro(ctx context.Context, m *Macro) error
	// UpdateMacro writes every field of m but its owner and creation.
	UpdateMacro(ctx context.Context, m *Macro) error
	DeleteMacro(ctx context.Context, ws, id string) error
	// DeleteGroup removes a group no ticket names (GroupTickets 0): its
	// memberships go, channel accounts that routed into it route to the
	// general queue.
	DeleteGroup(ctx context.Context, ws, id string) error
	// MergeContact moves into contact intoID what contact fromID has (the
	// identities, details and custom fields it lacks, message authorship,
	// tickets still fromID's), records the merge with reason and deletes
	// fromID with its profile; it answers how many tickets it moved.
	MergeContact(ctx context.Context, ws, intoID, fromID, reason string, at time.Time) (int64, error)
}

// TokenFilter narrows a token list.
type TokenFilter struct {
	AgentID string // "" = every agent's
	After   string // keyset: ids strictly greater
	Limit   int
}

// SavedReplyFilter narrows a saved-reply list.
type SavedReplyFilter struct {
	// Visible, when set, is the agent whose list it is: shared replies
	// and that agent's own. Empty: every reply of the workspace.
	Visible string
	After   string // keyset: ids strictly greater
	Limit   int
}
