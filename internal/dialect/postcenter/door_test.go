package postcenter_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestReads checks every read endpoint's shape against its golden file,
// field for field, in both slash forms.
func TestReads(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		cases := []struct{ golden, path string }{
			{"ping", "/postcenter/v2/ping/"},
			{"agents", "/postcenter/v2/agents/"},
			{"accounts", "/postcenter/v2/accounts/all/"},
			{"detail_email", "/postcenter/v2/ticket/" + f.email.ID + "/"},
			{"detail_tweet", "/postcenter/v2/ticket/" + f.tweet.ID + "/"},
			{"detail_fb", "/postcenter/v2/ticket/" + f.fb.ID + "/"},
			{"detail_search", "/postcenter/v2/ticket/" + f.searchTicket.ID + "/"},
			{"messages_tweet", "/postcenter/v2/ticket/" + f.tweet.ID + "/messages/"},
			{"by_agent_id", "/postcenter/v2/ticket/" + strconv.FormatInt(f.email.Number, 10) + "/by_agent_id/"},
			{"tickets_country_id", "/postcenter/v2/tickets/?country_id=12345678-K"},
			{"tickets_facebook", "/postcenter/v2/tickets/facebook/?page_id=PAGE1&uid=FBUSER1"},
			{"state_open", "/postcenter/v2/tickets/state/open"},
			{"state_in_progress", "/postcenter/v2/tickets/state/inProgress"},
			{"state_closed", "/postcenter/v2/tickets/state/closed"},
			{"state_ignored", "/postcenter/v2/tickets/state/ignored"},
			{"paginated_twitter", "/postcenter/v2/tickets/paginated/twitter/?from=18-04-2014&to=18-04-2019%2021%3A41%3A00"},
			{"paginated_twitter_search", "/postcenter/v2/tickets/paginated/twitter_search/?from=18-04-2019&to=19-04-2019"},
			{"paginated_facebook", "/postcenter/v2/tickets/paginated/facebook/?from=18-04-2019&to=19-04-2019"},
		}
		for _, c := range cases {
			t.Run(c.golden, func(t *testing.T) {
				f.t = t
				slash := f.ok(f.pc("GET", c.path, nil))
				f.golden(c.golden, slash.Body)
				// The same without the trailing slash (before any query).
				path, query, _ := strings.Cut(c.path, "?")
				alt := strings.TrimSuffix(path, "/")
				if alt == path {
					alt = path + "/"
				}
				if query != "" {
					alt += "?" + query
				}
				other := f.ok(f.pc("GET", alt, nil))
				if string(other.Body) != string(slash.Body) {
					t.Errorf("%s answers differently:\n%s\n%s", alt, other.Body, slash.Body)
				}
			})
		}
	})
}

// TestDetailValues checks the values the golden files normalize away: ids
// whose first four bytes are the creation second, and the vendor's types.
func TestDetailValues(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		for _, tk := range []*desk.Ticket{f.tweet, f.email, f.fb, f.searchTicket, f.ignored} {
			got := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+tk.ID+"/", nil)))
			id, _ := got["id"].(string)
			born, err := objectid.Time(id)
			if err != nil || born.Format("2006-01-02T15:04:05") != got["created"] {
				t.Errorf("ticket %s: id time %v, created %v", id, born, got["created"])
			}
			if got["identifier"] != strconv.FormatInt(tk.Number, 10) {
				t.Errorf("identifier = %#v, want the string %q", got["identifier"], strconv.FormatInt(tk.Number, 10))
			}
			if _, has := got["status"]; has {
				t.Errorf("the detail carries a status key: %v", got)
			}
		}
		list := decode[map[string]any](t, f.ok(f.pc("GET", "/postcenter/v2/tickets/?country_id=12345678-k", nil)))
		for _, it := range list["tickets"].([]any) {
			m := it.(map[string]any)
			if _, ok := m["identifier"].(float64); !ok {
				t.Errorf("list identifier = %#v, want a number", m["identifier"])
			}
			if _, ok := m["subject"]; ok {
				t.Errorf("list item has subject: %v", m)
			}
		}
	})
}

