package email_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/channel/email/imaptest"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

const (
	imapUser = "help@acme.test"
	imapPass = "imap-Secret-1"
)

// imapEnv is a real store and desk with an e-mail account polling a real
// Dovecot.
type imapEnv struct {
	*servertest.Env
	dv   *imaptest.Server
	acct *desk.ChannelAccount
}

func newIMAPEnv(t testing.TB, st desk.Store, dv *imaptest.Server, imapSettings map[string]any) *imapEnv {
	t.Helper()
	e := servertest.NewWith(t, st, func(d *server.Deps) { d.AllowPrivateHosts = true })
	srv := map[string]any{"host": dv.Host, "port": dv.Port, "tls": "none", "username": dv.User, "password": dv.Password}
	for k, v := range imapSettings {
		srv[k] = v
	}
	raw, _ := json.Marshal(map[string]any{"inbound": "imap", "imap": srv})
	acct, err := e.Deps.Desk.CreateChannelAccount(context.Background(), e.Workspace.ID,
		desk.NewChannelAccount{Channel: desk.ChannelEmail, Name: "Help", UID: imapUser, Settings: raw})
	if err != nil {
		t.Fatal(err)
	}
	return &imapEnv{Env: e, dv: dv, acct: acct}
}

// poller is a fresh poller over d: a restarted process, or another node.
func poller(d *desk.Service) *email.MailboxPoller {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &email.MailboxPoller{Ingester: &email.Ingester{Desk: d, Log: log}, Log: log, AllowPrivate: true}
}

func (e *imapEnv) poll(t testing.TB, p *email.MailboxPoller) *email.PollResult {
	t.Helper()
	r, err := p.Poll(context.Background(), e.Workspace.ID, e.acct.ID)
	if err != nil {
		t.Fatalf("poll: %v\n%s", err, e.dv.Log())
	}
	return r
}

// counts returns the workspace's tickets and messages.
func (e *imapEnv) counts(t testing.TB) (tickets, messages int) {
	t.Helper()
	ts, err := e.Store.Tickets(context.Background(), e.Workspace.ID, desk.TicketFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts {
		ms, err := e.Store.Messages(context.Background(), e.Workspace.ID, tk.ID, desk.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		messages += len(ms)
	}
	return len(ts), messages
}

func imapMail(i int) []byte {
	return []byte(fmt.Sprintf("From: Customer %d <c%d@customer.test>\nTo: %s\nSubject: Order %d\nMessage-ID: <m%d@customer.test>\n"+
		"Date: Mon, 7 Dec 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nWhere is order %d?\n", i, i, imapUser, i, i, i))
}

func want(t testing.TB, r *email.PollResult, stored, dups, skipped int) {
	t.Helper()
	if !r.Claimed || r.Stored != stored || r.Duplicates != dups || r.Skipped != skipped {
		t.Fatalf("poll = %+v, want claimed, %d stored, %d duplicates, %d skipped", r, stored, dups, skipped)
	}
}

// Poll, restart, poll again: each mail once; a new mail after the restart
// is picked; a crash between storing and advancing the watermark (the
// watermark set back) stores nothing twice, a mail without Message-ID
// included; a poison mail is skipped and does not block the mailbox.
func TestIMAPPollRestart(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		folder := "Poll-" + strings.ReplaceAll(t.Name(), "/", "-")
		e := newIMAPEnv(t, open(t), dv, map[string]any{"folder": folder})
		noID := []byte("From: Ana <ana@customer.test>\nTo: help@acme.test\nSubject: no id\n\nMy mail client sends no Message-ID.\n")
		// Refused by desk for good: a sender without an address.
		poison := []byte("From: undisclosed\nTo: help@acme.test\nSubject: poison\nMessage-ID: <poison@x.test>\n\nbody\n")
		dv.Append(t, folder, imapMail(1), imapMail(2), noID, poison, imapMail(3))

		p := poller(e.Deps.Desk)
		want(t, e.poll(t, p), 4, 0, 1)
		if tk, msgs := e.counts(t); tk != 4 || msgs != 4 {
			t.Fatalf("after first poll: %d tickets, %d messages; want 4, 4", tk, msgs)
		}
		st, err := e.Store.Mailbox(context.Background(), e.acct.ID, folder)
		if err != nil || st.LastUID != 5 || st.UIDValidity == 0 || st.ClaimedBy != "" {
			t.Fatalf("mailbox state = %+v, %v; want last uid 5, released", st, err)
		}
		want(t, e.poll(t, p), 0, 0, 0)

		p2 := poller(e.Deps.Desk) // a restarted process: nothing in memory
		want(t, e.poll(t, p2), 0, 0, 0)
		dv.Append(t, folder, imapMail(4))
		want(t, e.poll(t, p2), 1, 0, 0)

		// A crash after the mails were stored, before the watermark moved.
		err = e.Store.Update(context.Background(), func(tx desk.Tx) error {
			now := time.Now()
			if _, ok, err := tx.ClaimMailbox(context.Background(), e.Workspace.ID, e.acct.ID, folder, "crash", now, now.Add(time.Minute)); err != nil || !ok {
				return fmt.Errorf("claim: %v %v", ok, err)
			}
			// The watermark never goes back under one UIDVALIDITY: through
			// another one to set it back.
			for _, v := range []uint32{st.UIDValidity + 1, st.UIDValidity} {
				if err := tx.AdvanceMailbox(context.Background(), e.acct.ID, folder, "crash", v, 0, now, now); err != nil {
					return err
				}
			}
			return tx.ReleaseMailbox(context.Background(), e.acct.ID, folder, "crash")
		})
		if err != nil {
			t.Fatal(err)
		}
		want(t, e.poll(t, poller(e.Deps.Desk)), 0, 5, 1)
		if tk, msgs := e.counts(t); tk != 5 || msgs != 5 {
			t.Fatalf("after the replay: %d tickets, %d messages; want 5, 5", tk, msgs)
		}
		// keep: nothing was flagged \Seen.
		if s := dv.Status(t, folder); *s.NumUnseen != 6 {
			t.Fatalf("unseen = %d, want 6 (after: keep)", *s.NumUnseen)
		}
	})
}

