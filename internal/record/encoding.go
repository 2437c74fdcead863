package record

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// encodingVersion leads every encoded record so the layout can change
// without guessing.
const encodingVersion = 1

// sigDomain separates record signatures from every other thing a device key
// signs (batches, heartbeats).
const sigDomain = "voces/record/v1\x00"

// appendEnvelope writes the envelope fields in their fixed order. The same
// bytes are the start of the stored record and the signed message, so what
// is signed is exactly what is stored.
func appendEnvelope(b []byte, e *Envelope) []byte {
	b = append(b, encodingVersion)
	b = append(b, e.ID[:]...)
	b = appendString(b, e.DeviceID)
	b = binary.AppendUvarint(b, e.Seq)
	b = appendString(b, string(e.Kind))
	b = appendString(b, e.CampaignID)
	b = binary.AppendUvarint(b, uint64(e.CampaignVersion))
	b = appendString(b, e.SubjectID)
	b = binary.AppendVarint(b, e.DeviceTime.UnixMilli())
	b = binary.AppendUvarint(b, uint64(e.SchemaVersion))
	b = appendString(b, e.Mode)
	b = appendString(b, e.EventID)
	b = appendString(b, e.Alcaldia)
	b = appendBytes(b, e.SignerIndex)
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// SigningMessage is what the device signs: a domain tag, the encoded
// envelope and the SHA-256 of the sealed body.
func (r *Record) SigningMessage() []byte {
	h := sha256.Sum256(r.Body)
	m := append([]byte(sigDomain), appendEnvelope(nil, &r.Envelope)...)
	return append(m, h[:]...)
}

// Sign sets the record's signature with the device key.
func (r *Record) Sign(key ed25519.PrivateKey) {
	r.Sig = ed25519.Sign(key, r.SigningMessage())
}

// Verify checks the device signature. Any change to the envelope or the
// body makes it fail.
func (r *Record) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: device key has %d bytes", ErrInvalid, len(pub))
	}
	if len(r.Sig) != ed25519.SignatureSize || !ed25519.Verify(pub, r.SigningMessage(), r.Sig) {
		return fmt.Errorf("%w: device signature does not verify", ErrInvalid)
	}
	return nil
}

// Marshal encodes the record in its canonical binary form.
func (r *Record) Marshal() []byte {
	b := make([]byte, 0, 128+len(r.Body)+len(r.Sig))
	b = appendEnvelope(b, &r.Envelope)
	b = appendBytes(b, r.Body)
	return append(b, r.Sig...)
}

// Unmarshal decodes a record made by Marshal. It is strict: it refuses
// anything that is not the canonical encoding of a well-formed envelope, so
// two different byte strings never decode to the same record. It does not
// verify the signature.
func Unmarshal(data []byte) (*Record, error) {
	d := decoder{b: data}
	if v := d.byte(); v != encodingVersion && d.err == nil {
		return nil, fmt.Errorf("%w: encoding version %d", ErrInvalid, v)
	}
	var r Record
	copy(r.ID[:], d.take(16))
	r.DeviceID = d.string()
	r.Seq = d.uvarint()
	r.Kind = Kind(d.string())
	r.CampaignID = d.string()
	r.CampaignVersion = d.int()
	r.SubjectID = d.string()
	ms := d.varint()
	r.DeviceTime = time.UnixMilli(ms).UTC()
	r.SchemaVersion = d.int()
	r.Mode = d.string()
	r.EventID = d.string()
	r.Alcaldia = d.string()
	if idx := d.bytes(BlindIndexLen); len(idx) > 0 {
		r.SignerIndex = idx
	}
	envLen := len(data) - len(d.b)
	r.Body = d.bytes(MaxBodySize)
	r.Sig = d.take(ed25519.SignatureSize)
	if d.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, d.err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the signature", ErrInvalid, len(d.b))
	}
	if err := r.CheckEnvelope(); err != nil {
		return nil, err
	}
	if len(r.Body) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrInvalid)
	}
	// Varints have more than one spelling; only the shortest is canonical.
	// The body and signature are slices of data, so data is Marshal's
	// output exactly when the envelope and the body's length prefix are:
	// re-encoding those two is the same check as re-encoding the record,
	// without copying the body.
	var lenBuf [binary.MaxVarintLen64]byte
	bodyLen := data[envLen : len(data)-len(r.Body)-len(r.Sig)]
	if !bytes.Equal(appendEnvelope(make([]byte, 0, envLen), &r.Envelope), data[:envLen]) ||
		!bytes.Equal(binary.AppendUvarint(lenBuf[:0], uint64(len(r.Body))), bodyLen) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrInvalid)
	}
	return &r, nil
}

// decoder reads fields in order and remembers the first error, so the
// caller checks once at the end.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	p := d.take(1)
	if len(p) == 0 {
		return 0
	}
	return p[0]
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.fail("truncated: want %d bytes, have %d", n, len(d.b))
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v := d.uvarint()
	if v > 1<<31 {
		d.fail("number %d out of range", v)
		return 0
	}
	return int(v)
}

func (d *decoder) bytes(max int) []byte {
	n := d.uvarint()
	if n > uint64(max) {
		d.fail("field of %d bytes exceeds %d", n, max)
		return nil
	}
	return d.take(int(n))
}

func (d *decoder) string() string {
	return string(d.bytes(MaxStringSize))
}

// NewID returns a fresh UUIDv7: time-ordered, so ids sort roughly by
// creation and index well, with 74 random bits so devices never collide.
func NewID() (uuid.UUID, error) {
	return uuid.NewV7()
}
