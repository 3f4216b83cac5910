package desk

import (
	"context"
	"time"
)

// Flash is a one-time view of the desk (Post/Redirect/Get): what a POST
// answers once (an API token's secret, an invitation's link), kept
// between it and the GET it redirects to. Sealed is encrypted with a key
// only the browser's session cookie gives (internal/web), so the store
// never holds the secret in the clear.
type Flash struct {
	Hash        []byte // SHA-256 of the flash's id (in the GET's URL)
	SessionHash []byte // the session it belongs to
	Sealed      []byte
	ExpiresAt   time.Time
}

// FlashWriter keeps flashes inside Store.Update. Stores offer it beside
// SessionWriter; the desk UI asks for it by type assertion.
type FlashWriter interface {
	// PutFlash stores f and deletes flashes expired at now.
	PutFlash(ctx context.Context, f *Flash, now time.Time) error
	// TakeFlash deletes and answers the flash of this hash and session if
	// it is live at now; ErrNotFound otherwise (taken, expired, unknown).
	TakeFlash(ctx context.Context, hash, sessionHash []byte, now time.Time) (*Flash, error)
}