// TestMessages checks order, privacy and media.
func TestMessages(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		got := decode[struct {
			Status   int              `json:"status"`
			Messages []map[string]any `json:"messages"`
		}](t, f.ok(f.pc("GET", "/postcenter/v2/ticket/"+f.tweet.ID+"/messages/", nil)))
		if len(got.Messages) != 3 {
			t.Fatalf("%d messages, want the 3 public ones: %v", len(got.Messages), got.Messages)
		}
		if got.Messages[0]["content"] != "Hola Carlos, ¿en qué te podemos ayudar?" || got.Messages[2]["content"] != "@superempresa hola tengo un problema" {
			t.Errorf("not newest first: %v", got.Messages)
		}
		media, _ := got.Messages[0]["media"].(string)
		if !strings.HasPrefix(media, f.URL+"/postcenter/v2/media/"+f.media.ID) {
			t.Fatalf("media = %q", media)
		}
		for _, m := range got.Messages[1:] {
			if _, ok := m["media"]; ok {
				t.Errorf("message without attachment has media: %v", m)
			}
		}
		// The media URL serves the file with the caller's key, and only then.
		res := f.pc("GET", strings.TrimPrefix(media, f.URL), nil)
		if res.Status != 200 || string(res.Body) != string(pngBytes) || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("media: %d %q %q", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		if res := f.send("GET", strings.TrimPrefix(media, f.URL), nil); res.Status != 401 {
			t.Errorf("media without a key: %d", res.Status)
		}
		// Another workspace's key sees nothing of this one.
		_, _, otherKey := se.NewWorkspace("other", "UTC")
		res = f.send("GET", "/postcenter/v2/ticket/"+f.tweet.ID+"/messages/", nil, "Authorization: Key "+otherKey)
		if res.Status != 404 || string(res.Body) != `{"status":404,"message":"Ticket not found"}` {
			t.Errorf("other workspace: %s", res)
		}
		res = f.send("GET", strings.TrimPrefix(media, f.URL), nil, "Authorization: Key "+otherKey)
		if res.Status != 404 || string(res.Body) != `{"status":404,"message":"Media not found"}` {
			t.Errorf("other workspace media: %s", res)
		}
	})
}

