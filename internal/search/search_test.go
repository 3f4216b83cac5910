package search

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// now is the fixed clock of every test: a Wednesday, 10:30 UTC.
var now = time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)

// shanghai stands in for Bangwo8's account zone (UTC+8, no DST).
var shanghai = time.FixedZone("CST", 8*3600)

func native() Options { return Options{Now: now} }

// bangwo8Fields is a Bangwo8-like whitelist, as the dialect would build it
// (dialects/bangwo8.md §3.8, §4): Bangwo8 names, ints and Chinese labels
// mapped onto canonical fields and values.
func bangwo8Fields() map[string]FieldSpec {
	table := func(field string, m map[string][]string) func(string) ([]string, error) {
		return func(v string) ([]string, error) {
			if vs, ok := m[v]; ok {
				return vs, nil
			}
			if spec, ok := nativeFields[field]; ok && indexFold(spec.Values, v) >= 0 {
				return []string{v}, nil // canonical names are accepted too
			}
			return nil, fmt.Errorf("unknown %s", field)
		}
	}
	// Bangwo8 orders statuses by its own numbers: on_hold renders as 2, so it
	// comes before pending (3), unlike the native order.
	bwStatuses := []string{"new", "unassigned", "assigned", "open", "on_hold",
		"pending", "solved", "closed", "ignored"}
	status := FieldSpec{Field: "status", Kind: KindEnum, Values: bwStatuses, Ordered: true,
		Expand: table("status", map[string][]string{
			"1": {"new", "unassigned"}, "新建": {"new", "unassigned"},
			"2": {"assigned", "open", "on_hold"}, "已开启": {"assigned", "open", "on_hold"},
			"3": {"pending"}, "待回应": {"pending"},
			"4": {"solved"}, "已解决": {"solved"},
			"5": {"closed"}, "自动关闭": {"closed"},
			"6": {"closed", "ignored"}, "手动关闭": {"closed", "ignored"},
		})}
	zeroIsNone := func(v string) (string, error) {
		if v == "0" {
			return None, nil
		}
		return v, nil
	}
	return map[string]FieldSpec{
		"ticketStatus": status,
		"status":       status,
		"priorityLevel": {Field: "priority", Kind: KindEnum, Values: priorityValues, Ordered: true,
			Expand: table("priority", map[string][]string{
				"1": {"low"}, "低": {"low"}, "2": {"normal"}, "正常": {"normal"},
				"3": {"high"}, "高": {"high"}, "4": {"urgent"}, "紧急": {"urgent"},
			})},
		"ticketType": {Field: "type", Kind: KindEnum, Values: typeValues,
			Expand: table("type", map[string][]string{
				"1": {"question"}, "2": {"incident"}, "3": {"problem"}, "4": {"task"},
			})},
		"ticketSource": {Field: "channel", Kind: KindEnum, Values: channelValues,
			Expand: table("channel", map[string][]string{
				"1": {"remote"}, "3": {"voice", "sms"}, "9": {"email"},
			})},
		"servicerUserId":  {Field: "assignee", Kind: KindRef, Map: zeroIsNone},
		"servicerGroupId": {Field: "group", Kind: KindRef, Map: zeroIsNone},
		"custUserId":      {Field: "contact", Kind: KindRef},
		"createDT":        {Field: "created", Kind: KindDate},
		"updateDT":        {Field: "updated", Kind: KindDate},
		"field_*":         {Field: "custom:field_", Kind: KindCustom},
	}
}

func bangwo8() Options {
	return Options{Fields: bangwo8Fields(), Now: now, Location: shanghai, UnquoteFieldTerms: true}
}

type parseCase struct {
	q    string
	want string // canonical form, or the full error text when it starts with "search: "
}

func runCases(t *testing.T, opts Options, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Parse(c.q, opts)
		var out string
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("Parse(%q): error %v is not an *Error", c.q, err)
				continue
			}
			if e.Pos < 0 || e.Pos > len(c.q) {
				t.Errorf("Parse(%q): error position %d outside the query", c.q, e.Pos)
			}
			out = err.Error()
		} else {
			out = got.String()
		}
		if out != c.want {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", c.q, out, c.want)
		}
	}
}

