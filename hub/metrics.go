package hub

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// metrics are the hub's Prometheus collectors (the only shared mutable state
// the house rules allow; they are registered on the Registerer given to New).
type metrics struct {
	connections       prometheus.Gauge
	connects          prometheus.Counter
	subscriptions     prometheus.Gauge
	publicationsIn    prometheus.Counter
	publicationsOut   prometheus.Counter
	queueFull         prometheus.Counter
	recoveries        *prometheus.CounterVec
	brokerErrors      *prometheus.CounterVec
	rateLimited       prometheus.Counter
	insufficientState prometheus.Counter
	accessRevoked     prometheus.Counter
	writes            prometheus.Counter
	writesHandedOff   prometheus.Counter
	admissionWait     prometheus.Histogram
	admissionRefused  prometheus.Counter
	admissionWaiting  prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "lyceum", "hub"
	m := &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "connections", Help: "Open WebSocket connections."}),
		connects: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "connects_total", Help: "WebSocket connections accepted."}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "subscriptions", Help: "Active topic subscriptions of local connections."}),
		publicationsIn: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "publications_in_total", Help: "Publications accepted on this node (clients and server)."}),
		publicationsOut: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "publications_out_total", Help: "Push frames queued to local subscribers."}),
		queueFull: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "queue_full_disconnects_total", Help: "Connections closed because their send queue passed its bound."}),
		recoveries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "recoveries_total", Help: "Subscriptions with a recovery position, by result."}, []string{"result"}),
		brokerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "broker_errors_total", Help: "Failed broker calls, by operation."}, []string{"op"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "rate_limited_total", Help: "Client commands refused by the per-connection rate limit."}),
		insufficientState: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "insufficient_state_total", Help: "Topics whose live stream showed a gap or epoch change on this node."}),
		accessRevoked: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "access_revoked_total", Help: "Subscriptions ended because a re-check refused them (access lost)."}),
		writes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "writes_total", Help: "WebSocket messages written (each may coalesce several frames)."}),
		admissionWait: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "admission_wait_seconds", Help: "How long admitted upgrades waited for their turn (Config.AdmitRate).",
			Buckets: []float64{0, .001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		writesHandedOff: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "writes_handed_off_total", Help: "Fan-out writes a socket did not take at once, finished by the connection's writer goroutine."}),
		admissionRefused: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "admission_refused_total", Help: "Upgrades refused (503) because their turn was more than AdmitWait away."}),
		admissionWaiting: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "admission_waiting", Help: "Upgrades waiting for their turn now (Config.AdmitRate)."}),
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	for _, c := range []prometheus.Collector{m.connections, m.connects, m.subscriptions, m.publicationsIn,
		m.publicationsOut, m.queueFull, m.recoveries, m.brokerErrors, m.rateLimited, m.insufficientState, m.accessRevoked, m.writes,
		m.writesHandedOff, m.admissionWait, m.admissionRefused, m.admissionWaiting} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, errors.New("hub: metrics already registered on this Registerer (one Hub per registry)")
			}
			return nil, err
		}
	}
	return m, nil
}

// Connections returns how many WebSocket connections this node holds now
// (the connections gauge), for the site report.
func (h *Hub) Connections() int {
	var m dto.Metric
	if err := h.m.connections.Write(&m); err != nil || m.GetGauge() == nil {
		return 0
	}
	return int(m.GetGauge().GetValue())
}
