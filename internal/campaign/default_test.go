package campaign_test

import (
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
)

func TestDefaultCampaign(t *testing.T) {
	c, err := campaign.Parse("cdmx-2016.json", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("is the CDMX 2016 campaign", func(t *testing.T) {
		if c.ID != "cdmx-2016" || c.Version < 1 {
			t.Errorf("id %q version %d", c.ID, c.Version)
		}
		if c.Privacy.Version != "2016-1" {
			t.Errorf("privacy version %q", c.Privacy.Version)
		}
		if !c.AcceptsIDType(campaign.IDTypeINE) || !c.AcceptsIDType(campaign.IDTypeCURP) {
			t.Errorf("id types %v", c.IDTypes)
		}
	})

	t.Run("survey has 15 questions using every type", func(t *testing.T) {
		if n := len(c.Survey.Questions); n != 15 {
			t.Errorf("%d questions", n)
		}
		types := map[campaign.QuestionType]int{}
		required := 0
		for _, q := range c.Survey.Questions {
			types[q.Type]++
			if q.Required {
				required++
			}
		}
		for _, typ := range []campaign.QuestionType{campaign.TypeSingle, campaign.TypeMultiple, campaign.TypeScale, campaign.TypeText, campaign.TypeNumber, campaign.TypeAlcaldia} {
			if types[typ] == 0 {
				t.Errorf("no %s question", typ)
			}
		}
		if required == 0 || required == len(c.Survey.Questions) {
			t.Errorf("%d of %d questions required; want a mix", required, len(c.Survey.Questions))
		}
	})

	t.Run("gender question offers inclusive options", func(t *testing.T) {
		q := c.Question("genero")
		if q == nil {
			t.Fatal("no genero question")
		}
		for _, id := range []string{"mujer", "hombre", "no-binaria", "otra", "prefiero-no-decir"} {
			a := campaign.Answer{Choice: id}
			if err := c.Survey.CheckAnswer(q, a, true); err != nil {
				t.Errorf("option %q: %v", id, err)
			}
		}
	})

	t.Run("has enough proposals, some scoped to an alcaldía", func(t *testing.T) {
		if len(c.Proposals) < 12 {
			t.Errorf("%d proposals", len(c.Proposals))
		}
		scoped := 0
		for _, p := range c.Proposals {
			if p.Alcaldia != "" {
				scoped++
			}
		}
		if scoped < 2 {
			t.Errorf("%d proposals scoped to an alcaldía", scoped)
		}
	})

	t.Run("assemblies fall in the re-enactment window in distinct alcaldías", func(t *testing.T) {
		from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
		places := map[string]bool{}
		for _, e := range c.Events {
			if e.Starts.Before(from) || !e.Ends.Before(to) {
				t.Errorf("%s: %v–%v outside the window", e.ID, e.Starts, e.Ends)
			}
			if _, off := e.Starts.Zone(); off != -6*3600 {
				t.Errorf("%s: offset %d, want -06:00", e.ID, off)
			}
			if len(e.Proposals) == 0 {
				t.Errorf("%s: no proposals to sign", e.ID)
			}
			places[e.Alcaldia] = true
		}
		if len(places) < 5 {
			t.Errorf("assemblies in %d alcaldías", len(places))
		}
	})

	t.Run("has draft articles", func(t *testing.T) {
		if len(c.Articles) < 3 {
			t.Errorf("%d articles", len(c.Articles))
		}
	})
}

func BenchmarkParseDefaultCampaign(b *testing.B) {
	b.SetBytes(int64(len(assets.DefaultCampaign)))
	for b.Loop() {
		if _, err := campaign.Parse("cdmx-2016.json", assets.DefaultCampaign); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckAnswers(b *testing.B) {
	c, err := campaign.Parse("cdmx-2016.json", assets.DefaultCampaign)
	if err != nil {
		b.Fatal(err)
	}
	n := func(x float64) *float64 { return &x }
	a := campaign.Answers{
		"alcaldia":              {Choice: "iztapalapa"},
		"tiempo-en-la-ciudad":   {Number: n(23)},
		"una-palabra":           {Text: "Caótica"},
		"calidad-de-vida":       {Number: n(3)},
		"mayor-reto":            {Choice: "agua"},
		"derechos-prioritarios": {Choices: []string{"agua", "salud", "internet"}},
		"medio-de-transporte":   {Choice: "transporte-publico"},
		"genero":                {Choice: "no-binaria"},
	}
	if err := c.Survey.CheckAnswers(a); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := c.Survey.CheckAnswers(a); err != nil {
			b.Fatal(err)
		}
	}
}
