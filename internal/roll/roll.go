// Package roll reads an extract of the lista nominal (the electoral roll)
// into keyed hashes, so central can check signers against it without
// ever storing a clave de elector in the clear.
//
// The file is CSV with a header row. By default the columns are named
// clave_elector, seccion, entidad and alcaldia (any order, other columns
// ignored); a Mapping names them otherwise, since INE's own extract
// formats are not public.
package roll

import (
	"bufio"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/voces-cdmx/voces/internal/voterid"
)

// CityEntity is Mexico City's entity number in INE's numbering.
const CityEntity = 9

// Default column names, as Header writes them.
const (
	ColClave    = "clave_elector"
	ColSection  = "seccion"
	ColEntity   = "entidad"
	ColAlcaldia = "alcaldia"
)

// Header is the header row of the documented layout.
var Header = []string{ColClave, ColSection, ColEntity, ColAlcaldia}

// Mapping names the file's columns for each field, matched without regard
// to case or surrounding spaces. Empty fields take the default names.
type Mapping struct {
	Clave, Section, Entity, Alcaldia string
}

// ParseMapping reads a --columns value: comma-separated field=COLUMN
// pairs, the fields being clave_elector, seccion, entidad and alcaldia
// ("clave_elector=CLAVE,seccion=SECCION").
func ParseMapping(s string) (Mapping, error) {
	var m Mapping
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(s, ",") {
		field, col, ok := strings.Cut(pair, "=")
		field, col = strings.TrimSpace(field), strings.TrimSpace(col)
		if !ok || col == "" {
			return m, fmt.Errorf("column mapping %q: want field=COLUMN", pair)
		}
		switch field {
		case ColClave:
			m.Clave = col
		case ColSection:
			m.Section = col
		case ColEntity:
			m.Entity = col
		case ColAlcaldia:
			m.Alcaldia = col
		default:
			return m, fmt.Errorf("column mapping %q: unknown field %q (want %s)", pair, field, strings.Join(Header, ", "))
		}
	}
	return m, nil
}

func (m Mapping) names() [4]string {
	return [4]string{cmp.Or(m.Clave, ColClave), cmp.Or(m.Section, ColSection), cmp.Or(m.Entity, ColEntity), cmp.Or(m.Alcaldia, ColAlcaldia)}
}

// HashSize is how many bytes of the HMAC-SHA-256 are kept: 64 bits. For a
// roll of n = 7.8 million distinct claves the chance that any two share a
// hash is about n²/2⁶⁵ ≈ 1.6·10⁻⁶, and Read refuses such a file rather
// than merge two voters; the chance that one clave not in the roll matches
// some entry is n/2⁶⁴ ≈ 4·10⁻¹³, about 2·10⁻⁷ over 400,000 supports.
// Eight bytes fit an integer key, which keeps the table and its index
// small and fast on both stores.
const HashSize = 8

// Hasher makes the keyed hash of a clave under the roll key. It is not
// safe for concurrent use.
type Hasher struct{ mac hash.Hash }

// NewHasher returns a Hasher for key.
func NewHasher(key []byte) *Hasher { return &Hasher{mac: hmac.New(sha256.New, key)} }

// Hash returns the hash of a normalised clave de elector
// (voterid.Normalize), as a signed integer the stores keep.
func (h *Hasher) Hash(clave string) int64 {
	h.mac.Reset()
	h.mac.Write([]byte("voces/roll/v1\x00"))
	h.mac.Write([]byte(clave))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.mac.Sum(sum[:0])[:HashSize]))
}

// Entry is one voter of the roll, without their clave: 16 bytes, so 7.8
// million of them sort in about 125 MB.
type Entry struct {
	Hash     int64
	Section  uint16 // electoral section, 1–9999
	Entity   uint8  // 1–32; CityEntity is Mexico City
	Alcaldia uint8  // index in Parsed.Alcaldias
	Line     uint32 // in the file, for reports; not stored
}

// BadRow is a row Read could not take, by its line in the file (the header
// is line 1).
type BadRow struct {
	Line   int
	Reason string
}

func (b BadRow) String() string { return fmt.Sprintf("line %d: %s", b.Line, b.Reason) }

// Bad-row threshold: a file with more bad rows than MaxBadShare of its data
// rows, and more than MinBadAllowed, is refused whole. A handful of typos
// in a large extract is skipped and reported; a wrong column mapping or
// the wrong file (every row bad) changes nothing.
const (
	MaxBadShare   = 0.001 // 0.1 %
	MinBadAllowed = 10
)

// ErrTooManyBad is wrapped by Read's error when the file is refused.
var ErrTooManyBad = errors.New("too many bad rows")

// Parsed is a file Read took: its entries sorted by hash, the rows it
// skipped, and the file's SHA-256.
type Parsed struct {
	Entries []Entry
	Bad     []BadRow
	Rows    int    // data rows read, bad ones included
	SHA256  string // hex, of the file's bytes
	// Alcaldias are the distinct alcaldía values, as the file gives them
	// ("" outside the city), that Entry.Alcaldia indexes.
	Alcaldias []string
}

