package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/ticketd/ticketd/internal/objectid"
)

// NewAttachment records an uploaded file (already stored by package files)
// with a fresh upload token; it joins a message when the token is named in
// NewMessage.Attachments, or a custom field via FieldKey.
func (s *Service) NewAttachment(ctx context.Context, ws string, a Attachment) (*Attachment, error) {
	now := s.now()
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	a.ID, a.WorkspaceID, a.CreatedAt = objectid.New(now), ws, now
	if a.Token == "" {
		a.Token = hex.EncodeToString(tok[:])
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.CreateAttachment(ctx, &a) }); err != nil {
		return nil, fmt.Errorf("record attachment %q: %w", a.FileName, err)
	}
	return &a, nil
}