// TestSeedBangwo8 replays every search example of seed 001 (搜索工单,
// GET /api/v1/tickets/search.json) literally, through a Bangwo8-like table in
// the account's zone (UTC+8): a day starts at 16:00 UTC the day before.
func TestSeedBangwo8(t *testing.T) {
	const (
		open2or4 = "status:assigned,open,on_hold,solved" // ticketStatus 2 (已开启) or 4 (已解决)
	)
	runCases(t, bangwo8(), []parseCase{
		// "query=2444 模糊搜索,返回工单编号、工单标题或者联系人姓名包含该内容的工单"
		{"2444", "2444"},
		// "query=ticketStatus:2,4 搜索工单状态为已开启或已解决的工单"
		{"ticketStatus:2,4", open2or4},
		// "query=field_1:454 返回自定义字段唯一标识为“field_1”的内容里面包含“454”的工单"
		{"field_1:454", "custom:field_1:454"},
		// "query=2444 createDT>2017-07-01": created after 1 July, that day excluded.
		{"2444 createDT>2017-07-01", "2444 created>=2017-07-01T16:00:00Z"},
		// "query=ticketStatus:2,4 createDT< =2017-07-01" (sic, with the space):
		// up to 1 July, that day included.
		{"ticketStatus:2,4 createDT< =2017-07-01", open2or4 + " created<2017-07-01T16:00:00Z"},
		// "query=ticketStatus:2,4 updateDT>=2017-07-01": from 1 July on.
		{"ticketStatus:2,4 updateDT>=2017-07-01", open2or4 + " updated>=2017-06-30T16:00:00Z"},
		// "两个条件之间要以空格分开,比如“ticketStatus:2,4 updateDT>=2017-07-01”"
		// "时间过滤条件目前支持以下几种方式"
		{"createDT<2017-09-01", "created<2017-08-31T16:00:00Z"},                               // 不包含当天
		{"createDT>2017-09-01", "created>=2017-09-01T16:00:00Z"},                              // 不包含当天
		{"createDT:2017-09-01", "created>=2017-08-31T16:00:00Z created<2017-09-01T16:00:00Z"}, // 当天
		{"createDT<=2017-09-01", "created<2017-09-01T16:00:00Z"},                              // 包含当天
		{"createDT>=2017-09-01", "created>=2017-08-31T16:00:00Z"},                             // 包含当天
		{"ticketStatus:4 createDT>2017-07-03", "status:solved created>=2017-07-03T16:00:00Z"}, // curl 调用示例
		{`"status:已开启"`, "status:assigned,open,on_hold"},                                      // next_page 链接
		{"ticketStatus:4", "status:solved"},                                                   // dialects/bangwo8.md next_page
		{"status:已开启 sort:updated order:asc", "status:assigned,open,on_hold sort:updated order:asc"},

		// The rest of the Bangwo8 table.
		{"priorityLevel:4 ticketType:3", "priority:urgent type:problem"},
		{"priorityLevel>=3", "priority:high,urgent"},
		{"ticketStatus<4", "status:new,unassigned,assigned,open,on_hold,pending"},
		{"ticketStatus>2", "status:pending,solved,closed,ignored"},
		{"ticketSource:3,9", "channel:email,sms,voice"},
		{"servicerUserId:0", "assignee:none"},
		{"servicerUserId:12,0 servicerGroupId:3", "assignee:12,none group:3"},
		{"custUserId:77", "contact:77"},
		{"field_12:红色 退款", "custom:field_12:红色 退款"},
		{"TICKETSTATUS:3", "status:pending"},
		{`"2444"`, `"2444"`},
		{`"field_1:a b"`, `"field_1:a b"`}, // not a term: spaces inside
		{`"nosuch:x"`, `"nosuch:x"`},       // not a known field: a phrase

		{"ticketStatus:9", `search: at 13: invalid value "9" for ticketStatus: unknown status`},
		{"ticketStatus:2,", `search: at 0: expected a value after "ticketStatus:2,"`},
		{"createDT>2017/07/01", `search: at 9: invalid date "2017/07/01" (` + dateHelp + ")"},
		{"createDT:2017-07-01,2017-07-02", `search: at 19: expected one date after "createDT:", not a list`},
		{"ticketType>2", `search: at 10: operator ">" is not allowed for ticketType (use ticketType:value)`},
		{"servicerUserId:me", `search: at 15: "me" is not allowed for servicerUserId`},
		{"tag:vip", `search: at 0: unknown field "tag" (put the term in quotes to search for it as text)`},
	})
}

