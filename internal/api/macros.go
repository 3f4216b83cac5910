package api

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

type macroActionsJSON struct {
	Status     string   `json:"status,omitempty" doc:"the status to set"`
	Priority   string   `json:"priority,omitempty" doc:"the priority to set"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	AssignToMe bool     `json:"assign_to_me,omitempty" doc:"assign the ticket to whoever applies the macro"`
}

type macroJSON struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Shortcut  string           `json:"shortcut" doc:"an optional keyboard shortcut, one word"`
	Actions   macroActionsJSON `json:"actions"`
	Reply     string           `json:"reply" doc:"text added to the ticket, placeholders as in saved replies; empty: none"`
	Note      bool             `json:"note" doc:"the reply is an internal note"`
	Scope     string           `json:"scope" enum:"personal,shared"`
	OwnerID   *string          `json:"owner_id"`
	CreatedAt jsontext.Instant `json:"created_at"`
	UpdatedAt jsontext.Instant `json:"updated_at"`
}

func toMacroJSON(m *desk.Macro) macroJSON {
	a := m.Actions
	out := macroJSON{ID: m.ID, Name: m.Name, Shortcut: m.Shortcut, Reply: m.Reply, Note: m.Note, Scope: "personal",
		OwnerID: optStr(m.OwnerID), CreatedAt: jsontext.Instant(m.CreatedAt), UpdatedAt: jsontext.Instant(m.UpdatedAt),
		Actions: macroActionsJSON{Status: string(a.Status), Priority: string(a.Priority), AddTags: a.AddTags,
			RemoveTags: a.RemoveTags, AssignToMe: a.AssignToMe}}
	if m.Shared() {
		out.Scope = "shared"
	}
	return out
}

func fromMacroActions(a macroActionsJSON) desk.MacroActions {
	return desk.MacroActions{Status: desk.Status(a.Status), Priority: desk.Priority(a.Priority), AddTags: a.AddTags,
		RemoveTags: a.RemoveTags, AssignToMe: a.AssignToMe}
}

type macroList struct {
	Macros     []macroJSON `json:"macros"`
	NextCursor *string     `json:"next_cursor"`
}

type macroRequest struct {
	Name     string           `json:"name"`
	Shortcut string           `json:"shortcut,omitempty"`
	Actions  macroActionsJSON `json:"actions"`
	Reply    string           `json:"reply,omitempty"`
	Note     bool             `json:"note,omitempty"`
	Scope    string           `json:"scope,omitempty" enum:"personal,shared" doc:"personal (default), or shared (supervisors and admins)"`
}

type macroPatch struct {
	Name     *string           `json:"name,omitempty"`
	Shortcut *string           `json:"shortcut,omitempty" doc:"empty string removes it"`
	Actions  *macroActionsJSON `json:"actions,omitempty" doc:"replaces the actions whole"`
	Reply    *string           `json:"reply,omitempty"`
	Note     *bool             `json:"note,omitempty"`
}

type macroApplied struct {
	Ticket  ticketJSON   `json:"ticket" doc:"the ticket as changed"`
	Message *messageJSON `json:"message" doc:"the reply or note the macro added; null when it has none"`
}

func (a *API) macros(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, ok := intParam(w, q.Get("limit"), 50, 1, desk.MaxMacros)
	if !ok {
		return
	}
	ms, err := a.Desk.Macros(r.Context(), p.WorkspaceID, *p.Caller(), q.Get("cursor"), limit+1)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := macroList{Macros: make([]macroJSON, 0, len(ms))}
	if len(ms) > limit {
		c := ms[limit-1].ID
		out.NextCursor, ms = &c, ms[:limit]
	}
	for i := range ms {
		out.Macros = append(out.Macros, toMacroJSON(&ms[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in macroRequest
	if !decode(w, r, &in) {
		return
	}
	if in.Scope != "" && in.Scope != "personal" && in.Scope != "shared" {
		fail(w, r, desk.OneOf("scope", in.Scope, "personal", "shared"))
		return
	}
	m, err := a.Desk.CreateMacro(r.Context(), p.WorkspaceID, *p.Caller(), desk.NewMacro{Name: in.Name, Shortcut: in.Shortcut,
		Reply: in.Reply, Note: in.Note, Shared: in.Scope == "shared", Actions: fromMacroActions(in.Actions)})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/macros/"+m.ID)
	writeJSON(w, http.StatusCreated, toMacroJSON(m))
}

func (a *API) macro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, err := a.Desk.Macro(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMacroJSON(m))
}

func (a *API) updateMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in macroPatch
	if !decode(w, r, &in) {
		return
	}
	mp := desk.MacroPatch{Name: in.Name, Shortcut: in.Shortcut, Reply: in.Reply, Note: in.Note}
	if in.Actions != nil {
		acts := fromMacroActions(*in.Actions)
		mp.Actions = &acts
	}
	m, err := a.Desk.UpdateMacro(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"), mp)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMacroJSON(m))
}

func (a *API) deleteMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Desk.DeleteMacro(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// applyMacro runs a macro on a ticket (id or number): its reply, then its
// actions, in one transaction, each under the caller's permissions.
func (a *API) applyMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := a.ticketByRef(r, p, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	t, m, err := a.Desk.ApplyMacro(r.Context(), p.WorkspaceID, *p.Caller(), p.Actor(), t.ID, r.PathValue("macro_id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	out := macroApplied{Ticket: toTicketJSON(t)}
	if m != nil {
		mj := toMessageJSON(m)
		out.Message = &mj
	}
	writeJSON(w, http.StatusOK, out)
}
