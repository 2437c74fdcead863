package ui

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
)

// The kiosk with a big campaign (fieldsim.BigPublished: 400 proposals,
// 100 assemblies, 10 articles, plain summaries and answers), on Fyne's
// test driver, whose canvas paints with the software renderer when
// captured. README's benchmark section has the figures.
//
//	go test -run '^$' -bench 'Big' ./internal/ui

// bigRig is a kiosk at the home screen of a device holding the big
// campaign, a city-wide progress document and a few supports not synced.
func bigRig(tb testing.TB) *rig {
	tb.Helper()
	test.NewTempApp(tb)
	dev := outboxtest.NewEnrolled(tb, record.ModeKiosk)
	fast := pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	g := pinguard.New(dev.Store)
	g.Params = fast
	if err := g.Set(context.Background(), rigPIN); err != nil {
		tb.Fatal(err)
	}
	r := &rig{dev: dev, clock: &clock{t: testNow}}
	dev.Store.Now = r.clock.Now
	r.k = New(fyne.CurrentApp(), dev.Store, Config{Lang: i18n.Spanish, Now: r.clock.Now})
	r.k.pin.Params = fast
	tb.Cleanup(r.k.win.Close)
	big, err := fieldsim.BigCampaign(defaultCampaign(tb), fieldsim.BigPublished, 1)
	if err != nil {
		tb.Fatal(err)
	}
	publish(tb, r, func(c *campaign.Campaign) {
		v := c.Version
		*c = *big
		c.Version = v
	})
	r.tick(campaignEvery)
	if len(r.k.camp.Proposals) != 400 {
		tb.Fatalf("the kiosk holds %d proposals", len(r.k.camp.Proposals))
	}
	doc := progressDoc(r, 1, testNow, r.k.camp.Proposals[0].ID, 4_321)
	for i := range r.k.camp.Proposals[1:] {
		doc.Proposals = append(doc.Proposals, progressDoc(r, 1, testNow, r.k.camp.Proposals[i+1].ID, int64(100+i*37)).Proposals...)
	}
	receiveProgress(tb, r, doc, testNow)
	addSupports(tb, r, r.k.camp.Proposals[0].ID, 3)
	r.k.Touch()
	r.k.show(&homeScreen{k: r.k})
	return r
}

// typeKey presses one key of the search screen's keyboard: a letter, or
// '\b' for the backspace key.
func typeKey(s *searchScreen, ch rune) {
	if ch == '\b' {
		s.kb.Backspace()
		return
	}
	test.Tap(s.kb.Key(ch))
}

// searchKeys types a word and erases it, over and over.
var searchKeys = []rune("agua\b\b\b\btrans\b\b\b\b\b")

// BenchmarkBigSearchKeyPress is the time from a key press on the search
// screen to the list of matches and their count laid out again.
func BenchmarkBigSearchKeyPress(b *testing.B) {
	benchSearch(b, false)
}

// BenchmarkBigSearchKeyPressPainted adds painting the whole 1280x800
// window with the software renderer, as a frame would.
func BenchmarkBigSearchKeyPressPainted(b *testing.B) {
	benchSearch(b, true)
}

// BenchmarkBigSearchPaintOnly paints the search screen with nothing
// changed: what the software renderer alone costs for that window, to
// read the painted figures against.
func BenchmarkBigSearchPaintOnly(b *testing.B) {
	r := bigRig(b)
	r.k.show(newSearchScreen(r.k))
	for b.Loop() {
		r.k.win.Canvas().Capture()
	}
}

func benchSearch(b *testing.B, paint bool) {
	r := bigRig(b)
	r.k.show(&browseScreen{k: r.k})
	r.k.show(newSearchScreen(r.k))
	s := r.k.cur.(*searchScreen)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		typeKey(s, searchKeys[i%len(searchKeys)])
		if paint {
			r.k.win.Canvas().Capture()
		}
	}
}

