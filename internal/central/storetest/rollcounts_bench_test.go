package storetest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/record"
)

// rollCountSupports is the reference case's total of supports, every one
// classified: what /roll and `central stats` count.
const rollCountSupports = 400_000

// The classified supports' statuses in the fill: seven in ten verified,
// one in a hundred (a duplicate) decided valid.
const (
	statusCase   = `CASE WHEN i %% 10 < 7 THEN 'verified' WHEN i %% 10 = 7 THEN 'not_in_roll' WHEN i %% 10 = 8 THEN 'not_checkable' ELSE 'duplicate' END`
	decisionCase = `CASE WHEN i %% 100 = 9 THEN 'valid' ELSE '' END`
)

// fillChecks files n classified supports under one roll import, straight
// into support_checks (no records: the counts read that table alone),
// spread over 358 proposals, the alcaldías, 100 devices and 300
// canvassers. With fromRecords, it files instead every signature record
// of the store, as the roll check would have.
func fillChecks(b *testing.B, s central.OperationsStore, n int, fromRecords bool) {
	b.Helper()
	ctx := context.Background()
	imp := `INSERT INTO roll_imports (imported_at, by_user, file, sha256, rows, bad_rows) VALUES (0, 'bench', 'roll.csv', '', 1, 0)`
	var q string
	switch st := s.(type) {
	case *sqlitestore.Store:
		q = fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision)
			SELECT randomblob(16), printf('p-%%03d', i %% 358), printf('bench-%%03d', i %% 100), printf('c-%%d', i %% 300),
				CASE i %% 17 %s END, randomblob(16), `+statusCase+`, 1, `+decisionCase+` FROM n`, n-1, alcaldiaCase())
		if fromRecords {
			q = `INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision)
				SELECT id, subject_id, device_id, 'c-' || (seq % 300), alcaldia, signer_index,
				CASE WHEN seq % 10 < 7 THEN 'verified' ELSE 'not_in_roll' END, 1, '' FROM records WHERE kind = 'signature'`
		}
		// The triggers leave deltas; fold them as FileSupportChecks does.
		fold := `INSERT INTO support_check_counts (dim, key, status, decision, roll_id, disagrees, n)
			SELECT dim, key, status, decision, roll_id, disagrees, sum(n) FROM support_check_deltas WHERE true GROUP BY 1, 2, 3, 4, 5, 6
			ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + excluded.n`
		for _, x := range []string{imp, q, fold, `DELETE FROM support_check_deltas`, "ANALYZE"} {
			if _, err := st.DB().ExecContext(ctx, x); err != nil {
				b.Fatalf("fill checks: %v\n%s", err, x)
			}
		}
	case *pgstore.Store:
		q = fmt.Sprintf(`INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision)
			SELECT uuid_send(gen_random_uuid()), format('p-%%s', lpad((i %% 358)::text, 3, '0')), format('bench-%%s', lpad((i %% 100)::text, 3, '0')),
				format('c-%%s', i %% 300), CASE i %% 17 %s END, sha256(int8send(i)), `+statusCase+`, 1, `+decisionCase+`
			FROM generate_series(0::bigint, %d) AS i`, alcaldiaCase(), n-1)
		if fromRecords {
			q = `INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision)
				SELECT id, subject_id, device_id, 'c-' || (seq % 300), alcaldia, signer_index,
				CASE WHEN seq % 10 < 7 THEN 'verified' ELSE 'not_in_roll' END, 1, '' FROM records WHERE kind = 'signature'`
		}
		// One statement filing every support would update each counter
		// row thousands of times in one transaction (each update a new
		// row version to walk past); the roll check files 2,000 a
		// transaction. The fill rebuilds the counters as migration 0011
		// does instead.
		steps := []string{imp, `ALTER TABLE support_checks DISABLE TRIGGER USER`, q}
		for _, d := range [][2]string{{"subject", "subject_id"}, {"alcaldia", "alcaldia"}, {"device", "device_id"}, {"canvasser", "canvasser"}} {
			steps = append(steps, fmt.Sprintf(`INSERT INTO support_check_counts SELECT '%s', %s, status, decision, roll_id, roll_status <> '', count(*)
				FROM support_checks GROUP BY 2, 3, 4, 5, 6`, d[0], d[1]))
		}
		steps = append(steps, `ALTER TABLE support_checks ENABLE TRIGGER USER`, "ANALYZE")
		for _, x := range steps {
			if _, err := st.Pool().Exec(ctx, x); err != nil {
				b.Fatalf("fill checks: %v\n%s", err, x)
			}
		}
	default:
		b.Fatalf("no fill for %T", s)
	}
}

// BenchmarkRollCounts times what /roll and `central stats` read of the
// roll check over 400,000 classified supports (RollStats: every grouping
// the page shows), and what tiers read (VerifiedCounts).
func BenchmarkRollCounts(b *testing.B) {
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			fillChecks(b, s, rollCountSupports, false)
			ctx := context.Background()
			raw := map[string]int64{}
			for i := range 358 {
				raw[fmt.Sprintf("p-%03d", i)] = rollCountSupports / 358
			}
			b.Run("stats", func(b *testing.B) {
				var rs *central.RollStats
				var err error
				for range b.N {
					if rs, err = central.SummarizeRoll(ctx, s, raw); err != nil {
						b.Fatal(err)
					}
				}
				if rs == nil || rs.Checked != rollCountSupports || len(rs.Proposals) != 358 || len(rs.Canvassers) != 300 {
					b.Fatalf("roll stats of the fill: %+v", rs)
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/stats")
			})
			b.Run("verified", func(b *testing.B) {
				var vc map[string]int64
				var err error
				for range b.N {
					if vc, err = s.VerifiedCounts(ctx); err != nil {
						b.Fatal(err)
					}
				}
				var total int64
				for _, n := range vc {
					total += n
				}
				// 7 in 10 verified, and the duplicates decided valid.
				if want := int64(rollCountSupports*7/10 + rollCountSupports/100); total != want || len(vc) != 358 {
					b.Fatalf("verified counts of the fill: %d over %d proposals, want %d over 358", total, len(vc), want)
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/counts")
			})
		})
	}
}

// BenchmarkProgressRoll is BenchmarkProgress with a roll imported and
// every signature of the million records classified, so tiers count
// verified supports.
func BenchmarkProgressRoll(b *testing.B) {
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
			fillChecks(b, s, 0, true)
			ctx := context.Background()
			keys, err := central.InitDir(filepath.Join(b.TempDir(), "keys"))
			if err != nil {
				b.Fatal(err)
			}
			srv := central.NewServer(s, keys)
			srv.ProgressTTL, srv.ProgressRefresh = 0, 0
			if err := srv.Open(ctx); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { srv.Close() })
			if _, _, err := srv.Publish(ctx, "bench", benchCampaign(b)); err != nil {
				b.Fatal(err)
			}
			if _, basis, err := central.TierCounts(ctx, s); err != nil || basis != central.TierBasisVerified {
				b.Fatalf("tier counts on %q (%v), want verified supports", basis, err)
			}
			b.ResetTimer()
			for range b.N {
				if _, _, _, err = srv.Progress(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/document")
		})
	}
}

// BenchmarkFileSupportChecks times filing 100,000 classified supports of
// one proposal in the roll check's batches, with the counters of
// migration 0011 kept by its triggers and, for comparison, without them
// (triggers dropped or disabled): what the counters cost the roll check.
func BenchmarkFileSupportChecks(b *testing.B) {
	const n = 100_000
	for _, bs := range benchStores() {
		for _, counters := range []bool{true, false} {
			name := bs.name + "/counters"
			if !counters {
				name = bs.name + "/no-counters"
			}
			b.Run(name, func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					s := bs.open(b)
					ctx := context.Background()
					imp, err := s.ReplaceRoll(ctx, central.RollImport{By: "bench", File: "roll.csv"}, nil, nil, nil)
					if err != nil {
						b.Fatal(err)
					}
					if !counters {
						dropCounters(b, s)
					}
					checks := make([]central.SupportCheck, n)
					for i := range checks {
						id, err := record.NewID()
						if err != nil {
							b.Fatal(err)
						}
						checks[i] = central.SupportCheck{RecordID: id, SubjectID: "p-agua", DeviceID: fmt.Sprintf("bench-%02d", i%40),
							Canvasser: fmt.Sprintf("c-%d", i%7), Alcaldia: alcaldias[i%16], SignerIndex: []byte(fmt.Sprintf("%016d", i)),
							Status: []string{central.StatusVerified, central.StatusVerified, central.StatusNotInRoll, central.StatusNotCheckable}[i%4]}
					}
					b.StartTimer()
					for start := 0; start < n; start += central.SupportCheckBatch {
						if _, err := s.FileSupportChecks(ctx, imp.ID, checks[start:min(start+central.SupportCheckBatch, n)]); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/100k-supports")
			})
		}
	}
}

func dropCounters(b *testing.B, s central.OperationsStore) {
	b.Helper()
	ctx := context.Background()
	switch st := s.(type) {
	case *sqlitestore.Store:
		for _, t := range []string{"insert", "delete", "update"} {
			if _, err := st.DB().ExecContext(ctx, `DROP TRIGGER support_checks_count_`+t); err != nil {
				b.Fatal(err)
			}
		}
	case *pgstore.Store:
		if _, err := st.Pool().Exec(ctx, `ALTER TABLE support_checks DISABLE TRIGGER USER`); err != nil {
			b.Fatal(err)
		}
	}
}
