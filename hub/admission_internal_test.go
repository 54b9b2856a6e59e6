package hub

import (
	"testing"
	"time"
)

// TestAdmissionSchedule: while the node delivers, upgrades get slots
// 1/rate apart after a burst taken at once; one whose slot is more than
// AdmitWait away is refused without taking a slot; an idle node (nothing
// delivered for admitIdle) admits at once.
func TestAdmissionSchedule(t *testing.T) {
	a := newAdmission(Config{AdmitRate: 10, AdmitBurst: 3, AdmitWait: 250 * time.Millisecond})
	t0 := time.Unix(1000, 0)
	a.delivered(t0)
	want := []time.Duration{0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond}
	for i, w := range want {
		got, ok := a.reserve(t0)
		if !ok || got != w {
			t.Fatalf("upgrade %d: wait %v ok %v, want %v true", i, got, ok, w)
		}
	}
	if got, ok := a.reserve(t0); ok || got != 300*time.Millisecond {
		t.Fatalf("past AdmitWait: wait %v ok %v, want 300ms false", got, ok)
	}
	// The refusal took no slot: 150 ms later the next slot is 150 ms away.
	if got, ok := a.reserve(t0.Add(150 * time.Millisecond)); !ok || got != 150*time.Millisecond {
		t.Fatalf("after a refusal: wait %v ok %v, want 150ms true", got, ok)
	}
	// A second later the schedule has caught up: the burst is back.
	t1 := t0.Add(time.Second)
	a.delivered(t1)
	for i := range 3 {
		if got, ok := a.reserve(t1); !ok || got != 0 {
			t.Fatalf("burst again, upgrade %d: wait %v ok %v", i, got, ok)
		}
	}
	if got, _ := a.reserve(t1); got != 100*time.Millisecond {
		t.Fatalf("after the new burst: wait %v, want 100ms", got)
	}
	// Nothing delivered for admitIdle: nothing to protect, no wait.
	idle := t1.Add(admitIdle + time.Millisecond)
	for i := range 10 {
		if got, ok := a.reserve(idle); !ok || got != 0 {
			t.Fatalf("idle node, upgrade %d: wait %v ok %v", i, got, ok)
		}
	}
}

func TestAdmissionOff(t *testing.T) {
	a := newAdmission(Config{AdmitRate: -1}.WithDefaults())
	a.delivered(time.Now())
	for i := range 1000 {
		if got, ok := a.reserve(time.Now()); !ok || got != 0 {
			t.Fatalf("upgrade %d: wait %v ok %v", i, got, ok)
		}
	}
}
