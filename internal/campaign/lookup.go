package campaign

import (
	"cmp"
	"slices"
	"time"
)

// Lookups scan their list: campaigns are small (a few thousand entries at
// most, see Validate), and a scan can never go stale when content is built
// or edited in code.

// Proposal returns the proposal with the given id, or nil.
func (c *Campaign) Proposal(id string) *Proposal {
	for i := range c.Proposals {
		if c.Proposals[i].ID == id {
			return &c.Proposals[i]
		}
	}
	return nil
}

// Event returns the event with the given id, or nil.
func (c *Campaign) Event(id string) *Event {
	for i := range c.Events {
		if c.Events[i].ID == id {
			return &c.Events[i]
		}
	}
	return nil
}

// Article returns the article with the given id, or nil.
func (c *Campaign) Article(id string) *Article {
	for i := range c.Articles {
		if c.Articles[i].ID == id {
			return &c.Articles[i]
		}
	}
	return nil
}

// Theme returns the theme with the given id, or nil.
func (c *Campaign) Theme(id string) *Theme {
	for i := range c.Themes {
		if c.Themes[i].ID == id {
			return &c.Themes[i]
		}
	}
	return nil
}

// Question returns the survey question with the given id, or nil.
func (c *Campaign) Question(id string) *Question {
	return c.Survey.Question(id)
}

// Question returns the question with the given id, or nil.
func (s *Survey) Question(id string) *Question {
	for i := range s.Questions {
		if s.Questions[i].ID == id {
			return &s.Questions[i]
		}
	}
	return nil
}

// AcceptsKind reports whether central takes records of the kind (a record
// kind name) for this campaign: always for BaseKinds, otherwise only when
// the campaign lists it in Kinds.
func (c *Campaign) AcceptsKind(kind string) bool {
	return slices.Contains(BaseKinds, kind) || slices.Contains(c.Kinds, kind)
}

// AcceptsIDType reports whether signers may identify with this voter id
// type (IDTypeINE or IDTypeCURP).
func (c *Campaign) AcceptsIDType(t string) bool {
	return slices.Contains(c.IDTypes, t)
}

// ProposalsInTheme returns the proposals of one theme, in campaign order.
func (c *Campaign) ProposalsInTheme(themeID string) []Proposal {
	var out []Proposal
	for _, p := range c.Proposals {
		if p.Theme == themeID {
			out = append(out, p)
		}
	}
	return out
}

// UpcomingEvents returns the events that have not ended by now, including
// those under way (a canvasser at an assembly still needs it), sorted by
// start time and then id.
func (c *Campaign) UpcomingEvents(now time.Time) []Event {
	var out []Event
	for _, e := range c.Events {
		if e.Ends.After(now) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int {
		if n := a.Starts.Compare(b.Starts); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
