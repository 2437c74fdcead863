package central_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func getCampaign(t *testing.T, c *centraltest.Central, header http.Header) *centraltest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.URL+protocol.PathCampaign, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return centraltest.Do(t, c.Client, req)
}

func decodeCampaign(t *testing.T, body []byte) protocol.CampaignResponse {
	t.Helper()
	var cr protocol.CampaignResponse
	if err := json.Unmarshal(body, &cr); err != nil {
		t.Fatal(err)
	}
	return cr
}

// changedCampaign is the built-in campaign with one title edited, as an
// operator fixing a typo would publish it.
func changedCampaign(t *testing.T, title string) []byte {
	t.Helper()
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	c.Title["es"] = title
	data, err := campaign.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCampaignIsSignedWithTheKeyGivenAtEnrollment(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	resp := getCampaign(t, c, nil)
	if resp.Status != http.StatusOK || resp.Header.Get("ETag") != `"v1"` {
		t.Fatalf("status %d, ETag %q", resp.Status, resp.Header.Get("ETag"))
	}
	cr := decodeCampaign(t, resp.Body)
	if !protocol.VerifyCampaign(d.ServerKey, cr.Version, cr.Content, cr.Signature) {
		t.Fatal("campaign signature does not verify with the server key from enrollment")
	}
	parsed, err := campaign.Parse("served", cr.Content)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Version != cr.Version || cr.Version != 1 {
		t.Errorf("content says version %d, answer says %d; want 1", parsed.Version, cr.Version)
	}
	if protocol.VerifyCampaign(d.ServerKey, cr.Version+1, cr.Content, cr.Signature) {
		t.Error("the signature also covers another version number")
	}
}

func TestCampaignETagAnswers304WhenTheDeviceIsCurrent(t *testing.T) {
	c := centraltest.Start(t)
	tests := []struct {
		name        string
		ifNoneMatch string
		status      int
	}{
		{"the current version", `"v1"`, http.StatusNotModified},
		{"a weak current version among others", `"v0", W/"v1"`, http.StatusNotModified},
		{"an older version", `"v0"`, http.StatusOK},
		{"no version", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.ifNoneMatch != "" {
				h.Set("If-None-Match", tt.ifNoneMatch)
			}
			resp := getCampaign(t, c, h)
			if resp.Status != tt.status || resp.Header.Get("ETag") != `"v1"` {
				t.Errorf("status %d ETag %q, want %d and \"v1\"", resp.Status, resp.Header.Get("ETag"), tt.status)
			}
			if tt.status == http.StatusNotModified && len(resp.Body) != 0 {
				t.Errorf("304 with a %d-byte body", len(resp.Body))
			}
		})
	}
}

func TestCampaignIsGzippedForClientsThatAsk(t *testing.T) {
	c := centraltest.Start(t)
	resp := getCampaign(t, c, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if cr := decodeCampaign(t, plain); cr.Version != 1 {
		t.Errorf("version %d", cr.Version)
	}
}

func TestCampaignChangedContentPublishesTheNextVersion(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	ctx := context.Background()
	old := d.Record(t, record.KindSignature)

	v, changed, err := c.Server.Publish(ctx, "same", assets.DefaultCampaign)
	if err != nil || changed || v != 1 {
		t.Fatalf("republishing the same content: version %d changed %v err %v; want 1, false", v, changed, err)
	}
	v, changed, err = c.Server.Publish(ctx, "edited", changedCampaign(t, "Imagina tu ciudad"))
	if err != nil || !changed || v != 2 {
		t.Fatalf("publishing edited content: version %d changed %v err %v; want 2, true", v, changed, err)
	}
	resp := getCampaign(t, c, http.Header{"If-None-Match": {`"v1"`}})
	if resp.Status != http.StatusOK || resp.Header.Get("ETag") != `"v2"` {
		t.Fatalf("status %d ETag %q, want 200 \"v2\"", resp.Status, resp.Header.Get("ETag"))
	}
	cr := decodeCampaign(t, resp.Body)
	if cr.Version != 2 || !protocol.VerifyCampaign(d.ServerKey, 2, cr.Content, cr.Signature) {
		t.Errorf("version %d, or its signature does not verify", cr.Version)
	}

	// Records made under either version count.
	d.Campaign = d.FetchCampaign(t)
	br := d.Upload(t, [][]byte{old.Marshal(), d.Record(t, record.KindSignature).Marshal()})
	allStatus(t, br, protocol.Accepted)

	if _, _, err := c.Server.Publish(ctx, "broken", []byte(`{"format": 1}`)); err == nil {
		t.Error("an invalid campaign was published")
	}
}
