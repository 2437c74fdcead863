package widgets

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/stroke"
)

// clock is a fake clock that advances a little on every reading, like a
// finger moving across the pad at 60 Hz.
type clock struct {
	t    time.Time
	step time.Duration
}

func (c *clock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func newPadWindow(t *testing.T) (*Pad, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	p := NewPad("Firma aquí")
	c := &clock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), step: 16 * time.Millisecond}
	p.Now = c.now
	w := test.NewTempWindow(t, container.NewStack(p))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(800, 300))
	return p, w
}

// scribble drags across the pad in a zigzag, one drag per stroke.
func scribble(w fyne.Window, strokes int) {
	for i := range strokes {
		x := float32(100 + 60*i)
		test.Drag(w.Canvas(), fyne.NewPos(x, 100), 50, float32(80*(1-2*(i%2))))
	}
}

func TestPadRecordsStrokesFromDrags(t *testing.T) {
	p, w := newPadWindow(t)
	changes := 0
	p.OnChanged = func() { changes++ }
	scribble(w, 6)
	test.TapCanvas(w.Canvas(), fyne.NewPos(700, 60)) // the dot of an i

	sig := p.Signature()
	if sig.W != 800 || sig.H != 300 {
		t.Fatalf("pad size %dx%d, want 800x300", sig.W, sig.H)
	}
	if len(sig.Strokes) != 7 {
		t.Fatalf("%d strokes, want 6 drags and a dot", len(sig.Strokes))
	}
	// A drag event reports where the finger is and how far it moved: the
	// first one at (100,100) after moving (50,80) ran from (50,20).
	first := sig.Strokes[0]
	if len(first) != 2 || !near(first[0], 50.0/800, 20.0/300) || !near(first[1], 100.0/800, 100.0/300) {
		t.Fatalf("first stroke %v, want (0.0625,0.0667) to (0.125,0.333)", first)
	}
	if dot := sig.Strokes[6]; len(dot) != 1 || !near(dot[0], 700.0/800, 60.0/300) {
		t.Fatalf("dot %v, want one point at (0.875,0.2)", dot)
	}
	var last uint32
	for i, st := range sig.Strokes {
		for _, pt := range st {
			if pt.X < 0 || pt.X > 1 || pt.Y < 0 || pt.Y > 1 {
				t.Fatalf("stroke %d point %v is off the unit square", i, pt)
			}
			if pt.T < last {
				t.Fatalf("stroke %d goes back in time: %d after %d", i, pt.T, last)
			}
			last = pt.T
		}
	}
	if sig.Strokes[0][0].T != 0 || last == 0 {
		t.Fatalf("times run from %d to %d, want from 0 upwards", sig.Strokes[0][0].T, last)
	}
	if err := sig.Validate(); err != nil {
		t.Fatalf("a six-stroke scribble is refused: %v", err)
	}
	if changes < 7 {
		t.Fatalf("OnChanged ran %d times, want once per point and stroke end", changes)
	}
}

func near(p stroke.Point, x, y float32) bool {
	const eps = 1e-3
	return p.X > x-eps && p.X < x+eps && p.Y > y-eps && p.Y < y+eps
}

func TestPadClampsToItsEdges(t *testing.T) {
	p, _ := newPadWindow(t)
	// A finger that keeps going past the edge still reports its position.
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(790, 290)}, Dragged: fyne.NewDelta(20, 20)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(1000, 500)}, Dragged: fyne.NewDelta(210, 210)})
	p.DragEnd()
	st := p.Signature().Strokes[0]
	if len(st) != 3 {
		t.Fatalf("stroke has %d points, want 3", len(st))
	}
	if end := st[2]; end.X != 1 || end.Y != 1 {
		t.Fatalf("a drag off the corner ends at %v, want (1,1)", end)
	}
}

func TestPadUndoAndClear(t *testing.T) {
	p, w := newPadWindow(t)
	scribble(w, 3)
	p.Undo()
	if p.Strokes() != 2 {
		t.Fatalf("%d strokes after undo, want 2", p.Strokes())
	}
	p.Clear()
	if !p.Empty() || len(p.Signature().Strokes) != 0 {
		t.Fatal("pad not empty after clear")
	}
	if err := p.Signature().Validate(); err != stroke.ErrEmpty {
		t.Fatalf("validate an empty pad: %v, want ErrEmpty", err)
	}
	p.Undo() // on an empty pad: nothing to do, no panic
}

func TestPadRefusesATap(t *testing.T) {
	p, w := newPadWindow(t)
	test.TapCanvas(w.Canvas(), fyne.NewPos(400, 150))
	if err := p.Signature().Validate(); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Fatalf("a single tap validates as %v, want too small", err)
	}
}

