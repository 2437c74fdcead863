package stroke

import (
	"slices"
	"testing"
)

// benchSignatures are the 100 typical signatures the benchmarks and size
// figures use: 12 strokes on a 600×250 pad.
func benchSignatures(tb testing.TB) []*Signature {
	tb.Helper()
	sigs := make([]*Signature, 100)
	for i := range sigs {
		sigs[i] = Synthetic(seeded(uint64(i)), 600, 250, 12)
	}
	return sigs
}

func median(v []int) float64 {
	slices.Sort(v)
	return float64(v[len(v)/2-1]+v[len(v)/2]) / 2
}

// BenchmarkEncode reports the median encoded size as bytes/sig.
func BenchmarkEncode(b *testing.B) {
	sigs := benchSignatures(b)
	sizes := make([]int, len(sigs))
	for i, s := range sigs {
		enc, err := s.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		sizes[i] = len(enc)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := sigs[i%len(sigs)].MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(median(sizes), "bytes/sig")
}

func BenchmarkDecode(b *testing.B) {
	sigs := benchSignatures(b)
	encs := make([][]byte, len(sigs))
	for i, s := range sigs {
		var err error
		if encs[i], err = s.MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := Decode(encs[i%len(encs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPNG renders at 600×250 and reports the median PNG size as
// png-bytes/sig.
func BenchmarkPNG(b *testing.B) {
	sigs := benchSignatures(b)
	sizes := make([]int, len(sigs))
	for i, s := range sigs {
		p, err := s.PNG(600, 250)
		if err != nil {
			b.Fatal(err)
		}
		sizes[i] = len(p)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := sigs[i%len(sigs)].PNG(600, 250); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(median(sizes), "png-bytes/sig")
}
