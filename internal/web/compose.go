package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// maxReplies bounds the saved replies offered in one composer.
const maxReplies = 100

// replies are the saved replies the agent may use: their own and the
// shared ones, as desk lists them for the caller.
func (w *Web) replies(ctx context.Context, v *visit) ([]desk.SavedReply, error) {
	dir, err := w.dir(ctx, v)
	if err != nil {
		return nil, err
	}
	return dir.repliesFor(ctx, w, v)
}

// renderReply answers a saved reply filled for the ticket, as plain text:
// what the composer's picker inserts at the cursor (the native API's
// GET /api/v1/saved-replies/{id}/render?ticket_id=).
func (w *Web) renderReply(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	rr, err := w.cfg.Desk.RenderSavedReply(r.Context(), v.ws.ID, *v.caller(), r.PathValue("id"), t.ID)
	if err != nil {
		return err
	}
	h := rw.Header()
	securityHeaders(h)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = rw.Write([]byte(rr.Text))
	return nil
}

// insertReply is the composer's "insert" button without script: the page
// again, with the chosen reply filled for this ticket appended to the
// draft (nothing is sent).
func (w *Web) insertReply(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	text, mode := r.PostFormValue("text"), r.PostFormValue("mode")
	values := map[string]string{"text": text, "mode": mode, "reply_id": r.PostFormValue("reply_id")}
	id := r.PostFormValue("reply_id")
	if id == "" {
		return w.showTicket(rw, r, v, t, http.StatusUnprocessableEntity, &form{Errors: map[string]string{"reply_id": ErrorText(v.lang, desk.Required("reply_id"))}, Values: values})
	}
	rr, err := w.cfg.Desk.RenderSavedReply(r.Context(), v.ws.ID, *v.caller(), id, t.ID)
	if err != nil {
		if s := statusOf(err); s == http.StatusInternalServerError {
			return err
		}
		return w.showTicket(rw, r, v, t, statusOf(err), &form{Errors: map[string]string{"reply_id": ErrorText(v.lang, err)}, Values: values})
	}
	switch {
	case text == "":
		text = rr.Text
	case strings.HasSuffix(text, "\n"):
		text += rr.Text
	default:
		text += "\n" + rr.Text
	}
	values["text"] = text
	return w.showTicket(rw, r, v, t, http.StatusOK, &form{Values: values})
}

// tooLarge is a file over the file store's limit.
type tooLarge struct {
	name string
	max  int64
}

func (e *tooLarge) Error() string { return fmt.Sprintf("%s: over %d bytes", e.name, e.max) }

// maxFile is the file store's limit on one file.
func (w *Web) maxFile() int64 {
	if w.cfg.Files != nil && w.cfg.Files.MaxSize > 0 {
		return w.cfg.Files.MaxSize
	}
	return files.DefaultMaxSize
}

// maxUploadBody bounds the composer's body: a few files at the limit and
// the text, so one file over the limit is answered beside the input with
// the draft kept, rather than cut off with the body.
func (w *Web) maxUploadBody() int64 { return 4*w.maxFile() + maxForm }

// saveUploads stores the composer's files (multipart part "files") through
// the file store and desk's attachments, as POST /api/v1/uploads does,
// and returns their ids for the message.
func (w *Web) saveUploads(r *http.Request, v *visit) ([]string, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var ids []string
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" {
			continue // the empty part of an input left blank
		}
		if w.cfg.Files == nil {
			return nil, errors.New("no file store is configured")
		}
		if fh.Size > w.maxFile() {
			return nil, &tooLarge{fh.Filename, w.maxFile()}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload %s: %w", fh.Filename, err)
		}
		saved, err := w.cfg.Files.Save(r.Context(), v.ws.ID, fh.Filename, f)
		f.Close()
		if errors.Is(err, files.ErrTooLarge) {
			return nil, &tooLarge{fh.Filename, w.maxFile()}
		}
		if err != nil {
			return nil, fmt.Errorf("save upload %s: %w", fh.Filename, err)
		}
		att, err := w.cfg.Desk.NewAttachment(r.Context(), v.ws.ID, desk.Attachment{FileName: saved.FileName,
			ContentType: saved.ContentType, Size: saved.Size, Path: saved.Key})
		if err != nil {
			return nil, fmt.Errorf("attachment %s: %w", fh.Filename, err)
		}
		ids = append(ids, att.ID)
	}
	return ids, nil
}

// uploadRefused shows the ticket with the file error beside the input and
// the draft kept.
func (w *Web) uploadRefused(rw http.ResponseWriter, r *http.Request, v *visit, t *desk.Ticket, err error, values map[string]string) error {
	var tl *tooLarge
	if !errors.As(err, &tl) {
		return err
	}
	msg := T(v.lang, "compose.too_large", "name", tl.name, "max", sizeText(tl.max))
	return w.showTicket(rw, r, v, t, http.StatusRequestEntityTooLarge, &form{Errors: map[string]string{"files": msg}, Values: values})
}

// sizeText is a byte count for people (binary units, as the limits are).
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// macros are the macros the agent may apply: their own and the shared ones.
func (w *Web) macros(ctx context.Context, v *visit) ([]desk.Macro, error) {
	dir, err := w.dir(ctx, v)
	if err != nil {
		return nil, err
	}
	return dir.macrosFor(ctx, w, v)
}

// applyMacro runs a macro on the ticket (desk.ApplyMacro: its reply, then
// its actions, in one transaction) and shows the page with what it did; a
// refusal is shown beside the menu and changed nothing.
func (w *Web) applyMacro(rw http.ResponseWriter, r *http.Request, v *visit) error {
	t, err := w.ticketOf(r, v)
	if err != nil {
		return err
	}
	id := r.PostFormValue("macro_id")
	if id == "" {
		return w.refused(rw, r, v, t, desk.Required("macro_id"), "macro_id", nil)
	}
	nt, msg, err := w.cfg.Desk.ApplyMacro(r.Context(), v.ws.ID, *v.caller(), v.actor(), t.ID, id)
	if err != nil {
		return w.refused(rw, r, v, t, err, "macro_id", nil)
	}
	m, err := w.cfg.Desk.Macro(r.Context(), v.ws.ID, *v.caller(), id)
	if err != nil {
		return err
	}
	var parts []string
	a := m.Actions
	if a.Status != "" {
		parts = append(parts, T(v.lang, "field.status")+": "+T(v.lang, "status."+string(nt.Status)))
	}
	if a.Priority != "" {
		parts = append(parts, T(v.lang, "field.priority")+": "+T(v.lang, "priority."+string(nt.Priority)))
	}
	if len(a.AddTags) > 0 || len(a.RemoveTags) > 0 {
		parts = append(parts, T(v.lang, "field.tags")+": "+strings.Join(nt.Tags, ", "))
	}
	if a.AssignToMe {
		parts = append(parts, T(v.lang, "field.assignee")+": "+v.agent.Name)
	}
	if msg != nil {
		key := "macro.reply_added"
		if !msg.Public {
			key = "macro.note_added"
		}
		parts = append(parts, T(v.lang, key))
	}
	done := T(v.lang, "macro.applied", "name", m.Name, "what", strings.Join(parts, " · "))
	return w.showTicket(rw, r, v, nt, http.StatusOK, &form{Values: map[string]string{"macro_done": done}})
}

// tooBig parses a multipart body and reports whether it was cut off by the
// route's body limit (a 413, not a missing CSRF token).
func tooBig(r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	var mb *http.MaxBytesError
	return errors.As(r.ParseMultipartForm(32<<20), &mb)
}
