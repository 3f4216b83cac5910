package bangwo8_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// Seed 001 (帮我吧文档:数据接口:工单:工单) replayed as requests: every example
// of the page, through real HTTP on every store, against golden answers.

// ticketKeys is the ticket's JSON, key for key, in the seed's order (with
// descript beside description, A1).
var ticketKeys = []string{"ticketId", "url", "subject", "descript", "description", "ticketSource", "ticketType",
	"priorityLevel", "ticketStatus", "custUserId", "agentId", "createrId", "servicerUserId", "servicerGroupId",
	"ccUserIdList", "ccGroupIdList", "ticketTemplateId", "tagList", "createDT", "updateDT", "custom_fields"}

// 创建工单 调用示例:
// curl https://www.bangwo8.com/api/v1/tickets.json \
//
//	-d '{"ticket": {"subject": "产品咨询", "ticketReply": { "replyMsg":"你好,我想咨询下帮我吧产品" }}}' \
//	-H "Content-Type: application/json" -v -u {account}:{password} -X POST
//
// 返回值示例: Status: 200 OK, Location: https://www.bangwo8.com/api/v1/tickets/{id}.json
func TestSeedCreate(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		res := e.do("POST", "/tickets.json", `{"ticket": {"subject": "产品咨询", "ticketReply": { "replyMsg":"你好,我想咨询下帮我吧产品" }}}`)
		m := want(t, res, 200)
		if loc := res.Header.Get("Location"); loc != e.URL+"/bangwo8/api/v1/tickets/1.json" {
			t.Errorf("Location = %q", loc)
		}
		e.golden(t, "seed_create.json", res.Body)
		tk := m["ticket"].(map[string]any)
		inner := res.Body[strings.Index(string(res.Body), `"ticket":`)+len(`"ticket":`):]
		if got := keys(t, inner[:len(inner)-2]); !reflect.DeepEqual(got, ticketKeys) {
			t.Errorf("keys = %v\nwant %v", got, ticketKeys)
		}
		for k, v := range map[string]any{"ticketId": 1.0, "ticketStatus": 1.0, "ticketSource": 7.0, "priorityLevel": 2.0,
			"ticketType": 1.0, "agentId": float64(e.Workspace.Number), "createrId": float64(e.Admin.Number),
			"createDT": "2017-05-04 14:08:22", "description": "你好,我想咨询下帮我吧产品"} {
			if tk[k] != v {
				t.Errorf("%s = %#v, want %#v", k, tk[k], v)
			}
		}
		// Stored canonically: the reply is the first message, the ticket
		// waits in the queue (nobody is online), it came from the API.
		stored := e.ticket(t, 1)
		if stored.Status != desk.StatusUnassigned || stored.Origin != desk.OriginAPI || stored.Priority != desk.PriorityNormal ||
			stored.Description != "你好,我想咨询下帮我吧产品" {
			t.Errorf("stored = %+v", stored)
		}
		ms := e.messages(t, 1)
		if len(ms) != 1 || ms[0].Text != "你好,我想咨询下帮我吧产品" || !ms[0].Public {
			t.Errorf("messages = %+v", ms)
		}
	})
}

// 查看工单 GET /api/v1/tickets/{id}_v2.json → {"ticket": {…}}
// 查看工单(旧) GET /api/v1/tickets/{id}.json → {"ticket": [{…}]}
// 查看多个工单 GET /api/v1/tickets/show_many.json?ids=110,111,112
func TestSeedShow(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		for i, subject := range []string{"产品咨询", "产品服务", "第三个"} {
			e.clock.Set(fmt.Sprintf("2017-05-04T06:%02d:22Z", 8+i))
			e.create(t, `{"ticket": {"subject": "`+subject+`", "ticketReply": {"replyMsg": "帮我吧是什么?"}}}`)
		}
		v2 := e.do("GET", "/tickets/1_v2.json", nil)
		want(t, v2, 200)
		e.golden(t, "seed_show_v2.json", v2.Body)
		old := e.do("GET", "/tickets/1.json", nil)
		want(t, old, 200)
		e.golden(t, "seed_show_legacy.json", old.Body)
		var a struct{ Ticket map[string]any }
		var b struct{ Ticket []map[string]any }
		v2.JSON(t, &a)
		old.JSON(t, &b)
		if len(b.Ticket) != 1 || !reflect.DeepEqual(a.Ticket, b.Ticket[0]) {
			t.Errorf("legacy %v is not [v2 %v]", b.Ticket, a.Ticket)
		}
		many := e.do("GET", "/tickets/show_many.json?ids=1,3,99,2", nil)
		want(t, many, 200)
		e.golden(t, "seed_show_many.json", many.Body)
		var list struct{ Tickets []struct{ TicketID int64 } }
		many.JSON(t, &list)
		if got := []int64{list.Tickets[0].TicketID, list.Tickets[1].TicketID, list.Tickets[2].TicketID}; len(list.Tickets) != 3 ||
			!reflect.DeepEqual(got, []int64{1, 3, 2}) {
			t.Errorf("show_many = %+v, want 1, 3, 2 (99 skipped)", list.Tickets)
		}
	})
}

