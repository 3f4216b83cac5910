// Package channel holds what every channel shares below the doors: the
// Sender that delivers a stored message through a provider (the call an
// outbox worker makes), and the registry that finds a channel's sender.
// Inbound, a channel calls desk.Service.Receive; see docs/inbound.md.
package channel

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/ticketd/ticketd/internal/desk"
)

// Message is one message to deliver to a customer.
type Message struct {
	// ID is the desk message's id when it is stored already: a key a
	// provider that accepts one can use to drop a repeated send.
	ID string
	// To is the recipient on the account's channel: a phone number on
	// WhatsApp, a chat id on Telegram, an address for e-mail.
	To          desk.Identity
	Subject     string
	Text        string
	HTML        string
	Attachments []desk.Attachment
	// Template is set for a pre-approved template (WhatsApp HSM); Text is
	// then what the desk stores of it.
	Template *Template
	// ReplyTo is the provider id of the message this one answers (an
	// e-mail's In-Reply-To, a WhatsApp context id); empty for none.
	ReplyTo string
	// References are the provider ids of the conversation so far on this
	// account, oldest first, ending with ReplyTo (an e-mail's References).
	References []string
	// TicketNumber is the number of the ticket the message is on: e-mail
	// puts it in the subject so a reply finds its ticket again.
	TicketNumber int64
	// Auto marks a message no person wrote (a bot's, the system's): e-mail
	// says so (Auto-Submitted) so other robots do not answer it.
	Auto bool
	// Meta is the stored message's channel values (desk.Message.Meta): an
	// e-mail acknowledgement carries its own subject in Meta["email"].
	Meta map[string]json.RawMessage
}

// Template names a provider's pre-approved message and its placeholders.
type Template struct {
	Name       string
	Parameters []string
	Header     json.RawMessage // provider-specific header (image, document), raw
}

// Sender delivers messages through one provider. Send returns the id the
// provider gave the message. An error wrapping desk.ErrInvalid means the
// provider will never take this message (unknown template, bad recipient):
// retrying is useless. Any other error may pass: a worker retries it.
type Sender interface {
	Send(ctx context.Context, account *desk.ChannelAccount, m Message) (providerID string, err error)
}

// Renderer is a Sender that can say, before sending, what the customer will
// read of a template — the text the desk stores. Errors as Send's.
type Renderer interface {
	Render(ctx context.Context, account *desk.ChannelAccount, t Template) (text string, err error)
}

// Registry finds the sender of a channel kind. The zero value (and nil) is
// an empty registry: nothing is delivered.
type Registry struct {
	mu      sync.RWMutex
	senders map[desk.Channel]Sender
}

// NewRegistry returns a registry holding senders.
func NewRegistry(senders map[desk.Channel]Sender) *Registry {
	r := &Registry{}
	for k, s := range senders {
		r.Register(k, s)
	}
	return r
}

// Register makes s the sender of channel kind c, replacing any other.
func (r *Registry) Register(c desk.Channel, s Sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.senders == nil {
		r.senders = map[desk.Channel]Sender{}
	}
	r.senders[c] = s
}

// Sender returns the sender of channel kind c, if one is registered.
func (r *Registry) Sender(c desk.Channel) (Sender, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.senders[c]
	return s, ok
}

// Delivers reports whether channel kind c has a sender: desk asks it
// (desk.Outbox) to decide which replies go to the outbox.
func (r *Registry) Delivers(c desk.Channel) bool {
	_, ok := r.Sender(c)
	return ok
}
