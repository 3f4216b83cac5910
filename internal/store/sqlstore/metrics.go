package sqlstore

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the store's instruments. They are process-wide because a
// process opens one store; Collectors hands them to the server's registry.
type metrics struct {
	txSeconds *prometheus.HistogramVec
	txErrors  *prometheus.CounterVec
}

var storeMetrics = &metrics{
	txSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "ticketd_store_tx_duration_seconds", Help: "Read-write transaction time, queueing and commit (fsync) included.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"backend"}),
	txErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ticketd_store_tx_errors_total", Help: "Read-write transactions that failed or were refused.",
	}, []string{"backend"}),
}

func (m *metrics) observe(backend string, start time.Time, err error) {
	m.txSeconds.WithLabelValues(backend).Observe(time.Since(start).Seconds())
	if err != nil {
		m.txErrors.WithLabelValues(backend).Inc()
	}
}

// Collectors returns the store's metrics for registration.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{storeMetrics.txSeconds, storeMetrics.txErrors}
}
