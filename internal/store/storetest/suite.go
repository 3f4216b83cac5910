package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/objectid"
)

// Run runs the conformance suite against fresh stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, desk.Store)
	}{
		{"Workspaces", testWorkspaces},
		{"AgentsAndGroups", testAgentsAndGroups},
		{"Contacts", testContacts},
		{"TicketRoundTrip", testTicketRoundTrip},
		{"TicketFilters", testTicketFilters},
		{"KeysetPagination", testKeysetPagination},
		{"UrgencyOrders", testUrgencyOrders},
		{"MessagesAndAttachments", testMessagesAndAttachments},
		{"Events", testEvents},
		{"EventSeq", testEventSeq},
		{"Tokens", testTokens},
		{"FieldDefs", testFieldDefs},
		{"AgentLoads", testAgentLoads},
		{"RollbackLeavesNothing", testRollback},
		{"FailingWriteSparesNeighbours", testFailingWriteSparesNeighbours},
		{"ParallelNumbers", testParallelNumbers},
		{"ParallelSettings", testParallelSettings},
		{"WorkspaceIsolation", testIsolation},
		{"NotFound", testNotFound},
		{"Batch", testBatch},
		{"TicketCounts", testTicketCounts},
		{"MailboxLease", testMailboxLease},
		{"AdminRows", testAdminRows},
		{"Board", testBoard},
		{"DirectoryVersion", testDirectoryVersion},
		{"Invitations", testInvitations},
		{"Flashes", testFlashes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// fixture is a workspace with an admin, a group and a contact.
type fixture struct {
	svc     *desk.Service
	ws      *desk.Workspace
	admin   *desk.Agent
	group   *desk.Group
	contact *desk.Contact
}

func newFixture(t *testing.T, st desk.Store, name string) *fixture {
	t.Helper()
	svc := desk.NewService(st)
	ws, admin, err := svc.NewWorkspace(ctx, name, "Asia/Shanghai", "Admin", "admin@"+name+".test", "hash")
	if err != nil {
		t.Fatalf("NewWorkspace: %v", err)
	}
	g, err := svc.CreateGroup(ctx, ws.ID, "cs", admin.ID)
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	c, err := svc.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana Pérez", Email: "Ana@Example.com", Phone: "+56911112222",
		NationalID: "12.345.678-9", Identities: []desk.Identity{
			{Channel: desk.ChannelFacebook, ExternalID: "fb-100", PageID: "page-1", ScreenName: "ana.p"},
			{Channel: desk.ChannelWhatsApp, ExternalID: "+56911112222"},
		}, Meta: map[string]map[string]json.RawMessage{"door": {"handle": json.RawMessage(`"ana"`)}}})
	if err != nil {
		t.Fatalf("CreateContact: %v", err)
	}
	return &fixture{svc: svc, ws: ws, admin: admin, group: g, contact: c}
}

func (f *fixture) ticket(t *testing.T, in desk.NewTicket) *desk.Ticket {
	t.Helper()
	if in.ContactID == "" {
		in.ContactID = f.contact.ID
	}
	tk, err := f.svc.CreateTicket(ctx, f.ws.ID, desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID}, in)
	if err != nil {
		t.Fatalf("CreateTicket: %v", err)
	}
	return tk
}

