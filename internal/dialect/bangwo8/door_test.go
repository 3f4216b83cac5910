package bangwo8_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func TestAuth(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		e.create(t, `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`)
		const path = "/bangwo8/api/v1/tickets/1_v2.json"
		res := e.Do("GET", path, nil)
		wantError(t, res, 401, "100401", "认证失败")
		if h := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Basic ") {
			t.Errorf("WWW-Authenticate = %q", h)
		}
		for name, h := range map[string]string{
			"wrong password":       basic(e.Admin.Email, "nope"),
			"unknown account":      basic("who@acme.test", servertest.Password),
			"bad token as pass":    basic(e.Admin.Email, "tkd_forged"),
			"bad bearer":           "Authorization: Bearer tkd_forged",
			"empty basic":          "Authorization: Basic ",
			"not base64":           "Authorization: Basic !!!",
			"other scheme":         "Authorization: Key " + e.AdminToken,
			"password as a bearer": "Authorization: Bearer " + servertest.Password,
		} {
			t.Run(name, func(t *testing.T) { wantError(t, e.Do("GET", path, nil, h), 401, "100401", "认证失败") })
		}
		for name, h := range map[string]string{
			"basic password":       e.admin,
			"basic, case of email": basic(strings.ToUpper(e.Admin.Email), servertest.Password),
			"token as password":    basic(e.Admin.Email, e.AdminToken),
			"bearer token":         servertest.Bearer(e.AdminToken),
		} {
			if res := e.Do("GET", path, nil, h); res.Status != 200 {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		// 管理员 only: list, show, show_many, create; 所有客服: update,
		// update_many, search, attachments.
		for _, h := range []string{e.agentBasic, servertest.Bearer(e.agentToken), basic(e.agent.Email, e.agentToken)} {
			for _, rq := range []struct{ method, path, body string }{
				{"GET", "/tickets.json", ""}, {"GET", "/tickets/1_v2.json", ""}, {"GET", "/tickets/1.json", ""},
				{"GET", "/tickets/show_many.json?ids=1", ""}, {"POST", "/tickets.json", `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`},
				{"GET", "/users/1/tickets.json", ""}, {"GET", "/companies/1/tickets.json", ""},
			} {
				var body any
				if rq.body != "" {
					body = rq.body
				}
				wantError(t, e.Do(rq.method, "/bangwo8/api/v1"+rq.path, body, h), 403, "100403", "权限不足")
			}
			want(t, e.Do("PUT", "/bangwo8/api/v1/tickets/1.json", `{"ticket": {"priorityLevel": 3}}`, h), 200)
			want(t, e.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json?ids=1", `{"ticket": {"priorityLevel": 3}}`, h), 200)
			want(t, e.Do("GET", "/bangwo8/api/v1/tickets/search.json?query=1", nil, h), 200)
		}
		// Another workspace's admin sees none of this one's tickets.
		_, admin2, _ := e.NewWorkspace("other", "Asia/Shanghai")
		other := basic(admin2.Email, servertest.Password)
		wantError(t, e.Do("GET", path, nil, other), 404, "100404", "工单不存在")
		m := want(t, e.Do("GET", "/bangwo8/api/v1/tickets.json", nil, other), 200)
		if m["count"] != 0.0 {
			t.Errorf("other workspace lists %v tickets", m["count"])
		}
		res = e.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json?ids=1", `{"ticket": {"ticketStatus": 4}}`, other)
		if !strings.Contains(string(res.Body), `"error_log":"工单不存在"`) {
			t.Errorf("other workspace update_many: %s", res.Body)
		}
		if st := e.ticket(t, 1).Status; st.Terminal() {
			t.Errorf("other workspace changed the ticket: %s", st)
		}
	})
}

func TestUnknownRoutes(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		for _, rq := range []struct{ method, path string }{
			{"GET", "/bangwo8/api/v1/nothing.json"},
			{"GET", "/bangwo8/"},
			{"DELETE", "/bangwo8/api/v1/tickets.json"},
			{"GET", "/bangwo8/api/v1/tickets/abc.json"},
			{"GET", "/bangwo8/api/v1/tickets/1"},
			{"PUT", "/bangwo8/api/v1/tickets/1_v2.json"},
			{"GET", "/bangwo8/api/v1/attachments/x.json"},
			{"GET", "/bangwo8/api/v1/users/x/tickets.json"},
		} {
			wantError(t, e.Do(rq.method, rq.path, nil, e.admin), 404, "100047", "Invalid resource URI")
		}
		wantError(t, e.do("GET", "/tickets/7_v2.json", nil), 404, "100404", "工单不存在")
		wantError(t, e.do("GET", "/users/7/tickets.json", nil), 404, "100404", "资源不存在")
		wantError(t, e.do("GET", "/companies/7/tickets.json", nil), 404, "100404", "资源不存在")
	})
}

