package postcenter_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

type pageBody struct {
	Tickets []struct {
		Status          string `json:"status"`
		UpdatedDatetime string `json:"updated_datetime"`
		CreatedDatetime string `json:"created_datetime"`
		SocialNetwork   string `json:"social_network"`
		Identifier      int64  `json:"identifier"`
		ID              string `json:"id"`
	} `json:"tickets"`
	Status          int     `json:"status"`
	NumberOfTickets int     `json:"number_of_tickets"`
	NextPage        *string `json:"next_page"`
}

// TestPaginated walks 205 tweets of one day in pages of 100, newest first,
// in every form the vendor's page shows.
func TestPaginated(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx, d, ws := context.Background(), se.Deps.Desk, se.Workspace.ID
		tw, err := d.CreateChannelAccount(ctx, ws, desk.NewChannelAccount{Channel: desk.ChannelTwitter, Name: "superempresa"})
		if err != nil {
			t.Fatal(err)
		}
		search, err := d.CreateChannelAccount(ctx, ws, desk.NewChannelAccount{Channel: desk.ChannelTwitter, Name: "#superempresa", ProviderType: "twitter_search"})
		if err != nil {
			t.Fatal(err)
		}
		create := func(at time.Time, ch desk.Channel, acct string) *desk.Ticket {
			t.Helper()
			e.clock.set(at)
			tk, err := d.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Channel: ch, ChannelAccountID: acct,
				Message: &desk.NewMessage{Text: "hola", Author: desk.Actor{Kind: desk.ActorContact}}})
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		day := time.Date(2019, 4, 18, 0, 0, 0, 0, time.UTC)
		var tweets []*desk.Ticket // oldest first
		for i := range 205 {
			at := day.Add(time.Duration(i)*5*time.Minute + 17*time.Second)
			tweets = append(tweets, create(at, desk.ChannelTwitter, tw.ID))
			if i%50 == 0 {
				create(at.Add(time.Second), desk.ChannelEmail, "")            // another network
				create(at.Add(2*time.Second), desk.ChannelTwitter, search.ID) // twitter_search, not twitter
			}
		}
		// Two tweets at the very same millisecond: pages still split them
		// exactly once.
		twin := day.Add(10*time.Hour + 30*time.Second)
		tweets = append(tweets, create(twin, desk.ChannelTwitter, tw.ID), create(twin, desk.ChannelTwitter, tw.ID))
		// Outside the range.
		create(day.Add(-time.Second), desk.ChannelTwitter, tw.ID)
		create(day.Add(24*time.Hour), desk.ChannelTwitter, tw.ID)

		want := map[string]bool{}
		for _, tk := range tweets {
			want[tk.ID] = true
		}
		walk := func(first string, next func(cursor string) string) []string {
			t.Helper()
			var seen []string
			path := first
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatal("no end of pages")
				}
				p := decode[pageBody](t, e.ok(e.pc("GET", path, nil)))
				if p.Status != 200 || p.NumberOfTickets != len(p.Tickets) {
					t.Fatalf("page %d: status %d, number_of_tickets %d for %d rows", pages, p.Status, p.NumberOfTickets, len(p.Tickets))
				}
				for _, r := range p.Tickets {
					born, _ := objectid.Time(r.ID)
					if r.SocialNetwork != "twitter" || r.Status != "Abierto" || born.Format("02-01-2006 15:04:05") != r.CreatedDatetime {
						t.Errorf("row %+v", r)
					}
					seen = append(seen, r.ID)
				}
				if p.NextPage == nil {
					if len(p.Tickets) > 100 {
						t.Errorf("last page of %d", len(p.Tickets))
					}
					return seen
				}
				if len(p.Tickets) != 100 || !objectid.Valid(*p.NextPage) || want[*p.NextPage] {
					t.Fatalf("page %d: %d rows, next_page %q", pages, len(p.Tickets), *p.NextPage)
				}
				path = next(*p.NextPage)
			}
		}
		check := func(name string, seen []string) {
			t.Helper()
			if len(seen) != len(tweets) {
				t.Errorf("%s: %d tickets, want %d", name, len(seen), len(tweets))
			}
			dup := map[string]bool{}
			for i, id := range seen {
				if !want[id] || dup[id] {
					t.Errorf("%s: unexpected or repeated %s", name, id)
				}
				dup[id] = true
				if i > 0 {
					a, b := byID(t, se, ws, seen[i-1]), byID(t, se, ws, id)
					if a.CreatedAt.Before(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.Number < b.Number) {
						t.Errorf("%s: %s before %s is not newest first", name, seen[i-1], id)
					}
				}
			}
		}
		q := url.Values{"from": {"18-04-2019"}, "to": {"19-04-2019"}}
		documented := walk("/postcenter/v2/tickets/paginated/twitter/?"+q.Encode(), func(c string) string {
			return "/postcenter/v2/tickets/paginated/twitter/?" + q.Encode() + "&next=" + c
		})
		check("documented", documented)
		// The usage example's form: no "paginated/", no "?".
		example := walk("/postcenter/v2/tickets/twitter/from=18-04-2019&to=19-04-2019", func(c string) string {
			return "/postcenter/v2/tickets/twitter/from=18-04-2019&to=19-04-2019&next=" + c
		})
		check("example", example)
		// And the documented query on the short path.
		short := walk("/postcenter/v2/tickets/twitter?"+q.Encode(), func(c string) string {
			return "/postcenter/v2/tickets/twitter/?" + q.Encode() + "&next=" + c
		})
		check("short", short)
		for i := range documented {
			if documented[i] != example[i] || documented[i] != short[i] {
				t.Fatalf("forms disagree at row %d", i)
			}
		}

		// A cursor is good only for its own query.
		first := decode[pageBody](t, e.ok(e.pc("GET", "/postcenter/v2/tickets/paginated/twitter/?"+q.Encode(), nil)))
		for _, other := range []string{
			"/postcenter/v2/tickets/paginated/twitter/?from=18-04-2019%2000:00:01&to=19-04-2019&next=" + *first.NextPage,
			"/postcenter/v2/tickets/paginated/twitter_search/?" + q.Encode() + "&next=" + *first.NextPage,
			"/postcenter/v2/tickets/paginated/email/?" + q.Encode() + "&next=" + *first.NextPage,
		} {
			res := e.pc("GET", other, nil)
			if res.Status != 400 || string(res.Body) != `{"status":400,"message":"Invalid next: use the next_page of the previous page, with the same social network, from and to"}` {
				t.Errorf("%s: %s", other, res)
			}
		}
		_, _, otherKey := se.NewWorkspace("other", "UTC")
		res := e.send("GET", "/postcenter/v2/tickets/paginated/twitter/?"+q.Encode()+"&next="+*first.NextPage, nil, "Authorization: Key "+otherKey)
		if res.Status != 400 {
			t.Errorf("another workspace's cursor: %s", res)
		}
		// Upper-case hex is the same cursor.
		upper := decode[pageBody](t, e.ok(e.pc("GET", "/postcenter/v2/tickets/paginated/twitter/?"+q.Encode()+"&next="+upperHex(*first.NextPage), nil)))
		if len(upper.Tickets) != 100 || upper.Tickets[0].ID != documented[100] {
			t.Errorf("upper-case cursor")
		}

		// Exactly one page: next_page is null, not a cursor to nothing.
		hundredth := byID(t, se, ws, documented[99]).CreatedAt
		exact := decode[pageBody](t, e.ok(e.pc("GET", "/postcenter/v2/tickets/paginated/twitter/?from="+
			url.QueryEscape(hundredth.Format("02-01-2006 15:04:05"))+"&to=19-04-2019", nil)))
		if exact.NumberOfTickets != 100 || exact.NextPage != nil {
			t.Errorf("exactly 100: %d rows, next_page %v", exact.NumberOfTickets, exact.NextPage)
		}
		// twitter_search has its own tickets, and the empty network none.
		ts := decode[pageBody](t, e.ok(e.pc("GET", "/postcenter/v2/tickets/paginated/twitter_search/?"+q.Encode(), nil)))
		if ts.NumberOfTickets != 5 || ts.NextPage != nil || ts.Tickets[0].SocialNetwork != "twitter_search" {
			t.Errorf("twitter_search page: %+v", ts)
		}
		none := e.ok(e.pc("GET", "/postcenter/v2/tickets/paginated/whatsapp/?"+q.Encode(), nil))
		if string(none.Body) != `{"tickets":[],"status":200,"number_of_tickets":0,"next_page":null}` {
			t.Errorf("empty page = %s", none.Body)
		}
	})
}

func byID(t testing.TB, se *servertest.Env, ws, id string) *desk.Ticket {
	t.Helper()
	tk, err := se.Store.Ticket(context.Background(), ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func upperHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
