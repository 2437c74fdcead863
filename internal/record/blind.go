package record

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/google/uuid"
)

// BlindIndex is the keyed hash that lets central (and the device) find the
// same person supporting the same subject twice without reading any body.
// voterID must already be normalised (voterid.Normalize): the same person
// typing their id with spaces or in lower case must get the same index.
// Binding the subject in means indexes of one person across proposals are
// unlinkable to anyone without the dedupe key.
func BlindIndex(dedupeKey []byte, voterID, subjectID string) []byte {
	m := hmac.New(sha256.New, dedupeKey)
	m.Write([]byte("voces/signer/v1\x00"))
	m.Write([]byte(subjectID))
	m.Write([]byte{0})
	m.Write([]byte(voterID))
	return m.Sum(nil)
}

// crockford is Crockford's base32: no I, L, O or U, so a code read aloud or
// copied by hand is not misread.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// ReceiptCode is the short code a person is shown when their input is
// saved. It is derived from the record id alone (hashed, so it says nothing
// about when the record was made) and has 50 bits: collisions are unlikely
// across millions of records, and central's lookup tolerates them anyway.
func ReceiptCode(id uuid.UUID) string {
	h := sha256.Sum256(append([]byte("voces/receipt/v1\x00"), id[:]...))
	s := crockford.EncodeToString(h[:7])[:10]
	return s[:5] + "-" + s[5:]
}

// NormalizeReceipt turns what a person typed into the canonical code form,
// accepting lower case, missing dash, and the letters Crockford maps to
// digits (O→0, I/L→1).
func NormalizeReceipt(s string) string {
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == '-' || r == ' ':
			continue
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != 10 {
		return c
	}
	return c[:5] + "-" + c[5:]
}
