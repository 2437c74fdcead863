package storetest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/record"
)

// Figures the benchmarks work at.
const (
	benchDevices = 100     // concurrent uploaders, one device each
	benchBatch   = 150     // records per batch: about syncd's 256 KB default
	benchBody    = 1400    // sealed body bytes of a signature record
	tallyRecords = 1000000 // records behind the Tallies benchmark
)

var alcaldias = []string{"alvaro-obregon", "azcapotzalco", "benito-juarez", "coyoacan", "cuajimalpa", "cuauhtemoc",
	"gustavo-a-madero", "iztacalco", "iztapalapa", "magdalena-contreras", "miguel-hidalgo", "milpa-alta",
	"tlahuac", "tlalpan", "venustiano-carranza", "xochimilco", ""}

type benchStore struct {
	name string
	open func(b *testing.B) central.OperationsStore
}

func benchStores() []benchStore {
	return []benchStore{
		{"sqlite", func(b *testing.B) central.OperationsStore {
			s, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "central.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
		{"postgres", func(b *testing.B) central.OperationsStore {
			s, err := pgstore.Open(context.Background(), storetest.PostgresURL(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
	}
}

// BenchmarkIngestStores puts the same load on both stores in one run:
// 100 devices each ingesting a 150-record batch at once, per iteration,
// straight into Store.Ingest (no HTTP, no signature checks, no group
// commit: each batch is its own transaction, the worst case for the
// stores). Records are signatures of realistic size with blind indexes
// from a pool of signers, so counters and the signer table see repeats.
func BenchmarkIngestStores(b *testing.B) {
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			rng := rand.New(rand.NewPCG(1, 2))
			body := strings.Repeat("x", benchBody)
			batches := make([][][]central.Incoming, benchDevices)
			for d := range benchDevices {
				id := fmt.Sprintf("bench-%03d", d)
				storetest.Enrolled(b, s, id, record.ModeKiosk)
				for n := range b.N {
					recs := make([]central.Incoming, benchBatch)
					for j := range recs {
						recs[j] = storetest.Incoming(b, storetest.Rec{Device: id, Seq: uint64(n*benchBatch + j + 1),
							Subject: fmt.Sprintf("p-%03d", rng.IntN(358)), Signer: fmt.Sprint(rng.IntN(200000)),
							Alcaldia: alcaldias[rng.IntN(len(alcaldias))], Body: body})
					}
					batches[d] = append(batches[d], recs)
				}
			}
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for d := range benchDevices {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := range b.N {
						at := storetest.Base.Add(time.Duration(n) * time.Second)
						if _, err := s.Ingest(ctx, at, []central.IngestBatch{{DeviceID: batches[d][n][0].Record.DeviceID, Records: batches[d][n]}}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			total := int64(b.N * benchDevices * benchBatch)
			b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
			if n, err := s.CountRecords(ctx, ""); err != nil || n != total {
				b.Errorf("%d records stored (%v), want %d", n, err, total)
			}
		})
	}
}

// BenchmarkTallies times Tallies over a million records on both stores.
// The records are filled by one INSERT … SELECT from a generated series
// (short bodies: Tallies never reads them), and the counters are then
// rebuilt from them with the same GROUP BYs the migrations use to backfill
// a database, so the tables hold what a million ingested records leave:
// 100 devices, 30 days, 358 proposals, 17 alcaldías, three channels.
func BenchmarkTallies(b *testing.B) {
	fills := map[string]func(b *testing.B, s central.OperationsStore){
		"sqlite":   fillSQLite,
		"postgres": fillPostgres,
	}
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			for d := range benchDevices {
				storetest.Enrolled(b, s, fmt.Sprintf("bench-%03d", d), record.ModeKiosk)
			}
			fills[bs.name](b, s)
			ctx := context.Background()
			now := storetest.Base.Add(30 * 24 * time.Hour)
			loc := storetest.MexicoCity()
			b.ResetTimer()
			var t *central.Tallies
			for range b.N {
				var err error
				if t, err = s.Tallies(ctx, now, loc); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if t.Records != tallyRecords || len(t.Proposals) != 358 || len(t.ByDay) < 30 {
				b.Errorf("tallies of the fill: %d records, %d proposals, %d days", t.Records, len(t.Proposals), len(t.ByDay))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/tallies")
		})
	}
}

// fillSQLite and fillPostgres generate the same records for series value
// i: kind by i%10, proposal by i%358, signer by i%400000,
// alcaldía by i%17, channel by i%3, received over 30 days.
func fillSQLite(b *testing.B, s central.OperationsStore) {
	db := s.(*sqlitestore.Store).DB()
	ctx := context.Background()
	base := storetest.Base.UnixMilli()
	steps := []string{
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO records (id, device_id, seq, kind, campaign_id, campaign_version, subject_id, device_time, received_at,
			mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data)
		SELECT randomblob(16), printf('bench-%%03d', i %% 100), i / 100 + 1,
			CASE WHEN i %% 10 < 6 THEN 'signature' WHEN i %% 10 < 8 THEN 'survey_response' WHEN i %% 10 < 9 THEN 'event_registration' ELSE 'comment' END,
			'cdmx-2016', 1,
			CASE WHEN i %% 10 < 6 THEN printf('p-%%03d', i %% 358) WHEN i %% 10 < 8 THEN 'imagina' WHEN i %% 10 < 9 THEN printf('asamblea-%%d', i %% 16) ELSE printf('art-%%d', i %% 40) END,
			%d + i * 2592, %d + i * 2592,
			'kiosk', CASE i %% 3 WHEN 0 THEN 'kiosk' WHEN 1 THEN 'canvasser' ELSE 'bundle' END, '',
			CASE i %% 17 %s END,
			CASE WHEN i %% 10 < 6 THEN CAST(printf('%%032d', i %% 400000) AS BLOB) END,
			printf('%%010d', i), randomblob(32), randomblob(64)
		FROM n`, tallyRecords-1, base, base, alcaldiaCase()),
	}
	steps = append(steps, counterFill()...)
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("fill: %v\n%s", err, q)
		}
	}
}

func fillPostgres(b *testing.B, s central.OperationsStore) {
	pool := s.(*pgstore.Store).Pool()
	ctx := context.Background()
	base := storetest.Base.UnixMilli()
	steps := []string{
		fmt.Sprintf(`INSERT INTO records (id, device_id, seq, kind, campaign_id, campaign_version, subject_id, device_time, received_at,
			mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data)
		SELECT uuid_send(gen_random_uuid()), format('bench-%%s', lpad((i %% 100)::text, 3, '0')), i / 100 + 1,
			CASE WHEN i %% 10 < 6 THEN 'signature' WHEN i %% 10 < 8 THEN 'survey_response' WHEN i %% 10 < 9 THEN 'event_registration' ELSE 'comment' END,
			'cdmx-2016', 1,
			CASE WHEN i %% 10 < 6 THEN format('p-%%s', lpad((i %% 358)::text, 3, '0')) WHEN i %% 10 < 8 THEN 'imagina' WHEN i %% 10 < 9 THEN format('asamblea-%%s', i %% 16) ELSE format('art-%%s', i %% 40) END,
			%d + i * 2592, %d + i * 2592,
			'kiosk', CASE i %% 3 WHEN 0 THEN 'kiosk' WHEN 1 THEN 'canvasser' ELSE 'bundle' END, '',
			CASE i %% 17 %s END,
			CASE WHEN i %% 10 < 6 THEN convert_to(lpad((i %% 400000)::text, 32, '0'), 'UTF8') END,
			lpad(i::text, 10, '0'), sha256(int8send(i)), sha256(int8send(-i)) || sha256(int8send(i))
		FROM generate_series(0::bigint, %d) AS i`, base, base, alcaldiaCase(), tallyRecords-1),
	}
	steps = append(steps, counterFill()...)
	steps = append(steps, "ANALYZE")
	for _, q := range steps {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatalf("fill: %v\n%s", err, q)
		}
	}
}

func alcaldiaCase() string {
	var sb strings.Builder
	for i, a := range alcaldias {
		fmt.Fprintf(&sb, " WHEN %d THEN '%s'", i, a)
	}
	return sb.String()
}

// counterFill rebuilds the counter tables from records, as the 0002
// migrations backfill them.
func counterFill() []string {
	return []string{
		`INSERT INTO tallies (device_id, kind, channel, records) SELECT device_id, kind, channel, count(*) FROM records GROUP BY 1, 2, 3`,
		`INSERT INTO subject_counts (kind, subject_id, channel, alcaldia, records) SELECT kind, subject_id, channel, alcaldia, count(*) FROM records GROUP BY 1, 2, 3, 4`,
		`INSERT INTO quarter_counts (quarter, records) SELECT received_at / 900000, count(*) FROM records GROUP BY 1`,
		`INSERT INTO minute_counts (minute, records) SELECT received_at / 60000, count(*) FROM records GROUP BY 1`,
		`INSERT INTO signers (subject_id, signer_index) SELECT DISTINCT subject_id, signer_index FROM records WHERE kind = 'signature' AND signer_index IS NOT NULL`,
		`INSERT INTO signer_counts (subject_id, signers) SELECT subject_id, count(*) FROM signers GROUP BY 1`,
	}
}
