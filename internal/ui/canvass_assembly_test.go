package ui

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// newCanvassSubmissionRig is a canvasser tablet whose campaign's central
// takes event proposals, with one canvasser account.
func newCanvassSubmissionRig(t *testing.T) *rig {
	t.Helper()
	test.NewTempApp(t)
	saved := CanvasserPINParams
	CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { CanvasserPINParams = saved })
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	acceptSubmissions(t, dev)
	if err := SetCanvasser(context.Background(), dev.Store, canvasserName, canvasserPIN); err != nil {
		t.Fatal(err)
	}
	r := newRigOn(t, dev, dev.Store, Config{})
	r.expect(kindCanvassSignIn)
	return r
}

// tapTile taps the tile titled title on screen, in view or scrolled to.
func (r *rig) tapTile(title string) {
	r.t.Helper()
	var tile *widgets.Tile
	walk(r.k.win.Canvas(), func(o fyne.CanvasObject, _ fyne.Position) {
		if tl, ok := o.(*widgets.Tile); ok && tl.Title == title && tile == nil {
			tile = tl
		}
	})
	if tile == nil {
		r.t.Fatalf("screen %s has no tile %q", r.k.cur.kind(), title)
	}
	test.Tap(tile)
}

// openImpromptu opens an impromptu assembly in Coyoacán from the
// assembly picker, and collects the first two proposals there.
func (r *rig) openImpromptu() {
	r.t.Helper()
	es := i18n.Spanish
	r.expect(kindCanvassEvent)
	r.tapText(es.T("canvass.open.new"))
	r.expect(kindImpromptuTitle)
	if got := r.k.fr.start.Text; got != es.T("canvass.signout") {
		r.t.Fatalf("the top-left button reads %q while opening an assembly", got)
	}
	r.typeKeys("Junta  vecinal del parque")
	r.next()
	r.expect(kindImpromptuVenue)
	r.typeKeys("Parque Xicoténcatl, kiosco")
	r.next()
	r.expect(kindImpromptuArea)
	r.tapText("Coyoacán")
	r.next()
	r.expect(kindImpromptuAbout)
	r.typeKeys("Seguridad y alumbrado.")
	r.next()
	r.expect(kindImpromptuConsent)
	r.tapText(es.T("consent.accept"))
	r.next()
	r.expect(kindImpromptuReview)
	r.next()
	r.expect(kindCanvassProposals)
	s := screenAs[*proposalsPicker](r)
	test.Tap(s.tiles[0])
	test.Tap(s.tiles[1])
	r.next()
	r.expect(kindCanvassReady)
}

func TestImpromptuAssemblyCollectsTenSignaturesUnderItsID(t *testing.T) {
	r := newCanvassSubmissionRig(t)
	k := r.k
	r.signIn(canvasserPIN)
	r.openImpromptu()

	recs := r.records()
	if len(recs) != 1 {
		t.Fatalf("opening the assembly stored %d records, want 1", len(recs))
	}
	ev := recs[0]
	id := ev.SubjectID
	if ev.Kind != record.KindEventProposal || !record.IsSubmissionID(record.KindEventProposal, id) ||
		ev.Mode != record.ModeCanvasser || k.canv.event != id {
		t.Fatalf("the assembly is a %s record about %q in mode %s; the hub collects at %q", ev.Kind, id, ev.Mode, k.canv.event)
	}
	a := r.dev.Open(t, ev).Assembly
	if a == nil || a.Title != "Junta vecinal del parque" || a.Venue != "Parque Xicoténcatl, kiosco" ||
		a.Alcaldia != "coyoacan" || a.About != "Seguridad y alumbrado." || a.Organiser != canvasserName ||
		!a.Starts.Equal(testNow) || a.Lang != "es" || a.ConsentVersion != k.camp.Privacy.Version {
		t.Fatalf("assembly %+v", a)
	}
	// The hub names it as the current assembly.
	if _, ok := textsOn(k.win.Canvas())[i18n.Spanish.F("canvass.open.hub", a.Title, a.Venue)]; !ok {
		t.Fatalf("the hub does not show the impromptu assembly; it shows %v", textsOn(k.win.Canvas()))
	}

	props := k.canv.proposals
	const n = 10
	for i := range n {
		name := fmt.Sprintf("Asistente Numero %c", 'A'+i)
		voterID := fmt.Sprintf("PRGRAN85031209M%03d", 100+i)
		r.attendee(name, voterID, k.camp.Proposal(props[i%2]).Title.Get("es"))
		hub := screenAs[*canvassHub](r)
		if hub.assembly.Text != strconv.Itoa(i+1) {
			t.Fatalf("after attendee %d the hub counts %s at the assembly", i+1, hub.assembly.Text)
		}
	}

	// Offline all along: everything waits in the outbox for syncd.
	c, err := r.dev.Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Pending != n+1 {
		t.Fatalf("%d records pending, want the assembly and %d signatures", c.Pending, n)
	}
	recs = r.records()[1:]
	for i, rec := range recs {
		if rec.Kind != record.KindSignature || rec.EventID != id || rec.SubjectID != props[i%2] {
			t.Errorf("signature %d: %s for %q at %q, want at %q", i+1, rec.Kind, rec.SubjectID, rec.EventID, id)
		}
		if b := r.dev.Open(t, rec); b.Canvasser != canvasserName || b.Signer.Alcaldia != "coyoacan" {
			t.Errorf("signature %d: canvasser %q, alcaldía %q", i+1, b.Canvasser, b.Signer.Alcaldia)
		}
	}

	// The kiosk restarts in the middle of the gathering: after signing in
	// the canvasser is back at the same assembly, with its proposals.
	r2 := newRigOn(t, r.dev, r.dev.Store, Config{})
	r2.expect(kindCanvassSignIn)
	r2.signIn(canvasserPIN)
	r2.expect(kindCanvassReady)
	if r2.k.canv.event != id || len(r2.k.canv.proposals) != 2 {
		t.Fatalf("after a restart the canvasser collects at %q for %v, want %q", r2.k.canv.event, r2.k.canv.proposals, id)
	}
	if hub := screenAs[*canvassHub](r2); hub.assembly.Text != strconv.Itoa(n) {
		t.Fatalf("after a restart the hub counts %s at the assembly, want %d", hub.assembly.Text, n)
	}
	r2.attendee("Asistente Tardio", "PRGRAN85031209M200", r2.k.camp.Proposal(props[0]).Title.Get("es"))
	if last := r2.records()[n+1]; last.EventID != id {
		t.Fatalf("after the restart a signature is at %q, want %q", last.EventID, id)
	}

	// The picker offers it too, first.
	test.Tap(r2.k.fr.start)
	r2.signIn(canvasserPIN)
	r2.expect(kindCanvassReady)
	r2.tapText(i18n.Spanish.T("canvass.change"))
	r2.expect(kindCanvassEvent)
	r2.tapTile(a.Title)
	r2.expect(kindCanvassProposals)
	if r2.k.canv.event != id {
		t.Fatalf("the picker's impromptu tile collects at %q", r2.k.canv.event)
	}
}

func TestNoImpromptuAssemblyWithoutTheKind(t *testing.T) {
	r := newCanvassRig(t)
	r.signIn(canvasserPIN)
	r.expect(kindCanvassEvent)
	walk(r.k.win.Canvas(), func(o fyne.CanvasObject, _ fyne.Position) {
		if b, ok := o.(*widget.Button); ok && b.Text == i18n.Spanish.T("canvass.open.new") {
			t.Fatal("a campaign whose central takes no event proposals offers to open an assembly")
		}
	})
}