// 工单列表 GET /api/v1/tickets.json (curl https://www.bangwo8.com/api/v1/tickets.json -v -u …)
//
//	{"tickets":[{"ticketId":110,"subject":"产品咨询","custom_fields":[{"key":"field_14","value":"15997"},
//	{"key":"sfsk","value":"1"},{"key":"cpxx","value":[{"cpdm":"001.005",…},…]}]}],
//	"count":42,"next_page":"https://www.bangwo8.com/api/v1/tickets.json?per_page=40&page=2","previous_page":null}
func TestSeedList(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		// The example's ticket: two plain fields and a table field sent in
		// "tables" ("表单类型的字段…在“tables”里传值"), listed inside
		// custom_fields.
		e.create(t, `{"ticket": {"subject": "产品咨询", "ticketReply": {"replyMsg": "x"}, "ticketTemplateId": 5,
			"custom_fields": [{"key": "field_14", "value": "15997"}, {"key": "sfsk", "value": "1"}],
			"tables": [{"custom_fields_key": "cpxx", "tableData": [
				{"cpdm": "001.005", "cpmc": "铺助面板", "zjm": "PZMB", "ggxh": "A6020青古"},
				{"cpdm": "001.005", "cpmc": "铺助面板", "zjm": "PZMB", "ggxh": "A6020青古"}]}]}}`)
		res := e.do("GET", "/tickets.json", nil)
		want(t, res, 200)
		e.golden(t, "seed_list.json", res.Body)
		if got := keys(t, res.Body); !reflect.DeepEqual(got, []string{"tickets", "count", "next_page", "previous_page"}) {
			t.Errorf("list keys = %v", got)
		}
		// "count":42, per_page=40: page 1 links to page 2, page 2 back to 1.
		for i := 2; i <= 42; i++ {
			e.create(t, fmt.Sprintf(`{"subject": "工单 %d", "ticketReply": {"replyMsg": "x"}}`, i))
		}
		m := want(t, e.do("GET", "/tickets.json?per_page=40", nil), 200)
		if m["count"] != 42.0 || len(m["tickets"].([]any)) != 40 || m["previous_page"] != nil ||
			m["next_page"] != e.URL+"/bangwo8/api/v1/tickets.json?per_page=40&page=2" {
			t.Errorf("page 1: count %v, %d tickets, next %v, previous %v", m["count"], len(m["tickets"].([]any)), m["next_page"], m["previous_page"])
		}
		m = want(t, e.do("GET", "/tickets.json?per_page=40&page=2", nil), 200)
		ts := m["tickets"].([]any)
		if len(ts) != 2 || ts[0].(map[string]any)["ticketId"] != 41.0 || m["next_page"] != nil ||
			m["previous_page"] != e.URL+"/bangwo8/api/v1/tickets.json?per_page=40&page=1" {
			t.Errorf("page 2: %d tickets, next %v, previous %v", len(ts), m["next_page"], m["previous_page"])
		}
	})
}

// custUser参数说明: "如果要使用该参数,则mobilephone是必需的 … 如果数据库里没有该联系人
// 信息,则会自动创建。" The seed's snippet, its trailing comma removed.
func TestSeedCustUser(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		body := `{"ticket": {"subject": "产品咨询", "ticketReply": {"replyMsg": "x"},
			"custUser":{ "mobilephone": 13240138438, "name": "张三" , "fixnumber": "010-63701717" , "qq": "601100987" , "email": "bangwo8@126.com" }}}`
		m := want(t, e.do("POST", "/tickets.json", body), 200)
		cust := m["ticket"].(map[string]any)["custUserId"].(float64)
		c, err := e.Store.ContactByNumber(context.Background(), e.Workspace.ID, int64(cust))
		if err != nil {
			t.Fatalf("custUserId %v: %v", cust, err)
		}
		if c.Name != "张三" || c.Phone != "13240138438" || c.Email != "bangwo8@126.com" {
			t.Errorf("contact = %+v", c)
		}
		prof, err := e.Store.ContactProfile(context.Background(), e.Workspace.ID, c.ID)
		if err != nil || prof.FixedPhone != "010-63701717" || string(c.Meta["bangwo8"]["qq"]) != `"601100987"` {
			t.Errorf("profile = %+v, %v", prof, err)
		}
		// The same mobile (as a string this time) finds the same contact.
		m = want(t, e.do("POST", "/tickets.json", `{"subject": "再次咨询", "ticketReply": {"replyMsg": "y"},
			"custUser": {"mobilephone": "13240138438", "name": "李四"}}`), 200)
		if got := m["ticket"].(map[string]any)["custUserId"].(float64); got != cust {
			t.Errorf("second custUserId = %v, want %v", got, cust)
		}
		cs, _ := e.Store.Contacts(context.Background(), e.Workspace.ID, desk.ContactFilter{Phone: "13240138438"})
		if len(cs) != 1 || cs[0].Name != "张三" {
			t.Errorf("contacts with the mobile = %+v", cs)
		}
		// The customer's first message is theirs.
		if ms := e.messages(t, 1); ms[0].Author.Kind != desk.ActorContact || ms[0].Author.ID != c.ID {
			t.Errorf("first message author = %+v", ms[0].Author)
		}
	})
}

