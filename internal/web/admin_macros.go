package web

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// Macros (/settings/macros): every agent manages its personal macros
// there; supervisors and admins the shared ones too. A macro is a reply or
// note plus actions (status, priority, tags added and removed, assign to
// whoever applies it) and an optional keyboard shortcut for the ticket
// page. Who may change what, and which shortcuts are the desk's own, is
// desk's rule (desk.Service's macro use cases, the same the native API's
// /api/v1/macros calls); the page only offers the shared choice to those
// desk would let share.

// macroFields maps desk's field names to the form's inputs.
var macroFields = map[string]string{"name": "name", "shortcut": "shortcut", "reply": "reply", "actions": "reply",
	"actions.status": "status", "priority": "priority", "tags": "add_tags", "remove_tags": "remove_tags"}

// macrosData is the macro pages' part of adminData.
type macrosData struct {
	List     []desk.Macro
	M        *desk.Macro // the one being edited
	Statuses []desk.Status
	Prios    []desk.Priority
	Reserved string // the desk's built-in keys, for the shortcut's hint
	lang     string
}

// Does says in a line what a macro does, for the list.
func (d *macrosData) Does(m desk.Macro) string {
	var parts []string
	a, l := m.Actions, d.lang
	if a.Status != "" {
		parts = append(parts, T(l, "field.status")+": "+T(l, "status."+string(a.Status)))
	}
	if a.Priority != "" {
		parts = append(parts, T(l, "field.priority")+": "+T(l, "priority."+string(a.Priority)))
	}
	var tags []string
	for _, t := range a.AddTags {
		tags = append(tags, "+"+t)
	}
	for _, t := range a.RemoveTags {
		tags = append(tags, "−"+t)
	}
	if len(tags) > 0 {
		parts = append(parts, strings.Join(tags, " "))
	}
	if a.AssignToMe {
		parts = append(parts, T(l, "macros.assign_me_short"))
	}
	if strings.TrimSpace(m.Reply) != "" {
		kind := "macros.kind_reply"
		if m.Note {
			kind = "macros.kind_note"
		}
		parts = append(parts, T(l, kind)+": "+m.Reply)
	}
	return strings.Join(parts, " · ")
}

func newMacrosData(lang string) *macrosData {
	return &macrosData{lang: lang, Statuses: desk.Statuses, Prios: []desk.Priority{desk.PriorityLow, desk.PriorityNormal, desk.PriorityHigh, desk.PriorityUrgent},
		Reserved: strings.Join(desk.MacroReservedKeys, " ")}
}

func (w *Web) macrosData(r *http.Request, v *visit) (*adminData, error) {
	ms, err := w.cfg.Desk.Macros(r.Context(), v.ws.ID, *v.caller(), r.URL.Query().Get("after"), desk.MaxMacros+1)
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "macros", CanShare: v.p.Can(desk.RoleSupervisor), Macros: newMacrosData(v.lang)}
	if len(ms) > desk.MaxMacros {
		d.Next, ms = "/settings/macros?after="+ms[desk.MaxMacros-1].ID, ms[:desk.MaxMacros]
	}
	d.Macros.List = ms
	return d, nil
}

func (w *Web) macrosPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.macrosData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.macros", d)
}

// macroValues are the form's inputs, kept as typed.
func macroValues(r *http.Request) map[string]string {
	in := map[string]string{"set": "1"}
	for _, k := range []string{"name", "shortcut", "reply", "kind", "status", "priority", "add_tags", "remove_tags", "assign_me", "shared"} {
		in[k] = r.PostFormValue(k)
	}
	return in
}

// tagList splits a comma-separated list of tags.
func tagList(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func macroActions(in map[string]string) desk.MacroActions {
	return desk.MacroActions{Status: desk.Status(in["status"]), Priority: desk.Priority(in["priority"]),
		AddTags: tagList(in["add_tags"]), RemoveTags: tagList(in["remove_tags"]), AssignToMe: in["assign_me"] == "1"}
}

func (w *Web) createMacroForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := macroValues(r)
	_, err := w.cfg.Desk.CreateMacro(r.Context(), v.ws.ID, *v.caller(), desk.NewMacro{Name: in["name"], Shortcut: in["shortcut"],
		Reply: in["reply"], Note: in["kind"] == "note", Shared: in["shared"] == "1", Actions: macroActions(in)})
	if err == nil {
		http.Redirect(rw, r, "/settings/macros", http.StatusSeeOther)
		return nil
	}
	d, derr := w.macrosData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, macroFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.macros", d)
}

func (w *Web) macroData(r *http.Request, v *visit) (*adminData, error) {
	m, err := w.cfg.Desk.Macro(r.Context(), v.ws.ID, *v.caller(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d := &adminData{Section: "macro", CanShare: v.p.Can(desk.RoleSupervisor), Macros: newMacrosData(v.lang)}
	d.Macros.M = m
	return d, nil
}

func (w *Web) macroPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.macroData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.macro", d)
}

func (w *Web) updateMacroForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.macroData(r, v)
	if err != nil {
		return err
	}
	in := macroValues(r)
	name, short, reply, note, acts := in["name"], in["shortcut"], in["reply"], in["kind"] == "note", macroActions(in)
	_, err = w.cfg.Desk.UpdateMacro(r.Context(), v.ws.ID, *v.caller(), d.Macros.M.ID,
		desk.MacroPatch{Name: &name, Shortcut: &short, Reply: &reply, Note: &note, Actions: &acts})
	if err == nil {
		http.Redirect(rw, r, "/settings/macros", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, macroFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.macro", d)
}

func (w *Web) deleteMacroForm(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.macroData(r, v)
	if err != nil {
		return err
	}
	if err := w.cfg.Desk.DeleteMacro(r.Context(), v.ws.ID, *v.caller(), d.Macros.M.ID); err != nil {
		f, status, err := refusedForm(v.lang, err, map[string]string{}, nil)
		if err != nil {
			return err
		}
		f.Errors = map[string]string{"delete": f.Errors["_"]}
		d.Form = f
		return w.showAdmin(rw, r, v, status, "admin.macro", d)
	}
	http.Redirect(rw, r, "/settings/macros", http.StatusSeeOther)
	return nil
}

// Join is a tag list as the form's input shows it.
func (*macrosData) Join(xs []string) string { return strings.Join(xs, ", ") }
