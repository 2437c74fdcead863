package ui

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// The survey: an introduction, one step per question, and a review of
// every answer, from which a tap goes back to change one.

// surveyDraft is one person's answers.
type surveyDraft struct {
	answers campaign.Answers
}

func (d *surveyDraft) wipe() {
	clear(d.answers)
	d.answers = campaign.Answers{}
}

func (d *surveyDraft) dirty() bool { return len(d.answers) > 0 }

// surveying is the survey flow. Its kicker counts the questions; the
// review that follows them is not numbered.
func (k *Kiosk) surveying() *flow {
	d := &k.sess.survey
	qs := k.camp.Survey.Questions
	f := &flow{
		k: k, kicker: "survey.progress", counted: len(qs), draft: d,
		exit: func() { k.show(&surveyIntro{k: k}) },
	}
	for range qs {
		f.steps = append(f.steps, func(at stepAt) screen { return &questionScreen{k: k, at: at, d: d} })
	}
	f.steps = append(f.steps, func(at stepAt) screen { return &surveyReview{k: k, at: at, d: d} })
	f.submit = func() (*record.Draft, error) {
		answers := make(campaign.Answers, len(d.answers))
		for id, a := range d.answers {
			answers[id] = a
		}
		return &record.Draft{Kind: record.KindSurvey, Mode: k.mode, Body: record.Body{Answers: answers}}, nil
	}
	return f
}

// surveyIntro says what the survey is and that it is anonymous.
type surveyIntro struct{ k *Kiosk }

func (s *surveyIntro) kind() screenKind { return kindSurveyIntro }

func (s *surveyIntro) view() *view {
	k := s.k
	sv := &k.camp.Survey
	body := container.NewVBox(para(k.text(sv.Intro)))
	return &view{
		title: k.text(sv.Title),
		body:  k.scroll(body),
		back:  func() { k.show(&homeScreen{k: k}) },
		next:  &action{label: k.T("survey.begin"), run: func() { k.surveying().start() }},
	}
}

// questionScreen asks one survey question.
type questionScreen struct {
	k        *Kiosk
	at       stepAt // at.i is the question's index
	d        *surveyDraft
	toReview bool // came from the review: back and next go back there
	problem  string

	msg     message
	options []*widgets.Tile   // single, multiple, alcaldía
	scale   []*widgets.Button // scale
	input   *widgets.Entry    // text, number
	kb      *widgets.Keyboard // text, number
	counter *widget.Label     // text: characters used
}

func (s *questionScreen) kind() screenKind { return kindQuestion }

func (s *questionScreen) question() *campaign.Question { return &s.k.camp.Survey.Questions[s.at.i] }

