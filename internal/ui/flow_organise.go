package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Announcing an assembly a resident organises: its title, the day and
// time (picked by touch, never typed), the alcaldía and the venue, what it
// is about, the organiser's name and an optional contact, the privacy
// notice and a review. It is saved as an event proposal, which moderators
// publish as one of the campaign's assemblies.

// Organise screens.
const (
	kindOrganiseTitle     screenKind = "organise-title"
	kindOrganiseWhen      screenKind = "organise-when"
	kindOrganiseArea      screenKind = "organise-alcaldia"
	kindOrganiseVenue     screenKind = "organise-venue"
	kindOrganiseAbout     screenKind = "organise-about"
	kindOrganiseOrganiser screenKind = "organise-organiser"
	kindOrganiseContact   screenKind = "organise-contact"
	kindOrganiseConsent   screenKind = "organise-consent"
	kindOrganiseReview    screenKind = "organise-review"
)

// The day and time an organiser can pick: from today to this many weeks
// on, between the first and last hour, in quarter hours.
const (
	organiseWeeks     = 8
	organiseFirstHour = 7
	organiseLastHour  = 22
	organiseStep      = 15 // minutes
	organiseDefault   = 18 * 60
)

// organiseDraft is one organiser's announcement.
type organiseDraft struct {
	title     string
	day       time.Time // midnight of the chosen day, local; zero until chosen
	clock     int       // minutes after midnight; 0 until the time step is shown
	area      string
	venue     string
	about     string
	organiser string
	contact   string
	consent   bool
}

func (d *organiseDraft) wipe() { *d = organiseDraft{} }

func (d *organiseDraft) dirty() bool {
	return d.title != "" || !d.day.IsZero() || d.area != "" || d.venue != "" || d.about != "" ||
		d.organiser != "" || d.contact != "" || d.consent
}

// starts is the chosen day and time, in the kiosk's time zone.
func (d *organiseDraft) starts() time.Time {
	if d.day.IsZero() {
		return time.Time{}
	}
	return time.Date(d.day.Year(), d.day.Month(), d.day.Day(), d.clock/60, d.clock%60, 0, 0, d.day.Location())
}

// organising is the flow of an assembly a resident announces.
func (k *Kiosk) organising() *flow {
	d := &k.sess.organise
	text := func(sk screenKind, title, help string, max int, get func() string, set func(string), check func(string) string) func(stepAt) screen {
		return func(at stepAt) screen {
			return &textStep{
				k: k, sk: sk, layout: widgets.Text, max: max,
				words: words{kicker: at.kicker, title: title, help: help},
				get:   get, set: set, check: check, skip: check == nil,
				back: at.back, next: at.next,
			}
		}
	}
	f := &flow{k: k, kicker: "organise.step", draft: d, exit: func() { k.show(&homeScreen{k: k}) }}
	f.steps = []func(stepAt) screen{
		text(kindOrganiseTitle, "organise.title.title", "organise.title.help", record.MaxTitleLen,
			func() string { return d.title }, func(v string) { d.title = v }, k.required("field.required.title")),
		func(at stepAt) screen { return &whenStep{k: k, at: at, d: d} },
		func(at stepAt) screen {
			return &areaStep{
				k: k, sk: kindOrganiseArea,
				words: words{kicker: at.kicker, title: "organise.area.title", help: "organise.area.help"},
				get:   func() string { return d.area },
				set:   func(v string) { d.area = v },
				back:  at.back, next: at.next,
			}
		},
		text(kindOrganiseVenue, "organise.venue.title", "organise.venue.help", record.MaxVenueLen,
			func() string { return d.venue }, func(v string) { d.venue = v }, k.required("field.required.venue")),
		func(at stepAt) screen {
			return &textStep{
				k: k, sk: kindOrganiseAbout, layout: widgets.Text, long: true, max: record.MaxAboutLen,
				words: words{kicker: at.kicker, title: "organise.about.title", help: "organise.about.help"},
				get:   func() string { return d.about },
				set:   func(v string) { d.about = v },
				check: k.required("field.required.about"),
				back:  at.back, next: at.next,
			}
		},
		text(kindOrganiseOrganiser, "organise.organiser.title", "organise.organiser.help", record.MaxNameLen,
			func() string { return d.organiser }, func(v string) { d.organiser = v }, k.required("field.required.organiser")),
		text(kindOrganiseContact, "organise.contact.title", "organise.contact.help", record.MaxContactLen,
			func() string { return d.contact }, func(v string) { d.contact = v }, nil),
		func(at stepAt) screen {
			return &consentStep{
				k: k, sk: kindOrganiseConsent,
				words: words{kicker: at.kicker, title: "consent.title"},
				get:   func() bool { return d.consent },
				set:   func(v bool) { d.consent = v },
				back:  at.back, next: at.next,
			}
		},
		func(at stepAt) screen { return k.organiseReview(at, d) },
	}
	f.submit = func() (*record.Draft, error) {
		return &record.Draft{
			Kind: record.KindEventProposal, SubjectID: record.NewSubmissionID(record.KindEventProposal), Mode: k.mode,
			Body: record.Body{Assembly: &record.Assembly{
				Title: d.title, Starts: d.starts(), Alcaldia: d.area, Venue: d.venue, About: d.about,
				Organiser: d.organiser, Contact: d.contact,
				Lang: string(k.lang()), ConsentVersion: consentVersion(d.consent, k.camp),
			}},
		}, nil
	}
	return f
}

