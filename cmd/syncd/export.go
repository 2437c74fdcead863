package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/outbox"
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
	bar := &progressBar{w: c.m.Stderr, what: "records"}
	hdr, err := bundle.Export(ctx, store, *out, bar.update)
	bar.finish()
	if errors.Is(err, outbox.ErrNotEnrolled) {
		return fmt.Errorf("%w: nothing to export; enroll it first (syncd enroll)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "wrote %d records of device %s to %s\n", hdr.Records, hdr.DeviceID, *out)
	return nil
}

// progressBar draws "[#####     ] done/total what" on one terminal line.
type progressBar struct {
	w     io.Writer
	what  string
	drawn bool
}

func (p *progressBar) update(done, total int) {
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.w, "\r[%s] %d/%d %s", bar, done, total, p.what)
	p.drawn = true
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
