package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// authorWorld is a rollWorld where fieldsim's people also wrote
// proposals the desk published or merged: their authors' supports, with
// what fieldsim knows of each author.
type authorWorld struct {
	*rollWorld
	target string // P: a proposal one of the population signed directly
	// Proposals by: a, a verified signer of P, merged into P; c, in the
	// roll in the city, merged into P; e, the same, who signed P directly
	// afterwards (sigE); b, in the city, and d, registered outside it,
	// published as their own; f, still pending.
	a, c, e, b, d, f central.Submission
	sigA, sigE       [16]byte
	// verifiedP is how many of the population's own supports of P verify.
	verifiedP int64
}

func newAuthorWorld(t *testing.T, s central.OperationsStore) *authorWorld {
	t.Helper()
	ctx := context.Background()
	w := &authorWorld{rollWorld: newRollWorld(t, s, 40, fieldsim.RollOptions{Outside: 0.3, Extra: 40})}
	ai := -1
	for i, sig := range w.sigs {
		if sig.Want == fieldsim.FateVerified {
			ai = i
			break
		}
	}
	if ai < 0 {
		t.Fatal("the population has no verified signer")
	}
	w.target, w.sigA = w.sigs[ai].Draft.SubjectID, w.ids[ai]
	for _, sig := range w.sigs {
		if sig.Draft.SubjectID == w.target && sig.Want == fieldsim.FateVerified {
			w.verifiedP++
		}
	}
	var inCity, outside []fieldsim.Person
	for _, x := range w.pop.Extra {
		if x.Outside {
			outside = append(outside, x.Person)
		} else {
			inCity = append(inCity, x.Person)
		}
	}
	if len(inCity) < 4 || len(outside) < 1 {
		t.Fatalf("the roll's extra voters are %d in the city and %d outside; the test needs 4 and 1", len(inCity), len(outside))
	}
	Enrolled(t, s, "dev-p", record.ModeKiosk)
	authors := []fieldsim.Person{w.pop.Signers[w.sigs[ai].Signer].Person, inCity[0], inCity[1], inCity[2], outside[0], inCity[3]}
	var batch []central.Incoming
	for i, p := range authors {
		batch = append(batch, sealedProposal(t, p, "dev-p", uint64(i+1), w.pub))
	}
	ingest(t, s, Base.Add(time.Minute), "dev-p", batch...)
	// E signs P after writing their proposal: a later record id.
	pe := authors[2]
	in := sealedSignature(t, &record.Draft{SubjectID: w.target, Body: record.Body{Signer: personSigner(pe)}}, "dev-p", 50, "", w.pub)
	ingest(t, s, Base.Add(2*time.Minute), "dev-p", in)
	w.sigE = in.Record.ID
	if n, skipped, err := central.OpenSubmissions(ctx, s, w.pub, w.priv); err != nil || n != len(authors) || skipped != 0 {
		t.Fatalf("open submissions: %d filed, %d skipped, %v", n, skipped, err)
	}
	subs := make([]central.Submission, len(batch))
	for i, in := range batch {
		sub, err := s.Submission(ctx, in.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		subs[i] = sub
	}
	w.a, w.c, w.e, w.b, w.d, w.f = subs[0], subs[1], subs[2], subs[3], subs[4], subs[5]
	for i, sub := range subs[:3] {
		idx := record.BlindIndex(dedupeKey, voterid.Normalize(authors[i].INE), w.target)
		if err := s.DecideSubmission(ctx, central.Decision{RecordID: sub.RecordID, Status: central.SubmissionMerged, Target: w.target,
			By: "mod", At: Base.Add(time.Hour), Support: &central.SignerKey{Subject: w.target, Index: string(idx)}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range subs[3:5] {
		if err := s.DecideSubmission(ctx, central.Decision{RecordID: sub.RecordID, Status: central.SubmissionPublished, Target: sub.SubjectID,
			By: "mod", At: Base.Add(time.Hour), Support: &central.SignerKey{Subject: sub.SubjectID, Index: string(sub.SignerIndex)}}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func personSigner(p fieldsim.Person) *record.Signer {
	return &record.Signer{Name: p.Name(), IDType: string(voterid.INE), VoterID: voterid.Normalize(p.INE), Alcaldia: p.Alcaldia}
}

// sealedProposal is a proposal p wrote on device, sealed as a kiosk seals
// it: their blind index for its own id, their name, id and alcaldía in the
// body.
func sealedProposal(t *testing.T, p fieldsim.Person, device string, seq uint64, pub *[32]byte) central.Incoming {
	t.Helper()
	in := Incoming(t, Rec{Device: device, Seq: seq, Kind: record.KindProposal, Subject: record.NewSubmissionID(record.KindProposal), Alcaldia: "coyoacan"})
	r := in.Record
	r.SignerIndex = record.BlindIndex(dedupeKey, voterid.Normalize(p.INE), r.SubjectID)
	body := record.Body{Signer: personSigner(p), Proposal: &record.Submission{Title: "Más agua", Text: "Pipas cada semana", Theme: "agua", Lang: "es", Named: true}}
	sealed, err := record.SealBody(&body, pub)
	if err != nil {
		t.Fatal(err)
	}
	r.Body = sealed
	in.Data = r.Marshal()
	in.Hash = sha256.Sum256(in.Data)
	return in
}

// testRollAuthorSupports: authors' supports of published and merged
// proposals are checked against the roll like signatures, for the
// proposal they count for, as fieldsim knows each author; a merged
// author who also signed the target directly stays one verified support,
// whichever record came first.
func testRollAuthorSupports(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newAuthorWorld(t, s)
	w.importRoll(t, s)
	if n, _ := w.check(t, s); n != len(w.sigs)+6 {
		t.Fatalf("checked %d supports, want the population's %d, E's signature and 5 authors'", n, len(w.sigs))
	}
	for _, c := range []struct {
		name    string
		id      [16]byte
		subject string
		status  string
		area    string
	}{
		{"A's direct signature of P", w.sigA, w.target, central.StatusVerified, ""},
		{"A's merged proposal (A signed P first)", w.a.RecordID, w.target, central.StatusDuplicate, w.a.AuthorArea},
		{"C's merged proposal", w.c.RecordID, w.target, central.StatusVerified, w.c.AuthorArea},
		{"E's merged proposal (E signed P later)", w.e.RecordID, w.target, central.StatusVerified, w.e.AuthorArea},
		{"E's direct signature of P", w.sigE, w.target, central.StatusDuplicate, ""},
		{"B's published proposal", w.b.RecordID, w.b.SubjectID, central.StatusVerified, w.b.AuthorArea},
		{"D's published proposal (registered outside)", w.d.RecordID, w.d.SubjectID, central.StatusOutsideCity, w.d.AuthorArea},
	} {
		got, err := s.SupportCheck(ctx, c.id)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.SubjectID != c.subject || got.Status != c.status || (c.area != "" && got.Alcaldia != c.area) {
			t.Errorf("%s: filed for %q as %q in %q; want %q as %q in %q", c.name, got.SubjectID, got.Status, got.Alcaldia, c.subject, c.status, c.area)
		}
	}
	if _, err := s.SupportCheck(ctx, w.f.RecordID); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("a pending proposal's author support was checked: %v", err)
	}
	vc, err := s.VerifiedCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vc[w.target] != w.verifiedP+2 || vc[w.b.SubjectID] != 1 || vc[w.d.SubjectID] != 0 {
		t.Errorf("verified supports: P %d, B's %d, D's %d; want %d (the population's and C's and E's), 1, 0",
			vc[w.target], vc[w.b.SubjectID], vc[w.d.SubjectID], w.verifiedP+2)
	}
	st, err := central.Summarize(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.Roll == nil || st.Roll.Pending != 0 || st.Roll.Checked != int64(len(w.sigs)+6) {
		t.Errorf("roll stats %+v: want every support, authors' included, checked and none pending", st.Roll)
	}
	// A reviewer can open an author's support on the desk.
	if sr, err := s.SupportRecord(ctx, w.d.RecordID); err != nil || sr.ID != w.d.RecordID {
		t.Errorf("the desk's record of D's support: %v", err)
	}
	checkTotals(t, s)
}

// testRollAuthorCancel: cancelling (ARCO) a merged author's proposal
// takes their support for the target back, from the unique signers and
// the verified supports, unless they also signed the target directly
// (then that signature counts instead); a published author's support goes
// with their proposal.
func testRollAuthorCancel(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	w := newAuthorWorld(t, s)
	w.importRoll(t, s)
	w.check(t, s)
	log := AuditLog(s, 100)
	counts := func() (signers, verified map[string]int64) {
		t.Helper()
		signers, err := s.SignerCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		verified, err = s.VerifiedCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return signers, verified
	}
	cancel := func(sub central.Submission) {
		t.Helper()
		rec, err := s.SubmissionRecord(ctx, sub.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := central.Cancel(ctx, s, log, "rosa", []central.StoredRecord{rec}, Base.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("cancel: %d %v", n, err)
		}
	}
	signers0, verified0 := counts()
	p := w.target

	// A signed P directly: cancelling A's proposal leaves A a signer of P.
	cancel(w.a)
	if sg, vf := counts(); sg[p] != signers0[p] || vf[p] != verified0[p] {
		t.Errorf("after cancelling A's merged proposal P has %d signers, %d verified; want %d, %d (A signed it directly)",
			sg[p], vf[p], signers0[p], verified0[p])
	}
	// C did not: their support for P goes.
	cancel(w.c)
	if sg, vf := counts(); sg[p] != signers0[p]-1 || vf[p] != verified0[p]-1 {
		t.Errorf("after cancelling C's merged proposal P has %d signers, %d verified; want %d, %d",
			sg[p], vf[p], signers0[p]-1, verified0[p]-1)
	}
	if _, err := s.SupportCheck(ctx, w.c.RecordID); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("C's cancelled support is still classified: %v", err)
	}
	tl, err := s.Tallies(ctx, Base.Add(2*time.Hour), MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range tl.Proposals {
		if pt.ID == p && pt.Supports != int64(w.supportsOf(p))+2 {
			t.Errorf("P counts %d supports; want the population's %d, E's signature and E's merged proposal", pt.Supports, w.supportsOf(p))
		}
	}
	// E signed P after writing: E stays a signer, and E's signature, a
	// duplicate until now, is checked again and verifies instead.
	cancel(w.e)
	if sg, vf := counts(); sg[p] != signers0[p]-1 || vf[p] != verified0[p]-2 {
		t.Errorf("after cancelling E's merged proposal P has %d signers, %d verified; want %d, %d until E's signature is checked again",
			sg[p], vf[p], signers0[p]-1, verified0[p]-2)
	}
	if n, _ := w.check(t, s); n != 1 {
		t.Errorf("the check filed %d supports after the cancellation, want 1 (E's signature, again)", n)
	}
	if c, err := s.SupportCheck(ctx, w.sigE); err != nil || c.Status != central.StatusVerified {
		t.Errorf("E's signature after the cancellation: %+v %v, want verified", c, err)
	}
	if _, vf := counts(); vf[p] != verified0[p]-1 {
		t.Errorf("P has %d verified supports; want %d", vf[p], verified0[p]-1)
	}
	// B's published proposal takes its author's support with it.
	cancel(w.b)
	if sg, vf := counts(); sg[w.b.SubjectID] != 0 || vf[w.b.SubjectID] != 0 {
		t.Errorf("B's cancelled proposal counts %d signers, %d verified; want none", sg[w.b.SubjectID], vf[w.b.SubjectID])
	}
	checkTotals(t, s)
}

// supportsOf counts the population's signatures of a proposal.
func (w *authorWorld) supportsOf(subject string) int {
	n := 0
	for _, sig := range w.sigs {
		if sig.Draft.SubjectID == subject {
			n++
		}
	}
	return n
}
