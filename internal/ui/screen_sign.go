package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// Supporting a proposal takes six steps: name, voter id, alcaldía,
// privacy notice, signature, review.
const signSteps = 6

func (k *Kiosk) signKicker(n int) func() string {
	return func() string { return k.F("sign.step", n, signSteps) }
}

func (k *Kiosk) backToProposal() { k.show(&proposalScreen{k: k, id: k.sess.proposal}) }

// signName asks the supporter's name.
func (k *Kiosk) signName() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindSignName, layout: widgets.Text, max: record.MaxNameLen,
		words: words{kicker: k.signKicker(1), title: "sign.name.title", help: "sign.name.help"},
		get:   func() string { return s.signerName },
		set:   func(v string) { s.signerName = v },
		check: k.checkName,
		back:  k.backToProposal,
		next:  func() { k.show(k.signID()) },
	}
}

// checkName refuses an empty or overlong name.
func (k *Kiosk) checkName(v string) string {
	switch {
	case strings.TrimSpace(v) == "":
		return k.T("field.required.name")
	case len([]rune(v)) > record.MaxNameLen:
		return k.T("field.toolong")
	}
	return ""
}

// signID asks the voter id, checking it as it is typed, and, once it is
// complete and valid, whether this person already supported the proposal
// here: they hear it now, before they sign, not after.
func (k *Kiosk) signID() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindSignID, layout: widgets.ID,
		words: words{kicker: k.signKicker(2), title: "sign.id.title", help: "sign.id.help"},
		get:   func() string { return s.voterID },
		set:   func(v string) { s.voterID = v },
		live: func(v string, m message) {
			c := k.checkVoterID(v)
			switch {
			case c.Err != nil:
				m.fail(k.voterIDProblem(c))
			case c.Done:
				m.ok(k.F("voterid.ok", k.T("voterid.type."+string(c.Type))))
			case v == "":
				m.note(k.T("voterid.hint"))
			default:
				m.note(k.lang().N("voterid.left", c.Left()))
			}
		},
		check: func(v string) string {
			c := k.checkVoterID(v)
			if c.Err != nil {
				return k.voterIDProblem(c)
			}
			if !c.Done {
				return k.F("voterid.length", len([]rune(c.ID)))
			}
			return ""
		},
		back: func() { k.show(k.signName()) },
		next: func() {
			if k.alreadySigned(s.proposal, k.checkVoterID(s.voterID).ID) {
				k.showDuplicate()
				return
			}
			k.show(k.signArea())
		},
	}
}

// alreadySigned looks the person up by blind index. When the outbox
// cannot answer, the save will: it refuses duplicates in its transaction.
func (k *Kiosk) alreadySigned(proposal, normalisedID string) bool {
	idx := record.BlindIndex(k.ident.DedupeKey, normalisedID, proposal)
	dup, err := k.store.HasSigned(context.Background(), proposal, idx)
	if err != nil {
		k.log.Warn("check signer", "err", err)
		return false
	}
	return dup
}

// checkVoterID checks an id as typed so far against the campaign's
// accepted types: package voterid knows the layouts and what can be said
// before the 18th key.
func (k *Kiosk) checkVoterID(raw string) voterid.Typing {
	accepted := make([]voterid.Type, 0, len(k.camp.IDTypes))
	for _, t := range k.camp.IDTypes {
		accepted = append(accepted, voterid.Type(t))
	}
	return voterid.CheckTyping(accepted, raw)
}

