package auth

import (
	"container/list"
	"sync"
	"time"
)

// Login rate-limit defaults.
const (
	DefaultAccountFailures   = 5                // failures per account before back-off starts
	DefaultIPFailures        = 20               // failures per client IP before back-off starts (IPs are shared by classrooms)
	DefaultFailureWindow     = 15 * time.Minute // failures older than this (after any block) are forgotten
	DefaultBackoffBase       = 30 * time.Second // first block; doubles per further failure
	DefaultBackoffCap        = 15 * time.Minute // longest block
	DefaultLimiterMaxEntries = 10000            // tracked keys per node; the least recently failed are evicted
)

// RateLimitParams tune the login limiter. Zero fields take the defaults.
type RateLimitParams struct {
	AccountFailures int
	IPFailures      int
	Window          time.Duration
	BackoffBase     time.Duration
	BackoffCap      time.Duration
	MaxEntries      int
}

func (p RateLimitParams) withDefaults() RateLimitParams {
	if p.AccountFailures <= 0 {
		p.AccountFailures = DefaultAccountFailures
	}
	if p.IPFailures <= 0 {
		p.IPFailures = DefaultIPFailures
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
	if p.MaxEntries <= 0 {
		p.MaxEntries = DefaultLimiterMaxEntries
	}
	return p
}

// failureEntry counts the recent failures of one key.
type failureEntry struct {
	key          string
	failures     int
	last         time.Time // last failure
	blockedUntil time.Time
}

// limiter is an in-memory (per node), size-bounded failure counter with
// exponential back-off. Keys are "ip:<addr>" and "acct:<login>".
type limiter struct {
	p RateLimitParams

	mu      sync.Mutex               // guards entries and lru
	entries map[string]*list.Element // key -> element whose Value is *failureEntry
	lru     *list.List               // front: most recently failed
}

func newLimiter(p RateLimitParams) *limiter {
	return &limiter{p: p.withDefaults(), entries: make(map[string]*list.Element), lru: list.New()}
}

// live returns the entry for key if it still counts at now, dropping a
// stale one. Callers hold l.mu.
func (l *limiter) live(key string, now time.Time) *failureEntry {
	el, ok := l.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*failureEntry)
	ref := e.last
	if e.blockedUntil.After(ref) {
		ref = e.blockedUntil
	}
	if now.Sub(ref) > l.p.Window {
		l.lru.Remove(el)
		delete(l.entries, key)
		return nil
	}
	return e
}

// retryAfter returns how long the caller must wait before trying any of
// keys again, 0 when allowed.
func (l *limiter) retryAfter(now time.Time, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if e := l.live(k, now); e != nil && e.blockedUntil.After(now) {
			wait = max(wait, e.blockedUntil.Sub(now))
		}
	}
	return wait
}

// fail records one failure for key with the given threshold.
func (l *limiter) fail(now time.Time, key string, threshold int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.live(key, now)
	if e == nil {
		for len(l.entries) >= l.p.MaxEntries {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.entries, oldest.Value.(*failureEntry).key)
		}
		e = &failureEntry{key: key}
		l.entries[key] = l.lru.PushFront(e)
	} else {
		l.lru.MoveToFront(l.entries[key])
	}
	e.failures++
	e.last = now
	if e.failures >= threshold {
		block := l.p.BackoffBase
		for i := threshold; i < e.failures && block < l.p.BackoffCap; i++ {
			block *= 2
		}
		e.blockedUntil = now.Add(min(block, l.p.BackoffCap))
	}
}

// reset forgets key (after a successful login).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.entries[key]; ok {
		l.lru.Remove(el)
		delete(l.entries, key)
	}
}

// size returns the number of tracked keys (for tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
