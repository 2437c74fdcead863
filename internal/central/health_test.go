package central_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestHealthAnswersWhileTheDatabaseDoes(t *testing.T) {
	c := centraltest.Start(t)
	get := func() *http.Response {
		t.Helper()
		resp, err := c.Client.Get(c.URL + protocol.PathHealth)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := get()
	var body struct {
		Status          string `json:"status"`
		CampaignVersion int    `json:"campaign_version"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Status != "ok" || body.CampaignVersion < 1 {
		t.Fatalf("health = %d %+v (%v), want 200 ok with the campaign version", resp.StatusCode, body, err)
	}
	c.Store.Close()
	resp = get()
	var e protocol.Error
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != http.StatusServiceUnavailable || e.Code != protocol.CodeUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("health with the database closed = %d %+v, want 503 unavailable with Retry-After", resp.StatusCode, e)
	}
}
