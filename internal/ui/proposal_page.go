package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// proposalScreen shows one proposal: in plain words first, with the full
// text a tap away; what the Drafting Group answered; and how many support
// it across the city, with this kiosk's supports not counted yet added
// apart.
type proposalScreen struct {
	k    *Kiosk
	id   string
	full bool // the full text is open under the plain summary

	count     *widget.Label // the city-wide line, or this kiosk's count without a document
	asOf      *widget.Label // when the city-wide count is from, when it is old; nil otherwise
	uncounted *widget.Label // this kiosk's supports the count has not seen; nil when none
	answers   []*widget.Label
	closed    *widget.Label // says the proposal takes no new supports; nil when open
}

func (s *proposalScreen) kind() screenKind { return kindProposal }

func (s *proposalScreen) view() *view {
	k := s.k
	p := k.camp.Proposal(s.id)
	s.count, s.asOf, s.uncounted, s.answers, s.closed = nil, nil, nil, nil, nil
	objs := k.plainFirst(p.Plain, &s.full, func() []fyne.CanvasObject {
		return []fyne.CanvasObject{para(k.text(p.Summary))}
	})
	if p.Closed {
		// Closed: no new supports (the outbox would refuse them), the
		// count and the answers as before.
		s.closed = para(k.T("proposal.closed"))
		s.closed.TextStyle = fyne.TextStyle{Bold: true}
		objs = append(objs, s.closed)
	}
	objs = append(objs, caption(k.proposalLine(p)), widget.NewSeparator())
	// The count comes before the answers: short, and the reason to sign.
	objs = append(objs, s.countLines(p)...)
	for _, r := range responsesNewestFirst(p) {
		card, answer := k.responseCard(p, r)
		objs = append(objs, card)
		if answer != nil {
			s.answers = append(s.answers, answer)
		}
	}
	v := &view{
		kicker: k.T("proposal.kicker"),
		title:  k.text(p.Title),
		body:   k.scroll(container.NewVBox(objs...)),
		back:   func() { k.show(&browseScreen{k: k}) },
	}
	if !p.Closed {
		v.next = &action{label: k.T("proposal.support"), run: func() {
			if k.sess.sign.proposal != s.id {
				k.sess.sign.wipe()
				k.sess.sign.proposal = s.id
			}
			k.kioskSigning().start()
		}}
	}
	return v
}

// countLines say where the proposal stands: city-wide from central's
// signed document when the device holds one ("12,480 apoyos en toda la
// ciudad · faltan 2,520 para una respuesta por escrito"), with its time
// when it is old and this kiosk's supports it has not counted; without
// one, this kiosk's own count and the goal.
func (s *proposalScreen) countLines(p *campaign.Proposal) []fyne.CanvasObject {
	k := s.k
	l := k.lang()
	ctx := context.Background()
	cc := k.cityCountOf(ctx, p)
	if !cc.Known {
		n, err := k.store.CountSince(ctx, time.Time{}, record.KindSignature, p.ID, "")
		if err != nil {
			k.log.Warn("count supports", "err", err)
		}
		s.count = subheading(l.N("proposal.here", n))
		return []fyne.CanvasObject{s.count, para(l.N("proposal.goal", k.camp.Goal(p)))}
	}
	line := l.N("progress.city", int(cc.Signers))
	if cc.Next != nil {
		line += " · " + l.N("progress.missing", cc.Missing, k.text(cc.Next.Earns))
	} else {
		line += " · " + k.T("progress.alltiers")
	}
	s.count = subheading(line)
	out := []fyne.CanvasObject{s.count}
	if cc.Stale {
		s.asOf = caption(k.F("progress.asof", l.DayTime(cc.CountedAt.In(k.now().Location()))))
		out = append(out, s.asOf)
	}
	if n := cc.Uncounted.Total(); n > 0 {
		id := "progress.unsent"
		if cc.Uncounted.Sent > 0 {
			id = "progress.uncounted"
		}
		s.uncounted = para(l.N(id, n))
		out = append(out, s.uncounted)
	}
	if cc.Tier != nil {
		out = append(out, para(k.F("progress.tier", k.text(cc.Tier.Earns))))
	}
	return out
}

