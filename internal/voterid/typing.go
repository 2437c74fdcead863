package voterid

// Typing is what can be said of an id while a person is still typing it,
// so a screen can help key by key instead of only after the 18th.
type Typing struct {
	// Type is the accepted type the id is valid as once complete; for a
	// complete id valid as none, the type it most resembles.
	Type Type
	// ID is the input normalised.
	ID string
	// Err is a problem to show now: an *Error, a plain error for a
	// configuration mistake (see Check), or nil while the input may still
	// become a valid id.
	Err error
	// Done is true once the id is complete and valid as Type.
	Done bool
}

// Left is how many characters are still to be typed.
func (t Typing) Left() int { return Length - runeCount(t.ID) }

// CheckTyping checks raw as typed so far against the accepted types. Short
// of 18 characters, it reports a character only once no accepted type's
// layout can hold it at its position (a CURP and a clave de elector differ
// from the fifth character on), and it says nothing of dates, states or
// check digits until the id is complete. A complete id is checked as Check
// does.
func CheckTyping(accepted []Type, raw string) Typing {
	id := Normalize(raw)
	n := runeCount(id)
	switch {
	case n == 0:
		return Typing{ID: id}
	case n < Length:
		return Typing{ID: id, Err: prefixProblem(accepted, id)}
	}
	t, id, err := Check(accepted, raw)
	return Typing{Type: t, ID: id, Err: err, Done: err == nil}
}

// prefixProblem is the character error of the accepted type that the
// prefix follows furthest before going wrong, or nil while the prefix can
// still begin an id of some accepted type.
func prefixProblem(accepted []Type, prefix string) error {
	typed := []rune(prefix)
	var furthest *Error
	for _, t := range accepted {
		lay := layoutOf(t)
		if lay == nil {
			return nil
		}
		bad := -1
		for i, r := range typed {
			if i >= len(lay) || !lay[i].has(r) {
				bad = i
				break
			}
		}
		if bad < 0 {
			return nil
		}
		if furthest == nil || bad+1 > furthest.Pos {
			furthest = &Error{Type: t, Reason: ReasonChars, Pos: bad + 1}
		}
	}
	if furthest == nil {
		return nil
	}
	return furthest
}
