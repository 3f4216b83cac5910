package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
)

// SearchTickets runs a compiled search. The plan:
//
//   - The default order is newest first: by ticket number, which is given
//     in creation order (sort:created and sort:number are the same order).
//   - On SQLite, when the query's top level requires words (a Text, alone
//     or in an And), FTS5 drives: it walks the workspace's rowid range
//     newest first and the rest of the query filters each candidate, so a
//     page costs about as much as finding its rows.
//   - Otherwise the WHERE clause is handed to the planner, with the
//     (workspace_id, number) index giving the order.
//   - sort:relevance ranks (bm25 / ts_rank) only the newest
//     desk.RelevanceCandidates matches.
//
// ctx's deadline bounds the whole search; past it the answer is
// desk.ErrTimeout.
func (c *conn) SearchTickets(ctx context.Context, ws string, q desk.SearchQuery) (desk.SearchResult, error) {
	var res desk.SearchResult
	var err error
	if db, ok := c.q.(*sql.DB); ok && c.postgres() {
		res, err = c.pgSearch(ctx, db, ws, q)
	} else {
		_, inTx := c.q.(*sql.Tx)
		res, err = c.searchTickets(ctx, ws, q, inTx, false)
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return desk.SearchResult{}, fmt.Errorf("search: %w", desk.ErrTimeout)
		}
		return desk.SearchResult{}, c.mapErr(err, "search")
	}
	return res, nil
}

// pgSearch runs a PostgreSQL search in a read-only transaction of its own,
// without parallel workers or JIT compilation: for queries that should take
// milliseconds, starting workers or compiling costs more than it saves, and
// the transaction lets the newest-first walk steer the planner. Every
// statement is planned for its values (prepared statements would otherwise
// switch to a generic plan): whether a number range holds 2,000 tickets or
// all of them decides between walking it and fetching its matches.
func (c *conn) pgSearch(ctx context.Context, db *sql.DB, ws string, q desk.SearchQuery) (desk.SearchResult, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return desk.SearchResult{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return desk.SearchResult{}, err
	}
	return (&conn{q: tx, fl: c.fl}).searchTickets(ctx, ws, q, false, true)
}

// searchTickets runs a search. sync: the search is inside a write
// transaction and must first index that transaction's writes. steer: the
// querier is a read-only transaction of the search's own (PostgreSQL),
// where planner settings may change.
func (c *conn) searchTickets(ctx context.Context, ws string, q desk.SearchQuery, sync, steer bool) (desk.SearchResult, error) {
	res := desk.SearchResult{Total: -1}
	limit := q.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	if sync {
		// A search inside a write transaction sees that transaction's writes.
		if err := c.syncSearch(ctx); err != nil {
			return res, err
		}
	}
	var wsNum int64
	if !c.postgres() {
		if err := c.q.QueryRowContext(ctx, `SELECT number FROM workspaces WHERE id = $1`, ws).Scan(&wsNum); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return res, nil // no such workspace: nothing matches
			}
			return res, err
		}
	}
	refs, err := c.resolveRefs(ctx, ws, q.Root)
	if err != nil {
		return res, err
	}
	var pl *pgLead
	if c.postgres() && q.Sort != search.SortRelevance && searchKeys[q.Sort] == "" && q.Root != nil {
		if lead, _ := leadingText(q.Root); len(lead) > 0 {
			// First tries: the newest tickets, then the newest of each
			// status the query asks for.
			for _, window := range []func(context.Context, string, map[refKey][]string, *desk.SearchQuery, int, bool) ([]desk.Ticket, bool, error){
				c.recentWindow, c.statusWindow} {
				ts, ok, err := window(ctx, ws, refs, &q, limit, steer)
				if err != nil || !ok {
					if err != nil {
						return res, err
					}
					continue
				}
				res.Tickets, res.More = ts, len(ts) > limit
				if res.More {
					res.Tickets = ts[:limit]
				}
				if q.Count {
					p, err := c.plan(ws, 0, refs, nil, &q)
					if err != nil {
						return res, err
					}
					err = c.q.QueryRowContext(ctx, p.count, p.countArgs...).Scan(&res.Total)
					return res, err
				}
				return res, nil
			}
			if pl, err = c.leadIDs(ctx, ws, q.Root); err != nil {
				return res, err
			}
			if !pl.dense && len(pl.ids) == 0 {
				if q.Count {
					res.Total = 0
				}
				return res, nil // the required words are in no ticket
			}
		}
	}
	p, err := c.plan(ws, wsNum, refs, pl, &q)
	if err != nil {
		return res, err
	}
	if p.bounds != nil {
		lo, hi, ok, err := c.createdBounds(ctx, ws, *p.bounds)
		if err != nil {
			return res, err
		}
		if !ok {
			if q.Count {
				res.Total = 0
			}
			return res, nil // nothing was created in that range
		}
		p.boundNumbers(lo, hi)
	}
	if q.Count {
		if err := c.q.QueryRowContext(ctx, p.count, p.countArgs...).Scan(&res.Total); err != nil {
			return res, err
		}
	}
	query, args := p.page(limit+1, q.Offset)
	var ts []desk.Ticket
	if steer && pl != nil && pl.dense {
		ts, err = c.newestFirstWalk(ctx, query, args)
	} else {
		rows, qerr := c.q.QueryContext(ctx, query, args...)
		ts, err = collect(rows, qerr, func(r *sql.Rows, t *desk.Ticket) error { return scanTicket(r, t) })
	}
	if err != nil {
		return res, err
	}
	if len(ts) > limit {
		ts, res.More = ts[:limit], true
	}
	res.Tickets = ts
	return res, nil
}

