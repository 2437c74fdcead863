package campaign

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseRefusesBrokenCampaigns(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name    string
		mutate  func(c *Campaign)
		path    string
		problem string
	}{
		{"another format", func(c *Campaign) { c.Format = 2 },
			"$.format", "unsupported format 2; this program reads format 1"},
		{"no campaign id", func(c *Campaign) { c.ID = "" },
			"$.id", "an id is required"},
		{"id with a space", func(c *Campaign) { c.ID = "cdmx 2016" },
			"$.id", `id "cdmx 2016" must be ASCII letters, digits, '-', '_' or '.', starting with a letter or digit`},
		{"id starting with a dash", func(c *Campaign) { c.ID = "-x" },
			"$.id", `id "-x" must be ASCII letters, digits, '-', '_' or '.', starting with a letter or digit`},
		{"id too long", func(c *Campaign) { c.ID = long(65) },
			"$.id", "the id is longer than 64 characters"},
		{"version zero", func(c *Campaign) { c.Version = 0 },
			"$.version", "the version must be 1 or more, found 0"},
		{"title missing", func(c *Campaign) { c.Title = nil },
			"$.title", `a text in Spanish ("es") and English ("en") is required`},
		{"title without English", func(c *Campaign) { delete(c.Title, "en") },
			"$.title", `missing the English text ("en")`},
		{"title with blank Spanish", func(c *Campaign) { c.Title["es"] = "  " },
			"$.title", `missing the Spanish text ("es")`},
		{"optional subtitle half translated", func(c *Campaign) { c.Subtitle = Text{"es": "Sí"} },
			"$.subtitle", `missing the English text ("en")`},
		{"text with a made-up language key", func(c *Campaign) { c.Title["spanish"] = "x" },
			"$.title.spanish", `"spanish" is not a language code like "es" or "es-MX"`},
		{"text with a control character", func(c *Campaign) { c.Title["es"] = "Voces\x07" },
			"$.title.es", "contains a control character"},
		{"title too long", func(c *Campaign) { c.Title["en"] = long(301) },
			"$.title.en", "longer than 300 characters"},
		{"too many languages", func(c *Campaign) {
			for _, l := range []string{"fr", "de", "it", "pt", "nah", "zh", "ja"} {
				c.Title[l] = "x"
			}
		}, "$.title", "more than 8 languages"},
		{"no voter id types", func(c *Campaign) { c.IDTypes = nil },
			"$.id_types", `list at least one accepted voter id type ("ine" or "curp")`},
		{"unknown voter id type", func(c *Campaign) { c.IDTypes = []string{"ine", "pasaporte"} },
			"$.id_types[1]", `unknown voter id type "pasaporte"; use "ine" or "curp"`},
		{"voter id type twice", func(c *Campaign) { c.IDTypes = []string{"curp", "curp"} },
			"$.id_types[1]", `voter id type "curp" is listed twice`},
		{"privacy notice without version", func(c *Campaign) { c.Privacy.Version = "" },
			"$.privacy.version", "the privacy notice needs a version; records store the version people agreed to"},
		{"privacy notice without text", func(c *Campaign) { c.Privacy.Text = nil },
			"$.privacy.text", `a text in Spanish ("es") and English ("en") is required`},
		{"theme id twice", func(c *Campaign) { c.Themes[1].ID = "agua" },
			"$.themes[1].id", `duplicate id "agua", also used by $.themes[0]`},
		{"survey without questions", func(c *Campaign) { c.Survey.Questions = nil },
			"$.survey.questions", "a survey needs at least one question"},
		{"survey without id", func(c *Campaign) { c.Survey.ID = "" },
			"$.survey.id", "an id is required"},
		{"question id twice", func(c *Campaign) { c.Survey.Questions[1].ID = "reto" },
			"$.survey.questions[1].id", `duplicate id "reto", also used by $.survey.questions[0]`},
		{"unknown question type", func(c *Campaign) { c.Survey.Questions[0].Type = "dropdown" },
			"$.survey.questions[0].type", `unknown question type "dropdown"; use single, multiple, scale, text, number or alcaldia`},
		{"question without prompt", func(c *Campaign) { c.Survey.Questions[4].Prompt = nil },
			"$.survey.questions[4].prompt", `a text in Spanish ("es") and English ("en") is required`},
		{"single choice with one option", func(c *Campaign) { c.Survey.Questions[0].Options = c.Survey.Questions[0].Options[:1] },
			"$.survey.questions[0].options", "a single-choice question needs at least 2 options"},
		{"multiple choice without options", func(c *Campaign) { c.Survey.Questions[1].Options = nil; c.Survey.Questions[1].Max = 0 },
			"$.survey.questions[1].options", "a multiple-choice question needs at least 2 options"},
		{"option id twice", func(c *Campaign) { c.Survey.Questions[1].Options[2].ID = "salud" },
			"$.survey.questions[1].options[2].id", `duplicate id "salud", also used by $.survey.questions[1].options[0]`},
		{"option without label", func(c *Campaign) { c.Survey.Questions[0].Options[1].Label = Text{"es": "Empleo"} },
			"$.survey.questions[0].options[1].label", `missing the English text ("en")`},
		{"multiple choice max above option count", func(c *Campaign) { c.Survey.Questions[1].Max = 4 },
			"$.survey.questions[1].max", "max is 4 but there are only 3 options"},
		{"multiple choice min above max", func(c *Campaign) { c.Survey.Questions[1].Min = 3 },
			"$.survey.questions[1].min", "min 3 is more than max 2"},
		{"multiple choice negative min", func(c *Campaign) { c.Survey.Questions[1].Min = -1 },
			"$.survey.questions[1].min", "min and max count choices and cannot be negative"},
		{"scale with min equal to max", func(c *Campaign) { c.Survey.Questions[2].Min = 5 },
			"$.survey.questions[2].max", "a scale runs from min to max with 0 ≤ min < max ≤ 10; found 5 to 5"},
		{"scale beyond 10", func(c *Campaign) { c.Survey.Questions[2].Max = 11 },
			"$.survey.questions[2].max", "a scale runs from min to max with 0 ≤ min < max ≤ 10; found 1 to 11"},
		{"scale without end labels", func(c *Campaign) { c.Survey.Questions[2].MinLabel = nil },
			"$.survey.questions[2].min_label", `a text in Spanish ("es") and English ("en") is required`},
		{"text without max length", func(c *Campaign) { c.Survey.Questions[3].MaxLength = 0 },
			"$.survey.questions[3].max_length", "a text question needs max_length from 1 to 2000, found 0"},
		{"text max length too big", func(c *Campaign) { c.Survey.Questions[3].MaxLength = 2001 },
			"$.survey.questions[3].max_length", "a text question needs max_length from 1 to 2000, found 2001"},
		{"number with min above max", func(c *Campaign) { c.Survey.Questions[4].Min = 301 },
			"$.survey.questions[4].min", "min 301 is more than max 300"},
		{"number with huge bounds", func(c *Campaign) { c.Survey.Questions[4].Max = 2_000_000_000 },
			"$.survey.questions[4].max", "number bounds must be within ±1000000000"},
		{"options on a text question", func(c *Campaign) { c.Survey.Questions[3].Options = c.Survey.Questions[0].Options },
			"$.survey.questions[3].options", "a text question has no options"},
		{"options on an alcaldía question", func(c *Campaign) { c.Survey.Questions[5].Options = c.Survey.Questions[0].Options },
			"$.survey.questions[5].options", "an alcaldía question has no options"},
		{"min on a single-choice question", func(c *Campaign) { c.Survey.Questions[0].Min = 1 },
			"$.survey.questions[0].min", "a single-choice question takes no min or max"},
		{"max length on a number question", func(c *Campaign) { c.Survey.Questions[4].MaxLength = 3 },
			"$.survey.questions[4].max_length", "only text questions take max_length"},
		{"end labels on a number question", func(c *Campaign) { c.Survey.Questions[4].MaxLabel = Text{"es": "x", "en": "x"} },
			"$.survey.questions[4].min_label", "only scale questions take min_label and max_label"},
		{"too many questions", func(c *Campaign) {
			q := c.Survey.Questions[3]
			c.Survey.Questions = nil
			for i := range 201 {
				q.ID = fmt.Sprint("q", i)
				c.Survey.Questions = append(c.Survey.Questions, q)
			}
		}, "$.survey.questions", "too many questions: 201; the limit is 200"},
		{"proposal with unknown theme", func(c *Campaign) { c.Proposals[2].Theme = "salud" },
			"$.proposals[2].theme", `unknown theme "salud"`},
		{"proposal without theme", func(c *Campaign) { c.Proposals[0].Theme = "" },
			"$.proposals[0].theme", "a theme is required"},
		{"proposal in unknown alcaldía", func(c *Campaign) { c.Proposals[1].Alcaldia = "Xochimilco" },
			"$.proposals[1].alcaldia", `unknown alcaldía "Xochimilco"`},
		{"proposal with zero threshold", func(c *Campaign) { c.Proposals[1].Threshold = 0 },
			"$.proposals[1].threshold", "the threshold must be from 1 to 10000000 supports, found 0"},
		{"proposal id twice", func(c *Campaign) { c.Proposals[2].ID = "rios" },
			"$.proposals[2].id", `duplicate id "rios", also used by $.proposals[0]`},
		{"proposal summary too long", func(c *Campaign) { c.Proposals[0].Summary["es"] = long(2001) },
			"$.proposals[0].summary.es", "longer than 2000 characters"},
		{"too many proposals", func(c *Campaign) {
			p := c.Proposals[0]
			c.Proposals = nil
			c.Events = nil
			for i := range 5001 {
				p.ID = fmt.Sprint("p", i)
				c.Proposals = append(c.Proposals, p)
			}
		}, "$.proposals", "too many proposals: 5001; the limit is 5000"},
		{"event that ends before it starts", func(c *Campaign) { c.Events[0].Ends = c.Events[0].Starts.Add(-time.Hour) },
			"$.events[0].ends", "the event ends at or before its start"},
		{"event without start", func(c *Campaign) { c.Events[0].Starts = time.Time{} },
			"$.events[0].starts", "a start time between the years 2000 and 2100 is required"},
		{"event lasting months", func(c *Campaign) { c.Events[0].Ends = c.Events[0].Starts.AddDate(0, 2, 0) },
			"$.events[0].ends", "the event lasts more than 31 days"},
		{"event without alcaldía", func(c *Campaign) { c.Events[0].Alcaldia = "" },
			"$.events[0].alcaldia", "an alcaldía is required"},
		{"event signing an unknown proposal", func(c *Campaign) { c.Events[0].Proposals[1] = "metro" },
			"$.events[0].proposals[1]", `unknown proposal "metro"`},
		{"event listing a proposal twice", func(c *Campaign) { c.Events[0].Proposals[1] = "rios" },
			"$.events[0].proposals[1]", `proposal "rios" is listed twice`},
		{"event without place", func(c *Campaign) { c.Events[0].Place = nil },
			"$.events[0].place", `a text in Spanish ("es") and English ("en") is required`},
		{"article number twice", func(c *Campaign) { c.Articles[1].Number = "12" },
			"$.articles[1].number", `article number "12" is also used by $.articles[0].number`},
		{"article without number", func(c *Campaign) { c.Articles[0].Number = "" },
			"$.articles[0].number", "an article number is required"},
		{"article without Spanish text", func(c *Campaign) { c.Articles[1].Text = Text{"en": "1. Text."} },
			"$.articles[1].text", `missing the Spanish text ("es")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCampaign()
			tt.mutate(c)
			data, err := Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse("campaign.json", data)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Path != tt.path || pe.Problem != tt.problem {
				t.Errorf("got   %s: %s\nwant  %s: %s", pe.Path, pe.Problem, tt.path, tt.problem)
			}
			if pe.File != "campaign.json" || pe.Line == 0 || pe.Col == 0 {
				t.Errorf("location %s:%d:%d, want the file and a line and column", pe.File, pe.Line, pe.Col)
			}
			if want := fmt.Sprintf("campaign.json:%d:%d: %s: %s", pe.Line, pe.Col, tt.path, tt.problem); pe.Error() != want {
				t.Errorf("Error() = %q, want %q", pe.Error(), want)
			}
		})
	}
}

func TestValidateReportsSeveralProblems(t *testing.T) {
	t.Run("in file order, first one found by errors.As", func(t *testing.T) {
		c := validCampaign()
		c.ID = ""
		c.Proposals[2].Theme = "salud"
		err := c.Validate()
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Path != "$.id" {
			t.Fatalf("first problem %v, want $.id", pe)
		}
		if pe.File != "" || pe.Line != 0 {
			t.Errorf("Validate set a location: %+v", pe)
		}
		want := "$.id: an id is required\n$.proposals[2].theme: unknown theme \"salud\""
		if err.Error() != want {
			t.Errorf("got\n%s\nwant\n%s", err, want)
		}
	})
	t.Run("at most ten", func(t *testing.T) {
		c := validCampaign()
		for i := range c.Proposals {
			c.Proposals[i].Theme = "nada"
			c.Proposals[i].Threshold = 0
			c.Proposals[i].Title = nil
			c.Proposals[i].Summary = nil
		}
		joined, ok := c.Validate().(interface{ Unwrap() []error })
		if !ok {
			t.Fatal("want several problems")
		}
		if n := len(joined.Unwrap()); n != 10 {
			t.Errorf("%d problems, want 10", n)
		}
	})
	t.Run("a single problem is a bare *ParseError", func(t *testing.T) {
		c := validCampaign()
		c.Version = -1
		if _, ok := c.Validate().(*ParseError); !ok {
			t.Errorf("got %T", c.Validate())
		}
	})
}

func TestParseLocatesValidationProblems(t *testing.T) {
	c := validCampaign()
	c.Survey.Questions[2].MinLabel = nil
	c.Proposals[2].Theme = "salud"
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("campaign.json", data)
	lines := strings.Split(string(data), "\n")
	lineOf := func(s string) (int, int) {
		for i, l := range lines {
			if j := strings.Index(l, s); j >= 0 {
				return i + 1, j + 1
			}
		}
		t.Fatalf("%q not in the file", s)
		return 0, 0
	}
	// A missing field is reported at the object that should hold it: the
	// line before the scale question's id.
	scaleLine, scaleCol := lineOf(`"id": "vida"`)
	scaleLine, scaleCol = scaleLine-1, scaleCol-2
	themeLine, themeCol := lineOf(`"theme": "salud"`)
	want := fmt.Sprintf("campaign.json:%d:%d: $.survey.questions[2].min_label: a text in Spanish (\"es\") and English (\"en\") is required\n"+
		"campaign.json:%d:%d: $.proposals[2].theme: unknown theme \"salud\"", scaleLine, scaleCol, themeLine, themeCol)
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}
