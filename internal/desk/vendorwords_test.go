package desk_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// vendorWords are the names of the vendors whose APIs the doors emulate,
// and of networks only one of those vendors speaks. The domain, the
// routing engine and the stores speak none of them (docs/domain.md): a
// value only one door uses lives in that door's meta.
var vendorWords = regexp.MustCompile(`(?i)post[ _-]?center|bangwo|one[ _-]?view|dolphin|\bqq\b|we[ _-]?chat|weixin`)

// vendorWordsAllowed are the files that may name a vendor, and why.
var vendorWordsAllowed = map[string]string{
	// Applied migrations are history, left as they ran: their comments
	// say which door asked for a table or index, and 0005 created the
	// column that migration 0018 moved into a door's meta.
	"store/sqlite/migrations/0002_routing.sql":         "history",
	"store/postgres/migrations/0002_routing.sql":       "history",
	"store/sqlite/migrations/0005_directory.sql":       "history",
	"store/postgres/migrations/0005_directory.sql":     "history",
	"store/sqlite/migrations/0012_ticket_counts.sql":   "history",
	"store/postgres/migrations/0012_ticket_counts.sql": "history",
	"store/sqlite/migrations/0018_door_meta.sql":       "moves the old columns into each door's meta",
	"store/postgres/migrations/0018_door_meta.sql":     "moves the old columns into each door's meta",
	"store/sqlstore/migrate_door_meta_test.go":         "checks 0018 put each value under its door's key",
	"desk/vendorwords_test.go":                         "this test names the words it looks for",
	// Migration 0015's Go step merges duplicate contacts in the schema as
	// it stood then, before 0018 moved the old profile column into meta.
	"store/sqlstore/merge_identities.go":      "migration 0015, history",
	"store/sqlstore/merge_identities_test.go": "checks 0015 then 0018 carried a merged value into its door's meta",
}

// TestNoVendorWords fails when the domain, routing or store source (Go and
// SQL, tests included) names a vendor outside vendorWordsAllowed.
func TestNoVendorWords(t *testing.T) {
	root := ".." // internal/
	seen := 0
	for _, dir := range []string{"desk", "routing", "store"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(path); ext != ".go" && ext != ".sql" {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			seen++
			if _, ok := vendorWordsAllowed[rel]; ok {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				if w := vendorWords.FindString(line); w != "" {
					t.Errorf("internal/%s:%d names %q: keep a vendor's words in its door (docs/domain.md)", rel, i+1, w)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen < 50 {
		t.Fatalf("scanned only %d files: is the walk rooted at internal/?", seen)
	}
	for rel := range vendorWordsAllowed {
		if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
			t.Errorf("allowlisted %s: %v (drop it from the list)", rel, err)
		}
	}
}