// voterIDProblem is the sentence for what is wrong with an id as typed so
// far, or "" while it may still become valid.
func (k *Kiosk) voterIDProblem(c voterid.Typing) string {
	if c.Err == nil {
		return ""
	}
	var ve *voterid.Error
	if errors.As(c.Err, &ve) {
		return k.explainVoterID(ve)
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

// signArea asks the supporter's alcaldía.
func (k *Kiosk) signArea() *areaStep {
	s := k.sess
	return &areaStep{
		k: k, sk: kindSignArea,
		words: words{kicker: k.signKicker(3), title: "sign.area.title", help: "sign.area.help"},
		get:   func() string { return s.signerArea },
		set:   func(v string) { s.signerArea = v },
		back:  func() { k.show(k.signID()) },
		next:  func() { k.show(k.signConsent()) },
	}
}

// signConsent shows the privacy notice.
func (k *Kiosk) signConsent() *consentStep {
	s := k.sess
	return &consentStep{
		k: k, sk: kindSignConsent,
		words: words{kicker: k.signKicker(4), title: "consent.title"},
		get:   func() bool { return s.signerConsent },
		set:   func(v bool) { s.signerConsent = v },
		back:  func() { k.show(k.signArea()) },
		next:  func() { k.show(&padScreen{k: k}) },
	}
}

// padScreen takes the signature.
type padScreen struct {
	k    *Kiosk
	pad  *widgets.Pad
	undo *widget.Button
	wipe *widget.Button
	msg  message
}

func (s *padScreen) kind() screenKind { return kindSignPad }

func (s *padScreen) view() *view {
	k := s.k
	s.msg = newMessage()
	s.pad = k.signaturePad(s.msg)
	s.undo = k.button(k.T("sign.pad.undo"), theme.ContentUndoIcon(), func() { s.pad.Undo() })
	s.wipe = k.button(k.T("sign.pad.clear"), theme.ContentClearIcon(), func() { s.pad.Clear() })
	tools := container.NewBorder(nil, nil, container.NewHBox(wide(s.undo), wide(s.wipe)), nil, s.msg)
	body := container.NewBorder(para(k.T("sign.pad.help")), tools, nil, nil, s.pad)
	return &view{
		kicker: k.signKicker(5)(), title: k.T("sign.pad.title"),
		body: body,
		back: func() { k.show(k.signConsent()) },
		next: &action{label: k.T("step.next"), run: s.next},
	}
}

func (s *padScreen) next() {
	k := s.k
	sig := s.pad.Signature()
	if err := sig.Validate(); err != nil {
		s.msg.fail(k.explain(err))
		return
	}
	k.sess.signature = sig
	k.show(k.signReview())
}

// signReview shows everything before sending the support.
func (k *Kiosk) signReview() *reviewStep {
	s := k.sess
	return &reviewStep{
		k: k, sk: kindSignReview,
		words: words{kicker: k.signKicker(6), title: "sign.review.title", help: "sign.review.help"},
		rows: func() []reviewRow {
			title := ""
			if p := k.camp.Proposal(s.proposal); p != nil {
				title = k.text(p.Title)
			}
			area := ""
			if a, ok := campaign.AlcaldiaByID(s.signerArea); ok {
				area = a.Name
			}
			return []reviewRow{
				{"sign.review.proposal", title},
				{"sign.review.name", s.signerName},
				{"sign.review.id", voterid.Mask(s.voterID)},
				{"sign.review.area", area},
			}
		},
		extra:  k.signatureImage,
		submit: "sign.submit",
		send:   k.sendSignature,
		back:   func() { k.show(&padScreen{k: k}) },
	}
}

// signatureImage draws the signature for the review, on paper white.
func (k *Kiosk) signatureImage() fyne.CanvasObject {
	sig := k.sess.signature
	if sig == nil {
		return caption("")
	}
	img, err := sig.Image(480, 200)
	if err != nil {
		return caption("")
	}
	ci := canvas.NewImageFromImage(img)
	ci.FillMode = canvas.ImageFillContain
	ci.SetMinSize(fyne.NewSize(480, 200))
	k.addWiper(func() {
		ci.Image = nil
		ci.Refresh()
	})
	return container.NewVBox(caption(k.T("sign.review.signature")), container.NewHBox(ci))
}

func (k *Kiosk) sendSignature() error {
	s := k.sess
	if s.signature == nil {
		return stroke.ErrEmpty
	}
	t := k.checkVoterID(s.voterID).Type
	strokes, err := s.signature.MarshalBinary()
	if err != nil {
		return err
	}
	d := &record.Draft{
		Kind: record.KindSignature, SubjectID: s.proposal, Mode: k.mode,
		Body: record.Body{
			Signer: &record.Signer{
				Name:           strings.TrimSpace(s.signerName),
				IDType:         string(t),
				VoterID:        s.voterID,
				Alcaldia:       s.signerArea,
				ConsentVersion: consentVersion(s.signerConsent, k.camp),
			},
			Strokes: strokes,
		},
	}
	return k.submit(d, s.endSigning)
}

// consentVersion is the privacy notice version a person agreed to, or ""
// if they did not.
func consentVersion(agreed bool, c *campaign.Campaign) string {
	if !agreed {
		return ""
	}
	return c.Privacy.Version
}
