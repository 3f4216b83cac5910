package bangwo8

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// Wire types: Bangwo8's JSON, key for key (bangwo8.md §2). They are not
// domain types; convert.go translates.

// ticketJSON is a ticket as every read answers it (§2.1). descript and
// description carry the same text: the field table names one, the JSON
// example the other (A1).
type ticketJSON struct {
	TicketID         int64       `json:"ticketId"`
	URL              string      `json:"url"`
	Subject          string      `json:"subject"`
	Descript         string      `json:"descript"`
	Description      string      `json:"description"`
	TicketSource     int         `json:"ticketSource"`
	TicketType       int         `json:"ticketType"`
	PriorityLevel    int         `json:"priorityLevel"`
	TicketStatus     int         `json:"ticketStatus"`
	CustUserID       int64       `json:"custUserId"`
	AgentID          int64       `json:"agentId"`
	CreaterID        int64       `json:"createrId"`
	ServicerUserID   int64       `json:"servicerUserId"`
	ServicerGroupID  int64       `json:"servicerGroupId"`
	CCUserIDList     string      `json:"ccUserIdList"`
	CCGroupIDList    string      `json:"ccGroupIdList"`
	TicketTemplateID int64       `json:"ticketTemplateId"`
	TagList          string      `json:"tagList"`
	CreateDT         string      `json:"createDT"`
	UpdateDT         string      `json:"updateDT"`
	CustomFields     []fieldJSON `json:"custom_fields"`
}

// fieldJSON is one custom field (§2.2): value is a string, or rows for a
// table field; pay_status only on payment fields.
type fieldJSON struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	PayStatus *int            `json:"pay_status,omitempty"`
}

// listJSON is tickets.json and its company and user variants (§3.1).
type listJSON struct {
	Tickets      []ticketJSON `json:"tickets"`
	Count        int64        `json:"count"`
	NextPage     *string      `json:"next_page"`
	PreviousPage *string      `json:"previous_page"`
}

// searchHit is one search result (§3.8): the seed shows five keys.
type searchHit struct {
	Subject  string `json:"subject"`
	CreateDT string `json:"createDT"`
	UpdateDT string `json:"updateDT"`
	TicketID int64  `json:"ticketId"`
	URL      string `json:"url"`
}

// searchJSON is search.json's answer: prev_page as documented, and
// previous_page for clients ported from Zendesk (A6).
type searchJSON struct {
	Results      []searchHit `json:"results"`
	NextPage     *string     `json:"next_page"`
	PrevPage     *string     `json:"prev_page"`
	PreviousPage *string     `json:"previous_page"`
	Count        int64       `json:"count"`
}

// resultJSON is one update_many outcome (§3.7).
type resultJSON struct {
	TicketID int64  `json:"ticketId"`
	Success  bool   `json:"success"`
	ErrorLog string `json:"error_log"`
}

// attachmentJSON is an uploaded file (§2.6).
type attachmentJSON struct {
	AttachID      int64  `json:"attachId"`
	TicketReplyID int64  `json:"ticketReplyId"`
	FileName      string `json:"fileName"`
	FilePath      string `json:"filePath"`
	Token         string `json:"token"`
}

