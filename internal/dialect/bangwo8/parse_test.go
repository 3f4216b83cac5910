package bangwo8

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestEnumParse(t *testing.T) {
	cases := []struct {
		e    enum
		raw  string
		want int
		bad  bool
	}{
		// ticketStatus: an int, a numeric string (the update example sends
		// "2") or the Chinese label (update_many sends "已解决").
		{statusEnum, `4`, 4, false},
		{statusEnum, `"2"`, 2, false},
		{statusEnum, `" 3 "`, 3, false},
		{statusEnum, `"已解决"`, 4, false},
		{statusEnum, `"待回应"`, 3, false},
		{statusEnum, `"新建"`, 1, false},
		{statusEnum, `"已开启"`, 2, false},
		{statusEnum, `"自动关闭"`, 5, false},
		{statusEnum, `"手动关闭"`, 6, false},
		{statusEnum, `0`, 0, false}, // the seed's example shows 0: not given (A2)
		{statusEnum, `null`, 0, false},
		{statusEnum, `""`, 0, false},
		{statusEnum, `7`, 0, true},
		{statusEnum, `-1`, 0, true},
		{statusEnum, `2.5`, 0, true},
		{statusEnum, `"2.0"`, 0, true},
		{statusEnum, `"solved"`, 0, true},
		{statusEnum, `true`, 0, true},
		{statusEnum, `[2]`, 0, true},
		{statusEnum, `{"a":1}`, 0, true},
		{statusEnum, `99999999999999999999`, 0, true},
		{priorityEnum, `"紧急"`, 4, false},
		{priorityEnum, `"低"`, 1, false},
		{priorityEnum, `5`, 0, true},
		{typeEnum, `"故障"`, 3, false},
		{typeEnum, `"任务"`, 4, false},
		{sourceEnum, `7`, 7, false},
		{sourceEnum, `"API"`, 7, false},
		{sourceEnum, `"邮件接入"`, 9, false},
		{sourceEnum, `6`, 0, true}, // undocumented (A3)
		{sourceEnum, `10`, 0, true},
	}
	for _, c := range cases {
		got, err := c.e.parse(json.RawMessage(c.raw))
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parse(%s) = %d, %v; want %d, bad=%v", c.raw, got, err, c.want, c.bad)
		}
	}
}

func TestParseIDList(t *testing.T) {
	cases := []struct {
		raw  string
		want []int64
		bad  bool
	}{
		{`"123,456,789"`, []int64{123, 456, 789}, false},
		{`"123, 456 ,,789,"`, []int64{123, 456, 789}, false},
		{`"123，456"`, []int64{123, 456}, false}, // full-width comma
		{`123`, []int64{123}, false},            // the update table types it int
		{`[123, "456"]`, []int64{123, 456}, false},
		{`"1,1,2"`, []int64{1, 2}, false},
		{`""`, nil, false},
		{`null`, nil, false},
		{`[]`, nil, false},
		{`"a,b"`, nil, true},
		{`"0"`, nil, true},
		{`"-1"`, nil, true},
		{`1.5`, nil, true},
		{`[true]`, nil, true},
		{`{"x":1}`, nil, true},
	}
	for _, c := range cases {
		got, err := parseIDList(json.RawMessage(c.raw))
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseIDList(%s) = %v, %v; want %v, bad=%v", c.raw, got, err, c.want, c.bad)
		}
	}
}

func TestParseTags(t *testing.T) {
	cases := []struct {
		raw  string
		want []string
		bad  bool
	}{
		{`"vip客户,普通客户"`, []string{"vip客户", "普通客户"}, false},
		{`" a , b ,"`, []string{"a", "b"}, false},
		{`["x", "y,z"]`, []string{"x", "y", "z"}, false},
		{`12`, []string{"12"}, false}, // "tagList int" in the create table
		{`""`, []string{}, false},
		{`null`, []string{}, false},
		{`[1]`, []string{"1"}, false},
		{`[{}]`, nil, true},
		{`true`, nil, true},
	}
	for _, c := range cases {
		got, err := parseTags(json.RawMessage(c.raw))
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseTags(%s) = %#v, %v; want %#v, bad=%v", c.raw, got, err, c.want, c.bad)
		}
	}
}

