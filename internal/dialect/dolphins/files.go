package dolphins

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// fileURL is where a stored file is served: <id><ext> under
// /graph/tickets/files/, with the caller's token in access_token the way
// the vendor hands it out ("Bearer <token>", the space percent-encoded so
// the URL stays valid).
func (d *Door) fileURL(r *http.Request, a *desk.Attachment, token string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	name := a.ID + strings.ToLower(path.Ext(a.FileName))
	return scheme + "://" + r.Host + d.cfg.Prefix + "/graph/tickets/files/" + name +
		"?access_token=" + url.QueryEscape("Bearer "+token)
}

// POST /graph/tickets/files
//
// Multipart upload, field "file" (spec A10). The file is stored (in the
// database or the data folder: package files; size-limited, its type sniffed from its bytes, a storage
// name of ticketd's own) and recorded as an attachment; data is its URL.
// The attachment joins a message when its id is named in sendMessage's
// "files".
func (d *Door) upload(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	max := d.cfg.MaxFileSize
	if max <= 0 {
		max = files.DefaultMaxSize
	}
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		failed(w, http.StatusBadRequest, "expected a multipart/form-data body with a \"file\" field")
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			failed(w, http.StatusBadRequest, "the multipart body has no \"file\" field")
			return
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				failed(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("file larger than %d bytes", max))
				return
			}
			failed(w, http.StatusBadRequest, "malformed multipart body")
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		saved, err := d.files.Save(r.Context(), c.ws.ID, part.FileName(), part)
		part.Close()
		if err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.Is(err, files.ErrTooLarge), errors.As(err, &tooBig):
				failed(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("file larger than %d bytes", max))
			default:
				d.fail(w, r, err)
			}
			return
		}
		a, err := d.cfg.Desk.NewAttachment(r.Context(), c.ws.ID, desk.Attachment{FileName: saved.FileName,
			ContentType: saved.ContentType, Size: saved.Size, Path: saved.Key})
		if err != nil {
			d.fail(w, r, err)
			return
		}
		one(w, d.fileURL(r, a, bearer(r, false)))
		return
	}
}

type mediaRequest struct {
	FileName  string `json:"fileName"`
	MessageID string `json:"messageId"`
}

// POST /graph/tickets/files/media — "Get File Media"
//
// Body (spec A10) {"fileName"} — the name in a file URL, an attachment id
// or upload token — or {"messageId"}: the message's first attachment.
// data is the file's URL.
func (d *Door) media(w http.ResponseWriter, r *http.Request) {
	c, ok := d.begin(w, r)
	if !ok {
		return
	}
	var in mediaRequest
	if err := decodeBody(r.Body, &in); err != nil {
		d.fail(w, r, err)
		return
	}
	ctx := r.Context()
	var a *desk.Attachment
	var err error
	switch {
	case in.FileName != "":
		a, err = d.attachment(r, c.p, in.FileName)
	case in.MessageID != "":
		var m *desk.Message
		if m, err = d.cfg.Desk.Store.Message(ctx, c.ws.ID, in.MessageID); err == nil {
			if len(m.Attachments) == 0 {
				err = desk.ErrNotFound
			} else {
				a = &m.Attachments[0]
			}
		}
	default:
		err = invalid("fileName or messageId is required")
	}
	if errors.Is(err, desk.ErrNotFound) {
		failed(w, http.StatusNotFound, "File not found")
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	one(w, d.fileURL(r, a, bearer(r, false)))
}

// attachment finds a file of the caller's workspace by URL name, id or
// upload token.
func (d *Door) attachment(r *http.Request, p *auth.Principal, name string) (*desk.Attachment, error) {
	id, _, _ := strings.Cut(path.Base(name), ".")
	st := d.cfg.Desk.Store
	if isHexID(id) {
		a, err := st.Attachment(r.Context(), p.WorkspaceID, id)
		if !errors.Is(err, desk.ErrNotFound) {
			return a, err
		}
	}
	if len(name) > 200 {
		return nil, desk.ErrNotFound
	}
	return st.AttachmentByToken(r.Context(), p.WorkspaceID, name)
}

// GET /graph/tickets/files/{name}
//
// Serves a stored file to an authenticated caller of the same workspace
// (token in the Authorization header or in access_token), always as a
// download (files.Serve): the vendor documents only a URL, no inline use.
func (d *Door) file(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	a, err := d.attachment(r, p, r.PathValue("name"))
	if errors.Is(err, desk.ErrNotFound) {
		failed(w, http.StatusNotFound, "File not found")
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	f, err := d.files.Open(r.Context(), a.WorkspaceID, a.Path)
	if err != nil {
		d.cfg.Log.ErrorContext(r.Context(), "3dolphins: open stored file", "attachment", a.ID, "err", err)
		failed(w, http.StatusNotFound, "File not found")
		return
	}
	defer f.Close()
	files.Serve(w, r, f, files.Download{FileName: a.FileName, ContentType: a.ContentType, ModTime: a.CreatedAt})
}