// TestNative covers the Zendesk/Freshdesk-style language of the native API.
func TestNative(t *testing.T) {
	runCases(t, native(), []parseCase{
		{"", ""},
		{"   \t ", ""},
		{"!!! … -", ""},

		// Free text and phrases.
		{"refund", "refund"},
		{"refund late", "refund late"},
		{"refund, please!", "refund please"},
		{"#2444", "2444"},
		{`"card declined"`, `"card declined"`},
		{`refund "card declined" late`, `refund late "card declined"`},
		{`"say \"hi\" \\o/"`, `"say \"hi\" \\o/"`},
		{`"  spaced   out "`, `"spaced out"`},
		{"退款", "退款"},
		{"退款。", "退款"},
		{"退款　失败", "退款 失败"}, // ideographic space
		{"“退款”", "退款"},
		{"e-mail 10:30 C++", "e-mail 10:30 C++"},
		{"refund AND late", "refund late"},
		{"a !status:open b OR,", `a b "status:open" "OR"`},

		// Boolean structure.
		{"refund OR 退款", "refund OR 退款"},
		{"a b OR c", "(a b) OR c"},
		{"a OR b c", "a OR (b c)"},
		{"a (b OR c)", "a (b OR c)"},
		{"(a OR b) (c OR d)", "(a OR b) (c OR d)"},
		{"(a OR b) OR c", "a OR b OR c"},
		{"((a))", "a"},
		{"(a b) c", "a b c"},
		{"a or b", "a or b"}, // lower-case or is a word
		{"-spam", "-spam"},
		{"- spam", "spam"},
		{"--spam", "spam"},
		{"-(-spam)", "spam"},
		{`-"card declined"`, `-"card declined"`},
		{"-(a OR b)", "-(a OR b)"},
		{"-(a b)", "-(a b)"},
		{"x-(a b)", "x a b"},

		// Enumerations.
		{"status:open", "status:open"},
		{"Status:OPEN", "status:open"},
		{"status:pending,open,pending", "status:open,pending"},
		{"status<solved", "status:new,unassigned,assigned,open,pending,on_hold"},
		{"status>=solved", "status:solved,closed,ignored"},
		{"priority>=high", "priority:high,urgent"},
		{"priority>normal", "priority:high,urgent"},
		{"priority<=low", "priority:low"},
		{"priority<normal", "priority:low"},
		{"type:task channel:email,webchat", "type:task channel:webchat,email"},
		{"tag:vip", "tag:vip"},
		{"tags:vip,gold,vip", "tag:vip,gold"},
		{"-tag:spam", "-tag:spam"},
		{`tag:"big deal","a,b"`, `tag:"big deal","a,b"`},

		// References.
		{"assignee:me", "assignee:me"},
		{"assignee:ME", "assignee:me"},
		{"assignee:none", "assignee:none"},
		{"assignee:me,none", "assignee:me,none"},
		{"assignee:42", "assignee:42"},
		{"-assignee:me", "-assignee:me"},
		{"group:none", "group:none"},
		{"group:support", "group:support"},
		{"requester:7", "contact:7"},

		// Text fields and numbers.
		{"email:bob@example.com", "contact_email:bob@example.com"},
		{"phone:+86-138-0000-0000", "contact_phone:+86-138-0000-0000"},
		{`subject:"card declined"`, `subject:"card declined"`},
		{"number:123", "number:123"},
		{"number:007,8", "number:7,8"},
		{"number>=100", "number>=100"},
		{"number<5", "number<5"},
		{"field_1:454", "custom:field_1:454"},
		{"custom.color:red", "custom:color:red"},

		// Dates: absolute (UTC by default), relative to now (2026-11-25 10:30 UTC).
		{"created:2017-07-01", "created>=2017-07-01T00:00:00Z created<2017-07-02T00:00:00Z"},
		{"created>2017-07-01", "created>=2017-07-02T00:00:00Z"},
		{"created>=2017-07-01T10:00:00", "created>=2017-07-01T10:00:00Z"},
		{"created>2017-07-01T10:00:00", "created>=2017-07-01T10:00:01Z"},
		{"created<=2017-07-01T10:00", "created<2017-07-01T10:01:00Z"},
		{`created<="2017-07-01 10:00:00"`, "created<2017-07-01T10:00:01Z"},
		{"created>=2017-07-01T10:00:00+08:00", "created>=2017-07-01T02:00:00Z"},
		{"created<=2017-07-01T10:00:00.5Z", "created<2017-07-01T10:00:00.6Z"},
		{"created>2017-07-01 created<2017-08-01", "created>=2017-07-02T00:00:00Z created<2017-08-01T00:00:00Z"},
		{"created>7d", "created>=2026-11-18T10:30:00Z"},
		{"created<2w", "created<2026-11-11T10:30:00Z"},
		{"updated>12h", "updated>=2026-11-24T22:30:00Z"},
		{"updated>=30m", "updated>=2026-11-25T10:00:00Z"},
		{"created>3mo", "created>=2026-08-25T10:30:00Z"},
		{"created>1y", "created>=2025-11-25T10:30:00Z"},
		{"created>4hours", "created>=2026-11-25T06:30:00Z"},
		{"created:1d", "created>=2026-11-24T00:00:00Z created<2026-11-25T00:00:00Z"},
		{"created:today", "created>=2026-11-25T00:00:00Z created<2026-11-26T00:00:00Z"},
		{"created>=yesterday", "created>=2026-11-24T00:00:00Z"},
		{"-created:2017-07-01", "-(created>=2017-07-01T00:00:00Z created<2017-07-02T00:00:00Z)"},
		{"a OR created<2017-07-01", "a OR created<2017-07-01T00:00:00Z"},

		// Sort and order.
		{"status:open sort:updated order:asc", "status:open sort:updated order:asc"},
		{"sort:Priority", "sort:priority"},
		{"order:asc", "order:asc"},
		{"sort:created order:desc", ""},
		{"(a OR b) sort:number", "(a OR b) sort:number"},
		{"sort:number a b", "a b sort:number"},

		// Everything at once.
		{`refund "card declined" status:open,pending priority>=high -tag:spam assignee:me (channel:email OR channel:webchat) created>7d sort:updated`,
			`refund "card declined" status:open,pending priority:high,urgent -tag:spam assignee:me (channel:email OR channel:webchat) created>=2026-11-18T10:30:00Z sort:updated`},
	})
}

