package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

func TestSurveyFlowSavesTheAnswers(t *testing.T) {
	r := newRig(t, Config{})
	c := r.k.camp
	es := i18n.Spanish
	r.begin(es)
	r.tapText(es.F("home.survey", c.Survey.Title.Get("es")))
	r.expect(kindSurveyIntro)
	r.next()

	want := campaign.Answers{}
	num := func(x float64) *float64 { return &x }
	for i := range c.Survey.Questions {
		q := &c.Survey.Questions[i]
		s := screenAs[*questionScreen](r)
		if s.at.i != i {
			t.Fatalf("on question %d, want %d", s.at.i+1, i+1)
		}
		// Optional questions at odd positions are skipped, as people do.
		skip := !q.Required && i%2 == 1
		switch {
		case skip:
		case q.Type == campaign.TypeAlcaldia:
			r.tapText("Coyoacán")
			want[q.ID] = campaign.Answer{Choice: "coyoacan"}
		case q.Type == campaign.TypeNumber:
			r.typeKeys("25")
			want[q.ID] = campaign.Answer{Number: num(25)}
		case q.Type == campaign.TypeText && q.Required:
			r.typeKeys("Diversa")
			want[q.ID] = campaign.Answer{Text: "Diversa"}
		case q.Type == campaign.TypeText:
			// A physical keyboard types into the same field.
			test.Type(r.field(), "Más árboles, menos tráfico")
			want[q.ID] = campaign.Answer{Text: "Más árboles, menos tráfico"}
		case q.Type == campaign.TypeScale:
			r.tapText(strconv.Itoa(q.Max - 1))
			want[q.ID] = campaign.Answer{Number: num(float64(q.Max - 1))}
		case q.Type == campaign.TypeSingle:
			o := q.Options[len(q.Options)-1]
			r.tapText(o.Label.Get("es"))
			want[q.ID] = campaign.Answer{Choice: o.ID}
		case q.Type == campaign.TypeMultiple:
			r.tapText(q.Options[1].Label.Get("es"))
			r.tapText(q.Options[0].Label.Get("es"))
			want[q.ID] = campaign.Answer{Choices: []string{q.Options[1].ID, q.Options[0].ID}}
		}
		r.next()
	}
	r.expect(kindSurveyReview)
	if rows := screenAs[*surveyReview](r).rows; len(rows) != len(c.Survey.Questions) {
		t.Fatalf("review lists %d answers, want %d", len(rows), len(c.Survey.Questions))
	}
	r.next()
	r.expect(kindSaved)

	rec, body := r.onlyRecord()
	if rec.Kind != record.KindSurvey || rec.SubjectID != c.Survey.ID || rec.Mode != record.ModeKiosk {
		t.Fatalf("record is %s about %q in mode %s, want a survey response to %q", rec.Kind, rec.SubjectID, rec.Mode, c.Survey.ID)
	}
	if rec.Alcaldia != "coyoacan" {
		t.Fatalf("envelope alcaldía %q, want coyoacan", rec.Alcaldia)
	}
	if len(body.Answers) != len(want) {
		t.Fatalf("saved %d answers, want %d: %v", len(body.Answers), len(want), body.Answers)
	}
	for id, w := range want {
		got := body.Answers[id]
		if got.Choice != w.Choice || got.Text != w.Text || !slices.Equal(got.Choices, w.Choices) ||
			(got.Number == nil) != (w.Number == nil) || (w.Number != nil && *got.Number != *w.Number) {
			t.Errorf("answer to %s = %+v, want %+v", id, got, w)
		}
	}
	if code := screenAs[*savedScreen](r).code.Text; code != record.ReceiptCode(rec.ID) {
		t.Fatalf("receipt shows %q, want %q", code, record.ReceiptCode(rec.ID))
	}
	if len(r.k.sess.survey.answers) != 0 {
		t.Fatal("answers stay in memory after they were saved")
	}
}

