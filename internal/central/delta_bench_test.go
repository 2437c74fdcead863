package central_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// bigUpdate publishes a 400-proposal campaign and then the same with one
// proposal added, and returns both versions' numbers.
func bigUpdate(tb testing.TB, c *centraltest.Central) (from, to int) {
	tb.Helper()
	ctx := context.Background()
	base, err := campaign.Parse("built-in", assets.DefaultCampaign)
	if err != nil {
		tb.Fatal(err)
	}
	big, err := fieldsim.BigCampaign(base, fieldsim.BigSize, 1)
	if err != nil {
		tb.Fatal(err)
	}
	publish := func() int {
		data, err := campaign.Marshal(big)
		if err != nil {
			tb.Fatal(err)
		}
		v, _, err := c.Server.Publish(ctx, "big", data)
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
	from = publish()
	p := big.Proposals[17]
	p.ID = "propuesta-nueva"
	p.Title = campaign.Text{"es": "Una propuesta que llegó después", "en": "A proposal that came later"}
	p.Summary = campaign.Text{"es": "Que cada alcaldía publique cada mes cuánto gastó en alumbrado y dónde, con datos abiertos que cualquiera pueda descargar.",
		"en": "Every alcaldía should publish each month what it spent on street lighting and where, as open data anyone can download."}
	big.Proposals = append(big.Proposals, p)
	return from, publish()
}

// wireBytes is what a device downloads for the campaign: the answer's
// body as sent (gzip) and its header lines.
func wireBytes(tb testing.TB, c *centraltest.Central, have int) (body, total int, cr protocol.CampaignResponse) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, c.URL+protocol.PathCampaign, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if have > 0 {
		req.Header.Set(protocol.HeaderCampaignHave, fmt.Sprint(have))
	}
	resp := centraltest.Do(tb, c.Client, req)
	headers := len("HTTP/1.1 200 OK\r\n\r\n")
	for k, vs := range resp.Header {
		for _, v := range vs {
			headers += len(k) + len(": ") + len(v) + 2
		}
	}
	decoded := resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		decoded = gunzip(tb, resp.Body)
	}
	return len(resp.Body), len(resp.Body) + headers, decodeCampaignTB(tb, decoded)
}

// TestBigCampaignDeltaTarget holds the 2G target of issue 15: one
// proposal added to a 400-proposal campaign costs at most 8 KB and a
// twentieth of the whole version compressed.
func TestBigCampaignDeltaTarget(t *testing.T) {
	c := centraltest.Start(t)
	from, to := bigUpdate(t, c)
	_, delta, cr := wireBytes(t, c, from)
	_, whole, full := wireBytes(t, c, 0)
	if cr.From != from || cr.Version != to {
		t.Fatalf("answer from %d to %d, want a delta %d→%d", cr.From, cr.Version, from, to)
	}
	t.Logf("delta %d bytes on the wire, whole version %d bytes compressed (%d uncompressed)", delta, whole, len(full.Content))
	if delta > 8<<10 || delta*20 > whole {
		t.Errorf("delta %d bytes against %d for the whole version: want ≤ 8 KB and ≤ 1/20", delta, whole)
	}
}

// BenchmarkCampaignDelta reports the bytes a device downloads to go from
// version N to N+1 of a 400-proposal campaign when one proposal was
// added, next to the whole version N+1 compressed, and central's time to
// answer (the delta is made once, then served from memory).
func BenchmarkCampaignDelta(b *testing.B) {
	c := centraltest.Start(b)
	from, _ := bigUpdate(b, c)
	var delta, whole int
	b.ResetTimer()
	for range b.N {
		_, delta, _ = wireBytes(b, c, from)
	}
	b.StopTimer()
	_, whole, _ = wireBytes(b, c, 0)
	b.ReportMetric(float64(delta), "delta-bytes")
	b.ReportMetric(float64(whole), "whole-gzip-bytes")
	b.ReportMetric(float64(whole)/float64(delta), "times-smaller")
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func decodeCampaignTB(tb testing.TB, body []byte) protocol.CampaignResponse {
	tb.Helper()
	var cr protocol.CampaignResponse
	if err := json.Unmarshal(body, &cr); err != nil {
		tb.Fatal(err)
	}
	return cr
}
