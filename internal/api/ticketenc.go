package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// The ticket is the body of the hottest answers (lists, search pages,
// reads); encoding it through reflection was a fifth of a page's CPU. The
// functions here write the bytes json.Marshal(toTicketJSON(t)) writes, field
// for field; ticketJSON stays the definition (and the OpenAPI schema), and
// TestAppendTicketMatchesMarshal and FuzzAppendTicket hold the two together.

// writeTicket answers one ticket.
func writeTicket(w http.ResponseWriter, status int, t *desk.Ticket) {
	b := appendTicket(make([]byte, 0, 1024), t)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeTicketPage answers {"tickets":[…],"next_cursor":…[,"total":n]},
// the shape of ticketList and searchList.
func writeTicketPage(w http.ResponseWriter, ts []desk.Ticket, next *string, total *int64) {
	b := make([]byte, 0, 64+len(ts)*1024)
	b = append(b, `{"tickets":[`...)
	for i := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTicket(b, &ts[i])
	}
	b = append(b, `],"next_cursor":`...)
	if next == nil {
		b = append(b, "null"...)
	} else {
		b = jsontext.AppendString(b, *next)
	}
	if total != nil {
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, *total, 10)
	}
	b = append(b, "}\n"...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// emptyCC is how json.Marshal writes desk.CC{}.
var emptyCC = func() []byte {
	b, _ := json.Marshal(desk.CC{})
	return b
}()

// appendTicket appends the JSON of toTicketJSON(t).
func appendTicket(b []byte, t *desk.Ticket) []byte {
	start := len(b)
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, t.ID)
	b = append(b, `,"number":`...)
	b = strconv.AppendInt(b, t.Number, 10)
	b = append(b, `,"subject":`...)
	b = jsontext.AppendString(b, t.Subject)
	b = append(b, `,"description":`...)
	b = jsontext.AppendString(b, t.Description)
	b = append(b, `,"status":`...)
	b = jsontext.AppendString(b, string(t.Status))
	b = append(b, `,"status_reason":`...)
	b = jsontext.AppendString(b, t.StatusReason)
	if t.ClosedReason != "" {
		b = append(b, `,"closed_reason":`...)
		b = jsontext.AppendString(b, t.ClosedReason)
	}
	if len(t.Meta) > 0 {
		// Rare, and nested: encoding/json's own bytes (sorted keys).
		if m, err := json.Marshal(t.Meta); err == nil {
			b = append(b, `,"meta":`...)
			b = append(b, m...)
		}
	}
	b = appendOptString(b, `,"priority":`, string(t.Priority))
	b = appendOptString(b, `,"type":`, string(t.Type))
	b = append(b, `,"channel":`...)
	b = jsontext.AppendString(b, string(t.Channel))
	b = appendOptString(b, `,"channel_account_id":`, t.ChannelAccountID)
	b = append(b, `,"origin":`...)
	b = jsontext.AppendString(b, string(t.Origin))
	b = appendOptString(b, `,"contact_id":`, t.ContactID)
	b = appendOptString(b, `,"assignee_id":`, t.AssigneeID)
	b = appendOptString(b, `,"group_id":`, t.GroupID)
	b = appendOptString(b, `,"supervisor_id":`, t.SupervisorID)
	b = append(b, `,"escalated":`...)
	b = strconv.AppendBool(b, t.Escalated)
	b = append(b, `,"escalation":`...)
	if e := t.Escalation; e == nil {
		b = append(b, "null"...)
	} else {
		var ok bool
		b = append(b, `{"at":`...)
		if b, ok = appendTime(b, e.At); !ok {
			return marshalTicket(b[:start], t)
		}
		if e.FromAgentID != "" {
			b = append(b, `,"from_agent_id":`...)
			b = jsontext.AppendString(b, e.FromAgentID)
		}
		if e.ToAgentID != "" {
			b = append(b, `,"to_agent_id":`...)
			b = jsontext.AppendString(b, e.ToAgentID)
		}
		if e.Reason != "" {
			b = append(b, `,"reason":`...)
			b = jsontext.AppendString(b, e.Reason)
		}
		b = append(b, '}')
	}
	b = append(b, `,"flagged":`...)
	b = strconv.AppendBool(b, t.Flagged)
	b = append(b, `,"tags":[`...)
	for i, tag := range t.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, tag)
	}
	b = append(b, `],"cc":`...)
	if isEmptyCC(&t.CC) {
		b = append(b, emptyCC...)
	} else {
		cc, err := json.Marshal(t.CC)
		if err != nil {
			return marshalTicket(b[:start], t)
		}
		b = append(b, cc...)
	}
	b = append(b, `,"custom_fields":`...)
	if len(t.CustomFields) == 0 {
		b = append(b, "{}"...)
	} else if fb, ok := appendFields(b, t.CustomFields); ok {
		b = fb
	} else {
		f, err := json.Marshal(fieldsJSON(t.CustomFields))
		if err != nil {
			return marshalTicket(b[:start], t)
		}
		b = append(b, f...)
	}
	b = append(b, `,"created_by":{"kind":`...)
	b = jsontext.AppendString(b, string(t.CreatedBy.Kind))
	if t.CreatedBy.ID != "" {
		b = append(b, `,"id":`...)
		b = jsontext.AppendString(b, t.CreatedBy.ID)
	}
	b = append(b, '}')
	times := [...]struct {
		key      string
		t        time.Time
		optional bool
	}{
		{`,"created_at":`, t.CreatedAt, false}, {`,"updated_at":`, t.UpdatedAt, false},
		{`,"queued_at":`, t.QueuedAt, true}, {`,"first_assigned_at":`, t.FirstAssignedAt, true},
		{`,"assigned_at":`, t.AssignedAt, true}, {`,"opened_at":`, t.OpenedAt, true},
		{`,"pending_at":`, t.PendingAt, true}, {`,"solved_at":`, t.SolvedAt, true},
		{`,"closed_at":`, t.ClosedAt, true}, {`,"escalated_at":`, t.EscalatedAt, true},
		{`,"transferred_at":`, t.TransferredAt, true}, {`,"first_response_at":`, t.FirstResponseAt, true},
		{`,"first_reply_due_at":`, t.FirstReplyDueAt, true}, {`,"resolve_due_at":`, t.ResolveDueAt, true},
	}
	for _, x := range times {
		b = append(b, x.key...)
		if x.optional && x.t.IsZero() {
			b = append(b, "null"...)
			continue
		}
		var ok bool
		if b, ok = appendTime(b, x.t); !ok {
			return marshalTicket(b[:start], t)
		}
	}
	return append(b, '}')
}

