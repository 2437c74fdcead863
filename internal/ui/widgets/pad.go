package widgets

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/stroke"
)

// Pad is a signature pad: a white card a person signs with a finger (or a
// mouse). It records every point of every stroke with the time it was
// drawn, draws the ink under the finger as it moves, and gives the result
// as a stroke.Signature normalised to the pad's size.
type Pad struct {
	widget.BaseWidget

	// Now is the clock points are timed by; tests replace it.
	Now func() time.Time
	// OnChanged runs after every change of the ink: each point drawn, a
	// stroke ended, undo and clear.
	OnChanged func()
	// Hint is shown on the empty pad ("Firma aquí").
	Hint string

	strokes []stroke.Stroke // finished strokes, then the one being drawn
	drawing bool            // a drag is under way: the last stroke grows
	t0      time.Time       // time of the signature's first point

	raster *canvas.Raster
	hint   *canvas.Text
	border *canvas.Rectangle
	line   *canvas.Line
}

// Ink colours: the pad is paper in every theme, so ink is always dark on
// white, as it will be on the printed signature sheets.
var (
	paper    = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	padEdge  = color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff}
	baseline = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
	hintInk  = color.NRGBA{R: 0x5c, G: 0x5c, B: 0x5c, A: 0xff}
)

// NewPad returns an empty pad.
func NewPad(hint string) *Pad {
	p := &Pad{Now: time.Now, Hint: hint}
	p.ExtendBaseWidget(p)
	return p
}

// Dragged extends the current stroke, or starts one where the drag began.
func (p *Pad) Dragged(e *fyne.DragEvent) {
	if !p.drawing {
		p.drawing = true
		start := e.Position.Subtract(e.Dragged)
		p.strokes = append(p.strokes, stroke.Stroke{p.point(start)})
	}
	last := &p.strokes[len(p.strokes)-1]
	*last = append(*last, p.point(e.Position))
	p.changed()
}

// DragEnd finishes the current stroke.
func (p *Pad) DragEnd() {
	p.drawing = false
	p.changed()
}

// Tapped makes a dot: the point over an i, an accent, a full stop.
func (p *Pad) Tapped(e *fyne.PointEvent) {
	p.strokes = append(p.strokes, stroke.Stroke{p.point(e.Position)})
	p.changed()
}

// Undo removes the last stroke.
func (p *Pad) Undo() {
	if len(p.strokes) == 0 {
		return
	}
	p.strokes[len(p.strokes)-1] = nil
	p.strokes = p.strokes[:len(p.strokes)-1]
	p.drawing = false
	p.changed()
}

// Clear removes every stroke.
func (p *Pad) Clear() {
	clear(p.strokes)
	p.strokes = nil
	p.drawing = false
	p.t0 = time.Time{}
	p.changed()
}

// Empty reports whether nothing has been drawn.
func (p *Pad) Empty() bool { return len(p.strokes) == 0 }

// Strokes is the number of strokes drawn.
func (p *Pad) Strokes() int { return len(p.strokes) }

// Signature returns a copy of the ink, with the pad's current size in
// pixels as W and H.
func (p *Pad) Signature() *stroke.Signature {
	sz := p.Size()
	s := &stroke.Signature{W: dim(sz.Width), H: dim(sz.Height)}
	for _, st := range p.strokes {
		s.Strokes = append(s.Strokes, append(stroke.Stroke(nil), st...))
	}
	return s
}

// SetSignature replaces the ink, to redraw a signature when the screen is
// rebuilt (a language switch). Points are fractions of the pad, so a pad of
// another size draws the same signature.
func (p *Pad) SetSignature(s *stroke.Signature) {
	p.strokes = nil
	p.drawing = false
	if s != nil {
		for _, st := range s.Strokes {
			p.strokes = append(p.strokes, append(stroke.Stroke(nil), st...))
		}
	}
	if len(p.strokes) == 0 {
		p.t0 = time.Time{}
	} else if p.t0.IsZero() {
		// Continue the timeline after the restored points.
		last := p.strokes[len(p.strokes)-1]
		p.t0 = p.Now().Add(-time.Duration(last[len(last)-1].T) * time.Millisecond)
	}
	p.Refresh()
}

func dim(v float32) uint16 {
	switch {
	case v < 1:
		return 1
	case v > 65535:
		return 65535
	}
	return uint16(v + 0.5)
}

func (p *Pad) point(pos fyne.Position) stroke.Point {
	now := p.Now()
	if p.t0.IsZero() {
		p.t0 = now
	}
	t := now.Sub(p.t0).Milliseconds()
	if t < 0 {
		t = 0 // a clock stepped back: keep time monotonic within the signature
	}
	if n := len(p.strokes); n > 0 {
		if st := p.strokes[n-1]; len(st) > 0 && int64(st[len(st)-1].T) > t {
			t = int64(st[len(st)-1].T)
		}
	}
	sz := p.Size()
	return stroke.Point{X: frac(pos.X, sz.Width), Y: frac(pos.Y, sz.Height), T: uint32(t)}
}

func frac(v, size float32) float32 {
	if size <= 0 {
		return 0
	}
	return min(max(v/size, 0), 1)
}

func (p *Pad) changed() {
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged()
	}
}

// inkImage draws the strokes at the raster's pixel size with the stroke
// package's renderer, so the ink on screen is exactly what central will
// render from the record.
func (p *Pad) inkImage(w, h int) image.Image {
	if len(p.strokes) == 0 || w < 1 || h < 1 {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}
	s := &stroke.Signature{W: dim(float32(w)), H: dim(float32(h)), Strokes: p.strokes}
	img, err := s.Image(w, h, stroke.Transparent())
	if err != nil {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}
	return img
}

// CreateRenderer implements fyne.Widget.
func (p *Pad) CreateRenderer() fyne.WidgetRenderer {
	p.border = canvas.NewRectangle(paper)
	p.border.StrokeColor = padEdge
	p.border.StrokeWidth = 3
	p.border.CornerRadius = 8
	p.line = canvas.NewLine(baseline)
	p.line.StrokeWidth = 2
	p.hint = canvas.NewText(p.Hint, hintInk)
	p.hint.TextSize = 26
	p.raster = canvas.NewRaster(p.inkImage)
	return &padRenderer{p: p}
}

type padRenderer struct{ p *Pad }

// PadMinSize is the smallest pad: a signature needs width more than height,
// and on a 600-high screen in large text the pad must leave room for the
// step, the title, the help and a two-line message above it.
var PadMinSize = fyne.NewSize(480, 120)

func (r *padRenderer) Layout(size fyne.Size) {
	p := r.p
	p.border.Resize(size)
	p.raster.Resize(size)
	y := size.Height * 0.72
	p.line.Position1 = fyne.NewPos(size.Width*0.06, y)
	p.line.Position2 = fyne.NewPos(size.Width*0.94, y)
	hs := p.hint.MinSize()
	p.hint.Move(fyne.NewPos((size.Width-hs.Width)/2, y-hs.Height-8))
}

func (r *padRenderer) MinSize() fyne.Size { return PadMinSize }

func (r *padRenderer) Refresh() {
	p := r.p
	p.hint.Text = p.Hint
	p.hint.Hidden = len(p.strokes) > 0
	p.hint.Refresh()
	p.raster.Refresh()
	r.Layout(p.Size())
}

func (r *padRenderer) Objects() []fyne.CanvasObject {
	p := r.p
	return []fyne.CanvasObject{p.border, p.line, p.hint, p.raster}
}

func (r *padRenderer) Destroy() {}
