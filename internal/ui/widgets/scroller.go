package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Scroller scrolls its content vertically when a finger drags it, as on a
// phone, and with a mouse wheel. Fyne's own scroll container follows the
// finger only on mobile builds; on a Linux kiosk a touch arrives as a mouse
// drag, and a 16-pixel scroll bar is no target for a finger. Its bar is
// only an indicator of where the person is in the content.
type Scroller struct {
	widget.BaseWidget

	Content fyne.CanvasObject
	// OnScrolled runs after every move.
	OnScrolled func()

	offset float32 // how far the content is scrolled up
}

var (
	_ fyne.Draggable  = (*Scroller)(nil)
	_ fyne.Scrollable = (*Scroller)(nil) // which also makes drivers clip it
)

// NewScroller returns a scroller showing content from the top.
func NewScroller(content fyne.CanvasObject) *Scroller {
	s := &Scroller{Content: content}
	s.ExtendBaseWidget(s)
	return s
}

// Offset is how far the content is scrolled, in Fyne units.
func (s *Scroller) Offset() float32 { return s.offset }

// ScrollTo scrolls to an offset, kept within the content.
func (s *Scroller) ScrollTo(y float32) {
	y = max(min(y, s.Content.MinSize().Height-s.Size().Height), 0)
	if y == s.offset {
		return
	}
	s.offset = y
	s.Refresh()
	if s.OnScrolled != nil {
		s.OnScrolled()
	}
}

// Dragged follows the finger: dragging up scrolls down.
func (s *Scroller) Dragged(e *fyne.DragEvent) { s.ScrollTo(s.offset - e.Dragged.DY) }

// DragEnd implements fyne.Draggable.
func (s *Scroller) DragEnd() {}

// Scrolled follows a mouse wheel or touchpad.
func (s *Scroller) Scrolled(e *fyne.ScrollEvent) { s.ScrollTo(s.offset - e.Scrolled.DY) }

// CreateRenderer implements fyne.Widget.
func (s *Scroller) CreateRenderer() fyne.WidgetRenderer {
	r := &scrollerRenderer{s: s,
		bar:    canvas.NewRectangle(theme.Color(theme.ColorNameScrollBar)),
		top:    canvas.NewVerticalGradient(theme.Color(theme.ColorNameShadow), color.Transparent),
		bottom: canvas.NewVerticalGradient(color.Transparent, theme.Color(theme.ColorNameShadow)),
	}
	r.bar.CornerRadius = 4
	return r
}

type scrollerRenderer struct {
	s           *Scroller
	bar         *canvas.Rectangle
	top, bottom *canvas.LinearGradient
}

// barWidth is the indicator's width: visible, not a target.
const barWidth = 8

func (r *scrollerRenderer) Layout(size fyne.Size) {
	s := r.s
	content := s.Content.MinSize()
	h := max(content.Height, size.Height)
	s.offset = max(min(s.offset, h-size.Height), 0)
	s.Content.Resize(fyne.NewSize(size.Width, h))
	s.Content.Move(fyne.NewPos(0, -s.offset))

	scrolls := h > size.Height+0.5
	r.bar.Hidden, r.top.Hidden, r.bottom.Hidden = !scrolls, !scrolls || s.offset <= 0, !scrolls || s.offset >= h-size.Height-0.5
	if scrolls {
		barH := max(size.Height*size.Height/h, 40)
		y := (size.Height - barH) * s.offset / (h - size.Height)
		r.bar.Move(fyne.NewPos(size.Width-barWidth-2, y))
		r.bar.Resize(fyne.NewSize(barWidth, barH))
	}
	shadow := theme.Padding() * 2
	r.top.Move(fyne.NewPos(0, 0))
	r.top.Resize(fyne.NewSize(size.Width, shadow))
	r.bottom.Move(fyne.NewPos(0, size.Height-shadow))
	r.bottom.Resize(fyne.NewSize(size.Width, shadow))
}

// MinSize lets the content scroll in any height, but never be narrower
// than it needs.
func (r *scrollerRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.s.Content.MinSize().Width, TouchMin)
}

func (r *scrollerRenderer) Refresh() {
	r.bar.FillColor = theme.Color(theme.ColorNameScrollBar)
	r.top.StartColor = theme.Color(theme.ColorNameShadow)
	r.bottom.EndColor = theme.Color(theme.ColorNameShadow)
	r.Layout(r.s.Size())
	canvas.Refresh(r.s.Content)
	r.bar.Refresh()
	r.top.Refresh()
	r.bottom.Refresh()
}

func (r *scrollerRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.s.Content, r.top, r.bottom, r.bar}
}

func (r *scrollerRenderer) Destroy() {}