func TestListFiltersAndOrders(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		// Shanghai times: 1 on 07-01 10:00, 2 on 07-01 23:59:59, 3 on
		// 07-02 00:00:00, 4 on 07-03 10:00, 5 on 07-04 10:00.
		at := []string{"2017-07-01T02:00:00Z", "2017-07-01T15:59:59Z", "2017-07-01T16:00:00Z", "2017-07-03T02:00:00Z", "2017-07-04T02:00:00Z"}
		status := []int{4, 3, 1, 2, 1}
		for i := range at {
			e.clock.Set(at[i])
			e.create(t, fmt.Sprintf(`{"subject": "t%d", "ticketReply": {"replyMsg": "x"}, "ticketStatus": %d}`, i+1, status[i]))
		}
		e.clock.Set("2017-07-05T02:00:00Z")
		want(t, e.do("PUT", "/tickets/3.json", `{"ticket": {"tagList": "改过"}}`), 200)
		ids := func(q string) []int64 {
			t.Helper()
			m := want(t, e.do("GET", "/tickets.json?"+q, nil), 200)
			out := []int64{}
			for _, x := range m["tickets"].([]any) {
				out = append(out, int64(x.(map[string]any)["ticketId"].(float64)))
			}
			return out
		}
		cases := []struct {
			q    string
			want []int64
		}{
			{"", []int64{1, 2, 3, 4, 5}},                                                         // 默认按编码升序
			{"created_start=2017-07-01&created_end=2017-07-01", []int64{1, 2}},                   // 包含当天
			{"created_start=2017-07-01+23:59:59&created_end=2017-07-02+00:00:00", []int64{2, 3}}, // seconds, inclusive
			{"created_start=2017-07-02%2000:00:00", []int64{3, 4, 5}},
			{"created_end=2017-07-01", []int64{1, 2}},
			{"updated_start=2017-07-05", []int64{3}},
			{"updated_end=2017-07-04", []int64{1, 2, 4, 5}},
			{"created_order=desc", []int64{5, 4, 3, 2, 1}},
			{"created_order=asc", []int64{1, 2, 3, 4, 5}},
			{"updated_order=desc", []int64{3, 5, 4, 2, 1}},
			// status codes: 1→4, 2→3, 3→1, 4→2, 5→1
			{"status_order=asc", []int64{3, 5, 4, 2, 1}},
			{"status_order=desc", []int64{1, 2, 4, 3, 5}},
			{"status_order=asc&created_order=desc", []int64{5, 3, 4, 2, 1}}, // precedence: order of appearance
			{"created_order=desc&status_order=asc", []int64{5, 4, 3, 2, 1}},
			{"status_order=asc&per_page=2&page=2", []int64{4, 2}},
			{"status_order=desc&created_order=desc&per_page=3&page=2", []int64{5, 3}},
			{"per_page=2&page=3", []int64{5}},
			{"per_page=2&page=4", []int64{}}, // beyond the end
		}
		for _, c := range cases {
			if got := ids(c.q); !reflect.DeepEqual(got, c.want) {
				t.Errorf("tickets.json?%s = %v, want %v", c.q, got, c.want)
			}
		}
		m := want(t, e.do("GET", "/tickets.json?per_page=2&page=4&created_order=desc", nil), 200)
		if m["next_page"] != nil || m["previous_page"] != e.URL+"/bangwo8/api/v1/tickets.json?per_page=2&created_order=desc&page=3" || m["count"] != 5.0 {
			t.Errorf("beyond the end: %v", m)
		}
		for q, field := range map[string]string{
			"created_start=2017/07/01": "created_start", "created_end=07-01-2017": "created_end",
			"updated_start=2017-02-30": "updated_start", "updated_end=x": "updated_end",
			"per_page=101": "per_page", "per_page=0": "per_page", "page=0": "page", "page=x": "page",
			"created_order=up": "created_order", "status_order=": "status_order",
		} {
			wantError(t, e.do("GET", "/tickets.json?"+q, nil), 400, "100400", "字段值不合法: "+field)
		}
	})
}

func TestContactAndCompanyTickets(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		e.create(t, `{"subject": "a", "ticketReply": {"replyMsg": "x"}, "custUser": {"mobilephone": "13800000001", "name": "甲"}}`)
		e.create(t, `{"subject": "b", "ticketReply": {"replyMsg": "x"}, "custUser": {"mobilephone": "13800000002", "name": "乙"}}`)
		e.create(t, `{"subject": "c", "ticketReply": {"replyMsg": "x"}, "custUser": {"mobilephone": "13800000001"}}`)
		e.create(t, `{"subject": "d", "ticketReply": {"replyMsg": "x"}, "custUser": {"mobilephone": "13800000003"}}`)
		co, err := e.Deps.Desk.CreateCompany(ctx, e.Workspace.ID, "帮我吧科技")
		if err != nil {
			t.Fatal(err)
		}
		for _, phone := range []string{"13800000001", "13800000002"} {
			cs, _ := e.Store.Contacts(ctx, e.Workspace.ID, desk.ContactFilter{Phone: phone})
			if _, err := e.Deps.Desk.UpdateContactProfile(ctx, e.Workspace.ID, cs[0].ID, desk.ProfilePatch{CompanyID: &co.ID}); err != nil {
				t.Fatal(err)
			}
		}
		list := func(path string) []any {
			m := want(t, e.do("GET", path, nil), 200)
			return m["tickets"].([]any)
		}
		got := list("/users/1/tickets.json")
		if len(got) != 2 || got[0].(map[string]any)["ticketId"] != 1.0 || got[1].(map[string]any)["ticketId"] != 3.0 {
			t.Errorf("users/1 = %v", got)
		}
		got = list(fmt.Sprintf("/companies/%d/tickets.json?created_order=desc", co.Number))
		if len(got) != 3 || got[0].(map[string]any)["ticketId"] != 3.0 || got[2].(map[string]any)["ticketId"] != 1.0 {
			t.Errorf("company = %v", got)
		}
		m := want(t, e.do("GET", fmt.Sprintf("/companies/%d/tickets.json?per_page=1", co.Number), nil), 200)
		if m["count"] != 3.0 || m["next_page"] != fmt.Sprintf("%s/bangwo8/api/v1/companies/%d/tickets.json?per_page=1&page=2", e.URL, co.Number) {
			t.Errorf("company paging = %v", m)
		}
	})
}

