package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// answered publishes a version where the first proposal needs 15,000
// supports for a written answer and has the Drafting Group's answer, and
// applies it at the attract screen.
func answered(t *testing.T, r *rig) *campaign.Proposal {
	t.Helper()
	publish(t, r, func(c *campaign.Campaign) {
		p := &c.Proposals[0]
		p.Threshold = 15_000
		p.Responses = []campaign.Response{sampleResponse(time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC))}
	})
	r.tick(campaignEvery)
	if r.k.camp.Version != 2 {
		t.Fatalf("the kiosk holds version %d", r.k.camp.Version)
	}
	return &r.k.camp.Proposals[0]
}

func TestProposalPageShowsTheAnswerTierAndCityWideCount(t *testing.T) {
	for _, tc := range []struct {
		lang              i18n.Lang
		count, head, meta string
	}{
		{i18n.Spanish, "12,480 apoyos en toda la ciudad · faltan 2,520 para una respuesta por escrito del Grupo Redactor",
			"Respuesta del Grupo Redactor", "18 de noviembre de 2026 · firmada por Mtra. Clara Jusidman"},
		{i18n.English, "12,480 supports across the city · 2,520 more for a written answer from the Drafting Group",
			"The Drafting Group's answer", "18 November 2026 · signed by Mtra. Clara Jusidman"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			r := newRig(t, Config{Lang: tc.lang})
			p := answered(t, r)
			receiveProgress(t, r, progressDoc(r, 1, testNow.Add(-time.Minute), p.ID, 12_480), testNow)
			r.begin(tc.lang)
			r.tapText(tc.lang.T("home.proposals"))
			r.tapText(p.Title.Get(string(tc.lang)))
			s := screenAs[*proposalScreen](r)
			if got := s.count.Text; got != tc.count {
				t.Errorf("count line %q\nwant %q", got, tc.count)
			}
			if s.asOf != nil || s.uncounted != nil {
				t.Errorf("a fresh count with nothing pending shows %v / %v", s.asOf, s.uncounted)
			}
			if len(s.answers) != 1 || s.answers[0].Text != p.Responses[0].Text.Get(string(tc.lang)) {
				t.Fatalf("answers %v", s.answers)
			}
			on := textsOn(r.k.win.Canvas())
			for _, want := range []string{tc.head, tc.meta} {
				if _, ok := on[want]; !ok {
					t.Errorf("the page does not show %q", want)
				}
			}
			if strings.Contains(s.count.Text, "5,000") {
				t.Error("the page shows the campaign's tier, not the proposal's own 15,000")
			}
		})
	}
}

func TestProposalPageShowsTheTierReached(t *testing.T) {
	r := newRig(t, Config{})
	p := &r.k.camp.Proposals[1] // the campaign's tiers: 5,000, 10,000, 50,000
	receiveProgress(t, r, progressDoc(r, 1, testNow, p.ID, 10_250), testNow)
	r.begin(i18n.Spanish)
	r.k.show(&proposalScreen{k: r.k, id: p.ID})
	s := screenAs[*proposalScreen](r)
	if want := "10,250 apoyos en toda la ciudad · faltan 39,750 para una presentación en una sesión del Grupo Redactor"; s.count.Text != want {
		t.Errorf("count %q\nwant %q", s.count.Text, want)
	}
	if _, ok := textsOn(r.k.win.Canvas())["Ya logró una reunión con tres integrantes del Grupo Redactor."]; !ok {
		t.Error("the tier reached is not shown")
	}
}

