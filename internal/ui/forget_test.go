package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Secrets typed by the person in these tests. They must not survive the
// session anywhere the kiosk can reach.
const (
	secretName = "Guadalupe Testigo"
	secretID   = curpAna
	secretText = "Mi barrio necesita luz"
)

// fillEverything gives the kiosk one of each kind of input: survey
// answers, a name, a voter id, an alcaldía, consent, a signature, and a
// comment being typed. It returns the widgets that held them.
func fillEverything(r *rig) (entries []*widgets.Entry, tiles []*widgets.Tile, pad *widgets.Pad) {
	r.t.Helper()
	k := r.k
	r.begin(i18n.Spanish)
	k.show(k.surveying().step(0))
	r.tapText("Coyoacán")
	tiles = append(tiles, screenAs[*questionScreen](r).options...)

	k.show(&homeScreen{k: k})
	supportUntilID(r, secretName)
	r.typeKeys(secretID)
	entries = append(entries, r.field())
	r.next()
	r.tapText("Tlalpan")
	tiles = append(tiles, screenAs[*areaStep](r).tiles...)
	r.next()
	r.tapText(i18n.Spanish.T("consent.accept"))
	tiles = append(tiles, screenAs[*consentStep](r).box)
	r.next()
	r.sign()
	pad = screenAs[*padStep](r).pad
	if pad.Empty() || k.sess.sign.signature == nil {
		r.t.Fatal("the pad took no ink")
	}
	k.sess.comment.article = k.camp.Articles[0].ID
	k.show(k.commenting().stepOf(kindCommentText))
	r.typeKeys(secretText)
	entries = append(entries, r.field())
	return entries, tiles, pad
}

// assertForgotten checks that nothing of the person survives: not in the
// widgets they used, not on screen, not anywhere the kiosk can reach, and
// not in the screens the next person will open.
func assertForgotten(r *rig, entries []*widgets.Entry, tiles []*widgets.Tile, pad *widgets.Pad) {
	r.t.Helper()
	k := r.k
	r.expect(kindAttract)
	for _, e := range entries {
		if e.Text != "" {
			r.t.Errorf("an entry of the last session still holds %q", e.Text)
		}
	}
	for _, tl := range tiles {
		if tl.Selected || tl.Title != "" {
			r.t.Errorf("a tile of the last session is still selected=%v titled %q", tl.Selected, tl.Title)
		}
	}
	if !pad.Empty() {
		r.t.Errorf("the pad of the last session still has %d strokes", pad.Strokes())
	}
	for text := range textsOn(k.win.Canvas()) {
		for _, s := range []string{secretName, secretID, secretText, "PEGA••"} {
			if strings.Contains(text, s) {
				r.t.Errorf("the screen still shows %q", text)
			}
		}
	}
	if found := leaks(k, secretName, secretID, secretText); len(found) > 0 {
		r.t.Errorf("the kiosk still holds the last person's input:\n%s", strings.Join(found, "\n"))
	}
	s := k.sess
	if len(s.survey.answers) != 0 || s.sign.area != "" || s.sign.consent || s.sign.signature != nil || s.sign.proposal != "" {
		r.t.Errorf("the session still has choices: %+v", s)
	}
	if k.win.Canvas().Focused() != nil {
		r.t.Error("a field still has the focus")
	}

	// The next person opens the same screens and finds them empty.
	r.begin(i18n.Spanish)
	k.show(k.surveying().step(0))
	for _, tl := range screenAs[*questionScreen](r).options {
		if tl.Selected {
			r.t.Errorf("the next person finds %q chosen", tl.Title)
		}
	}
	k.sess.sign.proposal = k.camp.Proposals[0].ID
	sf := k.kioskSigning()
	for _, kind := range []screenKind{kindSignName, kindSignID} {
		k.show(sf.stepOf(kind))
		if r.field().Text != "" {
			r.t.Errorf("the next person finds %q in %s", r.field().Text, kind)
		}
	}
	k.show(sf.stepOf(kindSignArea))
	for _, tl := range screenAs[*areaStep](r).tiles {
		if tl.Selected {
			r.t.Errorf("the next person finds %q chosen", tl.Title)
		}
	}
	k.show(sf.stepOf(kindSignConsent))
	if screenAs[*consentStep](r).box.Selected {
		r.t.Error("the next person finds consent already given")
	}
	k.show(sf.stepOf(kindSignPad))
	if !screenAs[*padStep](r).pad.Empty() {
		r.t.Error("the next person finds a signature on the pad")
	}
}

func TestIdleTimeoutForgetsEverything(t *testing.T) {
	r := newRig(t, Config{})
	entries, tiles, pad := fillEverything(r)

	r.tick(DefaultIdle - time.Second)
	if r.k.fr.promptShown() {
		t.Fatal("the prompt came before the idle time")
	}
	r.tick(time.Second)
	if !r.k.fr.promptShown() || r.k.fr.promptText == nil {
		t.Fatal("no \"are you still there?\" after 45 s")
	}
	if got := r.k.fr.promptCount.Text; got != "15 s" {
		t.Fatalf("countdown shows %q, want 15 s", got)
	}
	r.tick(5 * time.Second)
	if got := r.k.fr.promptCount.Text; got != "10 s" {
		t.Fatalf("countdown shows %q after 5 s, want 10 s", got)
	}
	r.tick(10 * time.Second)
	if r.k.fr.promptShown() {
		t.Fatal("the prompt is still up after the countdown")
	}
	assertForgotten(r, entries, tiles, pad)
}

