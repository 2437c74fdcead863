package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
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
// so nothing is clipped, and the window must keep the display's size. The
// campaign's central takes submissions, so the tour shows those flows too.
func TestEveryScreenFitsEveryDisplay(t *testing.T) {
	checkTourFits(t, 50, func(t *testing.T, cfg Config) *rig { return newSubmissionRig(t, cfg) }, (*Kiosk).Tour)
}

// TestEveryFieldScreenFitsEveryDisplay does the same for the setup wizard
// on a device with no identity and the canvasser loop on a canvasser
// tablet. The technician tools live in techtools, which imports this
// package: their tour is checked in fit_tools_test.go.
func TestEveryFieldScreenFitsEveryDisplay(t *testing.T) {
	t.Run("setup", func(t *testing.T) {
		checkTourFits(t, 14, newUnenrolledRig, (*Kiosk).SetupTour)
	})
	t.Run("canvass", func(t *testing.T) {
		checkTourFits(t, 20, func(t *testing.T, cfg Config) *rig {
			saved := CanvasserPINParams
			CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
			t.Cleanup(func() { CanvasserPINParams = saved })
			dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
			acceptSubmissions(t, dev) // the tour opens an impromptu assembly
			return newRigOn(t, dev, dev.Store, cfg)
		}, (*Kiosk).CanvassTour)
	})
}

// newUnenrolledRig is a kiosk on a fresh outbox with no identity, which
// opens on the setup wizard.
func newUnenrolledRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	store, err := outbox.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newRigOn(t, nil, store, cfg)
}

// checkTourFits runs tour on a kiosk made by mk in every language, look and
// display size, checking every shot with checkFits; a tour showing fewer
// than minShots screens fails, so a tour that silently stops is caught.
func checkTourFits(t *testing.T, minShots int, mk func(*testing.T, Config) *rig, tour func(*Kiosk, func(string)) error) {
	t.Helper()
	for _, l := range i18n.Langs {
		for _, lk := range looks {
			for _, size := range screenSizes {
				name := fmt.Sprintf("%s-%s-%gx%g", l, lk.name, size.Width, size.Height)
				t.Run(name, func(t *testing.T) {
					test.NewTempApp(t)
					look := lk.look
					r := mk(t, Config{Lang: l, Look: &look})
					r.k.win.Resize(size)
					shots := 0
					err := tour(r.k, func(shot string) {
						shots++
						r.k.fr.settle()
						checkFits(t, r, shot, size)
					})
					if err != nil {
						t.Fatal(err)
					}
					if shots < minShots {
						t.Fatalf("the tour showed only %d screens, want at least %d", shots, minShots)
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
