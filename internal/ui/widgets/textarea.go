package widgets

import (
	"math"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TextArea is a multi-line entry made for a page of text typed on the
// on-screen keyboard: it grows with its text from MinRows to MaxRows rows
// (then scrolls inside itself), and beside it are what a keyboard without
// arrow keys lacks: the cursor one character left or right, and deleting
// the word before the cursor. Tapping in the text moves the cursor there,
// as in any entry. The entry is the caller's, so whatever empties it when
// its screen goes away keeps doing so.
//
// The buttons are the kiosk's focusable ones, so a keypad reaches them and
// speech names them; on a physical keyboard the arrows move the cursor
// inside the text (the entry's own keys) and Ctrl+Backspace deletes the
// word before it, as in any editor.
type TextArea struct {
	widget.BaseWidget

	Entry            *Entry
	MinRows, MaxRows int

	// OnAction runs after each of the area's own buttons and after
	// Ctrl+Backspace, so the caller knows someone is there and can give the
	// entry its cursor back (or, when a keypad chose the button, say what
	// it did).
	OnAction func()
	// OnGrow runs when the area changed its number of rows while the
	// text was edited, for the caller to lay the screen out again.
	OnGrow func()

	Left, Right, DeleteWord *Button

	rows  int     // rows the entry shows now
	width float32 // the entry's width at the last layout
	box   *fyne.Container
}

// TextAreaLabels are the words of the area's buttons, in the language on
// screen: the cursor keys show arrows only, and Left and Right are what
// speech calls them. Hooks are the kiosk's, for the buttons' keys and
// focus.
type TextAreaLabels struct {
	Left, Right, DeleteWord string
	Hooks                   *Hooks
}

// NewTextArea puts e (a multi-line entry) in a text area, with count (a
// character count, or nil) above its buttons. It takes over e's
// OnChanged, calling the one e had first. It grows to four rows: at
// 1280×800 a fifth pushes the question's help out of view.
func NewTextArea(e *Entry, count fyne.CanvasObject, labels TextAreaLabels) *TextArea {
	a := &TextArea{Entry: e, MinRows: 2, MaxRows: 4}
	a.ExtendBaseWidget(a)
	prev := e.OnChanged
	e.OnChanged = func(s string) {
		if prev != nil {
			prev(s)
		}
		if a.fit() && a.OnGrow != nil {
			a.OnGrow()
		}
	}
	a.Left = NewButton("", theme.NavigateBackIcon(), func() { a.act(a.CursorLeft) }, labels.Hooks)
	a.Left.Spoken = labels.Left
	a.Right = NewButton("", theme.NavigateNextIcon(), func() { a.act(a.CursorRight) }, labels.Hooks)
	a.Right.Spoken = labels.Right
	a.DeleteWord = NewButton(labels.DeleteWord, theme.ContentClearIcon(), func() { a.act(a.DeleteWordBack) }, labels.Hooks)
	e.OnShortcut = func(s fyne.Shortcut) bool {
		if c, ok := s.(*desktop.CustomShortcut); ok && c.KeyName == fyne.KeyBackspace && c.Modifier == fyne.KeyModifierShortcutDefault {
			a.act(a.DeleteWordBack)
			return true
		}
		return false
	}
	square := fyne.NewSize(TouchMin, TouchMin)
	keys := container.NewHBox(AtLeast(a.Left, square), AtLeast(a.Right, square), AtLeast(a.DeleteWord, square))
	side := container.NewVBox(keys)
	if count != nil {
		side = container.NewVBox(container.NewCenter(count), keys)
	}
	a.box = container.New(&areaLayout{a: a}, e, side)
	a.rows = a.MinRows
	e.SetMinRowsVisible(a.rows)
	return a
}

func (a *TextArea) act(f func()) {
	f()
	if a.OnAction != nil {
		a.OnAction()
	}
}

// CursorLeft moves the cursor one character back, across line ends. The
// keys go straight to Fyne's entry: through the kiosk's, the keypad may
// take them for moving the focus.
func (a *TextArea) CursorLeft() { a.Entry.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft}) }

// CursorRight moves the cursor one character on, across line ends.
func (a *TextArea) CursorRight() { a.Entry.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) }

// DeleteWordBack deletes the word before the cursor and the spaces after
// it, as a phone keyboard's long press on delete does. It deletes with the
// entry's own backspace, so every change reaches OnChanged.
func (a *TextArea) DeleteWordBack() {
	rs := []rune(a.Entry.Text)
	pos := min(a.Entry.CursorTextOffset(), len(rs))
	i := pos
	for i > 0 && unicode.IsSpace(rs[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(rs[i-1]) {
		i--
	}
	for range pos - i {
		a.Entry.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
}

// Content is what the area is made of: the entry, the count and the
// buttons, in reading and focus order, for a caller walking the screen.
func (a *TextArea) Content() fyne.CanvasObject { return a.box }

// Shrink lowers the rows the area may grow to by one, down to MinRows,
// and fits the text again; it reports whether the area got shorter. The
// caller shrinks it when the screen has no room for it: at 1024×600 in
// large text four rows push the question's title out of view.
func (a *TextArea) Shrink() bool {
	if a.rows <= a.MinRows {
		return false
	}
	a.MaxRows = a.rows - 1
	return a.fit()
}

// Rows is how many rows of text the area shows now.
func (a *TextArea) Rows() int { return a.rows }

// fit sets the entry's rows for its text at its width, and reports
// whether they changed.
func (a *TextArea) fit() bool {
	n := a.rowsFor(a.Entry.Text)
	if n == a.rows {
		return false
	}
	a.rows = n
	a.Entry.SetMinRowsVisible(n)
	return true
}

// rowsFor estimates the rows text wraps to: each line's width over the
// entry's inner width, rounded up, between MinRows and MaxRows. Word
// wrapping breaks a little earlier than the raw width says, hence the
// margin.
func (a *TextArea) rowsFor(text string) int {
	th := a.Entry.Theme()
	inner := a.width - 2*th.Size(theme.SizeNameInnerPadding) - th.Size(theme.SizeNameScrollBar)
	if inner <= 0 {
		return a.MinRows
	}
	size := th.Size(theme.SizeNameText)
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		w := fyne.MeasureText(line, size, a.Entry.TextStyle).Width * 1.1
		n += max(1, int(math.Ceil(float64(w/inner))))
	}
	return min(max(n, a.MinRows), a.MaxRows)
}

// CreateRenderer implements fyne.Widget.
func (a *TextArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.box)
}

// areaLayout puts the entry on the left, taking the width the buttons
// leave, and the buttons at its top right. A change of width changes how
// the text wraps, so the rows are fitted again.
type areaLayout struct{ a *TextArea }

func (l *areaLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	entry, side := objs[0], objs[1]
	sw := side.MinSize().Width
	gap := theme.Padding()
	ew := max(size.Width-sw-gap, 0)
	entry.Move(fyne.NewPos(0, 0))
	entry.Resize(fyne.NewSize(ew, size.Height))
	side.Move(fyne.NewPos(ew+gap, 0))
	side.Resize(fyne.NewSize(sw, side.MinSize().Height))
	if ew != l.a.width {
		l.a.width = ew
		// The first layout of a text already long (coming back from the
		// review) grows the area too: the caller is told as for typing.
		if l.a.fit() && l.a.OnGrow != nil {
			l.a.OnGrow()
		}
	}
}

func (l *areaLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	e, s := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(e.Width+theme.Padding()+s.Width, max(e.Height, s.Height))
}

var _ fyne.Layout = (*areaLayout)(nil)
