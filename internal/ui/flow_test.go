package ui

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// TestEachFlowsWipeLeavesNothing fills every flow's draft with a person's
// input and wipes it: nothing of them is left, and "start over" no longer
// has anything to ask about.
func TestEachFlowsWipeLeavesNothing(t *testing.T) {
	three := 3.0
	sig := sampleSignature()
	tests := []struct {
		name  string
		draft draft
		empty draft // what a wiped draft must equal
	}{
		{"survey", &surveyDraft{answers: campaign.Answers{
			"q1": {Text: secretText}, "q2": {Choice: secretName}, "q3": {Choices: []string{secretName}}, "q4": {Number: &three},
		}}, &surveyDraft{answers: campaign.Answers{}}},
		{"signing", &signDraft{proposal: "p1", name: secretName, voterID: secretID, area: "tlalpan", consent: true, signature: sig}, &signDraft{}},
		{"registration", &regDraft{event: "e1", name: secretName, contact: secretText, consent: true}, &regDraft{}},
		{"comment", &commentDraft{article: "a1", text: secretText, name: secretName, area: "tlalpan"}, &commentDraft{}},
		{"proposal", &proposeDraft{title: secretName, text: secretText, theme: "t1", scope: wholeCity, named: true,
			author: signDraft{name: secretName, voterID: secretID, area: "tlalpan", consent: true, signature: sig}}, &proposeDraft{}},
		{"assembly", &organiseDraft{title: secretText, day: testNow, clock: 600, area: "tlalpan", venue: secretText,
			about: secretText, organiser: secretName, contact: secretID, consent: true}, &organiseDraft{}},
		{"impromptu assembly", &impromptuDraft{title: secretText, venue: secretText, area: "tlalpan", about: secretText, consent: true}, &impromptuDraft{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.draft.dirty() {
				t.Fatal("a filled draft is not dirty")
			}
			tt.draft.wipe()
			if found := leaks(tt.draft, secretName, secretID, secretText); len(found) > 0 {
				t.Errorf("the wiped draft still holds:\n%s", strings.Join(found, "\n"))
			}
			if !reflect.DeepEqual(tt.draft, tt.empty) {
				t.Errorf("wiped draft is %+v, want %+v", tt.draft, tt.empty)
			}
			if tt.draft.dirty() {
				t.Error("a wiped draft is still dirty")
			}
		})
	}
	// The pad step's signature may still be reachable from a screen being
	// torn down: its strokes go too.
	for i, s := range sig.Strokes {
		if s != nil {
			t.Errorf("stroke %d of the wiped signature survives", i)
		}
	}
}

// TestSessionWipesEveryDraft guards the one line a new flow adds to
// session: a draft field left out of drafts would survive forgetting.
func TestSessionWipesEveryDraft(t *testing.T) {
	s := newSession(i18n.Spanish, Look{})
	listed := map[uintptr]bool{}
	for _, d := range s.drafts() {
		listed[reflect.ValueOf(d).Pointer()] = true
	}
	draftType := reflect.TypeOf((*draft)(nil)).Elem()
	v := reflect.ValueOf(s).Elem()
	n := 0
	for i := range v.NumField() {
		f := v.Field(i)
		if !reflect.PointerTo(f.Type()).Implements(draftType) {
			continue
		}
		n++
		if !listed[f.Addr().Pointer()] {
			t.Errorf("session.%s is a draft that session.drafts leaves out", v.Type().Field(i).Name)
		}
	}
	if n != len(s.drafts()) || n < 4 {
		t.Fatalf("session has %d draft fields, drafts lists %d", n, len(s.drafts()))
	}
}

