package bangwo8

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Converters between the desk's canonical values and Bangwo8's integers
// (canonical.md §3, bangwo8.md §4).

// statusCode renders a status (§4.1): closed splits into 5 (auto) and 6.
func statusCode(t *desk.Ticket) int {
	switch t.Status {
	case desk.StatusNew, desk.StatusUnassigned:
		return 1
	case desk.StatusAssigned, desk.StatusOpen, desk.StatusOnHold:
		return 2
	case desk.StatusPending:
		return 3
	case desk.StatusSolved:
		return 4
	case desk.StatusClosed:
		if t.ClosedReason == "auto" {
			return 5
		}
		return 6
	case desk.StatusIgnored:
		return 6
	}
	return 1
}

// statusOf reads a ticketStatus code: the canonical status and, for the
// two closed codes, the closed reason.
func statusOf(code int) (desk.Status, string) {
	switch code {
	case 1:
		return desk.StatusNew, ""
	case 2:
		return desk.StatusOpen, ""
	case 3:
		return desk.StatusPending, ""
	case 4:
		return desk.StatusSolved, ""
	case 5:
		return desk.StatusClosed, "auto"
	case 6:
		return desk.StatusClosed, "manual"
	}
	return "", ""
}

var priorities = []desk.Priority{desk.PriorityLow, desk.PriorityNormal, desk.PriorityHigh, desk.PriorityUrgent}

// priorityCode renders a priority (§4.2); unset is 2 (正常).
func priorityCode(p desk.Priority) int {
	for i, v := range priorities {
		if v == p {
			return i + 1
		}
	}
	return 2
}

func priorityOf(code int) desk.Priority { return priorities[code-1] }

var types = []desk.TicketType{desk.TypeQuestion, desk.TypeIncident, desk.TypeProblem, desk.TypeTask}

// typeCode renders a ticket type (§4.3); unset is 1 (问题).
func typeCode(t desk.TicketType) int {
	for i, v := range types {
		if v == t {
			return i + 1
		}
	}
	return 1
}

func typeOf(code int) desk.TicketType { return types[code-1] }

// sourceCode renders ticketSource (§4.4): the code as written, else the
// origin (api 7, system 5, template 8), else the channel.
func sourceCode(t *desk.Ticket) int {
	if n := writtenSource(t); n != 0 {
		return n
	}
	switch t.Origin {
	case desk.OriginAPI:
		return 7
	case desk.OriginSystem:
		return 5
	case desk.OriginTemplate:
		return 8
	}
	switch t.Channel {
	case desk.ChannelRemote:
		return 1
	case desk.ChannelVoice, desk.ChannelSMS:
		return 3
	case desk.ChannelWebForm, desk.ChannelAppStore, desk.ChannelPlayStore:
		return 4
	case desk.ChannelEmail:
		return 9
	case desk.ChannelInternal:
		return 5
	}
	return 2 // chat and every messaging network
}

// sourceOf reads a ticketSource code: channel ("" keeps the current one)
// and origin.
func sourceOf(code int) (desk.Channel, desk.Origin) {
	switch code {
	case 1:
		return desk.ChannelRemote, desk.OriginCustomer
	case 2:
		return desk.ChannelWebchat, desk.OriginCustomer
	case 3:
		return desk.ChannelVoice, desk.OriginCustomer
	case 4:
		return desk.ChannelWebForm, desk.OriginCustomer
	case 5:
		return "", desk.OriginSystem
	case 7:
		return "", desk.OriginAPI
	case 8:
		return desk.ChannelWebForm, desk.OriginTemplate
	case 9:
		return desk.ChannelEmail, desk.OriginCustomer
	}
	return "", ""
}

// renderer turns desk tickets into Bangwo8 tickets for one request.
type renderer struct {
	d      *Door
	ctx    context.Context
	ws     *desk.Workspace
	loc    *time.Location
	base   string // scheme://host/bangwo8/api/v1
	legacy bool   // select fields as option text (old endpoints), else option ids (_v2, B4)
	defs   map[string]desk.FieldDef
}

func (d *Door) renderer(ctx context.Context, base, ws string, legacy bool) (*renderer, error) {
	w, loc, err := d.workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	defs, err := d.Desk.Store.FieldDefs(ctx, ws, "ticket")
	if err != nil {
		return nil, err
	}
	rd := &renderer{d: d, ctx: ctx, ws: w, loc: loc, base: base, legacy: legacy, defs: map[string]desk.FieldDef{}}
	for _, def := range defs {
		rd.defs[def.Key] = def
	}
	return rd, nil
}

// dt renders an instant as Bangwo8 does: local time, no zone.
func (rd *renderer) dt(t time.Time) string { return t.In(rd.loc).Format(layout) }

func (rd *renderer) ticketURL(n int64) string {
	return rd.base + "/tickets/" + strconv.FormatInt(n, 10) + ".json"
}

