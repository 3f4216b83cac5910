package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// One permission policy, every door: TestPermissions asks the same thing
// through the native API and each dialect that can ask it, as each role, on
// tickets nobody owns, tickets an agent owns and tickets a bot holds, under
// each ticket-access setting, and checks every door answers as the matrix
// of docs/permissions.md says (allowed, 403, or 404 for a ticket the caller
// may not see). The oracle below is that matrix, written apart from desk.

type permCaller struct {
	name  string
	role  desk.Role
	agent *desk.Agent
	token string // native bearer, PostCenter key
	basic string // Bangwo8
	dolph string // 3Dolphins bearer
}

type permEnv struct {
	*servertest.Env
	ctx                 context.Context
	g1, g2              *desk.Group
	ana, ben, sue, robo *permCaller
	admin               *permCaller
}

// permOracle is the matrix: "ok", "forbidden" or "hidden".
func permOracle(c *permCaller, owner string, act desk.Action, access desk.TicketAccess, e *permEnv) string {
	switch c.role {
	case desk.RoleAdmin, desk.RoleSupervisor:
		return "ok"
	}
	mine := owner == c.name
	if c.role == desk.RoleAgent {
		visible := true
		switch access {
		case desk.AccessGroups: // every test ticket is in g1; ana is in g1, ben in g2
			visible = mine || c.name == "ana"
		case desk.AccessOwn:
			visible = mine
		}
		if !visible {
			return "hidden"
		}
	}
	free := owner == "" || mine
	switch act {
	case desk.ActView, desk.ActNote:
		return "ok"
	case desk.ActWork, desk.ActTransfer:
		if free || (c.role == desk.RoleBot && owner == "robo") {
			return "ok"
		}
	case desk.ActHandoff, desk.ActTake:
		// ActTake here: the caller takes the ticket for itself; from a bot
		// that is the hand-over, which anyone may do.
		if free || owner == "robo" {
			return "ok"
		}
	case desk.ActActFor:
		// Writing a reply as someone else is a reply (work) too.
		if c.role == desk.RoleBot && (free || owner == "robo") {
			return "ok"
		}
	}
	return "forbidden"
}

// permDoor asks for one action through one door.
type permDoor struct {
	door string
	act  desk.Action
	// send returns "ok", "forbidden", "hidden" or a description.
	send func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string
}

func classify(status int, body []byte) string {
	switch {
	case status >= 200 && status < 300:
		return "ok"
	case status == 403:
		return "forbidden"
	case status == 404:
		return "hidden"
	}
	return fmt.Sprintf("%d %s", status, body)
}

