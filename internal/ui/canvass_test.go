package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

const (
	canvasserName = "Rosa Promotora"
	canvasserPIN  = "246810"
)

// newCanvassRig is a kiosk on a device enrolled in canvasser mode with
// one canvasser account.
func newCanvassRig(t *testing.T) *rig {
	t.Helper()
	test.NewTempApp(t)
	saved := CanvasserPINParams
	CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { CanvasserPINParams = saved })
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	if err := SetCanvasser(context.Background(), dev.Store, canvasserName, canvasserPIN); err != nil {
		t.Fatal(err)
	}
	r := newRigOn(t, dev, dev.Store, Config{})
	r.expect(kindCanvassSignIn)
	return r
}

// signIn signs the canvasser in and picks the Coyoacán assembly with its
// first two proposals.
func (r *rig) signIn(pin string) {
	r.t.Helper()
	if screenAs[*canvassSignIn](r).name == "" {
		r.tapText(canvasserName)
	}
	r.typeKeys(pin)
	r.next()
}

func (r *rig) toHub() {
	r.t.Helper()
	r.signIn(canvasserPIN)
	r.expect(kindCanvassEvent)
	r.tapText("Asamblea ciudadana en Coyoacán")
	r.expect(kindCanvassProposals)
	s := screenAs[*proposalsPicker](r)
	test.Tap(s.tiles[0])
	test.Tap(s.tiles[1])
	r.next()
	r.expect(kindCanvassReady)
}

// attendee takes one attendee from the hub to the saved signature,
// counting the taps it takes before their name can be typed.
func (r *rig) attendee(name, voterID string, proposalTitles ...string) (taps int) {
	r.t.Helper()
	taps, _ = r.attendeeSigns(name, voterID, proposalTitles...)
	r.expect(kindCanvassReady)
	return taps
}

// attendeeSigns walks one attendee from the hub to submitting their
// signature for the proposals titled, counting the taps before their name
// can be typed (start) and every tap but the typed keys and the strokes
// (all).
func (r *rig) attendeeSigns(name, voterID string, proposalTitles ...string) (start, all int) {
	r.t.Helper()
	r.next()
	start++
	if s, ok := r.k.cur.(*attendeeChoice); ok {
		for _, tl := range s.tiles {
			if tl.Selected {
				r.t.Fatalf("the proposal %q starts chosen", tl.Title)
			}
		}
		// Tapped as tiles, not by position: with their summaries the
		// third is below the fold, where a person scrolls to it.
		for _, title := range proposalTitles {
			i := slices.IndexFunc(s.tiles, func(tl *widgets.Tile) bool { return tl.Title == title })
			if i < 0 {
				r.t.Fatalf("no proposal %q to choose", title)
			}
			test.Tap(s.tiles[i])
			start++
		}
		r.next()
		start++
	}
	all = start
	r.expect(kindCanvassName)
	if got := r.field().Text; got != "" {
		r.t.Fatalf("the name field starts with %q", got)
	}
	r.typeKeys(name)
	r.next()
	all++
	r.expect(kindCanvassID)
	if got := r.field().Text; got != "" {
		r.t.Fatalf("the voter id field starts with %q", got)
	}
	r.typeKeys(voterID)
	r.next()
	all++
	r.expect(kindCanvassArea)
	// The assembly is in Coyoacán: the alcaldía comes filled in, and
	// nothing else.
	for _, tl := range screenAs[*areaStep](r).tiles {
		if tl.Selected != (tl.Title == "Coyoacán") {
			r.t.Fatalf("the alcaldía %q starts chosen: %v", tl.Title, tl.Selected)
		}
	}
	r.next()
	all++
	r.expect(kindCanvassConsent)
	if screenAs[*consentStep](r).box.Selected {
		r.t.Fatal("consent starts given")
	}
	r.tapText(i18n.Spanish.T("consent.accept"))
	r.next()
	all += 2
	r.expect(kindCanvassPad)
	if !screenAs[*padStep](r).pad.Empty() {
		r.t.Fatal("the pad starts with ink")
	}
	r.sign()
	r.next()
	all++
	r.expect(kindCanvassReview)
	r.next()
	all++
	return start, all
}

