package ui

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/speech"
)

// newSpeakingRig is a rig whose kiosk speaks into a recorder on the
// rig's clock.
func newSpeakingRig(t *testing.T, cfg Config) (*rig, *speech.Recorder) {
	t.Helper()
	rec := &speech.Recorder{}
	cfg.Speaker = rec
	r := newRig(t, cfg)
	rec.Now = r.clock.Now
	return r, rec
}

// wantSaid fails unless the recorder holds exactly want since its last
// stop.
func wantSaid(t *testing.T, rec *speech.Recorder, what string, want ...string) {
	t.Helper()
	if got := rec.Said(); !slices.Equal(got, want) {
		t.Fatalf("%s said\n  %q\nwant\n  %q", what, got, want)
	}
}

// toAlcaldiaStep takes the keypad to the supporter's alcaldía step with
// Listen on.
func toAlcaldiaStep(r *rig) {
	r.t.Helper()
	r.keyBegin(i18n.Spanish)
	r.press(fyne.KeyF1)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.sess.sign.name, r.k.sess.sign.voterID = "Ana", curpAna
	r.k.show(r.k.kioskSigning().stepOf(kindSignArea))
}

func TestSpeechSaysTheScreenThenFollowsTheFocus(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	es := i18n.Spanish
	n := len(campaign.Alcaldias)
	first := campaign.Alcaldias[0].Name
	// Entering a screen: where, what, the help, the focused control.
	wantSaid(t, rec, "the alcaldía step",
		es.F("sign.step", 3, 6), es.T("sign.area.title"), es.T("sign.area.help"),
		es.F("speech.option", 1, n)+", "+first)

	// Moving the focus: the control, and nothing else.
	rec.Reset()
	r.press(fyne.KeyDown)
	second := campaign.Alcaldias[1].Name
	wantSaid(t, rec, "the arrow", es.F("speech.option", 2, n)+", "+second)
	if ev := rec.Events(); len(ev) == 0 || ev[0].Kind != "stop" {
		t.Fatalf("moving the focus did not cut off what was being said: %v", ev)
	}

	// Choosing: the control's new state.
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "choosing", es.F("speech.option", 2, n)+", "+second+", "+es.T("speech.selected"))

	// Stop interrupts; repeat says the screen again.
	rec.Reset()
	r.press(fyne.KeyEscape)
	if ev := rec.Events(); len(ev) != 1 || ev[0].Kind != "stop" {
		t.Fatalf("Escape: %v, want one stop", ev)
	}
	r.press(fyne.KeyF2)
	wantSaid(t, rec, "repeat",
		es.F("sign.step", 3, 6), es.T("sign.area.title"), es.T("sign.area.help"),
		es.F("speech.option", 2, n)+", "+second+", "+es.T("speech.selected"))
}

func TestSpeechSaysValidationMessages(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	rec.Reset()
	r.press(fyne.KeyPageDown) // nothing chosen
	wantSaid(t, rec, "going on without an alcaldía", i18n.Spanish.T("field.alcaldia"))

	// Typing: each character, then what the check says of it.
	r.k.sess.sign.voterID = ""
	r.k.show(r.k.kioskSigning().stepOf(kindSignID))
	r.keys(curpAna[:17])
	rec.Reset()
	r.keys("2")
	wantSaid(t, rec, "the last character of a CURP", "2", i18n.Spanish.F("voterid.ok", i18n.Spanish.T("voterid.type.curp")))
	rec.Reset()
	r.keys("X")
	got := rec.Said()
	if len(got) != 2 || got[0] != "X" || !strings.Contains(got[1], "18") {
		t.Fatalf("a 19th character said %q, want it and the problem", got)
	}
}

func TestSpeechSpellsWhatWasTypedInAnID(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	r.k.sess.sign.voterID = "PEGA85"
	r.k.show(r.k.kioskSigning().stepOf(kindSignID))
	said := strings.Join(rec.Said(), " | ")
	if !strings.Contains(said, i18n.Spanish.F("speech.typed", "P, E, G, A, 8, 5")) {
		t.Fatalf("the voter id field said %q, want the id spelled", said)
	}
}

func TestSpeechSaysTheIdleCountdown(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	r.keys("3") // something to lose
	es := i18n.Spanish
	rec.Reset()
	r.tick(DefaultIdle)
	wantSaid(t, rec, "the idle prompt",
		es.T("idle.title"), es.T("idle.text"), es.N("speech.countdown", 15),
		es.F("speech.button", es.T("idle.continue")))
	rec.Reset()
	for range 15 {
		r.tick(time.Second)
	}
	var counted []string
	for _, e := range rec.Events() {
		if e.Kind == "say" {
			counted = append(counted, e.Text)
		}
	}
	want := []string{es.N("speech.countdown", 10), es.N("speech.countdown", 5),
		es.N("speech.countdown", 3), es.N("speech.countdown", 2), es.N("speech.countdown", 1)}
	if !slices.Equal(counted, want) {
		t.Fatalf("the countdown said %q, want %q", counted, want)
	}
	// Forgotten: speech stops and the next person hears nothing of this
	// one.
	r.expect(kindAttract)
	ev := rec.Events()
	if ev[len(ev)-1].Kind != "forget" {
		t.Fatalf("the last event is %v, want forget", ev[len(ev)-1])
	}
	if r.k.sess.listen.on {
		t.Fatal("speech stays on for the next person")
	}
}

