package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Rooms defaults.
const (
	defaultRoomsTopics     = 1000
	defaultRoomsSubs       = 10
	defaultRoomsPublishers = 10
	defaultRoomsRate       = 1.0 // publications per topic per second
	defaultRoomsDuration   = 30 * time.Second
)

// roomsResult is the outcome of the rooms mode.
type roomsResult struct {
	Topics           int            `json:"topics"`
	SubscribersEach  int            `json:"subscribers_per_topic"`
	Publishers       int            `json:"publisher_connections"`
	RatePerTopic     float64        `json:"rate_per_topic"`
	Connect          connectStats   `json:"connect"`
	Seconds          float64        `json:"seconds"`
	Publish          publishStats   `json:"publish"`
	Deliveries       deliveryStats  `json:"deliveries"`
	DeliveriesPerSec float64        `json:"deliveries_per_second"`
	Latency          LatencySummary `json:"latency"`
	Disconnects      uint64         `json:"disconnects"`
	CPU              cpuStats       `json:"cpu"`
	DisconnectCodes  map[string]int `json:"disconnect_codes,omitempty"` // by close code
}

func (r *roomsResult) summary(w io.Writer) {
	defer printCodes(w, r.DisconnectCodes)
	fmt.Fprintf(w, "rooms: %d topics x %d subscribers, %d publisher connections, %.1f msg/s per topic\n",
		r.Topics, r.SubscribersEach, r.Publishers, r.RatePerTopic)
	fmt.Fprintf(w, "  connect: %d ok, %d failed in %.1fs (%.0f/s), p99 %.1f ms\n", r.Connect.Connections, r.Connect.Failed,
		r.Connect.Seconds, r.Connect.PerSecond, r.Connect.Latency.P99MS)
	fmt.Fprintf(w, "  %.1fs: published %d (acked %d, failed %d); delivered %d of %d = %.0f deliveries/s\n",
		r.Seconds, r.Publish.Sent, r.Publish.Acked, r.Publish.Failed, r.Deliveries.Delivered, r.Deliveries.Expected, r.DeliveriesPerSec)
	fmt.Fprintf(w, "  latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n",
		r.Latency.P50MS, r.Latency.P90MS, r.Latency.P99MS, r.Latency.P999MS, r.Latency.MaxMS)
	fmt.Fprintf(w, "  gaps %d (%d subscriptions)  duplicates %d  out of order %d  disconnects %d\n",
		r.Deliveries.Gaps, r.Deliveries.WithGaps, r.Deliveries.Duplicates, r.Deliveries.OutOfOrder, r.Disconnects)
	fmt.Fprintf(w, "  CPU: tool %.0f%%, server %.0f%%\n", 100*r.CPU.ToolCPUUtil, 100*r.CPU.ServerCPUUtil)
}

