package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/central"
)

// longSentence is one sentence of 25 words: five more than plain
// language takes.
var longSentence = strings.TrimSpace(strings.Repeat("palabra ", 24)) + " final."

func TestPlainSummariesAreEditedInTheProposalAndArticleForms(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	c := campaignOf(t, s)
	pr, ar := c.Proposals[0], c.Articles[0]

	form := mod.get("/draft/edit?kind=proposal&id=" + pr.ID)
	if f := section(t, form.body, "f-plain"); !strings.Contains(f, `name="plain.es"`) || !strings.Contains(f, `name="plain.en"`) ||
		!strings.Contains(f, "En lenguaje sencillo") || (pr.Plain["es"] != "" && !strings.Contains(f, pr.Plain["es"][:20])) {
		t.Errorf("the proposal form's plain summary field:\n%s", f)
	}
	fields := url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"proposal"}, "id": {pr.ID},
		"title.es": {pr.Title["es"]}, "title.en": {pr.Title["en"]}, "summary.es": {pr.Summary["es"]}, "summary.en": {pr.Summary["en"]},
		"theme": {pr.Theme}, "alcaldia": {pr.Alcaldia}, "threshold": {""},
		"plain.es": {"Una frase corta. " + longSentence}, "plain.en": {"A short sentence."}}
	p := mod.post("/draft/edit", fields)
	if p.status != http.StatusSeeOther {
		t.Fatalf("save the proposal: %d\n%s", p.status, p.body)
	}
	form = mod.get(p.header.Get("Location"))
	f := section(t, form.body, "f-plain")
	if !strings.Contains(f, `class="field invalid"`) || !strings.Contains(f, "Español: La oración 2 tiene 25 palabras") || !strings.Contains(f, `aria-invalid="true"`) {
		t.Errorf("the long sentence is not shown at the plain summary field:\n%s", f)
	}
	if strings.Contains(section(t, form.body, "f-summary"), "invalid") {
		t.Errorf("the summary field shows the plain summary's problem")
	}
	d, err := s.dash.draftCampaign(httptestRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Proposal(pr.ID).Plain; got["es"] != "Una frase corta. "+longSentence || got["en"] != "A short sentence." {
		t.Errorf("the draft's plain summary is %q", got)
	}

	// Too long in English, fixed in Spanish.
	fields.Set("rev", rev(t, form))
	fields.Set("plain.es", "Una frase corta.")
	fields.Set("plain.en", strings.Repeat("Short one. ", 60))
	p = mod.post("/draft/edit", fields)
	form = mod.get(p.header.Get("Location"))
	if f := section(t, form.body, "f-plain"); !strings.Contains(f, "Inglés: Tiene más de 600 caracteres.") || strings.Contains(f, "Español: ") {
		t.Errorf("the too long English summary at the field:\n%s", f)
	}
	// Emptied in both languages, the summary is gone (it is optional).
	fields.Set("rev", rev(t, form))
	fields.Set("plain.es", "")
	fields.Set("plain.en", " ")
	p = mod.post("/draft/edit", fields)
	form = mod.get(p.header.Get("Location"))
	if f := section(t, form.body, "f-plain"); strings.Contains(f, "invalid") {
		t.Errorf("an empty plain summary shows a problem:\n%s", f)
	}
	if d, err = s.dash.draftCampaign(httptestRequest(t)); err != nil || d.Proposal(pr.ID).Plain != nil {
		t.Errorf("the emptied plain summary is %q (%v)", d.Proposal(pr.ID).Plain, err)
	}

	// The article form, and the draft's changes name the field.
	form = mod.get("/draft/edit?kind=article&id=" + ar.ID)
	afields := url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"article"}, "id": {ar.ID},
		"number": {ar.Number}, "title.es": {ar.Title["es"]}, "title.en": {ar.Title["en"]},
		"text.es[]": paragraphs(ar.Text["es"]), "text.en[]": paragraphs(ar.Text["en"]),
		"plain.es": {"El artículo dice que el agua es de todos."}, "plain.en": {"The article says water belongs to everyone."}}
	if p := mod.post("/draft/edit", afields); p.status != http.StatusSeeOther {
		t.Fatalf("save the article: %d\n%s", p.status, p.body)
	}
	form = mod.get("/draft/edit?kind=article&id=" + ar.ID)
	if f := section(t, form.body, "f-plain"); !strings.Contains(f, "El artículo dice que el agua es de todos.") || strings.Contains(f, "invalid") {
		t.Errorf("the article form's plain summary:\n%s", f)
	}
	if d, err = s.dash.draftCampaign(httptestRequest(t)); err != nil || d.Article(ar.ID).Plain["en"] != "The article says water belongs to everyone." || d.Article(ar.ID).Text["es"] != ar.Text["es"] {
		t.Errorf("the draft's article: %+v (%v)", d.Article(ar.ID), err)
	}
	if ch := section(t, mod.get("/draft").body, "draft-changes"); !strings.Contains(ch, "En lenguaje sencillo") || !strings.Contains(ch, "El artículo dice que el agua es de todos.") {
		t.Errorf("the draft's changes do not show the plain summary:\n%s", ch)
	}
}

// TestPlainSummaryFormsInChromium runs axe-core over the proposal and
// article forms with a plain summary's problem at its field (and, on the
// proposal, one at its own tiers).
func TestPlainSummaryFormsInChromium(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	c := campaignOf(t, s)
	pr := c.Proposals[0]
	form := mod.get("/draft/edit?kind=proposal&id=" + pr.ID)
	mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"proposal"}, "id": {pr.ID},
		"title.es": {pr.Title["es"]}, "title.en": {pr.Title["en"]}, "summary.es": {pr.Summary["es"]}, "summary.en": {pr.Summary["en"]},
		"theme": {pr.Theme}, "alcaldia": {pr.Alcaldia}, "plain.es": {longSentence}, "plain.en": {"Short."},
		// and its own tiers out of order, so the tier rows show a problem too
		"tiers.id[]": {"", ""}, "tiers.signers[]": {"300", "200"}, "tiers.es[]": {"una respuesta", "una reunión"}, "tiers.en[]": {"an answer", "a meeting"}})
	signInModerator(t, ctx, s, "rita")
	for _, lang := range []string{"es", "en"} {
		for name, path := range map[string]string{"proposal": "/draft/edit?kind=proposal&id=" + pr.ID, "article": "/draft/edit?kind=article&id=" + c.Articles[0].ID} {
			err := chromedp.Do(ctx,
				chromedp.Navigate(s.srv.URL+"/lang?to="+lang+"&back="+url.QueryEscape(path)),
				chromedp.WaitVisible(chromedp.CSS("#f-plain-es")),
			)
			if err != nil {
				t.Fatalf("%s form: %v", name, err)
			}
			if name == "proposal" {
				if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#f-plain.invalid #f-plain-err p').length`)); err != nil || n != 1 {
					t.Errorf("%s: %d problems at the plain summary (%v)", lang, n, err)
				}
				if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#f-tiers.invalid #f-tiers-err p').length`)); err != nil || n != 1 {
					t.Errorf("%s: %d problems at the proposal's tiers (%v)", lang, n, err)
				}
			}
			axe.check(t, ctx, name+"-plain-"+lang)
		}
	}
}

// signInModerator makes a moderator who signs in with the test password
// (the moderator of signedIn has none) and signs the browser in.
func signInModerator(t *testing.T, ctx context.Context, s *site, name string) {
	t.Helper()
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.central.Store.CreateOperator(context.Background(), central.Operator{Name: name, PasswordHash: hash, Role: central.RoleModerator, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s.srv.URL, name)
}
