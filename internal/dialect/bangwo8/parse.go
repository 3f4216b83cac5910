package bangwo8

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parsers of Bangwo8's loosely typed input. The documentation types the
// same field as int in one table and string in another, and its own
// examples send "2" and "已解决" where an int is documented, so every reader
// here accepts each documented spelling (bangwo8.md A4, A5, A21).

// errBad is a value that cannot be read; the handler names the field.
var errBad = errors.New(msgBad)

// msgBad is Bangwo8's documented word for a value it cannot read.
const msgBad = "字段值不合法"

// enum describes one of Bangwo8's integer enumerations with its Chinese
// labels. Code 0 means "not given" (the seed's example shows 0, A2).
type enum struct {
	labels map[string]int
	codes  []int // valid codes, 0 excluded
}

var (
	statusEnum = enum{labels: map[string]int{"新建": 1, "已开启": 2, "待回应": 3, "已解决": 4, "自动关闭": 5, "手动关闭": 6},
		codes: []int{1, 2, 3, 4, 5, 6}}
	priorityEnum = enum{labels: map[string]int{"低": 1, "正常": 2, "高": 3, "紧急": 4}, codes: []int{1, 2, 3, 4}}
	typeEnum     = enum{labels: map[string]int{"问题": 1, "事务": 2, "故障": 3, "任务": 4}, codes: []int{1, 2, 3, 4}}
	// ticketSource 6 is undocumented in every table (A3): refused.
	sourceEnum = enum{labels: map[string]int{"远程": 1, "聊天": 2, "呼叫中心": 3, "留言": 4, "系统创建": 5, "API": 7,
		"工单模板发布": 8, "邮件接入": 9}, codes: []int{1, 2, 3, 4, 5, 7, 8, 9}}
)

// parse reads an int, a numeric string or a Chinese label; null, "" and 0
// are 0 (not given).
func (e enum) parse(raw json.RawMessage) (int, error) {
	var n int
	switch v := jsonValue(raw).(type) {
	case nil:
		return 0, nil
	case json.Number:
		i, err := strconv.Atoi(v.String())
		if err != nil {
			return 0, errBad
		}
		n = i
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return 0, nil
		}
		if code, ok := e.labels[s]; ok {
			return code, nil
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			return 0, errBad
		}
		n = i
	default:
		return 0, errBad
	}
	if n == 0 {
		return 0, nil
	}
	for _, c := range e.codes {
		if c == n {
			return n, nil
		}
	}
	return 0, errBad
}

// jsonValue decodes raw keeping numbers exact; malformed input is an
// unusable value (a struct{}), which every caller refuses.
func jsonValue(raw json.RawMessage) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return struct{}{}
	}
	return v
}

// maxID bounds the integer ids accepted (JavaScript's safe integers).
const maxID = 1<<53 - 1

// parseID reads a non-negative integer id from an int or a numeric string;
// null and "" are 0.
func parseID(raw json.RawMessage) (int64, error) {
	switch v := jsonValue(raw).(type) {
	case nil:
		return 0, nil
	case json.Number:
		return atoiID(v.String())
	case string:
		if strings.TrimSpace(v) == "" {
			return 0, nil
		}
		return atoiID(v)
	}
	return 0, errBad
}

func atoiID(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > maxID {
		return 0, errBad
	}
	return n, nil
}

// parseIDList reads ccUserIdList-like lists: "123,456", 123, [123, "456"].
// Empty items are skipped; duplicates are dropped, order kept.
func parseIDList(raw json.RawMessage) ([]int64, error) {
	var items []string
	switch v := jsonValue(raw).(type) {
	case nil:
		return nil, nil
	case json.Number:
		items = []string{v.String()}
	case string:
		items = splitList(v)
	case []any:
		for _, x := range v {
			switch x := x.(type) {
			case json.Number:
				items = append(items, x.String())
			case string:
				items = append(items, x)
			default:
				return nil, errBad
			}
		}
	default:
		return nil, errBad
	}
	var out []int64
	seen := map[int64]bool{}
	for _, s := range items {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := atoiID(s)
		if err != nil || n == 0 {
			return nil, errBad
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// splitList splits a comma list; the full-width comma of Chinese input
// methods counts too.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseTags reads tagList: "vip客户,普通客户", ["a", "b"] or a lone number
// (the create table types it int).
func parseTags(raw json.RawMessage) ([]string, error) {
	switch v := jsonValue(raw).(type) {
	case nil:
		return []string{}, nil
	case json.Number:
		return []string{v.String()}, nil
	case string:
		return splitList(v), nil
	case []any:
		out := []string{}
		for _, x := range v {
			switch x := x.(type) {
			case string:
				out = append(out, splitList(x)...)
			case json.Number:
				out = append(out, x.String())
			default:
				return nil, errBad
			}
		}
		return out, nil
	}
	return nil, errBad
}

// parseString reads a string; null is "".
func parseString(raw json.RawMessage) (string, error) {
	switch v := jsonValue(raw).(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", errBad
}

// parseText reads a string; a whole number is taken as its digits (mobile
// phones and QQ numbers arrive as 13240138438, A21). null is "".
func parseText(raw json.RawMessage) (string, error) {
	switch v := jsonValue(raw).(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE-+") {
			return "", errBad
		}
		return v.String(), nil
	}
	return "", errBad
}

// Bangwo8's date-time layout, rendered in the account's zone.
const layout = "2006-01-02 15:04:05"

// parseBound reads a list filter bound: "2012-01-01 00:00:00" (the
// documented form; "T" is accepted for the space) or "2012-01-01". Both
// bounds include their day or second ("包含当天", A14): a start is returned
// as is, an end as the exclusive instant just after it (the next day for a
// date, the next second for a time).
func parseBound(s string, loc *time.Location, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			return t.AddDate(0, 0, 1), nil
		}
		return t, nil
	}
	for _, l := range []string{layout, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			if end {
				return t.Add(time.Second), nil
			}
			return t, nil
		}
	}
	return time.Time{}, errBad
}

// parseIDsParam reads show_many's and update_many's ids=110,111,112.
func parseIDsParam(s string) ([]int64, error) {
	var out []int64
	for _, p := range splitList(s) {
		n, err := atoiID(p)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w: %q", errBad, p)
		}
		out = append(out, n)
	}
	return out, nil
}

// parsePage reads page or per_page: empty is def; otherwise 1..max.
func parsePage(s string, def, max int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, errBad
	}
	return n, nil
}

// parseNumberFile reads the last path segment of ticket routes:
// "110.json" is (110, false), "27890_v2.json" is (27890, true).
func parseNumberFile(seg string) (n int64, v2 bool, ok bool) {
	base, found := strings.CutSuffix(seg, ".json")
	if !found {
		return 0, false, false
	}
	if b, cut := strings.CutSuffix(base, "_v2"); cut {
		base, v2 = b, true
	}
	if base == "" || strings.TrimLeft(base, "0123456789") != "" {
		return 0, false, false
	}
	n, err := atoiID(base)
	if err != nil || n == 0 {
		return 0, false, false
	}
	return n, v2, true
}
