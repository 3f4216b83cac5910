package web

import (
	"strconv"
	"sync"

	"github.com/ticketd/ticketd/internal/desk"
)

// Contacts' names in lists. A list page names up to PageSize contacts;
// reading them was one IN query per page, 28% of the inbox page's CPU at
// 1,000,000 tickets on SQLite, though contacts seldom change.
// Triggers bump a workspace's contacts version when a contact's name,
// e-mail, phone or number changes or a contact is deleted (migration 0036);
// a request reads it with the directory version (dirOf, the same row) and
// reuses the names read at that version. A new contact moves nothing: its
// id is in no cache, so the first page that shows it reads it.

// maxCachedContacts bounds one workspace's names; the workspaces are
// bounded by maxDirectories. A full cache is emptied: simple, and never
// wrong.
const maxCachedContacts = 20000

// contactLine is what a list shows of a contact: contactName's inputs.
type contactLine struct {
	number             int64
	name, email, phone string
}

func lineOf(c *desk.Contact) contactLine {
	return contactLine{number: c.Number, name: c.Name, email: c.Email, phone: c.Phone}
}

// label names the contact in a list: its name, else its e-mail, else its
// phone, else its number.
func (l contactLine) label() string {
	switch {
	case l.name != "":
		return l.name
	case l.email != "":
		return l.email
	case l.phone != "":
		return l.phone
	}
	return "#" + strconv.FormatInt(l.number, 10)
}

type contactCache struct {
	mu   sync.Mutex
	byWS map[string]*contactSlot
}

// contactSlot is one workspace's cached contacts, each read from the store
// after version was read.
type contactSlot struct {
	mu      sync.Mutex
	version int64
	byID    map[string]contactLine
}

func (cc *contactCache) slot(ws string) *contactSlot {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.byWS == nil {
		cc.byWS = map[string]*contactSlot{}
	}
	s := cc.byWS[ws]
	if s == nil {
		if len(cc.byWS) >= maxDirectories {
			clear(cc.byWS)
		}
		s = &contactSlot{}
		cc.byWS[ws] = s
	}
	return s
}

// lookup adds to out the cached contacts of ids for a request that read
// version ver, and returns the ids it lacks. A newer version than the
// cache's empties it first. A request that read an older version than the
// cache's may still use it: what it finds is newer than its version, as a
// store read made now would be.
func (s *contactSlot) lookup(ver int64, ids []string, out map[string]contactLine) (missing []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ver > s.version {
		s.version, s.byID = ver, nil
	}
	for _, id := range ids {
		if l, ok := s.byID[id]; ok {
			out[id] = l
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// put keeps found only while the cache is still at version ver, the one
// the request read before it read found from the store. Read after ver,
// the rows hold every change up to ver, so they serve ver's readers. A
// cache already at a newer ver' (another request read it meanwhile) must
// not take them: the change that made ver' may have committed after they
// were read. (The request's lookup moved the cache to ver at least, and a
// cache's version never goes back.)
// The caller passes only contacts it found: a miss is never kept, so an id
// not found yet can never hide its contact later.
func (s *contactSlot) put(ver int64, found map[string]contactLine) {
	if len(found) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.version != ver {
		return
	}
	if len(s.byID)+len(found) > maxCachedContacts {
		s.byID = nil
	}
	if s.byID == nil {
		s.byID = make(map[string]contactLine, len(found))
	}
	for id, l := range found {
		s.byID[id] = l
	}
}
