package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/speech"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// press sends keys as Fyne's desktop driver does: to the control with the
// focus, else to the canvas; Tab moves the focus itself.
func (r *rig) press(names ...fyne.KeyName) {
	r.t.Helper()
	c := r.k.win.Canvas()
	for _, n := range names {
		if n == fyne.KeyTab {
			c.FocusNext()
			continue
		}
		e := &fyne.KeyEvent{Name: n}
		if f := c.Focused(); f != nil {
			f.TypedKey(e)
		} else if h := c.OnTypedKey(); h != nil {
			h(e)
		}
	}
}

// keys types s on the physical keyboard, character by character.
func (r *rig) keys(s string) {
	r.t.Helper()
	c := r.k.win.Canvas()
	for _, ch := range s {
		if f := c.Focused(); f != nil {
			f.TypedRune(ch)
		} else if h := c.OnTypedRune(); h != nil {
			h(ch)
		}
	}
}

// keyBegin goes from attract to home in language l with keys alone.
func (r *rig) keyBegin(l i18n.Lang) {
	r.t.Helper()
	r.expect(kindAttract)
	r.press(fyne.KeyReturn)
	r.expect(kindLanguage)
	// The keypad starts each screen on its first control: Español.
	if l == i18n.English {
		r.press(fyne.KeyDown)
	}
	r.press(fyne.KeyReturn)
	r.expect(kindHome)
	if r.k.lang() != l {
		r.t.Fatalf("language %s, want %s", r.k.lang(), l)
	}
}

// homeOption is the digit of the home screen's tile titled title.
func (r *rig) homeOption(title string) string {
	r.t.Helper()
	i := slices.IndexFunc(r.k.tiles, func(t *widgets.Tile) bool { return t.Title == title })
	if i < 0 {
		r.t.Fatalf("home has no %q", title)
	}
	return strconv.Itoa(i + 1)
}

var bothLangs = []i18n.Lang{i18n.Spanish, i18n.English}

func TestSurveyWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newRig(t, Config{})
			c := r.k.camp
			r.keyBegin(l)
			r.keys(r.homeOption(l.F("home.survey", c.Survey.Title.Get(string(l)))))
			r.expect(kindSurveyIntro)
			r.keys("#")
			want := campaign.Answers{}
			num := func(x float64) *float64 { return &x }
			for i := range c.Survey.Questions {
				q := &c.Survey.Questions[i]
				if s := screenAs[*questionScreen](r); s.at.i != i {
					t.Fatalf("on question %d, want %d", s.at.i+1, i+1)
				}
				switch q.Type {
				case campaign.TypeSingle:
					r.keys("2")
					want[q.ID] = campaign.Answer{Choice: q.Options[1].ID}
				case campaign.TypeMultiple:
					r.keys("2")
					r.keys("1")
					want[q.ID] = campaign.Answer{Choices: []string{q.Options[1].ID, q.Options[0].ID}}
				case campaign.TypeAlcaldia:
					// Arrows, then Enter, as well as digits.
					r.press(fyne.KeyDown, fyne.KeyDown, fyne.KeyReturn)
					want[q.ID] = campaign.Answer{Choice: campaign.Alcaldias[2].ID}
				case campaign.TypeScale:
					r.keys(strconv.Itoa(q.Max - 1))
					want[q.ID] = campaign.Answer{Number: num(float64(q.Max - 1))}
				case campaign.TypeNumber:
					r.keys("25")
					want[q.ID] = campaign.Answer{Number: num(25)}
				case campaign.TypeText:
					r.keys("Diversa")
					want[q.ID] = campaign.Answer{Text: "Diversa"}
				}
				if q.Type == campaign.TypeNumber || q.Type == campaign.TypeText {
					r.press(fyne.KeyReturn) // in a field, Enter goes on
				} else {
					r.press(fyne.KeyPageDown)
				}
			}
			r.expect(kindSurveyReview)
			r.keys("#")
			r.expect(kindSaved)
			rec, body := r.onlyRecord()
			if rec.Kind != record.KindSurvey {
				t.Fatalf("saved a %s", rec.Kind)
			}
			for id, w := range want {
				got := body.Answers[id]
				if got.Choice != w.Choice || got.Text != w.Text || !slices.Equal(got.Choices, w.Choices) ||
					(got.Number == nil) != (w.Number == nil) || (w.Number != nil && *got.Number != *w.Number) {
					t.Errorf("answer to %s = %+v, want %+v", id, got, w)
				}
			}
			if len(body.Answers) != len(want) {
				t.Errorf("saved %d answers, want %d", len(body.Answers), len(want))
			}
		})
	}
}

func TestCommentWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newRig(t, Config{})
			c := r.k.camp
			r.keyBegin(l)
			r.keys(r.homeOption(l.T("home.articles")))
			r.expect(kindArticles)
			r.keys("1")
			r.expect(kindArticle)
			r.keys("#")
			r.expect(kindCommentText)
			r.keys("Plazos claros, por favor.")
			r.press(fyne.KeyReturn)
			r.expect(kindCommentName)
			r.keys("Ana")
			r.press(fyne.KeyReturn)
			r.expect(kindCommentArea)
			r.keys("5")
			r.press(fyne.KeyPageDown)
			r.expect(kindCommentRev)
			r.press(fyne.KeyPageDown)
			r.expect(kindSaved)
			rec, body := r.onlyRecord()
			if rec.Kind != record.KindComment || rec.SubjectID != c.Articles[0].ID {
				t.Fatalf("saved a %s about %s", rec.Kind, rec.SubjectID)
			}
			if cm := body.Comment; cm.Text != "Plazos claros, por favor." || cm.Name != "Ana" || cm.Alcaldia != campaign.Alcaldias[4].ID {
				t.Fatalf("comment %+v", cm)
			}
		})
	}
}

func TestRegisterWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newRig(t, Config{})
			r.keyBegin(l)
			r.keys(r.homeOption(l.T("home.events")))
			r.expect(kindEvents)
			ev := r.k.camp.UpcomingEvents(r.k.now())[0]
			r.keys("1")
			r.expect(kindRegName)
			r.keys("Ana Pérez")
			r.press(fyne.KeyReturn)
			r.expect(kindRegContact)
			r.keys("ana@example.org")
			r.press(fyne.KeyReturn)
			r.expect(kindRegConsent)
			r.press(fyne.KeyPageDown)
			if got, want := r.message(), l.T("field.consent"); got != want {
				t.Fatalf("no consent: message %q, want %q", got, want)
			}
			r.keys("1")
			r.keys("#")
			r.expect(kindRegReview)
			r.keys("#")
			r.expect(kindSaved)
			rec, body := r.onlyRecord()
			if rec.Kind != record.KindEvent || rec.SubjectID != ev.ID {
				t.Fatalf("saved a %s about %s", rec.Kind, rec.SubjectID)
			}
			if g := body.Registrant; g.Name != "Ana Pérez" || g.Contact != "ana@example.org" || g.ConsentVersion == "" {
				t.Fatalf("registrant %+v", g)
			}
		})
	}
}

// A person who cannot sign reaches, by keys, the screen that says why the
// kiosk cannot take their support alone, and where to give it.
func TestSupportAtTheKioskWithTheKeypadAloneLeadsToAssistedSigning(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newRig(t, Config{})
			r.keyBegin(l)
			r.keys(r.homeOption(l.T("home.proposals")))
			r.expect(kindBrowse)
			p := &r.k.camp.Proposals[0]
			// Down past the filters to the proposal, then Enter.
			for range 12 {
				if f, ok := r.k.win.Canvas().Focused().(*widgets.Tile); ok && f.Title == p.Title.Get(string(l)) {
					break
				}
				r.press(fyne.KeyDown)
			}
			r.press(fyne.KeyReturn)
			r.expect(kindProposal)
			r.keys("#")
			r.expect(kindSignName)
			r.keys("Ana Pérez")
			r.press(fyne.KeyReturn)
			r.expect(kindSignID)
			r.keys(curpAna)
			r.press(fyne.KeyReturn)
			r.expect(kindSignArea)
			r.keys("3")
			r.keys("#")
			r.expect(kindSignConsent)
			r.keys("1")
			r.keys("#")
			r.expect(kindSignPad)
			// The pad's first control is the way out for whoever cannot
			// draw.
			f, ok := r.k.win.Canvas().Focused().(*widgets.Button)
			if !ok || f.Text != l.T("sign.assist.button") {
				t.Fatalf("the focus is on %v, want %q", r.k.win.Canvas().Focused(), l.T("sign.assist.button"))
			}
			r.press(fyne.KeyReturn)
			r.expect(kindSignAssist)
			if n := len(r.records()); n != 0 {
				t.Fatalf("%d records saved without a signature", n)
			}
			r.keys("#")
			r.expect(kindEvents)
		})
	}
}

