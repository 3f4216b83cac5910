package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSetupJSONAndIsolation(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	var out bytes.Buffer
	if err := setup(ctx, []string{"--db", db, "--workspace", "acme", "--admin-email", "a@x.io", "--admin-password", "pw", "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	var res setupResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.WorkspaceID == "" || !strings.HasPrefix(res.Token, "tkd_") {
		t.Fatalf("setup printed %q (%v)", out.String(), err)
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("setup --json must print one line: %q", out.String())
	}
	out.Reset()
	err := setup(ctx, []string{"--db", db, "--workspace", "acme", "--admin-email", "b@x.io", "--admin-password", "pw", "--json"}, &out)
	if err == nil || !strings.Contains(err.Error(), "already exists") || out.Len() != 0 {
		t.Fatalf("repeated name: err=%v out=%q", err, out.String())
	}
	if err := setup(ctx, []string{"--db", db, "--workspace", "globex", "--admin-email", "a@x.io", "--admin-password", "pw", "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	var res2 setupResult
	_ = json.Unmarshal(out.Bytes(), &res2)
	if res2.WorkspaceID == res.WorkspaceID || res2.Token == res.Token {
		t.Fatal("second workspace is not distinct")
	}
	if err := setup(ctx, []string{"--db", db, "--workspace", "x"}, &out); err == nil {
		t.Fatal("setup without an admin succeeded")
	}
}

// TestServeSetupWhileRunning runs the real serve command, creates a
// workspace with setup while it serves the same SQLite file, uses the
// token, and shuts down gracefully.
func TestServeSetupWhileRunning(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ticketd.db")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", addr, "--db", db, "--data", filepath.Join(dir, "data"), "--log-level", "error"})
	}()
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var out bytes.Buffer
	if err := setup(context.Background(), []string{"--db", db, "--workspace", "live", "--admin-email", "a@x.io", "--admin-password", "pw", "--json"}, &out); err != nil {
		t.Fatalf("setup while serving: %v", err)
	}
	var res setupResult
	_ = json.Unmarshal(out.Bytes(), &res)
	req, _ := http.NewRequest("POST", base+"/api/v1/tickets", strings.NewReader(`{"subject":"hi","message":"hello"}`))
	req.Header.Set("Authorization", "Bearer "+res.Token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 201 {
		t.Fatalf("create with the setup token = %d", r.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v on shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestRunUnknownCommand(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(context.Background(), []string{"version"}); err != nil {
		t.Fatal(err)
	}
}

func TestEnvFallback(t *testing.T) {
	t.Setenv("TICKETD_ADDR", "0.0.0.0:9999")
	if got := env("addr", "x"); got != "0.0.0.0:9999" {
		t.Fatalf("env(addr) = %q", got)
	}
	if got := env("nope", "def"); got != "def" {
		t.Fatalf("env(nope) = %q", got)
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	a, err := loadSecret("", dir)
	if err != nil || len(a) < 32 {
		t.Fatalf("generated secret %q, %v", a, err)
	}
	b, _ := loadSecret("", dir)
	if string(a) != string(b) {
		t.Fatal("secret not kept across restarts")
	}
	if _, err := loadSecret("short", dir); err == nil {
		t.Fatal("short secret accepted")
	}
	if c, _ := loadSecret("0123456789abcdef-shared", dir); string(c) != "0123456789abcdef-shared" {
		t.Fatal("configured secret ignored")
	}
}