func TestParseText(t *testing.T) {
	cases := []struct {
		raw, want string
		bad       bool
	}{
		{`13240138438`, "13240138438", false}, // custUser.mobilephone as a number (A21)
		{`"13240138438"`, "13240138438", false},
		{`"张三"`, "张三", false},
		{`null`, "", false},
		{`1.5e10`, "", true},
		{`-5`, "", true},
		{`true`, "", true},
		{`[]`, "", true},
	}
	for _, c := range cases {
		got, err := parseText(json.RawMessage(c.raw))
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parseText(%s) = %q, %v; want %q, bad=%v", c.raw, got, err, c.want, c.bad)
		}
	}
}

func TestParseBound(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		s    string
		end  bool
		want time.Time
		bad  bool
	}{
		// "包含当天": a date-only start is its midnight, a date-only end
		// reaches the next midnight (exclusive), in the account's zone.
		{"2012-01-01", false, utc("2011-12-31T16:00:00Z"), false},
		{"2012-01-01", true, utc("2012-01-01T16:00:00Z"), false},
		{"2012-01-01 00:00:00", false, utc("2011-12-31T16:00:00Z"), false},
		{"2020-06-08 10:27:07", false, utc("2020-06-08T02:27:07Z"), false},
		{"2020-06-08 10:27:07", true, utc("2020-06-08T02:27:08Z"), false}, // that second included
		{"2020-06-08T10:27:07", false, utc("2020-06-08T02:27:07Z"), false},
		{" 2020-06-08 ", false, utc("2020-06-07T16:00:00Z"), false},
		{"2020-13-01", false, time.Time{}, true},
		{"2020-02-30", false, time.Time{}, true},
		{"2020-06-08 25:00:00", false, time.Time{}, true},
		{"2020/06/08", false, time.Time{}, true},
		{"08-06-2020", false, time.Time{}, true},
		{"2020-06-08 10:27", false, time.Time{}, true},
		{"", false, time.Time{}, true},
		{"yesterday", false, time.Time{}, true},
	}
	for _, c := range cases {
		got, err := parseBound(c.s, sh, c.end)
		if (err != nil) != c.bad || !got.Equal(c.want) {
			t.Errorf("parseBound(%q, end=%v) = %v, %v; want %v, bad=%v", c.s, c.end, got, err, c.want, c.bad)
		}
	}
}

func TestParseIDsParam(t *testing.T) {
	cases := []struct {
		s    string
		want []int64
		bad  bool
	}{
		{"110,111,112", []int64{110, 111, 112}, false},
		{"110", []int64{110}, false},
		{" 1 , 2 ", []int64{1, 2}, false},
		{"", nil, false},
		{"1,x", nil, true},
		{"0", nil, true},
		{"1;2", nil, true},
		{"9007199254740993", nil, true}, // past 2^53
	}
	for _, c := range cases {
		got, err := parseIDsParam(c.s)
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseIDsParam(%q) = %v, %v; want %v, bad=%v", c.s, got, err, c.want, c.bad)
		}
	}
}

func TestParsePage(t *testing.T) {
	cases := []struct {
		s        string
		def, max int
		want     int
		bad      bool
	}{
		{"", 100, 100, 100, false},
		{"40", 100, 100, 40, false},
		{"100", 100, 100, 100, false},
		{"101", 100, 100, 0, true},
		{"0", 100, 100, 0, true},
		{"-1", 100, 100, 0, true},
		{"1e2", 100, 100, 0, true},
		{"abc", 100, 100, 0, true},
	}
	for _, c := range cases {
		got, err := parsePage(c.s, c.def, c.max)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parsePage(%q) = %d, %v; want %d, bad=%v", c.s, got, err, c.want, c.bad)
		}
	}
}

func TestParseNumberFile(t *testing.T) {
	cases := []struct {
		seg    string
		n      int64
		v2, ok bool
	}{
		{"110.json", 110, false, true},
		{"27890_v2.json", 27890, true, true},
		{"3232.json", 3232, false, true},
		{"0.json", 0, false, false},
		{"abc.json", 0, false, false},
		{"110", 0, false, false},
		{"_v2.json", 0, false, false},
		{"+1.json", 0, false, false},
		{"1_v3.json", 0, false, false},
		{"show_many.json", 0, false, false},
	}
	for _, c := range cases {
		n, v2, ok := parseNumberFile(c.seg)
		if n != c.n || v2 != c.v2 || ok != c.ok {
			t.Errorf("parseNumberFile(%q) = %d, %v, %v; want %d, %v, %v", c.seg, n, v2, ok, c.n, c.v2, c.ok)
		}
	}
}

