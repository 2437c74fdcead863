package main

import (
	"context"
	"fmt"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/progress"
)

// ImportCommand ingests offline bundles through the engine's import
// (central.Node.Import), which holds the trust rules.
type ImportCommand struct {
	main  *Main
	batch int // records per ingest call; central.DefaultImportBatch when 0
}

// Run imports.
func (c *ImportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("import")
	db := c.main.dbFlags(fs, true)
	allowRevoked := fs.Bool("allow-revoked", false, "import bundles from revoked devices too")
	paths, err := db.parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return cli.Usagef("no BUNDLE given")
	}
	node, err := central.Open(ctx, central.Config{DataDir: *db.data, OpenStore: db.opener(false), Logger: c.main.Logger})
	if err != nil {
		return err
	}
	defer node.Close()
	printed := func(path string, h *bundle.Header, n *central.ImportCounts) {
		fmt.Fprintf(c.main.Stdout, "%s: device %s, %d records: %s\n", path, h.DeviceID, h.Records, n)
	}
	total, err := node.Import(ctx, paths, central.ImportOptions{AllowRevoked: *allowRevoked, Batch: c.batch}, progress.Steps(c.main.Stderr), printed)
	if err != nil {
		return err
	}
	if len(paths) > 1 {
		fmt.Fprintf(c.main.Stdout, "total: %s\n", total)
	}
	return node.Close()
}
