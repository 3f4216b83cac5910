package live

import (
	"encoding/json"
	"testing"
)

func TestSignalPayload(t *testing.T) {
	sig := Signal{WorkspaceID: "ws1", TicketID: "t1", Name: ViewerEvent, Data: json.RawMessage(`{"state":"typing","name":"A|B"}`)}
	p, err := signalPayload("node1", sig)
	if err != nil {
		t.Fatal(err)
	}
	node, got, ok := parseSignal(p)
	if !ok || node != "node1" || got.WorkspaceID != "ws1" || got.TicketID != "t1" || got.Name != ViewerEvent || string(got.Data) != string(sig.Data) {
		t.Fatalf("round trip of %q: %q %+v %v", p, node, got, ok)
	}
	if _, _, ok := parsePayload(p); ok {
		// A change notification parser must not read a signal as rooms.
		if _, rooms, _ := parsePayload(p); len(rooms) > 0 && rooms[0].ws == "ws1" {
			t.Fatalf("signal %q parsed as a change", p)
		}
	}
	if _, err := signalPayload("n", Signal{WorkspaceID: "a|b", Name: "x", Data: json.RawMessage(`1`)}); err == nil {
		t.Fatal("a | in a field was accepted")
	}
	big := make([]byte, maxPayload)
	for i := range big {
		big[i] = 'a'
	}
	if _, err := signalPayload("n", Signal{WorkspaceID: "w", Name: "x", Data: json.RawMessage(`"` + string(big) + `"`)}); err == nil {
		t.Fatal("an oversized signal was accepted")
	}
}

func TestParseSignal(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`~n|ws|t|ticket.viewer|{"a":1}`, true},
		{`~n|ws||agent.presence|{}`, true},
		{`~n|ws|t|ticket.viewer|{"a":1|2}`, false}, // data not JSON
		{`n|ws/t`, false},                          // a change, not a signal
		{`~|ws|t|x|{}`, false},                     // no node
		{`~n||t|x|{}`, false},                      // no workspace
		{`~n|ws|t||{}`, false},                     // no name
		{`~n|ws|t|x`, false},                       // too few fields
		{``, false},
	} {
		if _, _, ok := parseSignal(c.in); ok != c.ok {
			t.Errorf("parseSignal(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
	}
}

func FuzzParseSignal(f *testing.F) {
	f.Add(`~n|ws|t|ticket.viewer|{"a":1}`)
	f.Add(`n|ws/t ws/u`)
	f.Fuzz(func(t *testing.T, p string) {
		node, sig, ok := parseSignal(p)
		if !ok {
			return
		}
		again, err := signalPayload(node, sig)
		if err != nil {
			return // parts may hold what a payload may not (over the limit)
		}
		if _, sig2, ok := parseSignal(again); !ok || sig2.Name != sig.Name || string(sig2.Data) != string(sig.Data) {
			t.Fatalf("re-encoded %q does not parse back: %q", p, again)
		}
	})
}
