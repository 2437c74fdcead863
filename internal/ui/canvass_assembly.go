package ui

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// An impromptu assembly: a canvasser at a gathering the campaign does not
// list opens it on the spot (title, venue, alcaldía, what it is about;
// it starts now, and the canvasser organises it). It is saved as an event
// proposal, with an id made on the device, and becomes the canvasser's
// current assembly at once: the attendees' signatures carry that id as
// their event, and central links them to the assembly once moderators
// publish it.
//
// The current impromptu assembly is kept in the device's settings
// (handoff.SettingCanvassAssembly), not only in memory like a listed assembly:
// it exists nowhere else on the device, and a kiosk restarted in the
// middle of the gathering must go on collecting under the same id.

// Impromptu assembly screens.
const (
	kindImpromptuTitle   screenKind = "canvass-open-title"
	kindImpromptuVenue   screenKind = "canvass-open-venue"
	kindImpromptuArea    screenKind = "canvass-open-alcaldia"
	kindImpromptuAbout   screenKind = "canvass-open-about"
	kindImpromptuConsent screenKind = "canvass-open-consent"
	kindImpromptuReview  screenKind = "canvass-open-review"
)

// impromptu is the stored impromptu assembly: what the hub and the
// pickers show, and the proposals collected for there.
type impromptu struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Venue     string    `json:"venue"`
	Alcaldia  string    `json:"alcaldia"`
	Starts    time.Time `json:"starts"`
	Canvasser string    `json:"canvasser"`
	Proposals []string  `json:"proposals,omitempty"`
}

// impromptuDraft is the canvasser's input for a new impromptu assembly.
type impromptuDraft struct {
	title, venue, area, about string
	consent                   bool
}

func (d *impromptuDraft) wipe() { *d = impromptuDraft{} }

func (d *impromptuDraft) dirty() bool {
	return d.title != "" || d.venue != "" || d.area != "" || d.about != "" || d.consent
}

// impromptu reads the stored impromptu assembly; nil when there is none,
// or when the campaign now lists it (it was published: from then on it is
// an assembly like the others).
func (k *Kiosk) impromptu() *impromptu {
	v, err := k.store.Setting(context.Background(), handoff.SettingCanvassAssembly, "")
	if err != nil {
		k.log.Warn("read setting", "key", handoff.SettingCanvassAssembly, "err", err)
		return nil
	}
	if v == "" {
		return nil
	}
	var im impromptu
	if err := json.Unmarshal([]byte(v), &im); err != nil {
		k.log.Warn("read impromptu assembly", "err", err)
		return nil
	}
	if !record.IsSubmissionID(record.KindEventProposal, im.ID) || k.camp.Event(im.ID) != nil {
		return nil
	}
	return &im
}

// impromptuAt is the stored impromptu assembly if it is the one with id.
func (k *Kiosk) impromptuAt(id string) *impromptu {
	if im := k.impromptu(); im != nil && im.ID == id {
		return im
	}
	return nil
}

// keepImpromptu stores im as the device's impromptu assembly.
func (k *Kiosk) keepImpromptu(im *impromptu) {
	b, err := json.Marshal(im)
	if err == nil {
		err = k.store.SetSetting(context.Background(), handoff.SettingCanvassAssembly, string(b))
	}
	if err != nil {
		k.log.Error("store impromptu assembly", "err", err)
	}
}

// assemblyKnown reports whether id is an assembly the canvasser can
// collect at: one the campaign lists, or the impromptu one.
func (k *Kiosk) assemblyKnown(id string) bool {
	return k.camp.Event(id) != nil || k.impromptuAt(id) != nil
}

// assemblyTitle is the title of the assembly with id, listed or impromptu.
func (k *Kiosk) assemblyTitle(id string) string {
	if e := k.camp.Event(id); e != nil {
		return k.text(e.Title)
	}
	if im := k.impromptuAt(id); im != nil {
		return im.Title
	}
	return ""
}

// assemblyArea is the alcaldía of the assembly with id, listed or
// impromptu: the attendees' alcaldía comes filled in from it.
func (k *Kiosk) assemblyArea(id string) string {
	if e := k.camp.Event(id); e != nil {
		return e.Alcaldia
	}
	if im := k.impromptuAt(id); im != nil {
		return im.Alcaldia
	}
	return ""
}

// impromptuEntries are the assembly picker's ways to an impromptu
// assembly: a tile for the one open on this device (first, as the
// likeliest choice), and a button in the bottom bar, always in view, to
// open a new one. Both need a central that takes event proposals.
func (k *Kiosk) impromptuEntries() (current []fyne.CanvasObject, open []fyne.CanvasObject) {
	if !k.camp.AcceptsKind(string(record.KindEventProposal)) {
		return nil, nil
	}
	if im := k.impromptu(); im != nil {
		id := im.ID
		detail := k.F("canvass.open.current", im.Venue, k.lang().Clock(im.Starts))
		current = append(current, k.tile(im.Title, detail, widgets.Arrow, k.canv.event == id, func() {
			if k.canv.event != id {
				k.canv.event, k.canv.proposals = id, nil
			}
			k.show(&proposalsPicker{k: k})
		}))
	}
	b := k.button(k.T("canvass.open.new"), theme.ContentAddIcon(), func() {
		k.sess.impromptu.wipe()
		k.openingAssembly().start()
	})
	return current, []fyne.CanvasObject{wide(b)}
}

