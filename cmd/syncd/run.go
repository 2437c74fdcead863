package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// RunCommand is the daemon.
type RunCommand struct {
	m *Main
}

const runAbout = `Runs the sync daemon until SIGTERM or SIGINT, then exits 0. It uploads
pending records in signed, compressed batches sized for the link, retrying
with exponential backoff and jitter for as long as it takes (honouring
Retry-After); pulls new campaign content every few minutes and stores it
only once central's signature verifies; sends a heartbeat every minute; and
acts within seconds on "sync now" and enrollment requests the kiosk writes
to the outbox. A device that is not enrolled yet waits for enrollment.

If central refuses the device for good (revoked or unknown), uploads stop
and "syncd status" says why, until a technician acts. Stopping the daemon
mid-upload loses nothing: the records stay pending and central recognises
any it already stored.
`

// Run runs the daemon.
func (c *RunCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("run", "--db PATH", runAbout)
	db := fs.String("db", "", "outbox `file` of this device")
	quiet := fs.Bool("q", false, "log only problems")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	store, err := outbox.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	s := syncer.New(store)
	s.Logger = c.m.logger(!*quiet)
	s.Logger.Info("syncd started", "db", *db, "version", s.AppVersion)
	err = s.Run(ctx)
	s.Logger.Info("syncd stopped")
	return err
}