// TestFlowStepsComeFromTheirPlace builds a flow the way a new one would
// be written: back, next, the kicker and the submit on the last step all
// follow from the list.
func TestFlowStepsComeFromTheirPlace(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	k := r.k
	d := &k.sess.comment
	d.article = k.camp.Articles[0].ID
	exits := 0
	var saved *record.Record
	text := func(sk screenKind, v *string) func(stepAt) screen {
		return func(at stepAt) screen {
			return &textStep{
				k: k, sk: sk, layout: widgets.Text,
				words: words{kicker: at.kicker, title: "comment.text.title"},
				get:   func() string { return *v }, set: func(s string) { *v = s },
				back: at.back, next: at.next,
			}
		}
	}
	f := &flow{
		k: k, kicker: "comment.step", draft: d,
		steps: []func(stepAt) screen{text("first", &d.text), text("second", &d.name), text("third", &d.area)},
		exit:  func() { exits++ },
		submit: func() (*record.Draft, error) {
			return &record.Draft{Kind: record.KindComment, SubjectID: d.article, Mode: k.mode,
				Body: record.Body{Comment: &record.Comment{Text: d.text, Name: d.name}}}, nil
		},
		saved: func(rec *record.Record) { saved = rec },
	}
	f.start()
	r.expect("first")
	if got, want := r.k.fr.v.kicker, i18n.Spanish.F("comment.step", 1, 3); got != want {
		t.Fatalf("kicker %q, want %q", got, want)
	}
	r.k.fr.v.back()
	if exits != 1 {
		t.Fatal("back from the first step did not leave the flow")
	}
	f.start()
	r.typeKeys("Hola")
	r.next()
	r.expect("second")
	if got, want := r.k.fr.v.kicker, i18n.Spanish.F("comment.step", 2, 3); got != want {
		t.Fatalf("kicker %q, want %q", got, want)
	}
	r.next()
	r.expect("third")
	r.k.fr.v.back()
	r.expect("second")
	r.next()
	r.next()
	if saved == nil {
		t.Fatal("next on the last step did not save")
	}
	if d.text != "" || d.article != "" {
		t.Fatal("the draft survives its save")
	}
	if _, body := r.onlyRecord(); body.Comment == nil || body.Comment.Text != "Hola" {
		t.Fatalf("saved %+v", body.Comment)
	}
}

// TestEveryFlowWaitsOutOfServiceAndSavesLater: whichever flow a person
// finishes while the disk is full, the kiosk keeps their record, shows it
// saved only once the outbox takes it, and then wipes the draft.
func TestEveryFlowWaitsOutOfServiceAndSavesLater(t *testing.T) {
	tests := []struct {
		name string
		kind record.Kind
		fill func(k *Kiosk) *flow
	}{
		{"survey", record.KindSurvey, func(k *Kiosk) *flow {
			for i := range k.camp.Survey.Questions {
				q := &k.camp.Survey.Questions[i]
				k.sess.survey.answers[q.ID] = sampleAnswer(q)
			}
			return k.surveying()
		}},
		{"signing", record.KindSignature, func(k *Kiosk) *flow {
			s := &k.sess.sign
			s.proposal, s.name, s.voterID = k.camp.Proposals[0].ID, secretName, secretID
			s.area, s.consent, s.signature = "tlalpan", true, sampleSignature()
			return k.kioskSigning()
		}},
		{"registration", record.KindEvent, func(k *Kiosk) *flow {
			r := &k.sess.reg
			r.event, r.name, r.consent = k.camp.UpcomingEvents(testNow)[0].ID, secretName, true
			return k.registering()
		}},
		{"comment", record.KindComment, func(k *Kiosk) *flow {
			k.sess.comment.article, k.sess.comment.text = k.camp.Articles[0].ID, secretText
			return k.commenting()
		}},
		{"proposal", record.KindProposal, func(k *Kiosk) *flow {
			p := &k.sess.propose
			p.title, p.text, p.theme, p.scope = secretText, secretText, k.camp.Themes[0].ID, wholeCity
			a := &p.author
			a.name, a.voterID, a.area, a.consent, a.signature = secretName, secretID, "tlalpan", true, sampleSignature()
			return k.proposing()
		}},
		{"assembly", record.KindEventProposal, func(k *Kiosk) *flow {
			o := &k.sess.organise
			o.title, o.day, o.clock, o.area = secretText, testNow.AddDate(0, 0, 3), 18*60, "tlalpan"
			o.venue, o.about, o.organiser, o.consent = secretText, secretText, secretName, true
			return k.organising()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			test.NewTempApp(t)
			dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
			acceptSubmissions(t, dev)
			store := &failingStore{Store: dev.Store, full: true}
			r := newRigOn(t, dev, store, Config{})
			r.begin(i18n.Spanish)
			f := tt.fill(r.k)
			f.show(f.last())
			r.next()
			r.expect(kindOutOfService)
			r.tick(retryEvery)
			r.expect(kindOutOfService)
			if n := len(r.records()); n != 0 {
				t.Fatalf("%d records stored while the disk was full", n)
			}
			store.full = false
			r.tick(retryEvery)
			r.expect(kindSaved)
			if rec, _ := r.onlyRecord(); rec.Kind != tt.kind {
				t.Fatalf("saved a %s, want a %s", rec.Kind, tt.kind)
			}
			if r.k.pending != nil || f.draft.dirty() {
				t.Fatal("the input stays in memory after it was saved")
			}
		})
	}
}

