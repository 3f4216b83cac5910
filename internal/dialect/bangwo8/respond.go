package bangwo8

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/ticketd/ticketd/internal/desk"
)

// Error codes (bangwo8.md §5). Only 100047 is Bangwo8's own (B2); the
// others follow its HTTP status, as the spec chooses.
const (
	codeBadRequest   = "100400"
	codeUnauthorized = "100401"
	codeForbidden    = "100403"
	codeNoRoute      = "100047"
	codeNotFound     = "100404"
	codeConflict     = "100409"
	codeTooLarge     = "100413"
	codeTimeout      = "100503"
	codeInternal     = "100500"
)

// Messages in Bangwo8's language.
const (
	msgAuth      = "认证失败"
	msgForbidden = "权限不足"
	msgNoRoute   = "Invalid resource URI"
	// A closed ticket's status is final, as in Zendesk, whose API this
	// dialect copies ("Status: closed prevents ticket update").
	msgFinal      = "工单已关闭, 状态不能再修改"
	msgNoTicket   = "工单不存在"
	msgNoResource = "资源不存在"
	msgInternal   = "服务器错误"
	msgTooMany    = "一次最多更新100个工单"
	msgCapacity   = "客服已达接待上限"
	msgConflict   = "数据冲突"
	msgTooLarge   = "请求内容过大"
	msgTimeout    = "搜索超时,请缩小搜索范围"
)

// MaxBody bounds a JSON request body.
const MaxBody = 1 << 20

// writeJSON answers v with Bangwo8's formatting: UTF-8 as is, and "&" and
// "<" unescaped (next_page links carry "&").
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Error("bangwo8: encode response", slog.Any("err", err))
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"errcode":"` + codeInternal + `","errmsg":"` + msgInternal + `"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorJSON{Errcode: code, Errmsg: msg})
}

// badRequest answers 400 with "字段值不合法: <field>".
func badRequest(w http.ResponseWriter, field string) {
	writeError(w, http.StatusBadRequest, codeBadRequest, (&fieldError{Field: field}).message())
}

// fail maps an error onto Bangwo8's error shape. Internal errors are
// logged and answered without details.
func (d *Door) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := d.classify(err)
	if status == http.StatusInternalServerError {
		d.Log.ErrorContext(r.Context(), "bangwo8: request failed", slog.String("route", r.Pattern), slog.Any("err", err))
	}
	writeError(w, status, code, msg)
}

// classify gives an error its status, errcode and errmsg; update_many uses
// the message as error_log. Desk's refusals are said from their field and
// code ("字段值不合法: field_2 (one_of)"), never from their text.
func (d *Door) classify(err error) (int, string, string) {
	var fe *fieldError
	var tooBig *http.MaxBytesError
	de, typed := desk.AsFieldError(err)
	switch {
	case errors.As(err, &fe):
		return http.StatusBadRequest, codeBadRequest, fe.message()
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, codeTooLarge, msgTooLarge
	case errors.Is(err, desk.ErrTimeout):
		return http.StatusServiceUnavailable, codeTimeout, msgTimeout
	case errors.Is(err, desk.ErrNotFound):
		return http.StatusNotFound, codeNotFound, msgNoTicket
	case errors.Is(err, desk.ErrInvalid):
		if !typed {
			return http.StatusBadRequest, codeBadRequest, msgBad
		}
		return http.StatusBadRequest, codeBadRequest, (&fieldError{Field: wireField(de.Field), Detail: string(de.Code)}).message()
	case errors.Is(err, desk.ErrCapacity):
		return http.StatusConflict, codeConflict, msgCapacity
	case errors.Is(err, desk.ErrFinal):
		return http.StatusConflict, codeConflict, msgFinal
	case errors.Is(err, desk.ErrConflict):
		if !typed || de.Field == "" {
			return http.StatusConflict, codeConflict, msgConflict
		}
		return http.StatusConflict, codeConflict, msgConflict + ": " + wireField(de.Field) + " (" + string(de.Code) + ")"
	case errors.Is(err, desk.ErrForbidden):
		return http.StatusForbidden, codeForbidden, msgForbidden
	case errors.Is(err, desk.ErrAuth):
		return http.StatusUnauthorized, codeUnauthorized, msgAuth
	}
	return http.StatusInternalServerError, codeInternal, msgInternal
}

// wireFields name desk's fields as this door's requests do; custom fields
// go by their bare key, as the door's own errors name them.
var wireFields = map[string]string{
	"subject":     "subject",
	"text":        "ticketReply.replyMsg",
	"attachments": "ticketReply.attachments",
	"contact_id":  "custUserId",
	"assignee_id": "servicerUserId",
	"group_id":    "servicerGroupId",
	"status":      "ticketStatus",
	"priority":    "priorityLevel",
	"channel":     "ticketSource",
	"phone":       "custUser.mobilephone",
}

func wireField(field string) string {
	if k, ok := desk.CustomFieldKey(field); ok {
		return k
	}
	if w, ok := wireFields[field]; ok {
		return w
	}
	return field
}

// readBody reads a JSON object body of at most MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &fieldError{Field: "body", Detail: "empty"}
	}
	if !json.Valid(b) {
		return nil, &fieldError{Field: "body", Detail: "malformed JSON"}
	}
	m, err := decodeObject(b)
	if err != nil {
		return nil, &fieldError{Field: "body", Detail: "expected a JSON object"}
	}
	return m, nil
}

// notFound answers Bangwo8's unknown-route error.
func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, codeNoRoute, msgNoRoute)
}
