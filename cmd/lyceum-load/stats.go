package main

import (
	"math/bits"
	"sync"
	"time"
)

// Histogram layout: values (nanoseconds) below 2^(subBits+1) have a bucket
// each; above, every power of two is split into 2^subBits buckets, so a
// reported percentile is within 1/2^subBits (about 1.6 %) of the truth.
const (
	subBits      = 6
	subCount     = 1 << subBits
	maxValueBits = 44 // values are clamped below 2^44 ns (about 4.9 hours)
	numBuckets   = (maxValueBits-subBits)*subCount + subCount
)

// Histogram is an HDR-style log-linear histogram of durations. It is not
// safe for concurrent use; see Recorder for that.
type Histogram struct {
	counts [numBuckets]uint64
	n      uint64
	sum    uint64
	min    uint64
	max    uint64
}

// bucketOf returns the bucket index of v nanoseconds.
func bucketOf(v uint64) int {
	if v >= 1<<maxValueBits {
		v = 1<<maxValueBits - 1
	}
	if v < 2*subCount {
		return int(v)
	}
	shift := bits.Len64(v) - (subBits + 1)
	return (shift+1)<<subBits + int(v>>uint(shift)) - subCount
}

// bucketValue returns the middle of bucket i (its lower bound for the exact buckets).
func bucketValue(i int) uint64 {
	if i < 2*subCount {
		return uint64(i)
	}
	shift := i>>subBits - 1
	sub := uint64(i - (shift+1)<<subBits + subCount)
	lo := sub << uint(shift)
	return lo + (uint64(1)<<uint(shift))/2
}

// Record adds one duration (negative durations count as zero).
func (h *Histogram) Record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

// Merge adds every value of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Reset empties h.
func (h *Histogram) Reset() { *h = Histogram{} }

// Count returns how many values were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max returns the largest value recorded (exact).
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the mean of the values (exact).
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}

// Quantile returns the value at quantile q (0..1), within the bucket
// precision, clamped to the exact minimum and maximum.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := bucketValue(i)
			v = max(v, h.min)
			v = min(v, h.max)
			return time.Duration(v)
		}
	}
	return time.Duration(h.max)
}

// LatencySummary is the JSON form of a histogram.
type LatencySummary struct {
	Count  uint64  `json:"count"`
	MeanMS float64 `json:"mean_ms"`
	P50MS  float64 `json:"p50_ms"`
	P90MS  float64 `json:"p90_ms"`
	P99MS  float64 `json:"p99_ms"`
	P999MS float64 `json:"p999_ms"`
	MaxMS  float64 `json:"max_ms"`
}

// Summary returns the usual percentiles in milliseconds.
func (h *Histogram) Summary() LatencySummary {
	return LatencySummary{
		Count: h.n, MeanMS: ms(h.Mean()), P50MS: ms(h.Quantile(0.50)), P90MS: ms(h.Quantile(0.90)),
		P99MS: ms(h.Quantile(0.99)), P999MS: ms(h.Quantile(0.999)), MaxMS: ms(h.Max()),
	}
}

func ms(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}

// recorderShards spreads recording goroutines over this many locks.
const recorderShards = 32

// Recorder is a histogram many goroutines record into with little
// contention: each goroutine records into one of several shards (pick one
// per client), each shard keeping a total and a since-last-tick histogram.
type Recorder struct {
	shards [recorderShards]recorderShard

	slowOver time.Duration // > 0: keep deliveries at least this slow (NoteSlow), up to maxSlow
	slowMu   sync.Mutex
	slow     []SlowDelivery
}

// SlowDelivery is one delivery a Recorder kept for being slow: when it was
// sent (Unix nanoseconds, the publisher's clock, which is the machine's) and
// how long it took, so it can be found in a server's execution trace.
type SlowDelivery struct {
	SentUnixNS int64   `json:"sent_unix_ns"`
	MS         float64 `json:"ms"`
	Topic      string  `json:"topic"`
	Seq        uint64  `json:"seq"`
}

// maxSlow bounds the slow deliveries a Recorder keeps.
const maxSlow = 2000

