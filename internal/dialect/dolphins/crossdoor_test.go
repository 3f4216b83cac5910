package dolphins_test

import (
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// TestCrossDoor: what this door does is what every other door reads. A
// ticket escalated here is ESCALATED in pd-oneview and escalated in the
// native API; closed here, it is closed in PostCenter and 手动关闭 (or
// 已解决 when the workspace resolves on close) in Bangwo8.
func TestCrossDoor(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		admin := servertest.Bearer(e.AdminToken)
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})

		f.ok(f.do("PUT", "/graph/tickets/update/escalate", map[string]string{"ticketNumber": tn(tk), "supervisorId": f.sup.ID}, f.tAgent))
		native := e.Do("GET", "/api/v1/tickets/"+tk.ID, nil, admin).Map(t)
		if native["escalated"] != true || native["assignee_id"] != f.sup.ID {
			t.Fatalf("native API after escalate: escalated %v assignee %v", native["escalated"], native["assignee_id"])
		}
		res := e.Do("GET", "/chat-ticket/v1/"+f.sup.ID+"/tickets", nil, admin)
		if res.Status != 200 {
			t.Fatalf("pd-oneview: %d %s", res.Status, res.Body)
		}
		var ov []map[string]any
		res.JSON(t, &ov)
		found := false
		for _, x := range ov {
			if x["id"] == tk.ID {
				found = true
				if x["ticketStatus"] != "ESCALATED" {
					t.Errorf("pd-oneview ticketStatus = %v, want ESCALATED", x["ticketStatus"])
				}
			}
		}
		if !found {
			t.Fatalf("pd-oneview does not list the escalated ticket for its supervisor: %s", res.Body)
		}

		// Close here; read it in PostCenter, Bangwo8 and the native API.
		f.ok(f.do("PUT", "/graph/tickets/update/close", map[string]string{"ticketNumber": tn(tk)}, f.tSup))
		pc := e.Do("GET", "/postcenter/v2/ticket/"+tk.ID+"/", nil, "Authorization: Key "+e.AdminToken)
		if pc.Status != 200 || pc.Map(t)["is_closed"] != true {
			t.Fatalf("PostCenter after close: %d %s", pc.Status, pc.Body)
		}
		bw := e.Do("GET", "/bangwo8/api/v1/tickets/"+tn(tk)+"_v2.json", nil, admin)
		if bw.Status != 200 {
			t.Fatalf("Bangwo8: %d %s", bw.Status, bw.Body)
		}
		if got := num(t, obj(t, decode(t, bw.Body)["ticket"])["ticketStatus"]); got != 6 {
			t.Errorf("Bangwo8 ticketStatus = %d, want 6 (手动关闭)", got)
		}
		if st := e.Do("GET", "/api/v1/tickets/"+tk.ID, nil, admin).Map(t); st["status"] != "closed" || st["escalated"] != false {
			t.Errorf("native after close: %v, escalated %v", st["status"], st["escalated"])
		}
		ov = nil
		e.Do("GET", "/chat-ticket/v1/"+f.sup.ID+"/tickets", nil, admin).JSON(t, &ov)
		for _, x := range ov {
			if x["id"] == tk.ID {
				t.Errorf("pd-oneview still lists the closed ticket as %v", x["ticketStatus"])
			}
		}

		// With resolve-on-close, a Resolved close lands in solved: 已解决.
		err := e.Store.Update(f.ctx, func(tx desk.Tx) error {
			return tx.UpdateWorkspaceSettings(f.ctx, f.ws.ID, desk.WorkspaceSettings{ResolveOnClose: true})
		})
		if err != nil {
			t.Fatal(err)
		}
		tk2 := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		d := obj(t, f.ok(f.do("PUT", "/graph/tickets/update/close", map[string]string{"ticketNumber": tn(tk2), "closureType": "Resolved"}, f.tAgent)).Data)
		if d["status"] != "Closed" || d["closureType"] != "Resolved" {
			t.Fatalf("3D after a resolving close: %v %v", d["status"], d["closureType"])
		}
		if got := f.reload(tk2.ID).Status; got != desk.StatusSolved {
			t.Fatalf("stored status %s, want solved", got)
		}
		bw = e.Do("GET", "/bangwo8/api/v1/tickets/"+tn(tk2)+"_v2.json", nil, admin)
		if got := num(t, obj(t, decode(t, bw.Body)["ticket"])["ticketStatus"]); got != 4 {
			t.Errorf("Bangwo8 ticketStatus = %d, want 4 (已解决)", got)
		}
		if pc := e.Do("GET", "/postcenter/v2/ticket/"+tk2.ID+"/", nil, "Authorization: Key "+e.AdminToken); pc.Map(t)["is_closed"] != true {
			t.Errorf("PostCenter: solved ticket not closed: %s", pc.Body)
		}
	})
}