func TestPadRedrawsARestoredSignature(t *testing.T) {
	p, w := newPadWindow(t)
	scribble(w, 4)
	saved := p.Signature()
	q := NewPad("")
	q.SetSignature(saved)
	if q.Strokes() != 4 {
		t.Fatalf("restored pad has %d strokes, want 4", q.Strokes())
	}
	// Drawing on continues the timeline instead of starting at zero.
	q.Now = func() time.Time { return time.Now() }
	q.Resize(fyne.NewSize(800, 300))
	q.Tapped(&fyne.PointEvent{Position: fyne.NewPos(10, 10)})
	last := saved.Strokes[3][len(saved.Strokes[3])-1].T
	if got := q.Signature().Strokes[4][0].T; got < last {
		t.Fatalf("a point after the restored ones has time %d, before %d", got, last)
	}
}

func newKeyboardWindow(t *testing.T, l KeyLayout) (*Keyboard, *widget.Entry) {
	t.Helper()
	test.NewTempApp(t)
	e := widget.NewEntry()
	k := NewKeyboard(l, KeyLabels{Shift: "Mayús", Space: "espacio", Backspace: "Borrar", Symbols: "123", Letters: "abc"})
	k.SetTarget(e)
	w := test.NewTempWindow(t, container.NewBorder(e, k, nil, nil))
	w.Resize(fyne.NewSize(1280, 500))
	return k, e
}

func TestKeyboardTypesSpanish(t *testing.T) {
	k, e := newKeyboardWindow(t, Text)
	keys := 0
	k.OnKey = func() { keys++ }
	test.Tap(k.shiftBt)
	if k.Key('ñ') != nil || k.Key('Ñ') == nil {
		t.Fatal("shift does not turn the keys to capitals")
	}
	for _, r := range "Ñandú" {
		test.Tap(k.Key(r))
	}
	if e.Text != "Ñandú" {
		t.Fatalf("typed %q, want Ñandú (shift is one-shot)", e.Text)
	}
	for _, r := range "áéíóúü@,.-?" {
		if k.Key(r) == nil {
			t.Errorf("no key for %q", r)
		}
	}
	k.Backspace()
	if e.Text != "Ñand" {
		t.Fatalf("after backspace %q, want Ñand", e.Text)
	}
	if keys != 7 {
		t.Fatalf("OnKey ran %d times, want 7", keys)
	}
}

func TestKeyboardSymbolsPage(t *testing.T) {
	k, e := newKeyboardWindow(t, Text)
	if k.Key('7') != nil {
		t.Fatal("the letters page has digits; they belong on the symbols page")
	}
	k.ShowSymbols(true)
	test.Tap(k.Key('5'))
	test.Tap(k.Key('5'))
	k.ShowSymbols(false)
	test.Tap(k.Key('x'))
	if e.Text != "55x" {
		t.Fatalf("typed %q, want 55x", e.Text)
	}
}

func TestIDKeyboardHasOnlyWhatIDsHold(t *testing.T) {
	k, _ := newKeyboardWindow(t, ID)
	for _, r := range "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ" {
		if k.Key(r) == nil {
			t.Errorf("no key for %q", r)
		}
	}
	for _, r := range "aá@ " {
		if k.Key(r) != nil {
			t.Errorf("an id keyboard has a key for %q", r)
		}
	}
}

func TestKeysAreLargeEnoughToTouch(t *testing.T) {
	for name, l := range map[string]KeyLayout{"text": Text, "id": ID, "digits": Digits} {
		t.Run(name, func(t *testing.T) {
			k, _ := newKeyboardWindow(t, l)
			for _, o := range k.box.Objects {
				if s := o.Size(); s.Width < TouchMin || s.Height < TouchMin {
					t.Errorf("key %T is %v, smaller than %d×%d", o, s, TouchMin, TouchMin)
				}
			}
		})
	}
}

func TestCornerNeedsFiveQuickTaps(t *testing.T) {
	tests := []struct {
		name string
		gaps []time.Duration // before each tap after the first
		want int
	}{
		{"five taps in two seconds", []time.Duration{500, 500, 500, 500}, 1},
		{"four taps", []time.Duration{500, 500, 500}, 0},
		{"five taps in four seconds", []time.Duration{1000, 1000, 1000, 1000}, 0},
		{"a slow tap then five quick ones", []time.Duration{5000, 300, 300, 300, 300}, 1},
		{"ten quick taps trigger twice", []time.Duration{200, 200, 200, 200, 200, 200, 200, 200, 200}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
			fired := 0
			c := NewCorner(func() { fired++ })
			c.Now = func() time.Time { return now }
			c.Tapped(nil)
			for _, g := range tc.gaps {
				now = now.Add(g * time.Millisecond)
				c.Tapped(nil)
			}
			if fired != tc.want {
				t.Fatalf("triggered %d times, want %d", fired, tc.want)
			}
		})
	}
}

