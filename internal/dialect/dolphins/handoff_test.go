package dolphins_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// eventTrail is a ticket's event log without ids and instants, for
// comparing what two doors did.
func (f *fx) eventTrail(id string) []desk.Event {
	f.t.Helper()
	evs, err := f.e.Store.Events(f.ctx, f.ws.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	for i := range evs {
		evs[i].ID, evs[i].TicketID, evs[i].At = "", "", time.Time{}
	}
	return evs
}

// nativeHandoff hands a ticket over through the native API.
func (f *fx) nativeHandoff(tok string, t *desk.Ticket, body map[string]any) {
	f.t.Helper()
	res := f.e.Do("POST", "/api/v1/tickets/"+t.ID+"/handoff", body, servertest.Bearer(tok))
	if res.Status != 200 {
		f.t.Fatalf("native handoff: %d %s", res.Status, res.Body)
	}
}

// TestTransferToAgentBotHeld: E16 on a ticket the bot holds — a waiting one
// nobody has taken yet, or one a bot owns — is the native handoff: the same
// status, owner, group and events (with this door's reason), answered with
// transferedFrom "Bot", whoever calls it.
func TestTransferToAgentBotHeld(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		supNative, _, err := e.Deps.Auth.IssueToken(f.ctx, f.sup, "native", 0)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, d map[string]any, want map[string]any) {
			t.Helper()
			for k, v := range want {
				if d[k] != v {
					t.Errorf("%s: %s = %v, want %v", what, k, d[k], v)
				}
			}
		}
		// sameAsNative compares a ticket handed over through E16 with its
		// twin handed over through POST /api/v1/tickets/{id}/handoff.
		sameAsNative := func(what string, got, twin *desk.Ticket) {
			t.Helper()
			a, b := f.reload(got.ID), f.reload(twin.ID)
			if a.Status != b.Status || a.AssigneeID != b.AssigneeID || a.GroupID != b.GroupID || a.SupervisorID != b.SupervisorID ||
				a.TransferredAt.IsZero() != b.TransferredAt.IsZero() {
				t.Errorf("%s: E16 left %s/%q/%q, the native handoff %s/%q/%q", what, a.Status, a.AssigneeID, a.GroupID,
					b.Status, b.AssigneeID, b.GroupID)
			}
			ea, eb := f.eventTrail(got.ID), f.eventTrail(twin.ID)
			if len(ea) != len(eb) {
				t.Fatalf("%s: E16 recorded %d events, the native handoff %d:\n%+v\n%+v", what, len(ea), len(eb), ea, eb)
			}
			for i := range ea {
				x, y := ea[i], eb[i]
				if x.Type != y.Type || x.Actor != y.Actor || x.From != y.From || x.To != y.To {
					t.Errorf("%s: event %d is %s %s→%s by %v, natively %s %s→%s by %v", what, i, x.Type, x.From, x.To, x.Actor,
						y.Type, y.From, y.To, y.Actor)
				}
				if x.Type == desk.EventTransferred && (!strings.Contains(x.Reason, "via 3Dolphins API") || !strings.Contains(x.Reason, "handed off")) {
					t.Errorf("%s: the hand-over's reason is %q", what, x.Reason)
				}
			}
		}

		// A waiting ticket nobody has taken yet, to a group nobody of which
		// is online, by a supervisor (an integration user, as in the
		// vendor's example): Unassigned in the new group, from "Bot".
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		twin := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		if tk.AssigneeID != "" || tk.Status != desk.StatusUnassigned {
			t.Fatalf("the ticket is not waiting: %s %q", tk.Status, tk.AssigneeID)
		}
		d := obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk), "group": f.group2.ID}, f.tSup)).Data)
		check("to a group", d, map[string]any{"status": "Unassigned", "transferedFrom": "Bot", "reassigned": true, "reassignedText": "true",
			"group": f.group2.ID, "toGroup": f.group2.ID, "fromGroup": f.group.ID, "assignedAgent": nil})
		if kind(d["transferedDate"]) != "int" {
			t.Errorf("transferedDate = %v", d["transferedDate"])
		}
		f.nativeHandoff(supNative, twin, map[string]any{"group_id": f.group2.ID, "reason": "via 3Dolphins API"})
		sameAsNative("to a group", tk, twin)
		// Read back, through this door, the natively handed-over twin too.
		d = obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(twin), nil, f.tSup)).Data)
		check("native twin", d, map[string]any{"status": "Unassigned", "transferedFrom": "Bot"})

		// …to a group with an online agent, by a plain agent: Assigned there.
		f.online(f.agent2)
		tk = f.ticket(desk.NewTicket{GroupID: f.group.ID})
		twin = f.ticket(desk.NewTicket{GroupID: f.group.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk), "group": f.group2.ID}, f.tAgent)).Data)
		check("to a group with someone online", d, map[string]any{"status": "Assigned", "assignedAgent": f.agent2.ID,
			"transferedFrom": "Bot", "transferedTo": f.agent2.ID, "group": f.group2.ID})
		f.nativeHandoff(supNative, twin, map[string]any{"group_id": f.group2.ID})
		if got := f.reload(twin.ID); got.AssigneeID != f.agent2.ID {
			t.Fatalf("the native twin went to %q", got.AssigneeID)
		}

		// …to a named agent (offline: a person decided), keeping the group.
		tk = f.ticket(desk.NewTicket{GroupID: f.group.ID})
		twin = f.ticket(desk.NewTicket{GroupID: f.group.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk),
			"teamMember": map[string]string{"id": f.agent.ID}}, f.tSup)).Data)
		check("to an agent", d, map[string]any{"status": "Assigned", "assignedAgent": f.agent.ID, "transferedFrom": "Bot",
			"transferedTo": f.agent.ID, "group": f.group.ID, "transfered": false})
		f.nativeHandoff(supNative, twin, map[string]any{"agent_id": f.agent.ID, "reason": "via 3Dolphins API"})
		sameAsNative("to an agent", tk, twin)

		// A ticket a bot owns, handed over by a plain agent of the workspace.
		tk = f.ticket(desk.NewTicket{GroupID: f.group.ID, AssigneeID: f.bot.ID})
		twin = f.ticket(desk.NewTicket{GroupID: f.group.ID, AssigneeID: f.bot.ID})
		d = obj(t, f.ok(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk), "group": f.group2.ID}, f.tAg2)).Data)
		check("bot-owned, by an agent", d, map[string]any{"transferedFrom": "Bot", "reassigned": true, "group": f.group2.ID})
		f.nativeHandoff(supNative, twin, map[string]any{"group_id": f.group2.ID})
		if a, b := f.reload(tk.ID), f.reload(twin.ID); a.AssigneeID != b.AssigneeID || a.Status != b.Status {
			t.Errorf("bot-owned: E16 left %s/%q, the native handoff %s/%q", a.Status, a.AssigneeID, b.Status, b.AssigneeID)
		}

		// A ticket another agent took is not the bot's: a plain agent may
		// not hand it over, and a refused hand-over changes nothing.
		tk = f.ticket(desk.NewTicket{GroupID: f.group2.ID, AssigneeID: f.agent2.ID})
		before := f.reload(tk.ID)
		f.failed(f.do("PUT", "/graph/tickets/update/transferToAgent", map[string]any{"ticketNumber": tn(tk)}, f.tAgent), 403)
		f.unchanged(before)
	})
}
