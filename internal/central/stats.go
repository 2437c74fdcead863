package central

import (
	"context"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// Stats is what `central stats --json` prints: the counts an operator and
// the fault-suite tests check.
type Stats struct {
	Records         int64                 `json:"records"`          // stored records, duplicates and conflicts not counted
	ByKind          map[string]int64      `json:"by_kind"`          // every record.Kind, zero included
	ByChannel       map[string]int64      `json:"by_channel"`       // kiosk, canvasser, bundle
	Duplicates      int64                 `json:"duplicates"`       // arrivals of a record central already held
	Conflicts       int64                 `json:"conflicts"`        // distinct conflicting copies kept for audit
	Devices         map[DeviceState]int64 `json:"devices"`          // every state, zero included
	CampaignVersion int                   `json:"campaign_version"` // newest published version
	Proposals       []ProposalStats       `json:"proposals"`
	Missing         uint64                `json:"missing"` // sum of every device's gaps
	Gaps            []DeviceGaps          `json:"gaps"`    // every device, in id order
	// Quarantined counts records whose sealed body does not open (purged
	// ones included), in total and per device id.
	Quarantined         int64            `json:"quarantined"`
	QuarantinedByDevice map[string]int64 `json:"quarantined_by_device"`
	// Roll is the check of supports against the electoral roll; absent
	// until a roll is imported.
	Roll *RollStats `json:"roll,omitempty"`
	// Obligations are the proposals still owed what a tier they crossed
	// earns, oldest first (see Obligations).
	Obligations []Obligation `json:"obligations"`
}

// ProposalStats counts the supports of one proposal.
type ProposalStats struct {
	ID            string `json:"id"`
	Supports      int64  `json:"supports"`       // signature records
	UniqueSigners int64  `json:"unique_signers"` // distinct blind signer indexes
	// Verified are the supports the roll check verified (RollStats has
	// the detail); absent until a roll is imported.
	Verified  *int64 `json:"verified,omitempty"`
	Threshold int    `json:"threshold,omitempty"`
}

// DeviceGaps lists the sequence numbers a device made that central does
// not hold: every number from 1 to the highest central holds or the device
// last reported in a heartbeat.
type DeviceGaps struct {
	DeviceID    string     `json:"device_id"`
	HighestSeq  uint64     `json:"highest_seq"`  // highest sequence central holds
	ReportedSeq uint64     `json:"reported_seq"` // highest LastSeq from a heartbeat
	Missing     uint64     `json:"missing"`      // count of numbers in Ranges
	Ranges      []SeqRange `json:"ranges"`
}

// SeqRange is an inclusive range of sequence numbers.
type SeqRange struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// Summarize returns the store's stats with the newest campaign's proposals
// in campaign order (those without supports at zero, with thresholds),
// followed by any other subject that has signatures from older versions,
// and the obligations as of now.
func Summarize(ctx context.Context, s Store) (*Stats, error) {
	return SummarizeAt(ctx, s, time.Now())
}

// SummarizeAt is Summarize with the time tier crossings are stamped with
// when it is the first to see them.
func SummarizeAt(ctx context.Context, s Store, now time.Time) (*Stats, error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	if st.ByKind == nil {
		st.ByKind = map[string]int64{}
	}
	if st.Devices == nil {
		st.Devices = map[DeviceState]int64{}
	}
	for _, k := range record.Kinds {
		st.ByKind[string(k)] += 0
	}
	for _, ds := range DeviceStates {
		st.Devices[ds] += 0
	}
	st.QuarantinedByDevice = map[string]int64{}
	if q, ok := s.(QuarantineStore); ok {
		if st.QuarantinedByDevice, err = q.QuarantineCounts(ctx); err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		st.Quarantined = QuarantineTotal(st.QuarantinedByDevice)
	}
	if r, ok := s.(RollStore); ok {
		raw := map[string]int64{}
		for _, p := range st.Proposals {
			raw[p.ID] = p.Supports
		}
		if st.Roll, err = SummarizeRoll(ctx, r, raw); err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
	}
	versions, err := s.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	st.Obligations = []Obligation{}
	if len(versions) == 0 {
		st.Proposals = withVerified(st.Proposals, st.Roll)
		return st, nil
	}
	if st.Obligations, err = Obligations(ctx, s, now); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	latest := versions[len(versions)-1]
	c, err := campaign.Parse(fmt.Sprintf("campaign version %d", latest.Version), latest.Content)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	st.CampaignVersion = latest.Version
	counted := make(map[string]ProposalStats, len(st.Proposals))
	for _, p := range st.Proposals {
		counted[p.ID] = p
	}
	merged := make([]ProposalStats, 0, len(c.Proposals)+len(st.Proposals))
	for _, p := range c.Proposals {
		ps := counted[p.ID]
		ps.ID, ps.Threshold = p.ID, c.Goal(&p)
		merged = append(merged, ps)
		delete(counted, p.ID)
	}
	for _, p := range st.Proposals {
		if _, ok := counted[p.ID]; ok {
			merged = append(merged, p)
		}
	}
	st.Proposals = withVerified(merged, st.Roll)
	return st, nil
}

// withVerified sets each proposal's verified count from the roll check.
func withVerified(ps []ProposalStats, rs *RollStats) []ProposalStats {
	if rs == nil {
		return ps
	}
	verified := map[string]int64{}
	for _, g := range rs.Proposals {
		verified[g.ID] = g.Verified
	}
	for i := range ps {
		v := verified[ps[i].ID]
		ps[i].Verified = &v
	}
	return ps
}
