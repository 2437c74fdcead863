package voterid

import "time"

// birthDate reads YYMMDD (already checked to be digits) in the given
// century and reports whether it is a calendar date.
func birthDate(rs []rune, century int) (time.Time, bool) {
	y := century + twoDigits(rs[0:2])
	m := twoDigits(rs[2:4])
	d := twoDigits(rs[4:6])
	if m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 31 April to 1 May; a real date survives intact.
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}
