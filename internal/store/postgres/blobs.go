package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/internal/files"
)

// DefaultChunkSize is the most bytes one attachment_chunks row holds: a
// download keeps one chunk in memory, and a 20 MiB upload is 80 rows.
const DefaultChunkSize = 256 << 10

// Blobs keeps attachment contents in the database (migration 0016), so
// every node sharing it serves every file.
type Blobs struct {
	DB        *sql.DB
	ChunkSize int // 0: DefaultChunkSize
}

var _ files.Blobs = (*Blobs)(nil)

// NewBlobs keeps contents in db, the pool of a store Open returned.
func NewBlobs(db *sql.DB) *Blobs { return &Blobs{DB: db} }

// Put writes r chunk by chunk, each chunk its own statement, so a slow
// client holds no connection or transaction between chunks; the
// attachment_blobs row, written last, makes the file visible. On failure
// the chunks written so far are removed.
func (b *Blobs) Put(ctx context.Context, ws, key string, r io.Reader, max int64) (int64, error) {
	if !files.ValidKey(ws, key) {
		return 0, fmt.Errorf("put blob: bad key %q", key)
	}
	var exists bool
	if err := b.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attachment_blobs WHERE workspace_id = $1 AND key = $2)`,
		ws, key).Scan(&exists); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	if exists {
		return 0, fmt.Errorf("put blob %s: %w", key, fs.ErrExist)
	}
	size, err := b.put(ctx, ws, key, r, max)
	if err != nil {
		// The request may be gone; the clean-up must still run.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, derr := b.DB.ExecContext(cctx, `DELETE FROM attachment_chunks WHERE workspace_id = $1 AND key = $2
			AND NOT EXISTS (SELECT 1 FROM attachment_blobs WHERE workspace_id = $1 AND key = $2)`, ws, key); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove partial upload: %w", derr))
		}
		return 0, fmt.Errorf("put blob %s: %w", key, err)
	}
	return size, nil
}

func (b *Blobs) put(ctx context.Context, ws, key string, r io.Reader, max int64) (int64, error) {
	chunk := b.chunkSize()
	buf := make([]byte, chunk)
	sum := sha256.New()
	lr := io.LimitReader(r, max+1)
	now := time.Now().UnixMilli()
	var size int64
	for n := 0; ; n++ {
		k, err := io.ReadFull(lr, buf)
		if k > 0 {
			if size += int64(k); size > max {
				return 0, fmt.Errorf("%w: more than %d bytes", files.ErrTooLarge, max)
			}
			sum.Write(buf[:k])
			if _, err := b.DB.ExecContext(ctx, `INSERT INTO attachment_chunks (workspace_id, key, n, bytes, created_at)
				VALUES ($1, $2, $3, $4, $5)`, ws, key, n, buf[:k], now); err != nil {
				return 0, err
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	_, err := b.DB.ExecContext(ctx, `INSERT INTO attachment_blobs (workspace_id, key, size, chunk_size, sha256, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, ws, key, size, chunk, sum.Sum(nil), now)
	return size, err
}

// Open finds the file's row; chunks are read as the reader reaches them.
func (b *Blobs) Open(ctx context.Context, ws, key string) (files.Blob, error) {
	if !files.ValidKey(ws, key) {
		return nil, files.ErrNotFound
	}
	bl := &blob{ctx: ctx, db: b.DB, ws: ws, key: key, loaded: -1}
	err := b.DB.QueryRowContext(ctx, `SELECT size, chunk_size FROM attachment_blobs WHERE workspace_id = $1 AND key = $2`,
		ws, key).Scan(&bl.size, &bl.chunk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, files.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", key, err)
	}
	return bl, nil
}

// Delete removes the file's row and its chunks together.
func (b *Blobs) Delete(ctx context.Context, ws, key string) error {
	return runTx(ctx, b.DB, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_blobs WHERE workspace_id = $1 AND key = $2`, ws, key); err != nil {
			return fmt.Errorf("delete blob %s: %w", key, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_chunks WHERE workspace_id = $1 AND key = $2`, ws, key); err != nil {
			return fmt.Errorf("delete blob %s: %w", key, err)
		}
		return nil
	})
}

func (b *Blobs) chunkSize() int {
	if b.ChunkSize > 0 {
		return b.ChunkSize
	}
	return DefaultChunkSize
}

