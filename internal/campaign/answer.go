package campaign

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Answer is a person's answer to one question. Exactly the field for the
// question's type is used: Choice for single and alcaldia (an option or
// alcaldía id), Choices for multiple, Number for scale and number, Text for
// text. The zero Answer means the question was skipped.
type Answer struct {
	Choice  string   `json:"choice,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// Answers are a survey's answers keyed by question id. Skipped questions
// may be absent.
type Answers map[string]Answer

// IsZero reports whether the answer holds nothing, as for a skipped question.
func (a Answer) IsZero() bool {
	return a.Choice == "" && len(a.Choices) == 0 && a.Number == nil && a.Text == ""
}

// Reasons an answer is refused. They are stable keys the UI translates.
const (
	ReasonRequired        = "required"         // a required question has no answer
	ReasonUnknownQuestion = "unknown_question" // the survey has no such question
	ReasonWrongType       = "wrong_type"       // the answer uses a field the question type does not
	ReasonUnknownOption   = "unknown_option"   // a choice that is not an option (or alcaldía)
	ReasonOutOfRange      = "out_of_range"     // a number outside min..max, or too few or many choices
	ReasonTooLong         = "too_long"         // text longer than max_length
	ReasonDuplicateOption = "duplicate_option" // the same option chosen twice
)

// AnswerError is the first problem found with a survey's answers.
type AnswerError struct {
	QuestionID string
	Reason     string // one of the Reason constants

	detail string // an English clause saying exactly what was wrong
}

func (e *AnswerError) Error() string {
	var what string
	switch e.Reason {
	case ReasonRequired:
		what = "is required but has no answer"
	case ReasonUnknownQuestion:
		what = "is not in the survey"
	case ReasonWrongType:
		what = "has an answer of the wrong type"
	case ReasonUnknownOption:
		what = "has a choice that is not one of its options"
	case ReasonOutOfRange:
		what = "has an answer out of range"
	case ReasonTooLong:
		what = "has an answer that is too long"
	case ReasonDuplicateOption:
		what = "has the same option chosen twice"
	default:
		what = "has an invalid answer (" + e.Reason + ")"
	}
	if e.detail != "" {
		return fmt.Sprintf("question %q %s: %s", e.QuestionID, what, e.detail)
	}
	return fmt.Sprintf("question %q %s", e.QuestionID, what)
}

func answerErr(q, reason, format string, args ...any) *AnswerError {
	return &AnswerError{QuestionID: q, Reason: reason, detail: fmt.Sprintf(format, args...)}
}

// CheckAnswers checks a whole survey's answers and returns the first
// problem as an *AnswerError: questions in survey order, then answers to
// questions the survey does not have, in id order.
func (s *Survey) CheckAnswers(a Answers) error {
	for i := range s.Questions {
		q := &s.Questions[i]
		ans, ok := a[q.ID]
		if err := s.CheckAnswer(q, ans, ok); err != nil {
			return err
		}
	}
	if len(a) > 0 {
		var unknown []string
		for id := range a {
			if s.Question(id) == nil {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return &AnswerError{QuestionID: unknown[0], Reason: ReasonUnknownQuestion}
		}
	}
	return nil
}

// CheckAnswer checks the answer to one question, as the kiosk does for each
// screen; present says whether there is an answer at all. A present but
// empty answer counts as skipped.
func (s *Survey) CheckAnswer(q *Question, a Answer, present bool) error {
	if !present {
		a = Answer{}
	}
	if strays := a.strayFields(q.Type); strays != "" {
		return answerErr(q.ID, ReasonWrongType, "%s question is answered with %s, not %s", typeNameOf(q.Type), fieldFor(q.Type), strays)
	}
	if a.IsZero() || (q.Type == TypeText && strings.TrimSpace(a.Text) == "") {
		if q.Required {
			return &AnswerError{QuestionID: q.ID, Reason: ReasonRequired}
		}
		return nil
	}

	switch q.Type {
	case TypeSingle:
		if !q.hasOption(a.Choice) {
			return answerErr(q.ID, ReasonUnknownOption, "%q", a.Choice)
		}
	case TypeAlcaldia:
		if _, ok := AlcaldiaByID(a.Choice); !ok {
			return answerErr(q.ID, ReasonUnknownOption, "%q is not an alcaldía id", a.Choice)
		}
	case TypeMultiple:
		for i, c := range a.Choices {
			if !q.hasOption(c) {
				return answerErr(q.ID, ReasonUnknownOption, "%q", c)
			}
			if slices.Contains(a.Choices[:i], c) {
				return answerErr(q.ID, ReasonDuplicateOption, "%q", c)
			}
		}
		n := len(a.Choices)
		if n < q.Min {
			return answerErr(q.ID, ReasonOutOfRange, "%d chosen, at least %d needed", n, q.Min)
		}
		if q.Max > 0 && n > q.Max {
			return answerErr(q.ID, ReasonOutOfRange, "%d chosen, at most %d allowed", n, q.Max)
		}
	case TypeScale:
		// A scale is a row of buttons: only its whole steps are answers.
		if x := *a.Number; math.IsNaN(x) || x != math.Trunc(x) || x < float64(q.Min) || x > float64(q.Max) {
			return answerErr(q.ID, ReasonOutOfRange, "%v is not a whole number from %d to %d", x, q.Min, q.Max)
		}
	case TypeNumber:
		if x := *a.Number; math.IsNaN(x) || x < float64(q.Min) || x > float64(q.Max) {
			return answerErr(q.ID, ReasonOutOfRange, "%v is not between %d and %d", x, q.Min, q.Max)
		}
	case TypeText:
		if !utf8.ValidString(a.Text) {
			return answerErr(q.ID, ReasonWrongType, "the text is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(a.Text); n > q.MaxLength {
			return answerErr(q.ID, ReasonTooLong, "%d characters, at most %d allowed", n, q.MaxLength)
		}
	default:
		return answerErr(q.ID, ReasonWrongType, "the question has unknown type %q", q.Type)
	}
	return nil
}

// strayFields names the answer fields set that the question type does not
// use, or returns "".
func (a Answer) strayFields(t QuestionType) string {
	var strays []string
	if a.Choice != "" && t != TypeSingle && t != TypeAlcaldia {
		strays = append(strays, "choice")
	}
	if len(a.Choices) > 0 && t != TypeMultiple {
		strays = append(strays, "choices")
	}
	if a.Number != nil && t != TypeScale && t != TypeNumber {
		strays = append(strays, "number")
	}
	if a.Text != "" && t != TypeText {
		strays = append(strays, "text")
	}
	return strings.Join(strays, " and ")
}

func fieldFor(t QuestionType) string {
	switch t {
	case TypeSingle, TypeAlcaldia:
		return "choice"
	case TypeMultiple:
		return "choices"
	case TypeScale, TypeNumber:
		return "number"
	case TypeText:
		return "text"
	}
	return "nothing"
}

func typeNameOf(t QuestionType) string {
	if name, ok := typeNames[t]; ok {
		return withArticle(name)
	}
	return fmt.Sprintf("a %q", string(t))
}

func (q *Question) hasOption(id string) bool {
	return slices.ContainsFunc(q.Options, func(o Option) bool { return o.ID == id })
}
