package record

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// Limits for what residents write. A proposal's text is about a page on
// the kiosk's keyboard (Mexico City's platform asked for short proposals);
// the title must fit a list row.
const (
	MaxTitleLen        = 120
	MaxProposalTextLen = 1500
	MaxVenueLen        = 200
	MaxAboutLen        = 1000
)

// Device-made subject ids: a prefix per kind and 16 random base32
// characters (80 bits), so ids made offline on thousands of devices never
// collide, and a published submission keeps its id (signatures collected
// under an impromptu assembly then count for it without being rewritten).
const (
	proposalIDPrefix = "cp-"
	assemblyIDPrefix = "ca-"
	submissionIDLen  = 16
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewSubmissionID makes the subject id of a new proposal or assembly on
// the device. It panics for another kind: that is a programming error.
func NewSubmissionID(k Kind) string {
	prefix := submissionPrefix(k)
	if prefix == "" {
		panic("record: no submission id for kind " + string(k))
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return prefix + idEncoding.EncodeToString(b[:])
}

// IsSubmissionID reports whether id has the form NewSubmissionID gives for
// kind k.
func IsSubmissionID(k Kind, id string) bool {
	prefix := submissionPrefix(k)
	rest, ok := strings.CutPrefix(id, prefix)
	if prefix == "" || !ok || len(rest) != submissionIDLen {
		return false
	}
	_, err := idEncoding.DecodeString(rest)
	return err == nil
}

func submissionPrefix(k Kind) string {
	switch k {
	case KindProposal:
		return proposalIDPrefix
	case KindEventProposal:
		return assemblyIDPrefix
	}
	return ""
}

// NormalizeLine is what a one-line field (a title, a venue) becomes before
// it is sealed: Unicode NFC, every run of white space (including line
// breaks and tabs) one space, control and format characters removed, no
// space at either end.
func NormalizeLine(s string) string {
	return strings.Join(strings.FieldsFunc(clean(s), unicode.IsSpace), " ")
}

// NormalizeText is what a paragraph field becomes before it is sealed:
// NFC, control characters removed, spaces within a line collapsed,
// trailing spaces dropped, at most one blank line between paragraphs.
func NormalizeText(s string) string {
	lines := strings.Split(strings.ReplaceAll(clean(s), "\r\n", "\n"), "\n")
	var out []string
	blank := false
	for _, l := range lines {
		l = NormalizeLine(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// clean applies NFC and removes control and format characters (zero-width
// joiners, bidi overrides) that would let two identical-looking texts
// differ, or make a moderator's screen lie; line breaks are kept.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == ' ' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, norm.NFC.String(strings.ToValidUTF8(s, "")))
}

func normalizeSubmission(b *Body) {
	if p := b.Proposal; p != nil {
		n := *p
		n.Title, n.Text = NormalizeLine(n.Title), NormalizeText(n.Text)
		b.Proposal = &n
	}
	if a := b.Assembly; a != nil {
		n := *a
		n.Title, n.Venue, n.Organiser, n.Contact = NormalizeLine(n.Title), NormalizeLine(n.Venue),
			NormalizeLine(n.Organiser), NormalizeLine(n.Contact)
		n.About = NormalizeText(n.About)
		b.Assembly = &n
	}
}

func (d *Draft) validateSubmission(c *campaign.Campaign) error {
	if !IsSubmissionID(d.Kind, d.SubjectID) || c.Proposal(d.SubjectID) != nil || c.Event(d.SubjectID) != nil {
		return fieldErr("subject", ReasonUnknownSubject)
	}
	b := &d.Body
	if d.Kind == KindProposal {
		p := b.Proposal
		if p == nil || b.Signer == nil {
			return fieldErr("proposal", ReasonWrongKind)
		}
		if err := checkText("title", p.Title, MaxTitleLen, true); err != nil {
			return err
		}
		if err := checkText("text", p.Text, MaxProposalTextLen, true); err != nil {
			return err
		}
		if c.Theme(p.Theme) == nil && (len(c.Themes) > 0 || p.Theme != "") {
			return fieldErr("theme", ReasonUnknownSubject)
		}
		if err := checkArea(p.Alcaldia, false); err != nil {
			return err
		}
		if err := checkLang(p.Lang); err != nil {
			return err
		}
		return checkSigner(b, c)
	}
	a := b.Assembly
	if a == nil {
		return fieldErr("assembly", ReasonWrongKind)
	}
	for _, f := range [...]struct {
		name, s  string
		max      int
		required bool
	}{{"title", a.Title, MaxTitleLen, true}, {"venue", a.Venue, MaxVenueLen, true}, {"about", a.About, MaxAboutLen, true},
		{"organiser", a.Organiser, MaxNameLen, true}, {"contact", a.Contact, MaxContactLen, false}} {
		if err := checkText(f.name, f.s, f.max, f.required); err != nil {
			return err
		}
	}
	if a.Starts.IsZero() {
		return fieldErr("starts", ReasonBadDate)
	}
	if err := checkArea(a.Alcaldia, true); err != nil {
		return err
	}
	if err := checkLang(a.Lang); err != nil {
		return err
	}
	if a.ConsentVersion != c.Privacy.Version {
		return fieldErr("consent", ReasonConsent)
	}
	return nil
}

func checkArea(id string, required bool) error {
	if id == "" && !required {
		return nil
	}
	if _, ok := campaign.AlcaldiaByID(id); !ok {
		return fieldErr("alcaldia", ReasonUnknownArea)
	}
	return nil
}

func checkLang(l string) error {
	if l != "es" && l != "en" {
		return fieldErr("lang", ReasonLanguage)
	}
	return nil
}
