package dashboard

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// testVoters are valid INE voter keys of three people.
var testVoters = []string{"GMVLMR80070509M100", "PRGNJN75120301H200", "LPZGRC90010109H300"}

func supportBy(t *testing.T, d *centraltest.Device, proposal string, voters ...string) {
	t.Helper()
	var recs [][]byte
	for _, v := range voters {
		recs = append(recs, d.Signature(t, proposal, v).Marshal())
	}
	for _, r := range d.Upload(t, recs).Results {
		if r.Status != protocol.Accepted {
			t.Fatalf("support not accepted: %+v", r)
		}
	}
}

var revRe = regexp.MustCompile(`name="rev" value="(\d+)"`)

// rev is the draft revision in a page's forms.
func rev(t *testing.T, p page) string {
	t.Helper()
	m := revRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no draft revision in the page:\n%s", p.body)
	}
	return m[1]
}

// section is the part of body from the element with id to the next
// element of the same tag's end, for asserting what a field shows.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element %q in the page:\n%s", id, body)
	}
	start := strings.LastIndex(body[:i], "<")
	tag := strings.Fields(body[start+1 : i])[0]
	end := strings.Index(body[i:], "</"+tag+">")
	return body[start : i+end]
}

func auditTrail(t *testing.T, s *site) []string {
	t.Helper()
	var out []string
	s.central.Store.EachAudit(context.Background(), func(e central.AuditEntry) error {
		out = append(out, e.Actor+" "+e.Action)
		return nil
	})
	return out
}

