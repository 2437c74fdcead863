// Package voterid normalises and validates Mexican voter identifiers: the
// CURP and the INE clave de elector.
package voterid

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Type is a kind of voter identifier. Campaigns list the types they accept.
type Type string

const (
	INE  Type = "ine"  // INE clave de elector, printed on the voting card
	CURP Type = "curp" // Clave Única de Registro de Población
)

// Length is the number of characters of both a CURP and a clave de elector.
const Length = 18

// Known reports whether t is a type this package validates, for checking a
// campaign's list of accepted types when it is loaded.
func (t Type) Known() bool { return t == INE || t == CURP }

// label is the type's name in English sentences.
func (t Type) label() string {
	switch t {
	case CURP:
		return "CURP"
	case INE:
		return "INE voter key"
	}
	return fmt.Sprintf("voter id %q", string(t))
}

// Normalize turns what a person typed into the canonical form that is
// validated and blind-indexed: upper case, NFC, without whitespace, invisible
// format characters or separators. The same person must always get the same
// string, so it is idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	// NFC first so that a decomposed "n" + combining tilde upper-cases as the
	// single letter Ñ; NFC again at the end because dropping a separator can
	// put a base letter next to a combining mark.
	s = norm.NFC.String(s)
	s = strings.ToUpper(s)
	s = strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

// dropped reports whether r is noise around an id: spaces (including
// non-breaking ones), zero-width and other format characters that copy and
// paste brings along, and the separators people type or phones autocorrect
// (hyphen, en dash and other dashes, dot, underscore, slash).
func dropped(r rune) bool {
	switch r {
	case '.', '_', '/':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Cf, r)
}

// Validate checks an already-normalised id of type t. It returns nil or an
// *Error (which matches ErrInvalid); an unknown type is a programming error
// reported as a plain error.
func Validate(t Type, s string) error {
	return validateAt(t, s, time.Now())
}

// validateAt is Validate with the current time given, so tests can pin the
// one rule that depends on it (a CURP birth date cannot lie in the future).
func validateAt(t Type, s string, now time.Time) error {
	switch t {
	case CURP:
		return validateCURP(s, now)
	case INE:
		return validateINE(s)
	}
	return fmt.Errorf("validate voter id: unknown type %q", string(t))
}

// Check normalises raw and returns the first accepted type it is valid as,
// with the normalised id. If it is valid as none, it returns the type the
// input most resembles, the normalised id and that type's *Error, so the
// person reads about the id they meant to type. An empty or unknown type in
// accepted is a configuration error, reported as a plain error.
func Check(accepted []Type, raw string) (Type, string, error) {
	if len(accepted) == 0 {
		return "", "", errors.New("check voter id: no accepted types")
	}
	for _, t := range accepted {
		if !t.Known() {
			return "", "", fmt.Errorf("check voter id: unknown type %q", string(t))
		}
	}
	s := Normalize(raw)
	now := time.Now()
	var (
		best      Type
		bestErr   error
		bestScore = -1
	)
	for _, t := range accepted {
		err := validateAt(t, s, now)
		if err == nil {
			return t, s, nil
		}
		if sc := resemblance(t, s); sc > bestScore {
			best, bestErr, bestScore = t, err, sc
		}
	}
	return best, s, bestErr
}

// resemblance counts the characters of s that fit the character class the
// layout of t expects at their position. The two layouts differ in where
// letters and digits go (CURP: 4 letters then the date; clave de elector: 6
// letters, then date and a state number), so the count tells which one was
// meant even when the length is wrong.
func resemblance(t Type, s string) int {
	lay := layoutOf(t)
	n, pos := 0, 0
	for _, r := range s {
		if pos >= len(lay) {
			break
		}
		if lay[pos].has(r) {
			n++
		}
		pos++
	}
	return n
}

// Mask shows an id without revealing it: the first four and the last two
// characters of its normalised form, bullets in between, e.g.
// "SABC••••••••••••01". Short inputs are masked entirely, since showing six
// characters of an eight-character string would reveal most of it.
func Mask(s string) string {
	s = Normalize(s)
	rs := []rune(s)
	const head, tail = 4, 2
	if len(rs) < Length/2 {
		return strings.Repeat("•", len(rs))
	}
	var b strings.Builder
	b.WriteString(string(rs[:head]))
	b.WriteString(strings.Repeat("•", len(rs)-head-tail))
	b.WriteString(string(rs[len(rs)-tail:]))
	return b.String()
}

// runeCount is the length people see, which is what error messages report.
func runeCount(s string) int { return utf8.RuneCountInString(s) }