// searchPlan is a compiled search: the SQL of a page and of the count.
type searchPlan struct {
	from      string // FROM … WHERE …, without order and paging
	args      []any
	order     string
	score     string // relevance: the score expression and its direction
	scoreDesc bool
	count     string
	countArgs []any
	// bounds is the created range of the top level, to be turned into a
	// number range before running (see createdBounds).
	bounds *search.DateRange
	// branches, when set, split the page query into one newest-first walk
	// per status of a top-level status list (see splitStatus); from then
	// lacks the list, which count keeps.
	branches []string
	// fts: SQLite's FTS5 drives, whose rowids are ftsBase + number; the
	// arguments at ftsRange bound the rowids it walks (exclusive).
	fts      bool
	ftsBase  int64
	ftsRange [2]int
}

// boundNumbers adds the number range lo..hi to the page and count queries:
// as a rowid range when FTS5 drives, so that it seeks to the range instead
// of reading every newer match.
func (p *searchPlan) boundNumbers(lo, hi int64) {
	if p.fts {
		// FTS5 takes one rowid range: narrow the one it has.
		narrow := func(args []any) []any {
			args = slices.Clone(args)
			i, j := p.ftsRange[0], p.ftsRange[1]
			args[i] = max(args[i].(int64), p.ftsBase+lo-1)
			args[j] = min(args[j].(int64), p.ftsBase+hi+1)
			return args
		}
		p.args, p.countArgs = narrow(p.args), narrow(p.countArgs)
		return
	}
	bound := func(q string, args []any) (string, []any) {
		n := len(args)
		return q + fmt.Sprintf(" AND t.number >= $%d AND t.number <= $%d", n+1, n+2),
			append(slices.Clone(args), lo, hi)
	}
	p.from, p.args = bound(p.from, p.args)
	p.count, p.countArgs = bound(p.count, p.countArgs)
}

// createdBounds returns a range of ticket numbers holding every ticket
// created in r: the lowest and highest number of the hours r overlaps, read
// from created_hours (migration 0010), a row per hour. Numbers are given in
// creation order, so those tickets lie in that number range (with at most
// an hour's tickets beyond it at each end, which the created condition
// filters out), and walking it newest first by number finds a page after
// reading about a page's worth of rows, where walking the created range
// would read all of it and sort it. ok is false when no ticket was created
// in those hours.
func (c *conn) createdBounds(ctx context.Context, ws string, r search.DateRange) (lo, hi int64, ok bool, err error) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if r.From != nil {
		from = ceilMS(r.From.UnixNano()) / msPerHour
	}
	if r.To != nil {
		// created_at < To: the last millisecond is To - 1.
		to = (ceilMS(r.To.UnixNano()) - 1) / msPerHour
	}
	var nlo, nhi sql.NullInt64
	err = c.q.QueryRowContext(ctx, `SELECT MIN(lo), MAX(hi) FROM created_hours WHERE workspace_id = $1 AND hour >= $2 AND hour <= $3`,
		ws, from, to).Scan(&nlo, &nhi)
	return nlo.Int64, nhi.Int64, nlo.Valid, err
}

