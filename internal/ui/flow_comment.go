package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Commenting on a draft article: choose one, read it, then comment,
// optionally sign the comment with a name and an alcaldía, review.

// commentDraft is one comment and its author.
type commentDraft struct {
	article string // article id
	text    string
	name    string
	area    string // alcaldía id; "" for none
}

func (d *commentDraft) wipe() { *d = commentDraft{} }

func (d *commentDraft) dirty() bool { return d.text != "" || d.name != "" || d.area != "" }

// commenting is the comment flow for the article in the draft.
func (k *Kiosk) commenting() *flow {
	d := &k.sess.comment
	return &flow{
		k: k, kicker: "comment.step", draft: d,
		exit: func() { k.show(&articleScreen{k: k}) },
		steps: []func(stepAt) screen{
			func(at stepAt) screen {
				return &textStep{
					k: k, sk: kindCommentText, layout: widgets.Text, multi: true, max: record.MaxCommentLen,
					words: words{kicker: at.kicker, title: "comment.text.title", help: "comment.text.help"},
					get:   func() string { return d.text },
					set:   func(v string) { d.text = v },
					check: k.required("field.required.comment"),
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen {
				return &textStep{
					k: k, sk: kindCommentName, layout: widgets.Text, max: record.MaxNameLen, skip: true,
					words: words{kicker: at.kicker, title: "comment.name.title", help: "comment.name.help"},
					get:   func() string { return d.name },
					set:   func(v string) { d.name = v },
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen {
				return &areaStep{
					k: k, sk: kindCommentArea, optional: true,
					words: words{kicker: at.kicker, title: "comment.area.title", help: "comment.area.help"},
					get:   func() string { return d.area },
					set:   func(v string) { d.area = v },
					back:  at.back, next: at.next,
				}
			},
			func(at stepAt) screen { return k.commentReview(at, d) },
		},
		submit: func() (*record.Draft, error) {
			return &record.Draft{
				Kind: record.KindComment, SubjectID: d.article, Mode: k.mode,
				Body: record.Body{Comment: &record.Comment{
					Text:     strings.TrimSpace(d.text),
					Name:     strings.TrimSpace(d.name),
					Alcaldia: d.area,
				}},
			}, nil
		},
	}
}

func (k *Kiosk) commentReview(at stepAt, d *commentDraft) *reviewStep {
	return &reviewStep{
		k: k, sk: kindCommentRev, at: at,
		words: words{kicker: at.kicker, title: "comment.review.title", help: "comment.review.help"},
		rows: func() []reviewRow {
			art := ""
			if a := k.camp.Article(d.article); a != nil {
				art = k.F("article.number", a.Number) + " — " + k.text(a.Title)
			}
			name := d.name
			if strings.TrimSpace(name) == "" {
				name = k.T("comment.review.anonymous")
			}
			area := k.T("comment.review.noarea")
			if a, ok := campaign.AlcaldiaByID(d.area); ok {
				area = a.Name
			}
			return []reviewRow{
				{"comment.review.article", art, ""},
				{"comment.review.text", d.text, kindCommentText},
				{"comment.review.name", name, kindCommentName},
				{"comment.review.area", area, kindCommentArea},
			}
		},
		submit: "comment.submit",
		send:   at.next,
		back:   at.back,
	}
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
			if k.sess.comment.article != id {
				k.sess.comment.wipe()
				k.sess.comment.article = id
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

// articleScreen shows an article's text to read before commenting; its
// next starts the comment.
type articleScreen struct {
	k    *Kiosk
	full bool // the full text is open under the plain summary
}

func (s *articleScreen) kind() screenKind { return kindArticle }

func (s *articleScreen) view() *view {
	k := s.k
	a := k.camp.Article(k.sess.comment.article)
	paras := k.plainFirst(a.Plain, &s.full, func() []fyne.CanvasObject {
		var paras []fyne.CanvasObject
		for _, p := range strings.Split(k.text(a.Text), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				paras = append(paras, para(p))
			}
		}
		return paras
	})
	return &view{
		kicker: k.F("article.number", a.Number),
		title:  k.text(a.Title),
		body:   k.scroll(container.NewVBox(paras...)),
		back:   func() { k.show(&articlesScreen{k: k}) },
		next:   &action{label: k.T("article.comment"), run: func() { k.commenting().start() }},
	}
}