// fieldDefs defines the workspace's ticket fields through the native API.
func (e *env) fieldDefs(t *testing.T) {
	t.Helper()
	defs := map[string]string{
		"field_1": `{"type": "text", "label": "文本框"}`,
		"field_2": `{"type": "select", "label": "下拉菜单", "options": [{"id": "1", "value": "下拉菜单的某一项"}, {"id": "2", "value": "另一项"}]}`,
		"field_3": `{"type": "checkbox", "label": "复选框"}`,
		"field_4": `{"type": "attachment", "label": "附件"}`,
		"field_6": `{"type": "payment", "label": "支付"}`,
		"cpxx":    `{"type": "table", "label": "产品信息"}`,
	}
	for key, body := range defs {
		res := e.Do("PUT", "/api/v1/fields/ticket/"+key, body, servertest.Bearer(e.AdminToken))
		if res.Status != 200 {
			t.Fatalf("define %s: %d %s", key, res.Status, res.Body)
		}
	}
}

// upload posts raw bytes as Bangwo8's upload does and returns the answer.
func (e *env) upload(t *testing.T, path string, data []byte) map[string]any {
	t.Helper()
	req, err := http.NewRequest("POST", e.URL+"/bangwo8/api/v1"+path, strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/binary")
	req.Header.Set("Authorization", strings.TrimPrefix(e.agentBasic, "Authorization: "))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
	var m map[string]any
	if res.StatusCode != 201 {
		t.Fatalf("upload %s: %d %s", path, res.StatusCode, b)
	}
	r.JSON(t, &m)
	a := m["attachment"].(map[string]any)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("%s/bangwo8/api/v1/attachments/%v.json", e.URL, a["attachId"]) {
		t.Errorf("Location = %q", loc)
	}
	return a
}

var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func TestCreateEverything(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		e.fieldDefs(t)
		g, err := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "售后", "")
		if err != nil {
			t.Fatal(err)
		}
		cc, _ := e.Agent(desk.NewAgent{Name: "抄送", Email: "cc@acme.test"})
		f1 := e.upload(t, "/attachments.json?fileName=a.png", png)
		f2 := e.upload(t, "/uploads.json?filename=b.txt", []byte("hello"))
		r1 := e.upload(t, "/attachments.json?fileName=reply.txt", []byte("reply file"))
		body := fmt.Sprintf(`{"ticket": {"subject": "产品咨询", "ticketReply": {"replyMsg": "帮我吧是什么?", "attachments": [%q]},
			"custUser": {"mobilephone": 13240138438, "name": "张三"},
			"servicerUserId": %d, "servicerGroupId": %d, "ccUserIdList": "%d,%d", "ccGroupIdList": [%d],
			"ticketSource": 9, "ticketType": 3, "priorityLevel": 4, "tagList": "vip客户,普通客户", "ticketTemplateId": 5,
			"custom_fields": [{"key": "field_1", "value": "4334"}, {"key": "field_3", "value": "1"},
				{"key": "field_2", "value": "下拉菜单的某一项"}, {"key": "field_4", "value": "%s,%s"},
				{"key": "field_6", "value": "180", "pay_status": 1}],
			"tables": [{"custom_fields_key": "cpxx", "tableData": [{"cpdm": "001.005", "cpmc": "铺助面板", "zjm": "PZMB", "ggxh": "A6020青古"}]}]}}`,
			r1["token"], e.agent.Number, g.Number, e.agent.Number, cc.Number, g.Number, f1["token"], f2["token"])
		res := e.do("POST", "/tickets.json", body)
		want(t, res, 200)
		e.golden(t, "create_everything.json", res.Body)
		// _v2 renders the select option as its id (B4).
		v2 := e.do("GET", "/tickets/1_v2.json", nil)
		if !strings.Contains(string(v2.Body), `{"key":"field_2","value":"1"}`) {
			t.Errorf("_v2 select value: %s", v2.Body)
		}
		// The attachment field's links download the files.
		m := v2.Map(t)
		var links string
		for _, f := range m["ticket"].(map[string]any)["custom_fields"].([]any) {
			if f.(map[string]any)["key"] == "field_4" {
				links = f.(map[string]any)["value"].(string)
			}
		}
		parts := strings.Split(links, ",")
		if len(parts) != 2 || parts[0] != f1["filePath"] || parts[1] != f2["filePath"] {
			t.Fatalf("field_4 = %q, want %v,%v", links, f1["filePath"], f2["filePath"])
		}
		dl := e.Do("GET", strings.TrimPrefix(parts[0], e.URL), nil)
		if dl.Status != 200 || string(dl.Body) != string(png) || dl.Header.Get("Content-Type") != "image/png" ||
			dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %d %q %v", dl.Status, dl.Header.Get("Content-Type"), dl.Header)
		}
		// Stored: the reply's file on the first message, the field's files
		// bound to the ticket's field, the contact created by mobile.
		tk := e.ticket(t, 1)
		if tk.AssigneeID != e.agent.ID || tk.GroupID != g.ID || tk.Channel != desk.ChannelEmail || string(tk.Meta["bangwo8"]["ticketSource"]) != "9" ||
			tk.Priority != desk.PriorityUrgent || tk.Type != desk.TypeProblem || !reflect.DeepEqual(tk.CC.AgentIDs, []string{e.agent.ID, cc.ID}) ||
			!reflect.DeepEqual(tk.Tags, []string{"vip客户", "普通客户"}) || tk.TemplateID != 5 {
			t.Errorf("stored ticket = %+v", tk)
		}
		ms := e.messages(t, 1)
		if len(ms) != 1 || len(ms[0].Attachments) != 1 || ms[0].Attachments[0].Token != r1["token"] {
			t.Errorf("first message = %+v", ms)
		}
		for _, tok := range []any{f1["token"], f2["token"]} {
			a, err := e.Store.AttachmentByToken(ctx, e.Workspace.ID, tok.(string))
			if err != nil || a.TicketID != tk.ID || a.FieldKey != "field_4" {
				t.Errorf("field file %v = %+v, %v", tok, a, err)
			}
		}
		// The reply's file is taken: a second ticket cannot use it.
		wantError(t, e.do("POST", "/tickets.json", fmt.Sprintf(`{"subject": "s", "ticketReply": {"replyMsg": "x", "attachments": [%q]}}`, r1["token"])),
			400, "100400", "字段值不合法: ticketReply.attachments (in_use)")
	})
}