// msPerHour is the span of a created_hours row (created_at / msPerHour).
const msPerHour = 3600 * 1000

// page renders the page query for limit rows after offset.
func (p *searchPlan) page(limit, offset int) (string, []any) {
	paging := " LIMIT " + strconv.Itoa(limit)
	if offset > 0 {
		paging += " OFFSET " + strconv.Itoa(offset)
	}
	if p.score == "" && len(p.branches) > 0 {
		// Each branch walks (workspace_id, status, number) in order and
		// stops after the numbers the page can use; the page's rows are
		// read by number once (carrying whole rows through the branches
		// cost twice as much).
		parts := make([]string, len(p.branches))
		for i, b := range p.branches {
			parts[i] = "SELECT * FROM (SELECT t.number " + p.from + " AND " + b + " ORDER BY " + p.order +
				" LIMIT " + strconv.Itoa(limit+offset) + ") AS b" + strconv.Itoa(i)
		}
		return "SELECT " + ticketCols + " FROM tickets t WHERE t.workspace_id = $1 AND t.number IN (" +
			strings.Join(parts, " UNION ALL ") + ") ORDER BY " + p.order + paging, p.args
	}
	if p.score == "" {
		return "SELECT " + ticketCols + " " + p.from + " ORDER BY " + p.order + paging, p.args
	}
	dir := "ASC"
	if p.scoreDesc {
		dir = "DESC"
	}
	inner := "SELECT " + ticketCols + ", " + p.score + " AS score " + p.from + " ORDER BY " + p.order +
		" LIMIT " + strconv.Itoa(desk.RelevanceCandidates)
	return "SELECT " + strings.ReplaceAll(ticketCols, "t.", "") + " FROM (" + inner + ") ranked ORDER BY score " + dir +
		", number DESC" + paging, p.args
}

// orderSpec of a search sort: the key expression (beside t.number).
var searchKeys = map[string]string{
	search.SortUpdated:  "t.updated_at",
	search.SortPriority: "CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END",
}

