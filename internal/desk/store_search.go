package desk

import (
	"context"

	"github.com/ticketd/ticketd/internal/search"
)

// SearchReader holds store queries added for search.
type SearchReader interface {
	// SearchTickets returns the tickets of ws matching q, in q's order, one
	// page at a time. It answers ErrTimeout when ctx's deadline passes first
	// and ErrInvalid for a query it cannot compile (an unknown field).
	SearchTickets(ctx context.Context, ws string, q SearchQuery) (SearchResult, error)
}

// SearchQuery is a parsed search (package search) ready for a store.
type SearchQuery struct {
	// Root is the filter; nil matches every ticket of the workspace.
	Root search.Node
	// AgentID is the agent searching: what assignee:me means.
	AgentID string
	// Sort is a search.Sort* key, or SortRelevance; "" is newest first.
	Sort string
	// Order is search.OrderAsc or search.OrderDesc ("" = desc).
	Order string
	// After continues a keyset-paginated list after this row (not with
	// SortRelevance, which pages by Offset within its candidates).
	After *Cursor
	// Offset skips rows, for doors whose vendors page by offset.
	Offset int
	// Limit is the page size (1..MaxSearchPage).
	Limit int
	// Count asks for the total number of matches as well.
	Count bool
}

// SearchResult is one page of a search.
type SearchResult struct {
	Tickets []Ticket
	// More reports whether rows follow this page.
	More bool
	// Total counts every match when SearchQuery.Count was set, else -1.
	// Under SortRelevance it counts every match, not only the candidates.
	Total int64
}
