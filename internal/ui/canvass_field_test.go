package ui

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/record"
)

// toHubWith signs the canvasser in at the Coyoacán assembly collecting
// for its first n proposals.
func (r *rig) toHubWith(n int) {
	r.t.Helper()
	r.signIn(canvasserPIN)
	r.expect(kindCanvassEvent)
	r.tapText("Asamblea ciudadana en Coyoacán")
	r.expect(kindCanvassProposals)
	s := screenAs[*proposalsPicker](r)
	for _, tl := range s.tiles[:n] {
		test.Tap(tl)
	}
	r.next()
	r.expect(kindCanvassReady)
}

// TestCanvasserIdleWarnsBeforeSigningOut: a minute untouched between
// attendees is normal at an assembly and changes nothing; the sign-in
// ends only after the device's canvass session, with a countdown first;
// continuing keeps the assembly and proposals, and so does signing in
// again after the sign-out.
func TestCanvasserIdleWarnsBeforeSigningOut(t *testing.T) {
	r := newCanvassRig(t)
	r.toHub()
	k := r.k
	props := append([]string(nil), k.canv.proposals...)
	chosen := func(when string) {
		t.Helper()
		if k.canv == nil {
			t.Fatalf("%s: signed out", when)
		}
		if k.canv.event != "asamblea-coyoacan" || !slices.Equal(k.canv.proposals, props) {
			t.Fatalf("%s: assembly %q, proposals %v; want asamblea-coyoacan, %v", when, k.canv.event, k.canv.proposals, props)
		}
	}

	r.tick(60 * time.Second)
	r.expect(kindCanvassReady)
	if k.fr.promptShown() {
		t.Fatal("a prompt after 60 s on the ready screen")
	}
	chosen("after 60 s")

	r.tick(DefaultCanvassSession - canvassWarn - 60*time.Second - time.Second)
	if k.fr.promptShown() {
		t.Fatal("the warning came early")
	}
	r.tick(time.Second)
	if !k.fr.promptShown() {
		t.Fatal("no warning before the sign-in ends")
	}
	if got := k.fr.promptCount.Text; got != "60 s" {
		t.Errorf("the warning's countdown shows %q, want 60 s", got)
	}
	r.tick(canvassWarn - time.Second)
	r.expect(kindCanvassReady)
	chosen("during the warning")
	test.Tap(k.fr.promptYes)
	r.expect(kindCanvassReady)
	chosen("after continuing")

	// Ignored, the warning ends the sign-in.
	r.tick(DefaultCanvassSession - canvassWarn)
	if !k.fr.promptShown() {
		t.Fatal("no warning the second time")
	}
	r.tick(canvassWarn)
	r.expect(kindCanvassSignIn)
	if k.canv != nil {
		t.Fatal("still signed in after the countdown")
	}

	// Signing in again goes straight back to work: the name, the PIN and
	// "sign in".
	r.signIn(canvasserPIN)
	r.expect(kindCanvassReady)
	chosen("after signing in again")
}

// TestCanvassSessionIsADeviceSetting: the technician's setting sets how
// long the sign-in lasts.
func TestCanvassSessionIsADeviceSetting(t *testing.T) {
	r := newCanvassRig(t)
	if err := r.dev.Store.SetSetting(context.Background(), handoff.SettingCanvassSession, "3m"); err != nil {
		t.Fatal(err)
	}
	r.toHub()
	r.tick(2*time.Minute - time.Second)
	if r.k.fr.promptShown() {
		t.Fatal("the warning came before the 3 minutes' last one")
	}
	r.tick(time.Second)
	if !r.k.fr.promptShown() {
		t.Fatal("no warning a minute before the 3 minutes end")
	}
}