// BenchmarkBigOpenProposal is the time from a tap on a proposal of the
// browse list to its page laid out: plain summary, answers, the signed
// city-wide count and this kiosk's uncounted supports (read from the
// outbox each time).
func BenchmarkBigOpenProposal(b *testing.B) {
	benchOpen(b, false)
}

// BenchmarkBigOpenProposalPainted adds painting the window.
func BenchmarkBigOpenProposalPainted(b *testing.B) {
	benchOpen(b, true)
}

func benchOpen(b *testing.B, paint bool) {
	r := bigRig(b)
	browse := &browseScreen{k: r.k}
	r.k.show(browse)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tiles := browse.list.tiles()
		test.Tap(tiles[i%len(tiles)])
		if paint {
			r.k.win.Canvas().Capture()
		}
		b.StopTimer()
		if _, ok := r.k.cur.(*proposalScreen); !ok {
			b.Fatalf("on %s after a tap", r.k.cur.kind())
		}
		r.k.show(browse)
		b.StartTimer()
	}
}

// BenchmarkBigBrowseFilter is the time from choosing a theme or an
// alcaldía to the filtered list laid out.
func BenchmarkBigBrowseFilter(b *testing.B) {
	r := bigRig(b)
	c := r.k.camp
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			r.k.sess.theme, r.k.sess.area = c.Themes[i/2%len(c.Themes)].ID, ""
		} else {
			r.k.sess.theme, r.k.sess.area = "", campaign.Alcaldias[i/2%len(campaign.Alcaldias)].ID
		}
		r.k.show(&browseScreen{k: r.k})
	}
}

// BenchmarkBigBrowseFirstShow is the browse list's first showing after a
// new campaign version or a text-size switch: every row's height is
// measured again.
func BenchmarkBigBrowseFirstShow(b *testing.B) {
	r := bigRig(b)
	for b.Loop() {
		r.k.pub.rows = nil
		r.k.show(&browseScreen{k: r.k})
	}
}

// BenchmarkBigCampaignMemory walks the big campaign as a long day's
// visitors would (every theme, every alcaldía, searches, fifty proposal
// pages) and reports this process's memory after a collection: the Go
// heap in use and the resident set (VmRSS), which includes the test
// driver but not a GL context. cmd/kiosk's BenchmarkBigCampaignResident
// measures the real kiosk under X.
func BenchmarkBigCampaignMemory(b *testing.B) {
	r := bigRig(b)
	c := r.k.camp
	for b.Loop() {
		for _, t := range c.Themes {
			r.k.sess.theme = t.ID
			r.k.show(&browseScreen{k: r.k})
		}
		r.k.sess.theme = ""
		for _, a := range campaign.Alcaldias {
			r.k.sess.area = a.ID
			r.k.show(&browseScreen{k: r.k})
		}
		r.k.sess.area = ""
		r.k.show(newSearchScreen(r.k))
		s := r.k.cur.(*searchScreen)
		for _, ch := range searchKeys {
			typeKey(s, ch)
		}
		for i := range 50 {
			r.k.show(&proposalScreen{k: r.k, id: c.Proposals[i*8].ID})
		}
		r.k.win.Canvas().Capture()
		r.k.forget()
	}
	// After as many visitors as b.N: what stays is the kiosk's, not
	// theirs piling up.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(residentMB(), "rss-MB")
}