func (c *conn) plan(ws string, wsNum int64, refs map[refKey][]string, pl *pgLead, q *desk.SearchQuery) (*searchPlan, error) {
	pg := c.postgres()
	cp := newCompiler(pg, ws, q.AgentID, wsNum)
	cp.refs = refs
	desc := q.Order != search.OrderAsc
	dir, cmp := "DESC", "<"
	if !desc {
		dir, cmp = "ASC", ">"
	}
	relevance := q.Sort == search.SortRelevance
	key, keyed := searchKeys[q.Sort]
	if relevance {
		if q.After != nil {
			return nil, fmt.Errorf("%w: sort:relevance pages by offset, not cursor", desk.ErrInvalid)
		}
		dir, cmp, keyed = "DESC", "<", false
	}

	// Words required at the top level drive the query (SQLite) or give
	// relevance its terms.
	var lead []phrase
	rest := []search.Node{q.Root}
	if q.Root != nil {
		lead, rest = leadingText(q.Root)
	}
	p := &searchPlan{}
	var conds []string
	drive := !pg && len(lead) > 0 && !keyed
	if drive {
		p.bounds, p.fts, p.ftsBase = createdRange(rest), true, cp.wsKey
		cp.numberBounded = p.bounds != nil
		// The workspace's rowids, narrowed by the cursor (and later by a
		// created range): one range, which FTS5 seeks to.
		lo, hi := cp.wsKey, cp.wsKey+1<<keyBits
		if q.After != nil && desc {
			hi = cp.wsKey + q.After.Number
		} else if q.After != nil {
			lo = cp.wsKey + q.After.Number
		}
		off := cp.arg(cp.wsKey)
		match := cp.arg(ftsQuery(lead))
		p.ftsRange = [2]int{len(cp.args), len(cp.args) + 1}
		p.from = "FROM ticket_fts f CROSS JOIN tickets t WHERE f.ticket_fts MATCH " + match +
			" AND f.rowid > " + cp.arg(lo) + " AND f.rowid < " + cp.arg(hi) +
			" AND t.workspace_id = $1 AND t.number = f.rowid - " + off
		p.order = "f.rowid " + dir
		if relevance {
			// Subject weighs most, then contact name, then the body.
			p.score = "bm25(ticket_fts, 5.0, 1.0, 3.0)"
		}
	} else {
		if !keyed {
			p.bounds = createdRange(rest)
			cp.numberBounded = p.bounds != nil
		}
		p.from = "FROM tickets t WHERE t.workspace_id = $1"
		if len(lead) > 0 {
			if pg && relevance {
				cond, tsq := cp.docCondQ(lead)
				p.from = "FROM tickets t JOIN ticket_docs d ON d.ticket_id = t.id WHERE t.workspace_id = $1 AND d.workspace_id = $1 AND " + cond
				p.score, p.scoreDesc = "ts_rank(d.tsv, "+tsq+"::tsquery)", true
			} else if pl != nil && !pl.dense {
				conds = append(conds, "t.id = ANY("+cp.arg(pl.ids)+"::text[])")
			} else {
				conds = append(conds, cp.match(lead))
			}
		}
		p.order = "t.number " + dir
		if keyed {
			p.order = key + " " + dir + ", t.number " + dir
		}
		if q.After != nil {
			if keyed {
				conds = append(conds, "("+key+", t.number) "+cmp+" ("+cp.arg(q.After.Key)+", "+cp.arg(q.After.Number)+")")
			} else {
				conds = append(conds, "t.number "+cmp+" "+cp.arg(q.After.Number))
			}
		}
	}
	split := (!pg || (pl != nil && pl.split)) && !drive && !keyed && !relevance
	var list string // the status list the branches replace
	for _, n := range rest {
		if n == nil {
			continue
		}
		if split && list == "" {
			if in, branches := cp.splitStatus(n); in != "" {
				list, p.branches = in, branches
				continue
			}
		}
		w, err := cp.where(n)
		if err != nil {
			return nil, err
		}
		conds = append(conds, w)
	}
	for _, w := range conds {
		p.from += " AND " + w
	}
	p.args = cp.args
	// The count ignores the cursor: it is the total of the whole search.
	if q.After == nil {
		p.count, p.countArgs = "SELECT COUNT(*) "+p.from, p.args
		if list != "" {
			p.count += " AND " + list
		}
	} else {
		cq := *q
		cq.After, cq.Count = nil, false
		cp2, err := c.plan(ws, wsNum, refs, pl, &cq)
		if err != nil {
			return nil, err
		}
		p.count, p.countArgs = cp2.count, cp2.countArgs
	}
	return p, nil
}

// pgLead is how PostgreSQL finds the tickets holding a query's leading
// words. Its planner, taking words as independent, may walk tickets newest
// first probing each one's document even when the words never meet (and
// then walks every ticket), or fetch every match of two common words to
// sort them. So the matches are counted first, up to a cap, from the GIN
// index: when there are few, their ids become the filter; when there are
// many (dense), the page is read by walking tickets newest first, which then
// meets a match every few rows.
type pgLead struct {
	ids   []string
	dense bool
	// split: walk a top-level status list one status at a time (see
	// splitStatus), as statusWindow does.
	split bool
}

// leadCap is how many matches make the words dense: walking newest first
// costs about a page over the matches' density, fetching costs the
// matches, even at about sqrt(25 × tickets).
func leadCap(tickets int64) int {
	if leadCapOverride >= 0 {
		return leadCapOverride
	}
	return max(1000, int(math.Sqrt(25*float64(tickets))))
}

// leadCapOverride, when not negative, replaces leadCap (tests).
var leadCapOverride = -1

func (c *conn) leadIDs(ctx context.Context, ws string, root search.Node) (*pgLead, error) {
	lead, _ := leadingText(root)
	if len(lead) == 0 {
		return nil, nil
	}
	n, err := c.maxNumber(ctx, ws)
	if err != nil {
		return nil, err
	}
	limit := leadCap(n)
	cp := newCompiler(true, ws, "", 0)
	rows, err := c.q.QueryContext(ctx, `SELECT d.ticket_id FROM ticket_docs d WHERE d.workspace_id = $1 AND `+cp.docCond(lead)+
		` LIMIT `+strconv.Itoa(limit+1), cp.args...)
	ids, err := collect(rows, err, func(r *sql.Rows, id *string) error { return r.Scan(id) })
	if err != nil {
		return nil, err
	}
	if len(ids) > limit {
		return &pgLead{dense: true}, nil
	}
	return &pgLead{ids: nonNil(ids)}, nil
}

