package sqlstore

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// msTime stores a time.Time as nullable INTEGER milliseconds (zero ↔ NULL).
type msTime struct{ t *time.Time }

func (m msTime) Value() (driver.Value, error) {
	if m.t == nil || m.t.IsZero() {
		return nil, nil
	}
	return m.t.UnixMilli(), nil
}

func (m msTime) Scan(src any) error {
	if src == nil {
		*m.t = time.Time{}
		return nil
	}
	var ms int64
	switch v := src.(type) {
	case int64:
		ms = v
	case int32:
		ms = int64(v)
	default:
		return fmt.Errorf("msTime: unexpected %T", src)
	}
	*m.t = time.UnixMilli(ms).UTC()
	return nil
}

// ms is the argument form of a required instant.
func ms(t time.Time) int64 { return t.UnixMilli() }

// tm wraps a time for scanning or as a nullable argument.
func tm(t *time.Time) msTime { return msTime{t} }

// jsonCol stores any value as JSON text.
type jsonCol struct{ v any }

func (j jsonCol) Value() (driver.Value, error) {
	b, err := json.Marshal(j.v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func (j jsonCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		if v == "" || v == "null" || scanTrivial(j.v, v) {
			return nil
		}
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("jsonCol: unexpected %T", src)
	}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, j.v)
}

// scanTrivial stores the commonest JSON column texts ("{}", "[]", an
// unset actor) into v exactly as json.Unmarshal would, without decoding,
// and reports whether it did. Most ticket rows carry several of them, and
// decoding them was a tenth of a ticket list's time.
func scanTrivial(v any, text string) bool {
	switch text {
	case "{}":
		switch p := v.(type) {
		case *desk.CC, *desk.Actor, *desk.WorkspaceSettings:
			return true // an empty object leaves a struct as it is
		case *map[string]map[string]json.RawMessage:
			if *p == nil {
				*p = map[string]map[string]json.RawMessage{}
			}
			return true
		case *map[string]json.RawMessage:
			if *p == nil {
				*p = map[string]json.RawMessage{}
			}
			return true
		}
	case "[]":
		switch p := v.(type) {
		case *[]string:
			*p = []string{}
			return true
		case *desk.Fields:
			*p = desk.Fields{}
			return true
		}
	case `{"kind":""}`:
		if p, ok := v.(*desk.Actor); ok {
			p.Kind = ""
			return true
		}
	}
	switch p := v.(type) {
	case *[]string:
		return scanStrings(p, text)
	case *desk.Actor:
		return scanActor(p, text)
	case *desk.Fields:
		return *p == nil && scanFields(p, text)
	}
	return false
}

// scanFields decodes custom fields written by json.Marshal whose values are
// plain scalars — [{"key":"k","value":v},…] — into an empty Fields.
func scanFields(p *desk.Fields, text string) bool {
	const key, value = `{"key":`, `,"value":`
	if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' {
		return false
	}
	rest := text[1 : len(text)-1]
	var out desk.Fields
	for {
		if len(rest) < len(key) || rest[:len(key)] != key {
			return false
		}
		rest = rest[len(key):]
		k, n, ok := jsontext.PlainString(rest)
		if !ok {
			return false
		}
		rest = rest[n:]
		if len(rest) < len(value) || rest[:len(value)] != value {
			return false
		}
		rest = rest[len(value):]
		n = jsontext.Scalar(rest)
		if n == 0 || n == len(rest) || rest[n] != '}' {
			return false
		}
		out = append(out, desk.Field{Key: k, Value: json.RawMessage(rest[:n])})
		rest = rest[n+1:]
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return false
		}
		rest = rest[1:]
	}
	*p = out
	return true
}

// scanStrings decodes a compact array of plain strings (a ticket's tags)
// the way json.Unmarshal would, and reports whether text had that form.
func scanStrings(p *[]string, text string) bool {
	if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' {
		return false
	}
	rest := text[1 : len(text)-1]
	out := (*p)[:0]
	if out == nil {
		out = []string{}
	}
	for rest != "" {
		s, n, ok := jsontext.PlainString(rest)
		if !ok {
			return false
		}
		out = append(out, s)
		rest = rest[n:]
		if rest == "" {
			break
		}
		if rest[0] != ',' || len(rest) == 1 {
			return false
		}
		rest = rest[1:]
	}
	*p = out
	return true
}

// scanActor decodes {"kind":"k"} and {"kind":"k","id":"i"} as written by
// json.Marshal, setting only the fields present as json.Unmarshal does.
func scanActor(p *desk.Actor, text string) bool {
	const kind, id = `{"kind":`, `,"id":`
	if len(text) < len(kind)+3 || text[:len(kind)] != kind || text[len(text)-1] != '}' {
		return false
	}
	rest := text[len(kind) : len(text)-1]
	k, n, ok := jsontext.PlainString(rest)
	if !ok {
		return false
	}
	rest = rest[n:]
	if rest == "" {
		p.Kind = desk.ActorKind(k)
		return true
	}
	if len(rest) <= len(id) || rest[:len(id)] != id {
		return false
	}
	rest = rest[len(id):]
	i, n, ok := jsontext.PlainString(rest)
	if !ok || n != len(rest) {
		return false
	}
	p.Kind, p.ID = desk.ActorKind(k), i
	return true
}

func js(v any) jsonCol { return jsonCol{v} }

// nullStr stores "" as NULL, for optional references.
type nullStr struct{ s *string }

func (n nullStr) Value() (driver.Value, error) {
	if n.s == nil || *n.s == "" {
		return nil, nil
	}
	return *n.s, nil
}

func (n nullStr) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.s = ""
	case string:
		*n.s = v
	case []byte:
		*n.s = string(v)
	default:
		return fmt.Errorf("nullStr: unexpected %T", src)
	}
	return nil
}

func ns(s *string) nullStr { return nullStr{s} }

// nullIfEmpty is the argument form of an optional reference.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows, *T) error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func msToTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
