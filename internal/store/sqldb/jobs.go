package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Jobs = (*DB)(nil)

// jobColumns are the columns scanJob reads, in order.
const jobColumns = `id, kind, key, payload, run_at, attempts, last_error, locked_by, locked_until, failed_at,
	created_at, updated_at`

func scanJob(sc scanner) (*lms.Job, error) {
	var (
		j                                      lms.Job
		payload                                string
		runAt, until, failed, created, updated int64
	)
	if err := sc.Scan(&j.ID, &j.Kind, &j.Key, &payload, &runAt, &j.Attempts, &j.LastError, &j.LockedBy, &until,
		&failed, &created, &updated); err != nil {
		return nil, err
	}
	if payload != "" {
		j.Payload = []byte(payload)
	}
	j.RunAt, j.LockedUntil, j.FailedAt = fromMS(runAt), fromMS(until), fromMS(failed)
	j.CreatedAt, j.UpdatedAt = fromMS(created), fromMS(updated)
	return &j, nil
}

// ScheduleJob inserts j, or replaces the job with its key unless a runner
// holds an unexpired claim on it at now (ECONFLICT, j unchanged). One
// upsert: the row lock taken by the conflict makes it atomic against a
// concurrent claim on both dialects.
func (s *DB) ScheduleJob(ctx context.Context, j *lms.Job, now time.Time) error {
	now, runAt := normalize(now), normalize(j.RunAt)
	var (
		id      int64
		created int64
	)
	err := s.q.QueryRowContext(ctx, `INSERT INTO jobs (kind, key, payload, run_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
			run_at = excluded.run_at, attempts = 0, last_error = '', locked_by = '', locked_until = 0,
			failed_at = 0, updated_at = excluded.updated_at
		WHERE jobs.locked_by = '' OR jobs.locked_until <= $5
		RETURNING id, created_at`, j.Kind, j.Key, string(j.Payload), toMS(runAt), toMS(now)).Scan(&id, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return lms.Errorf(lms.ECONFLICT, "job %q is running and cannot be rescheduled now", j.Key)
	}
	if err != nil {
		return s.wrap(err, "schedule job")
	}
	j.ID, j.RunAt, j.CreatedAt, j.UpdatedAt = id, runAt, fromMS(created), now
	j.Attempts, j.LastError, j.LockedBy, j.LockedUntil, j.FailedAt = 0, "", "", time.Time{}, time.Time{}
	return nil
}

// CancelJob removes the job with key, if any.
func (s *DB) CancelJob(ctx context.Context, key string) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM jobs WHERE key = $1`, key)
	return s.wrap(err, "cancel job")
}

// JobByKey returns the job with key.
func (s *DB) JobByKey(ctx context.Context, key string) (*lms.Job, error) {
	j, err := scanJob(s.q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE key = $1`, key))
	if err != nil {
		return nil, s.notFound(err, "job")
	}
	return j, nil
}

// ClaimDueJobs claims due jobs in one UPDATE over a bounded SELECT: on
// PostgreSQL the SELECT locks its rows and skips rows another claimer has
// locked (Dialect.SkipLocked), on SQLite the statement holds the only
// write lock. The UPDATE checks the lease again: should it ever wait for a
// row another claimer just took, PostgreSQL re-evaluates its WHERE on the
// new row and leaves it (without that check, a test with 12 claimers and no
// SKIP LOCKED claimed jobs twice).
func (s *DB) ClaimDueJobs(ctx context.Context, c store.JobClaim) ([]*lms.Job, error) {
	if len(c.Kinds) == 0 || c.Limit <= 0 {
		return []*lms.Job{}, nil
	}
	now := toMS(c.Now)
	var a args
	worker, until, at := a.add(c.Worker), a.add(now+c.Lease.Milliseconds()), a.add(now)
	kinds := make([]string, len(c.Kinds))
	for i, k := range c.Kinds {
		kinds[i] = a.add(k)
	}
	limit := a.add(min(c.Limit, store.MaxJobClaim))
	jobs, err := queryList(ctx, s, "claim due jobs", scanJob, `UPDATE jobs
		SET locked_by = `+worker+`, locked_until = `+until+`, attempts = attempts + 1, updated_at = `+at+`
		WHERE id IN (SELECT id FROM jobs
			WHERE failed_at = 0 AND run_at <= `+at+` AND locked_until <= `+at+`
				AND kind IN (`+strings.Join(kinds, ", ")+`)
			ORDER BY run_at, id LIMIT `+limit+` `+s.dialect.SkipLocked+`)
			AND locked_until <= `+at+`
		RETURNING `+jobColumns, a...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(jobs, func(x, y *lms.Job) int { // RETURNING has no order
		if c := x.RunAt.Compare(y.RunAt); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return jobs, nil
}

// CompleteJob deletes a job that ran successfully under j's claim.
func (s *DB) CompleteJob(ctx context.Context, j *lms.Job) error {
	return s.execOne(ctx, "job", `DELETE FROM jobs WHERE id = $1 AND locked_by = $2 AND attempts = $3`,
		j.ID, j.LockedBy, j.Attempts)
}

// RetryJob releases j's claim and sets the job to run again at `at`.
func (s *DB) RetryJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error {
	return s.execOne(ctx, "job", `UPDATE jobs SET run_at = $4, last_error = $5, locked_by = '', locked_until = 0,
			updated_at = $6
		WHERE id = $1 AND locked_by = $2 AND attempts = $3`,
		j.ID, j.LockedBy, j.Attempts, toMS(at), errText, toMS(s.now()))
}

// FailJob releases j's claim and gives the job up at `at` (zero: now).
func (s *DB) FailJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.execOne(ctx, "job", `UPDATE jobs SET failed_at = $4, last_error = $5, locked_by = '', locked_until = 0,
			updated_at = $4
		WHERE id = $1 AND locked_by = $2 AND attempts = $3`,
		j.ID, j.LockedBy, j.Attempts, toMS(at), errText)
}

// ListFailedJobs returns failed jobs of one kind, most recently failed
// first (the partial index of migration 17 serves it).
func (s *DB) ListFailedJobs(ctx context.Context, f store.FailedJobFilter) ([]*lms.Job, error) {
	var a args
	where := `kind = ` + a.add(f.Kind) + ` AND failed_at <> 0`
	if f.ID != 0 {
		where += ` AND id = ` + a.add(f.ID)
	}
	limit := a.add(min(max(f.Limit, 1), lms.MaxPageSize))
	rows, err := s.q.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE `+where+`
		ORDER BY failed_at DESC, id DESC LIMIT `+limit+` OFFSET `+a.add(max(f.Offset, 0)), a...)
	if err != nil {
		return nil, s.wrap(err, "list failed jobs")
	}
	defer rows.Close()
	var out []*lms.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, s.wrap(err, "list failed jobs")
		}
		out = append(out, j)
	}
	return out, s.wrap(rows.Err(), "list failed jobs")
}
