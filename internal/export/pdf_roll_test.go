package export_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// TestPDFShowsVerifiedNextToRaw checks the fixture's signatures against a
// roll that holds every other signer, and reads the sheets: each
// proposal's title page gives its verified supports next to its raw ones
// and why the rest did not verify, and the last page gives them per
// alcaldía.
func TestPDFShowsVerifiedNextToRaw(t *testing.T) {
	pdftotext := needPoppler(t, "pdftotext")
	f := newFixture(t, 40)
	ctx := context.Background()
	var roll bytes.Buffer
	roll.WriteString("clave_elector,seccion,entidad,alcaldia\n")
	i := 0
	for _, s := range f.sent {
		if s.rec.Kind != record.KindSignature || s.draft.Body.Signer.IDType != string(voterid.INE) {
			continue
		}
		if i%2 == 0 {
			fmt.Fprintf(&roll, "%s,%d,9,tlalpan\n", voterid.Normalize(s.draft.Body.Signer.VoterID), 100+i)
		}
		i++
	}
	file := filepath.Join(t.TempDir(), "roll.csv")
	if err := os.WriteFile(file, roll.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := central.ImportRoll(ctx, f.c.Store, central.RollImportOptions{DataDir: f.c.Dir, File: file, By: "tester"}); err != nil {
		t.Fatal(err)
	}
	key, err := central.LoadRollKey(f.c.Dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := central.CheckSupports(ctx, f.c.Store, f.c.Keys.SealPublic, f.c.Keys.SealPrivate, key); err != nil {
		t.Fatal(err)
	}
	st, err := central.Summarize(ctx, f.c.Store)
	if err != nil {
		t.Fatal(err)
	}
	rs := st.Roll
	if rs == nil || rs.Verified == 0 || rs.Verified == rs.Checked {
		t.Fatalf("roll stats %+v: the test needs some supports verified and some not", rs)
	}
	opt := f.options
	opt.Roll, opt.Now = rs, time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "firmas.pdf")
	if _, err := export.PDF(ctx, f.c.Store, f.key, out, opt); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if dir := os.Getenv("VOCES_SHOTS"); dir != "" {
		if b, err := os.ReadFile(out); err == nil {
			os.WriteFile(filepath.Join(dir, "signature-sheets.pdf"), b, 0o644)
		}
	}
	text := strings.Join(strings.Fields(string(txt)), " ")
	for _, p := range st.Proposals {
		if p.Supports == 0 {
			continue
		}
		want := fmt.Sprintf("%d de %d apoyos", *p.Verified, p.Supports)
		if !strings.Contains(text, want) {
			t.Errorf("proposal %s: the sheets do not say %q", p.ID, want)
		}
	}
	failing := 0
	for _, g := range rs.Proposals {
		if n := g.Failed[central.StatusNotInRoll]; n > 0 {
			failing++
			if want := fmt.Sprintf("%d no están en la lista nominal", n); !strings.Contains(text, want) {
				t.Errorf("proposal %s: the sheets do not say %q", g.ID, want)
			}
		}
	}
	if failing == 0 {
		t.Fatal("no proposal has a support missing from the roll: the test proves nothing of the reasons")
	}
	for _, want := range []string{
		fmt.Sprintf("Verificados en la lista nominal (lista %d)", rs.Import.ID),
		"VERIFICACIÓN DE LOS APOYOS EN LA LISTA NOMINAL",
		fmt.Sprintf("De %d apoyos revisados, %d están verificados", rs.Checked, rs.Verified),
		"Toda la ciudad",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheets do not say %q", want)
		}
	}
	// Without the roll's counts the sheets say nothing of a roll.
	opt.Roll = nil
	if _, err := export.PDF(ctx, f.c.Store, f.key, out, opt); err != nil {
		t.Fatal(err)
	}
	txt, err = exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(txt), "lista nominal") {
		t.Error("sheets without a roll mention the lista nominal")
	}
}
