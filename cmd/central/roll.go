package main

import (
	"context"
	"strconv"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/progress"
)

// RollCommand imports the electoral roll (central.ImportRoll) and records
// the import in the audit log.
type RollCommand struct{ main *Main }

// Run imports.
func (c *RollCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("roll")
	db := c.main.dbFlags(fs, true)
	columns := fs.String("columns", "", "column `MAPPING`: field=COLUMN pairs, comma-separated")
	pos, err := db.Parse(fs, args)
	if err != nil {
		return err
	}
	opt, err := central.RollImportArgs(pos, *columns, *db.Data, progress.Steps(c.main.Stderr))
	if err != nil {
		return cli.Usagef("%v", err)
	}
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	res, err := central.ImportRoll(ctx, node.Store(), opt)
	if err == nil {
		err = node.Audit(ctx, central.CommandLineActor(), central.AuditRollImport, map[string]string{
			"file": res.Import.File, "sha256": res.Import.SHA256, "rows": strconv.FormatInt(res.Import.Rows, 10)})
	}
	return report.RollImport(c.main.Stdout, c.main.Stderr, res, err)
}
