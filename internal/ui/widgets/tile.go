package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Mark is the indicator a tile shows.
type Mark int

// Tile marks.
const (
	NoMark Mark = iota
	Radio       // one of several; a filled circle when selected
	Check       // any of several, or a yes/no; a tick when selected
	Arrow       // opens something; a chevron on the right
)

// Tile is a large tappable card with a title that wraps, an optional
// detail line and an indicator: the kiosk's answer options, consent box,
// proposal and assembly cards. A Fyne button cannot wrap its text, and a
// Fyne check box or radio group is a small target with a small mark.
type Tile struct {
	widget.BaseWidget

	Title, Detail string
	Icon          fyne.Resource // leading icon when Mark is NoMark or Arrow
	Mark          Mark
	Selected      bool
	// Inline puts the detail on the title's line, at the right, when it
	// is short: a list of question and answer (the survey review) then
	// takes one line a row, and shows twice as many rows.
	Inline   bool
	OnTapped func()
	// Hooks take the keys a focused tile does not use (Enter and Space
	// choose it) and hear when it gains the focus.
	Hooks *Hooks

	focused bool
}

var _ fyne.Focusable = (*Tile)(nil)

// FocusGained implements fyne.Focusable.
func (t *Tile) FocusGained() {
	t.focused = true
	t.Refresh()
	t.Hooks.focused(t)
}

// FocusLost implements fyne.Focusable.
func (t *Tile) FocusLost() {
	t.focused = false
	t.Refresh()
}

// HasFocus reports whether the tile has the focus.
func (t *Tile) HasFocus() bool { return t.focused }

// TypedKey implements fyne.Focusable: Enter or Space chooses the tile.
func (t *Tile) TypedKey(e *fyne.KeyEvent) {
	if activates(e) {
		t.Tapped(nil)
		return
	}
	t.Hooks.key(e)
}

// TypedRune implements fyne.Focusable.
func (t *Tile) TypedRune(r rune) { t.Hooks.rune(r) }

