package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/route"
	"github.com/ticketd/ticketd/internal/routing"
)

// The admin pages (/admin/...): agents, groups, API tokens and SLA
// policies. They call the same desk, auth and routing use cases the native
// API's admin routes call; the role check is the one the API's guard makes
// (auth.Principal.Can), and every rule about the input is desk's.

// adminData is an admin page.
type adminData struct {
	Section string // agents, agent, groups, group, tokens, token, sla, workspace, fields, replies, reply
	Agents  []adminAgent
	Agent   *desk.Agent // the one being edited
	Groups  []desk.Group
	Group   *desk.Group
	Tokens  []adminToken
	Next    string // the tokens' next page
	// Secret is a token's secret, on the one page that shows it.
	Secret   string
	Token    *adminToken
	Policies []adminPolicy
	Form     *form
	Roles    []desk.Role
	// Saved replies (/settings/replies).
	Replies  []desk.SavedReply
	Reply    *desk.SavedReply
	CanShare bool
	// Custom fields.
	Fields     []desk.FieldDef
	FieldTypes []string
	Prios      []string
	Names      map[string]string // agent id → name
	Channels   *channelsData     // channel accounts (admin_channels.go)
	Macros     *macrosData       // macros (admin_macros.go)
	Zones      []string          // the agent form's time zones (prefs.go)
	// Holidays on the SLA page (admin_hours.go): the form when refused,
	// else the stored ones as text.
	Holidays    *form
	HolidayText string
	// Invitations (invite.go): the agent's pending invitation, the link
	// on its one-time view, or that the view was already shown.
	Invitation  *desk.Invitation
	InviteLink  string
	InviteShown bool
	// Invitable: the agent has no password and could be invited.
	Invitable bool
	// TokenShown: the token's one-time view was already shown.
	TokenShown bool
}

type adminAgent struct {
	A       *desk.Agent
	Groups  []string
	Invited *desk.Invitation // pending, or nil
}

type adminToken struct {
	T     *desk.Token
	Agent string
}

type adminPolicy struct {
	Key      string // the priority, "default" for the workspace default
	P        *desk.SLAPolicy
	First    string // minutes, "" when unset
	Resolve  string
	HasHours bool
	Hours    string // the week as the form writes it (weekText)
}

