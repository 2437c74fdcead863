package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// TimeLayout is how the CSV writes times: local to the campaign's zone,
// with the offset, to the millisecond the envelope keeps.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// SurveyColumnPrefix starts the name of each survey question's column.
const SurveyColumnPrefix = "survey."

// CSVColumns are the fixed columns of a CSV export, in order. One column
// per survey question (SurveyColumnPrefix + question id) follows them,
// then "survey_other" for answers to questions no published campaign
// version has.
var CSVColumns = []string{
	"record_id", "receipt", "kind", "subject_id", "subject_title",
	"device_id", "seq", "mode", "channel", "event_id", "alcaldia",
	"device_time", "received_at",
	"signer_name", "signer_id_type", "signer_voter_id", "signer_alcaldia", "consent_version",
	"registrant_name", "registrant_contact",
	"comment_text", "comment_name", "comment_alcaldia",
	"canvasser", "signature_file",
	// Residents' proposals (their author in the signer columns, their
	// signature in signature_file) and assemblies.
	"submission_title", "submission_text", "submission_theme", "submission_lang", "submission_named",
	"assembly_starts", "assembly_venue", "assembly_organiser", "assembly_contact",
	// A support given as a mark a canvasser witnessed, not a signature.
	"signer_witnessed",
}

// utf8BOM makes Excel read the file as UTF-8 instead of the system code
// page, which would garble every accented name.
const utf8BOM = "\uFEFF"

// SignaturesDir is the directory a CSV export writes signature SVGs to:
// the CSV's name without its extension, plus "_signatures".
func SignaturesDir(csvPath string) string {
	return strings.TrimSuffix(csvPath, filepath.Ext(csvPath)) + "_signatures"
}

// CSV writes one row per stored record of opt.Kind to out, with the body
// opened by key, and each signature as an SVG file in SignaturesDir(out)
// named by record id. The file is RFC 4180 (CRLF line ends) in UTF-8 with
// a byte order mark, its fields separated by opt.Delimiter (',' unless
// set). Records whose body does not open are skipped and counted in
// Summary.Skipped; nothing is left at out on any other failure.
func CSV(ctx context.Context, r central.RecordReader, key *Key, out string, opt Options) (*Summary, error) {
	loc, err := opt.location()
	if err != nil {
		return nil, err
	}
	comma, err := opt.delimiter()
	if err != nil {
		return nil, err
	}
	total, err := count(ctx, r, opt.Kind)
	if err != nil {
		return nil, err
	}
	cs := opt.newestFirst()
	questions := surveyQuestions(cs)
	header := slices.Clone(CSVColumns)
	for _, q := range questions.ids {
		header = append(header, SurveyColumnPrefix+q)
	}
	header = append(header, "survey_other")

	f, err := createTemp(out)
	if err != nil {
		return nil, err
	}
	defer f.abort() // a no-op after commit: the temporary name is gone
	var sigs *tempDir
	if opt.Kind == "" || opt.Kind == record.KindSignature {
		if sigs, err = createTempDir(SignaturesDir(out)); err != nil {
			return nil, err
		}
		defer sigs.abort()
	}
	sigRel := filepath.Base(SignaturesDir(out))

	bw := bufio.NewWriterSize(f, 64<<10)
	bw.WriteString(utf8BOM)
	w := csv.NewWriter(bw)
	w.Comma = comma
	w.UseCRLF = true
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	sum := &Summary{ByKind: make(map[record.Kind]int64)}
	sk := &skipper{key: key, sum: sum}
	sigFiles := 0
	row := make([]string, len(header))
	err = r.EachRecord(ctx, string(opt.Kind), func(sr central.StoredRecord) error {
		o, err := sk.open(sr)
		if err != nil || o == nil {
			return err
		}
		sigFile := ""
		if len(o.Body.Strokes) > 0 && sigs != nil {
			sig, err := stroke.Decode(o.Body.Strokes)
			if err != nil {
				return fmt.Errorf("record %s (device %s, seq %d): signature: %w", o.ID, o.DeviceID, o.Seq, err)
			}
			name := o.ID.String() + ".svg"
			if err := os.WriteFile(filepath.Join(sigs.path, name), sig.SVG(), 0o600); err != nil {
				return fmt.Errorf("write signature: %w", err)
			}
			sigFile = sigRel + "/" + name
			sigFiles++
		}
		csvRow(row, o, cs, questions, loc, sigFile)
		if err := w.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		sum.Records++
		sum.ByKind[record.Kind(o.Kind)]++
		if opt.Progress != nil {
			opt.Progress(PhaseWriting, sum.Records, max(total, sum.Records))
		}
		return ctx.Err()
	})
	if err == nil {
		err = sk.check()
	}
	if err != nil {
		return nil, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	// Signatures first: a CSV in place always has its signature files.
	if sigs != nil && sigFiles > 0 {
		if err := sigs.commit(); err != nil {
			return nil, err
		}
	}
	if err := f.commit(); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, out)
	if sigs != nil && sigFiles > 0 {
		sum.Files = append(sum.Files, fmt.Sprintf("%s (%d signatures)", SignaturesDir(out), sigFiles))
	}
	return sum, nil
}