func testWorkspaces(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	got, err := st.Workspace(ctx, f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "acme" || got.Timezone != "Asia/Shanghai" || got.Number < 1 || !got.CreatedAt.Equal(f.ws.CreatedAt) {
		t.Fatalf("Workspace = %+v, want %+v", got, f.ws)
	}
	byName, err := st.WorkspaceByName(ctx, "acme")
	if err != nil || byName.ID != f.ws.ID {
		t.Fatalf("WorkspaceByName = %v, %v", byName, err)
	}
	_, _, err = f.svc.NewWorkspace(ctx, "acme", "", "x", "x@y.z", "h")
	if !errors.Is(err, desk.ErrConflict) {
		t.Fatalf("duplicate workspace: err = %v, want ErrConflict", err)
	}
	other, _, err := f.svc.NewWorkspace(ctx, "globex", "", "x", "admin@acme.test", "h")
	if err != nil {
		t.Fatal(err)
	}
	if other.Number == f.ws.Number {
		t.Fatalf("two workspaces share number %d", other.Number)
	}
	agents, err := st.AgentsByEmail(ctx, "admin@acme.test")
	if err != nil || len(agents) != 2 {
		t.Fatalf("AgentsByEmail across workspaces = %d agents, %v; want 2", len(agents), err)
	}
}

func testAgentsAndGroups(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	g2, err := f.svc.CreateGroup(ctx, f.ws.ID, "billing", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateGroup(ctx, f.ws.ID, "billing", ""); !errors.Is(err, desk.ErrConflict) {
		t.Fatalf("duplicate group: %v", err)
	}
	a, err := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Li Lei", Email: "LI@x.test", Role: desk.RoleAgent,
		Capacity: 3, GroupIDs: []string{f.group.ID, g2.ID}, Meta: map[string]map[string]json.RawMessage{"door": {"scopes": json.RawMessage(`["chat"]`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Number != 2 || a.Email != "li@x.test" {
		t.Fatalf("agent number %d email %q, want 2 and lower-cased", a.Number, a.Email)
	}
	if _, err := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "dup", Email: "li@x.test"}); !errors.Is(err, desk.ErrConflict) {
		t.Fatalf("duplicate email: %v", err)
	}
	if _, err := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "x", Email: "y@x.test", GroupIDs: []string{"nope"}}); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("unknown group: %v", err)
	}
	got, err := st.Agent(ctx, f.ws.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got.GroupIDs)
	want := []string{f.group.ID, g2.ID}
	sort.Strings(want)
	if fmt.Sprint(got.GroupIDs) != fmt.Sprint(want) || got.Capacity != 3 || got.Role != desk.RoleAgent ||
		got.Presence != desk.PresenceOffline || string(got.Meta["door"]["scopes"]) != `["chat"]` {
		t.Fatalf("Agent = %+v", got)
	}
	// A patch's meta merges by door then field: what it leaves out stays.
	upd, err := f.svc.UpdateAgent(ctx, f.ws.ID, a.ID, desk.AgentPatch{Meta: map[string]map[string]json.RawMessage{
		"door": {"level": json.RawMessage(`2`)}, "other": {"x": json.RawMessage(`"y"`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.Agent(ctx, f.ws.ID, a.ID); err != nil || !reflect.DeepEqual(got.Meta, upd.Meta) ||
		string(got.Meta["door"]["scopes"]) != `["chat"]` || string(got.Meta["door"]["level"]) != `2` || string(got.Meta["other"]["x"]) != `"y"` {
		t.Fatalf("Agent after meta patch = %+v, %v", got, err)
	}
	byNum, err := st.AgentByNumber(ctx, f.ws.ID, 2)
	if err != nil || byNum.ID != a.ID {
		t.Fatalf("AgentByNumber = %v, %v", byNum, err)
	}
	inG2, err := st.Agents(ctx, f.ws.ID, desk.AgentFilter{GroupID: g2.ID})
	if err != nil || len(inG2) != 1 || inG2[0].ID != a.ID {
		t.Fatalf("Agents(group billing) = %v, %v", inG2, err)
	}
	admins, err := st.Agents(ctx, f.ws.ID, desk.AgentFilter{Role: desk.RoleAdmin})
	if err != nil || len(admins) != 1 {
		t.Fatalf("Agents(role admin) = %v, %v", admins, err)
	}
	five := 5
	none := []string{}
	if _, err := f.svc.UpdateAgent(ctx, f.ws.ID, a.ID, desk.AgentPatch{Capacity: &five, GroupIDs: &none}); err != nil {
		t.Fatal(err)
	}
	got, _ = st.Agent(ctx, f.ws.ID, a.ID)
	if got.Capacity != 5 || len(got.GroupIDs) != 0 {
		t.Fatalf("after update: %+v", got)
	}
	groups, err := st.Groups(ctx, f.ws.ID)
	if err != nil || len(groups) != 2 || groups[0].Name != "cs" || groups[0].SupervisorID != f.admin.ID {
		t.Fatalf("Groups = %+v, %v", groups, err)
	}
	if g, err := st.GroupByNumber(ctx, f.ws.ID, 2); err != nil || g.ID != g2.ID {
		t.Fatalf("GroupByNumber = %v, %v", g, err)
	}
	if g, err := st.GroupByName(ctx, f.ws.ID, "billing"); err != nil || g.ID != g2.ID {
		t.Fatalf("GroupByName = %v, %v", g, err)
	}
	err = st.Update(ctx, func(tx desk.Tx) error {
		g2.Name = "billing-2"
		return tx.UpdateGroup(ctx, g2)
	})
	if g, _ := st.Group(ctx, f.ws.ID, g2.ID); err != nil || g.Name != "billing-2" {
		t.Fatalf("UpdateGroup: %v %v", g, err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	acc := &desk.ChannelAccount{ID: objectid.New(now), WorkspaceID: f.ws.ID, Channel: desk.ChannelFacebook, Name: "Acme FB",
		UID: "page-1", ProviderType: "facebook", Active: true, CreatedAt: now}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.CreateChannelAccount(ctx, acc) }); err != nil {
		t.Fatal(err)
	}
	accs, err := st.ChannelAccounts(ctx, f.ws.ID)
	if err != nil || len(accs) != 1 || accs[0].UID != "page-1" || !accs[0].Active || accs[0].Number != 1 {
		t.Fatalf("ChannelAccounts = %+v, %v", accs, err)
	}
	if got, err := st.ChannelAccount(ctx, f.ws.ID, acc.ID); err != nil || got.Name != "Acme FB" {
		t.Fatalf("ChannelAccount = %+v, %v", got, err)
	}
}

func testContacts(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	c, err := st.Contact(ctx, f.ws.ID, f.contact.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.NationalID != "12345678-9" || c.Email != "ana@example.com" || len(c.Identities) != 2 ||
		c.Identities[0].PageID != "page-1" || c.Identities[1].Channel != desk.ChannelWhatsApp ||
		string(c.Meta["door"]["handle"]) != `"ana"` {
		t.Fatalf("Contact = %+v", c)
	}
	for name, filter := range map[string]desk.ContactFilter{
		"national id": {NationalID: "12345678-9"},
		"email":       {Email: "ana@example.com"},
		"phone":       {Phone: "+56911112222"},
		"identity":    {Identity: &desk.Identity{Channel: desk.ChannelFacebook, ExternalID: "fb-100", PageID: "page-1"}},
	} {
		got, err := st.Contacts(ctx, f.ws.ID, filter)
		if err != nil || len(got) != 1 || got[0].ID != c.ID || len(got[0].Identities) != 2 {
			t.Errorf("Contacts(%s) = %+v, %v", name, got, err)
		}
	}
	got, err := st.Contacts(ctx, f.ws.ID, desk.ContactFilter{Identity: &desk.Identity{Channel: desk.ChannelFacebook, ExternalID: "fb-100", PageID: "other"}})
	if err != nil || len(got) != 0 {
		t.Fatalf("Contacts(wrong page) = %v, %v", got, err)
	}
	c.Phone = "+1"
	c.Identities = c.Identities[:1]
	c.CustomFields = desk.Fields{{Key: "vip", Value: json.RawMessage(`true`)}}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.UpdateContact(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	c2, _ := st.ContactByNumber(ctx, f.ws.ID, c.Number)
	if c2 == nil || c2.Phone != "+1" || len(c2.Identities) != 1 || string(c2.CustomFields[0].Value) != "true" {
		t.Fatalf("after update: %+v", c2)
	}
	_, err = f.svc.CreateContact(ctx, f.ws.ID, desk.NewContact{Name: "x", Identities: []desk.Identity{{Channel: "myspace", ExternalID: "1"}}})
	if !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("bad channel: %v", err)
	}
}

func testTicketRoundTrip(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	in := desk.NewTicket{Subject: "退款 reembolso", Message: &desk.NewMessage{Text: "hola, quiero mi dinero"},
		Channel: desk.ChannelEmail, Priority: desk.PriorityHigh, Type: desk.TypeIncident, GroupID: f.group.ID,
		Tags: []string{"vip", "refund", "vip"}, TemplateID: 7,
		CC:           desk.CC{Emails: []string{"boss@x.test"}},
		CustomFields: desk.Fields{{Key: "field_1", Value: json.RawMessage(`"a"`), Extras: map[string]json.RawMessage{"pay_status": json.RawMessage(`1`)}}},
		Meta:         map[string]map[string]json.RawMessage{"door": {"orderId": json.RawMessage(`"o-1"`)}},
	}
	tk := f.ticket(t, in)
	if tk.Number != 1 || tk.Status != desk.StatusUnassigned || tk.SupervisorID != f.admin.ID {
		t.Fatalf("created = %+v", tk)
	}
	idTime, _ := objectid.Time(tk.ID)
	if !idTime.Equal(tk.CreatedAt.Truncate(time.Second)) {
		t.Fatalf("id second %v != created %v", idTime, tk.CreatedAt)
	}
	got, err := st.Ticket(ctx, f.ws.ID, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != in.Subject || got.Description != "hola, quiero mi dinero" || got.Channel != desk.ChannelEmail ||
		got.Priority != desk.PriorityHigh || got.Type != desk.TypeIncident || got.GroupID != f.group.ID ||
		got.ContactID != f.contact.ID || fmt.Sprint(got.Tags) != "[vip refund]" || got.TemplateID != 7 ||
		len(got.CC.Emails) != 1 || len(got.CustomFields) != 1 || string(got.CustomFields[0].Extras["pay_status"]) != "1" ||
		string(got.Meta["door"]["orderId"]) != `"o-1"` || got.CreatedBy.ID != f.admin.ID || got.Origin != desk.OriginAPI {
		t.Fatalf("round trip = %+v", got)
	}
	if !got.CreatedAt.Equal(tk.CreatedAt) || !got.QueuedAt.Equal(tk.QueuedAt) || got.QueuedAt.IsZero() || !got.AssignedAt.IsZero() {
		t.Fatalf("times: created %v/%v queued %v/%v", got.CreatedAt, tk.CreatedAt, got.QueuedAt, tk.QueuedAt)
	}
	byNum, err := st.TicketByNumber(ctx, f.ws.ID, 1)
	if err != nil || byNum.ID != tk.ID {
		t.Fatalf("TicketByNumber = %v, %v", byNum, err)
	}
	// Assign, escalate, close through the service; every field survives.
	a, _ := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Bo", Email: "bo@x.test"})
	urgent := desk.PriorityUrgent
	if _, err := f.svc.UpdateTicket(ctx, f.ws.ID, tk.ID, desk.System, desk.TicketPatch{AssigneeID: &a.ID, Priority: &urgent}); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx desk.Tx) error {
		t2, err := tx.LockTicket(ctx, f.ws.ID, tk.ID)
		if err != nil {
			return err
		}
		t2.Escalated = true
		t2.Escalation = &desk.Escalation{At: time.UnixMilli(1700000000123).UTC(), FromAgentID: a.ID, ToAgentID: f.admin.ID, Reason: "angry"}
		t2.PriorityRank = 2
		return tx.UpdateTicket(ctx, t2)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = st.Ticket(ctx, f.ws.ID, tk.ID)
	if got.AssigneeID != a.ID || got.Status != desk.StatusAssigned || got.Priority != urgent || !got.Escalated ||
		got.Escalation == nil || got.Escalation.Reason != "angry" || got.Escalation.At.UnixMilli() != 1700000000123 ||
		got.PriorityRank != 2 || got.AssignedAt.IsZero() || got.FirstAssignedAt.IsZero() {
		t.Fatalf("after assign/escalate: %+v", got)
	}
	closed, err := f.svc.Close(ctx, f.ws.ID, tk.ID, desk.Actor{Kind: desk.ActorAgent, ID: a.ID}, "", "done")
	if err != nil {
		t.Fatal(err)
	}
	got, _ = st.Ticket(ctx, f.ws.ID, tk.ID)
	if got.Status != desk.StatusClosed || got.ClosedReason != "manual" || got.Escalated || got.ClosedAt.IsZero() ||
		got.ClosedBy.ID != a.ID || !got.UpdatedAt.Equal(closed.UpdatedAt) {
		t.Fatalf("after close: %+v", got)
	}
}

func testTicketFilters(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	other, _ := f.svc.CreateContact(ctx, f.ws.ID, desk.NewContact{Name: "Budi", NationalID: "99"})
	a, _ := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Bo", Email: "bo@x.test"})
	t1 := f.ticket(t, desk.NewTicket{Subject: "one", Channel: desk.ChannelEmail, Tags: []string{"vip"}, GroupID: f.group.ID})
	t2 := f.ticket(t, desk.NewTicket{Subject: "two", Channel: desk.ChannelWhatsApp, AssigneeID: a.ID, ContactID: other.ID})
	t3 := f.ticket(t, desk.NewTicket{Subject: "three", Channel: desk.ChannelFacebook, Tags: []string{"vip", "spam"}})
	if _, err := f.svc.Close(ctx, f.ws.ID, t3.ID, desk.System, "", ""); err != nil {
		t.Fatal(err)
	}
	yes := true
	cases := []struct {
		name string
		f    desk.TicketFilter
		want []int64
	}{
		{"all newest first", desk.TicketFilter{}, []int64{3, 2, 1}},
		{"oldest first", desk.TicketFilter{Order: desk.OrderNumberAsc}, []int64{1, 2, 3}},
		{"status", desk.TicketFilter{Statuses: []desk.Status{desk.StatusClosed}}, []int64{3}},
		{"active", desk.TicketFilter{Statuses: desk.ActiveStatuses}, []int64{2, 1}},
		{"assignee", desk.TicketFilter{AssigneeID: a.ID}, []int64{2}},
		{"unassigned", desk.TicketFilter{AssigneeID: "none"}, []int64{3, 1}},
		{"group", desk.TicketFilter{GroupID: f.group.ID}, []int64{1}},
		{"no group", desk.TicketFilter{GroupID: "none"}, []int64{3, 2}},
		{"channels", desk.TicketFilter{Channels: []desk.Channel{desk.ChannelEmail, desk.ChannelFacebook}}, []int64{3, 1}},
		{"contact", desk.TicketFilter{ContactID: other.ID}, []int64{2}},
		{"tag", desk.TicketFilter{Tag: "vip"}, []int64{3, 1}},
		{"numbers", desk.TicketFilter{Numbers: []int64{1, 3, 99}}, []int64{3, 1}},
		{"identity", desk.TicketFilter{ContactIdent: &desk.Identity{Channel: desk.ChannelFacebook, ExternalID: "fb-100", PageID: "page-1"}}, []int64{3, 1}},
		{"national id", desk.TicketFilter{NationalID: "99"}, []int64{2}},
		{"not escalated", desk.TicketFilter{Escalated: new(bool)}, []int64{3, 2, 1}},
		{"escalated", desk.TicketFilter{Escalated: &yes}, nil},
		{"created range", desk.TicketFilter{CreatedFrom: t1.CreatedAt, CreatedTo: t1.CreatedAt.Add(time.Hour)}, []int64{3, 2, 1}},
		{"created before", desk.TicketFilter{CreatedTo: t1.CreatedAt}, nil},
		{"updated range", desk.TicketFilter{UpdatedFrom: t1.UpdatedAt.Add(-time.Second), Order: desk.OrderUpdatedAsc}, []int64{1, 2, 3}},
		{"status order", desk.TicketFilter{Order: desk.OrderStatusDesc}, []int64{3, 2, 1}},
		{"offset", desk.TicketFilter{Offset: 1, Limit: 1}, []int64{2}},
	}
	for _, tc := range cases {
		got, err := st.Tickets(ctx, f.ws.ID, tc.f)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var nums []int64
		for _, tk := range got {
			nums = append(nums, tk.Number)
		}
		if fmt.Sprint(nums) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, nums, tc.want)
		}
		n, err := st.CountTickets(ctx, f.ws.ID, tc.f)
		if tc.f.Offset == 0 && (err != nil || n != int64(len(tc.want))) {
			t.Errorf("%s: count = %d, %v; want %d", tc.name, n, err, len(tc.want))
		}
	}
	_ = t2

	// One contact's tickets in every order, paged by cursor where the
	// order has one: the whole list's order with the others left out
	// (the store sorts a contact's few tickets itself, sqlstore's
	// oneContact).
	for i := 0; i < 4; i++ {
		f.ticket(t, desk.NewTicket{Subject: fmt.Sprint("more ", i), ContactID: other.ID, Priority: []desk.Priority{desk.PriorityLow, desk.PriorityUrgent}[i%2]})
		if i == 1 {
			again := "two again" // t2 updated between the others
			if _, err := f.svc.UpdateTicket(ctx, f.ws.ID, t2.ID, desk.System, desk.TicketPatch{Subject: &again}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range []desk.TicketOrder{desk.OrderNumberDesc, desk.OrderNumberAsc, desk.OrderUpdatedDesc, desk.OrderUpdatedAsc, desk.OrderCreatedDesc,
		desk.OrderCreatedAsc, desk.OrderPriority, desk.OrderSLADue, desk.OrderStatusAsc, desk.OrderStatusDesc, desk.OrderQueue} {
		all, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: o})
		if err != nil {
			t.Fatalf("order %q: %v", o, err)
		}
		var want []int64
		for _, tk := range all {
			if tk.ContactID == other.ID {
				want = append(want, tk.Number)
			}
		}
		got, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: o, ContactID: other.ID})
		if err != nil {
			t.Fatalf("contact, order %q: %v", o, err)
		}
		var nums []int64
		for _, tk := range got {
			nums = append(nums, tk.Number)
		}
		if len(want) != 5 || fmt.Sprint(nums) != fmt.Sprint(want) {
			t.Errorf("contact's tickets, order %q: got %v, want %v", o, nums, want)
		}
		if o != desk.OrderStatusAsc && o != desk.OrderStatusDesc && o != desk.OrderQueue { // those page by offset
			var paged []int64
			var after *desk.Cursor
			for range 10 {
				page, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: o, ContactID: other.ID, Limit: 2, After: after})
				if err != nil {
					t.Fatalf("contact, order %q, paged: %v", o, err)
				}
				for _, tk := range page {
					paged = append(paged, tk.Number)
				}
				if len(page) < 2 {
					break
				}
				c := page[len(page)-1].CursorIn(o)
				after = &c
			}
			if fmt.Sprint(paged) != fmt.Sprint(want) {
				t.Errorf("contact's tickets, order %q, by pages of 2: got %v, want %v", o, paged, want)
			}
		}
	}
}

func testKeysetPagination(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	for i := 0; i < 23; i++ {
		f.ticket(t, desk.NewTicket{Subject: fmt.Sprint("t", i)})
	}
	for _, order := range []desk.TicketOrder{desk.OrderNumberDesc, desk.OrderNumberAsc, desk.OrderCreatedDesc, desk.OrderUpdatedAsc} {
		var seen []int64
		var after *desk.Cursor
		for page := 0; page < 10; page++ {
			got, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: order, After: after, Limit: 5})
			if err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			for _, tk := range got {
				seen = append(seen, tk.Number)
			}
			if len(got) < 5 {
				break
			}
			last := got[len(got)-1]
			c := last.CursorIn(order)
			after = &c
		}
		if len(seen) != 23 {
			t.Fatalf("%s: paged %d tickets, want 23: %v", order, len(seen), seen)
		}
		uniq := map[int64]bool{}
		for _, n := range seen {
			uniq[n] = true
		}
		if len(uniq) != 23 {
			t.Fatalf("%s: duplicates in %v", order, seen)
		}
	}
	if _, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{Order: desk.OrderQueue, After: &desk.Cursor{}}); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("cursor on offset-only order: %v", err)
	}
}

