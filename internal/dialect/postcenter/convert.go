package postcenter

import (
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// providerTwitterSearch marks a Twitter account that follows a search
// rather than a profile; its tickets are social_network "twitter_search".
const providerTwitterSearch = "twitter_search"

// networkChannel maps every social_network value the door accepts to its
// canonical channel (spec §4.2). Channels PostCenter never had keep their
// canonical names.
var networkChannel = map[string]desk.Channel{
	"facebook":       desk.ChannelFacebook,
	"twitter":        desk.ChannelTwitter,
	"twitter_search": desk.ChannelTwitter,
	"email":          desk.ChannelEmail,
	"whatsapp":       desk.ChannelWhatsApp,
	"chat":           desk.ChannelWebchat,
	"instagram":      desk.ChannelInstagram,
	"appstore":       desk.ChannelAppStore,
	"playstore":      desk.ChannelPlayStore,
	"telegram":       desk.ChannelTelegram,
	"line":           desk.ChannelLine,
	"sms":            desk.ChannelSMS,
	"voice":          desk.ChannelVoice,
	"remote":         desk.ChannelRemote,
	"web_form":       desk.ChannelWebForm,
	"internal":       desk.ChannelInternal,
}

// network renders a channel as social_network; acct is the ticket's
// channel account when it has one.
func network(ch desk.Channel, acct *desk.ChannelAccount) string {
	switch ch {
	case desk.ChannelWebchat:
		return "chat"
	case desk.ChannelAppStore:
		return "appstore"
	case desk.ChannelPlayStore:
		return "playstore"
	case desk.ChannelTwitter:
		if acct != nil && acct.ProviderType == providerTwitterSearch {
			return "twitter_search"
		}
	}
	return string(ch)
}

// states maps the /v2/tickets/state/{state} values to canonical statuses
// (spec §4.1).
var states = map[string][]desk.Status{
	"open":       {desk.StatusNew, desk.StatusUnassigned, desk.StatusAssigned},
	"inProgress": {desk.StatusOpen, desk.StatusPending, desk.StatusOnHold},
	"closed":     {desk.StatusSolved, desk.StatusClosed},
	"ignored":    {desk.StatusIgnored},
}

// stateStatuses finds a state by its documented name, then ignoring case.
func stateStatuses(s string) ([]desk.Status, bool) {
	if st, ok := states[s]; ok {
		return st, true
	}
	for k, st := range states {
		if strings.EqualFold(k, s) {
			return st, true
		}
	}
	return nil, false
}

// statusLabel is the Spanish label of the paginated list.
func statusLabel(s desk.Status) string {
	switch s {
	case desk.StatusOpen, desk.StatusPending, desk.StatusOnHold:
		return "En Progreso"
	case desk.StatusSolved, desk.StatusClosed:
		return "Cerrado"
	case desk.StatusIgnored:
		return "Ignorado"
	}
	return "Abierto"
}

// roleNames are PostCenter's names of ticketd roles (spec §4.3).
func roleNames(r desk.Role) []string {
	switch r {
	case desk.RoleAdmin:
		return []string{"administrator"}
	case desk.RoleSupervisor:
		return []string{"supervisor"}
	}
	return []string{"community manager"}
}

// summary is what every ticket rendering needs besides the ticket.
type summary struct {
	Network  string
	Assignee *desk.Agent   // nil when unassigned or owned by a bot
	Last     *desk.Message // last public message, nil when none
}

func toCM(a *desk.Agent) *cmEmbedded {
	if a == nil || a.Role == desk.RoleBot {
		return nil
	}
	return &cmEmbedded{CMID: a.Number, Name: a.Name, Email: a.Email}
}

// subject is the email subject; null for every other channel.
func subject(t *desk.Ticket) *string {
	if t.Channel != desk.ChannelEmail {
		return nil
	}
	s := t.Subject
	return &s
}

func lastOf(s summary) (author, content string) {
	if s.Last == nil {
		return "", ""
	}
	return s.Last.AuthorName, s.Last.Text
}

func toDetail(t *desk.Ticket, s summary) ticketDetail {
	author, content := lastOf(s)
	return ticketDetail{ID: t.ID, Identifier: strconv.FormatInt(t.Number, 10), Created: formatCreated(t.CreatedAt),
		CurrentAssignment: toCM(s.Assignee), IsClosed: t.Status.Terminal(), LastAuthor: author, LastContent: content,
		SocialNetwork: s.Network, Subject: subject(t), UpdatedTime: formatUpdated(t.UpdatedAt)}
}

func toListItem(t *desk.Ticket, s summary) ticketListItem {
	author, content := lastOf(s)
	return ticketListItem{ID: t.ID, Identifier: t.Number, Created: formatCreated(t.CreatedAt),
		CurrentAssignment: toCM(s.Assignee), IsClosed: t.Status.Terminal(), LastAuthor: author, LastContent: content,
		SocialNetwork: s.Network, Title: subject(t), UpdatedTime: formatUpdated(t.UpdatedAt)}
}

func toPageItem(t *desk.Ticket, net string) pageItem {
	return pageItem{Status: statusLabel(t.Status), UpdatedDatetime: formatDate(t.UpdatedAt),
		CreatedDatetime: formatDate(t.CreatedAt), SocialNetwork: net, Identifier: t.Number, ID: t.ID}
}

// author is who wrote a message, as MessageResponse names them.
type author struct {
	ID, Name, Account string
}

func toMessage(m *desk.Message, a author, media string) messageItem {
	name := m.AuthorName
	if name == "" {
		name = a.Name
	}
	return messageItem{Content: m.Text, AuthorID: a.ID, AuthorName: name, AuthorAccount: a.Account,
		Created: formatCreated(m.CreatedAt), Media: media}
}

func toAgent(a *desk.Agent, assignable []int64) agentItem {
	return agentItem{ID: a.Number, Name: a.Name, Roles: roleNames(a.Role), AssignableTo: assignable,
		IsOnline: a.Presence == desk.PresenceOnline}
}

func toAccount(a *desk.ChannelAccount) accountItem {
	return accountItem{ID: a.Number, Name: a.Name, SocialNetwork: network(a.Channel, a), UID: a.UID, IsActive: a.Active}
}

// toMetadata renders a field definition. ticketd does not model the
// vendor's fixed, visible, only_read and required_to_close flags; they
// render as an API-defined, visible, writable field that closing does not
// require.
func toMetadata(d *desk.FieldDef) metadataItem {
	out := metadataItem{IntegrationKey: d.Key, Type: d.Type, Label: d.Label, Visible: true,
		Options: make([]metadataOption, 0, len(d.Options)), Required: d.Required}
	for _, o := range d.Options {
		key := o.Key
		if key == "" {
			key = o.ID
		}
		out.Options = append(out.Options, metadataOption{IntegrationKey: key, Value: o.Value})
	}
	return out
}
