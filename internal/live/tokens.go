package live

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/objectid"
)

// Two credentials open a ticket's stream besides an API token, both signed
// with keys derived from the hub's secret, so nothing is stored and every
// node sharing the secret accepts them:
//
//   - a room token ("rst1.<workspace>.<ticket>.<mac>") names one ticket and
//     never expires; it shows the ticket's public conversation and status;
//   - an agent JWT (HS256, short-lived) names an agent and one ticket and
//     shows internal notes too.
//
// Rotating the secret revokes every outstanding credential at once.

// roomPrefix versions the room token format.
const roomPrefix = "rst1"

// JWTTTL is how long an agent JWT stays valid.
const JWTTTL = time.Hour

// keys are the signing keys derived from one secret, one per credential
// kind, so a MAC of one kind can never pass for the other.
type keys struct {
	room []byte
	jwt  []byte
}

func deriveKeys(secret []byte) keys {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // never fails on supported platforms
	}
	return keys{room: mac(secret, "ticketd room token v1"), jwt: mac(secret, "ticketd agent jwt v1")}
}

func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}

// b64 encodes MACs and JWT parts; decoding is strict, so each token has
// exactly one accepted spelling.
var b64 = base64.RawURLEncoding.Strict()

// roomToken mints the room token of ticket in workspace ws.
func (k keys) roomToken(ws, ticket string) string {
	return roomPrefix + "." + ws + "." + ticket + "." + b64.EncodeToString(mac(k.room, ws, ticket))
}

// verifyRoomToken returns the workspace and ticket a room token names.
func (k keys) verifyRoomToken(tok string) (ws, ticket string, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 || parts[0] != roomPrefix || !objectid.Valid(parts[1]) || !objectid.Valid(parts[2]) {
		return "", "", false
	}
	got, err := b64.DecodeString(parts[3])
	if err != nil || !hmac.Equal(got, mac(k.room, parts[1], parts[2])) {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// Claims are an agent JWT's payload.
type Claims struct {
	Issuer    string `json:"iss"`
	Subject   string `json:"sub"` // agent id
	Workspace string `json:"ws"`
	Ticket    string `json:"tid"`
	Room      string `json:"room"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// jwtHeader is the only header ticketd issues or accepts.
var jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// agentJWT mints an HS256 JWT letting agent join ticket's room until now+JWTTTL.
func (k keys) agentJWT(ws, agent, ticket string, now time.Time) string {
	c := Claims{Issuer: "ticketd", Subject: agent, Workspace: ws, Ticket: ticket, Room: ticket,
		IssuedAt: now.Unix(), ExpiresAt: now.Add(JWTTTL).Unix()}
	body, _ := json.Marshal(c) // plain strings and ints cannot fail
	signed := jwtHeader + "." + b64.EncodeToString(body)
	return signed + "." + b64.EncodeToString(mac(k.jwt, signed))
}

// verifyAgentJWT checks an agent JWT's signature, shape and expiry. Only
// the exact header ticketd issues is accepted, so "alg" games (none, RS256
// with the key as a public key) have nothing to play with.
func (k keys) verifyAgentJWT(tok string, now time.Time) (*Claims, bool) {
	if len(tok) > 2048 {
		return nil, false
	}
	head, rest, ok := strings.Cut(tok, ".")
	if !ok || head != jwtHeader {
		return nil, false
	}
	body, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, false
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(k.jwt, head+"."+body)) {
		return nil, false
	}
	raw, err := b64.DecodeString(body)
	if err != nil {
		return nil, false
	}
	var c Claims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, false
	}
	if c.Issuer != "ticketd" || !objectid.Valid(c.Subject) || !objectid.Valid(c.Workspace) || !objectid.Valid(c.Ticket) {
		return nil, false
	}
	if now.Unix() >= c.ExpiresAt {
		return nil, false
	}
	return &c, true
}
