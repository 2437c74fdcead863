package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// xlsxColumn is one column of a sheet: its header and how a record fills
// it. A cell is a string, a number (int64, uint64, float64), a time.Time
// (written as a spreadsheet date) or nil (empty).
type xlsxColumn struct {
	name  string
	width float64 // in characters
	cell  func(o *openedRecord) any
}

// xlsxDateFormat is how date cells display; the value underneath is a
// real date a spreadsheet sorts, filters and subtracts.
const xlsxDateFormat = "yyyy-mm-dd hh:mm:ss.000"

// dateWidth fits xlsxDateFormat: a narrower column shows "###" instead
// of the date.
const dateWidth = 25

// headerHeight leaves the header two lines, in points, for the names
// that wrap (the time columns name the zone).
const headerHeight = 32

// XLSX writes a workbook to out with one sheet per record kind (only
// opt.Kind's when set), named by kind, each with the columns that kind
// has: the envelope first, then its body. Cells are typed: times are
// dates in the campaign's time zone, sequence numbers and numeric survey
// answers are numbers, the rest text. The header row is frozen so it
// stays in view while scrolling. Cells are values, never formulas, so
// text from a device cannot run in a spreadsheet and needs no leading
// apostrophe as in the CSV. Handwritten signatures are not in the
// workbook; the CSV export and the PDF sheets have them. Nothing is left
// at out unless every record was exported.
func XLSX(ctx context.Context, r central.RecordReader, key *Key, out string, opt Options) (*Summary, error) {
	loc, err := opt.location()
	if err != nil {
		return nil, err
	}
	total, err := count(ctx, r, opt.Kind)
	if err != nil {
		return nil, err
	}
	kinds := record.Kinds
	if opt.Kind != "" {
		kinds = []record.Kind{opt.Kind}
	}
	cs := opt.newestFirst()
	wb := excelize.NewFile()
	defer wb.Close()
	props := &excelize.DocProperties{Creator: "Voces central export", Title: "Registros", Language: "es-MX",
		Created: opt.now().UTC().Format(time.RFC3339)}
	if len(cs) > 0 {
		props.Title += " — " + cs[0].Title.Get("es")
	}
	if err := wb.SetDocProps(props); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	header, err := wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E1E1E1"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	dateFmt := xlsxDateFormat
	date, err := wb.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}

	sum := &Summary{ByKind: make(map[record.Kind]int64)}
	sk := &skipper{key: key, sum: sum}
	for i, kind := range kinds {
		sheet := string(kind)
		if i == 0 {
			err = wb.SetSheetName(wb.GetSheetName(0), sheet)
		} else {
			_, err = wb.NewSheet(sheet)
		}
		if err != nil {
			return nil, fmt.Errorf("write xlsx: %w", err)
		}
		cols := sheetColumnsFor(kind, cs, loc)
		if err := writeSheet(ctx, r, sk, wb, sheet, kind, cols, header, date, func() {
			sum.Records++
			sum.ByKind[kind]++
			if opt.Progress != nil {
				opt.Progress(PhaseWriting, sum.Records, max(total, sum.Records))
			}
		}); err != nil {
			return nil, err
		}
	}
	if err := sk.check(); err != nil {
		return nil, err
	}
	wb.SetActiveSheet(0)

	f, err := createTemp(out)
	if err != nil {
		return nil, err
	}
	defer f.abort()
	if _, err := wb.WriteTo(f); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.commit(); err != nil {
		return nil, err
	}
	sum.Files = []string{out}
	return sum, nil
}

