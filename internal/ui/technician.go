package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// TechTool is a technician screen reachable from the technician menu: the
// device health, enrollment, USB export and dead-record screens of the
// field-operations work plug in here.
type TechTool struct {
	// ID names the tool in logs and tests.
	ID string
	// Title is the menu label in the given language.
	Title func(i18n.Lang) string
	// Build makes the tool's screen. It is called again when the language
	// changes; h gives it the kiosk's services and a way back.
	Build func(h TechHost) fyne.CanvasObject
	// Keys says the screen has an on-screen keyboard at its foot: the
	// frame then gives it the screen's full width, as it does its own
	// keyboards, which in large text need it on a 1024-wide screen.
	Keys bool
}

// TechHost is what a technician tool gets from the kiosk.
type TechHost interface {
	App() fyne.App
	Window() fyne.Window
	Store() Store
	Lang() i18n.Lang
	// Touch marks activity: technician screens time out to the attract
	// screen, and need the PIN again, like everything else.
	Touch()
	// Back returns to the technician menu.
	Back()
	// Reload re-reads the device identity and campaign, after a tool
	// enrolled the device or replaced its content, and leaves the menu.
	Reload()
	// Exit leaves the kiosk (closes the app).
	Exit()
}

// techHost is the kiosk seen by a tool.
type techHost struct{ k *Kiosk }

var _ TechHost = techHost{}

func (h techHost) App() fyne.App       { return h.k.app }
func (h techHost) Window() fyne.Window { return h.k.win }
func (h techHost) Store() Store        { return h.k.store }
func (h techHost) Lang() i18n.Lang     { return h.k.lang() }
func (h techHost) Touch()              { h.k.Touch() }
func (h techHost) Back()               { h.k.show(&techMenu{k: h.k}) }
func (h techHost) Reload()             { h.k.forget() }
func (h techHost) Exit()               { h.k.exit() }

// techGesture is the hidden corner's trigger. Whoever is at the screen is
// forgotten first: a technician never sees a passer-by's input. Without
// a technician PIN it opens nothing: the first PIN is set by syncd on the
// command line or by the setup wizard, never by whoever finds the corner.
func (k *Kiosk) techGesture() {
	k.Touch()
	if _, ok := k.cur.(*pinScreen); ok {
		return
	}
	set, err := k.pin.IsSet(context.Background())
	if err != nil || !set {
		k.log.Warn("technician gesture on a device without a technician pin", "err", err)
		return
	}
	k.forget()
	k.show(&pinScreen{k: k})
}

func (k *Kiosk) exit() {
	k.log.Info("technician exit")
	if k.cfg.OnExit != nil {
		k.cfg.OnExit()
		return
	}
	k.app.Quit()
}

// pinScreen asks for the technician PIN, or, when the technician changes
// it from the menu, asks for a new one twice.
type pinScreen struct {
	k      *Kiosk
	create bool   // set a new PIN (from the menu)
	first  string // create: the PIN typed the first time
	change bool   // changing an existing PIN from the menu

	typed string // the digits typed; never in the session
	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
}

func (s *pinScreen) kind() screenKind { return kindPIN }

func (s *pinScreen) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.input = k.entry(s.typed, "", false, func(v string) { s.typed = v })
	s.input.Password = true
	s.kb = k.keyboard(widgets.Digits, s.input)
	title, help := "pin.title", "pin.help"
	switch {
	case s.create && s.first == "":
		title, help = "pin.create.title", "pin.create.help"
	case s.create:
		title, help = "pin.confirm.title", "pin.confirm.help"
	}
	v := &view{
		title:    k.T(title),
		body:     para(k.T(help)),
		field:    container.NewVBox(container.NewGridWrap(fyne.NewSize(360, TouchTarget), s.input), s.msg),
		keyboard: s.kb, focus: s.input, idle: idleReturn,
		startTo: k.T("pin.cancel"),
		next:    &action{label: k.T("pin.enter"), run: s.submit},
	}
	if s.change {
		v.back = func() { k.show(&techMenu{k: k}) }
	}
	return v
}