func TestOrderKeys(t *testing.T) {
	got, err := orderKeys("page=2&status_order=desc&created_order=asc&status_order=asc&updated_order=DESC")
	want := []orderKey{{"status", true}, {"created", false}, {"updated", true}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("orderKeys = %v, %v; want %v", got, err, want)
	}
	if _, err := orderKeys("created_order=up"); err == nil {
		t.Fatal("created_order=up accepted")
	}
}

func TestParseTicket(t *testing.T) {
	body := `{"ticket": {"subject": "产品咨询", "ticketReply": {"replyMsg": "你好", "attachments": ["t1", "t2"], "isPrivate": 1},
		"custUser": {"mobilephone": 13240138438, "name": "张三", "fixnumber": "010-63701717", "qq": "601100987", "email": "bangwo8@126.com"},
		"ccUserIdList": "1,2", "ccGroupIdList": [3], "ticketStatus": "待回应", "priorityLevel": 3, "ticketType": "2",
		"ticketSource": 9, "ticketTemplateId": 5, "tagList": "vip客户,普通客户",
		"custom_fields": [{"key": "field_1", "value": "4334"}, {"key": "field_6", "value": "180", "pay_status": 1}],
		"tables": [{"custom_fields_key": "cpxx", "tableData": [{"cpdm": "001.005", "cpmc": "铺助面板"}]}],
		"createDT": "2017-05-04 14:08:22"}}`
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	inner, err := unwrap(m)
	if err != nil {
		t.Fatal(err)
	}
	in, err := parseTicket(inner, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if *in.Subject != "产品咨询" || in.Reply.Msg != "你好" || !in.Reply.Private || len(in.Reply.Attachments) != 2 {
		t.Errorf("subject/reply = %q %+v", *in.Subject, in.Reply)
	}
	if in.CustUser.Mobile != "13240138438" || in.CustUser.QQ != "601100987" {
		t.Errorf("custUser = %+v", in.CustUser)
	}
	if in.Status != 3 || in.Priority != 3 || in.Type != 2 || in.Source != 9 || *in.TemplateID != 5 {
		t.Errorf("codes = %d %d %d %d", in.Status, in.Priority, in.Type, in.Source)
	}
	if !reflect.DeepEqual(*in.CCUsers, []int64{1, 2}) || !reflect.DeepEqual(*in.CCGroups, []int64{3}) {
		t.Errorf("cc = %v %v", *in.CCUsers, *in.CCGroups)
	}
	if len(in.Fields) != 3 || in.Fields[2].Key != "cpxx" || string(in.Fields[1].Extras["pay_status"]) != "1" {
		t.Errorf("fields = %+v", in.Fields)
	}

	bad := []struct{ body, field string }{
		{`{"subject": 1}`, "subject"},
		{`{"nonsense": 1}`, "nonsense"},
		{`{"ticketStatus": "关闭"}`, "ticketStatus"},
		{`{"ticketReply": "x"}`, "ticketReply"},
		{`{"ticketReply": {"replyMsg": "x", "extra": 1}}`, "ticketReply.extra"},
		{`{"custUser": {"name": "x"}}`, "custUser.mobilephone"},
		{`{"custom_fields": [{"value": "x"}]}`, "custom_fields.key"},
		{`{"custom_fields": {"key": "x"}}`, "custom_fields"},
		{`{"custom_fields": [{"key": "a", "value": {"x": 1}}]}`, "a"},
		{`{"custom_fields": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}`, "custom_fields"},
		{`{"custom_fields": [{"key": "a", "value": "1", "pay_status": 2}]}`, "custom_fields.pay_status"},
		{`{"tables": [{"custom_fields_key": "", "tableData": []}]}`, "tables.custom_fields_key"},
		{`{"tables": [{"custom_fields_key": "t", "tableData": "x"}]}`, "tables.tableData"},
		{`{"tables": [{"custom_fields_key": "t", "tableData": [{"a": {"b": 1}}]}]}`, "tables.tableData"},
	}
	for _, c := range bad {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.body), &m); err != nil {
			t.Fatal(err)
		}
		_, err := parseTicket(m, true, false)
		fe, ok := err.(*fieldError)
		if !ok || fe.Field != c.field {
			t.Errorf("parseTicket(%s) = %v; want a field error on %s", c.body, err, c.field)
		}
	}
	// custUser is create-only.
	if _, err := parseTicket(map[string]json.RawMessage{"custUser": json.RawMessage(`{"mobilephone": "1"}`)}, false, false); err == nil {
		t.Error("custUser accepted on update")
	}
	// descript wins over description (A1).
	in, err = parseTicket(map[string]json.RawMessage{"description": json.RawMessage(`"b"`), "descript": json.RawMessage(`"a"`)}, false, false)
	if err != nil || *in.Descript != "a" {
		t.Errorf("descript/description = %v, %v", in, err)
	}
}

