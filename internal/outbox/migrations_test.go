package outbox_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/sqlitex"
)

// TestUpgradeFromTheFirstSchema opens a file at the first schema version,
// as devices in the field have it, holding records in every state, and
// checks that the upgraded queue reads the same and keeps working.
func TestUpgradeFromTheFirstSchema(t *testing.T) {
	// Today's code makes the records, the identity and the campaign...
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 12)
	first := d.signature()
	for i := 0; i < 30; i++ {
		dr := d.any()
		if i == 0 {
			dr = first
		}
		if _, err := dev.Store.Append(ctx, dr, dev.Campaign); err != nil {
			t.Fatal(err)
		}
	}

	// ...and a file made by the first migration alone receives them.
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // ATTACH is per connection
	if err := sqlitex.Migrate(ctx, db, os.DirFS("."), "migrations/0001_*.sql"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ATTACH DATABASE '` + dev.Store.Path() + `' AS today`,
		`INSERT INTO main.records SELECT * FROM today.records`,
		`INSERT INTO main.config SELECT * FROM today.config WHERE key = 'identity' OR key = 'device_id'`,
		`INSERT INTO main.campaigns SELECT * FROM today.campaigns`,
		`DETACH DATABASE today`,
		// synced: 1–10 and 13–15; dead: 11 and 16; pending: 12 and 17–30.
		`UPDATE records SET state = 1, state_at = created_at WHERE seq <= 10 OR seq BETWEEN 13 AND 15`,
		`UPDATE records SET state = 2, state_at = created_at, reason = 'unknown_subject' WHERE seq IN (11, 16)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var oldIndex int
	var created12 int64
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'records_state'`).Scan(&oldIndex); err != nil || oldIndex != 1 {
		t.Fatalf("the old file has %d records_state indexes, %v; want the first schema", oldIndex, err)
	}
	if err := db.QueryRow(`SELECT created_at FROM records WHERE seq = 12`).Scan(&created12); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatalf("open the old file: %v", err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.UnixMilli(created12).Add(time.Hour) }
	wantPending := append([]uint64{12}, seqRange(17, 30)...)

	t.Run("counts survive the upgrade", func(t *testing.T) {
		if h := queueHead(t, s); h != 12 {
			t.Fatalf("queue head = %d, want the first pending record, 12", h)
		}
		c, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Pending != 15 || c.Synced != 13 || c.Dead != 2 || c.LastSeq != 30 {
			t.Fatalf("counts = %+v, want 15 pending, 13 synced, 2 dead of 30", c)
		}
		if !c.OldestPending.Equal(time.UnixMilli(created12)) {
			t.Fatalf("oldest pending = %v, want record 12's %v", c.OldestPending, time.UnixMilli(created12))
		}
	})

	t.Run("the queue holds the same pending records", func(t *testing.T) {
		if got := batchSeqs(t, s); !slices.Equal(got, wantPending) {
			t.Fatalf("next batch = %v, want %v", got, wantPending)
		}
		var each []uint64
		if err := s.EachPending(ctx, func(p outbox.Pending) error { each = append(each, p.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(each, wantPending) {
			t.Fatalf("each pending = %v, want %v", each, wantPending)
		}
		dead, err := s.DeadRecords(ctx, 10)
		if err != nil || len(dead) != 2 || dead[0].Seq != 16 || dead[1].Seq != 11 {
			t.Fatalf("dead records = %+v, %v; want 16 and 11", dead, err)
		}
	})

	t.Run("a signer from before the upgrade is still a duplicate", func(t *testing.T) {
		again := *first
		if _, err := s.Append(ctx, &again, dev.Campaign); !errors.Is(err, outbox.ErrDuplicate) {
			t.Fatalf("second support err = %v, want ErrDuplicate", err)
		}
	})

	t.Run("answers and new records move the queue on", func(t *testing.T) {
		if err := s.MarkSynced(ctx, 12, 17); err != nil {
			t.Fatal(err)
		}
		r, err := s.Append(ctx, d.comment(), dev.Campaign)
		if err != nil || r.Seq != 31 {
			t.Fatalf("append after upgrade: %v, %v; want seq 31", r, err)
		}
		if h := queueHead(t, s); h != 18 {
			t.Fatalf("queue head = %d, want 18", h)
		}
		want := append(seqRange(18, 30), 31)
		if got := batchSeqs(t, s); !slices.Equal(got, want) {
			t.Fatalf("next batch = %v, want %v", got, want)
		}
		c, err := s.Counts(ctx)
		if err != nil || c.Pending != 14 || c.Synced != 15 || c.LastSeq != 31 {
			t.Fatalf("counts = %+v, %v; want 14 pending, 15 synced of 31", c, err)
		}
		n, err := s.Purge(ctx, s.Now().Add(time.Hour))
		if err != nil || n != 15 {
			t.Fatalf("purged %d, %v; want the 15 synced records", n, err)
		}
	})
}

// queueHead reads the low-water mark the queue's readers start from.
func queueHead(t *testing.T, s *outbox.Store) uint64 {
	t.Helper()
	var h uint64
	if err := s.DB().QueryRow(`SELECT value FROM config WHERE key = 'queue.head'`).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func seqRange(from, to uint64) []uint64 {
	var out []uint64
	for q := from; q <= to; q++ {
		out = append(out, q)
	}
	return out
}

// batchSeqs is every pending record's seq, in the order NextBatch gives them.
func batchSeqs(t *testing.T, s *outbox.Store) []uint64 {
	t.Helper()
	b, err := s.NextBatch(ctx, 1<<30, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]uint64, len(b))
	for i, p := range b {
		out[i] = p.Seq
	}
	return out
}
