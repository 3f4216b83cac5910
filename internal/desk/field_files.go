package desk

import (
	"context"
	"slices"
)

// bindFieldFiles binds each field's uploads to t inside the caller's
// transaction, fields in key order so a refusal names the same field on
// every run.
func (s *Service) bindFieldFiles(ctx context.Context, tx Tx, t *Ticket, files map[string][]string) error {
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := s.BindFieldAttachments(ctx, tx, t, k, files[k]); err != nil {
			return err
		}
	}
	return nil
}
