package ui

import (
	"context"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/record"
)

// Canvasser mode: a canvasser signs in (canvass_signin.go, with the PIN
// lockout of canvass_lock.go), says which assembly they are at and which
// proposals are signed there (canvass_pickers.go), then hands the tablet to
// one attendee after another from the hub (canvass_hub.go). Each attendee
// walks the signing flow of flow_sign.go, with the canvasser's options:
// the proposals they support (one record each), name, voter id, alcaldía
// (filled in from the assembly), consent, signature and a review.
//
// Two clocks: an attendee who walks away gets the public "are you still
// there?" prompt, and then only their input is wiped and the hub comes
// back, the canvasser still signed in. The canvasser's sign-in lasts while
// the tablet is used at all, up to the device's canvass session setting
// (DefaultCanvassSession) untouched; a minute before it ends a countdown
// warns, and then the kiosk locks back to the sign-in. Signing in again
// brings back the same assembly and proposals.

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
	kindCanvassReview    screenKind = "canvass-review"
)

// Canvasser sign-in timing.
const (
	DefaultCanvassSession = 10 * time.Minute // untouched before the sign-in ends
	canvassWarn           = time.Minute      // the warning's countdown before it ends
	minCanvassSession     = 2 * time.Minute  // shorter settings are taken as this
)

// canvass is the signed-in canvasser and where they work. It lives only
// in memory and is dropped when the kiosk forgets.
type canvass struct {
	name      string        // the canvasser
	since     time.Time     // sign-in, for this sign-in's count
	keep      time.Duration // untouched before the sign-in ends
	event     string        // the assembly
	proposals []string      // proposals signed at it, in campaign order
	last      []string      // receipts of the previous attendee's signatures, for the hub
	already   []string      // proposals the previous attendee had already supported
	attending bool          // an attendee is between "next attendee" and the save
}

// restScreen is where the kiosk waits for the next person: the attract
// screen, or in canvasser mode the canvasser sign-in.
func (k *Kiosk) restScreen() screen {
	if k.mode == record.ModeCanvasser {
		return &canvassSignIn{k: k}
	}
	return newAttract(k)
}

// canvassSessionLen reads how long a sign-in lasts untouched.
func (k *Kiosk) canvassSessionLen() time.Duration {
	v, err := k.store.Setting(context.Background(), handoff.SettingCanvassSession, "")
	if err != nil {
		k.log.Warn("read setting", "key", handoff.SettingCanvassSession, "err", err)
	}
	d, err := time.ParseDuration(v)
	switch {
	case v == "" || err != nil || d <= 0:
		return DefaultCanvassSession
	case d < minCanvassSession:
		return minCanvassSession
	}
	return d
}

// canvassSignOut ends the sign-in, keeping its assembly and proposals for
// the same canvasser's next sign-in: they are the canvasser's work, not
// an attendee's input.
func (k *Kiosk) canvassSignOut() {
	if c := k.canv; c != nil && c.event != "" {
		k.canvPrev = &canvass{name: c.name, event: c.event, proposals: c.proposals}
	}
	k.canv = nil
}

// canvassResume is where a canvasser goes after signing in: the hub with
// their previous assembly and proposals when there were some and the
// campaign still has them, else the assembly picker.
func (k *Kiosk) canvassResume() screen {
	p := k.canvPrev
	if p == nil || p.name != k.canv.name || !k.assemblyKnown(p.event) {
		// A kiosk restarted at an impromptu assembly resumes it.
		if s := k.resumeImpromptu(); s != nil {
			return s
		}
		return &assemblyPicker{k: k}
	}
	var keep []string
	for _, q := range eventProposals(k.camp, p.event) {
		if k.canv.collects(q.ID) || p.collects(q.ID) {
			keep = append(keep, q.ID)
		}
	}
	if len(keep) == 0 {
		return &assemblyPicker{k: k}
	}
	k.canv.event, k.canv.proposals = p.event, keep
	return &canvassHub{k: k}
}

// idleForget is what the end of "are you still there?" does: a
// canvasser's attendee is wiped and the hub comes back; anyone else is
// forgotten.
func (k *Kiosk) idleForget() {
	if k.canv != nil && k.canv.attending {
		k.canvassAbandon()
		return
	}
	k.forget()
}

// startOverLabel is the top-left button's label where a screen sets none:
// during a canvasser's attendee it always cancels that attendee.
func (k *Kiosk) startOverLabel() string {
	switch {
	case k.canv != nil && k.canv.attending:
		return k.T("canvass.abandon")
	case k.canv != nil:
		return k.T("canvass.signout") // opening an impromptu assembly: start over signs out, as on the pickers
	}
	return k.T("frame.startover")
}

// canvassTick is the canvasser's screens' clock (hub and pickers): a
// minute before the sign-in ends untouched, a countdown warns; when it
// runs out the kiosk locks.
func (k *Kiosk) canvassTick(now time.Time) {
	c := k.canv
	if c == nil {
		return
	}
	if !k.promptEnd.IsZero() {
		if !now.Before(k.promptEnd) {
			k.log.Info("canvasser signed out after idle")
			k.forget()
			return
		}
		k.fr.setCountdown(k.F("idle.countdown", secondsLeft(k.promptEnd.Sub(now))))
		return
	}
	warn := min(canvassWarn, c.keep/2)
	if now.Sub(k.lastInput) < c.keep-warn {
		return
	}
	k.promptEnd = now.Add(warn)
	k.fr.showPrompt(k.T("canvass.idle.title"), k.T("canvass.idle.text"),
		k.T("canvass.idle.continue"), func() { k.promptEnd = time.Time{}; k.Touch() },
		k.T("canvass.signout"), k.forget)
	k.fr.setCountdown(k.F("idle.countdown", secondsLeft(warn)))
}
