package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir keeps file contents under a folder, one file per key: the store of a
// single SQLite node. Nodes that share a database must not use it (each
// would see only its own uploads).
type Dir string

var _ Blobs = Dir("")

// Put writes r to a temporary file beside its final name, syncs it and
// renames it into place, so a reader never sees a partial file and an
// acknowledged upload survives a crash.
func (d Dir) Put(ctx context.Context, ws, key string, r io.Reader, max int64) (int64, error) {
	full, err := d.path(ws, key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(full), ".upload-*")
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		if _, serr := os.Lstat(full); serr == nil {
			err = fs.ErrExist
		}
	}
	if err == nil {
		err = os.Rename(f.Name(), full)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	return n, nil
}

// Open opens the file under key.
func (d Dir) Open(_ context.Context, ws, key string) (Blob, error) {
	full, err := d.path(ws, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s: not a regular file (%v)", key, err)
	}
	return dirBlob{f, info.Size()}, nil
}

// Delete removes the file under key.
func (d Dir) Delete(_ context.Context, ws, key string) error {
	full, err := d.path(ws, key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// path maps a key of ws to its file; any other key is ErrNotFound, so no
// name from outside ever reaches the file system.
func (d Dir) path(ws, key string) (string, error) {
	if !ValidKey(ws, key) {
		return "", ErrNotFound
	}
	return filepath.Join(string(d), filepath.FromSlash(key)), nil
}

type dirBlob struct {
	*os.File
	size int64
}

func (b dirBlob) Size() int64 { return b.size }
