package central_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// scrapeFreshCentral starts a central with no device and no record yet,
// mounts its metrics as `central serve` does and returns one scrape.
func scrapeFreshCentral(t *testing.T) []byte {
	t.Helper()
	c := centraltest.Start(t)
	m := central.NewMetrics(c.Store, time.Now)
	c.Server.Metrics = m
	mux := http.NewServeMux()
	mux.Handle("/api/", c.Server)
	mux.Handle("/metrics", m.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d (%v)", resp.StatusCode, err)
	}
	return body
}

// documentedMetrics are the metric names in the table of the operator
// guide's Metrics section: what operators are told they can graph.
func documentedMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/operator.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## 9. Metrics")
	if start < 0 {
		t.Fatal("the operator guide has no Metrics section")
	}
	section := doc[start+1:]
	section = section[:strings.Index(section, "\n## ")]
	var names []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		names = append(names, m[1])
	}
	if len(names) < 5 {
		t.Fatalf("found only %v in the Metrics table", names)
	}
	return names
}

// series is a metric's samples by their labels ("k=v,k=v"), in a scrape.
func series(t *testing.T, fams map[string]*dto.MetricFamily, name string) map[string]float64 {
	t.Helper()
	fam, ok := fams[name]
	if !ok {
		return nil
	}
	out := map[string]float64{}
	for _, m := range fam.Metric {
		var labels []string
		for _, l := range m.Label {
			labels = append(labels, l.GetName()+"="+l.GetValue())
		}
		var v float64
		switch {
		case m.Counter != nil:
			v = m.Counter.GetValue()
		case m.Gauge != nil:
			v = m.Gauge.GetValue()
		case m.Histogram != nil:
			v = float64(m.Histogram.GetSampleCount())
		}
		out[strings.Join(labels, ",")] = v
	}
	return out
}

// TestMetricsArePresentAtZeroOnAFreshCentral checks that every series the
// operator guide documents is on a fresh central's /metrics before any
// event, with every label value at 0, so rate() reads 0 and not "no
// data".
func TestMetricsArePresentAtZeroOnAFreshCentral(t *testing.T) {
	body := scrapeFreshCentral(t)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	for _, name := range documentedMetrics(t) {
		if _, ok := fams[name]; !ok {
			t.Errorf("documented metric %s is not on a fresh central's /metrics", name)
		}
	}
	want := map[string][]string{
		"voces_batch_seconds":      {""},
		"voces_batches_busy_total": {""},
	}
	for _, k := range record.Kinds {
		for _, st := range protocol.Statuses {
			want["voces_ingested_records_total"] = append(want["voces_ingested_records_total"], "kind="+string(k)+",result="+string(st))
		}
	}
	want["voces_ingested_records_total"] = append(want["voces_ingested_records_total"], "kind=unknown,result=rejected")
	for _, r := range protocol.Reasons {
		want["voces_rejected_records_total"] = append(want["voces_rejected_records_total"], "reason="+r)
	}
	for _, st := range []string{central.FleetOnline, central.FleetStale, central.FleetRevoked} {
		want["voces_devices"] = append(want["voces_devices"], "state="+st)
	}
	for name, labelSets := range want {
		got := series(t, fams, name)
		for _, ls := range labelSets {
			v, ok := got[ls]
			if !ok {
				t.Errorf("%s{%s} is missing from a fresh central's /metrics", name, ls)
			} else if v != 0 {
				t.Errorf("%s{%s} = %v on a fresh central, want 0", name, ls, v)
			}
		}
	}
	if len(want["voces_ingested_records_total"]) != 6*4+1 || len(want["voces_rejected_records_total"]) != 10 {
		t.Errorf("kinds, results or reasons changed: update the operator guide's Metrics table and this test")
	}
}

// TestMetricsPassPromtool runs `promtool check metrics` (Debian package
// prometheus) on a fresh central's /metrics: names, types, help and units
// as Prometheus expects them.
func TestMetricsPassPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool (Debian package prometheus) is required under CI=true; scripts/deps.sh installs it")
		}
		t.Skip("promtool (Debian package prometheus) is not installed; skipping the check")
	}
	body := scrapeFreshCentral(t)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