// UIDVALIDITY changes (the folder recreated with the same mails and one
// more): the folder is read again, the old mails are found by Message-ID,
// only the new one is stored, and the new UIDVALIDITY is kept.
func TestIMAPUIDValidityChange(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		folder := "Validity-" + strings.ReplaceAll(t.Name(), "/", "-")
		e := newIMAPEnv(t, open(t), dv, map[string]any{"folder": folder})
		dv.Append(t, folder, imapMail(1), imapMail(2), imapMail(3))
		p := poller(e.Deps.Desk)
		r := e.poll(t, p)
		want(t, r, 3, 0, 0)
		before := r.UIDValidity
		dv.Recreate(t, folder)
		dv.Append(t, folder, imapMail(1), imapMail(2), imapMail(3), imapMail(4))
		if after := dv.Status(t, folder).UIDValidity; after == before {
			t.Fatalf("recreating the folder kept UIDVALIDITY %d; the test proves nothing", after)
		}
		r = e.poll(t, p)
		want(t, r, 1, 3, 0)
		if !r.Reset || r.UIDValidity == before || r.LastUID != 4 {
			t.Fatalf("poll = %+v, want a reset to a new UIDVALIDITY, last uid 4", r)
		}
		if tk, msgs := e.counts(t); tk != 4 || msgs != 4 {
			t.Fatalf("%d tickets, %d messages; want 4, 4", tk, msgs)
		}
		st, _ := e.Store.Mailbox(context.Background(), e.acct.ID, folder)
		if st.UIDValidity != r.UIDValidity {
			t.Fatalf("stored UIDVALIDITY %d, want %d", st.UIDValidity, r.UIDValidity)
		}
		want(t, e.poll(t, p), 0, 0, 0)
	})
}