// recentWindow is PostgreSQL's first try for a query led by words: walk
// only the recentWindowSize tickets next in order (newest first by default)
// probing each one's document. When the page fills there, it is the exact
// page, found at the cost of a few hundred probes (common words); otherwise
// ok is false and the caller fetches the matches instead (rarer words).
func (c *conn) recentWindow(ctx context.Context, ws string, refs map[refKey][]string, q *desk.SearchQuery, limit int, steer bool) ([]desk.Ticket, bool, error) {
	if !steer {
		return nil, false, nil // inside a caller's transaction: no planner settings
	}
	desc := q.Order != search.OrderAsc
	p, err := c.plan(ws, 0, refs, &pgLead{dense: true}, q)
	if err != nil {
		return nil, false, err
	}
	var edge int64
	switch {
	case q.After != nil:
		edge = q.After.Number
	case desc:
		// A round trip of its own: with the bound as a subquery of the
		// page query, PostgreSQL cannot tell the window is small and may
		// scan every phrase text instead (0.7 s at 100,000 tickets).
		n, err := c.maxNumber(ctx, ws)
		if err != nil {
			return nil, false, err
		}
		edge = n + 1
	}
	if p.bounds != nil {
		// A created range: the window is the newest (or oldest) tickets
		// of its number range, not of the workspace.
		blo, bhi, ok, err := c.createdBounds(ctx, ws, *p.bounds)
		if err != nil || !ok {
			return nil, false, err
		}
		if desc { // the window is edge-size < number < edge
			edge = min(edge, bhi+1)
		} else { // edge < number < edge+size
			edge = max(edge, blo-1)
		}
	}
	lo, hi := edge-windowSize(recentOverride), edge
	if !desc {
		lo, hi = edge, edge+windowSize(recentOverride)
	}
	return c.walkWindow(ctx, p, lo, hi, limit, q, false)
}

// walkWindow walks the tickets numbered strictly between lo and hi of
// plan p, steered (see newestFirstWalk), and reports whether that answers
// the search: a page more than full does; a short one only when whole (the
// window held every ticket that could match).
func (c *conn) walkWindow(ctx context.Context, p *searchPlan, lo, hi int64, limit int, q *desk.SearchQuery, whole bool) ([]desk.Ticket, bool, error) {
	n := len(p.args)
	p.from += fmt.Sprintf(" AND t.number > $%d AND t.number < $%d", n+1, n+2)
	p.args = append(slices.Clone(p.args), lo, hi)
	query, args := p.page(limit+1, q.Offset)
	ts, err := c.newestFirstWalk(ctx, query, args)
	if err != nil {
		return nil, false, err
	}
	answered := len(ts) > limit || whole
	if !answered || q.Count {
		// More queries follow, which the walk's settings would slow.
		if err := c.unsteer(ctx); err != nil {
			return nil, false, err
		}
	}
	if !answered {
		return nil, false, nil
	}
	return ts, true, nil
}