// TestCanvasserAttendeeSupportsThreeProposals: one pass makes one record
// per proposal, with the same name, voter id, alcaldía and signature; the
// hub shows each receipt, and the next attendee starts empty.
func TestCanvasserAttendeeSupportsThreeProposals(t *testing.T) {
	r := newCanvassRig(t)
	r.toHubWith(3)
	k := r.k
	props := append([]string(nil), k.canv.proposals...)
	var titles []string
	for _, id := range props {
		titles = append(titles, k.camp.Proposal(id).Title.Get("es"))
	}
	const name, id = "Asistente Con Tres", "PRGRAN85031209M300"
	_, taps := r.attendeeSigns(name, id, titles...)
	r.expect(kindCanvassReady)
	t.Logf("one attendee, three proposals: %d taps besides typing and signing", taps)

	recs := r.records()
	if len(recs) != 3 {
		t.Fatalf("outbox holds %d records, want 3", len(recs))
	}
	var strokes []byte
	for i, rec := range recs {
		body := r.dev.Open(t, rec)
		switch {
		case rec.SubjectID != props[i]:
			t.Errorf("record %d supports %s, want %s", i+1, rec.SubjectID, props[i])
		case body.Signer == nil || body.Signer.Name != name || body.Signer.VoterID != id || body.Signer.Alcaldia != "coyoacan":
			t.Errorf("record %d: signer %+v", i+1, body.Signer)
		case len(body.Strokes) == 0:
			t.Errorf("record %d has no signature", i+1)
		case i > 0 && !bytes.Equal(body.Strokes, strokes):
			t.Errorf("record %d's signature differs from the first's", i+1)
		case body.Canvasser != canvasserName || rec.EventID != "asamblea-coyoacan":
			t.Errorf("record %d: canvasser %q, event %q", i+1, body.Canvasser, rec.EventID)
		}
		strokes = body.Strokes
	}
	if len(k.canv.last) != 3 {
		t.Fatalf("hub shows receipts %v, want three", k.canv.last)
	}
	texts := textsOn(k.win.Canvas())
	for i, rec := range recs {
		if code := record.ReceiptCode(rec.ID); k.canv.last[i] != code || texts[code] == "" {
			t.Errorf("receipt %d: hub holds %q and shows %q, want %q", i+1, k.canv.last[i], texts[code], code)
		}
	}
	if found := leaks(k, name, id); len(found) > 0 {
		t.Fatalf("after the save the kiosk still holds the attendee's input:\n%s", strings.Join(found, "\n"))
	}
	// The next attendee starts empty (attendeeSigns checks each step).
	r.attendee("Asistente Siguiente", "PRGRAN85031209M301", titles[0])
	if n := len(r.records()); n != 4 {
		t.Fatalf("outbox holds %d records after the next attendee, want 4", n)
	}
}

// TestCanvasserDuplicateOnOneProposalKeepsTheOthers: an attendee who had
// already supported one of the proposals still supports the others in
// the same pass, and the hub names the one already supported.
func TestCanvasserDuplicateOnOneProposalKeepsTheOthers(t *testing.T) {
	r := newCanvassRig(t)
	r.toHubWith(3)
	k := r.k
	props := append([]string(nil), k.canv.proposals...)
	var titles []string
	for _, id := range props {
		titles = append(titles, k.camp.Proposal(id).Title.Get("es"))
	}
	const name, id = "Asistente Repetida", "PRGRAN85031209M400"
	r.attendee(name, id, titles[1])
	r.attendee(name, id, titles...)
	recs := r.records()
	if len(recs) != 3 {
		t.Fatalf("outbox holds %d records, want 3 (one, then the two not yet supported)", len(recs))
	}
	if recs[1].SubjectID != props[0] || recs[2].SubjectID != props[2] {
		t.Errorf("second pass saved %s and %s, want %s and %s", recs[1].SubjectID, recs[2].SubjectID, props[0], props[2])
	}
	if !slices.Equal(k.canv.already, []string{props[1]}) || len(k.canv.last) != 2 {
		t.Fatalf("hub: already %v, receipts %v", k.canv.already, k.canv.last)
	}
	found := false
	for text := range textsOn(k.win.Canvas()) {
		found = found || strings.Contains(text, titles[1])
	}
	if !found {
		t.Errorf("the hub does not name %q as already supported", titles[1])
	}

	// Every proposal already supported: refused at the voter id, before
	// signing, and the hub says which.
	r.next()
	r.tapText(titles[1])
	r.next()
	r.typeKeys(name)
	r.next()
	r.typeKeys(id)
	r.next()
	r.expect(kindCanvassReady)
	if n := len(r.records()); n != 3 || !slices.Equal(k.canv.already, []string{props[1]}) {
		t.Fatalf("after a full duplicate: %d records, already %v", n, k.canv.already)
	}
}
