package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// EnrollCommand enrolls the device with central.
type EnrollCommand struct {
	m *Main
}

const enrollAbout = `Enrolls this device with central using a one-time provisioning code from
"central token": makes the device's own key, registers it, checks that the
server's key matches the code's fingerprint and signed the answer, stores
the identity in the outbox and downloads the campaign. A mistyped code is
caught on the device before anything is sent. The connection must be
https (pinned to the TLS key or authority the code names, if any), or plain
http to this machine, or plain http the code allows (central token
--insecure-http); no redirect away from the code's address is followed.

Fails (exit 1) when the code is mistyped, already used, expired or unknown
to central; when central is unreachable; when the server's key or TLS
certificate does not match the code, or an answer is not signed by it;
when the address is plain http the code does not allow, or redirects
elsewhere; or when records of a previous enrollment are still pending.
A device clock more than a day away from central's is reported, but does
not stop enrollment: records sync whatever the clock says.

The kiosk collects only once the device has a technician PIN: give it here
with --pin-file (the first line of a file, or - for standard input; never
on the command line), or later with "syncd pin". Without one, enroll warns
and the kiosk shows "ask a technician".
`

// Run enrolls.
func (c *EnrollCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("enroll", "--db PATH --code CODE [--name NAME] [--mode kiosk|canvasser] [--pin-file FILE|-]", enrollAbout)
	db := fs.String("db", "", "outbox `file` of this device (created if missing)")
	code := fs.String("code", "", "provisioning `code`, as printed by central token")
	name := fs.String("name", "", "device `name` shown to operators (default: the host name)")
	mode := fs.String("mode", record.ModeKiosk, "collection `mode`: kiosk or canvasser")
	pinFile := fs.String("pin-file", "", "`file` whose first line is the technician PIN; - for standard input")
	verbose := fs.Bool("v", false, "log progress")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	if *code == "" {
		fs.Usage()
		return usageError{errors.New("--code is required")}
	}
	// Read and check the PIN before the one-time code is spent.
	pin := ""
	if *pinFile != "" {
		var err error
		if pin, err = readPIN(*pinFile, c.m.Stdin); err != nil {
			return err
		}
	}
	store, err := outbox.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	s := syncer.New(store)
	s.Logger = c.m.logger(*verbose)
	e, err := s.Enroll(ctx, *code, *name, *mode)
	if e == nil {
		return fmt.Errorf("enroll: %w", err)
	}
	fmt.Fprintf(c.m.Stdout, "enrolled as %s (%q, %s mode) with %s\n", e.DeviceID, e.Name, e.Mode, e.ServerURL)
	switch set, perr := pinguard.New(store).IsSet(ctx); {
	case pin != "":
		if perr := setPIN(ctx, store, pin); perr != nil {
			return fmt.Errorf("enrolled, but %w; set it with syncd pin", perr)
		}
		fmt.Fprintln(c.m.Stdout, "technician pin set")
	case perr == nil && !set:
		fmt.Fprintln(c.m.Stderr, "warning: no technician pin: the kiosk will not collect until one is set with: syncd pin --db "+*db+" --pin-file FILE")
	}
	if e.CampaignVersion > 0 {
		fmt.Fprintf(c.m.Stdout, "campaign %s version %d stored\n", e.CampaignID, e.CampaignVersion)
	}
	if e.ClockFarOff {
		fmt.Fprintf(c.m.Stderr, "warning: this device's clock is %s %s central's; set it, or records will carry wrong times\n",
			e.ClockSkew.Abs().Round(time.Minute), map[bool]string{true: "behind", false: "ahead of"}[e.ClockSkew > 0])
	}
	if err != nil {
		// Enrolled all the same: syncd run keeps trying to download the
		// campaign.
		fmt.Fprintf(c.m.Stderr, "warning: %v\n", err)
	}
	return nil
}
