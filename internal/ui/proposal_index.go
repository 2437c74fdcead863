package ui

import (
	"strings"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// proposalIndex is what filtering a campaign's proposals needs, worked out
// once per campaign version: each proposal's searchable text, folded
// (lower case, no accents) in both languages. Folding 400 titles and
// summaries on every key press would cost more than drawing the list.
type proposalIndex struct {
	camp   *campaign.Campaign
	folded []string // by proposal, in campaign order
}

func newProposalIndex(c *campaign.Campaign) *proposalIndex {
	x := &proposalIndex{camp: c, folded: make([]string, len(c.Proposals))}
	for i := range c.Proposals {
		p := &c.Proposals[i]
		x.folded[i] = fold(strings.Join([]string{
			p.Title.Get("es"), p.Title.Get("en"),
			p.Summary.Get("es"), p.Summary.Get("en"),
			p.Plain.Get("es"), p.Plain.Get("en"),
		}, " "))
	}
	return x
}

// proposals is the index of the campaign in use, rebuilt when a new
// version was applied.
func (k *Kiosk) proposals() *proposalIndex {
	if k.pub.index == nil || k.pub.index.camp != k.camp {
		k.pub.index = newProposalIndex(k.camp)
	}
	return k.pub.index
}

// filtered returns the proposals that pass the session's filters. With an
// alcaldía chosen, its own proposals come first, then those for the whole
// city, which concern everyone. Every word typed must appear, in any
// order and either language: "agua xochimilco" finds the canals.
func (k *Kiosk) filtered() []*campaign.Proposal {
	s := k.sess
	x := k.proposals()
	words := strings.Fields(fold(s.query))
	var local, city []*campaign.Proposal
	for i := range x.camp.Proposals {
		p := &x.camp.Proposals[i]
		if s.theme != "" && p.Theme != s.theme {
			continue
		}
		if s.area != "" && p.Alcaldia != "" && p.Alcaldia != s.area {
			continue
		}
		if !containsAll(x.folded[i], words) {
			continue
		}
		if s.area != "" && p.Alcaldia == s.area {
			local = append(local, p)
		} else {
			city = append(city, p)
		}
	}
	return append(local, city...)
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
