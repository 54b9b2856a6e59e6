package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/postgres"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

func TestConformance(t *testing.T) {
	testenv.Lookup(t, storetest.EnvDatabaseURL)
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.Postgres(t) })
}

// open opens url and closes it when t ends.
func open(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url, zerolog.Nop())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestMigrateEmptyDatabaseAppliesEverything(t *testing.T) {
	db := open(t, storetest.PostgresURL(t))
	storetest.MigrateFromEmpty(t, db)
	if db.SQLDB() == nil || db.Pool() == nil {
		t.Fatal("SQLDB() or Pool() is nil")
	}
}

func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	const nodes = 3
	url := storetest.PostgresURL(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var (
		wg   sync.WaitGroup
		errs = make([]error, nodes)
		dbs  = make([]*postgres.DB, nodes)
	)
	for i := range nodes {
		dbs[i] = open(t, url)
	}
	for i := range nodes {
		wg.Go(func() { errs[i] = dbs[i].Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: Migrate: %v", i, err)
		}
	}
	status, err := dbs[0].MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range status {
		var n int
		err := dbs[0].SQLDB().QueryRowContext(ctx,
			`SELECT count(*) FROM goose_db_version WHERE version_id = $1`, m.Version).Scan(&n)
		if err != nil {
			t.Fatalf("read goose_db_version: %v", err)
		}
		if n != 1 {
			t.Errorf("migration %s recorded %d times, want once", m.Name, n)
		}
	}
}

func TestOpenUnreachableFailsWithinContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	start := time.Now()
	// Port 1 on loopback: nothing listens, the dial is refused at once.
	db, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable", zerolog.Nop())
	if err == nil {
		_ = db.Close()
		t.Fatal("Open of an unreachable server succeeded")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("Open took %v to fail", took)
	}
	t.Logf("error: %v", err)
}

func TestOpenRejectsInvalidURLWithoutEchoingIt(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://user:s3cret@[bad", zerolog.Nop())
	if err == nil {
		t.Fatal("Open accepted an invalid URL")
	}
	if got := err.Error(); strings.Contains(got, "s3cret") {
		t.Fatalf("error %q leaks the password", got)
	}
}
