// Package postgres is the scaled-out storage backend: store.Store over
// PostgreSQL through a pgx/v5 connection pool (exposed to the shared
// database/sql queries with pgx's stdlib adapter), with the schema migrated
// by goose under a session advisory lock so several nodes can start at once.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

const (
	// defaultMaxConns is the pool size unless the URL sets pool_max_conns.
	defaultMaxConns = 16
	// connectTimeout bounds dialling one connection unless the URL sets
	// connect_timeout.
	connectTimeout = 5 * time.Second
	// pingTimeout bounds Open's first round trip.
	pingTimeout = 5 * time.Second
	// lockRetryPeriodSeconds and lockRetries: a node waiting for another
	// node's migrations polls the advisory lock every second, for at most
	// five minutes.
	lockRetryPeriodSeconds = 1
	lockRetries            = 300
	// uniqueViolationCode is SQLSTATE unique_violation.
	uniqueViolationCode = "23505"
)

// dialect tells sqldb how PostgreSQL reports a unique violation and how
// concurrent job claimers skip each other's rows.
var dialect = sqldb.Dialect{Name: "postgres", UniqueViolation: uniqueViolation, SkipLocked: "FOR UPDATE SKIP LOCKED"}

// DB is store.Store over PostgreSQL.
type DB struct {
	*sqldb.DB
	pool *pgxpool.Pool
	db   *sql.DB
	log  zerolog.Logger
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at url (a postgres:// URL or key=value DSN;
// pool_max_conns, connect_timeout and search_path are honoured) and checks
// it answers within a few seconds (and ctx). Call Migrate before use.
func Open(ctx context.Context, url string, log zerolog.Logger) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message may quote the URL, password included: keep it out.
		return nil, errors.New("postgres: invalid database URL")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect to %s: %w", where, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: cannot reach database at %s: %w", where, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	log = log.With().Str("component", "store").Str("backend", "postgres").Logger()
	log.Debug().Str("database", where).Int32("max_conns", cfg.MaxConns).Msg("database opened")
	return &DB{DB: sqldb.New(db, dialect), pool: pool, db: db, log: log}, nil
}

// SQLDB returns the *sql.DB over the pool (for Prometheus DB stats).
func (d *DB) SQLDB() *sql.DB { return d.db }

// Pool returns the pgx pool, for Postgres-only work (COPY, LISTEN, stats).
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Close closes the *sql.DB and the pool.
func (d *DB) Close() error {
	err := d.db.Close()
	d.pool.Close()
	return err
}

// Migrate applies the pending migrations while holding a session advisory
// lock, so of several nodes starting at once one migrates and the others
// wait and then find nothing to do.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider(ctx, true)
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, p, d.log)
}

// MigrationStatus lists the migrations and whether each is applied.
func (d *DB) MigrationStatus(ctx context.Context) ([]store.MigrationState, error) {
	p, err := d.provider(ctx, false)
	if err != nil {
		return nil, err
	}
	return sqldb.MigrationStatus(ctx, p)
}

// provider returns a goose provider over the embedded migrations, with the
// advisory lock when locked. It must not be closed: that would close d.db.
//
// The lock id is derived from the current schema: advisory locks are per
// database, goose's version table is per schema, so nodes sharing a schema
// share a lock while isolated test schemas in one database do not wait for
// each other.
func (d *DB) provider(ctx context.Context, locked bool) (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if locked {
		var schema string
		if err := d.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return nil, fmt.Errorf("postgres: migrations: current schema: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(lockID(schema)),
			lock.WithLockTimeout(lockRetryPeriodSeconds, lockRetries))
		if err != nil {
			return nil, fmt.Errorf("postgres: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.db, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p, nil
}

// lockID is the advisory lock id for migrating schema.
func lockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("lyceum-migrate:" + schema))
	return int64(h.Sum64())
}

// uniqueViolation recognises SQLSTATE 23505 and returns the constraint name.
func uniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == uniqueViolationCode {
		return pe.ConstraintName, true
	}
	return "", false
}
