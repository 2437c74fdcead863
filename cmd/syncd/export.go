package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/progress"
)

// ExportCommand writes an offline bundle.
type ExportCommand struct {
	m *Main
}

const exportAbout = `Writes every record still pending on this device, sealed and signed as
stored, plus the device's identity, into one integrity-checked bundle FILE
for a USB stick; "central import" ingests it. The records stay pending:
when the device later reaches central they are answered as duplicates, so
exporting, importing and syncing count each record once. Needs no network.

Prints the number of records written; progress goes to stderr. Fails
(exit 1) when the device is not enrolled.
`

// Run exports.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("export", "--db PATH --out FILE", exportAbout)
	db := fs.String("db", "", "outbox `file` of this device")
	out := fs.String("out", "", "bundle `file` to write (replaced if it exists)")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return usageError{errors.New("--out is required")}
	}
	store, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := progress.New(c.m.Stderr, "records")
	hdr, err := bundle.Export(ctx, store, *out, bar.Func())
	bar.Finish()
	if errors.Is(err, outbox.ErrNotEnrolled) {
		return fmt.Errorf("%w: nothing to export; enroll it first (syncd enroll)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "wrote %d records of device %s to %s\n", hdr.Records, hdr.DeviceID, *out)
	return nil
}
