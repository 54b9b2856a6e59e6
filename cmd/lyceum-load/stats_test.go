package main

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBucketRoundTripIsWithinPrecision(t *testing.T) {
	for _, v := range []uint64{0, 1, 63, 64, 127, 128, 129, 255, 256, 1000, 123456, 999_999_999, 1 << 40} {
		i := bucketOf(v)
		got := bucketValue(i)
		diff := float64(got) - float64(v)
		if diff < 0 {
			diff = -diff
		}
		if v >= 128 && diff/float64(v) > 1.0/subCount {
			t.Errorf("value %d: bucket %d reads back %d (%.2f%% off)", v, i, got, 100*diff/float64(v))
		}
		if v < 128 && got != v {
			t.Errorf("small value %d reads back %d", v, got)
		}
	}
}

func TestBucketsAreMonotonic(t *testing.T) {
	prev := -1
	for v := uint64(0); v < 1<<20; v += 7 {
		i := bucketOf(v)
		if i < prev {
			t.Fatalf("bucketOf(%d) = %d < %d", v, i, prev)
		}
		prev = i
	}
	if i := bucketOf(1 << 62); i >= numBuckets {
		t.Fatalf("huge value lands in bucket %d of %d", i, numBuckets)
	}
}

func TestQuantilesMatchSortedSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	sample := make([]time.Duration, 100_000)
	for i := range sample {
		// log-normal-ish latencies from 50 µs to ~1 s
		d := time.Duration(50_000 * (1 + rng.ExpFloat64()*rng.ExpFloat64()*200))
		sample[i] = d
		h.Record(d)
	}
	slices.Sort(sample)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := sample[int(q*float64(len(sample)))-1]
		got := h.Quantile(q)
		if off := float64(got-want) / float64(want); off > 0.02 || off < -0.02 {
			t.Errorf("q%.3f = %v, sorted sample says %v (%.2f%% off)", q, got, want, 100*off)
		}
	}
	if h.Max() != sample[len(sample)-1] {
		t.Errorf("max = %v, want %v", h.Max(), sample[len(sample)-1])
	}
	if h.Count() != uint64(len(sample)) {
		t.Errorf("count = %d", h.Count())
	}
}

func TestQuantileOfEmptyAndSingle(t *testing.T) {
	var h Histogram
	if h.Quantile(0.99) != 0 || h.Mean() != 0 {
		t.Fatal("empty histogram reports non-zero")
	}
	h.Record(3 * time.Millisecond)
	if got := h.Quantile(0.5); got != 3*time.Millisecond {
		t.Fatalf("single value: p50 = %v", got)
	}
	h.Record(-time.Second) // clock skew: counted as zero
	if got := h.Quantile(0); got != 0 {
		t.Fatalf("negative value: min = %v", got)
	}
}

func TestRecorderMergesShardsAndResetsInterval(t *testing.T) {
	r := NewRecorder()
	for i := range 100 {
		r.RecordBatch(i, []time.Duration{time.Millisecond, 2 * time.Millisecond})
	}
	if got := r.Interval().Count(); got != 200 {
		t.Fatalf("interval count = %d, want 200", got)
	}
	if got := r.Interval().Count(); got != 0 {
		t.Fatalf("interval after reset = %d, want 0", got)
	}
	r.Record(7, 5*time.Millisecond)
	tot := r.Total()
	if tot.Count() != 201 || tot.Max() != 5*time.Millisecond {
		t.Fatalf("total count %d max %v", tot.Count(), tot.Max())
	}
}

