package dashboard

import (
	"net/http"
	"slices"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

// The roll check's counts, for every operator: verified supports next to
// raw ones per proposal and per alcaldía, the share that failed each
// check, and per device and per canvasser the share that did not verify,
// worst first (a canvasser with 40 % unverifiable supports is worth a
// phone call). Counts only: nothing a person gave.

type rollCountsView struct {
	Roll           bool
	Import         string // "roll 3 of 2026-03-10 12:00, 7,800,000 voters, by ana"
	Checked        int64
	Pending        int64
	Verified       int64
	Queue          int64
	Decided        int64
	Disagreements  int64
	DecidedKept    int64 // decisions the newest import would have changed
	Statuses       []rollStatusRow
	ProposalTable  rollTable
	AlcaldiaTable  rollTable
	DeviceTable    shareTable
	CanvasserTable shareTable
}

// rollTable is verified next to raw for proposals or alcaldías.
type rollTable struct {
	L          lang
	Kind, Head string
	Failed     []string // column heads: every failed status
	Rows       []rollGroupRow
}

// shareTable is the share that did not verify per device or canvasser,
// worst first.
type shareTable struct {
	L          lang
	Kind, Head string
	Rows       []rollShareRow
}

type rollStatusRow struct {
	Label string
	N     int64
	Share float64 // percent of the checked
}

type rollGroupRow struct {
	ID, Label              string
	Raw, Checked, Verified int64
	VerifiedShare          float64 // percent of Checked
	Failed                 []rollStatusRow
}

type rollShareRow struct {
	ID, Label   string
	Checked     int64
	NotVerified int64
	Share       float64 // percent
}

func (h *Handler) handleRollCounts(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	t, cs, ok := h.talliesAndCampaigns(w, r)
	if !ok {
		return
	}
	raw := map[string]int64{}
	for _, p := range t.Proposals {
		raw[p.ID] = p.Supports
	}
	rs, err := central.SummarizeRoll(r.Context(), h.cfg.Store, raw)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := rollCountsView{}
	if rs == nil {
		h.render(w, r, http.StatusOK, "reviewcounts", "roll.title", v)
		return
	}
	v.Roll = true
	v.Import = l.T("roll.import", rs.Import.ID, h.local(rs.Import.ImportedAt), l.N(rs.Import.Rows), rs.Import.By)
	v.Checked, v.Pending, v.Verified = rs.Checked, rs.Pending, rs.Verified
	v.Queue, v.Decided, v.Disagreements, v.DecidedKept = rs.Queue, rs.Decided, rs.Disagreements, rs.Import.DecidedChanged
	for _, s := range central.AllStatuses {
		v.Statuses = append(v.Statuses, rollStatusRow{Label: l.T("roll.status." + s), N: rs.ByStatus[s], Share: percentOf(rs.ByStatus[s], rs.Checked)})
	}
	var failed []string
	for _, s := range central.FailedStatuses {
		failed = append(failed, l.T("roll.status."+s))
	}
	v.ProposalTable = rollTable{L: l, Kind: "proposals", Head: l.T("review.proposal"), Failed: failed}
	v.AlcaldiaTable = rollTable{L: l, Kind: "alcaldias", Head: l.T("review.alcaldia"), Failed: failed}
	v.DeviceTable = shareTable{L: l, Kind: "devices", Head: l.T("review.device")}
	v.CanvasserTable = shareTable{L: l, Kind: "canvassers", Head: l.T("review.canvasser")}
	group := func(g central.RollGroup, label string) rollGroupRow {
		row := rollGroupRow{ID: g.ID, Label: label, Raw: g.Raw, Checked: g.Checked, Verified: g.Verified, VerifiedShare: percentOf(g.Verified, g.Checked)}
		for _, s := range central.FailedStatuses {
			row.Failed = append(row.Failed, rollStatusRow{N: g.Failed[s], Share: 100 * g.FailedShare[s]})
		}
		return row
	}
	for _, g := range rs.Proposals {
		label := g.ID
		if p := cs.proposal(g.ID); p != nil {
			label = p.Title.Get(string(l))
		}
		v.ProposalTable.Rows = append(v.ProposalTable.Rows, group(g, label))
	}
	for _, g := range rs.Alcaldias {
		label := alcaldiaLabel(l, g.ID)
		v.AlcaldiaTable.Rows = append(v.AlcaldiaTable.Rows, group(g, label))
	}
	names := map[string]string{}
	if devices, err := h.cfg.Store.Devices(r.Context()); err == nil {
		for _, d := range devices {
			names[d.ID] = d.Name
		}
	}
	for _, d := range rs.Devices {
		v.DeviceTable.Rows = append(v.DeviceTable.Rows, rollShareRow{ID: d.ID, Label: names[d.ID], Checked: d.Checked, NotVerified: d.NotVerified, Share: 100 * d.Share})
	}
	for _, c := range rs.Canvassers {
		v.CanvasserTable.Rows = append(v.CanvasserTable.Rows, rollShareRow{ID: c.ID, Label: c.ID, Checked: c.Checked, NotVerified: c.NotVerified, Share: 100 * c.Share})
	}
	h.render(w, r, http.StatusOK, "reviewcounts", "roll.title", v)
}

// alcaldiaLabel names an alcaldía by its id as records carry it.
func alcaldiaLabel(l lang, id string) string {
	if id == "" {
		return l.T("roll.noalcaldia")
	}
	if i := slices.IndexFunc(campaign.Alcaldias, func(a campaign.Alcaldia) bool { return a.ID == id }); i >= 0 {
		return campaign.Alcaldias[i].Name
	}
	return id
}

func percentOf(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}
