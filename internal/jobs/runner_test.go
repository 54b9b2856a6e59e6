package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// run is what a recording handler saw of one run.
type run struct {
	job         *lms.Job
	hasDeadline bool
}

// recorder returns a handler that sends each run to the returned channel
// and then returns err.
func recorder(err error) (jobs.Handler, chan run) {
	ch := make(chan run, 100)
	return func(ctx context.Context, j *lms.Job) error {
		_, ok := ctx.Deadline()
		ch <- run{job: j, hasDeadline: ok}
		return err
	}, ch
}

// recording returns a runner (see newRunner) whose "test" handler is a
// recorder that succeeds, and the recorder's channel.
func recording(t *testing.T, st store.Store, clock *testClock, p jobs.Params) (*jobs.Runner, chan run) {
	t.Helper()
	r := newRunner(t, st, clock, p)
	h, runs := recorder(nil)
	r.Register("test", h)
	return r, runs
}

func TestJobRunsAtItsTime(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock, reg := db.open(), newClock(), prometheus.NewRegistry()
		r, runs := recording(t, st, clock, jobs.Params{Registerer: reg})
		due := base.Add(time.Hour)
		schedule(t, st, clock, "test:1", due, map[string]int{"attempt": 42})

		poll(t, r, 0)
		clock.Set(due.Add(-time.Millisecond))
		poll(t, r, 0)
		clock.Set(due.Add(250 * time.Millisecond))
		poll(t, r, 1)
		got := receive(t, runs, "the run")
		if got.job.Key != "test:1" || string(got.job.Payload) != `{"attempt":42}` || got.job.Attempts != 1 || !got.hasDeadline {
			t.Fatalf("ran %+v (deadline %v), want test:1 with its payload on attempt 1 under a deadline", got.job, got.hasDeadline)
		}
		if j := jobOf(t, st, "test:1"); j != nil {
			t.Fatalf("after success the job is still stored: %+v", j)
		}
		poll(t, r, 0)
		if n := metric(t, reg, "lyceum_jobs_runs_total", map[string]string{"kind": "test", "result": "ok"}); n != 1 {
			t.Errorf("runs_total{ok} = %v, want 1", n)
		}
		if n := metric(t, reg, "lyceum_jobs_lag_seconds", map[string]string{"kind": "test"}); n != 1 {
			t.Errorf("lag_seconds observed %v times, want 1", n)
		}
	})
}

func TestScheduledJobRunsAfterARestart(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		clock := newClock()
		due := base.Add(time.Hour)
		first := db.open()
		r1 := newRunner(t, first, clock, jobs.Params{PollInterval: 5 * time.Millisecond})
		h1, runs1 := recorder(nil)
		r1.Register("test", h1)
		stop1 := start(t, r1)
		schedule(t, first, clock, "test:restart", due, "payload")
		stop1()
		if err := first.Close(); err != nil {
			t.Fatalf("close the first store: %v", err)
		}
		if len(runs1) != 0 {
			t.Fatalf("the job ran before its time")
		}

		second := db.open()
		clock.Set(due)
		r2 := newRunner(t, second, clock, jobs.Params{PollInterval: 5 * time.Millisecond})
		h2, runs2 := recorder(nil)
		r2.Register("test", h2)
		stop2 := start(t, r2)
		if got := receive(t, runs2, "the run after the restart"); got.job.Key != "test:restart" {
			t.Fatalf("ran %s", got.job.Key)
		}
		stop2()
		if j := jobOf(t, second, "test:restart"); j != nil {
			t.Fatalf("after the run the job is still stored: %+v", j)
		}
	})
}