// after: seen flags stored mail; after: move moves it out of the folder.
func TestIMAPAfterSeenAndMove(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	e := newIMAPEnv(t, storetest.OpenSQLite(t), dv, map[string]any{"folder": "Seen", "after": "seen"})
	dv.Append(t, "Seen", imapMail(1), imapMail(2))
	want(t, e.poll(t, poller(e.Deps.Desk)), 2, 0, 0)
	if s := dv.Status(t, "Seen"); *s.NumUnseen != 0 || *s.NumMessages != 2 {
		t.Fatalf("after seen: %d unseen of %d", *s.NumUnseen, *s.NumMessages)
	}

	m := newIMAPEnv(t, storetest.OpenSQLite(t), dv, map[string]any{"folder": "Move", "after": "move", "move_to": "Done"})
	dv.Append(t, "Done") // the target exists
	dv.Append(t, "Move", imapMail(1), imapMail(2), imapMail(3))
	// One UID per batch: each MOVE runs while the next FETCH is under way.
	one := poller(m.Deps.Desk)
	one.Batch = 1
	want(t, m.poll(t, one), 3, 0, 0)
	if n := *dv.Status(t, "Move").NumMessages; n != 0 {
		t.Fatalf("%d mails left in Move", n)
	}
	if n := *dv.Status(t, "Done").NumMessages; n != 3 {
		t.Fatalf("%d mails in Done, want 3", n)
	}
	dv.Append(t, "Move", imapMail(4))
	want(t, m.poll(t, poller(m.Deps.Desk)), 1, 0, 0)
}

// A Sent folder is refused: by name when the settings are saved, by the
// server's \Sent special-use when polling and testing.
func TestIMAPSentFolderRefused(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	e := servertest.NewWith(t, storetest.OpenSQLite(t), func(d *server.Deps) { d.AllowPrivateHosts = true })
	admin := servertest.Bearer(e.AdminToken)
	for _, f := range []string{"Sent", "Sent Items", "[Gmail]/Sent Mail"} {
		r := e.Do("POST", "/api/v1/channel-accounts", map[string]any{"channel": "email", "name": "Help", "uid": imapUser,
			"settings": map[string]any{"inbound": "imap", "imap": map[string]any{"host": dv.Host, "port": dv.Port, "tls": "none",
				"username": imapUser, "password": imapPass, "folder": f}}}, admin)
		if r.Status != 422 || !strings.Contains(string(r.Body), "settings.imap.folder") {
			t.Fatalf("folder %q: %d %s", f, r.Status, r.Body)
		}
	}
	// A name that says nothing, marked \Sent by the server.
	m := newIMAPEnv(t, storetest.OpenSQLite(t), dv, map[string]any{"folder": imaptest.SentSpecialUse})
	dv.Append(t, imaptest.SentSpecialUse, imapMail(1))
	_, err := poller(m.Deps.Desk).Poll(context.Background(), m.Workspace.ID, m.acct.ID)
	if err == nil || !strings.Contains(err.Error(), email.ErrSentFolder.Error()) {
		t.Fatalf("poll of a \\Sent folder: %v", err)
	}
	if tk, _ := m.counts(t); tk != 0 {
		t.Fatalf("%d tickets from the Sent folder", tk)
	}
	r := m.Do("POST", "/api/v1/channel-accounts/"+m.acct.ID+"/test", nil, servertest.Bearer(m.AdminToken))
	got := r.Map(t)["imap"].(map[string]any)
	if got["status"] != "failed" || got["stage"] != "folder" || !strings.Contains(got["error"].(string), "sent") {
		t.Fatalf("test of a \\Sent folder = %v", got)
	}
}

// The test action logs in and selects the folder on a real server.
func TestIMAPTestConnection(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	e := newIMAPEnv(t, storetest.OpenSQLite(t), dv, nil)
	admin := servertest.Bearer(e.AdminToken)
	r := e.Do("POST", "/api/v1/channel-accounts/"+e.acct.ID+"/test", nil, admin)
	got := r.Map(t)["imap"].(map[string]any)
	if r.Status != 200 || got["status"] != "ok" || got["auth"] != "ok" || got["connected"] != true {
		t.Fatalf("test = %d %v\n%s", r.Status, got, dv.Log())
	}
	for _, c := range []struct {
		imap  map[string]any
		stage string
	}{
		{map[string]any{"password": "wrong"}, "auth"},
		{map[string]any{"folder": "No-Such-Folder"}, "folder"},
	} {
		srv := map[string]any{"host": dv.Host, "port": dv.Port, "tls": "none", "username": imapUser, "password": imapPass}
		for k, v := range c.imap {
			srv[k] = v
		}
		if r := e.Do("PATCH", "/api/v1/channel-accounts/"+e.acct.ID, map[string]any{"settings": map[string]any{"inbound": "imap", "imap": srv}}, admin); r.Status != 200 {
			t.Fatalf("PATCH = %d %s", r.Status, r.Body)
		}
		r := e.Do("POST", "/api/v1/channel-accounts/"+e.acct.ID+"/test", nil, admin)
		got := r.Map(t)["imap"].(map[string]any)
		if got["status"] != "failed" || got["stage"] != c.stage || got["error"] == "" || strings.Contains(string(r.Body), "wrong") {
			t.Errorf("test with %v = %v", c.imap, got)
		}
	}
}

