package live

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

var (
	testWS     = objectid.New(time.Unix(1_700_000_000, 0))
	testTicket = objectid.New(time.Unix(1_700_000_100, 0))
	otherTkt   = objectid.New(time.Unix(1_700_000_200, 0))
	testAgent  = objectid.New(time.Unix(1_700_000_300, 0))
)

func TestRoomToken(t *testing.T) {
	k := deriveKeys([]byte("secret one"))
	tok := k.roomToken(testWS, testTicket)
	if !strings.HasPrefix(tok, "rst1."+testWS+"."+testTicket+".") {
		t.Fatalf("token %q does not name its workspace and ticket", tok)
	}
	ws, ticket, ok := k.verifyRoomToken(tok)
	if !ok || ws != testWS || ticket != testTicket {
		t.Fatalf("verify own token = %q %q %v", ws, ticket, ok)
	}
	if k.roomToken(testWS, testTicket) != tok {
		t.Fatal("room tokens are not stable: a list read twice would hand out two tokens")
	}
	mac := tok[strings.LastIndex(tok, ".")+1:]
	bad := map[string]string{
		"empty":                 "",
		"other secret":          deriveKeys([]byte("secret two")).roomToken(testWS, testTicket),
		"mac moved to other id": "rst1." + testWS + "." + otherTkt + "." + mac,
		"workspace swapped":     "rst1." + testTicket + "." + testWS + "." + mac,
		"truncated mac":         tok[:len(tok)-2],
		"flipped mac":           tok[:len(tok)-1] + flip(tok[len(tok)-1:]),
		"wrong version":         "rst2" + tok[4:],
		"extra part":            tok + ".x",
		"uppercase ids":         "rst1." + strings.ToUpper(testWS) + "." + testTicket + "." + mac,
		"agent jwt":             k.agentJWT(testWS, testAgent, testTicket, time.Now()),
		"random":                "rst1.zz.yy.xx",
	}
	for name, tok := range bad {
		if _, _, ok := k.verifyRoomToken(tok); ok {
			t.Errorf("%s: %q verified", name, tok)
		}
	}
}

func flip(s string) string {
	if s == "A" {
		return "B"
	}
	return "A"
}

func TestRandomSecretsDiffer(t *testing.T) {
	a, b := deriveKeys(nil), deriveKeys(nil)
	if _, _, ok := b.verifyRoomToken(a.roomToken(testWS, testTicket)); ok {
		t.Fatal("two random secrets accept each other's tokens")
	}
}

func TestAgentJWT(t *testing.T) {
	k := deriveKeys([]byte("secret one"))
	now := time.Unix(1_800_000_000, 0)
	tok := k.agentJWT(testWS, testAgent, testTicket, now)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("jwt %q has %d parts", tok, len(parts))
	}
	head, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(head) != `{"alg":"HS256","typ":"JWT"}` {
		t.Fatalf("header %s", head)
	}
	c, ok := k.verifyAgentJWT(tok, now.Add(JWTTTL-time.Second))
	if !ok {
		t.Fatal("fresh jwt rejected")
	}
	want := Claims{Issuer: "ticketd", Subject: testAgent, Workspace: testWS, Ticket: testTicket, Room: testTicket,
		IssuedAt: now.Unix(), ExpiresAt: now.Add(JWTTTL).Unix()}
	if *c != want {
		t.Fatalf("claims = %+v, want %+v", *c, want)
	}
	if _, ok := k.verifyAgentJWT(tok, now.Add(JWTTTL)); ok {
		t.Fatal("expired jwt accepted")
	}
	enc := base64.RawURLEncoding.EncodeToString
	forged := enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	bad := map[string]string{
		"other secret": deriveKeys([]byte("secret two")).agentJWT(testWS, testAgent, testTicket, now),
		"alg none":     forged,
		"body swapped": parts[0] + "." + enc([]byte(`{"iss":"ticketd","sub":"`+testAgent+`","ws":"`+testWS+`","tid":"`+otherTkt+`","exp":9999999999}`)) + "." + parts[2],
		"no signature": parts[0] + "." + parts[1],
		"room token":   k.roomToken(testWS, testTicket),
		"huge":         strings.Repeat("a", 5000),
	}
	for name, tok := range bad {
		if _, ok := k.verifyAgentJWT(tok, now); ok {
			t.Errorf("%s: %q verified", name, tok)
		}
	}
}

func FuzzVerifyRoomToken(f *testing.F) {
	k := deriveKeys([]byte("fuzz"))
	f.Add(k.roomToken(testWS, testTicket))
	f.Add("rst1...")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		ws, ticket, ok := k.verifyRoomToken(tok)
		if ok && k.roomToken(ws, ticket) != tok {
			t.Fatalf("%q verified but is not the token of %s/%s", tok, ws, ticket)
		}
	})
}

func FuzzVerifyAgentJWT(f *testing.F) {
	k := deriveKeys([]byte("fuzz"))
	now := time.Unix(1_800_000_000, 0)
	f.Add(k.agentJWT(testWS, testAgent, testTicket, now))
	f.Add(jwtHeader + "..")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		c, ok := k.verifyAgentJWT(tok, now)
		if ok && (c.Issuer != "ticketd" || !objectid.Valid(c.Ticket) || c.ExpiresAt <= now.Unix()) {
			t.Fatalf("%q verified with claims %+v", tok, c)
		}
	})
}

func TestPayloads(t *testing.T) {
	rooms := map[room]struct{}{}
	for i := range 400 {
		rooms[room{testWS, objectid.New(time.Unix(int64(1_700_000_000+i), 0))}] = struct{}{}
	}
	ps := payloads("node1", rooms)
	if len(ps) < 2 {
		t.Fatalf("400 rooms fit in %d payload(s): the 8000-byte NOTIFY limit is not respected", len(ps))
	}
	got := map[room]struct{}{}
	for _, p := range ps {
		if len(p) > maxPayload {
			t.Errorf("payload of %d bytes", len(p))
		}
		node, rs, ok := parsePayload(p)
		if !ok || node != "node1" {
			t.Fatalf("parse %q = %q %v", p[:40], node, ok)
		}
		for _, r := range rs {
			got[r] = struct{}{}
		}
	}
	if len(got) != len(rooms) {
		t.Fatalf("round trip kept %d of %d rooms", len(got), len(rooms))
	}
	for _, bad := range []string{"", "no-bar", "|ws/t", "n|ws", "n|/t", "n|ws/"} {
		if _, _, ok := parsePayload(bad); ok {
			t.Errorf("parsePayload(%q) accepted", bad)
		}
	}
}

func FuzzParsePayload(f *testing.F) {
	f.Add("node|ws/t ws2/t2")
	f.Add("|")
	f.Fuzz(func(t *testing.T, p string) {
		node, rooms, ok := parsePayload(p)
		if !ok {
			return
		}
		if node == "" || strings.Contains(node, "|") {
			t.Fatalf("node %q from %q", node, p)
		}
		for _, r := range rooms {
			if r.ws == "" || r.ticket == "" || strings.ContainsAny(r.ws, " \t\n") {
				t.Fatalf("room %+v from %q", r, p)
			}
		}
	})
}
