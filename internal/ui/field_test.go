package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Tests of what a passer-by ran into in the field (issue 14).

// questionIndex is the index of the survey question with id.
func questionIndex(t *testing.T, c *campaign.Campaign, id string) int {
	t.Helper()
	i := slices.IndexFunc(c.Survey.Questions, func(q campaign.Question) bool { return q.ID == id })
	if i < 0 {
		t.Fatalf("no survey question %q", id)
	}
	return i
}

// inView reports whether o is on screen, inside the window and not inside
// a scroller (where it could be scrolled out of sight).
func inView(r *rig, o fyne.CanvasObject) bool {
	found, scrolled := false, false
	var visit func(n fyne.CanvasObject, inScroll bool)
	visit = func(n fyne.CanvasObject, inScroll bool) {
		if n == nil || !n.Visible() || found {
			return
		}
		if n == o {
			found, scrolled = true, inScroll
			return
		}
		if _, ok := n.(*widgets.Scroller); ok {
			inScroll = true
		}
		switch w := n.(type) {
		case *fyne.Container:
			for _, ch := range w.Objects {
				visit(ch, inScroll)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(w).Objects() {
				visit(ch, inScroll)
			}
		}
	}
	visit(r.k.win.Canvas().Content(), false)
	if !found || scrolled {
		return false
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	win := r.k.win.Canvas().Size()
	return pos.Y >= 0 && pos.Y+o.Size().Height <= win.Height && o.Size().Height > 0
}

func TestEditingATypedAnswerFromTheReviewTypesAtItsEnd(t *testing.T) {
	r := newRig(t, Config{})
	c := r.k.camp
	i := questionIndex(t, c, "una-palabra")
	for j := range c.Survey.Questions {
		q := &c.Survey.Questions[j]
		r.k.sess.survey.answers[q.ID] = sampleAnswer(q)
	}
	r.k.sess.survey.answers[c.Survey.Questions[i].ID] = campaign.Answer{Text: "Diversa"}
	sv := r.k.surveying()
	r.k.show(sv.step(sv.last()))
	test.Tap(screenAs[*surveyReview](r).rows[i])
	q := screenAs[*questionScreen](r)
	answer := func() string { return r.k.sess.survey.answers[c.Survey.Questions[i].ID].Text }

	q.kb.Backspace()
	if got := answer(); got != "Divers" {
		t.Fatalf("Borrar after coming from the review left %q, want %q", got, "Divers")
	}
	r.typeKeys("o")
	if got := answer(); got != "Diverso" {
		t.Fatalf("typing after Borrar gave %q, want %q", got, "Diverso")
	}

	// A language switch rebuilds the screen: the cursor stays at the end.
	test.Tap(r.k.fr.langBtn)
	q = screenAs[*questionScreen](r)
	q.kb.Backspace()
	if got := answer(); got != "Divers" {
		t.Fatalf("Borrar after a language switch left %q, want %q", got, "Divers")
	}

	r.next()
	r.expect(kindSurveyReview)
}

func TestEditingAMultiLineAnswerTypesAtItsEnd(t *testing.T) {
	r := newRig(t, Config{})
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = "Primera línea\nsegunda línea larga que sigue y sigue hasta dar vuelta en la caja de texto"
	cf := r.k.commenting()
	r.k.show(cf.stepOf(kindCommentRev))
	rev := screenAs[*reviewStep](r)
	test.Tap(rev.values[1])
	r.expect(kindCommentText)
	r.k.fr.keyboard.Backspace()
	if got := r.k.sess.comment.text; !strings.HasSuffix(got, "text") {
		t.Fatalf("Borrar did not delete the last character: %q", got)
	}
	r.next()
	r.expect(kindCommentRev)
}

func TestEveryReviewFixesARowInOneTap(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	p := &r.k.camp.Proposals[0]
	s := &r.k.sess.sign
	s.proposal, s.name, s.voterID, s.area, s.consent = p.ID, "Ana Pérz", tourVoterID, "coyoacan", true
	s.signature = sampleSignature()
	sf := r.k.kioskSigning()
	r.k.show(sf.stepOf(kindSignReview))

	taps := 0
	test.Tap(screenAs[*reviewStep](r).values[1]) // the name
	taps++
	r.expect(kindSignName)
	r.k.fr.keyboard.Backspace()
	r.typeKeys("ez")
	r.next()
	taps++
	r.expect(kindSignReview)
	if s.name != "Ana Pérez" {
		t.Fatalf("name is %q after fixing it", s.name)
	}
	if taps > 2 {
		t.Fatalf("%d taps to get to the name and back", taps)
	}
	// Back from the step being fixed also returns to the review.
	test.Tap(screenAs[*reviewStep](r).values[3]) // the alcaldía
	r.expect(kindSignArea)
	test.Tap(r.k.fr.back)
	r.expect(kindSignReview)
	// From the review, back walks the flow again.
	test.Tap(r.k.fr.back)
	r.expect(kindSignPad)
	r.next()
	r.expect(kindSignReview)

	// Registration and comment reviews offer the same.
	r.k.sess.reg.event = r.k.camp.UpcomingEvents(r.k.now())[0].ID
	r.k.sess.reg.name, r.k.sess.reg.consent = "Ana", true
	r.k.show(r.k.registering().stepOf(kindRegReview))
	test.Tap(screenAs[*reviewStep](r).values[1])
	r.expect(kindRegName)
	r.next()
	r.expect(kindRegReview)
}

func TestAFourthChoiceSaysWhy(t *testing.T) {
	for _, size := range screenSizes {
		r := newRig(t, Config{})
		r.k.win.Resize(size)
		c := r.k.camp
		i := questionIndex(t, c, "derechos-prioritarios")
		q := &c.Survey.Questions[i]
		if q.Max != 3 {
			t.Fatalf("question %s allows %d, want 3", q.ID, q.Max)
		}
		sv := r.k.surveying()
		r.k.show(sv.step(i))
		s := screenAs[*questionScreen](r)
		for _, o := range s.options[:3] {
			test.Tap(o)
		}
		if inView(r, s.msg) {
			t.Fatalf("a message shows before the fourth tap: %q", s.msg.Text)
		}
		test.Tap(s.options[len(s.options)-1])
		r.k.fr.settle()
		want := i18n.Spanish.N("survey.multiple.max", 3)
		if got := r.message(); got != want {
			t.Fatalf("fourth choice: message %q, want %q", got, want)
		}
		if !inView(r, s.msg) {
			t.Fatalf("%v: the fourth choice's message is out of view", size)
		}
		if got := r.k.sess.survey.answers[q.ID].Choices; len(got) != 3 {
			t.Fatalf("choices %v, want three", got)
		}
	}
}

func TestATouchAnywhereKeepsTheSessionOnTheIdlePrompt(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.show(r.k.surveying().step(0))
	r.k.sess.survey.answers["una-palabra"] = campaign.Answer{Text: "Diversa"}
	before := r.k.cur
	r.tick(DefaultIdle)
	if !r.k.fr.promptShown() {
		t.Fatal("no prompt after the idle time")
	}
	// A touch on the dimmed screen, away from the prompt's buttons.
	test.TapCanvas(r.k.win.Canvas(), fyne.NewPos(20, r.k.win.Canvas().Size().Height-20))
	if r.k.fr.promptShown() {
		t.Fatal("a touch on the screen left the prompt up")
	}
	r.tick(DefaultCountdown)
	if r.k.cur != before || r.k.sess.survey.answers["una-palabra"].Text != "Diversa" {
		t.Fatalf("the session was forgotten after a touch: on %s", r.k.cur.kind())
	}
	// And the prompt's buttons stand well apart.
	r.tick(DefaultIdle)
	d := fyne.CurrentApp().Driver()
	no, yes := r.k.fr.promptNo, r.k.fr.promptYes
	gap := d.AbsolutePositionForObject(yes).X - (d.AbsolutePositionForObject(no).X + no.Size().Width)
	if gap < 40 {
		t.Fatalf("the prompt's buttons are %v apart", gap)
	}
}

func TestSyncStatusIsForStaffOnly(t *testing.T) {
	r := newRig(t, Config{})
	shows := func() bool {
		found := false
		walk(r.k.win.Canvas(), func(o fyne.CanvasObject, _ fyne.Position) {
			if l, ok := o.(*widget.Label); ok && l == r.k.fr.status {
				found = true
			}
		})
		return found
	}
	err := r.k.Tour(func(name string) {
		if !strings.Contains(name, "-tech-") && shows() {
			t.Errorf("%s: the sync status shows on a public screen", name)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	r.k.show(&techMenu{k: r.k})
	if !shows() {
		t.Fatal("the technician menu does not show the sync status")
	}
}

func TestTheLanguageButtonIsAWord(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	b := r.k.fr.langBtn
	if b.Icon != nil || b.Text != "English" {
		t.Fatalf("language button: icon %v, text %q; want the word alone", b.Icon, b.Text)
	}
}

func TestSelectedTilesLookChosen(t *testing.T) {
	for _, lk := range looks {
		test.NewTempApp(t).Settings().SetTheme(NewTheme(lk.look))
		tile := widgets.NewTile("Coyoacán", "", widgets.NoMark, nil)
		w := test.NewWindow(tile)
		w.Resize(fyne.NewSize(300, 100))
		tile.SetSelected(true)
		var bg fyne.CanvasObject
		for _, o := range test.WidgetRenderer(tile).Objects() {
			if _, ok := o.(*widget.Icon); ok && o.Visible() {
				bg = o
			}
		}
		if bg == nil || bg.(*widget.Icon).Resource == nil {
			t.Errorf("%s: a chosen tile without a mark shows no tick", lk.name)
		}
		w.Close()
	}
}

// TestTapCountsPerFlow counts the taps each flow takes a person from the
// attract screen to the receipt, answering as little as it allows: taps on
// tiles and buttons, and keys typed, apart. The bounds keep them from
// creeping up unnoticed.
func TestTapCountsPerFlow(t *testing.T) {
	es := i18n.Spanish
	type count struct{ taps, keys int }
	flows := map[string]struct {
		run  func(r *rig, c *count)
		most int // taps, besides keys
	}{
		"survey minimum": {most: 26, run: func(r *rig, c *count) {
			r.tapText(es.F("home.survey", r.k.camp.Survey.Title.Get("es")))
			r.next()
			c.taps += 2
			for i := range r.k.camp.Survey.Questions {
				q := &r.k.camp.Survey.Questions[i]
				if q.Required {
					switch q.Type {
					case campaign.TypeAlcaldia:
						r.tapText("Coyoacán")
					case campaign.TypeText:
						r.typeKeys("Diversa")
						c.keys += len("Diversa")
						c.taps-- // typed, not tapped
					case campaign.TypeScale:
						r.tapText("3")
					default:
						r.tapText(q.Options[0].Label.Get("es"))
					}
					c.taps++
				}
				r.next()
				c.taps++
			}
			r.next() // send from the review
			c.taps++
		}},
		"support": {most: 14, run: func(r *rig, c *count) {
			p := &r.k.camp.Proposals[0]
			r.tapText(es.T("home.proposals"))
			r.tapText(p.Title.Get("es"))
			r.next()
			r.typeKeys("Ana Pérez")
			c.keys += len([]rune("Ana Pérez"))
			r.next()
			r.typeKeys(curpAna)
			c.keys += len(curpAna)
			r.next()
			r.tapText("Iztapalapa")
			r.next()
			r.tapText(es.T("consent.accept"))
			r.next()
			r.sign()
			r.next()
			r.expect(kindSignReview)
			r.next()
			c.taps += 12 // the signature counts as one
		}},
		"registration": {most: 9, run: func(r *rig, c *count) {
			r.tapText(es.T("home.events"))
			r.tapText(r.k.camp.UpcomingEvents(testNow)[0].Title.Get("es"))
			r.typeKeys("María López")
			c.keys += len([]rune("María López"))
			r.next()
			r.next() // no contact
			r.tapText(es.T("consent.accept"))
			r.next()
			r.next()
			c.taps += 7
		}},
		"comment": {most: 9, run: func(r *rig, c *count) {
			a := &r.k.camp.Articles[0]
			r.tapText(es.T("home.articles"))
			r.tapText(es.F("article.number", a.Number) + " — " + a.Title.Get("es"))
			r.next()
			r.typeKeys("Plazos claros")
			c.keys += len("Plazos claros")
			r.next()
			r.next() // anonymous
			r.next() // no alcaldía
			r.next()
			c.taps += 7
		}},
	}
	for name, f := range flows {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.begin(es)
			c := count{taps: 2} // attract, language
			f.run(r, &c)
			r.expect(kindSaved)
			t.Logf("%s: %d taps and %d keys", name, c.taps, c.keys)
			if c.taps > f.most {
				t.Errorf("%s takes %d taps, more than %d", name, c.taps, f.most)
			}
		})
	}
}
