package postcenter

import (
	"context"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// view renders tickets and messages for one request, reading each related
// agent, contact and channel account at most once.
type view struct {
	ctx      context.Context
	store    desk.Reader
	ws       string
	accounts map[string]*desk.ChannelAccount // nil until loaded
	agents   map[string]*desk.Agent
	contacts map[string]*desk.Contact
	// lasts holds, per ticket id, its last public message (nil: none) for
	// lists read at once (preload).
	lasts map[string]*desk.Message
}

func (d *door) view(r *http.Request) *view {
	return &view{ctx: r.Context(), store: d.Desk.Store, ws: principal(r).WorkspaceID,
		agents: map[string]*desk.Agent{}, contacts: map[string]*desk.Contact{}}
}

// account is a channel account of the workspace, nil when id is empty.
func (v *view) account(id string) (*desk.ChannelAccount, error) {
	if id == "" {
		return nil, nil
	}
	if v.accounts == nil {
		all, err := v.store.ChannelAccounts(v.ctx, v.ws)
		if err != nil {
			return nil, err
		}
		v.accounts = make(map[string]*desk.ChannelAccount, len(all))
		for i := range all {
			v.accounts[all[i].ID] = &all[i]
		}
	}
	return v.accounts[id], nil
}

// agent is an agent of the workspace, nil when id is empty or gone.
func (v *view) agent(id string) (*desk.Agent, error) {
	return desk.CachedByID(v.agents, id, func(id string) (*desk.Agent, error) { return v.store.Agent(v.ctx, v.ws, id) })
}

func (v *view) contact(id string) (*desk.Contact, error) {
	return desk.CachedByID(v.contacts, id, func(id string) (*desk.Contact, error) { return v.store.Contact(v.ctx, v.ws, id) })
}

// network is t's social_network.
func (v *view) network(t *desk.Ticket) (string, error) {
	acct, err := v.account(t.ChannelAccountID)
	if err != nil {
		return "", err
	}
	return network(t.Channel, acct), nil
}

// summary gathers what the ticket renderings derive: the network, the
// assigned agent and the last public message.
func (v *view) summary(t *desk.Ticket) (summary, error) {
	var s summary
	var err error
	if s.Network, err = v.network(t); err != nil {
		return s, err
	}
	if s.Assignee, err = v.agent(t.AssigneeID); err != nil {
		return s, err
	}
	if s.Last, err = v.last(t); err != nil {
		return s, err
	}
	if s.Last != nil {
		if s.Last.AuthorName == "" {
			a, err := v.author(t, s.Last)
			if err != nil {
				return s, err
			}
			s.Last.AuthorName = a.Name
		}
	}
	return s, nil
}

// lastFilter reads a ticket's last public message.
var lastFilter = desk.MessageFilter{PublicOnly: true, NewestFirst: true, Limit: 1}

// last is t's last public message, nil when none: preloaded, or read.
func (v *view) last(t *desk.Ticket) (*desk.Message, error) {
	if m, ok := v.lasts[t.ID]; ok {
		delete(v.lasts, t.ID) // once: a later summary of the ticket reads afresh
		return m, nil
	}
	last, err := v.store.Messages(v.ctx, v.ws, t.ID, lastFilter)
	if err != nil || len(last) == 0 {
		return nil, err
	}
	return &last[0], nil
}

// preload reads what the summaries of ts need — last messages, assignees
// and the authors those messages must be named by — in one query per kind
// for the whole list.
func (v *view) preload(ts []desk.Ticket) error {
	ids := make([]string, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
	}
	msgs, err := v.store.MessagesByTicket(v.ctx, v.ws, ids, lastFilter)
	if err != nil {
		return err
	}
	if v.lasts == nil {
		v.lasts = make(map[string]*desk.Message, len(ts))
	}
	var lasts []desk.Message
	var agents []string
	for i := range ts {
		var m *desk.Message
		if got := msgs[ts[i].ID]; len(got) > 0 {
			m = &got[0]
			if m.AuthorName == "" {
				lasts = append(lasts, *m)
			}
		}
		v.lasts[ts[i].ID] = m
		agents = append(agents, ts[i].AssigneeID)
	}
	return v.fill(lasts, agents)
}

// fill reads into the view's caches, one query per kind, the agents named
// and the authors of msgs it does not hold yet; an id that names nothing is
// cached as nil, as the one-at-a-time reads do.
func (v *view) fill(msgs []desk.Message, agents []string) error {
	var contacts []string
	for i := range msgs {
		switch a := msgs[i].Author; a.Kind {
		case desk.ActorContact:
			contacts = append(contacts, a.ID)
		case desk.ActorAgent, desk.ActorBot:
			agents = append(agents, a.ID)
		}
	}
	if err := desk.FillByID(v.contacts, contacts, func(ids []string) (map[string]*desk.Contact, error) {
		return v.store.ContactsByID(v.ctx, v.ws, ids)
	}); err != nil {
		return err
	}
	return desk.FillByID(v.agents, agents, func(ids []string) (map[string]*desk.Agent, error) {
		return v.store.AgentsByID(v.ctx, v.ws, ids)
	})
}

// author names a message's author the way MessageResponse does: the
// customer with their handle on the ticket's network, or the agent with
// the company account the reply went out from.
func (v *view) author(t *desk.Ticket, m *desk.Message) (author, error) {
	switch m.Author.Kind {
	case desk.ActorContact:
		c, err := v.contact(m.Author.ID)
		if err != nil || c == nil {
			return author{ID: m.Author.ID}, err
		}
		return author{ID: c.ID, Name: c.Name, Account: contactAccount(c, t.Channel)}, nil
	case desk.ActorAgent, desk.ActorBot:
		a, err := v.agent(m.Author.ID)
		if err != nil {
			return author{}, err
		}
		out := author{ID: m.Author.ID}
		if a != nil {
			out.Name, out.Account = a.Name, a.Email
		}
		acct, err := v.account(t.ChannelAccountID)
		if err != nil {
			return author{}, err
		}
		if acct != nil {
			out.Account = acct.Name
		}
		return out, nil
	case desk.ActorSystem:
		return author{Name: "System"}, nil
	}
	return author{ID: m.Author.ID}, nil
}

// contactAccount is the customer's handle on ch: the identity's screen
// name, else its network id, else the e-mail or phone the channel uses.
func contactAccount(c *desk.Contact, ch desk.Channel) string {
	for _, id := range c.Identities {
		if id.Channel == ch {
			if id.ScreenName != "" {
				return id.ScreenName
			}
			return id.ExternalID
		}
	}
	switch ch {
	case desk.ChannelEmail:
		return c.Email
	case desk.ChannelWhatsApp, desk.ChannelSMS, desk.ChannelVoice:
		return c.Phone
	}
	return ""
}

// mediaURL is where a message's first attachment can be fetched: its own
// URL when it lives elsewhere, else this door's media route.
func (d *door) mediaURL(r *http.Request, a *desk.Attachment) string {
	if strings.HasPrefix(a.Path, "https://") || strings.HasPrefix(a.Path, "http://") {
		return a.Path
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + d.prefix + "/v2/media/" + a.ID + "/"
}
