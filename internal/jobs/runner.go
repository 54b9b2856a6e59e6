// Package jobs runs durable scheduled jobs (lms.Job): work that must happen
// at a time even if no browser is open and the node that scheduled it has
// stopped, such as submitting an attempt left open at its deadline or
// sending a reminder. Jobs live in the database (store.Jobs), so they
// survive restarts and are scheduled in the same transaction as the write
// that needs them (Scheduler). Every node runs a Runner: it polls for due
// jobs, claims them for a lease so that one node runs each, and retries
// failures with growing back-off until it gives up.
//
// Delivery is at least once: a job whose node dies after the handler's work
// but before the job is marked done runs again when its lease runs out, so
// handlers check the state first (an attempt already submitted is left
// alone). A handler that writes in one transaction can make its work and the
// job's completion one commit by calling CompleteJob with the job inside
// that transaction; if the claim was lost meanwhile, CompleteJob fails with
// ENOTFOUND and the handler's transaction rolls back.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Runner defaults.
const (
	DefaultPollInterval = time.Second      // how often Run looks for due jobs
	DefaultLease        = time.Minute      // how long a claim holds before another runner may take the job
	DefaultMaxAttempts  = 5                // runs before a failing job is given up
	DefaultBackoff      = 10 * time.Second // wait before the first retry; doubles with each failure
	DefaultMaxBackoff   = 15 * time.Minute // the longest wait between retries
	DefaultConcurrency  = 4                // handlers running at once on one runner
	DefaultDrainTimeout = 10 * time.Second // how long Run waits for running handlers after its context ends
)

// Internal bounds.
const (
	storeTimeout   = 5 * time.Second        // one claim or one report of a job's outcome
	abandonTimeout = time.Second            // after the drain, how long cancelled handlers get to return
	maxErrorLen    = 1000                   // bytes of a handler's error kept as LastError
	leaseMargin    = 100 * time.Millisecond // a handler's deadline ends at least this long before its lease
)

// Store is what a Runner needs of the store (store.Jobs provides it).
type Store interface {
	ClaimDueJobs(ctx context.Context, c store.JobClaim) ([]*lms.Job, error)
	CompleteJob(ctx context.Context, j *lms.Job) error
	RetryJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error
	FailJob(ctx context.Context, j *lms.Job, errText string, at time.Time) error
}

// Handler runs one job. Its context ends at the run's deadline (Timeout) or
// when the runner is stopped for good. Returning nil completes the job; an
// error retries it later (Permanent(err): gives it up at once).
type Handler func(ctx context.Context, j *lms.Job) error

// Params configure a Runner; zero fields take the defaults.
type Params struct {
	Store  Store          // required
	Logger zerolog.Logger // the runner's log
	Clock  func() time.Time
	// Worker names this runner in claims (LockedBy); unique per process.
	// Empty: the host name and a random suffix.
	Worker       string
	PollInterval time.Duration // see DefaultPollInterval
	Lease        time.Duration // see DefaultLease
	// Timeout bounds one run of a handler; it must leave room before the
	// lease ends. Zero: half the lease.
	Timeout      time.Duration
	MaxAttempts  int           // see DefaultMaxAttempts
	Backoff      time.Duration // see DefaultBackoff
	MaxBackoff   time.Duration // see DefaultMaxBackoff
	Concurrency  int           // see DefaultConcurrency
	DrainTimeout time.Duration // see DefaultDrainTimeout
	// Registerer receives the runner's metrics; nil: not registered.
	Registerer prometheus.Registerer
}

// Runner claims due jobs from the store and runs their handlers. Register
// every kind, then call Run (or Poll) from one goroutine at a time.
type Runner struct {
	p        Params
	log      zerolog.Logger
	metrics  *metrics
	handlers map[string]Handler // written by Register before the runner starts, read-only after
	kinds    []string           // the keys of handlers, in registration order
	started  atomic.Bool        // Run or Poll has been called: Register is closed
	running  atomic.Bool        // Run is running
}

// New returns a runner with no handlers.
func New(p Params) (*Runner, error) {
	if p.Store == nil {
		return nil, errors.New("jobs: Params.Store is required")
	}
	if p.Clock == nil {
		p.Clock = time.Now
	}
	if p.Worker == "" {
		p.Worker = defaultWorker()
	}
	p.PollInterval = orDefault(p.PollInterval, DefaultPollInterval)
	p.Lease = orDefault(p.Lease, DefaultLease)
	p.Timeout = orDefault(p.Timeout, p.Lease/2)
	p.MaxAttempts = orDefault(p.MaxAttempts, DefaultMaxAttempts)
	p.Backoff = orDefault(p.Backoff, DefaultBackoff)
	p.MaxBackoff = orDefault(p.MaxBackoff, DefaultMaxBackoff)
	p.Concurrency = min(orDefault(p.Concurrency, DefaultConcurrency), store.MaxJobClaim)
	p.DrainTimeout = orDefault(p.DrainTimeout, DefaultDrainTimeout)
	if p.Timeout > p.Lease-leaseMargin {
		return nil, fmt.Errorf("jobs: the handler timeout (%v) must end before the lease (%v)", p.Timeout, p.Lease)
	}
	m, err := newMetrics(p.Registerer)
	if err != nil {
		return nil, err
	}
	return &Runner{p: p, log: p.Logger.With().Str("component", "jobs").Str("worker", p.Worker).Logger(),
		metrics: m, handlers: map[string]Handler{}}, nil
}

