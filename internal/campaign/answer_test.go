package campaign

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func num(x float64) *float64 { return &x }

func TestCheckAnswer(t *testing.T) {
	s := &validCampaign().Survey
	tests := []struct {
		name     string
		question string
		answer   Answer
		absent   bool
		reason   string // "" for a valid answer
	}{
		{"single: a known option", "reto", Answer{Choice: "agua"}, false, ""},
		{"single: required and absent", "reto", Answer{}, true, ReasonRequired},
		{"single: required and empty", "reto", Answer{}, false, ReasonRequired},
		{"single: unknown option", "reto", Answer{Choice: "salud"}, false, ReasonUnknownOption},
		{"single: answered with choices", "reto", Answer{Choices: []string{"agua"}}, false, ReasonWrongType},

		{"multiple: two options", "derechos", Answer{Choices: []string{"salud", "internet"}}, false, ""},
		{"multiple: optional and skipped", "derechos", Answer{}, true, ""},
		{"multiple: empty list is skipped", "derechos", Answer{Choices: []string{}}, false, ""},
		{"multiple: more than max", "derechos", Answer{Choices: []string{"salud", "internet", "vivienda"}}, false, ReasonOutOfRange},
		{"multiple: same option twice", "derechos", Answer{Choices: []string{"salud", "salud"}}, false, ReasonDuplicateOption},
		{"multiple: unknown option", "derechos", Answer{Choices: []string{"salud", "agua"}}, false, ReasonUnknownOption},
		{"multiple: answered with choice", "derechos", Answer{Choice: "salud"}, false, ReasonWrongType},

		{"scale: in range", "vida", Answer{Number: num(5)}, false, ""},
		{"scale: required and absent", "vida", Answer{}, true, ReasonRequired},
		{"scale: below min", "vida", Answer{Number: num(0)}, false, ReasonOutOfRange},
		{"scale: above max", "vida", Answer{Number: num(6)}, false, ReasonOutOfRange},
		{"scale: between steps", "vida", Answer{Number: num(2.5)}, false, ReasonOutOfRange},
		{"scale: not a number", "vida", Answer{Number: num(math.NaN())}, false, ReasonOutOfRange},
		{"scale: answered with text", "vida", Answer{Text: "5"}, false, ReasonWrongType},

		{"text: short", "palabra", Answer{Text: "caótica"}, false, ""},
		{"text: at the limit in accented characters", "palabra", Answer{Text: "ñññññññññá"}, false, ""},
		{"text: too long", "palabra", Answer{Text: "maravillosa"}, false, ReasonTooLong},
		{"text: optional and blank", "palabra", Answer{Text: "   "}, false, ""},
		{"text: answered with number", "palabra", Answer{Number: num(1)}, false, ReasonWrongType},

		{"number: zero is an answer", "minutos", Answer{Number: num(0)}, false, ""},
		{"number: a fraction", "minutos", Answer{Number: num(45.5)}, false, ""},
		{"number: above max", "minutos", Answer{Number: num(301)}, false, ReasonOutOfRange},
		{"number: negative", "minutos", Answer{Number: num(-1)}, false, ReasonOutOfRange},
		{"number: infinite", "minutos", Answer{Number: num(math.Inf(1))}, false, ReasonOutOfRange},
		{"number: optional and absent", "minutos", Answer{}, true, ""},
		{"number: answered with choice", "minutos", Answer{Choice: "10"}, false, ReasonWrongType},

		{"alcaldía: a known id", "alcaldia", Answer{Choice: "iztapalapa"}, false, ""},
		{"alcaldía: a display name is not an id", "alcaldia", Answer{Choice: "Iztapalapa"}, false, ReasonUnknownOption},
		{"alcaldía: required and absent", "alcaldia", Answer{}, true, ReasonRequired},
		{"alcaldía: answered with text", "alcaldia", Answer{Text: "tlalpan"}, false, ReasonWrongType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := s.Question(tt.question)
			err := s.CheckAnswer(q, tt.answer, !tt.absent)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var ae *AnswerError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *AnswerError", err)
			}
			if ae.QuestionID != tt.question || ae.Reason != tt.reason {
				t.Errorf("got %s/%s, want %s/%s", ae.QuestionID, ae.Reason, tt.question, tt.reason)
			}
		})
	}
}