func TestSeqTracker(t *testing.T) {
	tests := []struct {
		name                   string
		first                  uint64
		seqs                   []uint64
		upTo                   uint64
		gaps, dups, outOfOrder uint64
		received               uint64
	}{
		{name: "complete in order", first: 1, seqs: []uint64{1, 2, 3, 4}, upTo: 4, received: 4},
		{name: "gap in the middle", first: 1, seqs: []uint64{1, 2, 5}, upTo: 5, gaps: 2, received: 3},
		{name: "missing tail counts as gap", first: 1, seqs: []uint64{1, 2}, upTo: 4, gaps: 2, received: 2},
		{name: "duplicates counted once each", first: 1, seqs: []uint64{1, 2, 2, 3, 3, 3}, upTo: 3, dups: 3, received: 3},
		{name: "late arrival fills the gap", first: 1, seqs: []uint64{1, 3, 2}, upTo: 3, outOfOrder: 1, received: 3},
		{name: "before first is ignored", first: 10, seqs: []uint64{5, 10, 11}, upTo: 12, gaps: 1, received: 2},
		{name: "large sequence numbers", first: 1000, seqs: []uint64{1000, 1001, 1200}, upTo: 1200, gaps: 198, received: 3},
		{name: "nothing published", first: 5, upTo: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewSeqTracker(tc.first)
			for _, s := range tc.seqs {
				tr.Add(s)
			}
			if g := tr.Gaps(tc.upTo); g != tc.gaps {
				t.Errorf("gaps = %d, want %d", g, tc.gaps)
			}
			if tr.Duplicates != tc.dups || tr.OutOfOrder != tc.outOfOrder || tr.Received() != tc.received {
				t.Errorf("dups %d out-of-order %d received %d, want %d %d %d",
					tr.Duplicates, tr.OutOfOrder, tr.Received(), tc.dups, tc.outOfOrder, tc.received)
			}
		})
	}
}

func TestAccountSubtractsFailedPublishes(t *testing.T) {
	s := &subState{topic: "load:x", tracker: NewSeqTracker(1)}
	for _, seq := range []uint64{1, 2, 4, 4} { // 3 failed at the server, 5 lost
		s.tracker.Add(seq)
	}
	src := func(string) (uint64, func(from, to uint64) uint64) {
		return 5, func(from, to uint64) uint64 { return 1 }
	}
	st := account([]*subState{s, nil}, src)
	want := deliveryStats{Subscriptions: 1, Expected: 4, Delivered: 3, Gaps: 1, Duplicates: 1, WithGaps: 1}
	if st != want {
		t.Fatalf("account = %+v, want %+v", st, want)
	}
}

func TestParsePushReadsTheHubEncoding(t *testing.T) {
	payload := appendPayload(nil, 42, 1764379200123456789)
	if n := len(payload); n < payloadBytes-5 || n > payloadBytes+5 {
		t.Errorf("payload is %d bytes, want about %d", n, payloadBytes)
	}
	line := []byte(`{"type":"push","topic":"load:a","epoch":"9f86d081884c7d65","offset":17,"data":` + string(payload) + `}`)
	p, ok := parsePush(line)
	if !ok || !p.ok {
		t.Fatalf("parsePush(%s) = %+v, %v", line, p, ok)
	}
	if string(p.topic) != "load:a" || string(p.epoch) != "9f86d081884c7d65" || p.offset != 17 || p.seq != 42 || p.sentNS != 1764379200123456789 {
		t.Fatalf("parsed %+v", p)
	}
	for _, other := range []string{`{"type":"ack","id":1}`, `{"type":"join","topic":"load:a"}`, `{"type":"push"}`, ``} {
		if _, ok := parsePush([]byte(other)); ok {
			t.Errorf("parsePush(%q) accepted", other)
		}
	}
	if p, ok := parsePush([]byte(`{"type":"push","topic":"load:a","epoch":"e","offset":3,"data":{"text":"hi"}}`)); !ok || p.ok {
		t.Errorf("foreign payload: %+v %v, want a push without seq", p, ok)
	}
}

