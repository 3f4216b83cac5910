package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ownText are the places in the doors that may read an error's text, each
// with why: the text is the door's own parser's (or the standard library's,
// which has no typed error for it), never desk's. Desk's refusals are typed
// (desk.FieldError) and doors render them from field, code and params.
var ownText = map[string]string{
	"api/respond.go decode":             "DecodeJSON's own messages",
	"api/respond.go DecodeJSON":         "encoding/json has no typed error for an unknown field",
	"api/routing.go decodeOptional":     "DecodeJSON's own messages",
	"api/routing.go queue":              "DecodeQueueCursor's own message",
	"api/tickets.go ticketFilter":       "DecodeCursor's and ParseInstant's own messages",
	"api/search.go searchTickets":       "the search parser's message beside its position, and the cursor decoder's",
	"server/doors.go readBody":          "bodytext's problem, which names the field itself",
	"dialect/dolphins/respond.go Error": "the door's own error type",
}

// TestDoorsDoNotReadErrorText fails when a door builds an answer from an
// error's text outside ownText: no err.Error() and no function that cuts
// a sentinel's words out of a message (the deskMessage, userMessage and
// cleanMsg this project had).
func TestDoorsDoNotReadErrorText(t *testing.T) {
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, dir := range []string{"../api", "../dialect", "."} {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			rel := strings.TrimPrefix(filepath.ToSlash(path), "../")
			if dir == "." {
				rel = "server/" + rel
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				switch fn.Name.Name {
				case "deskMessage", "userMessage", "cleanMsg":
					t.Errorf("%s: %s slices error text", fset.Position(fn.Pos()), fn.Name.Name)
				}
				key := rel + " " + fn.Name.Name
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || len(call.Args) != 0 {
						return true
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
						if _, ok := ownText[key]; !ok {
							t.Errorf("%s: %s reads an error's text (.Error()); render desk errors from their field and code", fset.Position(call.Pos()), key)
						}
						seen[key] = true
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for key := range ownText {
		if !seen[key] {
			t.Errorf("ownText lists %q, which reads no error text any more: drop it", key)
		}
	}
}