func TestCreateRefusesAndStoresNothing(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		e.fieldDefs(t)
		const ok = `"subject": "s", "ticketReply": {"replyMsg": "x"}`
		cases := []struct {
			body, msg string
		}{
			{`{"ticket": {"ticketReply": {"replyMsg": "x"}}}`, "字段值不合法: subject"},
			{`{"ticket": {"subject": "  ", "ticketReply": {"replyMsg": "x"}}}`, "字段值不合法: subject"},
			{`{"ticket": {"subject": "s"}}`, "字段值不合法: ticketReply"},
			{`{"ticket": {"subject": "s", "ticketReply": {"replyMsg": ""}}}`, "字段值不合法: ticketReply.replyMsg"},
			{`{"ticket": {` + ok + `, "custom_fields": [{"key": "field_1", "value": "x"}]}}`, "字段值不合法: ticketTemplateId"},
			{`{"ticket": {` + ok + `, "ticketTemplateId": 5, "custom_fields": [{"key": "field_9", "value": "x"}]}, "x": 1}`, "字段值不合法: x"},
			{`{"ticket": {` + ok + `, "ticketTemplateId": 5, "custUser": {"mobilephone": "13911112222"}, "custom_fields": [{"key": "field_9", "value": "x"}]}}`,
				"字段值不合法: field_9 (unknown)"},
			{`{"ticket": {` + ok + `, "ticketTemplateId": 5, "custUser": {"mobilephone": "13911112222"}, "custom_fields": [{"key": "field_2", "value": "没有这一项"}]}}`,
				"字段值不合法: field_2 (one_of)"},
			{`{"ticket": {` + ok + `, "ticketTemplateId": 5, "custom_fields": [{"key": "field_1", "value": "x", "pay_status": 1}]}}`,
				"字段值不合法: field_1 (pay_status is for payment fields)"},
			{`{"ticket": {` + ok + `, "ticketTemplateId": 5, "custom_fields": [{"key": "field_4", "value": "0123456789abcdef0123456789abcdef"}]}}`,
				"字段值不合法: field_4 (not_found_ref)"},
			{`{"ticket": {` + ok + `, "custUserId": 999}}`, "字段值不合法: custUserId"},
			{`{"ticket": {` + ok + `, "servicerUserId": 999}}`, "字段值不合法: servicerUserId"},
			{`{"ticket": {` + ok + `, "servicerGroupId": 999}}`, "字段值不合法: servicerGroupId"},
			{`{"ticket": {` + ok + `, "ccUserIdList": "1,999"}}`, "字段值不合法: ccUserIdList"},
			{`{"ticket": {` + ok + `, "ticketSource": 6}}`, "字段值不合法: ticketSource"},
			{`{"ticket": {` + ok + `, "ticketStatus": "关闭"}}`, "字段值不合法: ticketStatus"},
			{`{"ticket": {` + ok + `, "priorityLevel": 5}}`, "字段值不合法: priorityLevel"},
			{`{"ticket": {` + ok + `, "custUser": {"name": "无手机"}}}`, "字段值不合法: custUser.mobilephone"},
			{`{"ticket": {` + ok + `, "color": "red"}}`, "字段值不合法: color"},
			{`{"ticket": [1]}`, "字段值不合法: ticket"},
			{`{"ticket": {`, "字段值不合法: body (malformed JSON)"},
			{`[]`, "字段值不合法: body (expected a JSON object)"},
			{``, "字段值不合法: body (empty)"},
		}
		for _, c := range cases {
			var body any = c.body
			if c.body == "" {
				body = nil
			}
			wantError(t, e.do("POST", "/tickets.json", body), 400, "100400", c.msg)
		}
		// A required field binds templated creates only.
		if res := e.Do("PUT", "/api/v1/fields/ticket/field_7", `{"type": "text", "required": true}`, servertest.Bearer(e.AdminToken)); res.Status != 200 {
			t.Fatalf("define field_7: %s", res.Body)
		}
		wantError(t, e.do("POST", "/tickets.json", `{`+ok+`, "ticketTemplateId": 5, "custom_fields": [{"key": "field_1", "value": "x"}]}`),
			400, "100400", "字段值不合法: field_7 (required)")
		wantError(t, e.do("POST", "/tickets.json", `{`+ok+`, "ticketTemplateId": 5, "custom_fields": [{"key": "field_7", "value": " "}]}`),
			400, "100400", "字段值不合法: field_7 (required)")
		big := `{"subject": "` + strings.Repeat("x", 1<<20) + `", "ticketReply": {"replyMsg": "x"}}`
		wantError(t, e.do("POST", "/tickets.json", big), 413, "100413", "请求内容过大")
		n, _ := e.Store.CountTickets(ctx, e.Workspace.ID, desk.TicketFilter{})
		cs, _ := e.Store.Contacts(ctx, e.Workspace.ID, desk.ContactFilter{})
		if n != 0 || len(cs) != 0 {
			t.Errorf("refused creates left %d tickets and %d contacts", n, len(cs))
		}
		want(t, e.do("POST", "/tickets.json", `{`+ok+`}`), 200)
		want(t, e.do("POST", "/tickets.json", `{`+ok+`, "ticketTemplateId": 5, "custom_fields": [{"key": "field_7", "value": "有"}]}`), 200)
	})
}

