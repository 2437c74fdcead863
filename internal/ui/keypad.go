package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/voces-cdmx/voces/internal/speech"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Keypad operation: every flow can be completed with a physical keyboard
// or keypad alone. The focus is Fyne's (Tab and Shift+Tab move it as on
// any desktop); the kiosk's controls hand the keys they do not use to
// key and typedRune below, which is also where keys land when no control
// has the focus. The keymap is documented in docs/keypad.md.
//
//	Tab, ↓ (→ outside a field)      next control
//	Shift+Tab, ↑ (← outside a field) previous control
//	Enter or Space                  choose the control with the focus; in a field, go on
//	# or Page Down                  go on: the screen's next (or send) button
//	Page Up                         back
//	1 to 9                          choose option n (outside a field)
//	F1 or *                         Escuchar / Listen: speech on or off
//	F2                              say the screen again
//	Escape or F3                    stop speaking
//	F4, F5                          slower, faster
//	F6, F7                          softer, louder
//	F12                             start over

// hooks are what every control the factory makes hands its keys and focus
// to.
func (k *Kiosk) newHooks() *widgets.Hooks {
	return &widgets.Hooks{Focused: k.focusMoved, Key: k.key, Rune: k.typedRune}
}

// focusMoved says the control that gained the focus and scrolls it into
// view. While a screen is being put up the announcement says it instead.
func (k *Kiosk) focusMoved(f fyne.Focusable) {
	if k.rendering || k.quietFocus {
		return
	}
	k.reveal(f)
	k.sayAfresh(k.describe(f))
}

// focusQuietly gives f the focus without saying it: the caller says
// something better.
func (k *Kiosk) focusQuietly(f fyne.Focusable) {
	k.quietFocus = true
	defer func() { k.quietFocus = false }()
	k.win.Canvas().Focus(f)
	k.reveal(f)
}

