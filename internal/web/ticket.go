package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/routing"
)

// form is a ticket page form's state after a refused submit: the error
// beside the field it is about, and what was typed.
type form struct {
	Errors map[string]string
	Values map[string]string
}

func (f *form) Err(field string) string {
	if f == nil {
		return ""
	}
	return f.Errors[field]
}

func (f *form) Val(field, def string) string {
	if f == nil {
		return def
	}
	if v, ok := f.Values[field]; ok {
		return v
	}
	return def
}

type msgView struct {
	M       *desk.Message
	Kind    string // customer, agent, note, system
	Author  string
	HTML    template.HTML // sanitized customer HTML, when there is some
	Images  []desk.Attachment
	Files   []desk.Attachment
	Channel desk.Channel
}

type eventView struct {
	E     *desk.Event
	Actor string
	Text  string
}

type ticketData struct {
	T         *desk.Ticket
	Contact   *desk.Contact
	Name      string // the contact's
	Assignee  string
	Group     string
	Messages  []msgView
	Events    []eventView
	Previous  []row
	SLA       *routing.SLA
	Agents    []desk.Agent
	Groups    []desk.Group
	Form      *form
	BotHeld   bool
	TagsValue string
	// Replies are the composer's saved replies; Fields the side panel's
	// custom fields; MaxFile the upload limit (compose.go, fields.go).
	Replies []desk.SavedReply
	Macros  []desk.Macro
	Fields  []fieldView
	MaxFile string
}

// timelineReader is a store that reads a ticket's events without some
// types (sqlstore does).
type timelineReader interface {
	EventsBut(ctx context.Context, ws, ticketID string, skip ...string) ([]desk.Event, error)
}

// timeline reads the events the ticket page uses: its timeline, which
// leaves message_added to the conversation, and the SLA clocks, which
// read status changes. On a busy ticket most events are messages.
func (w *Web) timeline(ctx context.Context, ws, ticketID string) ([]desk.Event, error) {
	if r, ok := w.cfg.Desk.Store.(timelineReader); ok {
		return r.EventsBut(ctx, ws, ticketID, desk.EventMessageAdded)
	}
	return w.cfg.Desk.Store.Events(ctx, ws, ticketID)
}

// headReader is a store that lists tickets with only what lists show
// (sqlstore does).
type headReader interface {
	TicketHeads(ctx context.Context, ws string, f desk.TicketFilter) ([]desk.Ticket, error)
}

// ticketHeads lists tickets with what the desk's lists show and page by
// (sqlstore's TicketHeads names the fields).
func (w *Web) ticketHeads(ctx context.Context, ws string, f desk.TicketFilter) ([]desk.Ticket, error) {
	if r, ok := w.cfg.Desk.Store.(headReader); ok {
		return r.TicketHeads(ctx, ws, f)
	}
	return w.cfg.Desk.Store.Tickets(ctx, ws, f)
}

func (w *Web) ticketOf(r *http.Request, v *visit) (*desk.Ticket, error) {
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil || n <= 0 {
		return nil, errNotFound
	}
	t, err := w.cfg.Desk.Store.TicketByNumber(r.Context(), v.ws.ID, n)
	if err != nil {
		return nil, err
	}
	if err := w.cfg.Desk.Authorize(r.Context(), *v.caller(), t, desk.ActView); err != nil {
		return nil, err
	}
	return t, nil
}

func (w *Web) ticketPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	return w.showTicket(rw, r, v, t, http.StatusOK, nil)
}

