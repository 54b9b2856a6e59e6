package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/rs/zerolog"
)

// gcRelaxTick is how often the gcRelaxer looks at the hub.
const gcRelaxTick = 250 * time.Millisecond

// gcRelaxMax bounds the relaxed GOGC.
const gcRelaxMax = 10000

// gcRelaxer collects garbage less often while the node absorbs a crowd of
// new connections (hub.Hub.Crowded: a reconnect storm, another node stopped
// under its clients): GOGC is raised so that the heap may hold headroom
// bytes of garbage over its live heap before the collector runs (never
// below the usual percent), until the crowd has passed; then it is set
// back.
//
// Why: each arriving connection grows the live heap (about 6 KB: 8 to 68
// MB for 10,000 in the storm), so with the usual percent the collector runs
// every three quarters of a second or so while ten thousand arrive, and when the heap outgrows the collector's plan, its mark
// assists make the goroutines that allocate, deliveries to the connections
// already here included, wait for it, up to the whole marking phase (100–300
// ms on one CPU; docs/benchmarks.md, the storm with GODEBUG=gctrace=1). With
// a fixed headroom the collector runs about once per headroom allocated,
// however small the heap. The price is memory, for the crowd's length, and
// it is bounded by headroom rather than by a multiple of the heap: a node
// whose live heap is large already is hardly relaxed. A GOGC the operator
// turned off is left alone; GOMEMLIMIT still bounds the heap.
//
// After the crowd the percent is not set back at once: the heap then holds
// up to headroom bytes of garbage, far over the usual goal, and a
// collection that starts past its goal makes every allocating goroutine
// assist it until the marking ends (the runtime's pacer leaves them no
// runway), a stall of the whole marking phase just as the crowd has been
// absorbed. Instead the node lands: the goal is set a quarter over the heap
// it has now, so the next collection starts with room to run beside the
// deliveries, and once that collection has completed the usual percent
// comes back, over a live heap it has just measured.
//
// The collector's percent belongs to the process, so this lives in the
// composition root; the hub only reports the crowd.
type gcRelaxer struct {
	crowded  func(time.Time) bool
	setGC    func(int) int // runtime/debug.SetGCPercent
	liveHeap func() uint64 // bytes of live heap after the last collection
	heapNow  func() uint64 // bytes of heap objects now, live or not yet collected
	cycles   func() uint64 // collections completed so far
	headroom uint64
	log      zerolog.Logger

	relaxed   bool
	landing   bool   // the crowd has passed; waiting for one collection before restoring
	landAfter uint64 // cycles() when the landing began
	base      int    // the percent before relaxing
	cur       int    // the percent set while relaxed or landing
}

// step relaxes, adjusts or restores the collector for the hub's state at now.
func (g *gcRelaxer) step(now time.Time) {
	crowded := g.crowded(now)
	if !crowded {
		g.land()
		return
	}
	g.landing = false
	if !g.relaxed {
		base := g.setGC(-1) // read it (off for the moment between the two calls)
		g.setGC(base)
		if base < 0 {
			return // off already: nothing to relax
		}
		g.relaxed, g.base, g.cur = true, base, base
	}
	want := g.base
	if live := g.liveHeap(); live > 0 {
		room := min(g.headroom, 1<<40) // 100 × room stays far from overflowing
		want = max(g.base, int(min(uint64(gcRelaxMax), 100*room/live)))
	}
	if want != g.cur {
		g.setGC(want)
		g.log.Debug().Int("gogc", want).Msg("a crowd is connecting: collecting garbage less often")
		g.cur = want
	}
}

// land sets the percent back once the heap is near the usual goal: at
// the first step after a crowd, the goal is set a quarter over the heap as
// it is now (never above the relaxed percent, never below the usual one);
// when the collection that goal starts has completed, restore.
func (g *gcRelaxer) land() {
	if !g.relaxed {
		return
	}
	if g.landing {
		if g.cycles() > g.landAfter {
			g.restore()
		}
		return
	}
	live := g.liveHeap()
	if live == 0 {
		g.restore()
		return
	}
	goal := g.heapNow() / 4 * 5
	want := min(g.cur, max(g.base, int(min(uint64(gcRelaxMax), 100*goal/live))-100))
	if want == g.base {
		g.restore() // the heap is within the usual goal: nothing to land
		return
	}
	g.landing, g.landAfter = true, g.cycles()
	if want != g.cur {
		g.setGC(want)
		g.cur = want
	}
	g.log.Debug().Int("gogc", want).Msg("the crowd has passed: one collection before the usual percent")
}

// restore sets the collector's percent back if it is relaxed.
func (g *gcRelaxer) restore() {
	g.landing = false
	if !g.relaxed {
		return
	}
	if g.cur != g.base {
		g.setGC(g.base)
		g.log.Debug().Int("gogc", g.base).Msg("the crowd has passed: collecting garbage as usual")
	}
	g.relaxed = false
}

// run steps every gcRelaxTick until ctx ends, then restores.
func (g *gcRelaxer) run(ctx context.Context) {
	t := time.NewTicker(gcRelaxTick)
	defer t.Stop()
	defer g.restore()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			g.step(now)
		}
	}
}

// readRuntimeMetric reads one uint64 metric of runtime/metrics (0 if the
// runtime does not have it).
func readRuntimeMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// liveHeapBytes reads the runtime's live heap after the last collection.
func liveHeapBytes() uint64 { return readRuntimeMetric("/gc/heap/live:bytes") }

// heapObjectBytes reads the bytes of heap objects now, the garbage not yet
// collected included (what the collector's goal is compared with).
func heapObjectBytes() uint64 { return readRuntimeMetric("/memory/classes/heap/objects:bytes") }

// gcCycles reads the number of completed collections.
func gcCycles() uint64 { return readRuntimeMetric("/gc/cycles/total:gc-cycles") }

// startGCRelaxer runs a gcRelaxer over crowded (the hub's Crowded) until
// the node shuts down, when the collector's percent is set back. A headroom
// of 0 (LYCEUM_GC_CROWD_HEADROOM) runs none.
func (n *node) startGCRelaxer(ctx context.Context, crowded func(time.Time) bool) {
	if n.cfg.GCCrowdHeadroom == 0 {
		return
	}
	g := &gcRelaxer{crowded: crowded, setGC: debug.SetGCPercent, liveHeap: liveHeapBytes,
		heapNow: heapObjectBytes, cycles: gcCycles, headroom: n.cfg.GCCrowdHeadroom, log: n.log.With().Str("component", "gc").Logger()}
	n.background(ctx, g.run)
}
