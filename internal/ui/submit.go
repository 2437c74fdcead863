package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// submit saves a finished draft. A draft the person can fix comes back as
// an error to show on their screen. Anything else is the device's problem:
// the draft stays in memory and the out-of-service screen keeps trying, and
// the person is never told it was saved until the outbox says so. done
// forgets the flow's input once it is on disk.
func (k *Kiosk) submit(d *record.Draft, done func()) error {
	if err := d.Validate(k.camp); err != nil {
		return err
	}
	r, err := k.store.Append(context.Background(), d, k.camp)
	switch {
	case err == nil:
		k.saved(r, d.Kind, done)
	case errors.Is(err, outbox.ErrDuplicate):
		k.showDuplicate()
	default:
		// Only the kind: the error of a failed write carries no personal
		// data, but the draft does.
		k.log.Error("save record", "kind", d.Kind, "err", err)
		k.waitOutOfService(d, func(r *record.Record) { k.saved(r, d.Kind, done) }, k.showDuplicate)
	}
	return nil
}

// waitOutOfService keeps d in memory on the out-of-service screen, which
// tries to save it again every few seconds, and then calls saved or, for
// a person who had already signed, duplicate.
func (k *Kiosk) waitOutOfService(d *record.Draft, saved func(*record.Record), duplicate func()) {
	k.pending, k.pendingSaved, k.pendingDuplicate = d, saved, duplicate
	k.show(&outOfServiceScreen{k: k})
}

// saved shows the receipt of a stored record and forgets its input.
func (k *Kiosk) saved(r *record.Record, kind record.Kind, done func()) {
	if done != nil {
		done()
	}
	k.sess.receipt = record.ReceiptCode(r.ID)
	// The receipt stays up for its full time, also when it comes after a
	// long wait out of service.
	k.Touch()
	k.show(&savedScreen{k: k, rec: kind})
}

// explain turns a validation error into a sentence for the person at the
// screen, in their language.
func (k *Kiosk) explain(err error) string {
	var (
		ae *campaign.AnswerError
		ve *voterid.Error
		fe *record.FieldError
	)
	switch {
	case errors.As(err, &ae):
		switch ae.Reason {
		case campaign.ReasonRequired:
			return k.T("answer.required")
		case campaign.ReasonOutOfRange:
			if q := k.camp.Question(ae.QuestionID); q != nil {
				switch q.Type {
				case campaign.TypeMultiple:
					if q.Max > 0 {
						return k.F("answer.choices", max(q.Min, 1), q.Max)
					}
				case campaign.TypeNumber, campaign.TypeScale:
					return k.F("survey.number.range", q.Min, q.Max)
				}
			}
			return k.T("answer.range")
		case campaign.ReasonTooLong:
			if q := k.camp.Question(ae.QuestionID); q != nil {
				return k.lang().N("survey.text.toolong", q.MaxLength)
			}
		}
		return k.T("answer.invalid")
	case errors.As(err, &ve):
		return k.explainVoterID(ve)
	case errors.As(err, &fe):
		switch fe.Reason {
		case record.ReasonRequired:
			if id := "field.required." + fe.Field; i18n.Has(id) {
				return k.T(id)
			}
			return k.T("field.required")
		case record.ReasonTooLong:
			return k.T("field.toolong")
		case record.ReasonConsent:
			return k.T("field.consent")
		case record.ReasonUnknownArea:
			return k.T("field.alcaldia")
		}
		return k.T("error.generic")
	case errors.Is(err, stroke.ErrEmpty):
		return k.T("sign.empty")
	case errors.Is(err, stroke.ErrTooSmall):
		return k.T("sign.toosmall")
	}
	return k.T("error.generic")
}

// savedScreen thanks the person and shows their receipt code, which says
// nothing about them.
type savedScreen struct {
	k    *Kiosk
	rec  record.Kind
	code *widget.Label
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
	note := para(k.T("saved.note"))
	note.Alignment = fyne.TextAlignCenter
	more := k.button(k.T("saved.more"), theme.HomeIcon(), func() { k.show(&homeScreen{k: k}) })
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(120, 120), icon)),
		thanks, label, s.code, note, layout.NewSpacer(),
		container.NewCenter(wide(more)))
	return &view{
		title:   k.T("saved.title"),
		body:    k.scroll(body),
		idle:    idleReturn,
		startTo: k.T("saved.finish"),
		next:    &action{label: k.T("saved.finish"), run: k.forget},
	}
}

// showDuplicate tells the person their support is already counted, and
// forgets the data they gave for it, which is of no further use.
func (k *Kiosk) showDuplicate() {
	p := k.sess.proposal
	k.sess.endSigning()
	k.show(&duplicateScreen{k: k, proposal: p})
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
	d := k.pending
	r, err := k.store.Append(context.Background(), d, k.camp)
	switch {
	case err == nil:
		saved := k.pendingSaved
		k.pending, k.pendingSaved, k.pendingDuplicate = nil, nil, nil
		saved(r)
	case errors.Is(err, outbox.ErrDuplicate):
		duplicate := k.pendingDuplicate
		k.pending, k.pendingSaved, k.pendingDuplicate = nil, nil, nil
		duplicate()
	default:
		k.log.Warn("save record again", "kind", d.Kind, "err", err)
	}
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
