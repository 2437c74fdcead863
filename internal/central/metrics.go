package central

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// StaleAfter is how long an active device may go unseen before operators
// are told it needs a look: a kiosk that syncs sends a heartbeat every few
// minutes, so half an hour of silence means it is off, offline or broken.
const StaleAfter = 30 * time.Minute

// Device states as metrics and the fleet page report them: an active
// device is online or stale depending on when it was last seen.
const (
	FleetOnline  = "online"
	FleetStale   = "stale"
	FleetRevoked = "revoked"
)

// FleetState says whether d is online, stale (active but not seen within
// StaleAfter of now, or never seen) or revoked.
func FleetState(d *Device, now time.Time) string {
	switch {
	case d.State() == DeviceRevoked:
		return FleetRevoked
	case d.LastSeen.IsZero() || now.Sub(d.LastSeen) > StaleAfter:
		return FleetStale
	}
	return FleetOnline
}

// unknownKind labels records that could not be decoded: only ever
// rejected.
const unknownKind = "unknown"

// Metrics are central's Prometheus metrics. Labels hold only kinds,
// results, reasons and states, never an id or anything a person gave.
type Metrics struct {
	registry   *prometheus.Registry
	records    *prometheus.CounterVec
	rejections *prometheus.CounterVec
	batch      prometheus.Histogram
	busy       prometheus.Counter
}

// NewMetrics registers central's metrics, the Go runtime's and a device
// gauge that asks store for the fleet at each scrape.
func NewMetrics(store Store, now func() time.Time) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "voces_ingested_records_total",
			Help: "Records received in uploads and bundle imports, by kind and result (accepted, duplicate, conflict, rejected).",
		}, []string{"kind", "result"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "voces_rejected_records_total",
			Help: "Records rejected, by reason.",
		}, []string{"reason"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "voces_batch_seconds",
			Help: "Time from a batch's arrival to its durable commit, checks included.",
			// Group commits take milliseconds; a batch that waits seconds
			// means the writer is the bottleneck.
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "voces_batches_busy_total",
			Help: "Uploads told to come back later (429) because the queue of batches waiting for the database was full.",
		}),
	}
	// Every series exists from start-up at 0: a counter that appears only
	// with its first event has no earlier sample, so rate() and increase()
	// over it show "no data" instead of 0, and an alert on it cannot fire
	// on the first rejection.
	for _, k := range record.Kinds {
		for _, st := range protocol.Statuses {
			m.records.WithLabelValues(string(k), string(st))
		}
	}
	m.records.WithLabelValues(unknownKind, string(protocol.Rejected))
	for _, r := range protocol.Reasons {
		m.rejections.WithLabelValues(r)
	}
	m.registry.MustRegister(m.records, m.rejections, m.batch, m.busy,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&deviceCollector{store: store, now: now, desc: prometheus.NewDesc(
			"voces_devices", "Enrolled devices by state (online, stale, revoked).", []string{"state"}, nil)},
		&quarantineCollector{store: store, desc: prometheus.NewDesc(
			"voces_quarantined_records", "Records held whose sealed body does not open with the campaign key (purged ones included); exports skip them.", nil, nil)},
	)
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Registry is where the metrics live, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// observe counts one batch's records. kinds holds each record's kind, ""
// for one that could not be decoded. A nil Metrics counts nothing.
func (m *Metrics) observe(kinds []string, results []protocol.Result, took time.Duration) {
	if m == nil {
		return
	}
	for i, res := range results {
		kind := kinds[i]
		if kind == "" {
			kind = unknownKind
		}
		m.records.WithLabelValues(kind, string(res.Status)).Inc()
		if res.Status == protocol.Rejected {
			m.rejections.WithLabelValues(res.Reason).Inc()
		}
	}
	m.batch.Observe(took.Seconds())
}

// refusedBusy counts an upload turned away with 429. A nil Metrics counts
// nothing.
func (m *Metrics) refusedBusy() {
	if m != nil {
		m.busy.Inc()
	}
}

// deviceCollector reads the fleet from the store at scrape time, so every
// ingest node behind a load balancer reports the same numbers.
type deviceCollector struct {
	store Store
	now   func() time.Time
	desc  *prometheus.Desc
}

func (c *deviceCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *deviceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	devices, err := c.store.Devices(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	counts := map[string]float64{FleetOnline: 0, FleetStale: 0, FleetRevoked: 0}
	now := c.now()
	for i := range devices {
		counts[FleetState(&devices[i].Device, now)]++
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, state)
	}
}

// quarantineCollector reports the quarantined records at each scrape, 0
// from start-up and on a store that keeps no quarantine.
type quarantineCollector struct {
	store Store
	desc  *prometheus.Desc
}

func (c *quarantineCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *quarantineCollector) Collect(ch chan<- prometheus.Metric) {
	var n int64
	if q, ok := c.store.(QuarantineStore); ok {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		counts, err := q.QuarantineCounts(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.desc, err)
			return
		}
		n = QuarantineTotal(counts)
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}
