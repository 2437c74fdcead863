package dashboard

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// hostile is what a resident might type to make a moderator's browser
// run something: it must reach the page as text.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>`

// submitted uploads a proposal with the given title from d and files the
// queue, as the key worker of central serve does.
func submitted(t *testing.T, s *site, d *centraltest.Device, title string) (*record.Record, *record.Draft) {
	t.Helper()
	draft := d.Draft(record.KindProposal)
	draft.Body.Proposal.Title = title
	draft.Body.Proposal.Text = "Primera línea " + hostile + "\nSegunda línea"
	draft.Body.Proposal.Named = false
	r := d.Seal(t, draft)
	if res := d.Upload(t, [][]byte{r.Marshal()}).Results; res[0].Status != "accepted" {
		t.Fatalf("upload: %+v", res)
	}
	fileQueue(t, s)
	return r, draft
}

func fileQueue(t *testing.T, s *site) {
	t.Helper()
	if _, _, err := central.OpenSubmissions(context.Background(), s.central.Store, s.central.Keys.SealPublic, s.central.Keys.SealPrivate); err != nil {
		t.Fatal(err)
	}
}

func idOf(r *record.Record) string { return uuid.UUID(r.ID).String() }

// receiptSays checks a receipt code on the public page and returns the
// answer.
func receiptSays(t *testing.T, s *site, code string) string {
	t.Helper()
	b := s.browser(t)
	form := b.get("/receipt")
	p := b.post("/receipt", url.Values{"csrf": {b.csrf(form)}, "code": {code}})
	if p.status != http.StatusOK {
		t.Fatalf("POST /receipt = %d", p.status)
	}
	return p.body
}

