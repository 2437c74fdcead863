package ui

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// publish stores the next campaign version, changed by mutate and signed
// with the device's server key, as syncd would after a pull. The kiosk
// applies it at its next attract screen. It returns the new version.
func publish(t testing.TB, r *rig, mutate func(c *campaign.Campaign)) *campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	sc, err := r.dev.Store.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse("held", sc.Content)
	if err != nil {
		t.Fatal(err)
	}
	c.Version = sc.Version + 1
	mutate(c)
	content, err := campaign.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := campaign.Parse("published", content); err != nil {
		t.Fatalf("the test's campaign is not valid: %v", err)
	}
	if err := r.dev.Store.SaveCampaign(ctx, outbox.StoredCampaign{
		Version: c.Version, Content: content, Signature: protocol.SignCampaign(r.dev.ServerKey, c.Version, content),
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// sampleAnswer is a written answer of the Drafting Group to the first
// tier, dated at.
func sampleResponse(at time.Time) campaign.Response {
	return campaign.Response{
		Tier: campaign.TierAnswer, Date: at, SignedBy: "Mtra. Clara Jusidman",
		Text: campaign.Text{
			"es": "El Grupo Redactor incorporó esta propuesta al artículo 11: la Ciudad reconocerá la identidad de género con un trámite sencillo y gratuito.",
			"en": "The Drafting Group included this proposal in article 11: the city will recognise gender identity through a simple, free procedure.",
		},
	}
}

// progressDoc is a progress document for the rig's campaign with one
// proposal's count.
func progressDoc(r *rig, serial uint64, counted time.Time, proposal string, signers int64) protocol.Progress {
	return protocol.Progress{
		CampaignID: r.dev.Identity.CampaignID, CampaignVersion: r.k.camp.Version, Serial: serial,
		CountedAt: counted.UTC(), Proposals: []protocol.ProposalProgress{{ID: proposal, Signers: signers}},
	}
}

// receiveProgress stores doc, signed by key, the way syncd does when it
// pulls one at the given time: through handoff.AcceptProgress, which
// refuses what the kiosk must never see.
func receiveProgress(t testing.TB, r *rig, doc protocol.Progress, at time.Time) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, stored, err := handoff.AcceptProgress(context.Background(), r.dev.Store, r.dev.ServerKey.Public().(ed25519.PublicKey), r.dev.Identity.CampaignID,
		handoff.StoredProgress{Document: b, Signature: protocol.SignProgress(r.dev.ServerKey, b), ReceivedAt: at.UTC()})
	if err != nil || !stored {
		t.Fatalf("progress document not stored (%v, %v)", stored, err)
	}
}

// writeProgress puts doc into the outbox as is, signed by key, past
// syncd's checks: what a tampered file or a broken syncd would leave.
func writeProgress(t testing.TB, r *rig, doc protocol.Progress, key ed25519.PrivateKey, at time.Time) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := json.Marshal(handoff.StoredProgress{Document: b, Signature: protocol.SignProgress(key, b), ReceivedAt: at.UTC()})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.dev.Store.SetSetting(context.Background(), handoff.SettingProgress, string(sp)); err != nil {
		t.Fatal(err)
	}
}

func otherKey(t testing.TB) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// addSupports stores n supports of proposal on the device, as the kiosk's
// signing flow does, each from a different person; it returns their
// sequence numbers.
func addSupports(t testing.TB, r *rig, proposal string, n int) []uint64 {
	t.Helper()
	strokes, err := sampleSignature().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for range n {
		who := int(people.Add(1))
		d := &record.Draft{
			Kind: record.KindSignature, SubjectID: proposal, Mode: record.ModeKiosk,
			Body: record.Body{
				Signer: &record.Signer{
					Name: fmt.Sprintf("Persona %d", who), IDType: campaign.IDTypeINE, VoterID: ineOf(who),
					Alcaldia: "coyoacan", ConsentVersion: r.k.camp.Privacy.Version,
				},
				Strokes: strokes,
			},
		}
		rec, err := r.dev.Store.Append(context.Background(), d, r.k.camp)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, rec.Seq)
	}
	return seqs
}

// people numbers the made-up supporters, so each is another person.
var people atomic.Int64

// ineOf is a well-formed clave de elector unique to n.
func ineOf(n int) string {
	letters := make([]byte, 6)
	for i := range letters {
		letters[i] = byte('A' + n%26)
		n /= 26
	}
	return fmt.Sprintf("%s%02d%02d%02d09H%03d", letters, 50+n%40, 1+n%12, 1+n%28, n%1000)
}

// defaultCampaign parses the built-in campaign.
func defaultCampaign(t testing.TB) *campaign.Campaign {
	t.Helper()
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
