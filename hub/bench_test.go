package hub

import (
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// payload200 is a ~200-byte JSON payload like the load tool's.
var payload200 = []byte(`{"seq":123456,"sent_ns":1764379200123456789,"text":"` +
	"lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis" + `"}`)

func BenchmarkEncodePush(b *testing.B) {
	pub := Publication{Epoch: "9f86d081884c7d65", Offset: 123456, Data: payload200}
	b.ReportAllocs()
	for b.Loop() {
		_ = encodePush("room:12345", pub)
	}
}

func BenchmarkEnqueue(b *testing.B) {
	q := newSendQueue(1<<30, 1<<62)
	q.running = true // a writer is running: push only queues
	frame := encodePush("room:1", Publication{Epoch: "e", Offset: 1, Data: payload200})
	var spare [][]byte
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q.push(frame)
		if i++; i%64 == 0 {
			batch, _ := q.take(spare)
			spare = recycle(batch)
		}
	}
}

// BenchmarkBroadcast measures one publication fanned out to N local
// subscribers (encode once + N non-blocking enqueues); queues are drained
// every 64 publications, as a writer would.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			h, err := New(Config{}, NewMemoryBroker(MemoryBrokerConfig{}), zerolog.Nop(), nil)
			if err != nil {
				b.Fatal(err)
			}
			t := newTopic("room:1", DefaultRecentPublications)
			conns := make([]*conn, n)
			for i := range conns {
				c := &conn{h: h, q: newSendQueue(1<<20, 1<<40), writerDone: make(chan struct{})}
				c.q.running = true // a writer is running: enqueue only queues
				conns[i] = c
				s := &subscription{c: c, t: t, live: true}
				t.add(s)
				s.live = true
			}
			pub := Publication{Epoch: "9f86d081884c7d65", Data: payload200}
			spare := make([][][]byte, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				pub.Offset++
				t.deliver(pub, time.Now())
				if i%64 == 63 {
					for j, c := range conns {
						batch, _ := c.q.take(spare[j])
						spare[j] = recycle(batch)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/delivery")
		})
	}
}
