package api_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestUploads: a file uploaded (multipart or raw) gives a token that
// attaches it to a reply; the message lists it with its download URL; the
// download is always an attachment with nosniff, even for HTML; who may
// not see the ticket cannot fetch it; an oversized file is 413 and leaves
// nothing.
func TestUploads(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := servertest.NewWith(t, open(t), func(d *server.Deps) { d.Files.MaxSize = 64 << 10 })
		tok := e.AdminToken
		_, bo := e.Agent(desk.NewAgent{Name: "Bo", Email: "bo@acme.test"})
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		_ = mw.WriteField("note", "ignored")
		fw, _ := mw.CreateFormFile("file", "page.html")
		_, _ = fw.Write([]byte("<html><script>alert(1)</script></html>"))
		mw.Close()
		up := e.Do("POST", "/api/v1/uploads", mp.Bytes(), servertest.Bearer(tok), "Content-Type: "+mw.FormDataContentType())
		if up.Status != 201 {
			t.Fatalf("multipart upload: %d %s", up.Status, up.Body)
		}
		html := up.Map(t)
		raw := e.Do("POST", "/api/v1/uploads?filename=r%C3%A9sum%C3%A9.txt", "plain words", servertest.Bearer(tok), "Content-Type: application/octet-stream")
		if raw.Status != 201 || !strings.Contains(string(raw.Body), `"file_name":"résumé.txt"`) || !strings.Contains(string(raw.Body), `"size":11`) {
			t.Fatalf("raw upload: %d %s", raw.Status, raw.Body)
		}
		txt := raw.Map(t)

		// Unattached: the uploader's token holds it; agents cannot fetch by id.
		scenario{name: "unattached, agent", method: "GET", path: html["url"].(string), token: bo, status: 404}.run(t, e)
		tk := scenario{name: "ticket", method: "POST", path: "/api/v1/tickets", token: tok, status: 201,
			body: map[string]any{"subject": "files", "assignee_id": e.Admin.ID}}.run(t, e).Map(t)
		id := tk["id"].(string)
		scenario{name: "reply with files", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 201,
			body: map[string]any{"text": "see attached", "attachments": []string{html["token"].(string), txt["token"].(string)}},
			want: []string{`"file_name":"page.html"`, `"url":"/api/v1/attachments/` + txt["id"].(string) + `"`}}.run(t, e)
		scenario{name: "token used once", method: "POST", path: "/api/v1/tickets/" + id + "/messages", token: tok, status: 422,
			body: map[string]any{"text": "again", "attachments": []string{txt["token"].(string)}}, want: []string{`"rule":"in_use"`}}.run(t, e)

		dl := e.Do("GET", html["url"].(string), nil, servertest.Bearer(bo))
		if dl.Status != 200 || string(dl.Body) != "<html><script>alert(1)</script></html>" {
			t.Fatalf("download: %d %s", dl.Status, dl.Body)
		}
		if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if dl.Header.Get("X-Content-Type-Options") != "nosniff" || strings.Contains(dl.Header.Get("Content-Type"), "html") {
			t.Errorf("download headers %v", dl.Header)
		}
		// Hidden from agents who may see only their own tickets.
		scenario{name: "own only", method: "PATCH", path: "/api/v1/workspace/settings", token: tok, body: map[string]any{"ticket_access": "own"}, status: 200}.run(t, e)
		scenario{name: "hidden ticket's file", method: "GET", path: html["url"].(string), token: bo, status: 404}.run(t, e)
		scenario{name: "unknown", method: "GET", path: "/api/v1/attachments/000000000000000000000000", token: tok, status: 404}.run(t, e)

		// Limits and bad input.
		big := strings.Repeat("x", 65<<10)
		if r := e.Do("POST", "/api/v1/uploads?filename=big.bin", big, servertest.Bearer(tok), "Content-Type: application/octet-stream"); r.Status != 413 ||
			!strings.Contains(string(r.Body), `"code":"too_large"`) {
			t.Fatalf("oversized: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/uploads", "x", servertest.Bearer(tok), "Content-Type: application/octet-stream"); r.Status != 422 ||
			!strings.Contains(string(r.Body), `"field":"filename"`) {
			t.Fatalf("no filename: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/uploads?filename=a", "", servertest.Bearer(tok), "Content-Type: application/octet-stream"); r.Status != 422 {
			t.Fatalf("empty file: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/uploads?filename=a", "x"); r.Status != 401 {
			t.Fatalf("no token: %d", r.Status)
		}
	})
}
