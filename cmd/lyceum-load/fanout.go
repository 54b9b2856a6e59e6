package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Fan-out defaults and the ramp's pass criterion.
const (
	defaultFanoutSubscribers = 1000
	defaultFanoutRate        = 100.0
	defaultFanoutDuration    = 30 * time.Second
	defaultRampStep          = 10 * time.Second
	rampP99Limit             = 100 * time.Millisecond
	rampPause                = 2 * time.Second // between ramp steps
)

// deliveryStats accounts what subscribers received against what was published.
type deliveryStats struct {
	Subscriptions   int    `json:"subscriptions"`
	Expected        uint64 `json:"expected"`  // publications acknowledged x subscriptions
	Delivered       uint64 `json:"delivered"` // distinct publications received
	Gaps            uint64 `json:"gaps"`
	Duplicates      uint64 `json:"duplicates"`
	OutOfOrder      uint64 `json:"out_of_order"`
	WithGaps        int    `json:"subscriptions_with_gaps"`
	RecoveredPushes uint64 `json:"recovered_pushes,omitempty"`
}

// seqSource tells, per topic, the last sequence published and how many in a
// range failed.
type seqSource func(topic string) (last uint64, failedIn func(from, to uint64) uint64)

// account sums the trackers of subs against src.
func account(subs []*subState, src seqSource) deliveryStats {
	var st deliveryStats
	for _, s := range subs {
		if s == nil {
			continue
		}
		last, failedIn := src(s.topic)
		s.mu.Lock()
		t := s.tracker
		first := t.first
		failed := failedIn(first, last)
		gaps := t.Gaps(last) - min(failed, t.Gaps(last))
		st.Subscriptions++
		if last >= first {
			st.Expected += last - first + 1 - failed
		}
		st.Delivered += t.Received()
		st.Gaps += gaps
		st.Duplicates += t.Duplicates
		st.OutOfOrder += t.OutOfOrder
		st.RecoveredPushes += s.recovered
		if gaps > 0 {
			st.WithGaps++
		}
		s.mu.Unlock()
	}
	return st
}

