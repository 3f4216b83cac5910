package email

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

func TestConversationKeys(t *testing.T) {
	mk := func(h string) fetched {
		return fetched{raw: []byte(strings.ReplaceAll(h, "\n", "\r\n") + "\r\n\r\nbody\r\n")}
	}
	items := []fetched{
		mk("From: Ana <Ana@Cust.test>\nMessage-ID: <a1@x>"),
		mk("From: bo@cust.test\nMessage-ID: <b1@x>"),
		mk("From: Carla <carla@cust.test>\nIn-Reply-To: <a1@x>\nMessage-ID: <c1@x>"), // answers Ana's mail: Ana's worker
		mk("From: dan@cust.test\nReferences: <zz@x> <c1@x>\nMessage-ID: <d1@x>"),     // answers Carla's answer: Ana's worker too
		mk("From: ana@cust.test\nIn-Reply-To: <unknown@x>"),                          // unknown thread: its sender
		{gone: true},
		mk("From: not an address"),
		{raw: []byte("no header at all")},
	}
	want := []string{"ana@cust.test", "bo@cust.test", "ana@cust.test", "ana@cust.test", "ana@cust.test", "", "not an address", ""}
	got := conversationKeys(items)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("key %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestWithMessageID(t *testing.T) {
	for _, c := range []struct {
		name, in string
		added    bool
	}{
		{"has one", "From: a@b\r\nMessage-ID: <x@y>\r\n\r\nhi", false},
		{"lower-case header", "from: a@b\r\nmessage-id: <x@y>\r\n\r\nhi", false},
		{"none", "From: a@b\r\nSubject: s\r\n\r\nhi", true},
		{"not mail", "just words", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := withMessageID([]byte(c.in))
			if added := !bytes.Equal(out, []byte(c.in)); added != c.added {
				t.Fatalf("added = %v, want %v: %q", added, c.added, out)
			}
			if !c.added {
				return
			}
			if !bytes.Equal(out, withMessageID([]byte(c.in))) {
				t.Fatal("not stable: a refetch would not be recognised")
			}
			m, err := mail.ReadMessage(bytes.NewReader(out))
			if err != nil || !strings.HasSuffix(m.Header.Get("Message-Id"), "@imap.ticketd.invalid>") {
				t.Fatalf("made id %q, %v", m.Header.Get("Message-Id"), err)
			}
			other := withMessageID([]byte(c.in + "!"))
			if bytes.Equal(out[:60], other[:60]) {
				t.Fatal("two different mails got one id")
			}
		})
	}
}

// FuzzConversationKeys: any bytes as mails, one key each, never a panic;
// a mail given a Message-ID keeps everything it had.
func FuzzConversationKeys(f *testing.F) {
	f.Add([]byte("From: a@b\r\nIn-Reply-To: <x@y>\r\n\r\nhi"), []byte("From: c@d\r\nMessage-ID: <x@y>\r\n\r\n"))
	f.Add([]byte("References: <<<>>>\r\n\r\n"), []byte{0xff, '\n', ':'})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		keys := conversationKeys([]fetched{{raw: b}, {raw: a}, {raw: withMessageID(a)}})
		if len(keys) != 3 {
			t.Fatalf("%d keys", len(keys))
		}
		if out := withMessageID(a); !bytes.HasSuffix(out, a) {
			t.Fatal("withMessageID changed the mail")
		}
	})
}

func TestBackoff(t *testing.T) {
	m := time.Minute
	for _, c := range []struct {
		every    time.Duration
		failures int
		want     time.Duration
	}{
		{m, 0, m}, {m, 1, 2 * m}, {m, 3, 8 * m}, {m, 5, 30 * m}, {m, 50, 30 * m},
		{2 * time.Hour, 0, 2 * time.Hour}, {2 * time.Hour, 2, 2 * time.Hour},
	} {
		if got := backoff(c.every, c.failures); got != c.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", c.every, c.failures, got, c.want)
		}
	}
}

func TestIMAPInterval(t *testing.T) {
	for _, c := range []struct {
		active   bool
		settings string
		want     time.Duration
		ok       bool
	}{
		{true, `{"inbound":"imap","imap":{"poll_interval":30}}`, 30 * time.Second, true},
		{true, `{"inbound":"imap","imap":{}}`, time.Minute, true},
		{false, `{"inbound":"imap","imap":{"poll_interval":30}}`, 0, false},
		{true, `{"inbound":"smtp","imap":{"poll_interval":30}}`, 0, false},
		{true, `{"inbound":"imap"}`, 0, false},
		{true, `not json`, 0, false},
	} {
		a := &desk.ChannelAccount{Channel: desk.ChannelEmail, Active: c.active, Settings: json.RawMessage(c.settings)}
		if got, ok := imapInterval(a); got != c.want || ok != c.ok {
			t.Errorf("imapInterval(%s, active %v) = %v %v", c.settings, c.active, got, ok)
		}
	}
}
