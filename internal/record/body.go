package record

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/nacl/box"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// Body is the personal part of a record. It exists in the clear only in the
// kiosk's memory while a person is at the screen, and at central once opened
// with the campaign private key.
type Body struct {
	Answers    campaign.Answers `json:"answers,omitempty"`    // survey_response
	Signer     *Signer          `json:"signer,omitempty"`     // signature
	Registrant *Registrant      `json:"registrant,omitempty"` // event_registration
	Comment    *Comment         `json:"comment,omitempty"`    // comment
	Proposal   *Submission      `json:"proposal,omitempty"`   // proposal, with Signer for its author
	Assembly   *Assembly        `json:"assembly,omitempty"`   // event_proposal
	Canvasser  string           `json:"canvasser,omitempty"`  // who collected it, in canvasser mode

	// Strokes is the signature's stroke encoding (internal/stroke). It
	// travels outside the JSON so it is not base64-inflated.
	Strokes []byte `json:"-"`
}

// Signer is a person supporting a proposal.
type Signer struct {
	Name           string `json:"name"`
	IDType         string `json:"id_type"`  // voterid.Type
	VoterID        string `json:"voter_id"` // normalised
	Alcaldia       string `json:"alcaldia"`
	ConsentVersion string `json:"consent_version"` // privacy notice version agreed to
	// Witnessed marks a support given without a signature the kiosk
	// could check: a person who cannot sign (who cannot see the screen,
	// say) made a mark, or none, and the canvasser named in the body
	// witnessed it. The strokes are then whatever mark was made.
	Witnessed bool `json:"witnessed,omitempty"`
}

// Registrant is a person registering for a Citizen Assembly.
type Registrant struct {
	Name           string `json:"name"`
	Contact        string `json:"contact,omitempty"` // phone or e-mail, optional
	ConsentVersion string `json:"consent_version"`
}

// Comment is a remark on a draft article.
type Comment struct {
	Text     string `json:"text"`
	Name     string `json:"name,omitempty"` // optional signature of the comment
	Alcaldia string `json:"alcaldia,omitempty"`
}

// Submission is a proposal a resident writes. Its author also signs it
// (Body.Signer and the strokes): once published, that is the author's own
// support, counted like any other.
type Submission struct {
	Title    string `json:"title"`
	Text     string `json:"text"`
	Theme    string `json:"theme"`              // a campaign theme id
	Alcaldia string `json:"alcaldia,omitempty"` // the alcaldía it concerns; "" for the whole city
	Lang     string `json:"lang"`               // the language it was written in: "es" or "en"
	Named    bool   `json:"named,omitzero"`     // the author agreed to be named when it is published
}

// Assembly is a Citizen Assembly a resident announces, or one a canvasser
// opens on the spot; signatures collected there carry its device-made id
// (the record's subject) as their event id.
type Assembly struct {
	Title          string    `json:"title"`
	Starts         time.Time `json:"starts"` // date and time, with the local offset
	Alcaldia       string    `json:"alcaldia"`
	Venue          string    `json:"venue"`
	About          string    `json:"about"`
	Organiser      string    `json:"organiser"`
	Contact        string    `json:"contact,omitempty"`
	Lang           string    `json:"lang"`
	ConsentVersion string    `json:"consent_version"`
}

// bodyVersion leads the plaintext so its layout can evolve.
const bodyVersion = 1

// maxPlainBody bounds what OpenBody will inflate, so a sealed zip bomb costs
// central nothing.
const maxPlainBody = 256 << 10

// ErrOpen means a sealed body could not be opened: wrong key or damage.
var ErrOpen = errors.New("cannot open sealed body")

// encodeBody lays out the plaintext: version, JSON length, JSON, strokes.
func encodeBody(b *Body) ([]byte, error) {
	js, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	out := []byte{bodyVersion}
	out = binary.AppendUvarint(out, uint64(len(js)))
	out = append(out, js...)
	return append(out, b.Strokes...), nil
}

func decodeBody(p []byte) (*Body, error) {
	if len(p) == 0 || p[0] != bodyVersion {
		return nil, fmt.Errorf("%w: unknown body version", ErrOpen)
	}
	n, k := binary.Uvarint(p[1:])
	if k <= 0 || n > uint64(len(p)-1-k) {
		return nil, fmt.Errorf("%w: bad body length", ErrOpen)
	}
	js := p[1+k : 1+k+int(n)]
	var b Body
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpen, err)
	}
	if rest := p[1+k+int(n):]; len(rest) > 0 {
		b.Strokes = append([]byte(nil), rest...)
	}
	return &b, nil
}

// compressors keeps deflate writers between bodies: a new one allocates
// and clears about 1 MB of tables, which cost more than compressing and
// sealing a body together.
var compressors = sync.Pool{New: func() any {
	w, err := flate.NewWriter(nil, flate.BestCompression)
	if err != nil {
		panic(err) // only for an invalid level
	}
	return w
}}

// SealBody serialises, compresses and seals a body to the campaign's public
// key. The result can only be opened with the campaign private key, which
// no device has.
func SealBody(b *Body, to *[32]byte) ([]byte, error) {
	plain, err := encodeBody(b)
	if err != nil {
		return nil, err
	}
	var z bytes.Buffer
	w := compressors.Get().(*flate.Writer)
	defer compressors.Put(w)
	w.Reset(&z)
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("compress body: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress body: %w", err)
	}
	sealed, err := box.SealAnonymous(nil, z.Bytes(), to, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("seal body: %w", err)
	}
	return sealed, nil
}

// OpenBody opens a sealed body with the campaign key pair.
func OpenBody(sealed []byte, pub, priv *[32]byte) (*Body, error) {
	z, ok := box.OpenAnonymous(nil, sealed, pub, priv)
	if !ok {
		return nil, ErrOpen
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxPlainBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: inflate: %v", ErrOpen, err)
	}
	if len(plain) > maxPlainBody {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrOpen, maxPlainBody)
	}
	return decodeBody(plain)
}

// NewCampaignKey makes a campaign sealing key pair. Central keeps the
// private half; devices get the public half.
func NewCampaignKey() (pub, priv *[32]byte, err error) {
	return box.GenerateKey(rand.Reader)
}
