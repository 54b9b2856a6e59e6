package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Reconnect defaults.
const (
	defaultReconnectClients = 1000
	defaultReconnectRate    = 100.0
	defaultReconnectBefore  = 5 * time.Second
	defaultReconnectAfter   = 5 * time.Second
)

// reconnectResult is the outcome of the reconnect mode.
type reconnectResult struct {
	Topic            string         `json:"topic"`
	Clients          int            `json:"clients"`
	Rate             float64        `json:"rate"`
	Connect          connectStats   `json:"connect"`
	Reconnect        connectStats   `json:"reconnect"`         // the second wave of dials (with subscribe + since)
	RecoveryTime     LatencySummary `json:"recovery_time"`     // from the drop to each recovering ack
	AllRecoveredSecs float64        `json:"all_recovered_s"`   // from the drop to the last ack
	Recovered        uint64         `json:"recovered"`         // acks with recovered: true
	NotRecovered     uint64         `json:"not_recovered"`     // acks with recovered: false
	RecoveredPushes  uint64         `json:"recovered_pushes"`  // publications replayed from history
	MissedPerClient  float64        `json:"missed_per_client"` // mean publications replayed per client
	Publish          publishStats   `json:"publish"`
	Deliveries       deliveryStats  `json:"deliveries"`
	// Deliveries split by the answer to the resubscribe: clients told
	// recovered: false are expected to miss publications (they reload from
	// the API); a gap for a recovered client is a bug. Clients whose
	// reconnect failed are in neither.
	DeliveriesRecovered    deliveryStats  `json:"deliveries_recovered"`
	DeliveriesNotRecovered deliveryStats  `json:"deliveries_not_recovered"`
	Latency                LatencySummary `json:"latency"` // every delivery, replayed ones included
	Disconnects            uint64         `json:"disconnects"`
	DisconnectCodes        map[string]int `json:"disconnect_codes,omitempty"` // by close code
}

func (r *reconnectResult) summary(w io.Writer) {
	defer printCodes(w, r.DisconnectCodes)
	fmt.Fprintf(w, "reconnect: %d clients on %s, publishing %.0f msg/s throughout\n", r.Clients, r.Topic, r.Rate)
	fmt.Fprintf(w, "  first connect: %d ok in %.1fs; reconnect after the drop: %d ok, %d failed in %.1fs (%.0f/s)\n",
		r.Connect.Connections, r.Connect.Seconds, r.Reconnect.Connections, r.Reconnect.Failed, r.Reconnect.Seconds, r.Reconnect.PerSecond)
	fmt.Fprintf(w, "  recovered: true %d, false %d; %d publications replayed (%.1f per client)\n",
		r.Recovered, r.NotRecovered, r.RecoveredPushes, r.MissedPerClient)
	fmt.Fprintf(w, "  recovery time (drop -> ack): p50 %.1f ms p99 %.1f ms max %.1f ms; all recovered after %.2fs\n",
		r.RecoveryTime.P50MS, r.RecoveryTime.P99MS, r.RecoveryTime.MaxMS, r.AllRecoveredSecs)
	fmt.Fprintf(w, "  published %d (acked %d, failed %d); delivered %d of %d; gaps %d (%d clients) duplicates %d out of order %d; disconnects %d\n",
		r.Publish.Sent, r.Publish.Acked, r.Publish.Failed, r.Deliveries.Delivered, r.Deliveries.Expected,
		r.Deliveries.Gaps, r.Deliveries.WithGaps, r.Deliveries.Duplicates, r.Deliveries.OutOfOrder, r.Disconnects)
	fmt.Fprintf(w, "  clients with recovered: true: gaps %d, duplicates %d; with recovered: false (reload from the API): gaps %d\n",
		r.DeliveriesRecovered.Gaps, r.DeliveriesRecovered.Duplicates, r.DeliveriesNotRecovered.Gaps)
	fmt.Fprintf(w, "  delivery latency p50 %.2f ms p99 %.2f ms max %.2f ms\n", r.Latency.P50MS, r.Latency.P99MS, r.Latency.MaxMS)
}

