package hub_test

import (
	"fmt"
	"testing"
)

// BenchmarkFanoutOverlap publishes on one topic with N subscribers over
// loopback, each publication once half of the previous one's deliveries
// arrived: the next publication meets the writers of the previous one
// still running, as on a server near its core's limit (the case a change
// to the writers' wake-ups in conn.writeLoop is for). Reported as in
// BenchmarkFanoutLoopback: cpu-ns/delivery (the whole process) and
// msgs/delivery (WebSocket messages, i.e. write system calls, per delivery).
func BenchmarkFanoutOverlap(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchFanout(b, n, "overlap") })
	}
}
