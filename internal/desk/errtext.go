package desk

import (
	"fmt"
	"strings"
)

// Code is what rule a FieldError's input broke: a closed set, documented
// in docs/errors.md, that doors and the desk UI translate. A new code is
// added here, to Codes, to Text and to the docs together (the catalog test
// fails otherwise).
type Code string

const (
	// CodeRequired: the field is missing or blank. Params.Fields, when
	// set, lists alternatives any one of which would do.
	CodeRequired Code = "required"
	// CodeTooLong: a text longer than Params.Max bytes.
	CodeTooLong Code = "too_long"
	// CodeTooMany: a list longer than Params.Max items.
	CodeTooMany Code = "too_many"
	// CodeRange: a number outside Params.Min..Params.Max (Max 0: no upper
	// bound).
	CodeRange Code = "range"
	// CodeOneOf: Params.Value is not one of Params.Allowed (a custom
	// field's options are its definition's, not repeated here).
	CodeOneOf Code = "one_of"
	// CodeUnknown: Params.Value names nothing known (a custom field key, a
	// time zone, a day).
	CodeUnknown Code = "unknown"
	// CodeFormat: Params.Value does not have the form Params.Format.
	CodeFormat Code = "format"
	// CodeType: the value is not of the type Params.Want ("number",
	// "boolean", "options").
	CodeType Code = "type"
	// CodeDuplicate: the same Params.Entity (Params.Value) is listed twice.
	CodeDuplicate Code = "duplicate"
	// CodeNotFoundRef: Params.Ref names no Params.Entity of the workspace.
	CodeNotFoundRef Code = "not_found_ref"
	// CodeInUse: Params.Ref (an attachment) already belongs to Params.Entity.
	CodeInUse Code = "in_use"
	// CodeTaken: another Params.Entity already holds the value (conflict),
	// Params.Value when the value itself is worth naming (an identity).
	CodeTaken Code = "taken"
	// CodeOverlap: business hours overlap on Params.Value (a day).
	CodeOverlap Code = "overlap"
	// CodeCapacity: the agent Params.Ref (#Params.Number) holds
	// Params.Count of its Params.Max open tickets (ErrCapacity).
	CodeCapacity Code = "capacity"
	// CodeFinal: ticket #Params.Number is Params.Value (closed or ignored);
	// its status can no longer change (ErrFinal).
	CodeFinal Code = "final"
	// CodeClosed: ticket #Params.Number is Params.Value (solved, closed or
	// ignored); routing actions no longer apply to it.
	CodeClosed Code = "closed"
	// CodeNeedsOwner: status Params.Value needs an owner.
	CodeNeedsOwner Code = "needs_owner"
	// CodeNoOwner: status Params.Value means no owner.
	CodeNoOwner Code = "no_owner"
	// CodeNotAllowed: status Params.Value cannot be asked for here.
	CodeNotAllowed Code = "not_allowed"
	// CodeNeedsAgent: Params.Value (a search term) needs an agent to
	// search as.
	CodeNeedsAgent Code = "needs_agent"
	// CodeOwnerOnly, CodeSupervisorOnly, CodeAdminOnly, CodeBotOrSupervisor
	// refuse Params.Action to the caller's role (ErrForbidden).
	CodeOwnerOnly       Code = "owner_only"
	CodeSupervisorOnly  Code = "supervisor_only"
	CodeAdminOnly       Code = "admin_only"
	CodeBotOrSupervisor Code = "bot_or_supervisor"
	// CodeLastAdmin: agent Params.Ref is the workspace's last active admin;
	// deactivating it or giving it a lower role would leave nobody to
	// administer it (ErrConflict).
	CodeLastAdmin Code = "last_admin"
	// CodeDeactivated: agent Params.Ref (#Params.Number) is deactivated;
	// it can be given no ticket and no presence (ErrConflict).
	CodeDeactivated Code = "deactivated"
	// CodeNotEmpty: Params.Entity Params.Ref still holds Params.Count
	// tickets, so it cannot be deleted (ErrConflict).
	CodeNotEmpty Code = "not_empty"
	// CodeReserved: Params.Value is kept for the desk's own use: a macro's
	// keyboard shortcut that starts with one of the desk's built-in keys
	// (Params.Allowed lists them).
	CodeReserved Code = "reserved"
)

// Codes lists every code, for tables, docs and tests.
var Codes = []Code{CodeRequired, CodeTooLong, CodeTooMany, CodeRange, CodeOneOf, CodeUnknown,
	CodeFormat, CodeType, CodeDuplicate, CodeNotFoundRef, CodeInUse, CodeTaken, CodeOverlap,
	CodeCapacity, CodeFinal, CodeClosed, CodeNeedsOwner, CodeNoOwner, CodeNotAllowed, CodeNeedsAgent,
	CodeOwnerOnly, CodeSupervisorOnly, CodeAdminOnly, CodeBotOrSupervisor, CodeLastAdmin, CodeDeactivated, CodeNotEmpty, CodeReserved}