func testMessagesAndAttachments(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	tk := f.ticket(t, desk.NewTicket{Subject: "s", Message: &desk.NewMessage{Text: "first"}})
	now := time.Now().UTC().Truncate(time.Millisecond)
	att := &desk.Attachment{ID: objectid.New(now), WorkspaceID: f.ws.ID, Token: "tok-1", FileName: "a.png",
		ContentType: "image/png", Size: 10, Path: "ab/cd.png", CreatedAt: now}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.CreateAttachment(ctx, att) }); err != nil {
		t.Fatal(err)
	}
	private := false
	if _, _, err := f.svc.AddMessage(ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "note", Public: &private,
		Author: desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID}}); err != nil {
		t.Fatal(err)
	}
	m, _, err := f.svc.AddMessage(ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "reply", Author: desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID},
		Attachments: []string{"tok-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.AddMessage(ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "again", Attachments: []string{"tok-1"},
		Author: desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID}}); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("reusing an attachment: %v", err)
	}
	all, err := st.Messages(ctx, f.ws.ID, tk.ID, desk.MessageFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("Messages = %d, %v", len(all), err)
	}
	if all[0].Text != "first" || all[0].Direction != desk.DirectionIn || all[0].AuthorName != "Ana Pérez" ||
		all[1].Public || all[2].ID != m.ID || all[2].AuthorName != "Admin" || len(all[2].Attachments) != 1 ||
		all[2].Attachments[0].FileName != "a.png" {
		t.Fatalf("messages = %+v", all)
	}
	pub, err := st.Messages(ctx, f.ws.ID, tk.ID, desk.MessageFilter{PublicOnly: true, NewestFirst: true})
	if err != nil || len(pub) != 2 || pub[0].Text != "reply" || pub[1].Text != "first" {
		t.Fatalf("public newest first = %+v, %v", pub, err)
	}
	a, err := st.AttachmentByToken(ctx, f.ws.ID, "tok-1")
	if err != nil || a.MessageID != m.ID || a.TicketID != tk.ID {
		t.Fatalf("AttachmentByToken = %+v, %v", a, err)
	}
	// A conversation's attachments are the attachments themselves, every
	// field, in number order on their message, and a limited read keeps
	// those of the messages it returns.
	if !reflect.DeepEqual(all[2].Attachments[0], *a) {
		t.Fatalf("attachment with its message = %+v\nby token = %+v", all[2].Attachments[0], *a)
	}
	for i, tok := range []string{"tok-2", "tok-3"} {
		at := &desk.Attachment{ID: objectid.New(now.Add(time.Duration(i+1) * time.Millisecond)), WorkspaceID: f.ws.ID, Token: tok,
			FileName: tok + ".pdf", ContentType: "application/pdf", Size: int64(100 + i), Path: "ef/" + tok, CreatedAt: now}
		if err := st.Update(ctx, func(tx desk.Tx) error { return tx.CreateAttachment(ctx, at) }); err != nil {
			t.Fatal(err)
		}
	}
	two, _, err := f.svc.AddMessage(ctx, f.ws.ID, tk.ID, desk.NewMessage{Text: "two files", Attachments: []string{"tok-3", "tok-2"},
		Author: desk.Actor{Kind: desk.ActorAgent, ID: f.admin.ID}})
	if err != nil {
		t.Fatal(err)
	}
	last, err := st.Messages(ctx, f.ws.ID, tk.ID, desk.MessageFilter{NewestFirst: true, Limit: 2})
	if err != nil || len(last) != 2 || last[0].ID != two.ID || last[1].ID != m.ID {
		t.Fatalf("newest two = %+v, %v", last, err)
	}
	if at := last[0].Attachments; len(at) != 2 || at[0].Token != "tok-2" || at[1].Token != "tok-3" || at[1].Size != 101 ||
		at[1].ContentType != "application/pdf" || at[1].MessageID != two.ID || len(last[1].Attachments) != 1 {
		t.Fatalf("attachments of the newest two = %+v / %+v", last[0].Attachments, last[1].Attachments)
	}
	got, _ := st.Ticket(ctx, f.ws.ID, tk.ID)
	if got.FirstResponseAt.IsZero() || got.LastAgentMsgAt.IsZero() || got.LastCustomerMsgAt.IsZero() {
		t.Fatalf("message clocks not set: %+v", got)
	}
}