// ticket renders t.
func (rd *renderer) ticket(t *desk.Ticket) (ticketJSON, error) {
	ctx, ws := rd.ctx, t.WorkspaceID
	out := ticketJSON{TicketID: t.Number, URL: rd.ticketURL(t.Number), Subject: t.Subject,
		Descript: t.Description, Description: t.Description, TicketSource: sourceCode(t), TicketType: typeCode(t.Type),
		PriorityLevel: priorityCode(t.Priority), TicketStatus: statusCode(t), AgentID: rd.ws.Number,
		TicketTemplateID: t.TemplateID, TagList: strings.Join(t.Tags, ","),
		CreateDT: rd.dt(t.CreatedAt), UpdateDT: rd.dt(t.UpdatedAt), CustomFields: []fieldJSON{}}
	var err error
	if out.CustUserID, err = rd.d.number(ctx, kindContact, ws, t.ContactID); err != nil {
		return out, fmt.Errorf("contact of ticket %d: %w", t.Number, err)
	}
	if out.ServicerUserID, err = rd.d.number(ctx, kindAgent, ws, t.AssigneeID); err != nil {
		return out, fmt.Errorf("assignee of ticket %d: %w", t.Number, err)
	}
	if out.ServicerGroupID, err = rd.d.number(ctx, kindGroup, ws, t.GroupID); err != nil {
		return out, fmt.Errorf("group of ticket %d: %w", t.Number, err)
	}
	if k := t.CreatedBy.Kind; (k == desk.ActorAgent || k == desk.ActorBot) && t.CreatedBy.ID != "" {
		if out.CreaterID, err = rd.d.number(ctx, kindAgent, ws, t.CreatedBy.ID); err != nil {
			return out, fmt.Errorf("creator of ticket %d: %w", t.Number, err)
		}
	}
	if out.CCUserIDList, err = rd.numberList(kindAgent, ws, t.CC.AgentIDs); err != nil {
		return out, err
	}
	if out.CCGroupIDList, err = rd.numberList(kindGroup, ws, t.CC.GroupIDs); err != nil {
		return out, err
	}
	for _, f := range t.CustomFields {
		out.CustomFields = append(out.CustomFields, rd.field(f))
	}
	return out, nil
}

func (rd *renderer) numberList(kind idKind, ws string, ids []string) (string, error) {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		n, err := rd.d.number(rd.ctx, kind, ws, id)
		if err != nil {
			return "", fmt.Errorf("cc %c %s: %w", kind, id, err)
		}
		parts = append(parts, strconv.FormatInt(n, 10))
	}
	return strings.Join(parts, ","), nil
}

// field renders a custom field: Bangwo8 values are strings (numbers as
// their digits, checkboxes "1"/"0", lists comma-joined), table fields are
// rows, attachment fields are download URLs, and select options are their
// text on the old endpoints and their ids on _v2 (B4).
func (rd *renderer) field(f desk.Field) fieldJSON {
	out := fieldJSON{Key: f.Key, Value: f.Value}
	if ps, ok := f.Extras["pay_status"]; ok {
		if n, err := strconv.Atoi(string(ps)); err == nil {
			out.PayStatus = &n
		}
	}
	def, hasDef := rd.defs[f.Key]
	var s string
	switch v := jsonValue(f.Value).(type) {
	case nil:
		s = ""
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = "0"
		if v {
			s = "1"
		}
	case []any:
		if len(v) == 0 {
			return out // an empty table
		}
		var parts []string
		for _, x := range v {
			str, ok := x.(string)
			if !ok {
				return out // table rows, as stored
			}
			parts = append(parts, str)
		}
		s = strings.Join(parts, ",")
	default:
		return out
	}
	if hasDef {
		switch def.Type {
		case "attachment":
			s = rd.fileURLs(s)
		case "select", "radiobutton", "list", "checkbox", "cascade":
			s = rd.options(def, s)
		}
	}
	out.Value, _ = json.Marshal(s)
	return out
}

// options renders select values: option text on the old endpoints, option
// ids on _v2. Values matching no option stay as stored.
func (rd *renderer) options(def desk.FieldDef, s string) string {
	if len(def.Options) == 0 || s == "" {
		return s
	}
	parts := []string{s}
	if def.Type == "checkbox" || def.Type == "cascade" {
		parts = strings.Split(s, ",")
	}
	for i, p := range parts {
		for _, o := range def.Options {
			if p == o.ID || p == o.Key || p == o.Value {
				if rd.legacy {
					parts[i] = o.Value
				} else {
					parts[i] = o.ID
				}
				break
			}
		}
	}
	return strings.Join(parts, ",")
}

// fileURLs turns the upload tokens of an attachment field into download
// URLs; values that already are URLs stay.
func (rd *renderer) fileURLs(s string) string {
	parts := splitList(s)
	for i, p := range parts {
		if !strings.Contains(p, "://") {
			parts[i] = rd.fileURL(p)
		}
	}
	return strings.Join(parts, ",")
}

// fileURL is where an upload is downloaded: the 128-bit token is the
// capability, as Bangwo8's public storage links are (see README).
func (rd *renderer) fileURL(token string) string {
	return strings.TrimSuffix(rd.base, "/api/v1") + "/files/" + rd.ws.ID + "/" + token
}

// tickets renders a list.
func (rd *renderer) tickets(ts []desk.Ticket) ([]ticketJSON, error) {
	if err := rd.d.prefetch(rd.ctx, rd.ws.ID, ts); err != nil {
		return nil, err
	}
	out := make([]ticketJSON, 0, len(ts))
	for i := range ts {
		tj, err := rd.ticket(&ts[i])
		if err != nil {
			return nil, err
		}
		out = append(out, tj)
	}
	return out, nil
}