func (s *pinScreen) submit() {
	k := s.k
	ctx := context.Background()
	pin := s.typed
	s.typed = ""
	s.input.SetText("")
	if s.create {
		if err := pinguard.CheckFormat(pin); err != nil {
			s.msg.fail(k.F("pin.format", pinguard.MinLength, pinguard.MaxLength))
			return
		}
		if s.first == "" {
			k.show(&pinScreen{k: k, create: true, first: pin, change: s.change})
			return
		}
		if pin != s.first {
			k.show(&pinScreen{k: k, create: true, change: s.change})
			k.cur.(*pinScreen).msg.fail(k.T("pin.mismatch"))
			return
		}
		if err := k.pin.Set(ctx, pin); err != nil {
			k.log.Error("save technician pin", "err", err)
			s.msg.fail(k.T("error.generic"))
			return
		}
		k.log.Info("technician pin set")
		k.show(&techMenu{k: k})
		return
	}
	res, err := k.pin.Check(ctx, pin)
	switch {
	case errors.Is(err, pinguard.ErrNotSet):
		// Unset since the gesture (a wipe): no menu, and no new PIN
		// from here.
		k.forget()
	case err != nil:
		k.log.Error("check technician pin", "err", err)
		s.msg.fail(k.T("error.generic"))
	case res.OK:
		k.log.Info("technician login")
		k.show(&techMenu{k: k})
	case !res.LockedUntil.IsZero():
		k.log.Warn("technician pin locked", "until", res.LockedUntil)
		s.msg.fail(k.F("pin.locked", k.lang().Ago(res.LockedUntil, k.now())))
	default:
		k.log.Warn("technician pin wrong", "remaining", res.Remaining)
		s.msg.fail(k.lang().N("pin.wrong", res.Remaining))
	}
}

// techMenu is the technician's entry point: device facts, the plugged-in
// tools, changing the PIN, going back, and leaving the kiosk.
type techMenu struct {
	k     *Kiosk
	tools []*widgets.Tile
	exit  *widgets.Tile
}

func (s *techMenu) kind() screenKind { return kindTechMenu }

func (s *techMenu) view() *view {
	k := s.k
	s.tools = nil
	info := container.NewVBox()
	if id := k.ident; id != nil {
		info.Add(para(k.F("tech.device", id.DeviceID, id.Name, k.mode)))
	}
	if k.camp != nil {
		info.Add(para(k.F("tech.campaign", k.camp.ID, k.camp.Version)))
	}
	if c, err := k.store.Counts(context.Background()); err == nil {
		info.Add(para(k.F("tech.counts", c.Pending, c.Synced, c.Dead)))
	}
	var objs []fyne.CanvasObject
	for _, t := range k.cfg.Tools {
		tool := t
		tile := k.tile(tool.Title(k.lang()), "", widgets.Arrow, false, func() { k.show(&toolScreen{k: k, tool: tool}) })
		s.tools = append(s.tools, tile)
		objs = append(objs, tile)
	}
	change := k.tile(k.T("tech.changepin"), "", widgets.Arrow, false, func() {
		k.show(&pinScreen{k: k, create: true, change: true})
	})
	change.Icon = theme.AccountIcon()
	objs = append(objs, change)
	s.exit = k.tile(k.T("tech.exit"), k.T("tech.exit.detail"), widgets.NoMark, false, func() {
		k.fr.showConfirm(k.T("tech.exit.confirm"), k.T("tech.exit.yes"), k.T("tech.exit.no"), k.exit)
	})
	s.exit.Icon = theme.LogoutIcon()
	objs = append(objs, s.exit)
	return &view{
		title:   k.T("tech.title"),
		body:    k.scroll(container.NewVBox(info, widget.NewSeparator(), container.NewVBox(objs...))),
		idle:    idleReturn,
		startTo: k.T("tech.back"),
		staff:   true,
	}
}

// toolScreen shows a plugged-in technician tool in the kiosk's frame.
type toolScreen struct {
	k    *Kiosk
	tool TechTool
}

func (s *toolScreen) kind() screenKind { return kindTechTool }

func (s *toolScreen) view() *view {
	k := s.k
	return &view{
		title:   s.tool.Title(k.lang()),
		body:    s.tool.Build(techHost{k: k}),
		back:    func() { k.show(&techMenu{k: k}) },
		idle:    idleReturn,
		startTo: k.T("tech.back"),
		wide:    s.tool.Keys,
	}
}
