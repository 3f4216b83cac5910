package web

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
)

// Custom fields (/admin/fields): the definitions of both scopes, and a
// form that defines or redefines one (desk.Service.PutFieldDef, as
// PUT /api/v1/fields/{scope}/{key}).

var fieldFormFields = map[string]string{"scope": "scope", "key": "key", "label": "label", "type": "type", "options": "options"}

// parseOptions reads a choice field's options, one a line: "id = label",
// or a bare label that is its own id. Blank lines are skipped.
func parseOptions(s string) []desk.FieldOption {
	var out []desk.FieldOption
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		id, label, ok := strings.Cut(line, "=")
		id, label = strings.TrimSpace(id), strings.TrimSpace(label)
		if !ok {
			label = id
		}
		if id == "" && label == "" {
			continue // a lone "="
		}
		out = append(out, desk.FieldOption{ID: id, Value: label})
	}
	return out
}

// optionsText is parseOptions' inverse, for the form.
func optionsText(os []desk.FieldOption) string {
	var b strings.Builder
	for _, o := range os {
		if o.ID == o.Value {
			b.WriteString(o.ID + "\n")
		} else {
			b.WriteString(o.ID + " = " + o.Value + "\n")
		}
	}
	return b.String()
}

func (w *Web) fieldsData(r *http.Request, v *visit) (*adminData, error) {
	d := &adminData{Section: "fields", FieldTypes: desk.FieldTypes}
	for _, scope := range []string{"ticket", "contact"} {
		defs, err := w.cfg.Desk.Store.FieldDefs(r.Context(), v.ws.ID, scope)
		if err != nil {
			return nil, err
		}
		d.Fields = append(d.Fields, defs...)
	}
	return d, nil
}

func (w *Web) adminFields(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.fieldsData(r, v)
	if err != nil {
		return err
	}
	if scope, key := r.URL.Query().Get("scope"), r.URL.Query().Get("key"); key != "" {
		for _, f := range d.Fields {
			if f.Scope == scope && f.Key == key {
				d.Form = &form{Values: fieldValues(f)}
			}
		}
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.fields", d)
}

func (w *Web) putField(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := map[string]string{"scope": r.PostFormValue("scope"), "key": strings.TrimSpace(r.PostFormValue("key")), "label": r.PostFormValue("label"),
		"type": r.PostFormValue("type"), "options": r.PostFormValue("options"), "required": r.PostFormValue("required")}
	_, err := w.cfg.Desk.PutFieldDef(r.Context(), v.ws.ID, desk.FieldDef{Scope: in["scope"], Key: in["key"], Label: in["label"],
		Type: in["type"], Options: parseOptions(in["options"]), Required: in["required"] == "1"})
	if err == nil {
		http.Redirect(rw, r, "/admin/fields", http.StatusSeeOther)
		return nil
	}
	d, derr := w.fieldsData(r, v)
	if derr != nil {
		return derr
	}
	fe := fieldFormFields
	if f, ok := desk.AsFieldError(err); ok && strings.HasPrefix(f.Field, "options") {
		fe = map[string]string{f.Field: "options"}
	}
	f, status, err := refusedForm(v.lang, err, fe, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.fields", d)
}

// deleteField removes a definition (desk.DeleteFieldDef: the values
// stored under its key stay, no longer shown nor validated) once the
// admin ticked the form's confirmation; without it the form says so.
func (w *Web) deleteField(rw http.ResponseWriter, r *http.Request, v *visit) error {
	scope, key := r.PathValue("scope"), r.PathValue("key")
	if r.PostFormValue("confirm") != "1" {
		d, err := w.fieldsData(r, v)
		if err != nil {
			return err
		}
		for _, f := range d.Fields {
			if f.Scope == scope && f.Key == key {
				d.Form = &form{Values: fieldValues(f), Errors: map[string]string{"delete": T(v.lang, "invite.field_delete_unconfirmed")}}
			}
		}
		if d.Form == nil {
			return errNotFound
		}
		return w.showAdmin(rw, r, v, http.StatusUnprocessableEntity, "admin.fields", d)
	}
	if err := w.cfg.Desk.DeleteFieldDef(r.Context(), v.ws.ID, *v.caller(), scope, key); err != nil {
		return err
	}
	http.Redirect(rw, r, "/admin/fields", http.StatusSeeOther)
	return nil
}

// fieldValues is a defined field in the form ("defined" offers its delete).
func fieldValues(f desk.FieldDef) map[string]string {
	return map[string]string{"scope": f.Scope, "key": f.Key, "label": f.Label, "type": f.Type,
		"options": optionsText(f.Options), "required": map[bool]string{true: "1"}[f.Required], "defined": "1"}
}