// TestErrors checks the position and wording of every kind of bad query.
func TestErrors(t *testing.T) {
	tooLong := strings.Repeat("a ", 600)
	tooMany := strings.Repeat("a ", 33)
	deep := strings.Repeat("(", 11) + "a" + strings.Repeat(")", 11)
	runCases(t, native(), []parseCase{
		// Missing and empty values.
		{"status:", `search: at 0: expected a value after "status:"`},
		{"tag:billing status:", `search: at 12: expected a value after "status:"`},
		{"status: open", `search: at 0: expected a value after "status:"`},
		{"status:open,", `search: at 0: expected a value after "status:open,"`},
		{"status:,open", `search: at 0: expected a value after "status:"`},
		{"(status:)", `search: at 1: expected a value after "status:"`},
		{`status:""`, `search: at 7: expected a value inside the quotes`},
		{`""`, `search: at 0: expected text inside the quotes`},
		{`a "  "`, `search: at 2: expected text inside the quotes`},

		// Quotes.
		{`"unterminated`, `search: at 0: unterminated quote (expected a closing ")`},
		{`refund "card`, `search: at 7: unterminated quote (expected a closing ")`},
		{`tag:"x`, `search: at 4: unterminated quote (expected a closing ")`},
		{`"a\"`, `search: at 0: unterminated quote (expected a closing ")`},

		// OR, AND, minus.
		{"a OR", `search: at 2: expected a term after OR`},
		{"OR a", `search: at 0: expected a term before OR`},
		{"a OR OR b", `search: at 2: expected a term after OR`},
		{"(a OR) b", `search: at 3: expected a term after OR`},
		{"a AND", `search: at 2: expected a term after AND`},
		{"AND a", `search: at 0: expected a term before AND`},
		{"a AND OR b", `search: at 2: expected a term after AND`},
		{"-OR", `search: at 0: expected a term after -`},

		// Parentheses.
		{"(a OR b", `search: at 0: unbalanced parenthesis: expected ")" to close this "("`},
		{"a (b (c)", `search: at 2: unbalanced parenthesis: expected ")" to close this "("`},
		{"a)", `search: at 1: unbalanced parenthesis: no "(" to close`},
		{"()", `search: at 0: expected a term inside parentheses`},
		{"a ( ) b", `search: at 2: expected a term inside parentheses`},
		{deep, `search: at 10: parentheses nested too deeply (at most 10 levels)`},

		// Fields and operators.
		{"foo:bar", `search: at 0: unknown field "foo" (put the term in quotes to search for it as text)`},
		{"see http://example.com", `search: at 4: unknown field "http" (put the term in quotes to search for it as text)`},
		{"foo: bar", `search: at 0: unknown field "foo" (put the term in quotes to search for it as text)`},
		{"tag>x", `search: at 3: operator ">" is not allowed for tag (use tag:value)`},
		{"subject>=a", `search: at 7: operator ">=" is not allowed for subject (use subject:value)`},
		{"type<task", `search: at 4: operator "<" is not allowed for type (use type:value)`},
		{"assignee>5", `search: at 8: operator ">" is not allowed for assignee (use assignee:value)`},
		{"field_1>3", `search: at 7: operator ">" is not allowed for field_1 (use field_1:value)`},
		{"status:bogus", `search: at 7: unknown status "bogus" (expected one of new, unassigned, assigned, open, pending, on_hold, solved, closed, ignored)`},
		{"priority>urgent", `search: at 9: no priority is above "urgent"`},
		{"priority<low", `search: at 9: no priority is below "low"`},
		{"priority>=high,low", `search: at 14: expected one value after "priority>=", not a list`},
		{"group:me", `search: at 6: "me" is not allowed for group`},
		{"number:abc", `search: at 7: invalid number "abc" for number`},
		{"number:-1", `search: at 7: invalid number "-1" for number`},
		{"number:99999999999999999999", `search: at 7: invalid number "99999999999999999999" for number`},
		{"number>1,2", `search: at 8: expected one number after "number>", not a list`},

		// Dates.
		{"created>2017-13-01", `search: at 8: invalid date "2017-13-01" (` + dateHelp + ")"},
		{"created:2017-02-29", `search: at 8: invalid date "2017-02-29" (` + dateHelp + ")"},
		{"created>2017-07-01T25:00:00", `search: at 8: invalid date "2017-07-01T25:00:00" (` + dateHelp + ")"},
		{"created>7x", `search: at 8: invalid date "7x" (` + dateHelp + ")"},
		{"created>soon", `search: at 8: invalid date "soon" (` + dateHelp + ")"},
		{"created>0999-01-01", `search: at 8: date "0999-01-01" is out of range`},
		{"created>999999y", `search: at 8: date "999999y" is out of range`},
		{"created:2017-07-01,2017-07-02", `search: at 18: expected one date after "created:", not a list`},

		// Sort and order.
		{"sort:bogus", `search: at 5: unknown sort "bogus" (expected created, updated, priority, number or relevance)`},
		{"order:up", `search: at 6: unknown order "up" (expected asc or desc)`},
		{"sort:number sort:updated", `search: at 12: sort: given twice`},
		{"-sort:number", `search: at 1: sort: cannot be negated`},
		{"(sort:number)", `search: at 1: sort: cannot be inside parentheses`},
		{"a OR b sort:number", `search: at 7: sort: and order: cannot be part of an OR (put the OR in parentheses)`},
		{"order:asc a OR b", `search: at 0: sort: and order: cannot be part of an OR (put the OR in parentheses)`},
		{"sort>number", `search: at 4: operator ">" is not allowed for sort (use sort:value)`},

		// Limits and encoding.
		{tooLong, `search: at 1024: query is longer than 1024 bytes`},
		{tooMany, `search: at 64: too many terms (at most 32)`},
		{"a \xff b", `search: at 2: invalid UTF-8`},
	})
}

