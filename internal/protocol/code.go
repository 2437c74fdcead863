package protocol

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O, U, so a code typed
// from paper is not misread.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// ProvisioningCode is what a technician types or pastes to enroll a
// device: central's URL, a one-time token, the fingerprint of central's
// key (which signs every answer the device acts on) and what the device
// needs to trust the connection. Its text form is one line, in one of two
// versions:
//
//	https://central.example.org#2-TOKEN-FINGERPRINT-PIN-CK   version 2
//	http://10.0.0.5:8080#2-TOKEN-FINGERPRINT-HTTP-CK          version 2, plain HTTP on purpose
//	http://127.0.0.1:8080#2-TOKEN-FINGERPRINT-CK              version 2, loopback
//	http://10.0.0.5:8080#TOKEN-FINGERPRINT-CK                 version 1 (still parsed)
//
// TOKEN is 12 Crockford base32 characters; FINGERPRINT is 26 (128 bits)
// in version 2 and 16 (80 bits) in version 1; PIN, only with https, is K
// (central's TLS key) or A (a certificate authority's key) and 26
// characters of the key's SPKI SHA-256 (see TLSPin); HTTP, only with
// http, says the code was issued for plain HTTP to another machine on
// purpose (central token --insecure-http). CK is a 2-character check
// over everything before it, so a typo is caught on the device.
type ProvisioningCode struct {
	URL         string
	Token       string
	Fingerprint string // 26 characters, or 16 in a version 1 code
	Pin         TLSPin // the TLS key or CA a device must see; zero for none
	// InsecureHTTP allows plain http:// to a host that is not loopback.
	InsecureHTTP bool
}

// Lengths of the parts of a code.
const (
	tokenLen         = 12
	fingerprintLen   = 26 // 128 bits
	fingerprintLenV1 = 16 // 80 bits
	pinHashLen       = 16 // bytes of the SPKI SHA-256 a pin keeps
	pinLen           = 27 // kind letter and 26 characters
	checkLen         = 2
	versionTwo       = "2"
	insecureFlag     = "HTTP"
)

// Errors from ParseCode.
var (
	ErrCodeFormat   = errors.New("provisioning code is not in the form URL#2-TOKEN-FINGERPRINT[-PIN|-HTTP]-CHECK")
	ErrCodeMistyped = errors.New("provisioning code has a typo: its check characters do not match")
)

// NewToken returns a random 60-bit token.
func NewToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return crockford.EncodeToString(b)[:tokenLen], nil
}

// Fingerprint is the form of central's public key given in codes: 128
// bits of its SHA-256. Finding another key with the same fingerprint
// takes about 2^128 tries, so a fingerprint typed from a code names the
// key that signs everything a device acts on.
func Fingerprint(serverKey []byte) string {
	h := sha256.Sum256(serverKey)
	return crockford.EncodeToString(h[:16])
}

// FingerprintMatches reports whether serverKey has the fingerprint fp,
// in either version's length.
func FingerprintMatches(serverKey []byte, fp string) bool {
	h := sha256.Sum256(serverKey)
	var want string
	switch len(fp) {
	case fingerprintLen:
		want = crockford.EncodeToString(h[:16])
	case fingerprintLenV1:
		want = crockford.EncodeToString(h[:10])
	default:
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(fp)) == 1
}

// Version is 1 for a code in the old form (80-bit fingerprint, no pin,
// no insecure flag) and 2 otherwise.
func (c ProvisioningCode) Version() int {
	if len(c.Fingerprint) == fingerprintLenV1 && c.Pin.IsZero() && !c.InsecureHTTP {
		return 1
	}
	return 2
}

// parts are the fields after '#', without the check.
func (c ProvisioningCode) parts() []string {
	if c.Version() == 1 {
		return []string{c.Token, c.Fingerprint}
	}
	p := []string{versionTwo, c.Token, c.Fingerprint}
	if !c.Pin.IsZero() {
		p = append(p, c.Pin.String())
	}
	if c.InsecureHTTP {
		p = append(p, insecureFlag)
	}
	return p
}

func codeCheck(u string, parts []string) string {
	h := sha256.Sum256([]byte(u + "#" + strings.Join(parts, "-")))
	return crockford.EncodeToString(h[:2])[:checkLen]
}

// String gives the one-line form: version 1 when the code has nothing
// version 2 added, so an old code prints as it was issued.
func (c ProvisioningCode) String() string {
	p := c.parts()
	return c.URL + "#" + strings.Join(p, "-") + "-" + codeCheck(c.URL, p)
}

