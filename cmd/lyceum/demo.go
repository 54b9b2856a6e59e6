package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/demo"
	"github.com/lyceumhq/lyceum/internal/store"
)

// demoCmd seeds the demo site ("lyceum demo seed"): accounts, a course with
// lessons, progress, a discussion and chat history. It is idempotent.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "seed" {
		return errors.New("demo: want 'lyceum demo seed'")
	}
	cfg, err := loadConfig(cliFlags("demo seed", stderr), args[1:], getenv)
	if err != nil {
		return err
	}
	db, log, err := openForCLIFlags(ctx, cliFlags("demo seed", io.Discard), args[1:], stderr, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	svc, err := auth.New(ctx, auth.Params{Store: store.Scope[auth.Store](db), Logger: log})
	if err != nil {
		return err
	}
	courses, err := newCourses(cfg, db, nil, log) // no hub: nothing is live while seeding from the CLI
	if err != nil {
		return err
	}
	acc, err := demo.Seed(ctx, demo.Params{Auth: svc, Courses: courses, Store: db, Log: log})
	if err != nil {
		return cliError(err)
	}
	return acc.Print(stdout)
}
