package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// The step types flows are made of. Each is one question per screen, with
// its own words (message ids, so a language switch re-translates them),
// its own place in a draft (get and set), and back and next from its place
// in the flow. next returns a problem the person can fix: on a flow's last
// step it submits.

// words are a step's texts as message ids; kicker is already formatted
// because it carries the step number.
type words struct {
	kicker func() string
	title  string // message id
	help   string // message id; "" for none
}

func (k *Kiosk) header(w words) (kicker, title string) {
	if w.kicker != nil {
		kicker = w.kicker()
	}
	return kicker, k.T(w.title)
}

// textStep asks for one piece of text with the on-screen keyboard.
type textStep struct {
	k      *Kiosk
	sk     screenKind
	words  words
	layout widgets.KeyLayout
	multi  bool
	long   bool // a page of text: a growing area with cursor and word keys (textArea); implies multi
	max    int  // characters; 0 for no limit; next refuses longer text
	skip   bool // optional: next reads "skip" while the field is empty

	get   func() string
	set   func(string)
	live  func(text string, m message) // runs on every change
	check func(text string) string     // on next: a problem, or ""
	back  func()
	next  func() error

	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
	count *widget.Label
}

func (s *textStep) kind() screenKind { return s.sk }

func (s *textStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.input = k.entry(s.get(), "", s.multi || s.long, func(text string) {
		s.set(text)
		s.changed(text)
	})
	s.kb = k.keyboard(s.layout, s.input)
	var help fyne.CanvasObject
	if s.words.help != "" {
		help = para(k.T(s.words.help))
	}
	s.count = nil
	if s.max > 0 {
		s.count = caption("")
	}
	kicker, title := k.header(s.words)
	field := fieldBox(s.input, s.msg, s.count)
	if s.long {
		field = k.textArea(s.input, s.msg, s.count)
	}
	v := &view{
		kicker: kicker, title: title,
		body:     help,
		field:    field,
		keyboard: s.kb, focus: s.input,
		back: s.back,
		next: &action{run: s.submit},
	}
	s.feedback(s.get())
	s.label(v.next)
	return v
}

func (s *textStep) label(a *action) {
	a.label = s.k.T("step.next")
	if s.skip && s.get() == "" {
		a.label = s.k.T("step.skip")
	}
}

// changed follows typing: the counter, the live check and the label of
// the next button (skip while an optional field is empty).
func (s *textStep) changed(text string) {
	k := s.k
	s.feedback(text)
	if s.skip && k.fr.next != nil {
		a := &action{}
		s.label(a)
		k.fr.next.SetText(a.label)
	}
}

func (s *textStep) feedback(text string) {
	k := s.k
	if s.count != nil {
		id := "survey.text.count"
		if s.long {
			id = "field.count.long" // "1,240 / 1,500": short beside the area's keys
		}
		s.count.SetText(k.F(id, len([]rune(text)), s.max))
	}
	if s.live != nil {
		s.live(text, s.msg)
	} else {
		s.msg.clear()
	}
}

func (s *textStep) submit() {
	p := ""
	if s.max > 0 && len([]rune(s.get())) > s.max {
		p = s.k.T("field.toolong")
	} else if s.check != nil {
		p = s.check(s.get())
	}
	if p != "" {
		s.msg.fail(p)
		return
	}
	if err := s.next(); err != nil {
		s.msg.fail(s.k.explain(err))
	}
}

// required is the check of a text step that must not be left empty (its
// max refuses an overlong answer): msg is the message id shown when it is.
func (k *Kiosk) required(msg string) func(string) string {
	return func(v string) string {
		if strings.TrimSpace(v) == "" {
			return k.T(msg)
		}
		return ""
	}
}

// checkName refuses an empty name: the check of every flow's required
// name step.
func (k *Kiosk) checkName(v string) string { return k.required("field.required.name")(v) }

// areaStep asks for an alcaldía, from a grid of the sixteen.
type areaStep struct {
	k        *Kiosk
	sk       screenKind
	words    words
	optional bool // offers "I'd rather not say"

	get  func() string
	set  func(string)
	back func()
	next func() error

	tiles []*widgets.Tile // in campaign.Alcaldias order
	msg   message
}

func (s *areaStep) kind() screenKind { return s.sk }

