package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"
)

// Pages are rendered into pooled buffers and compressed by pooled gzip
// writers: a new flate writer allocates ~1 MB of tables, more than the
// rest of a page's work together.
var (
	pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzips    = sync.Pool{New: func() any { zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return zw }}
)

// maxPooledBuf keeps an unusually large page's buffer out of the pool.
const maxPooledBuf = 1 << 20

func getBuf() *bytes.Buffer { b := pageBufs.Get().(*bytes.Buffer); b.Reset(); return b }

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuf {
		pageBufs.Put(b)
	}
}

// writeGzip writes b to w gzipped at BestSpeed (dynamic pages: the
// bytes saved by a higher level cost more CPU than they save in time).
func writeGzip(w io.Writer, b []byte) error {
	zw := gzips.Get().(*gzip.Writer)
	defer gzips.Put(zw)
	zw.Reset(w)
	if _, err := zw.Write(b); err != nil {
		return err
	}
	return zw.Close()
}