// 更新工单 调用示例:
// curl https://www.bangwo8.com/api/v1/tickets/3232.json -H "Content-Type: application/json" \
//
//	-d '{"ticket": {"ticketStatus": "2", "ticketReply": { "replyMsg": "这里是工单回复文本内容" }}}' -v -u … -X PUT
//
// The example answer shows "ticketStatus": "已解决"; answers keep the int of
// GET (A4).
func TestSeedUpdate(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		e.create(t, `{"ticket": {"subject": "这里是工单标题", "ticketReply": {"replyMsg": "x"}}}`)
		e.clock.Set("2017-05-04T07:00:00Z")
		res := e.Do("PUT", "/bangwo8/api/v1/tickets/1.json",
			`{"ticket": {"ticketStatus": "2", "ticketReply": { "replyMsg": "这里是工单回复文本内容" }}}`, e.agentBasic)
		m := want(t, res, 200)
		e.golden(t, "seed_update.json", res.Body)
		tk := m["ticket"].(map[string]any)
		if tk["ticketStatus"] != 2.0 || tk["updateDT"] != "2017-05-04 15:00:00" {
			t.Errorf("ticketStatus %v, updateDT %v", tk["ticketStatus"], tk["updateDT"])
		}
		ms := e.messages(t, 1)
		if len(ms) != 2 || ms[1].Text != "这里是工单回复文本内容" || ms[1].Author.ID != e.agent.ID || !ms[1].Public {
			t.Errorf("messages = %+v", ms)
		}
		if st := e.ticket(t, 1).Status; st != desk.StatusOpen {
			t.Errorf("status = %s", st)
		}
	})
}

// 更新多个工单:
//
//	PUT /api/v1/tickets/update_many.json?ids=111,222,333 {"ticket": {"ticketStatus": "已解决"}}
//	PUT /api/v1/tickets/update_many.json {"tickets": [{ "ticketId": 111, "ticketStatus": "已解决" },
//	{ "ticketId": 222, "ticketStatus": "待回应" }]}
//	{"results": [{"ticketId": 111, "success": false, "error_log": "字段值不合法"}, {"ticketId": 222, "success": true, "error_log": ""}]}
func TestSeedUpdateMany(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		for i := 0; i < 3; i++ {
			e.create(t, `{"ticket": {"subject": "工单", "ticketReply": {"replyMsg": "x"}}}`)
		}
		res := e.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json?ids=1,3,333", `{"ticket": {"ticketStatus": "已解决"}}`, e.agentBasic)
		want(t, res, 200)
		e.golden(t, "seed_update_many_ids.json", res.Body)
		res = e.Do("PUT", "/bangwo8/api/v1/tickets/update_many.json",
			`{"tickets": [{ "ticketId": 3, "ticketStatus": "已解决" }, { "ticketId": 2, "ticketStatus": "待回应" }, { "ticketId": 1, "ticketStatus": "关闭" }]}`, e.agentBasic)
		want(t, res, 200)
		e.golden(t, "seed_update_many_tickets.json", res.Body)
		for n, st := range map[int64]desk.Status{1: desk.StatusSolved, 2: desk.StatusPending, 3: desk.StatusSolved} {
			if got := e.ticket(t, n).Status; got != st {
				t.Errorf("ticket %d status %s, want %s", n, got, st)
			}
		}
	})
}