// ParseCode reads a typed or pasted code: surrounding space is ignored, and
// the part after '#' is case-insensitive with Crockford's O→0, I/L→1.
// It checks that the URL and the trust it asks for fit together (a pin
// only with https, the insecure flag only with http), but not whether
// plain HTTP is allowed: that is the device's decision (see
// LoopbackHost).
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
	if len(parts) < 3 {
		return ProvisioningCode{}, ErrCodeFormat
	}
	body, check := parts[:len(parts)-1], parts[len(parts)-1]
	c := ProvisioningCode{URL: u}
	if body[0] == versionTwo {
		if err := c.parseV2(body[1:]); err != nil {
			return ProvisioningCode{}, err
		}
	} else {
		if len(body) != 2 || len(body[0]) != tokenLen || len(body[1]) != fingerprintLenV1 {
			return ProvisioningCode{}, ErrCodeFormat
		}
		c.Token, c.Fingerprint = body[0], body[1]
	}
	if len(check) != checkLen || codeCheck(c.URL, body) != check {
		return ProvisioningCode{}, ErrCodeMistyped
	}
	switch {
	case !c.Pin.IsZero() && pu.Scheme != "https":
		return ProvisioningCode{}, fmt.Errorf("%w: a TLS pin needs an https:// URL, not %q", ErrCodeFormat, u)
	case c.InsecureHTTP && pu.Scheme != "http":
		return ProvisioningCode{}, fmt.Errorf("%w: the HTTP flag goes with an http:// URL, not %q", ErrCodeFormat, u)
	}
	return c, nil
}

// parseV2 reads TOKEN-FINGERPRINT[-PIN][-HTTP].
func (c *ProvisioningCode) parseV2(p []string) error {
	if len(p) < 2 || len(p) > 3 || len(p[0]) != tokenLen || len(p[1]) != fingerprintLen {
		return ErrCodeFormat
	}
	c.Token, c.Fingerprint = p[0], p[1]
	if len(p) == 3 {
		if p[2] == insecureFlag {
			c.InsecureHTTP = true
			return nil
		}
		pin, err := ParsePin(p[2])
		if err != nil {
			return err
		}
		c.Pin = pin
	}
	return nil
}

func normalizeCrockford(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	return strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(s)
}

// LoopbackHost reports whether the host of a URL is this machine
// (localhost, 127.0.0.0/8, ::1): plain HTTP there never crosses a
// network, so a code needs no insecure flag for it.
func LoopbackHost(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// PinKind says which key of a TLS connection a pin names.
type PinKind byte

// Pin kinds, as the letter that starts a pin in a code.
const (
	PinNone PinKind = 0
	PinKey  PinKind = 'K' // central's own TLS key: the leaf certificate, self-signed or not
	PinCA   PinKind = 'A' // a certificate authority's key somewhere in a chain that verifies for the host
)

// TLSPin names the TLS key a device must see from central: the first 16
// bytes of the SHA-256 of a certificate's SubjectPublicKeyInfo (the same
// hash HPKP and `openssl x509 -pubkey | openssl pkey -pubin -outform der
// | sha256sum` use, shortened so the code stays typeable; 128 bits still
// take 2^128 tries to match). A pin of the key, not the certificate,
// survives renewal when the key is kept.
type TLSPin struct {
	Kind PinKind
	Hash [pinHashLen]byte
}

// ErrPinFormat means a pin is not K or A and 26 base32 characters.
var ErrPinFormat = errors.New("TLS pin is not K or A followed by 26 base32 characters")

// PinOf is the pin of kind naming cert's public key.
func PinOf(kind PinKind, cert *x509.Certificate) TLSPin {
	h := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	p := TLSPin{Kind: kind}
	copy(p.Hash[:], h[:pinHashLen])
	return p
}

// IsZero reports whether there is no pin.
func (p TLSPin) IsZero() bool { return p.Kind == PinNone }

// Matches reports whether cert carries the pinned key.
func (p TLSPin) Matches(cert *x509.Certificate) bool {
	h := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return !p.IsZero() && subtle.ConstantTimeCompare(h[:pinHashLen], p.Hash[:]) == 1
}

// String is the pin as a code carries it, "" for no pin.
func (p TLSPin) String() string {
	if p.IsZero() {
		return ""
	}
	return string(rune(p.Kind)) + crockford.EncodeToString(p.Hash[:])
}

// ParsePin reads a pin as String writes it (case-insensitive, with
// Crockford's look-alike letters forgiven). "" is no pin.
func ParsePin(s string) (TLSPin, error) {
	s = normalizeCrockford(s)
	if s == "" {
		return TLSPin{}, nil
	}
	if len(s) != pinLen || (PinKind(s[0]) != PinKey && PinKind(s[0]) != PinCA) {
		return TLSPin{}, ErrPinFormat
	}
	b, err := crockford.DecodeString(s[1:])
	if err != nil || len(b) != pinHashLen || crockford.EncodeToString(b) != s[1:] {
		return TLSPin{}, ErrPinFormat
	}
	p := TLSPin{Kind: PinKind(s[0])}
	copy(p.Hash[:], b)
	return p, nil
}
