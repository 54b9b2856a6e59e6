package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/store"
)

// Login rate-limit defaults.
const (
	DefaultAccountFailures = 5                // failures per account name before back-off starts
	DefaultIPFailures      = 20               // failures per client IP before back-off starts (IPs are shared by classrooms)
	DefaultDeviceFailures  = 5                // failures per trusted device (device cookie) before its own back-off starts
	DefaultFailureWindow   = 15 * time.Minute // failures older than this (after any block) are forgotten
	DefaultBackoffBase     = 30 * time.Second // first block; doubles per further failure
	DefaultBackoffCap      = 15 * time.Minute // longest block
)

// RateLimitParams tune the login limits. Zero fields take the defaults.
type RateLimitParams struct {
	AccountFailures int
	IPFailures      int
	DeviceFailures  int
	Window          time.Duration
	BackoffBase     time.Duration
	BackoffCap      time.Duration
}

func (p RateLimitParams) withDefaults() RateLimitParams {
	if p.AccountFailures <= 0 {
		p.AccountFailures = DefaultAccountFailures
	}
	if p.IPFailures <= 0 {
		p.IPFailures = DefaultIPFailures
	}
	if p.DeviceFailures <= 0 {
		p.DeviceFailures = DefaultDeviceFailures
	}
	if p.Window <= 0 {
		p.Window = DefaultFailureWindow
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = DefaultBackoffBase
	}
	if p.BackoffCap <= 0 {
		p.BackoffCap = DefaultBackoffCap
	}
	return p
}

// backoff returns the block after the failure that is `over` failures past
// the threshold (0: the failure that reached it): BackoffBase doubled per
// further failure, at most BackoffCap.
func (p RateLimitParams) backoff(over int) time.Duration {
	block := p.BackoffBase
	for i := 0; i < over && block < p.BackoffCap; i++ {
		block *= 2
	}
	return min(block, p.BackoffCap)
}

// throttle counts failed sign-ins per key ("acct:<login>", "ip:<addr>",
// "dev:<device id>") in the shared store, so a limit reached through one
// node holds on every node (docs/architecture.md, "Login limits").
type throttle struct {
	st store.LoginThrottle
	p  RateLimitParams
}

// retryAfter returns how long the caller must wait before trying any of
// keys again, 0 when allowed.
func (t *throttle) retryAfter(ctx context.Context, now time.Time, keys ...string) (time.Duration, error) {
	cs, err := t.st.LoginCounters(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("auth: login limits: %w", err)
	}
	var wait time.Duration
	for _, c := range cs {
		if c.BlockedUntil.After(now) {
			wait = max(wait, c.BlockedUntil.Sub(now))
		}
	}
	return wait, nil
}

// fail records one failure of key; from the threshold-th failure in a
// window on, the key is blocked for a growing back-off.
func (t *throttle) fail(ctx context.Context, now time.Time, key string, threshold int) error {
	n, err := t.st.AddLoginFailure(ctx, key, now, now.Add(-t.p.Window))
	if err != nil {
		return fmt.Errorf("auth: count login failure: %w", err)
	}
	if n < threshold {
		return nil
	}
	if err := t.st.BlockLogin(ctx, key, now.Add(t.p.backoff(n-threshold))); err != nil {
		return fmt.Errorf("auth: block login: %w", err)
	}
	return nil
}

// reset forgets key (after a successful sign-in).
func (t *throttle) reset(ctx context.Context, key string) error {
	if err := t.st.ResetLoginFailures(ctx, key); err != nil {
		return fmt.Errorf("auth: reset login failures: %w", err)
	}
	return nil
}

// PruneLoginFailures deletes the failed sign-in counters that no longer
// count (last failure and block older than the window) and returns how
// many; cmd runs it periodically.
func (s *Service) PruneLoginFailures(ctx context.Context) (int, error) {
	return s.throttle.st.PruneLoginFailures(ctx, s.now().UTC().Add(-s.throttle.p.Window))
}
