package jobs_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// base is the fake clocks' starting time.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time // guarded by mu
}

func newClock() *testClock { return &testClock{now: base} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// database is one test database: each open gives a new store over it, as a
// node (or a restarted node) would have.
type database struct{ open func() store.Store }

// eachBackend runs fn on a fresh SQLite database and, when
// LYCEUM_TEST_DATABASE_URL is set, a fresh PostgreSQL schema, in parallel.
func eachBackend(t *testing.T, fn func(t *testing.T, db database)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "lyceum.db")
		fn(t, database{open: func() store.Store { return storetest.SQLiteAt(t, path) }})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := storetest.MigratedPostgresURL(t)
		fn(t, database{open: func() store.Store { return storetest.PostgresAt(t, url) }})
	})
}

// newRunner returns a runner over st with p's settings, the clock and a
// logger writing to t; p.Registerer nil gets a fresh registry.
func newRunner(t *testing.T, st store.Store, clock *testClock, p jobs.Params) *jobs.Runner {
	t.Helper()
	p.Store, p.Clock = st, clock.Now
	p.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
	if p.Registerer == nil {
		p.Registerer = prometheus.NewRegistry()
	}
	r, err := jobs.New(p)
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	return r
}

// start runs r in the background and returns a function that stops it and
// waits for Run to return (it fails t if Run takes longer than 10 s).
func start(t *testing.T, r *jobs.Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Run did not return 10 s after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// poll runs r.Poll and fails t unless it ran want jobs.
func poll(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.Poll(t.Context())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	if n != want {
		t.Fatalf("Poll ran %d jobs, want %d", n, want)
	}
}

// schedule schedules key (kind "test") at `at` with payload, as of clock.
func schedule(t *testing.T, st store.Store, clock *testClock, key string, at time.Time, payload any) {
	t.Helper()
	if err := jobs.NewScheduler(st, clock.Now).Schedule(t.Context(), "test", key, at, payload); err != nil {
		t.Fatalf("Schedule(%s): %v", key, err)
	}
}

// jobOf returns the stored job with key, or nil when there is none.
func jobOf(t *testing.T, st store.Store, key string) *lms.Job {
	t.Helper()
	j, err := st.JobByKey(t.Context(), key)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		t.Fatalf("JobByKey(%s): %v", key, err)
	}
	return j
}

// receive waits up to 10 s for a value on ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// eventually polls cond every 5 ms until it holds, failing t after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// metric returns the value of the counter (or the sample count of the
// histogram) name with the given label values in reg; 0 when absent.
func metric(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if matches(m, labels) {
				if h := m.GetHistogram(); h != nil {
					return float64(h.GetSampleCount())
				}
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := labels[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(labels)
}
