package dashboard

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// rollFixture is a site with ten supports of one proposal, checked
// against a roll: five verified, one registered outside the city, four
// not in the roll. The proposal's tiers are 5 and 7 verified supports.
type rollFixture struct {
	proposal string
	inRoll   []string                   // claves of the five verified signers, in order
	signers  map[[16]byte]record.Signer // by record id
	strokes  map[[16]byte][]byte
}

// Tier sizes of the fixture's proposal.
const (
	fixtureAnswer  = 5
	fixtureMeeting = 7
)

func newRollSite(t *testing.T) (*site, *rollFixture) {
	t.Helper()
	// The dashboard reads the roll key as `central serve` wires it, from
	// the data directory, once the import has made it.
	var dir string
	s := newSiteWith(t, Config{RollKey: func() ([]byte, error) { return central.LoadRollKey(dir, false) }})
	dir = s.central.Dir
	ctx := context.Background()
	camp, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	p := &camp.Proposals[0]
	p.Tiers = []campaign.Tier{
		{ID: campaign.TierAnswer, Signers: fixtureAnswer, Earns: campaign.Text{"es": "una respuesta por escrito", "en": "a written answer"}},
		{ID: campaign.TierMeeting, Signers: fixtureMeeting, Earns: campaign.Text{"es": "una reunión", "en": "a meeting"}},
	}
	data, err := campaign.Marshal(camp)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.central.Server.Publish(ctx, "small tiers", data); err != nil {
		t.Fatal(err)
	}
	f := &rollFixture{proposal: p.ID, signers: map[[16]byte]record.Signer{}, strokes: map[[16]byte][]byte{}}
	d := s.central.NewDevice(t, record.ModeCanvasser)
	rng := rand.New(rand.NewPCG(17, 4))
	var roll bytes.Buffer
	roll.WriteString("clave_elector,seccion,entidad,alcaldia\n")
	var recs [][]byte
	for i := range 10 {
		draft := d.Draft(record.KindSignature)
		draft.SubjectID = p.ID
		draft.Body.Signer.VoterID = centraltest.RandomINE(rng)
		draft.Body.Canvasser = []string{"beto", "carla"}[i/5]
		switch {
		case i < 5:
			fmt.Fprintf(&roll, "%s,%d,9,tlalpan\n", draft.Body.Signer.VoterID, 100+i)
			f.inRoll = append(f.inRoll, draft.Body.Signer.VoterID)
		case i == 5:
			fmt.Fprintf(&roll, "%s,%d,15,\n", draft.Body.Signer.VoterID, 100+i)
		}
		r := d.Seal(t, draft)
		f.signers[r.ID] = *draft.Body.Signer
		f.strokes[r.ID] = draft.Body.Strokes
		recs = append(recs, r.Marshal())
	}
	for i := range 40 { // voters who did not sign
		fmt.Fprintf(&roll, "%s,%d,9,coyoacan\n", centraltest.RandomINE(rng), 200+i)
	}
	if res := d.Upload(t, recs); len(res.Results) != len(recs) {
		t.Fatalf("upload: %+v", res)
	}
	file := filepath.Join(t.TempDir(), "roll.csv")
	if err := os.WriteFile(file, roll.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := central.ImportRoll(ctx, s.central.Store, central.RollImportOptions{DataDir: s.central.Dir, File: file, By: "tester"}); err != nil {
		t.Fatal(err)
	}
	key, err := central.LoadRollKey(s.central.Dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := central.CheckSupports(ctx, s.central.Store, s.central.Keys.SealPublic, s.central.Keys.SealPrivate, key); err != nil || n != 10 {
		t.Fatalf("checked %d supports (%v), want 10", n, err)
	}
	return s, f
}

// audited lists the audit log's entries of one action as "actor record".
func audited(t *testing.T, s *site, action string) []string {
	t.Helper()
	var out []string
	err := s.central.Store.EachAudit(context.Background(), func(e central.AuditEntry) error {
		if e.Action == action {
			out = append(out, e.Actor+" "+e.Details["record"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	reviewRecordRe = regexp.MustCompile(`id="review-record">([0-9a-f-]+)<`)
	reviewSigRe    = regexp.MustCompile(`id="review-signature" src="([^"]+)"`)
)

// TestReviewDeskShowsOneSupportAndRecordsDecisions walks the desk over
// HTTP as a data officer: the first support of the queue with its
// person's name, id, rendered signature, device and canvasser; the view
// audited; bad decisions refused; a decision recorded, audited and
// attributed; and the queue moving on.
func TestReviewDeskShowsOneSupportAndRecordsDecisions(t *testing.T) {
	s, f := newRollSite(t)
	ctx := context.Background()
	queue, err := s.central.Store.UnverifiedSupports(ctx, [16]byte{}, 10)
	if err != nil || len(queue) != 5 {
		t.Fatalf("queue %d (%v), want 5", len(queue), err)
	}
	officer, csrf := s.signedIn(t, "rosa", central.RoleDataOfficer)
	officer.get("/lang?to=en&back=/review")
	p := officer.get("/review")
	if p.status != http.StatusOK {
		t.Fatalf("GET /review: %d\n%s", p.status, p.body)
	}
	first := queue[0]
	id := central.RecordIDString(first.RecordID)
	signer := f.signers[first.RecordID]
	if m := reviewRecordRe.FindStringSubmatch(p.body); m == nil || m[1] != id {
		t.Fatalf("the desk shows record %v, want the queue's first, %s", m, id)
	}
	for _, want := range []string{signer.Name, signer.VoterID, "carla", `id="review-queue">5<`, en.T("roll.status." + first.Status)} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the desk does not show %q", want)
		}
	}
	m := reviewSigRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the desk shows no rendered signature:\n%s", p.body)
	}
	src, ok := strings.CutPrefix(html.UnescapeString(m[1]), "data:image/svg+xml;base64,")
	if !ok {
		t.Fatalf("the signature is %.40q…, not an SVG data URL", m[1])
	}
	svg, err := base64.StdEncoding.DecodeString(src)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := stroke.Decode(f.strokes[first.RecordID])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, sig.SVG()) {
		t.Error("the signature on the desk is not the strokes the person drew")
	}
	if got := audited(t, s, central.AuditSupportViewed); !slices.Equal(got, []string{"rosa " + id}) {
		t.Errorf("views audited %q, want rosa seeing %s", got, id)
	}
	if strings.Contains(s.logs.String(), signer.VoterID) || strings.Contains(s.logs.String(), signer.Name) {
		t.Error("the server log names the person on the desk")
	}
	for _, bad := range []url.Values{
		{"id": {id}, "choice": {"valid:signature-missing"}},
		{"id": {id}, "choice": {"maybe:other"}},
		{"id": {id}, "choice": {"invalid:other"}, "note": {" "}},
		{"id": {"not-a-record"}, "choice": {"valid:credential-shown"}},
	} {
		bad.Set("csrf", csrf)
		if p := officer.post("/review/decide", bad); p.status != http.StatusBadRequest {
			t.Errorf("decision %v: %d, want 400", bad, p.status)
		}
	}
	if got := audited(t, s, central.AuditSupportDecided); len(got) != 0 {
		t.Fatalf("refused decisions were audited: %q", got)
	}
	// The clave on the credential the signer showed, looked up in the
	// roll: the desk says what the roll says, for the same support.
	for clave, want := range map[string]string{
		strings.ToLower(f.inRoll[2]):                        en.T("review.lookup.verified", 102, "Tlalpan"),
		centraltest.RandomINE(rand.New(rand.NewPCG(99, 1))): en.T("review.lookup.not_in_roll"),
		"nonsense": en.T("review.lookup.bad"),
	} {
		p := officer.post("/review/lookup", url.Values{"csrf": {csrf}, "id": {id}, "clave": {clave}})
		if p.status != http.StatusOK || !strings.Contains(p.body, html.EscapeString(want)) || !strings.Contains(p.body, `id="review-record">`+id+"<") {
			t.Errorf("lookup of %q: %d, want %q on the same support", clave, p.status, want)
		}
	}
	if got := audited(t, s, central.AuditRollLookup); !slices.Equal(got, []string{"rosa " + id, "rosa " + id}) {
		t.Errorf("lookups audited %q, want rosa twice for %s (a clave that is not one is not looked up)", got, id)
	}
	p = officer.post("/review/decide", url.Values{"csrf": {csrf}, "id": {id}, "choice": {"invalid:obviously-false"}, "note": {"name is a cartoon"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, en.T("review.recorded", "invalid", en.T("review.reason.obviously-false"))) {
		t.Fatalf("decide: %d\n%s", p.status, p.body)
	}
	if m := reviewRecordRe.FindStringSubmatch(p.body); m == nil || m[1] != central.RecordIDString(queue[1].RecordID) {
		t.Errorf("after a decision the desk shows %v, want the next support %s", m, central.RecordIDString(queue[1].RecordID))
	}
	c, err := s.central.Store.SupportCheck(ctx, first.RecordID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != central.DecisionInvalid || c.Reason != "obviously-false" || c.Note != "name is a cartoon" || c.DecidedBy != "rosa" || c.DecidedAt.IsZero() {
		t.Errorf("decision stored as %+v", c)
	}
	if got := audited(t, s, central.AuditSupportDecided); !slices.Equal(got, []string{"rosa " + id}) {
		t.Errorf("decisions audited %q, want rosa deciding %s", got, id)
	}
	if !strings.Contains(p.body, `<td class="by">rosa</td>`) {
		t.Error("the desk's decisions do not say who decided")
	}
	// Skipping shows the one after; a named decided support can be
	// opened again, with its decision.
	next := central.RecordIDString(queue[1].RecordID)
	if p := officer.get("/review?after=" + next); !strings.Contains(p.body, `id="review-record">`+central.RecordIDString(queue[2].RecordID)+"<") {
		t.Errorf("skip after %s does not show %s", next, central.RecordIDString(queue[2].RecordID))
	}
	last := central.RecordIDString(queue[len(queue)-1].RecordID)
	if p := officer.get("/review?after=" + last); !strings.Contains(p.body, `id="review-record">`+next+"<") {
		t.Errorf("skipping the last support does not go back to the first undecided, %s", next)
	}
	if p := officer.get("/review?id=" + id); !strings.Contains(p.body, `id="review-decided-before"`) || !strings.Contains(p.body, "rosa") {
		t.Errorf("a decided support opened again does not show its decision:\n%s", p.body)
	}
	if p := officer.get("/review?id=0190d6c6-0000-7000-8000-000000000000"); p.status != http.StatusNotFound {
		t.Errorf("an unknown support: %d, want 404", p.status)
	}
	// Nobody but a data officer opens the desk, and nothing it holds
	// shows to them.
	for _, role := range []central.Role{central.RoleViewer, central.RoleModerator, central.RoleAdmin} {
		b, csrf := s.signedIn(t, "op-"+string(role), role)
		if p := b.get("/review"); p.status != http.StatusForbidden || strings.Contains(p.body, signer.VoterID) {
			t.Errorf("%s opening the desk: %d", role, p.status)
		}
		if p := b.post("/review/decide", url.Values{"csrf": {csrf}, "id": {id}, "choice": {"valid:credential-shown"}}); p.status != http.StatusForbidden {
			t.Errorf("%s deciding: %d", role, p.status)
		}
	}
	if got := audited(t, s, central.AuditSupportDecided); len(got) != 1 {
		t.Errorf("decisions audited after refused roles: %q", got)
	}
}

// TestRollCountsPage checks the counts every operator sees: verified next
// to raw, the share failing each check, and canvassers worst first.
func TestRollCountsPage(t *testing.T) {
	s, f := newRollSite(t)
	viewer, _ := s.signedIn(t, "vera", central.RoleViewer)
	viewer.get("/lang?to=en&back=/roll")
	p := viewer.get("/roll")
	if p.status != http.StatusOK {
		t.Fatalf("GET /roll: %d", p.status)
	}
	row := regexp.MustCompile(`(?s)<tr id="roll-proposals-` + regexp.QuoteMeta(f.proposal) + `">.*?</tr>`).FindString(p.body)
	for _, want := range []string{`<td class="num raw">10</td>`, `<td class="num checked">10</td>`, `<td class="num verified">5 <span class="note">(50.0 %)</span>`} {
		if !strings.Contains(row, want) {
			t.Errorf("proposal row lacks %s:\n%s", want, row)
		}
	}
	// carla collected the five that did not verify: she heads the list.
	canv := regexp.MustCompile(`(?s)<table class="list roll-shares" id="roll-canvassers">.*?</table>`).FindString(p.body)
	if i, j := strings.Index(canv, "carla"), strings.Index(canv, "beto"); i < 0 || j < 0 || i > j || !strings.Contains(canv, "100.0 %") {
		t.Errorf("canvassers not worst first:\n%s", canv)
	}
	for _, sig := range f.signers {
		if strings.Contains(p.body, sig.VoterID) || strings.Contains(p.body, sig.Name) {
			t.Fatal("the counts page shows a person's data")
		}
	}
	if !strings.Contains(p.body, `id="roll-queue">5<`) {
		t.Error("the counts page does not show the desk's queue")
	}
	pp := viewer.get("/proposals")
	card := regexp.MustCompile(`(?s)<section class="card proposal" id="proposal-` + regexp.QuoteMeta(f.proposal) + `">.*?</section>`).FindString(pp.body)
	if !strings.Contains(card, `<dd class="verified">5</dd>`) || !strings.Contains(card, `<dd class="supports">10</dd>`) ||
		!strings.Contains(card, en.T("proposals.progress.roll", "5", "5", "100.0 %")) {
		t.Errorf("proposal card without verified next to raw and progress by verified:\n%s", card)
	}
}

// tierState is what tiers say of the fixture's proposal: the tiers owed
// (crossed, no response yet) and the kiosk progress document's reached
// tier.
func tierState(t *testing.T, s *site, proposal string) (owed []string, reached int) {
	t.Helper()
	ctx := context.Background()
	obs, err := central.Obligations(ctx, s.central.Store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.Proposal == proposal {
			owed = append(owed, o.Tier)
		}
	}
	s.central.Server.ProgressTTL = 0 // build it now, from the counts as they are
	doc, _, _, err := s.central.Server.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Proposals {
		if p.ID == proposal {
			reached = p.Tier
		}
	}
	return owed, reached
}

// TestReviewPagesAreValidHTML runs html-validate (recommended preset), as
// TestEveryPageIsValidHTML does for the other pages, on the desk with a
// support and with decisions, and on the counts, in both languages.
func TestReviewPagesAreValidHTML(t *testing.T) {
	hv := newHTMLValidator(t)
	s, _ := newRollSite(t)
	officer, csrf := s.signedIn(t, "rosa", central.RoleDataOfficer)
	queue, err := s.central.Store.UnverifiedSupports(context.Background(), [16]byte{}, 1)
	if err != nil || len(queue) != 1 {
		t.Fatal(err)
	}
	save := func(name string, p page) { t.Helper(); hv.add(name, p, http.StatusOK) }
	for _, lang := range []string{"es", "en"} {
		officer.get("/lang?to=" + lang + "&back=/")
		save("review-"+lang, officer.get("/review"))
		save("roll-"+lang, officer.get("/roll"))
		save("proposals-"+lang, officer.get("/proposals"))
	}
	save("review-decided", officer.post("/review/decide", url.Values{"csrf": {csrf}, "id": {central.RecordIDString(queue[0].RecordID)},
		"choice": {"valid:credential-shown"}}))
	save("review-again", officer.get("/review?id="+central.RecordIDString(queue[0].RecordID)))
	hv.check()
}
