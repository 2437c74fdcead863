package storetest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// benchPending is the queue behind BenchmarkModerationQueue (issue 16:
// the first page and a filtered page each in at most 200 ms).
const benchPending = 20000

// BenchmarkModerationQueue is what the moderation desk's list asks a
// store for, with 20,000 submissions pending and 5,000 decided, from 40
// devices over a week: one page (50 rows, with the total for the pager)
// and the abuse flag's count of the last hour, first unfiltered, then
// filtered by kind, alcaldía, channel and age on its second page.
func BenchmarkModerationQueue(b *testing.B) {
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
			fillQueue(b, s, now)
			ctx := context.Background()
			for _, c := range []struct {
				name string
				f    central.SubmissionFilter
			}{
				{"first", central.SubmissionFilter{Status: central.SubmissionPending, Limit: 50}},
				{"filtered", central.SubmissionFilter{Status: central.SubmissionPending, Kind: string(record.KindProposal),
					Alcaldia: "iztapalapa", Channel: central.ChannelKiosk, ReceivedAfter: now.Add(-7 * 24 * time.Hour), Offset: 50, Limit: 50}},
			} {
				b.Run(c.name, func(b *testing.B) {
					var rows int
					for b.Loop() {
						page, total, err := s.Submissions(ctx, c.f)
						if err != nil || total == 0 {
							b.Fatalf("page: %d rows of %d, %v", len(page), total, err)
						}
						if _, err := s.SubmissionCounts(ctx, now.Add(-time.Hour)); err != nil {
							b.Fatal(err)
						}
						rows = len(page)
					}
					b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
					b.ReportMetric(float64(rows), "rows")
				})
			}
		})
	}
}

func fillQueue(b *testing.B, s central.OperationsStore, now time.Time) {
	b.Helper()
	rng := rand.New(rand.NewPCG(16, 16))
	ctx := context.Background()
	var batch []central.Submission
	for i := range benchPending + 5000 {
		var id [16]byte
		for j := range id {
			id[j] = byte(rng.Uint32())
		}
		kind := record.KindProposal
		if i%5 == 0 {
			kind = record.KindEventProposal
		}
		channel := central.ChannelKiosk
		if i%3 == 0 {
			channel = central.ChannelCanvasser
		}
		at := now.Add(-time.Duration(rng.Int64N(int64(7 * 24 * time.Hour)))).Truncate(time.Millisecond)
		batch = append(batch, central.Submission{
			RecordID: id, Kind: string(kind), SubjectID: record.NewSubmissionID(kind), DeviceID: fmt.Sprintf("dev-%02d", rng.IntN(40)),
			Channel: channel, Alcaldia: alcaldias[rng.IntN(len(alcaldias))], Theme: "agua", Lang: "es",
			Title: fmt.Sprintf("Propuesta %d", i), Text: "Que cada parque tenga un bebedero de agua potable que funcione todo el año.",
			DeviceTime: at, ReceivedAt: at, Status: central.SubmissionPending, SignerIndex: id[:],
		})
		if len(batch) == 2000 {
			if _, err := s.FileSubmissions(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := s.FileSubmissions(ctx, batch); err != nil {
		b.Fatal(err)
	}
	// A fifth of them decided already.
	page, _, err := s.Submissions(ctx, central.SubmissionFilter{Status: central.SubmissionPending, Limit: 5000, Offset: 7000})
	if err != nil {
		b.Fatal(err)
	}
	for _, sub := range page {
		if err := s.DecideSubmission(ctx, central.Decision{RecordID: sub.RecordID, Status: central.SubmissionDeclined,
			Reason: central.DeclineDuplicate, By: "bench", At: now}); err != nil {
			b.Fatal(err)
		}
	}
}
