package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// Writing a proposal: a short title, the text (up to a page, on the
// on-screen keyboard's text area), its theme, the alcaldía it concerns or
// the whole city, whether the author may be named when it is published,
// then the author signs it with the signing flow's own steps: name, voter
// id, alcaldía, privacy notice and signature. The signature is the
// author's own support, counted once moderators publish the proposal.

// Proposal screens.
const (
	kindProposeTitle   screenKind = "propose-title"
	kindProposeText    screenKind = "propose-text"
	kindProposeTheme   screenKind = "propose-theme"
	kindProposeArea    screenKind = "propose-scope"
	kindProposeNamed   screenKind = "propose-named"
	kindProposeName    screenKind = "propose-name"
	kindProposeID      screenKind = "propose-voterid"
	kindProposeHome    screenKind = "propose-alcaldia"
	kindProposeConsent screenKind = "propose-consent"
	kindProposePad     screenKind = "propose-signature"
	kindProposeReview  screenKind = "propose-review"
)

var proposeSignKinds = signKinds{kindProposeName, kindProposeID, kindProposeHome, kindProposeConsent, kindProposePad, kindProposeReview}

// wholeCity is the scope choice of a proposal for all of Mexico City; the
// record says so with no alcaldía.
const wholeCity = "city"

// proposeDraft is one author's proposal and their signature under it.
type proposeDraft struct {
	title  string
	text   string
	theme  string // theme id
	scope  string // alcaldía id, or wholeCity; "" until chosen
	named  bool   // the author agreed to be named when it is published
	author signDraft
}

func (d *proposeDraft) wipe() {
	d.author.wipe()
	*d = proposeDraft{}
}

func (d *proposeDraft) dirty() bool {
	return d.title != "" || d.text != "" || d.theme != "" || d.scope != "" || d.named || d.author.dirty()
}

// submissionTiles are the home screen's entries for what a resident
// brings: shown only when the campaign's central takes the kind, so the
// kiosk never collects what its central would refuse.
func (k *Kiosk) submissionTiles() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	add := func(kind record.Kind, icon fyne.Resource, title, detail string, open func()) {
		if !k.camp.AcceptsKind(string(kind)) {
			return
		}
		t := k.tile(k.T(title), k.T(detail), widgets.Arrow, false, open)
		t.Icon = icon
		out = append(out, t)
	}
	add(record.KindProposal, theme.DocumentCreateIcon(), "home.propose", "home.propose.detail", func() {
		k.sess.propose.wipe()
		k.proposing().start()
	})
	add(record.KindEventProposal, theme.CalendarIcon(), "home.organise", "home.organise.detail", func() {
		k.sess.organise.wipe()
		k.organising().start()
	})
	return out
}

