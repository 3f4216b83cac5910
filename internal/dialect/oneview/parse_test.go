package oneview

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

func TestParseBearer(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"bearer tkd_abc", "tkd_abc", true},
		{"Bearer tkd_abc", "tkd_abc", true},
		{"BEARER tkd_abc", "tkd_abc", true},
		{"  bearer   tkd_abc  ", "tkd_abc", true},
		{"bearer", "", false},
		{"bearer ", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"tkd_abc", "", false},
		{"bearer a b", "", false},
		{"bearertkd_abc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := parseBearer(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseBearer(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseBearer(f *testing.F) {
	f.Add("bearer tkd_abc")
	f.Add("Basic x")
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := parseBearer(h)
		if ok && (tok == "" || strings.ContainsAny(tok, " \t") || !strings.Contains(h, tok)) {
			t.Fatalf("parseBearer(%q) = %q", h, tok)
		}
	})
}

func TestParseAgentID(t *testing.T) {
	id := objectid.New(time.Unix(1_700_000_000, 0))
	tests := []struct {
		in, want string
		ok       bool
	}{
		{id, id, true},
		{strings.ToUpper(id), id, true},
		{"f4b8f8e5-365a-4ed1-a122-0f4ba1afef44", "f4b8f8e5-365a-4ed1-a122-0f4ba1afef44", true}, // the blueprint's UUID example
		{"F4B8F8E5-365A-4ED1-A122-0F4BA1AFEF44", "f4b8f8e5-365a-4ed1-a122-0f4ba1afef44", true},
		{"f4b8f8e5365a4ed1a1220f4ba1afef44", "", false},
		{"f4b8f8e5-365a-4ed1-a122-0f4ba1afef4", "", false},
		{"f4b8f8e5-365a-4ed1-a122_0f4ba1afef44", "", false},
		{"g4b8f8e5-365a-4ed1-a122-0f4ba1afef44", "", false},
		{"{f4b8f8e5-365a-4ed1-a122-0f4ba1afef44}", "", false},
		{id[:23], "", false},
		{id + "0", "", false},
		{"0123456789abcdef0123456g", "", false},
		{"42", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := parseAgentID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseAgentID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseAgentID(f *testing.F) {
	f.Add("0123456789abcdef01234567")
	f.Add("f4b8f8e5-365a-4ed1-a122-0f4ba1afef44")
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := parseAgentID(s)
		if ok && (!(objectid.Valid(id) || isUUID(id)) || id != strings.ToLower(s)) {
			t.Fatalf("parseAgentID(%q) = %q", s, id)
		}
	})
}

func TestTicketStatus(t *testing.T) {
	for _, st := range desk.Statuses {
		for _, esc := range []bool{false, true} {
			got := ticketStatus(&desk.Ticket{Status: st, Escalated: esc})
			want := StatusAssigned
			switch {
			case st.Terminal():
				want = StatusClosed
			case esc:
				want = StatusEscalated
			}
			if got != want {
				t.Errorf("status %s escalated %v = %s, want %s", st, esc, got, want)
			}
		}
	}
}

func TestChannelAndRank(t *testing.T) {
	if channel(desk.ChannelWebchat) != "chat" || channel(desk.ChannelEmail) != "email" || channel(desk.ChannelAppStore) != "app_store" {
		t.Fatal("channel mapping (spec §5.2)")
	}
	for p, want := range map[desk.Priority]int{desk.PriorityUrgent: 1, desk.PriorityHigh: 2, desk.PriorityNormal: 3, desk.PriorityLow: 4, desk.PriorityUnset: 5} {
		if got := rank(&desk.Ticket{Priority: p}); got != want {
			t.Errorf("rank(%q) = %d, want %d", p, got, want)
		}
	}
	if got := rank(&desk.Ticket{Priority: desk.PriorityLow, PriorityRank: 7}); got != 7 {
		t.Errorf("a stored rank wins: got %d", got)
	}
}

func TestSortTickets(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(1_700_000_000+int64(s), 0) }
	ts := []desk.Ticket{
		{Number: 1, Priority: desk.PriorityNormal, AssignedAt: at(1), CreatedAt: at(0)},
		{Number: 2, Priority: desk.PriorityUrgent, AssignedAt: at(5), CreatedAt: at(0)},
		{Number: 3, Priority: desk.PriorityLow, PriorityRank: 1, AssignedAt: at(3), CreatedAt: at(2)},
		{Number: 4, Priority: desk.PriorityUrgent, AssignedAt: at(3), CreatedAt: at(3)},
		{Number: 5, Priority: desk.PriorityUnset, AssignedAt: at(0), CreatedAt: at(0)},
		{Number: 6, Priority: desk.PriorityUrgent, CreatedAt: at(4)}, // never stamped: falls back to creation
	}
	sortTickets(ts)
	var got []int64
	for _, x := range ts {
		got = append(got, x.Number)
	}
	want := []int64{3, 4, 6, 2, 1, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order = %v, want %v", got, want)
		}
	}
}

