// Package email is the e-mail channel. For now it holds the inbound parser:
// Parse turns an RFC 5322 message into what desk needs from it — threading
// keys, parties, subject, text, sanitized HTML, attachments and whether a
// machine sent it (auto-reply, our own loop, a bounce). It is pure: no
// network, no store. Mail in the wild is often malformed, so Parse takes
// what it can and records the rest in Mail.Defects instead of failing;
// docs/email.md gives the rules.
package email

import (
	"bytes"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// LoopHeader marks mail ticketd sent. Its value names the sender (an
// instance or workspace id); mail coming back with it is our own and must
// not open or grow a ticket, or two desks answering each other would loop.
const LoopHeader = "X-Ticketd-Loop"

// ErrNotMail is returned for input with no header field at all: nothing
// in it can be threaded or answered.
var ErrNotMail = errors.New("email: not a message (no header fields)")

// Mail is one parsed message. Strings are UTF-8.
type Mail struct {
	// MessageID, InReplyTo and References are message ids without their
	// angle brackets: the keys that thread a reply to its ticket.
	MessageID  string
	InReplyTo  []string
	References []string

	From    Address
	To      []Address
	Cc      []Address
	ReplyTo []Address
	Subject string
	Date    time.Time // zero when absent or unreadable

	// Text is the whole text body: text/plain when there is one, else the
	// text of the HTML. Reply is Text without the quoted history.
	Text  string
	Reply string
	// HTML is the HTML body after bluemonday's UGC policy; cid: images
	// stay, naming Attachments by ContentID.
	HTML        string
	Attachments []Attachment

	// Auto names the header that shows a machine sent the message
	// ("Auto-Submitted: auto-replied", "List-Id"); empty for a person.
	Auto string
	// Loop is the value of LoopHeader when the message carries it.
	Loop string
	// Bounce is set for a delivery status notification.
	Bounce *Bounce

	// Header is the top-level header as received (values undecoded).
	Header textproto.MIMEHeader
	// Defects lists what was malformed and how it was read anyway.
	Defects []string
}

// Address is a mailbox: the address and its display name.
type Address struct {
	Name    string
	Address string
}

// Attachment is a non-body part: a file, or an inline part (an image the
// HTML shows by cid:).
type Attachment struct {
	Filename    string
	ContentType string
	ContentID   string // without angle brackets
	Inline      bool
	Size        int    // decoded size, also when Data was dropped
	Data        []byte // nil when dropped over Limits.AttachmentBytes
}

// Bounce is what a delivery status notification says about the message
// that failed.
type Bounce struct {
	OriginalMessageID string
	Recipient         string // the failed address
	Status            string // "5.1.1"
	Action            string // "failed", "delayed", …
	Diagnostic        string
}

// Limits bound the work and memory one message may cost. Zero fields take
// the defaults.
type Limits struct {
	AttachmentBytes int // total decoded attachment bytes kept
	Parts           int // MIME parts visited
	Depth           int // multipart nesting
}

// DefaultLimits suit a support inbox: 25 MB is what most providers send.
var DefaultLimits = Limits{AttachmentBytes: 25 << 20, Parts: 500, Depth: 20}

// Parse parses a message with DefaultLimits.
func Parse(raw []byte) (*Mail, error) { return DefaultLimits.Parse(raw) }

// Parse parses one message. The error is ErrNotMail or nil; anything else
// malformed is read best-effort and listed in Mail.Defects.
func (l Limits) Parse(raw []byte) (*Mail, error) {
	l = l.withDefaults()
	hdr, body, ok := splitHeader(raw)
	if !ok {
		return nil, ErrNotMail
	}
	m := &Mail{Header: hdr}
	m.readHeader(hdr)

	w := walker{m: m, limits: l}
	w.walk(hdr, body, 0)
	if t := strings.Join(w.texts, "\n"); t != "" {
		m.Text = t
	}
	if h := strings.Join(w.htmls, "\n"); h != "" {
		if m.Text == "" {
			m.Text = htmlText(h)
		}
		m.HTML = sanitize(h)
	}
	m.Text = normalizeNewlines(m.Text)
	m.Reply = trimQuoted(m.Text)
	m.classify(hdr)
	return m, nil
}

func (l Limits) withDefaults() Limits {
	if l.AttachmentBytes <= 0 {
		l.AttachmentBytes = DefaultLimits.AttachmentBytes
	}
	if l.Parts <= 0 {
		l.Parts = DefaultLimits.Parts
	}
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.Depth
	}
	return l
}