// TestErrors checks every error the door answers: status code and exact
// body, in the vendor's {"status", "message"} shape.
func TestErrors(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		missing := objectid.New(time.Now())
		tk := f.tweet.ID
		type errCase struct {
			name, method, path string
			body               any
			headers            []string
			status             int
			message            string
		}
		key := "Authorization: Key " + f.key
		cases := []errCase{
			{"no auth", "GET", "/postcenter/v2/ping/", nil, nil, 401, "Authentication credentials were not provided: send Authorization: Key <token>"},
			{"bearer instead of key", "GET", "/postcenter/v2/ping/", nil, []string{"Authorization: Bearer " + f.key}, 401, "Authentication credentials were not provided: send Authorization: Key <token>"},
			{"bad key", "GET", "/postcenter/v2/agents/", nil, []string{"Authorization: Key tkd_nope"}, 401, "Invalid token"},
			{"empty key", "GET", "/postcenter/v2/agents/", nil, []string{"Authorization: Key "}, 401, "Authentication credentials were not provided: send Authorization: Key <token>"},
			{"unknown ticket", "GET", "/postcenter/v2/ticket/" + missing + "/", nil, []string{key}, 404, "Ticket not found"},
			{"malformed ticket id", "GET", "/postcenter/v2/ticket/261/", nil, []string{key}, 400, "Invalid ticket_id: want a 24-character hexadecimal ticket id"},
			{"messages of unknown ticket", "GET", "/postcenter/v2/ticket/" + missing + "/messages/", nil, []string{key}, 404, "Ticket not found"},
			{"close unknown ticket", "POST", "/postcenter/v2/ticket/" + missing + "/close/", nil, []string{key}, 404, "Ticket not found"},
			{"close malformed id", "POST", "/postcenter/v2/ticket/nope/close/", nil, []string{key}, 400, "Invalid ticket_id: want a 24-character hexadecimal ticket id"},
			{"reassign unknown ticket", "POST", "/postcenter/v2/ticket/" + missing + "/reassign/", nil, []string{key}, 404, "Ticket not found"},
			{"reassign closed ticket", "POST", "/postcenter/v2/ticket/" + f.email.ID + "/reassign/", nil, []string{key}, 400, "Ticket is closed"},
			{"reassign ignored ticket", "POST", "/postcenter/v2/ticket/" + f.ignored.ID + "/reassign/", nil, []string{key}, 400, "Ticket is closed"},
			{"possible agent unknown ticket", "GET", "/postcenter/v2/ticket/" + missing + "/get_possible_agent/", nil, []string{key}, 404, "Ticket not found"},
			{"by_agent_id unknown", "GET", "/postcenter/v2/ticket/999999/by_agent_id/", nil, []string{key}, 404, "Ticket not found"},
			{"by_agent_id zero", "POST", "/postcenter/v2/ticket/0/by_agent_id/", nil, []string{key}, 404, "Ticket not found"},
			{"by_agent_id not a number", "GET", "/postcenter/v2/ticket/" + tk + "/by_agent_id/", nil, []string{key}, 400, "Invalid agent_ticket_id: want the ticket's identifier: decimal digits"},
			{"by_agent_id negative", "POST", "/postcenter/v2/ticket/-1/by_agent_id", nil, []string{key}, 400, "Invalid agent_ticket_id: want the ticket's identifier: decimal digits"},
			{"country_id missing", "GET", "/postcenter/v2/tickets/", nil, []string{key}, 400, "country_id is required"},
			{"country_id blank", "GET", "/postcenter/v2/tickets?country_id=%20", nil, []string{key}, 400, "country_id is required"},
			{"facebook without uid", "GET", "/postcenter/v2/tickets/facebook/?page_id=PAGE1", nil, []string{key}, 400, "page_id and uid are required"},
			{"facebook without anything", "GET", "/postcenter/v2/tickets/facebook", nil, []string{key}, 400, "page_id and uid are required"},
			{"unknown state", "GET", "/postcenter/v2/tickets/state/abierto", nil, []string{key}, 404, "Non-existent status"},
			{"unknown state slash", "GET", "/postcenter/v2/tickets/state/pending/", nil, []string{key}, 404, "Non-existent status"},
			{"unknown network", "GET", "/postcenter/v2/tickets/paginated/myspace/?from=18-04-2019&to=19-04-2019", nil, []string{key}, 404, "Non-existent social network"},
			{"unknown network, example form", "GET", "/postcenter/v2/tickets/myspace/from=18-04-2019&to=19-04-2019", nil, []string{key}, 404, "Non-existent social network"},
			{"paginated without to", "GET", "/postcenter/v2/tickets/paginated/twitter/?from=18-04-2019", nil, []string{key}, 400, "from and to are required, as DD-MM-AAAA or DD-MM-AAAA hh:mm:ss (e.g. 12-10-2018 or 09-08-2017 12:22:25)"},
			{"network without dates", "GET", "/postcenter/v2/tickets/twitter/", nil, []string{key}, 400, "from and to are required, as DD-MM-AAAA or DD-MM-AAAA hh:mm:ss (e.g. 12-10-2018 or 09-08-2017 12:22:25)"},
			{"from after to", "GET", "/postcenter/v2/tickets/paginated/twitter/?from=19-04-2019&to=18-04-2019", nil, []string{key}, 400, "from must be earlier than to"},
			{"from equals to", "GET", "/postcenter/v2/tickets/paginated/twitter/?from=18-04-2019&to=18-04-2019%2000:00:00", nil, []string{key}, 400, "from must be earlier than to"},
			{"garbage next", "GET", "/postcenter/v2/tickets/paginated/twitter/?from=18-04-2014&to=19-04-2019&next=zzz", nil, []string{key}, 400, "Invalid next: use the next_page of the previous page, with the same social network, from and to"},
			{"a ticket id as next", "GET", "/postcenter/v2/tickets/paginated/twitter/?from=18-04-2014&to=19-04-2019&next=" + tk, nil, []string{key}, 400, "Invalid next: use the next_page of the previous page, with the same social network, from and to"},
			{"example form, not a query", "GET", "/postcenter/v2/tickets/twitter/latest", nil, []string{key}, 404, "Not found"},
			{"ticket metadata unknown key", "PUT", "/postcenter/v2/metadata/ticket/" + tk + "/", map[string]any{"NOPE": "x"}, []string{key}, 400, "Unknown integration_key: NOPE"},
			{"ticket metadata not an object", "PUT", "/postcenter/v2/metadata/ticket/" + tk + "/", `["MOTIVO"]`, []string{key}, 400, "Body must be a JSON object of integration_key: value"},
			{"ticket metadata not JSON", "PUT", "/postcenter/v2/metadata/ticket/" + tk + "/", `MOTIVO=RECLAMO`, []string{key}, 400, "Body must be a JSON object of integration_key: value"},
			{"ticket metadata two objects", "PUT", "/postcenter/v2/metadata/ticket/" + tk + "/", `{"MOTIVO":"RECLAMO"}{}`, []string{key}, 400, "Body must hold one JSON object and nothing after it"},
			{"ticket metadata too large", "PUT", "/postcenter/v2/metadata/ticket/" + tk + "/", `{"COMENTARIO_USUARIO":"` + strings.Repeat("a", 1<<20) + `"}`, []string{key}, 413, "Body larger than 1048576 bytes"},
			{"ticket metadata unknown ticket", "PUT", "/postcenter/v2/metadata/ticket/" + missing + "/", map[string]any{"MOTIVO": "RECLAMO"}, []string{key}, 404, "Ticket not found"},
			{"client metadata unknown client", "PUT", "/postcenter/v2/metadata/client/" + missing + "/", map[string]any{"RUT": "1-9"}, []string{key}, 404, "Client not found"},
			{"client metadata malformed id", "PUT", "/postcenter/v2/metadata/client/12345678-9/", map[string]any{"RUT": "1-9"}, []string{key}, 400, "Invalid client_id: want a 24-character hexadecimal client id"},
			{"media unknown", "GET", "/postcenter/v2/media/" + missing + "/", nil, []string{key}, 404, "Media not found"},
			{"media malformed", "GET", "/postcenter/v2/media/kitten.png", nil, []string{key}, 400, "Invalid attachment_id: want a 24-character hexadecimal id"},
			{"unknown path", "GET", "/postcenter/v2/nothing/", nil, []string{key}, 404, "Not found"},
			{"unknown path, no key", "GET", "/postcenter/v3/ping/", nil, nil, 404, "Not found"},
			{"the mount itself", "GET", "/postcenter", nil, nil, 404, "Not found"},
			{"wrong method", "DELETE", "/postcenter/v2/ticket/" + tk + "/", nil, []string{key}, 405, `Method "DELETE" not allowed`},
			{"GET on close", "GET", "/postcenter/v2/ticket/" + tk + "/close", nil, []string{key}, 405, `Method "GET" not allowed`},
			{"POST on ping", "POST", "/postcenter/v2/ping", nil, []string{key}, 405, `Method "POST" not allowed`},
		}
		for _, d := range []string{"12/12/2012", "12-12-12", "10-12", "03-16-2014", "12-10-2018 10:23", "2019-04-18", "18-04-2019T10:00:00"} {
			cases = append(cases, errCase{"bad date " + d, "GET", "/postcenter/v2/tickets/paginated/twitter/?from=" + queryEscape(d) + "&to=19-04-2019", nil, []string{key}, 400,
				"Invalid date format for from (" + d + "): use DD-MM-AAAA or DD-MM-AAAA hh:mm:ss (e.g. 12-10-2018 or 09-08-2017 12:22:25)"})
		}
		cases = append(cases, errCase{"bad to date", "GET", "/postcenter/v2/tickets/twitter/from=18-04-2019&to=31-02-2019", nil, []string{key}, 400,
			"Invalid date format for to (31-02-2019): use DD-MM-AAAA or DD-MM-AAAA hh:mm:ss (e.g. 12-10-2018 or 09-08-2017 12:22:25)"})
		before := snapshot(t, se, f.ws)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				res := f.send(c.method, c.path, c.body, c.headers...)
				want := `{"status":` + strconv.Itoa(c.status) + `,"message":` + jsonString(c.message) + `}`
				if res.Status != c.status || string(res.Body) != want {
					t.Errorf("%s %s\n got %d %s\nwant %d %s", c.method, c.path, res.Status, res.Body, c.status, want)
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
		if after := snapshot(t, se, f.ws); after != before {
			t.Errorf("bad requests changed stored data:\n%s\n%s", before, after)
		}
	})
}