func TestOfflineDeviceSaysWhenTheCountIsFrom(t *testing.T) {
	r := newRig(t, Config{})
	p := &r.k.camp.Proposals[0]
	counted := time.Date(2026, 11, 19, 14, 5, 0, 0, testNow.Location())
	receiveProgress(t, r, progressDoc(r, 1, counted, p.ID, 300), counted.Add(30*time.Second))
	r.begin(i18n.Spanish)
	r.k.show(&proposalScreen{k: r.k, id: p.ID})
	s := screenAs[*proposalScreen](r)
	if s.asOf == nil || s.asOf.Text != "al 19 de noviembre, 14:05" {
		t.Fatalf("as-of line %v", s.asOf)
	}
	if !strings.HasPrefix(s.count.Text, "300 apoyos en toda la ciudad") {
		t.Errorf("the last signed count is not kept: %q", s.count.Text)
	}
	r.k.SetLang(i18n.English)
	s = screenAs[*proposalScreen](r)
	if s.asOf == nil || s.asOf.Text != "as of 19 November, 14:05" {
		t.Fatalf("as-of line in English %v", s.asOf)
	}

	// Back online: a new document a minute old needs no date.
	receiveProgress(t, r, progressDoc(r, 2, testNow.Add(-time.Minute), p.ID, 310), testNow)
	r.k.render()
	s = screenAs[*proposalScreen](r)
	if s.asOf != nil {
		t.Errorf("a fresh count says %q", s.asOf.Text)
	}
}

// TestThisKiosksSupportsAreAddedOnce follows a device's supports through
// syncing: every support is counted exactly once, in central's count or
// in the "not counted yet" line, at every moment.
func TestThisKiosksSupportsAreAddedOnce(t *testing.T) {
	r := newRig(t, Config{})
	ctx := context.Background()
	p := &r.k.camp.Proposals[0]
	r.begin(i18n.Spanish)
	look := func() (city int64, apart int, line string) {
		t.Helper()
		r.k.show(&proposalScreen{k: r.k, id: p.ID})
		s := screenAs[*proposalScreen](r)
		cc := r.k.cityCountOf(ctx, p)
		if s.uncounted != nil {
			line = s.uncounted.Text
		}
		return cc.Signers, cc.Uncounted.Total(), line
	}

	// 40 people signed elsewhere; one here, already uploaded and counted.
	first := addSupports(t, r, p.ID, 1)
	if err := r.dev.Store.MarkSynced(ctx, first...); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Minute)
	receiveProgress(t, r, progressDoc(r, 1, r.clock.Now(), p.ID, 41), r.clock.Now())
	r.clock.Advance(time.Minute)
	// Three more here, not uploaded yet.
	pending := addSupports(t, r, p.ID, 3)
	city, apart, line := look()
	if city != 41 || apart != 3 || line != "+ 3 de este módulo, aún sin enviar" {
		t.Fatalf("before upload: %d + %d, %q", city, apart, line)
	}

	// Two are uploaded; the document held was counted before them.
	r.clock.Advance(time.Minute)
	if err := r.dev.Store.MarkSynced(ctx, pending[:2]...); err != nil {
		t.Fatal(err)
	}
	city, apart, line = look()
	if city != 41 || apart != 3 || line != "+ 3 de este módulo, aún sin contar" {
		t.Fatalf("uploaded, not counted yet: %d + %d, %q", city, apart, line)
	}

	// Central's next count has them.
	r.clock.Advance(time.Minute)
	receiveProgress(t, r, progressDoc(r, 2, r.clock.Now(), p.ID, 43), r.clock.Now())
	city, apart, line = look()
	if city != 43 || apart != 1 || line != "+ 1 de este módulo, aún sin enviar" {
		t.Fatalf("counted: %d + %d, %q", city, apart, line)
	}

	// The last one goes up and is counted.
	r.clock.Advance(time.Minute)
	if err := r.dev.Store.MarkSynced(ctx, pending[2]); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Minute)
	receiveProgress(t, r, progressDoc(r, 3, r.clock.Now(), p.ID, 44), r.clock.Now())
	city, apart, line = look()
	if city != 44 || apart != 0 || line != "" {
		t.Fatalf("all counted: %d + %d, %q", city, apart, line)
	}
}