func testEvents(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	tk := f.ticket(t, desk.NewTicket{Subject: "s"})
	pending := desk.StatusPending
	if _, err := f.svc.UpdateTicket(ctx, f.ws.ID, tk.ID, desk.System, desk.TicketPatch{Status: &pending, Reason: "waiting"}); err != nil {
		t.Fatal(err)
	}
	evs, err := st.Events(ctx, f.ws.ID, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type+":"+e.From+">"+e.To)
	}
	want := "[created:>webchat status_changed:new>unassigned status_changed:unassigned>pending]"
	if fmt.Sprint(types) != want {
		t.Fatalf("events = %v, want %v", types, want)
	}
	last := evs[len(evs)-1]
	if last.Reason != "waiting" || last.Actor.Kind != desk.ActorSystem || last.At.IsZero() {
		t.Fatalf("last event = %+v", last)
	}
}

// testEventSeq holds the feed to its contract: each workspace's events are
// numbered 1..N on their own, parallel writers leave neither gaps nor
// repeats, a rolled-back transaction gives its numbers back (even when it
// had them numbered by reading its events), EventsAfter pages by seq and
// LastEventSeq is the workspace's last.
func testEventSeq(t *testing.T, st desk.Store) {
	a, b := newFixture(t, st, "acme"), newFixture(t, st, "globex")
	feed := func(f *fixture, after int64, limit int) []desk.Event {
		t.Helper()
		evs, err := st.EventsAfter(ctx, f.ws.ID, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	dense := func(f *fixture) []desk.Event {
		t.Helper()
		evs := feed(f, 0, 1000)
		seen := map[string]bool{}
		for i, e := range evs {
			if e.Seq != int64(i+1) || seen[e.ID] || e.WorkspaceID != f.ws.ID {
				t.Fatalf("%s feed[%d] = seq %d id %s ws %s", f.ws.Name, i, e.Seq, e.ID, e.WorkspaceID)
			}
			seen[e.ID] = true
		}
		return evs
	}
	tk := a.ticket(t, desk.NewTicket{Subject: "first"})
	b.ticket(t, desk.NewTicket{Subject: "other"})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := a
			if i%4 == 0 {
				f = b
			}
			_, err := f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint("p", i), ContactID: f.contact.ID,
				Message: &desk.NewMessage{Text: "hi", Author: desk.Actor{Kind: desk.ActorContact, ID: f.contact.ID}}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := int64(len(dense(a)))
	dense(b)

	boom := errors.New("boom")
	err := a.svc.Update(ctx, a.ws.ID, func(tx desk.Tx, ch *desk.Change) error {
		locked, err := tx.LockTicket(ctx, a.ws.ID, tk.ID)
		if err != nil {
			return err
		}
		if err := a.svc.Record(ctx, tx, ch, locked, desk.System, desk.EventFieldChanged, "", "x", "doomed"); err != nil {
			return err
		}
		evs, err := tx.Events(ctx, a.ws.ID, tk.ID) // numbers the held-back event
		if err != nil || evs[len(evs)-1].Seq != n+1 {
			return fmt.Errorf("tx reads its numbered event as %+v, %v", evs[len(evs)-1], err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	sub := "renamed"
	if _, err := a.svc.UpdateTicket(ctx, a.ws.ID, tk.ID, desk.System, desk.TicketPatch{Subject: &sub}); err != nil {
		t.Fatal(err)
	}
	if evs := dense(a); int64(len(evs)) != n+1 || evs[n].Reason != "subject" {
		t.Fatalf("after a rollback the next event is %+v, want seq %d", evs[len(evs)-1], n+1)
	}
	page := feed(a, 2, 3)
	if len(page) != 3 || page[0].Seq != 3 || page[2].Seq != 5 {
		t.Fatalf("page after 2, limit 3 = %d events from %d", len(page), page[0].Seq)
	}
	if evs := feed(a, n+1, 10); len(evs) != 0 {
		t.Fatalf("after the last seq: %d events", len(evs))
	}
	if last, err := st.LastEventSeq(ctx, a.ws.ID); err != nil || last != n+1 {
		t.Fatalf("LastEventSeq = %d, %v; want %d", last, err, n+1)
	}
	if last, err := st.LastEventSeq(ctx, "0123456789abcdef01234567"); err != nil || last != 0 {
		t.Fatalf("LastEventSeq of no workspace = %d, %v; want 0", last, err)
	}
}

func testTokens(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	now := time.Now().UTC().Truncate(time.Millisecond)
	tok := &desk.Token{ID: objectid.New(now), WorkspaceID: f.ws.ID, AgentID: f.admin.ID, Hash: []byte("0123456789abcdef0123456789abcdef"),
		Label: "cli", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.CreateToken(ctx, tok) }); err != nil {
		t.Fatal(err)
	}
	got, err := st.TokenByHash(ctx, tok.Hash)
	if err != nil || got.AgentID != f.admin.ID || !got.ExpiresAt.Equal(tok.ExpiresAt) || got.Label != "cli" {
		t.Fatalf("TokenByHash = %+v, %v", got, err)
	}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.DeleteToken(ctx, f.ws.ID, tok.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, tok.Hash); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("deleted token: %v", err)
	}
}

func testFieldDefs(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	now := time.Now().UTC().Truncate(time.Millisecond)
	def := &desk.FieldDef{ID: objectid.New(now), WorkspaceID: f.ws.ID, Key: "field_1", Scope: "ticket", Label: "Color",
		Type: "select", Options: []desk.FieldOption{{ID: "1", Value: "red"}, {ID: "2", Value: "blue"}}, CreatedAt: now}
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.PutFieldDef(ctx, def) }); err != nil {
		t.Fatal(err)
	}
	def.Label = "Colour"
	if err := st.Update(ctx, func(tx desk.Tx) error { return tx.PutFieldDef(ctx, def) }); err != nil {
		t.Fatal(err)
	}
	defs, err := st.FieldDefs(ctx, f.ws.ID, "ticket")
	if err != nil || len(defs) != 1 || defs[0].Label != "Colour" || len(defs[0].Options) != 2 {
		t.Fatalf("FieldDefs = %+v, %v", defs, err)
	}
	_, err = f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{CustomFields: desk.Fields{{Key: "field_1", Value: json.RawMessage(`"green"`)}}})
	if !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("invalid option: %v", err)
	}
	_, err = f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{CustomFields: desk.Fields{{Key: "field_9", Value: json.RawMessage(`"x"`)}}})
	if !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("unknown field: %v", err)
	}
	if n, _ := st.CountTickets(ctx, f.ws.ID, desk.TicketFilter{}); n != 0 {
		t.Fatalf("rejected tickets were stored: %d", n)
	}
	if _, err := f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{CustomFields: desk.Fields{{Key: "field_1", Value: json.RawMessage(`"blue"`)}}}); err != nil {
		t.Fatal(err)
	}
}

