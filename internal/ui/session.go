package ui

import (
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
)

// session is everything one person has given the kiosk that is not saved
// yet, and the choices they made on the way. It lives only in memory and
// is replaced by a fresh one when they finish, start over or walk away.
// Screens rebuild their widgets from it, so a language switch keeps what
// was typed, and a new session leaves nothing to find.
type session struct {
	lang i18n.Lang
	look Look

	// Browsing proposals.
	theme, area, query string // filters; "" for all

	// The flows' drafts, one per flow (see flow).
	survey   surveyDraft
	sign     signDraft
	reg      regDraft
	comment  commentDraft
	propose  proposeDraft
	organise organiseDraft

	// A canvasser opening an impromptu assembly.
	impromptu impromptuDraft

	// The receipt of what was saved last, for the saved screen.
	receipt string

	// Spoken guidance, and whether they use the keypad: both reset with
	// the next person.
	listen listening
	keypad bool
}

func newSession(lang i18n.Lang, look Look) *session {
	return &session{lang: lang, look: look, survey: surveyDraft{answers: campaign.Answers{}}, listen: defaultListening()}
}

// drafts are the flows' drafts: wiping and "start over" go through them
// all.
func (s *session) drafts() []draft {
	return []draft{&s.survey, &s.sign, &s.reg, &s.comment, &s.propose, &s.organise, &s.impromptu}
}

// wipe overwrites every field, so that whatever still points at this
// session (a closure of a screen being torn down) finds nothing in it.
func (s *session) wipe() {
	for _, d := range s.drafts() {
		d.wipe()
	}
	*s = session{}
}

// dirty reports whether the person has given anything that leaving would
// lose: then "start over" asks first.
func (s *session) dirty() bool {
	for _, d := range s.drafts() {
		if d.dirty() {
			return true
		}
	}
	return false
}