func TestAuthoringPublishesADraftAsTheNextVersion(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	admin, adminCSRF := s.signedIn(t, "alma", central.RoleAdmin)
	mod.get("/lang?to=es&back=/")

	if p := mod.get("/draft"); p.status != http.StatusOK || !strings.Contains(p.body, `id="draft-none"`) {
		t.Fatalf("draft page before a draft: %d\n%s", p.status, p.body)
	}
	if p := mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/draft?done=started" {
		t.Fatalf("start: %d %s", p.status, p.header.Get("Location"))
	}
	if p := mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}}); p.status != http.StatusConflict {
		t.Errorf("a second start over the open draft: %d", p.status)
	}
	c := campaignOf(t, s)
	draft := mod.get("/draft")

	// A new proposal without its English title: saved, and the form
	// points at the field.
	p := mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"proposal"}, "id": {""},
		"title.es": {"Azoteas verdes en Iztapalapa"}, "summary.es": {"Jardines en las azoteas."}, "summary.en": {"Rooftop gardens."},
		"theme": {c.Themes[0].ID}, "alcaldia": {"iztapalapa"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "id=azoteas-verdes-en-iztapalapa") {
		t.Fatalf("save a new proposal: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	form := mod.get(p.header.Get("Location"))
	title := section(t, form.body, "f-title")
	if !strings.Contains(title, "Falta el texto en inglés.") || !strings.Contains(title, `class="field invalid"`) ||
		!strings.Contains(title, `id="f-title-en" name="title.en" value="" lang="en" aria-invalid="true" aria-describedby="f-title-err"`) {
		t.Errorf("the title field does not show its problem:\n%s", title)
	}
	if summary := section(t, form.body, "f-summary"); strings.Contains(summary, "invalid") {
		t.Errorf("the summary field shows a problem it does not have:\n%s", summary)
	}
	overview := mod.get("/draft")
	if !strings.Contains(overview.body, `href="/draft/edit?id=azoteas-verdes-en-iztapalapa&amp;kind=proposal#f-title"`) {
		t.Errorf("the draft page does not link the problem to its field:\n%s", section(t, overview.body, "draft-problems"))
	}

	// The admin cannot publish it yet.
	confirm := admin.get("/draft/publish")
	if !strings.Contains(confirm.body, `id="publish-problems"`) || strings.Contains(confirm.body, `id="publish"`) {
		t.Errorf("the publish page offers to publish an invalid draft:\n%s", confirm.body)
	}
	if p := admin.post("/draft/publish", url.Values{"csrf": {adminCSRF}, "rev": {rev(t, mod.get("/draft"))}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/draft/publish" {
		t.Errorf("publishing an invalid draft: %d %s", p.status, p.header.Get("Location"))
	}
	if v, _ := s.central.Store.LatestCampaignVersion(ctx); v != 1 {
		t.Fatalf("an invalid draft was published as version %d", v)
	}

	// A form made from an older revision is refused, not merged.
	if p := mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"general"}, "title.es": {"x"}, "title.en": {"x"}}); p.status != http.StatusConflict {
		t.Errorf("an edit of an older revision: %d", p.status)
	}
	// An unreadable date is shown back, not saved.
	p = mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"event"}, "id": {""}, "title.es": {"Asamblea"}, "starts": {"mañana"}})
	if p.status != http.StatusBadRequest || !strings.Contains(section(t, p.body, "f-starts"), "Escriba la fecha y la hora completas.") {
		t.Errorf("an unreadable date: %d\n%s", p.status, p.body)
	}

	// Fix the title, add an assembly where it is signed.
	p = mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"proposal"}, "id": {"azoteas-verdes-en-iztapalapa"},
		"title.es": {"Azoteas verdes en Iztapalapa"}, "title.en": {"Green roofs in Iztapalapa"}, "summary.es": {"Jardines en las azoteas."}, "summary.en": {"Rooftop gardens."},
		"theme": {c.Themes[0].ID}, "alcaldia": {"iztapalapa"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("fix: %d\n%s", p.status, p.body)
	}
	form = mod.get(p.header.Get("Location"))
	p = mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"event"}, "id": {""},
		"title.es": {"Asamblea en Iztapalapa"}, "title.en": {"Assembly in Iztapalapa"}, "place.es": {"Utopía Meyehualco"}, "place.en": {"Utopía Meyehualco park"},
		"alcaldia": {"iztapalapa"}, "starts": {"2026-12-12T10:00"}, "ends": {"2026-12-12T13:00"}, "proposals[]": {"azoteas-verdes-en-iztapalapa"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("add an assembly: %d\n%s", p.status, p.body)
	}
	confirm = admin.get("/draft/publish")
	if strings.Contains(confirm.body, `id="publish-problems"`) || !strings.Contains(section(t, confirm.body, "publish-changes"), "Azoteas verdes en Iztapalapa") {
		t.Fatalf("publish page of a valid draft:\n%s", confirm.body)
	}
	p = admin.post("/draft/publish", url.Values{"csrf": {adminCSRF}, "rev": {rev(t, confirm)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/versions?published=2" {
		t.Fatalf("publish: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	got := s.central.NewDevice(t, record.ModeKiosk).FetchCampaign(t)
	e := got.Event("asamblea-en-iztapalapa")
	if got.Version != 2 || got.Proposal("azoteas-verdes-en-iztapalapa") == nil || e == nil || len(e.Proposals) != 1 ||
		!e.Starts.Equal(time.Date(2026, 12, 12, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("a device got version %d, event %+v", got.Version, e)
	}
	if _, err := s.central.Store.Draft(ctx); err == nil {
		t.Error("the published draft is still open")
	}

	// The history says who published and what changed.
	hist := mod.get("/versions?published=2")
	row := section(t, hist.body, "version-2")
	if !strings.Contains(hist.body, "Versión 2 publicada") || !strings.Contains(row, "alma") || !strings.Contains(row, "tablero") {
		t.Errorf("history row %s", row)
	}
	diff := mod.get("/versions/2")
	changes := section(t, diff.body, "version-changes")
	for _, want := range []string{"Propuesta</span> <strong>Azoteas verdes en Iztapalapa</strong>", "Asamblea</span> <strong>Asamblea en Iztapalapa</strong>", "nuevo"} {
		if !strings.Contains(changes, want) {
			t.Errorf("version 2 diff lacks %q:\n%s", want, changes)
		}
	}
	mod.get("/lang?to=en&back=/")
	if changes := section(t, mod.get("/versions/2").body, "version-changes"); !strings.Contains(changes, "Proposal</span> <strong>Green roofs in Iztapalapa</strong>") || !strings.Contains(changes, "added") {
		t.Errorf("version 2 diff in English:\n%s", changes)
	}
	log := strings.Join(auditTrail(t, s), "\n")
	for _, want := range []string{"mara draft-saved", "alma publish"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
}

func TestAProposalWithSupportsIsClosedNotRemoved(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	admin, adminCSRF := s.signedIn(t, "alma", central.RoleAdmin)
	kiosk := s.central.NewDevice(t, record.ModeKiosk)
	c := campaignOf(t, s)
	supported, unsupported := c.Proposals[0].ID, c.Proposals[1].ID
	supportBy(t, kiosk, supported, testVoters[0])

	// A draft from the version history.
	if p := mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("start: %d", p.status)
	}
	draft := mod.get("/draft")
	p := mod.post("/draft/remove", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"proposal"}, "id": {supported}})
	if p.status != http.StatusConflict || !strings.Contains(p.body, "tiene apoyos y no se puede quitar") {
		t.Fatalf("removing a supported proposal: %d\n%s", p.status, p.body)
	}
	if p := mod.post("/draft/remove", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"proposal"}, "id": {unsupported}}); p.status != http.StatusSeeOther {
		t.Fatalf("removing a proposal nobody supports: %d\n%s", p.status, p.body)
	}
	draft = mod.get("/draft")
	if p := mod.post("/draft/close", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "id": {supported}, "closed": {"yes"}}); p.status != http.StatusSeeOther {
		t.Fatalf("close: %d", p.status)
	}
	confirm := admin.get("/draft/publish")
	for _, want := range []string{"cerrada a nuevos apoyos", "quitado"} {
		if !strings.Contains(section(t, confirm.body, "publish-changes"), want) {
			t.Errorf("the publish page does not say %q:\n%s", want, confirm.body)
		}
	}
	if p := admin.post("/draft/publish", url.Values{"csrf": {adminCSRF}, "rev": {rev(t, confirm)}}); p.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", p.status, p.body)
	}
	got := kiosk.FetchCampaign(t)
	if !got.Proposal(supported).Closed || got.Proposal(unsupported) != nil {
		t.Errorf("version %d: closed %v, removed one present %v", got.Version, got.Proposal(supported).Closed, got.Proposal(unsupported) != nil)
	}
	// Its count is kept; a device holding the new version refuses new
	// supports for it.
	if st := s.central.Stats(t); st.Records != 1 {
		t.Errorf("records after closing: %d", st.Records)
	}
	kiosk.Campaign = got
	_, err := record.Build(func() *record.Draft {
		d := kiosk.Draft(record.KindSignature)
		d.SubjectID = supported
		return d
	}(), got, &kiosk.Keys, time.Now())
	var fe *record.FieldError
	if !errors.As(err, &fe) || fe.Reason != record.ReasonClosed {
		t.Errorf("a support of the closed proposal on a device: %v", err)
	}
}

