package central

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// This file closes the loop of issue 15 on central's side: when a
// proposal's unique signers cross one of its tiers central records the
// moment, the proposal is owed what the tier earns until the Drafting
// Group's response is recorded, and responses go out with the next
// published campaign version. Everything here works over the Store, so
// the dashboard (which gets only the store) and the CLI can call it.

// ErrUnknownTier means a response names a proposal or tier the newest
// campaign version does not have.
var ErrUnknownTier = errors.New("no such proposal or tier in the newest campaign version")

// Obligation is a proposal that crossed a tier and is still owed what it
// earns.
type Obligation struct {
	Proposal string        `json:"proposal"`
	Title    campaign.Text `json:"title"`
	Tier     string        `json:"tier"`
	Earns    campaign.Text `json:"earns"`
	Needed   int           `json:"needed"`  // the tier's signers
	Signers  int64         `json:"signers"` // unique signers now
	Since    time.Time     `json:"since"`   // when central first saw the tier crossed
}

// latestCampaign parses the newest published version; nil if none.
func latestCampaign(ctx context.Context, s Store) (*campaign.Campaign, error) {
	pcs, err := s.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	if len(pcs) == 0 {
		return nil, nil
	}
	pc := pcs[len(pcs)-1]
	return campaign.Parse(fmt.Sprintf("campaign version %d", pc.Version), pc.Content)
}

// crossingsOf lists the tiers each proposal of c has crossed with the
// given unique signers, stamped at now.
func crossingsOf(c *campaign.Campaign, signers map[string]int64, now time.Time) []Crossing {
	var out []Crossing
	for i := range c.Proposals {
		p := &c.Proposals[i]
		n := signers[p.ID]
		for _, t := range c.TiersOf(p) {
			if n < int64(t.Signers) {
				break
			}
			out = append(out, Crossing{Proposal: p.ID, Tier: t.ID, Signers: n, At: now.UTC()})
		}
	}
	return out
}

// CheckTiers records, at now, every tier of the newest campaign that a
// proposal's unique signers have reached and the store had not seen
// reached; a crossing already stored keeps its first time. Central runs
// it with every progress document it builds, so a crossing's time is
// within one progress interval of the record that made it.
func CheckTiers(ctx context.Context, s Store, now time.Time) error {
	_, _, err := checkTiers(ctx, s, now)
	return err
}

// checkTiers is CheckTiers, returning what it read: the newest campaign
// (nil if none) and the signer counts.
func checkTiers(ctx context.Context, s Store, now time.Time) (*campaign.Campaign, map[string]int64, error) {
	c, err := latestCampaign(ctx, s)
	if err != nil || c == nil {
		return nil, nil, err
	}
	counts, _, err := TierCounts(ctx, s) // verified supports once a roll is imported (rolldesk.go)
	if err != nil {
		return nil, nil, err
	}
	return c, counts, s.RecordCrossings(ctx, crossingsOf(c, counts, now))
}

// Obligations checks the tiers at now and lists the proposals that
// crossed a tier of the newest campaign version and have no response for
// it yet, oldest first.
func Obligations(ctx context.Context, s Store, now time.Time) ([]Obligation, error) {
	c, counts, err := checkTiers(ctx, s, now)
	if err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	out := []Obligation{}
	if c == nil {
		return out, nil
	}
	crossings, err := s.Crossings(ctx)
	if err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	responses, err := s.Responses(ctx)
	if err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	answered := make(map[[2]string]bool, len(responses))
	for _, r := range responses {
		answered[[2]string{r.Proposal, r.Tier}] = true
	}
	for _, x := range crossings {
		p := c.Proposal(x.Proposal)
		if p == nil || answered[[2]string{x.Proposal, x.Tier}] {
			continue
		}
		// A tier an author has since removed or renamed is owed nothing.
		ladder := c.TiersOf(p)
		i := slices.IndexFunc(ladder, func(t campaign.Tier) bool { return t.ID == x.Tier })
		if i < 0 {
			continue
		}
		t := ladder[i]
		out = append(out, Obligation{Proposal: p.ID, Title: p.Title, Tier: t.ID, Earns: t.Earns, Needed: t.Signers,
			Signers: counts[p.ID], Since: x.At})
	}
	return out, nil
}

// SaveResponse records the Drafting Group's response to a proposal of
// the newest campaign version, for one of its tiers, as the operator by
// recorded it at now. The response is checked by the campaign's own
// validation; the error names the field. A response for the same tier
// replaces the one before (a correction). It reaches devices with the
// next published version (Server.PublishResponses).
func SaveResponse(ctx context.Context, s Store, proposal string, r campaign.Response, by string, now time.Time) error {
	c, err := latestCampaign(ctx, s)
	if err != nil {
		return fmt.Errorf("save response: %w", err)
	}
	if c == nil || c.Proposal(proposal) == nil {
		return fmt.Errorf("save response: proposal %q: %w", proposal, ErrUnknownTier)
	}
	p := c.Proposal(proposal)
	if !slices.ContainsFunc(c.TiersOf(p), func(t campaign.Tier) bool { return t.ID == r.Tier }) {
		return fmt.Errorf("save response: proposal %q tier %q: %w", proposal, r.Tier, ErrUnknownTier)
	}
	setResponse(p, r)
	if err := c.Validate(); err != nil {
		return fmt.Errorf("save response: %w", err)
	}
	content, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save response: %w", err)
	}
	return s.SaveResponse(ctx, StoredResponse{Proposal: proposal, Tier: r.Tier, Content: content, RecordedAt: now.UTC(), RecordedBy: by})
}

// RecordResponse is SaveResponse by an operator, recorded in the audit
// log (the proposal and tier, never the text).
func RecordResponse(ctx context.Context, s Store, audit Auditor, proposal string, r campaign.Response, by string, now time.Time) error {
	if err := SaveResponse(ctx, s, proposal, r, by, now); err != nil {
		return err
	}
	return audit.Audit(ctx, by, AuditResponse, map[string]string{"proposal": proposal, "tier": r.Tier})
}

// setResponse puts r on p, replacing p's response for the same tier.
func setResponse(p *campaign.Proposal, r campaign.Response) {
	if old := p.Response(r.Tier); old != nil {
		*old = r
		return
	}
	p.Responses = append(p.Responses, r)
}

// withResponses puts the store's responses on c's proposals, so a
// published version always carries every response recorded so far,
// whatever the file or draft it was made from says. Responses to
// proposals c does not have are left out.
func withResponses(ctx context.Context, s Store, c *campaign.Campaign) error {
	stored, err := s.Responses(ctx)
	if err != nil {
		return err
	}
	for _, sr := range stored {
		p := c.Proposal(sr.Proposal)
		if p == nil || !slices.ContainsFunc(c.TiersOf(p), func(t campaign.Tier) bool { return t.ID == sr.Tier }) {
			continue
		}
		var r campaign.Response
		if err := json.Unmarshal(sr.Content, &r); err != nil {
			return fmt.Errorf("response to %s tier %s: %w", sr.Proposal, sr.Tier, err)
		}
		setResponse(p, r)
	}
	// In ladder order, so the same responses always give the same bytes.
	for i := range c.Proposals {
		p := &c.Proposals[i]
		ladder := c.TiersOf(p)
		rank := func(id string) int { return slices.IndexFunc(ladder, func(t campaign.Tier) bool { return t.ID == id }) }
		slices.SortStableFunc(p.Responses, func(a, b campaign.Response) int { return cmp.Compare(rank(a.Tier), rank(b.Tier)) })
	}
	return nil
}
