// Package export writes what central holds for the people who read it: a
// CSV and an XLSX workbook of every record with its sealed body opened,
// and PDF signature sheets per proposal for the electoral authority.
//
// Exports need the campaign private key, which may live on a trusted
// machine rather than on the server. A record whose sealed body does not
// open (quarantined by central, or failing here) is skipped, and the
// Summary counts it, so one bad upload cannot stop every export and the
// operator is told the file is short and where the rest are listed. A key
// that opens none of the records stops the export: that is the wrong key,
// not bad records.
package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
	_ "time/tzdata" // the campaign time zone must load on machines without a zoneinfo database

	"github.com/google/uuid"
	"golang.org/x/crypto/curve25519"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// DefaultTimeZone is the zone times are shown in unless Options.Location
// says otherwise: the campaign's, so a sheet reads as the signers lived it.
const DefaultTimeZone = "America/Mexico_City"

// Phases an export reports progress in.
const (
	PhaseWriting   = "writing"   // CSV, XLSX: opening records and writing rows
	PhaseReading   = "reading"   // PDF: opening signature records
	PhaseRendering = "rendering" // PDF: drawing signatures onto the sheets
)

// Func is the shape of CSV and PDF, so a caller can pick a format.
type Func func(ctx context.Context, r central.RecordReader, key *Key, path string, opt Options) (*Summary, error)

var _ = []Func{CSV, XLSX, PDF}

// ErrNoKey means the campaign private key file does not exist.
var ErrNoKey = errors.New("campaign private key not found")

// Key is the campaign key pair that opens sealed bodies.
type Key struct {
	Public  *[32]byte
	Private *[32]byte
}

// LoadKey reads a campaign private key file in the format of central's
// seal.key (32 raw bytes) and derives its public half. A missing file is
// ErrNoKey.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoKey, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read campaign key: %w", err)
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("read campaign key %s: %d bytes, want 32 (the format of %s)", path, len(b), central.SealKeyFile)
	}
	pub, err := curve25519.X25519(b, curve25519.Basepoint)
	if err != nil {
		return nil, fmt.Errorf("derive campaign public key: %w", err)
	}
	k := &Key{Public: new([32]byte), Private: new([32]byte)}
	copy(k.Public[:], pub)
	copy(k.Private[:], b)
	return k, nil
}

// KeyFor reads the campaign private key from keyFile, or from central's
// data directory when keyFile is "".
func KeyFor(dataDir, keyFile string) (*Key, error) {
	if keyFile != "" {
		return LoadKey(keyFile)
	}
	key, err := LoadKey(filepath.Join(dataDir, central.SealKeyFile))
	if errors.Is(err, ErrNoKey) {
		return nil, fmt.Errorf("the campaign private key is not in %s; pass --key FILE", dataDir)
	}
	return key, err
}

// Choose checks the settings of `central export` as its flags name them
// (--out, --format, --kind, --delimiter) and picks the writer and the CSV
// delimiter. Its errors are the command line's mistakes.
func Choose(out, format, kind, delimiter string) (Func, rune, error) {
	writers := map[string]Func{"csv": CSV, "xlsx": XLSX, "pdf": PDF}
	comma, err := ParseDelimiter(delimiter)
	switch {
	case out == "":
		return nil, 0, errors.New("--out FILE is required")
	case kind != "" && !record.Kind(kind).Valid():
		return nil, 0, fmt.Errorf("--kind %q is not a record kind", kind)
	case err != nil:
		return nil, 0, fmt.Errorf("--%v", err)
	case writers[format] == nil:
		return nil, 0, fmt.Errorf("--format %q: want csv, xlsx or pdf", format)
	case format == "pdf" && kind != "" && kind != string(record.KindSignature):
		return nil, 0, errors.New("--format pdf holds signatures only; omit --kind or use --kind signature")
	}
	return writers[format], comma, nil
}

// Options are the settings both formats share.
type Options struct {
	// Kind limits the export to one record kind; "" exports all.
	Kind record.Kind
	// Campaigns are the published versions, for subject titles and survey
	// columns; the newest wins when versions disagree.
	Campaigns []*campaign.Campaign
	// Location is the time zone times are written in; nil means
	// DefaultTimeZone.
	Location *time.Location
	// Now is the generation time printed on PDF sheets; zero means
	// time.Now.
	Now time.Time
	// Delimiter separates CSV fields; 0 means ','. Excel in a Spanish (or
	// other comma-decimal) locale splits on its list separator, ';', and
	// shows a comma-separated file as one column. See ParseDelimiter.
	Delimiter rune
	// Roll is the roll check's counts (central.SummarizeRoll); when set,
	// PDF sheets give each proposal's verified supports next to the raw
	// ones and end with the same per alcaldía.
	Roll *central.RollStats
	// Progress, if set, is called after each record with the phase
	// (PhaseWriting for CSV and XLSX; PhaseReading, then PhaseRendering for PDF),
	// the records done in it and the total expected.
	Progress func(phase string, done, total int64)
}

