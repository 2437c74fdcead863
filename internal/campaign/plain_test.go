package campaign

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/assets"
)

func TestPlainSummaries(t *testing.T) {
	words := func(n int) string { return strings.Repeat("palabra ", n-1) + "fin." }
	tests := []struct {
		name    string
		mutate  func(c *Campaign)
		path    string
		problem string
	}{
		{"half translated", func(c *Campaign) { c.Proposals[0].Plain = Text{"es": "Más agua."} },
			"$.proposals[0].plain", `missing the English text ("en")`},
		{"empty but present", func(c *Campaign) { c.Proposals[0].Plain = Text{} },
			"$.proposals[0].plain", `a text in Spanish ("es") and English ("en") is required`},
		{"too long", func(c *Campaign) {
			c.Proposals[0].Plain = tx("Corto.", strings.Repeat("Short one. ", 60))
		}, "$.proposals[0].plain.en", "longer than 600 characters"},
		{"a long sentence", func(c *Campaign) { c.Proposals[1].Plain = tx("Bien. "+words(21), "Fine.") },
			"$.proposals[1].plain.es", "sentence 2 has 21 words; plain language keeps each sentence to 20 words or fewer"},
		{"an article's long sentence", func(c *Campaign) { c.Articles[0].Plain = tx("Bien.", words(25)) },
			"$.articles[0].plain.en", "sentence 1 has 25 words; plain language keeps each sentence to 20 words or fewer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validCampaign()
			tc.mutate(c)
			var pe *ParseError
			if err := c.Validate(); !errors.As(err, &pe) {
				t.Fatalf("got %v, want a problem", err)
			}
			if pe.Path != tc.path || pe.Problem != tc.problem {
				t.Errorf("got %s: %s\nwant %s: %s", pe.Path, pe.Problem, tc.path, tc.problem)
			}
		})
	}

	t.Run("optional, and kept through a file", func(t *testing.T) {
		c := validCampaign()
		if err := c.Validate(); err != nil {
			t.Fatalf("without plain summaries: %v", err)
		}
		c.Proposals[0].Plain = tx("Que haya más agua. Para todas las casas.", "More water. For every home.")
		c.Articles[0].Plain = tx(words(20), "Twenty words at most.")
		data, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse("c.json", data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Proposals[0].Plain, c.Proposals[0].Plain) || !reflect.DeepEqual(back.Articles[0].Plain, c.Articles[0].Plain) {
			t.Errorf("plain summaries changed on the way: %v %v", back.Proposals[0].Plain, back.Articles[0].Plain)
		}
		c.Proposals[0].Plain, c.Articles[0].Plain = nil, nil
		if data, _ := Marshal(c); strings.Contains(string(data), `"plain"`) {
			t.Error("a campaign without plain summaries writes a plain field: older devices would refuse the file")
		}
	})

	t.Run("the default campaign has one for every proposal and article", func(t *testing.T) {
		c, err := Parse("cdmx-2016.json", assets.DefaultCampaign)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range c.Proposals {
			if p.Plain == nil {
				t.Errorf("proposal %s has no plain summary", p.ID)
			} else if len(p.Plain.Get("es")) >= len(p.Summary.Get("es")) {
				t.Errorf("proposal %s: the plain summary is no shorter than the summary", p.ID)
			}
		}
		for _, a := range c.Articles {
			if a.Plain == nil {
				t.Errorf("article %s has no plain summary", a.ID)
			}
		}
	})
}

func TestDiffShowsPlainSummaries(t *testing.T) {
	old := validCampaign()
	next := validCampaign()
	next.Proposals[0].Plain = tx("Ríos limpios.", "Clean rivers.")
	next.Articles[0].Plain = tx("Aire limpio.", "Clean air.")
	var got []string
	for _, c := range Diff(old, next) {
		got = append(got, c.String())
	}
	want := []string{
		`proposal changed rios "Rivers": plain`,
		`article changed ` + next.Articles[0].ID + ` "` + next.Articles[0].Title.Get("en") + `": plain`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff %q\nwant %q", got, want)
	}
}

func TestSentences(t *testing.T) {
	got := Sentences("Más agua. ¿Para quién? Para 3.5 millones de personas!\nY parques")
	want := []string{"Más agua.", "¿Para quién?", "Para 3.5 millones de personas!", "Y parques"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
