package hub

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// admission paces new connections (see Config.AdmitRate) while the node is
// delivering, so that a crowd of reconnecting clients (a node stopped under
// its clients, a network blip) becomes a steady stream the node absorbs
// beside its established connections instead of a burst that delays their
// deliveries. A node that delivered nothing for admitIdle has no deliveries
// to protect and admits at once.
//
// While the node delivers, AdmitBurst upgrades may go at once, the allowance
// refilling at AdmitRate while nobody waits; after that upgrades wait in a
// queue, in arrival order, and a lane lets them through one at a time,
// 1/AdmitRate after the previous one went. An upgrade whose turn would be
// more than AdmitWait away is refused at once (503 with Retry-After) rather
// than queued.
//
// The lane counts from when the previous upgrade actually went, not from a
// schedule fixed when each upgrade arrived (session 7): with a fixed schedule
// every upgrade slept on a timer of its own, and when the node's core was
// taken from it for a while (its collector, the kernel's network work, a long
// fan-out) all the timers that fell due meanwhile fired together, about forty
// upgrades at once in one trace. Their handshakes then ran ahead of the
// deliveries that had waited through the same stall, and Go's scheduler
// does not look at the network while it has goroutines to run, so the
// deliveries waited for all of them. A lane late for its turn lets one
// upgrade through, not the backlog.
//
// The queue is a slice and one timer under a mutex, the last delivery an
// atomic: no goroutine or ticker while nobody waits.
type admission struct {
	interval time.Duration // between two upgrades let through; 0: admit at once
	burst    float64       // upgrades admitted at once while nobody waits
	maxWait  time.Duration

	lastDelivery atomic.Int64 // UnixNano of the last publication queued to a local subscriber
	lastWait     atomic.Int64 // UnixNano of the last upgrade that had to wait for its turn

	mu       sync.Mutex
	tokens   float64        // upgrades that may go at once (at most burst)
	refilled time.Time      // when tokens were last brought up to date
	queue    []*admitWaiter // in arrival order; abandoned ones are skipped
	live     int            // waiters in queue not abandoned
	lane     *time.Timer    // lets the queue's head through; armed while someone waits
}

// admitWaiter is an upgrade waiting in the admission queue.
type admitWaiter struct {
	ready chan struct{} // closed when it may go
	gone  bool          // let through or abandoned (under admission.mu)
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
	b := float64(max(1, cfg.AdmitBurst))
	return &admission{interval: iv, burst: b, maxWait: cfg.AdmitWait, tokens: b}
}

// reserve admits an upgrade arriving at now at once (nil, 0, true), queues
// it (its waiter, about how long its turn is away, true), or refuses it,
// taking nothing (nil, how long its turn would be away, false).
func (a *admission) reserve(now time.Time) (*admitWaiter, time.Duration, bool) {
	if a.interval == 0 || now.UnixNano()-a.lastDelivery.Load() > int64(admitIdle) {
		return nil, 0, true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.live == 0 {
		if a.refilled.IsZero() {
			a.refilled = now
		}
		if d := now.Sub(a.refilled); d > 0 {
			a.tokens = min(a.burst, a.tokens+float64(d)/float64(a.interval))
			a.refilled = now
		}
		if a.tokens >= 1 {
			a.tokens--
			return nil, 0, true
		}
	}
	wait := time.Duration(a.live+1) * a.interval
	if wait > a.maxWait {
		return nil, wait, false
	}
	w := &admitWaiter{ready: make(chan struct{})}
	a.queue = append(a.queue, w)
	a.live++
	if a.lane == nil {
		a.lane = time.AfterFunc(a.interval, a.letOneThrough)
	}
	return w, wait, true
}

// letOneThrough is the lane: it lets the first waiter still waiting go, and
// arms itself for the next one 1/AdmitRate from now. It runs on a goroutine
// of its own (time.AfterFunc), which waits its turn to run behind whatever
// the node has to do: a busy node lets upgrades through more slowly than
// the rate (a lane that caught up, twice as fast after a late turn, was
// tried and dropped: docs/benchmarks.md, session 7).
func (a *admission) letOneThrough() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	for len(a.queue) > 0 {
		w := a.queue[0]
		a.queue[0] = nil
		a.queue = a.queue[1:]
		if w.gone {
			continue
		}
		w.gone = true
		a.live--
		close(w.ready)
		break
	}
	// The allowance starts again from this turn: it refills only while
	// nobody waits.
	a.tokens, a.refilled = 0, now
	if a.live == 0 {
		a.queue, a.lane = nil, nil
		return
	}
	a.lane.Reset(a.interval)
}

// abandon takes w out of the queue (its client gave up, or the hub is
// shutting down); reports false if it had been let through already.
func (a *admission) abandon(w *admitWaiter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.gone {
		return false
	}
	w.gone = true
	a.live--
	return true
}

// admit waits for the caller's turn. It returns false, with how long to
// wait before trying again, when the turn is too far away, or when ctx ends
// (the client gave up) or the hub starts shutting down first.
func (h *Hub) admit(ctx context.Context) (retryAfter time.Duration, ok bool) {
	w, wait, ok := h.admission.reserve(time.Now())
	if !ok {
		h.m.admissionRefused.Inc()
		return wait, false
	}
	if w == nil {
		h.m.admissionWait.Observe(0)
		return 0, true
	}
	start := time.Now()
	h.admission.lastWait.Store(start.UnixNano())
	h.m.admissionWaiting.Inc()
	defer h.m.admissionWaiting.Dec()
	select {
	case <-w.ready:
		h.m.admissionWait.Observe(time.Since(start).Seconds())
		return 0, true
	case <-ctx.Done():
	case <-h.closing:
	}
	if !h.admission.abandon(w) { // let through just as it gave up: the turn goes unused
		h.m.admissionWait.Observe(time.Since(start).Seconds())
	}
	return 0, false
}

// crowdQuiet is how long after the last upgrade that waited for its turn
// the node is no longer crowded (Crowded).
const crowdQuiet = time.Second

// Crowded reports whether the node is absorbing a crowd of new connections
// (a reconnect storm): upgrades are waiting for their admission turn now,
// or one did within the last second. The composition root uses it to
// collect garbage less often meanwhile (cmd/lyceum's gcRelaxer): every
// arriving connection grows the live heap, and with a small heap goal the
// collector's mark assists stall the deliveries to the connections already
// here (docs/benchmarks.md, the storm with GODEBUG=gctrace=1).
func (h *Hub) Crowded(now time.Time) bool {
	return now.UnixNano()-h.admission.lastWait.Load() < int64(crowdQuiet) || h.admission.queued() > 0
}

// queued reports how many upgrades wait in the queue now.
func (a *admission) queued() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.live
}
