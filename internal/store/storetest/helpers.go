// Package storetest is the conformance suite every store.Store backend runs
// (Run), and helpers that give other packages' tests a fresh, migrated store
// on either backend (SQLite, Postgres) or an empty PostgreSQL schema for
// whole nodes (PostgresURL).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/postgres"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// EnvDatabaseURL names the environment variable with the PostgreSQL URL the
// service-backed tests use. Unset: they skip. Set but unreachable: they fail.
const EnvDatabaseURL = "LYCEUM_TEST_DATABASE_URL"

// adminTimeout bounds creating and dropping a test schema.
const adminTimeout = 15 * time.Second

// SQLite returns a fresh, migrated SQLite store in t.TempDir(), closed when
// the test ends.
func SQLite(t testing.TB) store.Store {
	t.Helper()
	return SQLiteAt(t, filepath.Join(t.TempDir(), "lyceum.db"))
}

// SQLiteAt opens (creating and migrating when needed) the SQLite database
// at path, closed when the test ends. Opening one path twice gives two
// stores over one database, as two nodes would have. A new database starts
// as a copy of one migrated once per test process (SeedSQLite), and the
// store's own Migrate then finds nothing to do; a backend's migration tests
// open an empty database with sqlite.Open instead.
func SQLiteAt(t testing.TB, path string) store.Store {
	t.Helper()
	SeedSQLite(t, path)
	db, err := sqlite.Open(t.Context(), path, zerolog.Nop())
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// Postgres returns a fresh, migrated PostgreSQL store, closed and dropped
// when the test ends: a clone of a template database migrated once per test
// process when the package's TestMain runs Main, else a new schema of the
// LYCEUM_TEST_DATABASE_URL database that the store migrates. It skips the
// test when the variable is unset.
func Postgres(t testing.TB) store.Store {
	t.Helper()
	return PostgresAt(t, MigratedPostgresURL(t))
}

// PostgresAt opens (and migrates) a PostgreSQL store at url, e.g. one from
// PostgresURL, closed when the test ends. Opening one url twice gives two
// stores over one database, as two nodes would have.
func PostgresAt(t testing.TB, u string) store.Store {
	t.Helper()
	db, err := postgres.Open(t.Context(), u, zerolog.Nop())
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() }) // runs before PostgresURL's drop
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// PostgresURL returns the LYCEUM_TEST_DATABASE_URL with search_path set to a
// new empty schema, dropped (with everything in it) when the test ends:
// give it to whole nodes, which migrate it themselves. It skips the test
// when the variable is unset and fails it when the server is unreachable.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := testenv.Lookup(t, EnvDatabaseURL)
	schema := "lyceum_test_" + randomHex(t, 8)
	adminExec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { adminExec(t, base, "SET synchronous_commit = off; DROP SCHEMA IF EXISTS "+schema+" CASCADE") })
	return withSearchPath(t, base, schema)
}

// adminExec runs one statement on a short-lived connection to base.
func adminExec(t testing.TB, base, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if err := execOn(ctx, base, stmt); err != nil {
		t.Fatal(err)
	}
}

// execOn runs one statement on a short-lived connection to base.
func execOn(ctx context.Context, base, stmt string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("%s is set but PostgreSQL is unreachable: %w", EnvDatabaseURL, err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("postgres: %s: %w", stmt, err)
	}
	return nil
}

// withSearchPath returns base (URL or key=value DSN) connecting to schema,
// with synchronous_commit off (see connString).
func withSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	return connString(t, base, "search_path", schema)
}

// withDatabase returns base (URL or key=value DSN) connecting to the
// database named db, with synchronous_commit off (see connString).
func withDatabase(t testing.TB, base, db string) string {
	t.Helper()
	return connString(t, base, "dbname", db)
}

// connString returns base (URL or key=value DSN) with the parameter key
// (dbname or search_path) set to value and synchronous_commit off: test data
// need not survive a server crash, and not waiting for the WAL flush makes
// each test's migration and writes several times faster.
func connString(t testing.TB, base, key, value string) string {
	t.Helper()
	if !strings.Contains(base, "://") {
		return base + " " + key + "=" + value + " synchronous_commit=off"
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: invalid URL: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	if key == "dbname" {
		u.Path = "/" + value
	} else {
		q.Set(key, value)
	}
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// randomHex returns n random bytes as hex.
func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}
