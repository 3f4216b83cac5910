package api

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/jsontext"
)

// uploadPattern is the route whose body is a file, streamed to the file
// store rather than read whole (UploadLimit).
const uploadPattern = "POST /api/v1/uploads"

// UploadLimit is the body limit of the upload route: the file limit and a
// margin for a multipart envelope, so that the file store answers an
// oversized file itself (413). ok is false for every other route.
func (a *API) UploadLimit(pattern string) (limit int64, ok bool) {
	if pattern != uploadPattern || a.Files == nil {
		return 0, false
	}
	return a.maxFile() + 1<<20, true
}

func (a *API) maxFile() int64 {
	if a.Files != nil && a.Files.MaxSize > 0 {
		return a.Files.MaxSize
	}
	return files.DefaultMaxSize
}

type uploadJSON struct {
	ID          string           `json:"id"`
	Token       string           `json:"token" doc:"name it in POST /api/v1/tickets/{id}/messages \"attachments\" to attach the file"`
	FileName    string           `json:"file_name"`
	ContentType string           `json:"content_type" doc:"sniffed from the bytes"`
	Size        int64            `json:"size"`
	URL         string           `json:"url" doc:"where to download it (GET, as an attachment)"`
	CreatedAt   jsontext.Instant `json:"created_at"`
}

// upload stores one file: a multipart/form-data body with a part named
// "file" (its filename, or ?filename=), or the raw file as the body with
// ?filename=. The answer's token attaches it to a message.
func (a *API) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if a.Files == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "no file store is configured")
		return
	}
	name := r.URL.Query().Get("filename")
	var body io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "a multipart body without a boundary")
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				if a.tooLarge(w, err) {
					return
				}
				writeError(w, http.StatusBadRequest, "bad_request", `the multipart body has no part named "file"`)
				return
			}
			if part.FormName() == "file" {
				if name == "" {
					name = part.FileName()
				}
				body = part
				break
			}
			part.Close()
		}
	}
	if strings.TrimSpace(name) == "" {
		fail(w, r, desk.Required("filename"))
		return
	}
	br := bufio.NewReader(body)
	if _, err := br.Peek(1); err != nil {
		if a.tooLarge(w, err) {
			return
		}
		fail(w, r, desk.Invalid("file", desk.CodeRequired, desk.Params{}))
		return
	}
	saved, err := a.Files.Save(r.Context(), p.WorkspaceID, name, br)
	if err != nil {
		if a.tooLarge(w, err) {
			return
		}
		fail(w, r, err)
		return
	}
	att, err := a.Desk.NewAttachment(r.Context(), p.WorkspaceID, desk.Attachment{FileName: saved.FileName,
		ContentType: saved.ContentType, Size: saved.Size, Path: saved.Key})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Location", attachmentURL(att.ID))
	writeJSON(w, http.StatusCreated, uploadJSON{ID: att.ID, Token: att.Token, FileName: att.FileName, ContentType: att.ContentType,
		Size: att.Size, URL: attachmentURL(att.ID), CreatedAt: jsontext.Instant(att.CreatedAt)})
}

// tooLarge answers 413 when err is the body or file limit.
func (a *API) tooLarge(w http.ResponseWriter, err error) bool {
	var mb *http.MaxBytesError
	if errors.Is(err, files.ErrTooLarge) || errors.As(err, &mb) {
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("file larger than %d bytes", a.maxFile()))
		return true
	}
	return false
}

func attachmentURL(id string) string { return "/api/v1/attachments/" + id }

// attachment serves a stored file, always as a download (never shown in
// place: Content-Disposition attachment, nosniff, a sandbox CSP). A file
// of a message or a ticket's field is served to whoever may see that
// ticket; one not yet attached only to supervisors and admins (its
// uploader holds it by its token until it is sent).
func (a *API) attachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	at, err := a.Desk.Store.Attachment(ctx, p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	if at.TicketID != "" {
		if _, err := a.ticketByRef(r, p, at.TicketID); err != nil {
			fail(w, r, err)
			return
		}
	} else if !p.Can(desk.RoleSupervisor) {
		fail(w, r, desk.ErrNotFound)
		return
	}
	if strings.Contains(at.Path, "://") {
		// A link to a file kept elsewhere (an import): not ours to serve.
		fail(w, r, desk.ErrNotFound)
		return
	}
	if a.Files == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "no file store is configured")
		return
	}
	f, err := a.Files.Open(ctx, at.WorkspaceID, at.Path)
	if err != nil {
		if errors.Is(err, files.ErrNotFound) {
			fail(w, r, desk.ErrNotFound)
			return
		}
		fail(w, r, err)
		return
	}
	defer f.Close()
	files.Serve(w, r, f, files.Download{FileName: at.FileName, ContentType: at.ContentType, ModTime: at.CreatedAt})
}