func permDoors() []permDoor {
	native := func(method, path string, body func(e *permEnv, c *permCaller, tk *desk.Ticket) any) func(*testing.T, *permEnv, *permCaller, *desk.Ticket) string {
		return func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			var b any
			if body != nil {
				b = body(e, c, tk)
			}
			res := e.Do(method, strings.ReplaceAll(path, "{id}", tk.ID), b, servertest.Bearer(c.token))
			return classify(res.Status, res.Body)
		}
	}
	bangwo8 := func(body func(e *permEnv, c *permCaller) string) func(*testing.T, *permEnv, *permCaller, *desk.Ticket) string {
		return func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			res := e.Do("PUT", fmt.Sprintf("/bangwo8/api/v1/tickets/%d.json", tk.Number), body(e, c), c.basic)
			return classify(res.Status, res.Body)
		}
	}
	dolphins := func(method, path string, body func(e *permEnv, c *permCaller, tk *desk.Ticket) any) func(*testing.T, *permEnv, *permCaller, *desk.Ticket) string {
		return func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			res := e.Do(method, "/dolphin/apiv1/graph"+strings.ReplaceAll(path, "{n}", fmt.Sprint(tk.Number)), body(e, c, tk), c.dolph)
			return classify(res.Status, res.Body)
		}
	}
	num := func(tk *desk.Ticket) string { return fmt.Sprint(tk.Number) }
	other := func(e *permEnv, c *permCaller) *permCaller {
		if c.name == "ben" {
			return e.ana
		}
		return e.ben
	}
	return []permDoor{
		{"native GET", desk.ActView, native("GET", "/api/v1/tickets/{id}", nil)},
		{"postcenter GET", desk.ActView, func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			res := e.Do("GET", "/postcenter/v2/ticket/"+tk.ID+"/", nil, "Authorization: Key "+c.token)
			return classify(res.Status, res.Body)
		}},
		{"3dolphins E1", desk.ActView, func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			// E1 never answers 404 (spec A1): a ticket one may not see is
			// an empty list.
			res := e.Do("GET", "/dolphin/apiv1/graph/tickets/"+num(tk), nil, c.dolph)
			if res.Status != 200 {
				return classify(res.Status, res.Body)
			}
			var out struct{ Data []json.RawMessage }
			res.JSON(t, &out)
			if len(out.Data) == 0 {
				return "hidden"
			}
			return "ok"
		}},
		{"native note", desk.ActNote, native("POST", "/api/v1/tickets/{id}/messages", func(*permEnv, *permCaller, *desk.Ticket) any {
			return map[string]any{"text": "note", "public": false}
		})},
		{"bangwo8 private reply", desk.ActNote, bangwo8(func(*permEnv, *permCaller) string {
			return `{"ticket": {"ticketReply": {"replyMsg": "内部备注", "isPrivate": true}}}`
		})},
		{"native reply", desk.ActWork, native("POST", "/api/v1/tickets/{id}/messages", func(*permEnv, *permCaller, *desk.Ticket) any {
			return map[string]any{"text": "hello"}
		})},
		{"native PATCH", desk.ActWork, native("PATCH", "/api/v1/tickets/{id}", func(*permEnv, *permCaller, *desk.Ticket) any {
			return map[string]any{"priority": "high"}
		})},
		{"bangwo8 update", desk.ActWork, bangwo8(func(*permEnv, *permCaller) string { return `{"ticket": {"priorityLevel": 3}}` })},
		{"3dolphins update", desk.ActWork, dolphins("PUT", "/tickets/update/{n}", func(*permEnv, *permCaller, *desk.Ticket) any {
			return map[string]any{"severity": "High"}
		})},
		{"3dolphins sendMessage", desk.ActWork, dolphins("POST", "/tickets/sendMessage", func(_ *permEnv, _ *permCaller, tk *desk.Ticket) any {
			return map[string]any{"ticketNumber": num(tk), "channelType": "email", "message": "hello"}
		})},
		{"postcenter close", desk.ActWork, func(t *testing.T, e *permEnv, c *permCaller, tk *desk.Ticket) string {
			res := e.Do("POST", "/postcenter/v2/ticket/"+tk.ID+"/close/", nil, "Authorization: Key "+c.token)
			return classify(res.Status, res.Body)
		}},
		{"native transfer by PATCH", desk.ActTransfer, native("PATCH", "/api/v1/tickets/{id}", func(e *permEnv, _ *permCaller, _ *desk.Ticket) any {
			return map[string]any{"group_id": e.g2.ID}
		})},
		{"3dolphins transfer", desk.ActTransfer, dolphins("PUT", "/tickets/update/transfer", func(e *permEnv, _ *permCaller, tk *desk.Ticket) any {
			return map[string]any{"ticketNumber": num(tk), "group": e.g2.ID}
		})},
		{"bangwo8 servicerGroupId", desk.ActTransfer, bangwo8(func(e *permEnv, _ *permCaller) string {
			return fmt.Sprintf(`{"ticket": {"servicerGroupId": %d}}`, e.g2.Number)
		})},
		{"native take by PATCH", desk.ActTake, native("PATCH", "/api/v1/tickets/{id}", func(_ *permEnv, c *permCaller, _ *desk.Ticket) any {
			return map[string]any{"assignee_id": c.agent.ID, "force": false}
		})},
		{"native assign route", desk.ActTake, native("POST", "/api/v1/tickets/{id}/assign", func(_ *permEnv, c *permCaller, _ *desk.Ticket) any {
			return map[string]any{"agent_id": c.agent.ID}
		})},
		{"3dolphins reassign to self", desk.ActTake, dolphins("PUT", "/tickets/update/reassign", func(_ *permEnv, c *permCaller, tk *desk.Ticket) any {
			return map[string]any{"ticketNumber": num(tk), "teamMember": map[string]string{"id": c.agent.ID}}
		})},
		{"bangwo8 servicerUserId self", desk.ActTake, bangwo8(func(_ *permEnv, c *permCaller) string {
			return fmt.Sprintf(`{"ticket": {"servicerUserId": %d}}`, c.agent.Number)
		})},
		{"native handoff", desk.ActHandoff, native("POST", "/api/v1/tickets/{id}/handoff", func(*permEnv, *permCaller, *desk.Ticket) any {
			return map[string]any{}
		})},
		{"3dolphins transferToAgent", desk.ActHandoff, dolphins("PUT", "/tickets/update/transferToAgent", func(e *permEnv, _ *permCaller, tk *desk.Ticket) any {
			return map[string]any{"ticketNumber": num(tk), "group": e.g1.ID}
		})},
		{"native reply as another agent", desk.ActActFor, native("POST", "/api/v1/tickets/{id}/messages", func(e *permEnv, c *permCaller, _ *desk.Ticket) any {
			return map[string]any{"text": "for you", "author": map[string]string{"kind": "agent", "id": other(e, c).agent.ID}}
		})},
		{"3dolphins sendMessage as another agent", desk.ActActFor, dolphins("POST", "/tickets/sendMessage", func(e *permEnv, c *permCaller, tk *desk.Ticket) any {
			return map[string]any{"ticketNumber": num(tk), "channelType": "email", "message": "for you", "replyAgent": other(e, c).agent.ID}
		})},
	}
}

