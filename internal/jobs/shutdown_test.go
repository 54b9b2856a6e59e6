package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestRunWaitsForRunningHandlersWhenStopped(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	r := newRunner(t, st, clock, jobs.Params{PollInterval: 5 * time.Millisecond})
	started, release := make(chan struct{}), make(chan struct{})
	r.Register("test", func(ctx context.Context, _ *lms.Job) error {
		close(started)
		<-release
		return ctx.Err() // nil: stopping the runner does not cancel a handler within the drain timeout
	})
	schedule(t, st, clock, "test:slow", base, nil)
	stop := start(t, r)
	receive(t, started, "the handler to start")
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Run returned while its handler was still running")
	case <-time.After(50 * time.Millisecond): // a chance for a wrong Run to return early; not an ordering
	}
	close(release)
	receive(t, stopped, "Run to return")
	if j := jobOf(t, st, "test:slow"); j != nil {
		t.Fatalf("the job finished during shutdown but is still stored: %+v", j)
	}
}

func TestRunCancelsHandlersAfterTheDrainTimeout(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	r := newRunner(t, st, clock, jobs.Params{PollInterval: 5 * time.Millisecond, DrainTimeout: 20 * time.Millisecond,
		Backoff: time.Minute})
	started := make(chan struct{})
	r.Register("test", func(ctx context.Context, _ *lms.Job) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	schedule(t, st, clock, "test:stuck", base, nil)
	stop := start(t, r)
	receive(t, started, "the handler to start")
	stop() // fails the test if Run does not return
	j := jobOf(t, st, "test:stuck")
	if j == nil || !strings.Contains(j.LastError, "context canceled") || !j.RunAt.Equal(base.Add(time.Minute)) || j.LockedBy != "" {
		t.Fatalf("after a cancelled run: %+v, want it released for a retry a minute later", j)
	}
}

func TestPanickingHandlerIsRetried(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	r := newRunner(t, st, clock, jobs.Params{})
	r.Register("test", func(context.Context, *lms.Job) error { panic("nil map") })
	schedule(t, st, clock, "test:panic", base, nil)
	poll(t, r, 1)
	if j := jobOf(t, st, "test:panic"); j == nil || j.LastError != "panic: nil map" || j.Failed() {
		t.Fatalf("after a panic: %+v, want a retry with the panic as its error", j)
	}
}

func TestPermanentErrorGivesTheJobUpAtOnce(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	r := newRunner(t, st, clock, jobs.Params{})
	r.Register("test", func(context.Context, *lms.Job) error {
		return jobs.Permanent(errors.New("unreadable payload"))
	})
	schedule(t, st, clock, "test:bad", base, nil)
	poll(t, r, 1)
	if j := jobOf(t, st, "test:bad"); j == nil || !j.Failed() || j.Attempts != 1 || j.LastError != "unreadable payload" {
		t.Fatalf("after a permanent error: %+v, want it failed after one attempt", j)
	}
	if jobs.Permanent(nil) != nil {
		t.Errorf("Permanent(nil) is not nil")
	}
}

func TestJobWhoseRunsKeepLosingTheirLeaseIsGivenUpWithoutRunning(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	schedule(t, st, clock, "test:crasher", base, nil)
	now := base
	for range 2 { // two nodes died running it
		c := store.JobClaim{Now: now, Worker: "dead", Lease: time.Minute, Kinds: []string{"test"}, Limit: 1}
		if got, err := st.ClaimDueJobs(t.Context(), c); err != nil || len(got) != 1 {
			t.Fatalf("claim: %v, %v", got, err)
		}
		now = now.Add(time.Minute)
	}
	clock.Set(now)
	r, runs := recording(t, st, clock, jobs.Params{MaxAttempts: 2})
	poll(t, r, 1)
	if len(runs) != 0 {
		t.Fatalf("the handler ran a job with no attempt left")
	}
	if j := jobOf(t, st, "test:crasher"); j == nil || !j.Failed() || !strings.Contains(j.LastError, "lease") {
		t.Fatalf("after its attempts ran out: %+v, want it failed naming the lost lease", j)
	}
}

func TestOnlyRegisteredKindsAreClaimed(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	if err := jobs.NewScheduler(st, clock.Now).Schedule(t.Context(), "newer.kind", "newer:1", base, nil); err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	r := newRunner(t, st, clock, jobs.Params{})
	poll(t, r, 0) // no kinds at all
	r2 := newRunner(t, st, clock, jobs.Params{})
	h, _ := recorder(nil)
	r2.Register("test", h)
	poll(t, r2, 0)
	if j := jobOf(t, st, "newer:1"); j == nil || j.Attempts != 0 || j.LockedBy != "" {
		t.Fatalf("a kind this runner does not know was touched: %+v", j)
	}
}

func TestRunnerRefusesWiringMistakes(t *testing.T) {
	st, clock := storetest.SQLite(t), newClock()
	if _, err := jobs.New(jobs.Params{Store: st, Lease: time.Second, Timeout: time.Second}); err == nil {
		t.Errorf("New accepted a handler timeout as long as the lease")
	}
	if _, err := jobs.New(jobs.Params{}); err == nil {
		t.Errorf("New accepted no store")
	}
	r, runs := recording(t, st, clock, jobs.Params{PollInterval: 5 * time.Millisecond})
	h, _ := recorder(nil)
	for name, fn := range map[string]func(){
		"empty kind":  func() { r.Register("", h) },
		"nil handler": func() { r.Register("other", nil) },
		"twice":       func() { r.Register("test", h) },
		"after start": func() { poll(t, r, 0); r.Register("late", h) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Register did not panic")
				}
			}()
			fn()
		})
	}
	schedule(t, st, clock, "test:running", base, nil)
	stop := start(t, r)
	defer stop()
	receive(t, runs, "a run, so Run is running")
	if err := r.Run(t.Context()); err == nil {
		t.Errorf("a second Run did not fail")
	}
}
