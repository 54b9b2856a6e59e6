// Package sqlite is the embedded storage backend: store.Store over a SQLite
// file through the pure-Go modernc.org/sqlite driver (no cgo), with the
// schema migrated by goose from the SQL files embedded from migrations/.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/rs/zerolog"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

const (
	// dsnOptions: wait up to 5000 ms for a lock, WAL so readers never block
	// the writer, NORMAL sync (durable at checkpoints, safe with WAL),
	// foreign keys on (ON DELETE CASCADE), and BEGIN IMMEDIATE so a
	// transaction takes the write lock up front instead of failing with
	// SQLITE_BUSY when a read turns into a write.
	dsnOptions = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	// maxOpenConns bounds the connections: SQLite has one writer at a time
	// anyway, and WAL readers need only a few.
	maxOpenConns = 8
	// dataDirPerm is the permission of a data directory Open creates.
	dataDirPerm = 0o750
)

// dialect tells sqldb how SQLite reports a unique violation.
var dialect = sqldb.Dialect{Name: "sqlite", UniqueViolation: uniqueViolation}

// DB is store.Store over a SQLite file.
type DB struct {
	*sqldb.DB
	db  *sql.DB
	log zerolog.Logger
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at path and its parent
// directory, and checks it can be read. Call Migrate before use.
func Open(ctx context.Context, path string, log zerolog.Logger) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), dataDirPerm); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	db, err := sql.Open("sqlite", path+"?"+dsnOptions)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxOpenConns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	log = log.With().Str("component", "store").Str("backend", "sqlite").Logger()
	log.Debug().Str("path", path).Msg("database opened")
	return &DB{DB: sqldb.New(db, dialect), db: db, log: log}, nil
}

// SQLDB returns the underlying *sql.DB (for Prometheus DB stats).
func (d *DB) SQLDB() *sql.DB { return d.db }

// Migrate applies the pending migrations.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, p, d.log)
}

// MigrationStatus lists the migrations and whether each is applied.
func (d *DB) MigrationStatus(ctx context.Context) ([]store.MigrationState, error) {
	p, err := d.provider()
	if err != nil {
		return nil, err
	}
	return sqldb.MigrationStatus(ctx, p)
}

// provider returns a goose provider over the embedded migrations. It must
// not be closed: that would close d's *sql.DB.
func (d *DB) provider() (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.db, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return p, nil
}

// uniqueViolation recognises SQLITE_CONSTRAINT_UNIQUE (and a primary key
// clash) and returns SQLite's message, which names the index or column.
func uniqueViolation(err error) (string, bool) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return se.Error(), true
		}
		return "", false
	}
	if msg := err.Error(); strings.Contains(msg, "UNIQUE constraint failed") {
		return msg, true
	}
	return "", false
}
