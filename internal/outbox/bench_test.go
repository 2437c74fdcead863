package outbox_test

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
)

// BenchmarkCommitLatency stores one record per transaction, as the kiosk
// does, and in the same run measures the physical limit of the directory:
// a bare loop of write + fdatasync of the same number of bytes. It reports
// both medians and their ratio (target ≤ 1.5), and the same for a bare
// write + fsync loop. Records are sealed before the clock starts: this
// measures the commit, not the crypto.
//
// It runs twice. fresh-file starts on a new outbox, whose WAL grows with
// every commit until the first checkpoint (about 250 records), which costs
// file-size updates on each sync. running-device first stores 1,500
// untimed records, so the WAL has been checkpointed and commits overwrite
// it in place: the state of a device that has been collecting, where
// kiosk and syncd keep the WAL open between people.
func BenchmarkCommitLatency(b *testing.B) {
	b.Run("fresh-file", func(b *testing.B) { benchCommit(b, 0) })
	b.Run("running-device", func(b *testing.B) { benchCommit(b, 1500) })
}

func benchCommit(b *testing.B, warm int) {
	dir := b.TempDir()
	dev := outboxtest.NewEnrolledAt(b, filepath.Join(dir, "outbox.db"), record.ModeKiosk)
	d := newDrafts(dev.Campaign, 1)
	build := func(n int) []*record.Record {
		recs := make([]*record.Record, n)
		for i := range recs {
			r, err := record.Build(d.signature(), dev.Campaign, dev.Identity.Keys(), time.Now())
			if err != nil {
				b.Fatal(err)
			}
			recs[i] = r
		}
		return recs
	}
	for _, r := range build(warm) {
		if err := dev.Store.AppendRecord(ctx, r, dev.Identity); err != nil {
			b.Fatal(err)
		}
	}
	recs := build(b.N)
	size := len(recs[0].Marshal())

	f, err := os.OpenFile(filepath.Join(dir, "raw"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, size)

	// The two loops are interleaved so both see the same disk, whatever
	// else the machine is doing.
	commits := make([]float64, b.N)
	syncs := make([]float64, b.N)
	// The SQLite build syncs with fsync, never fdatasync: this third loop
	// shows how much of the gap is that choice rather than the store.
	fsyncs := make([]float64, b.N)
	b.ResetTimer()
	for i, r := range recs {
		t0 := time.Now()
		if err := dev.Store.AppendRecord(ctx, r, dev.Identity); err != nil {
			b.Fatal(err)
		}
		commits[i] = float64(time.Since(t0).Microseconds())

		t0 = time.Now()
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
		syncs[i] = float64(time.Since(t0).Microseconds())

		t0 = time.Now()
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		fsyncs[i] = float64(time.Since(t0).Microseconds())
	}
	b.StopTimer()
	mc, ms := median(commits), median(syncs)
	b.ReportMetric(mc, "commit-µs/median")
	b.ReportMetric(ms, "fdatasync-µs/median")
	b.ReportMetric(mc/max(ms, 1), "ratio")
	mf := median(fsyncs)
	b.ReportMetric(mf, "fsync-µs/median")
	b.ReportMetric(mc/max(mf, 1), "ratio-to-fsync")
}

// BenchmarkAppendMany stores records 100 per transaction and reports
// records per second.
func BenchmarkAppendMany(b *testing.B) {
	dev := outboxtest.NewEnrolled(b, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 2)
	const per = 100
	batches := make([][]*record.Record, (b.N+per-1)/per)
	for i := range batches {
		for j := 0; j < per; j++ {
			r, err := record.Build(d.comment(), dev.Campaign, dev.Identity.Keys(), time.Now())
			if err != nil {
				b.Fatal(err)
			}
			batches[i] = append(batches[i], r)
		}
	}
	b.ResetTimer()
	t0 := time.Now()
	for _, batch := range batches {
		if err := dev.Store.AppendRecords(ctx, batch, dev.Identity); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(batches)*per)/time.Since(t0).Seconds(), "records/s")
}

// BenchmarkAppend is the whole of a kiosk submit: validate, seal, number,
// sign and commit one signature.
func BenchmarkAppend(b *testing.B) {
	dev := outboxtest.NewEnrolled(b, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 3)
	drafts := make([]*record.Draft, b.N)
	for i := range drafts {
		drafts[i] = d.signature()
	}
	b.ResetTimer()
	for _, dr := range drafts {
		if _, err := dev.Store.Append(ctx, dr, dev.Campaign); err != nil {
			b.Fatal(err)
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkCommitWithoutSync is BenchmarkCommitLatency's commit with
// synchronous=OFF: the CPU share of a commit (SQL, signing, encoding, page
// writes to the OS), which is what separates the commit from the bare
// fdatasync loop on a disk whose flushes are fast.
func BenchmarkCommitWithoutSync(b *testing.B) {
	dev := outboxtest.NewEnrolled(b, record.ModeKiosk)
	db := dev.Store.DB()
	db.SetMaxOpenConns(1) // the pragma is per connection
	if _, err := db.Exec(`PRAGMA synchronous = OFF`); err != nil {
		b.Fatal(err)
	}
	d := newDrafts(dev.Campaign, 4)
	recs := make([]*record.Record, b.N)
	for i := range recs {
		r, err := record.Build(d.signature(), dev.Campaign, dev.Identity.Keys(), time.Now())
		if err != nil {
			b.Fatal(err)
		}
		recs[i] = r
	}
	b.ResetTimer()
	for _, r := range recs {
		if err := dev.Store.AppendRecord(ctx, r, dev.Identity); err != nil {
			b.Fatal(err)
		}
	}
}
