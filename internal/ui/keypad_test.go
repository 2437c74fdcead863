package ui

import (
	"slices"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
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
