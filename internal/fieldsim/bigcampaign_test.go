package fieldsim

import (
	"bytes"
	"testing"

	"github.com/voces-cdmx/voces/internal/campaign"
)

func TestBigCampaign(t *testing.T) {
	base := defaultCampaign(t)
	c, err := BigCampaign(base, BigSize, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proposals) != 400 || len(c.Events) != 100 || len(c.Articles) != 10 {
		t.Errorf("%d proposals, %d events, %d articles", len(c.Proposals), len(c.Events), len(c.Articles))
	}
	if c.ID != base.ID || len(c.Survey.Questions) != len(base.Survey.Questions) {
		t.Error("the base campaign's identity or survey was not kept")
	}
	if len(base.Proposals) == 400 {
		t.Error("the base campaign was changed")
	}
	data, err := campaign.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := campaign.Parse("big.json", data)
	if err != nil {
		t.Fatalf("the big campaign does not parse: %v", err)
	}
	for _, p := range parsed.Proposals {
		if p.Title["es"] == "" || p.Title["en"] == "" || p.Title["es"] == p.Title["en"] {
			t.Fatalf("proposal %s is not in two languages: %v", p.ID, p.Title)
		}
	}
	t.Run("the same seed makes the same campaign", func(t *testing.T) {
		again, err := BigCampaign(base, BigSize, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := campaign.Marshal(again)
		if !bytes.Equal(b, data) {
			t.Error("two campaigns from seed 7 differ")
		}
		other, _ := BigCampaign(base, BigSize, 8)
		if b, _ := campaign.Marshal(other); bytes.Equal(b, data) {
			t.Error("seeds 7 and 8 made the same campaign")
		}
	})
	t.Run("a base without tiers gets thresholds", func(t *testing.T) {
		b := *base
		b.Tiers = nil
		if _, err := BigCampaign(&b, Size{Proposals: 3, Events: 1, Articles: 1}, 1); err != nil {
			t.Error(err)
		}
	})
}

func TestBigCampaignPublished(t *testing.T) {
	base := defaultCampaign(t)
	pub, err := BigCampaign(base, BigPublished, 7)
	if err != nil {
		t.Fatal(err)
	}
	answered, met := 0, 0
	for i := range pub.Proposals {
		p := &pub.Proposals[i]
		if p.Plain.Get("es") == "" || p.Plain.Get("en") == "" {
			t.Fatalf("proposal %s has no plain summary", p.ID)
		}
		if len(p.Responses) > 0 {
			answered++
		}
		if len(p.Responses) > 1 {
			met++
		}
	}
	if answered != 50 || met != 10 {
		t.Errorf("%d proposals answered, %d with a meeting; want 50 and 10", answered, met)
	}
	for _, a := range pub.Articles {
		if a.Plain == nil {
			t.Fatalf("article %s has no plain summary", a.ID)
		}
	}
	t.Run("the rest is the campaign without it", func(t *testing.T) {
		plain, err := BigCampaign(base, BigSize, 7)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pub.Proposals {
			pub.Proposals[i].Plain, pub.Proposals[i].Responses = nil, nil
		}
		for i := range pub.Articles {
			pub.Articles[i].Plain = nil
		}
		a, _ := campaign.Marshal(plain)
		b, _ := campaign.Marshal(pub)
		if !bytes.Equal(a, b) {
			t.Error("publishing changed the rest of the generated campaign")
		}
	})
}
