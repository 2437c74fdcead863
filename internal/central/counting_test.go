package central_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

func incoming(device string, kind record.Kind, subject, alcaldia, channel string, signer []byte) *central.Incoming {
	return &central.Incoming{
		Record:  &record.Record{Envelope: record.Envelope{DeviceID: device, Kind: kind, SubjectID: subject, Alcaldia: alcaldia, SignerIndex: signer}},
		Channel: channel,
	}
}

func TestIncrementsCountWhatAnAcceptedRecordAdds(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 14, 59, 0, time.UTC) // the last minute of a quarter hour
	later := at.Add(2 * time.Second)                     // the next minute and the next quarter
	c := central.NewIncrements()
	if !c.Empty() {
		t.Fatal("new increments are not empty")
	}
	c.Add(incoming("dev-a", record.KindSignature, "p1", "Coyoacán", central.ChannelKiosk, []byte("ana")), at)
	c.Add(incoming("dev-a", record.KindSignature, "p1", "Coyoacán", central.ChannelKiosk, []byte("ana")), at) // the same person again
	c.Add(incoming("dev-a", record.KindSignature, "p2", "", central.ChannelKiosk, nil), later)                // no index: no signer
	c.Add(incoming("dev-b", record.KindSurvey, "", "", central.ChannelBundle, []byte("ignored")), later)      // only signatures count signers
	if c.Empty() {
		t.Fatal("increments with records are empty")
	}

	wantTallies := map[central.TallyKey]int64{
		{Device: "dev-a", Kind: "signature", Channel: "kiosk"}:        3,
		{Device: "dev-b", Kind: "survey_response", Channel: "bundle"}: 1,
	}
	if !reflect.DeepEqual(c.Tallies, wantTallies) {
		t.Errorf("tallies %v, want %v", c.Tallies, wantTallies)
	}
	wantSubjects := map[central.SubjectKey]int64{
		{Kind: "signature", Subject: "p1", Channel: "kiosk", Alcaldia: "Coyoacán"}: 2,
		{Kind: "signature", Subject: "p2", Channel: "kiosk"}:                       1,
		{Kind: "survey_response", Channel: "bundle"}:                               1,
	}
	if !reflect.DeepEqual(c.Subjects, wantSubjects) {
		t.Errorf("subjects %v, want %v", c.Subjects, wantSubjects)
	}
	q := at.UnixMilli() / central.QuarterMS
	if want := map[int64]int64{q: 2, q + 1: 2}; !reflect.DeepEqual(c.Quarters, want) {
		t.Errorf("quarters %v, want %v", c.Quarters, want)
	}
	if central.QuarterStart(q+1) != time.Date(2026, 3, 1, 10, 15, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("quarter %d starts at %d, want 10:15", q+1, central.QuarterStart(q+1))
	}
	m := at.UnixMilli() / central.MinuteMS
	if want := map[int64]int64{m: 2, m + 1: 2}; !reflect.DeepEqual(c.Minutes, want) {
		t.Errorf("minutes %v, want %v", c.Minutes, want)
	}
	if want := map[central.SignerKey]bool{{Subject: "p1", Index: "ana"}: true}; !reflect.DeepEqual(c.Signers, want) {
		t.Errorf("signers %v, want %v", c.Signers, want)
	}
}

func TestStatsBuilderReckonsGaps(t *testing.T) {
	b := central.NewStatsBuilder()
	b.Records("signature", "kiosk", 3)
	b.Records("signature", "bundle", 2)
	b.Devices(true, 2)
	b.Devices(false, 1)
	b.Proposal("p1", 5, 4)
	b.Device("dev-g", 9, 11) // holds 1, 2, 5, 9; reported 11
	b.Device("dev-h", 4, 2)  // reported less than it delivered: no tail
	b.Device("dev-z", 0, 0)
	for _, h := range [][2]int64{{3, 4}, {6, 8}} {
		if err := b.Hole("dev-g", h[0], h[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Hole("dev-unknown", 1, 1); err == nil {
		t.Error("a hole of a device that is not enrolled was accepted")
	}
	st := b.Finish()

	if st.Records != 5 || st.ByKind["signature"] != 5 || st.ByChannel["kiosk"] != 3 || st.ByChannel["bundle"] != 2 {
		t.Errorf("records %d by kind %v by channel %v, want 5 signatures, 3 by kiosk and 2 by bundle", st.Records, st.ByKind, st.ByChannel)
	}
	if st.Devices[central.DeviceActive] != 2 || st.Devices[central.DeviceRevoked] != 1 {
		t.Errorf("devices %v, want 2 active and 1 revoked", st.Devices)
	}
	if want := []central.ProposalStats{{ID: "p1", Supports: 5, UniqueSigners: 4}}; !reflect.DeepEqual(st.Proposals, want) {
		t.Errorf("proposals %v, want %v", st.Proposals, want)
	}
	g := st.Gaps[0]
	want := []central.SeqRange{{From: 3, To: 4}, {From: 6, To: 8}, {From: 10, To: 11}}
	if g.DeviceID != "dev-g" || g.HighestSeq != 9 || g.ReportedSeq != 11 || g.Missing != 7 || fmt.Sprint(g.Ranges) != fmt.Sprint(want) {
		t.Errorf("gaps %+v, want ranges %v and 7 missing", g, want)
	}
	for _, g := range st.Gaps[1:] {
		if g.Missing != 0 || g.Ranges == nil || len(g.Ranges) != 0 {
			t.Errorf("device %s has gaps %+v, want an empty list", g.DeviceID, g)
		}
	}
	if st.Missing != 7 {
		t.Errorf("missing %d, want 7", st.Missing)
	}
}

// row is a stored row as a driver hands it to Scan.
type row []any

func (r row) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("%d columns, scanned into %d", len(r), len(dest))
	}
	for i, v := range r {
		reflect.ValueOf(dest[i]).Elem().Set(reflect.ValueOf(v))
	}
	return nil
}

func TestScanRecordReadsRecordColumns(t *testing.T) {
	id := [16]byte{1, 2, 3}
	dt, recvd := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC)
	r, err := central.ScanRecord(row{id[:], "dev-a", int64(7), "signature", "p1", "", "Tlalpan", "kiosk", "bundle",
		dt.UnixMilli(), recvd.UnixMilli(), "ABCD-EFGH", []byte("data"), central.BodyQuarantined})
	if err != nil {
		t.Fatal(err)
	}
	want := central.StoredRecord{ID: id, DeviceID: "dev-a", Seq: 7, Kind: "signature", SubjectID: "p1", Alcaldia: "Tlalpan",
		Mode: "kiosk", Channel: "bundle", DeviceTime: dt, ReceivedAt: recvd, Receipt: "ABCD-EFGH", Data: []byte("data"), BodyState: central.BodyQuarantined}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("scanned %+v, want %+v", r, want)
	}
	if _, err := central.ScanRecord(row{[]byte{1, 2}, "dev-a", int64(7), "signature", "p1", "", "", "kiosk", "kiosk",
		dt.UnixMilli(), recvd.UnixMilli(), "", []byte("data"), central.BodyUnchecked}); err == nil || !strings.Contains(err.Error(), "has 2 bytes") {
		t.Error("a two-byte record id was accepted")
	}
	broken := errors.New("connection lost")
	if _, err := central.ScanRecord(failing{broken}); !errors.Is(err, broken) {
		t.Errorf("scan error %v, want %v", err, broken)
	}
}

type failing struct{ err error }

func (f failing) Scan(...any) error { return f.err }
