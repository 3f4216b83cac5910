package postcenter

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// ping: "GET v2/ping" (vendor page "Integraciones / API", service Ping);
// the vendor's Python client reads only .message.
func (d *door) ping(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, okBody{Status: http.StatusOK, Message: "pong"})
}

// agents: "GET /v2/agents/" (vendor page "Ejecutivos"): every agent with
// id, name, roles, assignable_to (the connected accounts it may receive
// tickets from automatically) and is_online. Bots are not "ejecutivos" and
// are left out. An agent the routing engine does not restrict to some
// accounts takes tickets from every active account, and lists them all.
func (d *door) agents(w http.ResponseWriter, r *http.Request) {
	ctx, ws := r.Context(), principal(r).WorkspaceID
	agents, err := d.Desk.Store.Agents(ctx, ws, desk.AgentFilter{})
	if err != nil {
		d.fail(w, r, err, "Not found")
		return
	}
	accounts, err := d.Desk.Store.ChannelAccounts(ctx, ws)
	if err != nil {
		d.fail(w, r, err, "Not found")
		return
	}
	number := make(map[string]int64, len(accounts))
	every := []int64{}
	for _, a := range accounts {
		number[a.ID] = a.Number
		if a.Active {
			every = append(every, a.Number)
		}
	}
	out := agentsList{Status: http.StatusOK, Agents: []agentItem{}}
	for i := range agents {
		a := &agents[i]
		if a.Role == desk.RoleBot {
			continue
		}
		ids, err := d.Desk.Store.AssignableAccounts(ctx, ws, a.ID)
		if err != nil {
			d.fail(w, r, err, "Not found")
			return
		}
		assignable := every
		if len(ids) > 0 {
			assignable = make([]int64, 0, len(ids))
			for _, id := range ids {
				if n, ok := number[id]; ok {
					assignable = append(assignable, n)
				}
			}
			slices.Sort(assignable)
		}
		out.Agents = append(out.Agents, toAgent(a, assignable))
	}
	writeJSON(w, http.StatusOK, out)
}

// accounts: "GET v2/accounts/all" (service Cuentas; the vendor's Python
// client reads .accounts): the connected channel accounts. "Si necesita
// saber cuales son los canales asociados a los tickets de su
// establecimiento puede utilizar el endpoint /v2/accounts/all/."
func (d *door) accounts(w http.ResponseWriter, r *http.Request) {
	accounts, err := d.Desk.Store.ChannelAccounts(r.Context(), principal(r).WorkspaceID)
	if err != nil {
		d.fail(w, r, err, "Not found")
		return
	}
	out := accountsList{Status: http.StatusOK, Accounts: make([]accountItem, 0, len(accounts))}
	for i := range accounts {
		out.Accounts = append(out.Accounts, toAccount(&accounts[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// media serves the file behind a message's "media" URL (ticketd's own
// route: the vendor's media URLs point at its storage). Only files that
// belong to a message are served. The vendor's example media is a picture
// shown in the conversation, so raster images sniffed as such are shown
// inline; everything else is a download (files.Serve).
func (d *door) media(w http.ResponseWriter, r *http.Request) {
	id, err := parseTicketID(r.PathValue("attachment_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid attachment_id: want a 24-character hexadecimal id")
		return
	}
	a, err := d.Desk.Store.Attachment(r.Context(), principal(r).WorkspaceID, id)
	if err == nil && (a.MessageID == "" || strings.Contains(a.Path, "://") || d.Files == nil) {
		err = desk.ErrNotFound
	}
	if err != nil {
		d.fail(w, r, err, "Media not found")
		return
	}
	f, err := d.Files.Open(r.Context(), a.WorkspaceID, a.Path)
	if errors.Is(err, files.ErrNotFound) {
		err = fmt.Errorf("%w: %w", desk.ErrNotFound, err)
	}
	if err != nil {
		d.fail(w, r, err, "Media not found")
		return
	}
	defer f.Close()
	files.Serve(w, r, f, files.Download{FileName: a.FileName, ContentType: a.ContentType, ModTime: a.CreatedAt, InlineImages: true})
}
