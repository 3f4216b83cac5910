package desk

import (
	"context"
	"time"
)

// MailboxState is how far a polled mailbox (one folder of one e-mail
// account, polled over IMAP) has been read, and who is reading it now.
// UIDValidity and LastUID are the truth of "processed": a message whose
// UID is at most LastUID under the same UIDValidity was stored (or
// refused for good) and is never fetched again.
type MailboxState struct {
	AccountID    string
	Folder       string
	WorkspaceID  string
	UIDValidity  uint32
	LastUID      uint32
	ClaimedBy    string
	ClaimedUntil time.Time
	UpdatedAt    time.Time
}

// MailboxReader reads a mailbox's watermark, for tools and tests.
type MailboxReader interface {
	// Mailbox returns the state of account's folder, or an error wrapping
	// ErrNotFound when it was never polled.
	Mailbox(ctx context.Context, accountID, folder string) (*MailboxState, error)
}

// MailboxWriter leases and advances polled mailboxes. The lease makes one
// node at a time poll a mailbox; the claim token fences a node whose lease
// ran out from writing after another took over.
type MailboxWriter interface {
	// ClaimMailbox leases account's folder to claim until until when no
	// other claim holds it at now (creating its row on first use) and
	// returns its state; ok is false when another claim holds it.
	ClaimMailbox(ctx context.Context, ws, accountID, folder, claim string, now, until time.Time) (st *MailboxState, ok bool, err error)
	// AdvanceMailbox records uidValidity and lastUID (under an unchanged
	// UIDVALIDITY the stored watermark never goes back) and extends claim's
	// lease to until, if claim holds it or no lease is live at now; else it
	// returns an error wrapping ErrNotFound (claim's lease ran out and
	// another node holds the mailbox now).
	AdvanceMailbox(ctx context.Context, accountID, folder, claim string, uidValidity, lastUID uint32, now, until time.Time) error
	// ReleaseMailbox ends claim's lease, if it still holds it.
	ReleaseMailbox(ctx context.Context, accountID, folder, claim string) error
}
