package api

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

func sameAsMarshal(t *testing.T, tk *desk.Ticket) {
	t.Helper()
	want, err := json.Marshal(toTicketJSON(tk))
	if err != nil {
		want = []byte("null")
	}
	if got := appendTicket(nil, tk); !bytes.Equal(got, want) {
		t.Fatalf("appendTicket differs from json.Marshal:\n got %s\nwant %s", got, want)
	}
}

func fullTicket() *desk.Ticket {
	at := time.Date(2026, 11, 25, 10, 4, 5, 123000000, time.UTC)
	return &desk.Ticket{ID: "6b06fa2226d00cb3926e416f", Number: 42, Subject: "Pedido <no> llegó & \"ya\"",
		Description: "línea 1\nlínea 2\t\u2028\x01 退款", Status: desk.StatusOpen, StatusReason: "assigned by workload",
		ClosedReason: "resolved", Priority: desk.PriorityHigh, Type: "incident",
		Channel: desk.ChannelWhatsApp, ChannelAccountID: "acc", Origin: desk.OriginAPI, ContactID: "c1", AssigneeID: "a1",
		GroupID: "g1", SupervisorID: "s1", Escalated: true,
		Escalation: &desk.Escalation{At: at, FromAgentID: "a0", ToAgentID: "a1", Reason: "vip"}, Flagged: true,
		Tags: []string{"vip", "pago"}, CC: desk.CC{Emails: []string{"x@y.z"}, ReplyCC: "r"},
		CustomFields: desk.Fields{{Key: "z", Value: json.RawMessage(` {"a": [1, 2]} `)}, {Key: "a", Value: json.RawMessage(`"<b>"`)}},
		Meta:         map[string]map[string]json.RawMessage{"3dolphins": {"closureType": json.RawMessage(`"agent"`)}},
		CreatedBy:    desk.Actor{Kind: desk.ActorAgent, ID: "a9"}, CreatedAt: at, UpdatedAt: at.Add(time.Second),
		QueuedAt: at, FirstAssignedAt: at, AssignedAt: at, OpenedAt: at, PendingAt: at, SolvedAt: at, ClosedAt: at,
		EscalatedAt: at, TransferredAt: at, FirstResponseAt: at, FirstReplyDueAt: at, ResolveDueAt: at.Add(time.Hour)}
}

func TestAppendTicketMatchesMarshal(t *testing.T) {
	cases := map[string]*desk.Ticket{
		"zero":                 {},
		"full":                 fullTicket(),
		"plain":                {ID: "x", Number: 1, Subject: "s", Status: desk.StatusNew, Channel: desk.ChannelEmail, CreatedAt: time.UnixMilli(1)},
		"duplicate field keys": {CustomFields: desk.Fields{{Key: "k", Value: json.RawMessage(`1`)}, {Key: "k", Value: json.RawMessage(`2`)}}},
		"year 10000":           {CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"escalation zero time": {Escalation: &desk.Escalation{}},
		"zoned time":           {UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", -3*3600-1800))},
		"invalid utf-8":        {Subject: "a\xffb\xc3", Tags: []string{"\xe2\x80"}},
		"bad custom field":     {CustomFields: desk.Fields{{Key: "k", Value: json.RawMessage(`{`)}}},
		"empty tags":           {Tags: []string{}},
		"scalar fields": {CustomFields: desk.Fields{{Key: "b", Value: json.RawMessage(`"x"`)}, {Key: "a", Value: json.RawMessage(`-1.5`)},
			{Key: "c", Value: json.RawMessage(`null`)}, {Key: "a", Value: json.RawMessage(`true`)}, {Key: "<", Value: json.RawMessage(`0`)}}},
		"nil field value":  {CustomFields: desk.Fields{{Key: "a"}}},
		"17 fields":        {CustomFields: seventeen()},
		"non-plain number": {CustomFields: desk.Fields{{Key: "a", Value: json.RawMessage(`01`)}}},
	}
	for name, tk := range cases {
		t.Run(name, func(t *testing.T) { sameAsMarshal(t, tk) })
	}
}

// Every CC field must make isEmptyCC false, or a CC would be written as {}.
func TestIsEmptyCCSeesEveryField(t *testing.T) {
	typ := reflect.TypeFor[desk.CC]()
	for i := range typ.NumField() {
		var cc desk.CC
		f := reflect.ValueOf(&cc).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"x"}))
		default:
			t.Fatalf("CC.%s: kind %s not handled by isEmptyCC's test", typ.Field(i).Name, f.Kind())
		}
		if isEmptyCC(&cc) {
			t.Errorf("isEmptyCC ignores CC.%s", typ.Field(i).Name)
		}
	}
}

func TestWriteTicketPageMatchesMarshal(t *testing.T) {
	ts := []desk.Ticket{*fullTicket(), {ID: "b", Tags: []string{}}}
	next, total := "cur<sor>", int64(7)
	for _, c := range []struct {
		next  *string
		total *int64
	}{{nil, nil}, {&next, nil}, {&next, &total}, {nil, &total}} {
		rec := httptest.NewRecorder()
		writeTicketPage(rec, ts, c.next, c.total)
		page := searchList{NextCursor: c.next, Total: c.total}
		for i := range ts {
			page.Tickets = append(page.Tickets, toTicketJSON(&ts[i]))
		}
		want, _ := json.Marshal(page)
		if got := rec.Body.Bytes(); !bytes.Equal(got, append(want, '\n')) {
			t.Fatalf("page differs:\n got %s\nwant %s", got, want)
		}
		if c.total == nil {
			list, _ := json.Marshal(ticketList{Tickets: page.Tickets, NextCursor: c.next})
			if !bytes.Equal(list, want) {
				t.Fatalf("ticketList and searchList shapes diverged")
			}
		}
	}
	rec := httptest.NewRecorder()
	writeTicketPage(rec, nil, nil, nil)
	if got := rec.Body.String(); got != "{\"tickets\":[],\"next_cursor\":null}\n" {
		t.Fatalf("empty page: %s", got)
	}
}

func FuzzAppendTicket(f *testing.F) {
	f.Add("s", "d", "tag", "a@b", "k", []byte(`"v"`), int64(1764064800123), "agent")
	f.Add("<&>", "\u2028\x00", "\xff", "", "", []byte(`{`), int64(-62135596800001), "")
	f.Fuzz(func(t *testing.T, subject, desc, tag, email, key string, value []byte, ms int64, kind string) {
		tk := fullTicket()
		tk.Subject, tk.Description, tk.Tags = subject, desc, []string{tag, subject}
		tk.CC = desk.CC{Emails: []string{email}}
		if email == "" {
			tk.CC = desk.CC{}
		}
		tk.CustomFields = desk.Fields{{Key: key, Value: json.RawMessage(value)}, {Key: tag, Value: json.RawMessage(subject)},
			{Key: desc, Value: json.RawMessage(`1`)}}
		tk.CreatedAt = time.UnixMilli(ms).UTC()
		tk.CreatedBy = desk.Actor{Kind: desk.ActorKind(kind), ID: desc}
		tk.Escalation.Reason = tag
		sameAsMarshal(t, tk)
	})
}

func seventeen() desk.Fields {
	var fs desk.Fields
	for i := range 17 {
		fs = append(fs, desk.Field{Key: string(rune('q' - i)), Value: json.RawMessage(`1`)})
	}
	return fs
}
