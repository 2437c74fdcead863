// Package widgets holds the kiosk's custom Fyne widgets: the signature pad,
// the on-screen keyboard, a text area for long text, large selectable tiles,
// the hidden technician corner, and a wrapper that keeps touch targets large.
package widgets

import "fyne.io/fyne/v2"

// AtLeast returns o inside a container whose minimum size is at least min
// in each direction. The container gives o all of its space, so the whole
// enlarged area is o's to tap, not a margin around it.
func AtLeast(o fyne.CanvasObject, min fyne.Size) *fyne.Container {
	return &fyne.Container{Layout: atLeast{min}, Objects: []fyne.CanvasObject{o}}
}

type atLeast struct{ min fyne.Size }

func (l atLeast) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l atLeast) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := l.min
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m = m.Max(o.MinSize())
	}
	return m
}

// AtMost returns o inside a container whose minimum size is at most max in
// each direction. A window grows to fit its content's minimum size and
// never shrinks back by itself; putting a window's content in AtMost(o,
// smallest screen) keeps one screen that asks for too much from growing
// the window past the display for everyone after. Whether every screen
// fits is for tests to check, on o itself.
func AtMost(o fyne.CanvasObject, max fyne.Size) *fyne.Container {
	return &fyne.Container{Layout: atMost{max}, Objects: []fyne.CanvasObject{o}}
}

type atMost struct{ max fyne.Size }

func (l atMost) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l atMost) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m = m.Max(o.MinSize())
		}
	}
	return m.Min(l.max)
}
