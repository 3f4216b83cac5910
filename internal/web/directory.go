package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/ticketd/ticketd/internal/desk"
)

// The directory: what pages show beside the tickets (the workspace, its
// agents, groups, ticket field definitions, each agent's macros and saved
// replies). A ticket page read all of it per request, seven queries that
// were a fifth of the page's CPU at 1,000,000 tickets, though it changes
// seldom.
// Triggers bump a workspace's directory version on every write to those
// tables (migration 0035), so a request reads the version (one row) and
// reuses what was read at that version: nothing goes stale, on one node or
// many, as with the view counts (counts.go).

// maxDirectories bounds the cache: one entry per workspace.
const maxDirectories = 1024

// directory is one workspace's lists at one version; callers must not
// modify them.
type directory struct {
	version int64
	ws      *desk.Workspace
	agents  []desk.Agent // every agent, as Store.Agents lists them
	byID    map[string]*desk.Agent
	// humans are the agents but bots, assignable (active) those of them
	// not deactivated, and names every agent's and group's name by id:
	// what the ticket page and the bulk bar show, made once per version
	// (read-only, like the rest).
	humans, assignable []desk.Agent
	names              map[string]string
	groups             []desk.Group
	fields             []desk.FieldDef // ticket fields
	// policies are the SLA policies (the ticket page's clocks).
	policies []desk.SLAPolicy

	mu      sync.Mutex // guards the per-caller lists
	macros  map[string][]desk.Macro
	replies map[string][]desk.SavedReply
}

type directories struct {
	mu   sync.Mutex
	byWS map[string]*dirSlot
}

// dirSlot holds a workspace's current directory; load serializes reloads
// so that a change read by many requests at once is loaded once.
type dirSlot struct {
	load sync.Mutex
	cur  *directory
}

func (ds *directories) slot(ws string) *dirSlot {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.byWS == nil {
		ds.byWS = map[string]*dirSlot{}
	}
	s := ds.byWS[ws]
	if s == nil {
		if len(ds.byWS) >= maxDirectories {
			clear(ds.byWS)
		}
		s = &dirSlot{}
		ds.byWS[ws] = s
	}
	return s
}

// dir returns the directory of v's workspace as of this request: read once
// per request (kept on v with the contacts version read beside it), read
// from the store only when the version moved.
func (w *Web) dir(ctx context.Context, v *visit) (*directory, error) {
	if v.dir != nil {
		return v.dir, nil
	}
	d, ver, err := w.dirOf(ctx, v.ws.ID)
	if err != nil {
		return nil, err
	}
	v.dir, v.contactsVersion = d, ver.Contacts
	return d, nil
}

// dirOf returns workspace ws's directory, read from the store only when
// its version moved, and the versions it read (the contacts version is
// for contactcache.go: one row serves both).
func (w *Web) dirOf(ctx context.Context, ws string) (*directory, desk.DirectoryVersion, error) {
	st := w.cfg.Desk.Store
	ver, err := st.DirectoryVersion(ctx, ws)
	if err != nil {
		return nil, ver, fmt.Errorf("directory: %w", err)
	}
	d, err := w.loadDir(ctx, ws, ver.Directory)
	return d, ver, err
}

// loadDir returns ws's directory at version ver or later.
func (w *Web) loadDir(ctx context.Context, ws string, ver int64) (*directory, error) {
	st := w.cfg.Desk.Store
	s := w.dirs.slot(ws)
	s.load.Lock()
	defer s.load.Unlock()
	if d := s.cur; d != nil && d.version >= ver {
		return d, nil
	}
	var err error
	// Read after the version: the lists hold every write up to it (maybe
	// later ones too, which the next version's readers read again).
	d := &directory{version: ver, macros: map[string][]desk.Macro{}, replies: map[string][]desk.SavedReply{}}
	if d.ws, err = st.Workspace(ctx, ws); err != nil {
		return nil, fmt.Errorf("directory workspace: %w", err)
	}
	if d.agents, err = st.Agents(ctx, ws, desk.AgentFilter{}); err != nil {
		return nil, fmt.Errorf("directory agents: %w", err)
	}
	if d.groups, err = st.Groups(ctx, ws); err != nil {
		return nil, fmt.Errorf("directory groups: %w", err)
	}
	if d.fields, err = st.FieldDefs(ctx, ws, "ticket"); err != nil {
		return nil, fmt.Errorf("directory fields: %w", err)
	}
	if d.policies, err = st.SLAPolicies(ctx, ws); err != nil {
		return nil, fmt.Errorf("directory SLA policies: %w", err)
	}
	d.byID = make(map[string]*desk.Agent, len(d.agents))
	d.names = make(map[string]string, len(d.agents)+len(d.groups))
	for i := range d.agents {
		a := &d.agents[i]
		d.byID[a.ID], d.names[a.ID] = a, a.Name
		if a.Role != desk.RoleBot {
			d.humans = append(d.humans, *a)
			if a.Active() {
				d.assignable = append(d.assignable, *a)
			}
		}
	}
	for _, g := range d.groups {
		d.names[g.ID] = g.Name
	}
	s.cur = d
	return d, nil
}

// callerKey names what desk's answer for a caller depends on besides the
// directory: who and in what role (a role change also moves the version).
func callerKey(v *visit) string {
	c := v.caller()
	return c.AgentID + "|" + string(c.Role)
}

// macrosFor is desk's list of the macros v's agent may apply, kept with
// the directory.
func (d *directory) macrosFor(ctx context.Context, w *Web, v *visit) ([]desk.Macro, error) {
	k := callerKey(v)
	d.mu.Lock()
	defer d.mu.Unlock()
	if ms, ok := d.macros[k]; ok {
		return ms, nil
	}
	ms, err := w.cfg.Desk.Macros(ctx, v.ws.ID, *v.caller(), "", desk.MaxMacros)
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	ms = desk.ShadowShortcuts(ms) // the page binds each key once
	d.macros[k] = ms
	return ms, nil
}

// repliesFor is desk's list of the saved replies v's agent may use, kept
// with the directory.
func (d *directory) repliesFor(ctx context.Context, w *Web, v *visit) ([]desk.SavedReply, error) {
	k := callerKey(v)
	d.mu.Lock()
	defer d.mu.Unlock()
	if rs, ok := d.replies[k]; ok {
		return rs, nil
	}
	rs, err := w.cfg.Desk.SavedReplies(ctx, v.ws.ID, *v.caller(), "", maxReplies)
	if err != nil {
		return nil, fmt.Errorf("saved replies: %w", err)
	}
	d.replies[k] = rs
	return rs, nil
}
