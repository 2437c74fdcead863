package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// canvassHub is the loop's hub: the running counts, what happened to
// the last attendee, and one big button for the next one.
type canvassHub struct {
	k        *Kiosk
	mine     *widget.Label // signatures this sign-in
	assembly *widget.Label // signatures at this assembly on this device
	start    *widgets.Button
}

func (s *canvassHub) kind() screenKind { return kindCanvassReady }

func (s *canvassHub) view() *view {
	k := s.k
	c := k.canv
	mine, all := k.canvassCounts()
	s.mine = bigNumber(mine)
	s.assembly = bigNumber(all)
	counts := grid(2,
		container.NewVBox(s.mine, centered(caption(k.T("canvass.count.mine")))),
		container.NewVBox(s.assembly, centered(caption(k.T("canvass.count.assembly")))))
	title := k.assemblyTitle(c.event)
	if im := k.impromptuAt(c.event); im != nil {
		title = k.F("canvass.open.hub", im.Title, im.Venue)
	}
	var props []string
	for _, t := range k.proposalTitles(c.proposals) {
		props = append(props, "• "+t)
	}
	parts := []fyne.CanvasObject{}
	if len(c.last) > 0 {
		parts = append(parts, k.canvassReceipts(c.last))
	}
	if len(c.already) > 0 {
		m := k.newMessage()
		m.note(k.F("canvass.last.duplicate", strings.Join(k.proposalTitles(c.already), " · ")))
		parts = append(parts, m)
	}
	parts = append(parts, counts, subheading(title), para(strings.Join(props, "\n")))
	s.start = k.button(k.T("canvass.next"), theme.ContentAddIcon(), k.canvassNext)
	s.start.Importance = widget.HighImportance
	parts = append(parts, container.NewCenter(widgets.AtLeast(s.start, fyne.NewSize(420, 96))))
	change := k.button(k.T("canvass.change"), theme.NavigateBackIcon(), func() { k.show(&assemblyPicker{k: k}) })
	return &view{
		title: k.T("canvass.ready.title"), kicker: k.F("canvass.who", c.name),
		body:    k.scroll(container.NewVBox(parts...)),
		idle:    idleNever, // canvassTick warns, then signs out
		startTo: k.T("canvass.signout"),
		extra:   []fyne.CanvasObject{wide(change)},
		next:    &action{label: k.T("canvass.next"), run: k.canvassNext},
	}
}

func (s *canvassHub) tick(now time.Time) { s.k.canvassTick(now) }

// canvassReceipts shows the previous attendee's receipt codes large, in
// the text colour on the card's background, so the attendee can copy
// them down at arm's length; one per proposal supported.
func (k *Kiosk) canvassReceipts(codes []string) fyne.CanvasObject {
	var labels []fyne.CanvasObject
	for _, code := range codes {
		l := widget.NewLabel(code)
		l.SizeName = SizeNameDisplay
		l.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
		l.Alignment = fyne.TextAlignCenter
		labels = append(labels, l)
	}
	// Side by side, up to two a row, so the hub's button stays in view.
	return widget.NewCard("", "", container.NewVBox(
		centered(para(k.lang().N("canvass.last.saved", len(codes)))),
		container.NewGridWithColumns(min(2, len(codes)), labels...)))
}

// canvassCounts are the signatures of this sign-in and of this assembly,
// read from the outbox so they are what was saved.
func (k *Kiosk) canvassCounts() (mine, all int) {
	ctx := context.Background()
	c := k.canv
	var err error
	if mine, err = k.store.CountSince(ctx, c.since, record.KindSignature, "", c.event); err != nil {
		k.log.Warn("count records", "err", err)
	}
	if all, err = k.store.CountSince(ctx, time.Time{}, record.KindSignature, "", c.event); err != nil {
		k.log.Warn("count records", "err", err)
	}
	return mine, all
}

func bigNumber(n int) *widget.Label {
	l := widget.NewLabel("")
	l.SetText(strconv.Itoa(n))
	l.SizeName = SizeNameDisplay
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Alignment = fyne.TextAlignCenter
	return l
}

func centered(l *widget.Label) *widget.Label {
	l.Alignment = fyne.TextAlignCenter
	return l
}

// canvassNext starts the next attendee with an empty form; only the
// alcaldía is filled in, from the assembly, when the campaign names one.
func (k *Kiosk) canvassNext() {
	d := &k.sess.sign
	d.wipe()
	k.canv.last, k.canv.already = nil, nil
	k.canv.attending = true
	if len(k.canv.proposals) == 1 {
		d.proposals = []string{k.canv.proposals[0]}
	}
	if a := k.assemblyArea(k.canv.event); a != "" {
		d.area, d.preset = a, a
	}
	k.canvassSigning().start()
}

// canvassSigning is the signing flow for the canvasser's attendee: the
// canvasser and the assembly go on the record, the attendee chooses the
// proposal when there are several, and the flow comes back to the hub.
func (k *Kiosk) canvassSigning() *flow {
	o := signOptions{
		canvasser: k.canv.name, event: k.canv.event,
		exit: k.canvassAbandon, savedEach: k.canvassSaved, duplicate: k.canvassDuplicate,
	}
	if len(k.canv.proposals) > 1 {
		o.choose = k.canv.proposals
	}
	return k.signing(o)
}

// canvassAbandon drops the attendee on screen and goes back to the hub;
// it is "start over" while the canvasser is signed in.
func (k *Kiosk) canvassAbandon() {
	k.nextPerson()
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.attending = false
	k.promptEnd = time.Time{}
	k.fr.hidePrompt()
	k.win.Canvas().Unfocus()
	k.show(&canvassHub{k: k})
}

// canvassSaved forgets the attendee whose signatures were stored and
// shows the hub for the next one, with the receipts of this one and the
// proposals they had already supported, if any.
func (k *Kiosk) canvassSaved(stored []*record.Record, duplicates []string) {
	k.nextPerson()
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.last, k.canv.already, k.canv.attending = nil, duplicates, false
	for _, r := range stored {
		k.canv.last = append(k.canv.last, record.ReceiptCode(r.ID))
	}
	k.Touch()
	k.show(&canvassHub{k: k})
}

// canvassDuplicate drops an attendee who had already supported every
// proposal they chose on this device and says so on the hub. It runs
// before the draft is wiped, so it can name them.
func (k *Kiosk) canvassDuplicate() {
	already := append([]string(nil), k.sess.sign.subjects()...)
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.last, k.canv.already, k.canv.attending = nil, already, false
	k.show(&canvassHub{k: k})
}
