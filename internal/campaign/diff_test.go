package campaign

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	tx := func(es, en string) Text { return Text{"es": es, "en": en} }
	old := validCampaign()
	if d := Diff(old, validCampaign()); len(d) != 0 {
		t.Fatalf("a campaign differs from itself: %v", d)
	}
	// The version number alone is no change.
	renumbered := validCampaign()
	renumbered.Version = 7
	if d := Diff(old, renumbered); len(d) != 0 {
		t.Errorf("a new version number is a change: %v", d)
	}

	next := validCampaign()
	next.Title = tx("Prueba 2", "Test 2")
	next.Proposals[0].Summary = tx("Sanear los ríos.", "Clean the rivers.")
	next.Proposals[1].Closed = true
	next.Proposals = slices.Delete(next.Proposals, 2, 3) // lgbttti
	next.Events[0].Proposals = []string{"rios"}
	next.Proposals = append(next.Proposals, Proposal{ID: "bicis", Theme: "agua", Title: tx("Bicis", "Bikes"), Summary: tx("Ciclovías.", "Bike lanes."), Threshold: 5000})
	next.Proposals[0].Responses = []Response{{Tier: TierAnswer, Date: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Text: tx("Sí.", "Yes."), SignedBy: "Grupo Redactor"}}
	next.Events = append(next.Events, Event{ID: "tlalpan", Title: tx("Asamblea Tlalpan", "Tlalpan assembly"), Place: tx("Plaza", "Square"),
		Alcaldia: "tlalpan", Starts: old.Events[0].Starts.Add(48 * time.Hour), Ends: old.Events[0].Ends.Add(48 * time.Hour)})
	next.Articles[1].Text = tx("1. Texto.\n\n2. Otro párrafo.", "1. Text.\n\n2. Another paragraph.")
	next.Survey.Questions[0].Prompt = tx("¿Cuál reto?", "Which challenge?")
	if err := next.Validate(); err != nil {
		t.Fatalf("the edited fixture is not valid: %v", err)
	}

	var got []string
	for _, c := range Diff(old, next) {
		got = append(got, c.String())
	}
	want := []string{
		`campaign changed "Test 2": title`,
		`question changed reto "Which challenge?": prompt`,
		`proposal changed rios "Rivers": summary`,
		`response added rios/answer "Rivers": date, text, signed_by`,
		`proposal closed canales "Canals"`,
		`proposal added bicis "Bikes"`,
		`proposal removed lgbttti "Equality"`,
		`event changed coyoacan "Assembly": proposals`,
		`event added tlalpan "Tlalpan assembly"`,
		`article changed art-13 "Environment": text`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A changed field carries both values in both languages.
	for _, c := range Diff(old, next) {
		if c.Kind == KindArticle {
			f := c.Fields[0]
			if f.Old.Get("en") != "1. Text." || !strings.Contains(f.New.Get("es"), "2. Otro párrafo.") {
				t.Errorf("article text change %+v", f)
			}
		}
	}

	// Reopened, and everything added from nothing.
	reopened := validCampaign()
	closed := validCampaign()
	closed.Proposals[0].Closed = true
	if d := Diff(closed, reopened); len(d) != 1 || d[0].Op != OpReopened || d[0].ID != "rios" {
		t.Errorf("reopening: %v", d)
	}
	all := Diff(nil, old)
	added := 0
	for _, c := range all {
		if c.Op == OpAdded {
			added++
		}
	}
	if want := len(old.Themes) + len(old.Survey.Questions) + len(old.Proposals) + len(old.Events) + len(old.Articles); added != want {
		t.Errorf("diff from nothing adds %d items, want %d", added, want)
	}
}

func TestProblemsAreNotCut(t *testing.T) {
	c := validCampaign()
	for i := range 30 {
		c.Proposals = append(c.Proposals, Proposal{ID: "p" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Theme: "agua", Title: Text{"es": "x"}, Summary: Text{"es": "y", "en": "y"}, Threshold: 10})
	}
	ps := c.Problems()
	if len(ps) != 30 {
		t.Fatalf("%d problems, want one per proposal without English title (30)", len(ps))
	}
	if ps[0].Path != "$.proposals[3].title" || !strings.Contains(ps[0].Problem, "English") {
		t.Errorf("first problem %s", ps[0])
	}
	if got, want := ps[0].Steps(), []Step{{Name: "proposals", Index: -1}, {Index: 3}, {Name: "title", Index: -1}}; !slices.Equal(got, want) {
		t.Errorf("steps %+v, want %+v", got, want)
	}
	if validCampaign().Problems() != nil {
		t.Error("a valid campaign has problems")
	}
}

func TestClosedProposalIsValidAndRoundTrips(t *testing.T) {
	c := validCampaign()
	c.Proposals[0].Closed = true
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"closed": true`) {
		t.Errorf("closed is not in the file:\n%s", data)
	}
	back, err := Parse("closed.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Proposals[0].Closed || back.Proposals[1].Closed {
		t.Errorf("closed flags after a round trip: %v %v", back.Proposals[0].Closed, back.Proposals[1].Closed)
	}
	open, _ := Marshal(validCampaign())
	if strings.Contains(string(open), "closed") {
		t.Error("an open proposal writes a closed field: older devices would refuse the file")
	}
}
