package sqldb

import (
	"context"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.LoginThrottle = (*DB)(nil)

// LoginCounters returns the counters of those keys that have one.
func (s *DB) LoginCounters(ctx context.Context, keys []string) ([]*store.LoginCounter, error) {
	out := []*store.LoginCounter{}
	if len(keys) == 0 {
		return out, nil
	}
	var a args
	marks := make([]string, len(keys))
	for i, k := range keys {
		marks[i] = a.add(k)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT name, failures, last_at, blocked_until FROM login_failures
		WHERE name IN (`+strings.Join(marks, ", ")+`)`, a...)
	if err != nil {
		return nil, s.wrap(err, "get login counters")
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			c             store.LoginCounter
			last, blocked int64
		)
		if err := rows.Scan(&c.Key, &c.Failures, &last, &blocked); err != nil {
			return nil, s.wrap(err, "get login counters")
		}
		c.LastAt, c.BlockedUntil = fromMS(last), fromMS(blocked)
		out = append(out, &c)
	}
	return out, s.wrap(rows.Err(), "get login counters")
}

// AddLoginFailure counts one failure of key in one upsert (atomic on both
// dialects: the row is locked by the conflict) and returns the new count.
// A stale counter restarts at 1 with its block cleared.
func (s *DB) AddLoginFailure(ctx context.Context, key string, at, staleBefore time.Time) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `INSERT INTO login_failures (name, failures, last_at, blocked_until)
		VALUES ($1, 1, $2, 0)
		ON CONFLICT (name) DO UPDATE SET
			failures = CASE WHEN login_failures.last_at < $3 AND login_failures.blocked_until < $3
				THEN 1 ELSE login_failures.failures + 1 END,
			blocked_until = CASE WHEN login_failures.last_at < $3 AND login_failures.blocked_until < $3
				THEN 0 ELSE login_failures.blocked_until END,
			last_at = $2
		RETURNING failures`, key, toMS(at), toMS(staleBefore)).Scan(&n)
	if err != nil {
		return 0, s.wrap(err, "add login failure")
	}
	return n, nil
}

// BlockLogin moves key's block end to until unless it is already later.
func (s *DB) BlockLogin(ctx context.Context, key string, until time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE login_failures SET blocked_until = $2
		WHERE name = $1 AND blocked_until < $2`, key, toMS(until))
	return s.wrap(err, "block login")
}

// ResetLoginFailures forgets key's counter.
func (s *DB) ResetLoginFailures(ctx context.Context, key string) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM login_failures WHERE name = $1`, key)
	return s.wrap(err, "reset login failures")
}

// PruneLoginFailures removes counters whose last failure and block both
// ended before `before`.
func (s *DB) PruneLoginFailures(ctx context.Context, before time.Time) (int, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < $1 AND blocked_until < $1`,
		toMS(before))
	if err != nil {
		return 0, s.wrap(err, "prune login failures")
	}
	n, err := res.RowsAffected()
	return int(n), s.wrap(err, "prune login failures")
}
