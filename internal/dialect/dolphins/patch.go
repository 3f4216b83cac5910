package dolphins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// plan is what an Update Ticket body asks for: one desk patch, a group
// move included (the desk routes a moved ticket in the new group, in the
// patch's transaction).
type plan struct {
	patch desk.TicketPatch
	empty bool
}

// metaStringKeys and metaBoolKeys are the vendor's writable fields with no
// canonical home: kept in Ticket.Meta and re-emitted by this door only.
var (
	metaStringKeys = []string{"remark", "correlationId", "transactionId", "profileLink", "ruleId"}
	metaBoolKeys   = []string{"greetingStatus", "notified", "redistribute", "mention", "post", "guest", "markRead", "online"}
	metaIntKeys    = []string{"followerCount", "friendCount"}
)

// parsePatch reads a TicketPatch body (spec §4, E10–E12): any subset of
// subject, severity, priority (bool), ticketTags, remark, group, status,
// closureType, customFields (merged), ccList, bccList, replyCc,
// emailRecipient, document, and the vendor's flags. Keys may be camelCase
// or snake_case; read-only document fields are ignored. t is the ticket as
// it stands (for status moves that need its owner, and cc merging).
func parsePatch(body map[string]json.RawMessage, t *desk.Ticket, resolveOnClose bool) (plan, error) {
	var pl plan
	p := &pl.patch
	meta := map[string]json.RawMessage{}
	cc := t.CC
	ccChanged := false
	keys := map[string]json.RawMessage{}
	for k, v := range body {
		keys[camel(k)] = v
	}
	str := func(k string) (string, bool, error) {
		raw, ok := keys[k]
		if !ok || string(raw) == "null" {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, invalidf("%s must be a string", k)
		}
		return s, true, nil
	}
	strs := func(k string) ([]string, bool, error) {
		raw, ok := keys[k]
		if !ok || string(raw) == "null" {
			return nil, false, nil
		}
		var s []string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, false, invalidf("%s must be a list of strings", k)
		}
		if s == nil {
			s = []string{}
		}
		return s, true, nil
	}
	if s, ok, err := str("subject"); err != nil {
		return pl, err
	} else if ok {
		p.Subject = &s
	}
	if s, ok, err := str("severity"); err != nil {
		return pl, err
	} else if ok {
		pr, err := parseSeverity(s)
		if err != nil {
			return pl, err
		}
		p.Priority = &pr
	}
	if raw, ok := keys["priority"]; ok && string(raw) != "null" {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return pl, invalid("priority must be true or false (the level is severity)")
		}
		p.Flagged = &b
	}
	if tags, ok, err := strs("ticketTags"); err != nil {
		return pl, err
	} else if ok {
		tags = removeDefault(tags)
		p.Tags = &tags
	}
	if docs, ok, err := strs("document"); err != nil {
		return pl, err
	} else if ok {
		b, _ := json.Marshal(docs)
		meta["document"] = b
	}
	for _, k := range metaStringKeys {
		if s, ok, err := str(k); err != nil {
			return pl, err
		} else if ok {
			b, _ := json.Marshal(s)
			meta[k] = b
		}
	}
	for _, k := range metaBoolKeys {
		if raw, ok := keys[k]; ok && string(raw) != "null" {
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				return pl, invalidf("%s must be true or false", k)
			}
			meta[k], _ = json.Marshal(b)
		}
	}
	for _, k := range metaIntKeys {
		if raw, ok := keys[k]; ok && string(raw) != "null" {
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				return pl, invalidf("%s must be an integer", k)
			}
			meta[k], _ = json.Marshal(n)
		}
	}
	for k, dst := range map[string]*[]string{"ccList": &cc.Emails, "bccList": &cc.BCCEmails} {
		if l, ok, err := strs(k); err != nil {
			return pl, err
		} else if ok {
			*dst, ccChanged = l, true
		}
	}
	for k, dst := range map[string]*string{"replyCc": &cc.ReplyCC, "emailRecipient": &cc.EmailRecipient} {
		if s, ok, err := str(k); err != nil {
			return pl, err
		} else if ok {
			*dst, ccChanged = s, true
		}
	}
	if ccChanged {
		p.CC = &cc
	}
	if raw, ok := keys["customFields"]; ok && string(raw) != "null" {
		fs, err := orderedFields(raw)
		if err != nil {
			return pl, err
		}
		p.CustomFields = fs
	}
	if g, ok, err := str("group"); err != nil {
		return pl, err
	} else if ok && g != "" && g != t.GroupID {
		p.GroupID = &g
	}
	closure, hasClosure, err := str("closureType")
	if err != nil {
		return pl, err
	}
	if hasClosure {
		if len(closure) > 100 {
			return pl, invalid("closureType longer than 100 bytes")
		}
		meta[metaClosureType], _ = json.Marshal(closure)
	}
	if s, ok, err := str("status"); err != nil {
		return pl, err
	} else if ok {
		if err := planStatus(p, s, t, closure, resolveOnClose); err != nil {
			return pl, err
		}
	}
	if len(meta) > 0 {
		p.Meta = map[string]map[string]json.RawMessage{metaKey: meta}
	}
	pl.empty = p.Subject == nil && p.Priority == nil && p.Flagged == nil && p.Tags == nil && p.CC == nil &&
		len(p.CustomFields) == 0 && p.Meta == nil && p.Status == nil && p.AssigneeID == nil &&
		p.GroupID == nil
	return pl, nil
}