// residentMB is this process's resident set size.
func residentMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// TestBigCampaignBrowsesWithATileForEachRowInView holds the list's
// virtualisation and the search on the big campaign: a few dozen tiles
// for 400 proposals, the right ones after scrolling, and every key press
// of a search redrawing its matches.
func TestBigCampaignBrowsesWithATileForEachRowInView(t *testing.T) {
	r := bigRig(t)
	browse := &browseScreen{k: r.k}
	r.k.show(browse)
	r.k.fr.settle()
	l := browse.list
	if n := len(l.tiles()); n == 0 || n > 40 {
		t.Fatalf("%d tiles for %d proposals", n, len(l.items))
	}
	if got, want := l.tiles()[0].Title, r.k.camp.Proposals[0].Title.Get("es"); got != want {
		t.Fatalf("first row %q, want %q", got, want)
	}
	// Scroll to the end: the last proposal has a tile, the first none.
	l.scroll.ScrollTo(l.total())
	tiles := l.tiles()
	last := r.k.camp.Proposals[len(r.k.camp.Proposals)-1].Title.Get("es")
	if tiles[len(tiles)-1].Title != last || tiles[0].Title == r.k.camp.Proposals[0].Title.Get("es") {
		t.Fatalf("after scrolling to the end the rows run from %q to %q", tiles[0].Title, tiles[len(tiles)-1].Title)
	}
	test.Tap(tiles[len(tiles)-1])
	if s, ok := r.k.cur.(*proposalScreen); !ok || s.id != r.k.camp.Proposals[len(r.k.camp.Proposals)-1].ID {
		t.Fatalf("the last row opened %v", r.k.cur.kind())
	}

	r.k.show(newSearchScreen(r.k))
	s := r.k.cur.(*searchScreen)
	typed := ""
	for _, ch := range "vivienda mayores" {
		typeKey(s, ch)
		typed += string(ch)
		want := r.k.filtered()
		if r.k.sess.query != typed {
			t.Fatalf("query %q after typing %q", r.k.sess.query, typed)
		}
		if got := s.count.Text; got != i18n.Spanish.N("browse.count", len(want)) {
			t.Fatalf("after %q the count says %q, want %d", typed, got, len(want))
		}
		for i, p := range want[:min(len(want), searchShown)] {
			if s.tiles[i].Title != p.Title.Get("es") || !s.tiles[i].Visible() {
				t.Fatalf("after %q match %d shows %q, want %q", typed, i, s.tiles[i].Title, p.Title.Get("es"))
			}
		}
		// Laid out at once: the matches stack without overlapping, and
		// the scroller around them has their height.
		var bottom float32
		for _, tile := range s.tiles[:min(len(want), searchShown)] {
			if tile.Position().Y < bottom || tile.Size().Height < tile.MinSize().Height {
				t.Fatalf("after %q %q is at %v, size %v, over the match above (ending at %g)", typed, tile.Title, tile.Position(), tile.Size(), bottom)
			}
			bottom = tile.Position().Y + tile.Size().Height
		}
		if sc := scrollerOf(r.k.fr.page, s.box); sc == nil || sc.Content.Size().Height < s.box.MinSize().Height {
			t.Fatalf("after %q the scroller around the matches is too short", typed)
		}
		for _, tile := range s.tiles[min(len(want), searchShown):] {
			if tile.Visible() {
				t.Fatalf("after %q a tile beyond the %d matches shows", typed, len(want))
			}
		}
	}
	matches := r.k.filtered()
	if len(matches) == 0 || len(matches) >= 100 {
		t.Fatalf("%d proposals match both words", len(matches))
	}
	for _, p := range matches {
		text := fold(p.Title.Get("es") + " " + p.Summary.Get("es") + " " + p.Title.Get("en") + " " + p.Summary.Get("en") + " " + p.Plain.Get("es") + " " + p.Plain.Get("en"))
		if !strings.Contains(text, "vivienda") || !strings.Contains(text, "mayores") {
			t.Fatalf("%s matches without both words", p.ID)
		}
	}
	test.Tap(s.tiles[0])
	if got, ok := r.k.cur.(*proposalScreen); !ok || got.id != matches[0].ID {
		t.Fatalf("the first match opened %s", r.k.cur.kind())
	}
	r.k.show(newSearchScreen(r.k))
	test.Tap(r.k.fr.next)
	b := r.k.cur.(*browseScreen)
	if len(b.list.items) != len(matches) {
		t.Fatalf("the browse list shows %d, the search found %d", len(b.list.items), len(matches))
	}
}
