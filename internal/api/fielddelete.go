package api

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
)

// deleteFieldDef removes a custom field's definition (desk.DeleteFieldDef
// says what becomes of the values stored under its key).
func (a *API) deleteFieldDef(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := a.Desk.DeleteFieldDef(r.Context(), p.WorkspaceID, *p.Caller(), r.PathValue("scope"), r.PathValue("key")); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
