package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// searchShown is how many matches the search screen shows as the person
// types, above the keyboard; the whole list is one tap away.
const searchShown = 6

// searchScreen searches proposals as the person types: every key press
// redraws the best matches and their count, and a match opens with one
// tap. The next button shows every match in the browse list.
type searchScreen struct {
	k      *Kiosk
	before string // the query when the screen opened, for "back"

	input *widgets.Entry
	kb    *widgets.Keyboard
	count *widget.Label
	tiles []*widgets.Tile // the first searchShown matches
	shown []*campaign.Proposal
	box   *fyne.Container
	// scroller holds box on screen, found at the first key press.
	scroller *widgets.Scroller
}

func newSearchScreen(k *Kiosk) *searchScreen {
	return &searchScreen{k: k, before: k.sess.query}
}

func (s *searchScreen) kind() screenKind { return kindSearch }

func (s *searchScreen) view() *view {
	k := s.k
	s.input = k.entry(k.sess.query, k.T("search.help"), false, func(text string) {
		k.sess.query = text
		s.refresh()
	})
	s.kb = k.keyboard(widgets.Text, s.input)
	s.count = caption("")
	s.count.TextStyle = fyne.TextStyle{Bold: true}
	s.tiles = make([]*widgets.Tile, searchShown)
	objs := []fyne.CanvasObject{s.count}
	for i := range s.tiles {
		s.tiles[i] = k.tile("", "", widgets.Arrow, false, func() {
			if i < len(s.shown) {
				k.sess.query = strings.TrimSpace(k.sess.query)
				k.show(&proposalScreen{k: k, id: s.shown[i].ID})
			}
		})
		// One line a match: above the keyboard, room is short.
		s.tiles[i].Inline = true
		objs = append(objs, s.tiles[i])
	}
	s.box = container.NewVBox(objs...)
	s.scroller = nil
	v := &view{
		// A small heading: every line above the keyboard is a match less.
		kicker:   k.T("search.title"),
		body:     s.box,
		field:    field(s.input),
		keyboard: s.kb, focus: s.input,
		back: func() {
			k.sess.query = s.before
			k.show(&browseScreen{k: k})
		},
		next: &action{run: func() {
			k.sess.query = strings.TrimSpace(k.sess.query)
			k.show(&browseScreen{k: k})
		}},
	}
	s.fill()
	v.next.label = k.lang().N("search.show", len(k.filtered()))
	return v
}

// fill writes the matches of the query into the tiles, and says how many
// there are.
func (s *searchScreen) fill() int {
	k := s.k
	all := k.filtered()
	s.shown = all[:min(len(all), searchShown)]
	if len(all) == 0 {
		s.count.SetText(k.T("browse.none"))
	} else {
		s.count.SetText(k.lang().N("browse.count", len(all)))
	}
	for i, t := range s.tiles {
		if i >= len(s.shown) {
			t.Hide()
			continue
		}
		p := s.shown[i]
		t.Title, t.Detail = k.text(p.Title), k.proposalLine(p)
		t.Show()
		t.Refresh()
	}
	return len(all)
}

// refresh follows a key press: new matches, their count and the next
// button's label, laid out at once.
func (s *searchScreen) refresh() {
	k := s.k
	n := s.fill()
	if k.fr.next != nil {
		k.fr.next.SetText(k.lang().N("search.show", n))
	}
	// Only the matches are laid out again, and the scroller that holds
	// them takes their new height: refreshing the page would measure the
	// whole keyboard's text again on every key.
	s.box.Refresh()
	if s.scroller == nil {
		s.scroller = scrollerOf(k.fr.page, s.box)
	}
	if s.scroller != nil {
		s.scroller.Refresh()
	} else {
		k.fr.page.Refresh()
	}
}

// scrollerOf finds the scroller around target under o, or nil.
func scrollerOf(o fyne.CanvasObject, target fyne.CanvasObject) *widgets.Scroller {
	var found *widgets.Scroller
	var walk func(o fyne.CanvasObject, in *widgets.Scroller) bool
	walk = func(o fyne.CanvasObject, in *widgets.Scroller) bool {
		if o == target {
			found = in
			return true
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				if walk(c, in) {
					return true
				}
			}
		case *widgets.Scroller:
			return walk(w.Content, w)
		case *container.ThemeOverride:
			return walk(w.Content, in)
		}
		return false
	}
	walk(o, nil)
	return found
}