func TestLimitsFromOptions(t *testing.T) {
	opts := Options{Now: now, MaxLength: 16, MaxTerms: 2}
	runCases(t, opts, []parseCase{
		{"a b", "a b"},
		{"a b c", `search: at 4: too many terms (at most 2)`},
		{"status:open a b", `search: at 14: too many terms (at most 2)`},
		{"0123456789abcdefg", `search: at 16: query is longer than 16 bytes`},
	})
}

func TestLocation(t *testing.T) {
	opts := Options{Now: now, Location: shanghai}
	runCases(t, opts, []parseCase{
		{"created:2017-07-01", "created>=2017-06-30T16:00:00Z created<2017-07-01T16:00:00Z"},
		{"created>=2017-07-01T10:00:00", "created>=2017-07-01T02:00:00Z"},
		{"created>=2017-07-01T10:00:00Z", "created>=2017-07-01T10:00:00Z"},
		// now is 18:30 in Shanghai: today began at 16:00 UTC the day before.
		{"created:today", "created>=2026-11-24T16:00:00Z created<2026-11-25T16:00:00Z"},
		{"created>7d", "created>=2026-11-18T10:30:00Z"},
	})
}

// TestAST checks the node shapes stores compile.
func TestAST(t *testing.T) {
	q, err := Parse(`refund "card declined" status:open -tag:spam assignee:me created:2017-07-01 sort:updated`, native())
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2017, 7, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 1)
	want := &Query{
		Root: And{Children: []Node{
			Text{Words: []string{"refund"}},
			Text{Words: []string{"card", "declined"}, Phrase: true},
			Compare{Field: "status", Kind: KindEnum, Op: OpEq, Values: []string{"open"}},
			Not{Child: Compare{Field: "tag", Kind: KindEnum, Op: OpEq, Values: []string{"spam"}}},
			Compare{Field: "assignee", Kind: KindRef, Op: OpEq, Values: []string{Me}},
			DateRange{Field: "created", From: &from, To: &to},
		}},
		Sort:  SortUpdated,
		Order: OrderDesc,
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("got  %#v\nwant %#v", q, want)
	}

	empty, err := Parse("  ", native())
	if err != nil || empty.Root != nil || empty.Sort != SortCreated || empty.Order != OrderDesc {
		t.Errorf("empty query: %#v, %v", empty, err)
	}

	q, err = Parse("number>=100", native())
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := q.Root.(Compare); !ok || c.Op != OpGe || c.Kind != KindInt || c.Values[0] != "100" {
		t.Errorf("number>=100: %#v", q.Root)
	}
}