func TestCheckAnswers(t *testing.T) {
	s := &validCampaign().Survey
	complete := func() Answers {
		return Answers{
			"reto":     {Choice: "empleo"},
			"vida":     {Number: num(3)},
			"alcaldia": {Choice: "tlahuac"},
		}
	}
	tests := []struct {
		name     string
		change   func(a Answers)
		question string
		reason   string
	}{
		{"only the required questions", func(Answers) {}, "", ""},
		{"every question", func(a Answers) {
			a["derechos"] = Answer{Choices: []string{"vivienda"}}
			a["palabra"] = Answer{Text: "enorme"}
			a["minutos"] = Answer{Number: num(90)}
		}, "", ""},
		{"a required question missing", func(a Answers) { delete(a, "vida") }, "vida", ReasonRequired},
		{"first problem in question order", func(a Answers) {
			a["alcaldia"] = Answer{Choice: "narnia"}
			a["reto"] = Answer{Choice: "narnia"}
		}, "reto", ReasonUnknownOption},
		{"an answer to a question the survey lacks", func(a Answers) {
			a["zz"] = Answer{Text: "x"}
			a["color"] = Answer{Text: "x"}
		}, "color", ReasonUnknownQuestion},
		{"problems with known questions come first", func(a Answers) {
			a["color"] = Answer{Text: "x"}
			a["minutos"] = Answer{Number: num(-5)}
		}, "minutos", ReasonOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := complete()
			tt.change(a)
			err := s.CheckAnswers(a)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			var ae *AnswerError
			if !errors.As(err, &ae) || ae.QuestionID != tt.question || ae.Reason != tt.reason {
				t.Errorf("got %v, want %s/%s", err, tt.question, tt.reason)
			}
		})
	}
	t.Run("no answers at all", func(t *testing.T) {
		var ae *AnswerError
		if err := s.CheckAnswers(nil); !errors.As(err, &ae) || ae.QuestionID != "reto" || ae.Reason != ReasonRequired {
			t.Errorf("got %v", err)
		}
	})
}

func TestAnswerErrorMessage(t *testing.T) {
	s := &validCampaign().Survey
	tests := []struct {
		question string
		answer   Answer
		want     string
	}{
		{"reto", Answer{}, `question "reto" is required but has no answer`},
		{"reto", Answer{Choice: "salud"}, `question "reto" has a choice that is not one of its options: "salud"`},
		{"reto", Answer{Text: "x", Number: num(1)}, `question "reto" has an answer of the wrong type: a single-choice question is answered with choice, not number and text`},
		{"alcaldia", Answer{Number: num(1)}, `question "alcaldia" has an answer of the wrong type: an alcaldía question is answered with choice, not number`},
		{"vida", Answer{Number: num(7)}, `question "vida" has an answer out of range: 7 is not a whole number from 1 to 5`},
		{"minutos", Answer{Number: num(400)}, `question "minutos" has an answer out of range: 400 is not between 0 and 300`},
		{"derechos", Answer{Choices: []string{"salud", "internet", "vivienda"}}, `question "derechos" has an answer out of range: 3 chosen, at most 2 allowed`},
		{"derechos", Answer{Choices: []string{"salud", "salud"}}, `question "derechos" has the same option chosen twice: "salud"`},
		{"palabra", Answer{Text: "maravillosa"}, `question "palabra" has an answer that is too long: 11 characters, at most 10 allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			err := s.CheckAnswer(s.Question(tt.question), tt.answer, true)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("unknown question", func(t *testing.T) {
		err := s.CheckAnswers(Answers{"reto": {Choice: "agua"}, "vida": {Number: num(1)}, "alcaldia": {Choice: "tlalpan"}, "x": {}})
		if want := `question "x" is not in the survey`; err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	})
}

func TestMultipleChoiceMinimum(t *testing.T) {
	c := validCampaign()
	q := &c.Survey.Questions[1]
	q.Min, q.Required = 2, true
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		choices []string
		reason  string
	}{
		{"none", nil, ReasonRequired},
		{"fewer than min", []string{"salud"}, ReasonOutOfRange},
		{"exactly min", []string{"salud", "vivienda"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Survey.CheckAnswer(q, Answer{Choices: tt.choices}, true)
			var ae *AnswerError
			switch {
			case tt.reason == "" && err != nil:
				t.Errorf("got %v", err)
			case tt.reason != "" && (!errors.As(err, &ae) || ae.Reason != tt.reason):
				t.Errorf("got %v, want %s", err, tt.reason)
			}
		})
	}
}

func TestAnswersJSON(t *testing.T) {
	a := Answers{
		"reto":     {Choice: "agua"},
		"derechos": {Choices: []string{"salud"}},
		"minutos":  {Number: num(0)},
		"palabra":  {Text: "viva"},
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"derechos":{"choices":["salud"]},"minutos":{"number":0},"palabra":{"text":"viva"},"reto":{"choice":"agua"}}`
	if string(data) != want {
		t.Errorf("got %s\nwant %s", data, want)
	}
	var back Answers
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back["minutos"].Number == nil || *back["minutos"].Number != 0 || strings.Join(back["derechos"].Choices, ",") != "salud" {
		t.Errorf("round trip lost answers: %+v", back)
	}
}
