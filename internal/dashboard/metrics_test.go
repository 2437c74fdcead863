package dashboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/record"
)

// TestMetricsCountIngest checks /metrics as mounted next to the dashboard:
// records by kind and result, rejections by reason, batch latency and
// devices by state.
func TestMetricsCountIngest(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	sig := d.Record(t, record.KindSignature).Marshal()
	d.Upload(t, [][]byte{sig, d.Record(t, record.KindComment).Marshal()})
	d.Upload(t, [][]byte{sig, []byte("not a record")})
	s.central.NewDevice(t, record.ModeCanvasser)
	b := s.browser(t)
	p := b.get("/metrics")
	if p.status != http.StatusOK {
		t.Fatalf("GET /metrics = %d", p.status)
	}
	for _, want := range []string{
		`voces_ingested_records_total{kind="signature",result="accepted"} 1`,
		`voces_ingested_records_total{kind="signature",result="duplicate"} 1`,
		`voces_ingested_records_total{kind="comment",result="accepted"} 1`,
		`voces_ingested_records_total{kind="unknown",result="rejected"} 1`,
		`voces_rejected_records_total{reason="undecodable"} 1`,
		`voces_batch_seconds_count 2`,
		`voces_devices{state="online"} 1`,
		`voces_devices{state="stale"} 1`,
		`voces_devices{state="revoked"} 0`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
