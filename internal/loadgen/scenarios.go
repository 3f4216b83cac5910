package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ticketd/ticketd/internal/api"
	"github.com/ticketd/ticketd/internal/desk"
)

// Fixture is what the scenarios need to know about the server's data: the
// JSON `ticketd seed` prints (unknown fields are ignored).
type Fixture struct {
	Backend     string         `json:"backend"`
	WorkspaceID string         `json:"workspace_id"`
	AdminToken  string         `json:"admin_token"`
	Password    string         `json:"password"`
	Agents      []FixtureAgent `json:"agents"`
	ContactIDs  []string       `json:"contact_ids"`
	TicketIDs   []string       `json:"ticket_ids"`
	FirstTicket int64          `json:"first_ticket_number"`
	LastTicket  int64          `json:"last_ticket_number"`
	Tickets     int            `json:"tickets"`
	CreatedFrom string         `json:"created_from"`
	CreatedTo   string         `json:"created_to"`
}

// FixtureAgent is an agent with its token.
type FixtureAgent struct {
	ID     string `json:"id"`
	Number int64  `json:"number"`
	Email  string `json:"email"`
	Token  string `json:"token"`
}

// Check reports what the fixture lacks for the scenarios.
func (f *Fixture) Check() error {
	switch {
	case f.AdminToken == "":
		return errors.New("fixture has no admin_token")
	case len(f.tokenAgents()) == 0:
		return errors.New("fixture has no agent with a token")
	case len(f.TicketIDs) == 0 || f.LastTicket < f.FirstTicket || f.FirstTicket <= 0:
		return errors.New("fixture has no tickets (seed some: ticketd seed --tickets N)")
	case len(f.ContactIDs) == 0:
		return errors.New("fixture has no contacts")
	}
	return nil
}

// AgentToken is the token of the first agent that has one.
func (f *Fixture) AgentToken() string {
	if a := f.tokenAgents(); len(a) > 0 {
		return a[0].Token
	}
	return ""
}

func (f *Fixture) tokenAgents() []FixtureAgent {
	var out []FixtureAgent
	for _, a := range f.Agents {
		if a.Token != "" {
			out = append(out, a)
		}
	}
	return out
}

