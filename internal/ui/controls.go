package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// The control factory: every control a screen shows is made here, in the
// kiosk's look, and every input control is registered with the kiosk's
// wipers, so it is emptied when its screen goes away.

// entry makes a text field showing value; set receives every change.
func (k *Kiosk) entry(value, placeholder string, multiLine bool, set func(string)) *widgets.Entry {
	e := widgets.NewEntry(multiLine, k.hooks)
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
		// Two rows: with the keyboard under it, three would not leave the
		// question room on a 600-high screen in large text.
		e.SetMinRowsVisible(2)
	} else {
		// One line scrolls sideways only: Fyne's default also scrolls up
		// and down, and shows a thin scroll bar when large text is taller
		// than the field.
		e.Wrapping = fyne.TextWrapOff
		e.Scroll = container.ScrollHorizontalOnly
	}
	e.SetPlaceHolder(placeholder)
	e.SetText(value)
	typed := value
	e.OnChanged = func(s string) {
		k.Touch()
		// The character is said before what it changes (a validation
		// message), which is queued after it.
		k.echo(e, typed, s)
		typed = s
		set(s)
	}
	e.OnSubmitted = func(string) {
		k.hush()
		k.fr.primary()
	}
	k.addWiper(func() {
		e.OnChanged = nil
		e.OnSubmitted = nil
		typed = ""
		e.SetText("")
	})
	return e
}

// cursorToEnd puts e's cursor after its last character. A person coming
// back to an answer (from the review, or after a language switch) goes on
// typing or erasing at its end, as on a phone; Fyne would put the cursor
// at the start, where the on-screen Borrar deletes nothing. It runs once
// the screen is laid out, since a wrapped field's rows depend on its width.
func cursorToEnd(e *widgets.Entry) {
	// Straight to Fyne's entry: through the kiosk's, Page Down is "go on".
	e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
}

// keyboard makes an on-screen keyboard typing into target.
func (k *Kiosk) keyboard(l widgets.KeyLayout, target *widgets.Entry) *widgets.Keyboard {
	kb := widgets.NewKeyboard(l, widgets.KeyLabels{
		Shift:     k.T("key.shift"),
		Space:     k.T("key.space"),
		Backspace: k.T("key.backspace"),
		Symbols:   k.T("key.symbols"),
		Letters:   k.T("key.letters"),
	})
	kb.SetTarget(target)
	kb.OnKey = func() {
		k.Touch()
		// Give the field its cursor back after a tap on a key took it.
		if c := k.win.Canvas(); c.Focused() != target {
			c.Focus(target)
		}
	}
	k.addWiper(func() { kb.SetTarget(nil) })
	return kb
}

// tile makes a large selectable card. Tiles are the screen's options, in
// the order made: digit n on the keypad chooses the n-th, and speech
// numbers them ("option 2 of 16").
func (k *Kiosk) tile(title, detail string, mark widgets.Mark, selected bool, tapped func()) *widgets.Tile {
	var t *widgets.Tile
	t = widgets.NewTile(title, detail, mark, func() {
		k.Touch()
		k.hush()
		shown := k.renders
		tapped()
		if k.renders == shown {
			// Still on this screen: say what the choice did.
			k.say(k.describe(t))
		}
	})
	t.Selected = selected
	t.Hooks = k.hooks
	k.tiles = append(k.tiles, t)
	k.addWiper(func() {
		t.OnTapped = nil
		t.Title, t.Detail, t.Selected = "", "", false
		t.Refresh()
	})
	return t
}

// signaturePad makes a signature pad bound to *sig: it shows what was
// drawn before, and every stroke, undo or clear updates *sig (nil when
// empty) and clears msg.
func (k *Kiosk) signaturePad(msg message, sig **stroke.Signature) *widgets.Pad {
	p := widgets.NewPad(k.T("sign.pad.hint"))
	p.Now = k.now
	p.SetSignature(*sig)
	p.OnChanged = func() {
		k.Touch()
		msg.clear()
		if p.Empty() {
			*sig = nil
		} else {
			*sig = p.Signature()
		}
	}
	k.addWiper(func() {
		p.OnChanged = nil
		p.Clear()
	})
	return p
}

// button makes a button of touch size that marks input when tapped.
func (k *Kiosk) button(label string, icon fyne.Resource, tapped func()) *widgets.Button {
	var b *widgets.Button
	b = widgets.NewButton(label, icon, func() {
		k.Touch()
		k.hush()
		shown := k.renders
		tapped()
		if k.renders == shown && k.win.Canvas().Focused() == b {
			k.say(k.describe(b))
		}
	}, k.hooks)
	return b
}

// para is body text that wraps.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// subheading is a wrapped, bold, larger line.
func subheading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameSubHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// caption is small secondary text.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// message is the line under a field that says what is wrong, or what is
// right; it is empty until there is something to say.
type message struct {
	*widget.Label
	k *Kiosk // says problems and confirmations aloud
}

func (k *Kiosk) newMessage() message {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Bold: true}
	// Hidden while empty, so it takes no room from the screen until it
	// has something to say.
	l.Hide()
	return message{Label: l, k: k}
}

// fail shows a problem in the error colour.
func (m message) fail(text string) { m.say(widget.DangerImportance, text) }

// ok shows a confirmation in the success colour.
func (m message) ok(text string) { m.say(widget.SuccessImportance, text) }

// note shows neutral guidance.
func (m message) note(text string) { m.say(widget.MediumImportance, text) }

func (m message) say(imp widget.Importance, text string) {
	m.Importance = imp
	m.SetText(text)
	m.Show()
	// Guidance (how many characters are left) is on screen for whoever
	// glances at it; a problem or a confirmation is said.
	if m.k != nil && imp != widget.MediumImportance {
		m.k.sayMessage(text)
	}
}

// clear empties the line.
func (m message) clear() {
	m.SetText("")
	m.Hide()
}

// fieldBox is an entry with its message line under it, and a character
// count at its right when count is not nil: beside the field rather than
// under it, so it takes no height from the question above the keyboard.
func fieldBox(e *widgets.Entry, m message, count *widget.Label) fyne.CanvasObject {
	row := field(e)
	if count != nil {
		count.Wrapping = fyne.TextWrapOff // a number: it must not be squeezed
		row = container.NewBorder(nil, nil, nil, container.NewCenter(count), row)
	}
	return container.NewVBox(row, m)
}

// fieldHeight is the height of a one-line field: above the touch target,
// with room for large text and the PIN field's reveal icon, so the field
// never has to scroll inside itself.
const fieldHeight = TouchTarget + 8

// field wraps an entry so it is comfortably tall.
func field(e *widgets.Entry) fyne.CanvasObject {
	return widgets.AtLeast(e, fyne.NewSize(TouchTarget, fieldHeight))
}

// scroll makes long content scroll vertically under a finger, and marks
// input when it does: someone reading a long article is there.
func (k *Kiosk) scroll(o fyne.CanvasObject) *widgets.Scroller {
	// Keep the content clear of the scroll indicator and of the clip at
	// the edges, where tile borders would be cut.
	s := widgets.NewScroller(container.New(layout.NewCustomPaddedLayout(2, 2, 2, 16), o))
	s.OnScrolled = k.Touch
	return s
}

// grid lays tiles in n columns.
func grid(n int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.NewGridWithColumns(n, objs...)
}