func (m *Mail) defect(s string) { m.Defects = append(m.Defects, s) }

func (m *Mail) readHeader(h textproto.MIMEHeader) {
	m.MessageID = first(msgIDs(h.Get("Message-Id")))
	m.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	m.References = msgIDs(strings.Join(h.Values("References"), " "))
	m.Subject = strings.TrimSpace(decodeHeader(h.Get("Subject")))
	if from := m.addresses(h, "From"); len(from) > 0 {
		m.From = from[0]
	}
	m.To = m.addresses(h, "To")
	m.Cc = m.addresses(h, "Cc")
	m.ReplyTo = m.addresses(h, "Reply-To")
	if d := h.Get("Date"); d != "" {
		if t, err := mail.ParseDate(d); err == nil {
			m.Date = t
		} else {
			m.defect("unreadable Date: " + d)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// msgIDs reads "<a@b> <c@d>" into ["a@b", "c@d"]. A value without angle
// brackets (seen from broken clients) is taken whole.
func msgIDs(v string) []string {
	var ids []string
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" {
			ids = append(ids, id)
		}
		v = v[i+j+1:]
	}
	if len(ids) == 0 {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") {
			ids = append(ids, v)
		}
	}
	return ids
}

func (m *Mail) addresses(h textproto.MIMEHeader, key string) []Address {
	v := strings.TrimSpace(strings.Join(h.Values(key), ", "))
	if v == "" {
		return nil
	}
	v = toUTF8(v)
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if list, err := p.ParseList(v); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: decodeHeader(a.Name), Address: a.Address})
		}
		return out
	}
	// One bad mailbox fails the whole list in net/mail; read each alone.
	var out []Address
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := p.Parse(part); err == nil {
			out = append(out, Address{Name: decodeHeader(a.Name), Address: a.Address})
			continue
		}
		if a, ok := looseAddress(part); ok {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		m.defect("unreadable " + key + ": " + v)
	}
	return out
}

// looseAddress finds "Name <a@b>" or a bare "a@b" in a mailbox net/mail
// refuses (unquoted dots or brackets in the name, a trailing group ";").
func looseAddress(s string) (Address, bool) {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 && strings.Contains(s[i:i+j], "@") && !strings.Contains(s[i:i+j], ":") {
			name := strings.Trim(strings.TrimSpace(s[:i]), `"`)
			return Address{Name: decodeHeader(name), Address: s[i+1 : i+j]}, true
		}
	}
	for _, f := range strings.Fields(s) {
		f = strings.Trim(f, "<>;\"'")
		if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") && !strings.Contains(f, ":") {
			return Address{Address: f}, true
		}
	}
	return Address{}, false
}

// splitHeader reads the header block leniently: net/textproto refuses a
// whole header for one malformed line, and real mail has such lines. An
// mbox "From " line is skipped. ok is false when no field was found.
func splitHeader(raw []byte) (textproto.MIMEHeader, []byte, bool) {
	h := textproto.MIMEHeader{}
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	var key string
	var val strings.Builder
	flush := func() {
		if key != "" {
			h[key] = append(h[key], strings.TrimSpace(val.String()))
		}
		key = ""
		val.Reset()
	}
	rest := raw
	for len(rest) > 0 {
		line := rest
		next := []byte(nil)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, next = rest[:i], rest[i+1:]
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			rest = next
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key != "" { // folded continuation
				val.WriteByte(' ')
				val.Write(bytes.TrimSpace(line))
			}
		} else if i := bytes.IndexByte(line, ':'); i > 0 && validKey(line[:i]) {
			flush()
			key = textproto.CanonicalMIMEHeaderKey(string(bytes.TrimSpace(line[:i])))
			val.Write(bytes.TrimSpace(line[i+1:]))
		} else if len(h) == 0 && key == "" {
			// Not a header at all: the whole input is a body.
			return h, raw, false
		}
		// Other junk lines inside a header are dropped.
		rest = next
		if next == nil {
			rest = nil
		}
	}
	flush()
	return h, rest, len(h) > 0
}

func validKey(k []byte) bool {
	k = bytes.TrimRight(k, " \t")
	if len(k) == 0 {
		return false
	}
	for _, c := range k {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return strings.TrimSpace(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))
}
