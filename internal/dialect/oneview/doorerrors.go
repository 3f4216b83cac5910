package oneview

import "net/http"

// DoorError answers, in the blueprint's {"errorCode","errorMessage"}, what
// the server decides for every route of the door before or instead of its
// handler. The blueprint's fixed bodies carry no field; 413 and 503 are
// not in it and follow the same shape.
func DoorError(w http.ResponseWriter, status int, code, msg, field string) {
	switch status {
	case http.StatusRequestEntityTooLarge:
		writeJSON(w, status, Error{ErrorCode: int64(status), ErrorMessage: "request entity too large"})
	case http.StatusServiceUnavailable:
		writeJSON(w, status, Error{ErrorCode: int64(status), ErrorMessage: "service unavailable"})
	default:
		writeError(w, status)
	}
}
