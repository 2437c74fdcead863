package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Canvasser mode: a canvasser signs in, says which assembly they are at
// and which proposals are signed there, then hands the tablet to one
// attendee after another. Each attendee gives name, voter id, alcaldía,
// consent and signature; after the save one tap starts the next. The
// canvasser's sign-in lasts until the tablet is left idle, which locks it
// back to the sign-in and wipes whatever an attendee had typed.

// Canvasser screens.
const (
	kindCanvassSignIn    screenKind = "canvass-signin"
	kindCanvassEvent     screenKind = "canvass-assembly"
	kindCanvassProposals screenKind = "canvass-proposals"
	kindCanvassReady     screenKind = "canvass-ready"
	kindCanvassPick      screenKind = "canvass-proposal"
	kindCanvassName      screenKind = "canvass-name"
	kindCanvassID        screenKind = "canvass-voterid"
	kindCanvassArea      screenKind = "canvass-alcaldia"
	kindCanvassConsent   screenKind = "canvass-consent"
	kindCanvassPad       screenKind = "canvass-signature"
)

// Canvasser sign-in lockout: PINs are short, and a tablet at an assembly
// is within reach of many hands.
const (
	canvassMaxFailures = 5
	canvassCooldown    = 5 * time.Minute
)

// canvass is the signed-in canvasser and where they work. It lives only
// in memory and is dropped when the kiosk forgets.
type canvass struct {
	name      string    // the canvasser
	since     time.Time // sign-in, for this sign-in's count
	event     string    // the assembly
	proposals []string  // proposals signed at it, in campaign order
	last      string    // receipt of the previous attendee's signature, for the hub
	duplicate bool      // the previous attendee had already signed
	attending bool      // an attendee is between "next attendee" and the save
}

// canvassLock counts wrong canvasser PINs across sign-in screens. It is
// kept in the outbox's settings, so restarting the kiosk buys no guesses.
type canvassLock struct {
	failures int
	until    time.Time
}

// loadCanvassLock reads the stored lock; a damaged value locks.
func (k *Kiosk) loadCanvassLock(ctx context.Context, now time.Time) canvassLock {
	v, err := k.store.Setting(ctx, handoff.SettingCanvassLock, "")
	if err != nil || v == "" {
		return canvassLock{}
	}
	var l canvassLock
	var until int64
	if _, err := fmt.Sscanf(v, "%d %d", &l.failures, &until); err != nil || l.failures < 0 {
		return canvassLock{until: now.Add(canvassCooldown)}
	}
	if until > 0 {
		l.until = time.Unix(0, until)
	}
	return l
}

func (k *Kiosk) saveCanvassLock(ctx context.Context, l canvassLock) error {
	var until int64
	if !l.until.IsZero() {
		until = l.until.UnixNano()
	}
	k.canvLock = l
	return k.store.SetSetting(ctx, handoff.SettingCanvassLock, fmt.Sprintf("%d %d", l.failures, until))
}

// canvassSteps is the attendee's steps: name, voter id, alcaldía,
// consent, signature (and the proposal first when there are several).
func (k *Kiosk) canvassKicker(n int) func() string {
	total := 5
	if c := k.canv; c != nil && len(c.proposals) > 1 {
		total, n = 6, n+1
	}
	return func() string { return k.F("canvass.step", n, total) }
}

// restScreen is where the kiosk waits for the next person: the attract
// screen, or in canvasser mode the canvasser sign-in.
func (k *Kiosk) restScreen() screen {
	if k.mode == record.ModeCanvasser {
		return &canvassSignIn{k: k}
	}
	return newAttract(k)
}

// canvassSignIn lists the canvasser accounts; the canvasser taps their
// name and types their PIN.
type canvassSignIn struct {
	k      *Kiosk
	name   string // picked account
	typed  string // PIN digits; never in the session
	tiles  []*widgets.Tile
	input  *widget.Entry
	kb     *widgets.Keyboard
	msg    message
	signIn *action
}

