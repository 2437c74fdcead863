package ui

import (
	"context"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// SizeNameDisplay is the theme size of the attract screen's title.
const SizeNameDisplay fyne.ThemeSizeName = "voces.display"

// attractScreen invites passers-by: the campaign title, "touch to begin"
// in both languages, a rotating highlight of proposals and assemblies, and
// how many contributions this kiosk collected today. It is also the only
// screen where new campaign content is applied.
type attractScreen struct {
	k     *Kiosk
	items []highlight
	at    int       // highlight shown
	since time.Time // when it was shown

	touch    *tapArea
	hlKind   *widget.Label
	hlTitle  *widget.Label
	hlDetail *widget.Label
	today    *widget.Label
}

// highlight is one rotating item of the attract screen.
type highlight struct {
	kind          string // message id of its kind
	title, detail campaign.Text
	when          time.Time // assemblies: when it starts
}

func newAttract(k *Kiosk) *attractScreen {
	a := &attractScreen{k: k, since: k.now()}
	c := k.camp
	// What the Drafting Group answered this week comes first: the news
	// that the process listens.
	for _, p := range c.Answered(k.now().AddDate(0, 0, -7)) {
		a.items = append(a.items, highlight{kind: "attract.answered", title: p.Title, detail: latestAnswer(p)})
	}
	evs := c.UpcomingEvents(k.now())
	// Alternate proposals and assemblies, so both show within a minute.
	for i := 0; i < max(len(c.Proposals), len(evs)); i++ {
		if i < len(c.Proposals) && !c.Proposals[i].Closed {
			p := &c.Proposals[i]
			detail := p.Summary
			if p.Plain != nil {
				detail = p.Plain // a passer-by reads a teaser in plain words
			}
			a.items = append(a.items, highlight{kind: "attract.proposal", title: p.Title, detail: detail})
		}
		if i < len(evs) {
			e := &evs[i]
			a.items = append(a.items, highlight{kind: "attract.event", title: e.Title, detail: e.Place, when: e.Starts})
		}
	}
	return a
}

func (a *attractScreen) kind() screenKind { return kindAttract }

func (a *attractScreen) view() *view {
	k := a.k
	title := widget.NewLabel(k.text(k.camp.Title))
	title.SizeName = SizeNameDisplay
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Alignment = fyne.TextAlignCenter
	title.Wrapping = fyne.TextWrapWord
	sub := para(k.text(k.camp.Subtitle))
	sub.Alignment = fyne.TextAlignCenter

	a.hlKind = caption("")
	a.hlKind.TextStyle = fyne.TextStyle{Bold: true}
	a.hlTitle = subheading("")
	a.hlDetail = para("")
	a.showItem()
	card := container.NewStack(
		roundRect(theme.Color(theme.ColorNameButton)),
		container.New(layout.NewCustomPaddedLayout(8, 8, 24, 24), container.NewVBox(a.hlKind, a.hlTitle, a.hlDetail)))

	// Both languages: the person has not chosen one yet. Plain text in the
	// colour for text on primary: a theme override would load a second
	// copy of every font.
	on := theme.Color(theme.ColorNameForegroundOnPrimary)
	es := canvas.NewText(i18n.Spanish.T("attract.touch"), on)
	es.TextSize = theme.Size(SizeNameDisplay)
	es.TextStyle = fyne.TextStyle{Bold: true}
	es.Alignment = fyne.TextAlignCenter
	en := canvas.NewText(i18n.English.T("attract.touch"), on)
	en.TextSize = theme.Size(theme.SizeNameSubHeadingText)
	en.TextStyle = fyne.TextStyle{Bold: true}
	en.Alignment = fyne.TextAlignCenter
	call := container.NewStack(roundRect(theme.Color(theme.ColorNamePrimary)),
		container.New(layout.NewCustomPaddedLayout(20, 24, 56, 56), container.NewVBox(es, en)))

	a.today = para("")
	a.today.Alignment = fyne.TextAlignCenter
	a.refreshToday()

	column := &fyne.Container{
		Layout:  &fitColumn{optional: []fyne.CanvasObject{sub, card}},
		Objects: []fyne.CanvasObject{title, sub, card, container.NewCenter(call), a.today},
	}
	content := container.New(layout.NewCustomPaddedLayout(32, 8, 80, 80), column)
	a.touch = newTapArea(func() {
		k.Touch()
		k.show(&languageScreen{k: k})
	})
	return &view{bare: true, idle: idleNever, body: container.NewStack(a.touch, content)}
}

func (a *attractScreen) showItem() {
	k := a.k
	if len(a.items) == 0 {
		a.hlKind.SetText("")
		a.hlTitle.SetText(k.text(k.camp.Survey.Title))
		a.hlDetail.SetText(k.text(k.camp.Survey.Intro))
		return
	}
	h := a.items[a.at%len(a.items)]
	kind := k.T(h.kind)
	if !h.when.IsZero() {
		kind += " · " + k.lang().Date(h.when) + ", " + k.lang().Clock(h.when)
	}
	a.hlKind.SetText(kind)
	a.hlTitle.SetText(k.text(h.title))
	a.hlDetail.SetText(excerpt(k.text(h.detail), 170))
}

// latestAnswer is the text of p's most recent response: its written
// answer, or the minute of the meeting or session held.
func latestAnswer(p *campaign.Proposal) campaign.Text {
	rs := responsesNewestFirst(p)
	for _, r := range rs {
		if r.Text != nil {
			return r.Text
		}
	}
	if len(rs) > 0 {
		return rs[0].Minute
	}
	return nil
}

// excerpt shortens s to at most n characters at a word boundary: the
// attract screen shows a teaser, the full text is a touch away.
func excerpt(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := n
	for cut > n/2 && rs[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(rs[:cut]), " ,.;:") + "…"
}

func (a *attractScreen) refreshToday() {
	k := a.k
	now := k.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	n, err := k.store.CountSince(context.Background(), day, "", "", "")
	if err != nil {
		k.log.Warn("count today", "err", err)
		a.today.SetText("")
		return
	}
	a.today.SetText(k.lang().N("attract.today", n))
}

// tick rotates the highlight and, between two people, applies campaign
// content syncd downloaded.
func (a *attractScreen) tick(now time.Time) {
	k := a.k
	if now.Sub(k.lastTick.campaign) >= campaignEvery {
		k.lastTick.campaign = now
		old := k.camp
		if err := k.loadCampaign(context.Background()); err != nil {
			k.log.Error("load campaign", "err", err)
		}
		if k.camp != old {
			k.show(newAttract(k))
			return
		}
		a.refreshToday()
	}
	if now.Sub(a.since) >= rotateEvery {
		a.since = now
		a.at++
		a.showItem()
	}
}

// tapArea is an invisible target that fills the attract screen: a touch
// anywhere begins.
type tapArea struct {
	widget.BaseWidget
	onTap func()
}

func newTapArea(f func()) *tapArea {
	t := &tapArea{onTap: f}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) Tapped(*fyne.PointEvent) { t.onTap() }

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func roundRect(c color.Color) *canvas.Rectangle {
	r := canvas.NewRectangle(c)
	r.CornerRadius = 14
	return r
}

// languageScreen asks which language to continue in.
type languageScreen struct{ k *Kiosk }

func (s *languageScreen) kind() screenKind { return kindLanguage }

func (s *languageScreen) view() *view {
	k := s.k
	var tiles []fyne.CanvasObject
	for _, l := range i18n.Langs {
		t := k.tile(l.T("language.name"), l.T("language.continue"), widgets.Arrow, false, func() {
			k.sess.lang = l
			k.show(&homeScreen{k: k})
		})
		tiles = append(tiles, t)
	}
	title := i18n.Spanish.T("language.title") + " · " + i18n.English.T("language.title")
	return &view{title: title, body: container.NewVBox(tiles...)}
}

// homeScreen offers the four things a person can do.
type homeScreen struct{ k *Kiosk }

func (s *homeScreen) kind() screenKind { return kindHome }

func (s *homeScreen) view() *view {
	k := s.k
	c := k.camp
	l := k.lang()
	items := []fyne.CanvasObject{}
	add := func(icon fyne.Resource, title, detail string, open func()) {
		t := k.tile(title, detail, widgets.Arrow, false, open)
		t.Icon = icon
		items = append(items, t)
	}
	if len(c.Survey.Questions) > 0 {
		add(theme.DocumentCreateIcon(), k.F("home.survey", k.text(c.Survey.Title)),
			l.N("home.survey.detail", len(c.Survey.Questions)),
			func() { k.show(&surveyIntro{k: k}) })
	}
	if len(c.Proposals) > 0 {
		add(theme.ConfirmIcon(), k.T("home.proposals"), l.N("home.proposals.detail", len(c.Proposals)),
			func() { k.show(&browseScreen{k: k}) })
	}
	if n := len(c.UpcomingEvents(k.now())); n > 0 {
		add(theme.CalendarIcon(), k.T("home.events"), l.N("home.events.detail", n),
			func() { k.show(&eventsScreen{k: k}) })
	}
	if len(c.Articles) > 0 {
		add(theme.FileTextIcon(), k.T("home.articles"), l.N("home.articles.detail", len(c.Articles)),
			func() { k.show(&articlesScreen{k: k}) })
	}
	return &view{
		title: k.T("home.title"),
		body:  k.scroll(container.NewVBox(items...)),
		back:  func() { k.show(&languageScreen{k: k}) },
	}
}

// fitColumn stacks objects at their minimum height with the spare height
// spread evenly between them. When they do not all fit (large text on a
// small screen), it hides the optional ones, in order, until the rest do:
// the attract screen loses its highlight before its call to touch.
type fitColumn struct {
	optional []fyne.CanvasObject
}

func (c *fitColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range c.optional {
		o.Show()
	}
	height := func() float32 {
		var h float32
		for _, o := range objs {
			if o.Visible() {
				h += o.MinSize().Height
			}
		}
		return h
	}
	for _, o := range c.optional {
		if height() <= size.Height {
			break
		}
		o.Hide()
	}
	n := 0
	for _, o := range objs {
		if o.Visible() {
			n++
		}
	}
	gap := max(size.Height-height(), 0) / float32(n+1)
	y := gap
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + gap
	}
}

func (c *fitColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if slices.Contains(c.optional, o) {
			continue
		}
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s
}