// drain waits until every subscription received what was published, or timeout.
func drain(subs []*subState, src seqSource, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		st := account(subs, src)
		if st.Delivered >= st.Expected {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fanoutStep is one rate of a fan-out run.
type fanoutStep struct {
	Rate             float64        `json:"rate"` // publications per second asked for
	Seconds          float64        `json:"seconds"`
	Publish          publishStats   `json:"publish"`
	Deliveries       deliveryStats  `json:"deliveries"`
	DeliveriesPerSec float64        `json:"deliveries_per_second"` // received during the publishing window
	Latency          LatencySummary `json:"latency"`
	Disconnects      uint64         `json:"disconnects"`
	Messages         uint64         `json:"messages"` // WebSocket messages the subscribers read during the publishing window
	CPU              cpuStats       `json:"cpu"`
	// DeliveriesPerServerCPUSec is deliveries / server CPU seconds: the
	// rate one fully used core would sustain (needs -server-pid).
	DeliveriesPerServerCPUSec float64 `json:"deliveries_per_server_cpu_second,omitempty"`
	Pass                      bool    `json:"pass"` // p99 <= 100 ms, no gaps, no disconnects
}

// fanoutResult is the outcome of the fanout mode.
type fanoutResult struct {
	Topic              string         `json:"topic"`
	Subscribers        int            `json:"subscribers"`
	SubscriberURL      string         `json:"subscriber_url"`
	PublisherURL       string         `json:"publisher_url"`
	Connect            connectStats   `json:"connect"`
	Steps              []fanoutStep   `json:"steps"`
	BestRate           float64        `json:"best_rate,omitempty"`                  // ramp: highest passing rate
	BestDeliveriesPerS float64        `json:"best_deliveries_per_second,omitempty"` // at that rate
	DisconnectCodes    map[string]int `json:"disconnect_codes,omitempty"`           // by close code
}

func (r *fanoutResult) summary(w io.Writer) {
	defer printCodes(w, r.DisconnectCodes)
	fmt.Fprintf(w, "fanout: %d subscribers on %s (publisher via %s)\n", r.Subscribers, r.Topic, r.PublisherURL)
	fmt.Fprintf(w, "  connect: %d ok, %d failed in %.1fs (%.0f/s), p99 %.1f ms\n", r.Connect.Connections, r.Connect.Failed,
		r.Connect.Seconds, r.Connect.PerSecond, r.Connect.Latency.P99MS)
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  rate %6.0f msg/s for %.1fs: published %d (acked %d, failed %d); delivered %d of %d = %.0f deliveries/s\n",
			s.Rate, s.Seconds, s.Publish.Sent, s.Publish.Acked, s.Publish.Failed, s.Deliveries.Delivered, s.Deliveries.Expected, s.DeliveriesPerSec)
		fmt.Fprintf(w, "    latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n",
			s.Latency.P50MS, s.Latency.P90MS, s.Latency.P99MS, s.Latency.P999MS, s.Latency.MaxMS)
		fmt.Fprintf(w, "    gaps %d (%d subscribers)  duplicates %d  out of order %d  disconnects %d  pass %v\n",
			s.Deliveries.Gaps, s.Deliveries.WithGaps, s.Deliveries.Duplicates, s.Deliveries.OutOfOrder, s.Disconnects, s.Pass)
		fmt.Fprintf(w, "    CPU: tool %.0f%% (%.2f µs per delivery, %.2f per message; %.2f messages per delivery)", 100*s.CPU.ToolCPUUtil,
			perUS(s.CPU.ToolCPUSeconds, s.DeliveriesPerSec*s.Seconds), perUS(s.CPU.ToolCPUSeconds, float64(s.Messages)),
			float64(s.Messages)/max(1, s.DeliveriesPerSec*s.Seconds))
		if s.CPU.ServerCPUSeconds > 0 {
			fmt.Fprintf(w, ", server %.0f%% (%.0f deliveries per server CPU second)", 100*s.CPU.ServerCPUUtil, s.DeliveriesPerServerCPUSec)
		}
		fmt.Fprintln(w)
	}
	if r.BestRate > 0 {
		fmt.Fprintf(w, "  highest rate with p99 <= %v: %.0f msg/s = %.0f deliveries/s\n", rampP99Limit, r.BestRate, r.BestDeliveriesPerS)
	}
}

// parseRates parses "100,200,500".
func parseRates(s string) ([]float64, error) {
	var out []float64
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		r, err := strconv.ParseFloat(f, 64)
		if err != nil || r <= 0 || r > maxRate {
			return nil, fmt.Errorf("bad rate %q (want 0 < rate <= %v)", f, maxRate)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no rates in %q", s)
	}
	return out, nil
}

// fanoutParams are the fanout mode's settings besides the common ones.
type fanoutParams struct {
	n         int
	rates     []float64
	length    time.Duration // of one step
	topic     string
	keepGoing bool
	pids      []int
	// goroutineReaders reads each subscriber on a goroutine of its own
	// (the tool's reader before the pollers; to compare the client's cost).
	goroutineReaders bool
}