func TestRequiredQuestionSaysSo(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.show(r.k.surveying().step(0))
	r.next()
	s := screenAs[*questionScreen](r)
	if s.at.i != 0 {
		t.Fatalf("moved on to question %d without an answer", s.at.i+1)
	}
	if got, want := r.message(), i18n.Spanish.T("answer.required"); got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	r.tapText("Tlalpan")
	if r.message() != "" {
		t.Fatalf("message %q stays after answering", r.message())
	}
	r.next()
	if screenAs[*questionScreen](r).at.i != 1 {
		t.Fatal("did not move on after answering")
	}
}

func TestMultipleChoiceStopsAtItsMaximum(t *testing.T) {
	r := newRig(t, Config{})
	c := r.k.camp
	i := slices.IndexFunc(c.Survey.Questions, func(q campaign.Question) bool {
		return q.Type == campaign.TypeMultiple && q.Max > 0 && len(q.Options) > q.Max
	})
	if i < 0 {
		t.Fatal("the default campaign has no multiple-choice question with a maximum")
	}
	q := &c.Survey.Questions[i]
	r.begin(i18n.Spanish)
	r.k.show(r.k.surveying().step(i))
	for _, o := range q.Options[:q.Max+1] {
		r.tapText(o.Label.Get("es"))
	}
	if got := len(r.k.sess.survey.answers[q.ID].Choices); got != q.Max {
		t.Fatalf("%d options chosen, want at most %d", got, q.Max)
	}
	if !strings.Contains(r.message(), strconv.Itoa(q.Max)) {
		t.Fatalf("message %q does not say the maximum", r.message())
	}
	// Taking one back makes room.
	r.tapText(q.Options[0].Label.Get("es"))
	r.tapText(q.Options[q.Max].Label.Get("es"))
	if got := r.k.sess.survey.answers[q.ID].Choices; len(got) != q.Max || slices.Contains(got, q.Options[0].ID) {
		t.Fatalf("choices %v after swapping one", got)
	}
}

// Valid sample ids: CURPs with their check digit, an INE voter key.
const (
	curpAna  = "PEGA850312MDFRRN02"
	curpJuan = "GOHJ900101HDFNRN01"
	ineAna   = "PRGRAN85031209M100"
)

// supportUntilID walks from home to the voter id step of the first
// proposal, typing the name on the on-screen keyboard.
func supportUntilID(r *rig, name string) *campaign.Proposal {
	r.t.Helper()
	p := &r.k.camp.Proposals[0]
	r.tapText(i18n.Spanish.T("home.proposals"))
	r.expect(kindBrowse)
	r.tapText(p.Title.Get("es"))
	r.expect(kindProposal)
	r.next()
	r.expect(kindSignName)
	r.typeKeys(name)
	r.next()
	r.expect(kindSignID)
	return p
}