// csvRow fills row (len(CSVColumns) + len(questions.ids) + 1 cells) for one
// record. Every cell that carries text from a device goes through
// safeCell.
func csvRow(row []string, o *openedRecord, cs []*campaign.Campaign, questions *questionColumns, loc *time.Location, sigFile string) {
	clear(row)
	b := o.Body
	row[0] = o.ID.String()
	row[1] = o.Receipt
	if row[1] == "" {
		row[1] = record.ReceiptCode(o.ID)
	}
	row[2] = safeCell(o.Kind)
	row[3] = safeCell(o.SubjectID)
	row[4] = safeCell(subjectTitle(cs, o.Kind, o.SubjectID))
	row[5] = safeCell(o.DeviceID)
	row[6] = strconv.FormatUint(o.Seq, 10)
	row[7] = safeCell(o.Mode)
	row[8] = safeCell(o.Channel)
	row[9] = safeCell(o.EventID)
	row[10] = safeCell(o.StoredRecord.Alcaldia)
	row[11] = o.DeviceTime.In(loc).Format(TimeLayout)
	row[12] = o.ReceivedAt.In(loc).Format(TimeLayout)
	if s := b.Signer; s != nil {
		row[13] = safeCell(s.Name)
		row[14] = safeCell(s.IDType)
		row[15] = safeCell(s.VoterID)
		row[16] = safeCell(s.Alcaldia)
		row[17] = safeCell(s.ConsentVersion)
	}
	if g := b.Registrant; g != nil {
		row[18] = safeCell(g.Name)
		row[19] = safeCell(g.Contact)
		row[17] = safeCell(g.ConsentVersion)
	}
	if c := b.Comment; c != nil {
		row[20] = safeCell(c.Text)
		row[21] = safeCell(c.Name)
		row[22] = safeCell(c.Alcaldia)
	}
	row[23] = safeCell(b.Canvasser)
	row[24] = sigFile
	if s := b.Signer; s != nil && s.Witnessed {
		// A mark witnessed by the canvasser, not a signature.
		row[34] = "witnessed"
	}
	if p := b.Proposal; p != nil {
		row[25], row[26], row[27], row[28] = safeCell(p.Title), safeCell(p.Text), safeCell(p.Theme), safeCell(p.Lang)
		row[29] = strconv.FormatBool(p.Named)
	}
	if a := b.Assembly; a != nil {
		row[25], row[26], row[28] = safeCell(a.Title), safeCell(a.About), safeCell(a.Lang)
		row[30] = a.Starts.In(loc).Format(TimeLayout)
		row[31], row[32], row[33] = safeCell(a.Venue), safeCell(a.Organiser), safeCell(a.Contact)
		row[17] = safeCell(a.ConsentVersion)
	}
	n := len(CSVColumns)
	for id, a := range b.Answers {
		if i, found := questions.index[id]; found {
			row[n+i] = safeCell(FormatAnswer(a))
		}
	}
	row[n+len(questions.ids)] = safeCell(otherAnswers(b.Answers, questions))
}

// otherAnswers writes the answers to questions no published campaign
// version asks as "id=answer; id=answer", sorted by id.
func otherAnswers(answers map[string]campaign.Answer, questions *questionColumns) string {
	var other []string
	for id, a := range answers {
		if _, found := questions.index[id]; !found {
			other = append(other, id+"="+FormatAnswer(a))
		}
	}
	sort.Strings(other)
	return strings.Join(other, "; ")
}

// FormatAnswer writes a survey answer as its CSV cell: the option or
// alcaldía id, the chosen ids joined with "; ", the number, or the text.
func FormatAnswer(a campaign.Answer) string {
	switch {
	case a.Choice != "":
		return a.Choice
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, "; ")
	case a.Number != nil:
		return strconv.FormatFloat(*a.Number, 'f', -1, 64)
	}
	return a.Text
}

// questionColumns are the survey columns: every question id any campaign
// version asks, in the newest version's order, then older versions' own.
type questionColumns struct {
	ids   []string
	index map[string]int
}

func surveyQuestions(cs []*campaign.Campaign) *questionColumns {
	qc := &questionColumns{index: map[string]int{}}
	for _, c := range cs {
		for _, q := range c.Survey.Questions {
			if _, ok := qc.index[q.ID]; !ok {
				qc.index[q.ID] = len(qc.ids)
				qc.ids = append(qc.ids, q.ID)
			}
		}
	}
	return qc
}

// safeCell defuses CSV formula injection: a spreadsheet runs a cell that
// starts with = + - or @ (and some treat a leading tab or carriage return
// the same), so such text, which a person or a device could type, gets a
// leading apostrophe and is shown as text.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
