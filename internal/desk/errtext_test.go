package desk_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// TestCatalog: every code renders from its params, in the words pinned
// here (doors and golden files rely on some of them).
func TestCatalog(t *testing.T) {
	cases := []struct {
		code  desk.Code
		field string
		p     desk.Params
		want  string
	}{
		{desk.CodeRequired, "custom_fields.order_id", desk.Params{}, `custom field "order_id" is required`},
		{desk.CodeRequired, "text", desk.Params{Fields: []string{"text", "attachments"}}, "text or attachments is required"},
		{desk.CodeTooLong, "subject", desk.Params{Max: 1000}, "subject longer than 1000 bytes"},
		{desk.CodeTooMany, "tags", desk.Params{Max: 50}, "more than 50 tags"},
		{desk.CodeTooMany, "custom_fields", desk.Params{Max: 200}, "more than 200 custom fields"},
		{desk.CodeRange, "capacity", desk.Params{}, "capacity must be 0 or more"},
		{desk.CodeRange, "limit", desk.Params{Min: 1, Max: 100}, "limit must be 1..100"},
		{desk.CodeRange, "parameters", desk.Params{Min: 2, Max: 2}, "parameters must be exactly 2"},
		{desk.CodeOneOf, "priority", desk.Params{Value: "asap", Allowed: []string{"low", "normal", "high"}}, `unknown priority "asap" (want low, normal or high)`},
		{desk.CodeOneOf, "custom_fields.MOTIVO", desk.Params{Value: "OTRO"}, `"OTRO" is not an option of custom field "MOTIVO"`},
		{desk.CodeUnknown, "custom_fields.x", desk.Params{Value: "x"}, `unknown custom field "x"`},
		{desk.CodeUnknown, "timezone", desk.Params{Value: "Mars/Olympus"}, `unknown timezone "Mars/Olympus"`},
		{desk.CodeFormat, "hours", desk.Params{Value: "9-5", Format: "HH:MM-HH:MM"}, `hours "9-5": want HH:MM-HH:MM`},
		{desk.CodeType, "custom_fields.n", desk.Params{Want: "number", Value: "ten"}, `custom field "n" wants a number, got "ten"`},
		{desk.CodeType, "custom_fields.b", desk.Params{Want: "boolean"}, `custom field "b" wants true or false`},
		{desk.CodeType, "custom_fields.s", desk.Params{Want: "options"}, `custom field "s" wants one of its options`},
		{desk.CodeDuplicate, "identities", desk.Params{Entity: "identity", Value: "email/a@b"}, "identity email/a@b given twice"},
		{desk.CodeDuplicate, "tags", desk.Params{Entity: "tag"}, "the same tag is listed twice"},
		{desk.CodeNotFoundRef, "contact_id", desk.Params{Entity: "contact", Ref: "c1"}, `no contact "c1"`},
		{desk.CodeNotFoundRef, "channel_account_ids", desk.Params{Entity: "channel account"}, "channel_account_ids names no channel account"},
		{desk.CodeInUse, "attachments", desk.Params{Entity: "message", Ref: "a1"}, `attachment "a1" already belongs to a message`},
		{desk.CodeTaken, "email", desk.Params{Entity: "agent"}, "an agent with this email already exists"},
		{desk.CodeTaken, "", desk.Params{}, "a record with these values already exists"},
		{desk.CodeTaken, "identities", desk.Params{Entity: "contact", Value: "whatsapp/569"}, "whatsapp/569 already belongs to another contact"},
		{desk.CodeOverlap, "hours", desk.Params{Value: "mon"}, "hours overlap on mon"},
		{desk.CodeCapacity, "assignee_id", desk.Params{Number: 3, Count: 5, Max: 5}, "agent #3 has 5 of 5 open"},
		{desk.CodeFinal, "status", desk.Params{Number: 7, Value: "closed"}, "ticket #7 is closed; its status can no longer change"},
		{desk.CodeClosed, "status", desk.Params{Number: 7, Value: "solved"}, "ticket #7 is solved; routing no longer applies to it"},
		{desk.CodeNeedsOwner, "status", desk.Params{Value: "assigned"}, "status assigned needs an owner; assign the ticket to someone"},
		{desk.CodeNoOwner, "status", desk.Params{Value: "unassigned"}, "status unassigned means no owner; unassign the ticket to return it to the queue"},
		{desk.CodeNotAllowed, "status", desk.Params{Value: "new"}, "status cannot be new here"},
		{desk.CodeNeedsAgent, "q", desk.Params{Value: "assignee:me"}, "assignee:me needs an agent to search as"},
		{desk.CodeOwnerOnly, "", desk.Params{Action: desk.ActWork}, "the ticket belongs to another agent; only its owner, a supervisor or an admin may change it"},
		{desk.CodeSupervisorOnly, "", desk.Params{Action: desk.ActForce}, "only supervisors and admins may assign over an agent's capacity"},
		{desk.CodeAdminOnly, "", desk.Params{Action: desk.ActDelete}, "only admins may delete tickets"},
		{desk.CodeBotOrSupervisor, "", desk.Params{Action: desk.ActActFor}, "only supervisors, admins and bots may act for another agent"},
		{desk.CodeSupervisorOnly, "", desk.Params{Action: desk.ActShareReply}, "only supervisors and admins may create, change or delete shared saved replies"},
		{desk.CodeLastAdmin, "", desk.Params{Ref: "a1"}, "the workspace's last active admin cannot be deactivated or demoted; make another agent admin first"},
		{desk.CodeNotEmpty, "", desk.Params{Entity: "group", Ref: "g1", Count: 3}, "the group still holds 3 tickets; it cannot be deleted (rename it instead)"},
		{desk.CodeDeactivated, "assignee_id", desk.Params{Ref: "a1", Number: 4}, "agent #4 is deactivated"},
		{desk.CodeReserved, "shortcut", desk.Params{Value: "jx", Allowed: []string{"j", "k"}}, `shortcut "jx" is taken by the desk's built-in keys (j k); choose another`},
	}
	covered := map[desk.Code]bool{}
	for _, c := range cases {
		covered[c.code] = true
		if got := desk.Text(c.code, c.field, c.p); got != c.want {
			t.Errorf("Text(%s, %q, %+v) = %q, want %q", c.code, c.field, c.p, got, c.want)
		}
	}
	for _, c := range desk.Codes {
		if !covered[c] {
			t.Errorf("code %s has no case here", c)
		}
	}
}

