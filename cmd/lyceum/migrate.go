package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// migrateCmd applies pending migrations ("apply", the default) or lists them ("status").
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	action := "apply"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	if action != "apply" && action != "status" {
		return fmt.Errorf("migrate: unknown action %q (want apply or status)", action)
	}
	db, log, err := openForCLI(ctx, "migrate", args, stderr, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "apply" {
		start := time.Now()
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		log.Info().Dur("took", time.Since(start)).Msg("database is up to date")
	}
	states, err := db.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT")
	for _, s := range states {
		state, at := "pending", ""
		if s.Applied {
			state, at = "applied", s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Version, s.Name, state, at)
	}
	return tw.Flush()
}
