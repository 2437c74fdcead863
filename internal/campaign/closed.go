package campaign

// OpenProposals are the ids of the proposals that take new supports (not
// Closed), in the campaign's order: what a device may offer to sign.
func (c *Campaign) OpenProposals() []string {
	out := make([]string, 0, len(c.Proposals))
	for _, p := range c.Proposals {
		if !p.Closed {
			out = append(out, p.ID)
		}
	}
	return out
}
