package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/roll"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// fateStatus is the status central must file for each fieldsim fate.
var fateStatus = map[fieldsim.Fate]string{
	fieldsim.FateVerified:     central.StatusVerified,
	fieldsim.FateOutsideCity:  central.StatusOutsideCity,
	fieldsim.FateNotInRoll:    central.StatusNotInRoll,
	fieldsim.FateNotCheckable: central.StatusNotCheckable,
	fieldsim.FateDuplicate:    central.StatusDuplicate,
}

// rollWorld is a store holding a fieldsim population's supports, sealed
// to a campaign key, with the roll file that matches them.
type rollWorld struct {
	dir        string // data directory: the roll key
	rollFile   string
	pub, priv  *[32]byte
	pop        *fieldsim.Population
	sigs       []fieldsim.RollSignature
	ids        [][16]byte // record id of each of sigs
	canvassers []string   // canvasser of each of sigs
}

func newRollWorld(t *testing.T, s central.OperationsStore, people int, opt fieldsim.RollOptions) *rollWorld {
	t.Helper()
	c, err := campaign.Parse("default campaign", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := record.NewCampaignKey()
	if err != nil {
		t.Fatal(err)
	}
	w := &rollWorld{dir: t.TempDir(), pub: pub, priv: priv, pop: fieldsim.NewPopulation(7, people, opt)}
	w.rollFile = filepath.Join(w.dir, "roll.csv")
	w.writeRoll(t, w.pop)
	first, second := fieldsim.New(c, record.ModeKiosk, 11).PopulationSignatures(w.pop)
	Enrolled(t, s, "dev-a", record.ModeKiosk)
	Enrolled(t, s, "dev-b", record.ModeKiosk)
	// Seconds come from another device, after the firsts: their record
	// ids (UUIDv7) are later, so they are the duplicates.
	for devIdx, list := range [][]fieldsim.RollSignature{first, second} {
		device := []string{"dev-a", "dev-b"}[devIdx]
		var batch []central.Incoming
		for i, sig := range list {
			canvasser := []string{"ana", "beto", "carla"}[len(w.sigs)%3]
			in := sealedSignature(t, sig.Draft, device, uint64(i+1), canvasser, pub)
			batch = append(batch, in)
			w.sigs, w.ids, w.canvassers = append(w.sigs, sig), append(w.ids, in.Record.ID), append(w.canvassers, canvasser)
		}
		if len(batch) > 0 {
			ingest(t, s, Base, device, batch...)
		}
	}
	return w
}

func (w *rollWorld) writeRoll(t *testing.T, pop *fieldsim.Population) {
	t.Helper()
	var b bytes.Buffer
	if err := pop.WriteRoll(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.rollFile, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func sealedSignature(t *testing.T, d *record.Draft, device string, seq uint64, canvasser string, pub *[32]byte) central.Incoming {
	t.Helper()
	in := Incoming(t, Rec{Device: device, Seq: seq, Subject: d.SubjectID, Alcaldia: d.Body.Signer.Alcaldia})
	r := in.Record
	r.SignerIndex = record.BlindIndex(dedupeKey, voterid.Normalize(d.Body.Signer.VoterID), d.SubjectID)
	body := d.Body
	body.Canvasser = canvasser
	sealed, err := record.SealBody(&body, pub)
	if err != nil {
		t.Fatal(err)
	}
	r.Body = sealed
	in.Data = r.Marshal()
	in.Hash = sha256.Sum256(in.Data)
	return in
}

func (w *rollWorld) importRoll(t *testing.T, s central.OperationsStore) central.RollImport {
	t.Helper()
	res, err := central.ImportRoll(context.Background(), s, central.RollImportOptions{DataDir: w.dir, File: w.rollFile, By: "tester",
		Now: func() time.Time { return Base }})
	if err != nil {
		t.Fatal(err)
	}
	return res.Import
}

func (w *rollWorld) check(t *testing.T, s central.OperationsStore) (checked, changed int) {
	t.Helper()
	key, err := central.LoadRollKey(w.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	checked, changed, err = central.CheckSupports(context.Background(), s, w.pub, w.priv, key)
	if err != nil {
		t.Fatal(err)
	}
	return checked, changed
}

// testRollClassification checks every support of a fieldsim population
// against what fieldsim knows of each signer, then the counts.
func testRollClassification(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newRollWorld(t, s, 400, fieldsim.RollOptions{Missing: 0.15, Outside: 0.1, Twice: 0.1, CURP: 0.15, Extra: 300})
	if n, _, err := central.CheckSupports(ctx, s, w.pub, w.priv, make([]byte, central.RollKeySize)); err != nil || n != 0 {
		t.Fatalf("checked %d supports with no roll imported (%v), want 0", n, err)
	}
	signers, err := s.SignerCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tc, basis, err := central.TierCounts(ctx, s); err != nil || basis != central.TierBasisSigners || !maps.Equal(tc, signers) {
		t.Fatalf("tier counts with no roll: %v %q %v; want the unique signers %v", tc, basis, err, signers)
	}
	imp := w.importRoll(t, s)
	if n, _ := w.check(t, s); n != len(w.sigs) {
		t.Fatalf("checked %d supports, want all %d", n, len(w.sigs))
	}
	if n, _ := w.check(t, s); n != 0 {
		t.Fatalf("a second pass checked %d supports, want 0 (each is checked once per roll)", n)
	}
	want := map[string]int64{}
	notVerified := map[string]int64{}
	for i, sig := range w.sigs {
		c, err := s.SupportCheck(ctx, w.ids[i])
		if err != nil {
			t.Fatal(err)
		}
		status := fateStatus[sig.Want]
		if c.Status != status || c.RollID != imp.ID {
			t.Errorf("support %d of signer %d (%+v): filed %q under roll %d, want %q under %d",
				i, sig.Signer, w.pop.Signers[sig.Signer], c.Status, c.RollID, status, imp.ID)
		}
		if c.Canvasser != w.canvassers[i] || c.SubjectID != sig.Draft.SubjectID {
			t.Errorf("support %d filed with canvasser %q, subject %q; want %q, %q", i, c.Canvasser, c.SubjectID, w.canvassers[i], sig.Draft.SubjectID)
		}
		want[status]++
		if status != central.StatusVerified {
			notVerified[w.canvassers[i]]++
		}
	}
	for _, f := range []fieldsim.Fate{fieldsim.FateVerified, fieldsim.FateOutsideCity, fieldsim.FateNotInRoll, fieldsim.FateNotCheckable, fieldsim.FateDuplicate} {
		if want[fateStatus[f]] == 0 {
			t.Fatalf("the population has no support of fate %d: the test proves nothing for it", f)
		}
	}
	st, err := central.Summarize(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	rs := st.Roll
	if rs == nil || rs.Import.ID != imp.ID || rs.Checked != int64(len(w.sigs)) || rs.Pending != 0 {
		t.Fatalf("roll stats %+v; want import %d, %d checked, none pending", rs, imp.ID, len(w.sigs))
	}
	for status, n := range want {
		if rs.ByStatus[status] != n {
			t.Errorf("stats count %d %s, want %d", rs.ByStatus[status], status, n)
		}
		if status != central.StatusVerified && rs.FailedShare[status] != float64(n)/float64(len(w.sigs)) {
			t.Errorf("share failing %s is %v, want %d/%d", status, rs.FailedShare[status], n, len(w.sigs))
		}
	}
	var verified, raw int64
	for _, p := range st.Proposals {
		if p.Verified == nil {
			t.Fatalf("proposal %s has no verified count next to its %d supports", p.ID, p.Supports)
		}
		verified, raw = verified+*p.Verified, raw+p.Supports
	}
	if verified != want[central.StatusVerified] || raw != int64(len(w.sigs)) {
		t.Errorf("proposals sum to %d verified of %d, want %d of %d", verified, raw, want[central.StatusVerified], len(w.sigs))
	}
	tc, basis, err := central.TierCounts(ctx, s)
	if err != nil || basis != central.TierBasisVerified {
		t.Fatalf("tier counts with a roll: basis %q, %v", basis, err)
	}
	for _, p := range st.Proposals {
		if tc[p.ID] != *p.Verified {
			t.Errorf("proposal %s: tiers count %d, want its %d verified supports", p.ID, tc[p.ID], *p.Verified)
		}
	}
	if rs.Queue != rs.Checked-rs.Verified || rs.Decided != 0 || rs.Disagreements != 0 {
		t.Errorf("desk counts: queue %d, decided %d, disagreements %d; want %d, 0, 0", rs.Queue, rs.Decided, rs.Disagreements, rs.Checked-rs.Verified)
	}
	if rc, err := s.ReviewCounts(ctx); err != nil || rc != (central.ReviewCounts{Queue: rs.Queue}) {
		t.Errorf("review counts %+v (%v), want a queue of %d and nothing decided", rc, err, rs.Queue)
	}
	var alcaldiaVerified int64
	for _, a := range rs.Alcaldias {
		alcaldiaVerified += a.Verified
	}
	if alcaldiaVerified != want[central.StatusVerified] {
		t.Errorf("alcaldías sum to %d verified, want %d", alcaldiaVerified, want[central.StatusVerified])
	}
	if len(rs.Canvassers) != 3 {
		t.Fatalf("%d canvassers in the stats, want 3", len(rs.Canvassers))
	}
	for _, c := range rs.Canvassers {
		if c.NotVerified != notVerified[c.ID] || c.Share != float64(c.NotVerified)/float64(c.Checked) {
			t.Errorf("canvasser %s: %d not verified (share %v), want %d", c.ID, c.NotVerified, c.Share, notVerified[c.ID])
		}
	}
	if len(rs.Devices) != 2 || rs.Devices[0].Share < rs.Devices[1].Share {
		t.Errorf("devices %+v: want both, worst share first", rs.Devices)
	}
	checkTotals(t, s)
}

// testRollReimport checks that a new roll re-classifies what was filed
// under the old one, except reviewer decisions, which are kept and
// counted.
func testRollReimport(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newRollWorld(t, s, 60, fieldsim.RollOptions{Missing: 0.2, Outside: 0.1, Twice: 0.1, CURP: 0.1})
	first := w.importRoll(t, s)
	w.check(t, s)
	// Two verified supports: the reviewer decides one invalid; both
	// leave the roll in the new extract.
	var gone []int
	for i, sig := range w.sigs {
		if sig.Want == fieldsim.FateVerified && !w.pop.Signers[sig.Signer].Twice && len(gone) < 2 {
			gone = append(gone, i)
		}
	}
	if len(gone) < 2 {
		t.Fatal("the population has fewer than 2 verified signers")
	}
	log := AuditLog(s, 100)
	if err := central.DecideSupport(ctx, s, log, central.SupportDecision{RecordID: w.ids[gone[0]], Decision: central.DecisionInvalid,
		Reason: "signature-missing", By: "revisora", At: Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	next := *w.pop
	next.Signers = append([]fieldsim.RollSigner(nil), w.pop.Signers...)
	for _, i := range gone {
		next.Signers[w.sigs[i].Signer].Missing = true
	}
	w.writeRoll(t, &next)
	second := w.importRoll(t, s)
	if second.ID <= first.ID {
		t.Fatalf("the second import has id %d, the first %d", second.ID, first.ID)
	}
	st, err := central.Summarize(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.Roll.Checked != 0 || st.Roll.Pending != int64(len(w.sigs)) {
		t.Errorf("right after the import: %d checked, %d pending; want 0 and %d", st.Roll.Checked, st.Roll.Pending, len(w.sigs))
	}
	n, changed := w.check(t, s)
	if n != len(w.sigs) || changed != 1 {
		t.Fatalf("re-check filed %d supports and %d decided ones would change; want %d and 1", n, changed, len(w.sigs))
	}
	decided, err := s.SupportCheck(ctx, w.ids[gone[0]])
	if err != nil {
		t.Fatal(err)
	}
	if decided.Decision != central.DecisionInvalid || decided.Status != central.StatusVerified || decided.DecidedBy != "revisora" ||
		!decided.DecidedAt.Equal(Base.Add(time.Hour)) || decided.RollID != second.ID {
		t.Errorf("decided support after the new roll: %+v; want its decision, reviewer and time kept", decided)
	}
	if decided.RollStatus != central.StatusNotInRoll {
		t.Errorf("decided support after the new roll says the roll has %q, want %q: the disagreement must show", decided.RollStatus, central.StatusNotInRoll)
	}
	list, err := s.DecidedSupports(ctx, 10)
	if err != nil || len(list) != 1 || list[0].RecordID != w.ids[gone[0]] || list[0].RollStatus != central.StatusNotInRoll {
		t.Errorf("decided supports %+v (%v); want the one decision, with the roll's word", list, err)
	}
	undecided, err := s.SupportCheck(ctx, w.ids[gone[1]])
	if err != nil {
		t.Fatal(err)
	}
	if undecided.Status != central.StatusNotInRoll {
		t.Errorf("an undecided support whose voter left the roll is %q, want %q", undecided.Status, central.StatusNotInRoll)
	}
	imps, err := s.RollImports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 || imps[1].DecidedChanged != 1 || imps[0].DecidedChanged != 0 || imps[1].By != "tester" || !imps[1].ImportedAt.Equal(Base) {
		t.Errorf("imports %+v; want two, the second counting 1 decided support it would change", imps)
	}
	st, err = central.Summarize(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.Roll.ByStatus[central.StatusRejected] != 1 || st.Roll.Import.DecidedChanged != 1 {
		t.Errorf("stats count %d rejected, import %+v; want 1 and the change noted", st.Roll.ByStatus[central.StatusRejected], st.Roll.Import)
	}
	if st.Roll.Decided != 1 || st.Roll.Disagreements != 1 {
		t.Errorf("stats: %d decided, %d disagreements; want 1 and 1", st.Roll.Decided, st.Roll.Disagreements)
	}
	if rc, err := s.ReviewCounts(ctx); err != nil || rc != (central.ReviewCounts{Queue: st.Roll.Queue, Decided: 1, Disagreements: 1}) {
		t.Errorf("review counts %+v (%v); want the stats' queue %d, 1 decided, 1 disagreement", rc, err, st.Roll.Queue)
	}
	// A reviewer decides it again, knowing what the new roll says: the
	// support takes the roll's status and the disagreement is settled.
	if err := central.DecideSupport(ctx, s, log, central.SupportDecision{RecordID: w.ids[gone[0]], Decision: central.DecisionInvalid,
		Reason: "not-a-city-voter", By: "otra", At: Base.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	again, err := s.SupportCheck(ctx, w.ids[gone[0]])
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != central.StatusNotInRoll || again.RollStatus != "" || again.DecidedBy != "otra" || again.Reason != "not-a-city-voter" {
		t.Errorf("decided again: %+v; want status %q, no disagreement, the new reviewer and reason", again, central.StatusNotInRoll)
	}
	if st, err = central.Summarize(ctx, s); err != nil || st.Roll.Disagreements != 0 || st.Roll.Decided != 1 {
		t.Errorf("stats after deciding again: %+v, %v; want 1 decided, no disagreement", st.Roll, err)
	}
	// The old roll again: it disagrees with the new decision, which
	// stands; the roll decided on once more, and the mark goes.
	for _, round := range []struct {
		pop  *fieldsim.Population
		says string
	}{{w.pop, central.StatusVerified}, {&next, ""}} {
		w.writeRoll(t, round.pop)
		w.importRoll(t, s)
		w.check(t, s)
		c, err := s.SupportCheck(ctx, w.ids[gone[0]])
		if err != nil {
			t.Fatal(err)
		}
		if c.RollStatus != round.says || c.Status != central.StatusNotInRoll || c.Decision != central.DecisionInvalid {
			t.Errorf("after another import the decided support is %+v; want the roll saying %q, its decision kept", c, round.says)
		}
	}
	var actions []string
	if err := s.EachAudit(ctx, func(e central.AuditEntry) error {
		if e.Action == central.AuditSupportDecided {
			actions = append(actions, e.Actor+" "+e.Details["decision"]+" "+e.Details["reason"]+" "+e.Details["record"]+" "+e.Details["roll_status"])
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	id := central.RecordIDString(w.ids[gone[0]])
	if want := []string{"revisora invalid signature-missing " + id + " ", "otra invalid not-a-city-voter " + id + " not_in_roll"}; !slices.Equal(actions, want) {
		t.Errorf("audited decisions %q, want %q", actions, want)
	}
	checkTotals(t, s)
}

// testSupportView checks that opening a support for the desk gives what
// the person gave and the record it came in, and is audited with who saw
// which support.
func testSupportView(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newRollWorld(t, s, 30, fieldsim.RollOptions{Missing: 0.3})
	w.importRoll(t, s)
	w.check(t, s)
	queue, err := s.UnverifiedSupports(ctx, [16]byte{}, 100)
	if err != nil || len(queue) == 0 {
		t.Fatalf("queue %d (%v), want some", len(queue), err)
	}
	i := slices.Index(w.ids, queue[0].RecordID)
	opener, err := record.NewOpener(w.pub, w.priv)
	if err != nil {
		t.Fatal(err)
	}
	log := AuditLog(s, 100)
	v, err := central.ViewSupport(ctx, s, log, opener, "revisora", queue[0].RecordID)
	if err != nil {
		t.Fatal(err)
	}
	sig := w.sigs[i].Draft.Body
	if !v.Opened || v.Signer.VoterID != voterid.Normalize(sig.Signer.VoterID) || v.Signer.Name != sig.Signer.Name || !bytes.Equal(v.Strokes, sig.Strokes) {
		t.Errorf("view %+v; want the signer %+v and strokes sealed", v.Signer, sig.Signer)
	}
	if v.Record.ID != queue[0].RecordID || v.Record.DeviceID != queue[0].DeviceID || v.Check.Canvasser != w.canvassers[i] {
		t.Errorf("view of record %x on %s by %s; want %x, %s, %s", v.Record.ID, v.Record.DeviceID, v.Check.Canvasser, queue[0].RecordID, queue[0].DeviceID, w.canvassers[i])
	}
	if _, err := s.SupportRecord(ctx, [16]byte{1}); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("support record of an unknown id: %v, want ErrNotFound", err)
	}
	if _, err := central.ViewSupport(ctx, s, log, opener, "revisora", [16]byte{1}); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("viewing an unknown support: %v, want ErrNotFound", err)
	}
	// Without the key the desk sees the envelope only.
	if v, err := central.ViewSupport(ctx, s, log, nil, "otra", queue[0].RecordID); err != nil || v.Opened || v.Signer.Name != "" {
		t.Errorf("view without the key: %+v, %v; want the envelope only", v, err)
	}
	// A reviewer looks up the clave of a credential shown: the roll
	// answers, and the audit log says so without the clave.
	key, err := central.LoadRollKey(w.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var inRoll, missing string
	for _, sg := range w.sigs {
		switch sg.Want {
		case fieldsim.FateVerified:
			inRoll = sg.Draft.Body.Signer.VoterID
		case fieldsim.FateNotInRoll:
			missing = sg.Draft.Body.Signer.VoterID
		}
	}
	if inRoll == "" || missing == "" {
		t.Fatal("the population lacks a verified or a missing signer")
	}
	for clave, want := range map[string]string{inRoll: central.StatusVerified, strings.ToLower(" " + missing): central.StatusNotInRoll} {
		got, err := central.LookupClave(ctx, s, log, key, "revisora", queue[0].RecordID, clave)
		if err != nil || got.Status != want || (want == central.StatusVerified && got.Match.Entity != roll.CityEntity) {
			t.Errorf("looking up %s: %+v %v, want %s", clave, got, err, want)
		}
	}
	if _, err := central.LookupClave(ctx, s, log, key, "revisora", queue[0].RecordID, "not a clave"); !errors.Is(err, central.ErrNotAClave) {
		t.Errorf("looking up garbage: %v, want ErrNotAClave", err)
	}
	var lookups []string
	var seen []string
	if err := s.EachAudit(ctx, func(e central.AuditEntry) error {
		if e.Action == central.AuditRollLookup {
			lookups = append(lookups, e.Details["result"])
			if strings.Contains(string(e.CanonicalBytes()), inRoll) || strings.Contains(string(e.CanonicalBytes()), missing) {
				t.Errorf("audit entry %d names the clave looked up", e.Seq)
			}
		}
		if e.Action == central.AuditSupportViewed {
			seen = append(seen, e.Actor+" "+e.Details["record"]+" "+e.Details["opened"])
		}
		if strings.Contains(string(e.CanonicalBytes()), sig.Signer.Name) || strings.Contains(string(e.CanonicalBytes()), sig.Signer.VoterID) {
			t.Errorf("audit entry %d names the person: %s", e.Seq, e.CanonicalBytes())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	id := central.RecordIDString(queue[0].RecordID)
	if want := []string{"revisora " + id + " true", "otra " + id + " false"}; !slices.Equal(seen, want) {
		t.Errorf("audited views %q, want %q", seen, want)
	}
	slices.Sort(lookups)
	if want := []string{central.StatusNotInRoll, central.StatusVerified}; !slices.Equal(lookups, want) {
		t.Errorf("audited lookups %q, want %q", lookups, want)
	}
}

// testRollReplace checks that a roll is replaced whole and each import
// recorded.
func testRollReplace(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	imp := central.RollImport{ImportedAt: Base, By: "op", File: "a.csv", SHA256: "aa", Rows: 3}
	a, err := s.ReplaceRoll(ctx, imp, []string{"coyoacan", ""}, []roll.Entry{
		{Hash: -5, Entity: 9, Section: 10, Alcaldia: 0}, {Hash: 1, Entity: 15, Section: 20, Alcaldia: 1}, {Hash: 7, Entity: 9, Section: 30, Alcaldia: 0}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.LookupRoll(ctx, []int64{-5, 1, 2, 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || m[-5] != (central.RollMatch{Entity: 9, Section: 10, Alcaldia: "coyoacan"}) || m[1] != (central.RollMatch{Entity: 15, Section: 20}) {
		t.Errorf("lookup %+v", m)
	}
	var done int64
	imp.File, imp.Rows = "b.csv", 1
	b, err := s.ReplaceRoll(ctx, imp, []string{"tlalpan"}, []roll.Entry{{Hash: 2, Entity: 9, Section: 1}}, func(n int64) { done = n })
	if err != nil {
		t.Fatal(err)
	}
	if done != 1 || b.ID <= a.ID {
		t.Errorf("progress reached %d, ids %d then %d", done, a.ID, b.ID)
	}
	m, err = s.LookupRoll(ctx, []int64{-5, 1, 2, 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || m[2] != (central.RollMatch{Entity: 9, Section: 1, Alcaldia: "tlalpan"}) {
		t.Errorf("after the re-import the roll holds %+v, want only the new entry", m)
	}
	imps, err := s.RollImports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 || imps[0] != a || imps[1] != b {
		t.Errorf("imports %+v, want %+v and %+v", imps, a, b)
	}
}

// testSupportDesk checks the review desk's calls: the queue of supports
// that did not verify, decisions with who and when, and duplicates found
// whichever of a signer's supports is filed first.
func testSupportDesk(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	imp, err := s.ReplaceRoll(ctx, central.RollImport{ImportedAt: Base, By: "op", File: "r.csv", SHA256: "ff"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := []byte("same signer")
	checks := []central.SupportCheck{
		{RecordID: [16]byte{3}, SubjectID: "p-agua", DeviceID: "dev-b", Alcaldia: "tlalpan", SignerIndex: idx, Status: central.StatusVerified},
		{RecordID: [16]byte{5}, SubjectID: "p-agua", DeviceID: "dev-a", Alcaldia: "tlalpan", Status: central.StatusNotInRoll},
		{RecordID: [16]byte{6}, SubjectID: "p-agua", DeviceID: "dev-a", Alcaldia: "tlalpan", Status: central.StatusVerified},
	}
	if _, err := s.FileSupportChecks(ctx, imp.ID, checks); err != nil {
		t.Fatal(err)
	}
	// The same signer's earlier support arrives later (an offline
	// device): it is the original, the one filed before is the duplicate.
	if _, err := s.FileSupportChecks(ctx, imp.ID, []central.SupportCheck{
		{RecordID: [16]byte{1}, SubjectID: "p-agua", DeviceID: "dev-c", Alcaldia: "tlalpan", SignerIndex: idx, Status: central.StatusVerified},
		{RecordID: [16]byte{2}, SubjectID: "p-otra", DeviceID: "dev-c", Alcaldia: "tlalpan", SignerIndex: idx, Status: central.StatusVerified},
	}); err != nil {
		t.Fatal(err)
	}
	queue, err := s.UnverifiedSupports(ctx, [16]byte{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 2 || queue[0].RecordID != [16]byte{3} || queue[0].Status != central.StatusDuplicate || queue[1].RecordID != [16]byte{5} {
		t.Fatalf("queue %+v; want the duplicate 3 then 5", queue)
	}
	if page, err := s.UnverifiedSupports(ctx, [16]byte{3}, 10); err != nil || len(page) != 1 || page[0].RecordID != [16]byte{5} {
		t.Errorf("queue after 3: %+v, %v", page, err)
	}
	log := AuditLog(s, 100)
	for _, bad := range []central.SupportDecision{
		{RecordID: [16]byte{5}, Decision: "maybe", Reason: "other", Note: "x", By: "op"},
		{RecordID: [16]byte{5}, Decision: central.DecisionValid, By: "op"},
		{RecordID: [16]byte{5}, Decision: central.DecisionValid, Reason: "id-typo-corrected"},
		{RecordID: [16]byte{5}, Decision: central.DecisionValid, Reason: "no such reason", By: "op"},
		{RecordID: [16]byte{5}, Decision: central.DecisionValid, Reason: "signature-missing", By: "op"},
		{RecordID: [16]byte{5}, Decision: central.DecisionInvalid, Reason: "other", Note: "  ", By: "op"},
		{RecordID: [16]byte{5}, Decision: central.DecisionInvalid, Reason: "other", Note: strings.Repeat("x", central.MaxDecisionNote+1), By: "op"},
	} {
		if err := central.DecideSupport(ctx, s, log, bad); !errors.Is(err, central.ErrBadDecision) {
			t.Errorf("decision %+v: %v, want ErrBadDecision", bad, err)
		}
	}
	if err := central.DecideSupport(ctx, s, log, central.SupportDecision{RecordID: [16]byte{9}, Decision: central.DecisionValid, Reason: "credential-shown", By: "op"}); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("deciding an unclassified support: %v, want ErrNotFound", err)
	}
	at := Base.Add(2 * time.Hour)
	if err := central.DecideSupport(ctx, s, log, central.SupportDecision{RecordID: [16]byte{5}, Decision: central.DecisionValid,
		Reason: "id-typo-corrected", Note: " credential shown at the Tlalpan assembly ", By: "revisora", At: at}); err != nil {
		t.Fatal(err)
	}
	c, err := s.SupportCheck(ctx, [16]byte{5})
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != central.DecisionValid || c.Reason != "id-typo-corrected" || c.Note != "credential shown at the Tlalpan assembly" || c.DecidedBy != "revisora" || !c.DecidedAt.Equal(at) {
		t.Errorf("decided support %+v", c)
	}
	if list, err := s.DecidedSupports(ctx, 10); err != nil || len(list) != 1 || list[0].RecordID != [16]byte{5} || list[0].RollStatus != "" {
		t.Errorf("decided supports %+v (%v); want 5, which the roll agrees with", list, err)
	}
	var audited []map[string]string
	if err := s.EachAudit(ctx, func(e central.AuditEntry) error {
		if e.Action == central.AuditSupportDecided && e.Actor == "revisora" {
			audited = append(audited, e.Details)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(audited) != 1 || audited[0]["record"] != central.RecordIDString([16]byte{5}) || audited[0]["status"] != central.StatusNotInRoll ||
		audited[0]["note"] != "yes" || audited[0]["proposal"] != "p-agua" {
		t.Errorf("audited decisions %v; want one, for record 5, with its status and no note text", audited)
	}
	if queue, err = s.UnverifiedSupports(ctx, [16]byte{}, 10); err != nil || len(queue) != 1 || queue[0].RecordID != [16]byte{3} {
		t.Errorf("queue after the decision %+v, %v; want only 3", queue, err)
	}
	counts, err := s.SupportCheckCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, c := range counts {
		got[central.EffectiveStatus(c.Status, c.Decision)] += c.N
	}
	if got[central.StatusVerified] != 4 || got[central.StatusDuplicate] != 1 || len(got) != 2 {
		t.Errorf("counts by effective status %v; want 4 verified (one by decision) and 1 duplicate", got)
	}
	// Tiers count the same: a valid decision adds, an invalid one takes
	// away.
	if vc, err := s.VerifiedCounts(ctx); err != nil || !maps.Equal(vc, map[string]int64{"p-agua": 3, "p-otra": 1}) {
		t.Errorf("verified counts %v (%v); want p-agua 3 (one by decision), p-otra 1", vc, err)
	}
	if err := central.DecideSupport(ctx, s, log, central.SupportDecision{RecordID: [16]byte{6}, Decision: central.DecisionInvalid,
		Reason: "obviously-false", By: "revisora", At: at}); err != nil {
		t.Fatal(err)
	}
	if vc, err := s.VerifiedCounts(ctx); err != nil || !maps.Equal(vc, map[string]int64{"p-agua": 2, "p-otra": 1}) {
		t.Errorf("verified counts after an invalid decision %v (%v); want p-agua 2, p-otra 1", vc, err)
	}
	checkTotals(t, s)
}

// testRollCancel checks that a support cancelled at the person's request
// (ARCO) stops counting, and that the same person's later support of the
// proposal, a duplicate until then, is filed again and counts instead.
func testRollCancel(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newRollWorld(t, s, 60, fieldsim.RollOptions{Twice: 0.3})
	w.importRoll(t, s)
	w.check(t, s)
	first, second := -1, -1
	for i, sig := range w.sigs {
		if sig.Want != fieldsim.FateVerified || !w.pop.Signers[sig.Signer].Twice {
			continue
		}
		for j, other := range w.sigs {
			if j != i && other.Signer == sig.Signer && other.Want == fieldsim.FateDuplicate {
				first, second = i, j
			}
		}
		if first >= 0 {
			break
		}
	}
	if first < 0 {
		t.Fatal("the population has nobody who signed twice")
	}
	subject := w.sigs[first].Draft.SubjectID
	before, err := s.VerifiedCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.SupportRecord(ctx, w.ids[first])
	if err != nil {
		t.Fatal(err)
	}
	if n, err := central.Cancel(ctx, s, AuditLog(s, 100), "rosa", []central.StoredRecord{rec}, Base.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	if _, err := s.SupportCheck(ctx, w.ids[first]); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("the cancelled support is still classified: %v", err)
	}
	after, err := s.VerifiedCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after[subject] != before[subject]-1 {
		t.Errorf("verified supports of %s after the cancellation: %d, want %d", subject, after[subject], before[subject]-1)
	}
	if n, _ := w.check(t, s); n != 1 {
		t.Errorf("the check filed %d supports after the cancellation, want 1 (the duplicate, again)", n)
	}
	c, err := s.SupportCheck(ctx, w.ids[second])
	if err != nil || c.Status != central.StatusVerified {
		t.Errorf("the same person's other support after the cancellation: %+v %v, want verified", c, err)
	}
	if again, err := s.VerifiedCounts(ctx); err != nil || again[subject] != before[subject] {
		t.Errorf("verified supports of %s once filed again: %d (%v), want %d", subject, again[subject], err, before[subject])
	}
	checkTotals(t, s)
}
