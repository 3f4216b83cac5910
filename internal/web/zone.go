package web

import (
	"sync"
	"time"
)

// zones keeps the time zones pages were rendered in: time.LoadLocation
// reads and parses the zone's file on every call, once per page before.
var zones sync.Map // name → *time.Location

// zone is the named time zone, UTC when the name is unknown.
func zone(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC // not kept: a zone file installed later is read then
	}
	zones.Store(name, l)
	return l
}
