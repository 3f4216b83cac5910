package dolphins_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/dialect/dolphins"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// javaZoned is Java's ZonedDateTime.toString() in Asia/Shanghai (the test
// workspace's zone).
var javaZoned = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?)?)\+08:00\[Asia/Shanghai\]$`)

func TestAuth(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)

		// A good login: exactly {token, expireAt}, expiring in 24 h.
		res := f.do("POST", "/graph/auth", map[string]string{"username": "ani@acme.test", "password": servertest.Password}, "")
		if res.Status != 200 {
			t.Fatalf("login: %d %s", res.Status, res.Body)
		}
		m := decode(t, res.Body)
		assertKeys(t, "token response", m, []string{"token", "expireAt"})
		tok := str(t, m, "token")
		match := javaZoned.FindStringSubmatch(str(t, m, "expireAt"))
		if match == nil {
			t.Fatalf("expireAt %q is not ZonedDateTime.toString()", m["expireAt"])
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		exp, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", match[1], loc)
		if err != nil {
			exp, err = time.ParseInLocation("2006-01-02T15:04", match[1], loc)
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(exp); d < 23*time.Hour+59*time.Minute || d > 24*time.Hour {
			t.Fatalf("token expires in %v, want 24 h", d)
		}
		f.ok(f.do("GET", "/graph/tickets", nil, tok))

		// Bad credentials and bad bodies.
		for _, c := range []struct {
			name string
			body any
			code int
		}{
			{"wrong password", map[string]string{"username": "ani@acme.test", "password": "nope"}, 401},
			{"unknown user", map[string]string{"username": "who@acme.test", "password": servertest.Password}, 401},
			{"no password", map[string]string{"username": "ani@acme.test"}, 400},
			{"empty body", "", 400},
			{"not JSON", "{username:", 400},
			{"an array", `["ani@acme.test"]`, 400},
		} {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				res := f.do("POST", "/graph/auth", c.body, "")
				e := f.failed(res, c.code)
				if c.code == 401 && e.Message != "Invalid username or password" {
					t.Fatalf("message %q", e.Message)
				}
			})
		}
		f.t = t

		// Every ticket route needs a valid bearer token.
		for _, h := range []string{"", "Authorization: Basic YW5pOnNlY3JldA==", "Authorization: Bearer not-a-token", "Authorization: Bearer"} {
			var res *servertest.Response
			if h == "" {
				res = e.Do("GET", base+"/graph/tickets", nil)
			} else {
				res = e.Do("GET", base+"/graph/tickets", nil, h)
			}
			f.failed(res, 401)
			if res.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("%q: no WWW-Authenticate", h)
			}
		}
		f.failed(f.do("PUT", "/graph/tickets/update/close", map[string]string{"ticketNumber": "1"}, "x"), 401)
		// The scheme is case-insensitive.
		f.ok(e.Do("GET", base+"/graph/tickets", nil, "Authorization: bearer "+tok))

		// Tokens expire: a day later the token is refused.
		f.clock.Shift(24*time.Hour + time.Minute)
		f.failed(f.do("GET", "/graph/tickets", nil, tok), 401)
		f.clock.Shift(0)
	})
}

// TestTokenTTL mounts the door with a configured token lifetime.
func TestTokenTTL(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) { testTokenTTL(t, servertest.New(t, open(t))) })
}

func testTokenTTL(t *testing.T, e *servertest.Env) {
	f := setup(t, e)
	srv := customDoor(t, e, dolphins.Config{TokenTTL: 10 * time.Minute, Prefix: "/3d"})
	res, err := http.Post(srv.URL+"/3d/graph/auth", "application/json",
		strings.NewReader(`{"username": "ani@acme.test", "password": "`+servertest.Password+`",}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token, ExpireAt string }
	if err := jsonDecode(res.Body, &out); err != nil || res.StatusCode != 200 {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	get := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/3d/graph/tickets", nil)
		req.Header.Set("Authorization", "Bearer "+out.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	f.clock.Shift(11 * time.Minute)
	if code := get(); code != 401 {
		t.Fatalf("token after its 10 minutes: %d", code)
	}
}