func newPermEnv(t *testing.T, se *servertest.Env) *permEnv {
	ctx := context.Background()
	e := &permEnv{Env: se, ctx: ctx}
	var err error
	if e.g1, err = se.Deps.Desk.CreateGroup(ctx, se.Workspace.ID, "Billing", ""); err != nil {
		t.Fatal(err)
	}
	if e.g2, err = se.Deps.Desk.CreateGroup(ctx, se.Workspace.ID, "Shipping", ""); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, role desk.Role, groups ...string) *permCaller {
		a, tok := se.Agent(desk.NewAgent{Name: name, Email: name + "@acme.test", Role: role, GroupIDs: groups})
		c := &permCaller{name: name, role: role, agent: a, token: tok,
			basic: "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(a.Email+":"+servertest.Password))}
		res := se.Do("POST", "/dolphin/apiv1/graph/auth", map[string]string{"username": a.Email, "password": servertest.Password})
		var out struct{ Token string }
		res.JSON(t, &out)
		if out.Token == "" {
			t.Fatalf("3Dolphins login of %s: %d %s", name, res.Status, res.Body)
		}
		c.dolph = "Authorization: Bearer " + out.Token
		return c
	}
	e.ana = mk("ana", desk.RoleAgent, e.g1.ID)
	e.ben = mk("ben", desk.RoleAgent, e.g2.ID)
	e.sue = mk("sue", desk.RoleSupervisor)
	e.robo = mk("robo", desk.RoleBot)
	admin := &permCaller{name: "admin", role: desk.RoleAdmin, agent: se.Admin, token: se.AdminToken,
		basic: "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(se.Admin.Email+":"+servertest.Password))}
	res := se.Do("POST", "/dolphin/apiv1/graph/auth", map[string]string{"username": se.Admin.Email, "password": servertest.Password})
	var out struct{ Token string }
	res.JSON(t, &out)
	admin.dolph = "Authorization: Bearer " + out.Token
	e.admin = admin
	return e
}

// ticket makes a ticket in g1 owned by owner ("", "ana" or "robo").
func (e *permEnv) ticket(t *testing.T, owner string) *desk.Ticket {
	t.Helper()
	in := desk.NewTicket{Subject: "perm", Channel: desk.ChannelEmail, GroupID: e.g1.ID,
		Message: &desk.NewMessage{Text: "hello", Author: desk.Actor{Kind: desk.ActorContact}}}
	switch owner {
	case "ana":
		in.AssigneeID = e.ana.agent.ID
	case "robo":
		in.AssigneeID = e.robo.agent.ID
	}
	tk, err := e.Deps.Desk.CreateTicket(e.ctx, e.Workspace.ID, desk.Actor{Kind: desk.ActorAgent, ID: e.Admin.ID}, in)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestPermissions(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newPermEnv(t, se)
		callers := []*permCaller{e.admin, e.sue, e.ana, e.ben, e.robo}
		for _, access := range []desk.TicketAccess{desk.AccessAll, desk.AccessGroups, desk.AccessOwn} {
			res := e.Do("PATCH", "/api/v1/workspace/settings", map[string]string{"ticket_access": string(access)}, servertest.Bearer(e.AdminToken))
			if res.Status != 200 {
				t.Fatalf("set ticket_access %s: %d %s", access, res.Status, res.Body)
			}
			for _, d := range permDoors() {
				for _, c := range callers {
					for _, owner := range []string{"", "ana", "robo"} {
						tk := e.ticket(t, owner)
						want := permOracle(c, owner, d.act, access, e)
						if got := d.send(t, e, c, tk); got != want {
							t.Errorf("access %s, %s as %s on a ticket owned by %q: %s, want %s", access, d.door, c.name, owner, got, want)
						}
					}
				}
			}
		}
	})
}