// proposing is the flow of a new proposal.
func (k *Kiosk) proposing() *flow {
	d := &k.sess.propose
	f := &flow{k: k, kicker: "propose.step", draft: d, exit: func() { k.show(&homeScreen{k: k}) }}
	f.steps = append(f.steps,
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindProposeTitle, layout: widgets.Text, max: record.MaxTitleLen,
				words: words{kicker: at.kicker, title: "propose.title.title", help: "propose.title.help"},
				get:   func() string { return d.title },
				set:   func(v string) { d.title = v },
				check: k.required("field.required.title"),
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindProposeText, layout: widgets.Text, long: true, max: record.MaxProposalTextLen,
				words: words{kicker: at.kicker, title: "propose.text.title", help: "propose.text.help"},
				get:   func() string { return d.text },
				set:   func(v string) { d.text = v },
				check: k.required("field.required.text"),
				back:  at.back, next: at.next,
			}
		})
	if len(k.camp.Themes) > 0 {
		f.steps = append(f.steps, func(at stepAt) screen {
			return &choiceStep{
				k: k, sk: kindProposeTheme, cols: 2, required: "propose.theme.none",
				words:   words{kicker: at.kicker, title: "propose.theme.title", help: "propose.theme.help"},
				options: k.themeChoices,
				get:     func() string { return d.theme },
				set:     func(v string) { d.theme = v },
				back:    at.back, next: at.next,
			}
		})
	}
	f.steps = append(f.steps,
		func(at stepAt) screen {
			return &choiceStep{
				k: k, sk: kindProposeArea, cols: 4, required: "propose.scope.none",
				words:   words{kicker: at.kicker, title: "propose.scope.title", help: "propose.scope.help"},
				options: k.scopeChoices,
				get:     func() string { return d.scope },
				set:     func(v string) { d.scope = v },
				back:    at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &choiceStep{
				k: k, sk: kindProposeNamed, cols: 1,
				words: words{kicker: at.kicker, title: "propose.named.title", help: "propose.named.help"},
				options: func() []choice {
					return []choice{{"no", k.T("propose.named.no"), ""}, {"yes", k.T("propose.named.yes"), ""}}
				},
				get:  func() string { return yesNo(d.named) },
				set:  func(v string) { d.named = v == "yes" },
				back: at.back, next: at.next,
			}
		})
	f.steps = append(f.steps, k.signerSteps(&d.author, proposeSignKinds,
		signerWords{name: "propose.name.help", pad: "propose.pad.help"})...)
	f.steps = append(f.steps, func(at stepAt) screen { return k.proposeReview(at, d) })
	f.submit = func() (*record.Draft, error) {
		signer, strokes, err := k.signerOf(&d.author, false)
		if err != nil {
			return nil, err
		}
		area := d.scope
		if area == wholeCity {
			area = ""
		}
		return &record.Draft{
			Kind: record.KindProposal, SubjectID: record.NewSubmissionID(record.KindProposal), Mode: k.mode,
			Body: record.Body{
				// As typed: record.Build normalises the text before sealing.
				Proposal: &record.Submission{
					Title: d.title, Text: d.text, Theme: d.theme, Alcaldia: area,
					Lang: string(k.lang()), Named: d.named,
				},
				Signer:  signer,
				Strokes: strokes,
			},
		}, nil
	}
	return f
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// required is the check of a step that must not be left empty: msg is
// the message id saying so.
// themeChoices are the campaign's themes.
func (k *Kiosk) themeChoices() []choice {
	var out []choice
	for _, t := range k.camp.Themes {
		out = append(out, choice{id: t.ID, title: k.text(t.Label)})
	}
	return out
}

// scopeChoices are the whole city, then the sixteen alcaldías.
func (k *Kiosk) scopeChoices() []choice {
	out := []choice{{id: wholeCity, title: k.T("propose.scope.city")}}
	for _, a := range campaign.Alcaldias {
		out = append(out, choice{id: a.ID, title: a.Name})
	}
	return out
}

// scopeName is what the review says a proposal concerns.
func (k *Kiosk) scopeName(scope string) string {
	if scope == wholeCity {
		return k.T("propose.scope.city")
	}
	if a, ok := campaign.AlcaldiaByID(scope); ok {
		return a.Name
	}
	return ""
}

func (k *Kiosk) proposeReview(at stepAt, d *proposeDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: kindProposeReview, at: at,
		words: words{kicker: at.kicker, title: "propose.review.title", help: "propose.review.help"},
		rows: func() []reviewRow {
			rows := []reviewRow{
				{"propose.review.titlerow", d.title, kindProposeTitle},
				{"propose.review.text", d.text, kindProposeText},
			}
			if t := k.camp.Theme(d.theme); t != nil {
				rows = append(rows, reviewRow{"propose.review.theme", k.text(t.Label), kindProposeTheme})
			}
			named := k.T("propose.named.no")
			if d.named {
				named = k.T("propose.named.yes")
			}
			home := ""
			if a, ok := campaign.AlcaldiaByID(d.author.area); ok {
				home = a.Name
			}
			return append(rows,
				reviewRow{"propose.review.scope", k.scopeName(d.scope), kindProposeArea},
				reviewRow{"propose.review.named", named, kindProposeNamed},
				reviewRow{"sign.review.name", d.author.name, kindProposeName},
				reviewRow{"sign.review.id", voterid.Mask(d.author.voterID), kindProposeID},
				reviewRow{"propose.review.home", home, kindProposeHome},
			)
		},
		extra:  func() fyne.CanvasObject { return k.signatureImage(d.author.signature) },
		submit: "propose.submit",
		send:   at.next,
		back:   at.back,
	}
}

// choice is one option of a choiceStep.
type choice struct {
	id, title, detail string
}

