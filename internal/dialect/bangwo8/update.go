package bangwo8

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// maxUpdateMany bounds update_many: "说明:一次最多更新100个工单".
const maxUpdateMany = 100

// 更新工单 PUT /api/v1/tickets/{id}.json
//
//	ticketReply, servicerUserId, servicerGroupId, ccUserIdList, ticketSource,
//	ticketType, priorityLevel, ticketStatus, ticketTemplateId, tagList,
//	custom_fields
//	curl … -d '{"ticket": {"ticketStatus": "2", "ticketReply": { "replyMsg": "这里是工单回复文本内容" }}}'
//	Status: 200 OK {"ticket": {…}}
//	调用者权限: 所有客服
func (d *Door) updateTicket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, v2, ok := parseNumberFile(r.PathValue("file"))
	if !ok || v2 {
		notFound(w)
		return
	}
	in, err := readTicket(w, r, false)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	t, err := d.update(r.Context(), p, n, in)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	tj, err := d.renderTicket(r, p, t)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": tj})
}

// 更新多个工单
//
//	PUT /api/v1/tickets/update_many.json?ids=111,222,333 {"ticket": {"ticketStatus": "已解决"}}
//	PUT /api/v1/tickets/update_many.json {"tickets": [{"ticketId": 111, "ticketStatus": "已解决"}, …]}
//	"说明:一次最多更新100个工单"
//	{"results": [{"ticketId": 111, "success": false, "error_log": "字段值不合法"}, …]}
//	调用者权限: 所有客服
//
// Each item is its own transaction: a failed item changes nothing and does
// not undo the others (partial success, as the results show).
func (d *Door) updateMany(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	body, err := readBody(w, r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	type item struct {
		number int64
		in     *ticketInput
		err    error
	}
	var items []item
	if raw := r.URL.Query().Get("ids"); raw != "" || r.URL.Query().Has("ids") {
		ids, err := parseIDsParam(raw)
		if err != nil || len(ids) == 0 {
			badRequest(w, "ids")
			return
		}
		if len(ids) > maxUpdateMany {
			writeError(w, http.StatusBadRequest, codeBadRequest, msgTooMany)
			return
		}
		if _, both := body["tickets"]; both {
			badRequest(w, "tickets")
			return
		}
		m, err := unwrap(body)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		in, err := parseTicket(m, false, false)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		for _, n := range ids {
			items = append(items, item{number: n, in: in})
		}
	} else {
		raw, ok := body["tickets"]
		if !ok || len(body) != 1 {
			badRequest(w, "tickets")
			return
		}
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
			badRequest(w, "tickets")
			return
		}
		if len(list) > maxUpdateMany {
			writeError(w, http.StatusBadRequest, codeBadRequest, msgTooMany)
			return
		}
		for _, one := range list {
			m, err := decodeObject(one)
			if err != nil {
				items = append(items, item{err: bad("tickets")})
				continue
			}
			n, _ := parseID(m["ticketId"])
			if n == 0 {
				items = append(items, item{err: bad("ticketId")})
				continue
			}
			in, err := parseTicket(m, false, true)
			items = append(items, item{number: n, in: in, err: err})
		}
	}
	// Items of different tickets run side by side, so the store commits
	// them together (one fsync for many on SQLite); items naming the same
	// ticket run in request order.
	results := make([]resultJSON, len(items))
	byTicket := map[int64][]int{}
	var order []int64
	for i, it := range items {
		if _, seen := byTicket[it.number]; !seen {
			order = append(order, it.number)
		}
		byTicket[it.number] = append(byTicket[it.number], i)
	}
	sem := make(chan struct{}, updateManyWorkers)
	var wg sync.WaitGroup
	for _, n := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(idx []int) {
			defer func() { <-sem; wg.Done() }()
			for _, i := range idx {
				it := items[i]
				err := it.err
				if err == nil {
					_, err = d.update(r.Context(), p, it.number, it.in)
				}
				results[i] = resultJSON{TicketID: it.number, Success: err == nil}
				if err != nil {
					status, _, msg := d.classify(err)
					if status == http.StatusInternalServerError {
						d.Log.ErrorContext(r.Context(), "bangwo8: update_many item failed", "ticket", it.number, "err", err)
					}
					results[i].ErrorLog = msg
				}
			}
		}(byTicket[n])
	}
	wg.Wait()
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

