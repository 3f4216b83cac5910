package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/channel/email"
	"github.com/ticketd/ticketd/internal/desk"
)

// Channel accounts (/admin/channels): the workspace's inboxes, and a form
// for an e-mail account's settings. The form is turned into the same
// settings document the native API takes and handed to the same desk use
// cases (CreateChannelAccount, UpdateChannelAccount, DeleteChannelAccount);
// "Test connection" runs the prober POST /api/v1/channel-accounts/{id}/test
// runs. Passwords are write-only: never put back in a page, and an empty
// password field leaves the key out of the settings, which desk reads as
// "keep the stored one" (as a PATCH that does not name it).

// channelsData is the channel pages' part of adminData.
type channelsData struct {
	Accounts []adminAccount
	Account  *desk.ChannelAccount // the one being edited
	Email    bool                 // the form has the e-mail settings
	Sets     []chFieldset
	Probe    *channelAccountProbe
}

type adminAccount struct {
	A       *desk.ChannelAccount
	Group   string
	Inbound string // e-mail: smtp or imap
}

type channelAccountProbe struct{ IMAP, SMTP email.ProbeResult }

// chField is one input of the account form; Kind is text, number,
// password, select, checkbox or textarea.
type chField struct {
	Key, Label, Kind string
	Options          []string
	OptKey           string // catalog key prefix of the options' labels; "" shows them as they are
	Stored           bool   // a password the account already has
}

type chFieldset struct {
	Legend string
	Fields []chField
}

var chTLS = []string{"", "tls", "starttls", "none"}

// chServerFields are an IMAP or SMTP server's inputs, keyed side_name.
func chServerFields(side string, imap bool) []chField {
	fs := []chField{{Key: side + "_host", Label: "admin.ch.host", Kind: "text"}, {Key: side + "_port", Label: "admin.ch.port", Kind: "number"},
		{Key: side + "_tls", Label: "admin.ch.tls", Kind: "select", Options: chTLS},
		{Key: side + "_username", Label: "admin.ch.username", Kind: "text"}, {Key: side + "_password", Label: "admin.ch.password", Kind: "password"}}
	if imap {
		fs = append(fs, chField{Key: "imap_folder", Label: "admin.ch.folder", Kind: "text"},
			chField{Key: "imap_poll_interval", Label: "admin.ch.poll_interval", Kind: "number"},
			chField{Key: "imap_after", Label: "admin.ch.after", Kind: "select", Options: []string{"", "keep", "seen", "move"}},
			chField{Key: "imap_move_to", Label: "admin.ch.move_to", Kind: "text"})
	}
	return fs
}

func chFieldsets(stored map[string]bool) []chFieldset {
	sets := []chFieldset{
		{Fields: []chField{{Key: "inbound", Label: "admin.ch.inbound", Kind: "select", Options: []string{"smtp", "imap"}, OptKey: "admin.ch.inbound_"}}},
		{Legend: "admin.ch.imap", Fields: chServerFields("imap", true)},
		{Legend: "admin.ch.smtp", Fields: chServerFields("smtp", false)},
		{Legend: "admin.ch.autoack", Fields: []chField{{Key: "ack_enabled", Label: "admin.ch.ack_enabled", Kind: "checkbox"},
			{Key: "ack_subject", Label: "admin.ch.ack_subject", Kind: "text"}, {Key: "ack_text", Label: "admin.ch.ack_text", Kind: "textarea"}}},
	}
	for i := range sets {
		for j := range sets[i].Fields {
			sets[i].Fields[j].Stored = stored[sets[i].Fields[j].Key]
		}
	}
	return sets
}

// chFormKeys are the form's inputs other than passwords (what is kept
// and typed back on a refusal).
var chFormKeys = []string{"name", "uid", "group", "active", "inbound",
	"imap_host", "imap_port", "imap_tls", "imap_username", "imap_folder", "imap_poll_interval", "imap_after", "imap_move_to",
	"smtp_host", "smtp_port", "smtp_tls", "smtp_username", "ack_enabled", "ack_subject", "ack_text"}