// Lists and searches show an agent only what it may see, through every
// door that lists for agents.
func TestPermissionsLists(t *testing.T) {
	servertest.Run(t, func(t *testing.T, se *servertest.Env) {
		e := newPermEnv(t, se)
		mine := e.ticket(t, "ana")
		free := e.ticket(t, "")
		res := e.Do("PATCH", "/api/v1/workspace/settings", map[string]string{"ticket_access": "own"}, servertest.Bearer(e.AdminToken))
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		count := func(path, auth string) string {
			t.Helper()
			res := e.Do("GET", path, nil, auth)
			if res.Status != 200 {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			b := string(res.Body)
			has := func(tk *desk.Ticket) bool {
				return strings.Contains(b, tk.ID) || strings.Contains(b, fmt.Sprintf(`"ticketNumber":"%d"`, tk.Number)) ||
					strings.Contains(b, fmt.Sprintf(`"ticketId":%d,`, tk.Number))
			}
			return fmt.Sprintf("mine=%v free=%v", has(mine), has(free))
		}
		for _, c := range []struct {
			name, path, auth, want string
		}{
			{"native list, ana", "/api/v1/tickets", servertest.Bearer(e.ana.token), "mine=true free=false"},
			{"native list, ben", "/api/v1/tickets", servertest.Bearer(e.ben.token), "mine=false free=false"},
			{"native list, supervisor", "/api/v1/tickets", servertest.Bearer(e.sue.token), "mine=true free=true"},
			{"native search, ana", "/api/v1/search?q=perm", servertest.Bearer(e.ana.token), "mine=true free=false"},
			{"native search, ben", "/api/v1/search?q=perm", servertest.Bearer(e.ben.token), "mine=false free=false"},
			{"3dolphins list, ana", "/dolphin/apiv1/graph/tickets?start=0&count=50", e.ana.dolph, "mine=true free=false"},
			{"3dolphins list, ben", "/dolphin/apiv1/graph/tickets?start=0&count=50", e.ben.dolph, "mine=false free=false"},
			{"postcenter state, ana", "/postcenter/v2/tickets/state/open", "Authorization: Key " + e.ana.token, "mine=true free=false"},
			{"postcenter state, ben", "/postcenter/v2/tickets/state/open", "Authorization: Key " + e.ben.token, "mine=false free=false"},
			{"bangwo8 search, ana", "/bangwo8/api/v1/tickets/search.json?query=perm", e.ana.basic, "mine=true free=false"},
		} {
			if got := count(c.path, c.auth); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
	})
}
