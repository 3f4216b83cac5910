package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/netguard"
)

// IMAP polling defaults.
const (
	DefaultIMAPLease = 2 * time.Minute // renewed after every batch
	DefaultIMAPBatch = 100             // UIDs per FETCH of bodies
	// DefaultIMAPWorkers: stores at once, so that group commit batches
	// them (one at a time waits a whole fsync per mail).
	DefaultIMAPWorkers = 32
	// imapBatchBytes bounds the bodies one FETCH brings into memory.
	imapBatchBytes = 64 << 20
	// imapIdle is how long a read may wait on a silent server.
	imapIdle = 2 * time.Minute
)

// ErrSentFolder is a configured folder the server marks \Sent: polling it
// would turn our own replies into tickets.
var ErrSentFolder = errors.New("folder is the sent-mail folder")

// MailboxPoller fetches new mail from one IMAP folder per e-mail account
// into the desk. Exactly once: the UIDVALIDITY and the highest UID
// processed are kept in the store (desk.MailboxState) and advance only
// after the mails below them are durable; a lease in the same row lets one
// node at a time poll a mailbox; the Message-ID dedupe of Ingest catches
// what a crash between storing and advancing fetches again.
type MailboxPoller struct {
	Ingester     *Ingester
	Log          *slog.Logger
	AllowPrivate bool          // dial loopback and private hosts (--allow-private-hosts)
	Lease        time.Duration // default DefaultIMAPLease
	Batch        int           // default DefaultIMAPBatch
	MaxBytes     int64         // larger mails are skipped; default DefaultMaxBytes
	// Workers is how many mails are stored at once (of different
	// conversations; one sender's mails keep their order). Default
	// DefaultIMAPWorkers.
	Workers int
	Now     func() time.Time
	// Claim names this poller in leases; default a random token, so two
	// pollers (nodes) never share one.
	Claim string
}

// PollResult is what one poll of one mailbox did.
type PollResult struct {
	Claimed     bool // false: another node holds the mailbox (nothing else is set)
	UIDValidity uint32
	LastUID     uint32 // the watermark after the poll
	Reset       bool   // UIDVALIDITY changed: the folder was read again from its start
	Fetched     int
	Stored      int
	Duplicates  int
	Skipped     int // refused for good (not mail, invalid, too large): logged, watermark advanced
}

func (p *MailboxPoller) init() {
	if p.Lease <= 0 {
		p.Lease = DefaultIMAPLease
	}
	if p.Batch <= 0 {
		p.Batch = DefaultIMAPBatch
	}
	if p.Workers <= 0 {
		p.Workers = DefaultIMAPWorkers
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = DefaultMaxBytes
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Claim == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		p.Claim = "imap-" + hex.EncodeToString(b[:])
	}
}

func (p *MailboxPoller) log() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}

// Poll reads the account's settings (secrets opened), claims its mailbox,
// and stores every mail above the watermark. A transient failure (network,
// server, store) returns an error with the watermark at the last mail
// stored; the next poll goes on from there.
func (p *MailboxPoller) Poll(ctx context.Context, ws, accountID string) (*PollResult, error) {
	p.init()
	d := p.Ingester.Desk
	acct, es, err := d.EmailAccount(ctx, ws, accountID)
	if err != nil {
		return nil, err
	}
	if !acct.Active || es.Inbound != "imap" || es.IMAP == nil {
		return &PollResult{}, nil
	}
	srv := es.IMAP
	folder := srv.Folder
	if folder == "" {
		folder = "INBOX"
	}
	if desk.SentFolder(folder) {
		return nil, fmt.Errorf("imap %s %q: %w", accountID, folder, ErrSentFolder)
	}
	var st *desk.MailboxState
	var ok bool
	now := p.Now()
	err = d.Store.Update(ctx, func(tx desk.Tx) error {
		st, ok, err = tx.ClaimMailbox(ctx, ws, accountID, folder, p.Claim, now, now.Add(p.Lease))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imap %s: claim mailbox: %w", accountID, err)
	}
	if !ok {
		return &PollResult{}, nil
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := d.Store.Update(rctx, func(tx desk.Tx) error { return tx.ReleaseMailbox(rctx, accountID, folder, p.Claim) }); err != nil {
			p.log().Warn("imap: release mailbox", slog.String("account", accountID), slog.Any("err", err))
		}
	}()
	c, err := dialIMAP(ctx, srv, p.AllowPrivate)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", accountID, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	r := &PollResult{Claimed: true}
	err = p.poll(ctx, c, acct, srv, folder, st, r)
	if err == nil {
		_ = c.Logout().Wait()
	}
	return r, err
}

// dialIMAP connects, logs in and returns the client.
func dialIMAP(ctx context.Context, s *desk.MailServer, allowPrivate bool) (*imapclient.Client, error) {
	conn, err := netguard.Dialer(allowPrivate, 30*time.Second).DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	c, err := newIMAPClient(ctx, idleConn{conn}, s)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := c.Login(s.Username, s.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login: %s", scrub(err.Error(), s.Password))
	}
	return c, nil
}

// newIMAPClient speaks IMAP over conn as s.TLS says and waits for the
// greeting.
func newIMAPClient(ctx context.Context, conn net.Conn, s *desk.MailServer) (*imapclient.Client, error) {
	cfg := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	var c *imapclient.Client
	switch s.TLS {
	case "tls":
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		c = imapclient.New(tc, nil)
	case "starttls":
		var err error
		if c, err = imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: cfg}); err != nil {
			return nil, fmt.Errorf("starttls: %w", err)
		}
	default:
		c = imapclient.New(conn, nil)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	return c, nil
}

