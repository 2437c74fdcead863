package protocol

import (
	"errors"
	"strings"
)

// The short form of a provisioning code is for a device that already
// knows its fleet: central's URL and everything the device checks central
// by (the key fingerprint, the TLS pin or the insecure flag), from a full
// code given to it once (a fleet file, or a code typed or loaded before).
// It is the code's TOKEN followed by the full code's own CHECK, 14
// characters with no separator, so it types on one keyboard page:
//
//	7K2M9QX4T8VBQ4
//
// Nothing about trust is in it, so nothing about trust is weakened: the
// device resolves it against the fleet into the full code, and enrolls
// with that, checking central exactly as a typed full code does. The
// check covers the whole resolved code, so a typo, or a short code issued
// by another central than the fleet's, is caught on the device.

// crockfordAlphabet is the characters of a normalised code.
const crockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ShortLen is the length of a short code.
const ShortLen = tokenLen + checkLen

// ErrShortFormat means a short code is not 14 base32 characters.
var ErrShortFormat = errors.New("short provisioning code is not 14 base32 characters")

// Short is the code's short form.
func (c ProvisioningCode) Short() string {
	return c.Token + codeCheck(c.URL, c.parts())
}

// Fleet is the code without its token: its URL and trust, what a device
// keeps to resolve short codes.
func (c ProvisioningCode) Fleet() ProvisioningCode {
	c.Token = ""
	return c
}

// ParseFleet reads a fleet from any full code of that central (spent or
// not: only its URL and trust are kept).
func ParseFleet(s string) (ProvisioningCode, error) {
	c, err := ParseCode(s)
	if err != nil {
		return ProvisioningCode{}, err
	}
	return c.Fleet(), nil
}

// IsShortCode reports whether s has the shape of a short code (it may
// still be mistyped): 14 characters of the code alphabet.
func IsShortCode(s string) bool {
	s = normalizeCrockford(strings.TrimSpace(s))
	return len(s) == ShortLen && strings.Trim(s, crockfordAlphabet) == ""
}

// ParseShortCode resolves a typed short code against the device's fleet
// into the full code. Case and Crockford's look-alike letters are
// forgiven, as in ParseCode.
func ParseShortCode(s string, fleet ProvisioningCode) (ProvisioningCode, error) {
	s = normalizeCrockford(strings.TrimSpace(s))
	if len(s) != ShortLen || strings.Trim(s, crockfordAlphabet) != "" {
		return ProvisioningCode{}, ErrShortFormat
	}
	c := fleet.Fleet()
	c.Token = s[:tokenLen]
	if codeCheck(c.URL, c.parts()) != s[tokenLen:] {
		return ProvisioningCode{}, ErrCodeMistyped
	}
	// Through the full parser, so a fleet that could not have come from
	// a valid code gives no valid full code either.
	return ParseCode(c.String())
}