// InGroup reports whether the agent being edited (or the form's typed
// groups) holds group id.
func (d *adminData) InGroup(id string) bool {
	if d.Form != nil {
		if v, ok := d.Form.Values["group:"+id]; ok {
			return v == "1"
		}
		if d.Agent == nil {
			return false
		}
	}
	if d.Agent == nil {
		return false
	}
	for _, g := range d.Agent.GroupIDs {
		if g == id {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the signed-in agent may open the admin pages
// (the left column's link).
func (p *pageData) IsAdmin() bool { return p.Agent != nil && p.Agent.Role.AtLeast(desk.RoleAdmin) }

// errAdminOnly answers a non-admin on an admin page.
var errAdminOnly = &errPage{http.StatusForbidden, "admin.forbidden"}

// admin lets only admins through to h.
func admin(h func(http.ResponseWriter, *http.Request, *visit) error) func(http.ResponseWriter, *http.Request, *visit) error {
	return func(rw http.ResponseWriter, r *http.Request, v *visit) error {
		if !v.p.Can(desk.RoleAdmin) {
			return errAdminOnly
		}
		return h(rw, r, v)
	}
}

func (w *Web) registerAdmin(add func(method, path, role string, h http.Handler)) {
	get := func(path string, h func(http.ResponseWriter, *http.Request, *visit) error) {
		add("GET", path, route.Admin, w.page(admin(h)))
	}
	post := func(path string, h func(http.ResponseWriter, *http.Request, *visit) error) {
		add("POST", path, route.Admin, w.action(admin(h)))
	}
	get("/admin", func(rw http.ResponseWriter, r *http.Request, _ *visit) error {
		http.Redirect(rw, r, "/admin/agents", http.StatusSeeOther)
		return nil
	})
	get("/admin/agents", w.adminAgents)
	post("/admin/agents", w.createAgent)
	get("/admin/agents/{id}", w.adminAgent)
	post("/admin/agents/{id}", w.updateAgent)
	post("/admin/agents/{id}/deactivate", w.deactivateAgent)
	post("/admin/agents/{id}/activate", w.activateAgent)
	post("/admin/agents/{id}/invitation", w.newInvitation)
	post("/admin/agents/{id}/invitation/revoke", w.revokeInvitation)
	get("/admin/agents/{id}/invited/{flash}", w.invitedView)
	get("/admin/groups", w.adminGroups)
	post("/admin/groups", w.createGroup)
	get("/admin/groups/{id}", w.adminGroup)
	post("/admin/groups/{id}", w.updateGroup)
	post("/admin/groups/{id}/delete", w.deleteGroup)
	get("/admin/tokens", w.adminTokens)
	post("/admin/tokens", w.createToken)
	get("/admin/tokens/created/{flash}", w.createdToken)
	post("/admin/tokens/{id}/revoke", w.revokeToken)
	get("/admin/sla", w.adminSLA)
	post("/admin/sla", w.putSLA)
	post("/admin/sla/holidays", w.putHolidays)
	post("/admin/sla/{priority}/delete", w.deleteSLA)
	get("/admin/workspace", w.adminWorkspace)
	get("/admin/fields", w.adminFields)
	post("/admin/fields", w.putField)
	post("/admin/fields/{scope}/{key}/delete", w.deleteField)
	get("/admin/channels", w.adminChannels)
	post("/admin/channels", w.createChannel)
	get("/admin/channels/{id}", w.adminChannel)
	post("/admin/channels/{id}", w.updateChannel)
	post("/admin/channels/{id}/delete", w.deleteChannel)
	post("/admin/channels/{id}/test", w.testChannel)
	// Saved replies: every agent's own page; desk decides who shares.
	add("GET", "/settings/replies", route.Agent, w.page(w.repliesPage))
	add("POST", "/settings/replies", route.Agent, w.action(w.createReplyForm))
	add("GET", "/settings/replies/{id}", route.Agent, w.page(w.replyPage))
	add("POST", "/settings/replies/{id}", route.Agent, w.action(w.updateReplyForm))
	add("POST", "/settings/replies/{id}/delete", route.Agent, w.action(w.deleteReplyForm))
	post("/admin/workspace", w.updateWorkspace)
	// Macros: every agent's own page too, beside saved replies.
	add("GET", "/settings/macros", route.Agent, w.page(w.macrosPage))
	add("POST", "/settings/macros", route.Agent, w.action(w.createMacroForm))
	add("GET", "/settings/macros/{id}", route.Agent, w.page(w.macroPage))
	add("POST", "/settings/macros/{id}", route.Agent, w.action(w.updateMacroForm))
	add("POST", "/settings/macros/{id}/delete", route.Agent, w.action(w.deleteMacroForm))
}

// showAdmin renders an admin page.
func (w *Web) showAdmin(rw http.ResponseWriter, r *http.Request, v *visit, status int, title string, d *adminData) error {
	current := "admin"
	switch d.Section {
	case "replies", "reply":
		current = "replies"
	case "macros", "macro":
		current = "macros"
	}
	nav, _, err := w.nav(r.Context(), v, current)
	if err != nil {
		return err
	}
	p := w.newPage(v, title)
	p.Nav, p.Admin = nav, d
	w.render(rw, r, status, "admin", p)
	return nil
}

// refusedForm is err as a form's state: beside the field it names when
// the form has that field (fields maps desk's field names to the form's),
// else at the form's top ("_"). Only desk's refusals of the input become
// a form; anything else is returned to go to the error page.
func refusedForm(lang string, err error, fields map[string]string, values map[string]string) (*form, int, error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError || status == http.StatusNotFound && !isFieldError(err) {
		return nil, 0, err
	}
	at := "_"
	if fe, ok := desk.AsFieldError(err); ok {
		if f, ok := fields[fe.Field]; ok {
			at = f
		}
	}
	return &form{Errors: map[string]string{at: ErrorText(lang, err)}, Values: values}, status, nil
}

func isFieldError(err error) bool { _, ok := desk.AsFieldError(err); return ok }

// --- agents

var agentFields = map[string]string{"name": "name", "email": "email", "role": "role", "capacity": "capacity",
	"password": "password", "group_ids": "groups", "language": "language", "time_zone": "time_zone"}

func (w *Web) agentsData(r *http.Request, v *visit) (*adminData, error) {
	ctx := r.Context()
	ags, err := w.cfg.Desk.Store.Agents(ctx, v.ws.ID, desk.AgentFilter{})
	if err != nil {
		return nil, err
	}
	gs, err := w.cfg.Desk.Store.Groups(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range gs {
		names[g.ID] = g.Name
	}
	pending, err := w.cfg.Desk.PendingInvitations(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "agents", Groups: gs, Zones: zonesWith(v.ws.Timezone),
		Roles: []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin, desk.RoleBot}}
	for i := range ags {
		aa := adminAgent{A: &ags[i]}
		if ags[i].PasswordHash == "" {
			aa.Invited = pending[ags[i].ID]
		}
		for _, g := range ags[i].GroupIDs {
			aa.Groups = append(aa.Groups, names[g])
		}
		d.Agents = append(d.Agents, aa)
	}
	return d, nil
}

func (w *Web) adminAgents(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.agentsData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.agents", d)
}

// agentForm reads the agent form: what was typed, and the patch's parts.
func agentForm(r *http.Request, gs []desk.Group) (values map[string]string, role desk.Role, capacity int, groups []string, err error) {
	values = map[string]string{"name": r.PostFormValue("name"), "email": r.PostFormValue("email"),
		"role": r.PostFormValue("role"), "capacity": r.PostFormValue("capacity")}
	picked := map[string]bool{}
	for _, id := range r.PostForm["group"] {
		picked[id] = true
	}
	for _, g := range gs {
		if picked[g.ID] {
			values["group:"+g.ID] = "1"
			groups = append(groups, g.ID)
		} else {
			values["group:"+g.ID] = "0"
		}
	}
	if groups == nil {
		groups = []string{}
	}
	if role, err = desk.ParseRole(values["role"]); err != nil {
		return values, "", 0, nil, err
	}
	if c := strings.TrimSpace(values["capacity"]); c != "" {
		if capacity, err = strconv.Atoi(c); err != nil || capacity < 0 {
			return values, "", 0, nil, desk.Invalid("capacity", desk.CodeRange, desk.Params{Min: 0})
		}
	}
	return values, role, capacity, groups, nil
}

func (w *Web) createAgent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.agentsData(r, v)
	if err != nil {
		return err
	}
	values, role, capacity, groups, err := agentForm(r, d.Groups)
	// The desk language and zone ("" = the workspace's); a refused zone
	// joins the picker's choices so that it stays picked beside its error.
	values["language"], values["time_zone"] = r.PostFormValue("language"), r.PostFormValue("time_zone")
	d.Zones = zonesWith(v.ws.Timezone, values["time_zone"])
	if err == nil {
		na := desk.NewAgent{Name: values["name"], Email: values["email"], Role: role, Capacity: capacity, GroupIDs: groups,
			Language: values["language"], TimeZone: values["time_zone"]}
		if r.PostFormValue("invite") == "1" {
			// Invite: no password; the agent chooses one through the link.
			if r.PostFormValue("password") != "" {
				d.Form = &form{Errors: map[string]string{"password": T(v.lang, "invite.no_password")}, Values: values}
				return w.showAdmin(rw, r, v, http.StatusUnprocessableEntity, "admin.agents", d)
			}
			a, tok, _, ierr := w.cfg.Desk.InviteAgent(r.Context(), v.ws.ID, *v.caller(), na)
			if ierr == nil {
				return w.showInvited(rw, r, v, a.ID, tok)
			}
			err = ierr
		} else if pw := r.PostFormValue("password"); pw != "" {
			if na.PasswordHash, err = w.cfg.Auth.Hasher.Hash(pw); err != nil {
				return err
			}
		}
		if err == nil {
			if _, err = w.cfg.Desk.CreateAgent(r.Context(), v.ws.ID, na); err == nil {
				http.Redirect(rw, r, "/admin/agents?created=1", http.StatusSeeOther)
				return nil
			}
		}
	}
	f, status, err := refusedForm(v.lang, err, agentFields, values)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.agents", d)
}

func (w *Web) agentData(r *http.Request, v *visit) (*adminData, error) {
	a, err := w.cfg.Desk.Store.Agent(r.Context(), v.ws.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	gs, err := w.cfg.Desk.Store.Groups(r.Context(), v.ws.ID)
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "agent", Agent: a, Groups: gs, Zones: zonesWith(a.TimeZone, v.ws.Timezone),
		Roles:     []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin, desk.RoleBot},
		Invitable: a.PasswordHash == "" && a.Role != desk.RoleBot && a.Active()}
	if d.Invitable {
		if d.Invitation, err = w.cfg.Desk.PendingInvitation(r.Context(), v.ws.ID, a.ID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (w *Web) adminAgent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.agentData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.agent", d)
}

func (w *Web) updateAgent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.agentData(r, v)
	if err != nil {
		return err
	}
	values, role, capacity, groups, err := agentForm(r, d.Groups)
	// The agent's desk language and zone, when the form has them (a form
	// without them keeps what is stored).
	prefs := map[string]*string{}
	for _, k := range []string{"language", "time_zone"} {
		if _, ok := r.PostForm[k]; ok {
			val := r.PostFormValue(k)
			values[k], prefs[k] = val, &val
		}
	}
	// A refused zone stays picked beside its error.
	d.Zones = zonesWith(d.Agent.TimeZone, v.ws.Timezone, values["time_zone"])
	if err == nil {
		name := values["name"]
		p := desk.AgentPatch{Name: &name, Role: &role, Capacity: &capacity, GroupIDs: &groups,
			Language: prefs["language"], TimeZone: prefs["time_zone"]}
		if pw := r.PostFormValue("password"); pw != "" {
			h, herr := w.cfg.Auth.Hasher.Hash(pw)
			if herr != nil {
				return herr
			}
			p.PasswordHash = &h
		}
		// Through auth: a new role or password reaches every node's cache.
		if _, err = w.cfg.Auth.UpdateAgent(r.Context(), v.ws.ID, d.Agent.ID, p); err == nil {
			http.Redirect(rw, r, "/admin/agents", http.StatusSeeOther)
			return nil
		}
	}
	f, status, err := refusedForm(v.lang, err, agentFields, values)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.agent", d)
}

// deactivateAgent ends an agent's access; the refusal (the last admin)
// shows on the agent's page, beside the button.
func (w *Web) deactivateAgent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.agentAccess(rw, r, v, func() error {
		_, err := w.cfg.Auth.Deactivate(r.Context(), v.ws.ID, r.PathValue("id"), v.actor())
		return err
	})
}

func (w *Web) activateAgent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.agentAccess(rw, r, v, func() error {
		_, err := w.cfg.Auth.Activate(r.Context(), v.ws.ID, r.PathValue("id"))
		return err
	})
}

