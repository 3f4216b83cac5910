package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/files"
)

// Ingester turns a received mail into a desk message: it parses, drops
// our own looped mail and bounces, uploads attachments, works out the
// ticket hint from threading, and calls desk.Service.Receive. It writes
// nothing itself: the desk does (channel → desk → store).
type Ingester struct {
	Desk   *desk.Service
	Files  *files.Store
	Log    *slog.Logger
	Limits Limits // zero: DefaultLimits
}

// Outcome says what became of one mail on one account.
type Outcome int

const (
	Stored      Outcome = iota // a new message (and maybe ticket)
	Duplicate                  // the Message-ID was stored on the account already
	DroppedLoop                // carried our loop header
	Bounced                    // a delivery status notification: no ticket
)

// Result is what Ingest did.
type Result struct {
	Outcome  Outcome
	Threaded *desk.Threaded // for Stored and Duplicate
}

// maxThreadKeys bounds the In-Reply-To/References lookups per mail: a
// hostile References header must not cost thousands of queries.
const maxThreadKeys = 20

// ticketToken is the "[#123]" our replies carry in their subject.
var ticketToken = regexp.MustCompile(`\[#(\d{1,18})\]`)

// Accounts returns the active e-mail accounts of any workspace whose
// address is addr: the mailboxes a mail to addr belongs to.
func (in *Ingester) Accounts(ctx context.Context, addr string) ([]desk.ChannelAccount, error) {
	all, err := in.Desk.Store.ChannelAccountsByUID(ctx, desk.ChannelEmail, addr)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if a.Active {
			out = append(out, a)
		}
	}
	return out, nil
}

// Ingest delivers raw to acct. An error wrapping ErrNotMail or
// desk.ErrInvalid is permanent (the mail can never be stored); any other
// error may pass on a retry.
func (in *Ingester) Ingest(ctx context.Context, acct *desk.ChannelAccount, raw []byte) (*Result, error) {
	lim := in.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	m, err := lim.Parse(raw)
	if err != nil {
		return nil, err
	}
	log := in.log().With(slog.String("account", acct.ID), slog.String("message_id", m.MessageID))
	if m.Loop != "" {
		// Our own mail came back (a forward loop, an auto-responder
		// quoting us): storing it would make two desks answer each other.
		log.Info("email: dropped mail carrying our loop header", slog.String("loop", m.Loop))
		return &Result{Outcome: DroppedLoop}, nil
	}
	ws := acct.WorkspaceID
	if m.Bounce != nil {
		if err := in.bounce(ctx, log, acct, m); err != nil {
			return nil, fmt.Errorf("email: bounce: %w", err)
		}
		return &Result{Outcome: Bounced}, nil
	}
	from := strings.ToLower(strings.TrimSpace(m.From.Address))
	if from == "" {
		return nil, fmt.Errorf("email: no sender address: %w", desk.Invalid("from.external_id", desk.CodeRequired, desk.Params{}))
	}
	// A repeat delivery is answered before its attachments are uploaded
	// again (they would be orphans); Receive checks again under its lock,
	// so a mail without files leaves it to Receive.
	if m.MessageID != "" && len(m.Attachments) > 0 {
		if prev, err := in.Desk.Store.MessageByProvider(ctx, ws, acct.ID, m.MessageID); err == nil {
			t, err := in.Desk.Store.Ticket(ctx, ws, prev.TicketID)
			if err != nil {
				return nil, err
			}
			return &Result{Outcome: Duplicate, Threaded: &desk.Threaded{Message: prev, Ticket: t, Duplicate: true}}, nil
		} else if !errors.Is(err, desk.ErrNotFound) {
			return nil, err
		}
	}
	hint, err := in.ticketHint(ctx, acct, m, from)
	if err != nil {
		return nil, err
	}
	refs, err := in.upload(ctx, log, ws, m.Attachments)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(m.Reply)
	if text == "" {
		text = strings.TrimSpace(m.Text)
	}
	if text == "" && len(refs) == 0 {
		// A mail with only a subject ("call me") is still a customer's
		// words; desk needs a text.
		text = strings.TrimSpace(m.Subject)
	}
	if text == "" && len(refs) == 0 {
		text = "(empty message)"
	}
	meta := map[string]any{"from": from, "message_id": m.MessageID}
	if full := strings.TrimSpace(m.Text); full != text {
		// Text is the reply without quoted history; the whole text is
		// kept for an agent who needs the history.
		meta["text"] = truncate(full, desk.MaxText)
	}
	if m.Auto != "" {
		meta["auto"] = m.Auto
	}
	if len(m.Defects) > 0 {
		meta["defects"] = m.Defects
	}
	html := m.HTML
	if len(html) > desk.MaxHTML {
		html = "" // the text stays; an HTML body past the limit is not worth refusing the mail
	}
	mj, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	out, err := in.Desk.Receive(ctx, ws, desk.Inbound{
		AccountID: acct.ID,
		From: desk.Party{Identity: desk.Identity{Channel: desk.ChannelEmail, ExternalID: from, DisplayName: m.From.Name},
			Email: from},
		ProviderID:   truncate(m.MessageID, 512),
		Subject:      truncate(strings.TrimSpace(m.Subject), desk.MaxSubject),
		Text:         truncate(text, desk.MaxText),
		HTML:         html,
		Attachments:  refs,
		TicketNumber: hint,
		SentAt:       m.Date,
		Meta:         map[string]json.RawMessage{"email": mj},
		Auto:         m.Auto != "",
	})
	if err != nil {
		return nil, err
	}
	r := &Result{Outcome: Stored, Threaded: out}
	if out.Duplicate {
		r.Outcome = Duplicate
	}
	return r, nil
}

