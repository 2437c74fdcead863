package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// canvassSignIn lists the canvasser accounts; the canvasser taps their
// name and types their PIN.
type canvassSignIn struct {
	k     *Kiosk
	name  string // picked account
	typed string // PIN digits; never in the session
	tiles []*widgets.Tile
	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
}

func (s *canvassSignIn) kind() screenKind { return kindCanvassSignIn }

func (s *canvassSignIn) view() *view {
	k := s.k
	s.msg = k.newMessage()
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
		k.canv = &canvass{name: s.name, since: now, keep: k.canvassSessionLen()}
		k.log.Info("canvasser signed in")
		k.show(k.canvassResume())
	}
}
