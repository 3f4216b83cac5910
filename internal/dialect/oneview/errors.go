package oneview

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
)

// Error is the blueprint's Error object; its fixed variants Error_400,
// Error_401, Error_403, Error_404 and Error_500 carry the messages below,
// word for word ("not authorize" included).
type Error struct {
	ErrorCode    int64  `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

var errorMessages = map[int]string{
	http.StatusBadRequest:          "bad request",
	http.StatusUnauthorized:        "not authorize",
	http.StatusForbidden:           "forbidden",
	http.StatusNotFound:            "not found",
	http.StatusMethodNotAllowed:    "method not allowed", // not in the blueprint; same Error shape
	http.StatusInternalServerError: "internal server error",
}

// writeError answers with the fixed error body of status.
func writeError(w http.ResponseWriter, status int) {
	msg, ok := errorMessages[status]
	if !ok {
		status, msg = http.StatusInternalServerError, errorMessages[http.StatusInternalServerError]
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chat-ticket"`)
	}
	writeJSON(w, status, Error{ErrorCode: int64(status), ErrorMessage: msg})
}

// fail maps a desk error onto the dialect's status codes; anything
// unexpected is logged and answered with the generic 500 body.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, desk.ErrNotFound):
		writeError(w, http.StatusNotFound)
	case errors.Is(err, desk.ErrInvalid):
		writeError(w, http.StatusBadRequest)
	case errors.Is(err, desk.ErrForbidden):
		writeError(w, http.StatusForbidden)
	case errors.Is(err, desk.ErrAuth):
		writeError(w, http.StatusUnauthorized)
	default:
		h.Log.Error("oneview: request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		writeError(w, http.StatusInternalServerError)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("oneview: encode response", slog.Any("err", err))
		status, b = http.StatusInternalServerError, []byte(`{"errorCode":500,"errorMessage":"internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
