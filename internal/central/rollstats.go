package central

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
)

// RollStats is what the roll check says of the supports: verified next to
// raw per proposal and per alcaldía, the share that failed each check,
// and per device and per canvasser the share that did not verify. Shares
// are of the supports checked.
type RollStats struct {
	Import  RollImport `json:"import"`  // the roll in use
	Checked int64      `json:"checked"` // supports filed under it
	// Pending are supports not filed under the roll in use yet: new ones,
	// and older ones until the worker re-checks them after an import.
	Pending  int64 `json:"pending"`
	Verified int64 `json:"verified"`
	// Queue are the supports under the roll in use that did not verify
	// and no reviewer has decided: the review desk's work.
	Queue int64 `json:"queue"`
	// Decided are supports a reviewer decided; Disagreements those of
	// them the roll in use would file otherwise than they were decided on
	// (each decision stands, and the desk lists these first).
	Decided       int64              `json:"decided"`
	Disagreements int64              `json:"disagreements"`
	ByStatus      map[string]int64   `json:"by_status"`    // every status, zero included
	FailedShare   map[string]float64 `json:"failed_share"` // every FailedStatuses entry
	Proposals     []RollGroup        `json:"proposals"`
	Alcaldias     []RollGroup        `json:"alcaldias"`
	Devices       []RollShare        `json:"devices"`
	Canvassers    []RollShare        `json:"canvassers"`
}

// RollGroup counts the supports of one proposal or alcaldía.
type RollGroup struct {
	ID       string `json:"id"`
	Raw      int64  `json:"raw"` // every support (for an alcaldía: every one checked)
	Checked  int64  `json:"checked"`
	Verified int64  `json:"verified"`
	// Queue are the supports under the roll in use that did not verify
	// and no reviewer has decided: the review desk's work.
	Queue int64 `json:"queue"`
	// Decided are supports a reviewer decided; Disagreements those of
	// them the roll in use would file otherwise than they were decided on
	// (each decision stands, and the desk lists these first).
	Decided       int64              `json:"decided"`
	Disagreements int64              `json:"disagreements"`
	Failed        map[string]int64   `json:"failed"`       // every FailedStatuses entry
	FailedShare   map[string]float64 `json:"failed_share"` // of Checked
}

// RollShare is the share of one device's or canvasser's supports that did
// not verify.
type RollShare struct {
	ID          string  `json:"id"`
	Checked     int64   `json:"checked"`
	NotVerified int64   `json:"not_verified"`
	Share       float64 `json:"share"`
}

// AllStatuses are every status a support counts under, verified first.
var AllStatuses = append([]string{StatusVerified}, FailedStatuses...)

// SummarizeRoll builds RollStats from the store's counts; raw gives each
// proposal's supports (ProposalStats.Supports). It returns nil when no
// roll was imported.
func SummarizeRoll(ctx context.Context, s RollStore, raw map[string]int64) (*RollStats, error) {
	cur, ok, err := CurrentRoll(ctx, s)
	if err != nil || !ok {
		return nil, err
	}
	counts, err := s.SupportCheckTotals(ctx)
	if err != nil {
		return nil, fmt.Errorf("roll stats: %w", err)
	}
	rs := &RollStats{Import: cur, ByStatus: zeroCounts()}
	proposals, alcaldias := map[string]*RollGroup{}, map[string]*RollGroup{}
	devices, canvassers := map[string]*RollShare{}, map[string]*RollShare{}
	group := func(m map[string]*RollGroup, id string) *RollGroup {
		if m[id] == nil {
			m[id] = &RollGroup{ID: id, Failed: zeroFailed()}
		}
		return m[id]
	}
	var total int64
	for id, n := range raw {
		group(proposals, id).Raw = n
		total += n
	}
	for _, c := range counts {
		if c.RollID != cur.ID {
			continue // pending a re-check under the new roll
		}
		st := EffectiveStatus(c.Status, c.Decision)
		switch c.Dim {
		case DimProposal:
			// Each support once: the totals come from this grouping.
			rs.Checked += c.N
			rs.ByStatus[st] += c.N
			switch {
			case c.Decision == "" && c.Status != StatusVerified:
				rs.Queue += c.N
			case c.Decision != "":
				rs.Decided += c.N
				if c.Disagrees {
					rs.Disagreements += c.N
				}
			}
			tally(group(proposals, c.Key), st, c.N)
		case DimAlcaldia:
			tally(group(alcaldias, c.Key), st, c.N)
		case DimDevice:
			share(devices, c.Key, st, c.N)
		case DimCanvasser:
			if c.Key != "" {
				share(canvassers, c.Key, st, c.N)
			}
		}
	}
	for _, g := range alcaldias {
		g.Raw = g.Checked
	}
	rs.Verified = rs.ByStatus[StatusVerified]
	rs.Pending = max(total-rs.Checked, 0)
	rs.FailedShare = shares(rs.ByStatus, rs.Checked)
	rs.Proposals, rs.Alcaldias = groups(proposals), groups(alcaldias)
	rs.Devices, rs.Canvassers = shareList(devices), shareList(canvassers)
	return rs, nil
}

func tally(g *RollGroup, status string, n int64) {
	g.Checked += n
	if status == StatusVerified {
		g.Verified += n
	} else {
		g.Failed[status] += n
	}
}

func zeroCounts() map[string]int64 {
	m := map[string]int64{}
	for _, s := range AllStatuses {
		m[s] = 0
	}
	return m
}

func zeroFailed() map[string]int64 {
	m := map[string]int64{}
	for _, s := range FailedStatuses {
		m[s] = 0
	}
	return m
}

func shares(counts map[string]int64, of int64) map[string]float64 {
	out := map[string]float64{}
	for _, s := range FailedStatuses {
		out[s] = 0
		if of > 0 {
			out[s] = float64(counts[s]) / float64(of)
		}
	}
	return out
}

func share(m map[string]*RollShare, id, status string, n int64) {
	if m[id] == nil {
		m[id] = &RollShare{ID: id}
	}
	m[id].Checked += n
	if status != StatusVerified {
		m[id].NotVerified += n
	}
}

func groups(m map[string]*RollGroup) []RollGroup {
	out := make([]RollGroup, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		g := m[id]
		g.FailedShare = shares(g.Failed, g.Checked)
		out = append(out, *g)
	}
	return out
}

func shareList(m map[string]*RollShare) []RollShare {
	out := make([]RollShare, 0, len(m))
	for _, s := range m {
		if s.Checked > 0 {
			s.Share = float64(s.NotVerified) / float64(s.Checked)
		}
		out = append(out, *s)
	}
	// Worst first: the canvasser worth a phone call heads the list.
	slices.SortFunc(out, func(a, b RollShare) int { return cmp.Or(cmp.Compare(b.Share, a.Share), cmp.Compare(a.ID, b.ID)) })
	return out
}
