package central_test

import (
	"context"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// BenchmarkBodyCheck measures what the body-check worker costs per record:
// reading unchecked records from SQLite, opening each sealed body (X25519
// and XSalsa20-Poly1305) and filing the outcome, BodyCheckBatch records a
// transaction. The records are real sealed signatures with strokes, the
// largest kind.
func BenchmarkBodyCheck(b *testing.B) {
	c := centraltest.Start(b)
	d := c.NewDevice(b, record.ModeKiosk)
	ctx := context.Background()
	const perRound = 1000
	var batches [][][]byte
	for range b.N {
		var round [][]byte
		for range perRound {
			round = append(round, d.Record(b, record.KindSignature).Marshal())
		}
		batches = append(batches, round)
	}
	b.ResetTimer()
	var opened time.Duration
	for i := range b.N {
		b.StopTimer()
		for j := 0; j < perRound; j += 200 {
			d.Upload(b, batches[i][j:j+200])
		}
		b.StartTimer()
		start := time.Now()
		n, bad, err := central.CheckBodies(ctx, c.Store, c.Keys.SealPublic, c.Keys.SealPrivate, time.Now)
		opened += time.Since(start)
		if err != nil || n != perRound || bad != 0 {
			b.Fatalf("checked %d, quarantined %d (%v); want %d, 0", n, bad, err, perRound)
		}
	}
	b.ReportMetric(float64(opened.Microseconds())/float64(b.N*perRound), "µs/record")
}

// BenchmarkBodyProblem is the crypto alone: decoding one stored record and
// opening its body.
func BenchmarkBodyProblem(b *testing.B) {
	c := centraltest.Start(b)
	d := c.NewDevice(b, record.ModeKiosk)
	data := d.Record(b, record.KindSignature).Marshal()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if p := central.BodyProblem(data, c.Keys.SealPublic, c.Keys.SealPrivate); p != "" {
			b.Fatal(p)
		}
	}
}
