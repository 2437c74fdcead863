package voterid

// class is the set of characters allowed at one position of an id.
type class uint8

const (
	letter    class = iota // A–Z or Ñ
	consonant              // a letter that is not a vowel
	digit                  // 0–9
	alnum                  // 0–9 or A–Z (the CURP differentiator)
)

// has reports whether r belongs to the class. Ñ is accepted wherever a
// letter is, because the CURP check-digit alphabet includes it and a few
// older keys may carry it, even though RENAPO now writes X for Ñ.
func (c class) has(r rune) bool {
	isLetter := r >= 'A' && r <= 'Z' || r == 'Ñ'
	isDigit := r >= '0' && r <= '9'
	switch c {
	case letter:
		return isLetter
	case consonant:
		return isLetter && r != 'A' && r != 'E' && r != 'I' && r != 'O' && r != 'U'
	case digit:
		return isDigit
	case alnum:
		return isDigit || r >= 'A' && r <= 'Z'
	}
	return false
}

// describe names the class for error messages.
func (c class) describe() string {
	switch c {
	case letter:
		return "a letter"
	case consonant:
		return "a consonant"
	case digit:
		return "a digit"
	case alnum:
		return "a digit or a letter"
	}
	return "valid"
}

// Layouts: the class expected at each position. Sex and state positions are
// letters here and checked against their lists afterwards, so that an
// unknown state says "state", not "character".
var (
	curpLayout = [Length]class{
		letter, letter, letter, letter, // surnames and name
		digit, digit, digit, digit, digit, digit, // birth date YYMMDD
		letter,         // sex
		letter, letter, // state of birth
		consonant, consonant, consonant, // internal consonants
		alnum, // homonym differentiator
		digit, // check digit
	}
	ineLayout = [Length]class{
		letter, letter, letter, letter, letter, letter, // surnames and name
		digit, digit, digit, digit, digit, digit, // birth date YYMMDD
		digit, digit, // state number
		letter,              // sex
		digit, digit, digit, // homoclave
	}
)

// layoutOf returns the layout of t, or nil for an unknown type.
func layoutOf(t Type) []class {
	switch t {
	case CURP:
		return curpLayout[:]
	case INE:
		return ineLayout[:]
	}
	return nil
}

// expect describes what position pos (1-based) of a t must hold.
func (t Type) expect(pos int) string {
	lay := layoutOf(t)
	if pos < 1 || pos > len(lay) {
		return "valid"
	}
	return lay[pos-1].describe()
}

// shape checks length and per-position classes, the part both types share.
// It returns the id as runes for the field checks that follow.
func shape(t Type, s string) ([]rune, error) {
	if s == "" {
		return nil, &Error{Type: t, Reason: ReasonEmpty}
	}
	if n := runeCount(s); n != Length {
		return nil, &Error{Type: t, Reason: ReasonLength, Pos: n}
	}
	rs := []rune(s)
	lay := layoutOf(t)
	for i, r := range rs {
		if !lay[i].has(r) {
			return nil, &Error{Type: t, Reason: ReasonChars, Pos: i + 1}
		}
	}
	return rs, nil
}

// validSex accepts the sex character: H (hombre), M (mujer), and X, which
// RENAPO has issued since 2023 to people registered as non-binary.
func validSex(r rune) bool { return r == 'H' || r == 'M' || r == 'X' }

// twoDigits reads a two-digit number; the caller has checked the classes.
func twoDigits(rs []rune) int { return int(rs[0]-'0')*10 + int(rs[1]-'0') }