// when writes a start the way the kiosk says dates: "sábado 5 de
// diciembre de 2026, 18:00".
func (k *Kiosk) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return k.lang().Date(t) + ", " + k.lang().Clock(t)
}

func (k *Kiosk) organiseReview(at stepAt, d *organiseDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: kindOrganiseReview, at: at,
		words: words{kicker: at.kicker, title: "organise.review.title", help: "organise.review.help"},
		rows: func() []reviewRow {
			area := ""
			if a, ok := campaign.AlcaldiaByID(d.area); ok {
				area = a.Name
			}
			contact := d.contact
			if strings.TrimSpace(contact) == "" {
				contact = k.T("organise.review.nocontact")
			}
			return []reviewRow{
				{"organise.review.titlerow", d.title, kindOrganiseTitle},
				{"organise.review.when", k.when(d.starts()), kindOrganiseWhen},
				{"organise.review.area", area, kindOrganiseArea},
				{"organise.review.venue", d.venue, kindOrganiseVenue},
				{"organise.review.about", d.about, kindOrganiseAbout},
				{"organise.review.organiser", d.organiser, kindOrganiseOrganiser},
				{"organise.review.contact", contact, kindOrganiseContact},
			}
		},
		submit: "organise.submit",
		send:   at.next,
		back:   at.back,
	}
}

// whenStep picks the day from a week of tiles, paged a week at a time,
// and the time with steppers for the hour and the quarter hour: no date
// is ever typed, and none in the past can be picked.
type whenStep struct {
	k  *Kiosk
	at stepAt
	d  *organiseDraft

	week     int  // weeks after this one on screen
	placed   bool // week was set to the chosen day's, when there was one
	days     []*widgets.Tile
	dates    []time.Time // the days' midnights, in tile order
	earlier  *widgets.Button
	later    *widgets.Button
	hourUp   *widgets.Button
	hourDown *widgets.Button
	minUp    *widgets.Button
	minDown  *widgets.Button
	clock    *widget.Label
	summary  *widget.Label
	msg      message
}

func (s *whenStep) kind() screenKind { return kindOrganiseWhen }

// today is midnight of the kiosk's today.
func (s *whenStep) today() time.Time {
	now := s.k.now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
}