// maxNumber is the highest ticket number of ws (0 when it has none).
func (c *conn) maxNumber(ctx context.Context, ws string) (int64, error) {
	var n sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT MAX(number) FROM tickets WHERE workspace_id = $1`, ws).Scan(&n)
	return n.Int64, err
}

// recentWindowSize is how many tickets recentWindow (and statusWindow, per
// status) walks.
const recentWindowSize = 2000

// recentOverride and statusOverride, when positive, replace
// recentWindowSize in recentWindow and in statusWindow (tests: small
// windows make both hit and miss on small data).
var recentOverride, statusOverride = 0, 0

func windowSize(override int) int64 {
	if override > 0 {
		return int64(override)
	}
	return recentWindowSize
}

// statusWindow is PostgreSQL's second try for words with a top-level status
// filter, newest first: walk the newest recentWindowSize tickets of each
// status (tickets_status: workspace, status, number, one walk per status)
// probing each one's document. recentWindow misses when the newest tickets
// cannot match the status (a backlog of new tickets above, for status:open),
// and the fallback then fetched thousands of GIN matches first (65 ms at
// 1,000,000 tickets). The page is exact whatever the window: it holds the
// newest matches above a number, and every match below it is older; and
// when the window held every ticket of the statuses, a short page is the
// whole answer.
func (c *conn) statusWindow(ctx context.Context, ws string, refs map[refKey][]string, q *desk.SearchQuery, limit int, steer bool) ([]desk.Ticket, bool, error) {
	statuses := topStatuses(q.Root)
	if !steer || q.Order == search.OrderAsc || len(statuses) == 0 {
		return nil, false, nil
	}
	p, err := c.plan(ws, 0, refs, &pgLead{dense: true, split: true}, q)
	if err != nil || p.bounds != nil {
		return nil, false, err // a created range: recentWindow's case
	}
	var edge int64
	if q.After != nil {
		edge = q.After.Number
	} else {
		n, err := c.maxNumber(ctx, ws)
		if err != nil {
			return nil, false, err
		}
		edge = n + 1
	}
	lo, whole := edge, true
	for _, st := range statuses {
		var n int64
		err := c.q.QueryRowContext(ctx, `SELECT number FROM tickets WHERE workspace_id = $1 AND status = $2 AND number < $3
			ORDER BY number DESC OFFSET `+strconv.FormatInt(windowSize(statusOverride)-1, 10)+` LIMIT 1`, ws, st, edge).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			n = 0 // fewer than a window of this status: all of them
		} else if err != nil {
			return nil, false, err
		}
		whole = whole && n == 0
		lo = min(lo, n)
	}
	// When the window held every ticket of the statuses (below the cursor),
	// a short page is the whole answer too.
	return c.walkWindow(ctx, p, lo, edge, limit, q, whole)
}

// topStatuses returns the values of a status filter standing at the top
// level of root (every match must have one of them), or nil.
func topStatuses(root search.Node) []string {
	kids := []search.Node{root}
	if a, ok := root.(search.And); ok {
		kids = a.Children
	}
	for _, k := range kids {
		if cmp, ok := k.(search.Compare); ok && cmp.Field == "status" && len(cmp.Values) > 0 {
			return cmp.Values
		}
	}
	return nil
}

// newestFirstWalk runs a page query with PostgreSQL steered to walk tickets
// in order and probe each (no bitmap of every match, no hash join), for
// words known to be dense. The querier is the search's own transaction; the
// settings last until unsteer or the transaction's end (a round trip saved
// when the walk is the search's last query).
func (c *conn) newestFirstWalk(ctx context.Context, query string, args []any) ([]desk.Ticket, error) {
	const off = `SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`
	if _, err := c.q.ExecContext(ctx, off); err != nil {
		return nil, err
	}
	rows, err := c.q.QueryContext(ctx, query, args...)
	return collect(rows, err, func(r *sql.Rows, t *desk.Ticket) error { return scanTicket(r, t) })
}

// unsteer undoes newestFirstWalk's settings.
func (c *conn) unsteer(ctx context.Context) error {
	const on = `SET LOCAL enable_bitmapscan = on; SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on`
	_, err := c.q.ExecContext(ctx, on)
	return err
}

// createdRange returns the created range that the top-level conjuncts
// (nodes) require (created>=a created<b reads as two nodes), or nil when
// they bound neither end.
func createdRange(nodes []search.Node) *search.DateRange {
	r := search.DateRange{Field: "created"}
	for _, n := range nodes {
		d, ok := n.(search.DateRange)
		if !ok || d.Field != "created" {
			continue
		}
		if d.From != nil && (r.From == nil || d.From.After(*r.From)) {
			r.From = d.From
		}
		if d.To != nil && (r.To == nil || d.To.Before(*r.To)) {
			r.To = d.To
		}
	}
	if r.From == nil && r.To == nil {
		return nil
	}
	return &r
}

// leadingText splits a root into the phrases every match must hold (free
// words and quoted phrases standing at the top level, without an all-digit
// word, which may match the ticket number instead) and the other nodes.
func leadingText(root search.Node) ([]phrase, []search.Node) {
	kids := []search.Node{root}
	if a, ok := root.(search.And); ok {
		kids = a.Children
	}
	var lead []phrase
	var rest []search.Node
	for _, k := range kids {
		if t, ok := k.(search.Text); ok {
			ps, digits := textPhrases(t)
			pure := true
			for _, d := range digits {
				pure = pure && d < 0
			}
			if pure {
				lead = append(lead, ps...)
				continue
			}
		}
		rest = append(rest, k)
	}
	return lead, rest
}