func TestSupportFlowSavesTheSignature(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	p := supportUntilID(r, "Ana Pérez")
	r.typeKeys(curpAna)
	if got := r.message(); got != "CURP válida." {
		t.Fatalf("message for a valid CURP %q", got)
	}
	r.next()
	r.expect(kindSignArea)
	r.next()
	if got, want := r.message(), i18n.Spanish.T("field.alcaldia"); got != want {
		t.Fatalf("no alcaldía chosen: message %q, want %q", got, want)
	}
	r.tapText("Iztapalapa")
	r.next()
	r.expect(kindSignConsent)
	r.next()
	if got, want := r.message(), i18n.Spanish.T("field.consent"); got != want {
		t.Fatalf("no consent: message %q, want %q", got, want)
	}
	r.tapText(i18n.Spanish.T("consent.accept"))
	r.next()
	r.expect(kindSignPad)
	r.sign()
	drawn := screenAs[*padStep](r).pad.Signature()
	r.next()
	r.expect(kindSignReview)
	shown := map[string]bool{}
	for _, l := range screenAs[*reviewStep](r).values {
		shown[l.Detail] = true
	}
	if !shown["Ana Pérez"] || !shown["PEGA••••••••••••02"] || !shown["Iztapalapa"] {
		t.Fatalf("review shows %v; want the name, the masked id and the alcaldía", shown)
	}
	r.next()
	r.expect(kindSaved)

	rec, body := r.onlyRecord()
	if rec.Kind != record.KindSignature || rec.SubjectID != p.ID {
		t.Fatalf("record is %s about %q, want a signature for %q", rec.Kind, rec.SubjectID, p.ID)
	}
	wantIdx := record.BlindIndex(r.dev.Identity.DedupeKey, curpAna, p.ID)
	if string(rec.SignerIndex) != string(wantIdx) {
		t.Fatal("signer index is not the blind index of the normalised CURP")
	}
	s := body.Signer
	if s == nil || s.Name != "Ana Pérez" || s.VoterID != curpAna || s.IDType != "curp" ||
		s.Alcaldia != "iztapalapa" || s.ConsentVersion != r.k.camp.Privacy.Version {
		t.Fatalf("signer %+v", s)
	}
	sig, err := stroke.Decode(body.Strokes)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig.Strokes) != len(drawn.Strokes) || sig.W != drawn.W || sig.H != drawn.H {
		t.Fatalf("saved %d strokes on %dx%d, drew %d on %dx%d", len(sig.Strokes), sig.W, sig.H, len(drawn.Strokes), drawn.W, drawn.H)
	}
	for i := range sig.Strokes {
		for j, pt := range sig.Strokes[i] {
			d := drawn.Strokes[i][j]
			if abs(pt.X-d.X) > 1e-3 || abs(pt.Y-d.Y) > 1e-3 || pt.T != d.T {
				t.Fatalf("stroke %d point %d saved as %v, drawn as %v", i, j, pt, d)
			}
		}
	}
	if r.k.sess.sign.name != "" || r.k.sess.sign.voterID != "" || r.k.sess.sign.signature != nil {
		t.Fatal("the supporter's data stays in memory after saving")
	}
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func TestVoterIDIsCheckedAsItIsTyped(t *testing.T) {
	tests := []struct {
		name, typed, want string
	}{
		{"nothing yet", "", "Escribe las 18 letras y números, sin espacios."},
		{"a good start", "PEGA85", "Faltan 12 caracteres."},
		{"one to go", curpAna[:17], "Falta 1 carácter."},
		{"a letter where the birth date goes", "PEGA85O", "CURP: el carácter 7 debe ser un número."},
		// Both begin with letters; the campaign lists the voter key first.
		{"fits neither voter key nor CURP", "PE1", "Clave de elector: el carácter 3 debe ser una letra."},
		{"valid CURP", curpAna, "CURP válida."},
		{"valid CURP in lower case with spaces", "pega 850312 mdfrrn02", "CURP válida."},
		{"valid voter key", ineAna, "Clave de elector válida."},
		{"wrong check digit", curpAna[:17] + "9", "CURP: el último dígito no coincide. Revisa que no haya una letra o número mal escrito."},
		{"impossible date", "PEGA851332MDFRRN02", "CURP: los caracteres 5 a 10 deben ser tu fecha de nacimiento (AAMMDD)."},
		{"too long", curpAna + "1", "Tiene 19 caracteres; deben ser 18."},
	}
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	supportUntilID(r, "Ana")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r.field().SetText(tc.typed)
			if got := r.message(); got != tc.want {
				t.Fatalf("typed %q: message %q, want %q", tc.typed, got, tc.want)
			}
		})
	}
	t.Run("next refuses an incomplete id", func(t *testing.T) {
		r.field().SetText("PEGA85")
		r.next()
		r.expect(kindSignID)
		if got := r.message(); got != "Tiene 6 caracteres; deben ser 18." {
			t.Fatalf("message %q", got)
		}
	})
}

func TestSameSupporterTwiceIsToldKindly(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	p := &r.k.camp.Proposals[0]
	// A first support, saved.
	s := &r.k.sess.sign
	s.proposal, s.name, s.voterID = p.ID, "Ana", curpAna
	s.area, s.consent, s.signature = "tlalpan", true, sampleSignature()
	if err := r.k.save(r.k.kioskSigning()); err != nil {
		t.Fatal(err)
	}
	r.expect(kindSaved)
	test.Tap(r.k.fr.start)
	r.begin(i18n.Spanish)

	// The same person, typing the id differently, before signing.
	supportUntilID(r, "Ana")
	r.typeKeys("PEGA850312MDFRRN02")
	r.next()
	r.expect(kindDuplicate)
	if n := len(r.k.win.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d overlays: a duplicate is a screen, not an error dialog", n)
	}
	if r.k.sess.sign.voterID != "" || r.k.sess.sign.name != "" {
		t.Fatal("the duplicate's data stays in memory")
	}
	if n := len(r.records()); n != 1 {
		t.Fatalf("outbox holds %d records, want the first support only", n)
	}
	// Someone else can still support it.
	r.next()
	r.expect(kindBrowse)
	r.tapText(p.Title.Get("es"))
	r.next()
	r.typeKeys("Juan")
	r.next()
	r.typeKeys(curpJuan)
	r.next()
	r.expect(kindSignArea)
}

