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
// of that account, or on a new one. Delivery goes through Deps.Sender; with
// none configured the answer says the message was stored, not delivered.
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
	contact, err := d.whatsAppContact(r, msg.Phone)
	if err != nil {
		d.fail(w, r, err, "Client not found")
		return
	}
	text, answer := renderTemplate(msg.Name, msg.Parameters), hsmStored
	if d.Sender != nil {
		sent, err := d.Sender.SendTemplate(ctx, msg)
		if errors.Is(err, desk.ErrInvalid) {
			writeError(w, http.StatusBadRequest, words(err, "Invalid template"))
			return
		}
		if err != nil {
			d.Log.WarnContext(ctx, "postcenter: template delivery failed", slog.String("template", msg.Name), slog.Any("err", err))
			writeError(w, http.StatusBadGateway, "Delivery failed: the WhatsApp provider refused the message")
			return
		}
		if sent != "" {
			text = sent
		}
		answer = hsmDelivered
	}
	if contact == nil {
		contact, err = d.Desk.CreateContact(ctx, p.WorkspaceID, desk.NewContact{Name: msg.Phone, Phone: msg.Phone,
			Identities: []desk.Identity{{Channel: desk.ChannelWhatsApp, ExternalID: msg.Phone}}})
		if err != nil {
			d.fail(w, r, err, "Client not found")
			return
		}
	}
	t, err := d.storeHSM(r, &in, msg, contact, text, answer == hsmDelivered)
	if err != nil {
		d.fail(w, r, err, "Ticket not found")
		return
	}
	if in.CloseTicket {
		if _, err := d.Desk.Close(ctx, p.WorkspaceID, t.ID, p.Actor(), desk.StatusClosed, "", "closed after a WhatsApp template (close_ticket)"); err != nil {
			d.fail(w, r, err, "Ticket not found")
			return
		}
	}
	writeJSON(w, http.StatusOK, hsmResponse{Status: http.StatusOK, Message: answer, TicketID: t.ID})
}

// checkHSM validates the request and finds its account; problem is the
// caller's mistake in words, err a failure of ours.
func (d *door) checkHSM(r *http.Request, in *hsmRequest) (msg TemplateMessage, problem string, err error) {
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
	return TemplateMessage{Account: acct, Phone: phone, Name: name, Parameters: params, Header: in.Header}, "", nil
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

// whatsAppContact finds the customer by WhatsApp identity, then by phone;
// nil when there is none yet.
func (d *door) whatsAppContact(r *http.Request, phone string) (*desk.Contact, error) {
	ws := principal(r).WorkspaceID
	for _, f := range []desk.ContactFilter{
		{Identity: &desk.Identity{Channel: desk.ChannelWhatsApp, ExternalID: phone}, Limit: 1},
		{Phone: phone, Limit: 1},
	} {
		cs, err := d.Desk.Store.Contacts(r.Context(), ws, f)
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			return &cs[0], nil
		}
	}
	return nil, nil
}

// storeHSM adds the outbound message to the customer's active WhatsApp
// ticket on the account, or opens one with it.
func (d *door) storeHSM(r *http.Request, in *hsmRequest, msg TemplateMessage, c *desk.Contact, text string, delivered bool) (*desk.Ticket, error) {
	ctx, p := r.Context(), principal(r)
	hsm := map[string]any{"name": msg.Name, "parameters": nonNil(msg.Parameters), "delivered": delivered}
	if len(bytes.TrimSpace(msg.Header)) > 0 && string(bytes.TrimSpace(msg.Header)) != "null" {
		hsm["header"] = msg.Header
	}
	ticketMeta := map[string]json.RawMessage{}
	for k, v := range map[string]string{"campaign_id": in.CampaignID, "entry_id": in.EntryID} {
		if v != "" {
			hsm[k] = v
			ticketMeta[k] = mustJSON(v)
		}
	}
	m := &desk.NewMessage{Text: text, Author: p.Actor(),
		Meta: map[string]json.RawMessage{Dialect: mustJSON(map[string]any{"hsm": hsm})}}

	active, err := d.Desk.Store.Tickets(ctx, p.WorkspaceID, desk.TicketFilter{ContactID: c.ID,
		Channels: []desk.Channel{desk.ChannelWhatsApp}, Statuses: desk.ActiveStatuses, Limit: 100})
	if err != nil {
		return nil, err
	}
	for i := range active {
		t := &active[i]
		if t.ChannelAccountID != msg.Account.ID {
			continue
		}
		if _, t, err = d.Desk.AddMessage(ctx, p.WorkspaceID, t.ID, *m); err != nil {
			return nil, err
		}
		if len(ticketMeta) > 0 {
			return d.Desk.UpdateTicket(ctx, p.WorkspaceID, t.ID, p.Actor(),
				desk.TicketPatch{Meta: map[string]map[string]json.RawMessage{Dialect: ticketMeta}})
		}
		return t, nil
	}
	nt := desk.NewTicket{Channel: desk.ChannelWhatsApp, ChannelAccountID: msg.Account.ID, ContactID: c.ID,
		Origin: desk.OriginTemplate, Message: m}
	if len(ticketMeta) > 0 {
		nt.Meta = map[string]map[string]json.RawMessage{Dialect: ticketMeta}
	}
	return d.Desk.CreateTicket(ctx, p.WorkspaceID, p.Actor(), nt)
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
