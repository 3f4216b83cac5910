package bodytext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJSON(t *testing.T) {
	for _, c := range []struct {
		name, body string
		field      string // "" = no problem
		nul        bool
	}{
		{"plain", `{"subject":"hello","n":1,"ok":true,"x":null}`, "", false},
		{"unicode", `{"subject":"退款 ñ \ud83d\ude00 \ufffd �"}`, "", false},
		{"escaped NUL", `{"subject":"a\u0000b"}`, "subject", true},
		{"raw NUL", "{\"subject\":\"a\x00b\"}", "subject", true},
		{"invalid UTF-8", "{\"subject\":\"a\xffb\"}", "subject", false},
		{"truncated UTF-8", "{\"subject\":\"\xe9\x80\"}", "subject", false},
		{"lone high surrogate", `{"subject":"\ud83d x"}`, "subject", false},
		{"lone low surrogate", `{"subject":"\ude00"}`, "subject", false},
		{"nested", `{"ticket":{"comment":{"body":"ok","html":"x\u0000"}}}`, "ticket.comment.html", true},
		{"array", `{"tags":["a","b","c\u0000"]}`, "tags[2]", true},
		{"array of objects", `[{"a":"x"},{"a":"\udc00"}]`, "[1].a", false},
		{"bad key", "{\"ok\":1,\"su\xffbj\":\"x\"}", "su\ufffd", false},
		{"NUL key in nested", `{"a":{"b\u0000":1}}`, "a.b\ufffd", true},
		{"first wins", `{"a":"\u0000","b":"\xff"}`, "a", true},
		{"escapes", `{"a":"\"\\\/\b\f\n\r\t","b":"\u0000"}`, "b", true},
		{"trailing commas", `{"a":["x",],"b":"\u0000",}`, "b", true},
		{"malformed stops", `{"a" "b":"\u0000"}`, "", false},
		{"not JSON", "\x00\xff binary", "", false},
		{"empty", ``, "", false},
		{"string body", `"\u0000"`, "", true},
		{"bad escape stops", `{"a":"\u00zz\u0000"}`, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := JSON([]byte(c.body))
			switch {
			case c.field == "" && !c.nul:
				if p != nil {
					t.Fatalf("JSON(%q) = %+v, want none", c.body, p)
				}
			case p == nil:
				t.Fatalf("JSON(%q) = nil, want %q", c.body, c.field)
			case p.Field != c.field || p.NUL != c.nul:
				t.Fatalf("JSON(%q) = %+v, want field %q nul %v", c.body, p, c.field, c.nul)
			}
		})
	}
}

func TestProblemWords(t *testing.T) {
	if got := (&Problem{Field: "subject", NUL: true}).Error(); got != `field "subject" contains a NUL character` {
		t.Fatal(got)
	}
	if got := (&Problem{Field: "a.b"}).Error(); got != `field "a.b" is not valid UTF-8` {
		t.Fatal(got)
	}
}

// FuzzJSON: the scan never panics; on a valid JSON body it finds a problem
// whenever encoding/json would have kept a NUL or replaced bad text.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, "{\"a\":\"\xff\"}", `["\ud800"]`, `{"a":[1,{"b":"c"}],}`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := JSON(b)
		if !json.Valid(b) {
			return
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber() // 1e700 is valid JSON, not a float64
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("valid JSON does not decode: %v", err)
		}
		if p != nil {
			return
		}
		if !utf8.Valid(b) {
			t.Fatalf("%q: invalid UTF-8 not found", b)
		}
		if strings.Contains(string(b), `\u`) { // escapes: check what decoding made of them
			walk(v, func(s string) {
				if strings.ContainsRune(s, 0) {
					t.Fatalf("%q: NUL not found", b)
				}
				if strings.ContainsRune(s, utf8.RuneError) && !strings.Contains(strings.ToLower(string(b)), `\ufffd`) &&
					!strings.Contains(string(b), "\ufffd") {
					t.Fatalf("%q: a lone surrogate not found", b)
				}
			})
		}
	})
}

func walk(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(k)
			walk(e, fn)
		}
	}
}
