package ui

import (
	"context"
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

// Supporting a proposal: name, voter id, alcaldía, privacy notice,
// signature, and at the public kiosk a review. A canvasser's attendee
// walks the same steps (signOptions says how they differ), preceded by the
// choice of proposal when the canvasser collects for several.

// signDraft is one supporter's input.
type signDraft struct {
	proposal  string // proposal id
	name      string
	voterID   string // as typed
	area      string // alcaldía id
	consent   bool
	signature *stroke.Signature // the pad's ink, nil when empty; only a valid one gets past the pad step
}

func (d *signDraft) wipe() {
	if d.signature != nil {
		clear(d.signature.Strokes)
	}
	*d = signDraft{}
}

func (d *signDraft) dirty() bool {
	return d.name != "" || d.voterID != "" || d.area != "" || d.consent || d.signature != nil
}

// signOptions are what changes when a canvasser collects signatures at an
// assembly instead of a passer-by signing at the kiosk. The zero value is
// the public kiosk, which needs only exit.
type signOptions struct {
	canvasser string   // who collects, written on each record; "" at the public kiosk
	event     string   // the assembly the signatures are collected at
	choose    []string // proposals the attendee chooses from first; nil when the proposal is set
	exit      func()   // where back from the first step goes

	// Where the person goes after the save and after a refused duplicate;
	// nil for the receipt and the duplicate notice.
	saved     func(*record.Record)
	duplicate func()
}

// signKinds name the signing screens, for the idle policy, tests and
// screenshots: the canvasser's are told apart from the kiosk's.
type signKinds struct {
	name, id, area, consent, pad screenKind
}

var (
	kioskSignKinds   = signKinds{kindSignName, kindSignID, kindSignArea, kindSignConsent, kindSignPad}
	canvassSignKinds = signKinds{kindCanvassName, kindCanvassID, kindCanvassArea, kindCanvassConsent, kindCanvassPad}
)

// signing is the signing flow. At the public kiosk it ends on a review of
// every answer; a canvasser's attendee submits from the signature pad,
// since they saw each answer on its own screen and the canvasser is beside
// them.
func (k *Kiosk) signing(o signOptions) *flow {
	d := &k.sess.sign
	attended := o.canvasser != ""
	kinds, kicker, nameHelp := kioskSignKinds, "sign.step", "sign.name.help"
	if attended {
		kinds, kicker, nameHelp = canvassSignKinds, "canvass.step", "canvass.name.help"
	}
	f := &flow{k: k, kicker: kicker, draft: d, exit: o.exit, saved: o.saved, duplicate: o.duplicate}
	if f.duplicate == nil {
		f.duplicate = func() { k.show(&duplicateScreen{k: k, proposal: d.proposal}) }
	}
	if len(o.choose) > 0 {
		f.steps = append(f.steps, func(at stepAt) screen { return &attendeeChoice{k: k, at: at, ids: o.choose, chosen: &d.proposal} })
	}
	f.steps = append(f.steps,
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kinds.name, layout: widgets.Text, max: record.MaxNameLen,
				words: words{kicker: at.kicker, title: "sign.name.title", help: nameHelp},
				get:   func() string { return d.name },
				set:   func(v string) { d.name = v },
				check: k.checkName,
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen { return k.voterIDStep(at, kinds.id, d) },
		func(at stepAt) screen {
			return &areaStep{
				k: k, sk: kinds.area,
				words: words{kicker: at.kicker, title: "sign.area.title", help: "sign.area.help"},
				get:   func() string { return d.area },
				set:   func(v string) { d.area = v },
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &consentStep{
				k: k, sk: kinds.consent,
				words: words{kicker: at.kicker, title: "consent.title"},
				get:   func() bool { return d.consent },
				set:   func(v bool) { d.consent = v },
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen { return &padStep{k: k, at: at, sk: kinds.pad, d: d, attended: attended} },
	)
	if !attended {
		f.steps = append(f.steps, func(at stepAt) screen { return k.signReview(at, d) })
	}
	mode := k.mode
	if attended {
		mode = record.ModeCanvasser
	}
	f.submit = func() (*record.Draft, error) {
		// Only a valid signature gets past the pad step, so it is not
		// checked again here; without one the record goes without
		// strokes, for record's own checks to refuse.
		var strokes []byte
		if d.signature != nil {
			var err error
			if strokes, err = d.signature.MarshalBinary(); err != nil {
				return nil, err
			}
		}
		return &record.Draft{
			Kind: record.KindSignature, SubjectID: d.proposal, Mode: mode, EventID: o.event,
			Body: record.Body{
				Signer: &record.Signer{
					Name:           strings.TrimSpace(d.name),
					IDType:         string(k.checkVoterID(d.voterID).Type),
					VoterID:        d.voterID,
					Alcaldia:       d.area,
					ConsentVersion: consentVersion(d.consent, k.camp),
				},
				Strokes:   strokes,
				Canvasser: o.canvasser,
			},
		}, nil
	}
	return f
}

// kioskSigning is the public kiosk's signing flow, entered from the
// proposal's page.
func (k *Kiosk) kioskSigning() *flow {
	return k.signing(signOptions{exit: func() { k.show(&proposalScreen{k: k, id: k.sess.sign.proposal}) }})
}

// voterIDStep asks the voter id, checking it as it is typed, and, once it
// is complete and valid, whether this person already supported the
// proposal here: they hear it now, before they sign, not after.
func (k *Kiosk) voterIDStep(at stepAt, sk screenKind, d *signDraft) *textStep {
	return &textStep{
		k: k, sk: sk, layout: widgets.ID,
		words: words{kicker: at.kicker, title: "sign.id.title", help: "sign.id.help"},
		get:   func() string { return d.voterID },
		set:   func(v string) { d.voterID = v },
		live: func(v string, m message) {
			c := k.checkVoterID(v)
			switch {
			case c.Err != nil:
				m.fail(k.explain(c.Err))
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
				return k.explain(c.Err)
			}
			if !c.Done {
				return k.F("voterid.length", len([]rune(c.ID)))
			}
			return ""
		},
		back: at.back,
		next: func() error {
			if k.alreadySigned(d.proposal, k.checkVoterID(d.voterID).ID) {
				at.f.refused()
				return nil
			}
			return at.next()
		},
	}
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

// padStep takes the signature, and is the one place the kiosk checks it:
// next goes on only with a valid one. An attendee's pad names the proposal
// (there is no review to show it) and submits.
type padStep struct {
	k        *Kiosk
	at       stepAt
	sk       screenKind
	d        *signDraft
	attended bool // a canvasser's attendee: no undo, and "start over" goes back to the hub

	pad  *widgets.Pad
	undo *widget.Button // nil for an attendee
	wipe *widget.Button
	msg  message
}

func (s *padStep) kind() screenKind { return s.sk }

func (s *padStep) view() *view {
	k := s.k
	s.msg = newMessage()
	s.pad = k.signaturePad(s.msg, &s.d.signature)
	s.wipe = k.button(k.T("sign.pad.clear"), theme.ContentClearIcon(), func() { s.pad.Clear() })
	next := &action{label: k.T("step.next"), run: s.next}
	if s.at.isLast() {
		next.label = k.T("sign.submit")
	}
	v := &view{kicker: s.at.kicker(), title: k.T("sign.pad.title"), back: s.at.back, next: next}
	if s.attended {
		title := ""
		if p := k.camp.Proposal(s.d.proposal); p != nil {
			title = k.text(p.Title)
		}
		// The message spans the screen above the pad: beside the buttons
		// it wrapped into a tall column that pushed the screen past 600 px.
		// Clear sits in the bottom bar, beside next.
		v.body = container.NewBorder(container.NewVBox(para(k.F("canvass.pad.help", title)), s.msg), nil, nil, nil, s.pad)
		v.extra = []fyne.CanvasObject{big(s.wipe)}
		v.startTo = k.T("canvass.abandon")
		return v
	}
	s.undo = k.button(k.T("sign.pad.undo"), theme.ContentUndoIcon(), func() { s.pad.Undo() })
	// Undo and clear sit in the bottom bar, beside next, leaving the pad
	// all the height a 600-high screen has.
	v.body = container.NewBorder(container.NewVBox(para(k.T("sign.pad.help")), s.msg), nil, nil, nil, s.pad)
	v.extra = []fyne.CanvasObject{big(s.undo), big(s.wipe)}
	return v
}

func (s *padStep) next() {
	k := s.k
	sig := s.pad.Signature()
	if err := sig.Validate(); err != nil {
		s.msg.fail(k.explain(err))
		return
	}
	s.d.signature = sig
	if err := s.at.next(); err != nil {
		s.msg.fail(k.explain(err))
	}
}

// signReview shows everything before sending the support.
func (k *Kiosk) signReview(at stepAt, d *signDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: kindSignReview, at: at,
		words: words{kicker: at.kicker, title: "sign.review.title", help: "sign.review.help"},
		rows: func() []reviewRow {
			title := ""
			if p := k.camp.Proposal(d.proposal); p != nil {
				title = k.text(p.Title)
			}
			area := ""
			if a, ok := campaign.AlcaldiaByID(d.area); ok {
				area = a.Name
			}
			return []reviewRow{
				{"sign.review.proposal", title, ""},
				{"sign.review.name", d.name, kindSignName},
				{"sign.review.id", voterid.Mask(d.voterID), kindSignID},
				{"sign.review.area", area, kindSignArea},
			}
		},
		extra:  func() fyne.CanvasObject { return k.signatureImage(d.signature) },
		submit: "sign.submit",
		send:   at.next,
		back:   at.back,
	}
}

// signatureImage draws the signature for the review, on paper white.
func (k *Kiosk) signatureImage(sig *stroke.Signature) fyne.CanvasObject {
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
