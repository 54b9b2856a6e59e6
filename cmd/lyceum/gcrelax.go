package main

import (
	"context"
	"runtime"
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
// The collections the relaxer lets through are started by the relaxer
// itself, early (runtime.GC from its own goroutine), not by the runtime at
// the goal. The runtime's pacer starts a collection a short runway before
// its goal, a runway measured on the last, small cycle; a collection over a
// heap grown tenfold since then runs past its goal, and past the goal the
// pacer leaves allocating goroutines no runway at all: every allocation
// assists the marking, deliveries included, a stall of the whole marking
// phase (session 6: 47 ms of assists, 146–279 ms slow half-seconds, at the
// collection that reached the 256 MiB goal). Started early, a
// collection has the rest of the headroom as its runway, so the background
// worker marks beside the deliveries. So: while crowded, once the heap has
// used three quarters of the relaxed room, the relaxer collects at once;
// after the crowd it collects once more while still relaxed (the heap may
// hold up to headroom bytes of garbage, far over the usual goal: setting
// the usual percent back first would start exactly such a collection past
// its goal), then sets the usual percent back.
//
// The collector's percent belongs to the process, so this lives in the
// composition root; the hub only reports the crowd.
type gcRelaxer struct {
	crowded  func(time.Time) bool
	setGC    func(int) int // runtime/debug.SetGCPercent
	percent  func() int    // the percent set now (-1: off)
	liveHeap func() uint64 // bytes of live heap after the last collection
	heapNow  func() uint64 // bytes of heap objects now, live or not yet collected
	collect  func()        // runtime.GC: a collection now, the caller waiting for it
	headroom uint64
	log      zerolog.Logger

	relaxed bool
	base    int // the percent before relaxing
	cur     int // the percent set while relaxed
}

// step relaxes, adjusts or restores the collector for the hub's state at now.
func (g *gcRelaxer) step(now time.Time) {
	crowded := g.crowded(now)
	if !crowded {
		g.land()
		return
	}
	if !g.relaxed {
		base := g.percent()
		if base < 0 {
			return // off already: nothing to relax
		}
		g.relaxed, g.base, g.cur = true, base, base
	}
	live := g.liveHeap()
	if live > 0 && g.cur > g.base {
		goal := heapGoal(live, g.cur)
		if heap := g.heapNow(); heap >= live+(goal-live)/4*3 {
			g.log.Debug().Uint64("heap", heap).Uint64("goal", goal).Msg("a crowd is connecting: collecting early, with runway")
			g.collect()
			live = g.liveHeap()
		}
	}
	want := g.base
	if live > 0 {
		room := min(g.headroom, 1<<40) // 100 × room stays far from overflowing
		want = max(g.base, int(min(uint64(gcRelaxMax), 100*room/live)))
	}
	if want != g.cur {
		g.setGC(want)
		g.log.Debug().Int("gogc", want).Msg("a crowd is connecting: collecting garbage less often")
		g.cur = want
	}
}

// land ends a relaxation: a collection while the percent is still
// relaxed if the heap is over the usual goal by a tenth or more, then the
// usual percent.
func (g *gcRelaxer) land() {
	if !g.relaxed {
		return
	}
	if live := g.liveHeap(); g.cur > g.base && live > 0 {
		usual := heapGoal(live, g.base)
		if heap := g.heapNow(); heap > usual/10*11 {
			g.log.Debug().Uint64("heap", heap).Uint64("usual_goal", usual).Msg("the crowd has passed: collecting before the usual percent")
			g.collect()
		}
	}
	g.restore()
}

// restore sets the collector's percent back if it is relaxed.
func (g *gcRelaxer) restore() {
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

// heapGoal is the collector's goal over a live heap at percent (GOGC).
func heapGoal(live uint64, percent int) uint64 { return live * uint64(100+percent) / 100 }

// gcPercent reads the collector's percent (GOGC) without changing it; off
// reads as -1 (the metric's maximum value).
func gcPercent() int { return int(readRuntimeMetric("/gc/gogc:percent")) }

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

// startGCRelaxer runs a gcRelaxer over crowded (the hub's Crowded) until
// the node shuts down, when the collector's percent is set back. A headroom
// of 0 (LYCEUM_GC_CROWD_HEADROOM) runs none.
func (n *node) startGCRelaxer(ctx context.Context, crowded func(time.Time) bool) {
	if n.cfg.GCCrowdHeadroom == 0 {
		return
	}
	g := &gcRelaxer{crowded: crowded, setGC: debug.SetGCPercent, percent: gcPercent, liveHeap: liveHeapBytes,
		heapNow: heapObjectBytes, collect: runtime.GC, headroom: n.cfg.GCCrowdHeadroom, log: n.log.With().Str("component", "gc").Logger()}
	n.background(ctx, g.run)
}
