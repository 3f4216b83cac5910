package web

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/routing"
)

// putHolidays replaces the workspace's holidays from the SLA page's
// textarea, one "YYYY-MM-DD name" a line; a refused line is shown beside
// the field with what was typed kept.
func (w *Web) putHolidays(rw http.ResponseWriter, r *http.Request, v *visit) error {
	text := r.PostFormValue("holidays")
	hs, err := routing.ParseHolidayLines(text)
	if err == nil {
		if _, err = w.cfg.Desk.SetHolidays(r.Context(), v.ws.ID, hs); err == nil {
			http.Redirect(rw, r, "/admin/sla#holidaysform", http.StatusSeeOther)
			return nil
		}
	}
	d, derr := w.slaData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, map[string]string{"holidays": "holidays"}, map[string]string{"holidays": text})
	if err != nil {
		return err
	}
	d.Holidays = f
	return w.showAdmin(rw, r, v, status, "admin.sla", d)
}