func (s *areaStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.tiles = nil
	var objs []fyne.CanvasObject
	for _, a := range campaign.Alcaldias {
		id := a.ID
		t := k.tile(a.Name, "", widgets.NoMark, s.get() == id, func() { s.pick(id) })
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	kicker, title := k.header(s.words)
	parts := []fyne.CanvasObject{}
	if s.words.help != "" {
		parts = append(parts, para(k.T(s.words.help)))
	}
	parts = append(parts, grid(4, objs...), s.msg)
	next := &action{label: k.T("step.next"), run: s.submit}
	if s.optional && s.get() == "" {
		next.label = k.T("step.skip")
	}
	return &view{kicker: kicker, title: title, body: k.scroll(container.NewVBox(parts...)), back: s.back, next: next}
}

func (s *areaStep) pick(id string) {
	if s.optional && s.get() == id {
		id = "" // a second tap takes the answer back
	}
	s.set(id)
	for i, t := range s.tiles {
		t.SetSelected(campaign.Alcaldias[i].ID == id)
	}
	s.msg.clear()
	if f := s.k.fr.next; f != nil {
		if s.optional && id == "" {
			f.SetText(s.k.T("step.skip"))
		} else {
			f.SetText(s.k.T("step.next"))
		}
	}
}

func (s *areaStep) submit() {
	if !s.optional && s.get() == "" {
		s.msg.fail(s.k.T("field.alcaldia"))
		return
	}
	if err := s.next(); err != nil {
		s.msg.fail(s.k.explain(err))
	}
}

// consentStep shows the privacy notice and asks for consent with a large
// check box.
type consentStep struct {
	k     *Kiosk
	sk    screenKind
	words words

	get  func() bool
	set  func(bool)
	back func()
	next func() error

	box *widgets.Tile
	msg message
}

func (s *consentStep) kind() screenKind { return s.sk }

func (s *consentStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	notice := k.scroll(container.NewPadded(para(k.text(k.camp.Privacy.Text))))
	s.box = k.tile(k.T("consent.accept"), "", widgets.Check, s.get(), func() {
		s.set(!s.get())
		s.box.SetSelected(s.get())
		s.msg.clear()
	})
	kicker, title := k.header(s.words)
	body := container.NewBorder(nil, container.NewVBox(s.box, s.msg), nil, nil, notice)
	return &view{kicker: kicker, title: title, body: body, back: s.back,
		next: &action{label: k.T("step.next"), run: func() {
			if !s.get() {
				s.msg.fail(k.T("field.consent"))
				return
			}
			if err := s.next(); err != nil {
				s.msg.fail(k.explain(err))
			}
		}}}
}

// consentVersion is the privacy notice version a person agreed to, or ""
// if they did not.
func consentVersion(agreed bool, c *campaign.Campaign) string {
	if !agreed {
		return ""
	}
	return c.Privacy.Version
}

// reviewRow is one line of a review screen: what, the value given, and
// the step that asks for it. A tap on a row with a step goes straight to
// that step, and its next comes back to the review: the one way to fix an
// answer from any review.
type reviewRow struct {
	label string     // message id
	value string     // personal values are wiped with the screen
	edit  screenKind // the step to fix it at; "" for a row that cannot change here
}

// reviewStep shows what will be sent, and sends it.
type reviewStep struct {
	k      *Kiosk
	sk     screenKind
	at     stepAt // where the rows' steps are found
	words  words
	rows   func() []reviewRow
	extra  func() fyne.CanvasObject // e.g. the signature; nil for none
	submit string                   // message id of the send button
	send   func() error             // a problem the person can fix, or nil
	back   func()

	values []*widgets.Tile // one per row, in order
	msg    message
}

func (s *reviewStep) kind() screenKind { return s.sk }

func (s *reviewStep) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.values = nil
	list := container.NewVBox()
	for _, r := range s.rows() {
		mark := widgets.NoMark
		tapped := func() {}
		if r.edit != "" {
			kind := r.edit
			mark = widgets.Arrow
			tapped = func() { s.at.f.edit(kind) }
		}
		t := k.tile(k.T(r.label), r.value, mark, false, tapped)
		s.values = append(s.values, t)
		list.Add(t)
	}
	var content fyne.CanvasObject = list
	if s.extra != nil {
		content = container.NewBorder(nil, nil, nil, container.NewVBox(s.extra()), list)
	}
	kicker, title := k.header(s.words)
	parts := []fyne.CanvasObject{}
	if s.words.help != "" {
		parts = append(parts, para(k.T(s.words.help)))
	}
	// The message sits above the rows, where it is seen without scrolling.
	parts = append(parts, s.msg)
	return &view{kicker: kicker, title: title, readAll: true,
		body: container.NewBorder(container.NewVBox(parts...), nil, nil, nil, k.scroll(content)),
		back: s.back,
		next: &action{label: k.T(s.submit), run: func() {
			if err := s.send(); err != nil {
				s.msg.fail(k.explain(err))
			}
		}}}
}