func TestCreateRoutes(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		if _, err := e.Deps.Desk.SetPresence(ctx, e.Workspace.ID, e.agent.ID, desk.PresenceOnline, desk.System); err != nil {
			t.Fatal(err)
		}
		// Without servicerUserId the routing engine assigns the online agent.
		m := want(t, e.do("POST", "/tickets.json", `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`), 200)
		tk := m["ticket"].(map[string]any)
		if tk["servicerUserId"] != float64(e.agent.Number) || tk["ticketStatus"] != 2.0 {
			t.Errorf("routed ticket: servicerUserId %v ticketStatus %v", tk["servicerUserId"], tk["ticketStatus"])
		}
		// An agent at capacity cannot be given more (no force through this door).
		full, _ := e.Agent(desk.NewAgent{Name: "满员", Email: "full@acme.test", Capacity: 1})
		want(t, e.do("POST", "/tickets.json", fmt.Sprintf(`{"subject": "s", "ticketReply": {"replyMsg": "x"}, "servicerUserId": %d}`, full.Number)), 200)
		wantError(t, e.do("POST", "/tickets.json", fmt.Sprintf(`{"subject": "s", "ticketReply": {"replyMsg": "x"}, "servicerUserId": %d}`, full.Number)),
			409, "100409", "客服已达接待上限")
		wantError(t, e.do("PUT", "/tickets/1.json", fmt.Sprintf(`{"servicerUserId": %d}`, full.Number)), 409, "100409", "客服已达接待上限")
		if tk := e.ticket(t, 1); tk.AssigneeID != e.agent.ID {
			t.Errorf("refused reassignment moved the ticket to %s", tk.AssigneeID)
		}
		// A written status reads back as written (canonical.md §3.1).
		m = want(t, e.do("POST", "/tickets.json", `{"subject": "s", "ticketReply": {"replyMsg": "x"}, "ticketStatus": 5}`), 200)
		if st := m["ticket"].(map[string]any)["ticketStatus"]; st != 5.0 {
			t.Errorf("ticketStatus 5 reads %v", st)
		}
		if tk := e.ticket(t, 3); tk.Status != desk.StatusClosed || tk.ClosedReason != "auto" {
			t.Errorf("stored %s/%s", tk.Status, tk.ClosedReason)
		}
	})
}