// NewTile returns a tile that runs tapped when tapped.
func NewTile(title, detail string, mark Mark, tapped func()) *Tile {
	t := &Tile{Title: title, Detail: detail, Mark: mark, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// SetSelected changes the selection mark.
func (t *Tile) SetSelected(b bool) {
	if t.Selected == b {
		return
	}
	t.Selected = b
	t.Refresh()
}

// Tapped implements fyne.Tappable.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

// CreateRenderer implements fyne.Widget.
func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{
		t:      t,
		bg:     canvas.NewRectangle(theme.Color(theme.ColorNameButton)),
		icon:   widget.NewIcon(nil),
		chev:   widget.NewIcon(theme.NavigateNextIcon()),
		title:  widget.NewLabel(""),
		detail: widget.NewLabel(""),
		ring:   newRing(),
	}
	r.title.Wrapping = fyne.TextWrapWord
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.detail.Wrapping = fyne.TextWrapWord
	r.bg.CornerRadius = 10
	r.Refresh()
	return r
}

type tileRenderer struct {
	t             *Tile
	bg            *canvas.Rectangle
	icon, chev    *widget.Icon
	title, detail *widget.Label
	ring          *ring // the focus outline, at the tile's edge
}

// focusInset is how far a focused tile's card draws inside its focus
// outline: the gap keeps the outline apart from a chosen tile's border.
const focusInset = FocusStroke + FocusInner + 3

const tileIcon = 36

// SelectedStroke is the border width of a chosen tile.
const SelectedStroke = 6

func (r *tileRenderer) hasIcon() bool { return r.icon.Resource != nil }

func (r *tileRenderer) textWidth(w float32) float32 {
	pad := theme.InnerPadding()
	tw := w - 2*pad
	if r.hasIcon() {
		tw -= tileIcon + pad
	}
	if r.t.Mark == Arrow {
		tw -= tileIcon + pad
	}
	return max(tw, 1)
}

func (r *tileRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	r.ring.layout(size)
	if r.t.focused {
		r.bg.Move(fyne.NewPos(focusInset, focusInset))
		r.bg.Resize(size.SubtractWidthHeight(2*focusInset, 2*focusInset))
	} else {
		r.bg.Move(fyne.NewPos(0, 0))
		r.bg.Resize(size)
	}
	x := pad
	if r.hasIcon() {
		r.icon.Move(fyne.NewPos(x, (size.Height-tileIcon)/2))
		r.icon.Resize(fyne.NewSize(tileIcon, tileIcon))
		x += tileIcon + pad
	}
	tw := r.textWidth(size.Width)
	// Labels carry their own padding; let them use the tile's instead.
	lp := theme.Padding()
	if r.inline() {
		// In label widths, which include the labels' own padding.
		dw := r.inlineDetailWidth(tw + 2*lp)
		titleW := tw + 2*lp - dw - pad
		r.title.Resize(fyne.NewSize(titleW, r.title.MinSize().Height))
		r.detail.Resize(fyne.NewSize(dw, r.detail.MinSize().Height))
		th, dh := r.title.MinSize().Height, r.detail.MinSize().Height
		r.title.Move(fyne.NewPos(x-lp, (size.Height-th)/2))
		r.title.Resize(fyne.NewSize(titleW, th))
		r.detail.Move(fyne.NewPos(x-lp+titleW+pad, (size.Height-dh)/2))
		r.detail.Resize(fyne.NewSize(dw, dh))
		r.chev.Move(fyne.NewPos(size.Width-pad-tileIcon, (size.Height-tileIcon)/2))
		r.chev.Resize(fyne.NewSize(tileIcon, tileIcon))
		return
	}
	r.title.Resize(fyne.NewSize(tw+2*lp, r.title.MinSize().Height))
	th := r.title.MinSize().Height
	dh := float32(0)
	if !r.detail.Hidden {
		r.detail.Resize(fyne.NewSize(tw+2*lp, r.detail.MinSize().Height))
		dh = r.detail.MinSize().Height - lp
	}
	y := (size.Height - th - dh) / 2
	r.title.Move(fyne.NewPos(x-lp, y))
	r.title.Resize(fyne.NewSize(tw+2*lp, th))
	r.detail.Move(fyne.NewPos(x-lp, y+th-lp))
	r.detail.Resize(fyne.NewSize(tw+2*lp, dh+lp))
	r.chev.Move(fyne.NewPos(size.Width-pad-tileIcon, (size.Height-tileIcon)/2))
	r.chev.Resize(fyne.NewSize(tileIcon, tileIcon))
}

// inline reports whether the detail sits on the title's line.
func (r *tileRenderer) inline() bool { return r.t.Inline && !r.detail.Hidden }

// inlineDetailWidth is the width of an inline detail's label: what its
// text needs on one line, but never more than half of w (longer answers
// wrap there).
func (r *tileRenderer) inlineDetailWidth(w float32) float32 {
	need := fyne.MeasureText(r.t.Detail, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding() + 1
	return max(min(need, w/2), 1)
}

func (r *tileRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	lp := theme.Padding()
	h := r.title.MinSize().Height
	if r.inline() {
		h = max(h, r.detail.MinSize().Height)
	} else if !r.detail.Hidden {
		h += r.detail.MinSize().Height - lp
	}
	h = max(h+2*pad-2*lp, TouchMin)
	// Narrow enough for four in a row on a 1024-wide screen (the sixteen
	// alcaldías); longer titles wrap.
	w := float32(3*TouchMin) + 2*pad
	return fyne.NewSize(w, h)
}

func (r *tileRenderer) Refresh() {
	t := r.t
	r.title.SetText(t.Title)
	r.detail.SetText(t.Detail)
	r.detail.Hidden = t.Detail == ""
	r.detail.Alignment = fyne.TextAlignLeading
	if t.Inline {
		r.detail.Alignment = fyne.TextAlignTrailing
	}
	r.chev.Hidden = t.Mark != Arrow
	var res fyne.Resource
	switch t.Mark {
	case Radio:
		res = theme.RadioButtonIcon()
		if t.Selected {
			res = theme.NewPrimaryThemedResource(theme.RadioButtonCheckedIcon())
		}
	case Check:
		res = theme.CheckButtonIcon()
		if t.Selected {
			res = theme.NewPrimaryThemedResource(theme.CheckButtonCheckedIcon())
		}
	default:
		res = t.Icon
		if t.Selected && t.Mark == NoMark {
			// A tile without a mark of its own gets the tick when chosen,
			// so the chosen state reads the same on every tile.
			res = theme.NewPrimaryThemedResource(theme.ConfirmIcon())
		}
	}
	r.icon.SetResource(res)
	r.bg.FillColor = theme.Color(theme.ColorNameButton)
	// Chosen is one look everywhere: tinted, a thick border in the
	// primary colour and a tick or filled mark. A thin outline alone is
	// easy to miss for older eyes.
	if t.Selected {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = SelectedStroke
	} else {
		r.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
		r.bg.StrokeWidth = 1
	}
	r.bg.Refresh()
	r.ring.refresh(t.focused)
	r.Layout(t.Size())
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg}, append(r.ring.objects(), r.icon, r.title, r.detail, r.chev)...)
}

func (r *tileRenderer) Destroy() {}