// showTicket renders a ticket's page; f carries a refused form back.
func (w *Web) showTicket(rw http.ResponseWriter, r *http.Request, v *visit, t *desk.Ticket, status int, f *form) error {
	ctx := r.Context()
	st := w.cfg.Desk.Store
	nav, sc, err := w.nav(ctx, v, "")
	if err != nil {
		return err
	}
	if f == nil {
		f = &form{}
	}
	d := &ticketData{T: t, Form: f, TagsValue: strings.Join(t.Tags, ", ")}
	ms, err := st.Messages(ctx, v.ws.ID, t.ID, desk.MessageFilter{})
	if err != nil {
		return err
	}
	evs, err := w.timeline(ctx, v.ws.ID, t.ID)
	if err != nil {
		return err
	}
	dir, err := w.dir(ctx, v)
	if err != nil {
		return err
	}
	names := dir.names
	d.Agents, d.Groups = dir.humans, dir.groups
	if a := dir.byID[t.AssigneeID]; a != nil && a.Role == desk.RoleBot {
		d.BotHeld = true
	}
	d.Assignee, d.Group = names[t.AssigneeID], names[t.GroupID]
	if t.ContactID != "" {
		c, err := st.Contact(ctx, v.ws.ID, t.ContactID)
		if err != nil && !errors.Is(err, desk.ErrNotFound) {
			return err
		}
		if c != nil && err == nil {
			d.Contact, d.Name = c, contactName(c)
			prev, err := w.ticketHeads(ctx, v.ws.ID, desk.TicketFilter{ContactID: c.ID, Scope: sc, Limit: 8})
			if err != nil {
				return err
			}
			// The list shows number, subject and status: no contact or
			// assignee to join.
			d.Previous = make([]row, 0, len(prev))
			for i := range prev {
				if prev[i].ID != t.ID {
					d.Previous = append(d.Previous, row{T: &prev[i]})
				}
			}
		}
	}
	d.Messages = make([]msgView, 0, len(ms))
	for i := range ms {
		d.Messages = append(d.Messages, w.messageView(v, &ms[i], t, d.Name, names))
	}
	for i := range evs {
		if evs[i].Type == desk.EventMessageAdded {
			continue // the conversation shows it
		}
		d.Events = append(d.Events, eventText(v.lang, &evs[i], names))
	}
	if err := w.workPanel(ctx, v, d); err != nil {
		return err
	}
	if w.cfg.Routing != nil {
		// routing.SLAFrom's clocks, from the directory's policies and
		// workspace (both behind its version) instead of a read per page.
		pol := routing.PolicyFor(dir.policies, t.Priority)
		var cal routing.Calendar
		if pol != nil && len(pol.Hours) > 0 {
			cal = routing.CalendarOf(dir.ws)
		}
		s := routing.Clock(t, evs, pol, cal, w.now())
		d.SLA = &s
	}
	p := w.newPage(v, "")
	p.TitleText = "#" + strconv.FormatInt(t.Number, 10) + " " + t.Subject
	p.Nav, p.Ticket = nav, d
	w.render(rw, r, status, "ticket", p)
	return nil
}

func (w *Web) messageView(v *visit, m *desk.Message, t *desk.Ticket, contact string, names map[string]string) msgView {
	mv := msgView{M: m, Channel: t.Channel}
	switch {
	case !m.Public:
		mv.Kind = "note"
	case m.Author.Kind == desk.ActorContact:
		mv.Kind = "customer"
	case m.Author.Kind == desk.ActorSystem:
		mv.Kind = "system"
	default:
		mv.Kind = "agent"
	}
	switch {
	case m.AuthorName != "":
		mv.Author = m.AuthorName
	case m.Author.Kind == desk.ActorContact:
		mv.Author = contact
	case m.Author.Kind == desk.ActorSystem:
		mv.Author = T(v.lang, "actor.system")
	default:
		mv.Author = names[m.Author.ID]
	}
	if m.HTML != "" {
		// Sanitized for every render (the store keeps what was received),
		// through the cache of sanitized bodies (sanitize.go).
		mv.HTML = template.HTML(w.sanitizer.sanitize(m.HTML)) //nolint:gosec // sanitized just above
	}
	for _, a := range m.Attachments {
		if isImage(a.ContentType) {
			mv.Images = append(mv.Images, a)
		} else {
			mv.Files = append(mv.Files, a)
		}
	}
	return mv
}

