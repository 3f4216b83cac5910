package api

import (
	"errors"
	"net/http"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// The caller's own preferences and password (PATCH /api/v1/me) and the
// workspace's holidays (/api/v1/sla/holidays): docs/API.md.

type mePatch struct {
	Language        *string `json:"language,omitempty" enum:"en,es,zh-Hans,id," doc:"the desk's language for the caller; empty string = the workspace's default"`
	TimeZone        *string `json:"time_zone,omitempty" doc:"an IANA zone the desk shows the caller times in; empty string = the workspace's"`
	Password        *string `json:"password,omitempty" doc:"a new password; needs current_password. Ends the caller's desk sessions (API tokens stay)"`
	CurrentPassword *string `json:"current_password,omitempty" doc:"the caller's password now, to change it"`
}

func (a *API) patchMe(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in mePatch
	if !decode(w, r, &in) {
		return
	}
	if in.Language != nil || in.TimeZone != nil {
		if _, err := a.Auth.UpdateAgent(r.Context(), p.WorkspaceID, p.AgentID, desk.AgentPatch{Language: in.Language, TimeZone: in.TimeZone}); err != nil {
			fail(w, r, err)
			return
		}
	}
	if in.Password != nil || in.CurrentPassword != nil {
		next, cur := "", ""
		if in.Password != nil {
			next = *in.Password
		}
		if in.CurrentPassword != nil {
			cur = *in.CurrentPassword
		}
		_, err := a.Auth.ChangePassword(r.Context(), p.WorkspaceID, p.AgentID, cur, next)
		if errors.Is(err, auth.ErrWrongPassword) {
			WriteError(w, http.StatusForbidden, "forbidden", "current_password does not match", "current_password")
			return
		}
		if err != nil {
			fail(w, r, err)
			return
		}
	}
	a.me(w, r, p)
}

type holidayJSON struct {
	Date string `json:"date" doc:"YYYY-MM-DD in the zone of the business hours (the policy's, else the workspace's)"`
	Name string `json:"name,omitempty"`
}

type holidayList struct {
	Holidays []holidayJSON `json:"holidays" doc:"days the business-hours calendar is closed, by date"`
}

func toHolidayList(hs []desk.Holiday) holidayList {
	out := holidayList{Holidays: make([]holidayJSON, 0, len(hs))}
	for _, h := range hs {
		out.Holidays = append(out.Holidays, holidayJSON(h))
	}
	return out
}

func (a *API) holidays(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ws, err := a.Desk.Store.Workspace(r.Context(), p.WorkspaceID)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toHolidayList(ws.Settings.Holidays))
}

func (a *API) putHolidays(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in holidayList
	if !decode(w, r, &in) {
		return
	}
	hs := make([]desk.Holiday, 0, len(in.Holidays))
	for _, h := range in.Holidays {
		hs = append(hs, desk.Holiday(h))
	}
	hs, err := a.Desk.SetHolidays(r.Context(), p.WorkspaceID, hs)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toHolidayList(hs))
}