func TestTwoRunnersRunEachJobExactlyOnce(t *testing.T) {
	const n = 200
	eachBackend(t, func(t *testing.T, db database) {
		clock := newClock()
		var (
			mu    sync.Mutex
			count = map[string]int{} // runs per key; guarded by mu
			by    = map[string]int{} // runs per worker; guarded by mu
			all   = make(chan struct{})
		)
		handler := func(_ context.Context, j *lms.Job) error {
			mu.Lock()
			defer mu.Unlock()
			count[j.Key]++
			by[j.LockedBy]++
			if len(count) == n && count[j.Key] == 1 {
				close(all)
			}
			return nil
		}
		stores := []store.Store{db.open(), db.open()}
		for i := range n {
			schedule(t, stores[i%2], clock, fmt.Sprintf("test:%03d", i), base, i)
		}
		began := time.Now()
		var stops []func()
		for i, st := range stores {
			r := newRunner(t, st, clock, jobs.Params{Worker: fmt.Sprintf("node%d", i), PollInterval: 5 * time.Millisecond})
			r.Register("test", handler)
			stops = append(stops, start(t, r))
		}
		receive(t, all, "all jobs to run")
		elapsed := time.Since(began)
		for _, stop := range stops {
			stop() // Run returns after its handlers, so no run can come later
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range n {
			if k := fmt.Sprintf("test:%03d", i); count[k] != 1 {
				t.Errorf("%s ran %d times, want once", k, count[k])
			}
			if j := jobOf(t, stores[0], fmt.Sprintf("test:%03d", i)); j != nil {
				t.Errorf("job %s still stored after its run: %+v", j.Key, j)
			}
		}
		t.Logf("%d jobs ran in %v; runs per runner: %v", n, elapsed.Round(time.Millisecond), by)
	})
}

func TestCancelledJobDoesNotRun(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		r, runs := recording(t, st, clock, jobs.Params{})
		schedule(t, st, clock, "test:cancel", base.Add(time.Minute), nil)
		schedule(t, st, clock, "test:keep", base.Add(time.Minute), nil)
		if err := jobs.NewScheduler(st, clock.Now).Cancel(t.Context(), "test:cancel"); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		clock.Set(base.Add(time.Hour))
		poll(t, r, 1)
		if got := receive(t, runs, "the run"); got.job.Key != "test:keep" {
			t.Fatalf("ran %s, want only test:keep", got.job.Key)
		}
	})
}

func TestReschedulingAKeyReplacesItsTimeAndPayload(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		r, runs := recording(t, st, clock, jobs.Params{})
		schedule(t, st, clock, "test:deadline", base.Add(time.Hour), map[string]int{"v": 1})
		schedule(t, st, clock, "test:deadline", base.Add(2*time.Hour), map[string]int{"v": 2}) // an extension
		clock.Set(base.Add(time.Hour))
		poll(t, r, 0)
		clock.Set(base.Add(2 * time.Hour))
		poll(t, r, 1)
		if got := receive(t, runs, "the run"); string(got.job.Payload) != `{"v":2}` {
			t.Fatalf("ran with payload %s, want the second one", got.job.Payload)
		}
		poll(t, r, 0)
	})
}

func TestCrashedRunnersJobIsTakenOverWhenItsLeaseEnds(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		schedule(t, st, clock, "test:orphan", base, nil)
		// A node claims the job and dies before reporting anything.
		claimed, err := st.ClaimDueJobs(t.Context(), store.JobClaim{Now: base, Worker: "dead-node", Lease: time.Minute,
			Kinds: []string{"test"}, Limit: 10})
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim as the dead node: %v, %v", claimed, err)
		}
		r, runs := recording(t, st, clock, jobs.Params{Lease: time.Minute})
		clock.Set(base.Add(59 * time.Second))
		poll(t, r, 0)
		clock.Set(base.Add(time.Minute))
		poll(t, r, 1)
		got := receive(t, runs, "the run")
		if got.job.LockedBy != r.Worker() || got.job.Attempts != 2 {
			t.Fatalf("ran %+v, want it claimed by %s on attempt 2", got.job, r.Worker())
		}
		if j := jobOf(t, st, "test:orphan"); j != nil {
			t.Fatalf("after the run the job is still stored: %+v", j)
		}
	})
}

func TestFailingHandlerIsRetriedWithGrowingBackoffThenKeptAsFailed(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock, reg := db.open(), newClock(), prometheus.NewRegistry()
		r := newRunner(t, st, clock, jobs.Params{MaxAttempts: 3, Backoff: 10 * time.Second, MaxBackoff: 15 * time.Second,
			Registerer: reg})
		calls := 0
		r.Register("test", func(context.Context, *lms.Job) error {
			calls++
			return fmt.Errorf("smtp down (%d)", calls)
		})
		schedule(t, st, clock, "test:fail", base, nil)

		poll(t, r, 1)
		j := jobOf(t, st, "test:fail")
		if j.Attempts != 1 || j.LastError != "smtp down (1)" || !j.RunAt.Equal(base.Add(10*time.Second)) || j.Failed() {
			t.Fatalf("after the first failure: %+v, want a retry 10 s later", j)
		}
		clock.Set(base.Add(10*time.Second - time.Millisecond))
		poll(t, r, 0)
		clock.Set(base.Add(10 * time.Second))
		poll(t, r, 1)
		j = jobOf(t, st, "test:fail")
		if want := base.Add(25 * time.Second); j.Attempts != 2 || !j.RunAt.Equal(want) {
			t.Fatalf("after the second failure: %+v, want a retry at %v (20 s capped to 15 s)", j, want)
		}
		clock.Set(base.Add(25 * time.Second))
		poll(t, r, 1)
		j = jobOf(t, st, "test:fail")
		if j.Attempts != 3 || j.LastError != "smtp down (3)" || !j.FailedAt.Equal(base.Add(25*time.Second)) {
			t.Fatalf("after the last attempt: %+v, want it kept as failed with the last error", j)
		}
		clock.Set(base.Add(24 * time.Hour))
		poll(t, r, 0)
		if calls != 3 {
			t.Fatalf("handler called %d times, want 3", calls)
		}
		if n := metric(t, reg, "lyceum_jobs_runs_total", map[string]string{"kind": "test", "result": "error"}); n != 3 {
			t.Errorf("runs_total{error} = %v, want 3", n)
		}
		if n := metric(t, reg, "lyceum_jobs_failed_total", map[string]string{"kind": "test"}); n != 1 {
			t.Errorf("failed_total = %v, want 1", n)
		}
		// Scheduling the key again revives it.
		schedule(t, st, clock, "test:fail", clock.Now(), nil)
		poll(t, r, 1)
	})
}

