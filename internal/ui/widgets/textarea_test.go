package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func newAreaWindow(t *testing.T) (*TextArea, *Keyboard, fyne.Window, *int) {
	t.Helper()
	test.NewTempApp(t)
	e := NewEntry(true, nil)
	e.Wrapping = fyne.TextWrapWord
	changes := 0
	e.OnChanged = func(string) { changes++ }
	a := NewTextArea(e, widget.NewLabel("0 / 1,500"), TextAreaLabels{DeleteWord: "Borrar palabra"})
	kb := NewKeyboard(Text, KeyLabels{Shift: "Mayús", Space: "Espacio", Backspace: "Borrar", Symbols: "123", Letters: "abc"})
	kb.SetTarget(e)
	w := test.NewTempWindow(t, container.NewBorder(a, nil, nil, nil, kb))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1024, 600))
	return a, kb, w, &changes
}

func press(kb *Keyboard, s string) {
	for _, r := range s {
		kb.Press(r)
	}
}

func TestTextAreaMovesTheCursorAndDeletesAWord(t *testing.T) {
	a, kb, w, changes := newAreaWindow(t)
	w.Canvas().Focus(a.Entry)
	press(kb, "luz en el parque")
	// Back over "parque" and its space: the cursor sits after "el".
	for range len(" parque") {
		test.Tap(a.Left)
	}
	press(kb, " nuevo")
	if got := a.Entry.Text; got != "luz en el nuevo parque" {
		t.Fatalf("inserting in the middle gave %q", got)
	}
	test.Tap(a.DeleteWord)
	if got := a.Entry.Text; got != "luz en el  parque" {
		t.Fatalf("deleting the word before the cursor gave %q", got)
	}
	// Spaces before the cursor go with the word before them.
	test.Tap(a.DeleteWord)
	if got := a.Entry.Text; got != "luz en  parque" {
		t.Fatalf("deleting after a space gave %q", got)
	}
	if *changes == 0 {
		t.Fatal("the entry's own OnChanged was not called")
	}
	// At the start there is nothing before the cursor to delete.
	for range 20 {
		test.Tap(a.Left)
	}
	test.Tap(a.DeleteWord)
	if got := a.Entry.Text; got != "luz en  parque" {
		t.Fatalf("deleting at the start gave %q", got)
	}
}

func TestTextAreaTapMovesTheCursor(t *testing.T) {
	a, kb, w, _ := newAreaWindow(t)
	w.Canvas().Focus(a.Entry)
	press(kb, "abcdef")
	if a.Entry.CursorTextOffset() != 6 {
		t.Fatalf("cursor at %d after typing", a.Entry.CursorTextOffset())
	}
	// A finger on a touchscreen reaches the entry as a press of the
	// primary mouse button: at the left edge of the first line, it puts
	// the cursor before the first character.
	a.Entry.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(4, 12)}, Button: desktop.MouseButtonPrimary})
	a.Entry.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(4, 12)}, Button: desktop.MouseButtonPrimary})
	if got := a.Entry.CursorTextOffset(); got != 0 {
		t.Fatalf("after a tap at the start the cursor is at %d", got)
	}
	press(kb, "X")
	if got := a.Entry.Text; got != "Xabcdef" {
		t.Fatalf("typing after the tap gave %q", got)
	}
}

func TestTextAreaGrowsWithItsText(t *testing.T) {
	a, kb, w, _ := newAreaWindow(t)
	grew := 0
	a.OnGrow = func() { grew++ }
	w.Canvas().Focus(a.Entry)
	start := a.Entry.MinSize().Height
	if a.Rows() != a.MinRows {
		t.Fatalf("an empty area shows %d rows, want %d", a.Rows(), a.MinRows)
	}
	press(kb, strings.Repeat("una propuesta para la ciudad ", 12))
	if a.Rows() <= a.MinRows || grew == 0 {
		t.Fatalf("after a paragraph the area shows %d rows (grew %d times)", a.Rows(), grew)
	}
	if h := a.Entry.MinSize().Height; h <= start {
		t.Fatalf("the entry did not get taller: %g, was %g", h, start)
	}
	a.Entry.SetText(strings.Repeat("y más texto todavía ", 80))
	if a.Rows() != a.MaxRows {
		t.Fatalf("a long text shows %d rows, want the most, %d", a.Rows(), a.MaxRows)
	}
	a.Entry.SetText("")
	if a.Rows() != a.MinRows {
		t.Fatalf("emptied, the area shows %d rows, want %d", a.Rows(), a.MinRows)
	}
}