// TestCodesListed: every Code constant is in desk.Codes and in
// docs/errors.md, so the set stays closed and documented.
func TestCodesListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errtext.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := os.ReadFile("../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	var consts []desk.Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
			lit := vs.Values[0].(*ast.BasicLit)
			s, _ := strconv.Unquote(lit.Value)
			consts = append(consts, desk.Code(s))
		}
		return true
	})
	if len(consts) != len(desk.Codes) {
		t.Errorf("%d Code constants, %d in desk.Codes", len(consts), len(desk.Codes))
	}
	for _, c := range consts {
		if !slices.Contains(desk.Codes, c) {
			t.Errorf("code %s is not in desk.Codes", c)
		}
		if !strings.Contains(string(docs), "`"+string(c)+"`") {
			t.Errorf("code %s is not in docs/errors.md", c)
		}
	}
}

// TestFieldErrorIsItsSentinel: doors map sentinels to statuses, so a typed
// error, wrapped with context, still is its sentinel.
func TestFieldErrorIsItsSentinel(t *testing.T) {
	err := error(desk.TooLong("subject", desk.MaxSubject))
	err = errors.Join(errors.New("context"), err)
	fe, ok := desk.AsFieldError(err)
	if !ok || !errors.Is(err, desk.ErrInvalid) || fe.Field != "subject" || fe.Code != desk.CodeTooLong || fe.Params.Max != desk.MaxSubject {
		t.Fatalf("AsFieldError(%v) = %+v, %v", err, fe, ok)
	}
	if got, want := fe.Error(), "invalid input: subject longer than 1000 bytes"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if r := desk.Refuse(desk.ActDelete, desk.CodeAdminOnly); !errors.Is(r, desk.ErrForbidden) || errors.Is(r, desk.ErrInvalid) {
		t.Errorf("a refusal is not ErrForbidden alone: %v", r)
	}
}
