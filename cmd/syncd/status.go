package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
)

// StatusCommand shows the device's sync state.
type StatusCommand struct {
	m *Main
}

const statusAbout = `Shows the device's sync state from its outbox; needs no network and no
running daemon. --json prints one object with the fields enrolled,
device_id, name, mode, server, pending, synced, dead, oldest_pending,
last_seq, campaign_version, last_attempt, last_success, last_error,
last_error_at, next_attempt, stopped and free_disk; times are RFC 3339 in
UTC, or null when they never happened.
`

// Run prints the status.
func (c *StatusCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("status", "--db PATH [--json]", statusAbout)
	db := fs.String("db", "", "outbox `file` of this device")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	store, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := handoff.ReadStatus(ctx, store)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	writeStatus(c.m.Stdout, st, time.Now())
	return nil
}

// writeStatus prints the status for a person.
func writeStatus(w io.Writer, st *handoff.Status, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	line := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	if st.Enrolled {
		line("device", "%s (%q, %s mode)", st.DeviceID, st.Name, st.Mode)
		line("server", "%s", st.Server)
	} else {
		line("device", "not enrolled: run syncd enroll")
	}
	rec := fmt.Sprintf("%d pending, %d synced, %d dead", st.Pending, st.Synced, st.Dead)
	if st.OldestPending != nil {
		rec += fmt.Sprintf(" (oldest pending %s)", when(st.OldestPending, now))
	}
	line("records", "%s", rec)
	if st.CampaignVersion > 0 {
		line("campaign", "version %d", st.CampaignVersion)
	} else {
		line("campaign", "none yet")
	}
	line("last sync", "%s", when(st.LastSuccess, now))
	line("last attempt", "%s", when(st.LastAttempt, now))
	if st.LastError != "" {
		line("last error", "%s: %s", when(st.LastErrorAt, now), st.LastError)
	}
	if st.NextAttempt != nil {
		line("next attempt", "%s", when(st.NextAttempt, now))
	}
	if st.Stopped != "" {
		line("STOPPED", "%s", st.Stopped)
	}
	if st.FreeDisk > 0 {
		line("free disk", "%.1f GB", float64(st.FreeDisk)/1e9)
	}
}

// when shows a time with how long ago (or ahead) it is.
func when(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	d := now.Sub(*t).Round(time.Second)
	rel := d.String() + " ago"
	if d < 0 {
		rel = "in " + (-d).String()
	}
	return strings.TrimSpace(t.Local().Format("2006-01-02 15:04:05") + " (" + rel + ")")
}
