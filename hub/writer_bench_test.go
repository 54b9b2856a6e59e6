package hub_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// BenchmarkFanoutOverlap publishes on one topic with N subscribers over
// loopback, each publication once half of the previous one's deliveries
// arrived: the next publication meets the writers of the previous one
// still running, as on a server that is near its core's limit (the case
// the writer's yield in conn.writeLoop is for). Reported as in
// BenchmarkFanoutLoopback: cpu-ns/delivery (the whole process) and
// msgs/delivery (WebSocket messages, i.e. write system calls, per delivery).
func BenchmarkFanoutOverlap(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			node := hubtest.NewNode(b, hub.Config{}, hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
			const topic = "bench:overlap"
			var messages atomic.Int64
			frames := newCounter()
			for i := range n {
				c, br := rawDial(b, node, fmt.Sprintf("u%d", i), 64<<10)
				b.Cleanup(func() { _ = c.Close() })
				rawSend(b, c, `{"type":"subscribe","id":1,"topic":"`+topic+`"}`)
				go rawReadLoop(br, &messages, frames)
			}
			frames.wait(b, int64(2*n)) // hello + subscribe ack each
			messages.Store(0)
			frames.n.Store(0)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			var published int64
			for b.Loop() {
				if _, err := node.Hub.Publish(ctx, topic, benchPayload); err != nil {
					b.Fatal(err)
				}
				published++
				frames.wait(b, published*int64(n)-int64(n/2))
			}
			frames.wait(b, published*int64(n))
			b.StopTimer()
			deliveries := float64(published) * float64(n)
			b.ReportMetric(float64(cpuTime()-cpu0)/deliveries, "cpu-ns/delivery")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/deliveries, "ns/delivery")
			b.ReportMetric(float64(messages.Load())/deliveries, "msgs/delivery")
		})
	}
}