func (s *canvassSignIn) kind() screenKind { return kindCanvassSignIn }

func (s *canvassSignIn) view() *view {
	k := s.k
	s.msg = newMessage()
	s.tiles = nil
	list, err := Canvassers(context.Background(), k.store)
	if err != nil {
		k.log.Error("read canvasser accounts", "err", err)
	}
	var names []fyne.CanvasObject
	for _, c := range list {
		name := c.Name
		t := k.tile(name, "", widgets.Arrow, false, func() { s.pick(name) })
		s.tiles = append(s.tiles, t)
		names = append(names, t)
	}
	v := &view{title: k.T("canvass.signin.title"), idle: idleNever, startTo: k.T("canvass.signin.clear")}
	if len(list) == 0 {
		v.body = container.NewVBox(subheading(k.T("canvass.signin.none")), para(k.T("canvass.signin.none.help")))
		return v
	}
	if s.name == "" {
		// First the names, on their own: a keyboard under them would
		// leave room for a row or two.
		v.body = k.scroll(container.NewVBox(para(k.T("canvass.signin.help")), grid(3, names...)))
		return v
	}
	s.input = k.entry(s.typed, "", false, func(t string) { s.typed = t })
	s.input.Password = true
	s.kb = k.keyboard(widgets.Digits, s.input)
	v.title = k.F("canvass.signin.pin", s.name)
	v.body = para(k.T("canvass.signin.pin.help"))
	v.field = container.NewVBox(container.NewGridWrap(fyne.NewSize(360, TouchTarget), s.input), s.msg)
	v.keyboard, v.focus = s.kb, s.input
	v.back = func() { s.pick("") }
	v.next = &action{label: k.T("canvass.signin.go"), run: s.submit}
	return v
}

// pick chooses the account whose PIN is asked next ("" for the names).
func (s *canvassSignIn) pick(name string) {
	s.name, s.typed = name, ""
	s.k.render()
}

func (s *canvassSignIn) submit() {
	k := s.k
	pin := s.typed
	s.typed = ""
	s.input.SetText("")
	now := k.now()
	ctx := context.Background()
	lock := k.loadCanvassLock(ctx, now)
	switch {
	case s.name == "":
		return
	case now.Before(lock.until):
		s.msg.fail(k.F("pin.locked", k.lang().Ago(lock.until, now)))
		return
	}
	// Count the attempt before the slow hash runs, as the technician PIN
	// does: killing the kiosk mid-check must not buy a free guess.
	lock.failures++
	lock.until = time.Time{}
	if err := k.saveCanvassLock(ctx, lock); err != nil {
		k.log.Error("count canvasser pin attempt", "err", err)
		s.msg.fail(k.T("error.generic"))
		return
	}
	err := checkCanvasser(ctx, k.store, s.name, pin)
	switch {
	case errors.Is(err, ErrCanvasserPIN), errors.Is(err, ErrNoCanvasser):
		k.log.Warn("canvasser pin wrong", "failures", lock.failures)
		if lock.failures >= canvassMaxFailures {
			lock = canvassLock{until: now.Add(canvassCooldown)}
			if err := k.saveCanvassLock(ctx, lock); err != nil {
				k.log.Error("save canvasser lockout", "err", err)
			}
			s.msg.fail(k.F("pin.locked", k.lang().Ago(lock.until, now)))
			return
		}
		s.msg.fail(k.lang().N("pin.wrong", canvassMaxFailures-lock.failures))
	case err != nil:
		k.log.Error("check canvasser pin", "err", err)
		s.msg.fail(k.T("error.generic"))
	default:
		if err := k.saveCanvassLock(ctx, canvassLock{}); err != nil {
			k.log.Error("reset canvasser pin failures", "err", err)
		}
		k.canv = &canvass{name: s.name, since: now}
		k.log.Info("canvasser signed in")
		k.show(&canvassEvent{k: k})
	}
}

// canvassEvent picks the assembly from the campaign's events.
type canvassEvent struct {
	k     *Kiosk
	tiles []*widgets.Tile
}