// marshalTicket is the slow path for what appendTicket does not write
// itself (a year outside 0–9999, a field json.Marshal refuses): the result,
// error included, is whatever json.Marshal makes of it.
func marshalTicket(b []byte, t *desk.Ticket) []byte {
	j, err := json.Marshal(toTicketJSON(t))
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

func isEmptyCC(c *desk.CC) bool {
	return len(c.AgentIDs) == 0 && len(c.GroupIDs) == 0 && len(c.Emails) == 0 && len(c.BCCEmails) == 0 &&
		c.ReplyCC == "" && c.EmailRecipient == ""
}

func appendOptString(b []byte, key, s string) []byte {
	b = append(b, key...)
	if s == "" {
		return append(b, "null"...)
	}
	return jsontext.AppendString(b, s)
}

// appendTime writes t as jsontext.Instant's MarshalJSON does; false for
// the years it refuses.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	return jsontext.AppendInstant(b, t)
}

// appendFields writes fieldsJSON(fs) as json.Marshal does — an object in
// key order, the last of equal keys winning — when every value is a plain
// scalar (jsontext.Scalar); false otherwise, having written nothing.
func appendFields(b []byte, fs desk.Fields) ([]byte, bool) {
	var buf [16]int
	if len(fs) > len(buf) {
		return b, false
	}
	order := buf[:0]
	for i := range fs {
		v := fs[i].Value
		if jsontext.Scalar(string(v)) != len(v) || len(v) == 0 {
			return b, false
		}
		// Insertion sort by key; an equal key replaces the earlier one.
		j := len(order)
		for j > 0 && fs[order[j-1]].Key > fs[i].Key {
			j--
		}
		if j > 0 && fs[order[j-1]].Key == fs[i].Key {
			order[j-1] = i
			continue
		}
		order = append(order, 0)
		copy(order[j+1:], order[j:])
		order[j] = i
	}
	b = append(b, '{')
	for n, i := range order {
		if n > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, fs[i].Key)
		b = append(b, ':')
		b = append(b, fs[i].Value...)
	}
	return append(b, '}'), true
}
