package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ticketd/ticketd/internal/auth"
	"github.com/ticketd/ticketd/internal/desk"
)

// setupResult is the one JSON line `ticketd setup --json` prints.
type setupResult struct {
	WorkspaceID string `json:"workspace_id"`
	Workspace   string `json:"workspace"`
	AdminID     string `json:"admin_id"`
	AdminEmail  string `json:"admin_email"`
	Token       string `json:"token"`
}

func setup(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("setup")
	db := dbFlag(fs)
	name := fs.String("workspace", env("workspace", ""), "workspace name (required)")
	tz := fs.String("timezone", env("timezone", "UTC"), "the workspace's IANA time zone")
	email := fs.String("admin-email", env("admin_email", ""), "first admin's login email (required)")
	password := fs.String("admin-password", env("admin_password", ""), "first admin's password (required)")
	adminName := fs.String("admin-name", env("admin_name", "Admin"), "first admin's display name")
	asJSON := fs.Bool("json", false, "print one JSON line instead of text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *email == "" || *password == "" {
		return errors.New("setup needs --workspace, --admin-email and --admin-password")
	}
	st, err := openStore(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	d := desk.NewService(st)
	a := auth.NewService(d)
	hash, err := a.Hasher.Hash(*password)
	if err != nil {
		return err
	}
	ws, admin, err := d.NewWorkspace(ctx, *name, *tz, *adminName, *email, hash)
	if err != nil {
		if errors.Is(err, desk.ErrConflict) {
			return fmt.Errorf("a workspace named %q already exists in %s; nothing was changed", *name, *db)
		}
		return err
	}
	tok, _, err := a.IssueToken(ctx, admin, "setup", 0)
	if err != nil {
		return err
	}
	res := setupResult{WorkspaceID: ws.ID, Workspace: ws.Name, AdminID: admin.ID, AdminEmail: admin.Email, Token: tok}
	if *asJSON {
		return json.NewEncoder(out).Encode(res)
	}
	_, err = fmt.Fprintf(out, "workspace %q created (id %s)\nadmin %s (id %s)\nAPI token (shown once): %s\ncreated %s\n",
		ws.Name, ws.ID, admin.Email, admin.ID, tok, time.Now().UTC().Format(time.RFC3339))
	return err
}
