package central_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/roll"
)

// writeRoll writes a synthetic roll of n voters and returns its path and
// the population.
func writeRoll(t *testing.T, dir, name string, seed uint64, n int) (string, *fieldsim.Population) {
	t.Helper()
	pop := fieldsim.NewPopulation(seed, 0, fieldsim.RollOptions{Outside: 0.05, Extra: n})
	var b bytes.Buffer
	if err := pop.WriteRoll(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, pop
}

func importRoll(t *testing.T, s central.RollStore, dir, file string) (*central.RollImportResult, error) {
	t.Helper()
	var steps []string
	res, err := central.ImportRoll(context.Background(), s, central.RollImportOptions{DataDir: dir, File: file, By: "tester",
		Progress: func(step string) (func(int64, int64), func()) {
			steps = append(steps, step)
			return func(int64, int64) {}, func() {}
		}})
	if err == nil && strings.Join(steps, ",") != "bytes read,voters stored" {
		t.Errorf("progress steps %v", steps)
	}
	return res, err
}

// TestRollImport imports a 100,000-voter roll, re-imports another, and
// has a file with too many bad rows refused, on SQLite, then checks that
// no clave de elector is in the database files.
func TestRollImport(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(dir, central.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	claves := testRollImport(t, s, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, central.DBFile+"*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("database files %v, %v", files, err)
	}
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	set := make(map[string]bool, len(claves))
	for _, c := range claves {
		set[c] = true
	}
	if c := clearClave(all, set); c != "" {
		t.Fatalf("the database files hold clave %s in the clear", c)
	}
	// The same search finds them in the file imported.
	csv, err := os.ReadFile(filepath.Join(dir, "first.csv"))
	if err != nil || len(set) != 150_000 || clearClave(csv, set) == "" {
		t.Fatalf("the search for claves finds none in the roll file itself (%d claves, %v)", len(set), err)
	}
	if len(all) < 1_000_000 {
		t.Fatalf("the database files hold %d bytes: the roll is not in them", len(all))
	}
}

// clearClave returns the first clave of set found in b, or "": every
// 18-byte window against the set, one pass rather than a search per clave.
func clearClave(b []byte, set map[string]bool) string {
	for i := 0; i+18 <= len(b); i++ {
		if set[string(b[i:i+18])] {
			return string(b[i : i+18])
		}
	}
	return ""
}

func TestRollImportPostgres(t *testing.T) {
	s, err := pgstore.Open(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testRollImport(t, s, t.TempDir())
}

// testRollImport returns every clave it imported.
func testRollImport(t *testing.T, s central.RollStore, dir string) []string {
	ctx := context.Background()
	first, pop1 := writeRoll(t, dir, "first.csv", 1, 100_000)
	res, err := importRoll(t, s, dir, first)
	if err != nil {
		t.Fatal(err)
	}
	if res.Import.Rows != 100_000 || res.Import.BadRows != 0 || len(res.Import.SHA256) != 64 || res.Import.File != "first.csv" || res.Import.By != "tester" {
		t.Fatalf("import %+v", res.Import)
	}
	if info, err := os.Stat(filepath.Join(dir, central.RollKeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("roll key: %v, %v; want made, private", info, err)
	}
	key, err := central.LoadRollKey(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	h := roll.NewHasher(key)
	lookup := func(pop *fieldsim.Population) map[int64]central.RollMatch {
		hashes := make([]int64, 0, 2000)
		for _, p := range pop.Extra[:2000] {
			hashes = append(hashes, h.Hash(p.INE))
		}
		m, err := s.LookupRoll(ctx, hashes)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := lookup(pop1)
	if len(m) != 2000 {
		t.Fatalf("%d of 2000 voters of the first roll found", len(m))
	}
	for _, p := range pop1.Extra[:2000] {
		got := m[h.Hash(p.INE)]
		if got.Entity != p.Entity || got.Section != p.Section || (p.Entity == roll.CityEntity && got.Alcaldia != p.Alcaldia) {
			t.Fatalf("voter %+v found as %+v", p, got)
		}
	}

	second, pop2 := writeRoll(t, dir, "second.csv", 2, 50_000)
	res2, err := importRoll(t, s, dir, second)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Import.ID <= res.Import.ID || res2.Import.Rows != 50_000 || res2.Import.SHA256 == res.Import.SHA256 {
		t.Fatalf("re-import %+v after %+v", res2.Import, res.Import)
	}
	if n := len(lookup(pop1)); n != 0 {
		t.Errorf("%d voters of the replaced roll still found", n)
	}
	if n := len(lookup(pop2)); n != 2000 {
		t.Errorf("%d of 2000 voters of the new roll found", n)
	}

	// A bad file: 30 bad rows in 10,030 (limit 0.1 %) is refused whole.
	raw, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")[:10_001]
	for i := range 30 {
		lines = append(lines, "XXXX"+strings.Repeat("9", i)+",1,9,tlalpan\n")
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	res3, err := importRoll(t, s, dir, bad)
	if !errors.Is(err, roll.ErrTooManyBad) || !strings.Contains(err.Error(), "line 10002") {
		t.Fatalf("bad file: %v; want refused naming line 10002", err)
	}
	if len(res3.Bad) != 30 || res3.Bad[0].Line != 10002 || res3.Bad[29].Line != 10031 {
		t.Errorf("bad rows %v; want lines 10002–10031", res3.Bad)
	}
	imps, err := s.RollImports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 || imps[1] != res2.Import {
		t.Errorf("imports after the refused file %+v", imps)
	}
	if n := len(lookup(pop2)); n != 2000 {
		t.Errorf("after the refused file %d of 2000 voters of the roll in use found", n)
	}
	var claves []string
	for _, pop := range []*fieldsim.Population{pop1, pop2} {
		for _, p := range pop.Extra {
			claves = append(claves, p.INE)
		}
	}
	return claves
}

func TestLoadRollKeyRefusesAShortKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := central.LoadRollKey(dir, false); err == nil {
		t.Fatal("a missing key loaded without create")
	}
	if err := os.WriteFile(filepath.Join(dir, central.RollKeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := central.LoadRollKey(dir, true); err == nil {
		t.Error("a 5-byte roll key was taken")
	}
}
