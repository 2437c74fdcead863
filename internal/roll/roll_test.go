package roll

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var key = []byte("0123456789abcdef0123456789abcdef")

// Valid claves de elector in the shape voterid checks.
const (
	claveA = "GRMRLS90010109H100"
	claveB = "HRLPJN85123115M200"
)

func TestReadDefaultLayout(t *testing.T) {
	in := "clave_elector,seccion,entidad,alcaldia\n" + claveA + ",1234,9,coyoacan\n" + strings.ToLower(claveB) + ",77,15,\n"
	p, err := Read(strings.NewReader(in), key, Mapping{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 2 || len(p.Entries) != 2 || len(p.Bad) != 0 || len(p.SHA256) != 64 {
		t.Fatalf("parsed %+v", p)
	}
	h := NewHasher(key)
	got := map[int64]Entry{}
	for _, e := range p.Entries {
		got[e.Hash] = e
	}
	a, b := got[h.Hash(claveA)], got[h.Hash(claveB)]
	if a.Entity != 9 || a.Section != 1234 || p.Alcaldias[a.Alcaldia] != "coyoacan" {
		t.Errorf("entry A %+v", a)
	}
	if b.Entity != 15 || b.Section != 77 || p.Alcaldias[b.Alcaldia] != "" {
		t.Errorf("entry B (lower case in the file, normalised) %+v", b)
	}
	if p.Entries[0].Hash > p.Entries[1].Hash {
		t.Error("entries are not sorted by hash")
	}
}

func TestHashDependsOnTheKey(t *testing.T) {
	if NewHasher(key).Hash(claveA) == NewHasher([]byte("another key")).Hash(claveA) {
		t.Error("two keys give the same hash")
	}
	if NewHasher(key).Hash(claveA) == NewHasher(key).Hash(claveB) {
		t.Error("two claves give the same hash")
	}
}

func TestReadMappedColumns(t *testing.T) {
	m, err := ParseMapping("clave_elector=CLAVE, seccion=SECC,entidad=EDO,alcaldia=MUNICIPIO")
	if err != nil {
		t.Fatal(err)
	}
	in := "NOMBRE,EDO,MUNICIPIO,SECC,CLAVE\nX,9,tlalpan,5," + claveA + "\n"
	p, err := Read(strings.NewReader(in), key, m, nil)
	if err != nil || len(p.Entries) != 1 || p.Entries[0].Section != 5 || p.Alcaldias[0] != "tlalpan" {
		t.Fatalf("%+v, %v", p, err)
	}
	if _, err := Read(strings.NewReader(in), key, Mapping{}, nil); err == nil || !strings.Contains(err.Error(), "clave_elector") {
		t.Errorf("default names on a file without them: %v", err)
	}
	for _, bad := range []string{"clave=X", "seccion", "entidad="} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}

// rows makes a file of good distinct claves followed by bad rows.
func rows(good, bad int) string {
	var b strings.Builder
	b.WriteString("clave_elector,seccion,entidad,alcaldia\n")
	for i := range good {
		fmt.Fprintf(&b, "%s,1,9,coyoacan\n", clave(i))
	}
	for range bad {
		b.WriteString("bad,1,9,coyoacan\n")
	}
	return b.String()
}

// clave is the i-th of 720,000 distinct valid claves.
func clave(i int) string {
	return fmt.Sprintf("GRMRLS%02d%02d%02d09H%03d", 40+i/72000%60, 1+i/6000%12, 1+i/1000%6, i%1000)
}

func TestBadRowsAreReportedByLine(t *testing.T) {
	in := rows(20000, 0) + "NOTACLAVE,1,9,coyoacan\n" + claveA + ",0,9,coyoacan\n" + claveB + ",1,33,x\n" +
		claveA + ",1,9,\n" + clave(5) + ",2,9,tlalpan\n"
	p, err := Read(strings.NewReader(in), key, Mapping{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Bad {
		got = append(got, r.String())
	}
	want := []string{
		"line 20002: clave de elector: INE voter key must be 18 characters; this has 9",
		`line 20003: section "0" is not a number from 1 to 9999`,
		`line 20004: entity "33" is not a number from 1 to 32`,
		"line 20005: no alcaldía for a voter of Mexico City",
		"line 20006: the clave de elector of line 7 again",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(p.Entries) != 20000 || p.Rows != 20005 {
		t.Errorf("%d entries of %d rows, want 20000 of 20005", len(p.Entries), p.Rows)
	}
}

func readErr(t *testing.T, in string) error {
	t.Helper()
	_, err := Read(strings.NewReader(in), key, Mapping{}, nil)
	return err
}

func TestThreshold(t *testing.T) {
	if err := readErr(t, rows(100, MinBadAllowed)); err != nil {
		t.Errorf("%d bad rows refused: %v", MinBadAllowed, err)
	}
	if err := readErr(t, rows(100, MinBadAllowed+1)); !errors.Is(err, ErrTooManyBad) || !strings.Contains(err.Error(), "line 102") {
		t.Errorf("%d bad rows of 111: %v; want refused, naming line 102", MinBadAllowed+1, err)
	}
	if err := readErr(t, rows(20000, 20)); err != nil {
		t.Errorf("20 bad rows of 20,020 (0.1 %%): %v", err)
	}
	if err := readErr(t, rows(20000, 21)); !errors.Is(err, ErrTooManyBad) {
		t.Errorf("21 bad rows of 20,021: %v, want refused", err)
	}
}