// chErrFields maps desk's field names to the form's.
var chErrFields = func() map[string]string {
	m := map[string]string{"name": "name", "uid": "uid", "group_id": "group", "channel": "_",
		"settings.imap": "imap_host", "settings.smtp": "smtp_host", "settings.auto_ack": "ack_enabled", "settings": "_"}
	for _, k := range append(chFormKeys, "imap_password", "smtp_password") {
		side, rest, ok := strings.Cut(k, "_")
		if !ok {
			m["settings."+k] = k
			continue
		}
		if side == "ack" {
			side = "auto_ack"
		}
		m["settings."+side+"."+rest] = k
	}
	return m
}()

// chNumber is a typed number as the settings take it: a JSON number when
// it is one, else the text, for desk to refuse as not a number.
func chNumber(s string) any {
	if _, err := strconv.Atoi(s); err == nil {
		return json.Number(s)
	}
	return s
}

// emailSettingsForm builds the settings document from the form.
func emailSettingsForm(r *http.Request, in map[string]string) (json.RawMessage, error) {
	tree := map[string]any{"inbound": in["inbound"]}
	for _, side := range []string{"imap", "smtp"} {
		if in[side+"_host"] == "" && !(side == "imap" && in["inbound"] == "imap") {
			continue
		}
		srv := map[string]any{}
		for _, k := range chServerFields(side, side == "imap") {
			name := strings.TrimPrefix(k.Key, side+"_")
			v := strings.TrimSpace(in[k.Key])
			if k.Kind == "password" {
				v = r.PostFormValue(k.Key)
			}
			switch {
			case v == "":
			case k.Kind == "number":
				srv[name] = chNumber(v)
			default:
				srv[name] = v
			}
		}
		tree[side] = srv
	}
	if in["ack_enabled"] == "1" || in["ack_subject"] != "" || in["ack_text"] != "" {
		tree["auto_ack"] = map[string]any{"enabled": in["ack_enabled"] == "1", "subject": in["ack_subject"], "text": in["ack_text"]}
	}
	return json.Marshal(tree)
}

// emailFormValues is a stored account as the form shows it (no secrets).
func emailFormValues(a *desk.ChannelAccount) (map[string]string, map[string]bool) {
	v := map[string]string{"name": a.Name, "uid": a.UID, "group": a.GroupID, "active": map[bool]string{true: "1"}[a.Active]}
	stored := map[string]bool{}
	var es desk.EmailSettings
	if err := json.Unmarshal(desk.PublicSettings(a), &es); err != nil {
		return v, stored
	}
	v["inbound"] = es.Inbound
	for side, s := range map[string]*desk.MailServer{"imap": es.IMAP, "smtp": es.SMTP} {
		if s == nil {
			continue
		}
		v[side+"_host"], v[side+"_tls"], v[side+"_username"] = s.Host, s.TLS, s.Username
		if s.Port != 0 {
			v[side+"_port"] = strconv.Itoa(s.Port)
		}
		if side == "imap" {
			v["imap_folder"], v["imap_after"], v["imap_move_to"] = s.Folder, s.After, s.MoveTo
			if s.PollInterval != 0 {
				v["imap_poll_interval"] = strconv.Itoa(s.PollInterval)
			}
		}
	}
	// Which passwords are stored (sealed): only their presence is shown.
	var sealed struct{ IMAP, SMTP *struct{ Password string } }
	if json.Unmarshal(a.Settings, &sealed) == nil {
		stored["imap_password"] = sealed.IMAP != nil && sealed.IMAP.Password != ""
		stored["smtp_password"] = sealed.SMTP != nil && sealed.SMTP.Password != ""
	}
	if es.AutoAck != nil {
		v["ack_enabled"] = map[bool]string{true: "1"}[es.AutoAck.Enabled]
		v["ack_subject"], v["ack_text"] = es.AutoAck.Subject, es.AutoAck.Text
	}
	return v, stored
}

func chFormValues(r *http.Request) map[string]string {
	in := map[string]string{}
	for _, k := range chFormKeys {
		in[k] = r.PostFormValue(k)
	}
	return in
}

