package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/i18n"
)

// looks are every look a person can switch to, by name.
var looks = []struct {
	name string
	look Look
}{
	{"default", Look{}},
	{"contrast", Look{HighContrast: true}},
	{"large", Look{LargeText: true}},
	{"large-contrast", Look{LargeText: true, HighContrast: true}},
}

// screenSizes are the displays the kiosk is made for.
var screenSizes = []fyne.Size{fyne.NewSize(1280, 800), SmallestScreen}

// TestEveryScreenFitsEveryDisplay walks the tour in every language, look
// and display size: on every screen, what the page and any prompt over it
// need (their minimum size, laid out at that width) must fit the display,
// so nothing is clipped, and the window must keep the display's size.
func TestEveryScreenFitsEveryDisplay(t *testing.T) {
	for _, l := range i18n.Langs {
		for _, lk := range looks {
			for _, size := range screenSizes {
				name := fmt.Sprintf("%s-%s-%gx%g", l, lk.name, size.Width, size.Height)
				t.Run(name, func(t *testing.T) {
					look := lk.look
					r := newRig(t, Config{Lang: l, Look: &look})
					r.k.win.Resize(size)
					shots := 0
					err := r.k.Tour(func(shot string) {
						shots++
						r.k.fr.settle()
						checkFits(t, r, shot, size)
					})
					if err != nil {
						t.Fatal(err)
					}
					if shots < 30 {
						t.Fatalf("the tour showed only %d screens", shots)
					}
				})
			}
		}
	}
}

func checkFits(t *testing.T, r *rig, shot string, size fyne.Size) {
	t.Helper()
	if got := r.k.win.Canvas().Size(); got != size {
		t.Errorf("%s: the window is %v, want %v", shot, got, size)
	}
	parts := map[string]fyne.CanvasObject{"page": r.k.fr.page}
	if r.k.fr.promptShown() {
		parts["prompt"] = r.k.fr.prompt
	}
	for what, o := range parts {
		if m := o.MinSize(); m.Width > size.Width || m.Height > size.Height {
			t.Errorf("%s: the %s needs %gx%g, more than the %gx%g display", shot, what, m.Width, m.Height, size.Width, size.Height)
		}
	}
}
