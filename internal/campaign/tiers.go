package campaign

import (
	"slices"
	"time"
)

// Tier ids of the 2016 rules. A campaign may name its tiers otherwise;
// these are the ones DefaultTiers uses and the dashboard knows how to
// mark done (a written answer, or a meeting or session held).
const (
	TierAnswer  = "answer"  // a written answer from the Drafting Group
	TierMeeting = "meeting" // a meeting with three of its members
	TierSession = "session" // a presentation at a session
)

// maxTiers keeps a ladder short enough to show on one kiosk screen.
const maxTiers = 10

// Tier is one step of a proposal's support ladder: how many unique
// signers it takes, and what crossing it earns.
type Tier struct {
	ID      string `json:"id"`
	Signers int    `json:"signers"` // unique signers (blind signer indexes) needed
	Earns   Text   `json:"earns"`   // what the proposal earns, e.g. "una respuesta por escrito"
}

// DefaultTiers are the rules Mexico City announced at the launch of the
// platform in 2016, for a campaign that sets no tiers of its own.
func DefaultTiers() []Tier {
	return []Tier{
		{ID: TierAnswer, Signers: 5_000, Earns: Text{"es": "una respuesta por escrito del Grupo Redactor", "en": "a written answer from the Drafting Group"}},
		{ID: TierMeeting, Signers: 10_000, Earns: Text{"es": "una reunión con tres integrantes del Grupo Redactor", "en": "a meeting with three members of the Drafting Group"}},
		{ID: TierSession, Signers: 50_000, Earns: Text{"es": "una presentación en una sesión del Grupo Redactor", "en": "a presentation at a session of the Drafting Group"}},
	}
}

// TiersOf is the ladder that applies to p, lowest first: p's own tiers if
// it has any; otherwise the campaign's (DefaultTiers when it sets none),
// where a proposal's legacy "threshold" replaces the first tier's number
// and folds in the tiers at or below it. A format 1 file written before
// tiers existed thus keeps its meaning: threshold supports earn a
// written answer. The result is a copy the caller may change.
func (c *Campaign) TiersOf(p *Proposal) []Tier {
	if len(p.Tiers) > 0 {
		return slices.Clone(p.Tiers)
	}
	ladder := c.Tiers
	if len(ladder) == 0 {
		ladder = DefaultTiers()
	}
	ladder = slices.Clone(ladder)
	if p.Threshold <= 0 || len(ladder) == 0 {
		return ladder
	}
	first := ladder[0]
	first.Signers = p.Threshold
	out := []Tier{first}
	for _, t := range ladder[1:] {
		if t.Signers > p.Threshold {
			out = append(out, t)
		}
	}
	return out
}

// Goal is the number of unique signers p needs for its first tier, what
// screens show as "the goal"; 0 if it has no tiers.
func (c *Campaign) Goal(p *Proposal) int {
	if t := c.TiersOf(p); len(t) > 0 {
		return t[0].Signers
	}
	return 0
}

// Standing is where a count of unique signers stands on a ladder.
type Standing struct {
	Reached int   // tiers crossed: 0 for none, len(ladder) for all
	Tier    *Tier // the highest tier crossed, nil for none
	Next    *Tier // the next tier to cross, nil when every tier is crossed
	Missing int   // signers still needed for Next; 0 when Next is nil
}

// Stand places signers on ladder (lowest first, as TiersOf returns it).
func Stand(ladder []Tier, signers int64) Standing {
	var s Standing
	for i := range ladder {
		if signers < int64(ladder[i].Signers) {
			s.Next = &ladder[i]
			s.Missing = int(int64(ladder[i].Signers) - signers)
			break
		}
		s.Reached = i + 1
		s.Tier = &ladder[i]
	}
	return s
}

// Response is what the Drafting Group gave a proposal for one tier: a
// written answer (Text, signed by SignedBy), or a meeting or session held
// (Place and a short Minute), or both.
type Response struct {
	Tier     string    `json:"tier"` // a tier id of the proposal's ladder
	Date     time.Time `json:"date"` // when it was answered or held, RFC 3339
	Text     Text      `json:"text,omitempty"`
	SignedBy string    `json:"signed_by,omitempty"` // who signed the written answer
	Place    Text      `json:"place,omitempty"`
	Minute   Text      `json:"minute,omitempty"`
}

// Response returns p's response for the tier, or nil.
func (p *Proposal) Response(tier string) *Response {
	for i := range p.Responses {
		if p.Responses[i].Tier == tier {
			return &p.Responses[i]
		}
	}
	return nil
}

// Answered lists the proposals with a response dated at or after since,
// the most recent response first, for an attract screen's "answered this
// week".
func (c *Campaign) Answered(since time.Time) []*Proposal {
	type answered struct {
		p    *Proposal
		last time.Time
	}
	var out []answered
	for i := range c.Proposals {
		p := &c.Proposals[i]
		var last time.Time
		for _, r := range p.Responses {
			if !r.Date.Before(since) && r.Date.After(last) {
				last = r.Date
			}
		}
		if !last.IsZero() {
			out = append(out, answered{p, last})
		}
	}
	slices.SortStableFunc(out, func(a, b answered) int { return b.last.Compare(a.last) })
	ps := make([]*Proposal, len(out))
	for i, a := range out {
		ps[i] = a.p
	}
	return ps
}
