package voterid

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *Error with errors.Is, for callers that only need
// to know that the id was refused.
var ErrInvalid = errors.New("invalid voter id")

// Reason is why an id was refused. The values are stable keys: the UI
// translates them, so never rename one.
type Reason string

const (
	ReasonEmpty      Reason = "empty"       // nothing left after normalising
	ReasonLength     Reason = "length"      // not 18 characters
	ReasonChars      Reason = "chars"       // a character not allowed at its position (Pos)
	ReasonDate       Reason = "date"        // the birth date is not a calendar date
	ReasonSex        Reason = "sex"         // the sex character is not H, M or X
	ReasonState      Reason = "state"       // the state code or number is not on the official list
	ReasonCheckDigit Reason = "check_digit" // the CURP check digit does not match
	ReasonHomonym    Reason = "homonym"     // the CURP differentiator contradicts the birth date
)

// Error says why an id of a given type was refused. Pos is the 1-based
// position of the offending character (for ReasonChars the first bad one) or
// of the first character of the offending field. Two exceptions: for
// ReasonEmpty it is 0, and for ReasonLength it is the number of characters
// found, so the UI can say "you typed 17".
type Error struct {
	Type   Type
	Reason Reason
	Pos    int
}

// Is makes errors.Is(err, ErrInvalid) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Error returns an English sentence for logs and for operators; the kiosk
// shows its own translation keyed by Reason.
func (e *Error) Error() string {
	name := e.Type.label()
	switch e.Reason {
	case ReasonEmpty:
		return fmt.Sprintf("%s is empty", name)
	case ReasonLength:
		return fmt.Sprintf("%s must be %d characters; this has %d", name, Length, e.Pos)
	case ReasonChars:
		return fmt.Sprintf("%s character %d must be %s", name, e.Pos, e.Type.expect(e.Pos))
	case ReasonDate:
		return fmt.Sprintf("%s characters %d to %d are not a valid birth date (YYMMDD)", name, e.Pos, e.Pos+5)
	case ReasonSex:
		return fmt.Sprintf("%s character %d must be H, M or X", name, e.Pos)
	case ReasonState:
		if e.Type == INE {
			return fmt.Sprintf("%s characters %d and %d must be a state number from 01 to 32", name, e.Pos, e.Pos+1)
		}
		return fmt.Sprintf("%s characters %d and %d are not a Mexican state code (or NE for born abroad)", name, e.Pos, e.Pos+1)
	case ReasonCheckDigit:
		return fmt.Sprintf("%s check digit (character %d) does not match; a character may be mistyped", name, e.Pos)
	case ReasonHomonym:
		return fmt.Sprintf("%s character %d does not fit the birth date: a digit means born before 2000, a letter born in 2000 or later", name, e.Pos)
	}
	return fmt.Sprintf("%s is not valid (%s)", name, e.Reason)
}