func TestUpdate(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		e.fieldDefs(t)
		g, _ := e.Deps.Desk.CreateGroup(ctx, e.Workspace.ID, "售后", "")
		e.create(t, fmt.Sprintf(`{"subject": "s", "ticketReply": {"replyMsg": "x"}, "servicerUserId": %d, "ccGroupIdList": "%d"}`, e.agent.Number, g.Number))
		put := func(body string) map[string]any {
			t.Helper()
			m := want(t, e.Do("PUT", "/bangwo8/api/v1/tickets/1.json", body, e.agentBasic), 200)
			return m["ticket"].(map[string]any)
		}
		// ticketStatus as an int, a numeric string or the Chinese label.
		for _, c := range []struct {
			v    string
			want float64
		}{{`3`, 3}, {`"4"`, 4}, {`"已开启"`, 2}, {`"手动关闭"`, 6}} {
			if got := put(`{"ticket": {"ticketStatus": ` + c.v + `}}`)["ticketStatus"]; got != c.want {
				t.Errorf("ticketStatus %s reads %v", c.v, got)
			}
		}
		// Closed is final (as in Zendesk): another status, auto-closed
		// included, is refused and changes nothing.
		for _, v := range []string{`"自动关闭"`, `1`, `2`} {
			res := e.Do("PUT", "/bangwo8/api/v1/tickets/1.json", `{"ticket": {"ticketStatus": `+v+`, "subject": "不变"}}`, e.agentBasic)
			if res.Status != 409 || !strings.Contains(string(res.Body), `"errmsg":"工单已关闭, 状态不能再修改"`) {
				t.Errorf("ticketStatus %s on a closed ticket: %d %s", v, res.Status, res.Body)
			}
		}
		if tk := e.ticket(t, 1); tk.Status != desk.StatusClosed || tk.ClosedReason != "manual" || tk.Subject == "不变" {
			t.Errorf("closed ticket after refused updates: %s/%s %q", tk.Status, tk.ClosedReason, tk.Subject)
		}
		// Fields of the bare form (A7), subject and descript (B5), cc lists.
		tk := put(fmt.Sprintf(`{"subject": "新标题", "descript": "新描述", "priorityLevel": "紧急", "ticketType": "任务",
			"ticketSource": "远程", "ccUserIdList": %d, "tagList": ["a", "b"], "ticketTemplateId": 7,
			"custom_fields": [{"key": "field_6", "value": "99", "pay_status": 0}]}`, e.Admin.Number))
		for k, v := range map[string]any{"subject": "新标题", "descript": "新描述", "description": "新描述", "priorityLevel": 4.0,
			"ticketType": 4.0, "ticketSource": 1.0, "ccUserIdList": fmt.Sprint(e.Admin.Number), "ccGroupIdList": fmt.Sprint(g.Number),
			"tagList": "a,b", "ticketTemplateId": 7.0} {
			if tk[k] != v {
				t.Errorf("%s = %#v, want %#v", k, tk[k], v)
			}
		}
		if fs := tk["custom_fields"].([]any); len(fs) != 1 || fmt.Sprint(fs[0]) != "map[key:field_6 pay_status:0 value:99]" {
			t.Errorf("custom_fields = %v", fs)
		}
		// servicerUserId 0 unassigns; an internal note stays private.
		tk = put(`{"ticket": {"servicerUserId": 0, "ticketReply": {"replyMsg": "内部备注", "isPrivate": 1}}}`)
		if tk["servicerUserId"] != 0.0 {
			t.Errorf("servicerUserId = %v", tk["servicerUserId"])
		}
		ms := e.messages(t, 1)
		if last := ms[len(ms)-1]; last.Public || last.Text != "内部备注" {
			t.Errorf("note = %+v", last)
		}
		// A refused update changes nothing, though its reply came first.
		before, evs := e.ticket(t, 1), len(e.events(t, 1))
		res := e.Do("PUT", "/bangwo8/api/v1/tickets/1.json", `{"ticket": {"ticketStatus": 4, "ticketReply": {"replyMsg": "不该留下"},
			"custom_fields": [{"key": "field_2", "value": "没有这一项"}]}}`, e.agentBasic)
		wantError(t, res, 400, "100400", "字段值不合法: field_2 (one_of)")
		after := e.ticket(t, 1)
		if after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) || len(e.messages(t, 1)) != len(ms) || len(e.events(t, 1)) != evs {
			t.Errorf("refused update changed the ticket: %s → %s, %d → %d events", before.Status, after.Status, evs, len(e.events(t, 1)))
		}
		wantError(t, e.do("PUT", "/tickets/99.json", `{"ticket": {"ticketStatus": 4}}`), 404, "100404", "工单不存在")
		wantError(t, e.do("PUT", "/tickets/1.json", `{"ticket": {"custUser": {"mobilephone": "1"}}}`), 400, "100400", "字段值不合法: custUser")
		wantError(t, e.do("PUT", "/tickets/1.json", `{"ticket": {"ticketStatus": 0.5}}`), 400, "100400", "字段值不合法: ticketStatus")
	})
}