// Suite is every scenario of `ticketd bench`, in the order they run: reads
// first, writes after (they add rows), the assignment race last.
func Suite(f *Fixture) []*Scenario {
	agents := f.tokenAgents()
	agent := func(w *Worker) FixtureAgent { return agents[(w.ID%len(agents)+len(agents))%len(agents)] }
	bearer := func(w *Worker) string { return "Bearer " + agent(w).Token }
	ticketID := func(w *Worker) string { return f.TicketIDs[w.Rand.IntN(len(f.TicketIDs))] }
	contactID := func(w *Worker) string { return f.ContactIDs[w.Rand.IntN(len(f.ContactIDs))] }
	get := func(name string, path func(w *Worker) string) *Scenario {
		return &Scenario{Name: name, Op: func(ctx context.Context, w *Worker) error {
			_, _, err := w.Do(ctx, http.MethodGet, path(w), bearer(w), nil, http.StatusOK)
			return err
		}}
	}
	run := strconv.FormatInt(time.Now().UnixNano()%1e12, 36) // keeps created emails unique per run

	suite := []*Scenario{
		get("get_ticket", func(w *Worker) string { return "/api/v1/tickets/" + ticketID(w) }),
		get("inbox_first_page", func(*Worker) string { return "/api/v1/tickets?status=active&assignee=me&limit=25" }),
		get("cursor_page_50", func(w *Worker) string {
			n := f.FirstTicket + w.Rand.Int64N(f.LastTicket-f.FirstTicket+1)
			return "/api/v1/tickets?limit=50&cursor=" + api.EncodeCursor(desk.OrderNumberDesc, desk.Cursor{Key: n, Number: n})
		}),
	}
	suite = append(suite, deskScenarios(f, agents)...)
	suite = append(suite, searchScenarios(f, bearer)...)
	suite = append(suite, dialectScenarios(f, agents)...)
	suite = append(suite,
		&Scenario{Name: "create_ticket", Op: func(ctx context.Context, w *Worker) error {
			_, _, err := w.Do(ctx, http.MethodPost, "/api/v1/tickets", bearer(w), ticketBody(w, contactID(w)), http.StatusCreated)
			return err
		}},
		&Scenario{Name: "create_ticket_new_contact", Requests: 2, Op: func(ctx context.Context, w *Worker) error {
			body, _ := json.Marshal(map[string]any{
				"name":  fmt.Sprintf("Bench %s %d-%d", run, w.ID, w.Iter),
				"email": fmt.Sprintf("bench-%s-%d-%d@example.com", run, w.ID, w.Iter),
				"identities": []map[string]string{{"channel": "whatsapp",
					"external_id": fmt.Sprintf("+%s%03d%07d", run, w.ID, w.Iter)}},
			})
			b, _, err := w.Do(ctx, http.MethodPost, "/api/v1/contacts", bearer(w), body, http.StatusCreated)
			if err != nil {
				return err
			}
			var c struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
				return fmt.Errorf("create contact: no id in %.100s", b)
			}
			_, _, err = w.Do(ctx, http.MethodPost, "/api/v1/tickets", bearer(w), ticketBody(w, c.ID), http.StatusCreated)
			return err
		}},
		// Replies to any ticket of the workspace, so as the admin: desk's
		// permission policy lets an agent reply only to its own tickets and
		// unowned ones (docs/permissions.md).
		&Scenario{Name: "add_message", Op: func(ctx context.Context, w *Worker) error {
			body, _ := json.Marshal(map[string]any{"text": replies[w.Rand.IntN(len(replies))]})
			_, _, err := w.Do(ctx, http.MethodPost, "/api/v1/tickets/"+ticketID(w)+"/messages", "Bearer "+f.AdminToken, body, http.StatusCreated)
			return err
		}},
		assignScenario(f, run),
	)
	return suite
}

var (
	subjects = []string{"订单一直没有到货", "Cobro duplicado en mi tarjeta", "Pesanan belum sampai", "Cannot log in to my account"}
	texts    = []string{"我上周下的订单到现在还没有收到。", "Me cobraron dos veces el mismo pedido.",
		"Pesanan saya minggu lalu belum sampai sampai sekarang.", "I cannot log in since the last update."}
	replies = []string{"您好，已经为您查询，订单正在配送中。", "Hola, revisamos tu pedido y ya está en camino.",
		"Halo, pesanan Anda sedang dalam perjalanan.", "Hi, we checked your order and it is on its way."}
)

func ticketBody(w *Worker, contactID string) []byte {
	i := w.Rand.IntN(len(subjects))
	b, _ := json.Marshal(map[string]any{"subject": subjects[i], "message": texts[i], "contact_id": contactID,
		"channel": "whatsapp", "priority": "normal", "tags": []string{"bench"}})
	return b
}

// probe GETs path once and turns "this route is not there" (404) into a
// skip; other failures are left for the timed run to count.
func probe(ctx context.Context, w *Worker, method, path, auth string, body []byte, what string) error {
	_, status, err := w.Do(ctx, method, path, auth, body, http.StatusOK)
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		return Skipf("%s not mounted yet: %s %s answered %d", what, method, path, status)
	}
	if err != nil && status == 0 {
		return err
	}
	return nil
}