func TestCanvasserLoopTwentyAttendees(t *testing.T) {
	r := newCanvassRig(t)
	r.toHub()
	k := r.k
	props := k.canv.proposals
	if len(props) != 2 {
		t.Fatalf("signing %v, want two proposals", props)
	}
	const n = 20
	var names, ids []string
	for i := range n {
		name := fmt.Sprintf("Asistente Numero %c", 'A'+i)
		id := fmt.Sprintf("PRGRAN85031209M%03d", 100+i)
		p := k.camp.Proposal(props[i%2])
		if taps := r.attendee(name, id, p.Title.Get("es")); taps > 3 {
			t.Fatalf("attendee %d: %d taps to start", i+1, taps)
		}
		names, ids = append(names, name), append(ids, id)

		hub := screenAs[*canvassHub](r)
		mine, _ := k.store.CountSince(context.Background(), k.canv.since, record.KindSignature, "", "asamblea-coyoacan")
		if hub.mine.Text != strconv.Itoa(i+1) || hub.mine.Text != strconv.Itoa(mine) || hub.assembly.Text != strconv.Itoa(i+1) {
			t.Fatalf("after attendee %d the hub shows %s this sign-in, %s at the assembly; outbox has %d",
				i+1, hub.mine.Text, hub.assembly.Text, mine)
		}
		// Nothing of this attendee is left for the next one.
		if found := leaks(k, name, id); len(found) > 0 {
			t.Fatalf("after attendee %d the kiosk still holds their input:\n%s", i+1, strings.Join(found, "\n"))
		}
		for text := range textsOn(k.win.Canvas()) {
			if strings.Contains(text, name) || strings.Contains(text, id) {
				t.Fatalf("after attendee %d the hub shows %q", i+1, text)
			}
		}
	}

	recs := r.records()
	if len(recs) != n {
		t.Fatalf("outbox holds %d records, want %d", len(recs), n)
	}
	for i, rec := range recs {
		body := r.dev.Open(t, rec)
		switch {
		case rec.Kind != record.KindSignature, rec.Mode != record.ModeCanvasser, rec.EventID != "asamblea-coyoacan":
			t.Errorf("record %d: kind %s, mode %s, event %q", i+1, rec.Kind, rec.Mode, rec.EventID)
		case rec.SubjectID != props[i%2]:
			t.Errorf("record %d supports %s, want %s", i+1, rec.SubjectID, props[i%2])
		case body.Canvasser != canvasserName:
			t.Errorf("record %d: canvasser %q", i+1, body.Canvasser)
		case body.Signer == nil || body.Signer.Name != names[i] || body.Signer.VoterID != ids[i] || body.Signer.Alcaldia == "":
			t.Errorf("record %d: signer %+v", i+1, body.Signer)
		}
	}
}

// TestCanvasserIdleWipesOnlyTheAttendee: an attendee who walks away gets
// the public prompt, and then only their input goes; the canvasser, the
// assembly and the proposals stay.
func TestCanvasserIdleWipesOnlyTheAttendee(t *testing.T) {
	r := newCanvassRig(t)
	r.toHub()
	k := r.k
	props := append([]string(nil), k.canv.proposals...)
	r.next()
	r.tapText(k.camp.Proposal(k.canv.proposals[0]).Title.Get("es"))
	r.next()
	r.typeKeys(secretName)
	r.next()
	r.typeKeys(secretID)
	entry := r.field()

	r.tick(k.idle)
	if !k.fr.promptShown() {
		t.Fatal("no \"are you still there?\" for the attendee")
	}
	r.tick(k.countdown)
	r.expect(kindCanvassReady)
	if k.canv == nil || k.canv.event != "asamblea-coyoacan" || !slices.Equal(k.canv.proposals, props) {
		t.Fatalf("after the attendee's timeout the canvasser's choice is %+v", k.canv)
	}
	if entry.Text != "" {
		t.Errorf("the voter id field still holds %q", entry.Text)
	}
	if found := leaks(k, secretName, secretID); len(found) > 0 {
		t.Errorf("the kiosk still holds the attendee's input:\n%s", strings.Join(found, "\n"))
	}
	if len(r.records()) != 0 {
		t.Error("an abandoned attendee was saved")
	}
}

