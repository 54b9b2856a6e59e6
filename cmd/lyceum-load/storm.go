package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Reconnect storm defaults and the targets it checks.
const (
	defaultStormClients = 10000
	defaultStormOwn     = 500
	defaultStormRooms   = 100
	defaultStormRate    = 100.0
	defaultStormQuiet   = 10 * time.Second
	defaultStormWindow  = 15 * time.Second
	stormBackoffBase    = 500 * time.Millisecond // docs/protocol.md, Reconnecting
	stormBackoffMax     = 30 * time.Second
	stormBackTarget     = 15 * time.Second // every client back and recovered within
	stormP99Factor      = 2.0              // node B's own p99 during the storm <= this x its quiet p99
)

// stormResult is the outcome of the storm mode.
type stormResult struct {
	Rooms          int            `json:"rooms"`
	Clients        int            `json:"clients"`     // on node A, moved to node B
	OwnClients     int            `json:"own_clients"` // node B's own clients
	Rate           float64        `json:"rate"`
	RxStamp        string         `json:"rx_stamp"` // what "received" is: "kernel" (arrival at the socket) or "read" (the tool's read)
	Connect        connectStats   `json:"connect"`
	ACloseCodes    map[string]int `json:"a_close_codes"` // how node A's clients were closed
	Back           int            `json:"back"`          // node A's clients back on B and subscribed
	Recovered      int            `json:"recovered"`     // ... with recovered: true
	NotRecovered   int            `json:"not_recovered"`
	Attempts       uint64         `json:"attempts"`    // dials to node B
	ClosedTime     LatencySummary `json:"closed_time"` // from the stop signal to each close from node A
	BackTime       LatencySummary `json:"back_time"`   // from the stop signal to the recovering ack
	AllBackSeconds float64        `json:"all_back_s"`  // to the last one
	Publish        publishStats   `json:"publish"`
	Deliveries     deliveryStats  `json:"deliveries"`       // every client, both nodes
	QuietB         LatencySummary `json:"b_latency_quiet"`  // node B's own clients before the stop
	StormB         LatencySummary `json:"b_latency_storm"`  // ... during the storm window
	Moved          LatencySummary `json:"moved_latency"`    // node A's clients, whole run (replays included)
	Timeline       []stormPoint   `json:"b_timeline"`       // node B's own clients, per stormTick
	SlowB          []SlowDelivery `json:"b_slow,omitempty"` // node B's own clients' deliveries over -slow, both phases
	ToolCPU        float64        `json:"tool_cpu_utilization"`
	Pass           bool           `json:"pass"`
}

// stormTick is the step of the storm's timeline.
const stormTick = 500 * time.Millisecond

// stormPoint is node B's own clients' latency over one stormTick: where in
// the run the tail comes from (a steady rise or a few stalls).
type stormPoint struct {
	AtS        float64 `json:"at_s"` // end of the tick, seconds after the stop (negative before it)
	Deliveries uint64  `json:"deliveries"`
	P99MS      float64 `json:"p99_ms"`
	MaxMS      float64 `json:"max_ms"`
	Back       uint64  `json:"back"` // node A's clients back on B by then
	// The machine over the tick: the tool's own CPU (share of one core)
	// and each core's busy share (from /proc/stat; empty elsewhere), to
	// tell a slow tick of node B from a full machine or a starved tool.
	ToolCPU float64   `json:"tool_cpu"`
	Cores   []float64 `json:"cores,omitempty"`
}