func TestLoopbackAllowList(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8080", true},
		{"https://127.0.0.1", true},
		{"http://127.0.0.2:8080", false},
		{"http://10.0.0.1:8080", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"ftp://127.0.0.1", false},
		{"ws://127.0.0.1", false},
		{"127.0.0.1:8080", false},
	}
	for _, tc := range tests {
		err := checkLoopbackURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("checkLoopbackURL(%q) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestParseRates(t *testing.T) {
	got, err := parseRates("100, 200,500")
	if err != nil || !slices.Equal(got, []float64{100, 200, 500}) {
		t.Fatalf("parseRates = %v, %v", got, err)
	}
	for _, bad := range []string{"", "a", "0", "-5", "1e9"} {
		if _, err := parseRates(bad); err == nil {
			t.Errorf("parseRates(%q) accepted", bad)
		}
	}
}

func TestParseMetricsAndVmRSS(t *testing.T) {
	m, err := parseMetrics(strings.NewReader("# HELP x\nprocess_resident_memory_bytes 1.2345e+07\n" +
		"go_goroutines 14\nhttp_requests_total{code=\"200\"} 5\nbad line\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m["process_resident_memory_bytes"] != 12345000 || m["go_goroutines"] != 14 || len(m) != 2 {
		t.Fatalf("parseMetrics = %v", m)
	}
	rss, err := parseVmRSS(strings.NewReader("Name:\tlyceum\nVmRSS:\t   2048 kB\n"))
	if err != nil || rss != 2048*1024 {
		t.Fatalf("parseVmRSS = %v, %v", rss, err)
	}
	if _, err := parseVmRSS(strings.NewReader("Name:\tx\n")); err == nil {
		t.Fatal("parseVmRSS without the line succeeded")
	}
}

func TestParseProcStatCPU(t *testing.T) {
	line := "4242 (lyceum (x)) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 50 0 0 20 0 9 0 100 1000 200 18446744073709551615"
	got, err := parseProcStatCPU(line)
	if err != nil || got != 3*time.Second {
		t.Fatalf("parseProcStatCPU = %v, %v; want 3s", got, err)
	}
	if _, err := parseProcStatCPU("garbage"); err == nil {
		t.Fatal("garbage accepted")
	}
	if cpu, err := procCPU(os.Getpid()); err != nil || cpu < 0 {
		t.Fatalf("procCPU(self) = %v, %v", cpu, err)
	}
	if pids, err := parsePids("1, 2,"); err != nil || !slices.Equal(pids, []int{1, 2}) {
		t.Fatalf("parsePids = %v, %v", pids, err)
	}
}

func TestRecorderKeepsSlowDeliveriesOnlyWhenAsked(t *testing.T) {
	r := NewRecorder()
	topic := []byte("load:storm-1")
	if n := testing.AllocsPerRun(100, func() { r.NoteSlow(1, topic, 1, time.Second) }); n != 0 {
		t.Fatalf("NoteSlow allocates %v times per delivery without KeepSlow, want 0", n)
	}
	r.NoteSlow(1, []byte("a"), 1, time.Second)
	if got := r.Slow(); len(got) != 0 {
		t.Fatalf("kept %v without KeepSlow", got)
	}
	r.KeepSlow(8 * time.Millisecond)
	r.NoteSlow(2, []byte("a"), 2, 7*time.Millisecond)
	topic = []byte("b")
	r.NoteSlow(3, topic, 3, 12500*time.Microsecond)
	topic[0] = 'x' // the tool reuses its read buffer: what was kept is a copy
	got := r.Slow()
	if len(got) != 1 || got[0].SentUnixNS != 3 || got[0].Topic != "b" || got[0].Seq != 3 || got[0].MS != 12.5 {
		t.Fatalf("slow = %+v, want only the 12.5 ms delivery sent at 3", got)
	}
	for i := range maxSlow + 10 {
		r.NoteSlow(int64(10+i), nil, 0, time.Second)
	}
	if n := len(r.Slow()); n != maxSlow {
		t.Fatalf("kept %d slow deliveries, want the bound %d", n, maxSlow)
	}
}
