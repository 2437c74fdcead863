package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keypad operation. A physical keypad reaches the kiosk through Fyne's
// focus: Tab (and the kiosk's arrows) move it along the controls on
// screen, and keys go to the control that has it. The kiosk's controls
// (Button, Entry, Tile) hand it the keys they have no use for, and say
// when they gain the focus, through Hooks; the keys of the on-screen
// keyboard never take the focus, so moving along a typing screen does not
// walk through forty keys.

// ColorNameFocusRing is the colour of the focus outline. The kiosk's
// theme gives it a colour that meets 3:1 against every surface a control
// sits on or is filled with; other themes fall back to the foreground.
const ColorNameFocusRing fyne.ThemeColorName = "voces.focusRing"

// FocusStroke is the width of the focus outline: thick enough to find at
// a glance on a large screen, unlike Fyne's tint.
const FocusStroke = 5

// Hooks connect a focusable control to the kiosk.
type Hooks struct {
	// Focused runs when the control gains the focus.
	Focused func(fyne.Focusable)
	// Key gets a key the control does not use itself; true when it was
	// handled.
	Key func(*fyne.KeyEvent) bool
	// Rune gets a typed character first; true when it was handled and
	// must not be typed.
	Rune func(rune) bool
}

func (h *Hooks) focused(f fyne.Focusable) {
	if h != nil && h.Focused != nil {
		h.Focused(f)
	}
}

func (h *Hooks) key(e *fyne.KeyEvent) bool { return h != nil && h.Key != nil && h.Key(e) }

func (h *Hooks) rune(r rune) bool { return h != nil && h.Rune != nil && h.Rune(r) }

// activates reports whether a key chooses the focused control.
func activates(e *fyne.KeyEvent) bool {
	return e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter || e.Name == fyne.KeySpace
}

// FocusInner is the width of the focus outline's inner band, in the
// background colour: against a surface the outer band matches (a chosen
// tile, the primary button, Fyne's own focus tint) the inner one stands
// out, so the outline always has a band that meets 3:1.
const FocusInner = 2

// ring is the focus outline drawn over a control's edge: an outer band
// in ColorNameFocusRing and an inner one in the background colour.
type ring struct {
	outer, inner *canvas.Rectangle
}

func newRing() *ring {
	r := &ring{outer: canvas.NewRectangle(color.Transparent), inner: canvas.NewRectangle(color.Transparent)}
	r.outer.StrokeWidth = FocusStroke
	r.outer.CornerRadius = 10
	r.inner.StrokeWidth = FocusInner
	r.inner.CornerRadius = 6
	r.outer.Hide()
	r.inner.Hide()
	return r
}

func (r *ring) layout(s fyne.Size) {
	r.outer.Move(fyne.NewPos(0, 0))
	r.outer.Resize(s)
	r.inner.Move(fyne.NewPos(FocusStroke, FocusStroke))
	r.inner.Resize(s.SubtractWidthHeight(2*FocusStroke, 2*FocusStroke))
}

func (r *ring) refresh(focused bool) {
	r.outer.StrokeColor = theme.Color(ColorNameFocusRing)
	r.inner.StrokeColor = theme.Color(theme.ColorNameBackground)
	r.outer.Hidden, r.inner.Hidden = !focused, !focused
	r.outer.Refresh()
	r.inner.Refresh()
}

func (r *ring) objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.outer, r.inner} }

// ringed adds the focus outline to a widget's own renderer.
type ringed struct {
	fyne.WidgetRenderer
	ring    *ring
	focused func() bool
}

func (r *ringed) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.layout(s)
}

func (r *ringed) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.refresh(r.focused())
}

func (r *ringed) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring.objects()...)
}

// Button is a Fyne button that a keypad can use: Enter chooses it as well
// as Space, other keys go to its Hooks, and it draws the focus outline.
type Button struct {
	widget.Button
	Hooks *Hooks
	// Spoken is what speech calls a button that shows an icon only (the
	// text area's cursor arrows); a labelled button is called by its label.
	Spoken  string
	focused bool
}

// NewButton returns a button with a label, an optional icon and hooks.
func NewButton(label string, icon fyne.Resource, tapped func(), h *Hooks) *Button {
	b := &Button{Hooks: h}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	return &ringed{WidgetRenderer: b.Button.CreateRenderer(), ring: newRing(), focused: func() bool { return b.focused }}
}

// FocusGained implements fyne.Focusable.
func (b *Button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	b.Hooks.focused(b)
}

// FocusLost implements fyne.Focusable.
func (b *Button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// HasFocus reports whether the button has the focus.
func (b *Button) HasFocus() bool { return b.focused }

// TypedKey implements fyne.Focusable.
func (b *Button) TypedKey(e *fyne.KeyEvent) {
	if activates(e) {
		if !b.Disabled() {
			b.Tapped(nil)
		}
		return
	}
	b.Hooks.key(e)
}

// TypedRune implements fyne.Focusable.
func (b *Button) TypedRune(r rune) { b.Hooks.rune(r) }

// Entry is a Fyne entry whose keys go to its Hooks first (keys for the
// kiosk: listen, start over, moving on), and which draws the focus
// outline.
type Entry struct {
	widget.Entry
	Hooks *Hooks
	// OnShortcut gets a shortcut (a key with Control, say) before Fyne's
	// entry does; true when it was handled. Fyne's entry has no
	// Ctrl+Backspace, and the text area gives it one.
	OnShortcut func(fyne.Shortcut) bool
	focused    bool
}

// NewEntry returns an entry, on several lines when multiLine.
func NewEntry(multiLine bool, h *Hooks) *Entry {
	e := &Entry{Hooks: h}
	e.MultiLine = multiLine
	e.Wrapping = fyne.TextWrapOff
	e.ExtendBaseWidget(e)
	return e
}

// CreateRenderer implements fyne.Widget.
func (e *Entry) CreateRenderer() fyne.WidgetRenderer {
	return &ringed{WidgetRenderer: e.Entry.CreateRenderer(), ring: newRing(), focused: func() bool { return e.focused }}
}

// FocusGained implements fyne.Focusable.
func (e *Entry) FocusGained() {
	e.focused = true
	e.Entry.FocusGained()
	e.Hooks.focused(e)
}

// FocusLost implements fyne.Focusable.
func (e *Entry) FocusLost() {
	e.focused = false
	e.Entry.FocusLost()
}

// HasFocus reports whether the entry has the focus.
func (e *Entry) HasFocus() bool { return e.focused }

// TypedKey implements fyne.Focusable. Only a focused entry asks its
// hooks: the on-screen keyboard types into it directly, and its keys are
// all meant for the field.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	if e.focused && e.Hooks.key(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// TypedRune implements fyne.Focusable.
func (e *Entry) TypedRune(r rune) {
	if e.focused && e.Hooks.rune(r) {
		return
	}
	e.Entry.TypedRune(r)
}

// TypedShortcut implements fyne.Shortcutable.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if e.OnShortcut != nil && e.OnShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// keyCap is a key of the on-screen keyboard: a button for fingers that
// never takes the focus.
type keyCap struct {
	widget.Button
	// FocusGained, a field, hides the button's method of that name, so a
	// keyCap is not a fyne.Focusable and Fyne's focus skips it: a keypad
	// user types on the physical keys, and moving along the screen must
	// not pass through every on-screen one.
	FocusGained struct{}
}

func newKeyCap(label string, icon fyne.Resource, tapped func()) *keyCap {
	k := &keyCap{}
	k.Text, k.Icon, k.OnTapped = label, icon, tapped
	k.ExtendBaseWidget(k)
	return k
}
