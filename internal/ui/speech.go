package ui

import (
	"context"
	"regexp"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/speech"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Spoken guidance. Once a person turns on "Escuchar / Listen" (the top
// bar's control, or F1 or * on the keypad), every screen says what it
// shows as it opens: the step, its title, its text, and the control that
// has the focus; moving the focus says the control and its state, typing
// echoes each character, and a validation message is said as it appears.
// Leaving a screen cuts off what was being said, and the next person
// starts with speech off at the default rate and volume.
//
// A screen says what it shows, so speech never drifts from the screen:
// its kicker and title, then view.say when the screen sets it (a receipt
// code spelled), else the text labels of its body in reading order (with
// view.readAll, the tiles too: a review). Controls describe themselves
// from their labels (describe). A new flow built from the step types and
// the control factory speaks without any code of its own; see
// DEVELOPERS.md, "Spoken guidance and the keypad".

// listening is one person's speech settings.
type listening struct {
	on     bool
	rate   int // words per minute
	volume int // espeak-ng amplitude
}

func defaultListening() listening {
	return listening{rate: speech.DefaultRate, volume: speech.DefaultVolume}
}

// openSpeaker sets up the speaker once: the one given, else espeak-ng as
// the device settings say.
func (k *Kiosk) openSpeaker() {
	if k.speaker != nil {
		return
	}
	if k.cfg.Speaker != nil {
		k.speaker = k.cfg.Speaker
		return
	}
	dir := k.cfg.SpeechDir
	if dir == "" {
		var err error
		if dir, err = k.store.Setting(context.Background(), handoff.SettingSpeechDir, ""); err != nil {
			k.log.Warn("read setting", "key", handoff.SettingSpeechDir, "err", err)
		}
	}
	s, why := speech.Open(dir)
	k.log.Info("spoken guidance", "speaker", why)
	if e, ok := s.(*speech.Espeak); ok {
		e.OnError = func(err error) { k.log.Warn("speak", "err", err) }
	}
	k.speaker = s
}

// nextPerson resets spoken guidance between two people who share a
// session (a canvasser's attendees): speech stops, its audio goes, and
// the next one starts with it off, at the default rate and volume.
func (k *Kiosk) nextPerson() {
	k.speaker.Forget()
	k.sess.listen = defaultListening()
	k.sess.keypad = false
}

// say queues lines in the person's voice, when speech is on.
func (k *Kiosk) say(lines ...string) {
	l := k.sess.listen
	if !l.on {
		return
	}
	for _, s := range lines {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		k.speaker.Say(speech.Utterance{Text: s, Lang: string(k.lang()), Rate: l.rate, Volume: l.volume})
	}
}

// sayAfresh cuts off what is being said and says lines.
func (k *Kiosk) sayAfresh(lines ...string) {
	k.speaker.Stop()
	k.say(lines...)
}

// hush cuts off what is being said.
func (k *Kiosk) hush() { k.speaker.Stop() }

// announce says the screen on display, from the top, with the control
// that has the focus; messages shown while it was built come last.
func (k *Kiosk) announce() {
	held := k.heldMessages
	k.heldMessages = nil
	if !k.sess.listen.on {
		return
	}
	lines := k.screenLines(k.fr.v)
	lines = append(lines, held...)
	if f := k.win.Canvas().Focused(); f != nil {
		lines = append(lines, k.describe(f))
	}
	k.sayAfresh(lines...)
}

// sayMessage says a validation message as it appears. It is queued after
// what is being said (the character just typed): whatever started the
// action that led to it has cut off the speech before.
func (k *Kiosk) sayMessage(text string) {
	if k.rendering {
		k.heldMessages = append(k.heldMessages, text)
		return
	}
	k.say(text)
}

// screenLines is what a screen says as it opens.
func (k *Kiosk) screenLines(v *view) []string {
	if v == nil {
		return nil
	}
	lines := []string{v.kicker, v.title}
	if v.say != nil {
		return append(lines, v.say...)
	}
	lines = append(lines, readText(v.body, v.readAll)...)
	if k.cur != nil && k.cur.kind() == kindAttract {
		// A person who cannot see "touch to begin" hears the keys.
		lines = append(lines, k.T("speech.attract"))
	}
	return lines
}

// readText collects the text a person reads on o, in layout order: labels
// and plain text, not the words of controls (they speak when focused),
// nor message lines (said when they appear); with tiles, what each tile
// shows too.
func readText(o fyne.CanvasObject, tiles bool) []string {
	var out []string
	visit(o, func(o fyne.CanvasObject) bool {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *canvas.Text:
			out = append(out, w.Text)
		case *widgets.Tile:
			if tiles {
				out = append(out, tileText(w))
			}
		default:
			return true
		}
		return false
	})
	return out
}

