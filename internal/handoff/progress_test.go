package handoff

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func signedProgress(t *testing.T, key ed25519.PrivateKey, doc protocol.Progress) StoredProgress {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return StoredProgress{Document: b, Signature: protocol.SignProgress(key, b), ETag: "x"}
}

func TestAcceptProgress(t *testing.T) {
	ctx := context.Background()
	pub, key, _ := ed25519.GenerateKey(nil)
	_, other, _ := ed25519.GenerateKey(nil)
	s := memSettings{}
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	doc := protocol.Progress{CampaignID: "cdmx-2016", Serial: 10, CountedAt: at, Proposals: []protocol.ProposalProgress{{ID: "p", Signers: 12480, Tier: 2}}}

	if got, err := ReadProgress(ctx, s); got != nil || err != nil {
		t.Fatalf("without a document: %+v, %v", got, err)
	}
	if _, changed, err := AcceptProgress(ctx, s, pub, "cdmx-2016", signedProgress(t, key, doc)); err != nil || !changed {
		t.Fatalf("first document: changed %v, %v", changed, err)
	}
	refused := []struct {
		name string
		in   StoredProgress
	}{
		{"signed by another key", signedProgress(t, other, protocol.Progress{CampaignID: "cdmx-2016", Serial: 11})},
		{"for another campaign", signedProgress(t, key, protocol.Progress{CampaignID: "otra", Serial: 11})},
		{"older than the one held", signedProgress(t, key, protocol.Progress{CampaignID: "cdmx-2016", Serial: 9})},
		{"another document with the same serial", signedProgress(t, key, protocol.Progress{CampaignID: "cdmx-2016", Serial: 10})},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if _, changed, err := AcceptProgress(ctx, s, pub, "cdmx-2016", tt.in); !errors.Is(err, ErrProgressRefused) || changed {
				t.Errorf("changed %v, %v; want ErrProgressRefused", changed, err)
			}
			if got, _ := ReadProgress(ctx, s); got.Serial != 10 || got.Signers("p") != 12480 {
				t.Errorf("held %+v", got)
			}
		})
	}
	t.Run("the same document again changes nothing", func(t *testing.T) {
		if _, changed, err := AcceptProgress(ctx, s, pub, "cdmx-2016", signedProgress(t, key, doc)); err != nil || changed {
			t.Errorf("changed %v, %v", changed, err)
		}
	})
	t.Run("a newer one replaces it", func(t *testing.T) {
		next := doc
		next.Serial = 11
		if _, changed, err := AcceptProgress(ctx, s, pub, "cdmx-2016", signedProgress(t, key, next)); err != nil || !changed {
			t.Errorf("changed %v, %v", changed, err)
		}
		if got, _ := ReadProgress(ctx, s); got.Serial != 11 {
			t.Errorf("held serial %d", got.Serial)
		}
	})
}

func TestCityWideOf(t *testing.T) {
	c := &campaign.Campaign{Tiers: campaign.DefaultTiers()}
	p := &campaign.Proposal{ID: "p"}
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	doc := &protocol.Progress{CountedAt: at, Proposals: []protocol.ProposalProgress{{ID: "p", Signers: 2480, Tier: 0}}}
	cw := CityWideOf(doc, c, p, 3)
	if cw.Signers != 2480 || cw.Pending != 3 || !cw.CountedAt.Equal(at) || cw.Next == nil || cw.Next.ID != campaign.TierAnswer || cw.Missing != 2520 {
		t.Errorf("%+v", cw)
	}
	if cw := CityWideOf(nil, c, p, 1); cw.Signers != 0 || cw.Pending != 1 || cw.Missing != 5000 || !cw.CountedAt.IsZero() {
		t.Errorf("without a document: %+v", cw)
	}
}