func (s *questionScreen) view() *view {
	k := s.k
	q := s.question()
	n := len(k.camp.Survey.Questions)
	s.options, s.scale, s.input, s.kb, s.counter = nil, nil, nil, nil, nil
	s.msg = k.newMessage()
	need := k.T("survey.optional")
	if q.Required {
		need = k.T("survey.required")
	}
	v := &view{
		kicker: s.at.kicker() + " · " + need,
		title:  k.text(q.Prompt),
		back:   s.back,
		next:   &action{label: k.T("survey.next"), run: s.next},
	}
	if s.at.i == n-1 || s.toReview {
		v.next.label = k.T("survey.toreview")
	}
	var parts []fyne.CanvasObject
	if h := k.text(q.Help); h != "" {
		parts = append(parts, para(h))
	}
	switch q.Type {
	case campaign.TypeSingle, campaign.TypeMultiple:
		mark := widgets.Radio
		if q.Type == campaign.TypeMultiple {
			mark = widgets.Check
		}
		var tiles []fyne.CanvasObject
		for _, o := range q.Options {
			id := o.ID
			t := k.tile(k.text(o.Label), "", mark, s.chosen(id), func() { s.choose(id) })
			s.options = append(s.options, t)
			tiles = append(tiles, t)
		}
		cols := 1
		if len(tiles) > 4 {
			cols = 2
		}
		parts = append(parts, grid(cols, tiles...))
	case campaign.TypeAlcaldia:
		var tiles []fyne.CanvasObject
		for _, a := range campaign.Alcaldias {
			id := a.ID
			t := k.tile(a.Name, "", widgets.NoMark, s.chosen(id), func() { s.choose(id) })
			s.options = append(s.options, t)
			tiles = append(tiles, t)
		}
		parts = append(parts, grid(4, tiles...))
	case campaign.TypeScale:
		row := container.NewHBox()
		cur := s.answer().Number
		for x := q.Min; x <= q.Max; x++ {
			val := float64(x)
			b := k.button(strconv.Itoa(x), nil, func() { s.setNumber(val) })
			if cur != nil && *cur == val {
				b.Importance = widget.HighImportance
			}
			s.scale = append(s.scale, b)
			row.Add(widgets.AtLeast(b, fyne.NewSize(104, 88)))
		}
		lo, hi := widget.NewLabel(k.text(q.MinLabel)), widget.NewLabel(k.text(q.MaxLabel))
		ends := container.NewHBox(lo, layout.NewSpacer(), hi)
		parts = append(parts, container.NewCenter(container.NewVBox(row, ends)))
	case campaign.TypeNumber:
		text := ""
		if a := s.answer(); a.Number != nil {
			text = strconv.FormatFloat(*a.Number, 'f', -1, 64)
		}
		s.input = k.entry(text, k.F("survey.number.range", q.Min, q.Max), false, s.typedNumber)
		s.kb = k.keyboard(widgets.Digits, s.input)
		v.field = container.NewVBox(container.NewHBox(widgets.AtLeast(s.input, fyne.NewSize(420, fieldHeight))), s.msg)
		v.keyboard, v.focus = s.kb, s.input
	case campaign.TypeText:
		long := q.MaxLength > 60
		s.input = k.entry(s.answer().Text, k.T("survey.text.placeholder"), long, s.typedText)
		s.kb = k.keyboard(widgets.Text, s.input)
		s.counter = caption("")
		s.count()
		v.field = fieldBox(s.input, s.msg, s.counter)
		v.keyboard, v.focus = s.kb, s.input
	}
	if s.problem != "" {
		s.msg.fail(s.problem)
	}
	if v.keyboard != nil {
		v.body = container.NewVBox(parts...)
	} else {
		// The message stays in view under the options, however far they
		// scroll: "you can choose up to three" must be seen when the
		// fourth tap is refused.
		v.body = container.NewBorder(nil, s.msg, nil, nil, k.scroll(container.NewVBox(parts...)))
	}
	return v
}

func (s *questionScreen) answer() campaign.Answer { return s.d.answers[s.question().ID] }

func (s *questionScreen) setAnswer(a campaign.Answer) {
	id := s.question().ID
	if a.IsZero() {
		delete(s.d.answers, id)
	} else {
		s.d.answers[id] = a
	}
	s.problem = ""
	s.msg.clear()
}

func (s *questionScreen) chosen(id string) bool {
	a := s.answer()
	return a.Choice == id || slices.Contains(a.Choices, id)
}

func (s *questionScreen) choose(id string) {
	q := s.question()
	a := s.answer()
	if q.Type == campaign.TypeMultiple {
		if i := slices.Index(a.Choices, id); i >= 0 {
			a.Choices = slices.Delete(slices.Clone(a.Choices), i, i+1)
		} else {
			if q.Max > 0 && len(a.Choices) >= q.Max {
				s.msg.fail(s.k.lang().N("survey.multiple.max", q.Max))
				return
			}
			a.Choices = append(slices.Clone(a.Choices), id)
		}
	} else {
		a.Choice = id
	}
	s.setAnswer(a)
	for i, t := range s.options {
		var oid string
		if q.Type == campaign.TypeAlcaldia {
			oid = campaign.Alcaldias[i].ID
		} else {
			oid = q.Options[i].ID
		}
		t.SetSelected(s.chosen(oid))
	}
}

