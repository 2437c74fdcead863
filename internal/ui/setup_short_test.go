package ui

import (
	"context"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// tapKeys types s on kb as a technician would, switching case and pages
// as needed, and returns every tap it took.
func tapKeys(t *testing.T, kb *widgets.Keyboard, s string) (taps int) {
	t.Helper()
	for _, ch := range s {
		if kb.Key(ch) == nil && kb.Layout() == widgets.Text {
			letter := unicode.IsLetter(ch)
			if kb.Symbols() == letter {
				kb.ShowSymbols(!letter)
				taps++
			}
			if letter && kb.Key(ch) == nil {
				kb.ToggleShift()
				taps++
			}
		}
		key := kb.Key(ch)
		if key == nil {
			t.Fatalf("no key for %q on the %v keyboard", ch, kb.Layout())
		}
		test.Tap(key)
		taps++
	}
	return taps
}

// TestShortCodeEnrollsInTwentyTaps: a device that knows its fleet (kiosk
// --fleet) takes central's short code, typed on the wizard's own
// keyboard in at most 20 taps, and enrolls with the full code it stands
// for, checking central as the full code says.
func TestShortCodeEnrollsInTwentyTaps(t *testing.T) {
	c := centraltest.Start(t)
	r := newSetupRigCfg(t, c, nil, Config{Fleet: c.Code(t, "")})
	r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	code, err := protocol.ParseCode(c.Code(t, ""))
	if err != nil {
		t.Fatal(err)
	}

	// Before: the full code on the text keyboard.
	before := widgets.NewKeyboard(widgets.Text, widgets.KeyLabels{})
	entry := widget.NewEntry()
	before.SetTarget(entry)
	fullTaps := tapKeys(t, before, code.String()) + 1
	if entry.Text != code.String() {
		t.Fatalf("the text keyboard typed %q", entry.Text)
	}

	// A typo in the short code is caught before anything is sent.
	s := screenAs[*setupCode](r.rig)
	short := code.Short()
	typo := short[:len(short)-1] + map[bool]string{true: "0", false: "1"}[short[len(short)-1] != '0']
	tapKeys(t, s.kb, typo)
	r.next()
	r.expect(kindSetupCode)
	if got := screenAs[*setupCode](r.rig).msg.Text; got != i18n.Spanish.T("setup.fail.code_mistyped") {
		t.Fatalf("mistyped short code: %q", got)
	}
	s.input.SetText("")

	s = screenAs[*setupCode](r.rig)
	taps := tapKeys(t, s.kb, short)
	if s.input.Text != short {
		t.Fatalf("the keyboard typed %q, want %q", s.input.Text, short)
	}
	r.next()
	taps++
	t.Logf("provisioning code: %d taps for the short form %q, %d for the full code", taps, short, fullTaps)
	if taps > 20 {
		t.Fatalf("the short code took %d taps, want at most 20", taps)
	}
	r.expect(kindSetupMode)
	r.tapText(i18n.Spanish.T("setup.mode.kiosk"))
	r.next()
	r.typeKeys("Modulo Norte")
	r.next()
	r.typeKeys("135790")
	r.next()
	r.typeKeys("135790")
	r.next()
	r.wait()
	if done := screenAs[*setupDone](r.rig); !done.enrolled() {
		t.Fatalf("outcome %+v", done.st.outcome)
	}
	id, err := r.store.Identity(context.Background())
	if err != nil || id.ServerURL != code.URL || !protocol.FingerprintMatches(id.ServerKey, code.Fingerprint) {
		t.Fatalf("identity %+v, %v", id, err)
	}
}
