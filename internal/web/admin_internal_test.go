package web

import (
	"slices"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
)

// A workspace's default language (desk) must be one the desk speaks.
func TestWorkspaceLanguagesAreTheDesks(t *testing.T) {
	if !slices.Equal(Languages, desk.Languages) {
		t.Fatalf("web speaks %v, desk accepts %v as a workspace's default", Languages, desk.Languages)
	}
}
