package jobs

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the runner's Prometheus collectors.
type metrics struct {
	runs     *prometheus.CounterVec   // handler runs by kind and result (ok, error)
	failed   *prometheus.CounterVec   // jobs given up, by kind
	lag      *prometheus.HistogramVec // from RunAt to the claim, by kind
	duration *prometheus.HistogramVec // handler run time, by kind
	running  prometheus.Gauge         // handlers running now
}

// newMetrics creates the collectors and registers them with reg (nil: not
// registered).
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "lyceum", "jobs"
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "runs_total", Help: "Job handler runs on this node, by kind and result (ok, error)."},
			[]string{"kind", "result"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "failed_total", Help: "Jobs given up after their last attempt (kept as failed), by kind."},
			[]string{"kind"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "lag_seconds", Help: "How long after its run time a job was claimed, by kind.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 900}}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "run_duration_seconds", Help: "How long job handlers ran, by kind.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30}}, []string{"kind"}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "running", Help: "Job handlers running now on this node."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.runs, m.failed, m.lag, m.duration, m.running} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("jobs: register metrics: %w", err)
			}
		}
	}
	return m, nil
}