func TestForgedOrReplayedProgressIsNotShown(t *testing.T) {
	r := newRig(t, Config{})
	p := &r.k.camp.Proposals[0]
	r.begin(i18n.Spanish)
	count := func() string {
		r.k.show(&proposalScreen{k: r.k, id: p.ID})
		return screenAs[*proposalScreen](r).count.Text
	}
	here := i18n.Spanish.N("proposal.here", 0)

	writeProgress(t, r, progressDoc(r, 9, testNow, p.ID, 99_999), otherKey(t), testNow)
	if got := count(); got != here {
		t.Fatalf("a forged first document is shown: %q", got)
	}

	receiveProgress(t, r, progressDoc(r, 10, testNow, p.ID, 500), testNow)
	if got := count(); !strings.HasPrefix(got, "500 ") {
		t.Fatalf("the genuine document is not shown: %q", got)
	}
	for name, write := range map[string]func(){
		"forged": func() {
			writeProgress(t, r, progressDoc(r, 11, testNow, p.ID, 99_999), otherKey(t), testNow)
		},
		"replayed older": func() {
			writeProgress(t, r, progressDoc(r, 5, testNow, p.ID, 20), r.dev.ServerKey, testNow)
		},
		"for another campaign": func() {
			doc := progressDoc(r, 12, testNow, p.ID, 99_999)
			doc.CampaignID = "otra-campana"
			writeProgress(t, r, doc, r.dev.ServerKey, testNow)
		},
	} {
		write()
		if got := count(); !strings.HasPrefix(got, "500 ") {
			t.Errorf("%s document: the page shows %q, want the last genuine count", name, got)
		}
	}
}

func TestProposalPageOffersThePlainSummaryFirst(t *testing.T) {
	r := newRig(t, Config{})
	p := &r.k.camp.Proposals[0]
	r.begin(i18n.Spanish)
	r.k.show(&proposalScreen{k: r.k, id: p.ID})
	labels := labelsIn(screenAs[*proposalScreen](r).k.fr.v.body)
	if len(labels) < 2 || labels[0] != "En pocas palabras" || labels[1] != p.Plain.Get("es") {
		t.Fatalf("the page starts with %q", labels[:min(2, len(labels))])
	}
	if slices.Contains(labels, p.Summary.Get("es")) {
		t.Fatal("the full text shows before it is asked for")
	}
	r.tapText("Leer el texto completo")
	labels = labelsIn(r.k.fr.v.body)
	if labels[1] != p.Plain.Get("es") || !slices.Contains(labels, p.Summary.Get("es")) {
		t.Fatalf("after the tap: %q", labels)
	}
	r.k.SetLang(i18n.English)
	labels = labelsIn(r.k.fr.v.body)
	if labels[0] != "In plain words" || !slices.Contains(labels, p.Summary.Get("en")) {
		t.Fatalf("in English, the open full text closed: %q", labels)
	}

	t.Run("an article too", func(t *testing.T) {
		a := &r.k.camp.Articles[0]
		r.k.sess.comment.article = a.ID
		r.k.show(&articleScreen{k: r.k})
		labels := labelsIn(r.k.fr.v.body)
		if labels[0] != "In plain words" || labels[1] != a.Plain.Get("en") || len(labels) != 2 {
			t.Fatalf("article page %q", labels)
		}
		r.tapText("Read the full text")
		if labels := labelsIn(r.k.fr.v.body); len(labels) < 6 {
			t.Fatalf("the full article did not open: %q", labels)
		}
	})

	t.Run("without one, the full text as before", func(t *testing.T) {
		r := newRig(t, Config{})
		publish(t, r, func(c *campaign.Campaign) { c.Proposals[0].Plain = nil })
		r.tick(campaignEvery)
		r.begin(i18n.Spanish)
		r.k.show(&proposalScreen{k: r.k, id: p.ID})
		if labels := labelsIn(r.k.fr.v.body); labels[0] != p.Summary.Get("es") {
			t.Fatalf("page starts with %q", labels[0])
		}
	})
}