func TestCanvasserSignIn(t *testing.T) {
	t.Run("a wrong PIN is refused and counted", func(t *testing.T) {
		r := newCanvassRig(t)
		r.signIn("999999")
		r.expect(kindCanvassSignIn)
		if msg := screenAs[*canvassSignIn](r).msg.Text; msg != i18n.Spanish.N("pin.wrong", canvassMaxFailures-1) {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("five wrong PINs lock the sign-in", func(t *testing.T) {
		r := newCanvassRig(t)
		for range canvassMaxFailures {
			r.signIn("999999")
		}
		r.signIn(canvasserPIN)
		r.expect(kindCanvassSignIn)
		r.tick(canvassCooldown)
		r.signIn(canvasserPIN)
		r.expect(kindCanvassEvent)
	})
	t.Run("the lockout survives a restart", func(t *testing.T) {
		r := newCanvassRig(t)
		for range canvassMaxFailures {
			r.signIn("999999")
		}
		r.k.canvLock = canvassLock{} // all a restarted kiosk would remember
		r.signIn(canvasserPIN)
		r.expect(kindCanvassSignIn)
		r.tick(canvassCooldown)
		r.signIn(canvasserPIN)
		r.expect(kindCanvassEvent)
	})
	t.Run("start over on an attendee keeps the canvasser signed in", func(t *testing.T) {
		r := newCanvassRig(t)
		r.toHub()
		r.next()
		r.tapText(r.k.camp.Proposal(r.k.canv.proposals[1]).Title.Get("es"))
		r.next()
		r.typeKeys(secretName)
		r.k.StartOver()
		test.Tap(r.k.fr.promptYes)
		r.expect(kindCanvassReady)
		if r.k.sess.sign.name != "" {
			t.Errorf("the attendee's name survived: %q", r.k.sess.sign.name)
		}
	})
	t.Run("back from the attendee's choice of proposal is the hub, where sign out signs out", func(t *testing.T) {
		r := newCanvassRig(t)
		r.toHub()
		r.next()
		r.expect(kindCanvassPick)
		test.Tap(r.k.fr.back)
		r.expect(kindCanvassReady)
		r.k.StartOver()
		r.expect(kindCanvassSignIn)
		if r.k.canv != nil {
			t.Error("still signed in")
		}
	})
	t.Run("sign out forgets the canvasser", func(t *testing.T) {
		r := newCanvassRig(t)
		r.toHub()
		r.k.StartOver()
		r.expect(kindCanvassSignIn)
		if r.k.canv != nil {
			t.Error("still signed in")
		}
	})
}

func TestCanvasserAccounts(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	ctx := context.Background()
	saved := CanvasserPINParams
	CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { CanvasserPINParams = saved })
	for _, c := range []struct{ name, pin string }{{"Zoe", "111111"}, {"ana", "222222"}, {"Ana", "333333"}} {
		if err := SetCanvasser(ctx, dev.Store, c.name, c.pin); err != nil {
			t.Fatal(err)
		}
	}
	list, err := Canvassers(ctx, dev.Store)
	if err != nil || len(list) != 2 || list[0].Name != "Ana" || list[1].Name != "Zoe" {
		t.Fatalf("accounts %+v, %v", list, err)
	}
	if strings.Contains(list[0].Hash, "333333") {
		t.Error("the PIN is stored in clear")
	}
	tests := []struct {
		name, who, pin string
		want           error
	}{
		{"right PIN", "Ana", "333333", nil},
		{"replaced PIN", "Ana", "222222", ErrCanvasserPIN},
		{"unknown canvasser", "Luis", "111111", ErrNoCanvasser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkCanvasser(ctx, dev.Store, tt.who, tt.pin); err != tt.want {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if err := SetCanvasser(ctx, dev.Store, "Luis", "12"); err == nil {
		t.Error("a two-digit PIN was accepted")
	}
	if err := RemoveCanvasser(ctx, dev.Store, "Zoe"); err != nil {
		t.Fatal(err)
	}
	if list, _ := Canvassers(ctx, dev.Store); len(list) != 1 {
		t.Errorf("after removing: %+v", list)
	}
}

// TestCanvasserOutOfServiceReturnsToTheHub: a signature that cannot be
// saved waits on the out-of-service screen, and once it is saved the
// canvasser is back on the hub for the next attendee, with this one's
// receipt and nothing of them left.
func TestCanvasserOutOfServiceReturnsToTheHub(t *testing.T) {
	test.NewTempApp(t)
	saved := CanvasserPINParams
	CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { CanvasserPINParams = saved })
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	if err := SetCanvasser(context.Background(), dev.Store, canvasserName, canvasserPIN); err != nil {
		t.Fatal(err)
	}
	store := &failingStore{Store: dev.Store}
	r := newRigOn(t, dev, store, Config{})
	r.expect(kindCanvassSignIn)
	r.toHub()
	k := r.k
	title := k.camp.Proposal(k.canv.proposals[0]).Title.Get("es")
	r.attendee("Asistente Primera", "PRGRAN85031209M100", title)
	if len(k.canv.last) != 1 {
		t.Fatalf("hub shows receipts %v after one proposal", k.canv.last)
	}

	store.full = true
	const name, id = "Asistente Segunda", "PRGRAN85031209M101"
	r.attendeeSigns(name, id, title)
	r.expect(kindOutOfService)
	for range 5 {
		r.tick(retryEvery)
	}
	r.expect(kindOutOfService)
	if n := len(r.records()); n != 1 {
		t.Fatalf("%d records stored while the disk was full, want the first attendee's only", n)
	}

	store.full = false
	r.tick(retryEvery)
	r.expect(kindCanvassReady)
	recs := r.records()
	if len(recs) != 2 {
		t.Fatalf("outbox holds %d records, want 2", len(recs))
	}
	if body := r.dev.Open(t, recs[1]); body.Signer == nil || body.Signer.Name != name || body.Signer.VoterID != id {
		t.Fatalf("second record's signer %+v", body.Signer)
	}
	if len(k.canv.last) != 1 || k.canv.last[0] != record.ReceiptCode(recs[1].ID) {
		t.Fatalf("hub shows receipt %q, want the saved record's %q", k.canv.last, record.ReceiptCode(recs[1].ID))
	}
	if found := leaks(k, name, id); len(found) > 0 {
		t.Fatalf("after saving, the kiosk still holds the attendee's input:\n%s", strings.Join(found, "\n"))
	}
	// The hub still counts for the next attendee.
	r.attendee("Asistente Tercera", "PRGRAN85031209M102", title)
	if n := len(r.records()); n != 3 {
		t.Fatalf("outbox holds %d records after the third attendee, want 3", n)
	}
}