// blob reads one chunk at a time. It keeps Open's context because
// io.Reader has none: a download stops reading when its request ends.
type blob struct {
	ctx    context.Context
	db     *sql.DB
	ws     string
	key    string
	size   int64
	chunk  int64
	off    int64
	buf    []byte // chunk number loaded
	loaded int64
}

func (b *blob) Size() int64 { return b.size }

func (b *blob) Read(p []byte) (int, error) {
	if b.off >= b.size {
		return 0, io.EOF
	}
	n := b.off / b.chunk
	if n != b.loaded {
		if err := b.load(n); err != nil {
			return 0, err
		}
	}
	k := copy(p, b.buf[b.off-n*b.chunk:])
	b.off += int64(k)
	return k, nil
}

func (b *blob) load(n int64) error {
	rows, err := b.db.QueryContext(b.ctx, `SELECT bytes FROM attachment_chunks WHERE workspace_id = $1 AND key = $2 AND n = $3`,
		b.ws, b.key, n)
	if err != nil {
		return fmt.Errorf("read blob %s chunk %d: %w", b.key, n, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read blob %s chunk %d: %w", b.key, n, err)
		}
		return fmt.Errorf("read blob %s: chunk %d missing (deleted meanwhile?)", b.key, n)
	}
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return fmt.Errorf("read blob %s chunk %d: %w", b.key, n, err)
	}
	if want := min(b.chunk, b.size-n*b.chunk); int64(len(raw)) != want {
		return fmt.Errorf("read blob %s: chunk %d has %d bytes, want %d", b.key, n, len(raw), want)
	}
	b.buf = append(b.buf[:0], raw...)
	b.loaded = n
	return rows.Close()
}

func (b *blob) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += b.off
	case io.SeekEnd:
		offset += b.size
	case io.SeekStart:
	default:
		return 0, fmt.Errorf("seek blob: bad whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek blob: negative offset %d", offset)
	}
	b.off = offset
	return offset, nil
}

func (b *blob) Close() error {
	b.buf, b.loaded = nil, -1
	return nil
}

// SweepBlobs removes chunks of uploads that never finished (their node
// stopped between the first chunk and the attachment_blobs row) once they
// are older than age.
func SweepBlobs(ctx context.Context, db *sql.DB, age time.Duration) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM attachment_chunks c WHERE c.created_at < $1
		AND NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.workspace_id = c.workspace_id AND b.key = c.key)`,
		time.Now().Add(-age).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("sweep unfinished uploads: %w", err)
	}
	return res.RowsAffected()
}

// ImportFiles copies into the database the contents of every attachment
// that has none there yet from from (the data folder the nodes used
// before files moved into PostgreSQL). It is safe to run again, and while
// nodes serve: each copied file becomes visible whole. missing counts
// attachments whose file is in neither place.
func ImportFiles(ctx context.Context, db *sql.DB, from files.Blobs, log *slog.Logger) (copied, missing int, err error) {
	rows, err := db.QueryContext(ctx, `SELECT a.workspace_id, a.path FROM attachments a
		WHERE a.path <> '' AND a.path NOT LIKE '%://%'
		AND NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.workspace_id = a.workspace_id AND b.key = a.path)
		ORDER BY a.id`)
	if err != nil {
		return 0, 0, fmt.Errorf("import files: %w", err)
	}
	type ref struct{ ws, key string }
	var todo []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.ws, &r.key); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("import files: %w", err)
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("import files: %w", err)
	}
	to := NewBlobs(db)
	for _, r := range todo {
		src, err := from.Open(ctx, r.ws, r.key)
		if errors.Is(err, files.ErrNotFound) {
			missing++
			if log != nil {
				log.Warn("import files: no file for attachment", slog.String("workspace", r.ws), slog.String("key", r.key))
			}
			continue
		}
		if err != nil {
			return copied, missing, fmt.Errorf("import files: %w", err)
		}
		_, err = to.Put(ctx, r.ws, r.key, src, src.Size())
		src.Close()
		if errors.Is(err, fs.ErrExist) { // another import got there first
			continue
		}
		if err != nil {
			return copied, missing, fmt.Errorf("import files: %w", err)
		}
		copied++
	}
	return copied, missing, nil
}