// eventText says one event of the timeline in lang, naming agents and
// groups and translating statuses; routing's reason is shown as recorded.
func eventText(lang string, e *desk.Event, names map[string]string) eventView {
	say := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		if has(lang, "status."+s) {
			return T(lang, "status."+s)
		}
		if has(lang, "priority."+s) {
			return T(lang, "priority."+s)
		}
		return s
	}
	key := "ev." + e.Type
	if e.Type == desk.EventQueued && e.To == "" {
		key = "ev.queued_general"
	}
	if !has(lang, key) {
		key = "ev.other"
	}
	ev := eventView{E: e, Text: T(lang, key, "from", say(e.From), "to", say(e.To), "type", e.Type)}
	switch e.Actor.Kind {
	case desk.ActorSystem:
		ev.Actor = T(lang, "actor.system")
	case desk.ActorContact:
		ev.Actor = T(lang, "actor.contact")
	default:
		ev.Actor = names[e.Actor.ID]
	}
	return ev
}

// refused re-renders the ticket with err beside field when err is desk's
// refusal of the input (nothing changed), keeping what was typed; other
// errors go to the error page.
func (w *Web) refused(rw http.ResponseWriter, r *http.Request, v *visit, t *desk.Ticket, err error, field string, values map[string]string) error {
	status := statusOf(err)
	if status == http.StatusInternalServerError || status == http.StatusNotFound {
		return err
	}
	// Reread: the page shows the ticket as stored, which the refusal left.
	if fresh, rerr := w.cfg.Desk.Store.Ticket(r.Context(), v.ws.ID, t.ID); rerr == nil {
		t = fresh
	}
	return w.showTicket(rw, r, v, t, status, &form{Errors: map[string]string{field: ErrorText(v.lang, err)}, Values: values})
}

func backTo(rw http.ResponseWriter, r *http.Request, t *desk.Ticket, anchor string) {
	http.Redirect(rw, r, "/tickets/"+strconv.FormatInt(t.Number, 10)+anchor, http.StatusSeeOther)
}

func (w *Web) addMessage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	text, mode := r.PostFormValue("text"), r.PostFormValue("mode")
	public := mode != "note"
	values := map[string]string{"text": text, "mode": mode}
	ids, err := w.saveUploads(r, v) // compose.go
	if err != nil {
		return w.uploadRefused(rw, r, v, t, err, values)
	}
	if strings.TrimSpace(text) == "" && len(ids) == 0 {
		return w.refused(rw, r, v, t, desk.Required("text"), "text", values)
	}
	_, _, err = w.cfg.Desk.AddMessage(r.Context(), v.ws.ID, t.ID, desk.NewMessage{Text: text, Public: &public,
		Author: v.actor(), Caller: v.caller(), Attachments: ids})
	if err != nil {
		return w.refused(rw, r, v, t, err, "text", values)
	}
	backTo(rw, r, t, "#composer")
	return nil
}

// properties changes status, priority and tags: only what the form
// changed is asked of desk, so the permissions asked are the change's.
func (w *Web) properties(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	patch := desk.TicketPatch{Caller: v.caller()}
	values := map[string]string{}
	changed := false
	if s := r.PostFormValue("status"); s != "" && desk.Status(s) != t.Status {
		st := desk.Status(s)
		patch.Status, changed = &st, true
		values["status"] = s
	}
	if s, ok := r.PostForm["priority"]; ok && len(s) == 1 && desk.Priority(s[0]) != t.Priority {
		pr := desk.Priority(s[0])
		patch.Priority, changed = &pr, true
		values["priority"] = s[0]
	}
	if s, ok := r.PostForm["tags"]; ok && len(s) == 1 {
		tags := splitTags(s[0])
		if strings.Join(tags, ",") != strings.Join(t.Tags, ",") {
			patch.Tags, changed = &tags, true
			values["tags"] = s[0]
		}
	}
	if !changed {
		backTo(rw, r, t, "")
		return nil
	}
	if _, err := w.cfg.Desk.UpdateTicket(r.Context(), v.ws.ID, t.ID, v.actor(), patch); err != nil {
		field := "properties"
		if fe, ok := desk.AsFieldError(err); ok && (fe.Field == "status" || fe.Field == "priority" || strings.HasPrefix(fe.Field, "tags")) {
			field = strings.SplitN(fe.Field, "[", 2)[0]
		}
		return w.refused(rw, r, v, t, err, field, values)
	}
	backTo(rw, r, t, "")
	return nil
}