// visit walks what a screen is made of: containers, the kiosk's scroller
// and theme overrides, down to fn's leaves; fn returns whether to look
// inside o. Hidden objects, message lines and the on-screen keyboard are
// skipped: they are not read.
func visit(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() {
		return
	}
	switch o.(type) {
	case message, *widgets.Keyboard:
		return
	}
	if !fn(o) {
		return
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			visit(c, fn)
		}
	case *widgets.Scroller:
		visit(w.Content, fn)
	case *container.ThemeOverride:
		visit(w.Content, fn)
	case *container.Scroll:
		visit(w.Content, fn)
	case *widgets.TextArea:
		// Its entry and keys are the screen's controls, its count text.
		visit(w.Content(), fn)
	}
}

// focusables are the controls a keypad reaches under o, in focus order.
func focusables(o fyne.CanvasObject) []fyne.Focusable {
	var out []fyne.Focusable
	visit(o, func(o fyne.CanvasObject) bool {
		if f, ok := o.(fyne.Focusable); ok {
			if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
				out = append(out, f)
			}
			return false
		}
		return true
	})
	return out
}

func tileText(t *widgets.Tile) string {
	text := t.Title
	if t.Detail != "" {
		text += ", " + t.Detail
	}
	// A masked voter id (PEGA••••02) is said with a pause for the hidden
	// part, not as a dozen "bullets".
	return masked.ReplaceAllString(text, " … ")
}

var masked = regexp.MustCompile(`•+`)

// describe is what a control says when it gets the focus: what it is, in
// words a person hears ("Opción 2 de 16, Iztapalapa, seleccionada").
func (k *Kiosk) describe(f fyne.Focusable) string {
	switch w := f.(type) {
	case *widgets.Tile:
		text := tileText(w)
		if i := indexOf(k.tiles, w); i >= 0 && len(k.tiles) > 1 {
			text = k.F("speech.option", i+1, len(k.tiles)) + ", " + text
		}
		switch {
		case w.Selected:
			text += ", " + k.T("speech.selected")
		case w.Mark == widgets.Check || w.Mark == widgets.Radio:
			text += ", " + k.T("speech.unselected")
		}
		return text
	case *widgets.Button:
		label := w.Text
		if label == "" {
			label = w.Spoken
		}
		if label == "" && w == k.fr.listen {
			label = k.T("frame.listen")
		}
		text := k.F("speech.button", label)
		if on, toggle := k.fr.toggled(w); toggle {
			if on {
				text += ", " + k.T("speech.on")
			} else {
				text += ", " + k.T("speech.off")
			}
		} else if w.Importance == widget.HighImportance && k.fr.inBody(w) {
			text += ", " + k.T("speech.selected")
		}
		if w.Disabled() {
			text += ", " + k.T("speech.disabled")
		}
		return text
	case *widgets.Entry:
		return k.describeEntry(w)
	}
	return ""
}

// describeEntry says what a field asks and what is in it: spelled when
// it holds an id or a number, counted when it is a PIN.
func (k *Kiosk) describeEntry(e *widgets.Entry) string {
	asked := ""
	if v := k.fr.v; v != nil {
		asked = v.title
	}
	var typed string
	switch {
	case e.Text == "":
		typed = k.T("speech.empty")
	case e.Password:
		typed = k.lang().N("speech.hidden", len([]rune(e.Text)))
	case k.fr.spells():
		typed = k.F("speech.typed", spell(e.Text))
	default:
		typed = k.F("speech.typed", e.Text)
	}
	return k.F("speech.field", asked) + ". " + typed
}

// spell reads s one character at a time: a voter id or a receipt code
// said as a word would be lost.
func spell(s string) string {
	var parts []string
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			parts = append(parts, string(r))
		}
	}
	return strings.Join(parts, ", ")
}

// echo says what one change of a field did: the character typed, or that
// one was erased. Spelled fields say digits and letters one by one anyway;
// a PIN says only that a key was taken.
func (k *Kiosk) echo(e *widgets.Entry, before, after string) {
	if !k.sess.listen.on || k.rendering {
		return
	}
	b, a := []rune(before), []rune(after)
	var line string
	switch {
	case len(a) == len(b)+1 && e.Password:
		line = k.T("speech.key")
	case len(a) == len(b)+1:
		line = k.characterName(a[len(a)-1])
	case len(a) < len(b):
		line = k.T("speech.erased")
	default:
		return
	}
	k.sayAfresh(line)
}

// characterName is how a typed character is said: a space by name, a
// capital as one (except in an id, all capitals), anything else as
// itself.
func (k *Kiosk) characterName(r rune) string {
	switch {
	case r == ' ':
		return k.T("speech.space")
	case unicode.IsUpper(r) && !k.fr.spells():
		return k.F("speech.capital", string(r))
	}
	return string(r)
}

func indexOf[T comparable](xs []T, x T) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}
