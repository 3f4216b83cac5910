package sqlstore

import "github.com/ticketd/ticketd/internal/desk"

// SetLeadCap makes PostgreSQL treat the leading words of a search as dense
// past n matches (see pgLead), until the returned func restores it.
func SetLeadCap(n int) (restore func()) {
	old := leadCapOverride
	leadCapOverride = n
	return func() { leadCapOverride = old }
}

// TicketsSQL is the statement Tickets runs for f, for plan tests.
func TicketsSQL(ws string, f desk.TicketFilter) (string, []any) {
	if f.Limit == 0 {
		f.Limit = 25
	}
	q, args, err := ticketsSQL(ws, &f, ticketCols)
	if err != nil {
		panic(err)
	}
	return q, args
}

// SetWindows makes PostgreSQL's first tries for words walk recent newest
// tickets and then status newest tickets of each status (0: the default),
// until restore.
func SetWindows(recent, status int) (restore func()) {
	r, st := recentOverride, statusOverride
	recentOverride, statusOverride = recent, status
	return func() { recentOverride, statusOverride = r, st }
}

// WaitingSQL is the queue predicate, for plan tests.
const WaitingSQL = waitingSQL

// UniqueRuleNames lists the constraints uniqueRules maps, as each backend
// names them.
func UniqueRuleNames() map[string]bool {
	m := map[string]bool{}
	for _, r := range uniqueRules {
		m[r.postgres], m[r.sqlite] = true, true
	}
	return m
}
