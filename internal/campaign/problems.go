package campaign

// Step is one part of a problem's location: a member name, or a list
// index when Index ≥ 0.
type Step struct {
	Name  string
	Index int
}

// Steps is where the problem is, from the top of the campaign: the
// validator's path ($.proposals[2].title.en) as parts, for an editor that
// puts each problem next to its field. Nil for a problem Parse found in
// the bytes of a file before validation.
func (e *ParseError) Steps() []Step {
	out := make([]Step, len(e.at))
	for i, s := range e.at {
		out[i] = Step{Name: s.name, Index: s.index}
	}
	return out
}
