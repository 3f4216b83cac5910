package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// fieldView is one custom field of the side panel, as a form control.
type fieldView struct {
	Def desk.FieldDef
	// Name is the control's name; Kind how it is edited: text, textarea,
	// number, datetime, select, multi, bool, or readonly (files, payments,
	// tables: shown, edited over the API).
	Name, Kind string
	Value      string          // a single value, as the control holds it
	Checked    map[string]bool // multi: the options set
	Err        string
}

// fieldKind is how a field type is edited in the side panel.
func fieldKind(typ string) string {
	switch typ {
	case "text", "textarea", "number", "datetime":
		return typ
	case "select", "radiobutton", "list":
		return "select"
	case "checkbox":
		return "multi"
	case "boolean":
		return "bool"
	case "cascade":
		return "text"
	}
	return "readonly"
}

// workPanel adds what the agent's tools need to a ticket page: saved
// replies for the composer, the upload limit and the custom fields.
func (w *Web) workPanel(ctx context.Context, v *visit, d *ticketData) error {
	var err error
	if d.Replies, err = w.replies(ctx, v); err != nil {
		return err
	}
	if d.Macros, err = w.macros(ctx, v); err != nil {
		return err
	}
	d.MaxFile = sizeText(w.maxFile())
	dir, err := w.dir(ctx, v)
	if err != nil {
		return err
	}
	for _, def := range dir.fields {
		fv := fieldView{Def: def, Name: "cf." + def.Key, Kind: fieldKind(def.Type), Checked: map[string]bool{},
			Err: d.Form.Err(desk.CustomField(def.Key))}
		cur, _ := d.T.CustomFields.Get(def.Key)
		fv.Value = fieldText(cur.Value, fv.Kind, v.loc)
		if fv.Kind == "multi" {
			var ids []string
			if json.Unmarshal(cur.Value, &ids) != nil {
				var one string
				if json.Unmarshal(cur.Value, &one) == nil && one != "" {
					ids = strings.Split(one, ",")
				}
			}
			for _, o := range def.Options {
				fv.Checked[o.ID] = slices.ContainsFunc(ids, func(x string) bool { return x == o.ID || x == o.Key || x == o.Value })
			}
		}
		if fv.Kind == "select" {
			for _, o := range def.Options {
				if fv.Value == o.Key || fv.Value == o.Value {
					fv.Value = o.ID
				}
			}
		}
		if typed, ok := d.Form.Values[fv.Name]; ok {
			fv.Value = typed // a refused submit keeps what was typed
		}
		d.Fields = append(d.Fields, fv)
	}
	return nil
}

// fieldText is a stored value as its control shows it.
func fieldText(raw json.RawMessage, kind string, loc *time.Location) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if kind == "datetime" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t.In(loc).Format("2006-01-02T15:04")
			}
		}
		return s
	}
	if kind == "bool" {
		if string(raw) == "true" {
			return "true"
		}
		return ""
	}
	return string(raw)
}

// setFields saves the side panel's custom fields: only those whose value
// changed go to desk.UpdateTicket, which checks them against their
// definitions; a refusal is shown beside the field it names.
func (w *Web) setFields(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	defs, err := w.cfg.Desk.Store.FieldDefs(r.Context(), v.ws.ID, "ticket")
	if err != nil {
		return err
	}
	var patch desk.Fields
	values := map[string]string{}
	for _, def := range defs {
		kind := fieldKind(def.Type)
		name := "cf." + def.Key
		if kind == "readonly" {
			continue
		}
		var val any
		switch kind {
		case "bool":
			val = r.PostFormValue(name) == "true"
		case "multi":
			picked := r.PostForm[name]
			if len(picked) == 0 {
				picked = []string{}
			}
			val = picked
		default:
			if _, sent := r.PostForm[name]; !sent {
				continue
			}
			s := strings.TrimSpace(r.PostFormValue(name))
			values[name] = r.PostFormValue(name)
			switch {
			case s == "":
				val = nil
			case kind == "number":
				if n, err := strconv.ParseFloat(s, 64); err == nil {
					val = n
				} else {
					val = s // desk refuses it, beside the field
				}
			case kind == "datetime":
				if tm, err := time.ParseInLocation("2006-01-02T15:04", s, v.loc); err == nil {
					val = tm.UTC().Format(time.RFC3339)
				} else {
					val = s
				}
			default:
				val = s
			}
		}
		raw, err := json.Marshal(val)
		if err != nil {
			return err
		}
		old, had := t.CustomFields.Get(def.Key)
		if had && bytes.Equal(compactJSON(old.Value), raw) || !had && (string(raw) == "null" || string(raw) == "false" || string(raw) == "[]") {
			continue
		}
		patch = append(patch, desk.Field{Key: def.Key, Value: raw})
	}
	if len(patch) == 0 {
		backTo(rw, r, t, "#fields")
		return nil
	}
	if _, err := w.cfg.Desk.UpdateTicket(r.Context(), v.ws.ID, t.ID, v.actor(), desk.TicketPatch{CustomFields: patch, Caller: v.caller()}); err != nil {
		field := "fields"
		if fe, ok := desk.AsFieldError(err); ok {
			if _, ok := desk.CustomFieldKey(fe.Field); ok {
				field = fe.Field
			}
		}
		return w.refused(rw, r, v, t, err, field, values)
	}
	backTo(rw, r, t, "#fields")
	return nil
}

func compactJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
