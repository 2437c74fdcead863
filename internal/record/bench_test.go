package record_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// BenchmarkSignatureRecordSize compares the stored size of a typical
// signature record (12 strokes, sealed and signed) with a PNG of the same
// strokes at the pad's size, over 200 synthetic signatures. Targets: the
// median record ≤ 2 KB and ≤ 1/5 of the PNG.
func BenchmarkSignatureRecordSize(b *testing.B) {
	f := newFixture(b)
	var recs, pngs, ratios []float64
	for i := 0; i < 200; i++ {
		rng := rand.New(rand.NewPCG(uint64(i), 99))
		d := f.signatureDraft(rng)
		r := f.signed(b, d, uint64(i+1))
		sig, err := stroke.Decode(d.Body.Strokes)
		if err != nil {
			b.Fatal(err)
		}
		png, err := sig.PNG(int(sig.W), int(sig.H))
		if err != nil {
			b.Fatal(err)
		}
		n := float64(len(r.Marshal()))
		recs = append(recs, n)
		pngs = append(pngs, float64(len(png)))
		ratios = append(ratios, n/float64(len(png)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := f.signed(b, f.signatureDraft(rand.New(rand.NewPCG(uint64(i), 98))), 1)
		_ = r.Marshal()
	}
	b.ReportMetric(median(recs), "record-bytes")
	b.ReportMetric(median(pngs), "png-bytes")
	b.ReportMetric(median(ratios), "record/png")
}

// BenchmarkBuild measures validating and sealing one signature draft, the
// work a kiosk does when a person presses submit, before the commit.
func BenchmarkBuild(b *testing.B) {
	f := newFixture(b)
	d := f.signatureDraft(rand.New(rand.NewPCG(1, 1)))
	for i := 0; i < b.N; i++ {
		if _, err := record.Build(d, f.c, f.keys, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	r := f.signed(b, f.signatureDraft(rand.New(rand.NewPCG(1, 1))), 1)
	data := r.Marshal()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := record.Unmarshal(data)
		if err != nil || got.Verify(f.devPub) != nil {
			b.Fatal("verify failed")
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
