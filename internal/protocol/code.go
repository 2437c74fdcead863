package protocol

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O, U, so a code typed
// from paper is not misread.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// ProvisioningCode is what a technician types or pastes to enroll a
// device: central's URL, a one-time token and the fingerprint of central's
// key, so the device can check it is talking to the right server even over
// plain HTTP. Its text form is one line:
//
//	http://10.0.0.5:8080#TOKEN-FINGERPRINT-CK
//
// where TOKEN is 12 and FINGERPRINT 16 Crockford base32 characters and CK
// a 2-character check over the rest, so a typo is caught on the device.
type ProvisioningCode struct {
	URL         string
	Token       string
	Fingerprint string
}

// Errors from ParseCode.
var (
	ErrCodeFormat   = errors.New("provisioning code is not in the form URL#TOKEN-FINGERPRINT-CHECK")
	ErrCodeMistyped = errors.New("provisioning code has a typo: its check characters do not match")
)

// NewToken returns a random 60-bit token.
func NewToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return crockford.EncodeToString(b)[:12], nil
}

// Fingerprint is the short form of central's public key given in codes.
func Fingerprint(serverKey []byte) string {
	h := sha256.Sum256(serverKey)
	return crockford.EncodeToString(h[:10])
}

func codeCheck(u, token, fp string) string {
	h := sha256.Sum256([]byte(u + "#" + token + "-" + fp))
	return crockford.EncodeToString(h[:2])[:2]
}

// String gives the one-line form.
func (c ProvisioningCode) String() string {
	return fmt.Sprintf("%s#%s-%s-%s", c.URL, c.Token, c.Fingerprint, codeCheck(c.URL, c.Token, c.Fingerprint))
}

// ParseCode reads a typed or pasted code: surrounding space is ignored, and
// the token part is case-insensitive with Crockford's O→0, I/L→1.
func ParseCode(s string) (ProvisioningCode, error) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, '#')
	if i <= 0 {
		return ProvisioningCode{}, ErrCodeFormat
	}
	u, rest := s[:i], s[i+1:]
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return ProvisioningCode{}, fmt.Errorf("%w: %q is not an http(s) URL", ErrCodeFormat, u)
	}
	parts := strings.Split(normalizeCrockford(rest), "-")
	if len(parts) != 3 || len(parts[0]) != 12 || len(parts[1]) != 16 || len(parts[2]) != 2 {
		return ProvisioningCode{}, ErrCodeFormat
	}
	c := ProvisioningCode{URL: u, Token: parts[0], Fingerprint: parts[1]}
	if codeCheck(c.URL, c.Token, c.Fingerprint) != parts[2] {
		return ProvisioningCode{}, ErrCodeMistyped
	}
	return c, nil
}

func normalizeCrockford(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	return strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(s)
}
