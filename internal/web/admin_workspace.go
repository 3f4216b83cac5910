package web

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
)

// deskLang is the language of a signed-in request: the agent's pick on
// this browser, else the workspace's default language, else
// Accept-Language.
func deskLang(r *http.Request, ws *desk.Workspace) string {
	if c, err := r.Cookie(LangCookie); err == nil {
		for _, l := range Languages {
			if c.Value == l {
				return l
			}
		}
	}
	for _, l := range Languages {
		if ws != nil && ws.Settings.Language == l {
			return l
		}
	}
	return langOf(r)
}

var workspaceFields = map[string]string{"name": "name", "timezone": "timezone", "default_language": "language"}

func (w *Web) adminWorkspace(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.workspace", &adminData{Section: "workspace"})
}

func (w *Web) updateWorkspace(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := map[string]string{"name": r.PostFormValue("name"), "timezone": r.PostFormValue("timezone"), "language": r.PostFormValue("language")}
	name, tz, lang := in["name"], in["timezone"], in["language"]
	_, err := w.cfg.Desk.UpdateWorkspace(r.Context(), v.ws.ID, desk.WorkspacePatch{Name: &name, Timezone: &tz, Language: &lang})
	if err == nil {
		http.Redirect(rw, r, "/admin/workspace", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, workspaceFields, in)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, status, "admin.workspace", &adminData{Section: "workspace", Form: f})
}
