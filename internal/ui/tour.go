package ui

import (
	"fmt"
	"math"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// Sample person of the tour: made up, with a CURP that passes its check
// digit.
const (
	tourName    = "Ana María Pérez García"
	tourVoterID = "PEGA850312MDFRRN02"
)

// Tour walks the kiosk through every main screen the way a sample person
// would, calling shot with a file-friendly name ("05-survey-single") once
// each is on screen: for screenshots, golden files and by-hand review. It
// saves real records to the store (a support, for the duplicate notice),
// so use a demo or test outbox. It ends back at the attract screen.
func (k *Kiosk) Tour(shot func(name string)) error {
	if k.camp == nil {
		k.reload()
		shot("00-not-set-up")
		return nil
	}
	c := k.camp
	n := 0
	snap := func(name string) {
		n++
		shot(fmt.Sprintf("%02d-%s", n, name))
	}
	k.forget()
	snap("attract")
	k.show(&languageScreen{k: k})
	snap("language")
	k.show(&homeScreen{k: k})
	snap("home")

	// The survey: one screen per question type, a refused empty answer and
	// the review.
	k.show(&surveyIntro{k: k})
	snap("survey-intro")
	sv := k.surveying()
	shown := map[campaign.QuestionType]bool{}
	for i := range c.Survey.Questions {
		q := &c.Survey.Questions[i]
		k.sess.survey.answers[q.ID] = sampleAnswer(q)
		if shown[q.Type] {
			continue
		}
		shown[q.Type] = true
		k.show(sv.step(i))
		snap("survey-" + string(q.Type))
	}
	for i := range c.Survey.Questions {
		if q := &c.Survey.Questions[i]; q.Required {
			delete(k.sess.survey.answers, q.ID)
			s := sv.step(i).(*questionScreen)
			k.show(s)
			s.next()
			snap("survey-required")
			k.sess.survey.answers[q.ID] = sampleAnswer(q)
			break
		}
	}
	k.show(sv.step(sv.last()))
	snap("survey-review")
	k.sess.survey.wipe()

	// Supporting a proposal.
	if len(c.Proposals) > 0 {
		p := &c.Proposals[0]
		k.sess.theme = p.Theme
		k.show(&browseScreen{k: k})
		snap("proposals")
		k.show(&themePicker{k: k})
		snap("proposals-theme")
		k.show(&areaFilter{k: k})
		snap("proposals-alcaldia")
		k.sess.theme = ""
		k.show(newSearchScreen(k))
		snap("proposals-search")
		k.show(&proposalScreen{k: k, id: p.ID})
		snap("proposal")
		s := &k.sess.sign
		s.proposal = p.ID
		sf := k.kioskSigning()
		k.tourSigner(sf, kioskSignKinds, s, func(kind screenKind) {
			snap(string(kind))
			if kind == kindSignName {
				s.voterID = tourVoterID[:9] + "X"
				k.show(sf.stepOf(kindSignID))
				snap("sign-voterid-wrong")
			}
		})
		empty := sf.stepOf(kindSignPad).(*padStep)
		s.signature = nil
		k.show(empty)
		empty.next()
		snap("sign-signature-empty")
		k.show(&assistScreen{k: k, back: empty})
		snap("sign-assist")
		s.signature = sampleSignature()
		k.show(sf.stepOf(kindSignReview))
		snap("sign-review")
		if err := k.save(sf); err != nil {
			return fmt.Errorf("tour: send signature: %w", err)
		}
		snap("saved")
		// The same person again: the kind notice, before they sign.
		s.proposal = p.ID
		s.voterID = tourVoterID
		k.kioskSigning().refused()
		snap("sign-duplicate")
	}

	if evs := c.UpcomingEvents(k.now()); len(evs) > 0 {
		k.show(&eventsScreen{k: k})
		snap("events")
		k.sess.reg.event = evs[0].ID
		k.sess.reg.name = tourName
		rf := k.registering()
		k.show(rf.stepOf(kindRegContact))
		snap("register-contact")
		k.sess.reg.consent = true
		k.show(rf.stepOf(kindRegReview))
		snap("register-review")
		k.sess.reg.wipe()
	}

	if len(c.Articles) > 0 {
		k.show(&articlesScreen{k: k})
		snap("articles")
		k.sess.comment.article = c.Articles[0].ID
		k.show(&articleScreen{k: k})
		snap("article")
		k.sess.comment.text = "Que la buena administración incluya plazos claros para responder."
		k.show(k.commenting().stepOf(kindCommentText))
		snap("comment-text")
		k.sess.comment.wipe()
	}

	// What residents bring, when the campaign's central takes it.
	if c.AcceptsKind(string(record.KindProposal)) {
		if err := k.tourProposal(snap); err != nil {
			return err
		}
	}
	if c.AcceptsKind(string(record.KindEventProposal)) {
		k.tourOrganise(snap)
	}

	// Forgetting, failure and the technician's door.
	k.show(&homeScreen{k: k})
	k.askStillThere(k.now())
	snap("idle-prompt")
	k.forget()
	k.pending = &record.Draft{Kind: record.KindComment}
	k.show(&outOfServiceScreen{k: k})
	snap("out-of-service")
	k.pending = nil
	k.show(&notSetupScreen{k: k, reason: "setup.reason.enroll"})
	snap("not-set-up")
	k.show(&pinScreen{k: k})
	snap("tech-pin")
	k.show(&techMenu{k: k})
	snap("tech-menu")
	k.forget()
	return nil
}

// tourSigner walks the sample supporter through the signing flow f, one
// answer at a time: each step is shown once its answer is in, and then
// shown is called with the step's kind.
func (k *Kiosk) tourSigner(f *flow, kinds signKinds, s *signDraft, shown func(screenKind)) {
	for _, st := range []struct {
		kind screenKind
		give func()
	}{
		{kinds.name, func() { s.name = tourName }},
		{kinds.id, func() { s.voterID = tourVoterID }},
		{kinds.area, func() { s.area = "coyoacan" }},
		{kinds.consent, func() { s.consent = true }},
		{kinds.pad, func() { s.signature = sampleSignature() }},
	} {
		st.give()
		k.show(f.stepOf(st.kind))
		shown(st.kind)
	}
}

// sampleAnswer is a plausible answer to q.
func sampleAnswer(q *campaign.Question) campaign.Answer {
	switch q.Type {
	case campaign.TypeSingle:
		return campaign.Answer{Choice: q.Options[0].ID}
	case campaign.TypeMultiple:
		n := min(2, len(q.Options))
		if q.Max > 0 {
			n = min(n, q.Max)
		}
		var cs []string
		for _, o := range q.Options[:n] {
			cs = append(cs, o.ID)
		}
		return campaign.Answer{Choices: cs}
	case campaign.TypeAlcaldia:
		return campaign.Answer{Choice: "coyoacan"}
	case campaign.TypeScale, campaign.TypeNumber:
		x := float64((q.Min + q.Max + 1) / 2)
		return campaign.Answer{Number: &x}
	case campaign.TypeText:
		return campaign.Answer{Text: "Diversa"}
	}
	return campaign.Answer{}
}

// sampleSignature is a looping scrawl that passes stroke.Validate.
func sampleSignature() *stroke.Signature {
	s := &stroke.Signature{W: 900, H: 300}
	var st stroke.Stroke
	for i := 0; i <= 60; i++ {
		t := float64(i) / 60
		x := 0.12 + 0.7*t + 0.05*math.Sin(t*18)
		y := 0.5 + 0.22*math.Sin(t*11)*math.Cos(t*3)
		st = append(st, stroke.Point{X: float32(x), Y: float32(y), T: uint32(i * 16)})
	}
	s.Strokes = append(s.Strokes, st, stroke.Stroke{{X: 0.86, Y: 0.3, T: 1200}})
	return s
}