func TestStaleDraftIsRebasedBeforePublishing(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	admin, adminCSRF := s.signedIn(t, "alma", central.RoleAdmin)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	draft := mod.get("/draft")
	mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"general"}, "title.es": {"Del tablero"}, "title.en": {"From the dashboard"}})
	// Meanwhile a file is published (central serve --campaign).
	file, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	file.Subtitle = campaign.Text{"es": "Subtítulo del archivo", "en": "The file's subtitle"}
	data, _ := campaign.Marshal(file)
	if _, _, err := s.central.Server.PublishFile(ctx, "campaign.json", data, false); err != nil {
		t.Fatal(err)
	}
	if p := mod.get("/draft"); !strings.Contains(section(t, p.body, "draft-stale"), "Subtítulo del archivo") {
		t.Errorf("the draft page does not show what the newer version changed:\n%s", p.body)
	}
	confirm := admin.get("/draft/publish")
	stale := section(t, confirm.body, "publish-stale")
	if !strings.Contains(stale, "Subtítulo del archivo") || strings.Contains(confirm.body, `id="publish"`) {
		t.Errorf("the publish page of a stale draft:\n%s", confirm.body)
	}
	if p := admin.post("/draft/publish", url.Values{"csrf": {adminCSRF}, "rev": {rev(t, mod.get("/draft"))}}); p.status != http.StatusConflict {
		t.Errorf("publishing a stale draft: %d", p.status)
	}
	// The author rebases after seeing it; then it publishes.
	confirm = mod.get("/draft")
	if p := mod.post("/draft/rebase", url.Values{"csrf": {modCSRF}, "rev": {rev(t, confirm)}}); p.status != http.StatusSeeOther {
		t.Fatalf("rebase: %d\n%s", p.status, p.body)
	}
	confirm = admin.get("/draft/publish")
	if p := admin.post("/draft/publish", url.Values{"csrf": {adminCSRF}, "rev": {rev(t, confirm)}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/versions?published=3" {
		t.Fatalf("publish after rebase: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
}

// TestTiersObligationsAndAnswersInTheDashboard: supports from several
// devices push a proposal over a small tier; it is owed; the response
// form points at a missing field; answered, it leaves the list and
// reaches devices with the next version.
func TestTiersObligationsAndAnswersInTheDashboard(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	c := campaignOf(t, s)
	c.Tiers = []campaign.Tier{
		{ID: campaign.TierAnswer, Signers: 2, Earns: campaign.Text{"es": "una respuesta por escrito", "en": "a written answer"}},
		{ID: campaign.TierMeeting, Signers: 5, Earns: campaign.Text{"es": "una reunión", "en": "a meeting"}},
	}
	data, _ := campaign.Marshal(c)
	if _, _, err := s.central.Server.Publish(ctx, "small tiers", data); err != nil {
		t.Fatal(err)
	}
	kiosk, canvasser := s.central.NewDevice(t, record.ModeKiosk), s.central.NewDevice(t, record.ModeCanvasser)
	p1 := c.Proposals[0].ID
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	admin, adminCSRF := s.signedIn(t, "alma", central.RoleAdmin)
	viewer, _ := s.signedIn(t, "vera", central.RoleViewer)

	supportBy(t, kiosk, p1, testVoters[0])
	if p := viewer.get("/obligations"); !strings.Contains(p.body, `id="owed-none"`) {
		t.Fatalf("one signer is owed something:\n%s", section(t, p.body, "owed"))
	}
	supportBy(t, canvasser, p1, testVoters[0], testVoters[1]) // the same person once more, and a new one
	page := viewer.get("/obligations")
	row := section(t, page.body, "owed-"+p1+"-answer")
	if !strings.Contains(row, "una respuesta por escrito") || !strings.Contains(row, "<td class=\"num\">2</td>") || strings.Contains(row, "Registrar") {
		t.Errorf("owed row for a viewer:\n%s", row)
	}
	tier := section(t, page.body, "tier-"+p1)
	if !strings.Contains(tier, "una respuesta por escrito") || !strings.Contains(tier, "una reunión") || !strings.Contains(tier, "<td class=\"num\">3</td>") {
		t.Errorf("tier row:\n%s", tier)
	}

	// The moderator answers; forgetting who signed is pointed at.
	form := mod.get("/obligations/answer?proposal=" + url.QueryEscape(p1) + "&tier=answer")
	if form.status != http.StatusOK {
		t.Fatalf("answer form: %d", form.status)
	}
	answer := url.Values{"csrf": {modCSRF}, "proposal": {p1}, "tier": {"answer"}, "date": {"2026-12-03"},
		"text.es": {"El Grupo Redactor incorpora la propuesta al artículo 11."}, "text.en": {"The Drafting Group adds the proposal to article 11."}}
	p := mod.post("/obligations/answer", answer)
	if p.status != http.StatusBadRequest || !strings.Contains(section(t, p.body, "f-signed_by"), "Diga quién firma la respuesta por escrito.") {
		t.Fatalf("an answer without who signed it: %d\n%s", p.status, p.body)
	}
	answer.Set("signed_by", "Grupo Redactor")
	if p := mod.post("/obligations/answer", answer); p.status != http.StatusSeeOther || p.header.Get("Location") != "/obligations?done=answered" {
		t.Fatalf("answer: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	page = admin.get("/obligations")
	if strings.Contains(page.body, `id="owed-`+p1+`-answer"`) {
		t.Error("the answered proposal is still on the obligations list")
	}
	if pending := section(t, page.body, "pending"); !strings.Contains(pending, "mara") {
		t.Errorf("pending responses:\n%s", pending)
	}
	if p := admin.post("/obligations/publish", url.Values{"csrf": {adminCSRF}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/versions?published=3" {
		t.Fatalf("publish answers: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	got := kiosk.FetchCampaign(t)
	if r := got.Proposal(p1).Response(campaign.TierAnswer); got.Version != 3 || r == nil || r.SignedBy != "Grupo Redactor" {
		t.Errorf("version %d response %+v", got.Version, r)
	}
	if p := admin.post("/obligations/publish", url.Values{"csrf": {adminCSRF}}); p.status != http.StatusConflict {
		t.Errorf("publishing no new answer: %d", p.status)
	}
	if page := admin.get("/obligations"); strings.Contains(page.body, `id="pending"`) {
		t.Error("published responses are still listed as pending")
	}
	log := strings.Join(auditTrail(t, s), "\n")
	for _, want := range []string{"mara response-saved", "alma publish"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
}

// TestAuthoringPagesAreValidHTML runs html-validate on every new page, in
// both languages, with and without problems shown.
func TestAuthoringPagesAreValidHTML(t *testing.T) {
	hv := newHTMLValidator(t)
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	admin, _ := s.signedIn(t, "alma", central.RoleAdmin)
	c := campaignOf(t, s)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	draft := mod.get("/draft")
	mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, draft)}, "kind": {"proposal"}, "title.es": {"Sin inglés"},
		"plain.es":   {strings.Repeat("palabra ", 30)},                                                                 // a plain summary's problem at its field too
		"tiers.id[]": {"", ""}, "tiers.signers[]": {"300", "200"}, "tiers.es[]": {"a", "b"}, "tiers.en[]": {"a", "b"}}) // and the proposal's own tiers
	save := func(name string, p page) { t.Helper(); hv.add(name, p, http.StatusOK) }
	for _, lang := range []string{"es", "en"} {
		mod.get("/lang?to=" + lang + "&back=/")
		admin.get("/lang?to=" + lang + "&back=/")
		for i, path := range []string{"/draft", "/draft/edit?kind=general", "/draft/edit?kind=privacy", "/draft/edit?kind=survey",
			"/draft/edit?kind=proposal&id=sin-ingles", "/draft/edit?kind=proposal", "/draft/edit?kind=event&id=" + c.Events[0].ID,
			"/draft/edit?kind=article&id=" + c.Articles[0].ID, "/draft/edit?kind=theme&id=" + c.Themes[0].ID,
			"/draft/edit?kind=question&id=" + c.Survey.Questions[0].ID, "/draft/edit?kind=question&id=" + c.Survey.Questions[2].ID, "/draft/edit?kind=question",
			"/versions", "/versions/1", "/obligations", "/obligations/answer?tier=answer&proposal=" + c.Proposals[0].ID,
			"/obligations/answer?tier=meeting&proposal=" + c.Proposals[0].ID} {
			save("mod-"+lang+"-"+strconv.Itoa(i), mod.get(path))
		}
		save("publish-"+lang, admin.get("/draft/publish"))
	}
	// Overtaken by a file: the draft and publish pages show what changed.
	file := campaignOf(t, s)
	file.Subtitle = campaign.Text{"es": "Otro subtítulo", "en": "Another subtitle"}
	data, _ := campaign.Marshal(file)
	if _, _, err := s.central.Server.PublishFile(context.Background(), "campaign.json", data, false); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"es", "en"} {
		mod.get("/lang?to=" + lang + "&back=/")
		admin.get("/lang?to=" + lang + "&back=/")
		save("stale-draft-"+lang, mod.get("/draft"))
		save("stale-publish-"+lang, admin.get("/draft/publish"))
	}
	hv.check()
}

func TestADraftStartsFromAnyEarlierVersion(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	file := campaignOf(t, s)
	file.Title["en"] = "Version two"
	data, _ := campaign.Marshal(file)
	if _, _, err := s.central.Server.PublishFile(ctx, "campaign.json", data, false); err != nil {
		t.Fatal(err)
	}
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"2"}})
	page := mod.get("/versions/1")
	if !strings.Contains(page.body, `id="draft-from-version"`) || !strings.Contains(page.body, `name="replace"`) {
		t.Fatalf("version 1 does not offer a draft over the open one:\n%s", page.body)
	}
	// Without saying which draft to drop, the open one stays.
	if p := mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}}); p.status != http.StatusConflict {
		t.Errorf("a draft over the open one, unasked: %d", p.status)
	}
	m := regexp.MustCompile(`name="replace" value="(\d+)"`).FindStringSubmatch(page.body)
	if p := mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}, "replace": {m[1]}}); p.status != http.StatusSeeOther {
		t.Fatalf("a draft from version 1: %d\n%s", p.status, p.body)
	}
	d, err := s.central.Store.Draft(ctx)
	if err != nil || d.Base != 1 {
		t.Fatalf("draft %+v, %v", d, err)
	}
	c, _ := central.ParseDraft(d)
	if c.Title["en"] == "Version two" {
		t.Error("the draft has version 2's title, not version 1's")
	}
	// It is behind version 2, which changed the content: publishing waits
	// for a rebase.
	if p := mod.get("/draft"); !strings.Contains(p.body, `id="draft-stale"`) {
		t.Error("a draft from an older version is not shown as overtaken")
	}
}

