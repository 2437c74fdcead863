package sqlitestore_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func mustOpen(tb testing.TB) *sqlitestore.Store {
	tb.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(tb.TempDir(), "central.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s
}

// enrolled stores a device through a fresh token.
func enrolled(tb testing.TB, s *sqlitestore.Store, id string) central.Device {
	tb.Helper()
	ctx := context.Background()
	now := time.Now()
	hash := central.HashToken(id)
	if err := s.CreateToken(ctx, central.Token{Hash: hash, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		tb.Fatal(err)
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := s.Enroll(ctx, hash, central.Device{ID: id, PublicKey: pub, Mode: record.ModeKiosk, EnrolledAt: now}, now)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// incoming makes a record as the server hands it to the store: the store
// trusts the checks already made, so the body is random bytes and the
// signature is absent.
func incoming(tb testing.TB, device string, seq uint64) central.Incoming {
	tb.Helper()
	id, err := record.NewID()
	if err != nil {
		tb.Fatal(err)
	}
	data := make([]byte, 1700)
	rand.Read(data)
	idx := make([]byte, record.BlindIndexLen)
	rand.Read(idx)
	r := &record.Record{Envelope: record.Envelope{
		ID: id, DeviceID: device, Seq: seq, Kind: record.KindSignature, CampaignID: "cdmx-2016", CampaignVersion: 1,
		SubjectID: "derechos-lgbttti", DeviceTime: time.Now(), SchemaVersion: record.SchemaVersion, Mode: record.ModeKiosk,
		Alcaldia: "coyoacan", SignerIndex: idx,
	}}
	return central.Incoming{Record: r, Data: data, Hash: sha256.Sum256(data), Receipt: record.ReceiptCode(id), Channel: central.ChannelKiosk}
}

func TestEnrollConsumesTheTokenOnce(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := time.Now()
	hash := central.HashToken("ABCDEFGHJK01")
	if err := s.CreateToken(ctx, central.Token{Hash: hash, Mode: record.ModeCanvasser, Name: "tableta 7", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	d, err := s.Enroll(ctx, hash, central.Device{ID: "dev-a", PublicKey: pub, Mode: record.ModeKiosk, Name: "x", EnrolledAt: now}, now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Mode != record.ModeCanvasser || d.Name != "tableta 7" {
		t.Errorf("device %+v did not take the token's mode and name", d)
	}
	tests := []struct {
		name string
		hash []byte
		key  ed25519.PublicKey
		at   time.Time
		want error
	}{
		{"the same key again gets the same device", hash, pub, now, nil},
		{"another key is refused", hash, other, now, central.ErrCodeUsed},
		{"an unknown token is refused", central.HashToken("ZZZZZZZZZZZZ"), other, now, central.ErrBadCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Enroll(ctx, tt.hash, central.Device{ID: "dev-b", PublicKey: tt.key, Mode: record.ModeKiosk, EnrolledAt: tt.at}, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if err == nil && got.ID != "dev-a" {
				t.Errorf("got device %s, want dev-a", got.ID)
			}
		})
	}
	t.Run("an expired token is refused", func(t *testing.T) {
		h := central.HashToken("EXP1RED00000")
		if err := s.CreateToken(ctx, central.Token{Hash: h, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Enroll(ctx, h, central.Device{ID: "dev-c", PublicKey: other, Mode: record.ModeKiosk, EnrolledAt: now}, now.Add(time.Minute))
		if !errors.Is(err, central.ErrCodeExpired) {
			t.Errorf("err %v, want ErrCodeExpired", err)
		}
	})
}

func TestIngestClassifiesByIDAndHash(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	d := enrolled(t, s, "dev-a")
	a, b := incoming(t, d.ID, 1), incoming(t, d.ID, 2)
	changed := a
	changed.Data = append([]byte{0}, a.Data...)
	changed.Hash = sha256.Sum256(changed.Data)
	// One transaction holding two batches that share a record, as a group
	// commit of a batch and its concurrent retry would.
	got, err := s.Ingest(ctx, time.Now(), []central.IngestBatch{
		{DeviceID: d.ID, Records: []central.Incoming{a, b}},
		{DeviceID: d.ID, Records: []central.Incoming{a, changed}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]protocol.Status{{protocol.Accepted, protocol.Accepted}, {protocol.Duplicate, protocol.Conflict}}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("batch %d record %d: %s, want %s", i, j, got[i][j], want[i][j])
			}
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 || st.Duplicates != 1 || st.Conflicts != 1 {
		t.Errorf("stats %d records, %d duplicates, %d conflicts; want 2, 1, 1", st.Records, st.Duplicates, st.Conflicts)
	}
}

func TestStoreIsSharedByTwoOpenHandles(t *testing.T) {
	// The CLI opens the database a running server holds open: both must
	// write without SQLITE_BUSY reaching the caller.
	path := filepath.Join(t.TempDir(), "central.db")
	ctx := context.Background()
	var stores [2]*sqlitestore.Store
	for i := range stores {
		s, err := sqlitestore.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	d := enrolled(t, stores[0], "dev-a")
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i, s := range stores {
		recs := make([]central.Incoming, 50)
		for n := range recs {
			recs[n] = incoming(t, d.ID, uint64(i*1000+n+1))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, in := range recs {
				seq := in.Record.Seq
				if _, err := s.Ingest(ctx, time.Now(), []central.IngestBatch{{DeviceID: d.ID, Records: []central.Incoming{in}}}); err != nil {
					errs <- err
				}
				if err := s.SaveHeartbeat(ctx, d.ID, protocol.Heartbeat{DeviceID: d.ID, LastSeq: seq}, time.Now()); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := stores[1].Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 100 {
		t.Errorf("%d records, want 100", st.Records)
	}
}

// BenchmarkStoreIngest measures the database alone: groups of 5,000
// records (what the group commit gathers under load) in one transaction.
func BenchmarkStoreIngest(b *testing.B) {
	s := mustOpen(b)
	d := enrolled(b, s, "dev-a")
	const group = 5000
	groups := make([][]central.Incoming, b.N)
	seq := uint64(0)
	for i := range groups {
		for range group {
			seq++
			groups[i] = append(groups[i], incoming(b, d.ID, seq))
		}
	}
	ctx := context.Background()
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	for i := range b.N {
		if _, err := s.Ingest(ctx, time.Now(), []central.IngestBatch{{DeviceID: d.ID, Records: groups[i]}}); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N * group)
	b.ReportMetric(n/time.Since(start).Seconds(), "records/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/n, "cpu-µs/record")
}

// cpuTime is the CPU time the process has used, user and system: a measure
// of cost that, unlike wall time, does not depend on what else the machine
// is running.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCheckpointsInTheBackground: records reach the database file itself
// soon after their commit, copied by the checkpointer rather than by
// whichever upload's commit fills the WAL. A copy of the main file alone
// (what is left if the WAL were lost after a checkpoint) holds them all.
func TestCheckpointsInTheBackground(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	d := enrolled(t, s, "dev-a")
	const commits, per = 12, 25
	for c := range commits {
		recs := make([]central.Incoming, per)
		for i := range recs {
			recs[i] = incoming(t, d.ID, uint64(c*per+i+1))
		}
		if _, err := s.Ingest(ctx, time.Now(), []central.IngestBatch{{DeviceID: d.ID, Records: recs}}); err != nil {
			t.Fatal(err)
		}
	}
	st := sqlitestore.WaitCheckpoint(t, s, time.Now())
	if st.LastErr != nil || st.Frames == 0 {
		t.Fatalf("checkpointer: %+v", st)
	}

	main, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "main-only.db")
	if err := os.WriteFile(cp, main, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+cp+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != commits*per {
		t.Fatalf("the database file holds %d records, want %d: the WAL was not checkpointed", n, commits*per)
	}
}