// labelsIn lists the texts of the labels under o, in order.
func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				visit(c)
			}
		case *widgets.Scroller:
			visit(w.Content)
		}
	}
	visit(o)
	return out
}

func TestAttractRotatesAnsweredThisWeek(t *testing.T) {
	r := newRig(t, Config{})
	publish(t, r, func(c *campaign.Campaign) {
		c.Proposals[3].Responses = []campaign.Response{sampleResponse(testNow.Add(-48 * time.Hour))}
		c.Proposals[5].Responses = []campaign.Response{sampleResponse(testNow.AddDate(0, 0, -8))}
	})
	r.tick(campaignEvery)
	a := screenAs[*attractScreen](r)
	var answered []string
	for _, h := range a.items {
		if h.kind == "attract.answered" {
			answered = append(answered, h.title.Get("es"))
		}
	}
	if want := []string{r.k.camp.Proposals[3].Title.Get("es")}; !slices.Equal(answered, want) {
		t.Fatalf("answered this week %q, want %q", answered, want)
	}
	if a.hlKind.Text != "Respondida esta semana" || a.hlTitle.Text != answered[0] {
		t.Fatalf("the attract screen opens on %q %q", a.hlKind.Text, a.hlTitle.Text)
	}
	r.tick(rotateEvery)
	if a.hlKind.Text == "Respondida esta semana" {
		t.Fatal("the rotation stays on the answer")
	}
}

// TestNewVersionShowsOnlyAfterThePersonFinishes publishes, while someone
// browses, a version with a new proposal and an answer: neither shows
// until that person times out. An answer published in a later version
// then appears on the proposal's page, again at the next person.
func TestNewVersionShowsOnlyAfterThePersonFinishes(t *testing.T) {
	r := newRig(t, Config{Idle: time.Minute, Countdown: 10 * time.Second})
	r.begin(i18n.Spanish)
	r.tapText(i18n.Spanish.T("home.proposals"))
	r.expect(kindBrowse)
	newTitle := "Huertos urbanos en las azoteas"
	v2 := publish(t, r, func(c *campaign.Campaign) {
		c.Proposals = append([]campaign.Proposal{{
			ID: "huertos-urbanos", Theme: c.Proposals[0].Theme,
			Title:   campaign.Text{"es": newTitle, "en": "Urban gardens on rooftops"},
			Summary: campaign.Text{"es": "Apoyar huertos en azoteas de escuelas y mercados.", "en": "Support gardens on the roofs of schools and markets."},
		}}, c.Proposals...)
		c.Proposals[1].Responses = []campaign.Response{sampleResponse(testNow.Add(-time.Hour))}
	})
	for range 3 {
		r.tick(campaignEvery)
		r.k.Touch() // still browsing
	}
	if r.k.camp.Version == v2.Version {
		t.Fatal("the new version was applied in the middle of a session")
	}
	if _, ok := textsOn(r.k.win.Canvas())[newTitle+"\n"+r.k.proposalLine(&v2.Proposals[0])]; ok {
		t.Fatal("the new proposal shows to the person browsing")
	}
	// The person leaves: "are you still there?", then forgetting.
	r.tick(time.Minute)
	r.tick(10 * time.Second)
	r.expect(kindAttract)
	if r.k.camp.Version != v2.Version {
		t.Fatalf("at attract the kiosk holds version %d, want %d", r.k.camp.Version, v2.Version)
	}
	r.begin(i18n.Spanish)
	r.tapText(i18n.Spanish.T("home.proposals"))
	r.tapText(newTitle)
	r.expect(kindProposal)
	r.k.show(&proposalScreen{k: r.k, id: v2.Proposals[1].ID})
	if s := screenAs[*proposalScreen](r); len(s.answers) != 1 {
		t.Fatalf("the answer of version %d is not on the page", v2.Version)
	}

	// A later version answers the new proposal.
	r.k.show(&proposalScreen{k: r.k, id: "huertos-urbanos"})
	v3 := publish(t, r, func(c *campaign.Campaign) {
		c.Proposals[0].Responses = []campaign.Response{{
			Tier: campaign.TierAnswer, Date: testNow, SignedBy: "Grupo Redactor",
			Text: campaign.Text{"es": "Se incluyó en el artículo 13.", "en": "It was included in article 13."},
		}}
	})
	r.tick(campaignEvery)
	if s := screenAs[*proposalScreen](r); len(s.answers) != 0 {
		t.Fatal("the answer appeared in the middle of a session")
	}
	test.Tap(r.k.fr.start)
	r.expect(kindAttract)
	if r.k.camp.Version != v3.Version {
		t.Fatalf("version %d at attract, want %d", r.k.camp.Version, v3.Version)
	}
	r.begin(i18n.Spanish)
	r.tapText(i18n.Spanish.T("home.proposals"))
	r.tapText(newTitle)
	s := screenAs[*proposalScreen](r)
	if len(s.answers) != 1 || s.answers[0].Text != "Se incluyó en el artículo 13." {
		t.Fatalf("answers on the page %v", s.answers)
	}
}