func TestSpeechSettingsResetForTheNextPerson(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	r.press(fyne.KeyF5, fyne.KeyF5, fyne.KeyF7)
	last := rec.Events()[len(rec.Events())-1]
	if last.Text != i18n.Spanish.T("speech.louder") || last.Rate != speech.DefaultRate+2*speech.RateStep || last.Volume != speech.DefaultVolume+speech.VolumeStep {
		t.Fatalf("after faster, faster, louder: %+v", last)
	}
	r.press(fyne.KeyF4, fyne.KeyF6, fyne.KeyF6)
	last = rec.Events()[len(rec.Events())-1]
	if last.Rate != speech.DefaultRate+speech.RateStep || last.Volume != speech.DefaultVolume-speech.VolumeStep {
		t.Fatalf("after slower, softer, softer: %+v", last)
	}
	r.k.forget()
	rec.Reset()
	r.press(fyne.KeyReturn) // the next person starts
	if said := rec.Said(); len(said) != 0 {
		t.Fatalf("with speech off the next person hears %q", said)
	}
	r.press(fyne.KeyF1)
	for _, e := range rec.Events() {
		if e.Kind == "say" && (e.Rate != speech.DefaultRate || e.Volume != speech.DefaultVolume) {
			t.Fatalf("the next person hears %q at rate %d, volume %d", e.Text, e.Rate, e.Volume)
		}
	}
	if len(rec.Said()) == 0 {
		t.Fatal("Listen said nothing")
	}
}

func TestLeavingAScreenCutsSpeechOff(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	r.keys("3")
	rec.Reset()
	r.press(fyne.KeyPageDown)
	r.expect(kindSignConsent)
	ev := rec.Events()
	if len(ev) == 0 || ev[0].Kind != "stop" {
		t.Fatalf("the next screen did not cut off the last: %v", ev)
	}
	for _, e := range ev {
		if strings.Contains(e.Text, i18n.Spanish.T("sign.area.title")) {
			t.Fatalf("the consent screen says %q of the last one", e.Text)
		}
	}
	// Start over asks first, with the keypad on "no", which loses
	// nothing; the arrows reach "yes", and then everything is forgotten
	// before the attract screen is shown.
	r.press(fyne.KeyF12)
	if !r.k.fr.promptShown() || r.k.win.Canvas().Focused() != r.k.fr.promptNo {
		t.Fatal("start over did not ask, with the focus on no")
	}
	wantSaid(t, rec, "start over", i18n.Spanish.T("startover.confirm"), i18n.Spanish.F("speech.button", i18n.Spanish.T("startover.no")))
	r.press(fyne.KeyRight, fyne.KeyReturn)
	r.expect(kindAttract)
	if ev := rec.Events(); ev[len(ev)-1].Kind != "forget" {
		t.Fatalf("the last event is %v, want forget", ev[len(ev)-1])
	}
}

func TestSpeechFollowsTheLanguageSwitch(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	r.k.SetLang(i18n.English)
	evs := rec.Events()
	saidEN := false
	for _, e := range evs {
		if e.Kind == "say" && e.Text == i18n.English.T("sign.area.title") {
			saidEN = e.Lang == "en"
		}
	}
	if !saidEN {
		t.Fatalf("after switching to English: %v", rec.Said())
	}
}

func TestSavedScreenSpellsTheReceiptCode(t *testing.T) {
	r, rec := newSpeakingRig(t, Config{})
	r.keyBegin(i18n.Spanish)
	r.press(fyne.KeyF1)
	saveComment(r)
	code := r.k.sess.receipt
	want := i18n.Spanish.F("speech.code", spell(code))
	if !slices.Contains(rec.Said(), want) {
		t.Fatalf("the receipt said %q, want %q", rec.Said(), want)
	}
	rec.Reset()
	r.press(fyne.KeyF2)
	if !slices.Contains(rec.Said(), want) {
		t.Fatal("repeat does not say the code again")
	}
}

// TestKeyToSpeechLatency measures the time from a key press to the start
// of speech for the control the focus moves to, against the issue's
// target of 300 ms: with the recorder (the kiosk's own share) and with
// espeak-ng writing to a file (the first audio synthesised). The figures
// are in README.md's benchmarks.
func TestKeyToSpeechLatency(t *testing.T) {
	const target = 300 * time.Millisecond
	const presses = 20
	r, rec := newSpeakingRig(t, Config{})
	toAlcaldiaStep(r)
	rec.Now = time.Now
	var worst, total time.Duration
	for range presses {
		rec.Reset()
		start := time.Now()
		r.press(fyne.KeyDown)
		ev := rec.Events()
		d := ev[len(ev)-1].At.Sub(start)
		worst, total = max(worst, d), total+d
	}
	t.Logf("key to speech handed over (recorder): mean %v, worst %v over %d presses", total/presses, worst, presses)
	if worst > target {
		t.Errorf("the kiosk takes %v to hand the next control to speech, want at most %v", worst, target)
	}

	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("espeak-ng (Debian package espeak-ng) is required under CI=true; scripts/deps.sh installs it")
		}
		t.Skip("espeak-ng is not installed (Debian package espeak-ng): no real synthesis measured")
	}
	started := make(chan time.Time, 64)
	e := &speech.Espeak{Dir: t.TempDir(), OnStart: func(_ speech.Utterance, at time.Time) { started <- at }}
	r.k.speaker = e
	worst, total = 0, 0
	for range presses {
		start := time.Now()
		r.press(fyne.KeyDown)
		d := (<-started).Sub(start)
		e.Wait()
		worst, total = max(worst, d), total+d
	}
	t.Logf("key to first audio (espeak-ng): mean %v, worst %v over %d presses", total/presses, worst, presses)
	if worst > target {
		t.Errorf("speech starts %v after the key, want at most %v", worst, target)
	}
}
