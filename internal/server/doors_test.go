package server_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/server/servertest"
)

// want is an answer's status, headers and exact body (a trailing newline
// aside).
type want struct {
	status int
	header map[string]string
	body   string
}

func (w want) check(t *testing.T, name string, res *servertest.Response) {
	t.Helper()
	if res.Status != w.status || strings.TrimSuffix(string(res.Body), "\n") != w.body {
		t.Errorf("%s: %d %s\nwant %d %s", name, res.Status, res.Body, w.status, w.body)
	}
	for k, v := range w.header {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", name, k, got, v)
		}
	}
}

// newTicket creates a ticket through the native API: its id and number.
func newTicket(t *testing.T, e *servertest.Env) (string, int) {
	t.Helper()
	res := e.Do("POST", "/api/v1/tickets", map[string]any{"subject": "printer", "message": "it jams"}, servertest.Bearer(e.AdminToken))
	if res.Status != 201 {
		t.Fatalf("create ticket: %d %s", res.Status, res.Body)
	}
	m := res.Map(t)
	return m["id"].(string), int(m["number"].(float64))
}

// TestNativeUnknownRoutes: under /api/v1, a path no route serves answers
// the native error JSON (404), and a served path with another method 405
// with Allow, not the mux's plain text.
func TestNativeUnknownRoutes(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		tok := servertest.Bearer(e.AdminToken)
		for _, c := range []struct {
			name, method, path string
			want
		}{
			{"unknown path", "GET", "/api/v1/nothing", want{404, map[string]string{"Content-Type": "application/json"},
				`{"error":{"code":"not_found","message":"no route GET /api/v1/nothing"}}`}},
			{"unknown subpath", "GET", "/api/v1/tickets/1/nothing", want{404, nil,
				`{"error":{"code":"not_found","message":"no route GET /api/v1/tickets/1/nothing"}}`}},
			{"wrong method", "DELETE", "/api/v1/tickets", want{405, map[string]string{"Allow": "GET, POST"},
				`{"error":{"code":"method_not_allowed","message":"DELETE is not served on /api/v1/tickets; it takes GET, POST"}}`}},
			{"wrong method on an id", "PUT", "/api/v1/tickets/7", want{405, map[string]string{"Allow": "GET, PATCH"},
				`{"error":{"code":"method_not_allowed","message":"PUT is not served on /api/v1/tickets/7; it takes GET, PATCH"}}`}},
		} {
			c.want.check(t, c.name, e.Do(c.method, c.path, nil, tok))
		}
		// The routes themselves still answer.
		if res := e.Do("GET", "/api/v1/tickets", nil, tok); res.Status != 200 {
			t.Fatalf("GET /api/v1/tickets = %d %s", res.Status, res.Body)
		}
	})
}

// TestBodyLimit: every body is capped at the server before any handler
// runs (PostCenter's close once answered 200 to 20 MB and closed the
// ticket; 3Dolphins answered 400), each door answering 413 in its shape;
// upload routes keep their larger limits.
func TestBodyLimit(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		id, number := newTicket(t, e)
		big := `{"x":"` + strings.Repeat("a", 2<<20) + `"}`
		huge := strings.Repeat(" ", 20<<20)
		bearer, key := servertest.Bearer(e.AdminToken), "Authorization: Key "+e.AdminToken
		for _, c := range []struct {
			name, method, path, body, auth string
			want
		}{
			{"native", "POST", "/api/v1/tickets", big, bearer, want{413, nil,
				`{"error":{"code":"too_large","message":"body larger than 1048576 bytes"}}`}},
			{"postcenter close", "POST", "/postcenter/v2/ticket/" + id + "/close/", huge, key, want{413, nil,
				`{"status":413,"message":"Body larger than 1048576 bytes"}`}},
			{"bangwo8", "POST", "/bangwo8/api/v1/tickets.json", big, bearer, want{413, nil,
				`{"errcode":"100413","errmsg":"请求内容过大"}`}},
			{"3dolphins", "PUT", fmt.Sprintf("/dolphin/apiv1/graph/tickets/update/%d", number), big, bearer, want{413, nil,
				`{"status":"failed","message":"body larger than 1048576 bytes","data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`}},
			{"oneview", "PUT", "/cs-chat-ticket/v1/online", big, bearer, want{413, nil,
				`{"errorCode":413,"errorMessage":"request entity too large"}`}},
		} {
			c.want.check(t, c.name, e.Do(c.method, c.path, c.body, c.auth))
		}
		// A body without a length is cut at the limit too.
		req, _ := http.NewRequest("POST", e.URL+"/postcenter/v2/ticket/"+id+"/close/", io.MultiReader(strings.NewReader(huge)))
		req.Header.Set("Authorization", "Key "+e.AdminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 413 || req.ContentLength != 0 {
			t.Fatalf("chunked close = %d (length %d), want 413", res.StatusCode, req.ContentLength)
		}
		if res := e.Do("GET", "/api/v1/tickets/"+id, nil, bearer); !strings.Contains(string(res.Body), `"closed_at":null`) {
			t.Fatalf("the ticket was closed by a refused request: %s", res.Body)
		}

		// Uploads keep their own limits: 3 MB files pass.
		file := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 3<<20/4)
		if res := e.Do("POST", "/bangwo8/api/v1/uploads.json?fileName=a.png", file, bearer); res.Status/100 != 2 {
			t.Fatalf("bangwo8 upload of 3 MB = %d %s", res.Status, res.Body)
		}
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		fw, _ := mw.CreateFormFile("file", "a.png")
		_, _ = fw.Write(file)
		_ = mw.Close()
		if res := e.Do("POST", "/dolphin/apiv1/graph/tickets/files", mp.Bytes(), bearer, "Content-Type: "+mw.FormDataContentType()); res.Status != 200 {
			t.Fatalf("3dolphins upload of 3 MB = %d %s", res.Status, res.Body)
		}
		// ... and answer past them in the door's shape.
		over := make([]byte, 22<<20)
		want{413, nil, `{"errcode":"100413","errmsg":"请求内容过大"}`}.check(t, "bangwo8 upload over the limit",
			e.Do("POST", "/bangwo8/api/v1/uploads.json?fileName=a.bin", over, bearer))
	})
}

