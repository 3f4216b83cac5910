package bangwo8

import (
	"encoding/json"

	"github.com/ticketd/ticketd/internal/desk"
)

// metaKey is this door's key in the Meta of tickets and contacts: the
// values only Bangwo8 speaks live there, not in desk (docs/domain.md).
const metaKey = "bangwo8"

// Fields of this door's meta.
const (
	metaTicketSource = "ticketSource" // ticket: the ticketSource code as written (§4.4)
	metaQQ           = "qq"           // contact: custUser.qq as written (§2.5)
)

// doorMeta is one field of this door's meta, as desk takes it.
func doorMeta(field string, v any) map[string]map[string]json.RawMessage {
	b, _ := json.Marshal(v) // an int or a string: never fails
	return map[string]map[string]json.RawMessage{metaKey: {field: b}}
}

// writtenSource is the ticketSource code a client wrote on t, 0 when none.
func writtenSource(t *desk.Ticket) int {
	var n int
	if raw, ok := t.Meta[metaKey][metaTicketSource]; ok && json.Unmarshal(raw, &n) == nil {
		return n
	}
	return 0
}