func (s *whenStep) view() *view {
	k, d := s.k, s.d
	s.msg = k.newMessage()
	if d.clock == 0 {
		d.clock = organiseDefault
	}
	if !s.placed && !d.day.IsZero() {
		// Coming back to fix the date: its week is on screen.
		s.week = min(max(0, int(d.day.Sub(s.today()).Hours()/24)/7), organiseWeeks)
	}
	s.placed = true
	// Four a row: seven tiles side by side would not fit 1024 px.
	week := container.NewGridWithColumns(4)
	s.days, s.dates = nil, nil
	for i := range 7 {
		day := s.today().AddDate(0, 0, 7*s.week+i)
		// One short line, "sáb 28": two rows of days leave the time in
		// view, and "sáb 28 nov" beside a chosen tile's check mark wrapped
		// at 1024 px in large text. The months are over the grid.
		t := k.tile(s.dayName(day), "", widgets.NoMark, d.day.Equal(day), func() { s.pickDay(day) })
		s.days = append(s.days, t)
		s.dates = append(s.dates, day)
		week.Add(t)
	}
	// Every button says what it does in words: speech reads them out.
	s.earlier = k.button(k.T("organise.when.earlier"), theme.NavigateBackIcon(), func() { s.page(-1) })
	s.later = k.button(k.T("organise.when.later"), theme.NavigateNextIcon(), func() { s.page(1) })
	if s.week == 0 {
		s.earlier.Disable()
	}
	if s.week >= organiseWeeks {
		s.later.Disable()
	}

	s.hourDown = k.button(k.T("organise.when.hour.less"), nil, func() { s.move(-60) })
	s.hourUp = k.button(k.T("organise.when.hour.more"), nil, func() { s.move(60) })
	s.minDown = k.button(k.T("organise.when.min.less"), nil, func() { s.move(-organiseStep) })
	s.minUp = k.button(k.T("organise.when.min.more"), nil, func() { s.move(organiseStep) })
	s.clock = subheading("")
	s.clock.Wrapping = fyne.TextWrapOff // "18:30" must never break
	s.summary = para("")
	s.summary.TextStyle = fyne.TextStyle{Bold: true}
	// The weeks under the days, then the time, each on its own row: with
	// words on every button one row would not fit 1024 px in large text.
	weeks := container.NewHBox(big(s.earlier), big(s.later))
	times := container.NewHBox(big(s.hourDown), big(s.hourUp), container.NewCenter(s.clock), big(s.minDown), big(s.minUp))
	controls := container.NewVBox(weeks, times)
	s.refresh()
	kicker := s.at.kicker()
	// What is chosen reads first, with what is wrong with it.
	first, last := s.dates[0], s.dates[len(s.dates)-1]
	span := caption(s.dayName(first) + " " + s.monthName(first) + " – " + s.dayName(last) + " " + s.monthName(last))
	body := container.NewVBox(para(k.T("organise.when.help")), s.summary, s.msg, span, week, controls)
	return &view{kicker: kicker, title: k.T("organise.when.title"), body: k.scroll(body), back: s.at.back,
		next: &action{label: k.T("step.next"), run: s.submit}}
}

// dayName is a day tile's title: the short weekday and the day, "sáb 5".
func (s *whenStep) dayName(t time.Time) string {
	return short(strings.Fields(s.k.lang().Date(t))[0]) + " " + fmt.Sprint(t.Day())
}

// monthName is a day tile's detail: the short month, "dic".
func (s *whenStep) monthName(t time.Time) string {
	m := time.Date(2000, t.Month(), 1, 0, 0, 0, 0, time.UTC)
	// The month is the word after "de" in Spanish and the third in
	// English: both written by Lang.Date.
	f := strings.Fields(s.k.lang().Date(m))
	if len(f) >= 4 && f[2] == "de" {
		return short(f[3])
	}
	return short(f[2])
}

// short is the first three letters of a day or month name, as both
// languages abbreviate them ("sáb", "Sat", "dic", "Dec").
func short(word string) string {
	rs := []rune(word)
	return string(rs[:min(3, len(rs))])
}

func (s *whenStep) page(by int) {
	s.week = min(max(s.week+by, 0), organiseWeeks)
	s.k.render()
}

func (s *whenStep) pickDay(day time.Time) {
	s.d.day = day
	for i, t := range s.days {
		t.SetSelected(s.dates[i].Equal(day))
	}
	s.msg.clear()
	s.refresh()
	// The tile says only "sáb 28": the whole date is said with it.
	s.k.say(s.summary.Text)
}

// move changes the time by minutes, staying between the first and the
// last hour.
func (s *whenStep) move(minutes int) {
	s.d.clock = min(max(s.d.clock+minutes, organiseFirstHour*60), organiseLastHour*60)
	s.msg.clear()
	s.refresh()
	// A person who cannot see the clock hears the time it moved to (the
	// day with it, once chosen), before the button says itself again.
	if s.d.day.IsZero() {
		s.k.say(s.clock.Text)
	} else {
		s.k.say(s.summary.Text)
	}
}

func (s *whenStep) refresh() {
	k, d := s.k, s.d
	s.clock.SetText(fmt.Sprintf("%02d:%02d", d.clock/60, d.clock%60))
	if d.day.IsZero() {
		s.summary.SetText(k.T("organise.when.pick"))
	} else {
		s.summary.SetText(k.when(d.starts()))
	}
	enable := func(b *widgets.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	enable(s.hourDown, d.clock-60 >= organiseFirstHour*60)
	enable(s.minDown, d.clock > organiseFirstHour*60)
	enable(s.hourUp, d.clock+60 <= organiseLastHour*60)
	enable(s.minUp, d.clock < organiseLastHour*60)
}

func (s *whenStep) submit() {
	k := s.k
	switch {
	case s.d.day.IsZero():
		s.msg.fail(k.T("organise.when.none"))
		return
	case !s.d.starts().After(k.now()):
		s.msg.fail(k.T("organise.when.past"))
		return
	}
	if err := s.at.next(); err != nil {
		s.msg.fail(k.explain(err))
	}
}
