package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// DevicesCommand lists or revokes devices.
type DevicesCommand struct {
	main *Main
}

const devicesSynopsis = `
central devices --data DIR [--db … | --db-file FILE] [--json] [list | revoke DEVICE]

list (the default) shows every device: id, name, mode, state, when it
enrolled and was last seen, records pending on it at its last heartbeat,
and the highest sequence number central holds from it.
revoke stops a device's uploads at once, also while the server runs.`

// deviceJSON is one line of `central devices --json`.
type deviceJSON struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Mode       string              `json:"mode"`
	State      central.DeviceState `json:"state"`
	EnrolledAt time.Time           `json:"enrolled_at"`
	RevokedAt  *time.Time          `json:"revoked_at,omitempty"`
	LastSeen   *time.Time          `json:"last_seen,omitempty"`
	Records    int64               `json:"records"`
	LastSeq    uint64              `json:"last_seq"`
	Pending    *int                `json:"pending,omitempty"` // from the last heartbeat
	Heartbeat  *time.Time          `json:"heartbeat_at,omitempty"`
	LastError  string              `json:"last_error,omitempty"`
}

// Run lists or revokes.
func (c *DevicesCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central devices", devicesSynopsis)
	db := addDBFlags(fs)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := db.check(); err != nil {
		return err
	}
	action := "list"
	if len(pos) > 0 {
		action = pos[0]
	}
	switch {
	case action == "list" && len(pos) <= 1:
	case action == "revoke" && len(pos) == 2:
	case action == "revoke":
		return &usageError{"usage: central devices revoke DEVICE"}
	default:
		return &usageError{fmt.Sprintf("unknown devices action %q; use list or revoke DEVICE", action)}
	}
	store, err := db.open(ctx, c.main)
	if err != nil {
		return err
	}
	defer store.Close()
	if action == "revoke" {
		id := pos[1]
		err := store.RevokeDevice(ctx, id, time.Now())
		if errors.Is(err, central.ErrNotFound) {
			return fmt.Errorf("no device %q", id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(c.main.Stdout, "revoked %s\n", id)
		return nil
	}
	devices, err := store.Devices(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(devices)
	}
	return c.printTable(devices)
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (c *DevicesCommand) printJSON(devices []central.DeviceInfo) error {
	out := make([]deviceJSON, 0, len(devices))
	for _, d := range devices {
		j := deviceJSON{
			ID: d.ID, Name: d.Name, Mode: d.Mode, State: d.State(), EnrolledAt: d.EnrolledAt,
			RevokedAt: optTime(d.RevokedAt), LastSeen: optTime(d.LastSeen), Records: d.Records, LastSeq: d.LastSeq,
		}
		if d.Health != nil {
			p := d.Health.Heartbeat.Pending
			j.Pending, j.Heartbeat, j.LastError = &p, optTime(d.Health.ReceivedAt), d.Health.Heartbeat.LastError
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(c.main.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (c *DevicesCommand) printTable(devices []central.DeviceInfo) error {
	tw := tabwriter.NewWriter(c.main.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMODE\tSTATE\tENROLLED\tLAST SEEN\tPENDING\tLAST SEQ")
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	for _, d := range devices {
		pending := "-"
		if d.Health != nil {
			pending = strconv.Itoa(d.Health.Heartbeat.Pending)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", d.ID, d.Name, d.Mode, d.State(),
			when(d.EnrolledAt), when(d.LastSeen), pending, d.LastSeq)
	}
	return tw.Flush()
}
