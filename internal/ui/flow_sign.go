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
// signature and a review. A canvasser's attendee walks the same steps
// (signOptions says how they differ), preceded by the choice of proposals
// when the canvasser collects for several: one pass, one signature and
// one set of typed answers make one record per proposal chosen.

// signDraft is one supporter's input.
type signDraft struct {
	proposal  string   // proposal id, at the public kiosk
	proposals []string // an attendee's proposals, in campaign order
	preset    string   // alcaldía filled in from the assembly; not the person's input
	name      string
	voterID   string // as typed
	area      string // alcaldía id
	consent   bool
	signature *stroke.Signature // the pad's ink, nil when empty; only a valid one gets past the pad step
	witnessed bool              // an attendee who cannot sign: the canvasser witnesses a mark (or none)
}

func (d *signDraft) wipe() {
	if d.signature != nil {
		clear(d.signature.Strokes)
	}
	*d = signDraft{}
}

func (d *signDraft) dirty() bool {
	return d.name != "" || d.voterID != "" || d.area != d.preset || d.consent || d.signature != nil || d.witnessed
}

// subjects are the proposals this pass supports.
func (d *signDraft) subjects() []string {
	if len(d.proposals) > 0 {
		return d.proposals
	}
	if d.proposal != "" {
		return []string{d.proposal}
	}
	return nil
}

// signOptions are what changes when a canvasser collects signatures at an
// assembly instead of a passer-by signing at the kiosk. The zero value is
// the public kiosk, which needs only exit.
type signOptions struct {
	canvasser string   // who collects, written on each record; "" at the public kiosk
	event     string   // the assembly the signatures are collected at
	choose    []string // proposals the attendee chooses among first; nil when they are set
	exit      func()   // where back from the first step goes

	// Where the person goes after the save and after a refused duplicate;
	// nil for the receipt and the duplicate notice. An attendee's flow
	// saves one record per proposal and ends in savedEach.
	saved     func(*record.Record)
	savedEach func(stored []*record.Record, duplicates []string)
	duplicate func()
}

// signKinds name the signing screens, for the idle policy, tests and
// screenshots: the canvasser's are told apart from the kiosk's.
type signKinds struct {
	name, id, area, consent, pad, review screenKind
}

var (
	kioskSignKinds   = signKinds{kindSignName, kindSignID, kindSignArea, kindSignConsent, kindSignPad, kindSignReview}
	canvassSignKinds = signKinds{kindCanvassName, kindCanvassID, kindCanvassArea, kindCanvassConsent, kindCanvassPad, kindCanvassReview}
)

// signing is the signing flow; it ends on a review of every answer, for
// the public kiosk and the canvasser's attendee alike.
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
		f.steps = append(f.steps, func(at stepAt) screen { return &attendeeChoice{k: k, at: at, ids: o.choose, d: d} })
	}
	f.steps = append(f.steps, k.signerSteps(d, kinds, signerWords{name: nameHelp, attended: attended})...)
	f.steps = append(f.steps, func(at stepAt) screen { return k.signReview(at, kinds.review, d) })
	mode := k.mode
	if attended {
		mode = record.ModeCanvasser
	}
	one := func(proposal string) (*record.Draft, error) {
		signer, strokes, err := k.signerOf(d, attended)
		if err != nil {
			return nil, err
		}
		return &record.Draft{
			Kind: record.KindSignature, SubjectID: proposal, Mode: mode, EventID: o.event,
			Body: record.Body{Signer: signer, Strokes: strokes, Canvasser: o.canvasser},
		}, nil
	}
	if !attended {
		f.submit = func() (*record.Draft, error) { return one(d.proposal) }
		return f
	}
	f.savedEach = o.savedEach
	f.submitEach = func() ([]*record.Draft, error) {
		var out []*record.Draft
		for _, p := range d.subjects() {
			rd, err := one(p)
			if err != nil {
				return nil, err
			}
			out = append(out, rd)
		}
		return out, nil
	}
	return f
}

// signerWords are what the signer steps say differently in each flow.
type signerWords struct {
	name     string // message id of the name step's help
	pad      string // message id of the pad's help; "" for a supporter's
	attended bool   // a canvasser's attendee: the pad names the proposals
}

// signerSteps are the steps in which a person signs: name, voter id,
// alcaldía, privacy notice and signature, into d. Supporting a proposal
// and writing one (its author signs it as their own support) both walk
// them; only their screen kinds and some words differ.
func (k *Kiosk) signerSteps(d *signDraft, kinds signKinds, w signerWords) []func(stepAt) screen {
	return []func(stepAt) screen{
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kinds.name, layout: widgets.Text, max: record.MaxNameLen,
				words: words{kicker: at.kicker, title: "sign.name.title", help: w.name},
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
		func(at stepAt) screen {
			return &padStep{k: k, at: at, sk: kinds.pad, d: d, attended: w.attended, help: w.pad}
		},
	}
}

