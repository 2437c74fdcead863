package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// stateOf reads the body state of every stored record, by id.
func stateOf(t *testing.T, s central.OperationsStore) map[[16]byte]central.StoredRecord {
	t.Helper()
	out := map[[16]byte]central.StoredRecord{}
	if err := s.EachRecord(context.Background(), "", func(r central.StoredRecord) error { out[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// quarantineOne stores three records from dev-q and files checks that
// find the second does not open. It returns the three.
func quarantineOne(t *testing.T, s central.OperationsStore) []central.Incoming {
	t.Helper()
	ctx := context.Background()
	Enrolled(t, s, "dev-q", record.ModeKiosk)
	Enrolled(t, s, "dev-ok", record.ModeKiosk)
	recs := []central.Incoming{
		Incoming(t, Rec{Device: "dev-q", Seq: 1}),
		Incoming(t, Rec{Device: "dev-q", Seq: 2, Kind: record.KindComment}),
		Incoming(t, Rec{Device: "dev-q", Seq: 3}),
	}
	ingest(t, s, Base, "dev-q", recs...)
	ingest(t, s, Base.Add(time.Second), "dev-ok", Incoming(t, Rec{Device: "dev-ok", Seq: 1}))
	unchecked, err := s.UncheckedRecords(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(unchecked) != 4 {
		t.Fatalf("%d unchecked records, want the 4 stored", len(unchecked))
	}
	checks := make([]central.BodyCheck, len(unchecked))
	for i, r := range unchecked {
		checks[i] = central.BodyCheck{RecordID: r.ID}
		if r.ID == recs[1].Record.ID {
			checks[i].Problem = "does not open"
		}
	}
	n, err := s.FileBodyChecks(ctx, checks, Base.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("FileBodyChecks quarantined %d (%v), want 1", n, err)
	}
	return recs
}

func testBodyChecks(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	none, err := s.QuarantineCounts(ctx)
	if err != nil || len(none) != 0 {
		t.Fatalf("an empty store counts %v quarantined (%v)", none, err)
	}
	Enrolled(t, s, "dev-l", record.ModeKiosk)
	ingest(t, s, Base.Add(-time.Hour), "dev-l", Incoming(t, Rec{Device: "dev-l", Seq: 1}), Incoming(t, Rec{Device: "dev-l", Seq: 2}))
	limited, err := s.UncheckedRecords(ctx, 1)
	if err != nil || len(limited) != 1 || limited[0].DeviceID != "dev-l" || limited[0].BodyState != central.BodyUnchecked {
		t.Fatalf("UncheckedRecords(1) = %+v (%v), want one unchecked record of dev-l", limited, err)
	}
	// Open dev-l's out of the way, then quarantine one of dev-q's.
	l, err := s.UncheckedRecords(ctx, 10)
	if err != nil || len(l) != 2 {
		t.Fatalf("UncheckedRecords(10) = %d records (%v), want 2", len(l), err)
	}
	if n, err := s.FileBodyChecks(ctx, []central.BodyCheck{{RecordID: l[0].ID}, {RecordID: l[1].ID}}, Base); err != nil || n != 0 {
		t.Fatalf("filing two that open quarantined %d (%v)", n, err)
	}
	recs := quarantineOne(t, s)
	bad := recs[1].Record
	if left, err := s.UncheckedRecords(ctx, 10); err != nil || len(left) != 0 {
		t.Errorf("%d records left unchecked (%v), want none", len(left), err)
	}
	// A second node filing the same outcome, or another, changes nothing.
	again := []central.BodyCheck{{RecordID: bad.ID, Problem: "other reason"}, {RecordID: recs[0].Record.ID, Problem: "late"}}
	if n, err := s.FileBodyChecks(ctx, again, Base.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("filing checked records again quarantined %d (%v), want 0", n, err)
	}
	states := stateOf(t, s)
	for i, in := range recs {
		want := central.BodyOpens
		if i == 1 {
			want = central.BodyQuarantined
		}
		if got := states[in.Record.ID]; got.BodyState != want || got.Quarantined() != (i == 1) {
			t.Errorf("record seq %d: body state %d, want %d", in.Record.Seq, got.BodyState, want)
		}
	}
	list, err := s.QuarantinedRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := central.QuarantinedRecord{ID: uuid.UUID(bad.ID), DeviceID: "dev-q", Seq: 2, Kind: string(record.KindComment),
		ReceivedAt: Base, Reason: "does not open", FoundAt: Base.Add(time.Minute)}
	if len(list) != 1 || list[0] != want {
		t.Errorf("quarantine list %+v, want [%+v]", list, want)
	}
	counts, err := s.QuarantineCounts(ctx)
	if err != nil || len(counts) != 1 || counts["dev-q"] != 1 {
		t.Errorf("quarantine counts %v (%v), want dev-q: 1", counts, err)
	}
}

func testQuarantinePurge(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	recs := quarantineOne(t, s)
	bad := recs[1]
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Naming a record that opens purges nothing.
	if n, err := s.PurgeQuarantined(ctx, [][16]byte{recs[0].Record.ID}, Base.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("purging a record that opens: %d (%v), want 0", n, err)
	}
	if n, err := s.PurgeQuarantined(ctx, nil, Base.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge all: %d (%v), want 1", n, err)
	}
	if n, err := s.PurgeQuarantined(ctx, [][16]byte{bad.Record.ID}, Base.Add(3*time.Hour)); err != nil || n != 0 {
		t.Errorf("purging again: %d (%v), want 0", n, err)
	}
	states := stateOf(t, s)
	got := states[bad.Record.ID]
	if got.BodyState != central.BodyPurged || len(got.Data) != 0 || got.DeviceID != "dev-q" || got.Seq != 2 || got.Receipt != bad.Receipt {
		t.Errorf("purged record: state %d, %d bytes, device %s seq %d; want purged, no bytes, envelope kept", got.BodyState, len(got.Data), got.DeviceID, got.Seq)
	}
	if kept := states[recs[0].Record.ID]; len(kept.Data) == 0 {
		t.Error("purge destroyed a record that opens")
	}
	list, err := s.QuarantinedRecords(ctx)
	if err != nil || len(list) != 1 || !list[0].PurgedAt.Equal(Base.Add(2*time.Hour)) {
		t.Errorf("quarantine list after purge %+v (%v), want the record purged at the first purge", list, err)
	}
	if counts, err := s.QuarantineCounts(ctx); err != nil || counts["dev-q"] != 1 {
		t.Errorf("quarantine counts after purge %v (%v), want dev-q still 1", counts, err)
	}
	// The same copy sent again is a duplicate and is not stored again.
	if st := ingest(t, s, Base.Add(4*time.Hour), "dev-q", bad); st[0] != protocol.Duplicate {
		t.Errorf("re-sent purged record: %s, want duplicate", st[0])
	}
	if again := stateOf(t, s)[bad.Record.ID]; len(again.Data) != 0 || again.BodyState != central.BodyPurged {
		t.Error("a re-sent copy restored the purged body")
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Records != before.Records || after.Missing != before.Missing || after.Duplicates != before.Duplicates+1 {
		t.Errorf("after purge and re-send: %d records, %d missing, %d duplicates; want %d, %d, %d",
			after.Records, after.Missing, after.Duplicates, before.Records, before.Missing, before.Duplicates+1)
	}
}

func testSurveysSkipQuarantine(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-s", record.ModeKiosk)
	good := Incoming(t, Rec{Device: "dev-s", Seq: 1, Kind: record.KindSurvey})
	bad := Incoming(t, Rec{Device: "dev-s", Seq: 2, Kind: record.KindSurvey})
	ingest(t, s, Base, "dev-s", good, bad)
	if n, err := s.FileBodyChecks(ctx, []central.BodyCheck{{RecordID: good.Record.ID}, {RecordID: bad.Record.ID, Problem: "does not open"}}, Base); err != nil || n != 1 {
		t.Fatalf("FileBodyChecks quarantined %d (%v), want 1", n, err)
	}
	for _, purge := range []bool{false, true} {
		if purge {
			if _, err := s.PurgeQuarantined(ctx, nil, Base); err != nil {
				t.Fatal(err)
			}
		}
		recs, err := s.UnaggregatedSurveys(ctx, 10)
		if err != nil || len(recs) != 1 || recs[0].ID != good.Record.ID {
			t.Errorf("purged %v: unaggregated surveys %d (%v), want only the one that opens", purge, len(recs), err)
		}
	}
}
