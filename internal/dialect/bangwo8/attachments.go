package bangwo8

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// 上传附件 POST /api/v1/attachments.json (the curl example: /api/v1/uploads.json)
//
//	?fileName=file.png (curl: filename) &ticketReplyId=234234 (optional)
//	Content-Type: application/binary, body: the file's bytes
//	Status: 201 Created, Location: …/api/v1/attachments/{id}.json
//	{"attachment": {"attachId", "ticketReplyId", "fileName", "filePath", "token"}}
//	"无论是哪种类型的附件,都需要先调用工单回复里的上传附件接口,调用成功后,
//	系统会返回相应的附件token" — the token then goes in ticketReply.attachments
//	or in an attachment custom field's value.
func (d *Door) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx, ws := r.Context(), p.WorkspaceID
	q := r.URL.Query()
	name := q.Get("fileName")
	if name == "" {
		name = q.Get("filename")
	}
	if strings.TrimSpace(name) == "" {
		badRequest(w, "fileName")
		return
	}
	var msg *desk.Message
	if v := q.Get("ticketReplyId"); v != "" && v != "0" {
		n, err := atoiID(v)
		if err != nil {
			badRequest(w, "ticketReplyId")
			return
		}
		if msg, err = d.Desk.Store.MessageByNumber(ctx, ws, n); err != nil {
			if errors.Is(err, desk.ErrNotFound) {
				badRequest(w, "ticketReplyId")
				return
			}
			d.fail(w, r, err)
			return
		}
	}
	body := bufio.NewReader(r.Body)
	if _, err := body.Peek(1); err != nil {
		badRequest(w, "body")
		return
	}
	saved, err := d.Files.Save(ctx, ws, name, body)
	if err != nil {
		if errors.Is(err, files.ErrTooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge, msgTooLarge)
			return
		}
		d.fail(w, r, err)
		return
	}
	a := desk.Attachment{FileName: saved.FileName, ContentType: saved.ContentType, Size: saved.Size, Path: saved.Key}
	if msg != nil {
		a.TicketID, a.MessageID = msg.TicketID, msg.ID
	}
	att, err := d.Desk.NewAttachment(ctx, ws, a)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	aj, err := d.attachmentJSON(ctx, r, att)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	w.Header().Set("Location", d.base(r)+"/attachments/"+strconv.FormatInt(att.Number, 10)+".json")
	writeJSON(w, http.StatusCreated, map[string]any{"attachment": aj})
}

// 查看附件 GET /api/v1/attachments/{id}.json
//
//	{"attachment": {"attachId": 123, "fileName": "file.png", "filePath": "https://…/Z28tfzPdB.png", "token": "…"}}
func (d *Door) attachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, v2, ok := parseNumberFile(r.PathValue("file"))
	if !ok || v2 {
		notFound(w)
		return
	}
	a, err := d.Desk.Store.AttachmentByNumber(r.Context(), p.WorkspaceID, n)
	if errors.Is(err, desk.ErrNotFound) {
		writeError(w, http.StatusNotFound, codeNotFound, msgNoResource)
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	aj, err := d.attachmentJSON(r.Context(), r, a)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachment": aj})
}

func (d *Door) attachmentJSON(ctx context.Context, r *http.Request, a *desk.Attachment) (attachmentJSON, error) {
	out := attachmentJSON{AttachID: a.Number, FileName: a.FileName, Token: a.Token,
		FilePath: origin(r) + strings.TrimSuffix(d.Prefix, "/") + "/files/" + a.WorkspaceID + "/" + a.Token}
	if a.MessageID != "" {
		m, err := d.Desk.Store.Message(ctx, a.WorkspaceID, a.MessageID)
		if err != nil {
			return out, err
		}
		out.TicketReplyID = m.Number
	}
	return out, nil
}

// download serves an uploaded file at its filePath. The 128-bit random
// token in the link is the capability, as Bangwo8's own storage links are
// public: whoever was given the link may fetch the file. filePath is the
// vendor's image link (its example is a .png on its storage, shown in
// replies and custom fields), so raster images sniffed as such are shown
// inline; everything else is a download (files.Serve), never HTML in our
// origin.
func (d *Door) download(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	ws, token := r.PathValue("workspace"), r.PathValue("token")
	if !isHex(ws, 24) || !isHex(token, 32) {
		writeError(w, http.StatusNotFound, codeNotFound, msgNoResource)
		return
	}
	a, err := d.Desk.Store.AttachmentByToken(r.Context(), ws, token)
	if err != nil || strings.Contains(a.Path, "://") {
		if err == nil || errors.Is(err, desk.ErrNotFound) {
			writeError(w, http.StatusNotFound, codeNotFound, msgNoResource)
			return
		}
		d.fail(w, r, err)
		return
	}
	f, err := d.Files.Open(r.Context(), a.WorkspaceID, a.Path)
	if err != nil {
		d.Log.WarnContext(r.Context(), "bangwo8: stored file missing", "attachment", a.ID, "err", err)
		writeError(w, http.StatusNotFound, codeNotFound, msgNoResource)
		return
	}
	defer f.Close()
	files.Serve(w, r, f, files.Download{FileName: a.FileName, ContentType: a.ContentType, ModTime: a.CreatedAt, InlineImages: true})
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
