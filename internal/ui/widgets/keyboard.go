package widgets

import (
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// KeyLayout is a set of keys for one kind of input.
type KeyLayout int

// Layouts of the on-screen keyboard.
const (
	// Text is Spanish QWERTY with ñ, the accented vowels and ü as keys of
	// their own (nobody should have to learn dead keys at a kiosk), shift,
	// space and the punctuation of names and e-mail addresses, with a
	// second page of digits and symbols.
	Text KeyLayout = iota
	// ID is upper-case letters with Ñ and the digits: the characters of a
	// CURP or an INE clave de elector, and nothing else.
	ID
	// Digits is a phone-style keypad for numbers and PINs.
	Digits
)

// Target receives what the keyboard types. *widget.Entry is one.
type Target interface {
	TypedRune(rune)
	TypedKey(*fyne.KeyEvent)
}

// KeyLabels are the words on the keys that are not characters, in the
// language on screen.
type KeyLabels struct {
	Shift, Space, Backspace string
	Symbols, Letters        string // switch the Text layout to digits and back
}

// KeyHeight is the height of a key: the touch minimum. Keys are wide
// instead (up to maxKeyWidth). Only on a short display (1024×600), laid
// out in less than its minimum height, do the keys give up height, down to
// KeyMinHeight, before the question above them is squeezed out of view:
// 44 px there is still about 9.5 mm on a 10" panel, the usual floor for
// public touchscreens.
const (
	KeyHeight    = TouchMin
	KeyMinHeight = 44
)

// CompactHeight is the keyboard's height with keys of KeyMinHeight, the
// least a layout that knows the screen is short may give it; its minimum
// size has keys of KeyHeight.
func (k *Keyboard) CompactHeight() float32 {
	return k.box.Layout.(*boardLayout).height(KeyMinHeight)
}

// Keyboard is an on-screen keyboard that types into a Target. It never
// takes the focus: a physical keyboard keeps working alongside it, and the
// entry it types into keeps its cursor.
type Keyboard struct {
	widget.BaseWidget

	// OnKey runs after every key press, so the kiosk knows someone is there.
	OnKey func()

	target  Target       // where keys go; nil types nowhere
	layout  KeyLayout    // current key set
	labels  KeyLabels    // words on special keys
	shift   bool         // next letter upper case (one-shot, as on phones)
	symbols bool         // Text layout showing its digits and symbols page
	letters []*letterKey // keys whose label follows shift
	shiftBt *keyCap      // highlighted while shift is on
	spaceBt *keyCap      // the space bar
	box     *fyne.Container
}

// letterKey is a key that types a character.
type letterKey struct {
	r   rune
	btn *keyCap
}

// NewKeyboard returns a keyboard with the given layout and key labels.
func NewKeyboard(l KeyLayout, labels KeyLabels) *Keyboard {
	k := &Keyboard{layout: l, labels: labels, box: &fyne.Container{Layout: &boardLayout{}}}
	k.ExtendBaseWidget(k)
	k.build()
	return k
}

// SetTarget directs typing to t.
func (k *Keyboard) SetTarget(t Target) { k.target = t }

// Target is where typing goes now.
func (k *Keyboard) Target() Target { return k.target }

// Layout is the key set shown.
func (k *Keyboard) Layout() KeyLayout { return k.layout }

// SetLayout switches to another key set; shift is released.
func (k *Keyboard) SetLayout(l KeyLayout) {
	if l == k.layout {
		return
	}
	k.layout = l
	k.shift = false
	k.symbols = false
	k.build()
	k.box.Refresh()
}

// ShowSymbols switches the Text layout between its letters and its page
// of digits and symbols, as phone keyboards do: four rows instead of five
// leave room on screen for the question being answered.
func (k *Keyboard) ShowSymbols(on bool) {
	if k.layout != Text || k.symbols == on {
		return
	}
	k.symbols = on
	k.shift = false
	k.build()
	k.box.Refresh()
	k.pressed()
}

// Symbols reports whether the digits and symbols page is shown.
func (k *Keyboard) Symbols() bool { return k.symbols }

// Shifted reports whether the next letter will be upper case.
func (k *Keyboard) Shifted() bool { return k.shift }

// Press types r as if its key were tapped, for tests and for callers that
// drive the keyboard by character.
func (k *Keyboard) Press(r rune) {
	if k.target != nil {
		k.target.TypedRune(r)
	}
	k.pressed()
}

// Backspace deletes the character before the cursor of the target.
func (k *Keyboard) Backspace() {
	if k.target != nil {
		k.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	k.pressed()
}

// ToggleShift switches the case of the next letter.
func (k *Keyboard) ToggleShift() {
	k.shift = !k.shift
	k.relabel()
	k.pressed()
}

// Key returns the button that types r in the current layout and case, or
// nil; tests tap it like a person would.
func (k *Keyboard) Key(r rune) *widget.Button {
	if r == ' ' {
		if k.spaceBt == nil {
			return nil
		}
		return &k.spaceBt.Button
	}
	for _, lk := range k.letters {
		if k.caseOf(lk.r) == r {
			return &lk.btn.Button
		}
	}
	return nil
}

func (k *Keyboard) pressed() {
	if k.OnKey != nil {
		k.OnKey()
	}
}

func (k *Keyboard) caseOf(r rune) rune {
	if k.shift {
		return unicode.ToUpper(r)
	}
	return r
}

func (k *Keyboard) tap(r rune) {
	k.Press(k.caseOf(r))
	if k.shift {
		k.shift = false
		k.relabel()
	}
}

func (k *Keyboard) relabel() {
	for _, lk := range k.letters {
		lk.btn.SetText(string(k.caseOf(lk.r)))
	}
	if k.shiftBt != nil {
		if k.shift {
			k.shiftBt.Importance = widget.HighImportance
		} else {
			k.shiftBt.Importance = widget.MediumImportance
		}
		k.shiftBt.Refresh()
	}
}

// A row is keys with widths in units of a letter key.
type keySpec struct {
	r      rune    // character typed; 0 for a special key
	kind   int     // one of the special key kinds
	weight float32 // width in letter keys
}

const (
	keyChar = iota
	keyShift
	keySpace
	keyBackspace
	keySymbols // to the digits and symbols page
	keyLetters // back to the letters
)

func chars(s string) []keySpec {
	out := make([]keySpec, 0, len(s))
	for _, r := range s {
		out = append(out, keySpec{r: r, weight: 1})
	}
	return out
}

func rowsFor(l KeyLayout, symbols bool) [][]keySpec {
	bs := func(w float32) keySpec { return keySpec{kind: keyBackspace, weight: w} }
	switch {
	case l == ID:
		return [][]keySpec{
			chars("1234567890"),
			chars("QWERTYUIOP"),
			chars("ASDFGHJKLÑ"),
			append(chars("ZXCVBNM"), bs(3)),
		}
	case l == Digits:
		return [][]keySpec{
			chars("123"),
			chars("456"),
			chars("789"),
			append(chars("0"), bs(2)),
		}
	case symbols:
		return [][]keySpec{
			append(chars("1234567890"), bs(2)),
			chars("@#$%&*()/+:"),
			chars(".,;¿?¡!'\"_"),
			{{kind: keyLetters, weight: 2}, {kind: keySpace, weight: 6}, {r: '-', weight: 1}, {r: '.', weight: 1}},
		}
	}
	return [][]keySpec{
		append(chars("qwertyuiopá"), bs(2.25)),
		chars("asdfghjklñé"),
		append([]keySpec{{kind: keyShift, weight: 1.5}}, chars("zxcvbnmíóú")...),
		{{kind: keySymbols, weight: 1.5}, {r: 'ü', weight: 1}, {r: '@', weight: 1}, {r: ',', weight: 1},
			{kind: keySpace, weight: 4.5}, {r: '.', weight: 1}, {r: '-', weight: 1}, {r: '?', weight: 1}},
	}
}

func (k *Keyboard) build() {
	k.letters = nil
	k.shiftBt, k.spaceBt = nil, nil
	board := &boardLayout{}
	var objs []fyne.CanvasObject
	for _, specs := range rowsFor(k.layout, k.symbols) {
		var weights []float32
		for _, s := range specs {
			var b *keyCap
			switch s.kind {
			case keyChar:
				r := s.r
				b = newKeyCap(string(r), nil, func() { k.tap(r) })
				k.letters = append(k.letters, &letterKey{r: r, btn: b})
			case keyShift:
				b = newKeyCap(k.labels.Shift, nil, k.ToggleShift)
				k.shiftBt = b
			case keySpace:
				b = newKeyCap(k.labels.Space, nil, func() { k.Press(' ') })
				k.spaceBt = b
			case keyBackspace:
				b = newKeyCap(k.labels.Backspace, theme.NavigateBackIcon(), k.Backspace)
			case keySymbols:
				b = newKeyCap(k.labels.Symbols, nil, func() { k.ShowSymbols(true) })
			case keyLetters:
				b = newKeyCap(k.labels.Letters, nil, func() { k.ShowSymbols(false) })
			}
			weights = append(weights, s.weight)
			objs = append(objs, b)
		}
		board.rows = append(board.rows, weights)
	}
	k.box.Layout = board
	k.box.Objects = objs
	k.relabel()
}

// CreateRenderer implements fyne.Widget.
func (k *Keyboard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.box)
}

// boardLayout lays out the keys row by row. Every row uses the same key
// width, the one the widest row allows, so columns line up as on a real
// keyboard; rows narrower than the board are centred.
type boardLayout struct {
	rows [][]float32 // width of each key, in letter keys
}

// maxKeyWidth keeps keys a comfortable size on wide screens, where
// stretching them would put letters far apart.
const maxKeyWidth = 110

func total(ws []float32) float32 {
	var t float32
	for _, w := range ws {
		t += w
	}
	return t
}

func (b *boardLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := theme.Padding()
	unit := float32(maxKeyWidth)
	for _, ws := range b.rows {
		unit = min(unit, (size.Width-gap*float32(len(ws)-1))/total(ws))
	}
	keyH := float32(KeyHeight)
	if n := float32(len(b.rows)); n > 0 {
		keyH = max(min(keyH, (size.Height-(n-1)*gap)/n), KeyMinHeight)
	}
	i, y := 0, float32(0)
	for _, ws := range b.rows {
		used := unit*total(ws) + gap*float32(len(ws)-1)
		x := (size.Width - used) / 2
		for _, w := range ws {
			if i >= len(objs) {
				return
			}
			objs[i].Move(fyne.NewPos(x, y))
			objs[i].Resize(fyne.NewSize(unit*w, keyH))
			x += unit*w + gap
			i++
		}
		y += keyH + gap
	}
}

// height is the height of the board with keys keyH tall.
func (b *boardLayout) height(keyH float32) float32 {
	n := float32(len(b.rows))
	return n*keyH + max(n-1, 0)*theme.Padding()
}

// MinSize is wide enough for every key's label: with large text, a key
// narrower than its word would cut it off.
func (b *boardLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	gap := theme.Padding()
	unit := float32(TouchMin)
	i := 0
	for _, ws := range b.rows {
		for _, w := range ws {
			if i < len(objs) {
				unit = max(unit, objs[i].MinSize().Width/w)
			}
			i++
		}
	}
	var w float32
	for _, ws := range b.rows {
		w = max(w, total(ws)*unit+gap*float32(len(ws)-1))
	}
	return fyne.NewSize(w, b.height(KeyHeight))
}

// TouchMin is the smallest side of a tap target, in Fyne units.
const TouchMin = 64
