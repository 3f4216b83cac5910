package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestMain lets the test binary run as ticketd itself, so a test can start
// a real server process and kill -9 it.
func TestMain(m *testing.M) {
	if args := os.Getenv("TICKETD_TEST_RUN"); args != "" {
		if err := run(context.Background(), strings.Split(args, "\x1f")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// slowRelay is an SMTP relay that takes a while per message and records
// every Message-ID it accepted (a re-sent one twice).
type slowRelay struct {
	mu    sync.Mutex
	ids   map[string]int
	delay time.Duration
}

func (r *slowRelay) NewSession(*smtp.Conn) (smtp.Session, error) { return &slowSession{r: r}, nil }

type slowSession struct{ r *slowRelay }

var messageID = regexp.MustCompile(`(?mi)^Message-ID:\s*<([^>]+)>`)

func (s *slowSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *slowSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *slowSession) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	time.Sleep(s.r.delay)
	m := messageID.FindSubmatch(b)
	if m == nil {
		return &smtp.SMTPError{Code: 554, Message: "no Message-ID"}
	}
	s.r.mu.Lock()
	s.r.ids[string(m[1])]++
	s.r.mu.Unlock()
	return nil
}
func (s *slowSession) Reset()        {}
func (s *slowSession) Logout() error { return nil }

func (r *slowRelay) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids)
}

// TestOutboxSurvivesKill9 is the outbox's promise: replies acknowledged to
// the client are sent at least once even when the server is killed with
// SIGKILL while it drains them. 200 replies to an e-mail ticket are queued
// through the API; the server process is killed mid-way, started again on
// the same database, and every reply reaches the relay (a duplicate is
// allowed, with the same Message-ID).
func TestOutboxSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "ticketd.db")

	relay := &slowRelay{ids: map[string]int{}, delay: 60 * time.Millisecond}
	rs := smtp.NewServer(relay)
	rs.Domain = "relay.test"
	rs.ErrorLog = log.New(io.Discard, "", 0) // the kill resets connections, as it should
	rln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = rs.Serve(rln) }()
	t.Cleanup(func() { rs.Close() })

	var out bytes.Buffer
	if err := setup(context.Background(), []string{"--db", db, "--workspace", "acme", "--admin-email", "a@acme.test",
		"--admin-password", "pw", "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	var su setupResult
	if err := json.Unmarshal(out.Bytes(), &su); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TICKETD_TEST_RUN="+strings.Join([]string{"serve", "--addr", addr, "--db", db,
			"--data", filepath.Join(dir, "data"), "--log-level", "error", "--secret", "a secret of the crash test",
			"--allow-private-hosts", "--outbox-lease", "2s"}, "\x1f"))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			res, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return cmd
				}
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("server did not come up: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	call := func(method, path string, body any, want int) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+su.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		rb, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, rb)
		}
		var m map[string]any
		_ = json.Unmarshal(rb, &m)
		return m
	}

	srv := start()
	acct := call("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "name": "Help", "uid": "help@acme.test",
		"settings": map[string]any{"inbound": "smtp", "smtp": map[string]any{"host": "127.0.0.1",
			"port": rln.Addr().(*net.TCPAddr).Port, "tls": "none"}}}, 201)
	contact := call("POST", "/api/v1/contacts", map[string]any{"name": "Rosa", "email": "rosa@customer.test",
		"identities": []map[string]string{{"channel": "email", "external_id": "rosa@customer.test"}}}, 201)
	tk := call("POST", "/api/v1/tickets", map[string]any{"subject": "Factura", "message": "hola", "channel": "email",
		"channel_account_id": acct["id"], "contact_id": contact["id"]}, 201)
	var ids []string
	for i := range 200 {
		m := call("POST", "/api/v1/tickets/"+tk["id"].(string)+"/messages", map[string]any{"text": fmt.Sprintf("respuesta %d", i)}, 201)
		ids = append(ids, m["id"].(string))
	}
	// Kill -9 once the drain is under way, far from done.
	deadline := time.Now().Add(30 * time.Second)
	for relay.distinct() < 20 {
		if time.Now().After(deadline) {
			_ = srv.Process.Kill()
			t.Fatalf("the relay got %d mails in 30 s", relay.distinct())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL: no drain, no shutdown
		t.Fatal(err)
	}
	_ = srv.Wait()
	atKill := relay.distinct()
	if atKill >= len(ids) {
		t.Fatalf("all %d replies were sent before the kill; the test proves nothing", atKill)
	}

	srv = start()
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	deadline = time.Now().Add(60 * time.Second)
	for relay.distinct() < len(ids) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	var missing []string
	dups := 0
	for _, id := range ids {
		n := relay.ids["ticketd."+id+"@acme.test"]
		if n == 0 {
			missing = append(missing, id)
		}
		if n > 1 {
			dups++
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d replies never reached the relay after the kill (sent before it: %d): %v",
			len(missing), len(ids), atKill, missing[:min(5, len(missing))])
	}
	t.Logf("killed after %d of %d were sent; all arrived, %d of them twice", atKill, len(ids), dups)
}