func TestAtLeastGrowsSmallThings(t *testing.T) {
	test.NewTempApp(t)
	b := widget.NewButton("A", nil)
	c := AtLeast(b, fyne.NewSize(TouchMin, TouchMin))
	w := test.NewTempWindow(t, container.NewHBox(c))
	w.Resize(fyne.NewSize(400, 200))
	if s := b.Size(); s.Width < TouchMin || s.Height < TouchMin {
		t.Fatalf("wrapped button is %v, want at least %d×%d", s, TouchMin, TouchMin)
	}
}

func TestTileTapsAndSelects(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	tile := NewTile("Coyoacán", "", Radio, func() { taps++ })
	w := test.NewTempWindow(t, container.NewVBox(tile))
	w.Resize(fyne.NewSize(400, 200))
	test.Tap(tile)
	tile.SetSelected(true)
	if taps != 1 || !tile.Selected {
		t.Fatalf("taps=%d selected=%v, want 1 and true", taps, tile.Selected)
	}
	if h := tile.Size().Height; h < TouchMin {
		t.Fatalf("tile is %v high, want at least %d", h, TouchMin)
	}
}

// An inline tile keeps a short answer on its question's line: it is as
// high as a tile with the question alone, lower than the stacked tile, and
// the answer sits right of the question; a long answer wraps and the
// tile grows instead of cutting it.
func TestInlineTileIsOneLine(t *testing.T) {
	test.NewTempApp(t)
	alone := NewTile("¿En qué alcaldía vives?", "", Arrow, nil)
	stacked := NewTile("¿En qué alcaldía vives?", "Coyoacán", Arrow, nil)
	inline := NewTile("¿En qué alcaldía vives?", "Coyoacán", Arrow, nil)
	inline.Inline = true
	long := NewTile("¿En qué alcaldía vives?", strings.Repeat("Coyoacán ", 20), Arrow, nil)
	long.Inline = true
	w := test.NewTempWindow(t, container.NewVBox(alone, stacked, inline, long))
	w.Resize(fyne.NewSize(900, 800))
	for range 3 {
		w.Content().Refresh()
	}
	if a, s, i := alone.MinSize().Height, stacked.MinSize().Height, inline.MinSize().Height; i != a || i >= s {
		t.Fatalf("inline tile %v high, want %v as the question alone and under the stacked %v", i, a, s)
	}
	r := test.WidgetRenderer(inline).(*tileRenderer)
	if r.detail.Position().X <= r.title.Position().X || r.detail.Position().Y > r.title.Position().Y+r.title.Size().Height {
		t.Fatalf("the answer at %v is not beside the question at %v", r.detail.Position(), r.title.Position())
	}
	if l := long.MinSize().Height; l <= inline.MinSize().Height {
		t.Fatalf("a long inline answer is %v high, want more than %v: it must wrap, not be cut", l, inline.MinSize().Height)
	}
}

func TestScrollerFollowsTheFinger(t *testing.T) {
	test.NewTempApp(t)
	rows := container.NewVBox()
	for range 30 {
		rows.Add(widget.NewButton("row", nil))
	}
	s := NewScroller(rows)
	moved := 0
	s.OnScrolled = func() { moved++ }
	w := test.NewTempWindow(t, s)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	tall := rows.MinSize().Height

	// A finger dragging up 100 scrolls the content up 100, even when the
	// drag starts on a button.
	test.Drag(w.Canvas(), fyne.NewPos(200, 150), 0, -100)
	if s.Offset() != 100 || rows.Position().Y != -100 {
		t.Fatalf("offset %v, content at %v after dragging up 100", s.Offset(), rows.Position())
	}
	// It stops at the ends.
	test.Drag(w.Canvas(), fyne.NewPos(200, 150), 0, 1000)
	if s.Offset() != 0 {
		t.Fatalf("offset %v after dragging far down, want 0", s.Offset())
	}
	s.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -1e6)})
	if want := tall - 300; s.Offset() != want {
		t.Fatalf("offset %v after a long wheel turn, want the end %v", s.Offset(), want)
	}
	if moved != 3 {
		t.Fatalf("OnScrolled ran %d times, want 3", moved)
	}
}

// BenchmarkPadInk is the cost of redrawing the ink while a finger moves:
// the pad redraws on every point, so this must stay well under a frame
// (16 ms) on a kiosk board.
func BenchmarkPadInk(b *testing.B) {
	p := NewPad("")
	sig := &stroke.Signature{W: 1232, H: 430}
	for i := range 12 {
		var st stroke.Stroke
		for j := range 40 {
			x := float32(i)/12 + float32(j)/600
			y := 0.3 + 0.4*float32(j%10)/10
			st = append(st, stroke.Point{X: x, Y: y, T: uint32(i*1000 + j*16)})
		}
		sig.Strokes = append(sig.Strokes, st)
	}
	p.SetSignature(sig)
	b.ResetTimer()
	for b.Loop() {
		p.inkImage(1232, 430)
	}
}