func TestToCustomer(t *testing.T) {
	tests := []struct {
		in   *desk.Contact
		want Customer
	}{
		{nil, Customer{}},
		{&desk.Contact{ID: "c1", ExternalID: "ext", FirstName: "hugo", LastName: "dan"}, Customer{"ext", "hugo", "dan"}},
		{&desk.Contact{ID: "c1", Name: "Hugo van Dan"}, Customer{"c1", "Hugo", "van Dan"}},
		{&desk.Contact{ID: "c1", Name: "Cher"}, Customer{"c1", "Cher", ""}},
	}
	for _, tt := range tests {
		if got := toCustomer(tt.in); got != tt.want {
			t.Errorf("toCustomer(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestAgentInfo(t *testing.T) {
	changed := time.UnixMilli(1_572_499_999_500)
	a := &desk.Agent{ID: "a", Name: "somename", LastLoginAt: time.Unix(1_572_400_000, 0), PresenceChangedAt: changed,
		CreatedAt: time.Unix(1_500_000_000, 0), Presence: desk.PresenceAway}
	got := toAgentInfo(a, changed.Add(90*time.Second+999*time.Millisecond))
	want := AgentInfo{ID: "a", Name: "somename", LastLoginTime: 1_572_400_000, UpdatedAt: 1_572_499_999, AgentTimeInStatus: 90}
	if got != want {
		t.Fatalf("AgentInfo = %+v, want %+v", got, want)
	}
	if s := toAgentStatusInfo(a, changed); s.Status != "OFFLINE" {
		t.Fatalf("away renders %q, want OFFLINE", s.Status)
	}
	never := &desk.Agent{ID: "b", CreatedAt: time.Unix(1_500_000_000, 0)}
	if i := toAgentInfo(never, time.Unix(1_500_000_060, 0)); i.UpdatedAt != 1_500_000_000 || i.AgentTimeInStatus != 60 || i.LastLoginTime != 0 {
		t.Fatalf("agent that never changed status: %+v", i)
	}
	if secondsSince(time.Unix(100, 0), time.Unix(50, 0)) != 0 {
		t.Fatal("a clock step back must not give a negative duration")
	}
}

func TestContent(t *testing.T) {
	tk := &desk.Ticket{Subject: "Where is my order?"}
	msgs := []desk.Message{
		{ID: "m1", Author: desk.Actor{Kind: desk.ActorContact}, AuthorName: "hugo", Text: "hi", CreatedAt: time.Unix(10, 0)},
		{ID: "m2", Author: desk.Actor{Kind: desk.ActorAgent}, AuthorName: "ana", Text: "It has been an hour", CreatedAt: time.Unix(20, 0)},
	}
	var c Content
	if err := json.Unmarshal(content(tk, msgs), &c); err != nil {
		t.Fatal(err)
	}
	if c.Subject != tk.Subject || c.LastMessage != "It has been an hour" || len(c.Messages) != 2 ||
		c.Messages[0] != (ContentMessage{"m1", "customer", "hugo", "hi", 10}) || c.Messages[1].From != "agent" {
		t.Fatalf("derived content = %+v", c)
	}
	if got := string(content(&desk.Ticket{}, nil)); got != `{"subject":"","lastMessage":"","messages":[]}` {
		t.Fatalf("empty content = %s", got)
	}
	stored := &desk.Ticket{Meta: map[string]map[string]json.RawMessage{Dialect: {"content": json.RawMessage(` {"any":["thing"]}`)}}}
	if got := string(content(stored, msgs)); got != `{"any":["thing"]}` {
		t.Fatalf("stored content = %s, want it verbatim", got)
	}
	notObject := &desk.Ticket{Subject: "s", Meta: map[string]map[string]json.RawMessage{Dialect: {"content": json.RawMessage(`"text"`)}}}
	if got := string(content(notObject, nil)); !strings.HasPrefix(got, `{"subject":"s"`) {
		t.Fatalf("a stored non-object content must not break the object type: %s", got)
	}
}

func TestMetaText(t *testing.T) {
	tk := &desk.Ticket{
		Meta:         map[string]map[string]json.RawMessage{Dialect: {"ccr": json.RawMessage(`"delivery - wrong address"`)}},
		CustomFields: desk.Fields{{Key: "order_id", Value: json.RawMessage(`"sdw-srr"`)}, {Key: "ccr", Value: json.RawMessage(`"ignored"`)}},
	}
	if got := metaText(tk, "ccr", "contact_reason"); got != "delivery - wrong address" {
		t.Errorf("ccr = %q: the stored dialect value wins", got)
	}
	if got := metaText(tk, "orderId", "order_id"); got != "sdw-srr" {
		t.Errorf("orderId = %q: falls back to the custom field", got)
	}
	num := &desk.Ticket{CustomFields: desk.Fields{{Key: "orderId", Value: json.RawMessage(`12345`)}}}
	if got := metaText(num, "orderId"); got != "12345" {
		t.Errorf("numeric orderId = %q", got)
	}
	if got := metaText(&desk.Ticket{}, "ccr"); got != "" {
		t.Errorf("missing ccr = %q", got)
	}
}
