package central_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// clock is a settable time for the server, read by its handlers.
type clock struct{ ms atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.ms.Store(t.UnixMilli()) }
func (c *clock) now() time.Time   { return time.UnixMilli(c.ms.Load()).UTC() }

// smallTiers publishes the built-in campaign with tiers of 2 and 3 unique
// signers, so a test can cross them with a handful of supports.
func smallTiers(t *testing.T, c *centraltest.Central) *campaign.Campaign {
	t.Helper()
	camp, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	camp.Tiers = []campaign.Tier{
		{ID: campaign.TierAnswer, Signers: 2, Earns: campaign.Text{"es": "una respuesta por escrito", "en": "a written answer"}},
		{ID: campaign.TierMeeting, Signers: 3, Earns: campaign.Text{"es": "una reunión", "en": "a meeting"}},
	}
	data, err := campaign.Marshal(camp)
	if err != nil {
		t.Fatal(err)
	}
	if _, changed, err := c.Server.Publish(context.Background(), "small tiers", data); err != nil || !changed {
		t.Fatalf("publish: %v (changed %v)", err, changed)
	}
	return camp
}

// voters are three people's INE voter keys.
var voters = map[string]string{"VOTER-A": "GMVLMR80070509M100", "VOTER-B": "PRGNJN75120301H200", "VOTER-C": "LPZGRC90010109H300"}

func supports(t *testing.T, d *centraltest.Device, proposal string, who ...string) {
	t.Helper()
	var recs [][]byte
	for _, v := range who {
		recs = append(recs, d.Signature(t, proposal, voters[v]).Marshal())
	}
	for _, r := range d.Upload(t, recs).Results {
		if r.Status != protocol.Accepted {
			t.Fatalf("support not accepted: %+v", r)
		}
	}
}