// searchScenarios are the search issue's three queries: two words and a
// status, fields only, a date range and a tag.
func searchScenarios(f *Fixture, bearer func(*Worker) string) []*Scenario {
	words := []string{"order arrived status:open", "pedido llega status:open,pending", "pesanan sampai status:open",
		"没有收到 已签收 status:open"}
	fields := []string{"status:open priority>=high channel:whatsapp", "status:pending,on_hold tag:vip",
		"assignee:me status:open", "channel:email priority:urgent"}
	to, err1 := time.Parse(time.RFC3339, f.CreatedTo)
	from, err2 := time.Parse(time.RFC3339, f.CreatedFrom)
	if err1 != nil || err2 != nil || !from.Before(to) {
		to, from = time.Now().UTC(), time.Now().UTC().AddDate(-1, 0, 0)
	}
	days := max(1, int(to.Sub(from).Hours()/24)-30)
	mk := func(name string, q func(w *Worker) string) *Scenario {
		s := &Scenario{Name: name, Op: func(ctx context.Context, w *Worker) error {
			_, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets/search?q="+url.QueryEscape(q(w)), bearer(w), nil, http.StatusOK)
			return err
		}}
		s.Setup = func(ctx context.Context, w *Worker) error {
			return probe(ctx, w, http.MethodGet, "/api/v1/tickets/search?q=status:open", bearer(w), nil, "search")
		}
		return s
	}
	return []*Scenario{
		mk("search_words_status", func(w *Worker) string { return words[w.Rand.IntN(len(words))] }),
		mk("search_fields", func(w *Worker) string { return fields[w.Rand.IntN(len(fields))] }),
		mk("search_dates_tag", func(w *Worker) string {
			d := from.AddDate(0, 0, w.Rand.IntN(days))
			return fmt.Sprintf("created>=%s created<%s tag:vip", d.Format(time.DateOnly), d.AddDate(0, 0, 30).Format(time.DateOnly))
		}),
	}
}

// dialectScenarios are the main read of each dialect, as its clients call
// it; each is skipped while its dialect is not mounted.
func dialectScenarios(f *Fixture, agents []FixtureAgent) []*Scenario {
	read := func(name, what string, path func(w *Worker) string, auth func(w *Worker) string) *Scenario {
		return &Scenario{Name: name,
			Setup: func(ctx context.Context, w *Worker) error {
				return probe(ctx, w, http.MethodGet, path(w), auth(w), nil, what)
			},
			Op: func(ctx context.Context, w *Worker) error {
				_, _, err := w.Do(ctx, http.MethodGet, path(w), auth(w), nil, http.StatusOK)
				return err
			}}
	}
	ticketID := func(w *Worker) string { return f.TicketIDs[w.Rand.IntN(len(f.TicketIDs))] }
	ag := func(w *Worker) FixtureAgent { return agents[(w.ID%len(agents)+len(agents))%len(agents)] }
	var dolphinsToken atomic.Pointer[string]
	dolphins := read("dolphins_ticket_list", "3Dolphins dialect",
		func(*Worker) string { return "/dolphin/apiv1/graph/tickets?start=0&count=20" },
		func(*Worker) string {
			if t := dolphinsToken.Load(); t != nil {
				return "Bearer " + *t
			}
			return ""
		})
	probeList := dolphins.Setup
	dolphins.Setup = func(ctx context.Context, w *Worker) error {
		body, _ := json.Marshal(map[string]string{"username": agents[0].Email, "password": f.Password})
		b, status, err := w.Do(ctx, http.MethodPost, "/dolphin/apiv1/graph/auth", "", body, http.StatusOK)
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return Skipf("3Dolphins dialect not mounted yet: POST /dolphin/apiv1/graph/auth answered %d", status)
		}
		if err != nil {
			return err
		}
		var tok struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal(b, &tok); err != nil || tok.Token == "" {
			return fmt.Errorf("3Dolphins auth: no token in %.100s", b)
		}
		dolphinsToken.Store(&tok.Token)
		return probeList(ctx, w)
	}
	return []*Scenario{
		read("postcenter_ticket", "PostCenter dialect", func(w *Worker) string { return "/postcenter/v2/ticket/" + ticketID(w) + "/" },
			func(w *Worker) string { return "Key " + ag(w).Token }),
		read("bangwo8_ticket_list", "Bangwo8 dialect", func(*Worker) string { return "/bangwo8/api/v1/tickets.json?per_page=25" },
			func(*Worker) string { return "Bearer " + f.AdminToken }),
		read("oneview_agent_tickets", "pd-oneview dialect", func(w *Worker) string { return "/chat-ticket/v1/" + ag(w).ID + "/tickets" },
			func(w *Worker) string { return "bearer " + ag(w).Token }),
		dolphins,
	}
}

