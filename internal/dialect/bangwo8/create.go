package bangwo8

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// 创建工单 POST /api/v1/tickets.json
//
//	subject, ticketReply (工单描述), custUserId or custUser, servicerUserId,
//	servicerGroupId, ccUserIdList, ccGroupIdList, ticketSource, ticketType,
//	priorityLevel, ticketStatus, ticketTemplateId, tagList, custom_fields
//	"custUser参数说明 … 如果要使用该参数,则mobilephone是必需的 … 如果数据库里
//	没有该联系人信息,则会自动创建。"
//	"一个工单有哪些字段取决于工单模板,所以设置工单的字段值,必须传工单模板ID"
//	"表单类型的字段 … 在“tables”里传值"
//	Status: 200 OK, Location: https://www.bangwo8.com/api/v1/tickets/{id}.json
//	调用者权限: 管理员
func (d *Door) createTicket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	in, err := readTicket(w, r, true)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	t, err := d.create(r.Context(), p, in)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	tj, err := d.renderTicket(r, p, t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	w.Header().Set("Location", tj.URL)
	writeJSON(w, http.StatusOK, map[string]any{"ticket": tj})
}

// create validates everything it can before it writes anything, then
// creates the ticket, the custUser contact when it is new and the field
// files' binding in one transaction: a refused create leaves nothing.
func (d *Door) create(ctx context.Context, p *auth.Principal, in *ticketInput) (*desk.Ticket, error) {
	ws := p.WorkspaceID
	if in.Subject == nil || strings.TrimSpace(*in.Subject) == "" {
		return nil, bad("subject")
	}
	if in.Reply == nil {
		return nil, bad("ticketReply")
	}
	if strings.TrimSpace(in.Reply.Msg) == "" && len(in.Reply.Attachments) == 0 {
		return nil, bad("ticketReply.replyMsg")
	}
	if len(in.Fields) > 0 && (in.TemplateID == nil || *in.TemplateID == 0) {
		return nil, bad("ticketTemplateId")
	}
	nt := desk.NewTicket{Subject: *in.Subject, Priority: desk.PriorityNormal, Type: desk.TypeQuestion,
		Channel: desk.ChannelInternal, Origin: desk.OriginAPI, Tags: []string{}}
	if in.Descript != nil {
		nt.Description = *in.Descript
	}
	public := !in.Reply.Private
	nt.Message = &desk.NewMessage{Text: in.Reply.Msg, Public: &public, Attachments: in.Reply.Attachments}
	if in.Priority != 0 {
		nt.Priority = priorityOf(in.Priority)
	}
	if in.Type != 0 {
		nt.Type = typeOf(in.Type)
	}
	if in.Source != 0 {
		c, o := sourceOf(in.Source)
		if c != "" {
			nt.Channel = c
		}
		nt.Origin, nt.Meta = o, doorMeta(metaTicketSource, in.Source)
	}
	// ticketStatus as written; without one, the routing engine decides
	// (unassigned reads 1 新建, assigned 2 已开启).
	if in.Status != 0 {
		nt.Status, nt.ClosedReason = statusOf(in.Status)
	}
	if in.Tags != nil {
		nt.Tags = *in.Tags
	}
	if in.TemplateID != nil {
		nt.TemplateID = *in.TemplateID
	}
	if err := d.resolveRefs(ctx, ws, in, &nt.AssigneeID, &nt.GroupID, &nt.CC); err != nil {
		return nil, err
	}
	if in.CustUserID != 0 {
		id, err := d.id(ctx, kindContact, ws, in.CustUserID)
		if err != nil {
			return nil, refError(err, "custUserId")
		}
		nt.ContactID = id
	}
	fieldFiles, err := d.prepareFields(ctx, ws, in.Fields, true)
	if err != nil {
		return nil, err
	}
	if nt.TemplateID != 0 {
		if err := d.requiredFields(ctx, ws, in.Fields); err != nil {
			return nil, err
		}
	}
	nt.CustomFields = in.Fields
	if err := d.Desk.CheckAttachments(ctx, ws, "", in.Reply.Attachments); err != nil {
		return nil, err
	}
	if nt.ContactID == "" && in.CustUser != nil {
		cu := in.CustUser
		nc := desk.NewContact{Name: cu.Name, Phone: cu.Mobile, Email: cu.Email}
		if cu.QQ != "" {
			nc.Meta = doorMeta(metaQQ, cu.QQ)
		}
		nt.ContactByPhone = &desk.PhoneContact{Contact: nc, Profile: desk.ProfilePatch{FixedPhone: &cu.FixNumber}}
	}
	// The field files are bound in the create's transaction: a file taken
	// meanwhile, or named twice, leaves no ticket behind.
	nt.FieldFiles = fieldFiles
	return d.Desk.CreateTicket(ctx, ws, p.Actor(), nt)
}

