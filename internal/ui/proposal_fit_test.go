package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// publishTour shows the screens of what central publishes back: the
// proposal page with the Drafting Group's answer (and a meeting held),
// the city-wide count and this kiosk's uncounted supports, the same page
// offline ("al …"), with its full text open, an article in plain words,
// the attract screen on "answered this week", the list of proposals, and
// the search as it is typed. It calls shot with a name for each.
func publishTour(t *testing.T, r *rig, shot func(name string)) {
	t.Helper()
	publish(t, r, func(c *campaign.Campaign) {
		p := &c.Proposals[0]
		meeting := sampleResponse(testNow.Add(-24 * time.Hour))
		meeting.Tier, meeting.Text, meeting.SignedBy = campaign.TierMeeting, nil, ""
		meeting.Place = campaign.Text{"es": "Antiguo Palacio del Ayuntamiento", "en": "Old City Hall"}
		meeting.Minute = campaign.Text{"es": "Tres integrantes escucharon a las promotoras y acordaron revisar el artículo 11.", "en": "Three members heard the proposers and agreed to review article 11."}
		p.Responses = []campaign.Response{sampleResponse(testNow.Add(-48 * time.Hour)), meeting}
	})
	r.tick(campaignEvery)
	p := &r.k.camp.Proposals[0]
	shot("attract-answered")
	receiveProgress(t, r, progressDoc(r, 1, testNow.Add(-time.Minute), p.ID, 12_480), testNow)
	addSupports(t, r, p.ID, 3)
	r.k.show(&browseScreen{k: r.k})
	shot("proposals-list")
	r.k.show(&proposalScreen{k: r.k, id: p.ID})
	shot("proposal-answered")
	// The answers are under the count: the person scrolls to them.
	sc := r.k.fr.v.body.(*widgets.Scroller)
	sc.ScrollTo(sc.Content.MinSize().Height)
	shot("proposal-answered-scrolled")
	s := &proposalScreen{k: r.k, id: p.ID, full: true}
	r.k.show(s)
	shot("proposal-full")
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.show(&articleScreen{k: r.k})
	shot("article-plain")
	// Offline since yesterday afternoon.
	counted := time.Date(2026, 11, 19, 14, 5, 0, 0, testNow.Location())
	receiveProgress(t, r, progressDoc(r, 2, counted, p.ID, 12_480), counted)
	offline := &proposalScreen{k: r.k, id: p.ID}
	r.k.show(offline)
	r.k.fr.settle()
	// Scrolled to the count, which large text pushes under the fold.
	sc = r.k.fr.v.body.(*widgets.Scroller)
	d := fyne.CurrentApp().Driver()
	sc.ScrollTo(sc.Offset() + d.AbsolutePositionForObject(offline.count).Y - d.AbsolutePositionForObject(sc).Y)
	shot("proposal-offline")
	r.k.sess.query = ""
	r.k.show(newSearchScreen(r.k))
	ss := r.k.cur.(*searchScreen)
	for _, ch := range "agua" {
		typeKey(ss, ch)
	}
	shot("search-typed")
}

// TestPublishedScreensFitEveryDisplay checks the publishTour's screens in
// every language, look and display size, as the fit test does the tour.
func TestPublishedScreensFitEveryDisplay(t *testing.T) {
	for _, l := range i18n.Langs {
		for _, lk := range looks {
			for _, size := range screenSizes {
				t.Run(fmt.Sprintf("%s-%s-%gx%g", l, lk.name, size.Width, size.Height), func(t *testing.T) {
					look := lk.look
					r := newRig(t, Config{Lang: l, Look: &look})
					r.k.win.Resize(size)
					shots := 0
					publishTour(t, r, func(name string) {
						shots++
						r.k.fr.settle()
						checkFits(t, r, name, size)
					})
					if shots != 8 {
						t.Fatalf("%d screens shown", shots)
					}
				})
			}
		}
	}
}

// TestPublishedScreenshots renders the publishTour with the software
// renderer in both languages, normal and large text. With
// VOCES_PUBLISH_SHOTS=DIR it writes them as PNG files
// (docs/screenshots/publish/ holds the committed ones).
func TestPublishedScreenshots(t *testing.T) {
	dir := os.Getenv("VOCES_PUBLISH_SHOTS")
	for _, l := range i18n.Langs {
		for _, lk := range []struct {
			name string
			look Look
		}{{"default", Look{}}, {"large", Look{LargeText: true}}} {
			t.Run(string(l)+"-"+lk.name, func(t *testing.T) {
				look := lk.look
				r := newRig(t, Config{Lang: l, Look: &look})
				r.k.win.Resize(screenSizes[0])
				publishTour(t, r, func(name string) {
					r.k.fr.settle()
					for range 2 {
						layoutAll(r.k.win.Canvas().Content())
					}
					img := r.k.win.Canvas().Capture()
					if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 700 || blank(img) {
						t.Fatalf("%s: a blank or small capture %v", name, b)
					}
					// Large text is kept for the pages it changes most.
					if dir == "" || lk.look.LargeText && !strings.HasPrefix(name, "proposal-answered") && name != "proposal-offline" {
						return
					}
					f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", l, lk.name, name)))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					if err := png.Encode(f, img); err != nil {
						t.Fatal(err)
					}
				})
			})
		}
	}
}

// layoutAll lays out every container and widget under o again, children
// first, as the GL driver does on the next frame when a wrapped label
// found its height (its EnsureMinSize); Fyne's test canvas does not, and
// a page shorter than its scroller keeps its first layout otherwise.
func layoutAll(o fyne.CanvasObject) {
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			layoutAll(c)
		}
		if w.Layout != nil {
			w.Layout.Layout(w.Objects, w.Size())
		}
	case fyne.Widget:
		rd := test.WidgetRenderer(w)
		for _, c := range rd.Objects() {
			layoutAll(c)
		}
		rd.Layout(w.Size())
	}
}

// blank reports an image of one colour.
func blank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return false
			}
		}
	}
	return true
}
