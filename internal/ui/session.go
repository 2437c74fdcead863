package ui

import (
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// session is everything one person has given the kiosk that is not saved
// yet, and the choices they made on the way. It lives only in memory and
// is replaced by a fresh one when they finish, start over or walk away.
// Screens rebuild their widgets from it, so a language switch keeps what
// was typed, and a new session leaves nothing to find.
type session struct {
	lang i18n.Lang
	look Look

	// Survey.
	answers campaign.Answers

	// Browsing proposals.
	theme, area, query string // filters; "" for all

	// Supporting a proposal.
	proposal      string // proposal id
	signerName    string
	voterID       string // as typed
	signerArea    string // alcaldía id
	signerConsent bool
	signature     *stroke.Signature

	// Registering for an assembly.
	event      string
	regName    string
	regContact string
	regConsent bool

	// Commenting on an article.
	article     string
	commentText string
	commentName string
	commentArea string

	// The receipt of what was saved last, for the saved screen.
	receipt string
}

func newSession(lang i18n.Lang, look Look) *session {
	return &session{lang: lang, look: look, answers: campaign.Answers{}}
}

// wipe overwrites every field, so that whatever still points at this
// session (a closure of a screen being torn down) finds nothing in it.
func (s *session) wipe() {
	clear(s.answers)
	if s.signature != nil {
		clear(s.signature.Strokes)
	}
	*s = session{}
}

// dirty reports whether the person has given anything that leaving would
// lose: then "start over" asks first.
func (s *session) dirty() bool {
	return len(s.answers) > 0 || s.signerName != "" || s.voterID != "" || s.signerArea != "" ||
		s.signerConsent || s.signature != nil || s.regName != "" || s.regContact != "" ||
		s.regConsent || s.commentText != "" || s.commentName != "" || s.commentArea != ""
}

// endSigning forgets the supporter's personal data once it is saved or
// abandoned, keeping the browsing filters.
func (s *session) endSigning() {
	if s.signature != nil {
		clear(s.signature.Strokes)
	}
	s.proposal, s.signerName, s.voterID, s.signerArea = "", "", "", ""
	s.signerConsent, s.signature = false, nil
}

// endRegistration forgets the registrant's data.
func (s *session) endRegistration() {
	s.event, s.regName, s.regContact, s.regConsent = "", "", "", false
}

// endComment forgets the comment and its author.
func (s *session) endComment() {
	s.article, s.commentText, s.commentName, s.commentArea = "", "", "", ""
}

// endSurvey forgets the survey answers.
func (s *session) endSurvey() {
	clear(s.answers)
	s.answers = campaign.Answers{}
}
