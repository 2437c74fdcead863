package ui

import (
	"errors"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// The sentences a person reads when the kiosk cannot take what they gave:
// every domain error the flows can meet, in the language on screen.

// explain turns a validation error into a sentence for the person at the
// screen, in their language.
func (k *Kiosk) explain(err error) string {
	var (
		ae *campaign.AnswerError
		ve *voterid.Error
		fe *record.FieldError
	)
	switch {
	case errors.As(err, &ae):
		switch ae.Reason {
		case campaign.ReasonRequired:
			return k.T("answer.required")
		case campaign.ReasonOutOfRange:
			if q := k.camp.Question(ae.QuestionID); q != nil {
				switch q.Type {
				case campaign.TypeMultiple:
					if q.Max > 0 {
						return k.F("answer.choices", max(q.Min, 1), q.Max)
					}
				case campaign.TypeNumber, campaign.TypeScale:
					return k.F("survey.number.range", q.Min, q.Max)
				}
			}
			return k.T("answer.range")
		case campaign.ReasonTooLong:
			if q := k.camp.Question(ae.QuestionID); q != nil {
				return k.lang().N("survey.text.toolong", q.MaxLength)
			}
		}
		return k.T("answer.invalid")
	case errors.As(err, &ve):
		return k.explainVoterID(ve)
	case errors.As(err, &fe):
		switch fe.Reason {
		case record.ReasonRequired:
			if id := "field.required." + fe.Field; i18n.Has(id) {
				return k.T(id)
			}
			return k.T("field.required")
		case record.ReasonTooLong:
			return k.T("field.toolong")
		case record.ReasonConsent:
			return k.T("field.consent")
		case record.ReasonUnknownArea:
			return k.T("field.alcaldia")
		}
		return k.T("error.generic")
	case errors.Is(err, stroke.ErrEmpty):
		return k.T("sign.empty")
	case errors.Is(err, stroke.ErrTooSmall):
		return k.T("sign.toosmall")
	}
	return k.T("error.generic")
}

// explainVoterID says what is wrong with an id, and where.
func (k *Kiosk) explainVoterID(e *voterid.Error) string {
	name := k.T("voterid.type." + string(e.Type))
	switch e.Reason {
	case voterid.ReasonEmpty:
		return k.T("voterid.empty")
	case voterid.ReasonLength:
		return k.F("voterid.length", e.Pos)
	case voterid.ReasonChars:
		return k.F("voterid.chars", name, e.Pos, k.T("voterid.class."+voterid.ClassAt(e.Type, e.Pos).String()))
	case voterid.ReasonDate:
		return k.F("voterid.date", name, e.Pos, e.Pos+5)
	case voterid.ReasonSex:
		return k.F("voterid.sex", name, e.Pos)
	case voterid.ReasonState:
		if e.Type == voterid.INE {
			return k.F("voterid.state.ine", e.Pos, e.Pos+1)
		}
		return k.F("voterid.state.curp", e.Pos, e.Pos+1)
	case voterid.ReasonCheckDigit:
		return k.F("voterid.checkdigit", name)
	case voterid.ReasonHomonym:
		return k.F("voterid.homonym", e.Pos)
	}
	return k.F("voterid.invalid", name)
}
