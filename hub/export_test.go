package hub

import (
	"time"

	dto "github.com/prometheus/client_model/go"
)

// LiveSubscribers reports how many local subscriptions of topic are live
// (activated), for tests in package hub_test whose clients do not read
// their acks.
func LiveSubscribers(h *Hub, topic string) int {
	t := h.lookup(topic)
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, s := range t.subs {
		if s.live {
			n++
		}
	}
	return n
}

// Connections reports how many connections the hub holds (a connection
// leaves once its socket is closed and its goroutines ended), for tests
// whose clients do not read.
func Connections(h *Hub) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// CloseBatch exposes closeBatch.
func CloseBatch(n int, rate float64, remaining time.Duration, hasDeadline bool) int {
	return closeBatch(n, rate, remaining, hasDeadline)
}

// AdmissionWaiting reports how many upgrades wait for their turn.
func AdmissionWaiting(h *Hub) int {
	var m dto.Metric
	if err := h.m.admissionWaiting.Write(&m); err != nil {
		return -1
	}
	return int(m.GetGauge().GetValue())
}

// WritesHandedOff reports how many fan-out writes a socket did not take at
// once (see conn.writeNow).
func WritesHandedOff(h *Hub) int {
	var m dto.Metric
	if err := h.m.writesHandedOff.Write(&m); err != nil {
		return -1
	}
	return int(m.GetCounter().GetValue())
}

// DeliveredRecently reports whether the node counts as delivering now (the
// admission's pacing applies).
func DeliveredRecently(h *Hub) bool {
	return time.Now().UnixNano()-h.admission.lastDelivery.Load() <= int64(admitIdle)
}

// KeepDelivering makes the node count as delivering for the next hour, so
// a test on a loaded machine does not see pacing lapse between its steps.
func KeepDelivering(h *Hub) {
	h.admission.delivered(time.Now().Add(time.Hour))
}
