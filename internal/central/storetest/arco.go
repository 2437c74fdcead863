package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// dedupeKey is the key Incoming makes blind signer indexes with.
var dedupeKey = []byte("storetest dedupe key")

// testCancel: a person found by voter id is cancelled; their records become
// tombstones that no longer count, their signatures leave the unique
// signers (another person's stay), the receipt lookup and the finder stop
// finding them, and the same copies sent again are duplicates that restore
// nothing. Sequence numbers stay, so no gap opens.
func testCancel(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-a", record.ModeKiosk)
	const ana, beto = "GMVLMR80070501M100", "PRZLJN75010109H200"
	recs := []central.Incoming{
		Incoming(t, Rec{Device: "dev-a", Seq: 1, Signer: ana, Alcaldia: "Coyoacán"}),
		Incoming(t, Rec{Device: "dev-a", Seq: 2, Signer: ana, Subject: "p-luz"}),
		Incoming(t, Rec{Device: "dev-a", Seq: 3, Signer: beto}),
		Incoming(t, Rec{Device: "dev-a", Seq: 4, Signer: ana, Body: "again"}),
		Incoming(t, Rec{Device: "dev-a", Seq: 5, Kind: record.KindComment}),
	}
	ingest(t, s, Base, "dev-a", recs...)
	found, err := central.FindByVoterID(ctx, s, dedupeKey, " gmvlmr80070501m100 ")
	if err != nil || len(found) != 3 {
		t.Fatalf("found %d records of ana (%v), want 3", len(found), err)
	}
	byReceipt, err := central.FindByReceipt(ctx, s, recs[2].Receipt)
	if err != nil || len(byReceipt) != 1 || byReceipt[0].Seq != 3 {
		t.Fatalf("by receipt: %+v %v", byReceipt, err)
	}
	log := AuditLog(s, 100)
	n, err := central.Cancel(ctx, s, log, "rosa", found, Base.Add(time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("cancel: %d %v, want 3", n, err)
	}
	if n, err := central.Cancel(ctx, s, log, "rosa", found, Base.Add(2*time.Hour)); err != nil || n != 0 {
		t.Errorf("cancelling again: %d %v, want 0", n, err)
	}
	tal, err := s.Tallies(ctx, Base.Add(time.Hour), MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	if tal.Records != 2 || tal.ByKind[string(record.KindSignature)] != 1 || tal.ByAlcaldia["Coyoacán"] != 0 {
		t.Errorf("tallies after cancel: %d records, %d signatures, %d in Coyoacán; want 2, 1, 0", tal.Records, tal.ByKind[string(record.KindSignature)], tal.ByAlcaldia["Coyoacán"])
	}
	for _, p := range tal.Proposals {
		if want := map[string]int64{"p-agua": 1, "p-luz": 0}[p.ID]; p.UniqueSigners != want || p.Supports != want {
			t.Errorf("proposal %s: %d supports, %d unique signers; want %d", p.ID, p.Supports, p.UniqueSigners, want)
		}
	}
	states := stateOf(t, s)
	for _, r := range found {
		got := states[r.ID]
		if got.BodyState != central.BodyCancelled || len(got.Data) != 0 || got.DeviceID != "dev-a" || got.Seq != r.Seq || !got.Quarantined() {
			t.Errorf("cancelled record %d: state %d, %d bytes; want a tombstone that exports skip", r.Seq, got.BodyState, len(got.Data))
		}
	}
	if again, err := central.FindByVoterID(ctx, s, dedupeKey, ana); err != nil || len(again) != 0 {
		t.Errorf("after cancel the finder still finds %d records (%v)", len(again), err)
	}
	if again, _ := central.FindByReceipt(ctx, s, recs[0].Receipt); len(again) != 0 {
		t.Error("after cancel the receipt still finds the record")
	}
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range ingest(t, s, Base.Add(3*time.Hour), "dev-a", recs[0], recs[1], recs[3]) {
		if st != protocol.Duplicate {
			t.Errorf("re-sent cancelled record %d: %s, want duplicate", i, st)
		}
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Records != before.Records || after.Missing != 0 || after.Duplicates != before.Duplicates+3 {
		t.Errorf("after re-send: %d records, %d missing, %d duplicates; want %d, 0, %d", after.Records, after.Missing, after.Duplicates, before.Records, before.Duplicates+3)
	}
	if got := stateOf(t, s)[recs[0].Record.ID]; len(got.Data) != 0 || got.BodyState != central.BodyCancelled {
		t.Error("a re-sent copy brought the cancelled body back")
	}
	if r := Verify(t, s); !r.OK() || r.Entries != 2 {
		t.Errorf("audit after cancel: %+v, want two entries", r)
	}
}

// testARCORequests: requests get their deadline, list open ones first by
// deadline, and are answered once.
func testARCORequests(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	log := AuditLog(s, 100)
	loc := MexicoCity()
	// Tuesday 2026-03-10: 20 business days later is Tuesday 2026-04-07.
	a, err := central.RecordARCORequest(ctx, s, log, "rosa", central.RequestOpposition, " UT-2026-031 ", Base, loc)
	if err != nil || a.DueAt.In(loc).Format("2006-01-02") != "2026-04-07" {
		t.Fatalf("opposition: %+v %v, want due 2026-04-07", a, err)
	}
	b, err := central.RecordARCORequest(ctx, s, log, "rosa", central.RequestRectification, "UT-2026-030", Base.AddDate(0, 0, -7), loc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := central.RecordARCORequest(ctx, s, log, "rosa", "access", "x", Base, loc); err == nil {
		t.Error("an unknown request kind was recorded")
	}
	if err := central.AnswerARCO(ctx, s, log, "rosa", b.ID, "rectified by cancelling and collecting again", Base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := central.AnswerARCO(ctx, s, log, "rosa", b.ID, "again", Base.Add(2*time.Hour)); err == nil {
		t.Error("a request was answered twice")
	}
	list, err := s.ARCORequests(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if list[0].ID != a.ID || !list[0].AnsweredAt.IsZero() || list[0].Folio != "UT-2026-031" || !list[0].ReceivedAt.Equal(Base) {
		t.Errorf("first listed %+v, want the open opposition", list[0])
	}
	if list[1].ID != b.ID || !list[1].AnsweredAt.Equal(Base.Add(time.Hour)) || list[1].AnsweredBy != "rosa" || list[1].Answer == "" {
		t.Errorf("second listed %+v, want the answered rectification", list[1])
	}
	if r := Verify(t, s); !r.OK() || r.Entries != 3 {
		t.Errorf("audit: %+v, want three entries", r)
	}
}