// The runner inside serve picks up an account created while it runs,
// and stops when its context ends.
func TestIMAPRunnerPicksUpAccounts(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	st := storetest.OpenSQLite(t)
	e := servertest.NewWith(t, st, func(d *server.Deps) { d.AllowPrivateHosts = true })
	ctx, cancel := context.WithCancel(context.Background())
	run := &email.IMAPRunner{Poller: poller(e.Deps.Desk), Scan: 50 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- run.Run(ctx) }()
	dv.Append(t, "Runner", imapMail(1), imapMail(2))
	m := &imapEnv{Env: e, dv: dv}
	raw, _ := json.Marshal(map[string]any{"inbound": "imap", "imap": map[string]any{"host": dv.Host, "port": dv.Port, "tls": "none",
		"username": imapUser, "password": imapPass, "folder": "Runner"}})
	acct, err := e.Deps.Desk.CreateChannelAccount(ctx, e.Workspace.ID, desk.NewChannelAccount{Channel: desk.ChannelEmail, Name: "Help", UID: imapUser, Settings: raw})
	if err != nil {
		t.Fatal(err)
	}
	m.acct = acct
	deadline := time.Now().Add(30 * time.Second)
	for {
		if tk, _ := m.counts(t); tk == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner did not poll the new account\n%s", dv.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the runner did not stop")
	}
}

// Two nodes over one PostgreSQL database poll one mailbox at once, with a
// lease so short that it always runs out mid-poll (the worst case: both
// nodes fetch the same mails): each mail is still stored exactly once.
// With a normal lease, one node polls at a time.
func TestIMAPTwoNodes(t *testing.T) {
	dv := imaptest.Start(t, imapUser, imapPass)
	storetest.PostgresURL(t) // skips without TICKETD_TEST_POSTGRES
	var url string
	open := func() desk.Store {
		st, err := postgres.Open(context.Background(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	for _, lease := range []time.Duration{time.Nanosecond, time.Minute} {
		t.Run(lease.String(), func(t *testing.T) {
			url = storetest.FreshSchemaURL(t)
			folder := "Nodes-" + strings.ReplaceAll(lease.String(), ".", "_")
			e := newIMAPEnv(t, open(), dv, map[string]any{"folder": folder})
			node2 := e.Node(t, open())
			const n = 200
			mails := make([][]byte, n)
			for i := range mails {
				mails[i] = imapMail(i)
			}
			dv.Append(t, folder, mails...)
			var wg sync.WaitGroup
			var mu sync.Mutex
			stored, claimed := 0, 0
			perNode := make([]int, 2)
			for node, d := range []*desk.Service{e.Deps.Desk, node2.Deps.Desk} {
				p := poller(d)
				p.Lease, p.Batch = lease, 25
				wg.Add(1)
				go func() {
					defer wg.Done()
					deadline := time.Now().Add(60 * time.Second)
					for time.Now().Before(deadline) {
						r, err := p.Poll(context.Background(), e.Workspace.ID, e.acct.ID)
						if err != nil {
							// A lost lease or a Message-ID race with the
							// other node: the next poll goes on.
							t.Logf("poll: %v", err)
						}
						mu.Lock()
						if r != nil && r.Claimed {
							claimed++
							perNode[node]++
							stored += r.Stored
						}
						mu.Unlock()
						if r != nil && !r.Claimed {
							time.Sleep(10 * time.Millisecond) // the other node holds it
						}
						if st, err := e.Store.Mailbox(context.Background(), e.acct.ID, folder); err == nil && st.LastUID == n {
							return
						}
					}
				}()
			}
			wg.Wait()
			tk, msgs := e.counts(t)
			t.Logf("lease %v: %d polls claimed (per node %v), %d stored", lease, claimed, perNode, stored)
			if lease < time.Millisecond && (perNode[0] == 0 || perNode[1] == 0) {
				t.Fatalf("with an expired lease both nodes should have polled: %v", perNode)
			}
			if tk != n || msgs != n || stored != n {
				t.Fatalf("%d tickets, %d messages, %d stored; want %d each", tk, msgs, stored, n)
			}
		})
	}
}