// resolveRefs turns servicer and cc numbers into ids. A 0 servicer means
// none.
func (d *Door) resolveRefs(ctx context.Context, ws string, in *ticketInput, assignee, group *string, cc *desk.CC) error {
	if in.ServicerUserID != nil && *in.ServicerUserID != 0 {
		id, err := d.id(ctx, kindAgent, ws, *in.ServicerUserID)
		if err != nil {
			return refError(err, "servicerUserId")
		}
		*assignee = id
	}
	if in.ServicerGroupID != nil && *in.ServicerGroupID != 0 {
		id, err := d.id(ctx, kindGroup, ws, *in.ServicerGroupID)
		if err != nil {
			return refError(err, "servicerGroupId")
		}
		*group = id
	}
	if in.CCUsers != nil {
		ids, err := d.idList(ctx, kindAgent, ws, *in.CCUsers)
		if err != nil {
			return refError(err, "ccUserIdList")
		}
		cc.AgentIDs = ids
	}
	if in.CCGroups != nil {
		ids, err := d.idList(ctx, kindGroup, ws, *in.CCGroups)
		if err != nil {
			return refError(err, "ccGroupIdList")
		}
		cc.GroupIDs = ids
	}
	return nil
}

// refError names the field of a number that names nothing.
func refError(err error, field string) error {
	if errors.Is(err, errNoSuch) {
		return &fieldError{Field: field}
	}
	return err
}

// prepareFields validates custom-field values against the workspace's
// definitions and returns, per attachment field, the upload tokens its
// value names ("自定义字段附件 … value: token,token"); checkFiles checks
// they are free (on update, the binding inside the transaction does).
func (d *Door) prepareFields(ctx context.Context, ws string, fs desk.Fields, checkFiles bool) (map[string][]string, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	if err := d.Desk.CheckFields(ctx, ws, "ticket", fs); err != nil {
		return nil, err
	}
	defs, err := d.Desk.Store.FieldDefs(ctx, ws, "ticket")
	if err != nil {
		return nil, err
	}
	files := map[string][]string{}
	for _, def := range defs {
		f, ok := fs.Get(def.Key)
		if !ok {
			continue
		}
		if _, hasPay := f.Extras["pay_status"]; hasPay && def.Type != "payment" {
			return nil, &fieldError{Field: def.Key, Detail: "pay_status is for payment fields"}
		}
		if def.Type != "attachment" {
			continue
		}
		toks, err := parseTags(f.Value) // "token,token" or ["token", "token"]
		if err != nil {
			return nil, &fieldError{Field: def.Key}
		}
		if checkFiles {
			if err := d.Desk.CheckAttachments(ctx, ws, def.Key, toks); err != nil {
				return nil, err
			}
		}
		files[def.Key] = toks
	}
	return files, nil
}

// requiredFields refuses a templated create that leaves out a required
// field. Required fields belong to the form (工单模板) a ticket is filled
// with, so a create without ticketTemplateId is not held to them.
func (d *Door) requiredFields(ctx context.Context, ws string, fs desk.Fields) error {
	defs, err := d.Desk.Store.FieldDefs(ctx, ws, "ticket")
	if err != nil {
		return err
	}
	for _, def := range defs {
		if !def.Required {
			continue
		}
		f, ok := fs.Get(def.Key)
		if s, isStr := jsonValue(f.Value).(string); !ok || jsonValue(f.Value) == nil || isStr && strings.TrimSpace(s) == "" {
			return &fieldError{Field: def.Key, Detail: "required"}
		}
	}
	return nil
}

// readTicket reads a {"ticket": {…}} request body: a creation's (every
// required field) or an update's.
func readTicket(w http.ResponseWriter, r *http.Request, create bool) (*ticketInput, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	m, err := unwrap(body)
	if err != nil {
		return nil, err
	}
	return parseTicket(m, create, false)
}

// renderTicket renders one ticket as the v1 ticket object (with its
// fields), as a creation and an update answer it.
func (d *Door) renderTicket(r *http.Request, p *auth.Principal, t *desk.Ticket) (ticketJSON, error) {
	rd, err := d.renderer(r.Context(), d.base(r), p.WorkspaceID, true)
	if err != nil {
		return ticketJSON{}, err
	}
	return rd.ticket(t)
}