// KeepSlow makes r keep deliveries at least over slow (NoteSlow).
func (r *Recorder) KeepSlow(over time.Duration) { r.slowOver = over }

// NoteSlow keeps a delivery of topic's seq, sent at sentNS, that took
// took, if r keeps slow deliveries and it is one. It is called for every
// delivery: the check comes before anything is copied.
func (r *Recorder) NoteSlow(sentNS int64, topic []byte, seq uint64, took time.Duration) {
	if r.slowOver <= 0 || took < r.slowOver {
		return
	}
	d := SlowDelivery{SentUnixNS: sentNS, MS: ms(took), Topic: string(topic), Seq: seq}
	r.slowMu.Lock()
	if len(r.slow) < maxSlow {
		r.slow = append(r.slow, d)
	}
	r.slowMu.Unlock()
}

// Slow returns the slow deliveries kept so far.
func (r *Recorder) Slow() []SlowDelivery {
	r.slowMu.Lock()
	defer r.slowMu.Unlock()
	return append([]SlowDelivery(nil), r.slow...)
}

type recorderShard struct {
	mu       sync.Mutex
	total    Histogram
	interval Histogram
	_        [64]byte // keep neighbouring locks off one cache line
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{} }

// RecordBatch records ds into shard (any int; taken modulo the shard count)
// under one lock acquisition.
func (r *Recorder) RecordBatch(shard int, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	s := &r.shards[uint(shard)%recorderShards]
	s.mu.Lock()
	for _, d := range ds {
		s.total.Record(d)
		s.interval.Record(d)
	}
	s.mu.Unlock()
}

// Record records one value into shard.
func (r *Recorder) Record(shard int, d time.Duration) {
	s := &r.shards[uint(shard)%recorderShards]
	s.mu.Lock()
	s.total.Record(d)
	s.interval.Record(d)
	s.mu.Unlock()
}

// Total returns the merge of everything recorded.
func (r *Recorder) Total() *Histogram {
	out := &Histogram{}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		out.Merge(&s.total)
		s.mu.Unlock()
	}
	return out
}

// Interval returns what was recorded since the previous call and resets it.
func (r *Recorder) Interval() *Histogram {
	out := &Histogram{}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		out.Merge(&s.interval)
		s.interval.Reset()
		s.mu.Unlock()
	}
	return out
}

// SeqTracker accounts the sequence numbers one subscriber received on one
// topic: duplicates and out-of-order arrivals as they come, gaps against the
// expected range at the end. Not safe for concurrent use.
type SeqTracker struct {
	seen       []uint64 // bitset: bit s is set when seq s arrived
	first      uint64   // first sequence expected (inclusive)
	last       uint64   // highest sequence received
	received   uint64   // distinct sequences received
	Duplicates uint64
	OutOfOrder uint64
}

// NewSeqTracker expects sequences from first on.
func NewSeqTracker(first uint64) *SeqTracker { return &SeqTracker{first: first, last: first - 1} }

// Add accounts for one received sequence number; it reports whether it was new.
func (t *SeqTracker) Add(seq uint64) bool {
	if seq < t.first {
		return false // published before this subscriber was expected to see it
	}
	w := int(seq / 64)
	for w >= len(t.seen) {
		t.seen = append(t.seen, 0)
	}
	bit := uint64(1) << (seq % 64)
	if t.seen[w]&bit != 0 {
		t.Duplicates++
		return false
	}
	t.seen[w] |= bit
	t.received++
	if seq < t.last {
		t.OutOfOrder++
	} else {
		t.last = seq
	}
	return true
}

// Received returns how many distinct sequences arrived.
func (t *SeqTracker) Received() uint64 { return t.received }

// Gaps returns how many sequences in [first, upTo] never arrived.
func (t *SeqTracker) Gaps(upTo uint64) uint64 {
	if upTo < t.first {
		return 0
	}
	want := upTo - t.first + 1
	var got uint64
	for s := t.first; s <= upTo; s++ {
		w := int(s / 64)
		if w < len(t.seen) && t.seen[w]&(1<<(s%64)) != 0 {
			got++
		}
	}
	return want - got
}