// choiceStep asks for one of a few options, as a grid of tiles: a theme,
// a scope, yes or no.
type choiceStep struct {
	k        *Kiosk
	sk       screenKind
	words    words
	cols     int
	required string // message id said when next is tapped with nothing chosen; "" when get always has an answer

	options func() []choice
	get     func() string
	set     func(string)
	back    func()
	next    func() error

	tiles []*widgets.Tile // in options order
	ids   []string
	msg   message
}

func (s *choiceStep) kind() screenKind { return s.sk }

func (s *choiceStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.tiles, s.ids = nil, nil
	var objs []fyne.CanvasObject
	for _, c := range s.options() {
		id := c.id
		t := k.tile(c.title, c.detail, widgets.NoMark, s.get() == id, func() { s.pick(id) })
		s.tiles = append(s.tiles, t)
		s.ids = append(s.ids, id)
		objs = append(objs, t)
	}
	kicker, title := k.header(s.words)
	parts := []fyne.CanvasObject{}
	if s.words.help != "" {
		parts = append(parts, para(k.T(s.words.help)))
	}
	parts = append(parts, grid(s.cols, objs...), s.msg)
	return &view{kicker: kicker, title: title, body: k.scroll(container.NewVBox(parts...)), back: s.back,
		next: &action{label: k.T("step.next"), run: s.submit}}
}

func (s *choiceStep) pick(id string) {
	s.set(id)
	for i, t := range s.tiles {
		t.SetSelected(s.ids[i] == id)
	}
	s.msg.clear()
}

func (s *choiceStep) submit() {
	if s.required != "" && s.get() == "" {
		s.msg.fail(s.k.T(s.required))
		return
	}
	if err := s.next(); err != nil {
		s.msg.fail(s.k.explain(err))
	}
}

// textArea is the field of a long text step: the entry in a text area
// that grows with the text, with the cursor and word keys beside it and
// the character count above them (widgets.TextArea).
func (k *Kiosk) textArea(e *widgets.Entry, m message, count *widget.Label) fyne.CanvasObject {
	var c fyne.CanvasObject
	if count != nil {
		count.Wrapping = fyne.TextWrapOff // a number: it must not be squeezed
		c = count
	}
	a := widgets.NewTextArea(e, c, widgets.TextAreaLabels{
		Left: k.T("key.cursorleft"), Right: k.T("key.cursorright"), DeleteWord: k.T("key.deleteword"),
		Hooks: k.hooks,
	})
	a.OnAction = func() {
		k.Touch()
		cv := k.win.Canvas()
		if b, ok := cv.Focused().(*widgets.Button); ok && (b == a.Left || b == a.Right || b == a.DeleteWord) {
			// A keypad chose the button: the focus stays on it, so the next
			// Enter moves (or deletes) again, and speech says where the
			// cursor is now.
			k.sayAfresh(k.cursorLine(e))
			return
		}
		if cv.Focused() != e {
			cv.Focus(e)
		}
	}
	// A taller field takes its height from the question above it: lay the
	// screen out again.
	a.OnGrow = func() {
		k.fr.settle()
		// Never at the cost of the question: a smaller screen or larger
		// text gets fewer rows (the text scrolls inside them).
		for !k.titleInView() && a.Shrink() {
			k.fr.settle()
		}
	}
	k.addWiper(func() { a.OnAction, a.OnGrow = nil, nil })
	return container.NewVBox(a, m)
}

// titleInView reports whether the question over a typing screen shows its
// title whole: the scroller holding the question gives its height to the
// field under it.
func (k *Kiosk) titleInView() bool {
	if k.fr.v == nil || k.fr.v.title == "" {
		return true
	}
	var sc *widgets.Scroller
	visit(k.fr.body, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widgets.Scroller); ok && sc == nil {
			sc = s
		}
		return sc == nil
	})
	if sc == nil {
		return true
	}
	bottom := float32(-1)
	var find func(o fyne.CanvasObject, y float32)
	find = func(o fyne.CanvasObject, y float32) {
		y += o.Position().Y
		switch w := o.(type) {
		case *widget.Label:
			if w.Text == k.fr.v.title && bottom < 0 {
				bottom = y + w.Size().Height
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				find(c, y)
			}
		}
	}
	find(sc.Content, 0)
	return bottom <= sc.Offset()+sc.Size().Height
}
