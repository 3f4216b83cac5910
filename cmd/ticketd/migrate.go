package main

import (
	"context"
	"fmt"
)

func migrate(ctx context.Context, args []string) error {
	fs := newFlags("migrate")
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, newLogger("info"))
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Printf("schema of %s (%s) is up to date\n", *db, st.Backend())
	return nil
}
