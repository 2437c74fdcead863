package voterid

// validateINE checks a normalised clave de elector. Positions, 1-based:
// 1–6 letters, 7–12 birth date, 13–14 state number, 15 sex, 16–18 digits.
// INE publishes no check digit, so shape, date, state and sex are all there
// is to check.
func validateINE(s string) error {
	rs, err := shape(INE, s)
	if err != nil {
		return err
	}
	// Nothing in the key tells the century, so a date valid in either one
	// (29 February 00 only in 2000) is accepted.
	_, ok19 := birthDate(rs[6:12], 1900)
	_, ok20 := birthDate(rs[6:12], 2000)
	if !ok19 && !ok20 {
		return &Error{Type: INE, Reason: ReasonDate, Pos: 7}
	}
	if st := twoDigits(rs[12:14]); st < 1 || st > 32 {
		return &Error{Type: INE, Reason: ReasonState, Pos: 13}
	}
	if !validSex(rs[14]) {
		return &Error{Type: INE, Reason: ReasonSex, Pos: 15}
	}
	return nil
}
