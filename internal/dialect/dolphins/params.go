package dolphins

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ticketd/ticketd/internal/desk"
)

// Paging defaults and bounds (spec §1: count 1..100, default 20).
const (
	DefaultCount = 20
	MaxCount     = 100
	// maxStart bounds offsets so a query can never ask the store to skip
	// an absurd number of rows.
	maxStart = 1_000_000
)

// page is a start/count window.
type page struct {
	Start, Count int
}

// parsePage reads start (or startKey, for the report API's startIndex) and
// count. Absent values take their defaults; anything that is not a decimal
// integer in range is an error.
func parsePage(q url.Values, startKey string) (page, error) {
	pg := page{Start: 0, Count: DefaultCount}
	if startKey != "" && q.Has(startKey) {
		n, err := parseInt(startKey, q.Get(startKey), 0, maxStart)
		if err != nil {
			return pg, err
		}
		pg.Start = n
	}
	if q.Has("count") {
		n, err := parseInt("count", q.Get("count"), 1, MaxCount)
		if err != nil {
			return pg, err
		}
		pg.Count = n
	}
	return pg, nil
}

// parseInt reads a decimal integer in [lo, hi]; surrounding spaces are
// tolerated, signs other than a leading minus are not.
func parseInt(name, s string, lo, hi int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 12 {
		return 0, invalidf("%s: expected an integer from %d to %d, got %q", name, lo, hi, s)
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || i == 0 && r == '-') {
			return 0, invalidf("%s: expected an integer from %d to %d, got %q", name, lo, hi, s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalidf("%s: expected an integer from %d to %d, got %q", name, lo, hi, s)
	}
	return n, nil
}

// parseSort reads sort=asc|desc (default desc); it reports ascending.
func parseSort(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "desc":
		return false, nil
	case "asc":
		return true, nil
	}
	return false, invalidf("sort must be asc or desc, got %q", s)
}

// parseBool reads true/false (default false).
func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalidf("%s must be true or false, got %q", name, s)
}

// statusNames maps a 3Dolphins status (lower-cased) to the canonical
// statuses it reads as (spec §6.1; a ticket not yet routed shows as
// Unassigned, on hold as Open, and every terminal status as Closed).
var statusNames = map[string][]desk.Status{
	"unassigned": {desk.StatusNew, desk.StatusUnassigned},
	"assigned":   {desk.StatusAssigned},
	"open":       {desk.StatusOpen, desk.StatusOnHold},
	"pending":    {desk.StatusPending},
	"closed":     {desk.StatusSolved, desk.StatusClosed, desk.StatusIgnored},
}

// parseStatus reads a 3Dolphins status name, case-insensitively.
func parseStatus(s string) ([]desk.Status, error) {
	if st, ok := statusNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return st, nil
	}
	return nil, invalidf("unknown status %q (want Unassigned, Assigned, Open, Pending or Closed)", s)
}

// severityNames maps a 3Dolphins severity (lower-cased) to a priority.
var severityNames = map[string]desk.Priority{
	"not set": desk.PriorityUnset, "notset": desk.PriorityUnset, "": desk.PriorityUnset,
	"low": desk.PriorityLow, "medium": desk.PriorityNormal, "high": desk.PriorityHigh, "urgent": desk.PriorityUrgent,
}

// parseSeverity reads a severity label case-insensitively.
func parseSeverity(s string) (desk.Priority, error) {
	if p, ok := severityNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return p, nil
	}
	return "", invalidf("unknown severity %q (want Not Set, Low, Medium, High or Urgent)", s)
}

// channelTypes maps a 3Dolphins channelType to a canonical channel (spec §6.3).
var channelTypes = map[string]desk.Channel{
	"webchat": desk.ChannelWebchat, "livechat": desk.ChannelWebchat,
	"telegram": desk.ChannelTelegram, "telegrambot": desk.ChannelTelegram,
	"email": desk.ChannelEmail, "whatsapp": desk.ChannelWhatsApp, "facebook": desk.ChannelFacebook,
	"instagram": desk.ChannelInstagram, "twitter": desk.ChannelTwitter, "line": desk.ChannelLine,
	"voice": desk.ChannelVoice, "call": desk.ChannelVoice, "sms": desk.ChannelSMS,
	"app_store": desk.ChannelAppStore, "play_store": desk.ChannelPlayStore, "remote": desk.ChannelRemote,
	"web_form": desk.ChannelWebForm, "internal": desk.ChannelInternal,
}