func TestTiersObligationsAndResponses(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	kiosk, canvasser := c.NewDevice(t, record.ModeKiosk), c.NewDevice(t, record.ModeCanvasser)
	camp := smallTiers(t, c)
	p1, p2 := camp.Proposals[0].ID, camp.Proposals[1].ID
	t0 := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)

	supports(t, kiosk, p1, "VOTER-A")
	if obs, err := central.Obligations(ctx, c.Store, t0); err != nil || len(obs) != 0 {
		t.Fatalf("one signer: obligations %+v, %v", obs, err)
	}
	// The same person again on another device is not a second signer.
	supports(t, canvasser, p1, "VOTER-A", "VOTER-B")
	supports(t, kiosk, p2, "VOTER-A", "VOTER-B", "VOTER-C")
	if _, err := central.Obligations(ctx, c.Store, t0); err != nil {
		t.Fatal(err)
	}
	supports(t, kiosk, p1, "VOTER-C")
	obs, err := central.Obligations(ctx, c.Store, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		proposal, tier string
		since          time.Time
	}
	var got []key
	for _, o := range obs {
		got = append(got, key{o.Proposal, o.Tier, o.Since})
	}
	want := []key{{p1, campaign.TierAnswer, t0}, {p2, campaign.TierAnswer, t0}, {p2, campaign.TierMeeting, t0}, {p1, campaign.TierMeeting, t0.Add(time.Hour)}}
	if len(got) != len(want) {
		t.Fatalf("obligations %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("obligation %d: %+v, want %+v (oldest first, first time seen kept)", i, got[i], want[i])
		}
	}
	if obs[0].Signers != 3 || obs[0].Needed != 2 || obs[0].Earns["en"] != "a written answer" {
		t.Errorf("obligation %+v", obs[0])
	}

	t.Run("a response is checked and names the field", func(t *testing.T) {
		err := central.SaveResponse(ctx, c.Store, p1, campaign.Response{Tier: campaign.TierAnswer, Date: t0, Text: campaign.Text{"es": "Sí"}, SignedBy: "GR"}, "ana", t0)
		if err == nil || err.Error() != `save response: $.proposals[0].responses[0].text: missing the English text ("en")` {
			t.Errorf("got %v", err)
		}
		err = central.SaveResponse(ctx, c.Store, p1, campaign.Response{Tier: campaign.TierSession, Date: t0, Minute: campaign.Text{"es": "x", "en": "x"}}, "ana", t0)
		if err == nil {
			t.Error("a response for a tier the proposal does not have was saved")
		}
	})

	answer := campaign.Response{Tier: campaign.TierAnswer, Date: t0.Add(2 * time.Hour),
		Text: campaign.Text{"es": "El Grupo Redactor incorpora la propuesta al artículo 11.", "en": "The Drafting Group adds the proposal to article 11."}, SignedBy: "Grupo Redactor"}
	if err := central.SaveResponse(ctx, c.Store, p1, answer, "ana", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	obs, err = central.Obligations(ctx, c.Store, t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.Proposal == p1 && o.Tier == campaign.TierAnswer {
			t.Error("the answered tier is still owed")
		}
	}
	if len(obs) != 3 {
		t.Errorf("%d obligations left, want 3", len(obs))
	}
	t.Run("a meeting marked done is no longer owed", func(t *testing.T) {
		met := campaign.Response{Tier: campaign.TierMeeting, Date: t0.Add(4 * time.Hour),
			Place:  campaign.Text{"es": "Antiguo Palacio del Ayuntamiento", "en": "Old City Hall"},
			Minute: campaign.Text{"es": "Tres integrantes recibieron a las promoventes.", "en": "Three members met the proposers."}}
		if err := central.SaveResponse(ctx, c.Store, p2, met, "beto", t0.Add(4*time.Hour)); err != nil {
			t.Fatal(err)
		}
		obs, err := central.Obligations(ctx, c.Store, t0.Add(5*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 2 || obs[0].Proposal != p2 || obs[0].Tier != campaign.TierAnswer || obs[1].Proposal != p1 || obs[1].Tier != campaign.TierMeeting {
			t.Errorf("obligations %+v", obs)
		}
	})

	t.Run("responses publish with the next version", func(t *testing.T) {
		v, changed, err := c.Server.PublishResponses(ctx)
		if err != nil || !changed || v != 3 {
			t.Fatalf("publish responses: version %d changed %v: %v", v, changed, err)
		}
		got := kiosk.FetchCampaign(t)
		r := got.Proposal(p1).Response(campaign.TierAnswer)
		if got.Version != 3 || r == nil || r.SignedBy != "Grupo Redactor" || r.Text["en"] != answer.Text["en"] {
			t.Errorf("version %d response %+v", got.Version, r)
		}
		if _, changed, err := c.Server.PublishResponses(ctx); err != nil || changed {
			t.Errorf("nothing new: changed %v, %v", changed, err)
		}
		// The file published again (serve --campaign at a restart) keeps it.
		if v, _, err := c.Server.Publish(ctx, "file", assets.DefaultCampaign); err != nil || v != 4 {
			t.Fatalf("republish the file: %d %v", v, err)
		}
		if got := kiosk.FetchCampaign(t); got.Proposal(p1).Response(campaign.TierAnswer) == nil {
			t.Error("publishing the file dropped the recorded response")
		}
	})

	t.Run("stats list the obligations", func(t *testing.T) {
		st := c.Stats(t)
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		if _, ok := raw["obligations"]; !ok {
			t.Error("stats --json has no obligations field")
		}
	})
}

func getProgress(t *testing.T, c *centraltest.Central, etag string) *centraltest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.URL+protocol.PathProgress, nil)
	if err != nil {
		t.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	return centraltest.Do(t, c.Client, req)
}

func TestProgressDocument(t *testing.T) {
	c := centraltest.Start(t)
	clk := newClock(time.Now().Truncate(time.Second))
	c.Server.Now = clk.now
	kiosk := c.NewDevice(t, record.ModeKiosk)
	camp := smallTiers(t, c)
	p1 := camp.Proposals[0].ID
	supports(t, kiosk, p1, "VOTER-A", "VOTER-B", "VOTER-A")

	resp := getProgress(t, c, "")
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	sig, _ := base64.StdEncoding.DecodeString(resp.Header.Get(protocol.HeaderAnswerSignature))
	if !protocol.VerifyProgress(kiosk.ServerKey, resp.Body, sig) {
		t.Fatal("the progress document does not verify with the server key")
	}
	var doc protocol.Progress
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.CampaignID != camp.ID || doc.CampaignVersion != 2 || !doc.CountedAt.Equal(clk.now()) ||
		len(doc.Proposals) != 1 || doc.Proposals[0] != (protocol.ProposalProgress{ID: p1, Signers: 2, Tier: 1}) {
		t.Errorf("document %+v", doc)
	}
	if len(resp.Body) > 400 {
		t.Errorf("%d bytes for one proposal", len(resp.Body))
	}
	t.Run("building it records the tiers crossed", func(t *testing.T) {
		xs, err := c.Store.Crossings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(xs) != 1 || xs[0].Proposal != p1 || xs[0].Tier != campaign.TierAnswer || !xs[0].At.Equal(clk.now()) || xs[0].Signers != 2 {
			t.Errorf("crossings %+v", xs)
		}
	})

	t.Run("a device that has it gets 304", func(t *testing.T) {
		if r := getProgress(t, c, resp.Header.Get("ETag")); r.Status != http.StatusNotModified {
			t.Errorf("status %d", r.Status)
		}
	})
	t.Run("new supports show after the TTL with a higher serial", func(t *testing.T) {
		supports(t, kiosk, p1, "VOTER-C")
		if r := getProgress(t, c, resp.Header.Get("ETag")); r.Status != http.StatusNotModified {
			t.Errorf("within the TTL: status %d, want the cached document", r.Status)
		}
		clk.set(clk.now().Add(central.DefaultProgressTTL))
		r := getProgress(t, c, resp.Header.Get("ETag"))
		var next protocol.Progress
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &next) != nil {
			t.Fatalf("status %d", r.Status)
		}
		if next.Serial <= doc.Serial || next.Signers(p1) != 3 || next.Proposals[0].Tier != 2 {
			t.Errorf("next document %+v after %+v", next, doc)
		}
	})
	t.Run("unchanged counts keep the document until it is due a refresh", func(t *testing.T) {
		first := getProgress(t, c, "")
		clk.set(clk.now().Add(central.DefaultProgressTTL))
		if r := getProgress(t, c, first.Header.Get("ETag")); r.Status != http.StatusNotModified {
			t.Errorf("status %d", r.Status)
		}
		clk.set(clk.now().Add(central.DefaultProgressRefresh))
		if r := getProgress(t, c, first.Header.Get("ETag")); r.Status != http.StatusOK {
			t.Errorf("status %d after the refresh interval, want a new document", r.Status)
		}
	})
}

