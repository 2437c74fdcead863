package ui

import (
	"math"
	"time"
)

// Tick advances the kiosk's clock-driven behaviour to the time on its
// clock: the idle prompt and its countdown, forgetting, the receipt's
// timeout, retries when out of service, the attract rotation, campaign
// updates at attract and the status strip. Start calls it every second;
// tests call it after moving their clock, so they never sleep.
func (k *Kiosk) Tick() {
	now := k.now()
	if now.Sub(k.lastTick.status) >= statusEvery {
		k.lastTick.status = now
		k.fr.refreshStatus()
	}
	if k.cur == nil {
		return
	}
	if t, ok := k.cur.(ticker); ok {
		before := k.cur
		t.tick(now)
		if k.cur != before {
			return // a new screen starts its own time
		}
	}
	v := k.fr.v
	if v == nil {
		return
	}
	idleFor := now.Sub(k.lastInput)
	switch v.idle {
	case idleNever:
		return
	case idleReturn:
		limit := k.idle
		if k.cur.kind() == kindSaved {
			limit = k.cfg.SavedFor
		}
		if idleFor >= limit {
			k.forget()
		}
		return
	}
	if !k.promptEnd.IsZero() {
		if !now.Before(k.promptEnd) {
			k.idleForget()
			return
		}
		left := secondsLeft(k.promptEnd.Sub(now))
		k.fr.setCountdown(k.F("idle.countdown", left))
		k.sayCountdown(left)
		return
	}
	if idleFor >= k.idle {
		k.askStillThere(now)
	}
}

// ticker is a screen with clock-driven behaviour of its own.
type ticker interface {
	tick(now time.Time)
}

// askStillThere covers the screen with "are you still there?" and starts
// the countdown to forgetting.
func (k *Kiosk) askStillThere(now time.Time) {
	k.promptEnd = now.Add(k.countdown)
	stay := func() { k.promptEnd = time.Time{} }
	k.fr.showPrompt(k.T("idle.title"), k.T("idle.text"),
		k.T("idle.continue"), stay,
		k.T("idle.finish"), k.idleForget)
	// The prompt says "if you do not touch the screen": a touch anywhere
	// but "finish" is the person saying they are still here.
	k.fr.promptBack.onTap = func() {
		k.Touch()
		k.fr.hidePrompt()
		stay()
	}
	k.fr.setCountdown(k.F("idle.countdown", secondsLeft(k.countdown)))
	k.saidLeft = secondsLeft(k.countdown)
	// A keypad's Enter answers "yes, continue"; speech says the question,
	// the seconds left and that button.
	k.fr.focusPrompt(k.fr.promptYes)
}

// sayCountdown says the seconds left before forgetting: every five, and
// each of the last three, once each however often the clock ticks.
func (k *Kiosk) sayCountdown(left int) {
	if left == k.saidLeft || (left%5 != 0 && left > 3) {
		return
	}
	k.saidLeft = left
	k.say(k.lang().N("speech.countdown", left))
}

func secondsLeft(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}

func (f *frame) setCountdown(s string) {
	if f.promptCount != nil {
		f.promptCount.SetText(s)
	}
}
