package api

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

type contactPatch struct {
	Name         *string         `json:"name,omitempty"`
	FirstName    *string         `json:"first_name,omitempty"`
	LastName     *string         `json:"last_name,omitempty"`
	Email        *string         `json:"email,omitempty"`
	Phone        *string         `json:"phone,omitempty"`
	NationalID   *string         `json:"national_id,omitempty"`
	ExternalID   *string         `json:"external_id,omitempty"`
	Identities   *[]identityJSON `json:"identities,omitempty" doc:"replaces the list; an identity another contact holds is 409 taken"`
	CustomFields fieldsJSON      `json:"custom_fields,omitempty" doc:"merged by key"`
}

func (a *API) updateContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in contactPatch
	if !decode(w, r, &in) {
		return
	}
	patch := desk.ContactPatch{Name: in.Name, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, Phone: in.Phone,
		NationalID: in.NationalID, ExternalID: in.ExternalID, CustomFields: desk.Fields(in.CustomFields)}
	if in.Identities != nil {
		ids := make([]desk.Identity, 0, len(*in.Identities))
		for _, i := range *in.Identities {
			ids = append(ids, desk.Identity(i))
		}
		patch.Identities = &ids
	}
	c, err := a.Desk.UpdateContact(r.Context(), p.WorkspaceID, r.PathValue("id"), patch)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toContactJSON(c))
}

type mergeRequest struct {
	From string `json:"from" doc:"the contact to merge into this one; it is deleted"`
}

type mergeResponse struct {
	Contact      contactJSON `json:"contact" doc:"the surviving contact"`
	TicketsMoved int         `json:"tickets_moved"`
}

func (a *API) mergeContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in mergeRequest
	if !decode(w, r, &in) {
		return
	}
	c, n, err := a.Desk.MergeContacts(r.Context(), p.WorkspaceID, *p.Caller(), p.Actor(), r.PathValue("id"), in.From)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mergeResponse{Contact: toContactJSON(c), TicketsMoved: n})
}
