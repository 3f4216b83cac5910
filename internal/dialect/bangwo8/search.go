package bangwo8

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/search"
)

// Canonical values in Bangwo8's code order, for comparisons such as
// ticketStatus>=3 (on_hold reads 2, so it sorts before pending here).
var (
	searchStatuses   = []string{"new", "unassigned", "assigned", "open", "on_hold", "pending", "solved", "closed", "ignored"}
	searchPriorities = []string{"low", "normal", "high", "urgent"}
	searchTypes      = []string{"question", "incident", "problem", "task"}
	searchChannels   = []string{"webchat", "email", "whatsapp", "facebook", "instagram", "twitter", "telegram", "line",
		"sms", "voice", "app_store", "play_store", "remote", "web_form", "internal"}
)

// codeTable maps Bangwo8 codes and labels onto canonical values; the
// canonical names themselves are accepted too.
func codeTable(canon []string, m map[string][]string) func(string) ([]string, error) {
	return func(v string) ([]string, error) {
		if vs, ok := m[strings.TrimSpace(v)]; ok {
			return vs, nil
		}
		if slices.ContainsFunc(canon, func(c string) bool { return strings.EqualFold(c, v) }) {
			return []string{strings.ToLower(v)}, nil
		}
		return nil, errors.New("unknown value")
	}
}

// searchFields is Bangwo8's search whitelist (bangwo8.md §3.8): its field
// names, its codes and Chinese labels, mapped onto canonical fields and
// values; custom fields by field_N and by every key the workspace defines.
func searchFields(defs []desk.FieldDef) map[string]search.FieldSpec {
	both := func(code, label string, vs ...string) map[string][]string {
		return map[string][]string{code: vs, label: vs}
	}
	merge := func(ms ...map[string][]string) map[string][]string {
		out := map[string][]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	status := search.FieldSpec{Field: "status", Kind: search.KindEnum, Values: searchStatuses, Ordered: true,
		Expand: codeTable(searchStatuses, merge(
			both("1", "新建", "new", "unassigned"), both("2", "已开启", "assigned", "open", "on_hold"),
			both("3", "待回应", "pending"), both("4", "已解决", "solved"),
			both("5", "自动关闭", "closed"), both("6", "手动关闭", "closed", "ignored")))}
	messaging := []string{"webchat", "whatsapp", "facebook", "instagram", "twitter", "telegram", "line"}
	zeroIsNone := func(v string) (string, error) {
		if v == "0" {
			return search.None, nil
		}
		return v, nil
	}
	fields := map[string]search.FieldSpec{
		"ticketStatus": status,
		"status":       status,
		"priorityLevel": {Field: "priority", Kind: search.KindEnum, Values: searchPriorities, Ordered: true,
			Expand: codeTable(searchPriorities, merge(both("1", "低", "low"), both("2", "正常", "normal"),
				both("3", "高", "high"), both("4", "紧急", "urgent")))},
		"ticketType": {Field: "type", Kind: search.KindEnum, Values: searchTypes,
			Expand: codeTable(searchTypes, merge(both("1", "问题", "question"), both("2", "事务", "incident"),
				both("3", "故障", "problem"), both("4", "任务", "task")))},
		// ticketSource searches the channel: 5 and 7 (system, API) are the
		// internal channel, 8 (template) the web form, as created here.
		"ticketSource": {Field: "channel", Kind: search.KindEnum, Values: searchChannels,
			Expand: codeTable(searchChannels, merge(both("1", "远程", "remote"), both("2", "聊天", messaging...),
				both("3", "呼叫中心", "voice", "sms"), both("4", "留言", "web_form", "app_store", "play_store"),
				both("5", "系统创建", "internal"), both("7", "API", "internal"), both("8", "工单模板发布", "web_form"),
				both("9", "邮件接入", "email")))},
		"servicerUserId":  {Field: "assignee", Kind: search.KindRef, Map: zeroIsNone},
		"servicerGroupId": {Field: "group", Kind: search.KindRef, Map: zeroIsNone},
		"custUserId":      {Field: "contact", Kind: search.KindRef},
		"createDT":        {Field: "created", Kind: search.KindDate},
		"updateDT":        {Field: "updated", Kind: search.KindDate},
		"field_*":         {Field: "custom:field_", Kind: search.KindCustom},
	}
	for _, d := range defs {
		if _, taken := fields[d.Key]; !taken && !strings.EqualFold(d.Key, "sort") && !strings.EqualFold(d.Key, "order") {
			fields[d.Key] = search.FieldSpec{Field: "custom:" + d.Key, Kind: search.KindCustom}
		}
	}
	return fields
}

// 搜索工单 GET /api/v1/tickets/search.json
//
//	query  搜索内容; sort_by createDT-创建时间, updateDT-更新时间;
//	sort_order asc-升序, desc-降序, 默认为降序
//	query=2444 · query=ticketStatus:2,4 · query=field_1:454 ·
//	query=2444 createDT>2017-07-01 · createDT< =2017-07-01 · updateDT>=2017-07-01
//	"暂不支持搜索内容本身带有空格"; "两个条件之间要以空格分开"
//	{"results": [{subject, createDT, updateDT, ticketId, url}], "next_page", "prev_page", "count"}
//	调用者权限: 所有客服
func (d *Door) search(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	page, perPage, err := paging(q)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	ws, loc, err := d.workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	defs, err := d.Desk.Store.FieldDefs(r.Context(), p.WorkspaceID, "ticket")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	sq, err := search.Parse(q.Get("query"), search.Options{Fields: searchFields(defs), Now: d.Desk.Clock(),
		Location: loc, UnquoteFieldTerms: true})
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("%s: query (%v)", errBad, err))
		return
	}
	switch v := q.Get("sort_by"); v {
	case "":
	case "createDT":
		sq.Sort = search.SortCreated
	case "updateDT":
		sq.Sort = search.SortUpdated
	default:
		badRequest(w, "sort_by")
		return
	}
	switch v := strings.ToLower(q.Get("sort_order")); v {
	case "":
	case search.OrderAsc, search.OrderDesc:
		sq.Order = v
	default:
		badRequest(w, "sort_order")
		return
	}
	// Agents search what the workspace's ticket access lets them see.
	scope, err := d.Desk.Scope(r.Context(), p.WorkspaceID, *p.Caller())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	res, err := d.Desk.Search(r.Context(), p.WorkspaceID, p.AgentID, sq,
		desk.SearchPage{Offset: (page - 1) * perPage, Limit: perPage, Count: true, Scope: scope})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	rd := &renderer{d: d, ctx: r.Context(), ws: ws, loc: loc, base: d.base(r)}
	out := searchJSON{Results: make([]searchHit, 0, len(res.Tickets)), Count: res.Total}
	for _, t := range res.Tickets {
		out.Results = append(out.Results, searchHit{Subject: t.Subject, CreateDT: rd.dt(t.CreatedAt),
			UpdateDT: rd.dt(t.UpdatedAt), TicketID: t.Number, URL: rd.ticketURL(t.Number)})
	}
	out.NextPage, out.PrevPage = links(r, page, perPage, res.Total)
	out.PreviousPage = out.PrevPage
	writeJSON(w, http.StatusOK, out)
}
