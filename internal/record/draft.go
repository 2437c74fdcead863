package record

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// Draft is a finished piece of input that has not been sealed yet: what the
// kiosk hands to the outbox when a person presses submit.
type Draft struct {
	Kind      Kind
	SubjectID string // proposal, event or article id; ignored for surveys
	Mode      string // ModeKiosk or ModeCanvasser
	EventID   string // canvasser mode: the assembly being worked
	Body      Body
}

// Keys are what a device needs to turn drafts into records. None of them
// can open a sealed body.
type Keys struct {
	DeviceID  string
	SealTo    *[32]byte // campaign public key
	DedupeKey []byte    // for BlindIndex
}

// FieldError is a problem with one field of a draft, in terms a person at
// the screen can fix. Reason is a stable key the UI translates.
type FieldError struct {
	Field  string
	Reason string
}

// Reasons a draft is refused, besides those of voterid, stroke and campaign.
const (
	ReasonRequired       = "required"
	ReasonTooLong        = "too_long"
	ReasonUnknownSubject = "unknown_subject"
	ReasonClosed         = "closed" // the proposal takes no new supports
	ReasonUnknownEvent   = "unknown_event"
	ReasonUnknownArea    = "unknown_alcaldia"
	ReasonConsent        = "consent"
	ReasonWrongKind      = "wrong_kind"
	ReasonNotAccepted    = "kind_not_accepted" // the campaign's central does not take this kind
	ReasonBadDate        = "bad_date"
	ReasonLanguage       = "language"
	// ReasonWitness: a witnessed mark without a canvasser to witness it,
	// or on anything but a support.
	ReasonWitness = "witness"
)

// Field length limits, generous for real names and comments, small enough
// that a body never approaches MaxBodySize.
const (
	MaxNameLen    = 120
	MaxContactLen = 120
	MaxCommentLen = 2000
)

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, strings.ReplaceAll(e.Reason, "_", " "))
}

func fieldErr(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// Validate checks a draft against the campaign: everything a person could
// have got wrong, reported as *FieldError, *voterid.Error, *stroke errors or
// *campaign.AnswerError.
func (d *Draft) Validate(c *campaign.Campaign) error {
	if d.Mode != ModeKiosk && d.Mode != ModeCanvasser {
		return fmt.Errorf("%w: unknown mode %q", ErrInvalid, d.Mode)
	}
	if !c.AcceptsKind(string(d.Kind)) && d.Kind.Valid() {
		return fieldErr("kind", ReasonNotAccepted)
	}
	if d.EventID != "" && c.Event(d.EventID) == nil && !IsSubmissionID(KindEventProposal, d.EventID) {
		return fieldErr("event", ReasonUnknownEvent)
	}
	if err := checkText("canvasser", d.Body.Canvasser, MaxNameLen, false); err != nil {
		return err
	}
	b := &d.Body
	// Exactly the part for the kind: a body never carries stray data.
	parts := 0
	for _, present := range []bool{b.Answers != nil, b.Signer != nil, b.Registrant != nil, b.Comment != nil,
		b.Proposal != nil, b.Assembly != nil} {
		if present {
			parts++
		}
	}
	want := 1
	if d.Kind == KindProposal {
		want = 2 // the proposal and its author
	}
	if parts != want || (!d.Kind.Signed() && len(b.Strokes) > 0) {
		return fieldErr("body", ReasonWrongKind)
	}
	switch d.Kind {
	case KindSurvey:
		if b.Answers == nil {
			return fieldErr("answers", ReasonWrongKind)
		}
		return c.Survey.CheckAnswers(b.Answers)
	case KindSignature:
		if b.Signer == nil {
			return fieldErr("signer", ReasonWrongKind)
		}
		p := c.Proposal(d.SubjectID)
		if p == nil {
			return fieldErr("proposal", ReasonUnknownSubject)
		}
		if p.Closed {
			return fieldErr("proposal", ReasonClosed)
		}
		if b.Signer.Witnessed {
			return checkWitnessed(d, c)
		}
		return checkSigner(b, c)
	case KindEvent:
		if b.Registrant == nil {
			return fieldErr("registrant", ReasonWrongKind)
		}
		if c.Event(d.SubjectID) == nil {
			return fieldErr("event", ReasonUnknownSubject)
		}
		r := b.Registrant
		if err := checkText("name", r.Name, MaxNameLen, true); err != nil {
			return err
		}
		if err := checkText("contact", r.Contact, MaxContactLen, false); err != nil {
			return err
		}
		if r.ConsentVersion != c.Privacy.Version {
			return fieldErr("consent", ReasonConsent)
		}
		return nil
	case KindComment:
		if b.Comment == nil {
			return fieldErr("comment", ReasonWrongKind)
		}
		if c.Article(d.SubjectID) == nil {
			return fieldErr("article", ReasonUnknownSubject)
		}
		cm := b.Comment
		if err := checkText("comment", cm.Text, MaxCommentLen, true); err != nil {
			return err
		}
		if err := checkText("name", cm.Name, MaxNameLen, false); err != nil {
			return err
		}
		if cm.Alcaldia != "" {
			if _, ok := campaign.AlcaldiaByID(cm.Alcaldia); !ok {
				return fieldErr("alcaldia", ReasonUnknownArea)
			}
		}
		return nil
	case KindProposal, KindEventProposal:
		return d.validateSubmission(c)
	}
	return fmt.Errorf("%w: unknown kind %q", ErrInvalid, d.Kind)
}

// checkSigner checks the person who signs (a supporter, or a proposal's
// author) and their handwritten signature.
func checkSigner(b *Body, c *campaign.Campaign) error {
	if err := checkSignerDetails(b.Signer, c); err != nil {
		return err
	}
	if b.Signer.Witnessed {
		// Only a support can rest on a witnessed mark.
		return fieldErr("witness", ReasonWitness)
	}
	sig, err := stroke.Decode(b.Strokes)
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return sig.Validate()
}

// checkWitnessed checks a support given as a mark a canvasser witnessed:
// the signer's details as for any support, a canvasser named on the
// record in canvasser mode (a public kiosk has nobody to witness), and
// whatever mark was made, if any, as strokes.
func checkWitnessed(d *Draft, c *campaign.Campaign) error {
	b := &d.Body
	if err := checkSignerDetails(b.Signer, c); err != nil {
		return err
	}
	if d.Mode != ModeCanvasser || strings.TrimSpace(b.Canvasser) == "" {
		return fieldErr("witness", ReasonWitness)
	}
	if len(b.Strokes) == 0 {
		return nil
	}
	if _, err := stroke.Decode(b.Strokes); err != nil {
		return fmt.Errorf("mark: %w", err)
	}
	return nil
}

// checkSignerDetails checks who signs: name, voter id, alcaldía, consent.
func checkSignerDetails(s *Signer, c *campaign.Campaign) error {
	if err := checkText("name", s.Name, MaxNameLen, true); err != nil {
		return err
	}
	accepted := make([]voterid.Type, 0, len(c.IDTypes))
	for _, t := range c.IDTypes {
		accepted = append(accepted, voterid.Type(t))
	}
	if _, _, err := voterid.Check(accepted, s.VoterID); err != nil {
		return err
	}
	if _, ok := campaign.AlcaldiaByID(s.Alcaldia); !ok {
		return fieldErr("alcaldia", ReasonUnknownArea)
	}
	if s.ConsentVersion != c.Privacy.Version {
		return fieldErr("consent", ReasonConsent)
	}
	return nil
}

func checkText(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return fieldErr(field, ReasonRequired)
	case utf8.RuneCountInString(s) > max || !utf8.ValidString(s):
		return fieldErr(field, ReasonTooLong)
	}
	return nil
}

