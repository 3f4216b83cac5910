package search

import (
	"sort"
	"strings"
)

// FieldSpec is one entry of a field whitelist: what a field name typed in a
// query means.
//
// A whitelist key ending in "*" is a prefix pattern: "field_*" matches
// field_1, field_abc... and the canonical field is Field followed by what the
// star matched ({Field: "custom:field_"} turns field_1 into custom:field_1).
type FieldSpec struct {
	Field string // canonical field: "status", "assignee", "custom:field_1"...
	Kind  Kind

	// Values lists the canonical values of a KindEnum field, lowest first.
	// When set, a value outside it is an error and matching ignores case.
	// Empty means any value (tags).
	Values []string
	// Ordered allows <, <=, >, >= on a KindEnum field with Values; the parser
	// expands them to the list of values in that range.
	Ordered bool
	// AllowMe allows the reserved value "me" on a KindRef field.
	AllowMe bool

	// Map turns one typed value into its canonical value (Bangwo8
	// ticketStatus "4" → "solved"). An error makes the query invalid.
	Map func(string) (string, error)
	// Expand turns one typed value into several canonical values, any of which
	// matches (Bangwo8 ticketStatus "2" → assigned, open, on_hold). It takes
	// precedence over Map. In a comparison the whole set counts: > and <=
	// compare with its highest value, >= and < with its lowest.
	Expand func(string) ([]string, error)
}

// Canonical values of the native enumerations, in the order comparisons use.
// They match internal/desk.
var (
	statusValues = []string{"new", "unassigned", "assigned", "open", "pending",
		"on_hold", "solved", "closed", "ignored"}
	priorityValues = []string{"low", "normal", "high", "urgent"}
	typeValues     = []string{"question", "incident", "problem", "task"}
	channelValues  = []string{"webchat", "email", "whatsapp", "facebook", "instagram",
		"twitter", "telegram", "line", "sms", "voice", "app_store", "play_store",
		"remote", "web_form", "internal"}
)

var nativeFields = buildNativeFields()

func buildNativeFields() map[string]FieldSpec {
	status := FieldSpec{Field: "status", Kind: KindEnum, Values: statusValues, Ordered: true}
	priority := FieldSpec{Field: "priority", Kind: KindEnum, Values: priorityValues, Ordered: true}
	tag := FieldSpec{Field: "tag", Kind: KindEnum}
	assignee := FieldSpec{Field: "assignee", Kind: KindRef, AllowMe: true}
	contact := FieldSpec{Field: "contact", Kind: KindRef}
	email := FieldSpec{Field: "contact_email", Kind: KindText}
	phone := FieldSpec{Field: "contact_phone", Kind: KindText}
	number := FieldSpec{Field: "number", Kind: KindInt}
	return map[string]FieldSpec{
		"status":        status,
		"priority":      priority,
		"type":          {Field: "type", Kind: KindEnum, Values: typeValues},
		"channel":       {Field: "channel", Kind: KindEnum, Values: channelValues},
		"tag":           tag,
		"tags":          tag,
		"assignee":      assignee,
		"group":         {Field: "group", Kind: KindRef},
		"contact":       contact,
		"requester":     contact,
		"contact_email": email,
		"email":         email,
		"contact_phone": phone,
		"phone":         phone,
		"subject":       {Field: "subject", Kind: KindText},
		"number":        number,
		"created":       {Field: "created", Kind: KindDate},
		"updated":       {Field: "updated", Kind: KindDate},
		"field_*":       {Field: "custom:field_", Kind: KindCustom},
		"custom.*":      {Field: "custom:", Kind: KindCustom},
	}
}

// NativeFields returns the field whitelist of the native API (a new map the
// caller may change):
//
//	status, priority            ordered enums (status<solved, priority>=high)
//	type, channel               enums
//	tag, tags                   any tag
//	assignee                    agent number or id, me, none
//	group                       group number, id or name, none
//	contact, requester          contact number or id, none
//	email, contact_email        contact e-mail contains
//	phone, contact_phone        contact phone contains
//	subject                     subject contains
//	number                      ticket number, with comparisons
//	created, updated            dates
//	field_N, custom.KEY         custom field KEY (field_N) contains
func NativeFields() map[string]FieldSpec {
	m := make(map[string]FieldSpec, len(nativeFields))
	for k, v := range nativeFields {
		m[k] = v
	}
	return m
}

// lookup resolves a typed field name through the whitelist: an exact key
// first, then a key equal but for case, then the longest matching prefix
// pattern.
func lookup(fields map[string]FieldSpec, name string) (FieldSpec, bool) {
	if s, ok := fields[name]; ok && !strings.HasSuffix(name, "*") {
		return s, true
	}
	var folded []string
	best, bestLen := "", -1
	for k := range fields {
		if prefix, ok := strings.CutSuffix(k, "*"); ok {
			longer := len(prefix) > bestLen || len(prefix) == bestLen && k < best
			if len(name) > len(prefix) && longer && strings.EqualFold(name[:len(prefix)], prefix) {
				best, bestLen = k, len(prefix)
			}
		} else if strings.EqualFold(k, name) {
			folded = append(folded, k)
		}
	}
	if len(folded) > 0 {
		sort.Strings(folded) // deterministic if the whitelist differs only in case
		return fields[folded[0]], true
	}
	if bestLen < 0 {
		return FieldSpec{}, false
	}
	s := fields[best]
	s.Field += name[bestLen:]
	return s, true
}
