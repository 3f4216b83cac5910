package web

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// TestContactSlot plays requests against one workspace's cache: each step
// a lookup at the version its request read, then a put of what it read.
func TestContactSlot(t *testing.T) {
	ana, bea := contactLine{number: 1, name: "Ana"}, contactLine{number: 2, name: "Bea"}
	type step struct {
		ver       int64
		lookup    []string
		want      []string // ids found
		putVer    int64    // 0: no put
		put       map[string]contactLine
		wantAfter []string // ids cached after the step, sorted
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a miss is read and kept", []step{
			{ver: 1, lookup: []string{"a"}, putVer: 1, put: map[string]contactLine{"a": ana}, wantAfter: []string{"a"}},
			{ver: 1, lookup: []string{"a", "b"}, want: []string{"a"}, putVer: 1, put: map[string]contactLine{"b": bea}, wantAfter: []string{"a", "b"}},
			{ver: 1, lookup: []string{"a", "b"}, want: []string{"a", "b"}, wantAfter: []string{"a", "b"}},
		}},
		{"an id not found is not kept", []step{
			{ver: 1, lookup: []string{"a", "gone"}, putVer: 1, put: map[string]contactLine{"a": ana}, wantAfter: []string{"a"}},
			{ver: 1, lookup: []string{"gone"}, wantAfter: []string{"a"}},
		}},
		{"a newer version empties the cache", []step{
			{ver: 1, lookup: []string{"a"}, putVer: 1, put: map[string]contactLine{"a": ana}, wantAfter: []string{"a"}},
			{ver: 2, lookup: []string{"a"}},
		}},
		{"rows read under an older version are not kept under a newer one", []step{
			{ver: 1, lookup: []string{"a"}}, // this request reads a at 1…
			{ver: 2, lookup: []string{"b"}}, // …another reads version 2 meanwhile
			{ver: 2, putVer: 1, put: map[string]contactLine{"a": ana}},
			{ver: 2, lookup: []string{"a"}},
		}},
		{"an older reader uses the newer cache but does not fill it", []step{
			{ver: 3, lookup: []string{"a"}, putVer: 3, put: map[string]contactLine{"a": ana}, wantAfter: []string{"a"}},
			{ver: 2, lookup: []string{"a", "b"}, want: []string{"a"}, putVer: 2, put: map[string]contactLine{"b": bea}, wantAfter: []string{"a"}},
		}},
		{"a put under a newer version than the cache's is dropped", []step{
			{ver: 1, lookup: []string{"a"}, putVer: 1, put: map[string]contactLine{"a": ana}, wantAfter: []string{"a"}},
			{ver: 1, putVer: 2, put: map[string]contactLine{"b": bea}, wantAfter: []string{"a"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s contactSlot
			for i, st := range tt.steps {
				if st.lookup != nil {
					out := map[string]contactLine{}
					missing := s.lookup(st.ver, st.lookup, out)
					if got := slices.Sorted(maps.Keys(out)); !slices.Equal(got, st.want) {
						t.Fatalf("step %d: found %v, want %v", i, got, st.want)
					}
					if len(missing)+len(out) != len(st.lookup) {
						t.Fatalf("step %d: %d missing and %d found of %d", i, len(missing), len(out), len(st.lookup))
					}
					for id, l := range out {
						if l != map[string]contactLine{"a": ana, "b": bea}[id] {
							t.Fatalf("step %d: %s is %+v", i, id, l)
						}
					}
				}
				if st.putVer != 0 {
					s.put(st.putVer, st.put)
				}
				if got := slices.Sorted(maps.Keys(s.byID)); !slices.Equal(got, st.wantAfter) {
					t.Fatalf("step %d: cached %v, want %v", i, got, st.wantAfter)
				}
			}
		})
	}
}

// TestContactCacheBounds: a full workspace cache is emptied before it
// grows past maxCachedContacts, the set of workspaces before it grows
// past maxDirectories.
func TestContactCacheBounds(t *testing.T) {
	var s contactSlot
	s.lookup(1, nil, nil)
	batch := func(from, n int) map[string]contactLine {
		m := make(map[string]contactLine, n)
		for i := from; i < from+n; i++ {
			m[fmt.Sprint(i)] = contactLine{number: int64(i)}
		}
		return m
	}
	for i := 0; i < maxCachedContacts; i += 25 {
		s.put(1, batch(i, 25))
	}
	if len(s.byID) != maxCachedContacts {
		t.Fatalf("%d cached, want %d", len(s.byID), maxCachedContacts)
	}
	s.put(1, batch(maxCachedContacts, 25))
	if len(s.byID) != 25 {
		t.Fatalf("%d cached after the cache was full, want the 25 new", len(s.byID))
	}
	if _, ok := s.byID[fmt.Sprint(maxCachedContacts)]; !ok {
		t.Fatal("the newest contact is not kept")
	}

	var cc contactCache
	first := cc.slot("ws-0")
	if cc.slot("ws-0") != first {
		t.Fatal("a workspace's slot changed")
	}
	for i := 1; i < maxDirectories; i++ {
		cc.slot(fmt.Sprintf("ws-%d", i))
	}
	if len(cc.byWS) != maxDirectories {
		t.Fatalf("%d workspaces, want %d", len(cc.byWS), maxDirectories)
	}
	cc.slot("one more")
	if len(cc.byWS) != 1 {
		t.Fatalf("%d workspaces after the cache was full, want 1", len(cc.byWS))
	}
}

func TestContactLineLabel(t *testing.T) {
	for _, tt := range []struct {
		c    desk.Contact
		want string
	}{
		{desk.Contact{Number: 7, Name: "Ana", Email: "ana@x.test", Phone: "+1"}, "Ana"},
		{desk.Contact{Number: 7, Email: "ana@x.test", Phone: "+1"}, "ana@x.test"},
		{desk.Contact{Number: 7, Phone: "+1"}, "+1"},
		{desk.Contact{Number: 7}, "#7"},
	} {
		if got := contactName(&tt.c); got != tt.want {
			t.Errorf("contactName(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}