// TestUpdateManyFailedItemChangesNothing proves an item that fails half
// way — after its reply and status were written inside its transaction —
// leaves nothing behind, while the items around it take effect.
func TestUpdateManyFailedItemChangesNothing(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		e.fieldDefs(t)
		for i := 0; i < 3; i++ {
			e.create(t, `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`)
		}
		// A file already on a reply: binding it to field_4 fails only at
		// the end of the item's transaction, after the reply and the status.
		taken := e.upload(t, "/attachments.json?fileName=t.txt", []byte("taken"))
		want(t, e.do("PUT", "/tickets/3.json", fmt.Sprintf(`{"ticketReply": {"replyMsg": "带附件", "attachments": [%q]}}`, taken["token"])), 200)
		before := e.ticket(t, 2)
		beforeMsgs, beforeEvents := e.messages(t, 2), e.events(t, 2)
		e.clock.Set("2017-05-05T00:00:00Z")
		body := fmt.Sprintf(`{"tickets": [
			{"ticketId": 1, "ticketStatus": "已解决", "ticketReply": {"replyMsg": "好了"}},
			{"ticketId": 2, "ticketStatus": "已解决", "ticketReply": {"replyMsg": "不该留下"}, "priorityLevel": 4,
				"custom_fields": [{"key": "field_4", "value": %q}]},
			{"ticketId": 3, "ticketStatus": "待回应"},
			{"ticketId": 4, "ticketStatus": 4},
			{"ticketId": 1, "ticketStatus": "不存在"},
			{"ticketStatus": 4}
		]}`, taken["token"])
		res := e.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json", body, e.agentBasic)
		want(t, res, 200)
		e.golden(t, "update_many_partial.json", res.Body)
		after := e.ticket(t, 2)
		if after.Status != before.Status || after.Priority != before.Priority || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("failed item changed ticket 2: %s/%s → %s/%s", before.Status, before.Priority, after.Status, after.Priority)
		}
		if ms := e.messages(t, 2); len(ms) != len(beforeMsgs) {
			t.Errorf("failed item left a reply: %d → %d messages", len(beforeMsgs), len(ms))
		}
		if evs := e.events(t, 2); len(evs) != len(beforeEvents) {
			t.Errorf("failed item left events: %d → %d", len(beforeEvents), len(evs))
		}
		if a, _ := e.Store.AttachmentByToken(context.Background(), e.Workspace.ID, taken["token"].(string)); a.FieldKey != "" {
			t.Errorf("failed item bound the file: %+v", a)
		}
		if tk := e.ticket(t, 1); tk.Status != desk.StatusSolved || len(e.messages(t, 1)) != 2 {
			t.Errorf("item 1: %s, %d messages", tk.Status, len(e.messages(t, 1)))
		}
		if tk := e.ticket(t, 3); tk.Status != desk.StatusPending {
			t.Errorf("item 3: %s", tk.Status)
		}
		// Items naming one ticket apply in request order; the others run
		// beside them.
		for round := 0; round < 5; round++ {
			res := e.do("PUT", "/tickets/update_many.json", `{"tickets": [{"ticketId": 1, "priorityLevel": 1}, {"ticketId": 3, "priorityLevel": 2},
				{"ticketId": 1, "priorityLevel": 3}, {"ticketId": 3, "priorityLevel": 1}, {"ticketId": 1, "priorityLevel": 4}]}`)
			if want(t, res, 200); strings.Contains(string(res.Body), "false") {
				t.Fatalf("round %d: %s", round, res.Body)
			}
			if p1, p3 := e.ticket(t, 1).Priority, e.ticket(t, 3).Priority; p1 != desk.PriorityUrgent || p3 != desk.PriorityLow {
				t.Fatalf("round %d: priorities %s, %s; want urgent, low", round, p1, p3)
			}
			want(t, e.do("PUT", "/tickets/update_many.json?ids=1,3", `{"ticket": {"priorityLevel": 2}}`), 200)
		}
		// Limits and forms.
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = fmt.Sprint(i + 1)
		}
		wantError(t, e.do("PUT", "/tickets/update_many.json?ids="+strings.Join(ids, ","), `{"ticket": {"ticketStatus": 4}}`), 400, "100400", "一次最多更新100个工单")
		items := make([]string, 101)
		for i := range items {
			items[i] = fmt.Sprintf(`{"ticketId": %d, "ticketStatus": 4}`, i+1)
		}
		wantError(t, e.do("PUT", "/tickets/update_many.json", `{"tickets": [`+strings.Join(items, ",")+`]}`), 400, "100400", "一次最多更新100个工单")
		wantError(t, e.do("PUT", "/tickets/update_many.json?ids=1", `{"ticket": {"ticketStatus": "x"}}`), 400, "100400", "字段值不合法: ticketStatus")
		wantError(t, e.do("PUT", "/tickets/update_many.json?ids=1,a", `{"ticket": {"ticketStatus": 4}}`), 400, "100400", "字段值不合法: ids")
		wantError(t, e.do("PUT", "/tickets/update_many.json?ids=", `{"ticket": {"ticketStatus": 4}}`), 400, "100400", "字段值不合法: ids")
		wantError(t, e.do("PUT", "/tickets/update_many.json?ids=1", `{"tickets": []}`), 400, "100400", "字段值不合法: tickets")
		wantError(t, e.do("PUT", "/tickets/update_many.json", `{"tickets": []}`), 400, "100400", "字段值不合法: tickets")
		wantError(t, e.do("PUT", "/tickets/update_many.json", `{"ticket": {"ticketStatus": 4}}`), 400, "100400", "字段值不合法: tickets")
	})
}