func (s *canvassEvent) kind() screenKind { return kindCanvassEvent }

func (s *canvassEvent) view() *view {
	k := s.k
	s.tiles = nil
	var objs []fyne.CanvasObject
	for _, e := range k.camp.Events {
		id := e.ID
		detail := k.text(e.Place) + " · " + k.lang().Span(e.Starts, e.Ends)
		t := k.tile(k.text(e.Title), detail, widgets.Arrow, k.canv.event == id, func() {
			if k.canv.event != id {
				k.canv.event, k.canv.proposals = id, nil
			}
			k.show(&canvassProposals{k: k})
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	return &view{
		title: k.T("canvass.event.title"), kicker: k.F("canvass.who", k.canv.name),
		body:    k.scroll(container.NewVBox(para(k.T("canvass.event.help")), grid(2, objs...))),
		idle:    idleReturn,
		startTo: k.T("canvass.signout"),
	}
}

// eventProposals are the proposals signed at an event: those it names,
// or every proposal when it names none.
func eventProposals(c *campaign.Campaign, eventID string) []campaign.Proposal {
	e := c.Event(eventID)
	if e == nil || len(e.Proposals) == 0 {
		return c.Proposals
	}
	var out []campaign.Proposal
	for _, p := range c.Proposals {
		for _, id := range e.Proposals {
			if p.ID == id {
				out = append(out, p)
			}
		}
	}
	return out
}

// canvassProposals picks the proposals being signed at the assembly.
type canvassProposals struct {
	k     *Kiosk
	tiles []*widgets.Tile
	msg   message
}

func (s *canvassProposals) kind() screenKind { return kindCanvassProposals }

func (s *canvassProposals) view() *view {
	k := s.k
	s.msg = newMessage()
	s.tiles = nil
	props := eventProposals(k.camp, k.canv.event)
	if len(props) == 1 && len(k.canv.proposals) == 0 {
		k.canv.proposals = []string{props[0].ID}
	}
	var objs []fyne.CanvasObject
	for _, p := range props {
		id := p.ID
		var t *widgets.Tile
		t = k.tile(k.text(p.Title), "", widgets.Check, k.canvassSigns(id), func() {
			k.canvassToggle(id, props)
			t.SetSelected(k.canvassSigns(id))
			s.msg.clear()
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	title := ""
	if e := k.camp.Event(k.canv.event); e != nil {
		title = k.text(e.Title)
	}
	return &view{
		title: k.T("canvass.proposals.title"), kicker: k.F("canvass.who", k.canv.name),
		body:    k.scroll(container.NewVBox(subheading(title), para(k.T("canvass.proposals.help")), container.NewVBox(objs...), s.msg)),
		idle:    idleReturn,
		startTo: k.T("canvass.signout"),
		back:    func() { k.show(&canvassEvent{k: k}) },
		next: &action{label: k.T("canvass.proposals.go"), run: func() {
			if len(k.canv.proposals) == 0 {
				s.msg.fail(k.T("canvass.proposals.none"))
				return
			}
			k.show(&canvassReady{k: k})
		}},
	}
}

func (k *Kiosk) canvassSigns(id string) bool {
	for _, p := range k.canv.proposals {
		if p == id {
			return true
		}
	}
	return false
}

// canvassToggle adds or removes a proposal, keeping campaign order.
func (k *Kiosk) canvassToggle(id string, props []campaign.Proposal) {
	on := !k.canvassSigns(id)
	var out []string
	for _, p := range props {
		if (p.ID == id && on) || (p.ID != id && k.canvassSigns(p.ID)) {
			out = append(out, p.ID)
		}
	}
	k.canv.proposals = out
}

// canvassReady is the loop's hub: the running counts, what happened to
// the last attendee, and one big button for the next one.
type canvassReady struct {
	k        *Kiosk
	mine     *widget.Label // signatures this sign-in
	assembly *widget.Label // signatures at this assembly on this device
	start    *widget.Button
}

func (s *canvassReady) kind() screenKind { return kindCanvassReady }

func (s *canvassReady) view() *view {
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
	change := k.button(k.T("canvass.change"), theme.NavigateBackIcon(), func() { k.show(&canvassEvent{k: k}) })
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
	k.sess.endSigning()
	k.canv.last, k.canv.duplicate = "", false
	k.canv.attending = true
	if len(k.canv.proposals) == 1 {
		k.sess.proposal = k.canv.proposals[0]
		k.show(k.canvassName())
		return
	}
	k.show(&canvassPick{k: k})
}

// canvassAbandon drops the attendee on screen and goes back to the hub;
// it is "start over" while the canvasser is signed in.
func (k *Kiosk) canvassAbandon() {
	k.wipeLive()
	k.sess.endSigning()
	k.canv.attending = false
	k.promptEnd = time.Time{}
	k.fr.hidePrompt()
	k.win.Canvas().Unfocus()
	k.show(&canvassReady{k: k})
}

// canvassPick lets the attendee choose which proposal to sign.
type canvassPick struct {
	k     *Kiosk
	tiles []*widgets.Tile
}

func (s *canvassPick) kind() screenKind { return kindCanvassPick }

func (s *canvassPick) view() *view {
	k := s.k
	s.tiles = nil
	var objs []fyne.CanvasObject
	for _, id := range k.canv.proposals {
		p := k.camp.Proposal(id)
		if p == nil {
			continue
		}
		pid := id
		t := k.tile(k.text(p.Title), k.text(p.Summary), widgets.Arrow, false, func() {
			k.sess.proposal = pid
			k.show(k.canvassName())
		})
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	return &view{
		kicker: k.F("canvass.step", 1, 6), title: k.T("canvass.pick.title"),
		body:    k.scroll(container.NewVBox(objs...)),
		startTo: k.T("canvass.abandon"),
		back:    func() { k.show(&canvassReady{k: k}) },
	}
}

func (k *Kiosk) canvassBackToStart() {
	if len(k.canv.proposals) > 1 {
		k.show(&canvassPick{k: k})
		return
	}
	k.canvassAbandon()
}

// canvassName asks the attendee's name.
func (k *Kiosk) canvassName() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindCanvassName, layout: widgets.Text, max: record.MaxNameLen,
		words: words{kicker: k.canvassKicker(1), title: "sign.name.title", help: "canvass.name.help"},
		get:   func() string { return s.signerName },
		set:   func(v string) { s.signerName = v },
		check: k.checkName,
		back:  k.canvassBackToStart,
		next:  func() { k.show(k.canvassID()) },
	}
}

// canvassID asks the voter id; the kiosk's own step checks it as typed.
func (k *Kiosk) canvassID() *textStep {
	st := k.signID()
	st.sk = kindCanvassID
	st.words.kicker = k.canvassKicker(2)
	st.back = func() { k.show(k.canvassName()) }
	st.next = func() {
		_, id, _, _ := k.checkVoterID(k.sess.voterID)
		if k.alreadySigned(k.sess.proposal, id) {
			k.canvassDuplicate()
			return
		}
		k.show(k.canvassArea())
	}
	return st
}

func (k *Kiosk) canvassArea() *areaStep {
	s := k.sess
	return &areaStep{
		k: k, sk: kindCanvassArea,
		words: words{kicker: k.canvassKicker(3), title: "sign.area.title", help: "sign.area.help"},
		get:   func() string { return s.signerArea },
		set:   func(v string) { s.signerArea = v },
		back:  func() { k.show(k.canvassID()) },
		next:  func() { k.show(k.canvassConsent()) },
	}
}

func (k *Kiosk) canvassConsent() *consentStep {
	s := k.sess
	return &consentStep{
		k: k, sk: kindCanvassConsent,
		words: words{kicker: k.canvassKicker(4), title: "consent.title"},
		get:   func() bool { return s.signerConsent },
		set:   func(v bool) { s.signerConsent = v },
		back:  func() { k.show(k.canvassArea()) },
		next:  func() { k.show(&canvassPad{k: k}) },
	}
}

// canvassPad takes the signature and submits: the attendee has seen
// every answer on its own screen, and the canvasser is beside them.
type canvassPad struct {
	k    *Kiosk
	pad  *widgets.Pad
	wipe *widget.Button
	msg  message
}

func (s *canvassPad) kind() screenKind { return kindCanvassPad }

func (s *canvassPad) view() *view {
	k := s.k
	s.msg = newMessage()
	s.pad = k.signaturePad(s.msg)
	s.wipe = k.button(k.T("sign.pad.clear"), theme.ContentClearIcon(), func() { s.pad.Clear() })
	title := ""
	if p := k.camp.Proposal(k.sess.proposal); p != nil {
		title = k.text(p.Title)
	}
	tools := container.NewBorder(nil, nil, wide(s.wipe), nil, s.msg)
	body := container.NewBorder(para(k.F("canvass.pad.help", title)), tools, nil, nil, s.pad)
	return &view{
		kicker: k.canvassKicker(5)(), title: k.T("sign.pad.title"),
		body:    body,
		startTo: k.T("canvass.abandon"),
		back:    func() { k.show(k.canvassConsent()) },
		next:    &action{label: k.T("sign.submit"), run: s.submit},
	}
}

func (s *canvassPad) submit() {
	k := s.k
	sig := s.pad.Signature()
	if err := sig.Validate(); err != nil {
		s.msg.fail(k.explain(err))
		return
	}
	k.sess.signature = sig
	if err := k.sendCanvass(); err != nil {
		s.msg.fail(k.explain(err))
	}
}

// sendCanvass saves the attendee's signature with the canvasser and the
// assembly on it, then shows the hub for the next attendee.
func (k *Kiosk) sendCanvass() error {
	s := k.sess
	if s.signature == nil {
		return stroke.ErrEmpty
	}
	t, _, _, _ := k.checkVoterID(s.voterID)
	strokes, err := s.signature.MarshalBinary()
	if err != nil {
		return err
	}
	d := &record.Draft{
		Kind: record.KindSignature, SubjectID: s.proposal, Mode: record.ModeCanvasser, EventID: k.canv.event,
		Body: record.Body{
			Signer: &record.Signer{
				Name:           strings.TrimSpace(s.signerName),
				IDType:         string(t),
				VoterID:        s.voterID,
				Alcaldia:       s.signerArea,
				ConsentVersion: consentVersion(s.signerConsent, k.camp),
			},
			Strokes:   strokes,
			Canvasser: k.canv.name,
		},
	}
	if err := d.Validate(k.camp); err != nil {
		return err
	}
	r, err := k.store.Append(context.Background(), d, k.camp)
	switch {
	case err == nil:
		k.canvassSaved(r)
	case errors.Is(err, outbox.ErrDuplicate):
		k.canvassDuplicate()
	default:
		// As in kiosk mode: the draft waits in memory on the
		// out-of-service screen, which keeps trying to save it, and
		// then the canvasser is back on the hub.
		k.log.Error("save record", "kind", d.Kind, "err", err)
		k.waitOutOfService(d, k.canvassSaved, k.canvassDuplicate)
	}
	return nil
}

// canvassSaved forgets the attendee whose signature was stored and shows
// the hub for the next one, with the receipt of this one.
func (k *Kiosk) canvassSaved(r *record.Record) {
	k.wipeLive()
	k.sess.endSigning()
	k.canv.last, k.canv.duplicate, k.canv.attending = record.ReceiptCode(r.ID), false, false
	k.Touch()
	k.show(&canvassReady{k: k})
}

// canvassDuplicate drops an attendee who already signed this proposal on
// this device and says so on the hub.
func (k *Kiosk) canvassDuplicate() {
	k.wipeLive()
	k.sess.endSigning()
	k.canv.last, k.canv.duplicate, k.canv.attending = "", true, false
	k.show(&canvassReady{k: k})
}
