package main

import (
	"context"
	"flag"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/central/report"
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
	var allowRevoked bool
	return c.main.onNode(ctx, "import", args, backend.Command{Positional: true,
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&allowRevoked, "allow-revoked", false, "import bundles from revoked devices too")
		},
		Check: func(paths []string) error {
			if len(paths) == 0 {
				return cli.Usagef("no BUNDLE given")
			}
			return nil
		},
		Run: func(node *central.Node, paths []string) error {
			opt := central.ImportOptions{AllowRevoked: allowRevoked, Batch: c.batch}
			total, err := node.Import(ctx, paths, opt, progress.Steps(c.main.Stderr), report.ImportedBundle(c.main.Stdout))
			if err == nil && len(paths) > 1 {
				report.ImportTotal(c.main.Stdout, total)
			}
			return err
		}})
}
