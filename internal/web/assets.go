package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed assets
var assetFiles embed.FS

// asset is one embedded file under its content-hashed name.
type asset struct {
	name, ctype string
	body, gz    []byte
}

// assetSet maps the plain names templates use ("app.css") to hashed URLs
// ("/assets/app.1a2b3c4d5e.css") that are cached for a year.
type assetSet struct {
	byHash map[string]*asset
	url    map[string]string
}

// loadAssets hashes every embedded asset. app.<part>.css and app.<part>.js
// are appended to app.css and app.js in name order: one request per kind
// for the browser, one file per area of the desk for its authors.
func loadAssets() (*assetSet, error) {
	s := &assetSet{byHash: map[string]*asset{}, url: map[string]string{}}
	base := map[string][]byte{}    // app.css
	parts := map[string][][]byte{} // app.<part>.css, in name order
	var order []string
	err := fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		ext := path.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		if i := strings.IndexByte(stem, '.'); i >= 0 {
			parts[stem[:i]+ext] = append(parts[stem[:i]+ext], b)
			return nil
		}
		base[name] = b
		order = append(order, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range order {
		b := base[name]
		sep := "\n"
		if path.Ext(name) == ".js" {
			sep = "\n;\n"
		}
		for _, p := range parts[name] {
			b = append(append(append([]byte(nil), b...), sep...), p...)
		}
		s.add(name, b)
	}
	return s, nil
}

// add makes b servable under name's content-hashed URL.
func (s *assetSet) add(name string, b []byte) {
	ext := path.Ext(name)
	sum := sha256.Sum256(b)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	a := &asset{name: hashed, ctype: mime.TypeByExtension(ext), body: b}
	if a.ctype == "" {
		a.ctype = "application/octet-stream"
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	if z.Len() < len(b) {
		a.gz = z.Bytes()
	}
	s.byHash[hashed] = a
	s.url[name] = "/assets/" + hashed
}

// URL is the hashed URL of a plain asset name.
func (s *assetSet) URL(name string) string { return s.url[name] }

func (s *assetSet) serve(rw http.ResponseWriter, r *http.Request) {
	a, ok := s.byHash[r.PathValue("name")]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	_, _ = rw.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		q := strings.TrimPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
			return false
		}
		return true
	}
	return false
}