// TestDates reads the paginated list's range bounds: from inclusive, to
// exclusive, date-only meaning midnight UTC.
func TestDates(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		count := func(q string) int {
			t.Helper()
			p := decode[struct {
				N int `json:"number_of_tickets"`
			}](t, f.ok(f.pc("GET", "/postcenter/v2/tickets/paginated/facebook/?"+q, nil)))
			return p.N
		}
		// f.fb was created at 18-04-2019 21:40:59.
		for q, want := range map[string]int{
			"from=18-04-2019%2021:40:59&to=18-04-2019%2021:41:00": 1, // from is inclusive
			"from=18-04-2019%2021:40:58&to=18-04-2019%2021:40:59": 0, // to is exclusive
			"from=18-04-2019&to=19-04-2019":                       1,
			"from=19-04-2019&to=20-04-2019":                       0,
			"from=18-04-2019+21:40:00&to=19-04-2019":              1, // + is a space in a query
			"from=01-01-2000&to=18-04-2019":                       0,
		} {
			if got := count(q); got != want {
				t.Errorf("%s: %d tickets, want %d", q, got, want)
			}
		}
	})
}

// TestStates checks that each state lists exactly its statuses' tickets,
// newest first, and accepts any case.
func TestStates(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		ids := func(state string) []string {
			t.Helper()
			return decode[struct {
				Tickets []string `json:"tickets"`
			}](t, f.ok(f.pc("GET", "/postcenter/v2/tickets/state/"+state, nil))).Tickets
		}
		// Agents who replied to their tickets are working them (open).
		want := map[string][]string{
			"open":       {f.fb.ID},
			"inProgress": {f.searchTicket.ID, f.tweet.ID},
			"closed":     {f.email.ID},
			"ignored":    {f.ignored.ID},
		}
		for state, w := range want {
			if got := ids(state); strings.Join(got, ",") != strings.Join(w, ",") {
				t.Errorf("%s = %v, want %v", state, got, w)
			}
		}
		if got := ids("INPROGRESS"); len(got) != 2 {
			t.Errorf("INPROGRESS = %v", got)
		}
		if got := ids("Closed/"); len(got) != 1 {
			t.Errorf("Closed/ = %v", got)
		}
		// Assigned is still open; the agent's reply makes it inProgress.
		ctx, d := context.Background(), se.Deps.Desk
		if _, err := d.UpdateTicket(ctx, f.ws, f.fb.ID, desk.System, desk.TicketPatch{AssigneeID: &f.francisco.ID}); err != nil {
			t.Fatal(err)
		}
		if got := ids("open"); len(got) != 1 || got[0] != f.fb.ID {
			t.Errorf("open after assignment = %v", got)
		}
		if _, _, err := d.AddMessage(ctx, f.ws, f.fb.ID, desk.NewMessage{Text: "sí, hay stock",
			Author: desk.Actor{Kind: desk.ActorAgent, ID: f.francisco.ID}}); err != nil {
			t.Fatal(err)
		}
		if got := ids("inProgress"); strings.Join(got, ",") != strings.Join([]string{f.searchTicket.ID, f.fb.ID, f.tweet.ID}, ",") {
			t.Errorf("inProgress after a reply = %v", got)
		}
		if got := ids("open"); len(got) != 0 {
			t.Errorf("open after a reply = %v", got)
		}
	})
}

