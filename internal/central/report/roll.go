package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/voces-cdmx/voces/internal/central"
)

// rollStats writes the roll check's lines of `central stats`.
func rollStats(tw *tabwriter.Writer, rs *central.RollStats) {
	fmt.Fprintf(tw, "roll\timport %d of %s (%d voters), %d supports checked, %d pending\n",
		rs.Import.ID, rs.Import.ImportedAt.Format("2006-01-02 15:04 MST"), rs.Import.Rows, rs.Checked, rs.Pending)
	fmt.Fprintf(tw, "  %s\t%d\n", central.StatusVerified, rs.Verified)
	for _, s := range central.FailedStatuses {
		fmt.Fprintf(tw, "  %s\t%d (%.1f %%)\n", s, rs.ByStatus[s], 100*rs.FailedShare[s])
	}
	for _, a := range rs.Alcaldias {
		name := a.ID
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "  alcaldía %s\t%d verified of %d (%s)\n", name, a.Verified, a.Checked, failed(a))
	}
	for _, d := range rs.Devices {
		fmt.Fprintf(tw, "  device %s\t%.1f %% of %d not verified\n", d.ID, 100*d.Share, d.Checked)
	}
	for _, c := range rs.Canvassers {
		fmt.Fprintf(tw, "  canvasser %s\t%.1f %% of %d not verified\n", c.ID, 100*c.Share, c.Checked)
	}
	fmt.Fprintf(tw, "  review desk\t%d to review, %d decided, %d the roll in use disagrees with\n", rs.Queue, rs.Decided, rs.Disagreements)
	if rs.Import.DecidedChanged > 0 {
		fmt.Fprintf(tw, "  decisions kept\t%d this roll would have changed\n", rs.Import.DecidedChanged)
	}
}

// failed lists a group's failed checks that are not zero.
func failed(g central.RollGroup) string {
	var parts []string
	for _, s := range central.FailedStatuses {
		if n := g.Failed[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d, %.1f %%", s, n, 100*g.FailedShare[s]))
		}
	}
	if len(parts) == 0 {
		return "none failed"
	}
	return strings.Join(parts, "; ")
}

// RollImport writes what `central roll import` did, and passes its error
// on: a refused file lists its bad rows on errw first.
func RollImport(w, errw io.Writer, res *central.RollImportResult, err error) error {
	if res != nil {
		out := w
		if err != nil {
			out = errw
		}
		for _, b := range res.Bad {
			fmt.Fprintln(out, b)
		}
	}
	if err != nil {
		return err
	}
	i := res.Import
	_, err = fmt.Fprintf(w, "roll %d imported from %s (sha256 %s) by %s: %d voters, %d bad rows skipped\n",
		i.ID, i.File, i.SHA256, i.By, i.Rows, i.BadRows)
	return err
}
