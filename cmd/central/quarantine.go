package main

import (
	"context"
	"strconv"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
)

// QuarantineCommand lists or purges records whose sealed body won't open.
type QuarantineCommand struct{ main *Main }

// Run lists or purges (recording a purge in the audit log).
func (c *QuarantineCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("quarantine")
	db := c.main.dbFlags(fs, true)
	all, asJSON := fs.Bool("all", false, "purge every quarantined record"), fs.Bool("json", false, "print the list as JSON")
	pos, err := db.Parse(fs, args)
	if err != nil {
		return err
	}
	action, ids, err := central.QuarantineAction(pos, *all)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	res, err := central.DoQuarantine(ctx, node.Store(), action, ids)
	if err == nil && res.Action == "purge" {
		err = node.Audit(ctx, central.CommandLineActor(), central.AuditPurge, map[string]string{"records": strconv.Itoa(res.Purged), "all": strconv.FormatBool(*all)})
	}
	if err != nil {
		return err
	}
	return report.QuarantineResult(c.main.Stdout, res, *asJSON)
}
