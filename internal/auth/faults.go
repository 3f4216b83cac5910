package auth

import (
	"context"
	"sync"
)

// Faults collects, for one request, the store failures met while checking
// credentials. Doors read a failed check as "no principal"; the server
// installs Faults around each door so that such a request is answered as
// the store's fault (503 or 500), not as bad credentials.
type Faults struct {
	mu  sync.Mutex
	err error
}

type faultsKey struct{}

// WithFaults returns ctx carrying a fresh Faults.
func WithFaults(ctx context.Context) (context.Context, *Faults) {
	f := &Faults{}
	return context.WithValue(ctx, faultsKey{}, f), f
}

// Err is the first fault noted, or nil.
func (f *Faults) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// noteFault records err in ctx's Faults, if any.
func noteFault(ctx context.Context, err error) {
	f, _ := ctx.Value(faultsKey{}).(*Faults)
	if f == nil {
		return
	}
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}