// ErrRefused is matched by every error Build returns because the draft
// fails Validate: the person who gave it can fix what the error says (it
// also matches Validate's own error). Anything else Build, or a store
// around it, returns is the device's problem.
var ErrRefused = errors.New("draft refused")

// refusedError is a Validate error as Build returns it; its text is
// Validate's.
type refusedError struct{ err error }

func (e refusedError) Error() string   { return e.err.Error() }
func (e refusedError) Unwrap() []error { return []error{ErrRefused, e.err} }

// ErrNoKeys means the device has not been given campaign keys yet.
var ErrNoKeys = errors.New("device has no campaign keys")

// Build validates a draft, normalises what must be normalised, and seals
// it into an unsigned record without a sequence number. The outbox assigns
// the sequence and signs in the transaction that stores it.
func Build(d *Draft, c *campaign.Campaign, k *Keys, now time.Time) (*Record, error) {
	if k == nil || k.SealTo == nil || len(k.DedupeKey) == 0 || k.DeviceID == "" {
		return nil, ErrNoKeys
	}
	body := d.Body
	normalizeSubmission(&body)
	if body.Signer != nil {
		// Store the normalised id: the one the blind index was made from.
		s := *body.Signer
		s.VoterID = voterid.Normalize(s.VoterID)
		body.Signer = &s
	}
	subject := d.SubjectID
	if d.Kind == KindSurvey {
		subject = c.Survey.ID
	}
	draft := *d
	draft.Body = body
	draft.SubjectID = subject
	if err := draft.Validate(c); err != nil {
		return nil, refusedError{err}
	}
	id, err := NewID()
	if err != nil {
		return nil, fmt.Errorf("new record id: %w", err)
	}
	r := &Record{Envelope: Envelope{
		ID:              id,
		DeviceID:        k.DeviceID,
		Kind:            d.Kind,
		CampaignID:      c.ID,
		CampaignVersion: c.Version,
		SubjectID:       subject,
		DeviceTime:      now.UTC().Truncate(time.Millisecond),
		SchemaVersion:   SchemaVersion,
		Mode:            d.Mode,
		EventID:         d.EventID,
		Alcaldia:        areaOf(&draft, c),
	}}
	if body.Signer != nil {
		r.SignerIndex = BlindIndex(k.DedupeKey, body.Signer.VoterID, subject)
	}
	if r.Body, err = SealBody(&body, k.SealTo); err != nil {
		return nil, err
	}
	return r, nil
}

// areaOf picks the alcaldía that goes in the clear envelope, for tallies by
// area: the signer's, the commenter's, or the survey's alcaldía answer.
func areaOf(d *Draft, c *campaign.Campaign) string {
	b := &d.Body
	switch {
	case b.Proposal != nil:
		return b.Proposal.Alcaldia // where it applies, not where its author lives
	case b.Assembly != nil:
		return b.Assembly.Alcaldia
	case b.Signer != nil:
		return b.Signer.Alcaldia
	case b.Comment != nil:
		return b.Comment.Alcaldia
	case b.Answers != nil:
		for _, q := range c.Survey.Questions {
			if q.Type == campaign.TypeAlcaldia {
				if a, ok := b.Answers[q.ID]; ok {
					return a.Choice
				}
			}
		}
	}
	return ""
}