func (r *stormResult) summary(w io.Writer) {
	fmt.Fprintf(w, "storm: %d clients on node A (+%d on node B) over %d rooms, %.0f msg/s; node A stopped\n", r.Clients, r.OwnClients, r.Rooms, r.Rate)
	fmt.Fprintf(w, "  connect: %d ok, %d failed in %.1fs (%.0f/s)\n", r.Connect.Connections, r.Connect.Failed, r.Connect.Seconds, r.Connect.PerSecond)
	fmt.Fprintf(w, "  node A's clients closed with %v; back on B %d (recovered %d, not %d) in %d dials\n",
		r.ACloseCodes, r.Back, r.Recovered, r.NotRecovered, r.Attempts)
	fmt.Fprintf(w, "  closed by node A after the stop: p50 %.2fs max %.2fs\n", r.ClosedTime.P50MS/1000, r.ClosedTime.MaxMS/1000)
	fmt.Fprintf(w, "  back and recovered after the stop: p50 %.2fs p99 %.2fs, all after %.2fs (target %v)\n",
		r.BackTime.P50MS/1000, r.BackTime.P99MS/1000, r.AllBackSeconds, stormBackTarget)
	fmt.Fprintf(w, "  published %d (acked %d, failed %d); delivered %d of %d; gaps %d (%d clients) duplicates %d out of order %d\n",
		r.Publish.Sent, r.Publish.Acked, r.Publish.Failed, r.Deliveries.Delivered, r.Deliveries.Expected, r.Deliveries.Gaps,
		r.Deliveries.WithGaps, r.Deliveries.Duplicates, r.Deliveries.OutOfOrder)
	ratio := 0.0
	if r.QuietB.P99MS > 0 {
		ratio = r.StormB.P99MS / r.QuietB.P99MS
	}
	fmt.Fprintf(w, "  node B's own clients: p99 quiet %.2f ms, during the storm %.2f ms (%.2fx, target <= %.0fx; received = %s)\n",
		r.QuietB.P99MS, r.StormB.P99MS, ratio, stormP99Factor, r.RxStamp)
	fmt.Fprint(w, "  node B's own clients per 0.5 s (s after the stop: p99/max ms, back; the tool's CPU, each core busy):")
	for i, p := range r.Timeline {
		if i%3 == 0 {
			fmt.Fprint(w, "\n   ")
		}
		fmt.Fprintf(w, " %+5.1f: %6.1f/%6.1f %5d [%3.0f%%", p.AtS, p.P99MS, p.MaxMS, p.Back, 100*p.ToolCPU)
		for _, c := range p.Cores {
			fmt.Fprintf(w, " %3.0f", 100*c)
		}
		fmt.Fprint(w, "]")
	}
	fmt.Fprintf(w, "\n  tool CPU %.0f%%", 100*r.ToolCPU)
	if r.ToolCPU > toolCPUWarn {
		fmt.Fprint(w, "  WARNING: the tool's core was the limit")
	}
	fmt.Fprintf(w, "\n  pass %v\n", r.Pass)
}

// stormBackoff is the documented reconnect delay before attempt (0, 1, ...).
func stormBackoff(attempt int) time.Duration {
	d := stormBackoffMax
	if attempt < 16 {
		d = min(stormBackoffMax, stormBackoffBase<<attempt)
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()/2))
}

