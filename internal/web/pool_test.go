package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"sync"
	"testing"
)

// Pooled gzip writers are reset between pages: concurrent pages each
// decompress to their own bytes.
func TestWriteGzipPooled(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			page := []byte(strings.Repeat(string(rune('a'+i)), 5000+i))
			var out bytes.Buffer
			if err := writeGzip(&out, page); err != nil {
				t.Error(err)
				return
			}
			zr, err := gzip.NewReader(&out)
			if err != nil {
				t.Error(err)
				return
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, page) {
				t.Errorf("page %d: %d bytes back, want %d (%v)", i, len(got), len(page), err)
			}
		}()
	}
	wg.Wait()
}

// T with one placeholder (its fast path) says what it says with several.
func TestTPlaceholders(t *testing.T) {
	catalogs["xx"] = map[string]string{"one": "due in {t}", "two": "{a} of {b}", "same": "{n}/{n}"}
	defer delete(catalogs, "xx")
	for _, c := range []struct {
		key  string
		args []string
		want string
	}{
		{"one", []string{"t", "3h"}, "due in 3h"},
		{"one", []string{"t", "{t}"}, "due in {t}"},
		{"same", []string{"n", "2"}, "2/2"},
		{"two", []string{"a", "3", "b", "5"}, "3 of 5"},
		{"one", nil, "due in {t}"},
		{"missing.key", []string{"t", "x"}, "missing.key"},
	} {
		if got := T("xx", c.key, c.args...); got != c.want {
			t.Errorf("T(%q, %v) = %q, want %q", c.key, c.args, got, c.want)
		}
	}
}
