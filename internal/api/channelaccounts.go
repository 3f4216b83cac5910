package api

import (
	"encoding/json"
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// channelAccountJSON is an account as every caller sees it: settings
// without their secrets (docs/email.md "Channel accounts").
type channelAccountJSON struct {
	ID           string           `json:"id"`
	Number       int64            `json:"number"`
	Channel      desk.Channel     `json:"channel"`
	Name         string           `json:"name"`
	UID          string           `json:"uid"`
	ProviderType string           `json:"provider_type,omitempty"`
	GroupID      *string          `json:"group_id"`
	Active       bool             `json:"active"`
	Settings     json.RawMessage  `json:"settings" doc:"the account's settings without secrets: password, token, secret, app_secret and access_token keys are never returned"`
	CreatedAt    jsontext.Instant `json:"created_at"`
}

type channelAccountList struct {
	ChannelAccounts []channelAccountJSON `json:"channel_accounts"`
}

type channelAccountRequest struct {
	Channel      desk.Channel    `json:"channel"`
	Name         string          `json:"name,omitempty"`
	UID          string          `json:"uid,omitempty" doc:"the network's id of the account; for email its address"`
	ProviderType string          `json:"provider_type,omitempty"`
	GroupID      string          `json:"group_id,omitempty" doc:"group new tickets from this account go to"`
	Active       *bool           `json:"active,omitempty"`
	Settings     json.RawMessage `json:"settings,omitempty" doc:"a JSON object; email: {inbound, imap, smtp} (docs/email.md); secrets are stored encrypted and never returned"`
}

type channelAccountPatch struct {
	Name     *string         `json:"name,omitempty"`
	UID      *string         `json:"uid,omitempty"`
	GroupID  *string         `json:"group_id,omitempty" doc:"\"\" for none"`
	Active   *bool           `json:"active,omitempty"`
	Settings json.RawMessage `json:"settings,omitempty" doc:"replaces the settings; a secret not named keeps its stored value, one given as \"\" is cleared"`
}

// channelAccountTest is what POST …/test found, server by server.
type channelAccountTest struct {
	IMAP email.ProbeResult `json:"imap"`
	SMTP email.ProbeResult `json:"smtp"`
}

func toChannelAccountJSON(a *desk.ChannelAccount) channelAccountJSON {
	return channelAccountJSON{ID: a.ID, Number: a.Number, Channel: a.Channel, Name: a.Name, UID: a.UID,
		ProviderType: a.ProviderType, GroupID: optStr(a.GroupID), Active: a.Active, Settings: desk.PublicSettings(a),
		CreatedAt: jsontext.Instant(a.CreatedAt)}
}

func (a *API) channelAccounts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	as, err := a.Desk.Store.ChannelAccounts(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := channelAccountList{ChannelAccounts: make([]channelAccountJSON, 0, len(as))}
	for i := range as {
		out.ChannelAccounts = append(out.ChannelAccounts, toChannelAccountJSON(&as[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) channelAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	acct, err := a.Desk.Store.ChannelAccount(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toChannelAccountJSON(acct))
}

func (a *API) createChannelAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in channelAccountRequest
	if !decode(w, r, &in) {
		return
	}
	acct, err := a.Desk.CreateChannelAccount(r.Context(), p.WorkspaceID, desk.NewChannelAccount{Channel: in.Channel,
		Name: in.Name, UID: in.UID, ProviderType: in.ProviderType, GroupID: in.GroupID, Settings: in.Settings,
		Inactive: in.Active != nil && !*in.Active})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toChannelAccountJSON(acct))
}

func (a *API) updateChannelAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in channelAccountPatch
	if !decode(w, r, &in) {
		return
	}
	acct, err := a.Desk.UpdateChannelAccount(r.Context(), p.WorkspaceID, r.PathValue("id"), desk.ChannelAccountPatch{
		Name: in.Name, UID: in.UID, GroupID: in.GroupID, Active: in.Active, Settings: in.Settings})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toChannelAccountJSON(acct))
}

func (a *API) deleteChannelAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if _, err := a.Desk.DeleteChannelAccount(r.Context(), p.WorkspaceID, r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// testChannelAccount dials the account's servers with its stored
// credentials and answers what worked. E-mail only for now.
func (a *API) testChannelAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	_, es, err := a.Desk.EmailAccount(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	var out channelAccountTest
	out.IMAP, out.SMTP = email.Prober{AllowPrivate: a.AllowPrivateHosts}.Probe(r.Context(), es)
	writeJSON(w, http.StatusOK, out)
}
