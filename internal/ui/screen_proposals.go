package ui

import (
	"context"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// browseScreen lists proposals, filtered by theme, alcaldía and a search.
type browseScreen struct {
	k       *Kiosk
	cards   []*widgets.Tile
	ids     []string // proposal id of each card
	filters []*widgets.Tile
}

func (s *browseScreen) kind() screenKind { return kindBrowse }

func (s *browseScreen) view() *view {
	k := s.k
	sess := k.sess
	s.cards, s.ids, s.filters = nil, nil, nil

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
	searchTile := k.tile(k.T("browse.searchtitle"), search, widgets.NoMark, false, func() { k.show(k.searchStep()) })
	searchTile.Icon = theme.SearchIcon()
	s.filters = []*widgets.Tile{themeTile, areaTile, searchTile}
	filters := grid(3, themeTile, areaTile, searchTile)

	var list []fyne.CanvasObject
	for _, p := range k.filtered() {
		id := p.ID
		t := k.tile(k.text(p.Title), k.proposalLine(&p), widgets.Arrow, false, func() {
			k.show(&proposalScreen{k: k, id: id})
		})
		s.cards = append(s.cards, t)
		s.ids = append(s.ids, id)
		list = append(list, t)
	}
	count := caption(k.lang().N("browse.count", len(list)))
	top := container.NewVBox(filters, count)
	if len(list) == 0 {
		list = append(list, para(k.T("browse.none")))
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
		body:  container.NewBorder(top, nil, nil, nil, k.scroll(container.NewVBox(list...))),
		back:  func() { k.show(&homeScreen{k: k}) },
		extra: extra,
	}
}

// proposalLine says a proposal's theme and where it applies.
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
	return strings.Join(parts, " · ")
}

// filtered returns the proposals that pass the session's filters. With an
// alcaldía chosen, its own proposals come first, then those for the whole
// city, which concern everyone.
func (k *Kiosk) filtered() []campaign.Proposal {
	s := k.sess
	q := fold(s.query)
	var local, city []campaign.Proposal
	for _, p := range k.camp.Proposals {
		if s.theme != "" && p.Theme != s.theme {
			continue
		}
		if s.area != "" && p.Alcaldia != "" && p.Alcaldia != s.area {
			continue
		}
		if q != "" && !strings.Contains(fold(p.Title.Get("es")+" "+p.Title.Get("en")+" "+
			p.Summary.Get("es")+" "+p.Summary.Get("en")), q) {
			continue
		}
		if s.area != "" && p.Alcaldia == s.area {
			local = append(local, p)
		} else {
			city = append(city, p)
		}
	}
	return append(local, city...)
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

// searchStep types a search.
func (k *Kiosk) searchStep() *textStep {
	s := k.sess
	before := s.query
	return &textStep{
		k: k, sk: kindSearch, layout: widgets.Text,
		words: words{title: "search.title", help: "search.help"},
		get:   func() string { return s.query },
		set:   func(v string) { s.query = v },
		back: func() {
			s.query = before
			k.show(&browseScreen{k: k})
		},
		next: func() error {
			s.query = strings.TrimSpace(s.query)
			k.show(&browseScreen{k: k})
			return nil
		},
	}
}

// proposalScreen shows one proposal and how many supported it here.
type proposalScreen struct {
	k  *Kiosk
	id string
}

func (s *proposalScreen) kind() screenKind { return kindProposal }

func (s *proposalScreen) view() *view {
	k := s.k
	p := k.camp.Proposal(s.id)
	n, err := k.store.CountSince(context.Background(), time.Time{}, record.KindSignature, p.ID, "")
	if err != nil {
		k.log.Warn("count supports", "err", err)
	}
	here := subheading(k.lang().N("proposal.here", n))
	goal := para(k.lang().N("proposal.goal", k.camp.Goal(p)))
	body := container.NewVBox(
		caption(k.proposalLine(p)),
		para(k.text(p.Summary)),
		widget.NewSeparator(),
		here, goal)
	return &view{
		kicker: k.T("proposal.kicker"),
		title:  k.text(p.Title),
		body:   k.scroll(body),
		back:   func() { k.show(&browseScreen{k: k}) },
		next: &action{label: k.T("proposal.support"), run: func() {
			if k.sess.sign.proposal != s.id {
				k.sess.sign.wipe()
				k.sess.sign.proposal = s.id
			}
			k.kioskSigning().start()
		}},
	}
}