// 搜索工单: every query of the seed's table, its curl example, its
// sort_by/sort_order, and the next_page link of its answer.
func TestSeedSearch(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		// 1: 2017-06-30, open; 2: 2017-07-01, solved, field_1 "x454y";
		// 3: 2017-07-02 "订单2444", pending; 4: 2017-07-04, solved.
		days := []string{"2017-06-30", "2017-07-01", "2017-07-02", "2017-07-04"}
		subjects := []string{"产品咨询", "发票问题", "订单2444", "退款"}
		status := []int{2, 4, 3, 4}
		for i := range days {
			e.clock.Set(days[i] + "T04:00:00Z") // 12:00 in Shanghai
			fields := ""
			if i == 1 {
				fields = `, "ticketTemplateId": 1, "custom_fields": [{"key": "field_1", "value": "x454y"}]`
			}
			e.create(t, fmt.Sprintf(`{"subject": %q, "ticketReply": {"replyMsg": "x"}, "ticketStatus": %d%s}`, subjects[i], status[i], fields))
		}
		search := func(q string) []int64 {
			t.Helper()
			res := e.Do("GET", "/bangwo8/api/v1/tickets/search.json?"+q, nil, e.agentBasic)
			var out struct {
				Results []struct{ TicketID int64 }
				Count   int64
			}
			if res.Status != 200 {
				t.Fatalf("search %s: %d %s", q, res.Status, res.Body)
			}
			res.JSON(t, &out)
			ids := []int64{}
			for _, r := range out.Results {
				ids = append(ids, r.TicketID)
			}
			if out.Count != int64(len(ids)) {
				t.Errorf("search %s: count %d for %d results", q, out.Count, len(ids))
			}
			return ids
		}
		cases := []struct {
			query string
			want  []int64 // newest first: sort_order 默认为降序
		}{
			{"query=2444", []int64{3}},                                          // 模糊搜索: 工单编号、工单标题或者联系人姓名
			{"query=3", []int64{3}},                                             // a ticket number
			{"query=ticketStatus:2,4", []int64{4, 2, 1}},                        // 已开启或已解决
			{"query=field_1:454", []int64{2}},                                   // field_1 包含 454
			{"query=2444+createDT>2017-07-01", []int64{3}},                      // 2017年7月1日以后
			{"query=ticketStatus:2,4+createDT%3C+%3D2017-07-01", []int64{2, 1}}, // createDT< =, 包含当天 (sic)
			{"query=ticketStatus:2,4+updateDT>=2017-07-01", []int64{4, 2}},      // 包含当天
			{"query=createDT<2017-07-01", []int64{1}},                           // 不包含当天
			{"query=createDT>2017-07-01", []int64{4, 3}},                        // 不包含当天
			{"query=createDT:2017-07-01", []int64{2}},                           // 当天
			{"query=createDT<=2017-07-01", []int64{2, 1}},                       // 包含当天
			{"query=createDT>=2017-07-01", []int64{4, 3, 2}},                    // 包含当天
			{"query=ticketStatus%3A4+createDT%3E2017-07-03", []int64{4}},        // the curl example (--data-urlencode)
			{"query=%22status:%E5%B7%B2%E5%BC%80%E5%90%AF%22", []int64{1}},      // next_page's query="status:已开启"
			{"query=ticketStatus:2,4&sort_by=createDT&sort_order=asc", []int64{1, 2, 4}},
			{"query=ticketStatus:2,4&sort_by=updateDT&sort_order=desc", []int64{4, 2, 1}},
		}
		for _, c := range cases {
			if got := search(c.query); !reflect.DeepEqual(got, c.want) {
				t.Errorf("search %s = %v, want %v", c.query, got, c.want)
			}
		}
		res := e.Do("GET", "/bangwo8/api/v1/tickets/search.json?query=ticketStatus%3A4+createDT%3E2017-07-03", nil, e.agentBasic)
		want(t, res, 200)
		e.golden(t, "seed_search.json", res.Body)
		if got := keys(t, res.Body); !reflect.DeepEqual(got, []string{"results", "next_page", "prev_page", "previous_page", "count"}) {
			t.Errorf("search keys = %v", got)
		}
		// Paging: one per page, next_page / prev_page as absolute links.
		m := want(t, e.Do("GET", "/bangwo8/api/v1/tickets/search.json?query=ticketStatus:2,4&sort_by=createDT&sort_order=desc&per_page=1&page=2", nil, e.agentBasic), 200)
		base := e.URL + "/bangwo8/api/v1/tickets/search.json?query=ticketStatus:2,4&sort_by=createDT&sort_order=desc&per_page=1&page="
		if m["count"] != 3.0 || m["next_page"] != base+"3" || m["prev_page"] != base+"1" || m["previous_page"] != base+"1" {
			t.Errorf("paging: count %v next %v prev %v", m["count"], m["next_page"], m["prev_page"])
		}
	})
}
