package export

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// Sheet geometry, in millimetres on landscape A4. The row is tall enough
// for a legible signature and three lines of record details.
const (
	pageMargin = 14.0
	rowHeight  = 19.0
	headHeight = 8.0
	footMargin = 14.0
	// Signatures are rendered at about 250 dpi for their cell: sharp on
	// paper, a few kilobytes each.
	sigPixelsW, sigPixelsH = 480, 200
)

// sheetColumn is one column of the signature table.
type sheetColumn struct {
	title string
	width float64
}

var sheetColumns = []sheetColumn{
	{"#", 10},
	{"Nombre", 60},
	{"Clave de elector", 41},
	{"Alcaldía", 36},
	{"Firma", 68},
	{"Registro", 54},
}

// signatureRow is what a sheet shows of one signature record.
type signatureRow struct {
	id         uuid.UUID
	name       string
	idType     string
	voterID    string
	alcaldia   string
	deviceID   string
	seq        uint64
	deviceTime time.Time
	strokes    []byte
	witness    string // a witnessed mark: the canvasser who witnessed it; "" for a signature
}

// PDF writes signature sheets to out: for each proposal with signatures, a
// title page (proposal, threshold, count) and a table with one row per
// signature record (name, voter id, alcaldía, the rendered signature,
// record id, device, time). Only signature records are read; opt.Kind must
// be "" or record.KindSignature.
//
// fpdf builds the whole document in memory, so memory grows with the
// number of signatures (a few kilobytes each).
func PDF(ctx context.Context, r central.RecordReader, key *Key, out string, opt Options) (*Summary, error) {
	if opt.Kind != "" && opt.Kind != record.KindSignature {
		return nil, fmt.Errorf("pdf export holds signatures only, not %s records", opt.Kind)
	}
	loc, err := opt.location()
	if err != nil {
		return nil, err
	}
	total, err := count(ctx, r, record.KindSignature)
	if err != nil {
		return nil, err
	}
	byProposal := map[string][]signatureRow{}
	var done int64
	sum := &Summary{}
	sk := &skipper{key: key, sum: sum}
	err = r.EachRecord(ctx, string(record.KindSignature), func(sr central.StoredRecord) error {
		o, err := sk.open(sr)
		if err != nil || o == nil {
			return err
		}
		row := signatureRow{id: o.ID, deviceID: o.DeviceID, seq: o.Seq, deviceTime: o.DeviceTime, strokes: o.Body.Strokes}
		if s := o.Body.Signer; s != nil {
			row.name, row.idType, row.voterID, row.alcaldia = s.Name, s.IDType, s.VoterID, s.Alcaldia
			if s.Witnessed {
				row.witness = o.Body.Canvasser
			}
		}
		byProposal[o.SubjectID] = append(byProposal[o.SubjectID], row)
		done++
		if opt.Progress != nil {
			opt.Progress(PhaseReading, done, max(total, done))
		}
		return ctx.Err()
	})
	if err == nil {
		err = sk.check()
	}
	if err != nil {
		return nil, err
	}

	cs := opt.newestFirst()
	s := newSheets(cs, loc, opt.now())
	s.roll = opt.Roll
	if opt.Progress != nil {
		s.rendered = func(n int64) { opt.Progress(PhaseRendering, n, done) }
	}
	for _, id := range proposalOrder(cs, byProposal) {
		rows := byProposal[id]
		slices.SortFunc(rows, func(a, b signatureRow) int {
			return cmp.Or(a.deviceTime.Compare(b.deviceTime), bytes.Compare(a.id[:], b.id[:]))
		})
		if err := s.proposal(id, rows); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(byProposal) == 0 {
		s.empty()
	}
	if s.roll != nil {
		s.rollSummary(s.roll)
	}

	f, err := createTemp(out)
	if err != nil {
		return nil, err
	}
	defer f.abort()
	if err := s.pdf.Output(f); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	if err := f.commit(); err != nil {
		return nil, err
	}
	return &Summary{Records: done, ByKind: map[record.Kind]int64{record.KindSignature: done}, Files: []string{out}, Skipped: sum.Skipped}, nil
}

// proposalOrder lists the proposals with signatures in campaign order,
// then ids no campaign version knows, sorted.
func proposalOrder(cs []*campaign.Campaign, byProposal map[string][]signatureRow) []string {
	var ids []string
	seen := map[string]bool{}
	for _, c := range cs {
		for _, p := range c.Proposals {
			if _, ok := byProposal[p.ID]; ok && !seen[p.ID] {
				seen[p.ID] = true
				ids = append(ids, p.ID)
			}
		}
	}
	var rest []string
	for id := range byProposal {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	return append(ids, rest...)
}

// sheets is the document being built.
type sheets struct {
	pdf       *fpdf.Fpdf
	cs        []*campaign.Campaign
	loc       *time.Location
	generated time.Time
	heading   string // proposal title on table pages; "" on title pages
	images    int
	rendered  func(n int64)      // progress: signatures drawn so far, if set
	roll      *central.RollStats // the roll check's counts; nil before a roll is imported
}

func newSheets(cs []*campaign.Campaign, loc *time.Location, now time.Time) *sheets {
	pdf := fpdf.New("L", "mm", "A4", "")
	addFonts(pdf)
	s := &sheets{pdf: pdf, cs: cs, loc: loc, generated: now.In(loc)}
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(false, footMargin)
	pdf.AliasNbPages("{nb}")
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	title := "Hojas de firmas de apoyo"
	if len(cs) > 0 {
		title += " — " + cs[0].Title.Get("es")
	}
	pdf.SetTitle(title, true)
	pdf.SetCreator("Voces central export", true)
	pdf.SetLang("es-MX")
	// Not tagged, not PDF/A: fpdf writes a fixed document catalog with no
	// StructTreeRoot or MarkInfo and has no API for structure elements,
	// and no OutputIntent (with its ICC profile) that PDF/A requires, so
	// neither is reachable with it. What it does allow is here: embedded
	// fonts with Unicode maps (text extracts and searches exactly), the
	// document language, a title, and a bookmark per proposal.
	pdf.SetFooterFunc(s.footer)
	return s
}

func (s *sheets) campaignTitle() string {
	if len(s.cs) == 0 {
		return ""
	}
	return s.cs[0].Title.Get("es")
}

func (s *sheets) footer() {
	p := s.pdf
	w, h := p.GetPageSize()
	y := h - footMargin + 4
	p.SetDrawColor(120, 120, 120)
	p.SetLineWidth(0.2)
	p.Line(pageMargin, y-1.5, w-pageMargin, y-1.5)
	p.SetFont(fontSans, "", 7.5)
	p.SetTextColor(80, 80, 80)
	p.SetXY(pageMargin, y)
	left := "Generado el " + s.generated.Format("2006-01-02 15:04 MST") + " (" + s.loc.String() + ") con Voces"
	if t := s.campaignTitle(); t != "" {
		left += " · " + t
	}
	p.CellFormat(w-2*pageMargin-40, 4, left, "", 0, "L", false, 0, "")
	p.CellFormat(40, 4, "Página "+strconv.Itoa(p.PageNo())+" de {nb}", "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// proposal writes one proposal's title page and table.
func (s *sheets) proposal(id string, rows []signatureRow) error {
	var (
		prop *campaign.Proposal
		goal int
	)
	for _, c := range s.cs {
		if prop = c.Proposal(id); prop != nil {
			goal = c.Goal(prop)
			break
		}
	}
	title := "Propuesta " + id
	if prop != nil {
		title = prop.Title.Get("es")
	}
	s.titlePage(id, title, prop, goal, rows)
	s.heading = title
	s.tablePage(id)
	p := s.pdf
	_, h := p.GetPageSize()
	for i, row := range rows {
		if p.GetY()+rowHeight > h-footMargin {
			s.tablePage(id)
		}
		if err := s.row(i+1, row); err != nil {
			return err
		}
		if s.rendered != nil {
			s.rendered(int64(s.images))
		}
	}
	p.SetFont(fontSans, "I", 8)
	if p.GetY()+8 <= h-footMargin {
		p.Ln(2)
		p.CellFormat(0, 5, fmt.Sprintf("Fin de las hojas de la propuesta %s: %d firmas.", id, len(rows)), "", 1, "L", false, 0, "")
	}
	return p.Error()
}

func (s *sheets) titlePage(id, title string, prop *campaign.Proposal, goal int, rows []signatureRow) {
	p := s.pdf
	s.heading = ""
	p.AddPage()
	w, _ := p.GetPageSize()
	inner := w - 2*pageMargin

	p.SetFont(fontSans, "", 10)
	// After SetFont: fpdf encodes a bookmark as UTF-16 only when the
	// current font is a Unicode one.
	p.Bookmark(title, 0, 0)
	p.SetTextColor(80, 80, 80)
	p.CellFormat(0, 6, strings.ToUpper(s.campaignTitle()), "", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.6)
	p.Line(pageMargin, p.GetY()+1, w-pageMargin, p.GetY()+1)
	p.Ln(6)
	p.SetFont(fontSans, "B", 13)
	p.CellFormat(0, 7, "HOJAS DE FIRMAS DE APOYO A UNA PROPUESTA CIUDADANA", "", 1, "L", false, 0, "")
	p.Ln(3)
	p.SetFont(fontSans, "B", 20)
	p.MultiCell(inner, 9, title, "", "L", false)
	p.Ln(4)
	if prop != nil && prop.Summary.Get("es") != "" {
		p.SetFont(fontSans, "", 10.5)
		p.MultiCell(inner, 5.5, prop.Summary.Get("es"), "", "L", false)
		p.Ln(5)
	}

	voters := map[string]bool{}
	for _, r := range rows {
		voters[r.idType+":"+r.voterID] = true
	}
	area := "Toda la ciudad"
	threshold := "—"
	progress := "—"
	if prop != nil {
		if prop.Alcaldia != "" {
			area = alcaldiaName(prop.Alcaldia)
		}
		if goal > 0 {
			threshold = thousands(goal) + " firmas"
			progress = percent(len(voters), goal) + " del umbral"
		}
	}
	facts := [][2]string{
		{"Identificador de la propuesta", id},
		{"Ámbito", area},
		{"Umbral para llegar al Grupo Redactor", threshold},
		{"Firmas en estas hojas", thousands(len(rows))},
		{"Personas distintas (por clave de elector)", thousands(len(voters)) + " · " + progress},
		{"Hojas generadas", s.generated.Format("2006-01-02 15:04 MST")},
	}
	if s.roll != nil {
		facts = append(facts[:len(facts)-1:len(facts)-1], append(rollFacts(s.roll, id, len(rows)), facts[len(facts)-1])...)
	}
	p.SetFillColor(240, 240, 240)
	p.SetDrawColor(90, 90, 90)
	p.SetLineWidth(0.2)
	for i, f := range facts {
		p.SetFont(fontSans, "B", 10)
		p.CellFormat(95, 8, f[0], "1", 0, "L", i%2 == 0, 0, "")
		p.SetFont(fontSans, "", 10)
		p.CellFormat(95, 8, f[1], "1", 1, "L", i%2 == 0, 0, "")
	}
	p.Ln(6)
	p.SetFont(fontSans, "", 8.5)
	p.MultiCell(inner, 4.5, "Cada fila corresponde a un registro firmado digitalmente por el dispositivo que lo recogió. "+
		"El identificador de registro y el del dispositivo permiten verificarlo en el sistema central. "+
		"Los datos personales de estas hojas están protegidos por el aviso de privacidad que cada persona aceptó al firmar; "+
		"úsense solo para verificar los apoyos.", "", "L", false)

	// Hand-over boxes: who delivers the sheets, who receives them.
	_, h := p.GetPageSize()
	y := h - footMargin - 30
	boxW := (inner - 20) / 2
	for i, label := range []string{"Entrega (nombre, cargo y firma)", "Recibe por la autoridad electoral (nombre, cargo, firma y sello)"} {
		x := pageMargin + float64(i)*(boxW+20)
		p.SetLineWidth(0.3)
		p.Line(x, y+18, x+boxW, y+18)
		p.SetXY(x, y+19)
		p.SetFont(fontSans, "", 8)
		p.CellFormat(boxW, 4, label, "", 0, "C", false, 0, "")
	}
}

// tablePage starts a page of the signature table with its heading.
func (s *sheets) tablePage(id string) {
	p := s.pdf
	p.AddPage()
	w, _ := p.GetPageSize()
	p.SetFont(fontSans, "B", 11)
	p.CellFormat(w-2*pageMargin-60, 6, fitText(p, s.heading, w-2*pageMargin-62), "", 0, "L", false, 0, "")
	p.SetFont(fontSans, "", 9)
	p.CellFormat(60, 6, "Propuesta "+id, "", 1, "R", false, 0, "")
	p.SetFont(fontSans, "", 8)
	p.SetTextColor(80, 80, 80)
	p.CellFormat(0, 5, "Hoja de firmas de apoyo · "+s.campaignTitle(), "", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.Ln(1)
	p.SetFont(fontSans, "B", 9)
	p.SetFillColor(225, 225, 225)
	p.SetDrawColor(90, 90, 90)
	p.SetLineWidth(0.2)
	for _, c := range sheetColumns {
		p.CellFormat(c.width, headHeight, c.title, "1", 0, "C", true, 0, "")
	}
	p.Ln(headHeight)
}

// row draws one signature; the cells are drawn by hand because fpdf's
// tables cannot mix wrapped text with an image in one row.
func (s *sheets) row(n int, r signatureRow) error {
	p := s.pdf
	x0, y0 := p.GetX(), p.GetY()
	p.SetDrawColor(90, 90, 90)
	p.SetLineWidth(0.2)
	x := x0
	for _, c := range sheetColumns {
		p.Rect(x, y0, c.width, rowHeight, "D")
		x += c.width
	}
	col := func(i int) (float64, float64) {
		x := x0
		for _, c := range sheetColumns[:i] {
			x += c.width
		}
		return x, sheetColumns[i].width
	}

	cx, cw := col(0)
	p.SetFont(fontSans, "", 8)
	p.SetXY(cx, y0)
	p.CellFormat(cw, rowHeight, strconv.Itoa(n), "", 0, "C", false, 0, "")

	cx, cw = col(1)
	p.SetFont(fontSans, "", 9.5)
	s.textLines(cx, y0, cw, 4.5, r.name, 3)

	cx, cw = col(2)
	p.SetFont(fontMono, "", 9)
	p.SetXY(cx, y0+rowHeight/2-5)
	p.CellFormat(cw, 5, r.voterID, "", 2, "C", false, 0, "")
	p.SetFont(fontSans, "", 7)
	p.SetX(cx)
	p.CellFormat(cw, 4, idTypeName(r.idType), "", 0, "C", false, 0, "")

	cx, cw = col(3)
	p.SetFont(fontSans, "", 9)
	s.textLines(cx, y0, cw, 4.5, alcaldiaName(r.alcaldia), 3)

	cx, cw = col(4)
	if r.witness != "" {
		// No signature to show: the sheet says who witnessed the mark of
		// a person who could not sign.
		p.SetFont(fontSans, "", 8)
		s.textLines(cx, y0, cw, 4, "Marca con testigo: "+r.witness, 3)
	} else {
		sig, err := stroke.Decode(r.strokes)
		if err != nil {
			return fmt.Errorf("record %s (device %s, seq %d): signature: %w", r.id, r.deviceID, r.seq, err)
		}
		png, err := sig.PNG(sigPixelsW, sigPixelsH)
		if err != nil {
			return fmt.Errorf("record %s (device %s, seq %d): %w", r.id, r.deviceID, r.seq, err)
		}
		s.images++
		name := "sig" + strconv.Itoa(s.images)
		opts := fpdf.ImageOptions{ImageType: "PNG"}
		p.RegisterImageOptionsReader(name, opts, bytes.NewReader(png))
		ih := rowHeight - 2
		iw := ih * sigPixelsW / sigPixelsH
		p.ImageOptions(name, cx+(cw-iw)/2, y0+1, iw, ih, false, opts, 0, "")
	}

	cx, cw = col(5)
	p.SetXY(cx+1.5, y0+2.5)
	p.SetFont(fontSans, "", 6.6)
	p.CellFormat(cw-3, 4, r.id.String(), "", 2, "L", false, 0, "")
	p.SetX(cx + 1.5)
	p.SetFont(fontSans, "", 7.5)
	p.CellFormat(cw-3, 4.5, "Dispositivo "+r.deviceID+" · nº "+strconv.FormatUint(r.seq, 10), "", 2, "L", false, 0, "")
	p.SetX(cx + 1.5)
	p.CellFormat(cw-3, 4.5, "Firmado "+r.deviceTime.In(s.loc).Format("2006-01-02 15:04"), "", 0, "L", false, 0, "")

	p.SetXY(x0, y0+rowHeight)
	return p.Error()
}

// textLines writes text (UTF-8) wrapped to width w in at most maxLines
// lines, vertically centred in the row, the last line cut with an ellipsis
// if the text is longer.
func (s *sheets) textLines(x, y, w, lineH float64, text string, maxLines int) {
	p := s.pdf
	lines := wrapText(p, text, w-3)
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = fitText(p, lines[maxLines-1]+" …", w-3)
	}
	top := y + (rowHeight-float64(len(lines))*lineH)/2
	for i, l := range lines {
		p.SetXY(x+1.5, top+float64(i)*lineH)
		p.CellFormat(w-3, lineH, l, "", 0, "L", false, 0, "")
	}
}

// wrapText breaks text into lines no wider than w at the current font,
// between words, cutting a word only when it alone is wider, so a long
// compound surname never runs into the next cell. It measures with
// GetStringWidth, which reads the embedded font's width of every rune.
func wrapText(p *fpdf.Fpdf, text string, w float64) []string {
	fits := func(s string) bool { return p.GetStringWidth(s) <= w }
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
		case fits(line + " " + word):
			line += " " + word
			continue
		default:
			lines = append(lines, line)
		}
		line = word
		for utf8.RuneCountInString(line) > 1 && !fits(line) {
			r := []rune(line)
			cut := len(r) - 1
			for cut > 1 && !fits(string(r[:cut])) {
				cut--
			}
			lines = append(lines, string(r[:cut]))
			line = string(r[cut:])
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// empty writes a single page saying there is nothing to hand over, so
// the file still opens and explains itself.
func (s *sheets) empty() {
	p := s.pdf
	p.AddPage()
	p.SetFont(fontSans, "B", 16)
	p.CellFormat(0, 10, "No hay firmas de apoyo registradas.", "", 1, "L", false, 0, "")
}

// fitText cuts text so it fits width w at the current font, ending it
// with an ellipsis when cut.
func fitText(p *fpdf.Fpdf, text string, w float64) string {
	if p.GetStringWidth(text) <= w {
		return text
	}
	r := []rune(text)
	for len(r) > 0 && p.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func idTypeName(t string) string {
	switch t {
	case campaign.IDTypeINE:
		return "INE"
	case campaign.IDTypeCURP:
		return "CURP"
	}
	return t
}

// percent writes part/whole as a percentage with enough decimals that a
// small start does not read as zero.
func percent(part, whole int) string {
	p := 100 * float64(part) / float64(whole)
	switch {
	case part == 0:
		return "0 %"
	case p < 0.01:
		return "< 0.01 %"
	case p < 10:
		return strconv.FormatFloat(p, 'f', 2, 64) + " %"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + " %"
}

// thousands writes n with a comma every three digits, as Mexico does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