// writeSheet streams one kind's records into sheet, a row each, calling
// done after each.
func writeSheet(ctx context.Context, r central.RecordReader, sk *skipper, wb *excelize.File, sheet string, kind record.Kind,
	cols []xlsxColumn, headerStyle, dateStyle int, done func()) error {
	sw, err := wb.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	// Frozen panes and widths must come before the first row.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	for i, c := range cols {
		// Wide enough for its header's name, except the time columns',
		// whose zone wraps onto the header's second line.
		w := c.width
		if name, _, _ := strings.Cut(c.name, " ("); float64(len(name))+2 > w {
			w = float64(len(name)) + 2
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = excelize.Cell{StyleID: headerStyle, Value: c.name}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: headerHeight}); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	n := 1
	err = r.EachRecord(ctx, string(kind), func(sr central.StoredRecord) error {
		o, err := sk.open(sr)
		if err != nil || o == nil {
			return err
		}
		for i, c := range cols {
			v := c.cell(o)
			if _, ok := v.(time.Time); ok {
				v = excelize.Cell{StyleID: dateStyle, Value: v}
			}
			row[i] = v
		}
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("record %s (device %s, seq %d): write xlsx: %w", o.ID, o.DeviceID, o.Seq, err)
		}
		done()
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// wallClock is t as the campaign's clocks showed it, as a zone-less value:
// a spreadsheet date has no time zone, and a sheet should read as the
// signers lived it.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// text is s, or an empty cell for "".
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sheetColumnsFor lists kind's columns: the envelope's, then its body's,
// named as the CSV's so the two read alike. Ids (alcaldía, options) are
// written as the CSV writes them.
func sheetColumnsFor(kind record.Kind, cs []*campaign.Campaign, loc *time.Location) []xlsxColumn {
	tz := " (" + loc.String() + ")"
	cols := []xlsxColumn{
		{"record_id", 38, func(o *openedRecord) any { return o.ID.String() }},
		{"receipt", 14, func(o *openedRecord) any {
			if o.Receipt != "" {
				return o.Receipt
			}
			return record.ReceiptCode(o.ID)
		}},
		{"subject_id", 24, func(o *openedRecord) any { return text(o.SubjectID) }},
		{"subject_title", 40, func(o *openedRecord) any { return text(subjectTitle(cs, o.Kind, o.SubjectID)) }},
		{"device_id", 24, func(o *openedRecord) any { return text(o.DeviceID) }},
		{"seq", 8, func(o *openedRecord) any { return o.Seq }},
		{"mode", 11, func(o *openedRecord) any { return text(o.Mode) }},
		{"channel", 11, func(o *openedRecord) any { return text(o.Channel) }},
		{"event_id", 14, func(o *openedRecord) any { return text(o.EventID) }},
		{"alcaldia", 22, func(o *openedRecord) any { return text(o.StoredRecord.Alcaldia) }},
		{"device_time" + tz, dateWidth, func(o *openedRecord) any { return wallClock(o.DeviceTime, loc) }},
		{"received_at" + tz, dateWidth, func(o *openedRecord) any { return wallClock(o.ReceivedAt, loc) }},
	}
	switch kind {
	case record.KindSignature:
		cols = append(cols,
			xlsxColumn{"signer_name", 32, func(o *openedRecord) any {
				if s := o.Body.Signer; s != nil {
					return text(s.Name)
				}
				return nil
			}},
			xlsxColumn{"signer_id_type", 10, func(o *openedRecord) any {
				if s := o.Body.Signer; s != nil {
					return text(s.IDType)
				}
				return nil
			}},
			xlsxColumn{"signer_voter_id", 22, func(o *openedRecord) any {
				if s := o.Body.Signer; s != nil {
					return text(s.VoterID)
				}
				return nil
			}},
			xlsxColumn{"signer_alcaldia", 22, func(o *openedRecord) any {
				if s := o.Body.Signer; s != nil {
					return text(s.Alcaldia)
				}
				return nil
			}},
			xlsxColumn{"consent_version", 10, func(o *openedRecord) any {
				if s := o.Body.Signer; s != nil {
					return text(s.ConsentVersion)
				}
				return nil
			}},
		)
	case record.KindProposal:
		cols = append(cols, signerColumns()...)
		cols = append(cols,
			xlsxColumn{"submission_title", 40, func(o *openedRecord) any {
				return proposalField(o, func(p *record.Submission) string { return p.Title })
			}},
			xlsxColumn{"submission_text", 80, func(o *openedRecord) any {
				return proposalField(o, func(p *record.Submission) string { return p.Text })
			}},
			xlsxColumn{"submission_theme", 16, func(o *openedRecord) any {
				return proposalField(o, func(p *record.Submission) string { return p.Theme })
			}},
			xlsxColumn{"submission_lang", 8, func(o *openedRecord) any {
				return proposalField(o, func(p *record.Submission) string { return p.Lang })
			}},
			xlsxColumn{"submission_named", 8, func(o *openedRecord) any {
				if p := o.Body.Proposal; p != nil {
					return p.Named
				}
				return nil
			}},
		)
	case record.KindEventProposal:
		cols = append(cols,
			xlsxColumn{"submission_title", 40, func(o *openedRecord) any { return assemblyField(o, func(a *record.Assembly) string { return a.Title }) }},
			xlsxColumn{"submission_text", 60, func(o *openedRecord) any { return assemblyField(o, func(a *record.Assembly) string { return a.About }) }},
			xlsxColumn{"assembly_starts" + tz, dateWidth, func(o *openedRecord) any {
				if a := o.Body.Assembly; a != nil {
					return wallClock(a.Starts, loc)
				}
				return nil
			}},
			xlsxColumn{"assembly_venue", 32, func(o *openedRecord) any { return assemblyField(o, func(a *record.Assembly) string { return a.Venue }) }},
			xlsxColumn{"assembly_organiser", 32, func(o *openedRecord) any {
				return assemblyField(o, func(a *record.Assembly) string { return a.Organiser })
			}},
			xlsxColumn{"assembly_contact", 28, func(o *openedRecord) any {
				return assemblyField(o, func(a *record.Assembly) string { return a.Contact })
			}},
			xlsxColumn{"consent_version", 10, func(o *openedRecord) any {
				return assemblyField(o, func(a *record.Assembly) string { return a.ConsentVersion })
			}},
		)
	case record.KindEvent:
		cols = append(cols,
			xlsxColumn{"registrant_name", 32, func(o *openedRecord) any {
				if g := o.Body.Registrant; g != nil {
					return text(g.Name)
				}
				return nil
			}},
			xlsxColumn{"registrant_contact", 28, func(o *openedRecord) any {
				if g := o.Body.Registrant; g != nil {
					return text(g.Contact)
				}
				return nil
			}},
			xlsxColumn{"consent_version", 10, func(o *openedRecord) any {
				if g := o.Body.Registrant; g != nil {
					return text(g.ConsentVersion)
				}
				return nil
			}},
		)
	case record.KindComment:
		cols = append(cols,
			xlsxColumn{"comment_text", 60, func(o *openedRecord) any {
				if c := o.Body.Comment; c != nil {
					return text(c.Text)
				}
				return nil
			}},
			xlsxColumn{"comment_name", 28, func(o *openedRecord) any {
				if c := o.Body.Comment; c != nil {
					return text(c.Name)
				}
				return nil
			}},
			xlsxColumn{"comment_alcaldia", 22, func(o *openedRecord) any {
				if c := o.Body.Comment; c != nil {
					return text(c.Alcaldia)
				}
				return nil
			}},
		)
	case record.KindSurvey:
		questions := surveyQuestions(cs)
		for _, id := range questions.ids {
			cols = append(cols, xlsxColumn{SurveyColumnPrefix + id, 16, func(o *openedRecord) any {
				a, ok := o.Body.Answers[id]
				if !ok {
					return nil
				}
				if a.Number != nil {
					return *a.Number
				}
				return text(FormatAnswer(a))
			}})
		}
		cols = append(cols, xlsxColumn{"survey_other", 24, func(o *openedRecord) any {
			return text(otherAnswers(o.Body.Answers, questions))
		}})
	}
	if kind == record.KindSignature {
		cols = append(cols, xlsxColumn{"signer_witnessed", 12, func(o *openedRecord) any {
			if s := o.Body.Signer; s != nil && s.Witnessed {
				return text("witnessed")
			}
			return nil
		}})
	}
	return append(cols, xlsxColumn{"canvasser", 20, func(o *openedRecord) any { return text(o.Body.Canvasser) }})
}

// signerColumns are a proposal author's columns, named as a supporter's.
func signerColumns() []xlsxColumn {
	field := func(f func(*record.Signer) string) func(o *openedRecord) any {
		return func(o *openedRecord) any {
			if s := o.Body.Signer; s != nil {
				return text(f(s))
			}
			return nil
		}
	}
	return []xlsxColumn{
		{"signer_name", 32, field(func(s *record.Signer) string { return s.Name })},
		{"signer_id_type", 10, field(func(s *record.Signer) string { return s.IDType })},
		{"signer_voter_id", 22, field(func(s *record.Signer) string { return s.VoterID })},
		{"signer_alcaldia", 22, field(func(s *record.Signer) string { return s.Alcaldia })},
		{"consent_version", 10, field(func(s *record.Signer) string { return s.ConsentVersion })},
	}
}

func proposalField(o *openedRecord, f func(*record.Submission) string) any {
	if p := o.Body.Proposal; p != nil {
		return text(f(p))
	}
	return nil
}

func assemblyField(o *openedRecord, f func(*record.Assembly) string) any {
	if a := o.Body.Assembly; a != nil {
		return text(f(a))
	}
	return nil
}