func splitTags(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// setStatus is the solve / close / reopen buttons.
func (w *Web) setStatus(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	st := desk.Status(r.PostFormValue("status"))
	if _, err := w.cfg.Desk.UpdateTicket(r.Context(), v.ws.ID, t.ID, v.actor(), desk.TicketPatch{Status: &st, Caller: v.caller()}); err != nil {
		return w.refused(rw, r, v, t, err, "actions", nil)
	}
	backTo(rw, r, t, "")
	return nil
}

// routingAction is assign (to me or an agent), unassign, transfer,
// escalate and take over from a bot: the routing engine's actions, as the
// API's POST /tickets/{id}/<action> run them.
func (w *Web) routingAction(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	if w.cfg.Routing == nil {
		return errors.New("the routing engine is not configured")
	}
	act := routing.Action{Caller: v.caller(), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	agent := r.PostFormValue("agent_id")
	if agent == "me" {
		agent = v.agent.ID
	}
	field := "actions"
	switch r.PostFormValue("kind") {
	case "assign":
		act.Kind, act.AgentID, field = routing.ActAssign, agent, "agent_id"
		if agent == "" {
			return w.refused(rw, r, v, t, desk.Required("agent_id"), field, nil)
		}
		if t.AssigneeID != "" {
			act.Kind = routing.ActReassign
		}
	case "unassign":
		act.Kind = routing.ActUnassign
	case "transfer":
		act.Kind, act.GroupID, field = routing.ActTransfer, r.PostFormValue("group_id"), "group_id"
		if act.GroupID == "" {
			return w.refused(rw, r, v, t, desk.Required("group_id"), field, nil)
		}
	case "escalate":
		act.Kind = routing.ActEscalate
	case "handoff":
		act.Kind, act.AgentID = routing.ActHandoff, agent
	default:
		return errNotFound
	}
	if _, err := w.cfg.Routing.Do(r.Context(), v.ws.ID, t.ID, v.actor(), act); err != nil {
		return w.refused(rw, r, v, t, err, field, nil)
	}
	backTo(rw, r, t, "")
	return nil
}

func (w *Web) presence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	p := desk.Presence(r.PostFormValue("presence"))
	if _, err := w.cfg.Desk.SetPresence(r.Context(), v.ws.ID, v.agent.ID, p, v.actor()); err != nil {
		return err
	}
	http.Redirect(rw, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (w *Web) setLanguage(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
	l := r.PostFormValue("lang")
	for _, known := range Languages {
		if l == known {
			w.storeLanguage(r, l) // a signed-in agent keeps it (prefs.go)
			http.SetCookie(rw, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: w.secure || r.TLS != nil})
		}
	}
	http.Redirect(rw, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// attachment sends a file of one of the ticket's messages: a download,
// except raster images asked for inline (the thread's previews).
func (w *Web) attachment(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	a, err := w.cfg.Desk.Store.Attachment(r.Context(), v.ws.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if a.TicketID != t.ID || strings.Contains(a.Path, "://") || w.cfg.Files == nil {
		return errNotFound
	}
	f, err := w.cfg.Files.Open(r.Context(), v.ws.ID, a.Path)
	if err != nil {
		return errNotFound
	}
	defer f.Close()
	files.Serve(rw, r, f, files.Download{FileName: a.FileName, ContentType: a.ContentType, ModTime: a.CreatedAt,
		InlineImages: r.URL.Query().Get("inline") == "1"})
	return nil
}

// isImage: the raster types files.Serve shows inline, previewed in the
// thread (never SVG, which can carry script).
func isImage(ct string) bool {
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}
