package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
	"github.com/ticketd/ticketd/internal/objectid"
)

func (a *API) openapi(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	writeJSON(w, http.StatusOK, a.OpenAPIDocument())
}

type loginRequest struct {
	Email      string `json:"email"`
	Password   string `json:"password"`
	Workspace  string `json:"workspace,omitempty" doc:"workspace id or name, when the email exists in several"`
	Label      string `json:"label,omitempty"`
	TTLSeconds int64  `json:"ttl_seconds,omitempty" doc:"0 = never expires"`
}

type tokenResponse struct {
	Token       string            `json:"token"`
	ExpiresAt   *jsontext.Instant `json:"expires_at"`
	WorkspaceID string            `json:"workspace_id"`
	Agent       agentJSON         `json:"agent"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	var in loginRequest
	if !decode(w, r, &in) {
		return
	}
	if in.Email == "" || in.Password == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "email and password are required")
		return
	}
	if in.TTLSeconds < 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "ttl_seconds must be 0 or more")
		return
	}
	ag, err := a.Auth.Login(r.Context(), in.Email, in.Password, in.Workspace)
	if err != nil {
		if errors.Is(err, auth.ErrUnauthorized) {
			writeError(w, http.StatusUnauthorized, "unauthorized", "wrong email or password")
			return
		}
		fail(w, r, err)
		return
	}
	tok, t, err := a.Auth.IssueToken(r.Context(), ag, in.Label, time.Duration(in.TTLSeconds)*time.Second)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.Desk.RecordLogin(r.Context(), ag.WorkspaceID, ag.ID); err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: tok, ExpiresAt: optTime(t.ExpiresAt), WorkspaceID: ag.WorkspaceID, Agent: toAgentJSON(ag)})
}

func (a *API) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Auth.Revoke(r.Context(), p.WorkspaceID, p.TokenID); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) me(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ag, err := a.Desk.Store.Agent(r.Context(), p.WorkspaceID, p.AgentID)
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}

type workspaceJSON struct {
	ID        string                 `json:"id"`
	Number    int64                  `json:"number"`
	Name      string                 `json:"name"`
	Timezone  string                 `json:"timezone"`
	Settings  desk.WorkspaceSettings `json:"settings"`
	CreatedAt jsontext.Instant       `json:"created_at"`
}

func (a *API) workspace(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ws, err := a.Desk.Store.Workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, workspaceJSON{ID: ws.ID, Number: ws.Number, Name: ws.Name, Timezone: ws.Timezone,
		Settings: ws.Settings, CreatedAt: jsontext.Instant(ws.CreatedAt)})
}

type workspaceSettingsPatch struct {
	TicketAccess *string `json:"ticket_access,omitempty" enum:"all,groups,own" doc:"which tickets agents see: all, their groups' and their own, or only their own (docs/permissions.md)"`
}

func (a *API) patchWorkspaceSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in workspaceSettingsPatch
	if !decode(w, r, &in) {
		return
	}
	if in.TicketAccess != nil {
		acc, err := desk.ParseTicketAccess(*in.TicketAccess)
		if err == nil {
			_, err = a.Desk.SetTicketAccess(r.Context(), p.WorkspaceID, acc)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
	}
	a.workspace(w, r, p)
}

type groupRequest struct {
	Name         string `json:"name"`
	SupervisorID string `json:"supervisor_id,omitempty"`
	Description  string `json:"description,omitempty"`
}

type groupPatch struct {
	Name         *string `json:"name,omitempty"`
	Description  *string `json:"description,omitempty"`
	SupervisorID *string `json:"supervisor_id,omitempty" doc:"empty string removes the supervisor"`
}

func (a *API) updateGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in groupPatch
	if !decode(w, r, &in) {
		return
	}
	g, err := a.Desk.UpdateGroup(r.Context(), p.WorkspaceID, r.PathValue("id"),
		desk.GroupPatch{Name: in.Name, Description: in.Description, SupervisorID: in.SupervisorID})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toGroupJSON(g))
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Desk.DeleteGroup(r.Context(), p.WorkspaceID, r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type groupList struct {
	Groups []groupJSON `json:"groups"`
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in groupRequest
	if !decode(w, r, &in) {
		return
	}
	g, err := a.Desk.CreateGroup(r.Context(), p.WorkspaceID, in.Name, in.SupervisorID)
	if err == nil && in.Description != "" {
		g, err = a.Desk.UpdateGroup(r.Context(), p.WorkspaceID, g.ID, desk.GroupPatch{Description: &in.Description})
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toGroupJSON(g))
}

func (a *API) groups(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	gs, err := a.Desk.Store.Groups(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := groupList{Groups: make([]groupJSON, 0, len(gs))}
	for i := range gs {
		out.Groups = append(out.Groups, toGroupJSON(&gs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) group(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	g, err := a.Desk.Store.Group(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toGroupJSON(g))
}

type agentRequest struct {
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Password string    `json:"password,omitempty"`
	Role     desk.Role `json:"role,omitempty" enum:"admin,supervisor,agent,bot"`
	Capacity int       `json:"capacity,omitempty" doc:"max active assigned tickets; 0 = unlimited"`
	GroupIDs []string  `json:"group_ids,omitempty"`
	Meta     doorMeta  `json:"meta,omitempty" doc:"values only one door speaks, by door then field (docs/domain.md), e.g. {\"oneview\":{\"agentAccesses\":[…]}}"`
	Language string    `json:"language,omitempty" enum:"en,es,zh-Hans,id," doc:"the desk's language for the agent; empty or absent = the workspace's default"`
	TimeZone string    `json:"time_zone,omitempty" doc:"an IANA zone the desk shows the agent times in; empty or absent = the workspace's"`
}

type agentList struct {
	Agents []agentJSON `json:"agents"`
}

func (a *API) createAgent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in agentRequest
	if !decode(w, r, &in) {
		return
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = a.Auth.Hasher.Hash(in.Password); err != nil {
			fail(w, r, err)
			return
		}
	}
	na := desk.NewAgent{Name: in.Name, Email: in.Email, PasswordHash: hash,
		Role: in.Role, Capacity: in.Capacity, GroupIDs: in.GroupIDs, Language: in.Language, TimeZone: in.TimeZone}
	na.Meta = in.Meta
	ag, err := a.Desk.CreateAgent(r.Context(), p.WorkspaceID, na)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAgentJSON(ag))
}

func (a *API) agents(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	ags, err := a.Desk.Store.Agents(r.Context(), p.WorkspaceID, desk.AgentFilter{GroupID: q.Get("group"),
		Role: desk.Role(q.Get("role")), Presence: desk.Presence(q.Get("presence"))})
	if err != nil {
		fail(w, r, err)
		return
	}
	active := q.Get("active")
	if active != "" && active != "true" && active != "false" {
		writeError(w, http.StatusBadRequest, "bad_request", "active must be true or false")
		return
	}
	pending, err := a.Desk.PendingInvitations(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := agentList{Agents: make([]agentJSON, 0, len(ags))}
	for i := range ags {
		if active != "" && ags[i].Active() != (active == "true") {
			continue
		}
		out.Agents = append(out.Agents, withInvitation(toAgentJSON(&ags[i]), invitedOnly(&ags[i], pending)))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) agent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ag, err := a.Desk.Store.Agent(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}

type agentPatch struct {
	Name     *string    `json:"name,omitempty"`
	Role     *desk.Role `json:"role,omitempty" enum:"admin,supervisor,agent,bot"`
	Capacity *int       `json:"capacity,omitempty"`
	GroupIDs *[]string  `json:"group_ids,omitempty"`
	Meta     doorMeta   `json:"meta,omitempty" doc:"merged by door then field (docs/domain.md)"`
	Password *string    `json:"password,omitempty"`
	Language *string    `json:"language,omitempty" enum:"en,es,zh-Hans,id," doc:"the desk's language for the agent; empty string = the workspace's default"`
	TimeZone *string    `json:"time_zone,omitempty" doc:"an IANA zone the desk shows the agent times in; empty string = the workspace's"`
}

func (a *API) updateAgent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in agentPatch
	if !decode(w, r, &in) {
		return
	}
	patch := desk.AgentPatch{Name: in.Name, Role: in.Role, Capacity: in.Capacity, GroupIDs: in.GroupIDs,
		Language: in.Language, TimeZone: in.TimeZone}
	patch.Meta = in.Meta
	if in.Password != nil {
		hash, err := a.Auth.Hasher.Hash(*in.Password)
		if err != nil {
			fail(w, r, err)
			return
		}
		patch.PasswordHash = &hash
	}
	// Through auth: a new role or password must reach every node's cache.
	ag, err := a.Auth.UpdateAgent(r.Context(), p.WorkspaceID, r.PathValue("id"), patch)
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}

type presenceRequest struct {
	Status desk.Presence `json:"status" enum:"online,away,offline"`
}

func (a *API) setPresence(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in presenceRequest
	if !decode(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	if id == "me" {
		id = p.AgentID
	}
	if id != p.AgentID && !p.Can(desk.RoleSupervisor) {
		writeError(w, http.StatusForbidden, "forbidden", "agents set only their own presence")
		return
	}
	ag, err := a.Desk.SetPresence(r.Context(), p.WorkspaceID, id, in.Status, p.Actor())
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeAgent(w, r, http.StatusOK, ag)
}

type contactRequest struct {
	Name         string         `json:"name,omitempty"`
	FirstName    string         `json:"first_name,omitempty"`
	LastName     string         `json:"last_name,omitempty"`
	Email        string         `json:"email,omitempty"`
	Phone        string         `json:"phone,omitempty"`
	NationalID   string         `json:"national_id,omitempty"`
	ExternalID   string         `json:"external_id,omitempty"`
	Identities   []identityJSON `json:"identities,omitempty"`
	CustomFields fieldsJSON     `json:"custom_fields,omitempty"`
}

type contactList struct {
	Contacts []contactJSON `json:"contacts"`
}

func (a *API) createContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in contactRequest
	if !decode(w, r, &in) {
		return
	}
	nc := desk.NewContact{Name: in.Name, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, Phone: in.Phone,
		NationalID: in.NationalID, ExternalID: in.ExternalID, CustomFields: desk.Fields(in.CustomFields)}
	for _, i := range in.Identities {
		nc.Identities = append(nc.Identities, desk.Identity(i))
	}
	c, err := a.Desk.CreateContact(r.Context(), p.WorkspaceID, nc)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toContactJSON(c))
}

func (a *API) contacts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	f := desk.ContactFilter{Email: q.Get("email"), Phone: q.Get("phone"), NationalID: desk.NormalizeNationalID(q.Get("national_id"))}
	if ch := q.Get("channel"); ch != "" {
		f.Identity = &desk.Identity{Channel: desk.Channel(ch), ExternalID: q.Get("external_id")}
	}
	limit, ok := intParam(w, q.Get("limit"), 100, 1, 1000)
	if !ok {
		return
	}
	f.Limit = limit
	cs, err := a.Desk.Store.Contacts(r.Context(), p.WorkspaceID, f)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := contactList{Contacts: make([]contactJSON, 0, len(cs))}
	for i := range cs {
		out.Contacts = append(out.Contacts, toContactJSON(&cs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) contact(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := a.Desk.Store.Contact(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toContactJSON(c))
}

type fieldDefList struct {
	Fields []fieldDefJSON `json:"fields"`
}

type fieldDefRequest struct {
	Label    string             `json:"label,omitempty"`
	Type     string             `json:"type" enum:"text,textarea,number,checkbox,radiobutton,select,list,cascade,boolean,datetime,attachment,payment,table"`
	Options  []desk.FieldOption `json:"options,omitempty"`
	Required bool               `json:"required,omitempty"`
}

func toFieldDefJSON(d *desk.FieldDef) fieldDefJSON {
	out := fieldDefJSON{Key: d.Key, Scope: d.Scope, Label: d.Label, Type: d.Type, Options: d.Options, Required: d.Required}
	if out.Options == nil {
		out.Options = []desk.FieldOption{}
	}
	return out
}

func (a *API) fieldDefs(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	scope := r.URL.Query().Get("scope")
	if scope == "" {
		scope = "ticket"
	}
	defs, err := a.Desk.Store.FieldDefs(r.Context(), p.WorkspaceID, scope)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := fieldDefList{Fields: make([]fieldDefJSON, 0, len(defs))}
	for i := range defs {
		out.Fields = append(out.Fields, toFieldDefJSON(&defs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putFieldDef(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in fieldDefRequest
	if !decode(w, r, &in) {
		return
	}
	d, err := a.Desk.PutFieldDef(r.Context(), p.WorkspaceID, desk.FieldDef{Scope: r.PathValue("scope"), Key: r.PathValue("key"),
		Label: in.Label, Type: in.Type, Options: in.Options, Required: in.Required})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toFieldDefJSON(d))
}

// ticketByRef finds a ticket by its id or, when ref is all digits, its number.
// ticketByRef reads a ticket by id or number that the caller may see (a
// ticket hidden by the workspace's ticket access answers not found).
func (a *API) ticketByRef(r *http.Request, p *auth.Principal, ref string) (*desk.Ticket, error) {
	var t *desk.Ticket
	var err error
	switch n, ok := parseNumber(ref); {
	case objectid.Valid(ref):
		t, err = a.Desk.Store.Ticket(r.Context(), p.WorkspaceID, ref)
	case ok:
		t, err = a.Desk.Store.TicketByNumber(r.Context(), p.WorkspaceID, n)
	default:
		return nil, desk.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := a.Desk.Authorize(r.Context(), *p.Caller(), t, desk.ActView); err != nil {
		return nil, err
	}
	return t, nil
}
