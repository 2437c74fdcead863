package export_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/export"
)

// BenchmarkExport measures both formats over 600 records (about half
// signatures), per record.
func BenchmarkExport(b *testing.B) {
	f := newFixture(b, 300)
	dir := b.TempDir()
	tests := []struct {
		name  string
		write func(context.Context, *fixture, string) (*export.Summary, error)
	}{
		{"csv", func(ctx context.Context, f *fixture, out string) (*export.Summary, error) {
			return export.CSV(ctx, f.c.Store, f.key, out+".csv", f.options)
		}},
		{"pdf", func(ctx context.Context, f *fixture, out string) (*export.Summary, error) {
			return export.PDF(ctx, f.c.Store, f.key, out+".pdf", f.options)
		}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var n int64
			for b.Loop() {
				sum, err := tt.write(context.Background(), f, filepath.Join(dir, tt.name))
				if err != nil {
					b.Fatal(err)
				}
				n = sum.Records
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/record")
			b.ReportMetric(float64(n), "records")
		})
	}
}
