package export_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// TestAccessReportListsWhatIsHeldAndWhere finds a signer by voter id, as
// a data officer does for an ARCO request, and checks the report names the
// person's data, the device, the alcaldía, the date and the receipt.
func TestAccessReportListsWhatIsHeldAndWhere(t *testing.T) {
	pdftotext := needPoppler(t, "pdftotext")
	f := newFixture(t, 6)
	var voterID string
	for _, s := range f.sent {
		if s.draft.Body.Signer != nil && s.draft.Body.Signer.Name == accented {
			voterID = s.draft.Body.Signer.VoterID
			break
		}
	}
	ctx := context.Background()
	found, err := central.FindByVoterID(ctx, f.c.Store, f.c.Keys.Dedupe, voterID)
	if err != nil || len(found) == 0 {
		t.Fatalf("find %q: %d records (%v)", voterID, len(found), err)
	}
	opt := f.options
	opt.Now = time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)
	var pdf bytes.Buffer
	if err := export.AccessReport(&pdf, found, f.key, map[string]string{found[0].DeviceID: "Quiosco Zócalo"}, opt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "acceso.pdf")
	if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("VOCES_SHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "access-report.pdf"), pdf.Bytes(), 0o644)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Informe de acceso a datos personales", accented, voterid.Normalize(voterID), "Quiosco Zócalo (" + found[0].DeviceID + ")",
		found[0].Receipt, found[0].DeviceTime.In(mexico(t)).Format("2006-01-02 15:04"), "Firma de apoyo a una propuesta"} {
		if !strings.Contains(text, want) {
			t.Errorf("access report lacks %q:\n%s", want, text)
		}
	}
}

func mexico(t *testing.T) *time.Location {
	loc, err := time.LoadLocation(export.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
