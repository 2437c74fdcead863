package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// proposalList shows a list of proposals as tiles, virtualised: only the
// tiles in view exist, so a 400-proposal campaign costs what one screen
// of tiles costs to draw, on every key press of a search. It scrolls in
// the kiosk's own Scroller, which follows a finger (Fyne's widget.List
// scrolls by finger on phones only). Rows have the height their title
// needs at the list's width, measured once per proposal, width and text
// size, and kept for the whole campaign (rowHeights).
type proposalList struct {
	k      *Kiosk
	items  []*campaign.Proposal
	open   func(p *campaign.Proposal)
	scroll *widgets.Scroller
	box    *fyne.Container // the scroller's content; its layout is the list

	pool  []*widgets.Tile // tiles in view, reused as rows scroll past
	rows  []int           // item shown by each tile of pool
	tops  []float32       // each item's top, and the total height at the end
	width float32         // width tops were worked out for
	text  float32         // text size they were worked out for
	minW  float32         // a tile's narrowest width
}

// rowGap is the space between two tiles.
const rowGap = 8

func (k *Kiosk) proposalList(items []*campaign.Proposal, open func(*campaign.Proposal)) *proposalList {
	l := &proposalList{k: k, items: items, open: open}
	l.box = &fyne.Container{Layout: l}
	l.scroll = k.scroll(l.box)
	l.scroll.OnScrolled = func() {
		k.Touch()
		l.place(l.box.Size())
	}
	k.addWiper(func() {
		for _, t := range l.pool {
			t.OnTapped = nil
			t.Title, t.Detail = "", ""
		}
		l.items, l.open = nil, nil
	})
	return l
}

// measure works out each item's top at width w: with the height measured
// for rows shown before, and a one-line estimate for the others, which
// place measures as they come into view. A first showing of 400
// proposals thus measures a screenful, not the whole campaign.
func (l *proposalList) measure(w float32) {
	ts := theme.TextSize()
	if l.tops != nil && w == l.width && ts == l.text {
		return
	}
	l.width, l.text = w, ts
	l.retop()
}

// retop works out the tops from the heights known now.
func (l *proposalList) retop() {
	hs := l.k.rowHeights(l.width)
	if len(l.tops) != len(l.items)+1 {
		l.tops = make([]float32, len(l.items)+1)
	}
	var y float32
	for i, p := range l.items {
		l.tops[i] = y
		y += hs.guess(l.k, p) + rowGap
	}
	l.tops[len(l.items)] = max(y-rowGap, 0)
}

// Layout implements fyne.Layout for the scroller's content.
func (l *proposalList) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	before := l.total()
	l.measure(size.Width)
	l.place(size)
	if l.total() != before {
		// The rows found their heights at this width: the scroller's
		// range changes with them.
		l.scroll.Refresh()
	}
}

func (l *proposalList) total() float32 {
	if len(l.tops) == 0 {
		return 0
	}
	return l.tops[len(l.tops)-1]
}

// MinSize implements fyne.Layout: as wide as a tile, as tall as the rows
// at the last width (an estimate before the first layout).
func (l *proposalList) MinSize([]fyne.CanvasObject) fyne.Size {
	if l.minW == 0 {
		l.minW = widgets.NewTile("", "", widgets.Arrow, nil).MinSize().Width
	}
	w := l.minW
	if l.tops == nil {
		return fyne.NewSize(w, float32(len(l.items))*(widgets.TouchMin+rowGap))
	}
	return fyne.NewSize(w, l.total())
}