// TestBodyText: a NUL or invalid UTF-8 in any JSON string is refused with
// 400 in the door's shape naming the field, before any handler, alike on
// both stores (PostgreSQL answered 500 to a NUL, SQLite stored it; both
// stored invalid UTF-8 as U+FFFD), and nothing is written.
func TestBodyText(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		id, number := newTicket(t, e)
		bearer := servertest.Bearer(e.AdminToken)
		for _, c := range []struct {
			name, method, path, body, auth string
			want
		}{
			{"native NUL", "POST", "/api/v1/tickets", `{"subject":"a\u0000b","message":"x"}`, bearer, want{400, nil,
				`{"error":{"code":"bad_request","message":"field \"subject\" contains a NUL character","field":"subject"}}`}},
			{"native UTF-8", "POST", "/api/v1/tickets", "{\"subject\":\"ok\",\"message\":\"caf\xe9\"}", bearer, want{400, nil,
				`{"error":{"code":"bad_request","message":"field \"message\" is not valid UTF-8","field":"message"}}`}},
			{"native message", "POST", "/api/v1/tickets/" + id + "/messages", `{"text":"\ud800","public":true}`, bearer, want{400, nil,
				`{"error":{"code":"bad_request","message":"field \"text\" is not valid UTF-8","field":"text"}}`}},
			{"bangwo8 create", "POST", "/bangwo8/api/v1/tickets.json", `{"ticket":{"subject":"a\u0000","ticketReply":"x"}}`, bearer,
				want{400, nil, `{"errcode":"100400","errmsg":"字段值不合法: ticket.subject"}`}},
			{"3dolphins update", "PUT", fmt.Sprintf("/dolphin/apiv1/graph/tickets/update/%d", number), `{"subject":"x\u0000",}`, bearer,
				want{400, nil, `{"status":"failed","message":"field \"subject\" contains a NUL character","data":null,"hasMore":false,"nextIndex":0,"prevIndex":0,"totalResults":0}`}},
			{"postcenter metadata", "PUT", "/postcenter/v2/metadata/ticket/" + id + "/", "{\"note\":\"\xff\"}", "Authorization: Key " + e.AdminToken,
				want{400, nil, `{"status":400,"message":"Field \"note\" is not valid UTF-8"}`}},
		} {
			c.want.check(t, c.name, e.Do(c.method, c.path, c.body, c.auth))
		}
		res := e.Do("GET", "/api/v1/tickets", nil, bearer)
		if n := strings.Count(string(res.Body), `"subject":`); n != 1 {
			t.Fatalf("%d tickets after refused creates, want 1: %s", n, res.Body)
		}
		if strings.Contains(string(res.Body), `\u0000`) || strings.Contains(string(res.Body), "\ufffd") {
			t.Fatalf("bad text was stored: %s", res.Body)
		}
		// U+FFFD typed by the client is text like any other.
		if res := e.Do("POST", "/api/v1/tickets", `{"subject":"\ufffd ok","message":"x"}`, bearer); res.Status != 201 {
			t.Fatalf("a real U+FFFD = %d %s", res.Status, res.Body)
		}
	})
}