// updateManyWorkers bounds the items of one update_many in flight at once.
const updateManyWorkers = 8

// update applies in to ticket number n in one transaction: the reply, the
// source, the description, the patch and the field files together, or
// nothing.
func (d *Door) update(ctx context.Context, p *auth.Principal, n int64, in *ticketInput) (*desk.Ticket, error) {
	ws, actor := p.WorkspaceID, p.Actor()
	if in.Subject != nil && strings.TrimSpace(*in.Subject) == "" {
		return nil, bad("subject")
	}
	var patch desk.TicketPatch
	patch.Subject = in.Subject
	if in.Priority != 0 {
		pr := priorityOf(in.Priority)
		patch.Priority = &pr
	}
	if in.Type != 0 {
		ty := typeOf(in.Type)
		patch.Type = &ty
	}
	patch.Tags = in.Tags
	patch.TemplateID = in.TemplateID
	var assignee, group string
	var cc desk.CC
	if err := d.resolveRefs(ctx, ws, in, &assignee, &group, &cc); err != nil {
		return nil, err
	}
	if in.ServicerUserID != nil {
		patch.AssigneeID = &assignee // 0 unassigns
	}
	if in.ServicerGroupID != nil {
		patch.GroupID = &group
	}
	if in.CustUserID != 0 {
		id, err := d.id(ctx, kindContact, ws, in.CustUserID)
		if err != nil {
			return nil, refError(err, "custUserId")
		}
		patch.ContactID = &id
	}
	files, err := d.prepareFields(ctx, ws, in.Fields, false)
	if err != nil {
		return nil, err
	}
	patch.CustomFields = in.Fields
	var out *desk.Ticket
	err = d.Desk.Update(ctx, ws, func(tx desk.Tx, ch *desk.Change) error {
		patch := patch // the store may run fn again
		found, err := tx.TicketByNumber(ctx, ws, n)
		if err != nil {
			return err
		}
		if d.Desk.Router != nil && (in.Status != 0 || in.ServicerUserID != nil || in.ServicerGroupID != nil) {
			// This change may route: take the routing lock before the
			// ticket's, in the order every routing transaction does.
			if err := tx.LockRouting(ctx, ws); err != nil {
				return err
			}
		}
		t, err := tx.LockTicket(ctx, ws, found.ID)
		if err != nil {
			return err
		}
		if in.Reply != nil {
			public := !in.Reply.Private
			reply := desk.NewMessage{Public: &public, Author: actor}
			if err := d.Desk.AuthorizeAll(ctx, tx, *p.Caller(), t, desk.MessageActions(*p.Caller(), reply)...); err != nil {
				return err
			}
			if _, err := d.Desk.AppendMessage(ctx, tx, ch, t, desk.NewMessage{Text: in.Reply.Msg, Public: &public,
				Author: actor, Attachments: in.Reply.Attachments}); err != nil {
				return err
			}
		}
		if in.Source != 0 {
			c, o := sourceOf(in.Source)
			if err := d.Desk.SetSource(ctx, tx, ch, t, actor, c, o); err != nil {
				return err
			}
			patch.Meta = doorMeta(metaTicketSource, in.Source)
		}
		if in.Descript != nil {
			if err := d.Desk.SetDescription(ctx, tx, ch, t, actor, *in.Descript); err != nil {
				return err
			}
		}
		// A status that already reads as the code asked for stays: 2 on an
		// assigned ticket does not make it open, 6 on an ignored one does
		// not make it closed.
		if in.Status != 0 && statusCode(t) != in.Status {
			st, reason := statusOf(in.Status)
			if st == desk.StatusNew {
				// 1 新建 on an existing ticket asks for it back in its
				// queue, which reads as 1 again.
				st = desk.StatusUnassigned
			}
			patch.Status = &st
			if reason != "" {
				patch.ClosedReason = &reason
			}
		}
		if in.CCUsers != nil || in.CCGroups != nil {
			next := t.CC
			if in.CCUsers != nil {
				next.AgentIDs = cc.AgentIDs
			}
			if in.CCGroups != nil {
				next.GroupIDs = cc.GroupIDs
			}
			patch.CC = &next
		}
		patch.Caller = p.Caller()
		if err := d.Desk.ApplyPatch(ctx, tx, ch, t, actor, patch); err != nil {
			return err
		}
		for key, toks := range files {
			if err := d.Desk.BindFieldAttachments(ctx, tx, t, key, toks); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