// Assignment race: agents with a small capacity, many clients assigning and
// unassigning a shared pool of tickets. Refusals (409) are answers, not
// errors; the check afterwards counts agents over capacity.
const (
	assignAgents   = 8
	assignCapacity = 4
	assignTickets  = 128
	assignClients  = 64
)

func assignScenario(f *Fixture, run string) *Scenario {
	admin := "Bearer " + f.AdminToken
	var agentIDs, ticketIDs []string
	var refused atomic.Int64
	return &Scenario{Name: "assign_race", Clients: assignClients,
		Setup: func(ctx context.Context, w *Worker) error {
			for i := 0; i < assignAgents; i++ {
				body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("Assign %s %d", run, i),
					"email": fmt.Sprintf("assign-%s-%d@bench.test", run, i), "role": "agent", "capacity": assignCapacity})
				b, _, err := w.Do(ctx, http.MethodPost, "/api/v1/agents", admin, body, http.StatusCreated)
				if err != nil {
					return err
				}
				var a struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(b, &a); err != nil || a.ID == "" {
					return fmt.Errorf("create agent: no id in %.100s", b)
				}
				if _, _, err := w.Do(ctx, http.MethodPut, "/api/v1/agents/"+a.ID+"/presence", admin,
					[]byte(`{"status":"online"}`), http.StatusOK); err != nil {
					return err
				}
				agentIDs = append(agentIDs, a.ID)
			}
			for i := 0; i < assignTickets; i++ {
				b, _, err := w.Do(ctx, http.MethodPost, "/api/v1/tickets", admin, ticketBody(w, f.ContactIDs[i%len(f.ContactIDs)]), http.StatusCreated)
				if err != nil {
					return err
				}
				var t struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(b, &t); err != nil || t.ID == "" {
					return fmt.Errorf("create ticket: no id in %.100s", b)
				}
				ticketIDs = append(ticketIDs, t.ID)
			}
			return nil
		},
		Op: func(ctx context.Context, w *Worker) error {
			// Each worker walks its own slice of the pool; on a ticket it
			// alternately assigns (to a random agent) and unassigns.
			t := ticketIDs[(w.ID+(w.Iter/2)*assignClients)%len(ticketIDs)]
			body := []byte(`{"assignee_id":""}`)
			if w.Iter%2 == 0 {
				body = []byte(`{"assignee_id":"` + agentIDs[w.Rand.IntN(len(agentIDs))] + `"}`)
			}
			_, status, err := w.Do(ctx, http.MethodPatch, "/api/v1/tickets/"+t, admin, body, http.StatusOK, http.StatusConflict)
			if status == http.StatusConflict {
				refused.Add(1)
			}
			return err
		},
		Check: func(ctx context.Context, w *Worker) (map[string]any, error) {
			over, maxLoad := 0, 0
			for _, id := range agentIDs {
				b, _, err := w.Do(ctx, http.MethodGet, "/api/v1/tickets?status=active&limit=100&assignee="+id, admin, nil, http.StatusOK)
				if err != nil {
					return nil, err
				}
				var page struct {
					Tickets []json.RawMessage `json:"tickets"`
				}
				if err := json.Unmarshal(b, &page); err != nil {
					return nil, err
				}
				maxLoad = max(maxLoad, len(page.Tickets))
				if len(page.Tickets) > assignCapacity {
					over++
				}
			}
			return map[string]any{"capacity": assignCapacity, "agents": len(agentIDs), "tickets": len(ticketIDs),
				"refused": refused.Load(), "agents_over_capacity": over, "max_load": maxLoad}, nil
		},
	}
}
