package bangwo8

import (
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/files"
)

// msgUnavailable answers a store that cannot be reached (503, code 100503
// as the spec's status-following codes go).
const msgUnavailable = "服务暂不可用,请稍后重试"

// DoorError answers, in Bangwo8's {"errcode","errmsg"}, what the server
// decides for every route of the door before or instead of its handler:
// text the stores cannot keep (400 "字段值不合法: <field>", as the door
// names bad fields), a body over the limit (413), an unavailable store
// (503), an unknown route (404 100047).
func DoorError(w http.ResponseWriter, status int, code, msg, field string) {
	switch status {
	case http.StatusBadRequest:
		if field == "" {
			field = "body"
		}
		badRequest(w, field)
	case http.StatusNotFound:
		notFound(w)
	case http.StatusRequestEntityTooLarge:
		writeError(w, status, codeTooLarge, msgTooLarge)
	case http.StatusServiceUnavailable:
		writeError(w, status, codeTimeout, msgUnavailable)
	default:
		writeError(w, http.StatusInternalServerError, codeInternal, msgInternal)
	}
}

// UploadLimit is the body limit of the routes that take a file as their
// raw body (attachments.json, uploads.json): the file limit and a margin,
// so that files.Store answers an oversized file itself. ok is false for
// every other route (JSON bodies, the server's limit).
func (d *Door) UploadLimit(pattern string) (limit int64, ok bool) {
	for _, p := range []string{"/api/v1/attachments.json", "/api/v1/uploads.json"} {
		if pattern == "POST "+strings.TrimSuffix(d.Prefix, "/")+p {
			max := d.Files.MaxSize
			if max <= 0 {
				max = files.DefaultMaxSize
			}
			return max + 1<<20, true
		}
	}
	return 0, false
}