// checkFolder refuses a folder the server marks \Sent (RFC 6154): the
// name check of the settings misses a localized "Gesendet" or "已发送".
func checkFolder(c *imapclient.Client, folder string) error {
	list, err := c.List("", folder, nil).Collect()
	if err != nil {
		return fmt.Errorf("list %q: %w", folder, err)
	}
	for _, l := range list {
		if slices.Contains(l.Attrs, imap.MailboxAttrSent) {
			return fmt.Errorf("%q: %w", folder, ErrSentFolder)
		}
	}
	return nil
}

func (p *MailboxPoller) poll(ctx context.Context, c *imapclient.Client, acct *desk.ChannelAccount, srv *desk.MailServer,
	folder string, st *desk.MailboxState, r *PollResult) error {
	log := p.log().With(slog.String("account", acct.ID), slog.String("folder", folder))
	if err := checkFolder(c, folder); err != nil {
		return err
	}
	sel, err := c.Select(folder, nil).Wait()
	if err != nil {
		return fmt.Errorf("select %q: %w", folder, err)
	}
	validity, last := sel.UIDValidity, st.LastUID
	if st.UIDValidity != 0 && st.UIDValidity != validity {
		// The server renumbered the folder (recreated, restored, migrated):
		// UIDs mean nothing now. Read it all again; Ingest's Message-ID
		// dedupe keeps what was stored from being stored twice.
		log.Warn("imap: UIDVALIDITY changed; reading the folder again", slog.Uint64("was", uint64(st.UIDValidity)),
			slog.Uint64("now", uint64(validity)))
		last, r.Reset = 0, true
	}
	r.UIDValidity, r.LastUID = validity, last
	advance := func(uid uint32) error {
		now := p.Now()
		err := p.Ingester.Desk.Store.Update(ctx, func(tx desk.Tx) error {
			return tx.AdvanceMailbox(ctx, acct.ID, folder, p.Claim, validity, uid, now, now.Add(p.Lease))
		})
		if err != nil {
			return fmt.Errorf("advance mailbox to %d: %w", uid, err)
		}
		r.LastUID = uid
		return nil
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= last+1) {
		return advance(last) // nothing new; records UIDVALIDITY
	}
	// A plain UID SEARCH (no ESEARCH, no \Seen): "n+1:*" also names the
	// highest message when it is below n+1, hence the filter.
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{{Start: imap.UID(last + 1), Stop: 0}}}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("uid search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > last {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	if len(uids) == 0 {
		return advance(last)
	}
	// The next batch is fetched while this one is stored.
	type fetchedBatch struct {
		items   []fetched
		skipped int
		err     error
	}
	batches := make(chan fetchedBatch, 1)
	fctx, stopFetch := context.WithCancel(ctx)
	defer stopFetch()
	go func() {
		defer close(batches)
		for len(uids) > 0 {
			n := min(p.Batch, len(uids))
			items, skipped, err := p.fetchBatch(c, log, uids[:n])
			uids = uids[n:]
			select {
			case batches <- fetchedBatch{items, skipped, err}:
			case <-fctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for fb := range batches {
		r.Skipped += fb.skipped
		n, err := p.ingest(ctx, log, acct, fb.items, r)
		if err == nil {
			err = fb.err // items are the mails fetched before a fetch failed
		}
		done := make([]imap.UID, 0, n)
		for _, it := range fb.items[:n] {
			done = append(done, it.uid)
		}
		if len(done) > 0 {
			if aerr := advance(uint32(done[len(done)-1])); aerr != nil {
				return errors.Join(err, aerr)
			}
			p.after(c, log, srv, done)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fetchBatch fetches the mails of uids (ascending): sizes first, so that no
// FETCH brings more than imapBatchBytes and an oversized mail is skipped
// without being read, then the bodies. Mails gone meanwhile or skipped
// come back marked gone; on a failure, the mails fetched before it.
func (p *MailboxPoller) fetchBatch(c *imapclient.Client, log *slog.Logger, uids []imap.UID) (items []fetched, skipped int, err error) {
	sizes, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, 0, fmt.Errorf("uid fetch sizes: %w", err)
	}
	size := make(map[imap.UID]int64, len(sizes))
	for _, m := range sizes {
		size[m.UID] = m.RFC822Size
	}
	for len(uids) > 0 {
		var part []imap.UID
		var total int64
		for len(uids) > 0 && (len(part) == 0 || total+size[uids[0]] <= imapBatchBytes) {
			part, total, uids = append(part, uids[0]), total+size[uids[0]], uids[1:]
		}
		var want []imap.UID
		for _, u := range part {
			if sz, ok := size[u]; ok && sz <= p.MaxBytes {
				want = append(want, u)
			}
		}
		bodies := map[imap.UID][]byte{}
		if len(want) > 0 {
			msgs, err := c.Fetch(imap.UIDSetNum(want...), &imap.FetchOptions{UID: true,
				BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
			if err != nil {
				return items, skipped, fmt.Errorf("uid fetch: %w", err)
			}
			for _, m := range msgs {
				if len(m.BodySection) > 0 {
					bodies[m.UID] = m.BodySection[0].Bytes
				}
			}
		}
		for _, u := range part {
			sz, listed := size[u]
			raw, ok := bodies[u]
			switch {
			case !listed:
				// Expunged since the search: nothing to store.
			case sz > p.MaxBytes:
				skipped++
				log.Warn("imap: mail over the size limit skipped", slog.Uint64("uid", uint64(u)), slog.Int64("size", sz))
			case !ok:
				// Listed with a size but no body came: expunged meanwhile.
			default:
				items = append(items, fetched{uid: u, raw: withMessageID(raw)})
				continue
			}
			items = append(items, fetched{uid: u, gone: true})
		}
	}
	return items, skipped, nil
}

// after marks processed mail as the settings say. A failure is logged and
// left: the watermark, not the flag, says what was processed.
func (p *MailboxPoller) after(c *imapclient.Client, log *slog.Logger, srv *desk.MailServer, uids []imap.UID) {
	set := imap.UIDSetNum(uids...)
	var err error
	switch srv.After {
	case "seen":
		err = c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
	case "move":
		_, err = c.Move(set, srv.MoveTo).Wait()
	default:
		return
	}
	if err != nil {
		log.Warn("imap: marking processed mail failed", slog.String("after", srv.After), slog.Any("err", err))
	}
}

// withMessageID gives a mail without a Message-ID one made from its bytes,
// so that the same mail fetched twice (a crash before the watermark moved,
// a UIDVALIDITY change, two nodes) is still found by Ingest's dedupe.
func withMessageID(raw []byte) []byte {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil || m.Header.Get("Message-Id") != "" {
		return raw
	}
	sum := sha256.Sum256(raw)
	return append([]byte("Message-ID: <"+hex.EncodeToString(sum[:16])+"@imap.ticketd.invalid>\r\n"), raw...)
}

// idleConn bounds every read and write: a server that goes silent fails
// the poll instead of holding it (and its lease) forever.
type idleConn struct{ net.Conn }

func (c idleConn) Read(b []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(imapIdle))
	return c.Conn.Read(b)
}

func (c idleConn) Write(b []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(imapIdle))
	return c.Conn.Write(b)
}