// TestSurveyReviewTakesThePersonToTheAnswerTheRecordLacks: the last guard
// (record.Build, inside the outbox) refuses a survey without a required
// answer, and the person lands on that question, told why.
func TestSurveyReviewTakesThePersonToTheAnswerTheRecordLacks(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	f := r.k.surveying()
	f.show(f.last())
	r.next()
	s := screenAs[*questionScreen](r)
	if !s.question().Required || !s.toReview {
		t.Fatalf("on question %d (required %v, back to the review %v), want a required one on the way back", s.at.i+1, s.question().Required, s.toReview)
	}
	if got, want := r.message(), i18n.Spanish.T("answer.required"); got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	if n := len(r.records()); n != 0 {
		t.Fatalf("%d records saved from a refused survey", n)
	}
}

// TestARecordRefusedAfterAnOutageIsNotRetriedForEver: when the outbox
// fails before it can check a record, and the check then refuses it, the
// kiosk forgets it instead of trying again for ever.
func TestARecordRefusedAfterAnOutageIsNotRetriedForEver(t *testing.T) {
	test.NewTempApp(t)
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	store := &failingStore{Store: dev.Store, full: true}
	r := newRigOn(t, dev, store, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.name = secretName // and no comment: the record refuses it
	f := r.k.commenting()
	f.show(f.last())
	r.next()
	r.expect(kindOutOfService)
	store.full = false
	r.tick(retryEvery)
	r.expect(kindAttract)
	if r.k.pending != nil {
		t.Fatal("the refused record is still waiting")
	}
	if found := leaks(r.k, secretName); len(found) > 0 {
		t.Fatalf("the refused input survives: %v", found)
	}
	if n := len(r.records()); n != 0 {
		t.Fatalf("%d records saved", n)
	}
}

// TestTextStepRefusesTextOverItsLimit: every text step's max is also its
// check, so no flow needs a length check of its own; the person is told
// and stays on the step.
func TestTextStepRefusesTextOverItsLimit(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	k := r.k
	d := &k.sess.comment
	d.text = "demasiado largo"
	next := 0
	f := &flow{
		k: k, kicker: "comment.step", draft: d,
		steps: []func(stepAt) screen{func(at stepAt) screen {
			return &textStep{
				k: k, sk: "limited", layout: widgets.Text, max: 5,
				words: words{kicker: at.kicker, title: "comment.text.title"},
				get:   func() string { return d.text }, set: func(s string) { d.text = s },
				back: at.back, next: func() error { next++; return nil },
			}
		}},
		exit: func() {},
	}
	f.start()
	r.expect("limited")
	r.next()
	r.expect("limited")
	if next != 0 {
		t.Fatal("text over the step's limit went on")
	}
	if got, want := screenAs[*textStep](r).msg.Text, i18n.Spanish.T("field.toolong"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	d.text = "corto"
	r.next()
	if next != 1 {
		t.Fatal("text within the limit did not go on")
	}
}
