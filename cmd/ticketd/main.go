// Command ticketd is the omnichannel support ticket server: run
// `ticketd serve` (the default), `ticketd setup`, `ticketd migrate`,
// `ticketd migrate-files` or `ticketd version`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ticketd:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args)
	case "setup":
		return setup(ctx, args, os.Stdout)
	case "migrate":
		return migrate(ctx, args)
	case "migrate-files":
		return migrateFiles(ctx, args, os.Stdout)
	case "seed":
		return seedCmd(ctx, args, os.Stdout)
	case "bench":
		return bench(ctx, args, os.Stdout)
	case "version":
		fmt.Println("ticketd", version())
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage: ticketd [command] [flags]

commands:
  serve     run the server (default)
  setup     create a workspace and its first admin; prints an API token
  migrate   bring the database schema up to date and exit
  migrate-files
            copy the files of a PostgreSQL deployment from its data folder into the database
  seed      fill a workspace with generated tickets (bulk load); prints ids and tokens as JSON
  bench     load-test a running server (or --spawn one) and print one JSON line per scenario
  version   print the version

Run "ticketd COMMAND -h" for a command's flags. Every flag also reads
TICKETD_<FLAG> from the environment (e.g. TICKETD_ADDR, TICKETD_DB).
`
