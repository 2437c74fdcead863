package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Registering for a Citizen Assembly: choose one from the list, then name,
// optional contact, privacy notice, review.

// regDraft is one registrant's input.
type regDraft struct {
	event   string // event id
	name    string
	contact string
	consent bool
}

func (d *regDraft) wipe() { *d = regDraft{} }

func (d *regDraft) dirty() bool { return d.name != "" || d.contact != "" || d.consent }

// registering is the registration flow for the assembly in the draft.
func (k *Kiosk) registering() *flow {
	d := &k.sess.reg
	return &flow{
		k: k, kicker: "reg.step", draft: d,
		exit: func() { k.show(&eventsScreen{k: k}) },
		steps: []func(stepAt) screen{
			func(at stepAt) screen {
				return &textStep{
					k: k, sk: kindRegName, layout: widgets.Text, max: record.MaxNameLen,
					words: words{kicker: at.kicker, title: "reg.name.title", help: "reg.name.help"},
					get:   func() string { return d.name },
					set:   func(v string) { d.name = v },
					check: k.checkName,
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen {
				return &textStep{
					k: k, sk: kindRegContact, layout: widgets.Text, max: record.MaxContactLen, skip: true,
					words: words{kicker: at.kicker, title: "reg.contact.title", help: "reg.contact.help"},
					get:   func() string { return d.contact },
					set:   func(v string) { d.contact = v },
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen {
				return &consentStep{
					k: k, sk: kindRegConsent,
					words: words{kicker: at.kicker, title: "consent.title"},
					get:   func() bool { return d.consent },
					set:   func(v bool) { d.consent = v },
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen { return k.regReview(at, d) },
		},
		submit: func() (*record.Draft, error) {
			return &record.Draft{
				Kind: record.KindEvent, SubjectID: d.event, Mode: k.mode,
				Body: record.Body{Registrant: &record.Registrant{
					Name:           strings.TrimSpace(d.name),
					Contact:        strings.TrimSpace(d.contact),
					ConsentVersion: consentVersion(d.consent, k.camp),
				}},
			}, nil
		},
	}
}

func (k *Kiosk) regReview(at stepAt, d *regDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: kindRegReview, at: at,
		words: words{kicker: at.kicker, title: "reg.review.title", help: "reg.review.help"},
		rows: func() []reviewRow {
			ev := ""
			if e := k.camp.Event(d.event); e != nil {
				ev = k.text(e.Title) + "\n" + k.eventLine(e)
			}
			contact := d.contact
			if strings.TrimSpace(contact) == "" {
				contact = k.T("reg.review.nocontact")
			}
			return []reviewRow{
				{"reg.review.event", ev, ""},
				{"reg.review.name", d.name, kindRegName},
				{"reg.review.contact", contact, kindRegContact},
			}
		},
		submit: "reg.submit",
		send:   at.next,
		back:   at.back,
	}
}

// eventsScreen lists the assemblies that have not ended; choosing one
// starts the registration.
type eventsScreen struct {
	k     *Kiosk
	tiles []*widgets.Tile
	ids   []string
}

func (s *eventsScreen) kind() screenKind { return kindEvents }

func (s *eventsScreen) view() *view {
	k := s.k
	s.tiles, s.ids = nil, nil
	var objs []fyne.CanvasObject
	for _, e := range k.camp.UpcomingEvents(k.now()) {
		id := e.ID
		t := k.tile(k.text(e.Title), k.eventLine(&e), widgets.Arrow, k.sess.reg.event == id, func() {
			if k.sess.reg.event != id {
				k.sess.reg.wipe()
				k.sess.reg.event = id
			}
			k.registering().start()
		})
		s.tiles = append(s.tiles, t)
		s.ids = append(s.ids, id)
		objs = append(objs, t)
	}
	if len(objs) == 0 {
		objs = append(objs, para(k.T("events.none")))
	}
	return &view{
		title: k.T("events.title"),
		body:  container.NewBorder(para(k.T("events.help")), nil, nil, nil, k.scroll(container.NewVBox(objs...))),
		back:  func() { k.show(&homeScreen{k: k}) },
	}
}

// eventLine says when and where an assembly is.
func (k *Kiosk) eventLine(e *campaign.Event) string {
	l := k.lang()
	return l.Date(e.Starts) + ", " + l.Span(e.Starts, e.Ends) + "\n" + k.text(e.Place)
}