func (w *Web) channelsData(r *http.Request, v *visit) (*adminData, error) {
	ctx := r.Context()
	as, err := w.cfg.Desk.Store.ChannelAccounts(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	gs, err := w.cfg.Desk.Store.Groups(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range gs {
		names[g.ID] = g.Name
	}
	cd := &channelsData{Email: true, Sets: chFieldsets(nil)}
	for i := range as {
		aa := adminAccount{A: &as[i], Group: names[as[i].GroupID]}
		if as[i].Channel == desk.ChannelEmail {
			var es desk.EmailSettings
			if json.Unmarshal(desk.PublicSettings(&as[i]), &es) == nil {
				aa.Inbound = es.Inbound
			}
		}
		cd.Accounts = append(cd.Accounts, aa)
	}
	return &adminData{Section: "channels", Groups: gs, Channels: cd}, nil
}

func (w *Web) adminChannels(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.channelsData(r, v)
	if err != nil {
		return err
	}
	d.Form = &form{Values: map[string]string{"active": "1"}}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.channels", d)
}

func (w *Web) createChannel(rw http.ResponseWriter, r *http.Request, v *visit) error {
	in := chFormValues(r)
	settings, err := emailSettingsForm(r, in)
	if err != nil {
		return err
	}
	_, err = w.cfg.Desk.CreateChannelAccount(r.Context(), v.ws.ID, desk.NewChannelAccount{Channel: desk.ChannelEmail,
		Name: in["name"], UID: in["uid"], GroupID: in["group"], Settings: settings, Inactive: in["active"] != "1"})
	if err == nil {
		http.Redirect(rw, r, "/admin/channels", http.StatusSeeOther)
		return nil
	}
	d, derr := w.channelsData(r, v)
	if derr != nil {
		return derr
	}
	f, status, err := refusedForm(v.lang, err, chErrFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.channels", d)
}

func (w *Web) channelData(r *http.Request, v *visit) (*adminData, error) {
	d, err := w.channelsData(r, v)
	if err != nil {
		return nil, err
	}
	a, err := w.cfg.Desk.Store.ChannelAccount(r.Context(), v.ws.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	values, stored := emailFormValues(a)
	d.Section, d.Channels.Account, d.Channels.Email = "channel", a, a.Channel == desk.ChannelEmail
	d.Channels.Sets = chFieldsets(stored)
	d.Form = &form{Values: values}
	return d, nil
}

func (w *Web) adminChannel(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.channelData(r, v)
	if err != nil {
		return err
	}
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.channel", d)
}

func (w *Web) updateChannel(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.channelData(r, v)
	if err != nil {
		return err
	}
	in := chFormValues(r)
	name, uid, group, active := in["name"], in["uid"], in["group"], in["active"] == "1"
	p := desk.ChannelAccountPatch{Name: &name, UID: &uid, GroupID: &group, Active: &active}
	if d.Channels.Email {
		if p.Settings, err = emailSettingsForm(r, in); err != nil {
			return err
		}
	}
	if _, err = w.cfg.Desk.UpdateChannelAccount(r.Context(), v.ws.ID, d.Channels.Account.ID, p); err == nil {
		http.Redirect(rw, r, "/admin/channels", http.StatusSeeOther)
		return nil
	}
	f, status, err := refusedForm(v.lang, err, chErrFields, in)
	if err != nil {
		return err
	}
	d.Form = f
	return w.showAdmin(rw, r, v, status, "admin.channel", d)
}

// deleteChannel removes an account, or deactivates one tickets name
// (desk decides); either way back to the list.
func (w *Web) deleteChannel(rw http.ResponseWriter, r *http.Request, v *visit) error {
	deactivated, err := w.cfg.Desk.DeleteChannelAccount(r.Context(), v.ws.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	to := "/admin/channels"
	if deactivated {
		to += "?deactivated=1"
	}
	http.Redirect(rw, r, to, http.StatusSeeOther)
	return nil
}

// testChannel dials the account's servers with its stored credentials, as
// POST /api/v1/channel-accounts/{id}/test, and shows what each stage did.
func (w *Web) testChannel(rw http.ResponseWriter, r *http.Request, v *visit) error {
	d, err := w.channelData(r, v)
	if err != nil {
		return err
	}
	_, es, err := w.cfg.Desk.EmailAccount(r.Context(), v.ws.ID, d.Channels.Account.ID)
	if err != nil {
		f, status, err := refusedForm(v.lang, err, map[string]string{}, d.Form.Values)
		if err != nil {
			return err
		}
		d.Form = f
		return w.showAdmin(rw, r, v, status, "admin.channel", d)
	}
	var pr channelAccountProbe
	pr.IMAP, pr.SMTP = email.Prober{AllowPrivate: w.cfg.AllowPrivateHosts}.Probe(r.Context(), es)
	d.Channels.Probe = &pr
	return w.showAdmin(rw, r, v, http.StatusOK, "admin.channel", d)
}
