package web

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
)

// Saved replies (/settings/replies): every agent manages its personal
// replies there; supervisors and admins the shared ones too. Who may
// change what is desk's rule (desk.Service's saved-reply use cases, the
// same the native API calls); the page only offers the shared choice to
// those desk would let share.

var replyFields = map[string]string{"name": "name", "text": "text", "shortcut": "shortcut"}

func (w *Web) repliesData(r *http.Request, v *visit) (*adminData, error) {
	rs, err := w.cfg.Desk.SavedReplies(r.Context(), v.ws.ID, *v.caller(), r.URL.Query().Get("after"), desk.MaxSavedReplies+1)
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "replies", CanShare: v.p.Can(desk.RoleSupervisor)}
	if len(rs) > desk.MaxSavedReplies {
		d.Next, rs = "/settings/replies?after="+rs[desk.MaxSavedReplies-1].ID, rs[:desk.MaxSavedReplies]
	}
	d.Replies = rs
	return d, nil
}

func (w *Web) repliesPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.repliesData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.replies", d)
}

func replyValues(r *http.Request) map[string]string {
	return map[string]string{"name": r.PostFormValue("name"), "text": r.PostFormValue("text"),
		"shortcut": r.PostFormValue("shortcut"), "shared": r.PostFormValue("shared")}
}

func (w *Web) createReplyForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := replyValues(r)
	_, err := w.cfg.Desk.CreateSavedReply(r.Context(), v.ws.ID, *v.caller(), desk.NewSavedReply{Name: in["name"], Text: in["text"],
		Shortcut: in["shortcut"], Shared: in["shared"] == "1"})
	if err == nil {
		http.Redirect(rw, r, "/settings/replies", http.StatusSeeOther)
		return nil
	}
	d, derr := w.repliesData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, replyFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.replies", d)
}

func (w *Web) replyData(r *http.Request, v *visit) (*adminData, error) {
	rp, err := w.cfg.Desk.SavedReply(r.Context(), v.ws.ID, *v.caller(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &adminData{Section: "reply", Reply: rp, CanShare: v.p.Can(desk.RoleSupervisor)}, nil
}

func (w *Web) replyPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.replyData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.reply", d)
}

func (w *Web) updateReplyForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.replyData(r, v)
	if err != nil {
		return err
	}
	in := replyValues(r)
	name, text, short := in["name"], in["text"], in["shortcut"]
	_, err = w.cfg.Desk.UpdateSavedReply(r.Context(), v.ws.ID, *v.caller(), d.Reply.ID, desk.SavedReplyPatch{Name: &name, Text: &text, Shortcut: &short})
	if err == nil {
		http.Redirect(rw, r, "/settings/replies", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, replyFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.reply", d)
}

func (w *Web) deleteReplyForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.replyData(r, v)
	if err != nil {
		return err
	}
	if err := w.cfg.Desk.DeleteSavedReply(r.Context(), v.ws.ID, *v.caller(), d.Reply.ID); err != nil {
		f, status, err := refusedForm(v.lang, err, map[string]string{}, nil)
		if err != nil {
			return err
		}
		f.Errors = map[string]string{"delete": f.Errors["_"]}
		d.Form = f
		return w.showAdmin(rw, r, v, status, "admin.reply", d)
	}
	http.Redirect(rw, r, "/settings/replies", http.StatusSeeOther)
	return nil
}
