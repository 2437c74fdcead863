package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/progress"
)

// RollCommand imports the electoral roll (central.ImportRoll).
type RollCommand struct{ main *Main }

// Run imports.
func (c *RollCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("roll")
	db := c.main.dbFlags(fs, true)
	columns := fs.String("columns", "", "column `MAPPING`: field=COLUMN pairs, comma-separated")
	pos, err := db.parse(fs, args)
	if err != nil {
		return err
	}
	opt, err := central.RollImportArgs(pos, *columns, *db.data, progress.Steps(c.main.Stderr))
	if err != nil {
		return cli.Usagef("%v", err)
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := central.ImportRoll(ctx, store, opt)
	return report.RollImport(c.main.Stdout, c.main.Stderr, res, err)
}