func (w *Web) agentAccess(rw http.ResponseWriter, r *http.Request, v *visit, do func() error) error {
	d, err := w.agentData(r, v)
	if err != nil {
		return err
	}
	if err := do(); err != nil {
		f, status, err := refusedForm(v.lang, err, map[string]string{}, nil)
		if err != nil {
			return err
		}
		f.Errors = map[string]string{"access": f.Errors["_"]}
		d.Form = f
		return w.showAdmin(rw, r, v, status, "admin.agent", d)
	}
	http.Redirect(rw, r, "/admin/agents/"+d.Agent.ID, http.StatusSeeOther)
	return nil
}

// --- groups

var groupFields = map[string]string{"name": "name", "description": "description", "supervisor_id": "supervisor"}

func (w *Web) groupsData(r *http.Request, v *visit) (*adminData, error) {
	ctx := r.Context()
	gs, err := w.cfg.Desk.Store.Groups(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	ags, err := w.cfg.Desk.Store.Agents(ctx, v.ws.ID, desk.AgentFilter{})
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "groups", Groups: gs, Names: map[string]string{}}
	for i := range ags {
		d.Names[ags[i].ID] = ags[i].Name
		if ags[i].Role.AtLeast(desk.RoleSupervisor) && ags[i].Active() {
			d.Agents = append(d.Agents, adminAgent{A: &ags[i]})
		}
	}
	return d, nil
}