func testAgentLoads(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	a, _ := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Bo", Email: "bo@x.test", GroupIDs: []string{f.group.ID}})
	b, _ := f.svc.CreateAgent(ctx, f.ws.ID, desk.NewAgent{Name: "Cy", Email: "cy@x.test"})
	f.ticket(t, desk.NewTicket{AssigneeID: a.ID})
	f.ticket(t, desk.NewTicket{AssigneeID: a.ID})
	done := f.ticket(t, desk.NewTicket{AssigneeID: a.ID})
	f.ticket(t, desk.NewTicket{AssigneeID: b.ID})
	if _, err := f.svc.Close(ctx, f.ws.ID, done.ID, desk.System, "", ""); err != nil {
		t.Fatal(err)
	}
	loads, err := st.AgentLoads(ctx, f.ws.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range loads {
		got[l.Agent.Name] = l.Active
	}
	if got["Bo"] != 2 || got["Cy"] != 1 || got["Admin"] != 0 || len(got) != 3 {
		t.Fatalf("loads = %v", got)
	}
	inGroup, err := st.AgentLoads(ctx, f.ws.ID, f.group.ID)
	if err != nil || len(inGroup) != 1 || inGroup[0].Agent.ID != a.ID || inGroup[0].Active != 2 {
		t.Fatalf("group loads = %+v, %v", inGroup, err)
	}
}

func testRollback(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx desk.Tx) error {
		now := time.Now()
		tk := &desk.Ticket{ID: objectid.New(now), WorkspaceID: f.ws.ID, Status: desk.StatusNew, Channel: desk.ChannelEmail,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		if _, err := tx.Ticket(ctx, f.ws.ID, tk.ID); err != nil {
			return fmt.Errorf("tx does not read its own write: %w", err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if n, _ := st.CountTickets(ctx, f.ws.ID, desk.TicketFilter{}); n != 0 {
		t.Fatalf("rolled-back ticket visible: %d", n)
	}
	tk := f.ticket(t, desk.NewTicket{})
	if tk.Number != 1 {
		t.Fatalf("number after rollback = %d, want 1 (allocation rolled back too)", tk.Number)
	}
}

func testFailingWriteSparesNeighbours(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%4 == 0 {
				// A duplicate group name fails inside the store.
				_, errs[i] = f.svc.CreateGroup(ctx, f.ws.ID, "cs", "")
				return
			}
			_, errs[i] = f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint(i)})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if i%4 == 0 && !errors.Is(err, desk.ErrConflict) {
			t.Errorf("write %d: %v, want conflict", i, err)
		}
		if i%4 != 0 && err != nil {
			t.Errorf("write %d failed beside a bad neighbour: %v", i, err)
		}
	}
	if n, _ := st.CountTickets(ctx, f.ws.ID, desk.TicketFilter{}); n != 30 {
		t.Fatalf("stored %d tickets, want 30", n)
	}
}

func testParallelNumbers(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	const n = 64
	var wg sync.WaitGroup
	nums := make([]int64, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tk, err := f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint(i)})
			errs[i] = err
			if err == nil {
				nums[i] = tk.Number
			}
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	for i, v := range nums {
		if v != int64(i+1) {
			t.Fatalf("numbers not 1..%d without gaps or duplicates: %v", n, nums)
		}
	}
	// Messages of every ticket got distinct numbers too.
	all, err := st.Tickets(ctx, f.ws.ID, desk.TicketFilter{})
	if err != nil || len(all) != n {
		t.Fatalf("Tickets = %d, %v", len(all), err)
	}
}

