package dolphins

import (
	"net/http"

	"github.com/ticketd/ticketd/internal/files"
)

// DoorError answers, in the failure envelope, what the server decides for
// every route of the door before or instead of its handler: a body over
// the limit (413), text the stores cannot keep (400, the field named in
// msg), an unavailable store (503).
func DoorError(w http.ResponseWriter, status int, code, msg, field string) {
	failed(w, status, msg)
}

// UploadLimit is the body limit of the multipart upload route (the file
// limit and a margin for the form around it, as upload reads it); ok is
// false for every other route.
func (d *Door) UploadLimit(pattern string) (limit int64, ok bool) {
	if pattern != "POST "+d.cfg.Prefix+"/graph/tickets/files" {
		return 0, false
	}
	max := d.cfg.MaxFileSize
	if max <= 0 {
		max = files.DefaultMaxSize
	}
	return max + 1<<20, true
}
