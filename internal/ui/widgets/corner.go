package widgets

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// Corner is an invisible tap target for the technician's hidden gesture:
// Taps taps within Within call OnTrigger. It is a corner of the screen
// nobody taps by accident five times in a row, and it shows nothing, so a
// passer-by is not invited to try.
type Corner struct {
	widget.BaseWidget

	Taps      int
	Within    time.Duration
	Now       func() time.Time
	OnTrigger func()

	times []time.Time // recent taps, oldest first
}

// Gesture defaults: five taps in three seconds.
const (
	DefaultCornerTaps   = 5
	DefaultCornerWithin = 3 * time.Second
)

// NewCorner returns a hidden corner that calls trigger after five taps in
// three seconds.
func NewCorner(trigger func()) *Corner {
	c := &Corner{Taps: DefaultCornerTaps, Within: DefaultCornerWithin, Now: time.Now, OnTrigger: trigger}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped counts a tap and triggers when enough came quickly enough.
func (c *Corner) Tapped(*fyne.PointEvent) {
	now := c.Now()
	c.times = append(c.times, now)
	// Forget taps older than the window.
	i := 0
	for i < len(c.times) && now.Sub(c.times[i]) > c.Within {
		i++
	}
	c.times = c.times[i:]
	if len(c.times) >= c.Taps {
		c.times = nil
		if c.OnTrigger != nil {
			c.OnTrigger()
		}
	}
}

// CreateRenderer implements fyne.Widget.
func (c *Corner) CreateRenderer() fyne.WidgetRenderer {
	r := canvas.NewRectangle(color.Transparent)
	return &cornerRenderer{rect: r}
}

type cornerRenderer struct{ rect *canvas.Rectangle }

func (r *cornerRenderer) Layout(s fyne.Size)           { r.rect.Resize(s) }
func (r *cornerRenderer) MinSize() fyne.Size           { return fyne.NewSize(TouchMin, TouchMin) }
func (r *cornerRenderer) Refresh()                     {}
func (r *cornerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }
func (r *cornerRenderer) Destroy()                     {}