// testParallelSettings has concurrent transactions each add one holiday
// to the workspace's settings (one JSON value) through LockWorkspace, and
// raise an agent's capacity through LockAgent: none may be lost, as READ
// COMMITTED without the locks would lose them.
func testParallelSettings(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = st.Update(ctx, func(tx desk.Tx) error {
				w, err := tx.LockWorkspace(ctx, f.ws.ID)
				if err != nil {
					return err
				}
				// Widen the window between read and write.
				if _, err := tx.Agents(ctx, f.ws.ID, desk.AgentFilter{}); err != nil {
					return err
				}
				w.Settings.Holidays = append(w.Settings.Holidays, desk.Holiday{Date: fmt.Sprintf("2027-01-%02d", i+1)})
				return tx.UpdateWorkspaceSettings(ctx, f.ws.ID, w.Settings)
			})
		}(i)
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	w, err := st.Workspace(ctx, f.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Settings.Holidays) != n {
		t.Fatalf("holidays after %d concurrent additions = %d: %v", n, len(w.Settings.Holidays), w.Settings.Holidays)
	}
	if err := st.Update(ctx, func(tx desk.Tx) error { _, err := tx.LockWorkspace(ctx, "no-such-workspace"); return err }); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("LockWorkspace(missing) = %v, want ErrNotFound", err)
	}

	// An agent row, the same way: each transaction raises its capacity
	// by one (every agent write replaces the whole row).
	before := f.admin.Capacity
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = st.Update(ctx, func(tx desk.Tx) error {
				a, err := tx.LockAgent(ctx, f.ws.ID, f.admin.ID)
				if err != nil {
					return err
				}
				if _, err := tx.Agents(ctx, f.ws.ID, desk.AgentFilter{}); err != nil {
					return err
				}
				a.Capacity++
				return tx.UpdateAgent(ctx, a)
			})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("agent update %d: %v", i, err)
		}
	}
	a, err := st.Agent(ctx, f.ws.ID, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Capacity != before+n {
		t.Fatalf("capacity after %d concurrent raises = %d, want %d", n, a.Capacity, before+n)
	}
	for name, lock := range map[string]func(desk.Tx) error{
		"LockAgent":          func(tx desk.Tx) error { _, err := tx.LockAgent(ctx, f.ws.ID, "no-such-agent"); return err },
		"LockChannelAccount": func(tx desk.Tx) error { _, err := tx.LockChannelAccount(ctx, f.ws.ID, "no-such-account"); return err },
	} {
		if err := st.Update(ctx, lock); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("%s(missing) = %v, want ErrNotFound", name, err)
		}
	}
}

