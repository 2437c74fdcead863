package main

import (
	"context"
	"fmt"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/progress"
)

// ImportCommand ingests offline bundles.
type ImportCommand struct {
	main  *Main
	batch int // records per ingest call; central.DefaultImportBatch when 0
}

const importSynopsis = `
central import --data DIR [--db … | --db-file FILE] [--allow-revoked] BUNDLE…

Ingests offline bundles written by "syncd export" through the same
idempotent path as uploads: a record central already holds counts as a
duplicate, so importing a bundle twice, or importing it and later syncing
the device, counts each record once. Works while the server runs.

Every bundle is verified in full first (checksum, framing, the device's
signature) and its device must be enrolled here with the same key; if any
bundle fails, nothing is imported. Bundles from a revoked device are
refused unless --allow-revoked is given (to recover a stolen device's
earlier, honest records). Prints accepted, duplicate, conflict and
rejected counts per bundle; progress goes to stderr.`

// Run imports.
func (c *ImportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central import", importSynopsis)
	db := addDBFlags(fs)
	allowRevoked := fs.Bool("allow-revoked", false, "import bundles from revoked devices too")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := db.check(); err != nil {
		return err
	}
	if len(paths) == 0 {
		return &usageError{"no BUNDLE given"}
	}
	node, err := central.Open(ctx, central.Config{DataDir: *db.data, OpenStore: db.opener(c.main, false), Logger: c.main.Logger})
	if err != nil {
		return err
	}
	defer node.Close()
	opt := central.ImportOptions{AllowRevoked: *allowRevoked, Batch: c.batch}

	bundles := make([]*bundle.Bundle, 0, len(paths))
	for _, p := range paths {
		bar := progress.New(c.main.Stderr, "bytes checked")
		opt.Progress = bar.Update
		b, err := node.CheckBundle(ctx, p, opt)
		bar.Finish()
		if err != nil {
			return fmt.Errorf("%w; nothing was imported", err)
		}
		bundles = append(bundles, b)
	}
	var total central.ImportCounts
	for i, b := range bundles {
		bar := progress.New(c.main.Stderr, "records imported")
		opt.Progress = bar.Update
		n, err := node.ImportBundle(ctx, b, opt)
		bar.Finish()
		if err != nil {
			return fmt.Errorf("import %s: %w (%d of %d bundles fully imported; importing again is safe)", paths[i], err, i, len(bundles))
		}
		fmt.Fprintf(c.main.Stdout, "%s: device %s, %d records: %s\n", paths[i], b.Header.DeviceID, b.Header.Records, n)
		total.Merge(n)
	}
	if len(bundles) > 1 {
		fmt.Fprintf(c.main.Stdout, "total: %s\n", &total)
	}
	return node.Close()
}
