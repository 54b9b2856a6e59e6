package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so the runner gives the job up at once instead of
// retrying it (e.g. its payload cannot be read). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// errLeaseLost is the outcome of a job whose earlier runs never reported
// back (their node died or hung past the lease) once it has no attempt left.
var errLeaseLost = errors.New("its last run did not finish before its lease ran out")

// execute runs one claimed job and records the outcome in the store.
func (r *Runner) execute(ctx context.Context, j *lms.Job) {
	log := r.log.With().Str("kind", j.Kind).Str("key", j.Key).Int64("job", j.ID).Int("attempt", j.Attempts).Logger()
	if j.Attempts > r.p.MaxAttempts { // claimed again after a lost lease with no attempt left
		r.finish(ctx, log, j, Permanent(errLeaseLost))
		return
	}
	r.metrics.running.Inc()
	hctx, cancel := context.WithTimeout(ctx, r.p.Timeout)
	start := time.Now()
	err := call(hctx, r.handlers[j.Kind], j)
	cancel()
	r.metrics.running.Dec()
	result := "ok"
	if err != nil {
		result = "error"
	}
	r.metrics.runs.WithLabelValues(j.Kind, result).Inc()
	r.metrics.duration.WithLabelValues(j.Kind).Observe(time.Since(start).Seconds())
	r.finish(ctx, log, j, err)
}

// call runs h, turning a panic into an error.
func call(ctx context.Context, h Handler, j *lms.Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, j)
}

// finish completes, retries or gives up j after a run that returned err.
// A claim that was lost meanwhile (the job was cancelled, rescheduled, or
// completed by the handler's own transaction) is not an error.
func (r *Runner) finish(ctx context.Context, log zerolog.Logger, j *lms.Job, err error) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	var (
		serr error
		what string
	)
	now := r.p.Clock()
	switch {
	case err == nil:
		serr, what = r.p.Store.CompleteJob(sctx, j), "complete"
		log.Debug().Msg("job done")
	case errors.As(err, new(permanentError)) || j.Attempts >= r.p.MaxAttempts:
		serr, what = r.p.Store.FailJob(sctx, j, errorText(err), now), "give up"
		if serr == nil {
			r.metrics.failed.WithLabelValues(j.Kind).Inc()
			log.Error().Err(err).Msg("job failed for good: kept as failed, not retried")
		}
	default:
		at := now.Add(r.backoff(j.Attempts))
		serr, what = r.p.Store.RetryJob(sctx, j, errorText(err), at), "retry"
		log.Warn().Err(err).Time("retry_at", at).Msg("job failed; it will be retried")
	}
	switch {
	case serr == nil:
	case lms.IsCode(serr, lms.ENOTFOUND):
		log.Debug().Str("outcome", what).Msg("job was completed, cancelled, rescheduled or taken over while it ran")
	default:
		log.Error().Err(serr).Str("outcome", what).
			Msg("recording the job's outcome failed: it runs again when its lease ends")
	}
}

// backoff is the wait before retrying after the attempt-th run failed:
// Backoff, doubling each time, at most MaxBackoff.
func (r *Runner) backoff(attempt int) time.Duration {
	d := r.p.Backoff
	for i := 1; i < attempt && d < r.p.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.p.MaxBackoff)
}

// errorText is err's message, cut to maxErrorLen bytes on a rune boundary.
func errorText(err error) string {
	s := err.Error()
	if len(s) <= maxErrorLen {
		return s
	}
	n := maxErrorLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
