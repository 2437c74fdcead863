package central_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/roll"
)

// Sizes of the roll benchmarks: Mexico City's lista nominal, and the
// reference case's supports. VOCES_BENCH_ROLL_ROWS and
// VOCES_BENCH_ROLL_SUPPORTS make them smaller for a quick look.
const (
	benchRollRows     = 7_800_000
	benchRollSupports = 400_000
)

func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

var benchLetters = "BCDFGHJKLMNPQRSTVWXZ"

// benchClave is the i-th of 20⁶·10⁴ distinct valid claves de elector:
// six consonants from i, a birth date, state 09, sex, a homoclave.
func benchClave(i int) string {
	var b [18]byte
	n := i / 1000
	for k := 5; k >= 0; k-- {
		b[k] = benchLetters[n%20]
		n /= 20
	}
	copy(b[6:], fmt.Sprintf("%02d%02d%02d09H%03d", 40+i%60, 1+i%12, 1+i%28, i%1000))
	return string(b[:])
}

// writeBenchRoll writes a roll of n voters, 5 % registered outside the
// city, streaming.
func writeBenchRoll(b *testing.B, path string, n int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.Join(roll.Header, ",") + "\n")
	for i := range n {
		entity, alc := "9", alcaldias[i%16]
		if i%20 == 0 {
			entity, alc = "15", ""
		}
		fmt.Fprintf(w, "%s,%d,%s,%s\n", benchClave(i), 1+i%5600, entity, alc)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

var alcaldias = []string{"alvaro-obregon", "azcapotzalco", "benito-juarez", "coyoacan", "cuajimalpa", "cuauhtemoc",
	"gustavo-a-madero", "iztacalco", "iztapalapa", "magdalena-contreras", "miguel-hidalgo", "milpa-alta",
	"tlahuac", "tlalpan", "venustiano-carranza", "xochimilco"}

// peakRSSMB is the process's peak resident memory (VmHWM), in MB.
func peakRSSMB(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status for the peak memory: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkRollImport imports a 7,800,000-voter roll (parse, hash, store)
// into each store, and reports the peak resident memory of the process.
// Run it once: go test -run '^$' -bench BenchmarkRollImport -benchtime 1x ./internal/central/
func BenchmarkRollImport(b *testing.B) {
	rows := benchSize("VOCES_BENCH_ROLL_ROWS", benchRollRows)
	file := filepath.Join(b.TempDir(), "roll.csv")
	writeBenchRoll(b, file, rows)
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			s := openBenchStore(b, name, dir)
			b.ResetTimer()
			for range b.N {
				res, err := central.ImportRoll(context.Background(), s, central.RollImportOptions{DataDir: dir, File: file})
				if err != nil {
					b.Fatal(err)
				}
				if res.Import.Rows != int64(rows) {
					b.Fatalf("imported %d voters, want %d", res.Import.Rows, rows)
				}
			}
			b.StopTimer()
			runtime.GC()
			b.ReportMetric(peakRSSMB(b), "peak-RSS-MB")
			b.ReportMetric(float64(rows), "voters")
		})
	}
}

