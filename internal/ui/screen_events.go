package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Registering for a Citizen Assembly: choose one, name, optional contact,
// privacy notice, review.
const regSteps = 4

func (k *Kiosk) regKicker(n int) func() string {
	return func() string { return k.F("reg.step", n, regSteps) }
}

// eventsScreen lists the assemblies that have not ended.
type eventsScreen struct {
	k     *Kiosk
	tiles []*widgets.Tile
	ids   []string
}

func (s *eventsScreen) kind() screenKind { return kindEvents }

func (s *eventsScreen) view() *view {
	k := s.k
	s.tiles, s.ids = nil, nil
	var objs []fyne.CanvasObject
	for _, e := range k.camp.UpcomingEvents(k.now()) {
		id := e.ID
		t := k.tile(k.text(e.Title), k.eventLine(&e), widgets.Arrow, k.sess.event == id, func() {
			if k.sess.event != id {
				k.sess.endRegistration()
				k.sess.event = id
			}
			k.show(k.regName())
		})
		s.tiles = append(s.tiles, t)
		s.ids = append(s.ids, id)
		objs = append(objs, t)
	}
	if len(objs) == 0 {
		objs = append(objs, para(k.T("events.none")))
	}
	return &view{
		title: k.T("events.title"),
		body:  container.NewBorder(para(k.T("events.help")), nil, nil, nil, k.scroll(container.NewVBox(objs...))),
		back:  func() { k.show(&homeScreen{k: k}) },
	}
}

// eventLine says when and where an assembly is.
func (k *Kiosk) eventLine(e *campaign.Event) string {
	l := k.lang()
	return l.Date(e.Starts) + ", " + l.Span(e.Starts, e.Ends) + "\n" + k.text(e.Place)
}

func (k *Kiosk) regName() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindRegName, layout: widgets.Text, max: record.MaxNameLen,
		words: words{kicker: k.regKicker(1), title: "reg.name.title", help: "reg.name.help"},
		get:   func() string { return s.regName },
		set:   func(v string) { s.regName = v },
		check: k.checkName,
		back:  func() { k.show(&eventsScreen{k: k}) },
		next:  func() { k.show(k.regContact()) },
	}
}

func (k *Kiosk) regContact() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindRegContact, layout: widgets.Text, max: record.MaxContactLen, skip: true,
		words: words{kicker: k.regKicker(2), title: "reg.contact.title", help: "reg.contact.help"},
		get:   func() string { return s.regContact },
		set:   func(v string) { s.regContact = v },
		check: func(v string) string {
			if len([]rune(v)) > record.MaxContactLen {
				return k.T("field.toolong")
			}
			return ""
		},
		back: func() { k.show(k.regName()) },
		next: func() { k.show(k.regConsent()) },
	}
}

func (k *Kiosk) regConsent() *consentStep {
	s := k.sess
	return &consentStep{
		k: k, sk: kindRegConsent,
		words: words{kicker: k.regKicker(3), title: "consent.title"},
		get:   func() bool { return s.regConsent },
		set:   func(v bool) { s.regConsent = v },
		back:  func() { k.show(k.regContact()) },
		next:  func() { k.show(k.regReview()) },
	}
}

func (k *Kiosk) regReview() *reviewStep {
	s := k.sess
	return &reviewStep{
		k: k, sk: kindRegReview,
		words: words{kicker: k.regKicker(4), title: "reg.review.title", help: "reg.review.help"},
		rows: func() []reviewRow {
			ev := ""
			if e := k.camp.Event(s.event); e != nil {
				ev = k.text(e.Title) + "\n" + k.eventLine(e)
			}
			contact := s.regContact
			if strings.TrimSpace(contact) == "" {
				contact = k.T("reg.review.nocontact")
			}
			return []reviewRow{
				{"reg.review.event", ev},
				{"reg.review.name", s.regName},
				{"reg.review.contact", contact},
			}
		},
		submit: "reg.submit",
		send: func() error {
			d := &record.Draft{
				Kind: record.KindEvent, SubjectID: s.event, Mode: k.mode,
				Body: record.Body{Registrant: &record.Registrant{
					Name:           strings.TrimSpace(s.regName),
					Contact:        strings.TrimSpace(s.regContact),
					ConsentVersion: consentVersion(s.regConsent, k.camp),
				}},
			}
			return k.submit(d, s.endRegistration)
		},
		back: func() { k.show(k.regConsent()) },
	}
}

// Commenting on a draft article: choose one, read it, comment, optionally
// sign the comment with a name and an alcaldía, review.
const commentSteps = 4

func (k *Kiosk) commentKicker(n int) func() string {
	return func() string { return k.F("comment.step", n, commentSteps) }
}

// articlesScreen lists the draft articles open for comment.
type articlesScreen struct {
	k     *Kiosk
	tiles []*widgets.Tile
	ids   []string
}

