package dolphins_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

func at(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// lifecycle is a ticket's instants as a seed example shows them.
type lifecycle struct {
	created, queued, assigned, opened, pending, closed, firstResponse int64
	priority                                                          desk.Priority
	resolveDue                                                        int64 // 0 = no SLA
	fields                                                            desk.Fields
}

// seedTicket creates a ticket at the example's creation instant and sets
// its other lifecycle instants through the store.
func seedTicket(t *testing.T, e *servertest.Env, clock *fakeClock, ws string, agent *desk.Agent, lc lifecycle) *desk.Ticket {
	t.Helper()
	ctx := context.Background()
	clock.Freeze(at(lc.created))
	tk, err := e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "Tanggapan Email Nasabah a.n Ibu Sayyidatul Khoiriyah",
		Channel: desk.ChannelEmail, Priority: lc.priority, CustomFields: lc.fields, NoRoute: true,
		Message: &desk.NewMessage{Text: "Mohon ditindaklanjuti", Author: desk.Actor{Kind: desk.ActorContact}}})
	clock.Thaw()
	if err != nil {
		t.Fatal(err)
	}
	err = e.Store.Update(ctx, func(tx desk.Tx) error {
		x, err := tx.LockTicket(ctx, ws, tk.ID)
		if err != nil {
			return err
		}
		x.AssigneeID = agent.ID
		x.QueuedAt, x.AssignedAt, x.FirstAssignedAt = at(lc.queued), at(lc.assigned), at(lc.assigned)
		x.OpenedAt, x.PendingAt, x.ClosedAt = at(lc.opened), at(lc.pending), at(lc.closed)
		x.FirstResponseAt, x.FirstAgentResponseAt = at(lc.firstResponse), at(lc.firstResponse)
		if lc.resolveDue != 0 {
			x.ResolveDueAt = at(lc.resolveDue)
		}
		x.Status, x.ClosedReason = desk.StatusClosed, "manual"
		x.Meta = map[string]map[string]json.RawMessage{"3dolphins": {"closureType": json.RawMessage(`"Resolved"`)}}
		x.ClosedBy = desk.Actor{Kind: desk.ActorAgent, ID: agent.ID}
		x.UpdatedAt = at(lc.closed)
		return tx.UpdateTicket(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestWorkedFigures checks the derived values against the seed's own
// numbers (spec §0, canonical §5): text dates in Asia/Jakarta for a
// workspace left at ticketd's default zone, durations in whole seconds.
func TestWorkedFigures(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		ctx := context.Background()
		ws, _, _ := e.NewWorkspace("jkt", "UTC")
		hash, _ := e.Deps.Auth.Hasher.Hash(servertest.Password)
		agent, err := e.Deps.Desk.CreateAgent(ctx, ws.ID, desk.NewAgent{Name: "Agen", Email: "agen@jkt.test", PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		tok := f.login("agen@jkt.test")
		online := desk.Fields{{Key: "online_date", Value: json.RawMessage(`1598971004410`)},
			{Key: "offline_date", Value: json.RawMessage(`1598971113978`)}, {Key: "online_duration", Value: json.RawMessage(`109`)}}
		cases := []struct {
			name string
			lc   lifecycle
			want map[string]any
		}{
			{"Get List of Ticket", lifecycle{created: 1555990774052, queued: 1555990776659, assigned: 1555990776659,
				opened: 1555990810679, pending: 1555991804700, closed: 1555991889672, firstResponse: 1555991802052},
				map[string]any{
					"createdDate": int64(1555990774052), "createdDateText": "2019-04-23 10:39",
					"assignedDate": int64(1555990776659), "assignedDateText": "2019-04-23 10:39", "assignDuration": int64(34),
					"unassignedDate": int64(1555990776659), "unassignedDateText": "2019-04-23 10:39", "unassignDuration": int64(0),
					"openDate": int64(1555990810679), "openDateText": "2019-04-23 10:40", "openDuration": int64(994),
					"pendingDate": int64(1555991804700), "pendingDateText": "2019-04-23 10:56", "pendingDuration": int64(84),
					"closedDate": int64(1555991889672), "closedDateText": "2019-04-23 10:58", "closeInterval": int64(1115),
					"responseTime": int64(1028), "closureType": "Resolved", "withinSla": true,
					"slaStyle": "ticket-within-sla", "slaStatusText": "Within SLA", "status": "Closed", "timelineStatus": "Closed",
					"statusStyle": "ticket-closed", "severity": "Not Set", "severityStyle": "severity-low",
					"prettyDate": "2019-04-23 10:39:34", "prettyDateTimeline": "2019-04-23 10:58:09",
					"dateTimeline": int64(1555990776659), "channelType": "email", "parent": int64(1),
					"closedBy": agent.ID, "assignedAgent": agent.ID,
				}},
			{"Update Ticket", lifecycle{created: 1598971004373, queued: 1598971006596, assigned: 1598971058073,
				opened: 1598971077417, pending: 1598971078989, closed: 1598971113960, firstResponse: 1598971075373,
				priority: desk.PriorityHigh, resolveDue: 1598971100000, fields: online},
				map[string]any{
					"createdDateText": "2020-09-01 21:36", "unassignedDateText": "2020-09-01 21:36", "unassignDuration": int64(51),
					"assignedDateText": "2020-09-01 21:37", "assignDuration": int64(19),
					"openDateText": "2020-09-01 21:37", "openDuration": int64(1),
					"pendingDateText": "2020-09-01 21:37", "pendingDuration": int64(34),
					"closedDateText": "2020-09-01 21:38", "closeInterval": int64(109), "responseTime": int64(71),
					"onlineDate": int64(1598971004410), "offlineDate": int64(1598971113978), "onlineDuration": int64(109),
					"severity": "High", "severityStyle": "severity-high", "withinSla": false,
					"slaStyle": "ticket-over-sla", "slaStatusText": "Over SLA", "closureType": "Resolved",
				}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f.t = t
				tk := seedTicket(t, e, f.clock, ws.ID, agent, c.lc)
				doc := obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk), nil, tok)).Data)
				for k, want := range c.want {
					got := doc[k]
					switch w := want.(type) {
					case int64:
						if kind(got) != "int" || i64(t, got) != w {
							t.Errorf("%s = %v, want %d", k, got, w)
						}
					default:
						if got != want {
							t.Errorf("%s = %v, want %v", k, got, want)
						}
					}
				}
			})
		}
		f.t = t

		// The same instants in the Asia/Shanghai workspace render in its zone.
		tk := seedTicket(t, e, f.clock, e.Workspace.ID, f.agent, cases[0].lc)
		doc := obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk), nil, f.tAgent)).Data)
		for k, want := range map[string]string{"createdDateText": "2019-04-23 11:39", "closedDateText": "2019-04-23 11:58",
			"prettyDate": "2019-04-23 11:39:34"} {
			if doc[k] != want {
				t.Errorf("Shanghai %s = %v, want %s", k, doc[k], want)
			}
		}
		if i64(t, doc["closeInterval"]) != 1115 {
			t.Errorf("closeInterval in Shanghai = %v", doc["closeInterval"])
		}

		// A workspace set to Asia/Jakarta explicitly renders the same as the default.
		ws2, _, _ := e.NewWorkspace("wib", "Asia/Jakarta")
		a2, err := e.Deps.Desk.CreateAgent(ctx, ws2.ID, desk.NewAgent{Name: "Agen", Email: "agen@wib.test", PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		tk = seedTicket(t, e, f.clock, ws2.ID, a2, cases[0].lc)
		doc = obj(t, f.ok(f.do("GET", "/graph/tickets/data/"+tn(tk), nil, f.login("agen@wib.test"))).Data)
		if doc["createdDateText"] != "2019-04-23 10:39" {
			t.Errorf("Asia/Jakarta workspace createdDateText = %v", doc["createdDateText"])
		}
	})
}