func TestAttachments(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		e.create(t, `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`)
		a := e.upload(t, "/attachments.json?fileName=file.png", png)
		tok := a["token"].(string)
		if len(tok) != 32 || a["ticketReplyId"] != 0.0 || a["fileName"] != "file.png" ||
			a["filePath"] != e.URL+"/bangwo8/files/"+e.Workspace.ID+"/"+tok {
			t.Errorf("attachment = %v", a)
		}
		res := e.Do("GET", fmt.Sprintf("/bangwo8/api/v1/attachments/%v.json", a["attachId"]), nil, e.agentBasic)
		want(t, res, 200)
		if got := keys(t, res.Body[len(`{"attachment":`):len(res.Body)-2]); !reflect.DeepEqual(got, []string{"attachId", "ticketReplyId", "fileName", "filePath", "token"}) {
			t.Errorf("keys = %v", got)
		}
		// Bound to an existing reply at upload (?ticketReplyId=…).
		ms := e.messages(t, 1)
		b := e.upload(t, fmt.Sprintf("/uploads.json?filename=%s&ticketReplyId=%d", "说明.txt", ms[0].Number), []byte("说明"))
		if b["ticketReplyId"] != float64(ms[0].Number) || b["fileName"] != "说明.txt" {
			t.Errorf("bound upload = %v", b)
		}
		if ms := e.messages(t, 1); len(ms[0].Attachments) != 1 || ms[0].Attachments[0].Token != b["token"] {
			t.Errorf("reply attachments = %+v", ms[0].Attachments)
		}
		dl := e.Do("GET", strings.TrimPrefix(b["filePath"].(string), e.URL), nil)
		if dl.Status != 200 || string(dl.Body) != "说明" || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/plain") ||
			!strings.Contains(dl.Header.Get("Content-Disposition"), "filename*=utf-8''%E8%AF%B4%E6%98%8E.txt") {
			t.Errorf("download: %d %q %v", dl.Status, dl.Body, dl.Header)
		}
		// A reply naming the token takes the file.
		res = e.do("PUT", "/tickets/1.json", fmt.Sprintf(`{"ticket": {"ticketReply": {"replyMsg": "见附件", "attachments": [%q]}}}`, tok))
		want(t, res, 200)
		res = e.Do("GET", fmt.Sprintf("/bangwo8/api/v1/attachments/%v.json", a["attachId"]), nil, e.agentBasic)
		if m := want(t, res, 200); m["attachment"].(map[string]any)["ticketReplyId"] != float64(e.messages(t, 1)[1].Number) {
			t.Errorf("after the reply: %s", res.Body)
		}
		wantError(t, e.do("PUT", "/tickets/1.json", fmt.Sprintf(`{"ticketReply": {"replyMsg": "again", "attachments": [%q]}}`, tok)),
			400, "100400", "字段值不合法: ticketReply.attachments (in_use)")
		// Errors.
		for path, msg := range map[string]string{
			"/attachments.json":                             "字段值不合法: fileName",
			"/attachments.json?fileName=a&ticketReplyId=99": "字段值不合法: ticketReplyId",
			"/attachments.json?fileName=a&ticketReplyId=x":  "字段值不合法: ticketReplyId",
		} {
			wantError(t, e.Do("POST", "/bangwo8/api/v1"+path, "data", e.agentBasic), 400, "100400", msg)
		}
		wantError(t, e.Do("POST", "/bangwo8/api/v1/attachments.json?fileName=a", nil, e.agentBasic), 400, "100400", "字段值不合法: body")
		wantError(t, e.Do("GET", "/bangwo8/api/v1/attachments/99.json", nil, e.agentBasic), 404, "100404", "资源不存在")
		wantError(t, e.Do("GET", "/bangwo8/files/"+e.Workspace.ID+"/0123456789abcdef0123456789abcdef", nil), 404, "100404", "资源不存在")
		wantError(t, e.Do("GET", "/bangwo8/files/"+e.Workspace.ID+"/..%2f..%2fetc", nil), 404, "100404", "资源不存在")
		wantError(t, e.Do("POST", "/bangwo8/api/v1/attachments.json?fileName=a", "data"), 401, "100401", "认证失败")
	})
}

// TestOtherDoors: a ticket opened through the native API reads in
// Bangwo8's terms.
func TestOtherDoors(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		res := e.Do("POST", "/api/v1/tickets", `{"subject": "来自原生接口", "message": "hi", "channel": "email", "priority": "high", "type": "task", "tags": ["x"]}`,
			servertest.Bearer(e.AdminToken))
		if res.Status != 201 {
			t.Fatalf("native create: %d %s", res.Status, res.Body)
		}
		m := want(t, e.do("GET", "/tickets/1_v2.json", nil), 200)
		tk := m["ticket"].(map[string]any)
		for k, v := range map[string]any{"subject": "来自原生接口", "ticketSource": 7.0, "priorityLevel": 3.0, "ticketType": 4.0,
			"ticketStatus": 1.0, "tagList": "x", "description": "hi"} {
			if tk[k] != v {
				t.Errorf("%s = %#v, want %#v", k, tk[k], v)
			}
		}
		// And a Bangwo8 close reads as closed natively.
		want(t, e.do("PUT", "/tickets/1.json", `{"ticketStatus": "手动关闭"}`), 200)
		res = e.Do("GET", "/api/v1/tickets/1", nil, servertest.Bearer(e.AdminToken))
		if !strings.Contains(string(res.Body), `"status":"closed"`) {
			t.Errorf("native read: %s", res.Body)
		}
	})
}

// TestZone: dates render, and date filters read, in the workspace's zone.
func TestZone(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se) // clock at 2017-05-04 06:08:22 UTC
		_, admin, _ := e.NewWorkspace("jakarta", "Asia/Jakarta")
		h := basic(admin.Email, servertest.Password)
		res := e.Do("POST", "/bangwo8/api/v1/tickets.json", `{"subject": "s", "ticketReply": {"replyMsg": "x"}}`, h)
		if m := want(t, res, 200); m["ticket"].(map[string]any)["createDT"] != "2017-05-04 13:08:22" {
			t.Errorf("createDT = %v, want Jakarta time", m["ticket"].(map[string]any)["createDT"])
		}
		for q, n := range map[string]float64{"created_start=2017-05-04+13:08:22": 1, "created_start=2017-05-04+13:08:23": 0,
			"created_end=2017-05-04+13:08:22": 1, "created_end=2017-05-04+13:08:21": 0} {
			m := want(t, e.Do("GET", "/bangwo8/api/v1/tickets.json?"+q, nil, h), 200)
			if m["count"] != n {
				t.Errorf("%s: count %v, want %v", q, m["count"], n)
			}
		}
	})
}
