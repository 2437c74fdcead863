package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// StatsCommand prints what central holds.
type StatsCommand struct {
	main *Main
}

const statsSynopsis = `
central stats --data DIR [--db … | --db-file FILE] [--json]

Prints the counts: records (total, by kind, by channel), duplicates and
conflicts seen, devices by state, supports and unique signers per proposal,
and gaps per device (sequence numbers a device made that central does not
hold, up to the highest it holds or the device last reported). --json
prints them as one JSON object for scripts and tests.`

// Run prints the stats.
func (c *StatsCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central stats", statsSynopsis)
	db := addDBFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if err := db.check(); err != nil {
		return err
	}
	store, err := db.open(ctx, c.main)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := central.Summarize(ctx, store)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.main.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	tw := tabwriter.NewWriter(c.main.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "records\t%d\n", st.Records)
	for _, k := range record.Kinds {
		fmt.Fprintf(tw, "  %s\t%d\n", k, st.ByKind[string(k)])
	}
	for _, ch := range []string{central.ChannelKiosk, central.ChannelCanvasser, central.ChannelBundle} {
		fmt.Fprintf(tw, "  via %s\t%d\n", ch, st.ByChannel[ch])
	}
	fmt.Fprintf(tw, "duplicates seen\t%d\n", st.Duplicates)
	fmt.Fprintf(tw, "conflicts kept\t%d\n", st.Conflicts)
	fmt.Fprintf(tw, "devices\t%d active, %d revoked\n", st.Devices[central.DeviceActive], st.Devices[central.DeviceRevoked])
	fmt.Fprintf(tw, "campaign version\t%d\n", st.CampaignVersion)
	fmt.Fprintf(tw, "missing records\t%d\n", st.Missing)
	for _, g := range st.Gaps {
		if g.Missing > 0 {
			fmt.Fprintf(tw, "  %s\t%d missing in %d ranges\n", g.DeviceID, g.Missing, len(g.Ranges))
		}
	}
	fmt.Fprintln(tw, "\nPROPOSAL\tSUPPORTS\tUNIQUE SIGNERS\tTHRESHOLD")
	for _, p := range st.Proposals {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p.ID, p.Supports, p.UniqueSigners, p.Threshold)
	}
	return tw.Flush()
}