// orDefault returns v, or def when v is not positive.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// defaultWorker is the host name and a random suffix, so two processes on
// one host (or a restarted one) never share a worker name.
func defaultWorker() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "lyceum"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return host + "-" + hex.EncodeToString(b)
}

// Worker returns the name this runner claims jobs under.
func (r *Runner) Worker() string { return r.p.Worker }

// Register makes the runner claim and run jobs of kind with h. It panics
// when kind is empty or too long, h is nil, the kind is registered already,
// or the runner has started: these are wiring mistakes.
func (r *Runner) Register(kind string, h Handler) {
	switch {
	case kind == "" || len(kind) > lms.MaxJobKindLen:
		panic(fmt.Sprintf("jobs: invalid kind %q", kind))
	case h == nil:
		panic("jobs: nil handler for " + kind)
	case r.handlers[kind] != nil:
		panic("jobs: kind " + kind + " registered twice")
	case r.started.Load():
		panic("jobs: Register(" + kind + ") after the runner started")
	}
	r.handlers[kind] = h
	r.kinds = append(r.kinds, kind)
}

// Run runs due jobs until ctx ends: it claims as many as it has free
// handlers (Concurrency) every PollInterval, and at once again while it
// finds a full batch. When ctx ends it stops claiming and waits up to
// DrainTimeout for running handlers, then cancels their contexts and waits
// briefly for them to return; a job whose handler has not returned by then
// is run again elsewhere when its lease runs out. Run returns nil then; an
// error only if the runner is already running.
func (r *Runner) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("jobs: Run called twice")
	}
	defer r.running.Store(false)
	r.started.Store(true)
	// Handlers outlive ctx by up to DrainTimeout: they get their own context.
	hctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, r.p.Concurrency) // one token per running handler
		freed = make(chan struct{}, 1)               // a handler finished since the last look
	)
	tick := time.NewTicker(r.p.PollInterval)
	defer tick.Stop()
	for ctx.Err() == nil {
		free := cap(slots) - len(slots)
		var jobs []*lms.Job
		if free > 0 {
			jobs = r.claim(ctx, free)
		}
		for _, j := range jobs {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() {
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
				r.execute(hctx, j)
			})
		}
		// Every handler busy, or a full batch claimed (more may be due):
		// look again as soon as a handler is free, not at the next tick,
		// or a backlog drains at Concurrency jobs per PollInterval.
		var wake <-chan struct{}
		if free == 0 || len(jobs) == free {
			wake = freed
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		case <-wake:
		}
	}
	r.drain(&wg, stop)
	return nil
}

// drain waits for running handlers, bounded: DrainTimeout, then cancel
// and abandonTimeout more.
func (r *Runner) drain(wg *sync.WaitGroup, stop context.CancelFunc) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(r.p.DrainTimeout)
	defer timer.Stop()
	select {
	case <-done:
		return
	case <-timer.C:
	}
	r.log.Warn().Dur("waited", r.p.DrainTimeout).Msg("jobs still running at shutdown: cancelling them")
	stop()
	timer.Reset(abandonTimeout)
	select {
	case <-done:
	case <-timer.C:
		r.log.Error().Msg("jobs ignored cancellation at shutdown: left to run again elsewhere when their lease ends")
	}
}

// Poll claims the jobs due now (up to Concurrency), runs them and waits for
// them, and returns how many it ran. Run does this on a timer; Poll is for
// tests and tools that drive the runner themselves.
func (r *Runner) Poll(ctx context.Context) (int, error) {
	r.started.Store(true)
	jobs, err := r.claimDue(ctx, r.p.Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { r.execute(ctx, j) })
	}
	wg.Wait()
	return len(jobs), err
}

// claim is claimDue for Run: a failure is logged and retried at the next
// poll.
func (r *Runner) claim(ctx context.Context, limit int) []*lms.Job {
	jobs, err := r.claimDue(ctx, limit)
	if err != nil && ctx.Err() == nil {
		r.log.Warn().Err(err).Msg("claiming due jobs failed; trying again at the next poll")
	}
	return jobs
}

// claimDue claims up to limit due jobs of the registered kinds.
func (r *Runner) claimDue(ctx context.Context, limit int) ([]*lms.Job, error) {
	if len(r.kinds) == 0 {
		return nil, nil
	}
	cctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	now := r.p.Clock()
	jobs, err := r.p.Store.ClaimDueJobs(cctx, store.JobClaim{Now: now, Worker: r.p.Worker, Lease: r.p.Lease,
		Kinds: r.kinds, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	for _, j := range jobs {
		if j.RunAt.IsZero() {
			continue
		}
		r.metrics.lag.WithLabelValues(j.Kind).Observe(max(now.Sub(j.RunAt), 0).Seconds())
	}
	return jobs, nil
}