func TestSurveyQuestionsAreEditedOneByOne(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	survey := mod.get("/draft/edit?kind=survey")
	if !strings.Contains(section(t, survey.body, "survey-questions"), "add-question") {
		t.Fatalf("the survey form does not list its questions:\n%s", survey.body)
	}
	// A new single-choice question with one option so far: saved, and
	// the options field says what is missing.
	p := mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, survey)}, "kind": {"question"}, "id": {""},
		"type": {"single"}, "required": {"yes"}, "prompt.es": {"¿Usa la bicicleta?"}, "prompt.en": {"Do you ride a bike?"},
		"options.id[]": {"", ""}, "options.es[]": {"Sí", ""}, "options.en[]": {"Yes", ""}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "id=usa-la-bicicleta") {
		t.Fatalf("new question: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	form := mod.get(p.header.Get("Location"))
	if opts := section(t, form.body, "f-options"); !strings.Contains(opts, "necesita al menos 2 opciones") || !strings.Contains(opts, `value="si"`) {
		t.Errorf("the options field:\n%s", opts)
	}
	if n := strings.Count(section(t, mod.get("/draft/edit?kind=survey").body, "survey-questions"), "badge stale"); n != 1 {
		t.Errorf("the survey's question list marks %d questions with problems, want 1", n)
	}
	// A second option; the first keeps its id. Switched to text, the
	// options go and a length is asked for.
	p = mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"question"}, "id": {"usa-la-bicicleta"},
		"type": {"single"}, "prompt.es": {"¿Usa la bicicleta?"}, "prompt.en": {"Do you ride a bike?"},
		"options.id[]": {"si", ""}, "options.es[]": {"Sí", "No"}, "options.en[]": {"Yes", "No"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("second option: %d\n%s", p.status, p.body)
	}
	c, err := s.dash.draftCampaign(httptestRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	q := c.Question("usa-la-bicicleta")
	if q == nil || len(q.Options) != 2 || q.Options[0].ID != "si" || q.Options[1].ID != "no" || q.Required {
		t.Fatalf("question %+v", q)
	}
	if ps := draftProblems(c, central.Draft{Base: 1}); ps != nil {
		t.Errorf("problems left: %v", ps)
	}
	form = mod.get(p.header.Get("Location"))
	mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"question"}, "id": {"usa-la-bicicleta"},
		"type": {"text"}, "prompt.es": {"¿Usa la bicicleta?"}, "prompt.en": {"Do you ride a bike?"}, "max_length": {"200"},
		"options.id[]": {"si", "no"}, "options.es[]": {"Sí", "No"}, "options.en[]": {"Yes", "No"}})
	c, _ = s.dash.draftCampaign(httptestRequest(t))
	if q := c.Question("usa-la-bicicleta"); q.Type != campaign.TypeText || q.Options != nil || q.MaxLength != 200 {
		t.Errorf("switched to text: %+v", q)
	}
	// Removed from the survey.
	form = mod.get("/draft/edit?kind=survey")
	if p := mod.post("/draft/remove", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"question"}, "id": {"usa-la-bicicleta"}}); p.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", p.status)
	}
	c, _ = s.dash.draftCampaign(httptestRequest(t))
	if c.Question("usa-la-bicicleta") != nil {
		t.Error("the removed question is still in the draft")
	}
}

