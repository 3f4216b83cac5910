package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// targets are fresh and already-filled values of every type a JSON column
// is scanned into.
func targets() []func() any {
	return []func() any{
		func() any { return new(desk.CC) },
		func() any { return &desk.CC{Emails: []string{"a@b.c"}} },
		func() any { return new(desk.Actor) },
		func() any { return &desk.Actor{Kind: desk.ActorAgent, ID: "x"} },
		func() any { return new(desk.WorkspaceSettings) },
		func() any { return new(map[string]map[string]json.RawMessage) },
		func() any { m := map[string]map[string]json.RawMessage{"a": {"b": json.RawMessage(`1`)}}; return &m },
		func() any { return new(map[string]json.RawMessage) },
		func() any { m := map[string]json.RawMessage{"a": json.RawMessage(`1`)}; return &m },
		func() any { return new([]string) },
		func() any { s := []string{"x", "y"}; return &s },
		func() any { return new(desk.Fields) },
		func() any { f := desk.Fields{{Key: "k"}}; return &f },
		func() any { return new(*desk.Escalation) },
		func() any { return new([]desk.FieldOption) },
	}
}

// scanTrivial must leave every target exactly as json.Unmarshal does.
func checkTrivial(t *testing.T, text string) {
	for _, mk := range targets() {
		fast, slow := mk(), mk()
		if !scanTrivial(fast, text) {
			continue
		}
		if err := json.Unmarshal([]byte(text), slow); err != nil {
			t.Fatalf("%q into %T: scanTrivial accepted what Unmarshal refuses: %v", text, slow, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q into %T: scanTrivial gives %#v, Unmarshal %#v", text, slow, fast, slow)
		}
	}
}

func TestScanTrivialMatchesUnmarshal(t *testing.T) {
	hits := 0
	for _, text := range []string{"{}", "[]", `{"kind":""}`, `{"kind":"agent"}`, "null", `""`, " {}", "[ ]", `["a"]`, "0",
		`["a","b"]`, `["a",]`, `[,"a"]`, `["a" ,"b"]`, `["a\"b"]`, `["\u00e9"]`, `["é","日本"]`, `[""]`, `["a","b"`, "[\"\xff\"]",
		`{"kind":"agent","id":"x1"}`, `{"kind":"contact"}`, `{"kind":"agent","id":1}`, `{"kind":"a","id":"b","x":1}`,
		`{"kind":"a" ,"id":"b"}`, `{"id":"b"}`, `{"kind":"a","id":""}`, `{"kind":"a\n"}`,
		`[{"key":"field_1","value":"2"},{"key":"field_2","value":3745},{"key":"field_3","value":"SO-00000001"}]`,
		`[{"key":"k","value":true}]`, `[{"key":"k","value":null}]`, `[{"key":"k","value":-1.5e3}]`, `[{"key":"k","value":01}]`,
		`[{"key":"k","value":{"a":1}}]`, `[{"key":"k","value":"<"}]`, `[{"key":"k","value":1,"extras":{}}]`,
		`[{"key":"k","value":1},]`, `[{"key":"k","value":1}{"key":"j","value":2}]`, `[{"value":1,"key":"k"}]`, `[{"key":"k","value":1}`} {
		checkTrivial(t, text)
		for _, mk := range targets() {
			if scanTrivial(mk(), text) {
				hits++
			}
		}
	}
	if hits < 10 {
		t.Fatalf("the fast path took only %d of the common cases", hits)
	}
}

func FuzzScanTrivial(f *testing.F) {
	for _, s := range []string{"{}", "[]", `{"kind":""}`, "null", `{"kind":"contact","id":"1"}`, `["a","b"]`, `["é"]`, `[{"key":"a","value":1},{"key":"b","value":"x"}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkTrivial(t, text) })
}
