package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Tours of the field-operations screens, for screenshots and by-hand
// review, like Tour. Each names its shots "NN-name" with its own prefix.

// tourCode is a well-formed provisioning code for pictures; no central
// knows it.
var tourCode = protocol.ProvisioningCode{URL: "http://10.0.0.5:8080", Token: "7K2M9QX4T8VB", Fingerprint: "R3N5W8Y2C6H1J4P7"}.String()

// SetupTour walks the first-start setup wizard on a device with no
// identity, with made-up answers from syncd for success and failure. It
// hands no request to syncd.
func (k *Kiosk) SetupTour(shot func(name string)) error {
	if k.ident != nil {
		return fmt.Errorf("setup tour: the device is enrolled")
	}
	n := 0
	snap := func(name string) {
		n++
		shot(fmt.Sprintf("setup-%02d-%s", n, name))
	}
	st := &setupState{mode: record.ModeKiosk}
	k.show(&setupCode{k: k, st: st})
	snap("code-empty")
	st.code = tourCode[:len(tourCode)-1] + "Z"
	c := &setupCode{k: k, st: st}
	k.show(c)
	c.submit()
	snap("code-mistyped")
	st.code = tourCode
	k.show(&setupFiles{k: k, st: st})
	snap("code-files")
	k.show(&setupMode{k: k, st: st})
	snap("mode")
	st.name = "Módulo Zócalo 2"
	k.show(&setupDevice{k: k, st: st})
	snap("name")
	k.show(&setupPIN{k: k, st: st})
	snap("pin")
	st.started = k.now()
	k.show(&setupRun{k: k, st: st})
	snap("enrolling")
	st.started = k.now().Add(-setupQuietAfter)
	k.show(&setupRun{k: k, st: st})
	snap("enrolling-quiet")
	st.outcome = &handoff.EnrollOutcome{DeviceID: "dev-7f3a9c2e", ClockFarOff: true, ClockSkew: -(72 * time.Hour).Seconds()}
	k.show(&setupDone{k: k, st: st})
	snap("done")
	for _, kind := range []string{handoff.KindCodeUsed, handoff.KindCodeExpired, handoff.KindUnknownCode, handoff.KindUnreachable} {
		st.outcome = &handoff.EnrollOutcome{Kind: kind, Message: "sample: " + kind}
		k.show(&setupDone{k: k, st: st})
		snap("failed-" + kind)
	}
	// Last, as it changes the code screen for good: a device that knows
	// its fleet takes the short code.
	k.rememberFleet(tourCode)
	st = &setupState{mode: record.ModeKiosk}
	k.show(&setupCode{k: k, st: st})
	snap("code-short-empty")
	pc, err := protocol.ParseCode(tourCode)
	if err != nil {
		return fmt.Errorf("setup tour: %w", err)
	}
	st.code = pc.Short()
	k.show(&setupCode{k: k, st: st})
	snap("code-short")
	k.forget()
	return nil
}

// TechTour opens the technician menu and each plugged-in tool.
func (k *Kiosk) TechTour(shot func(name string)) error {
	n := 0
	snap := func(name string) {
		n++
		shot(fmt.Sprintf("tech-%02d-%s", n, name))
	}
	k.forget()
	k.show(&pinScreen{k: k})
	snap("pin")
	k.show(&techMenu{k: k})
	snap("menu")
	for _, t := range k.cfg.Tools {
		k.show(&toolScreen{k: k, tool: t})
		snap(t.ID)
	}
	k.forget()
	return nil
}

// CanvassTour signs a canvasser in (making the account if the device has
// none), picks an assembly and walks one attendee through, saving the
// signature: use a demo or test outbox enrolled in canvasser mode.
func (k *Kiosk) CanvassTour(shot func(name string)) error {
	if k.mode != record.ModeCanvasser || k.camp == nil || len(k.camp.Events) == 0 {
		return fmt.Errorf("canvass tour: the device is not a canvasser device with assemblies")
	}
	ctx := context.Background()
	list, err := Canvassers(ctx, k.store)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		if err := SetCanvasser(ctx, k.store, "Rosa Promotora", "246810"); err != nil {
			return err
		}
		if err := SetCanvasser(ctx, k.store, "Julián Promotor", "135790"); err != nil {
			return err
		}
		list, _ = Canvassers(ctx, k.store)
	}
	n := 0
	snap := func(name string) {
		n++
		shot(fmt.Sprintf("canvass-%02d-%s", n, name))
	}
	k.forget()
	in := &canvassSignIn{k: k}
	k.show(in)
	snap("signin")
	in.pick(list[len(list)-1].Name)
	snap("signin-pin")
	k.canv = &canvass{name: in.name, since: k.now()}
	k.show(&assemblyPicker{k: k})
	snap("assembly")
	k.canv.event = k.camp.Events[0].ID
	props := eventProposals(k.camp, k.canv.event)
	for i := range min(2, len(props)) {
		k.canv.proposals = append(k.canv.proposals, props[i].ID)
	}
	k.show(&proposalsPicker{k: k})
	snap("proposals")
	k.show(&canvassHub{k: k})
	snap("ready")
	k.canv.attending = true
	f := k.canvassSigning()
	k.sess.sign.proposals = append([]string(nil), k.canv.proposals...)
	if e := k.camp.Event(k.canv.event); e != nil {
		k.sess.sign.preset = e.Alcaldia
	}
	k.show(f.stepOf(kindCanvassPick))
	snap("attendee-proposals")
	k.tourSigner(f, canvassSignKinds, &k.sess.sign, func(kind screenKind) {
		snap("attendee-" + string(kind)[len("canvass-"):])
	})
	k.show(f.stepOf(kindCanvassReview))
	snap("attendee-review")
	// An attendee who cannot sign: the canvasser witnesses their mark.
	k.sess.sign.witnessed, k.sess.sign.signature = true, nil
	k.show(f.stepOf(kindCanvassPad))
	snap("attendee-witnessed")
	k.show(f.stepOf(kindCanvassReview))
	snap("attendee-witnessed-review")
	k.sess.sign.witnessed, k.sess.sign.signature = false, sampleSignature()
	if err := k.save(f); err != nil {
		return err
	}
	snap("ready-after-save")
	if k.camp.AcceptsKind(string(record.KindEventProposal)) {
		if err := k.tourImpromptu(snap); err != nil {
			return err
		}
	}
	k.forget()
	snap("locked")
	return nil
}
