package api

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

type workspacePatch struct {
	Name            *string `json:"name,omitempty"`
	Timezone        *string `json:"timezone,omitempty" doc:"an IANA time zone name, e.g. Europe/Madrid"`
	DefaultLanguage *string `json:"default_language,omitempty" enum:"en,es,zh-Hans,id," doc:"the desk's language for agents who picked none; empty string = each browser's Accept-Language"`
}

func (a *API) patchWorkspace(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in workspacePatch
	if !decode(w, r, &in) {
		return
	}
	if _, err := a.Desk.UpdateWorkspace(r.Context(), p.WorkspaceID, desk.WorkspacePatch{Name: in.Name, Timezone: in.Timezone, Language: in.DefaultLanguage}); err != nil {
		fail(w, r, err)
		return
	}
	a.workspace(w, r, p)
}