func TestWalk(t *testing.T) {
	q, err := Parse("a (b OR -status:open) created>7d", native())
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	Walk(q.Root, func(n Node) bool {
		seen = append(seen, fmt.Sprintf("%T", n))
		return true
	})
	want := "search.And search.Text search.Or search.Text search.Not search.Compare search.DateRange"
	if got := strings.Join(seen, " "); got != want {
		t.Errorf("Walk visited %s\nwant %s", got, want)
	}

	seen = nil
	Walk(q.Root, func(n Node) bool {
		seen = append(seen, fmt.Sprintf("%T", n))
		_, isOr := n.(Or)
		return !isOr
	})
	want = "search.And search.Text search.Or search.DateRange"
	if got := strings.Join(seen, " "); got != want {
		t.Errorf("Walk skipping Or visited %s\nwant %s", got, want)
	}
	Walk(nil, func(Node) bool { t.Error("visited nil"); return true })
}

func TestFieldLookup(t *testing.T) {
	fields := map[string]FieldSpec{
		"x_*":    {Field: "short:", Kind: KindCustom},
		"x_ab*":  {Field: "long:", Kind: KindCustom},
		"Status": {Field: "status", Kind: KindEnum},
	}
	for name, want := range map[string]string{
		"x_1": "short:1", "x_ab": "short:ab", "x_abc": "long:c", "X_ABC": "long:C", "status": "status", "STATUS": "status",
	} {
		s, ok := lookup(fields, name)
		if !ok || s.Field != want {
			t.Errorf("lookup(%q) = %q, %v; want %q", name, s.Field, ok, want)
		}
	}
	for _, name := range []string{"x_", "x", "nope"} {
		if s, ok := lookup(fields, name); ok {
			t.Errorf("lookup(%q) = %q, want no match", name, s.Field)
		}
	}
	m := NativeFields()
	delete(m, "status")
	if _, ok := NativeFields()["status"]; !ok {
		t.Error("NativeFields shares its map with callers")
	}
}

func TestMapperErrors(t *testing.T) {
	fields := map[string]FieldSpec{
		"a": {Field: "a", Kind: KindText, Map: func(string) (string, error) { return "", nil }},
		"b": {Field: "b", Kind: KindText, Expand: func(string) ([]string, error) { return nil, nil }},
		"c": {Field: "c", Kind: KindDate, Expand: func(string) ([]string, error) { return []string{"1d", "2d"}, nil }},
		"d": {Field: "d", Kind: KindRef, Map: func(s string) (string, error) { return strings.TrimPrefix(s, "u"), nil }},
	}
	runCases(t, Options{Fields: fields, Now: now}, []parseCase{
		{"a:x", `search: at 2: invalid value "x" for a`},
		{"b:x", `search: at 2: invalid value "x" for b`},
		{"c:x", `search: at 2: expected one date for "x", not a list`},
		{"d:u12,12,unone", "d:12,none"},
	})
}
