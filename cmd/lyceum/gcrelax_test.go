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
	crowded, live, heap, cycles := false, uint64(16*mib), uint64(0), uint64(7)
	gc := &fakeGC{percent: 100}
	g := &gcRelaxer{crowded: func(time.Time) bool { return crowded }, setGC: gc.set,
		liveHeap: func() uint64 { return live }, heapNow: func() uint64 { return heap },
		cycles: func() uint64 { return cycles }, headroom: 256 * mib, log: zerolog.Nop()}
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
	// After the crowd, with a heap near the usual goal: back to 100 at once.
	live, heap = 64*mib, 100*mib
	g.step(now)
	crowded = false
	g.step(now)
	if gc.percent != 100 || g.relaxed {
		t.Fatalf("after the crowd, heap within the goal: GOGC %d (relaxed %v), want 100 again", gc.percent, g.relaxed)
	}

	// After a crowd that left 200 MiB of heap over 64 MiB live, the node
	// lands: the goal a quarter over the heap (250 MiB: GOGC 290) until a
	// collection has completed, then the usual percent.
	crowded, heap = true, 200*mib
	g.step(now)
	crowded = false
	g.step(now)
	if gc.percent != 290 || !g.landing {
		t.Fatalf("landing: GOGC %d (landing %v), want 290", gc.percent, g.landing)
	}
	heap = 240 * mib // the heap grows toward the goal: the percent stays
	g.step(now)
	if gc.percent != 290 {
		t.Fatalf("landing, no collection yet: GOGC %d, want 290 kept", gc.percent)
	}
	cycles++
	g.step(now)
	if gc.percent != 100 || g.relaxed || g.landing {
		t.Fatalf("landed: GOGC %d (relaxed %v, landing %v), want 100", gc.percent, g.relaxed, g.landing)
	}
	// A crowd returning while the node lands relaxes it again.
	crowded, heap = true, 200*mib
	g.step(now)
	crowded = false
	g.step(now)
	crowded = true
	g.step(now)
	if gc.percent != 400 || g.landing {
		t.Fatalf("a crowd again while landing: GOGC %d (landing %v), want 400 (256 MiB over 64)", gc.percent, g.landing)
	}
	crowded = false
	g.restore()

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
	if liveHeapBytes() == 0 || heapObjectBytes() == 0 || gcCycles() == 0 {
		t.Errorf("after a collection the runtime reads live heap %d, heap objects %d, cycles %d: want none 0",
			liveHeapBytes(), heapObjectBytes(), gcCycles())
	}
}
