package api

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Subject string   `json:"subject"`
		Tags    []string `json:"tags"`
		N       int      `json:"n"`
	}
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{`{"subject":"x","tags":["a"],"n":1}`, ""},
		{`{}`, ""},
		{``, "empty"},
		{`{`, "unexpected end"},
		{`{"subject":1}`, `field "subject" must be a string, not number`},
		{`{"n":"x"}`, `field "n" must be a number, not string`},
		{`{"tags":"a"}`, `field "tags" must be an array, not string`},
		{`{"nope":1}`, `unknown field "nope"`},
		{`{} {}`, "exactly one JSON value"},
		{`{}x`, "exactly one JSON value"},
		{`[1]`, "expected an object"},
		{`{"subject":"x",}`, "malformed JSON at byte"},
	} {
		var b body
		err := DecodeJSON(strings.NewReader(tc.in), &b)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("DecodeJSON(%q) = %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("DecodeJSON(%q) = %v, want error containing %q", tc.in, err, tc.wantErr)
		}
	}
}

// FuzzDecodeTicketRequest feeds arbitrary bodies to the strictest request
// decoder: it must never panic, and a decoded request must hold only what
// JSON can say.
func FuzzDecodeTicketRequest(f *testing.F) {
	for _, s := range []string{`{"subject":"x","message":"m","priority":"high","tags":["a"],"custom_fields":{"a":1}}`,
		`{"custom_fields":[{"key":"k","value":[1,2],"extras":{"pay_status":1}}]}`, `{"cc":{"emails":["a@b"]}}`, `{`, `null`, `{"force":true}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var in ticketRequest
		if err := DecodeJSON(strings.NewReader(s), &in); err != nil {
			return
		}
		for _, cf := range in.CustomFields {
			if cf.Key == "" {
				t.Fatalf("decoded a custom field without a key from %q", s)
			}
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add("fDEyfDEy")
	f.Add("bnVtYmVyX2FzY3wxfDE")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = DecodeCursor("", s)
	})
}

func TestCursorRoundTrip(t *testing.T) {
	for _, o := range []desk.TicketOrder{desk.OrderNumberDesc, desk.OrderCreatedAsc, desk.OrderUpdatedDesc} {
		c := desk.Cursor{Key: 1732500000123, Number: 42}
		got, err := DecodeCursor(o, EncodeCursor(o, c))
		if err != nil || *got != c {
			t.Fatalf("%s: round trip = %v, %v", o, got, err)
		}
		if _, err := DecodeCursor(desk.OrderNumberAsc, EncodeCursor(o, c)); err == nil && o != desk.OrderNumberAsc {
			t.Fatalf("%s cursor accepted by another order", o)
		}
	}
	for _, bad := range []string{"", "!!", "eHh4", "fHh8Mg"} {
		if _, err := DecodeCursor("", bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}
