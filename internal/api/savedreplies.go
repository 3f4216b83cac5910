package api

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/jsontext"
)

type savedReplyJSON struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Text      string           `json:"text" doc:"may hold placeholders such as {{contact.name}} (docs/API.md, Saved replies)"`
	Shortcut  string           `json:"shortcut"`
	Scope     string           `json:"scope" enum:"personal,shared"`
	OwnerID   *string          `json:"owner_id" doc:"the agent a personal reply belongs to"`
	CreatedAt jsontext.Instant `json:"created_at"`
	UpdatedAt jsontext.Instant `json:"updated_at"`
}

func toSavedReplyJSON(s *desk.SavedReply) savedReplyJSON {
	out := savedReplyJSON{ID: s.ID, Name: s.Name, Text: s.Text, Shortcut: s.Shortcut, Scope: "personal",
		OwnerID: optStr(s.OwnerID), CreatedAt: jsontext.Instant(s.CreatedAt), UpdatedAt: jsontext.Instant(s.UpdatedAt)}
	if s.Shared() {
		out.Scope = "shared"
	}
	return out
}

type savedReplyList struct {
	SavedReplies []savedReplyJSON `json:"saved_replies"`
	NextCursor   *string          `json:"next_cursor"`
}

type savedReplyRequest struct {
	Name     string `json:"name"`
	Text     string `json:"text"`
	Shortcut string `json:"shortcut,omitempty"`
	Scope    string `json:"scope,omitempty" enum:"personal,shared" doc:"personal (default): the caller's own; shared: the workspace's (supervisors and admins)"`
}

type savedReplyPatch struct {
	Name     *string `json:"name,omitempty"`
	Text     *string `json:"text,omitempty"`
	Shortcut *string `json:"shortcut,omitempty" doc:"empty string removes it"`
}

type renderedReplyJSON struct {
	Text    string   `json:"text" doc:"the reply's text with its placeholders filled"`
	Unknown []string `json:"unknown" doc:"placeholders left as written: names ticketd does not know"`
}

func (a *API) savedReplies(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, ok := intParam(w, q.Get("limit"), 50, 1, desk.MaxSavedReplies)
	if !ok {
		return
	}
	rs, err := a.Desk.SavedReplies(r.Context(), p.WorkspaceID, *p.Caller(), q.Get("cursor"), limit+1)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := savedReplyList{SavedReplies: make([]savedReplyJSON, 0, len(rs))}
	if len(rs) > limit {
		c := rs[limit-1].ID
		out.NextCursor, rs = &c, rs[:limit]
	}
	for i := range rs {
		out.SavedReplies = append(out.SavedReplies, toSavedReplyJSON(&rs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createSavedReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in savedReplyRequest
	if !decode(w, r, &in) {
		return
	}
	if in.Scope != "" && in.Scope != "personal" && in.Scope != "shared" {
		fail(w, r, desk.OneOf("scope", in.Scope, "personal", "shared"))
		return
	}
	s, err := a.Desk.CreateSavedReply(r.Context(), p.WorkspaceID, *p.Caller(), desk.NewSavedReply{Name: in.Name, Text: in.Text,
		Shortcut: in.Shortcut, Shared: in.Scope == "shared"})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/saved-replies/"+s.ID)
	writeJSON(w, http.StatusCreated, toSavedReplyJSON(s))
}

func (a *API) savedReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, err := a.Desk.SavedReply(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSavedReplyJSON(s))
}

func (a *API) updateSavedReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in savedReplyPatch
	if !decode(w, r, &in) {
		return
	}
	s, err := a.Desk.UpdateSavedReply(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"),
		desk.SavedReplyPatch{Name: in.Name, Text: in.Text, Shortcut: in.Shortcut})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSavedReplyJSON(s))
}

func (a *API) deleteSavedReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Desk.DeleteSavedReply(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// renderSavedReply fills a reply for a ticket (?ticket= id or number): a
// read, so GET; the agent inserts the text into its draft itself.
func (a *API) renderSavedReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ref := r.URL.Query().Get("ticket")
	if ref == "" {
		fail(w, r, desk.Required("ticket"))
		return
	}
	t, err := a.ticketByRef(r, p, ref)
	if err != nil {
		fail(w, r, err)
		return
	}
	out, err := a.Desk.RenderSavedReply(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("id"), t.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	if out.Unknown == nil {
		out.Unknown = []string{}
	}
	writeJSON(w, http.StatusOK, renderedReplyJSON{Text: out.Text, Unknown: out.Unknown})
}