// A canvasser's attendee who cannot sign: keys alone, and the canvasser
// witnesses the mark; the record says so.
func TestWitnessedMarkWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newCanvassRig(t)
			r.toHub()
			r.k.sess.lang = l
			r.k.render()
			r.keys("#")
			if _, ok := r.k.cur.(*attendeeChoice); ok {
				r.keys("1")
				r.keys("#")
			}
			r.expect(kindCanvassName)
			r.keys("Ana Pérez")
			r.press(fyne.KeyReturn)
			r.expect(kindCanvassID)
			r.keys(curpAna)
			r.press(fyne.KeyReturn)
			r.expect(kindCanvassArea)
			r.keys("#") // Coyoacán, from the assembly
			r.expect(kindCanvassConsent)
			r.keys("1#")
			r.expect(kindCanvassPad)
			r.press(fyne.KeyReturn) // the first control: witnessed mark
			if !r.k.sess.sign.witnessed {
				t.Fatal("Enter on the witnessed mark did not choose it")
			}
			r.keys("#")
			r.expect(kindCanvassReview)
			r.keys("#")
			r.expect(kindCanvassReady)
			recs := r.records()
			if len(recs) == 0 {
				t.Fatal("nothing saved")
			}
			for _, rec := range recs {
				b := r.dev.Open(t, rec)
				if !b.Signer.Witnessed || b.Canvasser != canvasserName || len(b.Strokes) != 0 || rec.Mode != record.ModeCanvasser {
					t.Fatalf("record %+v, canvasser %q, %d bytes of strokes: want a witnessed mark", b.Signer, b.Canvasser, len(b.Strokes))
				}
			}
		})
	}
}