// ParseDelimiter reads a CSV delimiter as an operator writes it: ",", ";",
// "|" or "tab" (also a tab character, or \t as a shell passes it).
func ParseDelimiter(s string) (rune, error) {
	switch s {
	case ",", ";", "|":
		return rune(s[0]), nil
	case "tab", "\t", `\t`:
		return '\t', nil
	}
	return 0, fmt.Errorf("delimiter %q: want \",\", \";\", \"|\" or \"tab\"", s)
}

func (o *Options) delimiter() (rune, error) {
	switch o.Delimiter {
	case 0:
		return ',', nil
	case ',', ';', '|', '\t':
		return o.Delimiter, nil
	}
	return 0, fmt.Errorf("csv delimiter %q: want ',', ';', '|' or tab", o.Delimiter)
}

// Summary says what an export wrote.
type Summary struct {
	Records int64                 // records exported
	ByKind  map[record.Kind]int64 // records exported by kind
	Files   []string              // files and directories written, the main output first
	Skipped int64                 // records left out because their sealed body does not open
}

// skipper opens records for an export, skipping those whose body does
// not open: the ones central quarantined, and (belt and braces, for a
// record not checked yet) any that fail here.
type skipper struct {
	key    *Key
	opened int64
	failed int64 // failed here, not quarantined before
	first  error // the first of those failures
	sum    *Summary
}

// open returns the opened record, or nil when it is skipped.
func (s *skipper) open(sr central.StoredRecord) (*openedRecord, error) {
	if sr.Quarantined() {
		s.sum.Skipped++
		return nil, nil
	}
	o, err := open(sr, s.key)
	if err != nil {
		s.sum.Skipped++
		s.failed++
		if s.first == nil {
			s.first = err
		}
		return nil, nil
	}
	s.opened++
	return o, nil
}

// check refuses an export whose key opened none of the records it tried:
// a file of nothing would hide a wrong key.
func (s *skipper) check() error {
	if s.opened == 0 && s.failed > 0 {
		return fmt.Errorf("the key opens none of the %d records: %w", s.failed, s.first)
	}
	return nil
}

// openedRecord is a stored record with its body opened.
type openedRecord struct {
	central.StoredRecord
	ID   uuid.UUID
	Body *record.Body
}

// open decodes a stored record and opens its body. Its errors name the
// record, so an operator knows which one and from which device.
func open(sr central.StoredRecord, key *Key) (*openedRecord, error) {
	id := uuid.UUID(sr.ID)
	rec, err := record.Unmarshal(sr.Data)
	if err != nil {
		return nil, fmt.Errorf("record %s (device %s, seq %d): %w", id, sr.DeviceID, sr.Seq, err)
	}
	body, err := record.OpenBody(rec.Body, key.Public, key.Private)
	if errors.Is(err, record.ErrOpen) {
		return nil, fmt.Errorf("record %s (device %s, seq %d): the campaign key does not open its body; is this the campaign's private key? (%w)", id, sr.DeviceID, sr.Seq, err)
	}
	if err != nil {
		return nil, fmt.Errorf("record %s (device %s, seq %d): %w", id, sr.DeviceID, sr.Seq, err)
	}
	return &openedRecord{StoredRecord: sr, ID: id, Body: body}, nil
}

func (o *Options) location() (*time.Location, error) {
	if o.Location != nil {
		return o.Location, nil
	}
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone: %w", err)
	}
	return loc, nil
}

func (o *Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// newestFirst returns the campaigns newest version first, so lookups find
// the current wording before an older one.
func (o *Options) newestFirst() []*campaign.Campaign {
	cs := slices.Clone(o.Campaigns)
	slices.SortStableFunc(cs, func(a, b *campaign.Campaign) int { return b.Version - a.Version })
	return cs
}

// subjectTitle is the Spanish title of what a record names, from the
// newest campaign version that has it; "" if none does.
func subjectTitle(cs []*campaign.Campaign, kind, subjectID string) string {
	for _, c := range cs {
		switch record.Kind(kind) {
		case record.KindSignature:
			if p := c.Proposal(subjectID); p != nil {
				return p.Title.Get("es")
			}
		case record.KindEvent:
			if e := c.Event(subjectID); e != nil {
				return e.Title.Get("es")
			}
		case record.KindComment:
			if a := c.Article(subjectID); a != nil {
				return "Artículo " + a.Number + ". " + a.Title.Get("es")
			}
		case record.KindSurvey:
			if c.Survey.ID == subjectID {
				return c.Survey.Title.Get("es")
			}
		case record.KindProposal, record.KindEventProposal:
			// The title it was published under, once a moderator has.
			if p := c.Proposal(subjectID); p != nil {
				return p.Title.Get("es")
			}
			if e := c.Event(subjectID); e != nil {
				return e.Title.Get("es")
			}
		}
	}
	return ""
}

// alcaldiaName is an alcaldía's official name, or the id as given if it
// is not one (a record from a misbehaving device is still shown as sent).
func alcaldiaName(id string) string {
	if a, ok := campaign.AlcaldiaByID(id); ok {
		return a.Name
	}
	return id
}

// count asks the reader for the total, for progress.
func count(ctx context.Context, r central.RecordReader, kind record.Kind) (int64, error) {
	n, err := r.CountRecords(ctx, string(kind))
	if err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}