// openingAssembly is the canvasser's flow for an impromptu assembly.
func (k *Kiosk) openingAssembly() *flow {
	d := &k.sess.impromptu
	picker := func() { k.show(&assemblyPicker{k: k}) }
	f := &flow{k: k, kicker: "canvass.open.step", draft: d, exit: picker}
	f.steps = []func(stepAt) screen{
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindImpromptuTitle, layout: widgets.Text, max: record.MaxTitleLen,
				words: words{kicker: at.kicker, title: "canvass.open.title", help: "canvass.open.title.help"},
				get:   func() string { return d.title },
				set:   func(v string) { d.title = v },
				check: k.required("field.required.title"),
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindImpromptuVenue, layout: widgets.Text, max: record.MaxVenueLen,
				words: words{kicker: at.kicker, title: "canvass.open.venue", help: "canvass.open.venue.help"},
				get:   func() string { return d.venue },
				set:   func(v string) { d.venue = v },
				check: k.required("field.required.venue"),
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &areaStep{
				k: k, sk: kindImpromptuArea,
				words: words{kicker: at.kicker, title: "organise.area.title"},
				get:   func() string { return d.area },
				set:   func(v string) { d.area = v },
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindImpromptuAbout, layout: widgets.Text, long: true, max: record.MaxAboutLen,
				words: words{kicker: at.kicker, title: "canvass.open.about", help: "canvass.open.about.help"},
				get:   func() string { return d.about },
				set:   func(v string) { d.about = v },
				check: k.required("field.required.about"),
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &consentStep{
				k: k, sk: kindImpromptuConsent,
				words: words{kicker: at.kicker, title: "canvass.open.consent"},
				get:   func() bool { return d.consent },
				set:   func(v bool) { d.consent = v },
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen {
			return &reviewStep{
				k: k, sk: kindImpromptuReview, at: at,
				words: words{kicker: at.kicker, title: "canvass.open.review", help: "canvass.open.review.help"},
				rows: func() []reviewRow {
					area := ""
					if a, ok := campaign.AlcaldiaByID(d.area); ok {
						area = a.Name
					}
					return []reviewRow{
						{"organise.review.titlerow", d.title, kindImpromptuTitle},
						{"organise.review.venue", d.venue, kindImpromptuVenue},
						{"organise.review.area", area, kindImpromptuArea},
						{"organise.review.about", d.about, kindImpromptuAbout},
						{"organise.review.when", k.F("canvass.open.now", k.lang().Clock(k.now())), ""},
						{"organise.review.organiser", k.canv.name, ""},
					}
				},
				submit: "canvass.open.submit",
				send:   at.next,
				back:   at.back,
			}
		},
	}
	// What the hub shows of it: the device cannot open the sealed record,
	// and the draft is wiped by the time it is saved.
	var opened impromptu
	f.submit = func() (*record.Draft, error) {
		a := &record.Assembly{
			Title: d.title, Starts: k.now(), Alcaldia: d.area, Venue: d.venue, About: d.about,
			Organiser: k.canv.name, Lang: string(k.lang()), ConsentVersion: consentVersion(d.consent, k.camp),
		}
		opened = impromptu{Title: record.NormalizeLine(a.Title), Venue: record.NormalizeLine(a.Venue),
			Alcaldia: a.Alcaldia, Starts: a.Starts, Canvasser: k.canv.name}
		return &record.Draft{
			Kind: record.KindEventProposal, SubjectID: record.NewSubmissionID(record.KindEventProposal),
			Mode: record.ModeCanvasser, Body: record.Body{Assembly: a, Canvasser: k.canv.name},
		}, nil
	}
	f.saved = func(r *record.Record) {
		opened.ID = r.SubjectID
		k.impromptuOpened(&opened)
	}
	return f
}

// impromptuOpened makes the assembly just saved the canvasser's current
// one, kept in the settings, and goes on to the proposals collected there.
func (k *Kiosk) impromptuOpened(im *impromptu) {
	k.keepImpromptu(im)
	k.canv.event, k.canv.proposals = im.ID, nil
	k.canv.last, k.canv.already = nil, nil // the previous attendee's, at another assembly
	k.Touch()
	k.show(&proposalsPicker{k: k})
}

// rememberProposals keeps the proposals chosen for the impromptu
// assembly with it, for a restarted kiosk to resume.
func (k *Kiosk) rememberProposals() {
	im := k.impromptuAt(k.canv.event)
	if im == nil || slices.Equal(im.Proposals, k.canv.proposals) {
		return
	}
	im.Proposals = slices.Clone(k.canv.proposals)
	k.keepImpromptu(im)
}

// resumeImpromptu is the hub of the stored impromptu assembly for the
// canvasser who opened it, with the proposals chosen for it that the
// campaign still has; nil when there is nothing to resume.
func (k *Kiosk) resumeImpromptu() screen {
	im := k.impromptu()
	if im == nil || im.Canvasser != k.canv.name {
		return nil
	}
	var keep []string
	for _, p := range k.camp.Proposals {
		if slices.Contains(im.Proposals, p.ID) {
			keep = append(keep, p.ID)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	k.canv.event, k.canv.proposals = im.ID, keep
	return &canvassHub{k: k}
}
