package voterid

// Class is the set of characters allowed at one position of an id. Its
// String is a stable key ("letter", "consonant", "digit", "alnum"; "valid"
// for a position no layout has), which the kiosk translates: never rename
// one.
type Class uint8

// The classes of the layouts.
const (
	Letter    Class = iota + 1 // A–Z or Ñ
	Consonant                  // a letter that is not a vowel
	Digit                      // 0–9
	Alnum                      // 0–9 or A–Z (the CURP differentiator)
)

// Local names, so the layouts below read as a table.
const (
	letter    = Letter
	consonant = Consonant
	digit     = Digit
	alnum     = Alnum
)

// String is the class's key.
func (c Class) String() string {
	switch c {
	case letter:
		return "letter"
	case consonant:
		return "consonant"
	case digit:
		return "digit"
	case alnum:
		return "alnum"
	}
	return "valid"
}

// ClassAt is what position pos (1-based) of an id of type t must hold: the
// zero Class (whose key is "valid") for an unknown type or a position
// outside the layout.
func ClassAt(t Type, pos int) Class {
	lay := layoutOf(t)
	if pos < 1 || pos > len(lay) {
		return 0
	}
	return lay[pos-1]
}

// has reports whether r belongs to the class. Ñ is accepted wherever a
// letter is, because the CURP check-digit alphabet includes it and a few
// older keys may carry it, even though RENAPO now writes X for Ñ.
func (c Class) has(r rune) bool {
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
func (c Class) describe() string {
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
	curpLayout = [Length]Class{
		letter, letter, letter, letter, // surnames and name
		digit, digit, digit, digit, digit, digit, // birth date YYMMDD
		letter,         // sex
		letter, letter, // state of birth
		consonant, consonant, consonant, // internal consonants
		alnum, // homonym differentiator
		digit, // check digit
	}
	ineLayout = [Length]Class{
		letter, letter, letter, letter, letter, letter, // surnames and name
		digit, digit, digit, digit, digit, digit, // birth date YYMMDD
		digit, digit, // state number
		letter,              // sex
		digit, digit, digit, // homoclave
	}
)

// layoutOf returns the layout of t, or nil for an unknown type.
func layoutOf(t Type) []Class {
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
	return ClassAt(t, pos).describe()
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
