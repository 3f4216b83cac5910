package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/internal/desk"
)

// fetched is one mail of a batch, in UID order.
type fetched struct {
	uid  imap.UID
	raw  []byte
	gone bool // expunged or skipped: processed with nothing to store
}

type outcome struct {
	res *Result
	err error
}

var angleIDs = regexp.MustCompile(`<[^<>\s]+>`)

// conversationKeys gives each mail the key of the worker that stores it:
// its sender, unless it answers (In-Reply-To, References) a mail earlier
// in the batch, whose key it then takes. So a conversation's mails are
// stored in UID order, one after the other, and a reply finds the mail it
// answers already stored; unrelated mails go in parallel.
func conversationKeys(items []fetched) []string {
	keys := make([]string, len(items))
	byID := map[string]string{}
	for i, it := range items {
		if it.gone {
			continue
		}
		m, err := mail.ReadMessage(bytes.NewReader(it.raw))
		if err != nil {
			keys[i] = "" // unreadable: the worker of "" stores it (and Ingest says why not)
			continue
		}
		key := ""
		if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
			key = strings.ToLower(a.Address)
		} else {
			key = strings.ToLower(strings.TrimSpace(m.Header.Get("From")))
		}
		for _, id := range angleIDs.FindAllString(m.Header.Get("In-Reply-To")+" "+m.Header.Get("References"), 40) {
			if k, ok := byID[id]; ok {
				key = k
				break
			}
		}
		if id := angleIDs.FindString(m.Header.Get("Message-Id")); id != "" {
			byID[id] = key
		}
		keys[i] = key
	}
	return keys
}

// ingest stores items with p.Workers workers and returns how many of them,
// from the first, are processed — stored, duplicates, gone, or refused for
// good — and the first transient failure. Mails after a failure may be
// stored too; the next poll fetches them again and finds them by
// Message-ID.
func (p *MailboxPoller) ingest(ctx context.Context, log *slog.Logger, acct *desk.ChannelAccount, items []fetched, r *PollResult) (int, error) {
	keys := conversationKeys(items)
	queues := make([][]int, p.Workers)
	for i, it := range items {
		if it.gone {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(keys[i]))
		w := int(h.Sum32() % uint32(p.Workers))
		queues[w] = append(queues[w], i)
	}
	out := make([]outcome, len(items))
	var wg sync.WaitGroup
	for _, q := range queues {
		if len(q) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range q {
				res, err := p.Ingester.Ingest(ctx, acct, items[i].raw)
				out[i] = outcome{res, err}
				if err != nil && !permanent(err) {
					return // the rest of this conversation waits for the next poll
				}
			}
		}()
	}
	wg.Wait()
	for i, it := range items {
		if it.gone {
			continue
		}
		o := out[i]
		r.Fetched++
		switch {
		case o.err == nil && o.res == nil:
			return i, fmt.Errorf("ingest uid %d: not attempted after an earlier failure", it.uid)
		case o.err == nil:
			if o.res.Outcome == Duplicate {
				r.Duplicates++
			} else {
				r.Stored++
			}
		case permanent(o.err):
			// Never storable: one poison mail must not block the mailbox.
			r.Skipped++
			log.Warn("imap: mail refused, skipped", slog.Uint64("uid", uint64(it.uid)), slog.Any("err", o.err))
		default:
			return i, fmt.Errorf("ingest uid %d: %w", it.uid, o.err)
		}
	}
	return len(items), nil
}

// permanent reports whether Ingest refused a mail for good.
func permanent(err error) bool {
	return errors.Is(err, ErrNotMail) || errors.Is(err, desk.ErrInvalid)
}
