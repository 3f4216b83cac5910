package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ticketd/ticketd/internal/search"
)

// ErrTimeout is a search that ran past its time budget. Doors answer it as
// a temporary failure (HTTP 503) and suggest narrowing the query.
var ErrTimeout = errors.New("search took longer than its time budget")

// Search limits.
const (
	// DefaultSearchBudget is how long one search may run when the caller
	// sets no budget.
	DefaultSearchBudget = 3 * time.Second
	// MaxSearchPage bounds a page of search results.
	MaxSearchPage = 200
	// RelevanceCandidates caps how many of the newest matches sort:relevance
	// ranks: ranking every match of a common word costs too much.
	RelevanceCandidates = 1000
)

// SortRelevance orders by text relevance among the newest
// RelevanceCandidates matches (with no words, it is newest first).
const SortRelevance = search.SortRelevance

// SearchPage says which page of a search to return.
type SearchPage struct {
	// Cursor continues after the last row of the previous page (keyset,
	// native API). Under SortRelevance its Key is an offset.
	Cursor *Cursor
	// Offset skips rows (doors that page by offset); ignored with Cursor.
	Offset int
	// Limit is the page size; 0 means 25, more than MaxSearchPage is cut.
	Limit int
	// Count asks for the total number of matches.
	Count bool
	// Budget bounds the search's run time; 0 means DefaultSearchBudget.
	Budget time.Duration
	// Scope narrows the search to what the caller may see (Service.Scope);
	// nil searches every ticket.
	Scope *TicketScope
}

// SearchPageResult is one page of search results.
type SearchPageResult struct {
	Tickets []Ticket
	// Next is the cursor of the following page, nil on the last one.
	Next *Cursor
	// Total counts every match when SearchPage.Count was set, else -1.
	Total int64
}

// Search runs a parsed query over the tickets of ws on behalf of agentID
// (what assignee:me means). Every door that searches goes through here, each
// having parsed its own syntax with its own field table.
func (s *Service) Search(ctx context.Context, ws, agentID string, q *search.Query, page SearchPage) (*SearchPageResult, error) {
	if q == nil {
		q = &search.Query{}
	}
	if agentID == "" && usesMe(q.Root) {
		return nil, Invalid("q", CodeNeedsAgent, Params{Value: "assignee:me"})
	}
	limit := page.Limit
	if limit <= 0 {
		limit = 25
	}
	limit = min(limit, MaxSearchPage)
	budget := page.Budget
	if budget <= 0 {
		budget = DefaultSearchBudget
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	root := q.Root
	if page.Scope != nil {
		root = scoped(root, page.Scope)
		agentID = page.Scope.AgentID
	}
	sq := SearchQuery{Root: root, AgentID: agentID, Sort: q.Sort, Order: q.Order,
		Offset: max(page.Offset, 0), Limit: limit, Count: page.Count}
	if page.Cursor != nil {
		if q.Sort == SortRelevance {
			sq.Offset = int(max(page.Cursor.Key, 0))
		} else {
			c := *page.Cursor
			sq.After, sq.Offset = &c, 0
		}
	}
	res, err := s.Store.SearchTickets(ctx, ws, sq)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	out := &SearchPageResult{Tickets: res.Tickets, Total: res.Total}
	if res.More && len(res.Tickets) > 0 {
		if q.Sort == SortRelevance {
			out.Next = &Cursor{Key: int64(sq.Offset + len(res.Tickets))}
		} else {
			c := SearchCursor(&res.Tickets[len(res.Tickets)-1], q.Sort)
			out.Next = &c
		}
	}
	return out, nil
}

// SearchCursor is t's keyset position in a search sorted by sort.
func SearchCursor(t *Ticket, sort string) Cursor {
	switch sort {
	case search.SortUpdated:
		return Cursor{Key: t.UpdatedAt.UnixMilli(), Number: t.Number}
	case search.SortPriority:
		return Cursor{Key: int64(PriorityOrder(t.Priority)), Number: t.Number}
	}
	return Cursor{Key: t.Number, Number: t.Number}
}

// PriorityOrder is the sort key of sort:priority: unset 0, low 1 … urgent 4.
func PriorityOrder(p Priority) int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityNormal:
		return 2
	case PriorityHigh:
		return 3
	case PriorityUrgent:
		return 4
	}
	return 0
}

func usesMe(n search.Node) bool {
	found := false
	search.Walk(n, func(n search.Node) bool {
		if c, ok := n.(search.Compare); ok && c.Kind == search.KindRef {
			for _, v := range c.Values {
				if v == search.Me {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// scoped narrows root to the tickets of sc: the caller's own and those of
// its groups, as one more condition of the query.
func scoped(root search.Node, sc *TicketScope) search.Node {
	var cond search.Node = search.Compare{Field: "assignee", Kind: search.KindRef, Op: search.OpEq, Values: []string{search.Me}}
	if len(sc.GroupIDs) > 0 {
		cond = search.Or{Children: []search.Node{cond,
			search.Compare{Field: "group", Kind: search.KindRef, Op: search.OpEq, Values: sc.GroupIDs}}}
	}
	switch r := root.(type) {
	case nil:
		return cond
	case search.And:
		return search.And{Children: append(slices.Clone(r.Children), cond)}
	}
	return search.And{Children: []search.Node{root, cond}}
}