// planStatus turns a 3Dolphins status into a patch (spec §6.1).
func planStatus(p *desk.TicketPatch, label string, t *desk.Ticket, closure string, resolveOnClose bool) error {
	var st desk.Status
	name := strings.ToLower(strings.TrimSpace(label))
	if t.Status.Final() {
		// Closed or ignored, both read Closed: Closed changes nothing, and
		// any other status is refused, as desk refuses it.
		if name == "closed" {
			return nil
		}
		if _, err := parseStatus(label); err != nil {
			return err
		}
		return &doorError{desk.ErrFinal, fmt.Sprintf("ticket %d is Closed; its status can no longer change", t.Number)}
	}
	switch name {
	case "closed":
		st = closingStatus(closure, resolveOnClose)
		reason := "manual"
		p.ClosedReason = &reason
	case "open":
		st = desk.StatusOpen
	case "pending":
		st = desk.StatusPending
	case "assigned":
		if t.AssigneeID == "" {
			return invalid("the ticket has nobody to be Assigned to; reassign it to a team member")
		}
		st = desk.StatusAssigned
	case "unassigned":
		if t.AssigneeID != "" {
			none := ""
			p.AssigneeID = &none
			if !t.Status.Terminal() {
				return nil // unassigning puts it in its queue
			}
		}
		st = desk.StatusUnassigned
	default:
		_, err := parseStatus(label)
		return err
	}
	if st == t.Status {
		return nil
	}
	p.Status = &st
	return nil
}

// closingStatus is where a close lands: solved for a Resolved close when
// the workspace resolves on close, else closed (the closure type is kept
// as written either way).
func closingStatus(closure string, resolveOnClose bool) desk.Status {
	if resolveOnClose && (closure == "" || strings.EqualFold(closure, "Resolved")) {
		return desk.StatusSolved
	}
	return desk.StatusClosed
}

// removeDefault drops the placeholder tag the vendor shows on untagged
// tickets, so writing back what was read adds nothing.
func removeDefault(tags []string) []string {
	out := tags[:0:0]
	for _, t := range tags {
		if t != "default" {
			out = append(out, t)
		}
	}
	return out
}

// orderedFields reads a customFields object keeping its key order.
func orderedFields(raw json.RawMessage) (desk.Fields, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, invalid("customFields must be an object")
	}
	var out desk.Fields
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, invalidf("malformed customFields: %v", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, invalidf("malformed customFields: %v", err)
		}
		k, _ := kt.(string)
		if k == "" {
			return nil, invalid("customFields keys must not be empty")
		}
		out = out.Set(desk.Field{Key: k, Value: v})
	}
	if len(out) > desk.MaxFields {
		return nil, invalidf("more than %d custom fields", desk.MaxFields)
	}
	return out, nil
}