func httptestRequest(t *testing.T) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCampaignTiersAreEditedInTheGeneralForm(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	form := mod.get("/draft/edit?kind=general")
	c := campaignOf(t, s)
	// Lower the first tier below nothing sensible: the second tier is
	// then not above the one before, and the form says so at the field.
	p := mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"general"},
		"title.es": {c.Title["es"]}, "title.en": {c.Title["en"]}, "subtitle.es": {c.Subtitle["es"]}, "subtitle.en": {c.Subtitle["en"]},
		"tiers.id[]": {"answer", "meeting", "session", ""}, "tiers.signers[]": {"100", "100", "50000", "80000"},
		"tiers.es[]": {"una respuesta", "una reunión", "una sesión", "una mención en el dictamen"},
		"tiers.en[]": {"an answer", "a meeting", "a session", "a mention in the report"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("save tiers: %d\n%s", p.status, p.body)
	}
	form = mod.get(p.header.Get("Location"))
	if f := section(t, form.body, "f-tiers"); !strings.Contains(f, "$.tiers[1].signers") || !strings.Contains(f, "necesita más firmantes que el anterior") {
		t.Errorf("the tiers field:\n%s", f)
	}
	d, err := s.dash.draftCampaign(httptestRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tiers) != 4 || d.Tiers[0].Signers != 100 || d.Tiers[3].ID != "una-mencion-en-el-dictamen" {
		t.Errorf("tiers %+v", d.Tiers)
	}
	// A bad number is not saved.
	if p := mod.post("/draft/edit", url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"general"},
		"tiers.id[]": {"answer"}, "tiers.signers[]": {"mil"}, "tiers.es[]": {"x"}, "tiers.en[]": {"x"}}); p.status != http.StatusBadRequest {
		t.Errorf("a tier of %q signers: %d", "mil", p.status)
	}
}

