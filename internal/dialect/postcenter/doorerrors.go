package postcenter

import (
	"net/http"
	"strings"
)

// DoorError answers, in the vendor's error body {"status","message"}, what
// the server decides for every route of the door before or instead of its
// handler: a body over the limit (413), text the stores cannot keep (400),
// an unavailable store (503). msg is in English and starts lower-case; the
// door's messages start upper-case. The field is named in msg.
func DoorError(w http.ResponseWriter, status int, code, msg, field string) {
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	writeError(w, status, msg)
}