func TestEveryScreenCanBeReachedByTheKeypad(t *testing.T) {
	r := newRig(t, Config{})
	err := r.k.Tour(func(name string) {
		if r.k.fr.promptShown() {
			return
		}
		all := focusables(r.k.fr.page)
		if len(all) == 0 && r.k.cur.kind() != kindAttract && r.k.cur.kind() != kindNotSetUp && r.k.cur.kind() != kindOutOfService {
			t.Errorf("%s: nothing a keypad can reach", name)
		}
		// Every control the tour shows is one of the kiosk's: none would
		// swallow the keypad's keys.
		walk(r.k.win.Canvas(), func(o fyne.CanvasObject, _ fyne.Position) {
			if f, ok := o.(fyne.Focusable); ok {
				switch f.(type) {
				case *widgets.Button, *widgets.Entry, *widgets.Tile:
				default:
					t.Errorf("%s: %T takes the focus but not the kiosk's keys", name, f)
				}
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// downTo moves the focus with ↓ until f has it.
func (r *rig) downTo(f fyne.Focusable) {
	r.t.Helper()
	for range 60 {
		if r.k.win.Canvas().Focused() == f {
			return
		}
		r.press(fyne.KeyDown)
	}
	r.t.Fatalf("↓ never reached %T on %s", f, r.k.cur.kind())
}

// tabInEntry presses Tab in a multi-line field the way Fyne's desktop
// driver does: the field takes Tab (Entry.AcceptsTab), and the kiosk's
// entry hands it to the keypad.
func (r *rig) tabInEntry() {
	r.t.Helper()
	r.k.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
}

// ctrlBackspace is Ctrl+Backspace as Fyne's desktop driver delivers it: a
// shortcut to the control with the focus.
func (r *rig) ctrlBackspace() {
	r.t.Helper()
	s, ok := r.k.win.Canvas().Focused().(fyne.Shortcutable)
	if !ok {
		r.t.Fatalf("the focus (%T) takes no shortcuts", r.k.win.Canvas().Focused())
	}
	s.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyBackspace, Modifier: fyne.KeyModifierShortcutDefault})
}

// A proposal written with keys alone: the arrows move the cursor inside
// the text, Ctrl+Backspace deletes a word, Tab leaves the text for the
// area's own keys, which Enter presses. The signature cannot be made with
// keys (issue 18: the kiosk cannot check a mark), so its first control
// leads to assisted signing; the one touch of the test is the signature
// itself, for the keypad user who can draw, and the record is checked.
func TestProposeWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newSubmissionRig(t, Config{})
			c := r.k.win.Canvas()
			r.keyBegin(l)
			r.keys(r.homeOption(l.T("home.propose")))
			r.expect(kindProposeTitle)
			r.keys("Luz en los parques")
			r.press(fyne.KeyReturn)

			r.expect(kindProposeText)
			a := r.textArea()
			if c.Focused() != a.Entry {
				t.Fatalf("the text step starts with the focus on %T, want the text", c.Focused())
			}
			r.keys("Luz para caminar de noche.")
			// ↑ and ↓ stay in the text too: they move between its rows.
			r.press(fyne.KeyUp, fyne.KeyDown)
			if c.Focused() != a.Entry {
				t.Fatalf("↑ ↓ took the focus out of the text to %T", c.Focused())
			}
			for range len(" de noche.") {
				r.press(fyne.KeyLeft)
			}
			r.keys(" seguros todos")
			r.ctrlBackspace()
			if got, want := a.Entry.Text, "Luz para caminar seguros  de noche."; got != want {
				t.Fatalf("arrows and Ctrl+Backspace gave %q, want %q", got, want)
			}
			// Tab leaves it for the area's keys; Enter presses them and
			// the focus stays, for pressing again.
			r.tabInEntry()
			if c.Focused() != a.Left {
				t.Fatalf("Tab from the text went to %T, want the cursor-left key", c.Focused())
			}
			at := a.Entry.CursorTextOffset()
			r.press(fyne.KeyReturn, fyne.KeyReturn)
			if got := a.Entry.CursorTextOffset(); got != at-2 || c.Focused() != a.Left {
				t.Fatalf("two Enters on ← put the cursor at %d (from %d), focus on %T", got, at, c.Focused())
			}
			r.press(fyne.KeyDown, fyne.KeyDown)
			if c.Focused() != a.DeleteWord {
				t.Fatalf("↓ ↓ from ← reached %T, want delete word", c.Focused())
			}
			r.press(fyne.KeyReturn)
			if got, want := a.Entry.Text, "Luz para caminar s  de noche."; got != want {
				t.Fatalf("delete word by keypad gave %q, want %q", got, want)
			}
			r.keys("#")

			r.expect(kindProposeTheme)
			r.keys("2#")
			r.expect(kindProposeArea)
			r.keys("3#") // the whole city, Azcapotzalco, then this
			r.expect(kindProposeNamed)
			r.keys("2#")
			r.expect(kindProposeName)
			r.keys("Ana Pérez")
			r.press(fyne.KeyReturn)
			r.expect(kindProposeID)
			r.keys(curpAna)
			r.press(fyne.KeyReturn)
			r.expect(kindProposeHome)
			r.keys("5#")
			r.expect(kindProposeConsent)
			r.keys("1#")
			r.expect(kindProposePad)
			f, ok := c.Focused().(*widgets.Button)
			if !ok || f.Text != l.T("sign.assist.button") {
				t.Fatalf("the pad starts with the focus on %v, want %q", c.Focused(), l.T("sign.assist.button"))
			}
			r.press(fyne.KeyReturn)
			r.expect(kindSignAssist)
			if n := len(r.records()); n != 0 {
				t.Fatalf("%d records saved without a signature", n)
			}
			r.press(fyne.KeyPageUp)
			r.expect(kindProposePad)
			r.sign()
			r.keys("#")
			r.expect(kindProposeReview)
			r.keys("#")
			r.expect(kindSaved)

			rec, body := r.onlyRecord()
			if rec.Kind != record.KindProposal || rec.Alcaldia != campaign.Alcaldias[1].ID {
				t.Fatalf("saved a %s in %q", rec.Kind, rec.Alcaldia)
			}
			p := body.Proposal
			if p == nil || p.Title != "Luz en los parques" || p.Text != "Luz para caminar s de noche." ||
				p.Theme != r.k.camp.Themes[1].ID || p.Alcaldia != campaign.Alcaldias[1].ID || !p.Named || p.Lang != string(l) {
				t.Fatalf("proposal %+v", p)
			}
			if s := body.Signer; s == nil || s.Name != "Ana Pérez" || s.VoterID != curpAna || s.Alcaldia != campaign.Alcaldias[4].ID {
				t.Fatalf("author %+v", s)
			}
		})
	}
}

