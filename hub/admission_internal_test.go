package hub

import (
	"testing"
	"time"
)

// slowLane is an admission whose lane never comes round during a test (one
// upgrade per 1,000 s): the test lets upgrades through itself.
func slowLane(t *testing.T, burst int, wait time.Duration) *admission {
	t.Helper()
	a := newAdmission(Config{AdmitRate: 0.001, AdmitBurst: burst, AdmitWait: wait})
	t.Cleanup(func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.lane != nil {
			a.lane.Stop()
		}
	})
	return a
}

func isReady(w *admitWaiter) bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// TestAdmissionLane: while the node delivers, a burst goes at once; then
// upgrades queue in arrival order, one whose turn would be more than
// AdmitWait away is refused without queueing, and the lane lets exactly one
// through per turn, however late the turn comes: a late lane is no burst.
func TestAdmissionLane(t *testing.T) {
	const iv = 1000 * time.Second
	a := slowLane(t, 2, 3500*time.Second)
	t0 := time.Now()
	a.delivered(t0)
	for i := range 2 {
		if w, wait, ok := a.reserve(t0); w != nil || wait != 0 || !ok {
			t.Fatalf("burst upgrade %d: waiter %v wait %v ok %v, want at once", i, w, wait, ok)
		}
	}
	var ws []*admitWaiter
	for i := range 3 {
		w, wait, ok := a.reserve(t0)
		if w == nil || !ok || wait != time.Duration(i+1)*iv {
			t.Fatalf("queued upgrade %d: waiter %v wait %v ok %v, want its turn %v away", i, w, wait, ok, time.Duration(i+1)*iv)
		}
		ws = append(ws, w)
	}
	if w, wait, ok := a.reserve(t0); w != nil || ok || wait != 4*iv {
		t.Fatalf("past AdmitWait: waiter %v wait %v ok %v, want refused, 4 turns away", w, wait, ok)
	}
	// The second gives up; the lane skips it. Each turn lets one through.
	if !a.abandon(ws[1]) {
		t.Fatal("abandoning a waiting upgrade reported it let through")
	}
	a.letOneThrough()
	if !isReady(ws[0]) || isReady(ws[2]) {
		t.Fatalf("first turn: ready %v %v, want only the first", isReady(ws[0]), isReady(ws[2]))
	}
	if a.abandon(ws[0]) {
		t.Fatal("abandoning an upgrade let through reported it waiting")
	}
	// A newcomer queues behind the one still waiting, even with the
	// allowance it would have had on an empty queue.
	late := t0.Add(10 * iv)
	a.delivered(late)
	wNew, wait, ok := a.reserve(late)
	if wNew == nil || !ok || wait != 2*iv {
		t.Fatalf("newcomer behind a waiter: waiter %v wait %v ok %v, want queued 2 turns away", wNew, wait, ok)
	}
	a.letOneThrough() // however late: one, in arrival order
	if !isReady(ws[2]) || isReady(wNew) {
		t.Fatalf("second turn: ready %v %v, want only the earlier", isReady(ws[2]), isReady(wNew))
	}
	a.letOneThrough()
	if !isReady(wNew) {
		t.Fatal("third turn: the newcomer is still waiting")
	}
	a.mu.Lock()
	armed := a.lane != nil
	a.mu.Unlock()
	if armed {
		t.Error("the lane is still armed with nobody waiting")
	}
}

// TestAdmissionAllowanceRefillsWhileNobodyWaits: after a turn the allowance
// starts from nothing and refills at the rate, up to the burst; an idle node
// (nothing delivered for admitIdle) admits at once.
func TestAdmissionAllowanceRefillsWhileNobodyWaits(t *testing.T) {
	const iv = 1000 * time.Second
	a := slowLane(t, 3, time.Hour*24)
	t0 := time.Now()
	a.delivered(t0)
	for range 3 {
		a.reserve(t0)
	}
	w, _, _ := a.reserve(t0)
	if w == nil {
		t.Fatal("the fourth upgrade went at once with a burst of 3")
	}
	a.letOneThrough()
	<-w.ready
	// Refilled by 1.5 turns since the lane's turn: one at once, not two.
	a.mu.Lock()
	then := a.refilled.Add(iv * 3 / 2)
	a.mu.Unlock()
	a.delivered(then)
	if w, _, _ := a.reserve(then); w != nil {
		t.Fatal("no upgrade at once 1.5 turns after the lane's turn")
	}
	if w, _, _ := a.reserve(then); w == nil {
		t.Fatal("a second upgrade at once 1.5 turns after the lane's turn")
	} else if !a.abandon(w) {
		t.Fatal("abandon")
	}
	// Much later: the allowance is back to the burst, and no more.
	later := then.Add(100 * iv)
	a.delivered(later)
	for i := range 3 {
		if w, _, _ := a.reserve(later); w != nil {
			t.Fatalf("burst again, upgrade %d queued", i)
		}
	}
	if w, _, _ := a.reserve(later); w == nil {
		t.Fatal("a fourth upgrade at once: the allowance grew past the burst")
	}
	// Nothing delivered for admitIdle: nothing to protect, no wait.
	idle := later.Add(admitIdle + time.Millisecond)
	for i := range 10 {
		if w, wait, ok := a.reserve(idle); w != nil || wait != 0 || !ok {
			t.Fatalf("idle node, upgrade %d: waiter %v wait %v ok %v", i, w, wait, ok)
		}
	}
}

func TestAdmissionOff(t *testing.T) {
	a := newAdmission(Config{AdmitRate: -1}.WithDefaults())
	a.delivered(time.Now())
	for i := range 1000 {
		if w, wait, ok := a.reserve(time.Now()); w != nil || !ok || wait != 0 {
			t.Fatalf("upgrade %d: waiter %v wait %v ok %v", i, w, wait, ok)
		}
	}
}