func (s *articlesScreen) kind() screenKind { return kindArticles }

func (s *articlesScreen) view() *view {
	k := s.k
	s.tiles, s.ids = nil, nil
	var objs []fyne.CanvasObject
	for _, a := range k.camp.Articles {
		id := a.ID
		t := k.tile(k.F("article.number", a.Number)+" — "+k.text(a.Title), "", widgets.Arrow, false, func() {
			if k.sess.article != id {
				k.sess.endComment()
				k.sess.article = id
			}
			k.show(&articleScreen{k: k})
		})
		s.tiles = append(s.tiles, t)
		s.ids = append(s.ids, id)
		objs = append(objs, t)
	}
	return &view{
		title: k.T("articles.title"),
		body:  container.NewBorder(para(k.T("articles.help")), nil, nil, nil, k.scroll(container.NewVBox(objs...))),
		back:  func() { k.show(&homeScreen{k: k}) },
	}
}

// articleScreen shows an article's text to read before commenting.
type articleScreen struct {
	k    *Kiosk
	text *widget.Label
}

func (s *articleScreen) kind() screenKind { return kindArticle }

func (s *articleScreen) view() *view {
	k := s.k
	a := k.camp.Article(k.sess.article)
	var paras []fyne.CanvasObject
	for _, p := range strings.Split(k.text(a.Text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, para(p))
		}
	}
	return &view{
		kicker: k.F("article.number", a.Number),
		title:  k.text(a.Title),
		body:   k.scroll(container.NewVBox(paras...)),
		back:   func() { k.show(&articlesScreen{k: k}) },
		next:   &action{label: k.T("article.comment"), run: func() { k.show(k.commentText()) }},
	}
}

func (k *Kiosk) commentText() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindCommentText, layout: widgets.Text, multi: true, max: record.MaxCommentLen,
		words: words{kicker: k.commentKicker(1), title: "comment.text.title", help: "comment.text.help"},
		get:   func() string { return s.commentText },
		set:   func(v string) { s.commentText = v },
		check: func(v string) string {
			switch {
			case strings.TrimSpace(v) == "":
				return k.T("field.required.comment")
			case len([]rune(v)) > record.MaxCommentLen:
				return k.T("field.toolong")
			}
			return ""
		},
		back: func() { k.show(&articleScreen{k: k}) },
		next: func() { k.show(k.commentName()) },
	}
}

func (k *Kiosk) commentName() *textStep {
	s := k.sess
	return &textStep{
		k: k, sk: kindCommentName, layout: widgets.Text, max: record.MaxNameLen, skip: true,
		words: words{kicker: k.commentKicker(2), title: "comment.name.title", help: "comment.name.help"},
		get:   func() string { return s.commentName },
		set:   func(v string) { s.commentName = v },
		check: func(v string) string {
			if len([]rune(v)) > record.MaxNameLen {
				return k.T("field.toolong")
			}
			return ""
		},
		back: func() { k.show(k.commentText()) },
		next: func() { k.show(k.commentArea()) },
	}
}

func (k *Kiosk) commentArea() *areaStep {
	s := k.sess
	return &areaStep{
		k: k, sk: kindCommentArea, optional: true,
		words: words{kicker: k.commentKicker(3), title: "comment.area.title", help: "comment.area.help"},
		get:   func() string { return s.commentArea },
		set:   func(v string) { s.commentArea = v },
		back:  func() { k.show(k.commentName()) },
		next:  func() { k.show(k.commentReview()) },
	}
}

func (k *Kiosk) commentReview() *reviewStep {
	s := k.sess
	return &reviewStep{
		k: k, sk: kindCommentRev,
		words: words{kicker: k.commentKicker(4), title: "comment.review.title", help: "comment.review.help"},
		rows: func() []reviewRow {
			art := ""
			if a := k.camp.Article(s.article); a != nil {
				art = k.F("article.number", a.Number) + " — " + k.text(a.Title)
			}
			name := s.commentName
			if strings.TrimSpace(name) == "" {
				name = k.T("comment.review.anonymous")
			}
			area := k.T("comment.review.noarea")
			if a, ok := campaign.AlcaldiaByID(s.commentArea); ok {
				area = a.Name
			}
			return []reviewRow{
				{"comment.review.article", art},
				{"comment.review.text", s.commentText},
				{"comment.review.name", name},
				{"comment.review.area", area},
			}
		},
		submit: "comment.submit",
		send: func() error {
			d := &record.Draft{
				Kind: record.KindComment, SubjectID: s.article, Mode: k.mode,
				Body: record.Body{Comment: &record.Comment{
					Text:     strings.TrimSpace(s.commentText),
					Name:     strings.TrimSpace(s.commentName),
					Alcaldia: s.commentArea,
				}},
			}
			return k.submit(d, s.endComment)
		},
		back: func() { k.show(k.commentArea()) },
	}
}