// place puts tiles on the rows in view (and one screen above and below,
// so a quick drag never shows a gap) and drops the others. Rows coming
// into view for the first time are measured; when one differs from its
// estimate the tops move and the rows are placed again.
func (l *proposalList) place(size fyne.Size) {
	if l.tops == nil {
		l.measure(size.Width)
	}
	hs := l.k.rowHeights(l.width)
	view := l.scroll.Size().Height
	var first, last int
	for range 4 {
		top := l.scroll.Offset() - view
		bottom := l.scroll.Offset() + 2*view
		first = sort.Search(len(l.items), func(i int) bool { return l.tops[i+1] > top })
		last = sort.Search(len(l.items), func(i int) bool { return l.tops[i] >= bottom })
		moved := false
		for i := first; i < last; i++ {
			if !hs.known(l.k, l.items[i]) {
				hs.of(l.k, l.items[i])
				moved = true
			}
		}
		if !moved {
			break
		}
		before := l.total()
		l.retop()
		if l.total() != before {
			defer l.scroll.Refresh()
		}
	}
	n := last - first
	for len(l.pool) < n {
		t := widgets.NewTile("", "", widgets.Arrow, nil)
		t.Hooks = l.k.hooks // the keypad's keys and speech, as for the factory's tiles
		l.pool = append(l.pool, t)
	}
	objs := make([]fyne.CanvasObject, 0, n)
	l.rows = l.rows[:0]
	for j := range n {
		i := first + j
		t := l.pool[j]
		p := l.items[i]
		title, detail := l.k.text(p.Title), l.k.proposalLine(p)
		if t.Title != title || t.Detail != detail {
			t.Title, t.Detail = title, detail
			t.Refresh()
		}
		t.OnTapped = func() {
			l.k.Touch()
			if l.open != nil {
				l.open(p)
			}
		}
		t.Move(fyne.NewPos(0, l.tops[i]))
		t.Resize(fyne.NewSize(size.Width, l.tops[i+1]-l.tops[i]-rowGap))
		objs = append(objs, t)
		l.rows = append(l.rows, i)
	}
	l.box.Objects = objs
}

// tiles are the tiles on screen, for tests.
func (l *proposalList) tiles() []*widgets.Tile { return l.pool[:len(l.rows)] }

// rowHeights are the heights of proposal tiles at one width and text
// size, by proposal and language, measured as rows first show.
type rowHeights struct {
	width, text float32
	h           map[rowKey]float32
	probe       *widgets.Tile
	oneLine     float32 // a tile of one line of title and one of detail
}

type rowKey struct {
	id, lang string
}

// rowHeights returns the kiosk's cache of tile heights at width w in the
// current text size. One is kept for each width and text size seen with
// the campaign in use (a person switching large text on and off measures
// each once), and all are dropped when a new version is applied.
func (k *Kiosk) rowHeights(w float32) *rowHeights {
	ts := theme.TextSize()
	if k.pub.rowsOf != k.camp || len(k.pub.rows) > maxRowCaches {
		k.pub.rows, k.pub.rowsOf = nil, k.camp
	}
	key := [2]float32{w, ts}
	hs := k.pub.rows[key]
	if hs == nil {
		hs = &rowHeights{width: w, text: ts, h: make(map[rowKey]float32), probe: widgets.NewTile("", "", widgets.Arrow, nil)}
		if k.pub.rows == nil {
			k.pub.rows = make(map[[2]float32]*rowHeights)
		}
		k.pub.rows[key] = hs
	}
	return hs
}

// maxRowCaches bounds the caches kept: a window is resized rarely.
const maxRowCaches = 8

// of is p's tile height: its title and line wrapped at the width.
func (hs *rowHeights) of(k *Kiosk, p *campaign.Proposal) float32 {
	key := rowKey{p.ID, string(k.lang())}
	if h, ok := hs.h[key]; ok {
		return h
	}
	h := hs.measure(k.text(p.Title), k.proposalLine(p))
	hs.h[key] = h
	return h
}

// known reports whether p's height was measured.
func (hs *rowHeights) known(k *Kiosk, p *campaign.Proposal) bool {
	_, ok := hs.h[rowKey{p.ID, string(k.lang())}]
	return ok
}

// guess is p's height if measured, else that of a tile whose title and
// line take one line each.
func (hs *rowHeights) guess(k *Kiosk, p *campaign.Proposal) float32 {
	if h, ok := hs.h[rowKey{p.ID, string(k.lang())}]; ok {
		return h
	}
	if hs.oneLine == 0 {
		hs.oneLine = hs.measure("M", "M")
	}
	return hs.oneLine
}

func (hs *rowHeights) measure(title, detail string) float32 {
	t := hs.probe
	t.Title, t.Detail = title, detail
	t.Refresh()
	t.Resize(fyne.NewSize(hs.width, widgets.TouchMin))
	return t.MinSize().Height
}
