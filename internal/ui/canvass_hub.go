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
	start    *widget.Button
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
	title := ""
	if e := k.camp.Event(c.event); e != nil {
		title = k.text(e.Title)
	}
	var props []string
	for _, id := range c.proposals {
		if p := k.camp.Proposal(id); p != nil {
			props = append(props, "• "+k.text(p.Title))
		}
	}
	parts := []fyne.CanvasObject{}
	switch m := newMessage(); {
	case c.duplicate:
		m.note(k.T("canvass.last.duplicate"))
		parts = append(parts, m)
	case c.last != "":
		m.ok(k.F("canvass.last.saved", c.last))
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
		idle:    idleReturn,
		startTo: k.T("canvass.signout"),
		extra:   []fyne.CanvasObject{wide(change)},
		next:    &action{label: k.T("canvass.next"), run: k.canvassNext},
	}
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

// canvassNext starts the next attendee with an empty form.
func (k *Kiosk) canvassNext() {
	k.sess.sign.wipe()
	k.canv.last, k.canv.duplicate = "", false
	k.canv.attending = true
	if len(k.canv.proposals) == 1 {
		k.sess.sign.proposal = k.canv.proposals[0]
	}
	k.canvassSigning().start()
}

// canvassSigning is the signing flow for the canvasser's attendee: the
// canvasser and the assembly go on the record, the attendee chooses the
// proposal when there are several, and the flow comes back to the hub.
func (k *Kiosk) canvassSigning() *flow {
	o := signOptions{
		canvasser: k.canv.name, event: k.canv.event,
		exit: k.canvassAbandon, saved: k.canvassSaved, duplicate: k.canvassDuplicate,
	}
	if len(k.canv.proposals) > 1 {
		o.choose = k.canv.proposals
	}
	return k.signing(o)
}

// canvassAbandon drops the attendee on screen and goes back to the hub;
// it is "start over" while the canvasser is signed in.
func (k *Kiosk) canvassAbandon() {
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.attending = false
	k.promptEnd = time.Time{}
	k.fr.hidePrompt()
	k.win.Canvas().Unfocus()
	k.show(&canvassHub{k: k})
}

// canvassSaved forgets the attendee whose signature was stored and shows
// the hub for the next one, with the receipt of this one.
func (k *Kiosk) canvassSaved(r *record.Record) {
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.last, k.canv.duplicate, k.canv.attending = record.ReceiptCode(r.ID), false, false
	k.Touch()
	k.show(&canvassHub{k: k})
}

// canvassDuplicate drops an attendee who already signed this proposal on
// this device and says so on the hub.
func (k *Kiosk) canvassDuplicate() {
	k.wipeLive()
	k.sess.sign.wipe()
	k.canv.last, k.canv.duplicate, k.canv.attending = "", true, false
	k.show(&canvassHub{k: k})
}
