package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// door uploads and serves files through every door that does.
type door struct {
	e *servertest.Env
}

// bangwo8Upload uploads raw bytes and returns the attachment's filePath and token.
func (d door) bangwo8Upload(t *testing.T, name string, data []byte) (filePath, token string) {
	t.Helper()
	res := d.e.Do("POST", "/bangwo8/api/v1/attachments.json?fileName="+name, data, servertest.Bearer(d.e.AdminToken))
	if res.Status != http.StatusCreated {
		t.Fatalf("bangwo8 upload %s: %d %s", name, res.Status, res.Body)
	}
	var out struct {
		Attachment struct{ FilePath, Token string }
	}
	res.JSON(t, &out)
	return out.Attachment.FilePath, out.Attachment.Token
}

// dolphinsUpload uploads a multipart file and returns its URL.
func (d door) dolphinsUpload(t *testing.T, name string, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(data)
	_ = mw.Close()
	res := d.e.Do("POST", "/dolphin/apiv1/graph/tickets/files", b.Bytes(), servertest.Bearer(d.e.AdminToken),
		"Content-Type: "+mw.FormDataContentType())
	var out struct{ Data string }
	res.JSON(t, &out)
	if res.Status != http.StatusOK || out.Data == "" {
		t.Fatalf("3dolphins upload %s: %d %s", name, res.Status, res.Body)
	}
	return out.Data
}

// postcenterMedia binds the Bangwo8 upload tok to a new message and
// returns the PostCenter media path of the attachment.
func (d door) postcenterMedia(t *testing.T, tok string) string {
	t.Helper()
	ctx := context.Background()
	ws := d.e.Workspace.ID
	tk, err := d.e.Deps.Desk.CreateTicket(ctx, ws, desk.System, desk.NewTicket{Subject: "files", Message: &desk.NewMessage{Text: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.e.Deps.Desk.AddMessage(ctx, ws, tk.ID, desk.NewMessage{Text: "see file",
		Author: desk.Actor{Kind: desk.ActorAgent, ID: d.e.Admin.ID}, Attachments: []string{tok}}); err != nil {
		t.Fatal(err)
	}
	a, err := d.e.Store.AttachmentByToken(ctx, ws, tok)
	if err != nil {
		t.Fatal(err)
	}
	return "/postcenter/v2/media/" + a.ID + "/"
}

// get fetches path (a full URL of any node, or a path) from node e.
func get(t *testing.T, e *servertest.Env, link string, headers ...string) *servertest.Response {
	t.Helper()
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		link = u.RequestURI()
	}
	res := e.Do("GET", link, nil, headers...)
	if res.Status != http.StatusOK && res.Status != http.StatusPartialContent {
		t.Fatalf("GET %s: %d %s", link, res.Status, res.Body)
	}
	return res
}

// TestFilesAcrossNodes uploads through one node and downloads through
// another, both over one PostgreSQL database: every door's files are read
// from the database, not from the node that took the upload.
func TestFilesAcrossNodes(t *testing.T) {
	dsn := storetest.FreshSchemaURL(t)
	var stores []desk.Store
	for i := 0; i < 2; i++ {
		st, err := postgres.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Fatalf("open node %d: %v", i, err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	a := servertest.New(t, stores[0])
	b := a.Node(t, stores[1])
	data := make([]byte, 1<<20+12345) // several chunks, the last one partial
	_, _ = rand.Read(data)
	auth := servertest.Bearer(a.AdminToken)

	filePath, tok := door{a}.bangwo8Upload(t, "big.bin", data)
	if got := get(t, b, filePath); !bytes.Equal(got.Body, data) {
		t.Fatalf("Bangwo8: node b served %d bytes, want the %d uploaded to node a", len(got.Body), len(data))
	}
	media := door{a}.postcenterMedia(t, tok)
	if got := get(t, b, media, "Authorization: Key "+a.AdminToken); !bytes.Equal(got.Body, data) {
		t.Fatalf("PostCenter: node b served %d bytes", len(got.Body))
	}
	fileURL := door{b}.dolphinsUpload(t, "big.bin", data)
	if got := get(t, a, fileURL, auth); !bytes.Equal(got.Body, data) {
		t.Fatalf("3Dolphins: node a served %d bytes of node b's upload", len(got.Body))
	}
	// A range across a chunk boundary.
	got := get(t, b, fileURL, auth, "Range: bytes=262000-263000")
	if got.Status != http.StatusPartialContent || !bytes.Equal(got.Body, data[262000:263001]) {
		t.Fatalf("range: %d, %d bytes", got.Status, len(got.Body))
	}
}

// TestHostileUploads: an uploaded page or SVG never renders in a browser,
// through any door that serves files; raster images stay inline where the
// vendor shows media in a conversation (Bangwo8's filePath, PostCenter's
// media), still with nosniff.
func TestHostileUploads(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 300)...)
	hostile := map[string]string{
		"page.html":    "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
		"cute.png":     "<html><body onload=alert(1)>",
		"logo.svg":     `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`,
		"prolog.svg":   `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"报告 \"q\".htm": "<html><iframe src=javascript:alert(1)>",
	}
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		d := door{e}
		auth := servertest.Bearer(e.AdminToken)
		check := func(via, name string, res *servertest.Response, wantInline bool) {
			t.Helper()
			ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition")
			inline := strings.HasPrefix(cd, "inline")
			if inline != wantInline || !inline && !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename=") ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" ||
				strings.Contains(ct, "html") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml") {
				t.Errorf("%s %s: Content-Type %q, Content-Disposition %q, X-Content-Type-Options %q", via, name, ct, cd,
					res.Header.Get("X-Content-Type-Options"))
			}
		}
		for name, body := range hostile {
			filePath, tok := d.bangwo8Upload(t, url.QueryEscape(name), []byte(body))
			check("Bangwo8", name, get(t, e, filePath), false)
			check("PostCenter", name, get(t, e, d.postcenterMedia(t, tok), "Authorization: Key "+e.AdminToken), false)
			check("3Dolphins", name, get(t, e, d.dolphinsUpload(t, name, []byte(body)), auth), false)
		}
		filePath, tok := d.bangwo8Upload(t, "cat.png", png)
		check("Bangwo8", "cat.png", get(t, e, filePath), true)
		check("PostCenter", "cat.png", get(t, e, d.postcenterMedia(t, tok), "Authorization: Key "+e.AdminToken), true)
		check("3Dolphins", "cat.png", get(t, e, d.dolphinsUpload(t, "cat.png", png), auth), false)
	})
}
