package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Languages are the languages the desk's pages speak, by the names
// <html lang> uses; a workspace's default language is one of them.
var Languages = []string{"en", "es", "zh-Hans", "id"}

// MaxWorkspaceName bounds a workspace's name.
const MaxWorkspaceName = 200

// WorkspacePatch changes a workspace: nil fields stay.
type WorkspacePatch struct {
	Name     *string
	Timezone *string // an IANA name
	// Language is the desk's language for agents who picked none ("" =
	// each browser's Accept-Language).
	Language *string
}

// UpdateWorkspace renames a workspace, moves it to another time zone or
// sets its default language. Tickets keep the SLA due times already
// stamped; new ones are placed in the new zone.
func (s *Service) UpdateWorkspace(ctx context.Context, ws string, p WorkspacePatch) (*Workspace, error) {
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		if n == "" {
			return nil, Required("name")
		}
		if len(n) > MaxWorkspaceName {
			return nil, TooLong("name", MaxWorkspaceName)
		}
		p.Name = &n
	}
	if p.Timezone != nil {
		tz := strings.TrimSpace(*p.Timezone)
		// LoadLocation takes "" and "Local" as the server's zone: neither
		// names a place.
		if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
			return nil, Invalid("timezone", CodeUnknown, Params{Value: tz})
		}
		p.Timezone = &tz
	}
	if p.Language != nil && *p.Language != "" {
		ok := false
		for _, l := range Languages {
			ok = ok || l == *p.Language
		}
		if !ok {
			return nil, OneOf("default_language", *p.Language, Languages...)
		}
	}
	var out *Workspace
	err := s.Store.Update(ctx, func(tx Tx) error {
		w, err := tx.LockWorkspace(ctx, ws)
		if err != nil {
			return err
		}
		if p.Name != nil {
			w.Name = *p.Name
		}
		if p.Timezone != nil {
			w.Timezone = *p.Timezone
		}
		if p.Name != nil || p.Timezone != nil {
			if err := tx.UpdateWorkspace(ctx, ws, w.Name, w.Timezone); err != nil {
				return err
			}
		}
		if p.Language != nil {
			w.Settings.Language = *p.Language
			if err := tx.UpdateWorkspaceSettings(ctx, ws, w.Settings); err != nil {
				return err
			}
		}
		out = w
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update workspace %s: %w", ws, err)
	}
	return out, nil
}