// signerOf is the signer and the signature's strokes a record carries
// from d (attended: a canvasser's attendee, whose mark they may witness).
// Only a valid signature gets past the pad step, so it is not checked
// again here; without one the record goes without strokes, for record's
// own checks to refuse.
func (k *Kiosk) signerOf(d *signDraft, attended bool) (*record.Signer, []byte, error) {
	var strokes []byte
	if d.signature != nil {
		var err error
		if strokes, err = d.signature.MarshalBinary(); err != nil {
			return nil, nil, err
		}
	}
	return &record.Signer{
		Name:           strings.TrimSpace(d.name),
		IDType:         string(k.checkVoterID(d.voterID).Type),
		VoterID:        d.voterID,
		Alcaldia:       d.area,
		ConsentVersion: consentVersion(d.consent, k.camp),
		Witnessed:      attended && d.witnessed, // a canvasser witnesses a mark
	}, strokes, nil
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
			// Refused here only when every proposal of the pass was
			// already supported; otherwise the others go on, and the
			// outbox refuses the duplicates one by one at the save.
			id := k.checkVoterID(d.voterID).ID
			if len(d.subjects()) == 0 {
				return at.next() // a proposal's author: nothing signed before
			}
			for _, p := range d.subjects() {
				if !k.alreadySigned(p, id) {
					return at.next()
				}
			}
			at.f.refused()
			return nil
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
// next goes on only with a valid one. An attendee's pad names the
// proposals being supported.
type padStep struct {
	k        *Kiosk
	at       stepAt
	sk       screenKind
	d        *signDraft
	attended bool   // a canvasser's attendee: the pad names the proposals
	help     string // message id of the help; "" for a supporter's

	pad     *widgets.Pad
	undo    *widgets.Button
	wipe    *widgets.Button
	assist  *widgets.Button // the way for a person who cannot sign on the screen
	msg     message
	witness message // an attendee's witnessed mark, while chosen
}

func (s *padStep) kind() screenKind { return s.sk }

func (s *padStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.pad = k.signaturePad(s.msg, &s.d.signature)
	s.wipe = k.button(k.T("sign.pad.clear"), theme.ContentClearIcon(), func() { s.pad.Clear() })
	next := &action{label: k.T("step.next"), run: s.next}
	if s.at.isLast() {
		next.label = k.T("sign.submit")
	}
	v := &view{kicker: s.at.kicker(), title: k.T("sign.pad.title"), back: s.at.back, next: next}
	s.undo = k.button(k.T("sign.pad.undo"), theme.ContentUndoIcon(), func() { s.pad.Undo() })
	help := k.T("sign.pad.help")
	if s.help != "" {
		help = k.T(s.help)
	}
	if s.attended {
		help = k.F("canvass.pad.help", strings.Join(k.proposalTitles(s.d.subjects()), " · "))
		v.startTo = k.T("canvass.abandon")
	}
	// The message spans the screen above the pad: beside the buttons it
	// wrapped into a tall column that pushed the screen past 600 px. Undo
	// and clear sit in the bottom bar, beside next, leaving the pad all
	// the height a 600-high screen has.
	// A person who cannot draw a signature (who cannot see the screen,
	// say) is not left at a pad they cannot use: at the public kiosk they
	// hear why the kiosk cannot take their support alone and where a
	// canvasser can witness it; a canvasser's attendee can give a mark
	// the canvasser witnesses.
	s.witness = k.newMessage()
	if s.attended {
		s.assist = k.button(k.T("canvass.witness"), theme.AccountIcon(), s.toggleWitness)
		if s.d.witnessed {
			// In place of the help, which is about signing: the screen
			// has no height for one line more.
			s.assist.Importance = widget.HighImportance
			s.witness.note(k.T("canvass.witness.on"))
			help = ""
		}
	} else {
		s.assist = k.button(k.T("sign.assist.button"), theme.HelpIcon(), func() {
			k.show(&assistScreen{k: k, back: s.at.f.stepOf(s.sk)})
		})
	}
	// Beside the title, which is short: on a 600-high screen in large
	// text the pad has no height to give.
	v.aside = big(s.assist)
	top := container.NewVBox(s.witness, s.msg)
	if help != "" {
		top.Objects = append([]fyne.CanvasObject{para(help)}, top.Objects...)
	}
	v.body = container.NewBorder(top, nil, nil, nil, s.pad)
	v.extra = []fyne.CanvasObject{big(s.undo), big(s.wipe)}
	return v
}

// toggleWitness turns an attendee's witnessed mark on or off.
// The screen is built again: the witness line takes the help's place.
func (s *padStep) toggleWitness() {
	k := s.k
	s.d.witnessed = !s.d.witnessed
	k.render()
	if s.d.witnessed {
		k.say(k.T("canvass.witness.text"))
	}
}

func (s *padStep) next() {
	k := s.k
	sig := s.pad.Signature()
	if s.attended && s.d.witnessed {
		// Whatever mark was made is kept as it is; the canvasser's
		// witness stands for the signature.
		s.d.signature = nil
		if !s.pad.Empty() {
			s.d.signature = sig
		}
		if err := s.at.next(); err != nil {
			s.msg.fail(k.explain(err))
		}
		return
	}
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
func (k *Kiosk) signReview(at stepAt, sk screenKind, d *signDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: sk, at: at,
		words: words{kicker: at.kicker, title: "sign.review.title", help: "sign.review.help"},
		rows: func() []reviewRow {
			title := strings.Join(k.proposalTitles(d.subjects()), "\n")
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
		extra: func() fyne.CanvasObject {
			if d.witnessed && k.canv != nil {
				// Said as well as shown: the attendee hears how their
				// support is recorded.
				l := para(k.F("sign.review.witnessed", k.canv.name))
				return container.NewVBox(caption(k.T("sign.review.witness")), widgets.AtLeast(l, fyne.NewSize(320, 0)))
			}
			return k.signatureImage(d.signature)
		},
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

// proposalTitles are the titles of the proposals ids, in the language on
// screen.
func (k *Kiosk) proposalTitles(ids []string) []string {
	var out []string
	for _, id := range ids {
		if p := k.camp.Proposal(id); p != nil {
			out = append(out, k.text(p.Title))
		}
	}
	return out
}
