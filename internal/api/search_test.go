package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

type searchPage struct {
	Tickets []struct {
		ID      string `json:"id"`
		Number  int64  `json:"number"`
		Subject string `json:"subject"`
	} `json:"tickets"`
	NextCursor *string `json:"next_cursor"`
	Total      *int64  `json:"total"`
}

func searchPath(q string, extra ...string) string {
	p := "/api/v1/tickets/search?q=" + url.QueryEscape(q)
	for _, e := range extra {
		p += "&" + e
	}
	return p
}

func TestSearchAPI(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		agent, agentTok := e.Agent(desk.NewAgent{Name: "Siti", Email: "siti@acme.test"})
		create := func(body map[string]any) int64 {
			t.Helper()
			res := e.Do("POST", "/api/v1/tickets", body, bearer(e.AdminToken))
			if res.Status != http.StatusCreated {
				t.Fatalf("create ticket: %d %s", res.Status, res.Body)
			}
			return int64(res.Map(t)["number"].(float64))
		}
		refund := create(map[string]any{"subject": "Refund for order 2444", "message": "My card was declined twice"})
		chinese := create(map[string]any{"subject": "我要退款", "message": "订单号 2444，谢谢"})
		spanish := create(map[string]any{"subject": "Canción rota", "message": "La aplicación no abre", "tags": []string{"vip"}})
		indo := create(map[string]any{"subject": "Pengembalian dana terlambat", "message": "Tolong bantu",
			"assignee_id": agent.ID, "priority": "high"})
		var bulk []int64
		for i := 0; i < 7; i++ {
			bulk = append(bulk, create(map[string]any{"subject": fmt.Sprintf("bulk ticket %d", i), "message": "same words here"}))
		}
		other, _, otherTok := e.NewWorkspace("other", "UTC")
		_ = other
		if res := e.Do("POST", "/api/v1/tickets", map[string]any{"subject": "Refund elsewhere"}, bearer(otherTok)); res.Status != http.StatusCreated {
			t.Fatalf("create in other workspace: %d %s", res.Status, res.Body)
		}
		// A message added later is searchable at once.
		res := e.Do("POST", fmt.Sprintf("/api/v1/tickets/%d/messages", refund), map[string]any{"text": "Reembolso pendiente"}, bearer(e.AdminToken))
		if res.Status != http.StatusCreated {
			t.Fatalf("add message: %d %s", res.Status, res.Body)
		}

		find := func(path, tok string) searchPage {
			t.Helper()
			res := e.Do("GET", path, nil, bearer(tok))
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			var p searchPage
			res.JSON(t, &p)
			return p
		}
		numbers := func(p searchPage) []int64 {
			var out []int64
			for _, tk := range p.Tickets {
				out = append(out, tk.Number)
			}
			return out
		}
		for _, c := range []struct {
			q    string
			tok  string
			want []int64
		}{
			{"refund", e.AdminToken, []int64{refund}},
			{"REFUND declined", e.AdminToken, []int64{refund}},
			{"退款", e.AdminToken, []int64{chinese}},
			{"2444", e.AdminToken, []int64{chinese, refund}},
			{"cancion", e.AdminToken, []int64{spanish}},
			{"reembolso", e.AdminToken, []int64{refund}},
			{`"dana terlambat"`, e.AdminToken, []int64{indo}},
			{`"terlambat dana"`, e.AdminToken, nil},
			{"assignee:me", agentTok, []int64{indo}},
			{"assignee:me", e.AdminToken, nil},
			{"priority>=high tag:vip OR priority:high", e.AdminToken, []int64{indo}},
			{"tag:vip", e.AdminToken, []int64{spanish}},
			{"-tag:vip subject:bulk number<=" + fmt.Sprint(bulk[1]), e.AdminToken, []int64{bulk[1], bulk[0]}},
			{"number:" + fmt.Sprint(chinese), e.AdminToken, []int64{chinese}},
			{"refund sort:number order:asc", e.AdminToken, []int64{refund}},
			{"nothingmatchesthis", e.AdminToken, nil},
			{"refund sort:relevance", e.AdminToken, []int64{refund}},
			{"2444 sort:relevance", e.AdminToken, []int64{chinese, refund}},
		} {
			got := numbers(find(searchPath(c.q), c.tok))
			if !slices.Equal(got, c.want) {
				t.Errorf("q=%q: got %v, want %v", c.q, got, c.want)
			}
		}
		// The alias serves the same search.
		if got := numbers(find("/api/v1/search?q=refund", e.AdminToken)); !slices.Equal(got, []int64{refund}) {
			t.Errorf("/api/v1/search: got %v", got)
		}
		// Every page by cursor, newest first, with a real total.
		var all []int64
		path := searchPath(`"same words"`, "limit=3", "count=true")
		for n := 0; ; n++ {
			p := find(path, e.AdminToken)
			if n == 0 && (p.Total == nil || *p.Total != 7) {
				t.Errorf("total = %v, want 7", p.Total)
			}
			all = append(all, numbers(p)...)
			if p.NextCursor == nil {
				break
			}
			path = searchPath(`"same words"`, "limit=3", "cursor="+*p.NextCursor)
			if n > 5 {
				t.Fatal("pages never end")
			}
		}
		want := slices.Clone(bulk)
		slices.Reverse(want)
		if !slices.Equal(all, want) {
			t.Errorf("paged: got %v, want %v", all, want)
		}
		// Relevance pages by offset within its candidates: the same seven.
		var ranked []int64
		path = searchPath(`"same words" sort:relevance`, "limit=3")
		for n := 0; ; n++ {
			p := find(path, e.AdminToken)
			ranked = append(ranked, numbers(p)...)
			if p.NextCursor == nil || n > 5 {
				break
			}
			path = searchPath(`"same words" sort:relevance`, "limit=3", "cursor="+*p.NextCursor)
		}
		slices.Sort(ranked)
		if !slices.Equal(ranked, bulk) {
			t.Errorf("relevance pages: got %v, want %v", ranked, bulk)
		}
		// Another workspace sees only its own ticket.
		if got := find(searchPath("refund"), otherTok); len(got.Tickets) != 1 || got.Tickets[0].Subject != "Refund elsewhere" {
			t.Errorf("other workspace: %+v", got)
		}

		first := find(searchPath("bulk", "limit=2"), e.AdminToken)
		for _, s := range []scenario{
			{name: "bad query: position and what was expected", method: "GET", path: searchPath("tag:billing status:"), token: e.AdminToken,
				status: 400, want: []string{`"code":"bad_query"`, `"position":12`, `expected a value after \"status:\"`}},
			{name: "unterminated quote", method: "GET", path: searchPath(`refund "card`), token: e.AdminToken,
				status: 400, want: []string{`"position":7`, `unterminated quote`}},
			{name: "unknown field", method: "GET", path: searchPath("foo:bar"), token: e.AdminToken,
				status: 400, want: []string{`"position":0`, `unknown field \"foo\"`}},
			{name: "too long", method: "GET", path: searchPath(strings.Repeat("a ", 600)), token: e.AdminToken,
				status: 400, want: []string{`"position":1024`, "longer than 1024 bytes"}},
			{name: "bad limit", method: "GET", path: searchPath("refund", "limit=0"), token: e.AdminToken,
				status: 400, want: []string{`"code":"bad_request"`}},
			{name: "bad count", method: "GET", path: searchPath("refund", "count=maybe"), token: e.AdminToken,
				status: 400, want: []string{`"code":"bad_request"`}},
			{name: "forged cursor", method: "GET", path: searchPath("refund", "cursor=zzz"), token: e.AdminToken,
				status: 400, want: []string{"not one this server made"}},
			{name: "cursor of another order", method: "GET", path: searchPath("bulk sort:updated", "cursor="+*first.NextCursor), token: e.AdminToken,
				status: 400, want: []string{"another sort or order"}},
			{name: "no token", method: "GET", path: searchPath("refund"), status: 401, want: []string{`"code":"unauthorized"`}},
			{name: "empty query lists everything", method: "GET", path: "/api/v1/tickets/search?limit=1", token: e.AdminToken,
				status: 200, want: []string{`"next_cursor":"`}},
		} {
			t.Run(s.name, func(t *testing.T) { s.run(t, e) })
		}
	})
}
