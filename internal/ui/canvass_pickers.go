package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// The canvasser's choices before the attendees come: the assembly, the
// proposals collected for there, and the attendee's own choice among them.

// assemblyPicker picks the assembly from the campaign's events.
type assemblyPicker struct {
	k     *Kiosk
	tiles []*widgets.Tile
}

func (s *assemblyPicker) kind() screenKind { return kindCanvassEvent }

func (s *assemblyPicker) view() *view {
	k := s.k
	s.tiles = nil
	var objs []fyne.CanvasObject
	for _, e := range k.camp.Events {
		id := e.ID
		detail := k.text(e.Place) + " · " + k.lang().Date(e.Starts) + ", " + k.lang().Span(e.Starts, e.Ends)
		t := k.tile(k.text(e.Title), detail, widgets.Arrow, k.canv.event == id, func() {
			if k.canv.event != id {
				k.canv.event, k.canv.proposals = id, nil
			}
			k.show(&proposalsPicker{k: k})
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	current, open := k.impromptuEntries()
	objs = append(current, objs...)
	return &view{
		title: k.T("canvass.event.title"), kicker: k.F("canvass.who", k.canv.name),
		body:    k.scroll(container.NewVBox(para(k.T("canvass.event.help")), grid(2, objs...))),
		idle:    idleNever, // canvassTick
		startTo: k.T("canvass.signout"),
		extra:   open,
	}
}

func (s *assemblyPicker) tick(now time.Time)  { s.k.canvassTick(now) }
func (s *proposalsPicker) tick(now time.Time) { s.k.canvassTick(now) }

// eventProposals are the proposals signed at an event: those it names,
// or every proposal when it names none; closed ones take no supports
// and are left out.
func eventProposals(c *campaign.Campaign, eventID string) []campaign.Proposal {
	e := c.Event(eventID)
	var out []campaign.Proposal
	for _, p := range c.Proposals {
		if p.Closed {
			continue
		}
		if e == nil || len(e.Proposals) == 0 || slices.Contains(e.Proposals, p.ID) {
			out = append(out, p)
		}
	}
	return out
}

// proposalsPicker picks the proposals being signed at the assembly.
type proposalsPicker struct {
	k     *Kiosk
	tiles []*widgets.Tile
	msg   message
}

func (s *proposalsPicker) kind() screenKind { return kindCanvassProposals }

func (s *proposalsPicker) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.tiles = nil
	props := eventProposals(k.camp, k.canv.event)
	if len(props) == 1 && len(k.canv.proposals) == 0 {
		k.canv.proposals = []string{props[0].ID}
	}
	var objs []fyne.CanvasObject
	for _, p := range props {
		id := p.ID
		var t *widgets.Tile
		t = k.tile(k.text(p.Title), "", widgets.Check, k.canv.collects(id), func() {
			k.canv.toggle(id, props)
			t.SetSelected(k.canv.collects(id))
			s.msg.clear()
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	title := k.assemblyTitle(k.canv.event)
	return &view{
		title: k.T("canvass.proposals.title"), kicker: k.F("canvass.who", k.canv.name),
		body:    k.scroll(container.NewVBox(subheading(title), para(k.T("canvass.proposals.help")), container.NewVBox(objs...), s.msg)),
		idle:    idleNever, // canvassTick
		startTo: k.T("canvass.signout"),
		back:    func() { k.show(&assemblyPicker{k: k}) },
		next: &action{label: k.T("canvass.proposals.go"), run: func() {
			if len(k.canv.proposals) == 0 {
				s.msg.fail(k.T("canvass.proposals.none"))
				return
			}
			k.rememberProposals()
			k.show(&canvassHub{k: k})
		}},
	}
}

// collects reports whether the canvasser collects for proposal id.
func (c *canvass) collects(id string) bool { return slices.Contains(c.proposals, id) }

// toggle adds or removes a proposal, keeping campaign order.
func (c *canvass) toggle(id string, props []campaign.Proposal) {
	on := !c.collects(id)
	var out []string
	for _, p := range props {
		if (p.ID == id && on) || (p.ID != id && c.collects(p.ID)) {
			out = append(out, p.ID)
		}
	}
	c.proposals = out
}

// attendeeChoice lets the attendee tick the proposals they support, one
// or several. It is the first step of the attendee's signing flow when
// the canvasser collects for several.
type attendeeChoice struct {
	k     *Kiosk
	at    stepAt
	ids   []string // the proposals collected for
	d     *signDraft
	tiles []*widgets.Tile
	msg   message
}

func (s *attendeeChoice) kind() screenKind { return kindCanvassPick }

func (s *attendeeChoice) view() *view {
	k := s.k
	s.tiles = nil
	s.msg = k.newMessage()
	var objs []fyne.CanvasObject
	for _, id := range s.ids {
		p := k.camp.Proposal(id)
		if p == nil {
			continue
		}
		pid := id
		var t *widgets.Tile
		t = k.tile(k.text(p.Title), k.text(p.Summary), widgets.Check, slices.Contains(s.d.proposals, pid), func() {
			s.toggle(pid)
			t.SetSelected(slices.Contains(s.d.proposals, pid))
			s.msg.clear()
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	return &view{
		kicker: s.at.kicker(), title: k.T("canvass.pick.title"),
		body: k.scroll(container.NewVBox(para(k.T("canvass.pick.help")), container.NewVBox(objs...), s.msg)),
		back: s.at.back,
		next: &action{label: k.T("step.next"), run: func() {
			if len(s.d.proposals) == 0 {
				s.msg.fail(k.T("canvass.pick.none"))
				return
			}
			if err := s.at.next(); err != nil {
				s.msg.fail(k.explain(err))
			}
		}},
	}
}

// toggle adds or removes a proposal of the attendee's, keeping the
// canvasser's order.
func (s *attendeeChoice) toggle(id string) {
	on := !slices.Contains(s.d.proposals, id)
	var out []string
	for _, p := range s.ids {
		if (p == id && on) || (p != id && slices.Contains(s.d.proposals, p)) {
			out = append(out, p)
		}
	}
	s.d.proposals = out
}
