package api

import (
	"sync"
	"time"
)

// Guest joins by PIN are limited per client address, so the million PINs
// cannot be walked: guestJoinBurst attempts, then one per
// guestJoinEvery. At most pinLimitClients addresses are tracked (the
// oldest entries go first when it is full).
const (
	guestJoinBurst  = 20
	guestJoinEvery  = 3 * time.Second
	pinLimitClients = 10_000
)

// pinLimiter is a token bucket per client address.
type pinLimiter struct {
	mu      sync.Mutex
	buckets map[string]*pinBucket // guarded by mu
}

type pinBucket struct {
	tokens float64
	last   time.Time
}

// allow takes one attempt for ip at now and reports whether it may go on,
// with the wait before the next attempt when not.
func (l *pinLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*pinBucket{}
	}
	b := l.buckets[ip]
	if b == nil {
		if len(l.buckets) >= pinLimitClients {
			for k, old := range l.buckets {
				if now.Sub(old.last) > guestJoinEvery*guestJoinBurst {
					delete(l.buckets, k)
				}
			}
			if len(l.buckets) >= pinLimitClients {
				clear(l.buckets)
			}
		}
		b = &pinBucket{tokens: guestJoinBurst, last: now}
		l.buckets[ip] = b
	}
	b.tokens = min(guestJoinBurst, b.tokens+now.Sub(b.last).Seconds()/guestJoinEvery.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(guestJoinEvery))
	}
	b.tokens--
	return true, 0
}
