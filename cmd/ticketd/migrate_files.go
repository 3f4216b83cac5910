package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ticketd/ticketd/internal/files"
	"github.com/ticketd/ticketd/internal/store/postgres"
	"github.com/ticketd/ticketd/internal/store/sqlstore"
)

// migrateFiles copies the files a PostgreSQL deployment kept in its data
// folder (before files moved into the database) into the database. Run it
// once per folder that served uploads (each node had its own); running it
// again copies only what is still missing.
func migrateFiles(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("migrate-files")
	db := dbFlag(fs)
	dataDir := fs.String("data", env("data", "ticketd-data"), "folder the files were uploaded to (env TICKETD_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger("info")
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	pg, ok := st.(*sqlstore.Store)
	if !ok || st.Backend() != "postgres" {
		return errors.New("migrate-files: --db must be a postgres:// URL (SQLite keeps its files in the data folder)")
	}
	copied, missing, err := postgres.ImportFiles(ctx, pg.DB(), files.Dir(*dataDir), log)
	if err != nil {
		return fmt.Errorf("migrate-files: %w", err)
	}
	log.Info("files copied into the database", slog.String("from", *dataDir), slog.Int("copied", copied),
		slog.Int("not in this folder", missing))
	_, err = fmt.Fprintf(out, "copied %d files from %s; %d attachments have no file there (another node's folder?)\n", copied, *dataDir, missing)
	return err
}