func openBenchStore(b *testing.B, name, dir string) central.OperationsStore {
	b.Helper()
	var s central.OperationsStore
	var err error
	if name == "sqlite" {
		s, err = sqlitestore.Open(context.Background(), filepath.Join(dir, central.DBFile))
	} else {
		s, err = pgstore.Open(context.Background(), storetest.PostgresURL(b))
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkRollCheck classifies 400,000 supports (80 % of voters in the
// roll, a tenth with a CURP, 2 % signing twice) against a
// 7,800,000-voter roll on SQLite: opening every body, hashing, looking
// up and filing. Run it once:
// go test -run '^$' -bench BenchmarkRollCheck -benchtime 1x ./internal/central/
func BenchmarkRollCheck(b *testing.B) {
	rows := benchSize("VOCES_BENCH_ROLL_ROWS", benchRollRows)
	supports := benchSize("VOCES_BENCH_ROLL_SUPPORTS", benchRollSupports)
	ctx := context.Background()
	dir := b.TempDir()
	file := filepath.Join(dir, "roll.csv")
	writeBenchRoll(b, file, rows)
	s := openBenchStore(b, "sqlite", dir)
	if _, err := central.ImportRoll(ctx, s, central.RollImportOptions{DataDir: dir, File: file}); err != nil {
		b.Fatal(err)
	}
	os.Remove(file)
	key, err := central.LoadRollKey(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	pub, priv, err := record.NewCampaignKey()
	if err != nil {
		b.Fatal(err)
	}
	fillSupports(b, s, supports, rows, pub)
	b.ResetTimer()
	for i := range b.N {
		if i > 0 {
			// Each further iteration is a re-check under a new roll.
			b.StopTimer()
			if _, err := s.ReplaceRoll(ctx, central.RollImport{ImportedAt: time.Now(), By: "bench", File: "same"}, nil, nil, nil); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		n, _, err := central.CheckSupports(ctx, s, pub, priv, key)
		if err != nil {
			b.Fatal(err)
		}
		if n != supports {
			b.Fatalf("checked %d supports, want %d", n, supports)
		}
	}
	b.StopTimer()
	// What tiers cost once a roll is imported: the progress document
	// reads these counts every DefaultProgressTTL.
	start := time.Now()
	counts, basis, err := central.TierCounts(ctx, s)
	if err != nil || basis != central.TierBasisVerified || counts["p-agua"] == 0 {
		b.Fatalf("tier counts %v %q %v", counts, basis, err)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "tier-counts-ms")
	b.ReportMetric(float64(supports), "supports")
}

// fillSupports ingests n sealed signatures from 40 devices: support i is
// by voter 2i of the roll, or past its end for one in five, and one in ten
// gives a CURP-typed id; one in fifty repeats the previous signer.
func fillSupports(b *testing.B, s central.Store, n, rows int, pub *[32]byte) {
	b.Helper()
	const devices = 40
	for d := range devices {
		storetest.Enrolled(b, s, fmt.Sprintf("bench-%02d", d), record.ModeKiosk)
	}
	recs := make([]central.Incoming, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				recs[i] = benchSupport(b, i, rows, devices, pub)
			}
		})
	}
	wg.Wait()
	for start := 0; start < n; start += 2000 {
		var batches []central.IngestBatch
		byDevice := map[string]int{}
		for _, in := range recs[start:min(start+2000, n)] {
			k, ok := byDevice[in.Record.DeviceID]
			if !ok {
				k = len(batches)
				byDevice[in.Record.DeviceID] = k
				batches = append(batches, central.IngestBatch{DeviceID: in.Record.DeviceID})
			}
			batches[k].Records = append(batches[k].Records, in)
		}
		if _, err := s.Ingest(context.Background(), storetest.Base, batches); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSupport(b *testing.B, i, rows, devices int, pub *[32]byte) central.Incoming {
	voter := 2 * i
	if i%50 == 1 {
		voter = 2 * (i - 1)
	}
	if i%5 == 4 {
		voter = rows + i
	}
	idType := "ine"
	if i%10 == 3 {
		idType = "curp"
	}
	clave := benchClave(voter)
	in := storetest.Incoming(b, storetest.Rec{Device: fmt.Sprintf("bench-%02d", i%devices), Seq: uint64(i/devices + 1), Subject: "p-agua", Alcaldia: alcaldias[i%16]})
	r := in.Record
	r.SignerIndex = record.BlindIndex([]byte("bench dedupe key"), clave, r.SubjectID)
	body, err := record.SealBody(&record.Body{Signer: &record.Signer{Name: "Bench", IDType: idType, VoterID: clave, Alcaldia: r.Alcaldia},
		Canvasser: fmt.Sprintf("canvasser-%d", i%7)}, pub)
	if err != nil {
		b.Error(err)
		return in
	}
	r.Body = body
	in.Data = r.Marshal()
	in.Hash = sha256.Sum256(in.Data)
	return in
}