func runReconnect(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("K subscribers on one topic while a publisher publishes -rate msg/s; after -before all K\n" +
		"drop at once and reconnect, resubscribing with their last position (since); publishing goes on\n" +
		"for -after; then every client must hold every publication exactly once.")
	n := fs.Int("n", defaultReconnectClients, "clients")
	rate := fs.Float64("rate", defaultReconnectRate, "publications per second")
	beforeD := fs.Duration("before", defaultReconnectBefore, "publishing before the drop")
	afterD := fs.Duration("after", defaultReconnectAfter, "publishing after everyone reconnected")
	offline := fs.Duration("offline", 0, "how long the clients stay away before reconnecting")
	topic := fs.String("topic", "", "topic (default load:reconnect-<random>)")
	fs.StringVar(&c.pubURL, "pub-url", "", "base URL the publisher connects to (default -url)")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := checkCount("n", *n, maxConnections/2); err != nil { // old and new sockets overlap
		return nil, err
	}
	if *rate <= 0 || *rate > maxRate {
		return nil, fmt.Errorf("-rate must be in (0, %v]", maxRate)
	}
	if err := checkDuration("before", *beforeD); err != nil {
		return nil, err
	}
	if err := checkDuration("after", *afterD); err != nil {
		return nil, err
	}
	if *offline < 0 || *offline > maxDuration {
		return nil, fmt.Errorf("-offline must be in [0, %v]", maxDuration)
	}
	if *topic == "" {
		*topic = "load:reconnect-" + runID()
	}
	if err := c.checkFiles(2**n + 1); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}

	cnt := &counters{}
	rec := &atomic.Pointer[Recorder]{}
	r := NewRecorder()
	rec.Store(r)
	subs := make([]*subState, *n)
	for i := range subs {
		subs[i] = &subState{topic: *topic, tracker: NewSeqTracker(1)}
	}
	var (
		dropMu   sync.Mutex
		dropped  time.Time
		recovery Histogram
		lastAck  time.Duration
	)
	d := &dialer{c: c, url: wsURL(c.baseURL), rec: rec, cnt: cnt, setup: func(ctx context.Context, cl *client) error {
		if _, err := cl.subscribe(ctx, subs[cl.idx]); err != nil {
			return err
		}
		dropMu.Lock()
		defer dropMu.Unlock()
		if !dropped.IsZero() {
			el := time.Since(dropped)
			recovery.Record(el)
			lastAck = max(lastAck, el)
		}
		return nil
	}}
	clients, cs := d.dialAll(ctx, 0, *n)
	if cs.Failed > 0 {
		closeAll(clients)
		return nil, fmt.Errorf("%d of %d subscribers failed to connect: %s", cs.Failed, *n, cs.FirstError)
	}
	pubCl, err := dialClient(ctx, wsURL(c.pubURL), c.header, -1, nil, &counters{})
	if err != nil {
		closeAll(clients)
		return nil, fmt.Errorf("publisher: %w", err)
	}
	defer pubCl.close()
	pub := newPublisher(pubCl, []string{*topic})
	pubCtx, stopPub := context.WithCancel(ctx)
	pubErr := make(chan error, 1)
	go func() { pubErr <- pub.run(pubCtx, *rate, maxDuration) }()
	stopProgress := c.progress(func(time.Duration) string {
		return fmt.Sprintf("published %d, delivered %d, disconnects %d", pub.sent.Load(), cnt.delivered.Load(), cnt.disconnects.Load())
	})

	time.Sleep(*beforeD)
	dropMu.Lock()
	dropped = time.Now()
	dropMu.Unlock()
	closeAll(clients) // every client at once, without a close handshake
	time.Sleep(*offline)
	clients, rcs := d.dialAll(ctx, 0, *n)
	defer closeAll(clients)
	time.Sleep(*afterD)
	stopPub()
	err = <-pubErr
	pub.waitAnswered(drainTimeout)
	src := pub.seqs
	drain(subs, src, drainTimeout)
	stopProgress()
	if err != nil {
		return nil, err
	}
	res := &reconnectResult{Topic: *topic, Clients: *n, Rate: *rate, Connect: cs, Reconnect: rcs,
		Publish: pub.stats(), Deliveries: account(subs, src), Latency: r.Total().Summary(), Disconnects: cnt.disconnects.Load()}
	dropMu.Lock()
	res.RecoveryTime = recovery.Summary()
	res.AllRecoveredSecs = lastAck.Seconds()
	dropMu.Unlock()
	var ok, notOK []*subState
	for _, s := range subs {
		s.mu.Lock()
		switch {
		case s.recoveryFailures > 0:
			notOK = append(notOK, s)
		case s.recoveries > 0:
			ok = append(ok, s)
		} // else it never got back (see reconnect.failed)
		res.Recovered += s.recoveries
		res.NotRecovered += s.recoveryFailures
		res.RecoveredPushes += s.recovered
		s.mu.Unlock()
	}
	res.DeliveriesRecovered, res.DeliveriesNotRecovered = account(ok, src), account(notOK, src)
	res.MissedPerClient = float64(res.RecoveredPushes) / float64(*n)
	res.DisconnectCodes = cnt.closeCodes()
	return res, nil
}
