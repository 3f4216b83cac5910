package email

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/smtp"
	"strconv"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// Relay connections are kept between messages: a TCP connect, TLS
// handshake and AUTH per message cost more than the message on a local
// relay, and a relay that sees hundreds of connections a second may
// throttle them. A connection is reused only for the same relay and
// credentials, after a RSET it answers (a relay that dropped it meanwhile
// costs one failed RSET and a fresh dial, not a failed send).
const (
	// relayIdle is how long an idle connection is kept: below the few
	// minutes relays wait before closing an idle session (RFC 5321 asks
	// for 5).
	relayIdle = 30 * time.Second
	// relayMaxIdle bounds idle connections per relay and account: the
	// outbox's sends in flight.
	relayMaxIdle = 8
	// relayMaxUses ends a connection after this many messages: some
	// relays cap messages per session.
	relayMaxUses = 100
)

// relaySession is one authenticated SMTP connection to a relay.
type relaySession struct {
	key    string
	conn   net.Conn
	c      *smtp.Client
	uses   int
	idleAt time.Time
}

func (rs *relaySession) close() {
	_ = rs.c.Close()
	_ = rs.conn.Close()
}

// quit ends a session politely, bounded: the relay may be gone.
func (rs *relaySession) quit() {
	_ = rs.conn.SetDeadline(time.Now().Add(2 * time.Second))
	_ = rs.c.Quit()
	rs.close()
}

// relayKey names a relay and the credentials of a session on it. The
// password is hashed so the map holds no secret.
func relayKey(srv *desk.MailServer) string {
	h := sha256.Sum256([]byte(srv.Password))
	return srv.TLS + "|" + srv.Host + "|" + strconv.Itoa(srv.Port) + "|" + srv.Username + "|" + hex.EncodeToString(h[:8])
}

// relayPool holds idle sessions by relayKey; its zero value is ready.
type relayPool struct {
	mu   sync.Mutex
	idle map[string][]*relaySession
}

// get returns a live idle session for srv, or nil (dial one). Sessions
// that idled too long, served their share, or do not answer RSET are
// closed on the way.
func (p *relayPool) get(ctx context.Context, srv *desk.MailServer) (*relaySession, error) {
	key := relayKey(srv)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.mu.Lock()
		list := p.idle[key]
		if len(list) == 0 {
			p.mu.Unlock()
			return nil, nil
		}
		rs := list[len(list)-1]
		p.idle[key] = list[:len(list)-1]
		p.mu.Unlock()
		if time.Since(rs.idleAt) > relayIdle || rs.uses >= relayMaxUses {
			go rs.quit()
			continue
		}
		deadline := time.Now().Add(5 * time.Second)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = rs.conn.SetDeadline(deadline)
		if err := rs.c.Reset(); err != nil {
			rs.close() // gone or confused: dial afresh
			continue
		}
		return rs, nil
	}
}

// put keeps rs for the next message, and closes sessions that idled past
// relayIdle (of any relay) so none lingers half-closed.
func (p *relayPool) put(rs *relaySession) {
	now := time.Now()
	rs.idleAt = now
	_ = rs.conn.SetDeadline(time.Time{})
	var stale []*relaySession
	p.mu.Lock()
	if p.idle == nil {
		p.idle = map[string][]*relaySession{}
	}
	for k, list := range p.idle {
		keep := list[:0]
		for _, s := range list {
			if now.Sub(s.idleAt) > relayIdle {
				stale = append(stale, s)
			} else {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			delete(p.idle, k)
		} else {
			p.idle[k] = keep
		}
	}
	if rs.uses < relayMaxUses && len(p.idle[rs.key]) < relayMaxIdle {
		p.idle[rs.key] = append(p.idle[rs.key], rs)
		rs = nil
	}
	p.mu.Unlock()
	if rs != nil {
		stale = append(stale, rs)
	}
	for _, s := range stale {
		go s.quit()
	}
}

// Close ends every idle relay connection (QUIT). Sends may go on after
// it; they dial again.
func (s *Sender) Close() {
	s.pool.mu.Lock()
	idle := s.pool.idle
	s.pool.idle = nil
	s.pool.mu.Unlock()
	for _, list := range idle {
		for _, rs := range list {
			rs.quit()
		}
	}
}