// Params are what a code needs to be said; each code uses the few its
// comment names. They are wire-neutral: ids, numbers and canonical words,
// never sentences.
type Params struct {
	Max     int      `json:"max,omitempty"`
	Min     int      `json:"min,omitempty"`
	Count   int      `json:"count,omitempty"`
	Number  int64    `json:"number,omitempty"`
	Value   string   `json:"value,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
	Fields  []string `json:"fields,omitempty"`
	Format  string   `json:"format,omitempty"`
	Want    string   `json:"want,omitempty"`
	Entity  string   `json:"entity,omitempty"`
	Ref     string   `json:"ref,omitempty"`
	Action  Action   `json:"action,omitempty"`
}

// Text is the English of a code: the one place desk's words are made. Doors
// that answer in English answer it; the others answer their own words
// from the code; the desk UI translates codes itself.
func Text(c Code, field string, p Params) string {
	f := label(field)
	switch c {
	case CodeRequired:
		if len(p.Fields) > 0 {
			return orList(p.Fields) + " is required"
		}
		return f + " is required"
	case CodeTooLong:
		return fmt.Sprintf("%s longer than %d bytes", f, p.Max)
	case CodeTooMany:
		return fmt.Sprintf("more than %d %s", p.Max, f)
	case CodeRange:
		switch p.Max {
		case 0:
			return fmt.Sprintf("%s must be %d or more", f, p.Min)
		case p.Min:
			return fmt.Sprintf("%s must be exactly %d", f, p.Min)
		}
		return fmt.Sprintf("%s must be %d..%d", f, p.Min, p.Max)
	case CodeOneOf:
		if _, ok := CustomFieldKey(field); ok || len(p.Allowed) == 0 {
			return fmt.Sprintf("%q is not an option of %s", p.Value, f)
		}
		return fmt.Sprintf("unknown %s %q (want %s)", f, p.Value, orList(p.Allowed))
	case CodeUnknown:
		if _, ok := CustomFieldKey(field); ok {
			return "unknown " + f
		}
		return fmt.Sprintf("unknown %s %q", f, p.Value)
	case CodeFormat:
		return fmt.Sprintf("%s %q: want %s", f, p.Value, p.Format)
	case CodeType:
		switch p.Want {
		case "options":
			return f + " wants one of its options"
		case "boolean":
			return f + " wants true or false"
		}
		if p.Value != "" {
			return fmt.Sprintf("%s wants a %s, got %q", f, p.Want, p.Value)
		}
		return fmt.Sprintf("%s wants a %s", f, p.Want)
	case CodeDuplicate:
		if p.Value != "" {
			return fmt.Sprintf("%s %s given twice", p.Entity, p.Value)
		}
		return fmt.Sprintf("the same %s is listed twice", p.Entity)
	case CodeNotFoundRef:
		if p.Ref == "" {
			return fmt.Sprintf("%s names no %s", f, p.Entity)
		}
		return fmt.Sprintf("no %s %q", p.Entity, p.Ref)
	case CodeInUse:
		return fmt.Sprintf("attachment %q already belongs to a %s", p.Ref, p.Entity)
	case CodeTaken:
		if p.Entity == "" {
			return "a record with these values already exists"
		}
		if p.Value != "" {
			return fmt.Sprintf("%s already belongs to another %s", p.Value, p.Entity)
		}
		return fmt.Sprintf("%s %s with this %s already exists", article(p.Entity), p.Entity, f)
	case CodeOverlap:
		return fmt.Sprintf("%s overlap on %s", f, p.Value)
	case CodeCapacity:
		return fmt.Sprintf("agent #%d has %d of %d open", p.Number, p.Count, p.Max)
	case CodeFinal:
		return fmt.Sprintf("ticket #%d is %s; its status can no longer change", p.Number, p.Value)
	case CodeClosed:
		return fmt.Sprintf("ticket #%d is %s; routing no longer applies to it", p.Number, p.Value)
	case CodeNeedsOwner:
		return fmt.Sprintf("status %s needs an owner; assign the ticket to someone", p.Value)
	case CodeNoOwner:
		return fmt.Sprintf("status %s means no owner; unassign the ticket to return it to the queue", p.Value)
	case CodeNotAllowed:
		return fmt.Sprintf("%s cannot be %s here", f, p.Value)
	case CodeNeedsAgent:
		return p.Value + " needs an agent to search as"
	case CodeOwnerOnly:
		return "the ticket belongs to another agent; only its owner, a supervisor or an admin may change it"
	case CodeSupervisorOnly:
		return "only supervisors and admins may " + actionWords(p.Action)
	case CodeAdminOnly:
		return "only admins may " + actionWords(p.Action)
	case CodeBotOrSupervisor:
		return "only supervisors, admins and bots may " + actionWords(p.Action)
	case CodeLastAdmin:
		return "the workspace's last active admin cannot be deactivated or demoted; make another agent admin first"
	case CodeDeactivated:
		return fmt.Sprintf("agent #%d is deactivated", p.Number)
	case CodeNotEmpty:
		return fmt.Sprintf("the %s still holds %d tickets; it cannot be deleted (rename it instead)", p.Entity, p.Count)
	case CodeReserved:
		return fmt.Sprintf("%s %q is taken by the desk's built-in keys (%s); choose another", f, p.Value, strings.Join(p.Allowed, " "))
	}
	return fmt.Sprintf("%s: %s", f, c)
}

// label names a field in a sentence: custom fields by their key.
func label(field string) string {
	if k, ok := CustomFieldKey(field); ok {
		return fmt.Sprintf("custom field %q", k)
	}
	switch field {
	case "":
		return "value"
	case "custom_fields":
		return "custom fields"
	}
	return field
}

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return "nothing"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

func actionWords(a Action) string {
	switch a {
	case ActAssign:
		return "take a ticket from the agent who owns it"
	case ActForce:
		return "assign over an agent's capacity"
	case ActDelete:
		return "delete tickets"
	case ActActFor:
		return "act for another agent"
	case ActShareReply:
		return "create, change or delete shared saved replies"
	case ActMergeContacts:
		return "merge contacts"
	case ActSupervise:
		return "watch every agent's load and every queue"
	case ActInvite:
		return "invite agents"
	case ActManageFields:
		return "define or delete custom fields"
	}
	return string(a)
}
