package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fakeGC is runtime/debug.SetGCPercent over a variable.
type fakeGC struct{ percent int }

func (f *fakeGC) set(p int) int { old := f.percent; f.percent = p; return old }

func TestTheCollectorIsRelaxedWhileACrowdConnects(t *testing.T) {
	const mib = 1 << 20
	crowded, live, heap := false, uint64(16*mib), uint64(0)
	gc := &fakeGC{percent: 100}
	var collections []int     // GOGC at each collection the relaxer started
	afterCollect := uint64(0) // the live heap a collection measures
	g := &gcRelaxer{crowded: func(time.Time) bool { return crowded }, setGC: gc.set,
		percent:  func() int { return gc.percent },
		liveHeap: func() uint64 { return live }, heapNow: func() uint64 { return heap },
		collect: func() {
			collections = append(collections, gc.percent)
			live, heap = afterCollect, afterCollect
		}, headroom: 256 * mib, log: zerolog.Nop()}
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
	// After the crowd, with a heap near the usual goal: back to 100 at once,
	// no collection of the relaxer's.
	live, heap = 64*mib, 100*mib
	g.step(now)
	crowded = false
	g.step(now)
	if gc.percent != 100 || g.relaxed || len(collections) != 0 {
		t.Fatalf("after the crowd, heap within the goal: GOGC %d (relaxed %v, collections %v), want 100 and none",
			gc.percent, g.relaxed, collections)
	}

	// While crowded, once three quarters of the room are used (64 MiB live,
	// GOGC 400: goal 320 MiB, early from 256 MiB on), the relaxer collects
	// at once, still relaxed, and recomputes the room over the new live heap.
	crowded, heap = true, 200*mib
	g.step(now)
	if len(collections) != 0 {
		t.Fatalf("collected at %d of 320 MiB: %v", heap/mib, collections)
	}
	heap, afterCollect = 260*mib, 128*mib
	g.step(now)
	if len(collections) != 1 || collections[0] != 400 || gc.percent != 200 {
		t.Fatalf("near the goal: collections %v, GOGC %d; want one at GOGC 400, then 200 (256 MiB over 128)", collections, gc.percent)
	}
	// After the crowd, with the heap far over the usual goal (128 MiB live:
	// 256 MiB; the heap 300 MiB): a collection while still relaxed, then 100.
	heap, afterCollect = 300*mib, 130*mib
	crowded = false
	g.step(now)
	if len(collections) != 2 || collections[1] != 200 || gc.percent != 100 || g.relaxed {
		t.Fatalf("after the crowd: collections %v, GOGC %d (relaxed %v); want the second at GOGC 200, then 100",
			collections, gc.percent, g.relaxed)
	}
	live = 64 * mib

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
	old := debug.SetGCPercent(350)
	got := gcPercent()
	debug.SetGCPercent(-1)
	off := gcPercent()
	debug.SetGCPercent(old)
	if got != 350 || off != -1 {
		t.Errorf("gcPercent read %d and %d, want 350 and -1 (off)", got, off)
	}
	if liveHeapBytes() == 0 || heapObjectBytes() == 0 {
		t.Errorf("after a collection the runtime reads live heap %d, heap objects %d: want neither 0",
			liveHeapBytes(), heapObjectBytes())
	}
}
