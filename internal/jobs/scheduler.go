package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// ScheduleStore is what a Scheduler needs of the store (store.Jobs
// provides it, and so does a store bound to a transaction).
type ScheduleStore interface {
	ScheduleJob(ctx context.Context, j *lms.Job, now time.Time) error
	CancelJob(ctx context.Context, key string) error
}

// Scheduler schedules and cancels jobs for the services that need them.
// Inside a transaction, use In(tx) so the job commits or rolls back with
// the write that needs it:
//
//	err := st.InTx(ctx, func(tx store.Store) error {
//		if err := tx.CreateAttempt(ctx, a); err != nil {
//			return err
//		}
//		return sched.In(tx).Schedule(ctx, "assess.autosubmit", key, a.Deadline, payload)
//	})
type Scheduler struct {
	st  ScheduleStore
	now func() time.Time
}

// NewScheduler returns a Scheduler over st; clock nil means time.Now.
func NewScheduler(st ScheduleStore, clock func() time.Time) *Scheduler {
	if clock == nil {
		clock = time.Now
	}
	return &Scheduler{st: st, now: clock}
}

// In returns a Scheduler that writes through st (a transaction's store)
// with the same clock.
func (s *Scheduler) In(st ScheduleStore) *Scheduler { return &Scheduler{st: st, now: s.now} }

// Schedule makes the job key (of kind) run at `at` (zero or past: as soon
// as a runner polls) with payload encoded as JSON (json.RawMessage passes
// as it is). Scheduling a key again replaces its job, kind, time and
// payload, and revives it if it had failed; while a runner is running it,
// the error is ECONFLICT. Keys are unique across kinds: start them with the
// kind ("assess.autosubmit:42").
func (s *Scheduler) Schedule(ctx context.Context, kind, key string, at time.Time, payload any) error {
	switch {
	case kind == "" || len(kind) > lms.MaxJobKindLen:
		return lms.Errorf(lms.EINVALID, "a job kind has 1 to %d bytes", lms.MaxJobKindLen)
	case key == "" || len(key) > lms.MaxJobKeyLen:
		return lms.Errorf(lms.EINVALID, "a job key has 1 to %d bytes", lms.MaxJobKeyLen)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: encode the payload of %s: %w", key, err)
	}
	now := s.now()
	if at.IsZero() {
		at = now
	}
	return s.st.ScheduleJob(ctx, &lms.Job{Kind: kind, Key: key, Payload: data, RunAt: at}, now)
}

// Cancel removes the job key, if any; a run in progress finishes but is
// not retried.
func (s *Scheduler) Cancel(ctx context.Context, key string) error {
	return s.st.CancelJob(ctx, key)
}
