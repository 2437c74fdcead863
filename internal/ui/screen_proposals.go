package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// browseScreen lists proposals, filtered by theme, alcaldía and a search.
// The list is virtualised (proposalList): a campaign of hundreds of
// proposals shows as fast as one of ten.
type browseScreen struct {
	k       *Kiosk
	list    *proposalList // nil when nothing matches
	filters []*widgets.Tile
}

func (s *browseScreen) kind() screenKind { return kindBrowse }

func (s *browseScreen) view() *view {
	k := s.k
	sess := k.sess
	s.list, s.filters = nil, nil

	themeName := k.T("browse.theme.all")
	if t := k.camp.Theme(sess.theme); t != nil {
		themeName = k.text(t.Label)
	}
	areaName := k.T("browse.area.all")
	if a, ok := campaign.AlcaldiaByID(sess.area); ok {
		areaName = a.Name
	}
	search := k.T("browse.search")
	if sess.query != "" {
		search = "«" + sess.query + "»"
	}
	themeTile := k.tile(k.T("browse.theme"), themeName, widgets.NoMark, false, func() { k.show(&themePicker{k: k}) })
	themeTile.Icon = theme.ListIcon()
	areaTile := k.tile(k.T("browse.area"), areaName, widgets.NoMark, false, func() { k.show(&areaFilter{k: k}) })
	areaTile.Icon = theme.HomeIcon()
	searchTile := k.tile(k.T("browse.searchtitle"), search, widgets.NoMark, false, func() { k.show(newSearchScreen(k)) })
	searchTile.Icon = theme.SearchIcon()
	s.filters = []*widgets.Tile{themeTile, areaTile, searchTile}
	filters := grid(3, themeTile, areaTile, searchTile)

	items := k.filtered()
	count := caption(k.lang().N("browse.count", len(items)))
	top := container.NewVBox(filters, count)
	var list fyne.CanvasObject = para(k.T("browse.none"))
	if len(items) > 0 {
		s.list = k.proposalList(items, func(p *campaign.Proposal) { k.show(&proposalScreen{k: k, id: p.ID}) })
		list = s.list.scroll
	}
	var extra []fyne.CanvasObject
	if sess.theme != "" || sess.area != "" || sess.query != "" {
		extra = append(extra, big(k.button(k.T("browse.clear"), theme.ContentClearIcon(), func() {
			sess.theme, sess.area, sess.query = "", "", ""
			k.render()
		})))
	}
	return &view{
		title: k.T("browse.title"),
		body:  container.NewBorder(top, nil, nil, nil, list),
		back:  func() { k.show(&homeScreen{k: k}) },
		extra: extra,
	}
}

// proposalLine says a proposal's theme, where it applies, whether the
// Drafting Group answered it and whether it is closed.
func (k *Kiosk) proposalLine(p *campaign.Proposal) string {
	var parts []string
	if t := k.camp.Theme(p.Theme); t != nil {
		parts = append(parts, k.text(t.Label))
	}
	if a, ok := campaign.AlcaldiaByID(p.Alcaldia); ok {
		parts = append(parts, a.Name)
	} else {
		parts = append(parts, k.T("proposal.citywide"))
	}
	if len(p.Responses) > 0 {
		parts = append(parts, k.T("browse.answered"))
	}
	if p.Closed {
		parts = append(parts, k.T("browse.closed"))
	}
	return strings.Join(parts, " · ")
}

// fold lowers case and drops accents, so "jardin" finds "jardín".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// themePicker chooses the theme filter.
type themePicker struct {
	k     *Kiosk
	tiles []*widgets.Tile
}

func (s *themePicker) kind() screenKind { return kindPickTheme }

func (s *themePicker) view() *view {
	k := s.k
	s.tiles = nil
	pick := func(id string) func() {
		return func() {
			k.sess.theme = id
			k.show(&browseScreen{k: k})
		}
	}
	all := k.tile(k.T("browse.theme.all"), k.lang().N("browse.count", len(k.camp.Proposals)), widgets.Radio, k.sess.theme == "", pick(""))
	s.tiles = append(s.tiles, all)
	objs := []fyne.CanvasObject{all}
	for _, t := range k.camp.Themes {
		n := len(k.camp.ProposalsInTheme(t.ID))
		if n == 0 {
			continue
		}
		tile := k.tile(k.text(t.Label), k.lang().N("browse.count", n), widgets.Radio, k.sess.theme == t.ID, pick(t.ID))
		s.tiles = append(s.tiles, tile)
		objs = append(objs, tile)
	}
	return &view{title: k.T("browse.theme.title"), body: k.scroll(grid(2, objs...)),
		back: func() { k.show(&browseScreen{k: k}) }}
}

// areaFilter chooses the alcaldía filter.
type areaFilter struct {
	k     *Kiosk
	tiles []*widgets.Tile
}

func (s *areaFilter) kind() screenKind { return kindPickArea }

func (s *areaFilter) view() *view {
	k := s.k
	s.tiles = nil
	pick := func(id string) func() {
		return func() {
			k.sess.area = id
			k.show(&browseScreen{k: k})
		}
	}
	all := k.tile(k.T("browse.area.all"), "", widgets.NoMark, k.sess.area == "", pick(""))
	s.tiles = append(s.tiles, all)
	objs := []fyne.CanvasObject{all}
	for _, a := range campaign.Alcaldias {
		t := k.tile(a.Name, "", widgets.NoMark, k.sess.area == a.ID, pick(a.ID))
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	return &view{title: k.T("browse.area.title"), body: k.scroll(container.NewVBox(para(k.T("browse.area.help")), grid(4, objs...))),
		back: func() { k.show(&browseScreen{k: k}) }}
}
