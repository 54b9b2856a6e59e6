package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// MaxJobClaim bounds the jobs one ClaimDueJobs call returns.
const MaxJobClaim = 100

// JobClaim says which due jobs a runner claims and for how long.
type JobClaim struct {
	Now    time.Time     // jobs with RunAt at or before Now, and no unexpired lease at Now, are due
	Worker string        // the claiming runner (stored as LockedBy)
	Lease  time.Duration // the claim holds until Now+Lease
	Kinds  []string      // only jobs of these kinds (the ones the runner can run); none: no jobs
	Limit  int           // at most this many (1 to MaxJobClaim)
}

// Jobs stores durable scheduled jobs (see lms.Job). Every method works
// inside InTx, so a job can be scheduled in the transaction of the write
// that needs it. Claims are fenced: CompleteJob, RetryJob and FailJob act
// only while the job still carries the claim they were given (same
// LockedBy and Attempts), and return ENOTFOUND when it was cancelled,
// rescheduled or claimed again by another runner after the lease ran out.
type Jobs interface {
	// ScheduleJob inserts j (Kind, Key, Payload, RunAt; a zero RunAt is due
	// at once) and sets its ID, CreatedAt and UpdatedAt (now); Attempts,
	// LastError, the claim and FailedAt start empty. When a job with j.Key
	// exists it is replaced (kind, payload, run time; attempts and failure
	// cleared, so a failed job runs again; ID and CreatedAt kept) unless a
	// runner holds an unexpired claim on it at now: then the stored job is
	// left as it is, j is unchanged and the error is ECONFLICT.
	ScheduleJob(ctx context.Context, j *lms.Job, now time.Time) error
	// CancelJob removes the job with key, if any (a running job finishes
	// its current run but is not retried).
	CancelJob(ctx context.Context, key string) error
	// JobByKey returns the job with key (ENOTFOUND if none).
	JobByKey(ctx context.Context, key string) (*lms.Job, error)
	// ClaimDueJobs claims up to c.Limit due jobs of c.Kinds, earliest RunAt
	// first, for c.Worker until c.Now+c.Lease, counting an attempt on each,
	// and returns them as claimed. A job is claimed by one caller at a time,
	// on every node: concurrent callers get different jobs.
	ClaimDueJobs(ctx context.Context, c JobClaim) ([]*lms.Job, error)
	// CompleteJob deletes a job that ran successfully under j's claim.
	CompleteJob(ctx context.Context, j *lms.Job) error
	// RetryJob releases j's claim and sets the job to run again at `at`,
	// recording errText as its LastError.
	RetryJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error
	// FailJob releases j's claim and gives the job up at `at` (zero: now):
	// it keeps errText as its LastError and is never claimed again.
	FailJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error
	// ListFailedJobs returns the failed jobs of f.Kind (only the one with
	// f.ID when it is not 0), most recently failed first, from f.Offset.
	ListFailedJobs(ctx context.Context, f FailedJobFilter) ([]*lms.Job, error)
}

// FailedJobFilter selects failed jobs of one kind.
type FailedJobFilter struct {
	Kind   string // required
	ID     int64  // 0: every one
	Limit  int    // 1 to lms.MaxPageSize
	Offset int
}
