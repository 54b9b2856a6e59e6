package hub

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// admission paces new connections (see Config.AdmitRate) while the node is
// delivering: each upgrade reserves the next slot of a schedule spaced
// 1/AdmitRate apart and waits for it, so a crowd of reconnecting clients (a
// node stopped under its clients, a network blip) becomes a steady stream
// the node absorbs beside its established connections instead of a burst
// that delays their deliveries. Slots are handed out in arrival order; an
// upgrade whose slot is more than AdmitWait away is refused at once (503
// with Retry-After) rather than held. A node that delivered nothing for
// admitIdle has no deliveries to protect and admits at once.
//
// The schedule is one timestamp under a mutex and the last delivery one
// atomic: no goroutine, no ticker, nothing held by an idle node.
type admission struct {
	interval time.Duration // between two admissions; 0: admit at once
	slack    time.Duration // how far behind now the schedule may lag: the burst
	maxWait  time.Duration

	lastDelivery atomic.Int64 // UnixNano of the last publication queued to a local subscriber
	lastWait     atomic.Int64 // UnixNano of the last upgrade that had to wait for its slot
	waiting      atomic.Int64 // upgrades waiting for their slot now

	mu   sync.Mutex
	next time.Time // the next free slot
}

// admitIdle is how long after its last delivery a node stops pacing.
const admitIdle = time.Second

// delivered notes a publication queued to local subscribers at now.
func (a *admission) delivered(now time.Time) { a.lastDelivery.Store(now.UnixNano()) }

func newAdmission(cfg Config) *admission {
	if cfg.AdmitRate <= 0 {
		return &admission{}
	}
	iv := time.Duration(float64(time.Second) / cfg.AdmitRate)
	return &admission{interval: iv, slack: time.Duration(cfg.AdmitBurst-1) * iv, maxWait: cfg.AdmitWait}
}

// reserve takes the next slot and returns how long from now it is, or false
// (taking nothing) when that is longer than maxWait.
func (a *admission) reserve(now time.Time) (time.Duration, bool) {
	if a.interval == 0 || now.UnixNano()-a.lastDelivery.Load() > int64(admitIdle) {
		return 0, true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	slot := a.next
	if floor := now.Add(-a.slack); slot.Before(floor) {
		slot = floor
	}
	wait := max(0, slot.Sub(now))
	if wait > a.maxWait {
		return wait, false
	}
	a.next = slot.Add(a.interval)
	return wait, true
}

// admit waits for the caller's slot. It returns false, with how long to
// wait before trying again, when the slot is too far away, or when ctx ends
// (the client gave up; its slot goes unused) or the hub starts shutting
// down first.
func (h *Hub) admit(ctx context.Context) (retryAfter time.Duration, ok bool) {
	wait, ok := h.admission.reserve(time.Now())
	if !ok {
		h.m.admissionRefused.Inc()
		return wait, false
	}
	h.m.admissionWait.Observe(wait.Seconds())
	if wait <= 0 {
		return 0, true
	}
	h.admission.lastWait.Store(time.Now().UnixNano())
	h.admission.waiting.Add(1)
	h.m.admissionWaiting.Inc()
	defer func() {
		h.admission.waiting.Add(-1)
		h.m.admissionWaiting.Dec()
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return 0, true
	case <-ctx.Done():
		return 0, false
	case <-h.closing:
		return 0, false
	}
}

// crowdQuiet is how long after the last upgrade that waited for its slot
// the node is no longer crowded (Crowded).
const crowdQuiet = time.Second

// Crowded reports whether the node is absorbing a crowd of new connections
// (a reconnect storm): upgrades are waiting for their admission slots now,
// or one did within the last second. The composition root uses it to
// collect garbage less often meanwhile (cmd/lyceum's gcRelaxer): every
// arriving connection grows the live heap, and with a small heap goal the
// collector's mark assists stall the deliveries to the connections already
// here (docs/benchmarks.md, the storm with GODEBUG=gctrace=1).
func (h *Hub) Crowded(now time.Time) bool {
	return h.admission.waiting.Load() > 0 || now.UnixNano()-h.admission.lastWait.Load() < int64(crowdQuiet)
}