func (s *questionScreen) setNumber(x float64) {
	s.setAnswer(campaign.Answer{Number: &x})
	for i, b := range s.scale {
		if float64(s.question().Min+i) == x {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

func (s *questionScreen) typedNumber(text string) {
	q := s.question()
	text = strings.TrimSpace(strings.ReplaceAll(text, ",", "."))
	if text == "" {
		s.setAnswer(campaign.Answer{})
		return
	}
	x, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		delete(s.d.answers, q.ID)
		s.msg.fail(s.k.T("survey.number.notnumber"))
		return
	}
	s.setAnswer(campaign.Answer{Number: &x})
	if x < float64(q.Min) || x > float64(q.Max) {
		s.msg.fail(s.k.F("survey.number.range", q.Min, q.Max))
	}
}

func (s *questionScreen) typedText(text string) {
	s.setAnswer(campaign.Answer{Text: text})
	s.count()
	if n := utf8.RuneCountInString(text); n > s.question().MaxLength {
		s.msg.fail(s.k.lang().N("survey.text.toolong", s.question().MaxLength))
	}
}

func (s *questionScreen) count() {
	if s.counter == nil {
		return
	}
	n := utf8.RuneCountInString(s.answer().Text)
	s.counter.SetText(s.k.F("survey.text.count", n, s.question().MaxLength))
}

func (s *questionScreen) back() {
	if s.toReview {
		s.at.f.show(s.at.f.last())
		return
	}
	s.at.back()
}

// next checks the answer, then moves on. A required question without an
// answer says so and stays.
func (s *questionScreen) next() {
	k := s.k
	q := s.question()
	a, ok := s.d.answers[q.ID]
	if err := k.camp.Survey.CheckAnswer(q, a, ok); err != nil {
		s.problem = k.explain(err)
		s.msg.fail(s.problem)
		return
	}
	if s.toReview {
		s.at.f.show(s.at.f.last())
		return
	}
	if err := s.at.next(); err != nil {
		s.msg.fail(k.explain(err))
	}
}

// surveyReview lists every answer before sending; a tap on one goes back
// to change it.
type surveyReview struct {
	k    *Kiosk
	at   stepAt
	d    *surveyDraft
	rows []*widgets.Tile
	msg  message
}

func (s *surveyReview) kind() screenKind { return kindSurveyReview }

func (s *surveyReview) view() *view {
	k := s.k
	s.rows = nil
	s.msg = k.newMessage()
	var rows []fyne.CanvasObject
	for i := range k.camp.Survey.Questions {
		q := &k.camp.Survey.Questions[i]
		idx := i
		t := k.tile(k.text(q.Prompt), k.answerText(q, s.d.answers[q.ID]), widgets.Arrow, false, func() {
			s.question(idx, "")
		})
		// Question and answer on one line: the screen shows as many
		// answers as it has room for, not three.
		t.Inline = true
		s.rows = append(s.rows, t)
		rows = append(rows, t)
	}
	body := container.NewBorder(container.NewVBox(para(k.T("survey.review.text")), s.msg), nil, nil, nil,
		k.scroll(container.NewVBox(rows...)))
	return &view{
		title: k.T("survey.review.title"), readAll: true,
		body: body,
		back: s.at.back,
		next: &action{label: k.T("survey.submit"), run: s.submit},
	}
}

// question shows question i to change its answer, coming back here after,
// with problem already said.
func (s *surveyReview) question(i int, problem string) {
	q := s.at.f.step(i).(*questionScreen)
	q.toReview, q.problem = true, problem
	s.k.show(q)
}

func (s *surveyReview) submit() {
	k := s.k
	err := s.at.next()
	var ae *campaign.AnswerError
	if errors.As(err, &ae) {
		// Take the person to the question that needs them.
		if i := slices.IndexFunc(k.camp.Survey.Questions, func(q campaign.Question) bool { return q.ID == ae.QuestionID }); i >= 0 {
			s.question(i, k.explain(err))
			return
		}
	}
	if err != nil {
		s.msg.fail(k.explain(err))
	}
}

// answerText writes an answer for the review screen.
func (k *Kiosk) answerText(q *campaign.Question, a campaign.Answer) string {
	if a.IsZero() {
		return k.T("survey.review.none")
	}
	label := func(id string) string {
		for _, o := range q.Options {
			if o.ID == id {
				return k.text(o.Label)
			}
		}
		return id
	}
	switch q.Type {
	case campaign.TypeSingle:
		return label(a.Choice)
	case campaign.TypeMultiple:
		var ls []string
		for _, c := range a.Choices {
			ls = append(ls, label(c))
		}
		return strings.Join(ls, ", ")
	case campaign.TypeAlcaldia:
		if al, ok := campaign.AlcaldiaByID(a.Choice); ok {
			return al.Name
		}
	case campaign.TypeScale:
		if a.Number != nil {
			return k.F("survey.review.scale", int(*a.Number), q.Max)
		}
	case campaign.TypeNumber:
		if a.Number != nil {
			return strconv.FormatFloat(*a.Number, 'f', -1, 64)
		}
	case campaign.TypeText:
		return a.Text
	}
	return ""
}