// responsesNewestFirst are p's responses, the most recent first.
func responsesNewestFirst(p *campaign.Proposal) []*campaign.Response {
	rs := make([]*campaign.Response, len(p.Responses))
	for i := range p.Responses {
		rs[i] = &p.Responses[i]
	}
	slices.SortStableFunc(rs, func(a, b *campaign.Response) int { return b.Date.Compare(a.Date) })
	return rs
}

// responseCard shows one of the Drafting Group's responses: its written
// answer with its date and who signed it, or the meeting or session held,
// with its date, place and minute. It returns the card and the answer's
// label (nil for a meeting without a written answer).
func (k *Kiosk) responseCard(p *campaign.Proposal, r *campaign.Response) (fyne.CanvasObject, *widget.Label) {
	l := k.lang()
	date := l.Day(r.Date.In(k.now().Location()))
	written := strings.TrimSpace(k.text(r.Text)) != ""
	head := k.heldTitle(p, r)
	if written {
		head = k.T("response.answer")
	}
	title := subheading(head)
	objs := []fyne.CanvasObject{title}
	var answer *widget.Label
	if written {
		meta := date
		if r.SignedBy != "" {
			meta = k.F("response.signed", date, r.SignedBy)
		}
		objs = append(objs, caption(meta))
		answer = para(k.text(r.Text))
		objs = append(objs, answer)
	}
	if place := k.text(r.Place); place != "" || k.text(r.Minute) != "" {
		if written {
			objs = append(objs, subheading(k.heldTitle(p, r)))
		}
		meta := date
		if place != "" {
			meta = k.F("response.place", date, place)
		}
		objs = append(objs, caption(meta))
		if m := k.text(r.Minute); m != "" {
			objs = append(objs, para(m))
		}
	}
	card := container.NewStack(
		roundRect(theme.Color(theme.ColorNameButton)),
		container.New(layout.NewCustomPaddedLayout(4, 4, 12, 12), container.NewVBox(objs...)))
	return card, answer
}

// heldTitle names a meeting or session held for r.
func (k *Kiosk) heldTitle(p *campaign.Proposal, r *campaign.Response) string {
	switch r.Tier {
	case campaign.TierMeeting:
		return k.T("response.meeting")
	case campaign.TierSession:
		return k.T("response.session")
	}
	return k.F("response.held", k.earnsOf(p, r.Tier))
}

// earnsOf is what the tier of p's ladder earns, or its id when the ladder
// no longer has it.
func (k *Kiosk) earnsOf(p *campaign.Proposal, tier string) string {
	for _, t := range k.camp.TiersOf(p) {
		if t.ID == tier {
			return k.text(t.Earns)
		}
	}
	return tier
}

// plainFirst is the start of a proposal's or an article's page: its plain
// summary first, under "En pocas palabras", and a button that opens the
// full text (rest) beneath it; the full text alone when there is no plain
// summary. *open keeps the choice across a language or look switch.
func (k *Kiosk) plainFirst(plain campaign.Text, open *bool, rest func() []fyne.CanvasObject) []fyne.CanvasObject {
	text := strings.TrimSpace(k.text(plain))
	if text == "" {
		return rest()
	}
	head := caption(k.T("plain.title"))
	head.TextStyle = fyne.TextStyle{Bold: true}
	summary := para(text)
	summary.SizeName = theme.SizeNameSubHeadingText
	objs := []fyne.CanvasObject{head, summary}
	if *open {
		full := caption(k.T("plain.fulltitle"))
		full.TextStyle = fyne.TextStyle{Bold: true}
		return append(append(objs, widget.NewSeparator(), full), rest()...)
	}
	more := k.button(k.T("plain.full"), theme.DocumentIcon(), func() {
		*open = true
		k.render()
	})
	return append(objs, container.NewHBox(big(more)))
}