// errorJSON is Bangwo8's error body (B2).
type errorJSON struct {
	Errcode string `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// fieldError is input that cannot be read; Field names it in the message
// ("字段值不合法: subject", §5).
type fieldError struct {
	Field  string
	Detail string
}

func (e *fieldError) Error() string { return e.message() }

// message is the errmsg: "字段值不合法: <field>", with a detail in
// parentheses when there is one.
func (e *fieldError) message() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %s (%s)", msgBad, e.Field, e.Detail)
	}
	return fmt.Sprintf("%s: %s", msgBad, e.Field)
}

func bad(field string) error { return &fieldError{Field: field} }

// replyInput is ticketReply (§2.4).
type replyInput struct {
	Msg         string
	Attachments []string
	Private     bool
}

// custUserInput is create's custUser (§2.5).
type custUserInput struct {
	Mobile, Name, FixNumber, QQ, Email string
}

// ticketInput is a create or update body, read leniently per field and
// strictly per key.
type ticketInput struct {
	TicketID        int64 // update_many items
	Subject         *string
	Descript        *string
	Reply           *replyInput
	CustUserID      int64
	CustUser        *custUserInput
	ServicerUserID  *int64
	ServicerGroupID *int64
	CCUsers         *[]int64
	CCGroups        *[]int64
	Source          int // 0 = not given
	Type            int
	Priority        int
	Status          int
	TemplateID      *int64
	Tags            *[]string
	Fields          desk.Fields // custom_fields then tables, in order
}

// readOnlyKeys are output fields a client may echo back; they are ignored.
var readOnlyKeys = map[string]bool{"url": true, "agentId": true, "createrId": true, "createDT": true, "updateDT": true}

// decodeObject reads one JSON object into its raw members.
func decodeObject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errBad
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errBad
	}
	return m, nil
}

// unwrap returns the ticket object of a create or update body: the value
// of "ticket" when the body wraps it (the curl examples), else the body
// itself (the create table lists the fields bare, A7).
func unwrap(body map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	inner, ok := body["ticket"]
	if !ok {
		return body, nil
	}
	if len(body) > 1 {
		for k := range body {
			if k != "ticket" {
				return nil, bad(k)
			}
		}
	}
	m, err := decodeObject(inner)
	if err != nil {
		return nil, bad("ticket")
	}
	return m, nil
}

// parseTicket reads the members of a ticket object. create allows
// custUser; item allows ticketId (update_many's second form).
func parseTicket(m map[string]json.RawMessage, create, item bool) (*ticketInput, error) {
	in := &ticketInput{}
	var fields, tables json.RawMessage
	for k, v := range m {
		var err error
		switch k {
		case "subject":
			var s string
			s, err = parseString(v)
			in.Subject = &s
		case "descript", "description":
			var s string
			if s, err = parseString(v); err == nil && (k == "descript" || m["descript"] == nil) {
				in.Descript = &s
			}
		case "ticketReply":
			in.Reply, err = parseReply(v)
		case "custUserId":
			in.CustUserID, err = parseID(v)
		case "custUser":
			if !create {
				return nil, bad(k)
			}
			in.CustUser, err = parseCustUser(v)
		case "servicerUserId":
			var n int64
			n, err = parseID(v)
			in.ServicerUserID = &n
		case "servicerGroupId":
			var n int64
			n, err = parseID(v)
			in.ServicerGroupID = &n
		case "ccUserIdList":
			var ids []int64
			ids, err = parseIDList(v)
			in.CCUsers = &ids
		case "ccGroupIdList":
			var ids []int64
			ids, err = parseIDList(v)
			in.CCGroups = &ids
		case "ticketSource":
			in.Source, err = sourceEnum.parse(v)
		case "ticketType":
			in.Type, err = typeEnum.parse(v)
		case "priorityLevel":
			in.Priority, err = priorityEnum.parse(v)
		case "ticketStatus":
			in.Status, err = statusEnum.parse(v)
		case "ticketTemplateId":
			var n int64
			n, err = parseID(v)
			in.TemplateID = &n
		case "tagList":
			var tags []string
			tags, err = parseTags(v)
			in.Tags = &tags
		case "custom_fields":
			fields = v
		case "tables":
			tables = v
		case "ticketId":
			in.TicketID, err = parseID(v)
		default:
			if !readOnlyKeys[k] {
				return nil, bad(k)
			}
		}
		if err != nil {
			if _, ok := err.(*fieldError); ok {
				return nil, err
			}
			return nil, bad(k)
		}
	}
	if !item && !create && in.TicketID != 0 {
		in.TicketID = 0 // an echoed ticketId in a single update is ignored; the path names the ticket
	}
	var err error
	if in.Fields, err = parseFields(fields); err != nil {
		return nil, err
	}
	rows, err := parseTables(tables)
	if err != nil {
		return nil, err
	}
	for _, f := range rows {
		if _, dup := in.Fields.Get(f.Key); dup {
			return nil, &fieldError{Field: "tables", Detail: f.Key + " given twice"}
		}
		in.Fields = append(in.Fields, f)
	}
	return in, nil
}

func parseReply(raw json.RawMessage) (*replyInput, error) {
	m, err := decodeObject(raw)
	if err != nil {
		return nil, bad("ticketReply")
	}
	r := &replyInput{}
	for k, v := range m {
		switch k {
		case "replyMsg":
			if r.Msg, err = parseString(v); err != nil {
				return nil, bad("ticketReply.replyMsg")
			}
		case "attachments":
			var toks []string
			switch x := jsonValue(v).(type) {
			case nil:
			case string:
				toks = splitList(x)
			case []any:
				for _, t := range x {
					s, ok := t.(string)
					if !ok || strings.TrimSpace(s) == "" {
						return nil, bad("ticketReply.attachments")
					}
					toks = append(toks, strings.TrimSpace(s))
				}
			default:
				return nil, bad("ticketReply.attachments")
			}
			r.Attachments = toks
		case "isPrivate":
			n, err := parseID(v)
			if err != nil && string(bytes.TrimSpace(v)) == "true" {
				n, err = 1, nil
			} else if err != nil && string(bytes.TrimSpace(v)) == "false" {
				n, err = 0, nil
			}
			if err != nil || n > 1 {
				return nil, bad("ticketReply.isPrivate")
			}
			r.Private = n == 1
		default:
			return nil, bad("ticketReply." + k)
		}
	}
	return r, nil
}

func parseCustUser(raw json.RawMessage) (*custUserInput, error) {
	m, err := decodeObject(raw)
	if err != nil {
		return nil, bad("custUser")
	}
	c := &custUserInput{}
	for k, v := range m {
		var dst *string
		switch k {
		case "mobilephone":
			dst = &c.Mobile
		case "name":
			dst = &c.Name
		case "fixnumber":
			dst = &c.FixNumber
		case "qq":
			dst = &c.QQ
		case "email":
			dst = &c.Email
		default:
			return nil, bad("custUser." + k)
		}
		s, err := parseText(v)
		if err != nil {
			return nil, bad("custUser." + k)
		}
		*dst = strings.TrimSpace(s)
	}
	if c.Mobile == "" {
		return nil, bad("custUser.mobilephone")
	}
	return c, nil
}

// parseFields reads custom_fields: [{key, value, pay_status}].
func parseFields(raw json.RawMessage) (desk.Fields, error) {
	if jsonValue(raw) == nil {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, bad("custom_fields")
	}
	var out desk.Fields
	for _, it := range items {
		m, err := decodeObject(it)
		if err != nil {
			return nil, bad("custom_fields")
		}
		var f desk.Field
		for k, v := range m {
			switch k {
			case "key":
				var s string
				if err := json.Unmarshal(v, &s); err != nil || strings.TrimSpace(s) == "" {
					return nil, bad("custom_fields.key")
				}
				f.Key = strings.TrimSpace(s)
			case "value":
				f.Value = v
			case "pay_status":
				n, err := parseID(v)
				if err != nil || n > 1 {
					return nil, bad("custom_fields.pay_status")
				}
				f.Extras = map[string]json.RawMessage{"pay_status": json.RawMessage(fmt.Sprint(n))}
			default:
				return nil, bad("custom_fields." + k)
			}
		}
		if f.Key == "" {
			return nil, bad("custom_fields.key")
		}
		if err := checkFieldValue(f.Value); err != nil {
			return nil, &fieldError{Field: f.Key}
		}
		if _, dup := out.Get(f.Key); dup {
			return nil, &fieldError{Field: "custom_fields", Detail: f.Key + " given twice"}
		}
		if len(f.Value) == 0 {
			f.Value = json.RawMessage("null")
		}
		out = append(out, f)
	}
	return out, nil
}

// checkFieldValue accepts a string, number, boolean, null, a list of
// strings, or table rows (a list of objects of scalars).
func checkFieldValue(raw json.RawMessage) error {
	switch v := jsonValue(raw).(type) {
	case nil, string, json.Number, bool:
		return nil
	case []any:
		for _, x := range v {
			switch x := x.(type) {
			case string:
			case map[string]any:
				for _, c := range x {
					switch c.(type) {
					case string, json.Number, bool, nil:
					default:
						return errBad
					}
				}
			default:
				return errBad
			}
		}
		return nil
	}
	return errBad
}

// parseTables reads tables: [{custom_fields_key, tableData: [rows]}]; each
// becomes a field whose value is the rows (A12).
func parseTables(raw json.RawMessage) (desk.Fields, error) {
	if jsonValue(raw) == nil {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, bad("tables")
	}
	var out desk.Fields
	for _, it := range items {
		m, err := decodeObject(it)
		if err != nil {
			return nil, bad("tables")
		}
		var f desk.Field
		for k, v := range m {
			switch k {
			case "custom_fields_key":
				var s string
				if err := json.Unmarshal(v, &s); err != nil || strings.TrimSpace(s) == "" {
					return nil, bad("tables.custom_fields_key")
				}
				f.Key = strings.TrimSpace(s)
			case "tableData":
				var rows []map[string]json.RawMessage
				if err := json.Unmarshal(v, &rows); err != nil || rows == nil && jsonValue(v) != nil {
					return nil, bad("tables.tableData")
				}
				if checkFieldValue(v) != nil {
					return nil, bad("tables.tableData")
				}
				if rows == nil {
					v = json.RawMessage("[]")
				}
				f.Value = v
			default:
				return nil, bad("tables." + k)
			}
		}
		if f.Key == "" {
			return nil, bad("tables.custom_fields_key")
		}
		if f.Value == nil {
			f.Value = json.RawMessage("[]")
		}
		out = append(out, f)
	}
	return out, nil
}
