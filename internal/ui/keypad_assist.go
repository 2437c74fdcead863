package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// kindSignAssist is the screen for a person who cannot sign on the screen.
const kindSignAssist screenKind = "sign-assist"

// assistScreen says, honestly, that the kiosk alone cannot take the
// support of a person who cannot draw a signature (a blind person, for
// one: nobody could tell their mark from anybody's), and where they can
// give it: at a Citizen Assembly, where a canvasser witnesses their mark
// and the record says so (record.Signer.Witnessed).
type assistScreen struct {
	k    *Kiosk
	back screen // the signature step it came from
}

func (s *assistScreen) kind() screenKind { return kindSignAssist }

func (s *assistScreen) view() *view {
	k := s.k
	icon := widget.NewIcon(theme.NewPrimaryThemedResource(theme.AccountIcon()))
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		para(k.T("sign.assist.text")))
	v := &view{
		title: k.T("sign.assist.title"),
		body:  k.scroll(body),
		back:  func() { k.show(s.back) },
	}
	if len(k.camp.UpcomingEvents(k.now())) > 0 {
		v.next = &action{label: k.T("sign.assist.events"), run: func() { k.show(&eventsScreen{k: k}) }}
	}
	return v
}