func queryEscape(s string) string {
	return strings.NewReplacer(" ", "%20", "/", "%2F", ":", "%3A").Replace(s)
}

func jsonString(s string) string {
	return string(mustJSON(s))
}

// TestSlashForms sends every route in both slash forms: neither redirects
// nor falls through to the door's 404.
func TestSlashForms(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		f := newFixture(t, se)
		num := strconv.FormatInt(f.fb.Number, 10)
		routes := []struct{ method, path, body string }{
			{"GET", "/v2/ping", ""},
			{"GET", "/v2/agents", ""},
			{"GET", "/v2/accounts/all", ""},
			{"GET", "/v2/ticket/" + f.fb.ID, ""},
			{"GET", "/v2/ticket/" + f.fb.ID + "/messages", ""},
			{"GET", "/v2/ticket/" + f.fb.ID + "/get_possible_agent", ""},
			{"GET", "/v2/ticket/" + num + "/by_agent_id", ""},
			{"POST", "/v2/ticket/" + num + "/by_agent_id", ""},
			{"POST", "/v2/ticket/" + f.fb.ID + "/reassign", ""},
			{"GET", "/v2/tickets/state/open", ""},
			{"GET", "/v2/tickets/facebook?page_id=PAGE1&uid=FBUSER1", ""},
			{"GET", "/v2/tickets?country_id=12345678-K", ""},
			{"GET", "/v2/tickets/paginated/facebook?from=18-04-2019&to=19-04-2019", ""},
			{"GET", "/v2/tickets/facebook?from=18-04-2019&to=19-04-2019", ""},
			{"GET", "/v2/tickets/facebook/from=18-04-2019&to=19-04-2019", ""},
			{"GET", "/v2/tickets/paginated/facebook/from=18-04-2019&to=19-04-2019", ""},
			{"GET", "/v2/metadata/tickets", ""},
			{"GET", "/v2/metadata/clients", ""},
			{"PUT", "/v2/metadata/ticket/" + f.fb.ID, "{}"},
			{"PUT", "/v2/metadata/client/" + f.carlos.ID, "{}"},
			{"GET", "/v2/media/" + f.media.ID, ""},
			{"POST", "/v2/message/hsm", `{"account":"56900000000","phone":"56911111111","name":"hola"}`},
			{"POST", "/v2/ticket/" + f.fb.ID + "/close", ""},
		}
		for _, rt := range routes {
			path, query, _ := strings.Cut(rt.path, "?")
			if query != "" {
				query = "?" + query
			}
			for _, p := range []string{path + query, path + "/" + query} {
				var body any
				if rt.body != "" {
					body = rt.body
				}
				res := f.pc(rt.method, "/postcenter"+p, body)
				if res.Status != 200 {
					t.Errorf("%s %s: %s", rt.method, p, res)
				}
			}
		}
	})
}