func TestModerationDeskPages(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	c := campaignOf(t, s)
	toPublish, draft := submitted(t, s, d, "Bebederos "+hostile)
	toMerge, _ := submitted(t, s, d, "Agua para todos")
	toDecline, _ := submitted(t, s, d, "Otra cosa")
	if got := receiptSays(t, s, record.ReceiptCode(toPublish.ID)); !strings.Contains(got, es.T("receipt.st.pending")) {
		t.Errorf("a pending proposal's receipt does not say in review:\n%s", got)
	}

	b, csrf := s.signedIn(t, "mona", central.RoleModerator)
	q := b.get("/moderation")
	if q.status != http.StatusOK {
		t.Fatalf("GET /moderation = %d\n%s", q.status, q.body)
	}
	item := b.get("/moderation/item?id=" + idOf(toPublish))
	for name, p := range map[string]page{"queue": q, "item": item} {
		if strings.Contains(p.body, "<script>") || strings.Contains(p.body, "<img src=x") {
			t.Errorf("%s renders a resident's text as HTML", name)
		}
		if !strings.Contains(p.body, html.EscapeString("<script>alert(1)</script>")) {
			t.Errorf("%s does not show the resident's text as text", name)
		}
		for _, personal := range []string{draft.Body.Signer.Name, draft.Body.Signer.VoterID} {
			if strings.Contains(p.body, personal) {
				t.Errorf("%s shows the author's identity %q", name, personal)
			}
		}
	}
	for _, want := range []string{es.T("mod.reason.duplicate"), es.T("mod.reason.out_of_scope"), es.T("mod.reason.against_rights"),
		es.T("mod.reason.offensive"), es.T("mod.reason.personal_data")} {
		if !strings.Contains(item.body, html.EscapeString(want)) {
			t.Errorf("the submission page does not offer the reason %q", want)
		}
	}

	// Publish with an English title and text.
	p := b.post("/moderation/publish", url.Values{"csrf": {csrf}, "id": {idOf(toPublish)}, "title_es": {"Bebederos en cada parque"},
		"text_es": {"Un bebedero por parque."}, "title_en": {"Fountains in every park"}, "text_en": {"One fountain per park."},
		"theme": {c.Themes[0].ID}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", p.status, p.body)
	}
	// Merge into the campaign's first proposal; decline as out of scope.
	if p := b.post("/moderation/merge", url.Values{"csrf": {csrf}, "id": {idOf(toMerge)}, "target": {c.Proposals[0].ID}}); p.status != http.StatusSeeOther {
		t.Fatalf("merge: %d\n%s", p.status, p.body)
	}
	if p := b.post("/moderation/decline", url.Values{"csrf": {csrf}, "id": {idOf(toDecline)}, "reason": {central.DeclineOutOfScope}, "note": {"nota interna"}}); p.status != http.StatusSeeOther {
		t.Fatalf("decline: %d\n%s", p.status, p.body)
	}
	if p := b.post("/moderation/decline", url.Values{"csrf": {csrf}, "id": {idOf(toDecline)}, "reason": {central.DeclineOffensive}}); p.status != http.StatusConflict {
		t.Errorf("deciding twice: %d, want 409", p.status)
	}

	// The author's receipt says where each stands, nothing personal and
	// not the moderator's note.
	newest := campaignOf(t, s)
	for _, tc := range []struct {
		r    *record.Record
		want string
	}{
		{toPublish, es.T("receipt.st.published", "Bebederos en cada parque")},
		{toMerge, es.T("receipt.st.merged", newest.Proposals[0].Title.Get("es"))},
		{toDecline, es.T("receipt.st.declined", es.T("mod.reason.out_of_scope"))},
	} {
		got := receiptSays(t, s, record.ReceiptCode(tc.r.ID))
		if !strings.Contains(got, html.EscapeString(tc.want)) {
			t.Errorf("receipt of %s lacks %q:\n%s", tc.r.SubjectID, tc.want, got)
		}
		if strings.Contains(got, "nota interna") || strings.Contains(got, "mona") {
			t.Errorf("receipt of %s shows the moderator's note or name", tc.r.SubjectID)
		}
	}
	if newest.Proposal(toPublish.SubjectID) == nil {
		t.Error("the published proposal is not in the newest campaign version")
	}
	// The queue's filters: nothing pending is left; declined lists one.
	if p := b.get("/moderation"); !strings.Contains(p.body, es.T("mod.none")) {
		t.Errorf("pending queue after deciding everything:\n%s", p.body)
	}
	if p := b.get("/moderation?status=declined"); !strings.Contains(p.body, "Otra cosa") || strings.Contains(p.body, "Agua para todos") {
		t.Errorf("the declined filter lists the wrong submissions")
	}
}

func TestModerationFlagsADeviceSendingTooMuch(t *testing.T) {
	s := newSite(t)
	s.central.Node.Moderation().AbuseThreshold = 3
	spam := s.central.NewDevice(t, record.ModeKiosk)
	quiet := s.central.NewDevice(t, record.ModeKiosk)
	for range 3 {
		submitted(t, s, spam, "Lo mismo otra vez")
	}
	submitted(t, s, quiet, "Una sola")
	b, _ := s.signedIn(t, "mona", central.RoleModerator)
	q := b.get("/moderation")
	if !strings.Contains(q.body, `id="mod-flagged"`) || !strings.Contains(q.body, spam.ID) || strings.Contains(q.body, `device=`+quiet.ID) {
		t.Errorf("the desk does not flag exactly the device that sent too much:\n%s", q.body)
	}
	if n := strings.Count(q.body, es.T("mod.flag.row")); n != 3 {
		t.Errorf("%d rows flagged, want the spamming device's 3", n)
	}
	admin := s.browser(t)
	admin.mustLogin()
	f := admin.get("/fleet")
	if !strings.Contains(f.body, html.EscapeString(es.T("fleet.flagged", 3))) {
		t.Errorf("the fleet page does not flag the device:\n%s", f.body)
	}
}

func TestModerationPagesAndBulkActions(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	var recs [][]byte
	var all []*record.Record
	for i := range ModerationPage + 5 {
		dr := d.Draft(record.KindProposal)
		dr.Body.Proposal.Title = "Propuesta número " + strconv.Itoa(i)
		r := d.Seal(t, dr)
		recs, all = append(recs, r.Marshal()), append(all, r)
	}
	unopened := d.Record(t, record.KindEventProposal)
	d.Upload(t, recs)
	fileQueue(t, s)
	d.Upload(t, [][]byte{unopened.Marshal()})
	if got := receiptSays(t, s, record.ReceiptCode(unopened.ID)); !strings.Contains(got, es.T("receipt.st.unopened")) {
		t.Errorf("a submission not opened yet does not say so on its receipt:\n%s", got)
	}

	b, csrf := s.signedIn(t, "mona", central.RoleModerator)
	first := b.get("/moderation").body
	if !strings.Contains(first, es.T("mod.total", int64(ModerationPage+5))) || !strings.Contains(first, es.T("mod.page", 1, 2)) ||
		strings.Count(first, `name="id"`) != ModerationPage {
		t.Fatalf("the first page does not list %d of %d with a pager", ModerationPage, ModerationPage+5)
	}
	second := b.get("/moderation?page=2").body
	if strings.Count(second, `name="id"`) != 5 || !strings.Contains(second, "número "+strconv.Itoa(ModerationPage+4)) {
		t.Errorf("the second page does not list the last 5")
	}

	// Ticking two and declining them at once; two more published as written.
	form := url.Values{"csrf": {csrf}, "action": {"decline"}, "reason": {central.DeclineDuplicate}, "id": {idOf(all[0]), idOf(all[1])}}
	if p := b.post("/moderation/bulk", form); p.status != http.StatusSeeOther {
		t.Fatalf("bulk decline: %d\n%s", p.status, p.body)
	}
	form = url.Values{"csrf": {csrf}, "action": {"publish"}, "id": {idOf(all[2]), idOf(all[3])}}
	if p := b.post("/moderation/bulk", form); p.status != http.StatusSeeOther {
		t.Fatalf("bulk publish: %d\n%s", p.status, p.body)
	}
	c := campaignOf(t, s)
	for i, r := range all[:4] {
		sub, err := s.central.Store.Submission(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := central.SubmissionDeclined
		if i >= 2 {
			want = central.SubmissionPublished
			if p := c.Proposal(r.SubjectID); p == nil || p.Title["en"] != p.Title["es"] || !sub.NeedsTranslation {
				t.Errorf("a proposal published as written: %+v, needs translation %v; want the original in both languages, marked", p, sub.NeedsTranslation)
			}
		}
		if sub.Status != want || sub.DecidedBy != "mona" {
			t.Errorf("submission %d: %s by %q, want %s by mona", i, sub.Status, sub.DecidedBy, want)
		}
	}
	if p := b.post("/moderation/bulk", url.Values{"csrf": {csrf}, "action": {"decline"}, "reason": {"boring"}, "id": {idOf(all[4])}}); p.status != http.StatusBadRequest {
		t.Errorf("a reason not on the list: %d, want 400", p.status)
	}
	if p := b.post("/moderation/bulk", url.Values{"csrf": {csrf}, "action": {"publish"}}); p.status != http.StatusBadRequest {
		t.Errorf("nothing ticked: %d, want 400", p.status)
	}
	// The filters: declined ones, and only proposals about one alcaldía.
	if p := b.get("/moderation?status=declined"); strings.Count(p.body, "número ") != 2 {
		t.Errorf("the declined filter lists %d", strings.Count(p.body, "número "))
	}
}

// TestModerationPublishesACanvassersAssembly: a canvasser opens an
// assembly on the spot and collects 10 signatures under it; the desk
// shows the assembly (not who organised it) with its 10 supports, and
// publishing it puts it in the campaign under its own id.
func TestModerationPublishesACanvassersAssembly(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeCanvasser)
	dr := d.Draft(record.KindEventProposal)
	dr.Body.Assembly.Title = "Asamblea en el mercado " + hostile
	a := d.Seal(t, dr)
	recs := [][]byte{a.Marshal()}
	target := campaignOf(t, s).Proposals[2].ID
	for range 10 {
		recs = append(recs, d.SignatureAt(t, target, a.SubjectID).Marshal())
	}
	for _, res := range d.Upload(t, recs).Results {
		if res.Status != "accepted" {
			t.Fatalf("upload: %+v", res)
		}
	}
	fileQueue(t, s)
	b, csrf := s.signedIn(t, "mona", central.RoleModerator)
	item := b.get("/moderation/item?id=" + idOf(a))
	if !strings.Contains(item.body, `id="sub-supports">10<`) {
		t.Errorf("the assembly's page does not show its 10 supports:\n%s", item.body)
	}
	for _, personal := range []string{dr.Body.Assembly.Organiser, dr.Body.Assembly.Contact} {
		if strings.Contains(item.body, personal) {
			t.Errorf("the assembly's page shows its organiser's %q", personal)
		}
	}
	if strings.Contains(item.body, "<script>") {
		t.Error("the assembly's title is rendered as HTML")
	}
	if p := b.post("/moderation/publish", url.Values{"csrf": {csrf}, "id": {idOf(a)}, "title_es": {"Asamblea en el mercado"}}); p.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", p.status, p.body)
	}
	e := campaignOf(t, s).Event(a.SubjectID)
	if e == nil || e.Title["es"] != "Asamblea en el mercado" || !e.Starts.Equal(dr.Body.Assembly.Starts) || e.Alcaldia != dr.Body.Assembly.Alcaldia {
		t.Fatalf("the published event is %+v", e)
	}
	if n, err := s.central.Store.EventSupports(context.Background(), e.ID); err != nil || n != 10 {
		t.Errorf("supports under the published event: %d, %v; want 10", n, err)
	}
}

// TestEveryKindHasALabel: the overview, the ARCO desk and the quarantine
// list name kinds from the catalogue, new ones included.
func TestEveryKindHasALabel(t *testing.T) {
	for _, k := range record.Kinds {
		for _, l := range []lang{es, en} {
			if id := "kind." + string(k); l.T(id) == id {
				t.Errorf("%s has no %s label", k, l)
			}
		}
	}
}
