package export_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/record"
)

// A canvasser's attendee who could not sign: the record carries a
// witnessed mark and no strokes, and every export says so rather than
// failing on the missing signature or passing it off as one.
func TestWitnessedMarkIsShownInEveryExport(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeCanvasser)
	g := fieldsim.New(d.Campaign, record.ModeCanvasser, 7)
	draft := g.Signature()
	draft.Body.Canvasser = "Rosa Promotora"
	draft.Body.Signer.Witnessed = true
	draft.Body.Strokes = nil
	signed := g.Signature() // an ordinary one beside it
	var batch [][]byte
	for _, dr := range []*record.Draft{draft, signed} {
		batch = append(batch, d.Seal(t, dr).Marshal())
	}
	for _, res := range d.Upload(t, batch).Results {
		if res.Status != "accepted" {
			t.Fatalf("upload: %s %s", res.Status, res.Reason)
		}
	}
	key, err := export.LoadKey(filepath.Join(c.Dir, central.SealKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx := context.Background()

	csvPath := filepath.Join(dir, "r.csv")
	if _, err := export.CSV(ctx, c.Store, key, csvPath, export.Options{}); err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, csvPath)
	witnessed := 0
	for _, r := range rows {
		if r["signer_witnessed"] == "witnessed" {
			witnessed++
			if r["signer_name"] != draft.Body.Signer.Name || r["canvasser"] != "Rosa Promotora" || r["signature_file"] != "" {
				t.Errorf("witnessed row %v", r)
			}
		} else if r["signature_file"] == "" {
			t.Errorf("a signed row without its signature: %v", r)
		}
	}
	if witnessed != 1 || len(rows) != 2 {
		t.Fatalf("%d rows, %d witnessed; want 2 and 1", len(rows), witnessed)
	}

	xlsxPath := filepath.Join(dir, "r.xlsx")
	if _, err := export.XLSX(ctx, c.Store, key, xlsxPath, export.Options{}); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	found := false
	for _, sheet := range wb.GetSheetList() {
		rs, _ := wb.GetRows(sheet)
		for _, r := range rs {
			for _, cell := range r {
				found = found || cell == "witnessed"
			}
		}
	}
	if !found {
		t.Error("the spreadsheet does not say the mark was witnessed")
	}

	pdfPath := filepath.Join(dir, "r.pdf")
	if _, err := export.PDF(ctx, c.Store, key, pdfPath, export.Options{}); err != nil {
		t.Fatalf("the signature sheets fail on a witnessed mark: %v", err)
	}
	pdftotext := needPoppler(t, "pdftotext")
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", pdfPath, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), "Marca con testigo: Rosa Promotora") {
		t.Error("the signature sheet does not name the witness")
	}
}
