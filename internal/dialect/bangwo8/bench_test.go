package bangwo8_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// benchEnv is a SQLite server with production password hashing (argon2id
// 19 MiB, t=2) and n tickets.
func benchEnv(b *testing.B, n int) (*servertest.Env, string) {
	return benchEnvCache(b, n, true)
}

// benchEnvCache is benchEnv with the auth cache on or off.
func benchEnvCache(b *testing.B, n int, cache bool) (*servertest.Env, string) {
	b.Helper()
	e := servertest.New(b, storetest.OpenSQLite(b))
	if !cache {
		e.Deps.Auth.CacheTTL = 0
	}
	e.Deps.Auth.Hasher = auth.DefaultHasher
	hash, err := auth.DefaultHasher.Hash(servertest.Password)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Deps.Desk.UpdateAgent(context.Background(), e.Workspace.ID, e.Admin.ID, desk.AgentPatch{PasswordHash: &hash}); err != nil {
		b.Fatal(err)
	}
	admin := basic(e.Admin.Email, servertest.Password)
	for i := 0; i < n; i++ {
		if res := e.Do("POST", "/bangwo8/api/v1/tickets.json", `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`, admin); res.Status != 200 {
			b.Fatalf("create: %d %s", res.Status, res.Body)
		}
	}
	return e, admin
}

func send(b *testing.B, method, url, body, authz string) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", strings.TrimPrefix(authz, "Authorization: "))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("%s %s: %d", method, url, res.StatusCode)
	}
}

// BenchmarkShowBasicAuth: GET {id}_v2.json with HTTP Basic email:password
// and production hashing. "cached" is the door as served: the argon2id
// check is paid once per auth cache period. "every-request" turns the
// cache off, for the ratio.
func BenchmarkShowBasicAuth(b *testing.B) {
	for _, c := range []struct {
		name  string
		cache bool
	}{{"cached", true}, {"every-request", false}} {
		b.Run(c.name, func(b *testing.B) {
			e, admin := benchEnvCache(b, 1, c.cache)
			url := e.URL + "/bangwo8/api/v1/tickets/1_v2.json"
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				send(b, "GET", url, "", admin)
			}
		})
	}
}

// BenchmarkList100: one full page of tickets.json (100 tickets rendered).
func BenchmarkList100(b *testing.B) {
	e, admin := benchEnv(b, 100)
	url := e.URL + "/bangwo8/api/v1/tickets.json"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send(b, "GET", url, "", admin)
	}
}

// BenchmarkUpdateMany100: update_many over 100 tickets, each item its own
// transaction.
func BenchmarkUpdateMany100(b *testing.B) {
	e, admin := benchEnv(b, 100)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	url := e.URL + "/bangwo8/api/v1/tickets/update_many.json?ids=" + strings.Join(ids, ",")
	levels := []string{"1", "2", "3", "4"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send(b, "PUT", url, `{"ticket": {"priorityLevel": `+levels[i%4]+`}}`, admin)
	}
}
