package dolphins

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

func TestParsePage(t *testing.T) {
	for _, c := range []struct {
		query, startKey string
		want            page
		bad             bool
	}{
		{"", "start", page{0, 20}, false},
		{"start=0&count=1", "start", page{0, 1}, false},
		{"start=40&count=100", "start", page{40, 100}, false},
		{"start=%2012%20", "start", page{12, 20}, false},
		{"count=101", "start", page{}, true},
		{"count=0", "start", page{}, true},
		{"count=-5", "start", page{}, true},
		{"count=abc", "start", page{}, true},
		{"count=", "start", page{}, true},
		{"count=1e2", "start", page{}, true},
		{"count=%2B5", "start", page{}, true},
		{"count=+5", "start", page{0, 5}, false}, // "+" is a space in a query
		{"count=0x10", "start", page{}, true},
		{"start=-1", "start", page{}, true},
		{"start=abc", "start", page{}, true},
		{"start=1.5", "start", page{}, true},
		{"start=99999999999999999999", "start", page{}, true},
		{"start=1000001", "start", page{}, true},
		{"startIndex=5&count=3", "startIndex", page{5, 3}, false},
		{"start=5", "startIndex", page{0, 20}, false}, // the report API reads startIndex only
		{"start=abc&count=3", "", page{0, 3}, false},  // history endpoints take count only
	} {
		q, _ := url.ParseQuery(c.query)
		got, err := parsePage(q, c.startKey)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("parsePage(%q) = %+v, %v; want %+v, bad %v", c.query, got, err, c.want, c.bad)
		}
	}
}

