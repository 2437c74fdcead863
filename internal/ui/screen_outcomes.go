package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/record"
)

// The screens a flow can end on (the receipt, the duplicate notice), and
// the ones shown when the device cannot collect (out of service, not set
// up).

// savedScreen thanks the person and shows their receipt code, which says
// nothing about them.
type savedScreen struct {
	k    *Kiosk
	rec  record.Kind
	code *widget.Label
	qr   fyne.CanvasObject // the receipt page's QR code; nil without a public URL
	link string            // what the QR code says
}

func (s *savedScreen) kind() screenKind { return kindSaved }

func (s *savedScreen) view() *view {
	k := s.k
	icon := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	s.code = widget.NewLabel(k.sess.receipt)
	s.code.SizeName = SizeNameDisplay
	s.code.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	s.code.Alignment = fyne.TextAlignCenter
	thanks := subheading(k.T("saved.thanks." + string(s.rec)))
	thanks.Alignment = fyne.TextAlignCenter
	label := para(k.T("saved.code"))
	label.Alignment = fyne.TextAlignCenter
	noteText := k.T("saved.note") + " " + k.T("saved.where")
	s.qr, s.link = k.receiptQR(k.sess.receipt)
	var code fyne.CanvasObject = container.NewVBox(label, s.code)
	if s.qr != nil {
		// The QR code sits beside the code it carries: one glance, two
		// ways to keep it.
		noteText += " " + k.T("saved.qr")
		code = container.NewCenter(container.NewHBox(container.NewCenter(code), s.qr))
	}
	note := para(noteText)
	note.Alignment = fyne.TextAlignCenter
	more := k.button(k.T("saved.more"), theme.HomeIcon(), func() { k.show(&homeScreen{k: k}) })
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		thanks, code, note, layout.NewSpacer(),
		container.NewCenter(wide(more)))
	return &view{
		title: k.T("saved.title"),
		// The code is spelled, one character at a time, and F2 says it
		// again.
		say:     []string{thanks.Text, k.F("speech.code", spell(k.sess.receipt)), noteText},
		body:    k.scroll(body),
		idle:    idleReturn,
		startTo: k.T("saved.finish"),
		next:    &action{label: k.T("saved.finish"), run: k.forget},
	}
}

// duplicateScreen tells a person, kindly, that their support for this
// proposal is already counted on this kiosk.
type duplicateScreen struct {
	k        *Kiosk
	proposal string
}

func (s *duplicateScreen) kind() screenKind { return kindDuplicate }

func (s *duplicateScreen) view() *view {
	k := s.k
	title := ""
	if p := k.camp.Proposal(s.proposal); p != nil {
		title = k.text(p.Title)
	}
	icon := widget.NewIcon(theme.NewPrimaryThemedResource(theme.InfoIcon()))
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		subheading(title), para(k.T("duplicate.text")), para(k.T("duplicate.more")))
	return &view{
		title: k.T("duplicate.title"),
		body:  k.scroll(body),
		next:  &action{label: k.T("duplicate.browse"), run: func() { k.show(&browseScreen{k: k}) }},
	}
}

// outOfServiceScreen is shown when the outbox cannot be read or written.
// It keeps trying in the background; what the person submitted stays in
// memory until it is saved or they start over.
type outOfServiceScreen struct {
	k     *Kiosk
	state *widget.Label
}

func (s *outOfServiceScreen) kind() screenKind { return kindOutOfService }

func (s *outOfServiceScreen) view() *view {
	k := s.k
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	text := k.T("oos.text")
	if k.pending != nil {
		text = k.T("oos.pending")
	}
	s.state = para(text)
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		s.state, para(k.T("oos.staff")))
	v := &view{title: k.T("oos.title"), body: body, idle: idleNever}
	if k.pending == nil {
		v.noTop = true
	}
	return v
}

// tick retries the save, or re-reads the device when nothing is pending.
func (s *outOfServiceScreen) tick(now time.Time) {
	k := s.k
	if now.Sub(k.lastTick.retry) < retryEvery {
		return
	}
	k.lastTick.retry = now
	if k.pending == nil {
		k.reload()
		return
	}
	k.retrySave()
}

// notSetupScreen says the device cannot collect yet and who can fix it.
// The technician's corner still works, and it looks again every few
// seconds, so enrolling from a shell brings the kiosk up by itself.
type notSetupScreen struct {
	k      *Kiosk
	reason string // message id for the technician
}

func (s *notSetupScreen) kind() screenKind { return kindNotSetUp }

func (s *notSetupScreen) view() *view {
	k := s.k
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.SettingsIcon()))
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		subheading(k.T("setup.text")), para(k.T("setup.call")), caption(k.T(s.reason)))
	return &view{title: k.T("setup.title"), body: body, idle: idleNever, noTop: true}
}

func (s *notSetupScreen) tick(now time.Time) {
	k := s.k
	if now.Sub(k.lastTick.setup) < setupEvery {
		return
	}
	k.lastTick.setup = now
	k.reload()
}
