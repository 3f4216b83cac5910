package desk

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// AutoAck is an e-mail account's acknowledgement of a new ticket: mailed
// to the customer through the outbox when their mail opens a ticket, if
// Enabled. Subject and Text take the placeholders of AckPlaceholders.
type AutoAck struct {
	Enabled bool   `json:"enabled"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// AckPlaceholders are the only names an acknowledgement may use, as
// {{name}}. A plain substitution, not a template language: an admin's
// text cannot call anything, loop, or fail at send time.
var AckPlaceholders = []string{"ticket.number", "ticket.subject", "contact.name"}

// DefaultAckSubject is the subject of an acknowledgement that sets none.
const DefaultAckSubject = "We received your request: {{ticket.subject}}"

const (
	maxAckSubject = 255
	maxAckText    = 10000
)

var placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

func validateAutoAck(m map[string]any, path string) error {
	if err := onlyKeys(m, path, "enabled", "subject", "text"); err != nil {
		return err
	}
	on := false
	if v, ok := m["enabled"]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return Invalid(path+".enabled", CodeType, Params{Want: "boolean"})
		}
		on = b
	}
	m["enabled"] = on
	subject, err := str(m, path, "subject", DefaultAckSubject)
	if err != nil {
		return err
	}
	if len(subject) > maxAckSubject {
		return TooLong(path+".subject", maxAckSubject)
	}
	if strings.ContainsAny(subject, "\r\n") {
		return Invalid(path+".subject", CodeFormat, Params{Value: subject, Format: "one line"})
	}
	m["subject"] = subject
	text, err := str(m, path, "text", "")
	if err != nil {
		return err
	}
	if text == "" && on {
		return Required(path + ".text")
	}
	if len(text) > maxAckText {
		return TooLong(path+".text", maxAckText)
	}
	m["text"] = text
	for _, f := range []string{"subject", "text"} {
		for _, sm := range placeholder.FindAllStringSubmatch(m[f].(string), -1) {
			if !isAckPlaceholder(sm[1]) {
				return Invalid(path+"."+f, CodeFormat, Params{Value: sm[0],
					Format: "{{ticket.number}}, {{ticket.subject}} or {{contact.name}}"})
			}
		}
	}
	return nil
}

func isAckPlaceholder(name string) bool {
	for _, p := range AckPlaceholders {
		if name == p {
			return true
		}
	}
	return false
}

// RenderAck fills the placeholders of tpl for ticket t of contact c. Values
// are inserted as they are, once: a subject containing "{{contact.name}}"
// stays that text.
func RenderAck(tpl string, t *Ticket, c *Contact) string {
	name := ""
	if c != nil {
		name = firstOf(c.Name, c.Email)
	}
	subject := t.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	return placeholder.ReplaceAllStringFunc(tpl, func(s string) string {
		switch placeholder.FindStringSubmatch(s)[1] {
		case "ticket.number":
			return strconv.FormatInt(t.Number, 10)
		case "ticket.subject":
			return subject
		case "contact.name":
			return name
		}
		return s
	})
}

// acknowledge queues the account's acknowledgement of the ticket t that
// the customer's message in just opened, in Receive's transaction — so a
// ticket is acknowledged at most once, and only if it is stored. Nothing
// is sent for machine mail (in.Auto: auto-replies, lists, bulk), for mail
// from the account's own address, on other channels, or when the account
// has no acknowledgement enabled. The message is public, by the system
// (no first-response clock stops), sent like any reply with
// Auto-Submitted (channel.Message.Auto); its subject rides in
// Meta["email"].subject.
func (s *Service) acknowledge(ctx context.Context, tx Tx, ch *Change, acct *ChannelAccount, t *Ticket, c *Contact, in Inbound) (bool, error) {
	if acct.Channel != ChannelEmail || in.Auto || len(acct.Settings) == 0 ||
		strings.EqualFold(strings.TrimSpace(in.From.Identity.ExternalID), acct.UID) {
		return false, nil
	}
	var es EmailSettings
	if err := json.Unmarshal(acct.Settings, &es); err != nil || es.AutoAck == nil || !es.AutoAck.Enabled || es.AutoAck.Text == "" {
		return false, nil
	}
	subject := es.AutoAck.Subject
	if subject == "" {
		subject = DefaultAckSubject
	}
	meta, err := json.Marshal(map[string]any{"subject": RenderAck(subject, t, c), "auto_ack": true})
	if err != nil {
		return false, err
	}
	_, err = s.addMessage(ctx, tx, ch, t, NewMessage{Author: System, AuthorName: acct.Name,
		Text: RenderAck(es.AutoAck.Text, t, c), ChannelAccountID: acct.ID,
		Meta: map[string]json.RawMessage{"email": meta}, deliver: true})
	return err == nil, err
}