// An assembly announced with keys alone, the date and time included: a
// digit picks the day, ↓ reaches the week and time buttons, Enter
// presses them.
func TestOrganiseWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newSubmissionRig(t, Config{})
			r.keyBegin(l)
			r.keys(r.homeOption(l.T("home.organise")))
			r.expect(kindOrganiseTitle)
			r.keys("Asamblea del mercado")
			r.press(fyne.KeyReturn)

			r.expect(kindOrganiseWhen)
			r.keys("#")
			if got, want := r.message(), l.T("organise.when.none"); got != want {
				t.Fatalf("no day says %q, want %q", got, want)
			}
			w := screenAs[*whenStep](r)
			r.downTo(w.later)
			r.press(fyne.KeyReturn) // next week
			w = screenAs[*whenStep](r)
			r.keys("1")
			r.downTo(w.hourUp)
			r.press(fyne.KeyReturn, fyne.KeyReturn)
			r.downTo(w.minUp)
			r.press(fyne.KeyReturn)
			if got := w.clock.Text; got != "20:15" {
				t.Fatalf("the clock shows %q, want 20:15", got)
			}
			now := r.k.now()
			day := time.Date(now.Year(), now.Month(), now.Day()+7, 20, 15, 0, 0, now.Location())
			if got, want := w.summary.Text, r.k.when(day); got != want {
				t.Fatalf("the summary reads %q, want %q", got, want)
			}
			r.keys("#")

			r.expect(kindOrganiseArea)
			r.keys("3#")
			r.expect(kindOrganiseVenue)
			r.keys("Mercado de la Merced")
			r.press(fyne.KeyReturn)
			r.expect(kindOrganiseAbout)
			r.keys("Agua y limpieza.")
			r.press(fyne.KeyReturn)
			r.expect(kindOrganiseOrganiser)
			r.keys("Comerciantes unidos")
			r.press(fyne.KeyReturn)
			r.expect(kindOrganiseContact)
			r.keys("55 1234 5678")
			r.press(fyne.KeyReturn)
			r.expect(kindOrganiseConsent)
			r.keys("1#")
			r.expect(kindOrganiseReview)
			r.keys("#")
			r.expect(kindSaved)

			rec, body := r.onlyRecord()
			if rec.Kind != record.KindEventProposal || rec.Alcaldia != campaign.Alcaldias[2].ID {
				t.Fatalf("saved a %s in %q", rec.Kind, rec.Alcaldia)
			}
			a := body.Assembly
			if a == nil || a.Title != "Asamblea del mercado" || !a.Starts.Equal(day) || a.Alcaldia != campaign.Alcaldias[2].ID ||
				a.Venue != "Mercado de la Merced" || a.About != "Agua y limpieza." || a.Organiser != "Comerciantes unidos" ||
				a.Contact != "55 1234 5678" || a.Lang != string(l) || a.ConsentVersion != r.k.camp.Privacy.Version {
				t.Fatalf("assembly %+v", a)
			}
		})
	}
}

// A canvasser opens an impromptu assembly with keys alone, signing in
// too, and it is collecting at once.
func TestImpromptuAssemblyWithTheKeypadAlone(t *testing.T) {
	for _, l := range bothLangs {
		t.Run(string(l), func(t *testing.T) {
			r := newCanvassSubmissionRig(t)
			r.k.sess.lang = l
			r.k.render()
			if screenAs[*canvassSignIn](r).name == "" {
				r.keys("1")
			}
			r.keys(canvasserPIN)
			r.press(fyne.KeyReturn)
			r.expect(kindCanvassEvent)
			var open *widgets.Button
			for _, f := range focusables(r.k.fr.page) {
				if b, ok := f.(*widgets.Button); ok && b.Text == l.T("canvass.open.new") {
					open = b
				}
			}
			if open == nil {
				t.Fatalf("no %q button", l.T("canvass.open.new"))
			}
			r.downTo(open)
			r.press(fyne.KeyReturn)
			r.expect(kindImpromptuTitle)
			r.keys("Junta vecinal")
			r.press(fyne.KeyReturn)
			r.expect(kindImpromptuVenue)
			r.keys("Parque, kiosco")
			r.press(fyne.KeyReturn)
			r.expect(kindImpromptuArea)
			r.keys("4#")
			r.expect(kindImpromptuAbout)
			r.keys("Alumbrado.")
			r.press(fyne.KeyReturn)
			r.expect(kindImpromptuConsent)
			r.keys("1#")
			r.expect(kindImpromptuReview)
			r.keys("#")
			r.expect(kindCanvassProposals)
			r.keys("1")
			r.keys("#")
			r.expect(kindCanvassReady)

			rec, body := r.onlyRecord()
			if rec.Kind != record.KindEventProposal || rec.Mode != record.ModeCanvasser || r.k.canv.event != rec.SubjectID {
				t.Fatalf("saved a %s in mode %s; collecting at %q, not %q", rec.Kind, rec.Mode, r.k.canv.event, rec.SubjectID)
			}
			a := body.Assembly
			if a == nil || a.Title != "Junta vecinal" || a.Venue != "Parque, kiosco" || a.Alcaldia != campaign.Alcaldias[3].ID ||
				a.About != "Alumbrado." || a.Organiser != canvasserName || a.Lang != string(l) {
				t.Fatalf("assembly %+v", a)
			}
			if len(r.k.canv.proposals) != 1 {
				t.Fatalf("collecting for %v, want the first proposal", r.k.canv.proposals)
			}
		})
	}
}

