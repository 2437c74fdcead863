// Package widgets holds the kiosk's custom Fyne widgets: the signature pad,
// the on-screen keyboard, large selectable tiles, the hidden technician
// corner, and a wrapper that keeps touch targets large.
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