func runRooms(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("T topics with S subscriber connections each; a pool of publisher connections publishes\n" +
		"-rate publications per second on every topic.")
	topics := fs.Int("topics", defaultRoomsTopics, "topics")
	subsPer := fs.Int("subs", defaultRoomsSubs, "subscriber connections per topic")
	pubs := fs.Int("publishers", defaultRoomsPublishers, "publisher connections (topics are shared among them)")
	rate := fs.Float64("rate", defaultRoomsRate, "publications per second per topic")
	dur := fs.Duration("duration", defaultRoomsDuration, "how long to publish")
	fs.StringVar(&c.pubURL, "pub-url", "", "base URL the publishers connect to (default -url)")
	pidList := fs.String("server-pid", "", "server process ids (comma-separated) whose CPU time to report")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	pids, err := parsePids(*pidList)
	if err != nil {
		return nil, fmt.Errorf("-server-pid: %w", err)
	}
	if err := checkCount("topics", *topics, maxConnections); err != nil {
		return nil, err
	}
	if err := checkCount("subs", *subsPer, maxConnections); err != nil {
		return nil, err
	}
	if *topics**subsPer > maxConnections {
		return nil, fmt.Errorf("-topics x -subs must be at most %d connections", maxConnections)
	}
	if err := checkCount("publishers", *pubs, min(*topics, 100)); err != nil {
		return nil, err
	}
	if *rate <= 0 || *rate*float64(*topics) > maxRate {
		return nil, fmt.Errorf("-rate x -topics must be in (0, %v]", maxRate)
	}
	if err := checkDuration("duration", *dur); err != nil {
		return nil, err
	}
	n := *topics * *subsPer
	if err := c.checkFiles(n + *pubs); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}

	prefix := "load:rooms-" + runID() + "-"
	names := make([]string, *topics)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	cnt := &counters{}
	rec := &atomic.Pointer[Recorder]{}
	r := NewRecorder()
	rec.Store(r)
	subs := make([]*subState, n)
	for i := range subs {
		subs[i] = &subState{topic: names[i / *subsPer], tracker: NewSeqTracker(1)}
	}
	d := &dialer{c: c, url: wsURL(c.baseURL), rec: rec, cnt: cnt, setup: func(ctx context.Context, cl *client) error {
		_, err := cl.subscribe(ctx, subs[cl.idx])
		return err
	}}
	clients, cs := d.dialAll(ctx, 0, n)
	defer closeAll(clients)
	if cs.Failed > 0 {
		return nil, fmt.Errorf("%d of %d subscribers failed to connect: %s", cs.Failed, n, cs.FirstError)
	}

	// Publisher j publishes on topics j, j+P, j+2P, ...
	publishers := make([]*publisher, *pubs)
	owner := map[string]*publisher{}
	for j := range publishers {
		cl, err := dialClient(ctx, wsURL(c.pubURL), c.header, -1-j, nil, &counters{})
		if err != nil {
			return nil, fmt.Errorf("publisher %d: %w", j, err)
		}
		defer cl.close()
		var mine []string
		for i := j; i < *topics; i += *pubs {
			mine = append(mine, names[i])
		}
		publishers[j] = newPublisher(cl, mine)
		for _, t := range mine {
			owner[t] = publishers[j]
		}
	}
	src := func(topic string) (uint64, func(from, to uint64) uint64) { return owner[topic].seqs(topic) }

	del0 := cnt.delivered.Load()
	last := del0
	sent := func() uint64 {
		var s uint64
		for _, p := range publishers {
			s += p.sent.Load()
		}
		return s
	}
	stop := c.progress(func(time.Duration) string {
		h := r.Interval()
		now := cnt.delivered.Load()
		line := fmt.Sprintf("published %d, delivered %d/s, p50 %.1f ms p99 %.1f ms max %.1f ms, disconnects %d",
			sent(), now-last, ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Max()), cnt.disconnects.Load())
		last = now
		return line
	})
	start := time.Now()
	cpu := startCPU(pids)
	var wg sync.WaitGroup
	errs := make([]error, len(publishers))
	for j, p := range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the publishers' ticks over the first tick period.
			time.Sleep(time.Duration(j) * publishTick / time.Duration(len(publishers)))
			errs[j] = p.run(ctx, *rate*float64(len(p.topics)), *dur)
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpuSt := cpu.stop()
	delivered := cnt.delivered.Load() - del0
	for _, p := range publishers {
		p.waitAnswered(drainTimeout)
	}
	drain(subs, src, drainTimeout)
	stop()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var ps publishStats
	for _, p := range publishers {
		ps = addStats(ps, p.stats())
	}
	return &roomsResult{
		Topics: *topics, SubscribersEach: *subsPer, Publishers: *pubs, RatePerTopic: *rate,
		Connect: cs, Seconds: el.Seconds(), Publish: ps,
		Deliveries: account(subs, src), DeliveriesPerSec: float64(delivered) / el.Seconds(),
		Latency: r.Total().Summary(), Disconnects: cnt.disconnects.Load(), CPU: cpuSt,
		DisconnectCodes: cnt.closeCodes(),
	}, nil
}
