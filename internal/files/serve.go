package files

import (
	"mime"
	"net/http"
	"strings"
	"time"
)

// Download is how one stored file goes out.
type Download struct {
	FileName    string
	ContentType string // as sniffed at upload
	ModTime     time.Time
	// InlineImages shows raster images (PNG, JPEG, GIF, WebP, BMP sniffed
	// from the bytes) in place, for vendors whose clients show media in a
	// chat; everything else is always a download.
	InlineImages bool
}

// Serve sends b (ranges and conditional requests included) so that no
// browser ever renders it as a page of our origin: a download
// (Content-Disposition: attachment) unless it is a raster image the door
// shows inline, nosniff so the browser keeps our type, HTML, SVG, XML and
// scripts sent as application/octet-stream, and a sandbox CSP should
// anything still open it.
func Serve(w http.ResponseWriter, r *http.Request, b Blob, d Download) {
	ct := d.ContentType
	if ct == "" || active(ct) {
		ct = "application/octet-stream"
	}
	disposition := "attachment"
	if d.InlineImages && raster(ct) {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", ContentDisposition(disposition, d.FileName))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", d.ModTime, b)
}

// ContentDisposition renders kind with filename as RFC 6266 asks: an ASCII
// filename="…" every client reads (non-ASCII letters become _) and, for a
// name that needs it, filename*=utf-8”… (RFC 5987) that modern clients
// prefer.
func ContentDisposition(kind, name string) string {
	name = CleanName(name)
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r > 0x7e:
			ascii.WriteByte('_')
			plain = false
		default:
			ascii.WriteRune(r)
		}
	}
	out := kind + `; filename="` + ascii.String() + `"`
	if !plain {
		out += "; filename*=utf-8''" + extValue(name)
	}
	return out
}

// extValue percent-encodes every byte of s outside RFC 5987's attr-char.
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// active types run or render in a browser: never served as themselves.
func active(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	return strings.Contains(mt, "html") || strings.Contains(mt, "xml") || strings.Contains(mt, "svg") ||
		strings.Contains(mt, "javascript") || strings.Contains(mt, "ecmascript") || mt == "text/css" ||
		strings.HasPrefix(mt, "multipart/")
}

// raster reports an image type a browser decodes as pixels only.
func raster(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}