// FuzzEnum: no input panics, and what parses is a valid code.
func FuzzEnum(f *testing.F) {
	for _, s := range []string{`4`, `"2"`, `"已解决"`, `null`, `""`, `-1`, `1e3`, `"\u0000"`, `[`, `{"a":`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range []enum{statusEnum, priorityEnum, typeEnum, sourceEnum} {
			n, err := e.parse(json.RawMessage(s))
			if err != nil {
				continue
			}
			if n == 0 {
				continue
			}
			ok := false
			for _, c := range e.codes {
				ok = ok || c == n
			}
			if !ok {
				t.Fatalf("parse(%q) = %d, not a code", s, n)
			}
		}
	})
}

// FuzzLists: comma lists and ids never panic and never yield 0 or a
// negative id.
func FuzzLists(f *testing.F) {
	for _, s := range []string{`"1,2,3"`, `[1,"2"]`, `12`, `"a,,b"`, `"，"`, `[[]]`, `"-0"`, `"0x10"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ids, err := parseIDList(json.RawMessage(s)); err == nil {
			for _, n := range ids {
				if n <= 0 || n > maxID {
					t.Fatalf("parseIDList(%q) gave %d", s, n)
				}
			}
		}
		if tags, err := parseTags(json.RawMessage(s)); err == nil {
			for _, tag := range tags {
				if tag == "" {
					t.Fatalf("parseTags(%q) gave an empty tag", s)
				}
			}
		}
		if ids, err := parseIDsParam(s); err == nil {
			for _, n := range ids {
				if n <= 0 {
					t.Fatalf("parseIDsParam(%q) gave %d", s, n)
				}
			}
		}
		_, _ = parseID(json.RawMessage(s))
		_, _ = parseText(json.RawMessage(s))
	})
}

// FuzzDates: bounds never panic; an end bound is always after the start
// bound of the same text.
func FuzzDates(f *testing.F) {
	for _, s := range []string{"2012-01-01", "2012-01-01 00:00:00", "2020-06-08T10:27:07", "2020-02-30", "", "9999-12-31 23:59:59"} {
		f.Add(s)
	}
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, err1 := parseBound(s, sh, false)
		end, err2 := parseBound(s, sh, true)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("parseBound(%q): start %v, end %v", s, err1, err2)
		}
		if err1 == nil && !end.After(start) {
			t.Fatalf("parseBound(%q): end %v not after start %v", s, end, start)
		}
	})
}

// FuzzTicketBody: any JSON object body parses or fails with a field
// error, never a panic.
func FuzzTicketBody(f *testing.F) {
	for _, s := range []string{
		`{"ticket": {"subject": "产品咨询", "ticketReply": { "replyMsg":"你好,我想咨询下帮我吧产品" }}}`,
		`{"ticket": {"ticketStatus": "2", "ticketReply": { "replyMsg": "这里是工单回复文本内容" }}}`,
		`{"custom_fields": [{"key": "field_6", "value": "180", "pay_status": 1}]}`,
		`{"tables": [{"custom_fields_key": "cpxx", "tableData": [{"cpdm": "001.005"}]}]}`,
		`{"ticket": []}`, `{}`, `[]`, `{"ticket": {"ticket": {}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := decodeObject(json.RawMessage(s))
		if err != nil {
			return
		}
		inner, err := unwrap(m)
		if err != nil {
			if _, ok := err.(*fieldError); !ok {
				t.Fatalf("unwrap(%q): %T %v", s, err, err)
			}
			return
		}
		for _, create := range []bool{true, false} {
			if _, err := parseTicket(inner, create, !create); err != nil {
				if _, ok := err.(*fieldError); !ok {
					t.Fatalf("parseTicket(%q): %T %v", s, err, err)
				}
			}
		}
	})
}
