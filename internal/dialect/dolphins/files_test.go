package dolphins_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/dialect/dolphins"
	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 300)...)

// multipartBody builds a multipart/form-data body with one file field.
func multipartBody(t testing.TB, field, name string, content []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("note", "ignored")
	w, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// upload posts a file to url with a bearer token.
func upload(t testing.TB, u, tok, field, name string, content []byte) (int, []byte) {
	t.Helper()
	ct, body := multipartBody(t, field, name, content)
	req, _ := http.NewRequest("POST", u, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func get(t testing.TB, u string, headers ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFiles(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		f := setup(t, e)
		f.online(f.agent)
		code, body := upload(t, e.URL+base+"/graph/tickets/files", f.tAgent, "file", "../../etc/Bukti Transfer.PNG", pngBytes)
		res := &servertest.Response{Status: code, Body: body}
		fileURL, ok := f.ok(res).Data.(string)
		if !ok {
			t.Fatalf("data is not a URL: %s", body)
		}
		u, err := url.Parse(fileURL)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(fileURL, e.URL+base+"/graph/tickets/files/") || !strings.HasSuffix(u.Path, ".png") ||
			u.Query().Get("access_token") != "Bearer "+f.tAgent {
			t.Fatalf("file URL %q", fileURL)
		}
		id := strings.TrimSuffix(filepath.Base(u.Path), ".png")
		a, err := e.Store.Attachment(f.ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.FileName != "Bukti Transfer.PNG" || a.ContentType != "image/png" || a.Size != int64(len(pngBytes)) || strings.Contains(a.Path, "..") {
			t.Fatalf("stored attachment %+v", a)
		}

		// Served back, as is, to callers of the same workspace only.
		r := get(t, fileURL)
		got, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !bytes.Equal(got, pngBytes) || r.Header.Get("Content-Type") != "image/png" ||
			r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET file: %d %s %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("X-Content-Type-Options"))
		}
		plain := e.URL + u.Path
		r = get(t, plain, "Authorization: Bearer "+f.tAg2)
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("GET with a header: %d", r.StatusCode)
		}
		f.failed(e.Do("GET", u.Path, nil), 401)
		f.failed(e.Do("GET", u.Path+"?access_token=Bearer%20nope", nil), 401)
		_, _, otherTok := e.NewWorkspace("other", "UTC")
		f.failed(e.Do("GET", u.Path, nil, servertest.Bearer(otherTok)), 404)
		f.failed(e.Do("GET", base+"/graph/tickets/files/ffffffffffffffffffffffff.png", nil, servertest.Bearer(f.tAgent)), 404)

		// The type is sniffed from the bytes, never taken from the name,
		// and HTML is never served as HTML.
		code, body = upload(t, e.URL+base+"/graph/tickets/files", f.tAgent, "file", "cute.png", []byte("<html><script>alert(1)</script></html>"))
		html := f.ok(&servertest.Response{Status: code, Body: body}).Data.(string)
		r = get(t, html)
		r.Body.Close()
		if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") ||
			r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("disguised HTML served as %q, %q", ct, r.Header.Get("Content-Disposition"))
		}

		// Bad uploads.
		f.failed(f.do("POST", "/graph/tickets/files", `{"file": "x"}`, f.tAgent), 400)
		code, body = upload(t, e.URL+base+"/graph/tickets/files", f.tAgent, "attachment", "a.png", pngBytes)
		f.failed(&servertest.Response{Status: code, Body: body}, 400)
		code, body = upload(t, e.URL+base+"/graph/tickets/files", "bad-token", "file", "a.png", pngBytes)
		f.failed(&servertest.Response{Status: code, Body: body}, 401)

		// E20 by file name (or id) and by message id.
		if d := f.ok(f.do("POST", "/graph/tickets/files/media", map[string]string{"fileName": id + ".png"}, f.tAgent)).Data; !strings.HasPrefix(d.(string), plain+"?access_token=") {
			t.Fatalf("media by name: %v", d)
		}
		f.ok(f.do("POST", "/graph/tickets/files/media", map[string]string{"fileName": id}, f.tAgent))
		tk := f.ticket(desk.NewTicket{GroupID: f.group.ID})
		f.ok(f.do("POST", "/graph/tickets/sendMessage", map[string]any{"ticketNumber": tn(tk), "message": "bukti", "files": []string{id}}, f.tAgent))
		all := docs(t, f.ok(f.do("GET", "/graph/tickets/conversations/"+tn(tk), nil, f.tAgent)).Data)
		if all[0]["attachmentExist"] != true || all[2]["attachmentExist"] != true || all[1]["attachmentExist"] != false {
			t.Fatalf("attachmentExist: root %v, customer %v, answer %v", all[0]["attachmentExist"], all[1]["attachmentExist"], all[2]["attachmentExist"])
		}
		if d := f.ok(f.do("POST", "/graph/tickets/files/media", map[string]string{"messageId": str(t, all[2], "id")}, f.tAgent)).Data; !strings.Contains(d.(string), id+".png") {
			t.Fatalf("media by message: %v", d)
		}
		f.failed(f.do("POST", "/graph/tickets/files/media", map[string]string{"messageId": str(t, all[1], "id")}, f.tAgent), 404)
		f.failed(f.do("POST", "/graph/tickets/files/media", map[string]string{"fileName": "nothing.png"}, f.tAgent), 404)
		f.failed(f.do("POST", "/graph/tickets/files/media", map[string]string{}, f.tAgent), 400)
		f.failed(f.do("POST", "/graph/tickets/files/media", map[string]string{"fileName": id}, otherTok), 404)
	})
}

// TestFileSizeLimit mounts the door with a small upload limit: a larger
// file is refused and leaves nothing on disk.
func TestFileSizeLimit(t *testing.T) {
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := servertest.New(t, open(t))
		f := setup(t, e)
		dir := t.TempDir()
		srv := customDoor(t, e, dolphins.Config{MaxFileSize: 1024, Files: files.Dir(dir)})
		code, body := upload(t, srv.URL+dolphins.DefaultPrefix+"/graph/tickets/files", f.tAgent, "file", "big.png", bytes.Repeat(pngBytes, 10))
		f.failed(&servertest.Response{Status: code, Body: body}, 413)
		var files []string
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if len(files) != 0 {
			t.Fatalf("refused upload left %v", files)
		}
		code, body = upload(t, srv.URL+dolphins.DefaultPrefix+"/graph/tickets/files", f.tAgent, "file", "small.png", pngBytes)
		f.ok(&servertest.Response{Status: code, Body: body})
	})
}
