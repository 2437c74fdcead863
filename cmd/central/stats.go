package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
)

// StatsCommand prints what central holds.
type StatsCommand struct{ main *Main }

// Run prints the stats.
func (c *StatsCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("stats")
	db := c.main.dbFlags(fs, false)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := db.Parse(fs, args); err != nil {
		return err
	}
	store, err := db.Opener(false)(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := central.Summarize(ctx, store)
	switch {
	case err != nil:
		return err
	case *asJSON:
		return report.JSON(c.main.Stdout, st)
	}
	return report.Stats(c.main.Stdout, st)
}