// ticketHint is the number of the ticket m answers, or 0: a Message-ID of
// In-Reply-To or References stored on the account, else a "[#123]" subject
// token when the sender is that ticket's contact. A subject token alone
// never threads a stranger's mail (anyone can type "[#12]"), and a
// subject's words never thread at all.
func (in *Ingester) ticketHint(ctx context.Context, acct *desk.ChannelAccount, m *Mail, from string) (int64, error) {
	st, ws := in.Desk.Store, acct.WorkspaceID
	keys := make([]string, 0, len(m.InReplyTo)+len(m.References))
	keys = append(keys, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- { // newest last
		keys = append(keys, m.References[i])
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" || seen[k] || k == m.MessageID {
			continue
		}
		if len(seen) == maxThreadKeys {
			break
		}
		seen[k] = true
		prev, err := st.MessageByProvider(ctx, ws, acct.ID, k)
		if errors.Is(err, desk.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		t, err := st.Ticket(ctx, ws, prev.TicketID)
		if err != nil {
			return 0, err
		}
		return t.Number, nil
	}
	sm := ticketToken.FindStringSubmatch(m.Subject)
	if sm == nil {
		return 0, nil
	}
	n, err := strconv.ParseInt(sm[1], 10, 64)
	if err != nil {
		return 0, nil
	}
	t, err := st.TicketByNumber(ctx, ws, n)
	if errors.Is(err, desk.ErrNotFound) {
		return 0, nil
	}
	if err != nil || t.ContactID == "" {
		return 0, err
	}
	for _, f := range []desk.ContactFilter{
		{Identity: &desk.Identity{Channel: desk.ChannelEmail, ExternalID: from}, Limit: 1},
		{Email: from, Limit: 1},
	} {
		cs, err := st.Contacts(ctx, ws, f)
		if err != nil {
			return 0, err
		}
		if len(cs) > 0 && cs[0].ID == t.ContactID {
			return n, nil
		}
	}
	// Someone the ticket copies (its CC list) may answer with the token too.
	for _, cc := range t.CC.Emails {
		if strings.EqualFold(cc, from) {
			return n, nil
		}
	}
	return 0, nil
}

// upload stores the attachments that kept their bytes through package
// files and records them with the desk; it returns their upload tokens.
// A part files refuses (too large) is skipped with a log line: one
// oversized file must not lose the customer's message.
func (in *Ingester) upload(ctx context.Context, log *slog.Logger, ws string, atts []Attachment) ([]string, error) {
	var refs []string
	for _, a := range atts {
		if a.Data == nil {
			log.Warn("email: attachment dropped by the parse limits", slog.String("file", a.Filename), slog.Int("size", a.Size))
			continue
		}
		if in.Files == nil {
			return nil, errors.New("email: no file store for attachments")
		}
		saved, err := in.Files.Save(ctx, ws, a.Filename, bytes.NewReader(a.Data))
		if errors.Is(err, files.ErrTooLarge) {
			log.Warn("email: attachment over the upload limit skipped", slog.String("file", a.Filename), slog.Int("size", a.Size))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("email: save attachment %q: %w", a.Filename, err)
		}
		att, err := in.Desk.NewAttachment(ctx, ws, desk.Attachment{FileName: saved.FileName, ContentType: saved.ContentType,
			Size: saved.Size, Path: saved.Key})
		if err != nil {
			return nil, err
		}
		refs = append(refs, att.Token)
	}
	return refs, nil
}

// bounce records a delivery status notification on the reply it names:
// that message's delivery turns failed with the far server's words (the
// relay had taken it, so the outbox called it sent). It never opens a
// ticket. A report naming nothing of ours (no id, an id of another
// system, a message never sent) is logged and dropped; so is a report
// whose failure is already recorded (the same bounce delivered twice).
// Only a store failure is an error, so the sender's server retries.
func (in *Ingester) bounce(ctx context.Context, log *slog.Logger, acct *desk.ChannelAccount, m *Mail) error {
	b := m.Bounce
	log = log.With(slog.String("original", b.OriginalMessageID), slog.String("recipient", b.Recipient),
		slog.String("status", b.Status), slog.String("action", b.Action))
	if b.Action != "" && b.Action != "failed" {
		// "delayed", "delivered", "relayed", "expanded": the mail is on its
		// way or arrived; nothing failed.
		log.Info("email: delivery report without a failure dropped")
		return nil
	}
	msg, err := in.bouncedMessage(ctx, acct, bounceKeys(m))
	if err != nil {
		return err
	}
	if msg == nil {
		log.Warn("email: bounce names no message of ours; dropped")
		return nil
	}
	d, err := in.Desk.FailSent(ctx, acct.WorkspaceID, msg.ID, bounceReason(b))
	if errors.Is(err, desk.ErrNotFound) {
		log.Info("email: bounce for a message not (or no longer) sent; dropped", slog.String("message", msg.ID))
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("email: bounce recorded", slog.String("ticket", msg.TicketID), slog.String("message", msg.ID),
		slog.String("error", d.LastError))
	return nil
}

// bounceKeys are the Message-IDs a report may name the failed mail by:
// the returned message's own (or its headers'), then the report's
// In-Reply-To and References, which some servers set.
func bounceKeys(m *Mail) []string {
	keys := []string{m.Bounce.OriginalMessageID}
	keys = append(keys, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- {
		keys = append(keys, m.References[i])
	}
	return keys
}

// ourMessageID matches the Message-IDs our sender makes (MessageID):
// "ticketd.<desk message id>@<domain>".
var ourMessageID = regexp.MustCompile(`^ticketd\.([0-9a-f]{24})@`)

// bouncedMessage is the outbound message of acct's workspace one of keys
// names, or nil: by the provider id the outbox wrote on it (on acct),
// else, for an id of ours, by the desk id inside it when that message's
// delivery went out under exactly that id (a reply sent through another
// mailbox of the workspace, or one whose provider id was not written).
func (in *Ingester) bouncedMessage(ctx context.Context, acct *desk.ChannelAccount, keys []string) (*desk.Message, error) {
	st, ws := in.Desk.Store, acct.WorkspaceID
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" || seen[k] {
			continue
		}
		if len(seen) == maxThreadKeys {
			break
		}
		seen[k] = true
		m, err := st.MessageByProvider(ctx, ws, acct.ID, k)
		if err == nil && m.Direction == desk.DirectionOut {
			return m, nil
		}
		if err != nil && !errors.Is(err, desk.ErrNotFound) {
			return nil, err
		}
		sm := ourMessageID.FindStringSubmatch(strings.ToLower(k))
		if sm == nil {
			continue
		}
		m, err = st.Message(ctx, ws, sm[1])
		if errors.Is(err, desk.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.Delivery != nil && strings.EqualFold(m.Delivery.ProviderID, k) {
			return m, nil
		}
	}
	return nil, nil
}

// bounceReason is what the delivery shows: the far server's diagnostic
// ("550 5.1.1 user unknown", without the "smtp;" type), else the status
// code, and the address that failed.
func bounceReason(b *Bounce) string {
	diag := strings.Join(strings.Fields(b.Diagnostic), " ")
	if t, rest, ok := strings.Cut(diag, ";"); ok && !strings.ContainsAny(t, " <>@") {
		diag = strings.TrimSpace(rest) // "smtp; 550 …", "X-Postfix; …"
	}
	if diag == "" {
		diag = b.Status
	}
	if diag == "" {
		diag = "no reason given"
	}
	r := "bounced: " + diag
	if b.Recipient != "" {
		r += " (" + b.Recipient + ")"
	}
	return truncate(r, 1000)
}

func (in *Ingester) log() *slog.Logger {
	if in.Log == nil {
		return slog.Default()
	}
	return in.Log
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	s = s[:n]
	return s
}