func TestStillThereKeepsTheInput(t *testing.T) {
	r := newRig(t, Config{Idle: 10 * time.Second, Countdown: 5 * time.Second})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	r.typeKeys("Ana")
	r.tick(10 * time.Second)
	if !r.k.fr.promptShown() {
		t.Fatal("no prompt after the configured 10 s")
	}
	test.Tap(r.k.fr.promptYes)
	r.tick(5 * time.Second)
	r.expect(kindSignName)
	if r.field().Text != "Ana" {
		t.Fatalf("after continuing the name is %q", r.field().Text)
	}
	// Typing keeps the prompt away: 5 s have passed, and every key
	// starts the 10 s again.
	for range 3 {
		r.tick(4 * time.Second)
		r.typeKeys("a")
	}
	if r.k.fr.promptShown() {
		t.Fatal("the prompt came while the person was typing")
	}
}

func TestStartOverForgetsEverything(t *testing.T) {
	r := newRig(t, Config{})
	entries, tiles, pad := fillEverything(r)
	test.Tap(r.k.fr.start)
	if !r.k.fr.promptShown() {
		t.Fatal("start over with input did not ask first")
	}
	test.Tap(r.k.fr.promptNo)
	r.expect(kindCommentText)
	if r.field().Text != secretText {
		t.Fatal("saying no to start over lost the input")
	}
	test.Tap(r.k.fr.start)
	test.Tap(r.k.fr.promptYes)
	assertForgotten(r, entries, tiles, pad)
}

func TestStartOverWithNothingTypedGoesStraightBack(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.English)
	test.Tap(r.k.fr.start)
	r.expect(kindAttract)
	if r.k.lang() != i18n.Spanish {
		t.Fatal("the next person does not start in the default language")
	}
}

func TestSavedScreenReturnsToAttract(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = "Bien"
	r.k.show(r.k.commenting().stepOf(kindCommentRev))
	r.next()
	r.expect(kindSaved)
	r.tick(DefaultSavedFor)
	r.expect(kindAttract)
}

func TestLanguageSwitchKeepsWhatWasTyped(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	r.typeKeys("Ana")
	test.Tap(r.k.fr.langBtn)
	if r.k.lang() != i18n.English {
		t.Fatal("the switch did not change the language")
	}
	if r.field().Text != "Ana" {
		t.Fatalf("after switching the name is %q", r.field().Text)
	}
	if r.k.fr.v.title != i18n.English.T("sign.name.title") || r.k.fr.langBtn.Text != "Español" {
		t.Fatalf("title %q, switch %q: the screen is not in English", r.k.fr.v.title, r.k.fr.langBtn.Text)
	}
	if r.k.fr.keyboard.Key(' ').Text != "space" {
		t.Fatal("the keyboard's labels did not switch")
	}
	// The signature survives a switch too.
	r.k.show(r.k.kioskSigning().stepOf(kindSignPad))
	r.sign()
	test.Tap(r.k.fr.langBtn)
	if screenAs[*padStep](r).pad.Strokes() != 6 {
		t.Fatal("the signature was lost in the switch")
	}
}

func TestLookTogglesApplyAndReset(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	test.Tap(r.k.fr.large)
	test.Tap(r.k.fr.hc)
	th, ok := fyne.CurrentApp().Settings().Theme().(*Theme)
	if !ok || !th.Look().LargeText || !th.Look().HighContrast {
		t.Fatalf("theme look %+v, want large high-contrast", th.Look())
	}
	if r.k.fr.large.Importance != widget.HighImportance {
		t.Fatal("the large-text toggle does not show it is on")
	}
	test.Tap(r.k.fr.start)
	th = fyne.CurrentApp().Settings().Theme().(*Theme)
	if th.Look() != (Look{}) {
		t.Fatalf("the next person inherits look %+v", th.Look())
	}
}

func TestPhysicalKeyboardTypesWhenTheFieldLostFocus(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	c := r.k.win.Canvas()
	c.Unfocus()
	test.TypeOnCanvas(c, "Ana")
	if r.field().Text != "Ana" {
		t.Fatalf("typing on the canvas gave %q", r.field().Text)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.expect(kindSignID)
}

func TestTypingOnAPromptDoesNotReachTheFieldBelow(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	r.typeKeys("Ana")
	r.tick(DefaultIdle)
	c := r.k.win.Canvas()
	// The keypad's focus is on the prompt's own button, never on the
	// field under it.
	if _, onPrompt := c.Focused().(*widgets.Button); !r.k.fr.promptShown() || !onPrompt || c.Focused() != r.k.fr.promptYes {
		t.Fatal("no prompt, or a field keeps the focus under it")
	}
	test.TypeOnCanvas(c, "x")
	if r.k.fr.promptShown() {
		t.Fatal("typing did not answer \"are you still there?\"")
	}
	if r.field().Text != "Ana" {
		t.Fatalf("a key pressed on the prompt typed into the field: %q", r.field().Text)
	}
	r.tick(DefaultCountdown)
	r.expect(kindSignName)
}