func TestCampaignDelta(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	v1 := decodeCampaign(t, getCampaign(t, c, nil).Body)
	camp, err := campaign.Parse("v1", v1.Content)
	if err != nil {
		t.Fatal(err)
	}
	extra := camp.Proposals[0]
	extra.ID, extra.Title = "nueva-propuesta", campaign.Text{"es": "Una propuesta nueva", "en": "A new proposal"}
	camp.Proposals = append(camp.Proposals, extra)
	data, err := campaign.Marshal(camp)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Server.Publish(context.Background(), "v2", data); err != nil {
		t.Fatal(err)
	}
	full := decodeCampaign(t, getCampaign(t, c, nil).Body)

	resp := getCampaign(t, c, http.Header{protocol.HeaderCampaignHave: {"1"}})
	cr := decodeCampaign(t, resp.Body)
	if cr.From != 1 || cr.Version != 2 || len(cr.Content) != 0 || len(cr.Delta) == 0 {
		t.Fatalf("answer to a device at version 1: from %d version %d, %d content bytes, %d delta bytes", cr.From, cr.Version, len(cr.Content), len(cr.Delta))
	}
	got, err := protocol.ApplyDelta(v1.Content, cr.Delta)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(full.Content) {
		t.Error("the assembled version differs from the whole version 2")
	}
	if !protocol.VerifyCampaign(d.ServerKey, cr.Version, got, cr.Signature) {
		t.Error("the assembled version does not verify")
	}
	if len(resp.Body)*10 > len(getCampaign(t, c, nil).Body) {
		t.Errorf("delta answer of %d bytes is not much smaller than the whole version", len(resp.Body))
	}
	for _, have := range []string{"", "0", "2", "9", "x"} {
		if cr := decodeCampaign(t, getCampaign(t, c, http.Header{protocol.HeaderCampaignHave: {have}}).Body); cr.From != 0 || string(cr.Content) != string(full.Content) {
			t.Errorf("have %q: from %d, want the whole version", have, cr.From)
		}
	}
	t.Run("a device too far behind gets the whole version", func(t *testing.T) {
		for i := range central.MaxDeltaSpan {
			camp.Title["es"] = fmt.Sprintf("Versión %d", i)
			data, err := campaign.Marshal(camp)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.Server.Publish(context.Background(), "next", data); err != nil {
				t.Fatal(err)
			}
		}
		newest := decodeCampaign(t, getCampaign(t, c, nil).Body)
		if cr := decodeCampaign(t, getCampaign(t, c, http.Header{protocol.HeaderCampaignHave: {"1"}}).Body); cr.From != 0 || string(cr.Content) != string(newest.Content) {
			t.Errorf("%d versions behind: from %d, want the whole version", newest.Version-1, cr.From)
		}
		if cr := decodeCampaign(t, getCampaign(t, c, http.Header{protocol.HeaderCampaignHave: {"2"}}).Body); cr.From != 2 {
			t.Errorf("%d versions behind: from %d, want a delta", newest.Version-2, cr.From)
		}
	})
}
