package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Publisher pacing.
const (
	publishTick        = time.Millisecond // how often the pacer wakes up
	maxCommandsPerMsg  = 64               // the server's default max_commands
	maxPublishInFlight = 4000             // unanswered publishes before the pacer waits
)

// publisher publishes the tool's payload round-robin on its topics over one
// connection without waiting for each ack. Command k (1, 2, ...) goes to
// topics[(k-1) % len(topics)] with sequence (k-1)/len(topics) + 1, so an
// error frame's id tells which publication failed.
type publisher struct {
	cl     *client
	topics []string
	k      uint64 // commands sent so far (only the run goroutine writes it)

	sent   atomic.Uint64
	acked  atomic.Uint64
	failed atomic.Uint64

	mu       sync.Mutex
	failures map[string]map[uint64]bool // topic -> failed sequences
	firstErr string
	stalls   int // ticks skipped because too many publishes were unanswered
}

func newPublisher(cl *client, topics []string) *publisher {
	p := &publisher{cl: cl, topics: topics, failures: map[string]map[uint64]bool{}}
	cl.mu.Lock()
	cl.onReply = p.reply
	cl.mu.Unlock()
	return p
}

// locate returns the topic and sequence of command k.
func (p *publisher) locate(k uint64) (string, uint64) {
	n := uint64(len(p.topics))
	return p.topics[(k-1)%n], (k-1)/n + 1
}

func (p *publisher) reply(f frame) {
	if f.Type == "ack" {
		p.acked.Add(1)
		return
	}
	p.failed.Add(1)
	if f.ID == 0 || f.ID > p.sent.Load() {
		return
	}
	topic, seq := p.locate(f.ID)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failures[topic] == nil {
		p.failures[topic] = map[uint64]bool{}
	}
	p.failures[topic][seq] = true
	if p.firstErr == "" {
		p.firstErr = f.Code + ": " + f.Message
	}
}

// nextSeq returns the sequence the next publication on topic will carry.
func (p *publisher) nextSeq(topic string) uint64 {
	n := uint64(len(p.topics))
	for i, t := range p.topics {
		if t == topic {
			k := p.k + 1 // the next command
			// first command >= k going to topic i
			for (k-1)%n != uint64(i) {
				k++
			}
			return (k-1)/n + 1
		}
	}
	return 1
}

// lastSeq returns the last sequence published (sent) on topic (0 if none).
func (p *publisher) lastSeq(topic string) uint64 { return p.nextSeq(topic) - 1 }

// failedIn counts failed sequences on topic in [from, to] that sub did not receive.
func (p *publisher) failedIn(topic string, from, to uint64) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n uint64
	for s := range p.failures[topic] {
		if s >= from && s <= to {
			n++
		}
	}
	return n
}

// seqs is a seqSource for the publisher's topics.
func (p *publisher) seqs(topic string) (last uint64, failedIn func(from, to uint64) uint64) {
	return p.lastSeq(topic), func(from, to uint64) uint64 { return p.failedIn(topic, from, to) }
}

// run publishes at rate publications per second (over all topics) for d or
// until ctx ends.
func (p *publisher) run(ctx context.Context, rate float64, d time.Duration) error {
	start := time.Now()
	base := p.k
	t := time.NewTicker(publishTick)
	defer t.Stop()
	buf := make([]byte, 0, 64<<10)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-p.cl.done:
			return fmt.Errorf("publisher connection closed: %w", p.cl.closeErr())
		case <-t.C:
		}
		el := time.Since(start)
		if el >= d {
			return nil
		}
		due := base + uint64(el.Seconds()*rate) + 1 - p.k
		for due > 0 {
			if p.sent.Load()-p.acked.Load()-p.failed.Load() > maxPublishInFlight {
				p.mu.Lock()
				p.stalls++
				p.mu.Unlock()
				break
			}
			buf = buf[:0]
			now := time.Now().UnixNano()
			n := min(due, maxCommandsPerMsg)
			for i := uint64(0); i < n; i++ {
				p.k++
				topic, seq := p.locate(p.k)
				if i > 0 {
					buf = append(buf, '\n')
				}
				buf = appendPublish(buf, p.cl.proto, p.k, topic, seq, now)
			}
			p.sent.Add(n)
			// A write is never cut by the end of the run (that would break the frame).
			if err := p.cl.send(context.WithoutCancel(ctx), buf); err != nil {
				return fmt.Errorf("publish: %w", err)
			}
			due -= n
		}
	}
}

// waitAnswered waits until every publish was answered or timeout passes.
func (p *publisher) waitAnswered(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && p.acked.Load()+p.failed.Load() < p.sent.Load() {
		time.Sleep(10 * time.Millisecond)
	}
}

// publishStats is the JSON form of a publisher's counters.
type publishStats struct {
	Sent       uint64 `json:"sent"`
	Acked      uint64 `json:"acked"`
	Failed     uint64 `json:"failed"`
	FirstError string `json:"first_error,omitempty"`
	Stalls     int    `json:"stalls,omitempty"`
}

func (p *publisher) stats() publishStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return publishStats{Sent: p.sent.Load(), Acked: p.acked.Load(), Failed: p.failed.Load(), FirstError: p.firstErr, Stalls: p.stalls}
}

// addStats sums publisher stats.
func addStats(a, b publishStats) publishStats {
	a.Sent += b.Sent
	a.Acked += b.Acked
	a.Failed += b.Failed
	a.Stalls += b.Stalls
	if a.FirstError == "" {
		a.FirstError = b.FirstError
	}
	return a
}