func testIsolation(t *testing.T, st desk.Store) {
	a := newFixture(t, st, "acme")
	b := newFixture(t, st, "globex")
	ta := a.ticket(t, desk.NewTicket{Subject: "a"})
	tb := b.ticket(t, desk.NewTicket{Subject: "b"})
	if ta.Number != 1 || tb.Number != 1 {
		t.Fatalf("numbers are per workspace: %d, %d", ta.Number, tb.Number)
	}
	if _, err := st.Ticket(ctx, b.ws.ID, ta.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("ticket of another workspace: %v", err)
	}
	if _, err := st.Contact(ctx, b.ws.ID, a.contact.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("contact of another workspace: %v", err)
	}
	if _, err := b.svc.CreateTicket(ctx, b.ws.ID, desk.System, desk.NewTicket{ContactID: a.contact.ID}); !errors.Is(err, desk.ErrInvalid) {
		t.Fatalf("ticket with another workspace's contact: %v", err)
	}
	list, _ := st.Tickets(ctx, b.ws.ID, desk.TicketFilter{})
	if len(list) != 1 || list[0].ID != tb.ID {
		t.Fatalf("list leaks across workspaces: %v", list)
	}
	if msgs, _ := st.Messages(ctx, b.ws.ID, ta.ID, desk.MessageFilter{}); len(msgs) != 0 {
		t.Fatal("messages leak across workspaces")
	}
}

