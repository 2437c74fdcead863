// Package storetest is the conformance suite every central store passes:
// the same table of behaviours, run against SQLite and PostgreSQL.
package storetest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Opener opens a fresh, empty store for one test; it registers its own
// cleanup.
type Opener func(t *testing.T) central.OperationsStore

// Base is the instant the suite's records arrive around: 2026-03-10 12:00
// in Mexico City (UTC-6, no daylight saving since 2022).
var Base = time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)

// MexicoCity is the campaign's time zone; tests fall back to a fixed
// UTC-6 zone when the system has no zoneinfo.
func MexicoCity() *time.Location {
	if loc, err := time.LoadLocation("America/Mexico_City"); err == nil {
		return loc
	}
	return time.FixedZone("CST", -6*3600)
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s central.OperationsStore)
	}{
		{"a token enrolls one device however many race for it", testEnrollRace},
		{"enrollment refuses bad, used and expired codes and answers a lost reply", testEnrollCodes},
		{"a token's mode and name replace the device's", testEnrollOverrides},
		{"devices are listed by enrollment with their progress", testDevices},
		{"revoking keeps the first time and refuses unknown devices", testRevoke},
		{"heartbeats keep the latest health and the highest sequence", testHeartbeats},
		{"gaps list missing sequence numbers and the reported tail", testGaps},
		{"campaign versions are kept in order and never replaced", testCampaigns},
		{"ingest classifies accepted, duplicate and conflict", testIngestClassification},
		{"ingest answers in the shape of the batches", testIngestShape},
		{"concurrent identical batches store each record once", testIngestConcurrent},
		{"stats count records, channels, devices and signers", testStats},
		{"tallies count by kind, channel, alcaldia and subject", testTallies},
		{"tallies count a record once under duplicates, conflicts and re-imports", testTalliesReimport},
		{"tallies count today and the last hour at an injected now", testTalliesTime},
		{"tallies of an empty store list every kind and channel at zero", testTalliesEmpty},
		{"survey aggregation files answers once per record", testSurveyAggregation},
		{"records are read in device order, filtered by kind, and counted", testEachRecord},
		{"stopping record iteration returns the callback's error", testEachRecordStop},
		{"receipt lookup finds stored records only", testReceipts},
		{"operators are created once, listed and updated", testOperators},
		{"sessions expire and can be deleted", testSessions},
		{"operators have roles that sessions read at once", testOperatorRoles},
		{"a password change, a disable and a removal end sessions", testSessionsEnd},
		{"the audit log chains entries and signs checkpoints", testAuditLog},
		{"concurrent audit appends keep one chain", testAuditConcurrent},
		{"an ARCO cancellation leaves tombstones that no longer count and cannot come back", testCancel},
		{"ARCO requests get their deadline and are answered once", testARCORequests},
		{"body checks file each record once and quarantine those that do not open", testBodyChecks},
		{"purging a quarantined body keeps the envelope, gaps and duplicates", testQuarantinePurge},
		{"survey aggregation leaves quarantined responses out", testSurveysSkipQuarantine},
		{"a roll is replaced whole and each import recorded", testRollReplace},
		{"supports are classified exactly as fieldsim knows them, and counted", testRollClassification},
		{"a new roll re-classifies supports but keeps reviewer decisions", testRollReimport},
		{"the review desk lists unverified supports and records decisions", testSupportDesk},
		{"the review desk opens a support for a reviewer, and audits who saw it", testSupportView},
		{"a support cancelled by its signer stops counting, and their other support counts instead", testRollCancel},
		{"authors' supports are checked against the roll for what their proposal became, once per person", testRollAuthorSupports},
		{"cancelling a merged or published author's proposal takes their support back, unless they signed directly", testRollAuthorCancel},
		{"signer counts are unique signers per proposal across batches", testSignerCounts},
		{"the moderation queue files submissions once, pages, filters and records decisions", testModerationQueue},
		{"an author's support counts once for what their submission became", testModerationSupports},
		{"a cancelled submission leaves the queue and its author's support", testModerationWithdrawn},
		{"tier crossings keep their first time and list oldest first", testCrossings},
		{"responses are kept per proposal and tier, a correction replacing", testResponses},
		{"the campaign draft is saved over the revision before it, one racing save winning", testDrafts},
		{"published versions keep who published them and from where", testVersionsRecordWhoAndWhence},
		{"ingest refuses a support for a proposal its version closed and counts those made while it was open", testClosedProposalIngest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// Enrolled stores a device through a fresh token.
func Enrolled(tb testing.TB, s central.Store, id, mode string) central.Device {
	tb.Helper()
	hash := central.HashToken("T-" + id)
	if err := s.CreateToken(context.Background(), central.Token{Hash: hash, CreatedAt: Base.Add(-time.Hour), ExpiresAt: Base.Add(time.Hour)}); err != nil {
		tb.Fatal(err)
	}
	d, err := s.Enroll(context.Background(), hash, newDevice(tb, id, mode), Base.Add(-time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func newDevice(tb testing.TB, id, mode string) central.Device {
	tb.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return central.Device{ID: id, PublicKey: pub, Name: "dev " + id, Mode: mode, AppVersion: "1.0.0", EnrolledAt: Base.Add(-time.Hour)}
}

// Rec describes a record for the suite; zero fields take defaults.
type Rec struct {
	Device   string
	Seq      uint64
	Kind     record.Kind
	Subject  string
	Alcaldia string
	Signer   string // voter id; signatures get a blind index of it
	Mode     string
	Channel  string // "" = Mode
	Body     string // sealed body stand-in; different bodies make conflicts
}

// Incoming builds the record as the server hands it to a store. Stores
// trust the server's checks, so the body is plain bytes and the record is
// unsigned.
func Incoming(tb testing.TB, r Rec) central.Incoming {
	tb.Helper()
	id, err := record.NewID()
	if err != nil {
		tb.Fatal(err)
	}
	return IncomingWithID(r, id)
}

// IncomingWithID is Incoming with a chosen id, for duplicates and
// conflicts.
func IncomingWithID(r Rec, id [16]byte) central.Incoming {
	if r.Kind == "" {
		r.Kind = record.KindSignature
	}
	if r.Subject == "" {
		r.Subject = map[record.Kind]string{
			record.KindSurvey:    "imagina",
			record.KindSignature: "p-agua",
			record.KindEvent:     "asamblea-1",
			record.KindComment:   "art-1",
		}[r.Kind]
	}
	if r.Mode == "" {
		r.Mode = record.ModeKiosk
	}
	if r.Channel == "" {
		r.Channel = r.Mode
	}
	rec := &record.Record{Envelope: record.Envelope{
		ID: id, DeviceID: r.Device, Seq: r.Seq, Kind: r.Kind, CampaignID: "cdmx-2016", CampaignVersion: 1,
		SubjectID: r.Subject, DeviceTime: Base.Add(-time.Duration(r.Seq) * time.Minute).Truncate(time.Millisecond),
		SchemaVersion: record.SchemaVersion, Mode: r.Mode, Alcaldia: r.Alcaldia,
	}}
	if r.Kind == record.KindSignature && r.Signer != "" {
		rec.SignerIndex = record.BlindIndex([]byte("storetest dedupe key"), r.Signer, r.Subject)
	}
	rec.Body = []byte("body " + r.Body)
	rec.Sig = make([]byte, ed25519.SignatureSize)
	data := rec.Marshal()
	return central.Incoming{Record: rec, Data: data, Hash: sha256.Sum256(data), Receipt: record.ReceiptCode(rec.ID), Channel: r.Channel}
}

func ingest(tb testing.TB, s central.Store, at time.Time, device string, recs ...central.Incoming) []protocol.Status {
	tb.Helper()
	out, err := s.Ingest(context.Background(), at, []central.IngestBatch{{DeviceID: device, Records: recs}})
	if err != nil {
		tb.Fatal(err)
	}
	return out[0]
}

func testEnrollRace(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	hash := central.HashToken("RACE")
	if err := s.CreateToken(ctx, central.Token{Hash: hash, CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const racers = 12
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  []string
		errs []error
	)
	for i := range racers {
		d := newDevice(t, fmt.Sprintf("race-%02d", i), record.ModeKiosk)
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.Enroll(ctx, hash, d, Base)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			won = append(won, got.ID)
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d devices enrolled with one token, want 1 (%v)", len(won), won)
	}
	for _, err := range errs {
		if !errors.Is(err, central.ErrCodeUsed) {
			t.Errorf("losing racer got %v, want ErrCodeUsed", err)
		}
	}
	list, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != won[0] {
		t.Errorf("devices after the race: %+v, want only %s", list, won[0])
	}
}

func testEnrollCodes(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	good, expired := central.HashToken("GOOD"), central.HashToken("OLD")
	for _, tok := range []central.Token{
		{Hash: good, CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)},
		{Hash: expired, CreatedAt: Base.Add(-2 * time.Hour), ExpiresAt: Base.Add(-time.Hour)},
	} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	first := newDevice(t, "dev-a", record.ModeKiosk)
	if _, err := s.Enroll(ctx, good, first, Base); err != nil {
		t.Fatal(err)
	}
	again, err := s.Enroll(ctx, good, newDevice(t, "dev-a2", record.ModeKiosk), Base)
	_ = again
	tests := []struct {
		name string
		hash []byte
		d    central.Device
		want error
	}{
		{"unknown code", central.HashToken("NOPE"), newDevice(t, "dev-b", record.ModeKiosk), central.ErrBadCode},
		{"expired code", expired, newDevice(t, "dev-c", record.ModeKiosk), central.ErrCodeExpired},
		{"used code with another key", good, newDevice(t, "dev-d", record.ModeKiosk), central.ErrCodeUsed},
		{"used code with the same key", good, first, nil},
	}
	if !errors.Is(err, central.ErrCodeUsed) {
		t.Errorf("second device on a used code: %v, want ErrCodeUsed", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Enroll(ctx, tt.hash, tt.d, Base.Add(time.Minute))
			if !errors.Is(err, tt.want) {
				t.Fatalf("enroll: %v, want %v", err, tt.want)
			}
			if err == nil && got.ID != first.ID {
				t.Errorf("lost reply answered device %q, want %q", got.ID, first.ID)
			}
		})
	}
}

func testEnrollOverrides(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	hash := central.HashToken("CANVAS")
	if err := s.CreateToken(ctx, central.Token{Hash: hash, Mode: record.ModeCanvasser, Name: "Tablet 7", CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Enroll(ctx, hash, newDevice(t, "dev-o", record.ModeKiosk), Base)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.Device(ctx, "dev-o")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []central.Device{got, stored} {
		if d.Mode != record.ModeCanvasser || d.Name != "Tablet 7" {
			t.Errorf("device mode %q name %q, want canvasser and Tablet 7", d.Mode, d.Name)
		}
	}
	if !bytes.Equal(stored.PublicKey, got.PublicKey) || stored.State() != central.DeviceActive {
		t.Errorf("stored device %+v differs from enrolled %+v", stored, got)
	}
}

func testDevices(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if _, err := s.Device(ctx, "ghost"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("unknown device: %v, want ErrNotFound", err)
	}
	ids := []string{"dev-b", "dev-a", "dev-c"}
	for i, id := range ids {
		hash := central.HashToken("T-" + id)
		if err := s.CreateToken(ctx, central.Token{Hash: hash, CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		d := newDevice(t, id, record.ModeKiosk)
		d.EnrolledAt = Base.Add(time.Duration(i) * time.Minute)
		if _, err := s.Enroll(ctx, hash, d, Base); err != nil {
			t.Fatal(err)
		}
	}
	ingest(t, s, Base, "dev-a", Incoming(t, Rec{Device: "dev-a", Seq: 1}), Incoming(t, Rec{Device: "dev-a", Seq: 2}))
	list, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d devices, want 3", len(list))
	}
	for i, id := range ids {
		if list[i].ID != id {
			t.Errorf("device %d is %s, want %s (enrollment order)", i, list[i].ID, id)
		}
	}
	if a := list[1]; a.Records != 2 || a.LastSeq != 2 || !a.LastSeen.Equal(Base) || a.Health != nil {
		t.Errorf("dev-a progress: records %d last seq %d last seen %v health %v", a.Records, a.LastSeq, a.LastSeen, a.Health)
	}
}

func testRevoke(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-r", record.ModeKiosk)
	if err := s.RevokeDevice(ctx, "dev-r", Base); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeDevice(ctx, "dev-r", Base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, err := s.Device(ctx, "dev-r")
	if err != nil {
		t.Fatal(err)
	}
	if d.State() != central.DeviceRevoked || !d.RevokedAt.Equal(Base) {
		t.Errorf("revoked at %v state %s, want %v revoked", d.RevokedAt, d.State(), Base)
	}
	if err := s.RevokeDevice(ctx, "ghost", Base); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("revoke unknown: %v, want ErrNotFound", err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Devices[central.DeviceRevoked] != 1 || st.Devices[central.DeviceActive] != 0 {
		t.Errorf("device states %v, want one revoked", st.Devices)
	}
}

func testHeartbeats(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-h", record.ModeCanvasser)
	beats := []protocol.Heartbeat{
		{DeviceID: "dev-h", SentAt: Base, Pending: 5, OldestPending: Base.Add(-time.Hour), LastSeq: 40, FreeDisk: 1 << 30, AppVersion: "1.0.0", CampaignVersion: 1, Mode: record.ModeCanvasser},
		{DeviceID: "dev-h", SentAt: Base.Add(time.Minute), Pending: 2, Synced: 38, Dead: 1, LastSeq: 12, FreeDisk: 1 << 29, AppVersion: "1.0.1", CampaignVersion: 2, Mode: record.ModeCanvasser, LastError: "timeout"},
	}
	for i, hb := range beats {
		if err := s.SaveHeartbeat(ctx, "dev-h", hb, Base.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := list[0].Health
	if h == nil {
		t.Fatal("no health after two heartbeats")
	}
	want := beats[1]
	if !h.ReceivedAt.Equal(Base.Add(time.Minute)) || h.Heartbeat.Pending != want.Pending || h.Heartbeat.Dead != 1 ||
		h.Heartbeat.Synced != 38 || h.Heartbeat.LastSeq != 12 || h.Heartbeat.AppVersion != "1.0.1" ||
		h.Heartbeat.CampaignVersion != 2 || h.Heartbeat.LastError != "timeout" || !h.Heartbeat.OldestPending.IsZero() ||
		h.Heartbeat.FreeDisk != 1<<29 || !h.Heartbeat.SentAt.Equal(want.SentAt) {
		t.Errorf("health %+v, want the latest heartbeat %+v", h, want)
	}
	if !list[0].LastSeen.Equal(Base.Add(time.Minute)) {
		t.Errorf("last seen %v, want %v", list[0].LastSeen, Base.Add(time.Minute))
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g := st.Gaps[0]; g.ReportedSeq != 40 || g.Missing != 40 {
		t.Errorf("gaps %+v, want the highest reported sequence 40 kept, 40 missing", g)
	}
}

func testGaps(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-g", record.ModeKiosk)
	Enrolled(t, s, "dev-z", record.ModeKiosk)
	var recs []central.Incoming
	for _, seq := range []uint64{1, 2, 5, 9} {
		recs = append(recs, Incoming(t, Rec{Device: "dev-g", Seq: seq}))
	}
	ingest(t, s, Base, "dev-g", recs...)
	if err := s.SaveHeartbeat(ctx, "dev-g", protocol.Heartbeat{DeviceID: "dev-g", LastSeq: 11}, Base); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Gaps) != 2 {
		t.Fatalf("%d gap reports, want one per device", len(st.Gaps))
	}
	g := st.Gaps[0]
	want := []central.SeqRange{{From: 3, To: 4}, {From: 6, To: 8}, {From: 10, To: 11}}
	if g.DeviceID != "dev-g" || g.HighestSeq != 9 || g.ReportedSeq != 11 || g.Missing != 7 || fmt.Sprint(g.Ranges) != fmt.Sprint(want) {
		t.Errorf("gaps %+v, want ranges %v", g, want)
	}
	if z := st.Gaps[1]; z.Missing != 0 || len(z.Ranges) != 0 {
		t.Errorf("device without records has gaps %+v", z)
	}
	if st.Missing != 7 {
		t.Errorf("missing %d, want 7", st.Missing)
	}
}

func testCampaigns(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if v, err := s.LatestCampaignVersion(ctx); err != nil || v != 0 {
		t.Fatalf("latest version of an empty store: %d, %v", v, err)
	}
	for _, v := range []int{1, 2} {
		c := central.PublishedCampaign{Version: v, CampaignID: "cdmx-2016", Content: []byte(fmt.Sprintf(`{"version":%d}`, v)),
			Signature: []byte{byte(v)}, PublishedAt: Base.Add(time.Duration(v) * time.Hour)}
		if err := s.PublishCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	err := s.PublishCampaign(ctx, central.PublishedCampaign{Version: 2, CampaignID: "cdmx-2016", Content: []byte(`{}`), Signature: []byte{9}, PublishedAt: Base})
	if !errors.Is(err, central.ErrVersionExists) {
		t.Errorf("republish version 2: %v, want ErrVersionExists", err)
	}
	all, err := s.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Version != 1 || all[1].Version != 2 || string(all[1].Content) != `{"version":2}` ||
		!bytes.Equal(all[1].Signature, []byte{2}) || !all[1].PublishedAt.Equal(Base.Add(2*time.Hour)) {
		t.Errorf("campaigns %+v", all)
	}
	if v, err := s.LatestCampaignVersion(ctx); err != nil || v != 2 {
		t.Errorf("latest version %d, %v; want 2", v, err)
	}
}

func testIngestClassification(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-i", record.ModeKiosk)
	orig := Incoming(t, Rec{Device: "dev-i", Seq: 1, Signer: "ABC", Body: "one"})
	other := IncomingWithID(Rec{Device: "dev-i", Seq: 1, Signer: "ABC", Body: "two"}, orig.Record.ID)
	third := IncomingWithID(Rec{Device: "dev-i", Seq: 1, Signer: "ABC", Body: "three"}, orig.Record.ID)
	tests := []struct {
		name string
		in   central.Incoming
		want protocol.Status
	}{
		{"a new record is accepted", orig, protocol.Accepted},
		{"the same bytes again are a duplicate", orig, protocol.Duplicate},
		{"other bytes under the same id are a conflict", other, protocol.Conflict},
		{"the same conflicting copy again is still a conflict", other, protocol.Conflict},
		{"a third copy is another conflict", third, protocol.Conflict},
		{"the original after conflicts is a duplicate", orig, protocol.Duplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ingest(t, s, Base, "dev-i", tt.in); got[0] != tt.want {
				t.Errorf("status %s, want %s", got[0], tt.want)
			}
		})
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || st.Duplicates != 2 || st.Conflicts != 2 {
		t.Errorf("records %d duplicates %d conflicts %d, want 1, 2, 2 (each distinct copy kept once)", st.Records, st.Duplicates, st.Conflicts)
	}
	got, err := s.RecordsByReceipt(ctx, orig.Receipt)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, orig.Data) {
		t.Errorf("stored copy is not the first one: %v %v", got, err)
	}
}

func testIngestShape(t *testing.T, s central.OperationsStore) {
	Enrolled(t, s, "dev-a", record.ModeKiosk)
	Enrolled(t, s, "dev-b", record.ModeCanvasser)
	a1 := Incoming(t, Rec{Device: "dev-a", Seq: 1})
	b1 := Incoming(t, Rec{Device: "dev-b", Seq: 1, Mode: record.ModeCanvasser})
	out, err := s.Ingest(context.Background(), Base, []central.IngestBatch{
		{DeviceID: "dev-a", Records: []central.Incoming{a1, Incoming(t, Rec{Device: "dev-a", Seq: 2})}},
		{DeviceID: "dev-b", Records: []central.Incoming{b1}},
		{DeviceID: "dev-a", Records: []central.Incoming{a1}},
		{DeviceID: "dev-b", Records: nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]protocol.Status{{protocol.Accepted, protocol.Accepted}, {protocol.Accepted}, {protocol.Duplicate}, {}}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", out, want)
	}
	d, err := s.Device(context.Background(), "dev-b")
	if err != nil {
		t.Fatal(err)
	}
	if !d.LastSeen.Equal(Base) {
		t.Errorf("device with an empty batch last seen %v, want %v", d.LastSeen, Base)
	}
}

func testIngestConcurrent(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-c", record.ModeKiosk)
	var recs []central.Incoming
	for i := range 200 {
		recs = append(recs, Incoming(t, Rec{Device: "dev-c", Seq: uint64(i + 1), Signer: fmt.Sprintf("V%d", i%50)}))
	}
	reversed := make([]central.Incoming, len(recs))
	for i, r := range recs {
		reversed[len(recs)-1-i] = r
	}
	const nodes = 4
	results := make([][][]protocol.Status, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		batch := recs
		if i%2 == 1 {
			batch = reversed // the other order is what deadlocks a careless store
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Ingest(ctx, Base, []central.IngestBatch{{DeviceID: "dev-c", Records: batch}})
		}()
	}
	wg.Wait()
	accepted := map[[16]byte]int{}
	for i := range nodes {
		if errs[i] != nil {
			t.Fatalf("node %d: %v", i, errs[i])
		}
		batch := recs
		if i%2 == 1 {
			batch = reversed
		}
		for j, st := range results[i][0] {
			switch st {
			case protocol.Accepted:
				accepted[batch[j].Record.ID]++
			case protocol.Duplicate:
			default:
				t.Errorf("node %d record %d: %s", i, j, st)
			}
		}
	}
	for _, r := range recs {
		if accepted[r.Record.ID] != 1 {
			t.Errorf("record %s accepted %d times", r.Record.ID, accepted[r.Record.ID])
		}
	}
	tl, err := s.Tallies(ctx, Base, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Records != 200 || tl.Duplicates != 200*(nodes-1) || len(tl.Proposals) != 1 ||
		tl.Proposals[0].Supports != 200 || tl.Proposals[0].UniqueSigners != 50 {
		t.Errorf("tallies after concurrent replays: records %d duplicates %d proposals %+v", tl.Records, tl.Duplicates, tl.Proposals)
	}
}

func testStats(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-s", record.ModeKiosk)
	ingest(t, s, Base, "dev-s",
		Incoming(t, Rec{Device: "dev-s", Seq: 1, Signer: "A"}),
		Incoming(t, Rec{Device: "dev-s", Seq: 2, Signer: "A"}),
		Incoming(t, Rec{Device: "dev-s", Seq: 3, Signer: "B", Subject: "p-luz"}),
		Incoming(t, Rec{Device: "dev-s", Seq: 4, Kind: record.KindSurvey}),
		Incoming(t, Rec{Device: "dev-s", Seq: 5, Kind: record.KindComment, Channel: central.ChannelBundle}),
	)
	if err := s.PublishCampaign(ctx, central.PublishedCampaign{Version: 3, CampaignID: "cdmx-2016", Content: []byte(`{}`), Signature: []byte{1}, PublishedAt: Base}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantProposals := []central.ProposalStats{{ID: "p-agua", Supports: 2, UniqueSigners: 1}, {ID: "p-luz", Supports: 1, UniqueSigners: 1}}
	if st.Records != 5 || st.ByKind["signature"] != 3 || st.ByKind["survey_response"] != 1 || st.ByChannel["kiosk"] != 4 ||
		st.ByChannel["bundle"] != 1 || st.Devices[central.DeviceActive] != 1 || st.CampaignVersion != 3 ||
		fmt.Sprint(st.Proposals) != fmt.Sprint(wantProposals) {
		t.Errorf("stats %+v", st)
	}
}

func testTallies(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-k", record.ModeKiosk)
	Enrolled(t, s, "dev-v", record.ModeCanvasser)
	ingest(t, s, Base, "dev-k",
		Incoming(t, Rec{Device: "dev-k", Seq: 1, Signer: "A", Alcaldia: "coyoacan"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 2, Signer: "A", Alcaldia: "coyoacan"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 3, Signer: "B", Alcaldia: "tlalpan"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 4, Kind: record.KindSurvey, Alcaldia: "tlalpan"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 5, Kind: record.KindComment, Subject: "art-2"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 6, Kind: record.KindComment, Subject: "art-2"}),
		Incoming(t, Rec{Device: "dev-k", Seq: 7, Kind: record.KindComment, Subject: "art-1"}),
	)
	ingest(t, s, Base.Add(25*time.Hour), "dev-v",
		Incoming(t, Rec{Device: "dev-v", Seq: 1, Mode: record.ModeCanvasser, Signer: "A", Alcaldia: "coyoacan"}),
		Incoming(t, Rec{Device: "dev-v", Seq: 2, Mode: record.ModeCanvasser, Signer: "C", Subject: "p-luz"}),
		Incoming(t, Rec{Device: "dev-v", Seq: 3, Mode: record.ModeCanvasser, Kind: record.KindEvent}),
	)
	tl, err := s.Tallies(ctx, Base.Add(26*time.Hour), MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"records", tl.Records, int64(10)},
		{"by kind", tl.ByKind, map[string]int64{"signature": 5, "survey_response": 1, "event_registration": 1, "comment": 3, "proposal": 0, "event_proposal": 0}},
		{"by channel", tl.ByChannel, map[string]int64{"kiosk": 7, "canvasser": 3, "bundle": 0}},
		{"by alcaldia", tl.ByAlcaldia, map[string]int64{"coyoacan": 3, "tlalpan": 2, "": 5}},
		{"by day", tl.ByDay, []central.DayCount{{Day: "2026-03-10", Records: 7}, {Day: "2026-03-11", Records: 3}}},
		{"proposals", tl.Proposals, []central.ProposalTally{
			{ID: "p-agua", Supports: 4, UniqueSigners: 2, Repeats: 2,
				ByChannel:  map[string]int64{"kiosk": 3, "canvasser": 1},
				ByAlcaldia: map[string]int64{"coyoacan": 3, "tlalpan": 1}},
			{ID: "p-luz", Supports: 1, UniqueSigners: 1, ByChannel: map[string]int64{"canvasser": 1}, ByAlcaldia: map[string]int64{"": 1}},
		}},
		{"events", tl.Events, []central.SubjectCount{{ID: "asamblea-1", Records: 1}}},
		{"articles", tl.Articles, []central.SubjectCount{{ID: "art-1", Records: 1}, {ID: "art-2", Records: 2}}},
		{"closed surveys", tl.SurveyClosed, int64(1)},
		{"today", tl.Today, int64(3)},
		{"last hour", tl.LastHour, int64(0)},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	n, err := s.CountRecords(ctx, "")
	if err != nil || n != tl.Records {
		t.Errorf("count of all records %d (%v), tallies say %d", n, err, tl.Records)
	}
}

func testTalliesReimport(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-u", record.ModeCanvasser)
	var recs []central.Incoming
	for i := range 6 {
		recs = append(recs, Incoming(t, Rec{Device: "dev-u", Seq: uint64(i + 1), Mode: record.ModeCanvasser,
			Channel: central.ChannelBundle, Signer: fmt.Sprintf("V%d", i%3), Alcaldia: "iztapalapa"}))
	}
	// The USB bundle arrives first, then the device syncs the same records
	// itself, then the bundle is imported a second time.
	ingest(t, s, Base, "dev-u", recs...)
	upload := make([]central.Incoming, len(recs))
	for i, r := range recs {
		r.Channel = record.ModeCanvasser
		upload[i] = r
	}
	for _, st := range ingest(t, s, Base.Add(time.Hour), "dev-u", upload...) {
		if st != protocol.Duplicate {
			t.Fatalf("device upload after the bundle: %s, want duplicate", st)
		}
	}
	ingest(t, s, Base.Add(2*time.Hour), "dev-u", recs...)
	forged := IncomingWithID(Rec{Device: "dev-u", Seq: 1, Mode: record.ModeCanvasser, Signer: "V9", Body: "changed"}, recs[0].Record.ID)
	if st := ingest(t, s, Base.Add(2*time.Hour), "dev-u", forged); st[0] != protocol.Conflict {
		t.Fatalf("changed copy: %s, want conflict", st[0])
	}
	tl, err := s.Tallies(ctx, Base.Add(2*time.Hour), MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	want := central.ProposalTally{ID: "p-agua", Supports: 6, UniqueSigners: 3, Repeats: 3,
		ByChannel: map[string]int64{"bundle": 6}, ByAlcaldia: map[string]int64{"iztapalapa": 6}}
	if tl.Records != 6 || tl.Duplicates != 12 || tl.Conflicts != 1 || tl.ByChannel["bundle"] != 6 || tl.ByChannel["canvasser"] != 0 ||
		len(tl.Proposals) != 1 || fmt.Sprint(tl.Proposals[0]) != fmt.Sprint(want) || tl.Today != 6 ||
		fmt.Sprint(tl.ByDay) != fmt.Sprint([]central.DayCount{{Day: "2026-03-10", Records: 6}}) {
		t.Errorf("tallies after re-imports: records %d duplicates %d conflicts %d channels %v proposals %+v today %d days %v",
			tl.Records, tl.Duplicates, tl.Conflicts, tl.ByChannel, tl.Proposals, tl.Today, tl.ByDay)
	}
}

func testTalliesTime(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-t", record.ModeKiosk)
	loc := MexicoCity()
	// Base is 12:00 in Mexico City; local midnight is 06:00 UTC, Base-12h.
	arrivals := []time.Duration{-13 * time.Hour, -12*time.Hour - time.Minute, -12 * time.Hour, -2 * time.Hour, -59 * time.Minute, -30 * time.Minute, 0}
	for i, d := range arrivals {
		ingest(t, s, Base.Add(d), "dev-t", Incoming(t, Rec{Device: "dev-t", Seq: uint64(i + 1)}))
	}
	tests := []struct {
		name            string
		now             time.Time
		loc             *time.Location
		today, lastHour int64
		days            int
	}{
		{"at noon in Mexico City", Base, loc, 5, 3, 2},
		{"59 minutes later", Base.Add(59 * time.Minute), loc, 5, 1, 2},
		{"the next morning", Base.Add(13 * time.Hour), loc, 0, 0, 2},
		{"in UTC every record is today", Base, time.UTC, 7, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := s.Tallies(ctx, tt.now, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if tl.Today != tt.today || tl.LastHour != tt.lastHour || len(tl.ByDay) != tt.days {
				t.Errorf("today %d last hour %d days %v; want %d, %d, %d days", tl.Today, tl.LastHour, tl.ByDay, tt.today, tt.lastHour, tt.days)
			}
		})
	}
}

func testTalliesEmpty(t *testing.T, s central.OperationsStore) {
	tl, err := s.Tallies(context.Background(), Base, MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.ByKind) != len(record.Kinds) || len(tl.ByChannel) != 3 || tl.Records != 0 || tl.Proposals == nil ||
		tl.ByDay == nil || tl.Events == nil || tl.Articles == nil || tl.Survey.Questions == nil {
		t.Errorf("empty tallies %+v", tl)
	}
}

func testSurveyAggregation(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-q", record.ModeKiosk)
	var surveys []central.Incoming
	for i := range 3 {
		surveys = append(surveys, Incoming(t, Rec{Device: "dev-q", Seq: uint64(i + 1), Kind: record.KindSurvey}))
		ingest(t, s, Base.Add(time.Duration(i)*time.Minute), "dev-q", surveys[i])
	}
	ingest(t, s, Base, "dev-q", Incoming(t, Rec{Device: "dev-q", Seq: 9}))
	pending, err := s.UnaggregatedSurveys(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0].ID != surveys[0].Record.ID || pending[2].ID != surveys[2].Record.ID || pending[0].Kind != "survey_response" {
		t.Fatalf("unaggregated %d records, want the 3 surveys oldest first", len(pending))
	}
	if two, err := s.UnaggregatedSurveys(ctx, 2); err != nil || len(two) != 2 {
		t.Errorf("limit 2 returned %d (%v)", len(two), err)
	}
	answers := map[string][]string{
		"q1": {central.SurveyOptionPrefix + "agua"},
		"q2": {central.SurveyOptionPrefix + "a", central.SurveyOptionPrefix + "b"},
		"q3": {central.SurveyValuePrefix + "4"},
		"q4": {},
	}
	// The first survey comes twice in one call (two nodes' listings
	// merged) and an unknown record with it: each known one counts once.
	first := []central.SurveyAnswers{
		{RecordID: surveys[0].Record.ID, Answers: answers},
		{RecordID: [16]byte{1}, Answers: answers},
		{RecordID: surveys[0].Record.ID, Answers: answers},
	}
	if n, err := s.AggregateSurveys(ctx, first); err != nil || n != 1 {
		t.Fatalf("aggregate the first survey: %d, %v; want 1", n, err)
	}
	both := []central.SurveyAnswers{{RecordID: surveys[0].Record.ID, Answers: answers}, {RecordID: surveys[1].Record.ID, Answers: answers}}
	if n, err := s.AggregateSurveys(ctx, both); err != nil || n != 1 {
		t.Fatalf("aggregate the first two: %d, %v; want 1 (the first was done)", n, err)
	}
	if n, err := s.AggregateSurveys(ctx, both); err != nil || n != 0 {
		t.Fatalf("aggregate them again: %d, %v; want 0", n, err)
	}
	if n, err := s.AggregateSurveys(ctx, nil); err != nil || n != 0 {
		t.Fatalf("aggregate nothing: %d, %v", n, err)
	}
	tl, err := s.Tallies(ctx, Base, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]central.QuestionTally{
		"q1": {Answered: 2, Options: map[string]int64{"agua": 2}},
		"q2": {Answered: 2, Options: map[string]int64{"a": 2, "b": 2}},
		"q3": {Answered: 2, Values: map[string]int64{"4": 2}},
		"q4": {Answered: 2},
	}
	if tl.Survey.Responses != 2 || tl.SurveyClosed != 1 || fmt.Sprint(tl.Survey.Questions) != fmt.Sprint(want) {
		t.Errorf("survey tally %+v closed %d, want %v and 1 closed", tl.Survey, tl.SurveyClosed, want)
	}
	left, err := s.UnaggregatedSurveys(ctx, 10)
	if err != nil || len(left) != 1 || left[0].ID != surveys[2].Record.ID {
		t.Errorf("left unaggregated: %d (%v), want the third survey", len(left), err)
	}
}

func testEachRecord(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-b", record.ModeKiosk)
	Enrolled(t, s, "dev-a", record.ModeKiosk)
	const n = 1203 // more than one page
	var batch []central.Incoming
	for i := range n {
		kind := record.KindSignature
		if i%3 == 0 {
			kind = record.KindComment
		}
		batch = append(batch, Incoming(t, Rec{Device: "dev-b", Seq: uint64(n - i), Kind: kind, Alcaldia: "tlalpan"}))
	}
	ingest(t, s, Base, "dev-b", batch...)
	first := Incoming(t, Rec{Device: "dev-a", Seq: 7, Kind: record.KindEvent, Mode: record.ModeCanvasser})
	ingest(t, s, Base, "dev-a", first)
	tests := []struct {
		kind string
		want int64
	}{{"", n + 1}, {"comment", (n + 2) / 3}, {"signature", n - (n+2)/3}, {"event_registration", 1}, {"survey_response", 0}}
	for _, tt := range tests {
		t.Run("kind "+tt.kind, func(t *testing.T) {
			var got []central.StoredRecord
			err := s.EachRecord(ctx, tt.kind, func(r central.StoredRecord) error {
				got = append(got, r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != tt.want {
				t.Fatalf("%d records, want %d", len(got), tt.want)
			}
			for i := 1; i < len(got); i++ {
				a, b := got[i-1], got[i]
				if a.DeviceID > b.DeviceID || (a.DeviceID == b.DeviceID && a.Seq >= b.Seq) {
					t.Fatalf("record %d (%s %d) after (%s %d): not in device order", i, b.DeviceID, b.Seq, a.DeviceID, a.Seq)
				}
				if tt.kind != "" && b.Kind != tt.kind {
					t.Fatalf("record of kind %s in a %s listing", b.Kind, tt.kind)
				}
			}
			if c, err := s.CountRecords(ctx, tt.kind); err != nil || c != tt.want {
				t.Errorf("count %d (%v), want %d", c, err, tt.want)
			}
		})
	}
	var got central.StoredRecord
	if err := s.EachRecord(ctx, "event_registration", func(r central.StoredRecord) error { got = r; return nil }); err != nil {
		t.Fatal(err)
	}
	r := first.Record
	if got.ID != r.ID || got.DeviceID != "dev-a" || got.Seq != 7 || got.SubjectID != r.SubjectID || got.Mode != record.ModeCanvasser ||
		got.Channel != record.ModeCanvasser || !got.DeviceTime.Equal(r.DeviceTime) || !got.ReceivedAt.Equal(Base) ||
		got.Receipt != first.Receipt || !bytes.Equal(got.Data, first.Data) {
		t.Errorf("stored record %+v does not match what was ingested", got)
	}
}

func testEachRecordStop(t *testing.T, s central.OperationsStore) {
	Enrolled(t, s, "dev-e", record.ModeKiosk)
	ingest(t, s, Base, "dev-e", Incoming(t, Rec{Device: "dev-e", Seq: 1}), Incoming(t, Rec{Device: "dev-e", Seq: 2}))
	stop := errors.New("stop")
	calls := 0
	err := s.EachRecord(context.Background(), "", func(central.StoredRecord) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachRecord returned %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func testReceipts(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-x", record.ModeKiosk)
	stored := Incoming(t, Rec{Device: "dev-x", Seq: 1, Kind: record.KindEvent, Alcaldia: "tlalpan"})
	ingest(t, s, Base, "dev-x", stored)
	never := Incoming(t, Rec{Device: "dev-x", Seq: 2})
	tests := []struct {
		name string
		code string
		want int
	}{
		{"a stored record's code", stored.Receipt, 1},
		{"a code never received", never.Receipt, 0},
		{"an empty code", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.RecordsByReceipt(ctx, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Fatalf("%d records, want %d", len(got), tt.want)
			}
			if tt.want == 1 && (got[0].ID != stored.Record.ID || got[0].Kind != "event_registration" || got[0].SubjectID != "asamblea-1" ||
				got[0].Alcaldia != "tlalpan" || !got[0].ReceivedAt.Equal(Base)) {
				t.Errorf("found %+v", got[0])
			}
		})
	}
}

func testOperators(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if list, err := s.ListOperators(ctx); err != nil || len(list) != 0 {
		t.Fatalf("operators of an empty store: %v %v", list, err)
	}
	for _, name := range []string{"rosa", "ana"} {
		if err := s.CreateOperator(ctx, central.Operator{Name: name, PasswordHash: "$argon2id$" + name, CreatedAt: Base}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateOperator(ctx, central.Operator{Name: "ana", PasswordHash: "x", CreatedAt: Base}); !errors.Is(err, central.ErrExists) {
		t.Errorf("second ana: %v, want ErrExists", err)
	}
	if err := s.SetOperatorPassword(ctx, "ana", "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOperatorPassword(ctx, "nadie", "x"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("password of an unknown operator: %v, want ErrNotFound", err)
	}
	if _, err := s.GetOperator(ctx, "nadie"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("unknown operator: %v, want ErrNotFound", err)
	}
	ana, err := s.GetOperator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if ana.PasswordHash != "$argon2id$new" || !ana.CreatedAt.Equal(Base) || !ana.DisabledAt.IsZero() {
		t.Errorf("ana %+v", ana)
	}
	list, err := s.ListOperators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "ana" || list[1].Name != "rosa" {
		t.Errorf("operators %+v, want ana then rosa", list)
	}
}

func testSessions(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if err := s.CreateOperator(ctx, central.Operator{Name: "ana", PasswordHash: "h", CreatedAt: Base}); err != nil {
		t.Fatal(err)
	}
	tok := sha256.Sum256([]byte("cookie"))
	se := central.Session{TokenHash: tok[:], Operator: "ana", CSRFToken: "csrf-1", CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		want error
	}{
		{"while fresh", Base.Add(time.Minute), nil},
		{"a moment before expiry", Base.Add(time.Hour - time.Millisecond), nil},
		{"at expiry", Base.Add(time.Hour), central.ErrNotFound},
		{"long after", Base.Add(48 * time.Hour), central.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.GetSession(ctx, tok[:], tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("get session: %v, want %v", err, tt.want)
			}
			if err == nil && (got.Operator != "ana" || got.CSRFToken != "csrf-1" || !got.ExpiresAt.Equal(se.ExpiresAt) ||
				!got.CreatedAt.Equal(Base) || !bytes.Equal(got.TokenHash, tok[:])) {
				t.Errorf("session %+v", got)
			}
		})
	}
	if err := s.DeleteSession(ctx, tok[:]); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, tok[:]); err != nil {
		t.Errorf("deleting an absent session: %v", err)
	}
	if _, err := s.GetSession(ctx, tok[:], Base); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}
}