func TestSignatureMustBeThere(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignPad))
	r.next()
	if got, want := r.message(), i18n.Spanish.T("sign.empty"); got != want {
		t.Fatalf("empty pad: message %q, want %q", got, want)
	}
	test.Tap(screenAs[*padStep](r).pad) // a dot
	r.next()
	if got, want := r.message(), i18n.Spanish.T("sign.toosmall"); got != want {
		t.Fatalf("a dot: message %q, want %q", got, want)
	}
	test.Tap(screenAs[*padStep](r).wipe)
	r.sign()
	r.next()
	r.expect(kindSignReview)
}

func TestAssemblyRegistrationIsSaved(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	ev := r.k.camp.UpcomingEvents(testNow)[0]
	r.tapText(i18n.Spanish.T("home.events"))
	r.expect(kindEvents)
	r.tapText(ev.Title.Get("es"))
	r.expect(kindRegName)
	r.next()
	if got, want := r.message(), i18n.Spanish.T("field.required.name"); got != want {
		t.Fatalf("no name: message %q, want %q", got, want)
	}
	r.typeKeys("María López")
	r.next()
	r.expect(kindRegContact)
	if r.k.fr.next.Text != i18n.Spanish.T("step.skip") {
		t.Fatalf("optional empty field: next reads %q, want skip", r.k.fr.next.Text)
	}
	r.typeKeys("maria@example.mx")
	if r.k.fr.next.Text != i18n.Spanish.T("step.next") {
		t.Fatalf("with a contact, next reads %q", r.k.fr.next.Text)
	}
	r.next()
	r.expect(kindRegConsent)
	r.tapText(i18n.Spanish.T("consent.accept"))
	r.next()
	r.expect(kindRegReview)
	r.next()
	r.expect(kindSaved)

	rec, body := r.onlyRecord()
	if rec.Kind != record.KindEvent || rec.SubjectID != ev.ID {
		t.Fatalf("record is %s about %q, want a registration for %q", rec.Kind, rec.SubjectID, ev.ID)
	}
	if g := body.Registrant; g == nil || g.Name != "María López" || g.Contact != "maria@example.mx" ||
		g.ConsentVersion != r.k.camp.Privacy.Version {
		t.Fatalf("registrant %+v", g)
	}
}

func TestCommentOnAnArticleIsSaved(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.English)
	a := &r.k.camp.Articles[0]
	r.tapText(i18n.English.T("home.articles"))
	r.expect(kindArticles)
	r.tapText(i18n.English.F("article.number", a.Number) + " — " + a.Title.Get("en"))
	r.expect(kindArticle)
	r.next()
	r.expect(kindCommentText)
	r.typeKeys("Deadlines of 30 days, please.")
	r.next()
	r.expect(kindCommentName)
	r.next() // skipped: anonymous
	r.expect(kindCommentArea)
	r.tapText("Cuauhtémoc")
	r.next()
	r.expect(kindCommentRev)
	r.next()
	r.expect(kindSaved)

	rec, body := r.onlyRecord()
	if rec.Kind != record.KindComment || rec.SubjectID != a.ID || rec.Alcaldia != "cuauhtemoc" {
		t.Fatalf("record is %s about %q from %q", rec.Kind, rec.SubjectID, rec.Alcaldia)
	}
	if c := body.Comment; c == nil || c.Text != "Deadlines of 30 days, please." || c.Name != "" || c.Alcaldia != "cuauhtemoc" {
		t.Fatalf("comment %+v", c)
	}
}