func runFanout(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("N subscribers on one topic, one publisher at -rate publications/s for -duration.\n" +
		"With -ramp, one step of -step per rate, stopping at the first whose p99 exceeds 100 ms.\n" +
		"-target centrifugo runs the same against a Centrifugo v6 server in client-side insecure mode (no credentials).")
	n := fs.Int("n", defaultFanoutSubscribers, "subscribers")
	rate := fs.Float64("rate", defaultFanoutRate, "publications per second")
	dur := fs.Duration("duration", defaultFanoutDuration, "how long to publish")
	ramp := fs.String("ramp", "", "comma-separated rates to step through (e.g. 100,200,500,760,1000)")
	step := fs.Duration("step", defaultRampStep, "duration of one ramp step")
	topic := fs.String("topic", "", "topic (default load:fanout-<random>)")
	keepGoing := fs.Bool("keep-going", false, "ramp: run every rate even after one fails (stops at disconnects)")
	tgt := fs.String("target", "lyceum", "server kind: lyceum or centrifugo")
	fs.StringVar(&c.pubURL, "pub-url", "", "base URL the publisher connects to (default -url; another node for a cross-node run)")
	pidList := fs.String("server-pid", "", "server process ids (comma-separated) whose CPU time to report")
	readers := fs.String("readers", "poll", "how the subscribers are read: poll (epoll, one goroutine per GOMAXPROCS) or goroutines (one each)")
	prof := fs.String("cpuprofile", "", "write the tool's own CPU profile (the whole run) to this file")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if *prof != "" {
		stop, err := startCPUProfile(*prof)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	var err error
	if c.target, err = parseTarget(*tgt); err != nil {
		return nil, fmt.Errorf("-target: %w", err)
	}
	p := fanoutParams{n: *n, rates: []float64{*rate}, length: *dur, topic: *topic, keepGoing: *keepGoing,
		goroutineReaders: *readers == "goroutines"}
	if *readers != "poll" && *readers != "goroutines" {
		return nil, fmt.Errorf("-readers must be poll or goroutines")
	}
	if p.pids, err = parsePids(*pidList); err != nil {
		return nil, fmt.Errorf("-server-pid: %w", err)
	}
	if *ramp != "" {
		if p.rates, err = parseRates(*ramp); err != nil {
			return nil, fmt.Errorf("-ramp: %w", err)
		}
		p.length = *step
	}
	if *rate <= 0 || *rate > maxRate {
		return nil, fmt.Errorf("-rate must be in (0, %v]", maxRate)
	}
	if c.target == targetLyceum {
		if err := c.authenticate(ctx); err != nil {
			return nil, err
		}
	}
	return fanout(ctx, c, p)
}

// fanout runs the fan-out with c authenticated (for Lyceum).
func fanout(ctx context.Context, c *common, p fanoutParams) (*fanoutResult, error) {
	if err := checkCount("n", p.n, maxConnections); err != nil {
		return nil, err
	}
	if err := checkDuration("duration", p.length); err != nil {
		return nil, err
	}
	if p.topic == "" {
		p.topic = c.target.defaultTopic("fanout")
	}
	if err := c.checkFiles(p.n + 1); err != nil {
		return nil, err
	}

	cnt := &counters{}
	rec := &atomic.Pointer[Recorder]{}
	subs := make([]*subState, p.n)
	for i := range subs {
		subs[i] = &subState{topic: p.topic, tracker: NewSeqTracker(1)}
	}
	url := targetWSURL(c.target, c.baseURL)
	var cs connectStats
	if p.goroutineReaders {
		d := &dialer{c: c, url: url, rec: rec, cnt: cnt, setup: func(ctx context.Context, cl *client) error {
			_, err := cl.subscribe(ctx, subs[cl.idx])
			return err
		}}
		var clients []*client
		clients, cs = d.dialAll(ctx, 0, p.n)
		defer closeAll(clients)
	} else {
		// The subscribers are read by pollers (see subpoll.go), one per
		// GOMAXPROCS: the tool's own reading must not be the limit of what it measures.
		g, err := newPollGroup(p.n, runtime.GOMAXPROCS(0), rec, cnt)
		if err != nil {
			return nil, err
		}
		defer g.close()
		_, cs = dialMany(ctx, c, p.n, func(ctx context.Context, i int) (struct{}, error) {
			return struct{}{}, g.dial(ctx, c, url, i, subs[i])
		})
	}
	res := &fanoutResult{Topic: p.topic, Subscribers: p.n, SubscriberURL: c.baseURL, PublisherURL: c.pubURL, Connect: cs}
	if cs.Failed > 0 {
		return nil, fmt.Errorf("%d of %d subscribers failed to connect: %s", cs.Failed, p.n, cs.FirstError)
	}
	pubCl, err := dialTarget(ctx, c.target, targetWSURL(c.target, c.pubURL), c.header, -1, nil, &counters{})
	if err != nil {
		return nil, fmt.Errorf("publisher: %w", err)
	}
	defer pubCl.close()
	pub := newPublisher(pubCl, []string{p.topic})

	passing := true
	for i, r := range p.rates {
		if ctx.Err() != nil {
			break
		}
		if i > 0 {
			time.Sleep(rampPause)
		}
		st, err := fanoutStepRun(ctx, c, pub, subs, cnt, rec, r, p.length, p.pids)
		if err != nil {
			return nil, err
		}
		res.Steps = append(res.Steps, st)
		if len(p.rates) > 1 {
			passing = passing && st.Pass // the best rate ends the first run of passing steps
			if passing {
				res.BestRate, res.BestDeliveriesPerS = r, st.DeliveriesPerSec
			}
			if !st.Pass && (!p.keepGoing || st.Disconnects > 0) {
				break
			}
		}
	}
	res.DisconnectCodes = cnt.closeCodes()
	return res, nil
}

// fanoutStepRun publishes at rate for d and accounts the deliveries.
func fanoutStepRun(ctx context.Context, c *common, pub *publisher, subs []*subState, cnt *counters,
	rec *atomic.Pointer[Recorder], rate float64, d time.Duration, pids []int) (fanoutStep, error) {
	first := pub.lastSeq(pub.topics[0]) + 1
	for _, s := range subs {
		s.mu.Lock()
		s.tracker = NewSeqTracker(first)
		s.mu.Unlock()
	}
	r := NewRecorder()
	rec.Store(r)
	before := pub.stats()
	disc0 := cnt.disconnects.Load()
	del0 := cnt.delivered.Load()
	msg0 := cnt.messages.Load()
	last := del0
	stop := c.progress(func(time.Duration) string {
		h := r.Interval()
		now := cnt.delivered.Load()
		line := fmt.Sprintf("rate %.0f/s: published %d, delivered %d/s, p50 %.1f ms p99 %.1f ms max %.1f ms, disconnects %d",
			rate, pub.sent.Load()-before.Sent, now-last, ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Max()),
			cnt.disconnects.Load()-disc0)
		last = now
		return line
	})
	start := time.Now()
	cpu := startCPU(pids)
	err := pub.run(ctx, rate, d)
	el := time.Since(start)
	cpuSt := cpu.stop()
	delivered := cnt.delivered.Load() - del0
	msgs := cnt.messages.Load() - msg0
	pub.waitAnswered(drainTimeout)
	drain(subs, pub.seqs, drainTimeout)
	stop()
	if err != nil {
		return fanoutStep{}, err
	}
	after := pub.stats()
	lat := r.Total()
	st := fanoutStep{
		Rate: rate, Seconds: el.Seconds(),
		Publish: publishStats{Sent: after.Sent - before.Sent, Acked: after.Acked - before.Acked,
			Failed: after.Failed - before.Failed, FirstError: after.FirstError, Stalls: after.Stalls - before.Stalls},
		Deliveries:       account(subs, pub.seqs),
		DeliveriesPerSec: float64(delivered) / el.Seconds(),
		Latency:          lat.Summary(),
		Disconnects:      cnt.disconnects.Load() - disc0,
		Messages:         msgs,
		CPU:              cpuSt,
	}
	if cpuSt.ServerCPUSeconds > 0 {
		st.DeliveriesPerServerCPUSec = float64(delivered) / cpuSt.ServerCPUSeconds
	}
	st.Pass = lat.Quantile(0.99) <= rampP99Limit && st.Deliveries.Gaps == 0 && st.Disconnects == 0 && st.Publish.Failed == 0
	return st, nil
}

// perUS is seconds / n in microseconds (0 for n = 0).
func perUS(seconds, n float64) float64 {
	if n <= 0 {
		return 0
	}
	return seconds * 1e6 / n
}