func TestParseSmall(t *testing.T) {
	for _, c := range []struct {
		in   string
		asc  bool
		fail bool
	}{{"", false, false}, {"desc", false, false}, {"ASC", true, false}, {" asc ", true, false}, {"up", false, true}, {"ascending", false, true}} {
		got, err := parseSort(c.in)
		if got != c.asc || (err != nil) != c.fail {
			t.Errorf("parseSort(%q) = %v, %v", c.in, got, err)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
		fail bool
	}{{"", false, false}, {"true", true, false}, {"TRUE", true, false}, {"false", false, false}, {"1", false, true}, {"yes", false, true}} {
		got, err := parseBool("isToday", c.in)
		if got != c.want || (err != nil) != c.fail {
			t.Errorf("parseBool(%q) = %v, %v", c.in, got, err)
		}
	}
	for _, c := range []struct {
		in   string
		want []desk.Status
	}{
		{"Unassigned", []desk.Status{desk.StatusNew, desk.StatusUnassigned}},
		{"assigned", []desk.Status{desk.StatusAssigned}},
		{" OPEN ", []desk.Status{desk.StatusOpen, desk.StatusOnHold}},
		{"Pending", []desk.Status{desk.StatusPending}},
		{"closed", []desk.Status{desk.StatusSolved, desk.StatusClosed, desk.StatusIgnored}},
		{"solved", nil}, {"", nil}, {"Closed!", nil},
	} {
		got, err := parseStatus(c.in)
		if !reflect.DeepEqual(got, c.want) || (err != nil) != (c.want == nil) {
			t.Errorf("parseStatus(%q) = %v, %v", c.in, got, err)
		}
		if err != nil && !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("parseStatus(%q) error is not ErrInvalid: %v", c.in, err)
		}
	}
	for in, want := range map[string]desk.Priority{"Not Set": desk.PriorityUnset, "": desk.PriorityUnset, "low": desk.PriorityLow,
		"Medium": desk.PriorityNormal, "HIGH": desk.PriorityHigh, "Urgent": desk.PriorityUrgent} {
		if got, err := parseSeverity(in); got != want || err != nil {
			t.Errorf("parseSeverity(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"normal", "critical", "1"} {
		if _, err := parseSeverity(in); err == nil {
			t.Errorf("parseSeverity(%q) accepted", in)
		}
	}
	for in, want := range map[string]desk.Channel{"webchat": desk.ChannelWebchat, "telegrambot": desk.ChannelTelegram,
		"Telegram": desk.ChannelTelegram, "email": desk.ChannelEmail, "call": desk.ChannelVoice, "whatsapp": desk.ChannelWhatsApp} {
		if got, err := parseChannelType(in); got != want || err != nil {
			t.Errorf("parseChannelType(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "pigeon", "web chat"} {
		if _, err := parseChannelType(in); err == nil {
			t.Errorf("parseChannelType(%q) accepted", in)
		}
	}
}

func TestParseDay(t *testing.T) {
	jkt := time.FixedZone("WIB", 7*3600)
	for _, c := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"2020-09-01", time.Date(2020, 9, 1, 0, 0, 0, 0, jkt), false},
		{" 2019-04-23 ", time.Date(2019, 4, 23, 0, 0, 0, 0, jkt), false},
		{"2020-02-30", time.Time{}, true},
		{"2020/09/01", time.Time{}, true},
		{"01-09-2020", time.Time{}, true},
		{"2020-09-01T00:00:00Z", time.Time{}, true},
		{"", time.Time{}, true},
	} {
		got, err := parseDay(c.in, jkt)
		if (err != nil) != c.bad || !got.Equal(c.want) {
			t.Errorf("parseDay(%q) = %v, %v", c.in, got, err)
		}
	}
}

func TestParseTicketRef(t *testing.T) {
	for _, c := range []struct {
		in string
		n  int64
		id string
		ok bool
	}{
		{"1", 1, "", true},
		{" 42 ", 42, "", true},
		{"0", 0, "", false},
		{"-3", 0, "", false},
		{"999999999999999999", 999999999999999999, "", true},
		{"9999999999999999999", 0, "", false},
		{"6b06d323f2f158355eecefe5", 0, "6b06d323f2f158355eecefe5", true},
		{"6B06D323F2F158355EECEFE5", 0, "", false},
		{"TCK-20200901-000123", 0, "", false},
		{"closed", 0, "", false},
		{"", 0, "", false},
	} {
		n, id, ok := parseTicketRef(c.in)
		if n != c.n || id != c.id || ok != c.ok {
			t.Errorf("parseTicketRef(%q) = %d, %q, %v", c.in, n, id, ok)
		}
	}
}

func TestRelaxJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 1,}`: `{"a": 1}`,
		`{"ticketNumber":"1", "replyAgent":"x", }`: `{"ticketNumber":"1", "replyAgent":"x" }`,
		`[1, 2,\n]`:                    `[1, 2\n]`,
		`{"a": [1,], "b": {"c": 2,},}`: `{"a": [1], "b": {"c": 2}}`,
		`{"s": "a,}", "t": "x\",]",}`:  `{"s": "a,}", "t": "x\",]"}`,
		`{"a": 1}`:                     `{"a": 1}`,
		`,}`:                           `}`,
		`"\\",]`:                       `"\\"]`,
	} {
		in = strings.ReplaceAll(in, `\n`, "\n")
		want = strings.ReplaceAll(want, `\n`, "\n")
		if got := string(relaxJSON([]byte(in))); got != want {
			t.Errorf("relaxJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{"channel_type": "channelType", "channelType": "channelType", "close_interval": "closeInterval",
		"_x": "x", "a__b": "aB", "ticket_tags_": "ticketTags", "": ""} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []cond
		bad  bool
	}{
		{``, nil, false},
		{`{}`, nil, false},
		{`{"channel_type": "{channelType}"}`, []cond{{"channelType", []string{"{channelType}"}}}, false},
		{`{"status": ["Open", "Pending"], "parent": 1, "answer": false,}`,
			[]cond{{"status", []string{"Open", "Pending"}}, {"parent", []string{"1"}}, {"answer", []string{"false"}}}, false},
		{`{"remark": null}`, []cond{{"remark", []string{""}}}, false},
		{`{"nosuch": 1}`, nil, true},
		{`{"status": {"a": 1}}`, nil, true},
		{`{"status": [[1]]}`, nil, true},
		{`{"status": []}`, nil, true},
		{`[]`, nil, true},
		{`{"status": "x"`, nil, true},
		{`{"status": "x"} {}`, nil, true},
		{`"status"`, nil, true},
	} {
		got, err := parseFilter([]byte(c.in))
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseFilter(%s) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if err != nil && !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("parseFilter(%s): error is not ErrInvalid: %v", c.in, err)
		}
	}
	many := "{" + strings.Repeat(`"status": "a",`, maxConds+1) + `"parent": 1}`
	if _, err := parseFilter([]byte(many)); err == nil {
		t.Errorf("more than %d conditions accepted", maxConds)
	}
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
		ok   bool
	}{
		{"Closed", []string{"closed"}, true},
		{"Closed", []string{"open", "CLOSED"}, true},
		{"Open", []string{"closed"}, false},
		{json.Number("1"), []string{"1"}, true},
		{true, []string{"TRUE"}, true},
		{nil, []string{""}, true},
		{[]any{"default", "vip"}, []string{"VIP"}, true},
		{[]any{"default"}, []string{"vip"}, false},
	} {
		if got := matches(c.v, c.want); got != c.ok {
			t.Errorf("matches(%v, %v) = %v", c.v, c.want, got)
		}
	}
}

func TestParsePatch(t *testing.T) {
	tk := &desk.Ticket{Status: desk.StatusOpen, AssigneeID: "a", GroupID: "g1", CC: desk.CC{ReplyCC: "keep@x"}}
	parse := func(body string) (plan, error) {
		var m map[string]json.RawMessage
		if err := decodeBody(strings.NewReader(body), &m); err != nil {
			return plan{}, err
		}
		return parsePatch(m, tk, false)
	}
	pl, err := parse(`{"severity": "Urgent", "priority": true, "ticket_tags": ["default", "a"], "remark": "r", "group": "g2",
		"customFields": {"z": 1, "a": "x"}, "ccList": ["c@x"], "status": "Closed", "closureType": "Unresolved", "followerCount": 6,
		"id": "ignored", "slaStyle": "ignored",}`)
	if err != nil {
		t.Fatal(err)
	}
	p := pl.patch
	if *p.Priority != desk.PriorityUrgent || !*p.Flagged || !reflect.DeepEqual(*p.Tags, []string{"a"}) || p.GroupID == nil || *p.GroupID != "g2" ||
		*p.Status != desk.StatusClosed || string(p.Meta[metaKey][metaClosureType]) != `"Unresolved"` || *p.ClosedReason != "manual" || pl.empty {
		t.Fatalf("patch %+v", pl)
	}
	if len(p.CustomFields) != 2 || p.CustomFields[0].Key != "z" || p.CustomFields[1].Key != "a" {
		t.Errorf("custom fields lost their order: %+v", p.CustomFields)
	}
	if p.CC.ReplyCC != "keep@x" || !reflect.DeepEqual(p.CC.Emails, []string{"c@x"}) {
		t.Errorf("cc %+v", p.CC)
	}
	if string(p.Meta[metaKey]["remark"]) != `"r"` || string(p.Meta[metaKey]["followerCount"]) != `6` {
		t.Errorf("meta %v", p.Meta)
	}
	if pl, err = parse(`{"id": "x", "createdDate": 1}`); err != nil || !pl.empty {
		t.Errorf("read-only fields: %+v, %v", pl, err)
	}
	if pl, err = parse(`{"status": "Unassigned"}`); err != nil || pl.patch.AssigneeID == nil || *pl.patch.AssigneeID != "" {
		t.Errorf("Unassigned: %+v, %v", pl, err)
	}
	if pl, err = parse(`{"status": "open"}`); err != nil || !pl.empty {
		t.Errorf("same status: %+v, %v", pl, err)
	}
	for _, body := range []string{`{"severity": 3}`, `{"severity": "Huge"}`, `{"priority": "true"}`, `{"ticketTags": [1]}`,
		`{"status": "Done"}`, `{"status": ""}`, `{"customFields": []}`, `{"customFields": {"": 1}}`, `{"group": 5}`,
		`{"closureType": "` + strings.Repeat("x", 101) + `"}`, `{"greetingStatus": 1}`, `{"friendCount": "6"}`, `[]`, `{`} {
		if _, err := parse(body); !errors.Is(err, desk.ErrInvalid) {
			t.Errorf("parsePatch(%s) = %v, want ErrInvalid", body, err)
		}
	}
	// Assigned needs an owner.
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(`{"status": "Assigned"}`), &m)
	if _, err := parsePatch(m, &desk.Ticket{Status: desk.StatusUnassigned}, false); !errors.Is(err, desk.ErrInvalid) {
		t.Errorf("Assigned without an owner: %v", err)
	}
	// A Resolved close resolves when the workspace says so.
	_ = json.Unmarshal([]byte(`{"status": "Closed"}`), &m)
	if pl, _ := parsePatch(m, tk, true); *pl.patch.Status != desk.StatusSolved {
		t.Errorf("resolve on close: %s", *pl.patch.Status)
	}
}

func TestTransformButtonsText(t *testing.T) {
	for _, c := range []struct {
		body, want string
		bad        bool
	}{
		{`{"message": "Pilih:", "buttons": ["A", {"title": "B"}, {"label": "C"}, {"text": "D"}, {"payload": "E"}]}`, "Pilih:\n1. A\n2. B\n3. C\n4. D\n5. E", false},
		{`{"buttons": ["A"]}`, "1. A", false},
		{`{"message": " hi "}`, "hi", false},
		{`{}`, "", true},
		{`{"buttons": [1]}`, "", true},
		{`{"buttons": [{}]}`, "", true},
		{`{"buttons": [{"title": "  "}]}`, "", true},
	} {
		var in buttonRequest
		if err := json.Unmarshal([]byte(c.body), &in); err != nil {
			t.Fatal(err)
		}
		got, err := transformButtons(in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("transformButtons(%s) = %q, %v", c.body, got, err)
		}
	}
	in := buttonRequest{Buttons: make([]json.RawMessage, maxButtons+1)}
	for i := range in.Buttons {
		in.Buttons[i] = json.RawMessage(`"x"`)
	}
	if _, err := transformButtons(in); err == nil {
		t.Errorf("more than %d buttons accepted", maxButtons)
	}
}

func TestDates(t *testing.T) {
	jkt, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Skip("no zone database")
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	// The seed's own figures.
	for ms, want := range map[int64]string{1555990774052: "2019-04-23 10:39", 1555991889672: "2019-04-23 10:58",
		1595403499334: "2020-07-22 14:38", 1598941816802: "2020-09-01 13:30", 1598971113960: "2020-09-01 21:38"} {
		if got := dateText(time.UnixMilli(ms), jkt); got != want {
			t.Errorf("dateText(%d) = %q, want %q", ms, got, want)
		}
	}
	now := time.UnixMilli(1598941816802)
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "moments ago"}, {59 * time.Second, "moments ago"}, {time.Minute, "1 minute ago"}, {22 * time.Minute, "22 minutes ago"},
		{54*time.Minute + 59*time.Second, "54 minutes ago"}, {time.Hour, "1 hour ago"}, {2*time.Hour + 5*time.Minute, "2 hours ago"},
		{13 * time.Hour, "13 hours ago"}, {24 * time.Hour, "2020-08-31 13:30:16"}, {-time.Hour, "2020-09-01 14:30:16"},
	} {
		if got := prettyDate(now.Add(-c.ago), now, jkt); got != c.want {
			t.Errorf("prettyDate(now-%v) = %q, want %q", c.ago, got, c.want)
		}
	}
	if got := prettyDate(time.Time{}, now, jkt); got != "" {
		t.Errorf("prettyDate(zero) = %q", got)
	}
	// "22 Jul 2020 02:18": a 12-hour clock, as the vendor's pattern has it.
	if got := prettyCreatedDate(time.UnixMilli(1595402316376), now, jkt); got != "22 Jul 2020 02:18" {
		t.Errorf("prettyCreatedDate = %q", got)
	}
	if got := prettyCreatedDate(now.Add(-34*time.Minute), now, jkt); got != "34 minutes ago" {
		t.Errorf("prettyCreatedDate = %q", got)
	}
	for _, c := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2020, 10, 22, 10, 40, 55, 372_000_000, time.UTC), jkt, "2020-10-22T17:40:55.372+07:00[Asia/Jakarta]"},
		{time.Date(2020, 10, 22, 10, 40, 0, 0, time.UTC), jkt, "2020-10-22T17:40+07:00[Asia/Jakarta]"},
		{time.Date(2020, 10, 22, 10, 40, 5, 0, time.UTC), sh, "2020-10-22T18:40:05+08:00[Asia/Shanghai]"},
		{time.Date(2020, 10, 22, 10, 40, 5, 1000, time.UTC), time.UTC, "2020-10-22T10:40:05.000001Z[UTC]"},
		{time.Date(2020, 10, 22, 10, 40, 0, 7, time.UTC), time.UTC, "2020-10-22T10:40:00.000000007Z[UTC]"},
	} {
		if got := javaZoned(c.t, c.loc); got != c.want {
			t.Errorf("javaZoned = %q, want %q", got, c.want)
		}
	}
}

func TestLabels(t *testing.T) {
	for _, c := range []struct {
		t       desk.Ticket
		label   string
		closure string
	}{
		{desk.Ticket{Status: desk.StatusNew}, "Unassigned", ""},
		{desk.Ticket{Status: desk.StatusNew, AssigneeID: "a"}, "Assigned", ""},
		{desk.Ticket{Status: desk.StatusUnassigned}, "Unassigned", ""},
		{desk.Ticket{Status: desk.StatusAssigned}, "Assigned", ""},
		{desk.Ticket{Status: desk.StatusOpen}, "Open", ""},
		{desk.Ticket{Status: desk.StatusOnHold}, "Open", ""},
		{desk.Ticket{Status: desk.StatusPending}, "Pending", ""},
		{desk.Ticket{Status: desk.StatusSolved}, "Closed", "Resolved"},
		{desk.Ticket{Status: desk.StatusClosed}, "Closed", "Resolved"},
		{desk.Ticket{Status: desk.StatusClosed, Meta: map[string]map[string]json.RawMessage{
			metaKey: {metaClosureType: json.RawMessage(`"Spam"`)}}}, "Closed", "Spam"},
		{desk.Ticket{Status: desk.StatusIgnored}, "Closed", "Unresolved"},
	} {
		if got := statusLabel(&c.t); got != c.label {
			t.Errorf("statusLabel(%s) = %q", c.t.Status, got)
		}
		if got := closureType(&c.t); got != c.closure {
			t.Errorf("closureType(%s) = %q", c.t.Status, got)
		}
	}
	for p, want := range map[desk.Priority][2]string{desk.PriorityUnset: {"Not Set", "severity-low"}, desk.PriorityLow: {"Low", "severity-low"},
		desk.PriorityNormal: {"Medium", "severity-medium"}, desk.PriorityHigh: {"High", "severity-high"}, desk.PriorityUrgent: {"Urgent", "severity-urgent"}} {
		if l := severityLabel(p); l != want[0] || severityStyle(l) != want[1] {
			t.Errorf("severity of %q = %q %q", p, l, severityStyle(l))
		}
		if back, err := parseSeverity(want[0]); err != nil || back != p {
			t.Errorf("severity %q reads back as %q", want[0], back)
		}
	}
	for c, want := range map[desk.Channel]string{desk.ChannelWebchat: "Webchat", desk.ChannelWhatsApp: "Whatsapp", desk.ChannelAppStore: "AppStore"} {
		if got := socialSuffix(c); got != want {
			t.Errorf("socialSuffix(%s) = %q", c, got)
		}
	}
	if got := cleanText("<p>Halo&nbsp;<b>Bu</b></p>\n\n CAS-19 &amp; co"); got != "Halo Bu CAS-19 & co" {
		t.Errorf("cleanText = %q", got)
	}
	if got := channelType(desk.ChannelTelegram, &desk.ChannelAccount{ProviderType: "telegrambot"}); got != "telegrambot" {
		t.Errorf("channelType telegrambot = %q", got)
	}
	if got := channelType(desk.ChannelTwitter, &desk.ChannelAccount{ProviderType: "twitter_search"}); got != "twitter" {
		t.Errorf("channelType twitter_search = %q", got)
	}
}