// Read parses a roll file. progress, when set, is called with the bytes
// read so far now and then. A file whose bad rows pass the threshold is
// refused with an error that wraps ErrTooManyBad; Parsed still lists them
// (up to the first 1,000 in the message) so the operator can fix them.
func Read(r io.Reader, key []byte, m Mapping, progress func(bytes int64)) (*Parsed, error) {
	sum := sha256.New()
	cr := &countReader{r: io.TeeReader(r, sum)}
	c := csv.NewReader(bufio.NewReaderSize(cr, 1<<20))
	c.ReuseRecord = true
	c.FieldsPerRecord = -1
	head, err := c.Read()
	if err != nil {
		return nil, fmt.Errorf("read roll header: %w", err)
	}
	cols, err := columns(head, m)
	if err != nil {
		return nil, err
	}
	p := &Parsed{}
	h := NewHasher(key)
	alcaldias := map[string]uint8{}
	for {
		rec, err := c.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := c.FieldPos(0)
		p.Rows++
		if progress != nil && p.Rows%65536 == 0 {
			progress(cr.n)
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("read roll: %w", err)
			}
			p.Bad = append(p.Bad, BadRow{Line: pe.Line, Reason: pe.Err.Error()})
			continue
		}
		e, alcaldia, reason := entry(rec, cols, h)
		if reason != "" {
			p.Bad = append(p.Bad, BadRow{Line: line, Reason: reason})
			continue
		}
		a, ok := alcaldias[alcaldia]
		if !ok {
			if len(p.Alcaldias) == 256 {
				p.Bad = append(p.Bad, BadRow{Line: line, Reason: "more than 256 distinct alcaldías in the file"})
				continue
			}
			a = uint8(len(p.Alcaldias))
			alcaldias[strings.Clone(alcaldia)] = a
			p.Alcaldias = append(p.Alcaldias, strings.Clone(alcaldia))
		}
		e.Alcaldia, e.Line = a, uint32(line)
		p.Entries = append(p.Entries, e)
	}
	if progress != nil {
		progress(cr.n)
	}
	p.SHA256 = hex.EncodeToString(sum.Sum(nil))
	slices.SortFunc(p.Entries, func(a, b Entry) int { return cmp.Compare(a.Hash, b.Hash) })
	// Equal hashes are the same clave twice (or, once in a million
	// rolls, a truncation collision): either way one voter would stand
	// for two, so the later row is bad.
	p.Entries = slices.CompactFunc(p.Entries, func(a, b Entry) bool {
		if a.Hash == b.Hash {
			first, again := min(a.Line, b.Line), max(a.Line, b.Line)
			p.Bad = append(p.Bad, BadRow{Line: int(again), Reason: fmt.Sprintf("the clave de elector of line %d again", first)})
			return true
		}
		return false
	})
	slices.SortStableFunc(p.Bad, func(a, b BadRow) int { return cmp.Compare(a.Line, b.Line) })
	if len(p.Bad) > MinBadAllowed && float64(len(p.Bad)) > MaxBadShare*float64(p.Rows) {
		return p, fmt.Errorf("%w: %d of %d rows (the limit is %.1f %% or %d); nothing was imported; first: %s",
			ErrTooManyBad, len(p.Bad), p.Rows, MaxBadShare*100, MinBadAllowed, summary(p.Bad))
	}
	return p, nil
}

// summary lists up to 20 bad rows for a message.
func summary(bad []BadRow) string {
	n := min(len(bad), 20)
	parts := make([]string, n)
	for i := range n {
		parts[i] = bad[i].String()
	}
	return strings.Join(parts, "; ")
}

func columns(head []string, m Mapping) ([4]int, error) {
	want := m.names()
	var at [4]int
	for i, name := range want {
		at[i] = slices.IndexFunc(head, func(h string) bool {
			return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), name)
		})
		if at[i] < 0 {
			return at, fmt.Errorf("roll header has no column %q (columns: %s); name it with --columns", name, strings.Join(head, ", "))
		}
	}
	return at, nil
}

func entry(rec []string, cols [4]int, h *Hasher) (Entry, string, string) {
	for _, c := range cols {
		if c >= len(rec) {
			return Entry{}, "", fmt.Sprintf("%d fields, the mapping needs %d", len(rec), slices.Max(cols[:])+1)
		}
	}
	clave := voterid.Normalize(rec[cols[0]])
	if err := voterid.Validate(voterid.INE, clave); err != nil {
		return Entry{}, "", "clave de elector: " + err.Error()
	}
	section, err := strconv.Atoi(strings.TrimSpace(rec[cols[1]]))
	if err != nil || section < 1 || section > 9999 {
		return Entry{}, "", fmt.Sprintf("section %q is not a number from 1 to 9999", rec[cols[1]])
	}
	entity, err := strconv.Atoi(strings.TrimSpace(rec[cols[2]]))
	if err != nil || entity < 1 || entity > 32 {
		return Entry{}, "", fmt.Sprintf("entity %q is not a number from 1 to 32", rec[cols[2]])
	}
	alcaldia := strings.TrimSpace(rec[cols[3]])
	if entity == CityEntity && alcaldia == "" {
		return Entry{}, "", "no alcaldía for a voter of Mexico City"
	}
	return Entry{Hash: h.Hash(clave), Entity: uint8(entity), Section: uint16(section)}, alcaldia, ""
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
