package voterid

import "time"

// curpAlphabet gives each character its value in the CURP check digit: its
// index in this string.
const curpAlphabet = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"

// curpValue maps a character to its check-digit value.
var curpValue = func() map[rune]int {
	m := make(map[rune]int)
	i := 0
	for _, r := range curpAlphabet {
		m[r] = i
		i++
	}
	return m
}()

// curpStates are the two-letter codes of the states of birth RENAPO uses;
// NE is for people born abroad and DF is still Mexico City's code.
var curpStates = map[string]bool{
	"AS": true, "BC": true, "BS": true, "CC": true, "CL": true, "CM": true,
	"CS": true, "CH": true, "DF": true, "DG": true, "GT": true, "GR": true,
	"HG": true, "JC": true, "MC": true, "MN": true, "MS": true, "NT": true,
	"NL": true, "OC": true, "PL": true, "QT": true, "QR": true, "SP": true,
	"SL": true, "SR": true, "TC": true, "TS": true, "TL": true, "VZ": true,
	"YN": true, "ZS": true, "NE": true,
}

// curpCheckDigit computes the check digit of the first 17 characters: each
// character's value weighted 18 down to 2, and the digit that brings the sum
// to a multiple of 10. The caller has checked the characters.
func curpCheckDigit(first17 []rune) rune {
	sum := 0
	for i, r := range first17 {
		sum += curpValue[r] * (Length - i)
	}
	return rune('0' + (10-sum%10)%10)
}

// validateCURP checks a normalised CURP. Positions, 1-based: 1–4 letters,
// 5–10 birth date, 11 sex, 12–13 state, 14–16 consonants, 17 differentiator,
// 18 check digit.
func validateCURP(s string, now time.Time) error {
	rs, err := shape(CURP, s)
	if err != nil {
		return err
	}
	// Two digits of year are ambiguous; the differentiator settles the
	// century: RENAPO assigns a digit to births up to 1999 and a letter from
	// 2000 on.
	century, other := 1900, 2000
	if rs[16] > '9' {
		century, other = 2000, 1900
	}
	born, ok := birthDate(rs[4:10], century)
	if !ok {
		if _, inOther := birthDate(rs[4:10], other); inOther {
			return &Error{Type: CURP, Reason: ReasonHomonym, Pos: 17}
		}
		return &Error{Type: CURP, Reason: ReasonDate, Pos: 5}
	}
	// A letter with a year ahead of today is almost always a 0 typed as O
	// at position 17 — a slip the check digit cannot see, since the two
	// values differ by 25 and position 17 weighs 2.
	if born.After(now) {
		return &Error{Type: CURP, Reason: ReasonHomonym, Pos: 17}
	}
	if !validSex(rs[10]) {
		return &Error{Type: CURP, Reason: ReasonSex, Pos: 11}
	}
	if !curpStates[string(rs[11:13])] {
		return &Error{Type: CURP, Reason: ReasonState, Pos: 12}
	}
	if curpCheckDigit(rs[:17]) != rs[17] {
		return &Error{Type: CURP, Reason: ReasonCheckDigit, Pos: 18}
	}
	return nil
}