// parseChannelType reads a channelType case-insensitively.
func parseChannelType(s string) (desk.Channel, error) {
	if c, ok := channelTypes[strings.ToLower(strings.TrimSpace(s))]; ok {
		return c, nil
	}
	return "", invalidf("unknown channelType %q", s)
}

// parseDay reads a report date filter: YYYY-MM-DD, the start of that day
// in loc.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, invalidf("date %q is not YYYY-MM-DD", s)
	}
	return t, nil
}

// parseTicketRef reads a ticketNumber: the decimal ticket number, or the
// 24-hex ticket id (the root document id), which is accepted too.
func parseTicketRef(s string) (number int64, id string, ok bool) {
	s = strings.TrimSpace(s)
	if s != "" && len(s) <= 18 && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, "", err == nil && n > 0
	}
	if isHexID(s) {
		return 0, s, true
	}
	return 0, "", false
}

// isHexID reports a 24-lowercase-hex id.
func isHexID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// maxBody bounds every JSON request body of this door.
const maxBody = 1 << 20

// relaxJSON drops the trailing commas the vendor's documented bodies carry
// (`{"ticketNumber": "1", "replyAgent": "x", }`, spec A4), leaving strings
// untouched. Everything else must already be JSON.
func relaxJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// errEmptyBody reports a request without a JSON body where one is needed.
var errEmptyBody = &doorError{desk.ErrInvalid, "request body is empty; expected a JSON object"}

// decodeBody reads one JSON object (trailing commas tolerated) into v.
// Unknown keys are ignored: the vendor documents read-only fields in its
// bodies, and clients send whole documents back.
func decodeBody(r io.Reader, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return invalidf("read body: %v", err)
	}
	if len(raw) > maxBody {
		return invalidf("body larger than %d bytes", maxBody)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(relaxJSON(raw)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return invalidf("field %q has the wrong type (%s)", typ.Field, typ.Value)
		}
		return invalidf("malformed JSON body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("body must hold exactly one JSON object")
	}
	return nil
}

// camel turns snake_case into camelCase (channel_type → channelType);
// camelCase passes through.
func camel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	var b strings.Builder
	up := false
	for i, r := range s {
		switch {
		case r == '_':
			up = i > 0
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cond is one equality condition of a filter on a TicketDoc field.
type cond struct {
	Field  string   // camelCase TicketDoc field
	Values []string // any of (compared case-insensitively)
}

// maxConds bounds a filter query.
const maxConds = 20

// parseFilter reads a Filter Query body (E4): a JSON object whose keys are
// TicketDoc field names in camelCase or snake_case and whose values are a
// string, number, boolean or an array of them (any-of). An empty body or
// {} filters nothing.
func parseFilter(body []byte) ([]cond, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(relaxJSON(body)))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, invalid("filter must be a JSON object")
	}
	var out []cond
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, invalidf("malformed filter: %v", err)
		}
		key, _ := kt.(string)
		field := camel(key)
		if !docFields[field] {
			return nil, invalidf("unknown field %q", key)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, invalidf("malformed value of %q: %v", key, err)
		}
		vals, err := scalars(v)
		if err != nil {
			return nil, invalidf("value of %q: %v", key, err)
		}
		if len(out) == maxConds {
			return nil, invalidf("more than %d conditions", maxConds)
		}
		out = append(out, cond{Field: field, Values: vals})
	}
	if _, err := dec.Token(); err != nil {
		return nil, invalidf("malformed filter: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("filter must hold exactly one JSON object")
	}
	return out, nil
}

// scalars flattens a filter value into its string forms.
func scalars(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case json.Number:
		return []string{x.String()}, nil
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case nil:
		return []string{""}, nil
	case []any:
		if len(x) == 0 || len(x) > 100 {
			return nil, errors.New("a list must hold 1 to 100 values")
		}
		var out []string
		for _, e := range x {
			if _, nested := e.([]any); nested {
				return nil, errors.New("a list may hold only strings, numbers and booleans")
			}
			s, err := scalars(e)
			if err != nil || len(s) != 1 {
				return nil, errors.New("a list may hold only strings, numbers and booleans")
			}
			out = append(out, s...)
		}
		return out, nil
	}
	return nil, errors.New("want a string, number, boolean or a list of them")
}

// matches reports whether the rendered value of a document field equals
// one of want, case-insensitively; a list field matches when any element
// does.
func matches(v any, want []string) bool {
	var have []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			have = append(have, scalarString(e))
		}
	default:
		have = []string{scalarString(x)}
	}
	for _, h := range have {
		for _, w := range want {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