func runStorm(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("Reconnect storm over two nodes sharing PostgreSQL and Redis: -n clients on node A (-url-a) and -own on\n" +
		"node B (-url) subscribed to -rooms topics; a publisher on node B publishes -rate msg/s across the rooms. After\n" +
		"-before, node A is stopped gracefully (SIGTERM to -stop-pid); its clients reconnect to node B with the documented\n" +
		"jittered back-off and recover. Checks: all back and recovered within 15 s, nothing lost or duplicated, node B's\n" +
		"p99 for its own clients during -window <= 2x its quiet p99.")
	n := fs.Int("n", defaultStormClients, "clients on node A")
	own := fs.Int("own", defaultStormOwn, "node B's own clients")
	rooms := fs.Int("rooms", defaultStormRooms, "topics")
	rate := fs.Float64("rate", defaultStormRate, "publications per second across the rooms")
	before := fs.Duration("before", defaultStormQuiet, "publishing before node A is stopped")
	window := fs.Duration("window", defaultStormWindow, "publishing after the stop")
	urlA := fs.String("url-a", "", "base URL of node A (stopped during the run)")
	stopPid := fs.Int("stop-pid", 0, "process id of node A (gets SIGTERM)")
	rxStamp := fs.String("rx-stamp", "kernel", "when a delivery counts as received: kernel (its arrival at the tool's socket, the kernel's\n"+
		"time stamp: the tool's own scheduling left out) or read (when the tool reads it)")
	slow := fs.Duration("slow", 0, "keep node B's own clients' deliveries at least this slow (with when each was sent) in the\n"+
		"JSON (b_slow, at most 2,000), to find them in node B's execution trace; 0: none")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := checkLoopbackURL(*urlA); err != nil {
		return nil, fmt.Errorf("-url-a: %w", err)
	}
	if *stopPid <= 0 {
		return nil, fmt.Errorf("-stop-pid: node A's process id is required")
	}
	if *rxStamp != "kernel" && *rxStamp != "read" {
		return nil, fmt.Errorf("-rx-stamp: %q, want kernel or read", *rxStamp)
	}
	stamps := func(cl *client) error { // before subscribing: every delivery stamped alike
		if *rxStamp == "read" {
			return nil
		}
		return cl.ws.enableRxStamps()
	}
	if err := checkCount("n", *n+*own, maxConnections); err != nil {
		return nil, err
	}
	if err := checkCount("rooms", *rooms, 10000); err != nil {
		return nil, err
	}
	if *rate <= 0 || *rate > maxRate {
		return nil, fmt.Errorf("-rate must be in (0, %v]", maxRate)
	}
	for name, d := range map[string]time.Duration{"before": *before, "window": *window} {
		if err := checkDuration(name, d); err != nil {
			return nil, err
		}
	}
	if err := c.checkFiles(*n + *own + 1); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	id := runID()
	topics := make([]string, *rooms)
	for i := range topics {
		topics[i] = fmt.Sprintf("load:storm-%s-%d", id, i)
	}
	subsA := make([]*subState, *n)
	subsB := make([]*subState, *own)
	for i := range subsA {
		subsA[i] = &subState{topic: topics[i%len(topics)], tracker: NewSeqTracker(1)}
	}
	for i := range subsB {
		subsB[i] = &subState{topic: topics[i%len(topics)], tracker: NewSeqTracker(1)}
	}
	cntA, cntB := &counters{}, &counters{}
	recA, recB := &atomic.Pointer[Recorder]{}, &atomic.Pointer[Recorder]{}
	moved := NewRecorder()
	recA.Store(moved)
	subscribe := func(subs []*subState) func(context.Context, *client) error {
		return func(ctx context.Context, cl *client) error {
			if err := stamps(cl); err != nil {
				return err
			}
			_, err := cl.subscribe(ctx, subs[cl.idx])
			return err
		}
	}
	dA := &dialer{c: c, url: wsURL(*urlA), rec: recA, cnt: cntA, setup: subscribe(subsA)}
	dB := &dialer{c: c, url: wsURL(c.baseURL), rec: recB, cnt: cntB, setup: subscribe(subsB)}
	clB, csB := dB.dialAll(ctx, 0, *own)
	defer closeAll(clB)
	clA, csA := dA.dialAll(ctx, 0, *n)
	cs := csA
	cs.Connections += csB.Connections
	cs.Failed += csB.Failed
	if cs.Failed > 0 {
		closeAll(clA)
		return nil, fmt.Errorf("%d clients failed to connect: %s%s", cs.Failed, csA.FirstError, csB.FirstError)
	}
	pubCl, err := dialClient(ctx, wsURL(c.baseURL), c.header, -1, nil, &counters{})
	if err != nil {
		closeAll(clA)
		return nil, fmt.Errorf("publisher: %w", err)
	}
	defer pubCl.close()
	pub := newPublisher(pubCl, topics)
	quietRec, stormRec := NewRecorder(), NewRecorder()
	quietRec.KeepSlow(*slow)
	stormRec.KeepSlow(*slow)
	recB.Store(quietRec)
	pubCtx, stopPub := context.WithCancel(ctx)
	defer stopPub()
	pubErr := make(chan error, 1)
	go func() { pubErr <- pub.run(pubCtx, *rate, maxDuration) }()
	cpu := startCPU(nil)
	var (
		tlMu     sync.Mutex
		timeline []stormPoint
		stopped  time.Time // set at the stop; the zero value before it
		backN    atomic.Uint64
	)
	quietStart := time.Now()
	tlDone := make(chan struct{})
	tlEnded := make(chan struct{})
	go func() {
		defer close(tlEnded)
		t := time.NewTicker(stormTick)
		defer t.Stop()
		lastTick, lastCPU := time.Now(), selfCPU()
		lastCores, _ := readCoreTimes()
		for {
			select {
			case <-tlDone:
				return
			case now := <-t.C:
				cpuNow := selfCPU()
				cores, _ := readCoreTimes()
				toolCPU := float64(cpuNow-lastCPU) / float64(now.Sub(lastTick))
				busy := cores.busySince(lastCores)
				lastTick, lastCPU, lastCores = now, cpuNow, cores
				r := recB.Load()
				if r == nil {
					continue
				}
				h := r.Interval()
				tlMu.Lock()
				at := now.Sub(quietStart) - *before
				if !stopped.IsZero() {
					at = now.Sub(stopped)
				}
				timeline = append(timeline, stormPoint{AtS: at.Seconds(), Deliveries: h.Count(),
					P99MS: ms(h.Quantile(0.99)), MaxMS: ms(h.Max()), Back: backN.Load(), ToolCPU: toolCPU, Cores: busy})
				tlMu.Unlock()
			}
		}
	}()
	time.Sleep(*before)

	// The storm: every client of node A waits for its close, backs off and
	// moves to node B, recovering from its last position.
	res := &stormResult{Rooms: *rooms, Clients: *n, OwnClients: *own, Rate: *rate, RxStamp: *rxStamp, Connect: cs}
	var (
		mu       sync.Mutex
		back     Histogram
		closedH  Histogram
		lastBack time.Duration
		newCl    = make([]*client, *n)
		attempts atomic.Uint64
		wg       sync.WaitGroup
	)
	recB.Load().Interval() // the quiet phase's last part: not in the storm's first tick
	tlMu.Lock()
	stopped = time.Now()
	tlMu.Unlock()
	recB.Store(stormRec)
	giveUp := stopped.Add(*window + stormBackTarget)
	urlB := wsURL(c.baseURL)
	for i, cl := range clA {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-cl.done:
			case <-ctx.Done():
				return
			}
			mu.Lock()
			closedH.Record(time.Since(stopped))
			mu.Unlock()
			for attempt := 0; time.Now().Before(giveUp) && ctx.Err() == nil; attempt++ {
				time.Sleep(stormBackoff(attempt))
				attempts.Add(1)
				nc, err := dialClient(ctx, urlB, c.header, i, recA, cntA)
				if err == nil {
					if err = stamps(nc); err == nil {
						_, err = nc.subscribe(ctx, subsA[i])
					}
					if err != nil {
						nc.close()
					}
				}
				if err != nil {
					continue
				}
				el := time.Since(stopped)
				mu.Lock()
				newCl[i] = nc
				back.Record(el)
				lastBack = max(lastBack, el)
				mu.Unlock()
				backN.Add(1)
				return
			}
		}()
	}
	if err := syscall.Kill(*stopPid, syscall.SIGTERM); err != nil {
		stopPub()
		closeAll(clA)
		return nil, fmt.Errorf("stopping node A (pid %d): %w", *stopPid, err)
	}
	stopProgress := c.progress(func(time.Duration) string {
		mu.Lock()
		defer mu.Unlock()
		return fmt.Sprintf("storm: back %d/%d, published %d, disconnects %d", back.Count(), *n, pub.sent.Load(), cntA.disconnects.Load())
	})
	time.Sleep(*window)
	close(tlDone)
	<-tlEnded
	recB.Store(nil)
	stopPub()
	perr := <-pubErr
	wg.Wait()
	stopProgress()
	res.ToolCPU = cpu.stop().ToolCPUUtil
	defer closeAll(newCl)
	pub.waitAnswered(drainTimeout)
	all := append(append([]*subState{}, subsA...), subsB...)
	drain(all, pub.seqs, drainTimeout)
	if perr != nil {
		return nil, perr
	}
	res.Publish = pub.stats()
	res.Deliveries = account(all, pub.seqs)
	res.ACloseCodes = cntA.closeCodes()
	res.Attempts = attempts.Load()
	mu.Lock()
	res.BackTime = back.Summary()
	res.ClosedTime = closedH.Summary()
	res.AllBackSeconds = lastBack.Seconds()
	mu.Unlock()
	for _, s := range subsA {
		s.mu.Lock()
		switch {
		case s.recoveries > 0:
			res.Recovered++
		case s.recoveryFailures > 0:
			res.NotRecovered++
		}
		s.mu.Unlock()
	}
	for _, cl := range newCl {
		if cl != nil {
			res.Back++
		}
	}
	res.Timeline = timeline
	res.SlowB = append(quietRec.Slow(), stormRec.Slow()...)
	res.QuietB, res.StormB, res.Moved = quietRec.Total().Summary(), stormRec.Total().Summary(), moved.Total().Summary()
	res.Pass = res.Back == *n && res.Recovered == *n && lastBack <= stormBackTarget &&
		res.Deliveries.Gaps == 0 && res.Deliveries.Duplicates == 0 &&
		res.StormB.P99MS <= stormP99Factor*res.QuietB.P99MS
	return res, nil
}
