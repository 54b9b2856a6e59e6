// Package sqldb implements store.Store once over database/sql with portable
// SQL ($1, $2 ... placeholders, times as BIGINT unix milliseconds, booleans
// as INTEGER 0/1). The backends (store/sqlite, store/postgres) open the
// database, run their own dialect's migrations and hand the *sql.DB to New
// together with a Dialect that recognises unique violations.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Dialect describes what differs between the databases at run time. The
// queries themselves are shared.
type Dialect struct {
	// Name is the dialect's name for logs and errors ("sqlite", "postgres").
	Name string
	// UniqueViolation reports whether err is a unique-constraint violation
	// and, if so, returns text naming the violated constraint (the index
	// name, or the driver's message when it carries no name).
	UniqueViolation func(err error) (constraint string, ok bool)
	// SkipLocked ends the SELECT that picks jobs to claim: "FOR UPDATE SKIP
	// LOCKED" on PostgreSQL, so concurrent claimers pass over each other's
	// rows instead of waiting; "" on SQLite, whose one writer at a time
	// already makes each claim atomic.
	SkipLocked string
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is a store.Store over a *sql.DB, or bound to one *sql.Tx inside InTx.
type DB struct {
	db      *sql.DB
	q       querier // db, or the transaction this value is bound to
	inTx    bool
	dialect Dialect
	now     func() time.Time
}

var _ store.Store = (*DB)(nil)

// New returns a Store over db. The schema must already be migrated.
func New(db *sql.DB, d Dialect) *DB {
	if d.UniqueViolation == nil {
		d.UniqueViolation = func(error) (string, bool) { return "", false }
	}
	return &DB{db: db, q: db, dialect: d, now: time.Now}
}

// SQLDB returns the underlying *sql.DB (for stats and migrations).
func (s *DB) SQLDB() *sql.DB { return s.db }

// InTx runs fn with a Store bound to one transaction: fn's error (or panic)
// rolls it back, otherwise it is committed. Inside a transaction, InTx runs
// fn on the same transaction.
func (s *DB) InTx(ctx context.Context, fn func(store.Store) error) (err error) {
	if s.inTx {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin transaction: %w", s.dialect.Name, err)
	}
	bound := &DB{db: s.db, q: tx, inTx: true, dialect: s.dialect, now: s.now}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback() // the error that made us roll back is the one to report
		}
	}()
	if err := fn(bound); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(err, "commit transaction")
	}
	committed = true
	return nil
}

// Ping checks the database is reachable.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", s.dialect.Name, err)
	}
	return nil
}

// Close closes the *sql.DB. On a Store bound to a transaction it does
// nothing: the transaction ends when InTx returns.
func (s *DB) Close() error {
	if s.inTx {
		return nil
	}
	return s.db.Close()
}

// wrap turns a driver error into a *lms.Error (unique violation ->
// ECONFLICT) or wraps it with what was being done.
func (s *DB) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if c, ok := s.dialect.UniqueViolation(err); ok {
		return conflictError(c)
	}
	return fmt.Errorf("%s: %s: %w", s.dialect.Name, what, err)
}

// conflictError names the field of the violated constraint when it is one a
// person chose (email, username).
func conflictError(constraint string) *lms.Error {
	c := strings.ToLower(constraint)
	switch {
	case strings.Contains(c, "username"):
		return &lms.Error{Code: lms.ECONFLICT, Field: "username", Message: "This username is already taken."}
	case strings.Contains(c, "email"):
		return &lms.Error{Code: lms.ECONFLICT, Field: "email", Message: "This email address is already in use."}
	default:
		return lms.Errorf(lms.ECONFLICT, "This already exists.")
	}
}

// notFound maps sql.ErrNoRows to ENOTFOUND naming what, and wraps the rest.
func (s *DB) notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return lms.Errorf(lms.ENOTFOUND, "%s not found", what)
	}
	return s.wrap(err, "get "+what)
}

// execOne runs an UPDATE or DELETE that must hit exactly one row; none is
// ENOTFOUND naming what.
func (s *DB) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return s.wrap(err, "update "+what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(err, "update "+what)
	}
	if n == 0 {
		return lms.Errorf(lms.ENOTFOUND, "%s not found", what)
	}
	return nil
}

// toMS stores a time as unix milliseconds; the zero time is 0.
func toMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS reads unix milliseconds back as a UTC time; 0 is the zero time.
func fromMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// normalize returns t as it will read back: UTC, millisecond precision.
func normalize(t time.Time) time.Time { return fromMS(toMS(t)) }

// boolInt stores a boolean as INTEGER 0/1, the same on every dialect.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// escapeLike escapes LIKE metacharacters so s matches literally with
// ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// args collects query arguments and hands out their $N placeholders.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// in appends ids and returns their parenthesised placeholder list, for
// "x IN (...)"; ids must not be empty.
func (a *args) in(ids []int64) string {
	ps := make([]string, len(ids))
	for i, id := range ids {
		ps[i] = a.add(id)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }
