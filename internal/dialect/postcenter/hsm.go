package postcenter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
)

// Answers of the template send.
const (
	hsmDelivered = "Ok"
	hsmStored    = "Stored on the ticket, not delivered: no WhatsApp provider is configured"
)

// hsm: "POST /v2/message/hsm/" (vendor page "Mensajes"): sends an
// approved WhatsApp template from the connected number "account" to
// "phone", naming the template and its "parameters" (as many non-empty
// strings as the template has placeholders), and "close_ticket" to close
// the conversation after sending; the vendor's Python client adds
// "header", "campaign_id" and "entry_id".
//
// The message is stored, outbound, on the customer's active WhatsApp ticket
// of that account, or on a new one (desk.Service.Reach decides). Delivery
// goes through the WhatsApp sender of Deps.Senders; with none registered the
// answer says the message was stored, not delivered.
func (d *door) hsm(w http.ResponseWriter, r *http.Request) {
	var in hsmRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	if err := dec.Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Body larger than %d bytes", MaxBody))
			return
		}
		writeError(w, http.StatusBadRequest, "Body must be a JSON object with account, phone, name and parameters")
		return
	}
	msg, problem, err := d.checkHSM(r, &in)
	if err != nil {
		d.fail(w, r, err, "Not found")
		return
	}
	if problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return
	}
	ctx, p := r.Context(), principal(r)
	text, answer, providerID := renderTemplate(msg.Template.Name, msg.Template.Parameters), hsmStored, ""
	if sender, ok := d.Senders.Sender(desk.ChannelWhatsApp); ok {
		if providerID, text, err = d.sendHSM(r, sender, msg, text); err != nil {
			if errors.Is(err, desk.ErrInvalid) {
				writeError(w, http.StatusBadRequest, words(err, "Invalid template"))
				return
			}
			d.Log.WarnContext(ctx, "postcenter: template delivery failed", slog.String("template", msg.Template.Name), slog.Any("err", err))
			writeError(w, http.StatusBadGateway, "Delivery failed: the WhatsApp provider refused the message")
			return
		}
		answer = hsmDelivered
	}
	out, err := d.Desk.Reach(ctx, p.WorkspaceID, p.Actor(), hsmOutbound(&in, msg, text, providerID, answer == hsmDelivered))
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	t := out.Ticket
	if in.CloseTicket {
		if _, err := d.Desk.Close(ctx, p.WorkspaceID, t.ID, p.Actor(), desk.StatusClosed, "closed after a WhatsApp template (close_ticket)"); err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
	}
	writeJSON(w, http.StatusOK, hsmResponse{Status: http.StatusOK, Message: answer, TicketID: t.ID})
}

// checkHSM validates the request and finds its account; problem is the
// caller's mistake in words, err a failure of ours.
func (d *door) checkHSM(r *http.Request, in *hsmRequest) (msg hsmMessage, problem string, err error) {
	phone, ok := normalizePhone(in.Phone)
	if !ok {
		return msg, "phone must be the customer's phone number: digits, optionally with a leading + (e.g. 56911111111)", nil
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 512 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return msg, "name must be the template's name", nil
	}
	var params []string
	if raw := bytes.TrimSpace(in.Parameters); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &params); err != nil {
			return msg, "parameters must be a list of non-empty strings", nil
		}
	}
	for i, s := range params {
		if strings.TrimSpace(s) == "" {
			return msg, fmt.Sprintf("parameters must be non-empty strings: parameter %d is empty", i+1), nil
		}
	}
	if raw := bytes.TrimSpace(in.Header); len(raw) > 0 && string(raw) != "null" && raw[0] != '{' {
		return msg, "header must be a JSON object", nil
	}
	ref := strings.TrimSpace(in.Account)
	if ref == "" {
		return msg, "account is required: the connected WhatsApp number that sends", nil
	}
	acct, err := d.Desk.FindChannelAccount(r.Context(), principal(r).WorkspaceID, desk.ChannelWhatsApp, ref)
	if errors.Is(err, desk.ErrNotFound) {
		if digits, ok := normalizePhone(ref); ok && digits != ref {
			acct, err = d.Desk.FindChannelAccount(r.Context(), principal(r).WorkspaceID, desk.ChannelWhatsApp, digits)
		}
	}
	if errors.Is(err, desk.ErrNotFound) {
		return msg, "Unknown account: " + ref + " is not a connected WhatsApp account (see /v2/accounts/all/)", nil
	}
	if err != nil {
		return msg, "", err
	}
	if !acct.Active {
		return msg, "Account " + ref + " is not active", nil
	}
	return hsmMessage{Account: acct, Phone: phone, Template: channel.Template{Name: name, Parameters: params, Header: in.Header}}, "", nil
}

// normalizePhone keeps the digits of a phone number written with spaces,
// dashes, dots, brackets or a leading +.
func normalizePhone(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", false
		}
	}
	out := b.String()
	return out, len(out) >= 6 && len(out) <= 20
}

// renderTemplate is the stored text of a template no provider rendered.
func renderTemplate(name string, params []string) string {
	if len(params) == 0 {
		return name
	}
	return name + ": " + strings.Join(params, " | ")
}

// hsmMessage is one template send the request asks for.
type hsmMessage struct {
	Account  *desk.ChannelAccount
	Phone    string
	Template channel.Template
}

// sendHSM delivers the template through the WhatsApp sender: the text the
// provider says the customer reads (when it can say: channel.Renderer),
// then the send. It returns the provider's message id and the text to store.
func (d *door) sendHSM(r *http.Request, s channel.Sender, msg hsmMessage, text string) (providerID, stored string, err error) {
	if rd, ok := s.(channel.Renderer); ok {
		rendered, err := rd.Render(r.Context(), msg.Account, msg.Template)
		if err != nil {
			return "", "", err
		}
		if rendered != "" {
			text = rendered
		}
	}
	tmpl := msg.Template
	providerID, err = s.Send(r.Context(), msg.Account, channel.Message{
		To: desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: msg.Phone}, Text: text, Template: &tmpl})
	return providerID, text, err
}

// hsmOutbound is the desk's outbound message for a template: stored on the
// customer's active WhatsApp ticket of the account, or on a new one, with
// the template and the campaign in the door's meta.
func hsmOutbound(in *hsmRequest, msg hsmMessage, text, providerID string, delivered bool) desk.Outbound {
	hsm := map[string]any{"name": msg.Template.Name, "parameters": nonNil(msg.Template.Parameters), "delivered": delivered}
	if h := bytes.TrimSpace(msg.Template.Header); len(h) > 0 && string(h) != "null" {
		hsm["header"] = msg.Template.Header
	}
	var ticketMeta map[string]map[string]json.RawMessage
	for k, v := range map[string]string{"campaign_id": in.CampaignID, "entry_id": in.EntryID} {
		if v != "" {
			hsm[k] = v
			if ticketMeta == nil {
				ticketMeta = map[string]map[string]json.RawMessage{Dialect: {}}
			}
			ticketMeta[Dialect][k] = mustJSON(v)
		}
	}
	return desk.Outbound{AccountID: msg.Account.ID,
		To:     desk.Party{Identity: desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: msg.Phone}, Name: msg.Phone, Phone: msg.Phone},
		Origin: desk.OriginTemplate, TicketMeta: ticketMeta,
		Message: desk.NewMessage{Text: text, ProviderID: providerID,
			Meta: map[string]json.RawMessage{Dialect: mustJSON(map[string]any{"hsm": hsm})}}}
}

// Dialect is the door's key in Ticket.Meta and Message.Meta.
const Dialect = "postcenter"

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("postcenter: %w", err))
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
