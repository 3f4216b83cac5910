package postcenter

import (
	"context"
	"errors"
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
}

func (d *door) view(r *http.Request) *view {
	return &view{ctx: r.Context(), store: d.Desk.Store, ws: principal(r).WorkspaceID,
		agents: map[string]*desk.Agent{}, contacts: map[string]*desk.Contact{}}
}

// account is a channel account of the workspace, nil when id is empty.
func (v *view) account(id string) (*desk.ChannelAccount, error) {
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
	if id == "" {
		return nil, nil
	}
	if a, ok := v.agents[id]; ok {
		return a, nil
	}
	a, err := v.store.Agent(v.ctx, v.ws, id)
	if errors.Is(err, desk.ErrNotFound) {
		a, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.agents[id] = a
	return a, nil
}

func (v *view) contact(id string) (*desk.Contact, error) {
	if id == "" {
		return nil, nil
	}
	if c, ok := v.contacts[id]; ok {
		return c, nil
	}
	c, err := v.store.Contact(v.ctx, v.ws, id)
	if errors.Is(err, desk.ErrNotFound) {
		c, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.contacts[id] = c
	return c, nil
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
	last, err := v.store.Messages(v.ctx, v.ws, t.ID, desk.MessageFilter{PublicOnly: true, NewestFirst: true, Limit: 1})
	if err != nil {
		return s, err
	}
	if len(last) > 0 {
		s.Last = &last[0]
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