// key handles a key no control used; it reports whether it did anything.
func (k *Kiosk) key(e *fyne.KeyEvent) bool {
	k.Touch()
	k.sess.keypad = true
	c := k.win.Canvas()
	if k.fr.promptShown() {
		return k.keyOnPromptKey(e)
	}
	if k.speechKey(e) {
		return true
	}
	entry, inEntry := c.Focused().(*widgets.Entry)
	switch e.Name {
	case fyne.KeyF12:
		k.StartOver()
	case fyne.KeyDown, fyne.KeyTab:
		if inEntry && entry.MultiLine && e.Name == fyne.KeyDown {
			return false
		}
		k.moveFocus(1)
	case fyne.KeyUp:
		if inEntry && entry.MultiLine {
			return false
		}
		k.moveFocus(-1)
	case fyne.KeyRight, fyne.KeyLeft:
		if inEntry {
			return false
		}
		if e.Name == fyne.KeyRight {
			k.moveFocus(1)
		} else {
			k.moveFocus(-1)
		}
	case fyne.KeyPageDown:
		k.hush()
		k.fr.primary()
	case fyne.KeyPageUp:
		if b := k.fr.back; b != nil {
			b.Tapped(nil)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if inEntry && entry.MultiLine {
			// The on-screen keyboard has no new line either: Enter goes
			// on, as in a one-line field.
			k.hush()
			k.fr.primary()
			return true
		}
		if inEntry {
			return false
		}
		if k.cur != nil && k.cur.kind() == kindAttract {
			k.show(&languageScreen{k: k})
			return true
		}
		k.hush()
		k.fr.primary()
	case fyne.KeyBackspace:
		if inEntry {
			return false
		}
		if kb := k.fr.keyboard; kb != nil {
			kb.Backspace()
		}
	default:
		return false
	}
	return true
}

// speechKey handles the keys of spoken guidance, on any screen and over
// a prompt.
func (k *Kiosk) speechKey(e *fyne.KeyEvent) bool {
	l := &k.sess.listen
	switch e.Name {
	case fyne.KeyF1:
		k.ToggleListen()
	case fyne.KeyF2:
		k.repeat()
	case fyne.KeyEscape, fyne.KeyF3:
		k.hush()
	case fyne.KeyF4:
		l.rate = max(l.rate-speech.RateStep, speech.MinRate)
		k.sayAfresh(k.T("speech.slower"))
	case fyne.KeyF5:
		l.rate = min(l.rate+speech.RateStep, speech.MaxRate)
		k.sayAfresh(k.T("speech.faster"))
	case fyne.KeyF6:
		l.volume = max(l.volume-speech.VolumeStep, speech.MinVolume)
		k.sayAfresh(k.T("speech.softer"))
	case fyne.KeyF7:
		l.volume = min(l.volume+speech.VolumeStep, speech.MaxVolume)
		k.sayAfresh(k.T("speech.louder"))
	default:
		return false
	}
	return true
}

// typedRune handles a character no field took: * is Listen, a digit
// chooses an option, and anything else types into the screen's field.
func (k *Kiosk) typedRune(r rune) bool {
	k.Touch()
	k.sess.keypad = true
	if k.fr.promptShown() {
		k.dismissIdle()
		return true
	}
	c := k.win.Canvas()
	_, inEntry := c.Focused().(*widgets.Entry)
	freeText := inEntry && (k.fr.keyboard == nil || k.fr.keyboard.Layout() == widgets.Text)
	switch {
	case r == '*' && !freeText:
		k.ToggleListen()
		return true
	case r == '#' && !freeText:
		k.hush()
		k.fr.primary()
		return true
	case inEntry:
		return false
	case r >= '1' && r <= '9':
		if k.chooseOption(int(r - '0')) {
			return true
		}
	}
	if kb := k.fr.keyboard; kb != nil && kb.Target() != nil {
		kb.Press(r)
		return true
	}
	return false
}

// chooseOption picks the n-th option on screen: the button labelled n (a
// scale), else the n-th tile.
func (k *Kiosk) chooseOption(n int) bool {
	label := strconv.Itoa(n)
	for _, f := range focusables(k.fr.page) {
		if b, ok := f.(*widgets.Button); ok && b.Text == label {
			k.focusQuietly(b)
			b.Tapped(nil)
			return true
		}
	}
	if n > len(k.tiles) {
		return false
	}
	t := k.tiles[n-1]
	k.focusQuietly(t)
	t.Tapped(nil)
	return true
}

// moveFocus moves the focus by step along the controls on screen (or on
// the prompt covering it): the screen's own first, then the bottom bar
// (back, next), then the top bar, round and round.
func (k *Kiosk) moveFocus(step int) {
	c := k.win.Canvas()
	var all []fyne.Focusable
	if k.fr.promptShown() {
		all = focusables(k.fr.prompt)
	} else {
		all = focusables(k.fr.body)
		all = append(all, focusables(k.fr.bottomBar)...)
		all = append(all, focusables(k.fr.topBarBox)...)
	}
	if len(all) == 0 {
		return
	}
	i := indexOf(all, c.Focused())
	switch {
	case i < 0:
		i = 0
		if step < 0 {
			i = len(all) - 1
		}
	default:
		i = (i + step + len(all)) % len(all)
	}
	c.Focus(all[i])
}

// keyOnPromptKey handles a key over a prompt: the speech keys work, the
// arrows and Tab move between its buttons, and over "are you still
// there?" any other key is the person saying they are.
func (k *Kiosk) keyOnPromptKey(e *fyne.KeyEvent) bool {
	if k.speechKey(e) {
		return true
	}
	if k.dismissIdle() {
		return true
	}
	switch e.Name {
	case fyne.KeyDown, fyne.KeyRight, fyne.KeyTab:
		k.moveFocus(1)
	case fyne.KeyUp, fyne.KeyLeft:
		k.moveFocus(-1)
	}
	return true
}

// dismissIdle takes "are you still there?" away, if it is up.
func (k *Kiosk) dismissIdle() bool {
	if k.promptEnd.IsZero() {
		return false
	}
	k.promptEnd = time.Time{}
	k.fr.hidePrompt()
	k.announce()
	return true
}

// reveal scrolls the kiosk's scroller holding o so that o is in view.
func (k *Kiosk) reveal(f fyne.Focusable) {
	o, ok := f.(fyne.CanvasObject)
	if !ok {
		return
	}
	var path []fyne.CanvasObject
	var find func(n fyne.CanvasObject) bool
	find = func(n fyne.CanvasObject) bool {
		path = append(path, n)
		if n == o {
			return true
		}
		var kids []fyne.CanvasObject
		switch w := n.(type) {
		case *fyne.Container:
			kids = w.Objects
		case *widgets.Scroller:
			kids = []fyne.CanvasObject{w.Content}
		case *container.ThemeOverride:
			kids = []fyne.CanvasObject{w.Content}
		case *widgets.TextArea:
			kids = []fyne.CanvasObject{w.Content()}
		}
		for _, c := range kids {
			if find(c) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !find(k.fr.page) {
		return
	}
	// The nearest scroller above o, and o's top within its content.
	for i := len(path) - 2; i >= 0; i-- {
		s, ok := path[i].(*widgets.Scroller)
		if !ok {
			continue
		}
		// path[i+1] is the scroller's content, moved up by the offset.
		var y float32
		for _, n := range path[i+2:] {
			y += n.Position().Y
		}
		h := o.Size().Height
		switch {
		case y < s.Offset():
			s.ScrollTo(y)
		case y+h > s.Offset()+s.Size().Height:
			s.ScrollTo(y + h - s.Size().Height)
		}
		return
	}
}

// ToggleListen turns spoken guidance on or off for this person.
func (k *Kiosk) ToggleListen() {
	k.Touch()
	l := &k.sess.listen
	l.on = !l.on
	k.fr.refreshListen()
	if !l.on {
		k.hush()
		return
	}
	if k.fr.promptShown() {
		k.announcePrompt()
		return
	}
	k.announce()
}

// repeat says the screen (or the prompt) again from the top.
func (k *Kiosk) repeat() {
	if k.fr.promptShown() {
		k.announcePrompt()
		return
	}
	k.announce()
}
