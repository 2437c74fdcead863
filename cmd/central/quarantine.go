package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
)

// QuarantineCommand lists or purges records whose sealed body won't open.
type QuarantineCommand struct{ main *Main }

// Run lists or purges.
func (c *QuarantineCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("quarantine")
	db := c.main.dbFlags(fs, true)
	all, asJSON := fs.Bool("all", false, "purge every quarantined record"), fs.Bool("json", false, "print the list as JSON")
	pos, err := db.parse(fs, args)
	if err != nil {
		return err
	}
	action, ids, err := central.QuarantineAction(pos, *all)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := central.DoQuarantine(ctx, store, action, ids)
	if err != nil {
		return err
	}
	return report.QuarantineResult(c.main.Stdout, res, *asJSON)
}
