package postcenter

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	ok := []struct {
		in   string
		want time.Time
	}{
		// The vendor's accepted examples.
		{"12-10-2018", utc(2018, 10, 12, 0, 0, 0)},
		{"09-08-2017 12:22:25", utc(2017, 8, 9, 12, 22, 25)},
		// The usage example's from and to.
		{"18-04-2019", utc(2019, 4, 18, 0, 0, 0)},
		{"18-04-2019 21:41:00", utc(2019, 4, 18, 21, 41, 0)},
		{"29-02-2020", utc(2020, 2, 29, 0, 0, 0)},
		{"31-12-1999 23:59:59", utc(1999, 12, 31, 23, 59, 59)},
		{"01-01-0001", utc(1, 1, 1, 0, 0, 0)},
	}
	for _, c := range ok {
		got, err := parseDate(c.in)
		if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("parseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []string{
		// The vendor's rejected examples.
		"12/12/2012", "12-12-12", "10-12", "03-16-2014", "12-10-2018 10:23",
		// Not calendar dates or times.
		"31-02-2019", "29-02-2019", "00-01-2019", "32-01-2019", "01-00-2019", "01-13-2019",
		"12-10-2018 24:00:00", "12-10-2018 12:60:00", "12-10-2018 12:00:60",
		// Other shapes.
		"", " 12-10-2018", "12-10-2018 ", "12-10-2018T10:23:00", "2018-10-12", "1-10-2018",
		"12-1-2018", "+2-10-2018", "12-10-+018", "12-10-2018 1:23:000", "12-10-2018  10:23:0",
		"12-10-2018 10:23:00Z", "12-10-2018 10:23:00.000", "１２-10-2018", "12-10-2018\n",
	}
	for _, in := range bad {
		if got, err := parseDate(in); err == nil {
			t.Errorf("parseDate(%q) = %v, want an error", in, got)
		} else if !strings.Contains(err.Error(), "DD-MM-AAAA or DD-MM-AAAA hh:mm:ss") {
			t.Errorf("parseDate(%q) error %q does not name the accepted formats", in, err)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"12-10-2018", "09-08-2017 12:22:25", "12/12/2012", "31-02-2019", "12-10-2018 10:23"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDate(s)
		if err != nil {
			return
		}
		// Whatever parses renders back to itself: the parser accepts
		// exactly the two canonical spellings.
		want := got.Format(dateLayout)
		if len(s) == len(dateTimeLayout) {
			want = formatDate(got)
		}
		if want != s {
			t.Fatalf("parseDate(%q) = %v, which renders as %q", s, got, want)
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	for b.Loop() {
		if _, err := parseDate("09-08-2017 12:22:25"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFormats(t *testing.T) {
	at := time.Date(2016, 12, 21, 13, 17, 29, 283_000_000, time.FixedZone("CLT", -3*3600))
	if got := formatCreated(at); got != "2016-12-21T16:17:29" {
		t.Errorf("formatCreated = %q", got)
	}
	if got := formatUpdated(at); got != "2016-12-21T16:17:29.283" {
		t.Errorf("formatUpdated = %q", got)
	}
	if got := formatUpdated(at.Truncate(time.Second)); got != "2016-12-21T16:17:29.000" {
		t.Errorf("formatUpdated whole second = %q", got)
	}
	if got := formatDate(at); got != "21-12-2016 16:17:29" {
		t.Errorf("formatDate = %q", got)
	}
}

func TestParseTicketID(t *testing.T) {
	for in, want := range map[string]string{
		"583dcb2855d0a46e438d0206": "583dcb2855d0a46e438d0206",
		"583DCB2855D0A46E438D0206": "583dcb2855d0a46e438d0206",
	} {
		if got, err := parseTicketID(in); err != nil || got != want {
			t.Errorf("parseTicketID(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "261", "583dcb2855d0a46e438d020", "583dcb2855d0a46e438d02066",
		"583dcb2855d0a46e438d020g", "572c2b2z20a9g4201250leb4", " 583dcb2855d0a46e438d0206", "583dcb2855d0a46e438d020 "} {
		if got, err := parseTicketID(in); err == nil {
			t.Errorf("parseTicketID(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzParseTicketID(f *testing.F) {
	f.Add("583dcb2855d0a46e438d0206")
	f.Add("572c2b2z20a9g4201250leb4")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTicketID(s)
		if err != nil {
			return
		}
		if !objectid.Valid(got) || !strings.EqualFold(got, s) {
			t.Fatalf("parseTicketID(%q) = %q", s, got)
		}
	})
}

func TestParseIdentifier(t *testing.T) {
	for in, want := range map[string]int64{"261": 261, "1": 1, "0": 0, "0261": 261, "9223372036854775807": 1<<63 - 1} {
		if got, err := parseIdentifier(in); err != nil || got != want {
			t.Errorf("parseIdentifier(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "+1", "1e3", "26 1", " 261", "261 ", "0x10", "9223372036854775808",
		"99999999999999999999", "583dcb2855d0a46e438d0206", "２６１"} {
		if got, err := parseIdentifier(in); err == nil {
			t.Errorf("parseIdentifier(%q) = %d, want an error", in, got)
		}
	}
}

func FuzzParseIdentifier(f *testing.F) {
	f.Add("261")
	f.Add("-1")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseIdentifier(s)
		if err != nil {
			return
		}
		if n < 0 || strings.TrimLeft(s, "0") != strings.TrimLeft(strconv.FormatInt(n, 10), "0") {
			t.Fatalf("parseIdentifier(%q) = %d", s, n)
		}
	})
}

func TestCursor(t *testing.T) {
	from := time.Date(2019, 4, 18, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	id := objectid.New(time.Date(2019, 4, 18, 21, 40, 59, 0, time.UTC))
	mask := cursorMask("ws1", "twitter", from, to)
	c := encodeCursor(id, mask)
	if !objectid.Valid(c) || c == id {
		t.Fatalf("cursor %q of %q: want another 24-hex string", c, id)
	}
	if c[:8] != id[:8] {
		t.Errorf("cursor %q keeps no creation second of %q", c, id)
	}
	if got, err := decodeCursor(c, mask); err != nil || got != id {
		t.Fatalf("decodeCursor = %q, %v; want %q", got, err, id)
	}
	// Another query unmasks to another id, which the handler will not find.
	for _, other := range [][8]byte{
		cursorMask("ws2", "twitter", from, to),
		cursorMask("ws1", "email", from, to),
		cursorMask("ws1", "twitter", from.Add(time.Second), to),
		cursorMask("ws1", "twitter", from, to.Add(time.Millisecond)),
	} {
		if got, _ := decodeCursor(c, other); got == id {
			t.Errorf("cursor unmasks to the same id under another query")
		}
	}
	for _, bad := range []string{"", "5cb8fa94", "5cb8fa940715430c9c8824fz", "5cb8fa940715430c9c8824f3a", strings.Repeat(" ", 24)} {
		if got, err := decodeCursor(bad, mask); err == nil {
			t.Errorf("decodeCursor(%q) = %q, want an error", bad, got)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	mask := cursorMask("ws", "twitter", time.Unix(0, 0), time.Unix(86400, 0))
	f.Add("5cb8fa940715430c9c8824f3")
	f.Add("zzzz")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := decodeCursor(s, mask)
		if err != nil {
			return
		}
		if !objectid.Valid(id) {
			t.Fatalf("decodeCursor(%q) = %q, not an id", s, id)
		}
		if back := encodeCursor(id, mask); !strings.EqualFold(back, s) {
			t.Fatalf("round trip %q → %q → %q", s, id, back)
		}
	})
}

func TestPathQuery(t *testing.T) {
	cases := []struct {
		path string
		want url.Values
	}{
		{"/postcenter/v2/tickets/twitter/from=18-04-2019&to=18-04-2019%2021%3A41%3A00",
			url.Values{"from": {"18-04-2019"}, "to": {"18-04-2019 21:41:00"}}},
		{"/postcenter/v2/tickets/twitter/from=18-04-2019&to=18-04-2019%2021%3A41%3A00&next=5cb8fa940715430c9c8824f3/",
			url.Values{"from": {"18-04-2019"}, "to": {"18-04-2019 21:41:00"}, "next": {"5cb8fa940715430c9c8824f3"}}},
		{"/x/from=18-04-2019+10:00:00&to=19-04-2019", url.Values{"from": {"18-04-2019 10:00:00"}, "to": {"19-04-2019"}}},
	}
	for _, c := range cases {
		got, ok := pathQuery(c.path)
		if !ok || got.Encode() != c.want.Encode() {
			t.Errorf("pathQuery(%q) = %v, %v; want %v", c.path, got, ok, c.want)
		}
	}
	for _, p := range []string{"/postcenter/v2/tickets/twitter/extra", "/x/from=%zz", "/x/"} {
		if got, ok := pathQuery(p); ok {
			t.Errorf("pathQuery(%q) = %v, want not a query", p, got)
		}
	}
}

func FuzzPathQuery(f *testing.F) {
	f.Add("/v2/tickets/twitter/from=18-04-2019&to=18-04-2019%2021%3A41%3A00")
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := pathQuery(s)
		if ok && q == nil {
			t.Fatalf("pathQuery(%q) ok without values", s)
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"56911111111": "56911111111", "+56 9 1111 1111": "56911111111",
		"(569) 1111-1111": "56911111111", " +56.9.1111.1111 ": "56911111111"} {
		if got, ok := normalizePhone(in); !ok || got != want {
			t.Errorf("normalizePhone(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "+", "12345", "569111111a1", "++56911111111", "123456789012345678901", "56911111111;"} {
		if got, ok := normalizePhone(in); ok {
			t.Errorf("normalizePhone(%q) = %q, want refused", in, got)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	f.Add("+56 9 1111 1111")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := normalizePhone(s)
		if !ok {
			return
		}
		if len(got) < 6 || len(got) > 20 || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("normalizePhone(%q) = %q", s, got)
		}
	})
}

func TestStates(t *testing.T) {
	for _, s := range []string{"open", "closed", "ignored", "inProgress", "OPEN", "inprogress", "Closed"} {
		if _, ok := stateStatuses(s); !ok {
			t.Errorf("state %q refused", s)
		}
	}
	for _, s := range []string{"", "abierto", "in_progress", "solved", "pending", "new"} {
		if _, ok := stateStatuses(s); ok {
			t.Errorf("state %q accepted", s)
		}
	}
	// Every canonical status belongs to exactly one state, and its label
	// matches that state.
	label := map[string]string{"open": "Abierto", "inProgress": "En Progreso", "closed": "Cerrado", "ignored": "Ignorado"}
	for _, st := range desk.Statuses {
		n := 0
		for name, sts := range states {
			for _, x := range sts {
				if x == st {
					n++
					if statusLabel(st) != label[name] {
						t.Errorf("status %s is in state %s but labelled %q", st, name, statusLabel(st))
					}
				}
			}
		}
		if n != 1 {
			t.Errorf("status %s is in %d states", st, n)
		}
	}
}

func TestNetworks(t *testing.T) {
	// Every canonical channel renders as a network the paginated list
	// accepts, and maps back to itself.
	for _, ch := range desk.Channels {
		n := network(ch, nil)
		if networkChannel[n] != ch {
			t.Errorf("channel %s renders as %q, which maps to %q", ch, n, networkChannel[n])
		}
	}
	search := &desk.ChannelAccount{Channel: desk.ChannelTwitter, ProviderType: providerTwitterSearch}
	if n := network(desk.ChannelTwitter, search); n != "twitter_search" {
		t.Errorf("twitter search account renders as %q", n)
	}
	for ch, want := range map[desk.Channel]string{desk.ChannelWebchat: "chat", desk.ChannelAppStore: "appstore",
		desk.ChannelPlayStore: "playstore", desk.ChannelFacebook: "facebook", desk.ChannelWhatsApp: "whatsapp"} {
		if n := network(ch, nil); n != want {
			t.Errorf("network(%s) = %q, want %q", ch, n, want)
		}
	}
}

func TestCMEmbeddedOmitsEmail(t *testing.T) {
	if cm := toCM(&desk.Agent{Number: 3, Name: "Bot", Role: desk.RoleBot}); cm != nil {
		t.Errorf("a bot renders as %+v, want null", cm)
	}
	b := mustJSON(toCM(&desk.Agent{Number: 467, Name: "Francisco Pinto", Role: desk.RoleAgent}))
	if string(b) != `{"cmid":467,"name":"Francisco Pinto"}` {
		t.Errorf("agent without email = %s", b)
	}
}
