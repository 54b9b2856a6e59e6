package main

import (
	"runtime"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fakeGC is runtime/debug.SetGCPercent over a variable.
type fakeGC struct{ percent int }

func (f *fakeGC) set(p int) int { old := f.percent; f.percent = p; return old }

func TestTheCollectorIsRelaxedWhileACrowdConnects(t *testing.T) {
	const mib = 1 << 20
	crowded, live := false, uint64(16*mib)
	gc := &fakeGC{percent: 100}
	g := &gcRelaxer{crowded: func(time.Time) bool { return crowded }, setGC: gc.set,
		liveHeap: func() uint64 { return live }, headroom: 256 * mib, log: zerolog.Nop()}
	now := time.Now()
	g.step(now)
	if gc.percent != 100 {
		t.Fatalf("no crowd: GOGC %d, want 100", gc.percent)
	}
	// 256 MiB of room over a 16 MiB live heap: GOGC 1600.
	crowded = true
	g.step(now)
	if gc.percent != 1600 {
		t.Fatalf("crowded, 16 MiB live: GOGC %d, want 1600", gc.percent)
	}
	// The live heap grows with the connections: the room stays 256 MiB.
	live = 64 * mib
	g.step(now)
	if gc.percent != 400 {
		t.Fatalf("crowded, 64 MiB live: GOGC %d, want 400", gc.percent)
	}
	// A large heap is not collected more often than usual.
	live = 1024 * mib
	g.step(now)
	if gc.percent != 100 {
		t.Fatalf("crowded, 1 GiB live: GOGC %d, want the usual 100", gc.percent)
	}
	// A tiny heap is bounded.
	live = 1024
	g.step(now)
	if gc.percent != gcRelaxMax {
		t.Fatalf("crowded, 1 KiB live: GOGC %d, want %d", gc.percent, gcRelaxMax)
	}
	crowded = false
	g.step(now)
	if gc.percent != 100 || g.relaxed {
		t.Fatalf("after the crowd: GOGC %d (relaxed %v), want 100 again", gc.percent, g.relaxed)
	}

	// A collector the operator turned off stays off.
	gc.percent = -1
	crowded = true
	g.step(now)
	if gc.percent != -1 || g.relaxed {
		t.Fatalf("GOGC=off: %d (relaxed %v), want it left off", gc.percent, g.relaxed)
	}
	// Stopping restores a relaxed collector.
	gc.percent, live = 50, 16*mib
	g.step(now)
	g.restore()
	if gc.percent != 50 {
		t.Fatalf("restored to %d, want 50", gc.percent)
	}
	runtime.GC() // the live heap is known after a collection
	if liveHeapBytes() == 0 {
		t.Error("the runtime's live heap reads 0 after a collection")
	}
}