func TestClosedProposalShowsClosedWithoutASignButton(t *testing.T) {
	r := newRig(t, Config{})
	publish(t, r, func(c *campaign.Campaign) {
		c.Proposals[2].Closed = true
		c.Proposals[2].Responses = []campaign.Response{sampleResponse(testNow.Add(-time.Hour))}
	})
	r.tick(campaignEvery)
	p := &r.k.camp.Proposals[2]
	for _, h := range screenAs[*attractScreen](r).items {
		if h.kind == "attract.proposal" && h.title.Get("es") == p.Title.Get("es") {
			t.Fatal("the attract screen invites people to support a closed proposal")
		}
	}
	receiveProgress(t, r, progressDoc(r, 1, testNow, p.ID, 7_000), testNow)
	r.begin(i18n.Spanish)
	r.tapText(i18n.Spanish.T("home.proposals"))
	if _, ok := textsOn(r.k.win.Canvas())[p.Title.Get("es")+"\n"+"Buen gobierno y transparencia · Toda la Ciudad · Con respuesta · Cerrada"]; !ok {
		t.Errorf("the list does not mark it closed: %v", r.k.proposalLine(p))
	}
	r.tapText(p.Title.Get("es"))
	s := screenAs[*proposalScreen](r)
	if r.k.fr.next != nil {
		t.Fatalf("a closed proposal offers %q", r.k.fr.next.Text)
	}
	if s.closed == nil || s.closed.Text != "Esta propuesta ya no recibe apoyos. Los que reunió siguen contando." {
		t.Fatalf("closed notice %v", s.closed)
	}
	if !strings.HasPrefix(s.count.Text, "7,000 apoyos en toda la ciudad") || len(s.answers) != 1 {
		t.Fatalf("its count and answer are not kept: %q, %d answers", s.count.Text, len(s.answers))
	}
	r.k.show(&proposalScreen{k: r.k, id: r.k.camp.Proposals[0].ID})
	if r.k.fr.next == nil || r.k.fr.next.Text != "Apoyar esta propuesta" {
		t.Fatal("an open proposal lost its sign button")
	}
}

func TestCanvasserIsNotOfferedClosedProposals(t *testing.T) {
	c := defaultCampaign(t)
	c.Proposals[1].Closed = true
	for _, event := range []string{"", c.Events[0].ID} {
		e := c.Event(event)
		if e != nil {
			e.Proposals = []string{c.Proposals[0].ID, c.Proposals[1].ID}
		}
		got := eventProposals(c, event)
		if len(got) == 0 || slices.ContainsFunc(got, func(p campaign.Proposal) bool { return p.Closed }) {
			t.Errorf("event %q offers %d proposals, a closed one among them", event, len(got))
		}
		if e != nil && (len(got) != 1 || got[0].ID != c.Proposals[0].ID) {
			t.Errorf("event %q offers %v", event, got)
		}
	}
}
