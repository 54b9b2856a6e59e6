package store

import (
	"context"
	"time"
)

// LoginCounter is the failed sign-in count of one key (an account name, a
// client address or a device), shared by every node.
type LoginCounter struct {
	Key          string
	Failures     int       // failures since the counter was last forgotten
	LastAt       time.Time // the latest failure (UTC)
	BlockedUntil time.Time // sign-in is refused until then; zero when never blocked
}

// LoginThrottle stores the failed sign-in counters the login limits read,
// so a limit reached on one node holds on every node. Keys are opaque to
// the store.
type LoginThrottle interface {
	// LoginCounters returns the counters of those keys that have one, in
	// no particular order.
	LoginCounters(ctx context.Context, keys []string) ([]*LoginCounter, error)
	// AddLoginFailure counts one failure of key at `at` in one atomic
	// statement and returns the new count. A counter whose LastAt and
	// BlockedUntil are both before staleBefore is forgotten first (the
	// count restarts at 1, the block is cleared).
	AddLoginFailure(ctx context.Context, key string, at, staleBefore time.Time) (int, error)
	// BlockLogin moves key's BlockedUntil to until unless it is already
	// later (concurrent blocks keep the longest); no-op without a counter.
	BlockLogin(ctx context.Context, key string, until time.Time) error
	// ResetLoginFailures forgets key's counter (no-op without one).
	ResetLoginFailures(ctx context.Context, key string) error
	// PruneLoginFailures removes the counters whose LastAt and BlockedUntil
	// are both before `before`, and returns how many.
	PruneLoginFailures(ctx context.Context, before time.Time) (int, error)
}