func (w *Web) adminGroups(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.groupsData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.groups", d)
}

func groupValues(r *http.Request) map[string]string {
	return map[string]string{"name": r.PostFormValue("name"), "description": r.PostFormValue("description"),
		"supervisor": r.PostFormValue("supervisor")}
}

func (w *Web) createGroup(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.groupsData(r, v)
	if err != nil {
		return err
	}
	in := groupValues(r)
	ctx := r.Context()
	// As the API's create: the group, then its description; a refused
	// description must not leave the group behind, so it is checked first.
	if len(in["description"]) > desk.MaxGroupDescription {
		err = desk.TooLong("description", desk.MaxGroupDescription)
	} else {
		var g *desk.Group
		g, err = w.cfg.Desk.CreateGroup(ctx, v.ws.ID, in["name"], in["supervisor"])
		if err == nil && in["description"] != "" {
			desc := in["description"]
			_, err = w.cfg.Desk.UpdateGroup(ctx, v.ws.ID, g.ID, desk.GroupPatch{Description: &desc})
		}
		if err == nil {
			http.Redirect(rw, r, "/admin/groups", http.StatusSeeOther)
			return nil
		}
	}
	f, status, err := refusedForm(v.lang, err, groupFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.groups", d)
}

func (w *Web) groupData(r *http.Request, v *visit) (*adminData, error) {
	d, err := w.groupsData(r, v)
	if err != nil {
		return nil, err
	}
	g, err := w.cfg.Desk.Store.Group(r.Context(), v.ws.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d.Section, d.Group = "group", g
	return d, nil
}

func (w *Web) adminGroup(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.groupData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.group", d)
}

func (w *Web) updateGroup(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.groupData(r, v)
	if err != nil {
		return err
	}
	in := groupValues(r)
	name, desc, sup := in["name"], in["description"], in["supervisor"]
	_, err = w.cfg.Desk.UpdateGroup(r.Context(), v.ws.ID, d.Group.ID, desk.GroupPatch{Name: &name, Description: &desc, SupervisorID: &sup})
	if err == nil {
		http.Redirect(rw, r, "/admin/groups", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, groupFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.group", d)
}

// deleteGroup deletes a group no ticket was ever in; the not_empty
// refusal, with its advice to rename instead, shows beside the button.
func (w *Web) deleteGroup(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.groupData(r, v)
	if err != nil {
		return err
	}
	if err := w.cfg.Desk.DeleteGroup(r.Context(), v.ws.ID, d.Group.ID); err != nil {
		f, status, err := refusedForm(v.lang, err, map[string]string{}, nil)
		if err != nil {
			return err
		}
		f.Errors = map[string]string{"delete": f.Errors["_"]}
		d.Form = f
		return w.showAdmin(rw, r, v, status, "admin.group", d)
	}
	http.Redirect(rw, r, "/admin/groups", http.StatusSeeOther)
	return nil
}

// --- API tokens

func (w *Web) tokensData(r *http.Request, v *visit) (*adminData, error) {
	ctx := r.Context()
	ags, err := w.cfg.Desk.Store.Agents(ctx, v.ws.ID, desk.AgentFilter{})
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "tokens", Names: map[string]string{}}
	for i := range ags {
		d.Names[ags[i].ID] = ags[i].Name
		if ags[i].Active() {
			d.Agents = append(d.Agents, adminAgent{A: &ags[i]})
		}
	}
	ts, err := w.cfg.Auth.Tokens(ctx, v.p, "", r.URL.Query().Get("after"), auth.MaxTokenPage+1)
	if err != nil {
		return nil, err
	}
	if len(ts) > auth.MaxTokenPage {
		d.Next, ts = "/admin/tokens?after="+ts[auth.MaxTokenPage-1].ID, ts[:auth.MaxTokenPage]
	}
	for i := range ts {
		d.Tokens = append(d.Tokens, adminToken{T: &ts[i], Agent: d.Names[ts[i].AgentID]})
	}
	return d, nil
}

func (w *Web) adminTokens(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.tokensData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.tokens", d)
}

// createToken issues a token and redirects to the one-time view of its
// secret (Post/Redirect/Get, flash.go): a reload of that view shows it no
// more and creates nothing; the secret is never stored in the clear.
func (w *Web) createToken(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := map[string]string{"agent": r.PostFormValue("agent"), "label": r.PostFormValue("label"),
		"ttl": r.PostFormValue("ttl"), "expires_on": strings.TrimSpace(r.PostFormValue("expires_on"))}
	var err error
	ttl, terr := w.tokenTTL(v, in["ttl"], in["expires_on"])
	if in["agent"] == "" {
		err = desk.Required("agent_id")
	} else if terr == "" {
		var secret string
		var t *desk.Token
		secret, t, _, err = w.cfg.Auth.IssueAgentToken(r.Context(), v.p, in["agent"], in["label"], ttl)
		if err == nil {
			id, err := w.putFlash(r, v, flash{Kind: "token", Secret: secret, Ref: t.ID})
			if err != nil {
				return err
			}
			http.Redirect(rw, r, "/admin/tokens/created/"+id, http.StatusSeeOther)
			return nil
		}
		if errors.Is(err, desk.ErrNotFound) && !isFieldError(err) {
			err = desk.Invalid("agent_id", desk.CodeNotFoundRef, desk.Params{Entity: "agent", Ref: in["agent"]})
		}
	}
	d, derr := w.tokensData(r, v)
	if derr != nil {
		return derr
	}
	status := http.StatusUnprocessableEntity
	f := &form{Errors: map[string]string{}, Values: in}
	if err != nil {
		if f, status, err = refusedForm(v.lang, err, map[string]string{"agent_id": "agent", "label": "label", "ttl_seconds": "ttl"}, in); err != nil {
			return err
		}
	}
	if terr != "" {
		f.Errors["ttl"] = T(v.lang, terr)
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.tokens", d)
}

// tokenTTL reads the form's lifetime: "" never expires, 30, 90 or 365
// days, or "date" until the end of a chosen day. A chosen day is the workspace's:
// the token works until that day ends there. A refusal is a catalog key.
func (w *Web) tokenTTL(v *visit, ttl, on string) (time.Duration, string) {
	switch ttl {
	case "":
		return 0, ""
	case "30", "90", "365":
		n, _ := strconv.Atoi(ttl)
		return time.Duration(n) * 24 * time.Hour, ""
	case "date":
		day, err := time.ParseInLocation("2006-01-02", on, v.loc)
		if err != nil {
			return 0, "invite.token_date"
		}
		d := day.AddDate(0, 0, 1).Sub(w.now())
		if d <= 0 {
			return 0, "invite.token_date_past"
		}
		return d, ""
	}
	return 0, "invite.token_date"
}

// createdToken is the one-time view of a new token's secret.
func (w *Web) createdToken(rw http.ResponseWriter, r *http.Request, v *visit) error {
	f, err := w.takeFlash(r, v, r.PathValue("flash"), "token")
	if err != nil {
		return err
	}
	d := &adminData{Section: "token"}
	if f == nil {
		d.TokenShown = true
		return w.showAdmin(rw, r, v, http.StatusGone, "admin.token_created", d)
	}
	t, err := w.cfg.Desk.Store.Token(r.Context(), v.ws.ID, f.Ref)
	if err != nil {
		return err // revoked meanwhile: not found
	}
	name := ""
	if a, err := w.cfg.Desk.Store.Agent(r.Context(), v.ws.ID, t.AgentID); err == nil {
		name = a.Name
	}
	d.Secret, d.Token = f.Secret, &adminToken{T: t, Agent: name}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.token_created", d)
}

func (w *Web) revokeToken(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := w.cfg.Auth.RevokeToken(r.Context(), v.p, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(rw, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}

// --- SLA policies

// slaPrios are the priorities a policy is for; "default" is the
// workspace's default policy (desk.PriorityUnset).
var slaPrios = []string{"default", "urgent", "high", "normal", "low"}

func prioOf(key string) desk.Priority {
	if key == "default" {
		return desk.PriorityUnset
	}
	return desk.Priority(key)
}

func minutes(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatInt(int64(d/time.Minute), 10)
}

func (w *Web) slaData(r *http.Request, v *visit) (*adminData, error) {
	d := &adminData{Section: "sla", Prios: slaPrios, HolidayText: routing.FormatHolidayLines(v.ws.Settings.Holidays)}
	if w.cfg.Routing == nil {
		return d, nil
	}
	ps, err := w.cfg.Routing.Policies(r.Context(), v.ws.ID)
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, k := range slaPrios {
		rank[k] = i
	}
	for i := range ps {
		k := string(ps[i].Priority)
		if k == "" {
			k = "default"
		}
		d.Policies = append(d.Policies, adminPolicy{Key: k, P: &ps[i], First: minutes(ps[i].FirstReply),
			Resolve: minutes(ps[i].Resolve), HasHours: len(ps[i].Hours) > 0, Hours: weekText(routing.FormatHours(ps[i].Hours))})
	}
	sort.Slice(d.Policies, func(i, j int) bool { return rank[d.Policies[i].Key] < rank[d.Policies[j].Key] })
	return d, nil
}

func (w *Web) adminSLA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.slaData(r, v)
	if err != nil {
		return err
	}
	// ?priority=…: the policy's values in the form, to change them.
	for _, p := range d.Policies {
		if p.Key == r.URL.Query().Get("priority") {
			d.Form = &form{Values: map[string]string{"priority": p.Key, "first_reply": p.First, "resolve": p.Resolve,
				"hours": p.Hours, "timezone": p.P.Timezone}}
		}
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.sla", d)
}

// parseMinutes reads a target in minutes ("" = none).
func parseMinutes(field, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	max := int64(365 * 24 * 60)
	if err != nil || n < 0 || n > max {
		return 0, desk.Invalid(field, desk.CodeRange, desk.Params{Min: 0, Max: int(max)})
	}
	return time.Duration(n) * time.Minute, nil
}

func (w *Web) putSLA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if w.cfg.Routing == nil {
		return errNotFound
	}
	in := map[string]string{"priority": r.PostFormValue("priority"), "first_reply": r.PostFormValue("first_reply"),
		"resolve": r.PostFormValue("resolve"), "hours": r.PostFormValue("hours"), "timezone": strings.TrimSpace(r.PostFormValue("timezone"))}
	var err error
	key := in["priority"]
	valid := false
	for _, k := range slaPrios {
		valid = valid || k == key
	}
	if !valid {
		err = desk.Invalid("priority", desk.CodeOneOf, desk.Params{Value: key, Allowed: slaPrios})
	}
	var first, resolve time.Duration
	if err == nil {
		first, err = parseMinutes("first_reply", in["first_reply"])
	}
	if err == nil {
		resolve, err = parseMinutes("resolve", in["resolve"])
	}
	var hours []desk.HoursSpan
	if err == nil {
		var week map[string][]string
		if week, err = parseWeek(in["hours"]); err == nil {
			hours, err = routing.ParseHours(week)
		}
	}
	if err == nil {
		p := desk.SLAPolicy{Priority: prioOf(key), FirstReply: first, Resolve: resolve, Hours: hours, Timezone: in["timezone"]}
		if _, err = w.cfg.Routing.PutPolicy(r.Context(), v.ws.ID, p); err == nil {
			http.Redirect(rw, r, "/admin/sla", http.StatusSeeOther)
			return nil
		}
	}
	d, derr := w.slaData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, map[string]string{"priority": "priority", "first_reply": "first_reply",
		"first_reply_seconds": "first_reply", "resolve": "resolve", "resolve_seconds": "resolve", "hours": "hours", "timezone": "timezone"}, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.sla", d)
}

func (w *Web) deleteSLA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if w.cfg.Routing == nil {
		return errNotFound
	}
	key := r.PathValue("priority")
	valid := false
	for _, k := range slaPrios {
		valid = valid || k == key
	}
	if !valid {
		return errNotFound
	}
	if err := w.cfg.Routing.DeletePolicy(r.Context(), v.ws.ID, prioOf(key)); err != nil {
		return err
	}
	http.Redirect(rw, r, "/admin/sla", http.StatusSeeOther)
	return nil
}

// parseWeek reads business hours as the SLA form takes them: one day a
// line, its key (mon…sun) then its HH:MM-HH:MM spans, separated by
// spaces or commas ("mon 09:00-12:00, 13:00-18:00"). Blank lines are
// skipped; a day without spans is refused; the spans themselves are
// routing.ParseHours' to check.
func parseWeek(s string) (map[string][]string, error) {
	week := map[string][]string{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.FieldsFunc(line, func(c rune) bool { return c == ' ' || c == ',' || c == '\t' || c == '\r' })
		if len(f) == 0 {
			continue
		}
		day := strings.ToLower(f[0])
		if len(f) == 1 {
			return nil, desk.Invalid("hours", desk.CodeFormat, desk.Params{Value: line, Format: "mon 09:00-18:00"})
		}
		week[day] = append(week[day], f[1:]...)
	}
	return week, nil
}

// weekText writes a schedule back the way parseWeek reads it, Monday first.
func weekText(week map[string][]string) string {
	var b strings.Builder
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if spans := week[d]; len(spans) > 0 {
			b.WriteString(d + " " + strings.Join(spans, ", ") + "\n")
		}
	}
	return b.String()
}