// TestProblemWordsMatchTheValidator makes each problem the dashboard
// words in Spanish and checks the validator still says it the way the
// pattern expects.
func TestProblemWordsMatchTheValidator(t *testing.T) {
	base := func(t *testing.T) *campaign.Campaign {
		c, err := campaign.Parse("default", assets.DefaultCampaign)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	day := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	cases := map[string]func(c *campaign.Campaign){
		"problem.nospanish":  func(c *campaign.Campaign) { c.Proposals[0].Title = campaign.Text{"en": "x"} },
		"problem.noenglish":  func(c *campaign.Campaign) { c.Proposals[0].Title = campaign.Text{"es": "x"} },
		"problem.notext":     func(c *campaign.Campaign) { c.Proposals[0].Title = nil },
		"problem.notheme":    func(c *campaign.Campaign) { c.Proposals[0].Theme = "" },
		"problem.noalcaldia": func(c *campaign.Campaign) { c.Events[0].Alcaldia = "" },
		"problem.nonumber":   func(c *campaign.Campaign) { c.Articles[0].Number = "" },
		"problem.endsbefore": func(c *campaign.Campaign) { c.Events[0].Ends = c.Events[0].Starts },
		"problem.nostart":    func(c *campaign.Campaign) { c.Events[0].Starts = time.Time{} },
		"problem.noend":      func(c *campaign.Campaign) { c.Events[0].Ends = time.Time{} },
		"problem.threshold":  func(c *campaign.Campaign) { c.Tiers = nil; c.Proposals[0].Threshold = 0 },
		"problem.options": func(c *campaign.Campaign) {
			c.Survey.Questions[0] = campaign.Question{ID: "q", Type: campaign.TypeSingle, Prompt: campaign.Text{"es": "x", "en": "x"},
				Options: []campaign.Option{{ID: "a", Label: campaign.Text{"es": "a", "en": "a"}}}}
		},
		"problem.privacyversion": func(c *campaign.Campaign) { c.Privacy.Version = "" },
		"problem.tierorder":      func(c *campaign.Campaign) { c.Tiers[1].Signers = c.Tiers[0].Signers },
		"problem.tiersigners":    func(c *campaign.Campaign) { c.Tiers[0].Signers = 0 },
		"problem.noquestions":    func(c *campaign.Campaign) { c.Survey.Questions = nil },
		"problem.signedby": func(c *campaign.Campaign) {
			c.Proposals[0].Responses = []campaign.Response{{Tier: c.Tiers[0].ID, Date: day, Text: campaign.Text{"es": "x", "en": "x"}}}
		},
		"problem.noresponse": func(c *campaign.Campaign) {
			c.Proposals[0].Responses = []campaign.Response{{Tier: c.Tiers[0].ID, Date: day}}
		},
		"problem.nodate": func(c *campaign.Campaign) {
			c.Proposals[0].Responses = []campaign.Response{{Tier: c.Tiers[0].ID, Minute: campaign.Text{"es": "x", "en": "x"}}}
		},
		"problem.maxlength": func(c *campaign.Campaign) {
			c.Survey.Questions[0] = campaign.Question{ID: "q", Type: campaign.TypeText, Prompt: campaign.Text{"es": "x", "en": "x"}}
		},
		"problem.scale": func(c *campaign.Campaign) {
			c.Survey.Questions[0] = campaign.Question{ID: "q", Type: campaign.TypeScale, Prompt: campaign.Text{"es": "x", "en": "x"}, Min: 3, Max: 2,
				MinLabel: campaign.Text{"es": "x", "en": "x"}, MaxLabel: campaign.Text{"es": "x", "en": "x"}}
		},
	}
	for _, w := range problemWords {
		if _, ok := cases[w.id]; !ok {
			t.Errorf("no case makes %s", w.id)
		}
	}
	for id, breakIt := range cases {
		t.Run(id, func(t *testing.T) {
			c := base(t)
			breakIt(c)
			for _, p := range c.Problems() {
				if problemText(es, p.Problem) == es.T(id) {
					return
				}
			}
			t.Errorf("no problem is worded as %s; the validator says %v", id, c.Problems())
		})
	}
}

func TestTheLanguageSwitchComesBackToTheSameForm(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	id := campaignOf(t, s).Proposals[0].ID
	page := mod.get("/draft/edit?kind=proposal&id=" + id + "&done=saved")
	m := regexp.MustCompile(`class="lang" href="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("no language switch")
	}
	p := mod.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if want := "/draft/edit?id=" + id + "&kind=proposal"; p.status != http.StatusSeeOther || p.header.Get("Location") != want {
		t.Errorf("the switch goes to %d %q, want %q", p.status, p.header.Get("Location"), want)
	}
}