// With Listen on, the text area's keys say their names, pressing them says
// where the cursor is now (the word it follows, not the text again), and
// F2 reads back what was typed as words, not letter by letter.
func TestTheTextAreaSpeaksItsKeysAndReadsTheTextBack(t *testing.T) {
	rec := &speech.Recorder{}
	r := newSubmissionRig(t, Config{Speaker: rec})
	rec.Now = r.clock.Now
	es := i18n.Spanish
	r.keyBegin(es)
	r.press(fyne.KeyF1)
	r.keys(r.homeOption(es.T("home.propose")))
	r.keys("Luz")
	r.press(fyne.KeyReturn)
	r.expect(kindProposeText)
	r.keys("Luz para caminar de noche")

	rec.Reset()
	r.press(fyne.KeyF2)
	said := rec.Said()
	want := es.F("speech.field", es.T("propose.text.title")) + ". " + es.F("speech.typed", "Luz para caminar de noche")
	if len(said) == 0 || said[len(said)-1] != want {
		t.Fatalf("F2 in the text said %q, want it to end with %q", said, want)
	}

	rec.Reset()
	r.tabInEntry()
	wantSaid(t, rec, "Tab to the cursor key", es.F("speech.button", es.T("key.cursorleft")))
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "the cursor one back", "noch")
	rec.Reset()
	r.press(fyne.KeyDown)
	wantSaid(t, rec, "the next key", es.F("speech.button", es.T("key.cursorright")))
	rec.Reset()
	r.press(fyne.KeyDown)
	wantSaid(t, rec, "the word key", es.F("speech.button", es.T("key.deleteword")))
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "deleting a word", es.T("speech.space"))
	if got := r.textArea().Entry.Text; got != "Luz para caminar de e" {
		t.Fatalf("the text is %q", got)
	}
	// Back at the start of the text, it says so.
	for range len("Luz para caminar de ") {
		r.textArea().CursorLeft()
	}
	r.press(fyne.KeyUp, fyne.KeyUp)
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "the cursor at the start", es.T("speech.cursor.start"))
}

// The time buttons of the organise flow say the time they moved to.
func TestTheAssemblyTimeButtonsSayTheTime(t *testing.T) {
	rec := &speech.Recorder{}
	r := newSubmissionRig(t, Config{Speaker: rec})
	rec.Now = r.clock.Now
	es := i18n.Spanish
	r.keyBegin(es)
	r.press(fyne.KeyF1)
	r.keys(r.homeOption(es.T("home.organise")))
	r.keys("Asamblea")
	r.press(fyne.KeyReturn)
	r.expect(kindOrganiseWhen)
	w := screenAs[*whenStep](r)
	r.downTo(w.hourUp)
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "an hour on, no day yet", "19:00", es.F("speech.button", es.T("organise.when.hour.more")))
	rec.Reset()
	r.keys("2")
	wantSaid(t, rec, "picking a day", w.summary.Text, es.F("speech.option", 2, 7)+", "+w.days[1].Title+", "+es.T("speech.selected"))
	r.downTo(w.minDown)
	rec.Reset()
	r.press(fyne.KeyReturn)
	wantSaid(t, rec, "a quarter back, on a day", w.summary.Text, es.F("speech.button", es.T("organise.when.min.less")))
	if !strings.HasSuffix(w.summary.Text, "18:45") {
		t.Fatalf("the summary reads %q", w.summary.Text)
	}
}