func testNotFound(t *testing.T, st desk.Store) {
	f := newFixture(t, st, "acme")
	missing := objectid.New(time.Now())
	checks := map[string]error{}
	_, checks["Workspace"] = st.Workspace(ctx, missing)
	_, checks["Agent"] = st.Agent(ctx, f.ws.ID, missing)
	_, checks["Group"] = st.Group(ctx, f.ws.ID, missing)
	_, checks["Contact"] = st.Contact(ctx, f.ws.ID, missing)
	_, checks["Ticket"] = st.Ticket(ctx, f.ws.ID, missing)
	_, checks["TicketByNumber"] = st.TicketByNumber(ctx, f.ws.ID, 42)
	_, checks["Attachment"] = st.Attachment(ctx, f.ws.ID, missing)
	checks["UpdateTicket"] = st.Update(ctx, func(tx desk.Tx) error {
		return tx.UpdateTicket(ctx, &desk.Ticket{ID: missing, WorkspaceID: f.ws.ID})
	})
	checks["LockTicket"] = st.Update(ctx, func(tx desk.Tx) error { _, err := tx.LockTicket(ctx, f.ws.ID, missing); return err })
	for name, err := range checks {
		if !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", name, err)
		}
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// An unfiltered count reads the count the triggers keep; it must agree with
// counting the rows, per workspace, through creates and a rolled-back one.
func testTicketCounts(t *testing.T, st desk.Store) {
	a, b := newFixture(t, st, "acme"), newFixture(t, st, "globex")
	for i := range 5 {
		f := a
		if i%2 == 1 {
			f = b
		}
		if _, err := f.svc.CreateTicket(ctx, f.ws.ID, desk.System, desk.NewTicket{Subject: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx desk.Tx) error {
		tk := &desk.Ticket{ID: objectid.New(time.Now()), WorkspaceID: a.ws.ID, Subject: "rolled back", Status: desk.StatusNew,
			Channel: desk.ChannelEmail, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("rolled-back create: %v", err)
	}
	for _, c := range []struct {
		f    *fixture
		want int64
	}{{a, 3}, {b, 2}} {
		all, err := st.CountTickets(ctx, c.f.ws.ID, desk.TicketFilter{})
		if err != nil {
			t.Fatal(err)
		}
		counted, err := st.CountTickets(ctx, c.f.ws.ID, desk.TicketFilter{Statuses: desk.Statuses})
		if err != nil {
			t.Fatal(err)
		}
		if all != c.want || counted != c.want {
			t.Errorf("%s: count %d, counted %d, want %d", c.f.ws.Name, all, counted, c.want)
		}
	}
	if n, err := st.CountTickets(ctx, objectid.New(time.Now()), desk.TicketFilter{}); err != nil || n != 0 {
		t.Errorf("unknown workspace: %d, %v", n, err)
	}
}

// testDirectoryVersion holds DirectoryVersion to its contract: every write
// to what sits beside the tickets (the workspace, agents, their presence, groups, field
// definitions, macros, saved replies, SLA policies) moves Directory, tickets do
// not; what a list shows of a contact (name, e-mail, phone) and deleting
// one move Contacts and nothing else, other details and new contacts do
// not; one workspace's writes leave another's alone.
func testDirectoryVersion(t *testing.T, st desk.Store) {
	a, b := newFixture(t, st, "acme"), newFixture(t, st, "globex")
	ver := func(f *fixture) desk.DirectoryVersion {
		t.Helper()
		v, err := st.DirectoryVersion(ctx, f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v, err := st.DirectoryVersion(ctx, "0123456789abcdef01234567"); err != nil || v != (desk.DirectoryVersion{}) {
		t.Fatalf("DirectoryVersion of no workspace = %+v, %v; want zeros", v, err)
	}
	caller := desk.Caller{AgentID: a.admin.ID, Role: desk.RoleAdmin}
	name := "Billing"
	steps := []struct {
		what string
		do   func() error
	}{
		{"workspace rename", func() error {
			return st.Update(ctx, func(tx desk.Tx) error { return tx.UpdateWorkspace(ctx, a.ws.ID, "acme2", "UTC") })
		}},
		{"presence", func() error {
			_, err := a.svc.SetPresence(ctx, a.ws.ID, a.admin.ID, desk.PresenceOnline, desk.Actor{Kind: desk.ActorAgent, ID: a.admin.ID})
			return err
		}},
		{"group rename", func() error {
			_, err := a.svc.UpdateGroup(ctx, a.ws.ID, a.group.ID, desk.GroupPatch{Name: &name})
			return err
		}},
		{"field definition", func() error {
			_, err := a.svc.PutFieldDef(ctx, a.ws.ID, desk.FieldDef{Key: "order", Scope: "ticket", Label: "Order", Type: "text"})
			return err
		}},
		{"contact field definition", func() error {
			_, err := a.svc.PutFieldDef(ctx, a.ws.ID, desk.FieldDef{Key: "tier", Scope: "contact", Label: "Tier", Type: "text"})
			return err
		}},
		{"macro", func() error {
			_, err := a.svc.CreateMacro(ctx, a.ws.ID, caller, desk.NewMacro{Name: "Thanks", Reply: "Thank you", Shared: true})
			return err
		}},
		{"saved reply", func() error {
			_, err := a.svc.CreateSavedReply(ctx, a.ws.ID, caller, desk.NewSavedReply{Name: "Hi", Text: "Hello", Shared: true})
			return err
		}},
		{"SLA policy", func() error {
			return st.Update(ctx, func(tx desk.Tx) error {
				return tx.PutSLAPolicy(ctx, &desk.SLAPolicy{WorkspaceID: a.ws.ID, Priority: desk.PriorityHigh, FirstReply: time.Hour})
			})
		}},
	}
	other := ver(b)
	for _, s := range steps {
		before := ver(a)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if after := ver(a); after.Directory == before.Directory || after.Contacts != before.Contacts {
			t.Errorf("%s: version %+v → %+v; want Directory moved, Contacts not", s.what, before, after)
		}
	}
	before := ver(a)
	a.ticket(t, desk.NewTicket{Subject: "Where is my order?", Channel: desk.ChannelEmail})
	if after := ver(a); after != before {
		t.Errorf("a new ticket moved the directory version %+v → %+v", before, after)
	}

	// Contacts: what a list row shows of one (contactName in internal/web).
	str := func(s string) *string { return &s }
	patch := func(p desk.ContactPatch) func() error {
		return func() error { _, err := a.svc.UpdateContact(ctx, a.ws.ID, a.contact.ID, p); return err }
	}
	var bea *desk.Contact
	contactSteps := []struct {
		what  string
		do    func() error
		moves bool
	}{
		{"new contact", func() (err error) {
			bea, err = a.svc.CreateContact(ctx, a.ws.ID, desk.NewContact{Name: "Bea", Email: "bea@example.com", Phone: "+56933334444"})
			return err
		}, false},
		{"rename", patch(desk.ContactPatch{Name: str("Ana María Pérez")}), true},
		{"new e-mail", patch(desk.ContactPatch{Email: str("ana.maria@example.com")}), true},
		{"new phone", patch(desk.ContactPatch{Phone: str("+56955556666")}), true},
		{"phone cleared", patch(desk.ContactPatch{Phone: str("")}), true},
		{"the same name again", patch(desk.ContactPatch{Name: str("Ana María Pérez")}), false},
		{"first and last name, national id", patch(desk.ContactPatch{FirstName: str("Ana"), LastName: str("Pérez"),
			NationalID: str("11.111.111-1")}), false},
		{"custom field", patch(desk.ContactPatch{CustomFields: desk.Fields{{Key: "tier", Value: json.RawMessage(`"gold"`)}}}), false},
		{"identities", patch(desk.ContactPatch{Identities: &[]desk.Identity{{Channel: desk.ChannelWhatsApp, ExternalID: "+56955556666"}}}), false},
		{"door meta", func() error {
			return st.Update(ctx, func(tx desk.Tx) error {
				c, err := tx.Contact(ctx, a.ws.ID, a.contact.ID)
				if err != nil {
					return err
				}
				c.Meta = map[string]map[string]json.RawMessage{"door": {"handle": json.RawMessage(`"ana2"`)}}
				c.UpdatedAt = time.Now()
				return tx.UpdateContact(ctx, c)
			})
		}, false},
		// Bea has a name, an e-mail and a phone: the merge changes none of
		// Ana's, so only Bea's deletion moves the number.
		{"merge (a delete)", func() error {
			_, _, err := a.svc.MergeContacts(ctx, a.ws.ID, caller, desk.Actor{Kind: desk.ActorAgent, ID: a.admin.ID}, bea.ID, a.contact.ID)
			return err
		}, true},
	}
	for _, s := range contactSteps {
		before := ver(a)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		after := ver(a)
		if after.Directory != before.Directory {
			t.Errorf("%s moved the Directory number %d → %d", s.what, before.Directory, after.Directory)
		}
		if moved := after.Contacts != before.Contacts; moved != s.moves {
			t.Errorf("%s: Contacts %d → %d; want moved %v", s.what, before.Contacts, after.Contacts, s.moves)
		}
	}
	if _, err := st.Contact(ctx, a.ws.ID, a.contact.ID); !errors.Is(err, desk.ErrNotFound) {
		t.Errorf("the merged contact is still there: %v", err)
	}
	if got := ver(b); got != other {
		t.Errorf("acme's writes moved globex's version %+v → %+v", other, got)
	}
}