func TestHandlerCanCompleteItsJobInItsOwnTransaction(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		r := newRunner(t, st, clock, jobs.Params{})
		r.Register("test", func(ctx context.Context, j *lms.Job) error {
			return st.InTx(ctx, func(tx store.Store) error {
				if err := tx.PutValue(ctx, "done:"+j.Key, string(j.Payload)); err != nil {
					return err
				}
				return tx.CompleteJob(ctx, j)
			})
		})
		schedule(t, st, clock, "test:tx", base, "work")
		poll(t, r, 1)
		if v, err := st.GetValue(t.Context(), "done:test:tx"); err != nil || v != `"work"` {
			t.Fatalf("the handler's write: %q, %v", v, err)
		}
		if j := jobOf(t, st, "test:tx"); j != nil {
			t.Fatalf("job still stored: %+v", j)
		}
	})
}

func TestScheduleInARolledBackTransactionLeavesNoJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		sched := jobs.NewScheduler(st, clock.Now)
		rollback := errors.New("roll back")
		err := st.InTx(t.Context(), func(tx store.Store) error {
			if err := sched.In(tx).Schedule(t.Context(), "test", "test:gone", base, nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("InTx: %v", err)
		}
		err = st.InTx(t.Context(), func(tx store.Store) error {
			return sched.In(tx).Schedule(t.Context(), "test", "test:kept", base, nil)
		})
		if err != nil {
			t.Fatalf("InTx: %v", err)
		}
		if jobOf(t, st, "test:gone") != nil || jobOf(t, st, "test:kept") == nil {
			t.Fatalf("want only the committed job stored")
		}
	})
}

func TestScheduleRejectsEmptyOrLongNames(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	sched := jobs.NewScheduler(st, clock.Now)
	long := string(make([]byte, lms.MaxJobKeyLen+1))
	for _, c := range []struct{ kind, key string }{{"", "k"}, {"test", ""}, {"test", long}, {long, "k"}} {
		if err := sched.Schedule(t.Context(), c.kind, c.key, base, nil); !lms.IsCode(err, lms.EINVALID) {
			t.Errorf("Schedule(%q, %d-byte key): %v, want EINVALID", c.kind, len(c.key), err)
		}
	}
	if err := sched.Schedule(t.Context(), "test", "k", base, func() {}); err == nil {
		t.Errorf("Schedule with a payload JSON cannot encode: no error")
	}
}

// TestABacklogDrainsWithoutWaitingForTicks: with every handler busy the
// runner looks again as soon as one is free. It once waited for its next
// poll whenever a handler's "free" signal arrived while all the others
// were still busy, so a backlog (500 grade reports after a class submits
// a quiz) drained at Concurrency jobs per PollInterval. With an hour's
// poll here, only that wake-up can run the backlog.
func TestABacklogDrainsWithoutWaitingForTicks(t *testing.T) {
	const n = 300
	eachBackend(t, func(t *testing.T, db database) {
		st, clock := db.open(), newClock()
		var (
			mu   sync.Mutex
			done int // guarded by mu
			all  = make(chan struct{})
		)
		r := newRunner(t, st, clock, jobs.Params{PollInterval: time.Hour, Concurrency: 4})
		r.Register("test", func(context.Context, *lms.Job) error {
			mu.Lock()
			defer mu.Unlock()
			if done++; done == n {
				close(all)
			}
			return nil
		})
		for i := range n {
			schedule(t, st, clock, fmt.Sprintf("test:%03d", i), base, i)
		}
		defer start(t, r)()
		receive(t, all, fmt.Sprintf("%d queued jobs to run with no poll tick", n))
	})
}
