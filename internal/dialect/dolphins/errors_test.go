package dolphins_test

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestFailures: every failure answers the failure envelope, unknown routes
// and store failures included; a 500 tells nothing of its cause.
func TestFailures(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		e := servertest.New(t, st)
		f := setup(t, e)
		for _, c := range []struct{ method, path string }{
			{"GET", "/graph/nothing"}, {"DELETE", "/graph/tickets"}, {"GET", "/graph/auth"}, {"PATCH", "/graph/tickets/update/1"},
			{"GET", "/graph/tickets/a/b/c/d/e"},
		} {
			env := f.failed(f.do(c.method, c.path, nil, f.tAgent), 404)
			if !strings.Contains(env.Message, c.path) {
				t.Errorf("%s %s: message %q", c.method, c.path, env.Message)
			}
		}
		// The store goes away under the server: 503 with Retry-After,
		// without details (the server's guard, internal/server/doors.go).
		f.ok(f.do("GET", "/graph/tickets", nil, f.tAgent)) // the token is now cached
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		env := f.failed(f.do("GET", "/graph/tickets", nil, f.tAgent), 503)
		if env.Message != "the database is unavailable; try again shortly" {
			t.Errorf("503 message %q", env.Message)
		}
	})
}
